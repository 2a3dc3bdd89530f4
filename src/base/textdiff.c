/* Line diffs through libgit2 (git_patch_from_buffers, xdiff underneath)
 * with GIT_DIFF_MINIMAL, so that the edit is a shortest one as Myers' gives;
 * its hunks become ours (types and JSON of textdiff.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "base/array.h"
#include "base/gitlib.h"
#include "base/textdiff.h"

static fs_dl_type type_of(char origin)
{
	return origin == GIT_DIFF_LINE_ADDITION ? FS_DL_ADD :
	       origin == GIT_DIFF_LINE_DELETION ? FS_DL_DEL : FS_DL_SAME;
}

/* One hunk of the patch; the "no newline" markers of libgit2 are lines of
 * their own, ours is the noeol flag of the line (its text lacks the '\n'). */
static void take_hunk(git_patch *p, size_t i, fs_hunks *out)
{
	const git_diff_hunk *gh;
	size_t nlines;
	if (git_patch_get_hunk(&gh, &nlines, p, i))
		return;
	fs_hunk *h = &FS_ARRAY_ADD(out->v, out->n);
	*h = (fs_hunk){ (size_t)gh->old_start, (size_t)gh->old_lines,
			(size_t)gh->new_start, (size_t)gh->new_lines, NULL, 0 };
	h->lines = fs_xcalloc(nlines ? nlines : 1, sizeof *h->lines);
	for (size_t j = 0; j < nlines; j++) {
		const git_diff_line *l;
		if (git_patch_get_line_in_hunk(&l, p, i, j))
			continue;
		if (l->origin != GIT_DIFF_LINE_ADDITION && l->origin != GIT_DIFF_LINE_DELETION &&
		    l->origin != GIT_DIFF_LINE_CONTEXT)
			continue;
		size_t len = l->content_len;
		int noeol = !len || l->content[len - 1] != '\n';
		if (!noeol)
			len--;
		h->lines[h->n++] = (fs_dline){ type_of(l->origin), noeol, fs_xstrndup(l->content, len), len };
		out->added += l->origin == GIT_DIFF_LINE_ADDITION;
		out->removed += l->origin == GIT_DIFF_LINE_DELETION;
	}
}

/* The lines of a text as one hunk, all of type t: the whole diff when the
 * other side is empty. */
static void whole_hunk(const char *t, size_t len, fs_dl_type type, fs_hunks *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += t[i] == '\n';
	n += len && t[len - 1] != '\n';
	fs_hunk *h = &FS_ARRAY_ADD(out->v, out->n);
	*h = (fs_hunk){ 0 };
	if (type == FS_DL_ADD)
		h->new_start = 1, h->new_count = n;
	else
		h->old_start = 1, h->old_count = n;
	h->lines = fs_xcalloc(n, sizeof *h->lines);
	for (const char *p = t, *end = t + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		h->lines[h->n++] = (fs_dline){ type, !nl, fs_xstrndup(p, l), l };
		p += l + 1;
	}
	*(type == FS_DL_ADD ? &out->added : &out->removed) = n;
}

/* Equal texts, and texts against nothing (a deploy's unchanged and new
 * documents), need no diff: answered here, they do not start libgit2,
 * whose start alone reads the system's CA bundle (3 MB, 10 ms). */
static int trivial(const char *a, size_t alen, const char *b, size_t blen, fs_hunks *out)
{
	if (!a)
		alen = 0;
	if (!b)
		blen = 0;
	if (alen == blen && (!alen || !memcmp(a, b, alen)))
		return 1;
	if (alen && blen)
		return 0;
	if (alen)
		whole_hunk(a, alen, FS_DL_DEL, out);
	else
		whole_hunk(b, blen, FS_DL_ADD, out);
	return 1;
}

