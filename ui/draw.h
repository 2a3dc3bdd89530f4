/* Drawing text in cells: UTF-8 decoding, wide characters, clipping with an
 * ellipsis. Everything draws on stdscr; curses sends only what changed. */
#ifndef FS_UI_DRAW_H
#define FS_UI_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include "js/highlight.h"

/* Columns the UTF-8 text takes (tabs count as spaces to the next multiple
 * of 4, invalid bytes and control characters as one column). */
int fs_text_width(const char *s);
/* Draws at most w columns of s at (y, x); when s is wider, the last column
 * shows an ellipsis. Returns the columns used. */
int fs_draw_text(int y, int x, int w, const char *s, int attr);
/* The same without the ellipsis, starting `skip` columns into s (for
 * horizontal scrolling). */
int fs_draw_clip(int y, int x, int w, const char *s, int skip, int attr);
/* A title: when too wide, a path in it loses its middle segments first
 * ("a/…/c/d"), then the end shows an ellipsis. */
int fs_draw_title(int y, int x, int w, const char *s, int attr);
/* Horizontal scroll: until fs_draw_viewport_off(), fs_draw_text and
 * fs_draw_fill lay out as if [x, x + w) started `skip` columns earlier, and
 * draw only inside it (the titles are drawn outside a viewport). */
void fs_draw_viewport(int x, int w, int skip);
void fs_draw_viewport_off(void);
/* Fills w columns with spaces. */
void fs_draw_fill(int y, int x, int w, int attr);
/* Draws text with its highlight spans (offsets in text): plain text in
 * `plain`, each span in its capture's color, everything in `base` when it is
 * not 0 (the cursor line). Returns the columns used. */
int fs_draw_spans(int y, int x, int w, const char *text, const fs_span *spans, size_t nspans,
		  int plain, int base);
/* Appends to (*v, *n) the spans of all that fall in the line [start, end) of
 * the text, moved to offsets in the line. Lines come in order: *from is
 * where the previous line's search stopped (0 for the first line). */
void fs_spans_of_line(fs_span **v, size_t *n, const fs_spans *all, size_t *from,
		      uint32_t start, uint32_t end);

#endif
