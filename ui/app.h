/* The studio: state shared by the panes, and what panes may ask of the app. */
#ifndef FS_UI_APP_H
#define FS_UI_APP_H

#include <time.h>
#include "model/project.h"
#include "view.h"

/* An object named so that it survives edits: project index and path. */
typedef struct fs_ref {
	int proj;
	char *path;
} fs_ref;

struct fs_menu_item {
	fs_req req;
	const char *label;
};

typedef struct fs_modal fs_modal;
typedef void (*fs_modal_fn)(fs_app *a, fs_modal *m, int answer);

enum fs_modal_kind { FS_M_PROMPT, FS_M_CONFIRM, FS_M_MENU };

/* A prompt (text input), a question (one key among `choices`) or a menu.
 * on_done gets the key that ended it (Enter, Esc or the chosen letter);
 * setting m->keep leaves the modal open (a value that did not validate). */
struct fs_modal {
	enum fs_modal_kind kind;
	char *label;
	fs_buf text;             /* prompt text (UTF-8) */
	size_t cur;              /* cursor, byte offset in text */
	int y, x, w;             /* inline prompt area; w == 0: message line */
	const char *choices;     /* confirm: accepted letters, e.g. "yn" */
	struct fs_menu_item *items;
	size_t nitems, sel;
	fs_modal_fn on_done;
	fs_modal_fn on_change;   /* prompt: after every edit */
	fs_ref ref;              /* the object it is about */
	char *arg;               /* more context (property key...) */
	int keep;
};

struct fs_app {
	char *workdir;
	fs_project **projects;
	size_t nprojects;
	fs_pane panes[FS_P_COUNT];
	fs_pane *left, *right, *full, *focus;
	int narrow;
	int zoom;                /* the focused pane takes the whole screen */
	char *search;            /* text searched in search_pane (NULL: none) */
	fs_pane *search_pane;
	size_t search_from;      /* the line the search prompt started on */
	int redraw;              /* something changed since the last frame */
	char *msg;
	int msg_error;
	fs_modal *modal;
	int quit;
	long long recover_at;    /* monotonic ms; 0: nothing pending */
	char *recovery_ours;     /* per project: its recovery file is this run's */
	fs_ref clip;             /* copied object */
	fs_ref *back;            /* goto-target history */
	size_t nback;
	int mouse;
	struct fs_watch *watches; /* other file descriptors of the main loop */
	size_t nwatches;
	const char *test_keys;   /* scripted mode: the keys left to play */
	struct fs_gitui *git;    /* ui/git.c */
	int busy;                /* background jobs shown with a spinner */
	struct fs_sync *sync;    /* edit logs and the watch on the disk (ui/watch.c) */
	struct fs_undo *undo;    /* tree operations to undo and redo (ui/undo.c) */
	struct fs_ws *ws;        /* projects read when first needed (ui/workspace.c) */
};

/* Calls fn when fd is ready (events as for poll), from the main loop, so
 * that background work (deploy, browse) never blocks the screen. */
typedef void (*fs_watch_fn)(fs_app *a, int fd, int revents, void *ctx);
struct fs_watch {
	int fd, events;
	fs_watch_fn fn;
	void *ctx;
};
void fs_app_watch(fs_app *a, int fd, int events, fs_watch_fn fn, void *ctx);
void fs_app_unwatch(fs_app *a, int fd);