void fs_textdiff(const char *a, size_t alen, const char *b, size_t blen,
		 int context, fs_hunks *out)
{
	git_diff_options o;
	git_patch *p = NULL;
	memset(out, 0, sizeof *out);
	if (trivial(a, alen, b, blen, out))
		return;
	fs_gitlib_init();
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	/* text always: a JSON or JavaScript file with a NUL is still shown */
	o.flags = GIT_DIFF_MINIMAL | GIT_DIFF_FORCE_TEXT;
	o.context_lines = context < 0 ? 0 : (uint32_t)context;
	/* it fails only without memory: abort, as buf.h does */
	if (git_patch_from_buffers(&p, a, a ? alen : 0, NULL, b, b ? blen : 0, NULL, &o)) {
		fputs("fsstudio: out of memory (diff)\n", stderr);
		abort();
	}
	for (size_t i = 0, n = git_patch_num_hunks(p); i < n; i++)
		take_hunk(p, i, out);
	git_patch_free(p);
}

void fs_textdiff_str(const char *a, const char *b, int context, fs_hunks *out)
{
	fs_textdiff(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0, context, out);
}

void fs_hunks_free(fs_hunks *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		for (size_t j = 0; j < h->v[i].n; j++)
			free(h->v[i].lines[j].text);
		free(h->v[i].lines);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}

char fs_dl_char(fs_dl_type t)
{
	static const char c[] = {
#define FS_DL_CHAR(k, ch, n) ch,
		FS_DL_LIST(FS_DL_CHAR)
#undef FS_DL_CHAR
	};
	return c[t];
}

const char *fs_dl_name(fs_dl_type t)
{
	static const char *const n[] = {
#define FS_DL_NAME(k, ch, nm) nm,
		FS_DL_LIST(FS_DL_NAME)
#undef FS_DL_NAME
	};
	return n[t];
}

/* "-3,2" or "-3" (a count of one is implied, as diff and git write it). */
static void format_range(fs_buf *out, char sign, size_t start, size_t count)
{
	if (count == 1)
		fs_buf_printf(out, "%c%zu", sign, start);
	else
		fs_buf_printf(out, "%c%zu,%zu", sign, start, count);
}

void fs_hunks_format(const fs_hunks *h, const char *old_label, const char *new_label,
		     fs_buf *out)
{
	if (old_label && new_label && h->n)
		fs_buf_printf(out, "--- %s\n+++ %s\n", old_label, new_label);
	for (size_t i = 0; i < h->n; i++) {
		const fs_hunk *k = &h->v[i];
		fs_buf_adds(out, "@@ ");
		format_range(out, '-', k->old_start, k->old_count);
		fs_buf_addc(out, ' ');
		format_range(out, '+', k->new_start, k->new_count);
		fs_buf_adds(out, " @@\n");
		for (size_t j = 0; j < k->n; j++) {
			fs_buf_addc(out, fs_dl_char(k->lines[j].type));
			fs_buf_add(out, k->lines[j].text, k->lines[j].len);
			fs_buf_addc(out, '\n');
			if (k->lines[j].noeol)
				fs_buf_adds(out, "\\ No newline at end of file\n");
		}
	}
}

cJSON *fs_hunks_json(const fs_hunks *h)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < h->n; i++) {
		const fs_hunk *k = &h->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "old_start", (double)k->old_start);
		cJSON_AddNumberToObject(o, "old_count", (double)k->old_count);
		cJSON_AddNumberToObject(o, "new_start", (double)k->new_start);
		cJSON_AddNumberToObject(o, "new_count", (double)k->new_count);
		cJSON *lines = cJSON_AddArrayToObject(o, "lines");
		for (size_t j = 0; j < k->n; j++) {
			cJSON *l = cJSON_CreateObject();
			char opc[2] = { fs_dl_char(k->lines[j].type), 0 };
			cJSON_AddStringToObject(l, "op", opc);
			cJSON_AddStringToObject(l, "text", k->lines[j].text);
			if (k->lines[j].noeol)
				cJSON_AddTrueToObject(l, "noeol");
			cJSON_AddItemToArray(lines, l);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
