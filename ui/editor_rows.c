/* The editor's row cache: see ui/editor.h. */
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "editor.h"

static void span_push(fs_spans *s, uint32_t start, uint32_t end, fs_hl hl)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = fs_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = (fs_span){ start, end, hl };
}

/* Rows [i, j) show lines that follow each other: one query for all, then
 * each line takes the pieces of the spans that fall in it (a comment or a
 * template string may run over several lines). */
static void fill(fs_ed_rows *r, fs_tb *tb, fs_hl_query *q, size_t i, size_t j)
{
	fs_spans all = { 0 };
	size_t k, si = 0;
	if (q)
		fs_tb_spans(tb, q, r->v[i].line, j - i, &all);
	for (k = i; k < j; k++) {
		struct fs_ed_row *row = &r->v[k];
		uint32_t off = (uint32_t)fs_tb_offset(tb, (fs_pos){ row->line, 0 });
		uint32_t end = off + (uint32_t)fs_tb_line_len(tb, row->line);
		row->spans.n = 0;
		while (si < all.n && all.v[si].end <= off)
			si++;
		for (size_t s = si; s < all.n && all.v[s].start < end; s++) {
			uint32_t a = all.v[s].start > off ? all.v[s].start : off;
			uint32_t b = all.v[s].end < end ? all.v[s].end : end;
			if (a < b)
				span_push(&row->spans, a - off, b - off, all.v[s].hl);
		}
		row->valid = 1;
	}
	r->queried += j - i;
	fs_spans_free(&all);
}

static void drop_damage(fs_ed_rows *r, fs_tb *tb)
{
	size_t first, last;
	if (!fs_tb_take_damage(tb, &first, &last))
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].line >= first && r->v[i].line <= last)
			r->v[i].valid = 0;
}

/* The rows scrolled or the pane changed height: rows still on screen keep
 * their spans, in their new places. */
static void remap(fs_ed_rows *r, size_t top, size_t n)
{
	struct fs_ed_row *nv;
	size_t old_top = r->n ? r->v[0].line : 0;
	if (r->n == n && (!n || old_top == top))
		return;
	nv = fs_xcalloc(n ? n : 1, sizeof *nv);
	for (size_t i = 0; i < n; i++) {
		size_t line = top + i;
		nv[i].line = line;
		if (line >= old_top && line - old_top < r->n && r->v[line - old_top].valid) {
			nv[i] = r->v[line - old_top];
			memset(&r->v[line - old_top], 0, sizeof *r->v);
		}
	}
	for (size_t i = 0; i < r->n; i++)
		fs_spans_free(&r->v[i].spans);
	free(r->v);
	r->v = nv;
	r->n = n;
}

void fs_ed_rows_update(fs_ed_rows *r, fs_tb *tb, fs_hl_query *q, size_t top, size_t n)
{
	size_t lines = fs_tb_lines(tb), i = 0;
	drop_damage(r, tb);
	remap(r, top, n);
	while (i < r->n) {
		size_t j = i;
		while (j < r->n && !r->v[j].valid && r->v[j].line < lines)
			j++;
		if (j > i)
			fill(r, tb, q, i, j);
		i = j + 1;
	}
}

const fs_spans *fs_ed_rows_get(const fs_ed_rows *r, size_t line)
{
	if (!r->n || line < r->v[0].line || line - r->v[0].line >= r->n)
		return NULL;
	return r->v[line - r->v[0].line].valid ? &r->v[line - r->v[0].line].spans : NULL;
}

void fs_ed_rows_reset(fs_ed_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		r->v[i].valid = 0;
}

void fs_ed_rows_free(fs_ed_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		fs_spans_free(&r->v[i].spans);
	free(r->v);
	memset(r, 0, sizeof *r);
}
