/* The studio: `fsstudio [DIR]`, full screen. DIR holds one project
 * (c8oProject.yaml) or several (subfolders with one each). */
#ifndef FS_UI_STUDIO_H
#define FS_UI_STUDIO_H

/* argv[0] is the command name; argv[1], when given, the folder. Returns the
 * exit status. */
int fs_studio_main(int argc, char **argv);

#endif
