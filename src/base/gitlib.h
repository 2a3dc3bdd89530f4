/* libgit2, started once for the whole process (gitstore and the text diff
 * both use it) and never shut down: a shutdown when the last repository
 * closed made the next open start it again, certificates and all. */
#ifndef FS_GITLIB_H
#define FS_GITLIB_H

void fs_gitlib_init(void);

#endif
