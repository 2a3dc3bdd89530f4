/* The studio's configuration: tigrc-style lines
 *
 *   bind KEYMAP KEY REQUEST
 *   set OPTION = VALUE
 *   color AREA FG BG [ATTR...]
 *
 * The built-in defaults (share/fsstudiorc, compiled in) load first, then
 * $XDG_CONFIG_HOME/fsstudio/config (or ~/.config/fsstudio/config, or
 * $FSSTUDIO_CONFIG). A bad line is reported as "file:line: message" and the
 * rest of the file still loads. */
#ifndef FS_UI_CONFIG_H
#define FS_UI_CONFIG_H

#include "base/err.h"

/* _(ID, name, type, help) with type BOOL, INT or TEXT. */
#define FS_OPTION_LIST(_) \
	_(MOUSE,          "mouse",          BOOL, "Click to select, wheel to scroll") \
	_(TREE_WIDTH,     "tree-width",     INT,  "Width of the tree pane in percent of the screen") \
	_(SHOW_OTHERS,    "show-other-beans", BOOL, "Show the beans the studio does not edit (greyed)") \
	_(LINE_GRAPHICS,  "line-graphics",  TEXT, "Tree markers: utf-8 or ascii") \
	_(RECOVERY_DELAY, "recovery-delay", INT,  "Seconds after a change before the recovery file is written") \
	_(EDITOR,         "editor",         TEXT, "Command for external-edit (default $VISUAL, $EDITOR, vi)") \
	_(LINE_NUMBERS,   "line-numbers",   BOOL, "Line numbers in function previews") \
	_(WATCH,          "watch-disk",     BOOL, "Read the project again when its files or git state change outside")

typedef enum fs_option {
#define FS_OPT_ENUM(id, name, type, help) FS_OPT_##id,
	FS_OPTION_LIST(FS_OPT_ENUM)
#undef FS_OPT_ENUM
	FS_OPT_COUNT
} fs_option;

struct fs_config_error {
	char *text;     /* "file:line: message" */
};

int fs_opt_int(fs_option o);
const char *fs_opt_text(fs_option o);
const char *fs_opt_name(fs_option o);
const char *fs_opt_help(fs_option o);

/* Loads one config text; errors are appended to the error list. */
void fs_config_load_text(const char *label, const char *text);
/* Built-in defaults, then the user's file. Call once before curses starts
 * (keys are parsed with the locale already set). */
void fs_config_load(void);
/* The errors of the last load ("file:line: message"); NULL-free array. */
size_t fs_config_errors(const char *const **out);
void fs_config_free(void);

/* The built-in config text (generated from share/fsstudiorc). */
extern const char fs_builtin_config[];

#endif
