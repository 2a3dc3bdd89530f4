/* Test projects of the format area (tests/data/format/NAME), stored with
 * their split folder named c8oProject_ (the repository rejects tracked
 * _c8oProject folders outside projects/), laid out as real projects. */
#ifndef FS_FORMAT_DATA_H
#define FS_FORMAT_DATA_H

/* A copy of tests/data/format/NAME in a fresh temp folder, the split folder
 * renamed _c8oProject; with crlf every line break becomes CRLF. Returns the
 * project folder (caller frees the string; fs_test_cleanup removes it). */
char *fmt_layout(const char *name, int crlf);
/* Reads a file of a folder, NUL-terminated; aborts the test when absent. */
char *fmt_read(const char *dir, const char *relpath);
/* Number of lines that differ between two texts (a crude diff). */
int fmt_changed_lines(const char *a, const char *b);

#endif
