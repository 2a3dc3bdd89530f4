/* Rows of a local view and CouchDB's answer to a query (see view.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/json.h"
#include "runner/collate.h"
#include "runner/reduce.h"
#include "runner/view.h"

/* Rows a custom reduce gets per call, and results per rereduce call. */
#define REDUCE_CHUNK 8

typedef struct vrow {
	unsigned char *sk;     /* sort key: key, then id, then value */
	uint32_t klen, kidlen, sklen;
	char *key, *value;     /* JSON texts, inside the sk allocation */
	uint32_t doc, seq;
} vrow;

typedef struct vdoc {
	char *id, *text;
} vdoc;

struct fs_vrows {
	vrow *v;
	size_t n, cap;
	vdoc *docs;
	size_t ndocs, capdocs;
	int keep_docs, sorted;
};

fs_vrows *fs_vrows_new(int keep_docs)
{
	fs_vrows *v = fs_xcalloc(1, sizeof *v);
	v->keep_docs = keep_docs;
	return v;
}

void fs_vrows_free(fs_vrows *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].sk);
	for (size_t i = 0; i < v->ndocs; i++) {
		free(v->docs[i].id);
		free(v->docs[i].text);
	}
	free(v->v);
	free(v->docs);
	free(v);
}

size_t fs_vrows_count(const fs_vrows *v)
{
	return v->n;
}

static void add_row(fs_vrows *v, const cJSON *key, const cJSON *value, const char *id, fs_buf *k)
{
	char *kt = cJSON_PrintUnformatted(key), *vt = cJSON_PrintUnformatted(value);
	vrow r = { 0 };
	fs_buf_reset(k);
	fs_collate_key(key, k);
	r.klen = k->len;
	fs_collate_key_str(id, k);
	r.kidlen = k->len;
	fs_collate_key(value, k);
	r.sklen = k->len;
	size_t kl = strlen(kt) + 1, vl = strlen(vt) + 1;
	r.sk = fs_xmalloc(k->len + kl + vl);
	memcpy(r.sk, k->data, k->len);
	r.key = (char *)r.sk + k->len;
	memcpy(r.key, kt, kl);
	r.value = r.key + kl;
	memcpy(r.value, vt, vl);
	free(kt);
	free(vt);
	r.doc = v->ndocs - 1;
	r.seq = v->n;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->v = fs_xrealloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = r;
}

enum fs_err_code fs_vrows_add(fs_vrows *v, const char *id, const char *rows, const char *doc, fs_err *e)
{
	cJSON *a = cJSON_Parse(rows), *r;
	fs_buf k = FS_BUF_INIT;
	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return fs_err_set(e, FS_E_PARSE, "document %s: the rows of the map are not JSON", id);
	}
	if (!a->child) {
		cJSON_Delete(a);
		return 0;
	}
	if (v->ndocs == v->capdocs) {
		v->capdocs = v->capdocs ? v->capdocs * 2 : 256;
		v->docs = fs_xrealloc(v->docs, v->capdocs * sizeof *v->docs);
	}
	v->docs[v->ndocs].id = fs_xstrdup(id);
	v->docs[v->ndocs].text = v->keep_docs && doc ? fs_xstrdup(doc) : NULL;
	v->ndocs++;
	cJSON_ArrayForEach(r, a)
		add_row(v, cJSON_GetArrayItem(r, 0), cJSON_GetArrayItem(r, 1), id, &k);
	fs_buf_free(&k);
	cJSON_Delete(a);
	v->sorted = 0;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const vrow *x = a, *y = b;
	int c = fs_collate_keycmp(x->sk, x->sklen, y->sk, y->sklen);
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void sort_rows(fs_vrows *v)
{
	if (!v->sorted && v->n)   /* no rows: no array to give qsort */
		qsort(v->v, v->n, sizeof *v->v, row_cmp);
	v->sorted = 1;
}

/* ---- Selecting rows ---- */

/* A bound of a range: a key, and maybe a document id. */
typedef struct bound {
	fs_buf sk;
	int with_id, set;
} bound;

static void bound_set(bound *b, const cJSON *key, const char *id)
{
	b->set = 1;
	fs_collate_key(key, &b->sk);
	if (id) {
		fs_collate_key_str(id, &b->sk);
		b->with_id = 1;
	}
}

