/* Browsing a server: database summaries, key-paged document lists, revision
 * trees, diffs, conflict resolution, paged view queries, changes (browse.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/browse.h"
#include "couch/browse_acl.h"
#include "base/fsutil.h"
#include "couch/http.h"
#include "couch/path.h"
#include "base/json.h"

#define DEFAULT_PAGE 50
#define SCAN_BATCH 200
#define SCAN_MAX 20000

/* _all_docs sorts ids by raw code points: design documents sit in
 * ["_design/", "_design0"), between upper and lower case letters. */
#define DESIGN_LO "_design/"
#define DESIGN_HI "_design0"

/* ---- databases ---- */

enum fs_err_code fs_browse_db_summary(fs_couch *c, const char *db, cJSON **out, fs_err *e)
{
	cJSON *info = NULL, *sec = NULL, *s = cJSON_CreateObject();
	long limit = 0;
	fs_err ign;
	int rc = fs_couch_db_info(c, db, &info, e);
	if (rc) {
		cJSON_Delete(s);
		return rc;
	}
	static const char *const keys[] = { "db_name", "doc_count", "doc_del_count", "sizes", "update_seq" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(info, keys[i]);
		if (v)
			cJSON_AddItemToObject(s, keys[i], cJSON_Duplicate(v, 1));
	}
	if (!cJSON_GetObjectItemCaseSensitive(s, "sizes")) {
		/* older servers: disk_size and data_size */
		cJSON *sz = cJSON_AddObjectToObject(s, "sizes");
		cJSON_AddNumberToObject(sz, "file", fs_json_num(info, "disk_size", 0));
		cJSON_AddNumberToObject(sz, "external", fs_json_num(info, "data_size", 0));
	}
	if (!fs_couch_revs_limit_get(c, db, &limit, &ign))
		cJSON_AddNumberToObject(s, "revs_limit", (double)limit);
	else
		cJSON_AddNullToObject(s, "revs_limit");
	if (!fs_couch_security_get(c, db, &sec, &ign))
		cJSON_AddItemToObject(s, "security", sec);
	else
		cJSON_AddNullToObject(s, "security");
	cJSON_Delete(info);
	*out = s;
	return 0;
}

/* ---- document pages ---- */

struct seg {
	const char *lo, *hi;        /* [lo, hi), NULL: unbounded */
};

static size_t segments(enum fs_docs_kind kind, struct seg *s)
{
	switch (kind) {
	case FS_DOCS_DESIGN:
		s[0] = (struct seg){ DESIGN_LO, DESIGN_HI };
		return 1;
	case FS_DOCS_PLAIN:
		/* one range: the few design rows met are dropped, so that a page
		 * is one request even when it spans the design range */
	default:
		s[0] = (struct seg){ NULL, NULL };
		return 1;
	}
}

static void rows_add(fs_docs_page *p, size_t *cap, const char *id, const char *rev, int nconf)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p->v = fs_xrealloc(p->v, *cap * sizeof *p->v);
	}
	p->v[p->n++] = (fs_doc_row){ fs_xstrdup(id), fs_xstrdup(rev ? rev : ""), nconf };
}

/* Does a document pass the query's filter? */
static int row_wanted(const fs_docs_query *q, const cJSON *doc)
{
	if (!doc)
		return 0;
	if (q->conflicts_only && cJSON_GetArraySize(fs_json_arr(doc, "_conflicts")) == 0)
		return 0;
	if (q->as_user && !fs_acl_visible(doc, q->as_user,
		    q->as_groups ? (const char *const *)q->as_groups->v : NULL,
		    q->as_groups ? q->as_groups->n : 0))
		return 0;
	return 1;
}

struct fetch {
	fs_couch *c;
	const char *db;
	const fs_docs_query *q;
	int desc;
	size_t need;                /* rows wanted (limit + 1) */
	fs_docs_page *out;          /* rows in the fetch order */
	size_t cap;
};

/* Reads one segment from `start` (excluded when excl) in the fetch's
 * direction until enough rows pass. Returns the new cursor state in
 * *start and *excl. */
