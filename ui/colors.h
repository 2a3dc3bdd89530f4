/* Color areas: one list drives the names used in `color` lines, the curses
 * pairs and the monochrome fallback. The highlight captures of the function
 * editor (keyword, string, ...) are areas too, named as the captures. */
#ifndef FS_UI_COLORS_H
#define FS_UI_COLORS_H

#include "base/err.h"

/* _(ID, name, monochrome attributes) */
#define FS_COLOR_LIST(_) \
	_(DEFAULT,      "default",      0) \
	_(CURSOR,       "cursor",       A_REVERSE) \
	_(TITLE_FOCUS,  "title-focus",  A_REVERSE | A_BOLD) \
	_(TITLE_BLUR,   "title-blur",   A_REVERSE) \
	_(STATUS,       "status",       A_REVERSE) \
	_(MESSAGE,      "message",      0) \
	_(ERROR,        "error",        A_BOLD) \
	_(PROMPT,       "prompt",       A_BOLD) \
	_(PROJECT,      "tree-project", A_BOLD) \
	_(CONNECTOR,    "tree-connector", A_BOLD) \
	_(DDOC,         "tree-ddoc",    0) \
	_(VIEW,         "tree-view",    0) \
	_(FUNCTION,     "tree-function", 0) \
	_(LISTENER,     "tree-listener", 0) \
	_(TRANSACTION,  "tree-transaction", 0) \
	_(OTHER,        "tree-other",   A_DIM) \
	_(MARKER,       "tree-marker",  0) \
	_(MODIFIED,     "modified",     A_BOLD) \
	_(MATCH,        "match",        A_UNDERLINE) \
	_(PROP_KEY,     "prop-key",     0) \
	_(PROP_VALUE,   "prop-value",   0) \
	_(PROP_READONLY, "prop-readonly", A_DIM) \
	_(HEADER,       "header",       A_BOLD) \
	_(LINE_NUMBER,  "line-number",  A_DIM) \
	_(MENU,         "menu",         A_REVERSE) \
	_(MENU_CURSOR,  "menu-cursor",  A_BOLD) \
	_(HELP_KEY,     "help-key",     A_BOLD) \
	_(HELP_GROUP,   "help-group",   A_BOLD | A_UNDERLINE) \
	_(GIT_CHANGED,  "git-changed",  A_BOLD) \
	_(GIT_ADDED,    "git-added",    A_BOLD) \
	_(DIFF_ADD,     "diff-add",     A_BOLD) \
	_(DIFF_DEL,     "diff-del",     A_DIM) \
	_(DIFF_CHUNK,   "diff-chunk",   A_UNDERLINE) \
	_(KEYWORD,      "keyword",      A_BOLD) \
	_(FUNCTION_JS,  "function",     0) \
	_(METHOD,       "method",       0) \
	_(PROPERTY,     "property",     0) \
	_(VARIABLE,     "variable",     0) \
	_(PARAMETER,    "parameter",    0) \
	_(STRING,       "string",       0) \
	_(NUMBER,       "number",       0) \
	_(COMMENT,      "comment",      A_DIM) \
	_(OPERATOR,     "operator",     0) \
	_(CONSTANT,     "constant",     0) \
	_(BUILTIN,      "builtin",      A_BOLD) \
	_(SYNTAX_ERROR, "syntax-error", A_UNDERLINE)

typedef enum fs_color {
#define FS_COLOR_ENUM(id, name, mono) FS_C_##id,
	FS_COLOR_LIST(FS_COLOR_ENUM)
#undef FS_COLOR_ENUM
	FS_C_COUNT
} fs_color;

/* -1 when unknown. */
int fs_color_by_name(const char *name);
const char *fs_color_name(int c);
/* Applies a `color AREA FG BG [ATTR...]` line (words already split). */
enum fs_err_code fs_color_set(int argc, char **argv, fs_err *e);
/* Starts curses colors (unless NO_COLOR is set or the terminal has none)
 * and builds the attributes; call after initscr and after the config. */
void fs_colors_init(void);
/* The curses attributes of an area (color pair and attributes, or the
 * monochrome attributes). */
int fs_color_attr(int c);
/* The area of a highlight capture name ("keyword", "string.special" falls
 * back to "string"), FS_C_DEFAULT when unknown. */
int fs_color_of_capture(const char *capture);
void fs_colors_reset(void);
/* 1 when colors are in use. */
int fs_colors_active(void);

#endif
