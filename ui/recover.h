/* Recovery files: the unsaved state of a project, written a few seconds
 * after each change to $XDG_STATE_HOME/fsstudio/ (or ~/.local/state/fsstudio/)
 * so that a crash or a killed terminal loses at most those seconds. */
#ifndef FS_UI_RECOVER_H
#define FS_UI_RECOVER_H

#include <time.h>
#include "model/edits.h"
#include "model/project.h"

/* The recovery file of a project folder (caller frees); NULL without HOME. */
char *fs_recover_path(const char *dir);
/* Writes the changed files of p (and the files it would remove), its
 * unsaved edits as object operations (log, may be NULL) and the
 * fingerprints of the files they were made on (fp, may be NULL). */
enum fs_err_code fs_recover_write(fs_project *p, const fs_edits *log, const cJSON *fp, fs_err *e);
/* 1 when a recovery file exists for dir; *when gets its time. */
int fs_recover_pending(const char *dir, time_t *when);
/* The project of dir in its recovered state, unsaved: its files read from
 * the recovery file where it has them, else from dir; rendering it marks
 * the recovered files changed (fs_project_open_overlay). The recovery file
 * stays until a save or a discard. */
enum fs_err_code fs_recover_load(const char *dir, fs_project **out, fs_err *e);
/* The edits of the recovery file of dir and the fingerprints of the files
 * they were made on: when the folder moved on since (another writer, a
 * checkout), they are re-applied to it instead (ui/watch.c). FS_E_NOTFOUND
 * when the file has none (written by an older fsstudio). */
enum fs_err_code fs_recover_edits(const char *dir, fs_edits *log, cJSON **fp, fs_err *e);
void fs_recover_discard(const char *dir);

#endif