static enum fs_err_code fetch_segment(struct fetch *f, const struct seg *s, char **start, int *excl, fs_err *e)
{
	int filtered = f->q->conflicts_only || f->q->as_user != NULL;
	long scan_max = f->q->scan_max > 0 ? f->q->scan_max : SCAN_MAX;
	const char *bound = f->desc ? s->lo : s->hi;
	for (;;) {
		fs_couch_view_opts o;
		cJSON *res = NULL, *sk = NULL, *ek = NULL, *row;
		size_t want = f->need - f->out->n;
		const char *from = *start;
		int skip_from = *excl;
		/* clamp the cursor into the segment */
		if (!f->desc && s->lo && (!from || strcmp(from, s->lo) < 0))
			from = s->lo, skip_from = 0;
		if (f->desc && s->hi && (!from || strcmp(from, s->hi) >= 0))
			from = s->hi, skip_from = 1;
		/* *start moves while the rows are read: keep this request's own */
		char *from_copy = from ? fs_xstrdup(from) : NULL;
		from = from_copy;
		fs_couch_view_opts_init(&o);
		o.descending = f->desc;
		o.limit = filtered ? SCAN_BATCH : (long)want + skip_from;
		if (filtered) {
			o.include_docs = 1;
			o.conflicts = 1;
		}
		if (from)
			o.startkey = sk = cJSON_CreateString(from);
		if (bound) {
			o.endkey = ek = cJSON_CreateString(bound);
			o.inclusive_end = f->desc ? 1 : 0;
		}
		int rc = fs_couch_all_docs(f->c, f->db, &o, &res, e);
		cJSON_Delete(sk);
		cJSON_Delete(ek);
		if (rc) {
			free(from_copy);
			return rc;
		}
		cJSON *rows = fs_json_arr(res, "rows");
		long got = cJSON_GetArraySize(rows);
		cJSON_ArrayForEach(row, rows) {
			const char *id = fs_json_str(row, "id");
			if (!id || (skip_from && from && !strcmp(id, from)))
				continue;
			if (f->desc && s->hi && strcmp(id, s->hi) >= 0)
				continue;
			free(*start);
			*start = fs_xstrdup(id);
			*excl = 1;
			if (f->q->kind == FS_DOCS_PLAIN && !strncmp(id, DESIGN_LO, strlen(DESIGN_LO)))
				continue;
			if (filtered) {
				f->out->scanned++;
				if (!row_wanted(f->q, fs_json_obj(row, "doc")))
					continue;
			}
			if (f->out->n < f->need)
				rows_add(f->out, &f->cap, id, fs_json_str(fs_json_obj(row, "value"), "rev"),
					 cJSON_GetArraySize(fs_json_arr(fs_json_obj(row, "doc"), "_conflicts")));
		}
		cJSON_Delete(res);
		/* a server answering the same rows again (or out of order) would
		 * keep this loop turning forever */
		int moved = *start && (!from || (f->desc ? strcmp(*start, from) < 0 : strcmp(*start, from) > 0));
		free(from_copy);
		if (f->out->n >= f->need || got < o.limit)
			return 0;   /* enough, or the segment is exhausted */
		if (!moved)
			return fs_err_set(e, FS_E_SERVER, "%s: the document list of database '%s' does not "
					  "advance (rows out of order or repeated): stopped", fs_couch_url(f->c), f->db);
		if (filtered && f->out->scanned >= scan_max) {
			f->out->truncated = 1;
			return 0;
		}
	}
}

/* Rows from `start` in one direction across the kind's segments. */
static enum fs_err_code fetch(struct fetch *f, const char *start, int excl, fs_err *e)
{
	struct seg s[2];
	size_t ns = segments(f->q->kind, s);
	char *cur = start ? fs_xstrdup(start) : NULL;
	int rc = 0;
	for (size_t k = 0; k < ns && !rc && f->out->n < f->need && !f->out->truncated; k++) {
		const struct seg *sg = &s[f->desc ? ns - 1 - k : k];
		/* segments wholly behind the cursor are skipped */
		if (cur && !f->desc && sg->hi && strcmp(cur, sg->hi) >= 0)
			continue;
		if (cur && f->desc && sg->lo && strcmp(cur, sg->lo) < 0)
			continue;
		rc = fetch_segment(f, sg, &cur, &excl, e);
	}
	free(cur);
	return rc;
}

static void reverse_rows(fs_docs_page *p)
{
	for (size_t i = 0; i < p->n / 2; i++) {
		fs_doc_row t = p->v[i];
		p->v[i] = p->v[p->n - 1 - i];
		p->v[p->n - 1 - i] = t;
	}
}

/* 1 when at least one row exists before (desc) or after `id`. */
static int has_neighbour(fs_couch *c, const char *db, const fs_docs_query *q, const char *id,
			 int desc, fs_err *e)
{
	fs_docs_page p = { 0 };
	struct fetch f = { c, db, q, desc, 1, &p, 0 };
	int rc = fetch(&f, id, 1, e);
	int yes = !rc && p.n > 0;
	fs_docs_page_free(&p);
	return rc ? -rc : yes;
}

/* View as user: on the server by _find; here (every document read) when
 * asked to, for conflicts only, or when the server has no _find. */
