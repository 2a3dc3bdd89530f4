/* Myers' difference algorithm, linear-space variant: find the middle snake
 * of the shortest edit script, recurse on both halves. Lines are first
 * mapped to small integers so that the inner loops compare ints. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/textdiff.h"

typedef struct line {
	const char *p;
	size_t len;
	int noeol;
} line;

typedef struct side {
	line *v;
	size_t n;
	long *id;        /* equivalence class of each line */
	char *changed;   /* 1 when the line is deleted (old) or added (new) */
} side;

static void split_lines(const char *s, size_t len, side *out)
{
	size_t cap = 16;
	out->v = fs_xmalloc(cap * sizeof *out->v);
	out->n = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (out->n == cap) {
			cap *= 2;
			out->v = fs_xrealloc(out->v, cap * sizeof *out->v);
		}
		out->v[out->n++] = (line){ s + i, end - i, nl == NULL };
		i = nl ? end + 1 : len;
	}
	out->id = fs_xcalloc(out->n + 1, sizeof *out->id);
	out->changed = fs_xcalloc(out->n + 1, 1);
}

/* ---- Line classes: an open-addressing table of distinct lines ----------- */

typedef struct classes {
	const line **slot;
	long *slot_id;
	size_t cap;
	long next;
} classes;

static uint64_t line_hash(const line *l)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < l->len; i++)
		h = (h ^ (unsigned char)l->p[i]) * 1099511628211ULL;
	return h ^ (uint64_t)l->noeol;
}

static int line_eq(const line *a, const line *b)
{
	return a->len == b->len && a->noeol == b->noeol && !memcmp(a->p, b->p, a->len);
}

static long class_of(classes *c, const line *l)
{
	size_t i = line_hash(l) & (c->cap - 1);
	while (c->slot[i]) {
		if (line_eq(c->slot[i], l))
			return c->slot_id[i];
		i = (i + 1) & (c->cap - 1);
	}
	c->slot[i] = l;
	c->slot_id[i] = c->next++;
	return c->slot_id[i];
}

static void classify(side *a, side *b)
{
	classes c = { 0 };
	c.cap = 16;
	while (c.cap < 2 * (a->n + b->n) + 2)
		c.cap *= 2;
	c.slot = fs_xcalloc(c.cap, sizeof *c.slot);
	c.slot_id = fs_xcalloc(c.cap, sizeof *c.slot_id);
	for (size_t i = 0; i < a->n; i++)
		a->id[i] = class_of(&c, &a->v[i]);
	for (size_t i = 0; i < b->n; i++)
		b->id[i] = class_of(&c, &b->v[i]);
	free(c.slot);
	free(c.slot_id);
}

/* ---- The middle snake ---------------------------------------------------- */

typedef struct ctx {
	const long *a, *b;
	char *da, *db;
	long *vf, *vb;   /* furthest x per diagonal k = x - y, offset by off */
	long off;
} ctx;

/* Finds a point (*x, *y) on an optimal edit path of a[a0,a1) -> b[b0,b1);
 * both ranges are non-empty and differ at their ends (callers strip the
 * common prefix and suffix first), so the point splits the problem. */
static void middle_snake(ctx *c, long a0, long a1, long b0, long b1, long *x, long *y)
{
	long *vf = c->vf + c->off, *vb = c->vb + c->off;
	long dmin = a0 - b1, dmax = a1 - b0;
	long fmid = a0 - b0, bmid = a1 - b1;
	long fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	int odd = (fmid - bmid) & 1;

	vf[fmid] = a0;
	vb[bmid] = a1;
	for (;;) {
		if (fmin > dmin)
			vf[--fmin - 1] = -1;
		else
			fmin++;
		if (fmax < dmax)
			vf[++fmax + 1] = -1;
		else
			fmax--;
		for (long k = fmax; k >= fmin; k -= 2) {
			long i = vf[k - 1] >= vf[k + 1] ? vf[k - 1] + 1 : vf[k + 1];
			long j = i - k;
			while (i < a1 && j < b1 && c->a[i] == c->b[j])
				i++, j++;
			vf[k] = i;
			if (odd && bmin <= k && k <= bmax && vb[k] <= i) {
				*x = i;
				*y = i - k;
				return;
			}
		}
		if (bmin > dmin)
			vb[--bmin - 1] = LONG_MAX;
		else
			bmin++;
		if (bmax < dmax)
			vb[++bmax + 1] = LONG_MAX;
		else
			bmax--;
		for (long k = bmax; k >= bmin; k -= 2) {
			long i = vb[k - 1] < vb[k + 1] ? vb[k - 1] : vb[k + 1] - 1;
			long j = i - k;
			while (i > a0 && j > b0 && c->a[i - 1] == c->b[j - 1])
				i--, j--;
			vb[k] = i;
			if (!odd && fmin <= k && k <= fmax && i <= vf[k]) {
				*x = i;
				*y = i - k;
				return;
			}
		}
	}
}