/* The row against the bound: only the parts the bound has. */
static int cmp_bound(const vrow *r, const bound *b)
{
	return fs_collate_keycmp(r->sk, b->with_id ? r->kidlen : r->klen, b->sk.data, b->sk.len);
}

/* The first row not before lo (strict: after lo). */
static size_t lower(const fs_vrows *v, const bound *lo, int strict)
{
	size_t a = 0, z = v->n;
	while (a < z) {
		size_t m = a + (z - a) / 2;
		int c = cmp_bound(&v->v[m], lo);
		if (c < 0 || (strict && c == 0))
			a = m + 1;
		else
			z = m;
	}
	return a;
}

/* A selection: rows [from, to) of the sorted list, in the query's direction. */
typedef struct span {
	size_t from, to;
} span;

typedef struct query {
	const fs_couch_view_opts *q;
	int desc;
	span *spans;
	size_t nspans;
} query;

static enum fs_err_code range_span(fs_vrows *v, const fs_couch_view_opts *q, span *s, fs_err *e)
{
	bound start = { FS_BUF_INIT, 0, 0 }, end = { FS_BUF_INIT, 0, 0 };
	int incl = q->inclusive_end != 0, rc = 0;
	const cJSON *sk = q->key ? q->key : q->startkey, *ek = q->key ? q->key : q->endkey;
	if (sk)
		bound_set(&start, sk, q->startkey_docid);
	if (ek)
		bound_set(&end, ek, q->endkey_docid);
	if (q->key)
		incl = 1;
	if (start.set && end.set) {
		int c = fs_collate_keycmp(start.sk.data, start.sk.len, end.sk.data, end.sk.len);
		if (q->descending ? c < 0 : c > 0)
			rc = fs_err_set(e, FS_E_INVALID, "No rows can match your key range, reverse your "
					"start_key and end_key or set descending=true");
	}
	/* in ascending terms: lo = start (inclusive), hi = end (inclusive_end);
	 * descending swaps them */
	bound *lo = q->descending ? &end : &start, *hi = q->descending ? &start : &end;
	int lo_strict = q->descending ? !incl : 0, hi_incl = q->descending ? 1 : incl;
	s->from = lo->set ? lower(v, lo, lo_strict) : 0;
	s->to = hi->set ? lower(v, hi, hi_incl) : v->n;
	if (s->to < s->from)
		s->to = s->from;
	fs_buf_free(&start.sk);
	fs_buf_free(&end.sk);
	return rc;
}

static enum fs_err_code select_rows(fs_vrows *v, query *sel, fs_err *e)
{
	const fs_couch_view_opts *q = sel->q;
	if (q->keys) {
		size_t n = cJSON_GetArraySize(q->keys), i = 0;
		const cJSON *k;
		sel->spans = fs_xcalloc(n ? n : 1, sizeof *sel->spans);
		cJSON_ArrayForEach(k, q->keys) {
			fs_couch_view_opts one = *q;
			one.key = k;
			one.keys = NULL;
			one.startkey_docid = one.endkey_docid = NULL;
			range_span(v, &one, &sel->spans[i++], NULL);
		}
		sel->nspans = n;
		return 0;
	}
	sel->spans = fs_xcalloc(1, sizeof *sel->spans);
	sel->nspans = 1;
	return range_span(v, q, &sel->spans[0], e);
}

/* Calls fn on every selected row in the query's direction; stops when fn
 * returns non-zero. */