static enum fs_err_code as_user_docs(fs_couch *c, const char *db, const fs_docs_query *q,
			fs_docs_page *out, fs_err *e)
{
	fs_docs_query scan = *q;
	fs_err ign = { 0 };
	int rc = fs_acl_find_docs(c, db, q, out, e ? e : &ign);
	if (rc != FS_E_UNSUPPORTED)
		return rc;
	scan.scan = 1;
	rc = fs_browse_docs(c, db, &scan, out, e);
	out->no_find = !rc;
	return rc;
}

enum fs_err_code fs_browse_docs(fs_couch *c, const char *db, const fs_docs_query *q,
		   fs_docs_page *out, fs_err *e)
{
	if (q->as_user && !q->scan && !q->conflicts_only)
		return as_user_docs(c, db, q, out, e);
	long limit = q->limit > 0 ? q->limit : DEFAULT_PAGE;
	int desc = q->dir == FS_PAGE_PREV || q->dir == FS_PAGE_LAST;
	int excl = q->dir == FS_PAGE_NEXT || q->dir == FS_PAGE_PREV;
	const char *start = q->dir == FS_PAGE_FIRST || q->dir == FS_PAGE_LAST ? NULL : q->from;
	struct fetch f = { c, db, q, desc, (size_t)limit + 1, out, 0 };
	int rc;
	memset(out, 0, sizeof *out);
	if ((q->dir == FS_PAGE_NEXT || q->dir == FS_PAGE_PREV || q->dir == FS_PAGE_FROM) && !q->from)
		return fs_err_set(e, FS_E_INVALID, "paging needs the id of the current page's edge");
	if ((rc = fetch(&f, start, excl, e))) {
		fs_docs_page_free(out);
		return fs_err_prefix(e, "documents of '%s'", db);
	}
	int more = out->n > (size_t)limit;
	if (more) {
		fs_doc_row *x = &out->v[--out->n];
		free(x->id);
		free(x->rev);
	}
	if (desc)
		reverse_rows(out);
	if (desc) {
		out->has_prev = more;
		out->has_next = q->dir == FS_PAGE_PREV;
	} else {
		out->has_next = more;
		out->has_prev = q->dir == FS_PAGE_NEXT;
	}
	if (q->dir == FS_PAGE_FROM && out->n) {
		int r = has_neighbour(c, db, q, out->v[0].id, 1, e);
		if (r < 0) {
			fs_docs_page_free(out);
			return -r;
		}
		out->has_prev = r;
	}
	return 0;
}

void fs_docs_page_free(fs_docs_page *p)
{
	free(p->cursor);
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].id);
		free(p->v[i].rev);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* ---- revisions ---- */

static const char *const rev_status_names[] = {
#define FS_REV_STATUS_NAME(id, name) name,
	FS_REV_STATUS_LIST(FS_REV_STATUS_NAME)
#undef FS_REV_STATUS_NAME
};

const char *fs_rev_status_name(int s)
{
	return s >= 0 && s <= FS_REV_DELETED ? rev_status_names[s] : "?";
}

static fs_rev_node *node_get(fs_revtree *t, const char *rev)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].rev, rev))
			return &t->v[i];
	t->v = fs_xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n] = (fs_rev_node){ fs_xstrdup(rev), NULL, FS_REV_MISSING, 0, 0, 0 };
	return &t->v[t->n++];
}

const fs_rev_node *fs_revtree_find(const fs_revtree *t, const char *rev)
{
	for (size_t i = 0; rev && i < t->n; i++)
		if (!strcmp(t->v[i].rev, rev))
			return &t->v[i];
	return NULL;
}

static int status_of(const char *s)
{
	if (s && !strcmp(s, "available"))
		return FS_REV_AVAILABLE;
	if (s && !strcmp(s, "deleted"))
		return FS_REV_DELETED;
	return FS_REV_MISSING;
}

/* 1 when every item of the array (NULL: none) is a string. */
static int strings_only(const cJSON *arr)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (!cJSON_IsString(it))
			return 0;
	return 1;
}

