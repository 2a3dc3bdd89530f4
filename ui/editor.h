/* The function editor pane (ui/editor.c) and its row cache (ui/editor_rows.c).
 *
 * The row cache keeps, for each visible row, the highlight spans of the line
 * it shows, as kilo keeps its rendered rows: a frame queries tree-sitter only
 * for the rows the buffer reports damaged (fs_tb_take_damage) or that
 * scrolled into view, in one query per run of such rows. Spans are kept
 * relative to the start of their line, so an edit above a row that does not
 * add or remove lines leaves the row alone. The cache uses no curses: unit
 * tests drive it on a bare buffer. */
#ifndef FS_UI_EDITOR_H
#define FS_UI_EDITOR_H

#include "js/textbuf.h"

struct fs_ed_row {
	size_t line;
	int valid;
	fs_spans spans;      /* byte offsets from the start of the line */
};

typedef struct fs_ed_rows {
	struct fs_ed_row *v;
	size_t n;
	unsigned long queried;  /* rows whose spans were computed, in total */
} fs_ed_rows;

/* Brings the cache to rows top..top+n-1: drops the damaged rows, keeps the
 * rows that only moved on screen, queries the others (q NULL: no spans). */
void fs_ed_rows_update(fs_ed_rows *r, fs_tb *tb, fs_hl_query *q, size_t top, size_t n);
/* The spans of a visible line, NULL when the line is not in the cache. */
const fs_spans *fs_ed_rows_get(const fs_ed_rows *r, size_t line);
/* Forgets every row (a new buffer or a new query). */
void fs_ed_rows_reset(fs_ed_rows *r);
void fs_ed_rows_free(fs_ed_rows *r);

#endif
