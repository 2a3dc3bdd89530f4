/* Panes: each pane is one file with a table of operations, as tig's views.
 *
 * The app owns the screen: it lays the panes out, turns keys into requests
 * through the pane's keymap, gives the request to the focused pane first and
 * handles what the pane gives back (moving the cursor, quitting, ...).
 *
 * To add a pane (the function editor, the database browser, git status...):
 * write ui/NAME.c with a `const struct fs_pane_ops fs_NAME_ops`, add a line
 * to FS_PANE_LIST below and open it with fs_app_open(). A pane of text lines
 * keeps them in the shared store (pane.h) and points `store` at it; its
 * entry points for the other panes go in ui/NAME.h. */
#ifndef FS_UI_VIEW_H
#define FS_UI_VIEW_H

#include <stddef.h>
#include "base/buf.h"
#include "keys.h"
#include "pane.h"
#include "request.h"

typedef struct fs_app fs_app;
typedef struct fs_pane fs_pane;

struct fs_pane_ops {
	const char *name;
	int keymap;                                   /* FS_KM_... */
	/* Once, when the app starts or the pane first opens. */
	void (*open)(fs_app *a, fs_pane *p);
	/* The title row text (the app draws it). */
	void (*title)(fs_app *a, fs_pane *p, fs_buf *out);
	/* Draws body line `lineno` at screen row y, columns x..x+w-1. */
	void (*draw)(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor);
	/* Handles a request; returns FS_REQ_NONE when done, or the request for
	 * the generic handler (moving, quitting...). */
	fs_req (*request)(fs_app *a, fs_pane *p, fs_req r);
	/* The cursor moved (generic moves) or the selection of the tree changed
	 * (the other panes follow it). */
	void (*select)(fs_app *a, fs_pane *p);
	/* The model changed under the pane: rebuild its lines. */
	void (*reload)(fs_app *a, fs_pane *p);
	/* Frees what the pane holds. */
	void (*close)(fs_app *a, fs_pane *p);
	/* Optional: sees every key first (a text editor types them); returns 1
	 * when it took the key. */
	int (*key)(fs_app *a, fs_pane *p, int key);
	/* Optional: where the terminal cursor goes when the pane has the focus;
	 * returns 0 to hide it. */
	int (*cursor)(fs_app *a, fs_pane *p, int *y, int *x);
	/* Optional: draws the pane's foot (see fs_pane.foot), h rows from y. */
	void (*draw_foot)(fs_app *a, fs_pane *p, int y, int x, int w, int h);
	/* Optional, for a pane that keeps its lines itself (not in a store):
	 * the next line after the cursor (before it when back) holding needle,
	 * case-insensitive, wrapping; -1 when none. */
	long (*find)(fs_app *a, fs_pane *p, const char *needle, int back);
	/* Optional, for a pane that keeps edits for a pause (the editor):
	 * hands them to the model now, something else is about to read it. */
	void (*flush)(fs_app *a, fs_pane *p);
};

/* The panes; the slots for the panes of the other areas come here. */
#define FS_PANE_LIST(_) \
	_(TREE,    fs_tree_ops) \
	_(DETAILS, fs_details_ops) \
	_(HELP,    fs_help_ops) \
	_(STATUS,  fs_status_ops) \
	_(HISTORY, fs_history_ops) \
	_(DEPLOY,  fs_deploy_ops) \
	_(EDITOR,  fs_editor_ops) \
	_(BROWSER, fs_browser_ops) \
	_(CONFLICT, fs_conflict_ops) \
	_(SERVERS, fs_servers_ops) \
	_(LISTENER, fs_listener_ops)

#define FS_PANE_DECL(id, ops) extern const struct fs_pane_ops ops;
FS_PANE_LIST(FS_PANE_DECL)
#undef FS_PANE_DECL

typedef enum fs_pane_id {
#define FS_PANE_ENUM(id, ops) FS_P_##id,
	FS_PANE_LIST(FS_PANE_ENUM)
#undef FS_PANE_ENUM
	FS_P_COUNT
} fs_pane_id;

struct fs_pane {
	const struct fs_pane_ops *ops;
	int y, x, h, w;      /* area on screen, title row included */
	size_t lines;        /* body lines */
	size_t offset;       /* first line shown */
	size_t lineno;       /* cursor line */
	int opened;
	void *priv;
	fs_lines *store;     /* the pane's lines when it keeps them in the shared
	                        store (pane.h): search looks there */
	int hscroll;         /* columns scrolled to the left (scroll-right) */
	int foot;            /* rows kept at the bottom for draw_foot (at most
	                        half the body), not counted in fs_pane_rows */
};

/* Body rows of a pane (its height without the title row and the foot). */
int fs_pane_rows(const fs_pane *p);
/* Puts the cursor on a line and scrolls to show it. */
void fs_pane_goto(fs_pane *p, size_t lineno);
/* Search hook: the next line of the pane's store after the cursor (before
 * it when back) holding needle, wrapping; -1 when none (or no store). */
long fs_pane_find(fs_pane *p, const char *needle, int back);

#endif