/* The ancestry of one leaf (_revisions) and its statuses (_revs_info). */
static enum fs_err_code add_branch(fs_couch *c, const char *db, const char *id, const char *leaf,
		      fs_revtree *t, fs_err *e)
{
	fs_couch_get_opts o = { .rev = leaf, .revs = 1, .revs_info = 1 };
	cJSON *doc = NULL, *it;
	int rc = fs_couch_doc_get(c, db, id, &o, &doc, e);
	if (rc)
		return rc;
	cJSON *revs = fs_json_obj(doc, "_revisions");
	long start = (long)fs_json_int(revs, "start", 0);
	cJSON *ids = fs_json_arr(revs, "ids");
	int n = cJSON_GetArraySize(ids);
	if (!fs_json_str(doc, "_rev") || (revs && !ids) || !strings_only(ids)) {
		cJSON_Delete(doc);
		return fs_err_set(e, FS_E_SERVER, "%s answered revision %s of document '%s' without "
			"a usable _rev and _revisions", fs_couch_url(c), leaf, id);
	}
	for (int i = 0; i < n; i++) {
		char rev[160], parent[160] = "";
		snprintf(rev, sizeof rev, "%ld-%s", start - i, cJSON_GetArrayItem(ids, i)->valuestring);
		if (i + 1 < n)
			snprintf(parent, sizeof parent, "%ld-%s", start - i - 1,
				 cJSON_GetArrayItem(ids, i + 1)->valuestring);
		fs_rev_node *nd = node_get(t, rev);
		if (!nd->parent && *parent)
			nd->parent = fs_xstrdup(parent);
	}
	cJSON_ArrayForEach(it, fs_json_arr(doc, "_revs_info")) {
		const char *r = fs_json_str(it, "rev");
		if (r)
			node_get(t, r)->status = status_of(fs_json_str(it, "status"));
	}
	fs_rev_node *l = node_get(t, leaf);
	l->leaf = 1;
	l->status = fs_json_bool(doc, "_deleted", 0) ? FS_REV_DELETED : FS_REV_AVAILABLE;
	cJSON_Delete(doc);
	return 0;
}

static long rev_gen(const char *rev)
{
	return strtol(rev, NULL, 10);
}

static int node_cmp(const void *a, const void *b)
{
	const fs_rev_node *x = a, *y = b;
	long gx = rev_gen(x->rev), gy = rev_gen(y->rev);
	if (gx != gy)
		return gx > gy ? -1 : 1;
	return -strcmp(x->rev, y->rev);
}

enum fs_err_code fs_browse_revs(fs_couch *c, const char *db, const char *id, fs_revtree *out, fs_err *e)
{
	fs_couch_get_opts all = { .open_revs_all = 1 };
	cJSON *cur = NULL, *leaves = NULL, *it;
	int rc;
	memset(out, 0, sizeof *out);
	out->id = fs_xstrdup(id);
	rc = fs_couch_doc_get(c, db, id, NULL, &cur, e);
	if (!rc && !fs_json_str(cur, "_rev"))
		rc = fs_err_set(e, FS_E_SERVER, "%s answered document '%s' of database '%s' without "
				"its revision (_rev)", fs_couch_url(c), id, db);
	if (!rc)
		out->winner = fs_xstrdup(fs_json_str(cur, "_rev"));
	cJSON_Delete(cur);
	if (rc && rc != FS_E_NOTFOUND)
		goto fail;
	if ((rc = fs_couch_doc_get(c, db, id, &all, &leaves, e)))
		goto fail;
	cJSON_ArrayForEach(it, leaves) {
		const char *rev = fs_json_str(fs_json_obj(it, "ok"), "_rev");
		if (rev && (rc = add_branch(c, db, id, rev, out, e)))
			goto fail;
	}
	cJSON_Delete(leaves);
	leaves = NULL;
	if (!out->n) {
		rc = fs_err_set(e, FS_E_NOTFOUND, "document '%s' not found in '%s'", id, db);
		goto fail;
	}
	qsort(out->v, out->n, sizeof *out->v, node_cmp);
	for (size_t i = 0; i < out->n; i++) {
		fs_rev_node *nd = &out->v[i];
		nd->winner = out->winner && !strcmp(nd->rev, out->winner);
		nd->conflict = nd->leaf && !nd->winner && nd->status != FS_REV_DELETED;
		out->nconflicts += nd->conflict;
	}
	return 0;
fail:
	cJSON_Delete(leaves);
	fs_revtree_free(out);
	return fs_err_prefix(e, "revisions of '%s'", id);
}

void fs_revtree_free(fs_revtree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].rev);
		free(t->v[i].parent);
	}
	free(t->v);
	free(t->id);
	free(t->winner);
	memset(t, 0, sizeof *t);
}

cJSON *fs_revtree_json(const fs_revtree *t)
{
	cJSON *j = cJSON_CreateObject(), *revs;
	cJSON_AddStringToObject(j, "id", t->id);
	fs_json_add_str(j, "winner", t->winner);
	revs = cJSON_AddArrayToObject(j, "revs");
	for (size_t i = 0; i < t->n; i++) {
		const fs_rev_node *nd = &t->v[i];
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "rev", nd->rev);
		fs_json_add_str(r, "parent", nd->parent);
		cJSON_AddStringToObject(r, "status", fs_rev_status_name(nd->status));
		cJSON_AddBoolToObject(r, "leaf", nd->leaf);
		cJSON_AddBoolToObject(r, "winner", nd->winner);
		cJSON_AddBoolToObject(r, "conflict", nd->conflict);
		cJSON_AddItemToArray(revs, r);
	}
	return j;
}

