/* libFuzzer target for the line dialect reader and writer.
 * Properties: a file that parses is written back byte for byte; after every
 * line is regenerated, the output parses again to the same tree of values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/lines.h"

static void touch_all(fs_line *l)
{
	if (l->type != FS_LN_ROOT && l->type != FS_LN_BLANK)
		fs_line_touch(l);
	for (size_t i = 0; i < l->nkids; i++)
		touch_all(l->kids[i]);
}

/* Equal but for CRs: a text whose lines end with CR, in a file whose other
 * line breaks are LF, reads back without them once every break is CRLF (the
 * file is then taken as a CRLF file). No Convertigo file does that. */
static int text_eq(const char *a, const char *b)
{
	/* no value and an empty value read back alike for text nodes */
	a = a ? a : "";
	b = b ? b : "";
	for (;;) {
		while (*a == '\r')
			a++;
		while (*b == '\r')
			b++;
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

static void same_tree(const fs_line *a, const fs_line *b)
{
	/* blank lines outside blocks are kept as is and carry no value */
	size_t i = 0, j = 0;
	if (a->type != b->type || a->dash != b->dash || !text_eq(a->key, b->key) || !text_eq(a->cls, b->cls) ||
	    !text_eq(a->include, b->include))
		abort();
	if (!text_eq(a->value, b->value))
		abort();
	for (;;) {
		while (i < a->nkids && a->kids[i]->type == FS_LN_BLANK)
			i++;
		while (j < b->nkids && b->kids[j]->type == FS_LN_BLANK)
			j++;
		if (i == a->nkids || j == b->nkids)
			break;
		same_tree(a->kids[i++], b->kids[j++]);
	}
	if (i != a->nkids || j != b->nkids)
		abort();
}

/* The lazy load (lazy.c) trusts the scan of includes to find what the
 * reader finds: the same include lines, in the same order. */
static void scanned_includes(const fs_line *l, const fs_incl *inc, size_t n, size_t *at)
{
	if (l->type == FS_LN_BEAN && l->include) {
		if (*at >= n || strcmp(inc[*at].include, l->include) || inc[*at].lineno != l->lineno)
			abort();
		(*at)++;
	}
	for (size_t i = 0; i < l->nkids; i++)
		scanned_includes(l->kids[i], inc, n, at);
}

static void same_includes(const fs_lfile *f, const char *data, size_t size)
{
	fs_incl *inc;
	size_t n = fs_lines_scan_includes(data, size, &inc), at = 0;
	scanned_includes(f->root, inc, n, &at);
	if (at != n)
		abort();
	for (size_t i = 0; i < n; i++)
		free(inc[i].include);
	free(inc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fs_lfile *f;
	if (fs_lines_parse(&f, "fuzz.yaml", (const char *)data, size, NULL))
		return 0;
	same_includes(f, (const char *)data, size);
	fs_buf out = FS_BUF_INIT;
	fs_lines_render(f, &out);
	if (out.len != size || (size && memcmp(out.data, data, size)))
		abort();
	touch_all(f->root);
	fs_buf_reset(&out);
	fs_lines_render(f, &out);
	fs_lfile *g;
	if (fs_lines_parse(&g, "fuzz.yaml", out.data, out.len, NULL))
		abort();
	same_tree(f->root, g->root);
	fs_lfile_free(g);
	fs_lfile_free(f);
	fs_buf_free(&out);
	return 0;
}
