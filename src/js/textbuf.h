/* The editor buffer: lines of UTF-8 text with undo/redo, search, indent and
 * display-column helpers, and (optionally) a tree-sitter tree kept in step
 * with every edit.
 *
 * Positions are (line, byte column), both 0-based; a byte column always sits
 * on a character boundary when it comes from these functions. Offsets are
 * byte offsets in the whole text as fs_tb_text() returns it with "\n" line
 * ends (a CRLF text keeps CRLF in fs_tb_text() but edits, offsets and the
 * tree see "\n" only).
 *
 * Every edit is turned into one TSInputEdit with exact byte and point
 * ranges and given to ts_tree_edit at once; fs_tb_tree() reparses lazily
 * with the old tree, so many keystrokes between two redraws cost one parse.
 * fs_tb_take_damage() then tells the UI which lines to redraw: the edited
 * lines plus the ranges whose syntax changed (ts_tree_get_changed_ranges).
 *
 * Undo groups: typing a word is one step (the space after it belongs to the
 * word), a newline closes the group, a paste or a cut is one step, and so is
 * anything between fs_tb_group_begin() and fs_tb_group_end() (replace all,
 * indent a range). The UI calls fs_tb_group_close() when the cursor jumps.
 */
#ifndef FS_TEXTBUF_H
#define FS_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>
#include "js/highlight.h"

typedef struct fs_pos {
	size_t line;
	size_t col;          /* bytes */
} fs_pos;

typedef struct fs_tb fs_tb;

/* A buffer holding a copy of text (NULL: empty). "\r\n" line ends are
 * detected from the first line and given back by fs_tb_text(). */
fs_tb *fs_tb_new(const char *text, size_t len);
void fs_tb_free(fs_tb *tb);

/* ---- Reading ------------------------------------------------------------ */

size_t fs_tb_lines(const fs_tb *tb);           /* at least 1 */
/* Bytes of a line without its line end; *len may be NULL. Valid until the
 * next edit. An out-of-range line reads as "". */
const char *fs_tb_line(const fs_tb *tb, size_t line, size_t *len);
size_t fs_tb_line_len(const fs_tb *tb, size_t line);
/* The whole text as one malloc'd NUL-terminated string. */
char *fs_tb_text(const fs_tb *tb, size_t *len);
/* The text with "\n" line ends, as offsets and the tree see it (for
 * fs_js_syntax on the buffer's tree). */
char *fs_tb_text_lf(const fs_tb *tb, size_t *len);
/* The text between two positions (any order), "\n" line ends. */
char *fs_tb_get(const fs_tb *tb, fs_pos a, fs_pos b, size_t *len);
size_t fs_tb_size(const fs_tb *tb);            /* bytes, "\n" line ends */
size_t fs_tb_offset(fs_tb *tb, fs_pos p);
fs_pos fs_tb_pos_at(fs_tb *tb, size_t offset);
/* The position clamped into the text and back onto a character boundary. */
fs_pos fs_tb_clamp(const fs_tb *tb, fs_pos p);
fs_pos fs_tb_goto_line(const fs_tb *tb, size_t line1);  /* 1-based */
int fs_tb_pos_cmp(fs_pos a, fs_pos b);

/* Dirty: the text differs from the last fs_tb_mark_clean() (undoing back
 * to it makes the buffer clean again). The generation grows on every change. */
int fs_tb_dirty(const fs_tb *tb);
void fs_tb_mark_clean(fs_tb *tb);
unsigned long fs_tb_generation(const fs_tb *tb);

/* ---- Editing ------------------------------------------------------------ */

/* Inserts n bytes at p ("\r\n" in them becomes "\n"); *end (may be NULL)
 * gets the position after them. */
void fs_tb_insert(fs_tb *tb, fs_pos p, const char *s, size_t n, fs_pos *end);
/* Deletes the text between a and b (any order). */
void fs_tb_delete(fs_tb *tb, fs_pos a, fs_pos b);
/* Backspace and Delete keys: one character (or a line end); return the new
 * cursor. */
fs_pos fs_tb_backspace(fs_tb *tb, fs_pos p);
fs_pos fs_tb_delete_char(fs_tb *tb, fs_pos p);
/* Enter with auto-indent: the new line copies the indentation of p's line,
 * one level more after '{', '(' or '['; Enter between a bracket and its
 * closer puts the closer on its own line. Returns the new cursor. */
fs_pos fs_tb_newline(fs_tb *tb, fs_pos p);
/* Indents (dir > 0) or unindents (dir < 0) lines first..last by one level;
 * empty lines are left alone when indenting. */