/* The pretty text of one revision, without the bookkeeping members. */
static enum fs_err_code rev_text(fs_couch *c, const char *db, const char *id, const char *rev, char **out, fs_err *e)
{
	fs_couch_get_opts o = { .rev = rev };
	cJSON *doc = NULL;
	int rc = fs_couch_doc_get(c, db, id, &o, &doc, e);
	if (rc == FS_E_NOTFOUND)
		return fs_err_set(e, FS_E_NOTFOUND,
			"revision %s of '%s' is no longer stored (compacted away): only its id remains", rev, id);
	if (rc)
		return rc;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "_rev");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "_revisions");
	*out = fs_json_pretty(doc, 2);
	cJSON_Delete(doc);
	return 0;
}

enum fs_err_code fs_browse_rev_diff(fs_couch *c, const char *db, const char *id, const char *rev_a,
		       const char *rev_b, fs_hunks *out, fs_err *e)
{
	char *a = NULL, *b = NULL;
	int rc = rev_text(c, db, id, rev_a, &a, e);
	if (!rc)
		rc = rev_text(c, db, id, rev_b, &b, e);
	if (!rc)
		fs_textdiff_str(a, b, FS_DIFF_CONTEXT, out);
	free(a);
	free(b);
	return rc;
}

enum fs_err_code fs_browse_resolve(fs_couch *c, const char *db, const char *id, const char *winner,
		      const cJSON *merged, char **new_rev, fs_err *e)
{
	fs_couch_get_opts all = { .open_revs_all = 1 };
	cJSON *leaves = NULL, *docs = cJSON_CreateArray(), *it;
	fs_couch_bulk res = { 0 };
	int found = 0, rc = fs_couch_doc_get(c, db, id, &all, &leaves, e);
	if (rc)
		goto out;
	cJSON_ArrayForEach(it, leaves) {
		cJSON *doc = fs_json_obj(it, "ok");
		const char *rev = fs_json_str(doc, "_rev");
		if (!rev || fs_json_bool(doc, "_deleted", 0))
			continue;
		if (!strcmp(rev, winner)) {
			found = 1;
			continue;
		}
		cJSON *del = cJSON_CreateObject();
		cJSON_AddStringToObject(del, "_id", id);
		cJSON_AddStringToObject(del, "_rev", rev);
		cJSON_AddTrueToObject(del, "_deleted");
		cJSON_AddItemToArray(docs, del);
	}
	if (!found) {
		rc = fs_err_set(e, FS_E_NOTFOUND, "%s is not a current revision of '%s' (pick a leaf)", winner, id);
		goto out;
	}
	if (merged) {
		cJSON *m = cJSON_Duplicate(merged, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(m, "_id");
		cJSON_DeleteItemFromObjectCaseSensitive(m, "_rev");
		cJSON_DeleteItemFromObjectCaseSensitive(m, "_conflicts");
		cJSON_AddStringToObject(m, "_id", id);
		cJSON_AddStringToObject(m, "_rev", winner);
		cJSON_AddItemToArray(docs, m);
	}
	if (!cJSON_GetArraySize(docs)) {
		if (new_rev)
			*new_rev = fs_xstrdup(winner);
		goto out;
	}
	if ((rc = fs_couch_bulk_docs(c, db, docs, 1, &res, e)))
		goto out;
	for (size_t i = 0; i < res.n; i++)
		if (res.r[i].code) {
			rc = fs_err_set(e, res.r[i].code, "resolving '%s': %s", id,
					res.r[i].msg ? res.r[i].msg : "a write failed");
			goto out;
		}
	const char *kept = merged ? res.r[res.n - 1].rev : winner;
	if (!kept) {
		rc = fs_err_set(e, FS_E_SERVER, "resolving '%s': the server's answer has no new revision "
				"for the merged document", id);
		goto out;
	}
	if (new_rev)
		*new_rev = fs_xstrdup(kept);
out:
	fs_couch_bulk_free(&res);
	cJSON_Delete(docs);
	cJSON_Delete(leaves);
	return rc;
}

/* ---- view queries ---- */

void fs_view_args_init(fs_view_args *a)
{
	memset(a, 0, sizeof *a);
	fs_couch_view_opts_init(&a->o);
}

void fs_view_args_free(fs_view_args *a)
{
	cJSON_Delete(a->key);
	cJSON_Delete(a->keys);
	cJSON_Delete(a->startkey);
	cJSON_Delete(a->endkey);
	free(a->startkey_docid);
	free(a->endkey_docid);
	free(a->update);
	free(a->stale);
	fs_view_args_init(a);
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !*v)
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int parse_long(const char *v, long *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0)
		return -1;
	*out = n;
	return 0;
}

