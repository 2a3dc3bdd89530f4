/* File helpers: whole-file reads and atomic writes. */
#ifndef FS_FSUTIL_H
#define FS_FSUTIL_H

#include <stddef.h>
#include "base/err.h"

/* Reads a whole file; *out is NUL-terminated, *len (may be NULL) excludes it. */
enum fs_err_code fs_read_file(const char *path, char **out, size_t *len, fs_err *e);
/* Writes atomically: a temp file in the same folder, fsync, rename, fsync of
 * the folder. A crash leaves either the old or the new file, never half. */
enum fs_err_code fs_write_file_atomic(const char *path, const void *data, size_t len, int mode, fs_err *e);
/* Temp files of ours are NAME + FS_TEMP_MARK + 6 letters or digits, beside
 * the file they replace: a load removes leftovers, git commits never take them. */
#define FS_TEMP_MARK ".fsstudio-"
int fs_is_temp_name(const char *path);
/* Writes data to a new temp file beside path (mode: as fs_write_file_atomic),
 * fsynced; *tmp is its path (caller frees). */
enum fs_err_code fs_write_temp(const char *path, const void *data, size_t len, int mode, char **tmp, fs_err *e);
/* fsync of the folder holding path (makes a rename or unlink durable). */
void fs_fsync_dir_of(const char *path);
/* mkdir -p; mode for created folders. */
enum fs_err_code fs_mkdir_p(const char *path, int mode, fs_err *e);
int fs_is_dir(const char *path);
int fs_is_file(const char *path);
/* "a" + "/" + "b", without doubling slashes. Caller frees. */
char *fs_path_join(const char *a, const char *b);
/* Removes a folder tree (used by tests and temp cleanups). */
int fs_rm_rf(const char *path);

#endif