static int each_row(fs_vrows *v, const query *sel, int (*fn)(void *, vrow *), void *ctx)
{
	for (size_t s = 0; s < sel->nspans; s++) {
		span sp = sel->spans[s];
		for (size_t i = 0; i < sp.to - sp.from; i++) {
			size_t at = sel->desc ? sp.to - 1 - i : sp.from + i;
			int rc = fn(ctx, &v->v[at]);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- Map rows ---- */

typedef struct emit_ctx {
	fs_vrows *v;
	fs_buf *out;
	long skip, limit, sent, first;
	int include_docs;
} emit_ctx;

static int emit_row(void *c, vrow *r)
{
	emit_ctx *x = c;
	if (x->skip > 0) {
		x->skip--;
		return 0;
	}
	if (x->limit >= 0 && x->sent >= x->limit)
		return 1;
	if (x->first < 0)
		x->first = r - x->v->v;
	fs_buf_adds(x->out, x->sent++ ? ",\n" : "\n");
	fs_buf_adds(x->out, "{\"id\":");
	fs_json_append_str(x->out, x->v->docs[r->doc].id);
	fs_buf_printf(x->out, ",\"key\":%s,\"value\":%s", r->key, r->value);
	if (x->include_docs) {
		const char *d = x->v->docs[r->doc].text;
		fs_buf_printf(x->out, ",\"doc\":%s", d ? d : "null");
	}
	fs_buf_addc(x->out, '}');
	return 0;
}

static long limit_of(const fs_couch_view_opts *q)
{
	return q->limit == FS_COUCH_LIMIT_ZERO ? 0 : q->limit > 0 ? q->limit : -1;
}

static int map_query(fs_vrows *v, const query *sel, fs_buf *out)
{
	const fs_couch_view_opts *q = sel->q;
	fs_buf rows = FS_BUF_INIT;
	emit_ctx x = { v, &rows, q->skip, limit_of(q), 0, -1, q->include_docs == 1 };
	each_row(v, sel, emit_row, &x);
	/* offset: how many rows of the index come before the first one sent,
	 * in the query's direction */
	size_t start = sel->desc ? v->n - sel->spans[0].to : sel->spans[0].from;
	long off = (long)start + q->skip;
	if (x.first >= 0)
		off = sel->desc ? (long)v->n - 1 - x.first : x.first;
	if (off > (long)v->n)
		off = v->n;
	fs_buf_printf(out, "{\"total_rows\":%zu,\"offset\":%ld,\"rows\":[", v->n, off);
	fs_buf_add(out, rows.data, rows.len);
	fs_buf_adds(out, x.sent ? "\n]}\n" : "]}\n");
	fs_buf_free(&rows);
	return 0;
}

/* ---- Reduce ---- */

typedef struct group_ctx {
	fs_vrows *v;
	fs_reducer *r;
	int level;             /* -1: exact keys (group=true), 0: all, N */
	fs_buf gkey;           /* sort key of the current group */
	char *gkey_text;
	vrow **rows;           /* of the current group */
	size_t nrows, caprows;
	fs_buf *out;
	long skip, limit, sent;
	fs_err *e;
	int rc;
} group_ctx;

/* The group key of a row: its key, or its first `level` elements when it
 * is an array (other keys stay whole). */
static cJSON *group_key(const vrow *r, int level)
{
	cJSON *k = cJSON_Parse(r->key);
	if (level > 0 && cJSON_IsArray(k))
		while (cJSON_GetArraySize(k) > level)
			cJSON_DeleteItemFromArray(k, level);
	return k;
}

static void call_before(fs_reducer *r)
{
	if (r->before_call)
		r->before_call(r->ctx);
}

static void call_after(fs_reducer *r)
{
	if (r->after_call)
		r->after_call(r->ctx);
}

/* One call of the custom reduce; appends its result's JSON text to out. */
static int custom_call(group_ctx *g, const char *keys, const char *values, int rereduce, fs_buf *out)
{
	fs_run_exc x;
	call_before(g->r);
	int rc = fs_engine_reduce(g->r->en, g->r->fn, keys, values, rereduce, out, &x);
	call_after(g->r);
	if (!rc)
		return 0;
	char at[64] = "";
	if (x.line)
		snprintf(at, sizeof at, " at line %d:%d", x.line, x.col);
	fs_err_set(g->e, FS_E_JS, "the reduce threw%s%s: %s", rereduce ? " on rereduce" : "", at, x.message);
	if (g->r->exc) {
		fs_run_exc_free(g->r->exc);
		*g->r->exc = x;
	} else {
		fs_run_exc_free(&x);
	}
	return FS_E_JS;
}

/* Reduces rows [a, b) of the group: keys [[key, id], ...] and values. */
static int custom_leaf(group_ctx *g, size_t a, size_t b, fs_buf *out)
{
	fs_buf keys = FS_BUF_INIT, vals = FS_BUF_INIT;
	fs_buf_addc(&keys, '[');
	fs_buf_addc(&vals, '[');
	for (size_t i = a; i < b; i++) {
		vrow *r = g->rows[i];
		fs_buf_printf(&keys, "%s[%s,", i > a ? "," : "", r->key);
		fs_json_append_str(&keys, g->v->docs[r->doc].id);
		fs_buf_addc(&keys, ']');
		fs_buf_printf(&vals, "%s%s", i > a ? "," : "", r->value);
	}
	fs_buf_addc(&keys, ']');
	fs_buf_addc(&vals, ']');
	int rc = custom_call(g, keys.data, vals.data, 0, out);
	fs_buf_free(&keys);
	fs_buf_free(&vals);
	return rc;
}

/* Chunks of rows, then rereduce of chunks of results until one is left.
 * Any group of two rows or more goes through a rereduce, as it may on a
 * server where they sit in different B-tree nodes. */
static int custom_reduce(group_ctx *g, fs_buf *out)
{
	size_t n = g->nrows, chunk = REDUCE_CHUNK;
	if (n < 2)
		return custom_leaf(g, 0, n, out);
	if (chunk > (n + 1) / 2)
		chunk = (n + 1) / 2;
	size_t np = 0;
	char **parts = fs_xcalloc((n + chunk - 1) / chunk, sizeof *parts);
	int rc = 0;
	for (size_t a = 0; a < n && !rc; a += chunk) {
		fs_buf p = FS_BUF_INIT;
		rc = custom_leaf(g, a, a + chunk < n ? a + chunk : n, &p);
		parts[np++] = fs_buf_steal(&p);
	}
	/* rereduce at least two results per call, or it would never end */
	if (chunk < 2)
		chunk = 2;
	while (!rc && np > 1) {
		size_t k = 0;
		for (size_t a = 0; a < np && !rc; a += chunk) {
			fs_buf vals = FS_BUF_INIT, p = FS_BUF_INIT;
			fs_buf_addc(&vals, '[');
			for (size_t i = a; i < np && i < a + chunk; i++)
				fs_buf_printf(&vals, "%s%s", i > a ? "," : "", parts[i]);
			fs_buf_addc(&vals, ']');
			rc = custom_call(g, "null", vals.data, 1, &p);
			fs_buf_free(&vals);
			for (size_t i = a; i < np && i < a + chunk; i++)
				free(parts[i]), parts[i] = NULL;
			parts[k++] = fs_buf_steal(&p);
		}
		np = k;
	}
	if (!rc)
		fs_buf_adds(out, parts[0]);
	for (size_t i = 0; i < np; i++)
		free(parts[i]);
	free(parts);
	return rc;
}

static int builtin_reduce(group_ctx *g, fs_buf *out)
{
	cJSON **keys = fs_xcalloc(g->nrows + 1, sizeof *keys), **vals = fs_xcalloc(g->nrows + 1, sizeof *vals);
	for (size_t i = 0; i < g->nrows; i++) {
		keys[i] = cJSON_Parse(g->rows[i]->key);
		vals[i] = cJSON_Parse(g->rows[i]->value);
	}
	cJSON *res = fs_reduce_builtin(g->r->builtin, keys, vals, g->nrows, 0, g->e);
	for (size_t i = 0; i < g->nrows; i++) {
		cJSON_Delete(keys[i]);
		cJSON_Delete(vals[i]);
	}
	free(keys);
	free(vals);
	if (!res)
		return g->e ? g->e->code : FS_E_INVALID;
	fs_json_append(out, res);
	cJSON_Delete(res);
	return 0;
}

/* Sends the current group as a row (after skip, within limit). */
static int flush_group(group_ctx *g)
{
	if (!g->nrows)
		return 0;
	if (g->skip > 0) {
		g->skip--;
		g->nrows = 0;
		return 0;
	}
	if (g->limit >= 0 && g->sent >= g->limit)
		return 1;
	fs_buf val = FS_BUF_INIT;
	int rc = g->r->builtin ? builtin_reduce(g, &val) : custom_reduce(g, &val);
	if (!rc) {
		fs_buf_adds(g->out, g->sent++ ? ",\n" : "\n");
		fs_buf_printf(g->out, "{\"key\":%s,\"value\":%s}", g->level == 0 ? "null" : g->gkey_text, val.data);
	}
	fs_buf_free(&val);
	g->nrows = 0;
	return rc ? (g->rc = rc) : 0;
}

static int group_row(void *c, vrow *r)
{
	group_ctx *g = c;
	fs_buf k = FS_BUF_INIT;
	cJSON *gk = NULL;
	if (g->level > 0) {
		gk = group_key(r, g->level);
		fs_collate_key(gk, &k);
	} else if (g->level < 0) {
		fs_buf_add(&k, r->sk, r->klen);
	}
	if (g->nrows && fs_collate_keycmp(k.data, k.len, g->gkey.data, g->gkey.len)) {
		int rc = flush_group(g);
		if (rc) {
			fs_buf_free(&k);
			cJSON_Delete(gk);
			return rc;
		}
	}
	if (!g->nrows) {
		fs_buf_reset(&g->gkey);
		fs_buf_add(&g->gkey, k.data, k.len);
		free(g->gkey_text);
		g->gkey_text = gk ? cJSON_PrintUnformatted(gk) : fs_xstrdup(r->key);
	}
	fs_buf_free(&k);
	cJSON_Delete(gk);
	if (g->nrows == g->caprows) {
		g->caprows = g->caprows ? g->caprows * 2 : 64;
		g->rows = fs_xrealloc(g->rows, g->caprows * sizeof *g->rows);
	}
	g->rows[g->nrows++] = r;
	return 0;
}

static enum fs_err_code reduce_query(fs_vrows *v, query *sel, fs_reducer *r, fs_buf *out, fs_err *e)
{
	const fs_couch_view_opts *q = sel->q;
	fs_buf rows = FS_BUF_INIT;
	group_ctx g = { .v = v, .r = r, .out = &rows, .e = e, .skip = q->skip, .limit = limit_of(q) };
	g.level = q->group == 1 ? -1 : q->group_level >= 0 ? q->group_level : 0;
	if (q->group == 1 && q->group_level >= 0)
		g.level = q->group_level;
	int rc = 0;
	if (q->keys) {
		/* each key of keys gives its own rows */
		for (size_t s = 0; s < sel->nspans && !rc && !g.rc; s++) {
			query one = *sel;
			one.spans = &sel->spans[s];
			one.nspans = 1;
			rc = each_row(v, &one, group_row, &g);
			if (!rc)
				rc = flush_group(&g);
		}
	} else {
		rc = each_row(v, sel, group_row, &g);
		if (!rc)
			rc = flush_group(&g);
	}
	fs_buf_free(&g.gkey);
	free(g.gkey_text);
	free(g.rows);
	if (g.rc) {
		fs_buf_free(&rows);
		return g.rc;
	}
	fs_buf_adds(out, "{\"rows\":[");
	fs_buf_add(out, rows.data, rows.len);
	fs_buf_adds(out, g.sent ? "\n]}\n" : "]}\n");
	fs_buf_free(&rows);
	return 0;
}

/* ---- The query ---- */

/* CouchDB's query_parse_error reasons for options that do not go together. */
static enum fs_err_code check_options(const fs_couch_view_opts *q, int reducing, int has_reduce, fs_err *e)
{
	if (q->reduce == 1 && !has_reduce)
		return fs_err_set(e, FS_E_INVALID, "Reduce is invalid for map-only views.");
	if (q->key && q->keys)
		return fs_err_set(e, FS_E_INVALID, "`keys` is incompatible with `key`, `start_key` and `end_key`");
	if (q->keys && (q->startkey || q->endkey))
		return fs_err_set(e, FS_E_INVALID, "`keys` is incompatible with `key`, `start_key` and `end_key`");
	if (reducing && q->include_docs == 1)
		return fs_err_set(e, FS_E_INVALID, "`include_docs` is invalid for reduce");
	if (!reducing && (q->group == 1 || q->group_level >= 0))
		return fs_err_set(e, FS_E_INVALID, "Invalid use of grouping on a map view.");
	if (q->group == 0 && q->group_level >= 0)
		return fs_err_set(e, FS_E_INVALID, "Invalid use of grouping: group=false and group_level");
	if (reducing && q->keys && q->group != 1 && q->group_level < 0)
		return fs_err_set(e, FS_E_INVALID, "Multi-key fetches for reduce views must use `group=true`");
	return 0;
}

enum fs_err_code fs_vrows_query(fs_vrows *v, const fs_couch_view_opts *q, fs_reducer *r, fs_buf *out, fs_err *e)
{
	int reducing = r && q->reduce != 0;
	int rc = check_options(q, reducing, r != NULL, e);
	if (rc)
		return rc;
	sort_rows(v);
	query sel = { q, q->descending == 1, NULL, 0 };
	rc = select_rows(v, &sel, e);
	if (!rc)
		rc = reducing ? reduce_query(v, &sel, r, out, e) : map_query(v, &sel, out);
	free(sel.spans);
	return rc;
}