void fs_tb_indent(fs_tb *tb, size_t first, size_t last, int dir);
/* One indent level: "\t" (the default) or N spaces. Tab stop for display. */
void fs_tb_set_indent(fs_tb *tb, int spaces);
void fs_tb_set_tabstop(fs_tb *tb, int tabstop);
/* Cut: the text between a and b (malloc'd) is deleted as one undo step. */
char *fs_tb_cut(fs_tb *tb, fs_pos a, fs_pos b, size_t *len);

/* ---- Undo --------------------------------------------------------------- */

/* Return 1 and set *cursor to where the change happened, 0 when nothing. */
int fs_tb_undo(fs_tb *tb, fs_pos *cursor);
int fs_tb_redo(fs_tb *tb, fs_pos *cursor);
void fs_tb_group_close(fs_tb *tb);
void fs_tb_group_begin(fs_tb *tb);
void fs_tb_group_end(fs_tb *tb);

/* ---- Search and replace ------------------------------------------------- */

enum {
	FS_TB_BACKWARD = 1,
	FS_TB_ICASE = 2,     /* ASCII letters only */
};
/* Finds needle from p (forward: at or after p, backward: before p), wrapping
 * around the end. Returns 1 (and *at, *wrapped) when found. Needles may
 * span lines ("\n"). */
int fs_tb_search(fs_tb *tb, const char *needle, fs_pos p, int flags, fs_pos *at, int *wrapped);
/* Replaces the match of needle that starts at p, if there is one; returns 1
 * and the position after the replacement. */
int fs_tb_replace(fs_tb *tb, fs_pos p, const char *needle, const char *repl, int flags, fs_pos *end);
/* Replaces every match (one undo step); returns the count. */
size_t fs_tb_replace_all(fs_tb *tb, const char *needle, const char *repl, int flags);

/* ---- Characters and columns -------------------------------------------- */

fs_pos fs_tb_next_char(const fs_tb *tb, fs_pos p);  /* wraps to next line */
fs_pos fs_tb_prev_char(const fs_tb *tb, fs_pos p);
/* Display column of byte col on a line: tabs to the next tab stop, wide
 * characters 2 (wcwidth, so the locale must be UTF-8), control characters
 * 2 (drawn ^X), invalid bytes 1. */
size_t fs_tb_display_col(const fs_tb *tb, size_t line, size_t col);
/* The byte column of the character covering display column dcol (the line
 * length when past its end). For horizontal scrolling and vertical moves. */
size_t fs_tb_col_at_display(const fs_tb *tb, size_t line, size_t dcol);
/* Width of one character at s (n bytes available); *clen its byte length. */
int fs_char_width(const char *s, size_t n, size_t dcol, int tabstop, size_t *clen);
/* The bracket matching the one at p (or just before p); 1 when found.
 * Uses the syntax tree when there is one (brackets in strings and comments
 * are then ignored), a plain scan otherwise. */
int fs_tb_match_bracket(fs_tb *tb, fs_pos p, fs_pos *out);

/* ---- Syntax ------------------------------------------------------------- */

/* Attaches a language: the buffer keeps a tree in step with its edits. */
void fs_tb_set_language(fs_tb *tb, const TSLanguage *lang);
/* The tree of the current text, reparsed incrementally when edits are
 * pending; NULL without a language. Owned by the buffer. */
const TSTree *fs_tb_tree(fs_tb *tb);
/* Lines to redraw since the last call: the edited lines and the ranges
 * whose syntax changed. *last is SIZE_MAX when lines were added or removed
 * (redraw to the bottom). Returns 0 when nothing changed. */
int fs_tb_take_damage(fs_tb *tb, size_t *first, size_t *last);
/* Drafting: a text of more than `bytes` bytes is not reparsed for drawing.
 * tree-sitter 0.20's incremental parse and its changed ranges both cost
 * time in proportion to a long list of statements (about 3 ms a keystroke
 * for 3,000 of them), so while typing goes on fs_tb_take_damage and
 * fs_tb_spans use the tree as edited (ts_tree_edit shifts every node after
 * an edit; the edited token grows over the typed text) and only
 * fs_tb_tree reparses; the lines typed in meanwhile are redrawn after it.
 * 0 (the default): always reparse. */
void fs_tb_set_draft(fs_tb *tb, size_t bytes);
/* Edits wait for a reparse (fs_tb_tree makes it). */
int fs_tb_stale(const fs_tb *tb);
/* The changed ranges of the last reparse (old tree vs new). */
const TSRange *fs_tb_changed_ranges(const fs_tb *tb, uint32_t *n);
/* The last edit as given to ts_tree_edit (for tests and tools). */
const TSInputEdit *fs_tb_last_edit(const fs_tb *tb);
/* Highlight spans of lines [first, first + n) (byte offsets of the text). */
void fs_tb_spans(fs_tb *tb, fs_hl_query *q, size_t first, size_t n, fs_spans *out);
/* The text accessor highlight predicates use. */
fs_hl_text fs_tb_hl_text(fs_tb *tb);

#endif