static void compare(ctx *c, long a0, long a1, long b0, long b1)
{
	while (a0 < a1 && b0 < b1 && c->a[a0] == c->b[b0])
		a0++, b0++;
	while (a0 < a1 && b0 < b1 && c->a[a1 - 1] == c->b[b1 - 1])
		a1--, b1--;
	if (a0 == a1) {
		memset(c->db + b0, 1, b1 - b0);
		return;
	}
	if (b0 == b1) {
		memset(c->da + a0, 1, a1 - a0);
		return;
	}
	long x, y;
	middle_snake(c, a0, a1, b0, b1, &x, &y);
	compare(c, a0, x, b0, y);
	compare(c, x, a1, y, b1);
}

/* ---- Hunks ---------------------------------------------------------------- */

typedef struct op {
	fs_dl_type type;
	size_t ai, bi;   /* line indexes before this op on each side */
} op;

static op *edit_script(const side *a, const side *b, size_t *nops)
{
	op *v = fs_xmalloc((a->n + b->n + 1) * sizeof *v);
	size_t n = 0, i = 0, j = 0;
	while (i < a->n || j < b->n) {
		fs_dl_type t = i < a->n && a->changed[i] ? FS_DL_DEL
			     : j < b->n && b->changed[j] ? FS_DL_ADD : FS_DL_SAME;
		v[n++] = (op){ t, i, j };
		if (t != FS_DL_ADD)
			i++;
		if (t != FS_DL_DEL)
			j++;
	}
	*nops = n;
	return v;
}

static void add_line(fs_hunk *h, const op *o, const side *a, const side *b)
{
	const line *l = o->type == FS_DL_ADD ? &b->v[o->bi] : &a->v[o->ai];
	h->lines = fs_xrealloc(h->lines, (h->n + 1) * sizeof *h->lines);
	h->lines[h->n++] = (fs_dline){ o->type, l->noeol, fs_xstrndup(l->p, l->len), l->len };
	if (o->type != FS_DL_ADD)
		h->old_count++;
	if (o->type != FS_DL_DEL)
		h->new_count++;
}

/* One hunk from ops[from, to): counts, and starts as unified diff wants. */
static void make_hunk(fs_hunks *out, const op *ops, size_t from, size_t to,
		      const side *a, const side *b)
{
	out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	fs_hunk *h = &out->v[out->n++];
	memset(h, 0, sizeof *h);
	for (size_t k = from; k < to; k++) {
		add_line(h, &ops[k], a, b);
		if (ops[k].type == FS_DL_ADD)
			out->added++;
		else if (ops[k].type == FS_DL_DEL)
			out->removed++;
	}
	h->old_start = ops[from].ai + (h->old_count ? 1 : 0);
	h->new_start = ops[from].bi + (h->new_count ? 1 : 0);
}

static void build_hunks(const op *ops, size_t n, size_t ctxl, const side *a,
			const side *b, fs_hunks *out)
{
	size_t k = 0;
	while (k < n) {
		while (k < n && ops[k].type == FS_DL_SAME)
			k++;
		if (k == n)
			break;
		size_t from = k > ctxl ? k - ctxl : 0;
		size_t end = k;  /* one past the last change of the hunk */
		for (;;) {
			while (end < n && ops[end].type != FS_DL_SAME)
				end++;
			size_t next = end;
			while (next < n && ops[next].type == FS_DL_SAME)
				next++;
			/* Changes closer than two contexts share a hunk. */
			if (next < n && next - end <= 2 * ctxl) {
				end = next;
				continue;
			}
			break;
		}
		size_t to = end + ctxl < n ? end + ctxl : n;
		make_hunk(out, ops, from, to, a, b);
		k = to;
	}
}

void fs_textdiff(const char *a, size_t alen, const char *b, size_t blen,
		 int context, fs_hunks *out)
{
	memset(out, 0, sizeof *out);
	side sa, sb;
	split_lines(a ? a : "", a ? alen : 0, &sa);
	split_lines(b ? b : "", b ? blen : 0, &sb);
	classify(&sa, &sb);

	ctx c = { sa.id, sb.id, sa.changed, sb.changed, NULL, NULL, 0 };
	size_t span = sa.n + sb.n + 3;
	c.vf = fs_xmalloc(span * sizeof *c.vf);
	c.vb = fs_xmalloc(span * sizeof *c.vb);
	c.off = (long)sb.n + 1;
	compare(&c, 0, (long)sa.n, 0, (long)sb.n);

	size_t nops;
	op *ops = edit_script(&sa, &sb, &nops);
	build_hunks(ops, nops, context < 0 ? 0 : (size_t)context, &sa, &sb, out);

	free(ops);
	free(c.vf);
	free(c.vb);
	free(sa.v), free(sa.id), free(sa.changed);
	free(sb.v), free(sb.id), free(sb.changed);
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