/* A JSON value; a word that is not JSON is a string (key=abc). */
static cJSON *json_or_string(const char *v)
{
	cJSON *j = cJSON_Parse(v);
	return j ? j : cJSON_CreateString(v);
}

static void set_json(cJSON **slot, const cJSON **opt, const char *v)
{
	cJSON_Delete(*slot);
	*slot = json_or_string(v);
	*opt = *slot;
}

static void set_str(char **slot, const char **opt, const char *v)
{
	free(*slot);
	*slot = fs_xstrdup(v);
	*opt = *slot;
}

enum fs_err_code fs_view_args_set(fs_view_args *a, const char *name, const char *v, fs_err *e)
{
	fs_couch_view_opts *o = &a->o;
	int b = 0, bad = 0;
	long n = 0;
	if (!strcmp(name, "key"))
		set_json(&a->key, &o->key, v);
	else if (!strcmp(name, "startkey") || !strcmp(name, "start_key"))
		set_json(&a->startkey, &o->startkey, v);
	else if (!strcmp(name, "endkey") || !strcmp(name, "end_key"))
		set_json(&a->endkey, &o->endkey, v);
	else if (!strcmp(name, "keys")) {
		cJSON *k = cJSON_Parse(v);
		if (!cJSON_IsArray(k)) {
			cJSON_Delete(k);
			return fs_err_set(e, FS_E_INVALID, "keys must be a JSON array, like [\"a\",\"b\"]");
		}
		cJSON_Delete(a->keys);
		o->keys = a->keys = k;
	} else if (!strcmp(name, "startkey_docid"))
		set_str(&a->startkey_docid, &o->startkey_docid, v);
	else if (!strcmp(name, "endkey_docid"))
		set_str(&a->endkey_docid, &o->endkey_docid, v);
	else if (!strcmp(name, "update"))
		set_str(&a->update, &o->update, v);
	else if (!strcmp(name, "stale"))
		set_str(&a->stale, &o->stale, v);
	else if (!strcmp(name, "limit"))
		bad = parse_long(v, &n) || ((o->limit = n ? n : FS_COUCH_LIMIT_ZERO), 0);
	else if (!strcmp(name, "skip"))
		bad = parse_long(v, &n) || ((o->skip = n), 0);
	else if (!strcmp(name, "group_level"))
		bad = parse_long(v, &n) || ((o->group_level = (int)n), 0);
	else if (!strcmp(name, "descending"))
		bad = parse_bool(v, &b) || ((o->descending = b), 0);
	else if (!strcmp(name, "include_docs"))
		bad = parse_bool(v, &b) || ((o->include_docs = b), 0);
	else if (!strcmp(name, "reduce"))
		bad = parse_bool(v, &b) || ((o->reduce = b), 0);
	else if (!strcmp(name, "group"))
		bad = parse_bool(v, &b) || ((o->group = b), 0);
	else if (!strcmp(name, "inclusive_end"))
		bad = parse_bool(v, &b) || ((o->inclusive_end = b), 0);
	else if (!strcmp(name, "conflicts"))
		bad = parse_bool(v, &b) || ((o->conflicts = b), 0);
	else
		return fs_err_set(e, FS_E_INVALID, "unknown view option '%s'", name);
	if (bad)
		return fs_err_set(e, FS_E_INVALID, "view option %s: '%s' is not a valid value", name, v);
	return 0;
}

static void describe_json(fs_buf *out, const char *name, const cJSON *v)
{
	if (!v)
		return;
	fs_buf_printf(out, "%s%s=", out->len ? " " : "", name);
	fs_json_append(out, v);
}

static void describe_int(fs_buf *out, const char *name, long v, long unset)
{
	if (v != unset)
		fs_buf_printf(out, "%s%s=%ld", out->len ? " " : "", name, v);
}

void fs_view_args_describe(const fs_view_args *a, fs_buf *out)
{
	const fs_couch_view_opts *o = &a->o;
	describe_json(out, "key", o->key);
	describe_json(out, "keys", o->keys);
	describe_json(out, "startkey", o->startkey);
	describe_json(out, "endkey", o->endkey);
	describe_int(out, "limit", o->limit == FS_COUCH_LIMIT_ZERO ? 0 : o->limit, 0);
	describe_int(out, "skip", o->skip, 0);
	describe_int(out, "descending", o->descending, 0);
	describe_int(out, "reduce", o->reduce, -1);
	describe_int(out, "group", o->group, -1);
	describe_int(out, "group_level", o->group_level, -1);
	describe_int(out, "include_docs", o->include_docs, 0);
	if (o->update)
		fs_buf_printf(out, "%supdate=%s", out->len ? " " : "", o->update);
	if (o->stale)
		fs_buf_printf(out, "%sstale=%s", out->len ? " " : "", o->stale);
}

