/* Keys and keymaps: key -> request, per pane keymap with a generic fallback.
 *
 * A key is an int: a Unicode code point for text keys (control keys are
 * 1..31), or FS_KEY_FN + a curses KEY_* code for function keys. */
#ifndef FS_UI_KEYS_H
#define FS_UI_KEYS_H

#include "request.h"
#include "base/buf.h"

#define FS_KEY_FN 0x200000
/* The Escape key (curses has no name for it). */
#define KEY_ESC 27

/* Keymaps: one per pane kind, plus generic (the fallback) and the slots of
 * the panes that plug in later (editor, browser, ...). */
#define FS_KEYMAP_LIST(_) \
	_(GENERIC, "generic") \
	_(TREE,    "tree") \
	_(DETAILS, "details") \
	_(HELP,    "help") \
	_(MENU,    "menu") \
	_(EDITOR,  "editor") \
	_(BROWSER, "browser") \
	_(STATUS,  "status") \
	_(HISTORY, "history") \
	_(DEPLOY,  "deploy") \
	_(LISTENER, "listener")

typedef enum fs_keymap {
#define FS_KM_ENUM(id, name) FS_KM_##id,
	FS_KEYMAP_LIST(FS_KM_ENUM)
#undef FS_KM_ENUM
	FS_KM_COUNT
} fs_keymap;

/* -1 when unknown. */
int fs_keymap_by_name(const char *name);
const char *fs_keymap_name(int km);

/* Parses "j", "é", "^X", "<C-x>", "<Ctrl-x>", "<Up>", "<PgDown>", "<F5>",
 * "<Enter>", "<Space>"... Returns -1 when the name is not a key. */
int fs_key_parse(const char *s);
/* The name of a key as a bind line would write it. */
void fs_key_name(int key, fs_buf *out);

/* Binds (replaces the previous binding of that key in that keymap).
 * FS_REQ_NONE unbinds. */
void fs_keys_bind(int km, int key, fs_req r);
/* The pane's keymap first, then generic. FS_REQ_NONE when unbound. */
fs_req fs_keys_lookup(int km, int key);
/* The pane's keymap only (editors give the other keys to the text). */
fs_req fs_keys_lookup_own(int km, int key);
/* The keys bound to a request in a keymap (generic included when km is not
 * generic), as "k, <Up>"; empty when none. */
void fs_keys_for(int km, fs_req r, fs_buf *out);
/* Only the keys of that keymap. */
void fs_keys_own(int km, fs_req r, fs_buf *out);
void fs_keys_reset(void);

#endif