/* The selected object of the tree (NULL when none) and its project index. */
fs_obj *fs_app_selected(fs_app *a, int *proj);
/* Selects an object in the tree (expanding its ancestors) and shows it. */
int fs_app_select(fs_app *a, int proj, const char *path);
/* Messages on the message line. */
void fs_app_msg(fs_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fs_app_error(fs_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The model changed: mark unsaved, schedule the recovery file, rebuild panes. */
void fs_app_changed(fs_app *a);
/* How many projects have unsaved changes (ui/app.c). */
int fs_app_unsaved(fs_app *a);
/* The model changed in a way only the pane that made the change shows (a
 * keystroke in the editor): schedule the recovery file, redraw. */
void fs_app_touched(fs_app *a);
/* Panes that keep edits for a pause (the editor) hand them to the model,
 * all but `except` (NULL: all): before a signal's recovery file, before a
 * key, a click or a prompt that may read the model. */
void fs_app_flush(fs_app *a, const fs_pane *except);
/* Opens the function editor on a function (ui/editor.c). */
int fs_editor_edit(fs_app *a, int proj, fs_obj *fn);
/* The same with the cursor at line:col (1-based, col in characters). */
int fs_editor_edit_at(fs_app *a, int proj, fs_obj *fn, unsigned line, unsigned col);
/* Something shown changed, not the model (git status came back...). */
void fs_app_changed_view(fs_app *a);
/* Panes follow the tree's selection. */
void fs_app_selection_moved(fs_app *a);
/* Shows a pane: FS_P_HELP full screen, others on the right. */
void fs_app_open(fs_app *a, fs_pane_id id);
void fs_app_close_pane(fs_app *a, fs_pane *p);
void fs_app_focus(fs_app *a, fs_pane *p);

/* Modals (ui/modal.c). */
fs_modal *fs_modal_prompt(fs_app *a, const char *label, const char *init, fs_modal_fn done);
fs_modal *fs_modal_confirm(fs_app *a, const char *label, const char *choices, fs_modal_fn done);
fs_modal *fs_modal_menu(fs_app *a, const char *label, struct fs_menu_item *items, size_t n, fs_modal_fn done);
void fs_modal_close(fs_app *a);
/* Feeds a key to the open modal. */
void fs_modal_key(fs_app *a, int key);
void fs_modal_draw(fs_app *a, int rows, int cols);

/* References. */
void fs_ref_set(fs_ref *r, int proj, const fs_obj *o);
void fs_ref_clear(fs_ref *r);
fs_obj *fs_ref_get(fs_app *a, const fs_ref *r);

/* Actions (ui/actions.c): requests about the model. Returns FS_REQ_NONE
 * when the request was handled. */
fs_req fs_action(fs_app *a, fs_req r);
/* Opens a menu whose items run their request. */
void fs_action_menu_open(fs_app *a, const char *title, struct fs_menu_item *items, size_t n);
/* The requests of the context menu for the selection. */
size_t fs_action_menu(fs_app *a, struct fs_menu_item *items, size_t max);
/* Saves every changed project. Returns 0 when all saved. */
int fs_action_save_all(fs_app *a);
/* Resolves the target of a listener or GetView transaction; NULL if none. */
fs_obj *fs_action_target(fs_app *a, fs_obj *o, int *proj, char **why);

/* Tree pane helpers used by the app. */
void fs_tree_rebuild(fs_app *a);
int fs_tree_select(fs_app *a, int proj, const fs_obj *o);
fs_obj *fs_tree_current(fs_app *a, int *proj);
const char *fs_tree_filter(fs_app *a);
/* Drops the rows (their objects are about to be freed). */
void fs_tree_forget(fs_app *a);
/* A project was read (ui/workspace.c): with a filter, the selection goes to
 * a match when it is on none. */
void fs_tree_loaded(fs_app *a);

/* For a design document's row: "  [prod: 1a2b3c4 2 behind]", its state on
 * the server selected in the servers overview (nothing before it was read). */
void fs_servers_label(fs_app *a, int proj, const fs_obj *ddoc, fs_buf *out);
/* Reads a project again from its folder (after a restore). */
int fs_app_reload_project(fs_app *a, int proj);
/* Puts p (read again) in the place of project proj, keeping the selection. */
void fs_app_replace_project(fs_app *a, int proj, fs_project *p);
/* Suspends curses, runs argv-free shell command with one file argument. */
int fs_app_run_editor(fs_app *a, const char *file);

#endif
