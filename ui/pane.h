/* The panes' shared line store, as tig's views share one line type: a pane
 * that shows lines of text (deploy, details, history, status, help) keeps
 * them in an fs_lines instead of an array of its own, so that adding,
 * clearing and searching are written once.
 *
 * A line is the pane's to interpret: `type` is the pane's own enum, `ref`,
 * `flags` and `data` its own number, bits and pointer. The store owns
 * `text`, `key` and `spans`; it never owns `data`.
 *
 * Search hooks: fs_line_matches() says whether a line holds a text (in its
 * text or its key); fs_lines_find() finds the next such line; a pane that
 * points fs_pane.store at its lines gets fs_pane_find() for free. */
#ifndef FS_UI_PANE_H
#define FS_UI_PANE_H

#include <stddef.h>
#include "js/highlight.h"

typedef struct fs_line {
	int type;            /* the pane's kind of line */
	int color;           /* FS_C_... the pane draws it with */
	char *text;          /* the words of the line */
	char *key;           /* a second string: a property key, a path, a document */
	long ref;            /* the pane's number: a project, an entry, a line number */
	unsigned flags;      /* the pane's bits: picked, read-only, an error */
	const void *data;    /* the pane's pointer, not owned: a function, a name */
	fs_span *spans;      /* highlight of text (offsets in text) */
	size_t nspans;
} fs_line;

typedef struct fs_lines {
	fs_line *v;
	size_t n, cap;
} fs_lines;

/* Appends a line with copies of key and text (either may be NULL) and
 * returns it for the fields the pane sets itself (valid until the next
 * add). */
fs_line *fs_lines_add(fs_lines *s, int type, int color, const char *key, const char *text);
/* The continuation lines of a wrapped line carry this flag (and no key):
 * the line they continue is the nearest one above without it. */
#define FS_LINE_CONT 0x8000u
/* Appends text wrapped to `width` columns (at spaces, or anywhere in a word
 * wider than a line), the continuation lines indented by `indent` spaces.
 * The first line gets the key; returns it. width <= 0: one line. */
fs_line *fs_lines_add_wrapped(fs_lines *s, int type, int color, const char *key, const char *text,
			      int width, int indent);
/* The first line of the wrapped line that line i belongs to. */
size_t fs_lines_head(const fs_lines *s, size_t i);
/* Drops every line (the store keeps its room for the next build). */
void fs_lines_clear(fs_lines *s);
/* Drops every line and the room. */
void fs_lines_free(fs_lines *s);
/* 1 when the line's text or key contains needle (case-insensitive ASCII). */
int fs_line_matches(const fs_line *l, const char *needle);
/* The next line after `from` (before it when back) that matches, wrapping
 * around; -1 when none does. */
long fs_lines_find(const fs_lines *s, size_t from, const char *needle, int back);

#endif
