/* The studio and the disk (issue 10): what each project was read from
 * (fingerprints), its unsaved edits as object operations (model/edits.h),
 * and an inotify watch on the project's files and on the git state, read
 * in the main loop's poll.
 *
 * A save first checks that the files are still what was read; when someone
 * else wrote them meanwhile, the project is read again and the studio's
 * edits re-applied to it (a rebase), and an object changed on both sides is
 * a conflict the user settles in the conflict pane (ui/conflict.c): nothing
 * is ever written over a change the studio did not see. The same rebase
 * runs within a second of an outside change, and on the F5 key. */
#ifndef FS_UI_WATCH_H
#define FS_UI_WATCH_H

#include "app.h"
#include "model/edits.h"

/* After the projects are loaded: fingerprints, the inotify watch. */
void fs_sync_start(fs_app *a);
void fs_sync_free(fs_app *a);
/* Project proj was read at last (a workspace's stand-in, which has no
 * folder, replaced): its fingerprints and its watch. */
void fs_sync_loaded(fs_app *a, int proj);

/* The log of project proj's unsaved edits: the studio's edits go through
 * the fs_edit_* functions with it. */
fs_edits *fs_sync_log(fs_app *a, int proj);
/* The fingerprints of the files proj was read from. */
const cJSON *fs_sync_fp(fs_app *a, int proj);
/* What proj now holds is what its folder holds (read again, saved): new
 * fingerprints, an empty log. */
void fs_sync_reset(fs_app *a, int proj);
/* Takes over a log and the fingerprints it was made on (recovery). */
void fs_sync_adopt(fs_app *a, int proj, fs_edits *log, cJSON *fp);

/* Saves proj unless its files changed on disk; then reads them again and
 * re-applies the edits first. Returns 0 when saved (note gets what happened
 * on the way, if anything), 1 when conflicts wait for the user (nothing
 * written), -1 on an error (in e). */
int fs_sync_save(fs_app *a, int proj, fs_buf *note, fs_err *e);

/* Reads project proj again from its folder and re-applies log (the files
 * changed since fp); conflicts open the conflict pane. note gets one
 * sentence. Returns 0, or -1 when the folder does not load now (then
 * nothing changes). */
int fs_sync_rebase(fs_app *a, int proj, const fs_edits *log, fs_buf *note);

/* Looks at the disk now (the refresh key): files changed outside are read
 * again, the git marks refreshed; says what changed. */
void fs_sync_refresh(fs_app *a);
/* Milliseconds until the pending check (-1: none) and running it, for the
 * main loop (changes come in bursts: a checkout writes many files). */
int fs_sync_timeout(fs_app *a);
void fs_sync_timers(fs_app *a);
/* The git status is being run again: the git state as it is now is seen. */
void fs_sync_git_seen(fs_app *a);

/* Conflicts waiting for the user (ui/conflict.c). */
fs_conflict *fs_sync_conflict(fs_app *a, int *proj, size_t *left);
/* Settles the first conflict: 'm' keeps mine, 't' takes theirs; with text
 * (from the editor), keeps that text as mine. */
enum fs_err_code fs_sync_settle(fs_app *a, int how, const char *text, fs_err *e);

#endif
