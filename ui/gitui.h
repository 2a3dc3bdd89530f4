/* Git state of the open projects for the panes (ui/git.c): repositories,
 * status in object terms (refreshed in the background), change marks. */
#ifndef FS_UI_GITUI_H
#define FS_UI_GITUI_H

#include "app.h"
#include "git/gitstore.h"

/* Opens the repositories and starts the first status. */
void fs_gitui_start(fs_app *a);
/* Runs the status again (after a save, a commit, a restore). */
void fs_gitui_refresh(fs_app *a);
/* Project proj was read at last (a workspace's stand-in replaced): its
 * repository and its status. */
void fs_gitui_loaded(fs_app *a, int proj);
/* Waits for a running status (tests, quitting). */
void fs_gitui_wait(fs_app *a);
void fs_gitui_free(fs_app *a);
/* NULL when the project is not in a git repository. */
fs_repo *fs_gitui_repo(fs_app *a, int proj);
/* The last status; NULL before the first one comes back. */
const fs_changes *fs_gitui_changes(fs_app *a, int proj);
/* Why the last status failed, or NULL. */
const char *fs_gitui_error(fs_app *a, int proj);
/* The mark of an object: its change letter (M, A, R...), '*' when something
 * inside it changed, 0 when nothing did. */
int fs_gitui_mark(fs_app *a, int proj, const fs_obj *o);
/* Emits the hunks of a diff as colored lines: "@@ ... @@" heads, then
 * "+", "-" and " " lines (the diffs of the status, history and deploy panes). */
void fs_gitui_add_hunks(const fs_hunks *h, void (*emit)(void *ctx, const char *text, int color), void *ctx);

#endif