static enum fs_err_code run_view(fs_couch *c, const char *db, const char *view, const fs_couch_view_opts *o,
		    cJSON **out, fs_err *e)
{
	char ddoc[256];
	const char *slash;
	if (!view)
		return fs_couch_all_docs(c, db, o, out, e);
	if (!strncmp(view, "_design/", 8))
		view += 8;
	slash = strchr(view, '/');
	if (!slash || (size_t)(slash - view) >= sizeof ddoc || !slash[1])
		return fs_err_set(e, FS_E_INVALID, "a view is named DDOC/VIEW, not '%s'", view);
	memcpy(ddoc, view, slash - view);
	ddoc[slash - view] = 0;
	return fs_couch_view(c, db, ddoc, slash + 1, o, out, e);
}

/* Reverses an array in place (rebuilt: cJSON's insert at 0 is unreliable
 * across versions for the last item's links). */
static void reverse_array(cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	cJSON **v = fs_xmalloc((n ? n : 1) * sizeof *v);
	for (int i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(arr, 0);
	for (int i = n - 1; i >= 0; i--)
		cJSON_AddItemToArray(arr, v[i]);
	free(v);
}

/* Drops the rows up to and including the edge row. A server that honours
 * startkey_docid (CouchDB) puts the edge first; one that ignores it
 * (pouchdb-server) starts at the first row of the edge's key. Returns the
 * number of rows dropped. */
static int drop_to_edge(cJSON *rows, const cJSON *edge)
{
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(edge, "key");
	const char *id = fs_json_str(edge, "id");
	int dropped = 0;
	cJSON *row;
	while ((row = cJSON_GetArrayItem(rows, 0)) &&
	       fs_json_equal(cJSON_GetObjectItemCaseSensitive(row, "key"), key, NULL)) {
		const char *rid = fs_json_str(row, "id");
		int is_edge = !id || (rid && !strcmp(rid, id));
		cJSON_DeleteItemFromArray(rows, 0);
		dropped++;
		if (is_edge)
			break;
	}
	return dropped;
}

/* Runs one page request; rows past the edge, at most size + 1 of them. */
static enum fs_err_code view_rows(fs_couch *c, const char *db, const char *view, fs_couch_view_opts *o,
		     long size, const cJSON *edge, cJSON **rows, cJSON **total, fs_err *e)
{
	long extra = edge ? 1 : 0;
	for (;;) {
		cJSON *res = NULL;
		o->limit = size + 1 + extra;
		int rc = run_view(c, db, view, o, &res, e);
		if (rc)
			return rc;
		*rows = cJSON_DetachItemFromObjectCaseSensitive(res, "rows");
		if (!*rows)
			*rows = cJSON_CreateArray();
		cJSON_Delete(*total);
		*total = cJSON_DetachItemFromObjectCaseSensitive(res, "total_rows");
		cJSON_Delete(res);
		long got = cJSON_GetArraySize(*rows);
		int dropped = edge ? drop_to_edge(*rows, edge) : 0;
		if (got < o->limit || got - dropped >= size + 1)
			return 0;
		/* the rows of the edge's key filled the request: ask for more */
		cJSON_Delete(*rows);
		*rows = NULL;
		extra = extra * 4 + dropped;
	}
}

enum fs_err_code fs_browse_view(fs_couch *c, const char *db, const char *view, const fs_view_args *a,
		   long page_size, enum fs_page_dir dir, const cJSON *edge,
		   fs_view_page *out, fs_err *e)
{
	fs_couch_view_opts o = a->o;
	cJSON *rows = NULL;
	long size = page_size > 0 ? page_size : a->o.limit > 0 ? a->o.limit : DEFAULT_PAGE;
	int back = dir == FS_PAGE_PREV || dir == FS_PAGE_LAST;
	int paging = dir == FS_PAGE_NEXT || dir == FS_PAGE_PREV;
	memset(out, 0, sizeof *out);
	if (paging && !edge)
		return fs_err_set(e, FS_E_INVALID, "paging needs the edge row of the current page");
	if (a->o.keys) {
		/* a list of keys is one page: key paging does not apply */
		int rc = run_view(c, db, view, &o, &rows, e);
		if (rc)
			return rc;
		out->rows = cJSON_DetachItemFromObjectCaseSensitive(rows, "rows");
		out->total_rows = cJSON_DetachItemFromObjectCaseSensitive(rows, "total_rows");
		cJSON_Delete(rows);
		if (!out->rows)
			out->rows = cJSON_CreateArray();
		return 0;
	}
	if (paging) {
		o.startkey = cJSON_GetObjectItemCaseSensitive(edge, "key");
		o.startkey_docid = fs_json_str(edge, "id");
		o.skip = 0;
	}
	if (back) {
		o.descending = !a->o.descending;
		if (dir == FS_PAGE_LAST)
			o.startkey = a->o.endkey, o.startkey_docid = a->o.endkey_docid, o.skip = 0;
		o.endkey = a->o.startkey;
		o.endkey_docid = a->o.startkey_docid;
	}
	int rc = view_rows(c, db, view, &o, size, paging ? edge : NULL, &rows, &out->total_rows, e);
	if (rc) {
		fs_view_page_free(out);
		return rc;
	}
	int more = cJSON_GetArraySize(rows) > size;
	while (cJSON_GetArraySize(rows) > size)
		cJSON_DeleteItemFromArray(rows, cJSON_GetArraySize(rows) - 1);
	if (back) {
		reverse_array(rows);
		out->has_prev = more;
		out->has_next = dir == FS_PAGE_PREV;
	} else {
		out->has_next = more;
		out->has_prev = dir == FS_PAGE_NEXT || (dir == FS_PAGE_FIRST && a->o.skip > 0);
	}
	out->rows = rows;
	return 0;
}

void fs_view_page_free(fs_view_page *p)
{
	cJSON_Delete(p->rows);
	cJSON_Delete(p->total_rows);
	memset(p, 0, sizeof *p);
}

/* ---- changes ---- */

static void changes_opts(const fs_changes_query *q, fs_couch_changes_opts *o)
{
	memset(o, 0, sizeof *o);
	o->since = q->since;
	o->since_now = q->since_now;
	o->limit = q->limit;
	o->descending = q->descending;
	o->include_docs = q->include_docs;
	o->style_all_docs = 1;
	if (q->view) {
		o->filter = "_view";
		o->view = q->view;
	} else if (q->doc_ids) {
		o->filter = "_doc_ids";
		o->doc_ids = q->doc_ids;
	}
}

enum fs_err_code fs_browse_changes(fs_couch *c, const char *db, const fs_changes_query *q,
		      cJSON **out, fs_err *e)
{
	fs_couch_changes_opts o;
	changes_opts(q, &o);
	return fs_couch_changes(c, db, &o, out, e);
}

enum fs_err_code fs_browse_changes_wait(fs_couch *c, const char *db, const fs_changes_query *q,
			   long deadline_ms, cJSON **out, fs_err *e)
{
	fs_couch_changes_opts o;
	changes_opts(q, &o);
	o.longpoll = 1;
	o.descending = 0;
	o.timeout_ms = deadline_ms > 0 ? deadline_ms : 30000;
	return fs_couch_changes(c, db, &o, out, e);
}

/* ---- Attachments ---- */

enum fs_err_code fs_browse_attachment(fs_couch *c, const char *db, const char *id, const char *rev,
			 const char *name, fs_buf *out, fs_err *e)
{
	fs_buf path = FS_BUF_INIT;
	fs_http_resp resp;
	fs_buf_reset(out);
	if (fs_path_build(&path, &(fs_path){ .db = db, .id = id, .att = name }, e))
		return FS_E_INVALID;
	if (rev) {
		fs_buf_adds(&path, "?rev=");
		fs_url_encode(&path, rev);
	}
	fs_http_req r = { .method = "GET", .path = fs_buf_str(&path) };
	int rc = fs_http_do(fs_couch_http(c), &r, &resp, e);
	if (!rc && (resp.status < 200 || resp.status > 299)) {
		char *what = fs_xasprintf("attachment '%s' of document '%s' in database '%s'", name, id, db);
		rc = fs_couch_error(c, "GET", fs_buf_str(&path), what, resp.status,
				    resp.body.data, resp.body.len, e);
		free(what);
	}
	fs_buf_reset(out);
	if (!rc)
		fs_buf_add(out, resp.body.data ? resp.body.data : "", resp.body.len);
	fs_http_resp_free(&resp);
	fs_buf_free(&path);
	return rc;
}

enum fs_err_code fs_browse_attachment_save(fs_couch *c, const char *db, const char *id, const char *rev,
			      const char *name, const char *path, size_t *len, fs_err *e)
{
	fs_buf data = FS_BUF_INIT;
	int rc = fs_browse_attachment(c, db, id, rev, name, &data, e);
	if (!rc)
		rc = fs_write_file_atomic(path, data.data ? data.data : "", data.len, 0644, e);
	if (!rc && len)
		*len = data.len;
	fs_buf_free(&data);
	return rc;
}
