/* Deploy planner and executor (see deploy.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include "deploy/deploy.h"
#include "base/array.h"
#include "couch/http.h"
#include "base/buf.h"
#include "base/json.h"
#include "js/js.h"
#include "couch/security.h"

const char *const fs_deploy_ignore[] = { "_rev", FS_DEPLOY_MARKER, NULL };
/* Members that are not content in diffs. */
static const char *const diff_ignore[] = { "_id", "_rev", FS_DEPLOY_MARKER, NULL };

#define DEFAULT_BUILD_MS (10L * 60 * 1000)
#define POLL_MS 200

const char *fs_deploy_action_name(fs_deploy_action a)
{
	static const char *const names[] = {
#define FS_DA_NAME(k, n, w, d) n,
		FS_DA_LIST(FS_DA_NAME)
#undef FS_DA_NAME
	};
	return a < FS_DA_COUNT ? names[a] : "?";
}

static const char *action_word(fs_deploy_action a, int past)
{
	static const char *const words[][2] = {
#define FS_DA_WORD(k, n, w, d) { w, d },
		FS_DA_LIST(FS_DA_WORD)
#undef FS_DA_WORD
	};
	return a < FS_DA_COUNT ? words[a][past] : "?";
}

static const char *refusal_name(fs_deploy_refusal r)
{
	static const char *const names[] = {
#define FS_DR_NAME(k, n) n,
		FS_DR_LIST(FS_DR_NAME)
#undef FS_DR_NAME
	};
	return names[r];
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* ---- Member-level diffs --------------------------------------------------- */

typedef struct member {
	char *name;
	char *text;
} member;

typedef struct members {
	member *v;
	size_t n, cap;
} members;

static void members_add(members *m, char *name, char *text)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = fs_xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n].name = name;
	m->v[m->n++].text = text;
}

static void members_free(members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].text);
	}
	free(m->v);
}

/* Functions are strings at any depth ("views/NAME/map"); other values are
 * shown as pretty JSON. */
static void add_leaf(void *ctx, const char *name, const cJSON *v)
{
	members_add(ctx, fs_xstrdup(name),
		    cJSON_IsString(v) ? fs_xstrdup(v->valuestring) : fs_json_pretty(v, 2));
}

static void flatten(const cJSON *v, members *out)
{
	fs_json_leaves(v, diff_ignore, add_leaf, out);
}

static const member *members_find(const members *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

static void fdiff_add(fs_deploy_fdiff **out, size_t *n, const char *name, const char *a, const char *b)
{
	fs_hunks h;
	fs_textdiff_str(a, b, FS_DIFF_CONTEXT, &h);
	if (!h.n) {
		fs_hunks_free(&h);
		return;
	}
	*out = fs_xrealloc(*out, (*n + 1) * sizeof **out);
	(*out)[*n].name = fs_xstrdup(name);
	(*out)[(*n)++].hunks = h;
}

void fs_deploy_diff_docs(const cJSON *old, const cJSON *new_, fs_deploy_fdiff **out, size_t *n)
{
	members a = { 0 }, b = { 0 };
	flatten(old, &a);
	flatten(new_, &b);
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < b.n; i++) {
		const member *o = members_find(&a, b.v[i].name);
		fdiff_add(out, n, b.v[i].name, o ? o->text : NULL, b.v[i].text);
	}
	for (size_t i = 0; i < a.n; i++)
		if (!members_find(&b, a.v[i].name))
			fdiff_add(out, n, a.v[i].name, a.v[i].text, NULL);
	members_free(&a);
	members_free(&b);
}

void fs_deploy_fdiffs_free(fs_deploy_fdiff *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].name);
		fs_hunks_free(&d[i].hunks);
	}
	free(d);
}

void fs_deploy_fdiffs_format(const char *id, const fs_deploy_fdiff *d, size_t n, fs_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char *a = fs_xasprintf("a/%s/%s", id, d[i].name), *b = fs_xasprintf("b/%s/%s", id, d[i].name);
		fs_hunks_format(&d[i].hunks, a, b, out);
		free(a);
		free(b);
	}
}

cJSON *fs_deploy_fdiffs_json(const fs_deploy_fdiff *d, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", d[i].name);
		cJSON_AddItemToObject(x, "hunks", fs_hunks_json(&d[i].hunks));
		cJSON_AddItemToArray(arr, x);
	}
	return arr;
}

/* ---- Planning ------------------------------------------------------------- */

static fs_deploy_doc *db_add_doc(fs_deploy_db *db, const char *id)
{
	db->docs = fs_xrealloc(db->docs, (db->ndocs + 1) * sizeof *db->docs);
	fs_deploy_doc *d = &db->docs[db->ndocs++];
	memset(d, 0, sizeof *d);
	d->id = fs_xstrdup(id);
	return d;
}

static fs_deploy_db *plan_db(fs_deploy_plan *p, const char *name, const char *connector)
{
	for (size_t i = 0; i < p->ndbs; i++)
		if (!strcmp(p->dbs[i].name, name))
			return &p->dbs[i];
	p->dbs = fs_xrealloc(p->dbs, (p->ndbs + 1) * sizeof *p->dbs);
	fs_deploy_db *db = &p->dbs[p->ndbs++];
	memset(db, 0, sizeof *db);
	db->name = fs_xstrdup(name);
	db->connector = fs_xstrdup(connector);
	db->staging = cJSON_CreateObject();
	return db;
}

static void iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The document to upload: the project's, without _rev, with our marker. */
static cJSON *local_doc(const fs_obj *ddoc, const char *commit, const char *at)
{
	cJSON *d = cJSON_Duplicate(fs_ddoc_json(ddoc), 1);
	if (!cJSON_IsObject(d)) {
		cJSON_Delete(d);
		d = cJSON_CreateObject();
	}
	cJSON_DeleteItemFromObjectCaseSensitive(d, "_rev");
	cJSON_DeleteItemFromObjectCaseSensitive(d, FS_DEPLOY_MARKER);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "_id");
	char *id = fs_xasprintf("_design/%s", ddoc->name);
	cJSON_AddStringToObject(d, "_id", id);
	free(id);
	char hash[65];
	fs_json_hash(d, fs_deploy_ignore, hash);
	cJSON *m = cJSON_AddObjectToObject(d, FS_DEPLOY_MARKER);
	cJSON_AddStringToObject(m, "hash", hash);
	fs_json_add_str(m, "commit", commit);
	cJSON_AddStringToObject(m, "at", at);
	return d;
}

/* A function of a document as planned: checked later, off the project. */
struct fs_deploy_fn {
	char *path, *file, *text;
	fs_fn_type type;
};

/* Copies the functions under o for syntax_error. */
static void collect_fns(const fs_obj *o, fs_deploy_doc *d)
{
	if (o->kind == FS_K_FUNCTION) {
		const char *text = fs_fn_text(o);
		d->fns = fs_xrealloc(d->fns, (d->nfns + 1) * sizeof *d->fns);
		d->fns[d->nfns++] = (struct fs_deploy_fn){ fs_obj_path(o), fs_xstrdup(fs_obj_file(o)),
			fs_xstrdup(text ? text : ""), o->fn };
		return;
	}
	for (size_t i = 0; i < o->nkids; i++)
		collect_fns(o->kids[i], d);
}

static void fns_free(fs_deploy_doc *d)
{
	for (size_t i = 0; i < d->nfns; i++) {
		free(d->fns[i].path);
		free(d->fns[i].file);
		free(d->fns[i].text);
	}
	free(d->fns);
	d->fns = NULL;
	d->nfns = 0;
}

/* The first syntax error among the document's functions: the reason, a
 * sentence naming the file, the function, the line and the column, and the
 * place itself in d (the studio opens the function there). 0 when none. */
static int syntax_error(fs_deploy_doc *d)
{
	for (size_t k = 0; k < d->nfns && !d->reason; k++) {
		const struct fs_deploy_fn *f = &d->fns[k];
		fs_js_diags g = { 0 };
		fs_js_check(f->type, f->text, &g);
		for (size_t i = 0; i < g.n && !d->reason; i++) {
			if (g.v[i].warning)
				continue;
			d->fn = fs_xstrdup(f->path);
			d->line = g.v[i].line;
			d->col = g.v[i].col;
			d->reason = fs_xasprintf("%s: function %s, line %u, column %u: %s (not deployed; fix it first)",
				f->file, d->fn, d->line, d->col, g.v[i].message);
		}
		fs_js_diags_free(&g);
	}
	return d->reason != NULL;
}

/* Takes the server copy of id out of the rows (NULL when absent). */
static cJSON *take_remote(cJSON *rows, const char *id)
{
	for (cJSON *r = rows ? rows->child : NULL; r; r = r->next) {
		const char *rid = fs_json_str(r, "id");
		cJSON *doc = fs_json_obj(r, "doc");
		if (rid && doc && !strcmp(rid, id)) {
			cJSON *d = cJSON_DetachItemFromObjectCaseSensitive(r, "doc");
			cJSON_Delete(cJSON_DetachItemViaPointer(rows, r));
			return d;
		}
	}
	return NULL;
}

/* Compares the project's copy with the server's (duplicates were refused by
 * prepare). A document to be written is first checked for syntax errors; an
 * unchanged one is not: the server has it already, and checking every
 * function of every document was most of an unchanged deploy's time. */
static void compare(fs_deploy_plan *p, fs_deploy_doc *d)
{
	if (d->remote && fs_json_equal(d->local, d->remote, fs_deploy_ignore)) {
		d->action = FS_DA_UNCHANGED;
		return;
	}
	if (syntax_error(d)) {
		d->refusal = FS_DR_SYNTAX;
		d->action = FS_DA_REFUSED;
		return;
	}
	d->action = d->remote ? FS_DA_UPDATE : FS_DA_CREATE;
	const char *mark = fs_json_str(fs_json_obj(d->remote, FS_DEPLOY_MARKER), "hash");
	char rh[65];
	if (d->remote)
		fs_json_hash(d->remote, fs_deploy_ignore, rh);
	if (d->remote && (!mark || strcmp(mark, rh))) {
		d->refusal = mark ? FS_DR_DRIFT : FS_DR_FOREIGN;
		d->reason = fs_xstrdup(mark ?
			"changed on the server since fsstudio deployed it (drift)" :
			"on the server without an fsstudio marker: deployed by someone else");
		if (p->opts.force)
			d->forced = 1;
		else
			d->action = FS_DA_REFUSED;
	}
	fs_deploy_diff_docs(d->remote, d->local, &d->diffs, &d->ndiffs);
}

static void decide(fs_deploy_plan *p, fs_deploy_doc *d)
{
	if (!d->refusal)
		compare(p, d);
	fns_free(d);
	if (d->action != FS_DA_UNCHANGED)
		return;
	/* nothing to write, nothing to show: not kept (a lower peak) */
	cJSON_Delete(d->local);
	cJSON_Delete(d->remote);
	d->local = d->remote = NULL;
}

/* A design document only on the server: with prune, deleted when it is
 * ours (our marker) and unchanged since we deployed it (or forced); never
 * Convertigo's own _design/c8o nor a Mango index. */
static void plan_prune(fs_deploy_plan *p, fs_deploy_doc *d)
{
	const char *lang = fs_json_str(d->remote, "language");
	const char *mark = fs_json_str(fs_json_obj(d->remote, FS_DEPLOY_MARKER), "hash");
	char rh[65];
	fs_json_hash(d->remote, fs_deploy_ignore, rh);
	d->action = FS_DA_SERVER;
	if (lang && !strcmp(lang, "query"))
		d->reason = fs_xstrdup("Mango index, never pruned");
	else if (!strcmp(d->id, "_design/c8o"))
		d->reason = fs_xstrdup("Convertigo's own design document, never pruned");
	else if (!p->opts.prune)
		return;
	else if (!mark)
		d->reason = fs_xstrdup("no fsstudio marker: not deployed by fsstudio, never pruned");
	else if (strcmp(mark, rh) && !p->opts.force)
		d->reason = fs_xstrdup("changed on the server since fsstudio deployed it: not pruned "
			"(--force prunes it)");
	else {
		d->action = FS_DA_DELETE;
		d->forced = strcmp(mark, rh) != 0;
		if (d->forced)
			d->reason = fs_xstrdup("changed on the server since fsstudio deployed it");
	}
}

/* Design documents on the server only: left alone, deleted with prune;
 * Convertigo's own _design/c8o and Mango indexes are never touched. */
static void plan_server_only(fs_deploy_plan *p, fs_deploy_db *db, cJSON *rows)
{
	for (cJSON *r = rows ? rows->child : NULL; r; r = r->next) {
		const char *id = fs_json_str(r, "id");
		cJSON *doc = fs_json_obj(r, "doc");
		if (!id || !doc)
			continue;
		if (ends_with(id, FS_DEPLOY_STAGING_SUFFIX)) {
			const char *rev = fs_json_str(doc, "_rev");
			cJSON_AddStringToObject(db->staging, id, rev ? rev : "");
			continue;
		}
		fs_deploy_doc *d = db_add_doc(db, id);
		d->remote = cJSON_DetachItemFromObjectCaseSensitive(r, "doc");
		plan_prune(p, d);
	}
}

static int wanted(const fs_deploy_opts *o, const char *name)
{
	if (!o->nconnectors)
		return 1;
	for (size_t i = 0; i < o->nconnectors; i++)
		if (!strcmp(o->connectors[i], name))
			return 1;
	return 0;
}

static enum fs_err_code check_connectors(fs_project *p, const fs_deploy_opts *o, fs_err *e)
{
	fs_obj *root = fs_project_root(p);
	for (size_t i = 0; i < o->nconnectors; i++) {
		size_t k = 0;
		while (k < root->nkids && (root->kids[k]->kind != FS_K_CONNECTOR ||
			strcmp(root->kids[k]->name, o->connectors[i])))
			k++;
		if (k == root->nkids)
			return fs_err_set(e, FS_E_NOTFOUND, "%s: no FullSync connector named '%s' in the project",
				fs_project_dir(p) ? fs_project_dir(p) : "project", o->connectors[i]);
	}
	return 0;
}

static fs_deploy_doc *db_find_doc(fs_deploy_db *db, const char *id)
{
	for (size_t k = 0; k < db->ndocs; k++)
		if (!strcmp(db->docs[k].id, id))
			return &db->docs[k];
	return NULL;
}

/* The project's side of a document: what to upload, or why not. */
static void prepare_doc(fs_deploy_plan *p, fs_deploy_db *db, fs_obj *ddoc, const char *at)
{
	char *id = fs_xasprintf("_design/%s", ddoc->name);
	fs_deploy_doc *twin = db_find_doc(db, id);
	fs_deploy_doc *d = db_add_doc(db, id);
	free(id);
	d->file = fs_xstrdup(fs_obj_file(ddoc));
	d->local = local_doc(ddoc, p->opts.commit, at);
	if (twin) {
		/* two connectors of one database define the same document */
		d->refusal = FS_DR_DUPLICATE;
		d->reason = fs_xasprintf("%s: defined twice for database '%s' (also in %s)",
			d->file, db->name, twin->file);
	} else {
		collect_fns(ddoc, d);
	}
	if (d->refusal)
		d->action = FS_DA_REFUSED;
}

static void prepare_db_docs(fs_deploy_plan *p, fs_deploy_db *db, fs_obj *root, const char *at)
{
	for (size_t i = 0; i < root->nkids; i++) {
		fs_obj *conn = root->kids[i];
		if (conn->kind != FS_K_CONNECTOR || !wanted(&p->opts, conn->name) ||
		    strcmp(fs_connector_db(conn), db->name))
			continue;
		for (size_t k = 0; k < conn->nkids; k++)
			if (conn->kids[k]->kind == FS_K_DDOC)
				prepare_doc(p, db, conn->kids[k], at);
	}
}

/* One request: the design documents of the database with their bodies. */
static enum fs_err_code fetch_db(fs_deploy_plan *p, fs_couch *c, fs_deploy_db *db, fs_err *e)
{
	cJSON *ans = NULL;
	int rc = fs_couch_design_docs(c, db->name, 1, &ans, e);
	if (rc && rc != FS_E_NOTFOUND)
		return rc;
	db->exists = rc == 0;
	cJSON *rows = fs_json_arr(ans, "rows");
	size_t nlocal = db->ndocs;
	for (size_t k = 0; k < nlocal; k++) {
		fs_deploy_doc *d = &db->docs[k];
		d->remote = d->refusal == FS_DR_DUPLICATE ? NULL : take_remote(rows, d->id);
		decide(p, d);
	}
	plan_server_only(p, db, rows);
	cJSON_Delete(ans);
	return 0;
}

static void copy_opts(fs_deploy_plan *p, const fs_deploy_opts *o)
{
	p->opts = *o;
	char **names = fs_xcalloc(o->nconnectors + 1, sizeof *names);
	for (size_t i = 0; i < o->nconnectors; i++)
		names[i] = fs_xstrdup(o->connectors[i]);
	p->opts.connectors = (const char *const *)names;
	p->opts.commit = o->commit ? fs_xstrdup(o->commit) : NULL;
	if (!p->opts.build_timeout_ms)
		p->opts.build_timeout_ms = DEFAULT_BUILD_MS;
}

enum fs_err_code fs_deploy_prepare(fs_project *proj, const fs_deploy_opts *o, fs_deploy_plan **out, fs_err *e)
{
	fs_deploy_opts none = { 0 };
	*out = NULL;
	if (!o)
		o = &none;
	int rc = check_connectors(proj, o, e);
	if (!rc && o->prune)
		rc = fs_deploy_prune_check(proj, e);
	if (rc)
		return rc;
	fs_deploy_plan *p = fs_xcalloc(1, sizeof *p);
	copy_opts(p, o);
	fs_obj *root = fs_project_root(proj);
	for (size_t i = 0; i < root->nkids; i++) {
		fs_obj *conn = root->kids[i];
		if (conn->kind == FS_K_CONNECTOR && wanted(o, conn->name))
			plan_db(p, fs_connector_db(conn), conn->name);
	}
	char at[32];
	iso_now(at);
	for (size_t i = 0; i < p->ndbs; i++)
		prepare_db_docs(p, &p->dbs[i], root, at);
	*out = p;
	return 0;
}

/* ---- The pool of connections ---------------------------------------------- */

/* The connections of a step over n databases: the caller's own for a pool
 * of one (everything then runs in order on the calling thread), else
 * clones of it, each with its own connection. */
typedef struct conns {
	fs_couch **c;
	fs_http **h;
	size_t n;
	int own;
} conns;

static void conns_open(conns *k, fs_couch *c, const fs_deploy_opts *o, size_t n)
{
	size_t want = o->connections > 0 ? (size_t)o->connections : FS_DEPLOY_CONNECTIONS;
	want = want < n ? want : n;
	k->c = fs_xcalloc(want + 1, sizeof *k->c);
	k->h = fs_xcalloc(want + 1, sizeof *k->h);
	k->n = 0;
	for (size_t i = 0; want > 1 && i < want; i++) {
		fs_couch *x = fs_couch_clone(c);
		if (!x)
			break;
		k->h[k->n] = fs_couch_http(x);
		k->c[k->n++] = x;
	}
	k->own = k->n > 0;
	if (!k->own) {
		k->c[0] = c;
		k->h[0] = fs_couch_http(c);
		k->n = 1;
	}
}

/* The clones' requests are counted on the caller's client too. */
static void conns_close(conns *k, fs_couch *c)
{
	for (size_t i = 0; k->own && i < k->n; i++) {
		fs_http_stats_merge(fs_couch_http(c), k->h[i]);
		fs_couch_free(k->c[i]);
	}
	free(k->c);
	free(k->h);
}

typedef struct fetch_pool {
	fs_deploy_plan *p;
	fs_couch **c;
	int *rc;                  /* per database; -1: not fetched */
	fs_err *e;
} fetch_pool;

static int fetch_task(void *arg, size_t i, size_t k)
{
	fetch_pool *x = arg;
	x->rc[i + 1] = fetch_db(x->p, x->c[k], &x->p->dbs[i + 1], &x->e[i + 1]);
	return x->rc[i + 1];
}

/* The databases after the first, on the pool; the first error in plan
 * order. */
static enum fs_err_code fetch_rest(fs_deploy_plan *p, fs_couch *c, fs_err *e)
{
	fetch_pool x = { p, NULL, fs_xcalloc(p->ndbs, sizeof *x.rc), fs_xcalloc(p->ndbs, sizeof *x.e) };
	for (size_t i = 1; i < p->ndbs; i++)
		x.rc[i] = -1;
	conns k;
	conns_open(&k, c, &p->opts, p->ndbs - 1);
	x.c = k.c;
	fs_http_parallel(k.h, k.n, p->ndbs - 1, fetch_task, &x);
	conns_close(&k, c);
	int rc = 0;
	for (size_t i = 1; i < p->ndbs && !rc; i++)
		if (x.rc[i] == -1)
			rc = fs_err_set(e, FS_E_CANCELLED, "reading the server cancelled");
		else if ((rc = x.rc[i]) && e)
			*e = x.e[i];
	free(x.rc);
	free(x.e);
	return rc;
}

enum fs_err_code fs_deploy_fetch(fs_deploy_plan *p, fs_couch *c, fs_err *e)
{
	if (p->fetched)
		return fs_err_set(e, FS_E_INVALID, "this deploy plan was already compared with a server");
	p->fetched = 1;
	p->server = fs_xstrdup(fs_couch_name(c));
	p->url = fs_xstrdup(fs_couch_url(c));
	/* the first database alone: credentials a server refuses are then
	 * refused once, not once per connection of the pool */
	int rc = p->ndbs ? fetch_db(p, c, &p->dbs[0], e) : 0;
	if (!rc && p->ndbs > 1)
		rc = fetch_rest(p, c, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < p->ndbs; i++)
		for (size_t k = 0; k < p->dbs[i].ndocs; k++)
			p->count[p->dbs[i].docs[k].action]++;
	return 0;
}

enum fs_err_code fs_deploy_plan_make(fs_project *proj, fs_couch *c, const fs_deploy_opts *o,
			fs_deploy_plan **out, fs_err *e)
{
	fs_deploy_plan *p;
	int rc = fs_deploy_prepare(proj, o, &p, e);
	if (!rc && (rc = fs_deploy_fetch(p, c, e)))
		fs_deploy_plan_free(p);
	*out = rc ? NULL : p;
	return rc;
}

static void doc_free(fs_deploy_doc *d)
{
	free(d->id);
	free(d->file);
	free(d->reason);
	free(d->fn);
	fns_free(d);
	cJSON_Delete(d->local);
	cJSON_Delete(d->remote);
	fs_deploy_fdiffs_free(d->diffs, d->ndiffs);
	free(d->error);
	free(d->rev);
}

void fs_deploy_plan_free(fs_deploy_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ndbs; i++) {
		fs_deploy_db *db = &p->dbs[i];
		for (size_t k = 0; k < db->ndocs; k++)
			doc_free(&db->docs[k]);
		free(db->docs);
		free(db->name);
		free(db->connector);
		free(db->error);
		cJSON_Delete(db->staging);
	}
	free(p->dbs);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	for (size_t i = 0; i < p->opts.nconnectors; i++)
		free((char *)p->opts.connectors[i]);
	free((void *)p->opts.connectors);
	free((char *)p->opts.commit);
	free(p->server);
	free(p->url);
	free(p);
}

size_t fs_deploy_refused(const fs_deploy_plan *p)
{
	return p->count[FS_DA_REFUSED];
}

/* ---- Running ---------------------------------------------------------------- */

/* What the databases deployed in parallel share. */
typedef struct shared {
	fs_deploy_plan *p;
	pthread_mutex_t lock;     /* the listener is called by one thread at a time */
	size_t step;              /* databases done */
} shared;

/* The run of one database, on one connection of the pool. Its outcome
 * (failures, warnings) stays here until fs_deploy_run merges the databases
 * in plan order, so that the report does not depend on who finished first. */
typedef struct run {
	fs_deploy_plan *p;
	fs_couch *c;
	shared *s;
	int started, rc;
	size_t failed;
	int first_rc;
	fs_err first;
	char **warnings;
	size_t nwarnings;
} run;

/* Reports an event; non-zero when the caller asked to stop. */
static int emit(run *r, fs_deploy_event_type type, const char *db, const char *id, int percent,
	const char *msg)
{
	if (!r->p->opts.progress)
		return 0;
	pthread_mutex_lock(&r->s->lock);
	fs_deploy_event ev = { type, db, id, percent, msg, r->s->step, r->p->ndbs };
	int stop = r->p->opts.progress(r->p->opts.progress_arg, &ev);
	pthread_mutex_unlock(&r->s->lock);
	return stop;
}

static void run_warn(run *r, const char *db, const char *msg)
{
	FS_ARRAY_ADD(r->warnings, r->nwarnings) = fs_xstrdup(msg);
	emit(r, FS_DE_WARNING, db, NULL, -1, msg);
}

static void fail_doc(run *r, fs_deploy_doc *d, int code, const char *msg)
{
	d->code = code;
	free(d->error);
	d->error = fs_xstrdup(msg);
	r->failed++;
	if (!r->first_rc) {
		r->first_rc = code;
		fs_err_set(&r->first, code, "%s", msg);
	}
}

static int writes(const fs_deploy_doc *d)
{
	return d->action == FS_DA_CREATE || d->action == FS_DA_UPDATE || d->action == FS_DA_DELETE;
}

static size_t db_writes(const fs_deploy_db *db)
{
	size_t n = cJSON_GetArraySize(db->staging);
	for (size_t k = 0; k < db->ndocs; k++)
		n += writes(&db->docs[k]);
	return n;
}

/* The profile's admins and members on a database deploy just created (the
 * lists the profile leaves out stay as the server made them). 1 when set. */
static int apply_security(run *r, fs_deploy_db *db)
{
	const cJSON *want = fs_couch_security_setting(r->c), *it;
	cJSON *cur = NULL, *next = NULL;
	fs_err we;
	if (!want)
		return 0;
	int rc = fs_security_get(r->c, db->name, &cur, &we);
	if (!rc) {
		next = cJSON_Duplicate(cur, 1);
		cJSON_ArrayForEach(it, want)
			cJSON_ReplaceItemInObjectCaseSensitive(next, it->string, cJSON_Duplicate(it, 1));
		rc = fs_security_put(r->c, db->name, cur, next, 0, &we);
	}
	if (rc) {
		char *msg = fs_xasprintf("the profile's admins and members not applied to database "
					 "'%s': %s", db->name, we.msg);
		run_warn(r, db->name, msg);
		free(msg);
	}
	cJSON_Delete(cur);
	cJSON_Delete(next);
	return !rc;
}

/* Creates the database when missing and applies the profile's revs_limit. */
static enum fs_err_code ensure_db(run *r, fs_deploy_db *db, fs_err *e)
{
	long want = r->p->opts.revs_limit;
	if (!db->exists) {
		int rc = fs_couch_db_create(r->c, db->name, &db->created, e);
		if (rc)
			return rc;
		db->exists = 1;
		emit(r, FS_DE_CREATED, db->name, NULL, -1, apply_security(r, db) ?
		     "database created, with the profile's admins and members" : "database created");
	} else if (want) {
		long have = 0;
		fs_err we;
		int rc = fs_couch_revs_limit_get(r->c, db->name, &have, &we);
		if (rc == 0 && have == want)
			want = 0;
	}
	if (want) {
		fs_err we;
		if (fs_couch_revs_limit_put(r->c, db->name, want, &we)) {
			char *msg = fs_xasprintf("revs_limit %ld not applied to database '%s': %s",
				want, db->name, we.msg);
			run_warn(r, db->name, msg);
			free(msg);
		}
	}
	return 0;
}

/* A copy of the document as uploaded under id, with rev (NULL: none). */
static cJSON *upload_copy(const fs_deploy_doc *d, const char *id, const char *rev)
{
	cJSON *x = cJSON_Duplicate(d->local, 1);
	cJSON_ReplaceItemInObjectCaseSensitive(x, "_id", cJSON_CreateString(id));
	if (rev)
		cJSON_AddStringToObject(x, "_rev", rev);
	return x;
}

static cJSON *deletion(const char *id, const char *rev)
{
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "_id", id);
	cJSON_AddStringToObject(x, "_rev", rev);
	cJSON_AddTrueToObject(x, "_deleted");
	return x;
}

/* A document the server refused; a function that does not compile is
 * named as the couch layer names it for a single write. */
static void fail_result(run *r, fs_deploy_db *db, fs_deploy_doc *d, const fs_couch_bulk_result *res)
{
	if (!res->error || strcmp(res->error, "compilation_error")) {
		fail_doc(r, d, res->code, res->msg);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "error", res->error);
	cJSON_AddStringToObject(body, "reason", res->reason ? res->reason : "");
	char *text = fs_json_compact(body);
	char *what = fs_xasprintf("design document '%s' in database '%s'", d->id, db->name);
	fs_err ce;
	int code = fs_couch_error(r->c, "POST", "/_bulk_docs", what, 400, text, strlen(text), &ce);
	fail_doc(r, d, code, ce.msg);
	free(what);
	free(text);
	cJSON_Delete(body);
}

/* A whole _bulk_docs refused for a function that does not compile (the
 * server names no document): name the one uploaded, or the batch. */
static void name_batch(const fs_deploy_db *db, const cJSON *docs, fs_deploy_doc **targets, size_t n, fs_err *e)
{
	static const char anon[] = "a design document";
	if (e->code != FS_E_INVALID || strncmp(e->msg, anon, strlen(anon)))
		return;
	fs_buf ids = FS_BUF_INIT;
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (targets[i] && targets[i]->action != FS_DA_DELETE)
			fs_buf_printf(&ids, "%s'%s'", count++ ? ", " : "", fs_json_str(cJSON_GetArrayItem(docs, (int)i), "_id"));
	char *rest = fs_xstrdup(e->msg + strlen(anon));
	fs_err_set(e, FS_E_INVALID, "%s %s in database '%s'%s", count == 1 ? "design document" :
		"one of the design documents", fs_buf_str(&ids), db->name, rest);
	free(rest);
	fs_buf_free(&ids);
}

/* The server copy of a document sent in a _bulk_docs, from the rows of a
 * read back: 1 when it is what we sent (absent, for a deletion). */
static int server_has(const cJSON *rows, const cJSON *sent, char **rev)
{
	static const char *const rev_only[] = { "_rev", NULL };
	const char *id = fs_json_str(sent, "_id");
	const cJSON *have = NULL;
	for (const cJSON *row = rows ? rows->child : NULL; row && !have; row = row->next) {
		const char *rid = fs_json_str(row, "id");
		if (rid && id && !strcmp(rid, id))
			have = fs_json_obj(row, "doc");
	}
	if (fs_json_bool(sent, "_deleted", 0))
		return !have;
	if (!have || !fs_json_equal(sent, have, rev_only))
		return 0;
	const char *r = fs_json_str(have, "_rev");
	*rev = r ? fs_xstrdup(r) : NULL;
	return 1;
}

/* The design documents of the database as the server holds them now. */
static cJSON *read_rows(run *r, fs_deploy_db *db, cJSON **ans, fs_err *e)
{
	*ans = NULL;
	if (fs_couch_design_docs(r->c, db->name, 1, ans, e))
		return NULL;
	cJSON *rows = fs_json_arr(*ans, "rows");
	if (!rows)
		fs_err_set(e, FS_E_SERVER, "the design documents of database '%s' came back without rows", db->name);
	return rows;
}

/* The answer to a _bulk_docs was lost (the connection dropped, the deadline
 * passed): the server may have applied it. Never sent again; read back
 * instead: a document whose server copy is what we sent is written (its
 * target done, or its revision in revs). 0 when all of them were. */
static enum fs_err_code read_back(run *r, fs_deploy_db *db, cJSON *docs, fs_deploy_doc **targets, char **revs,
	int rc, fs_err *e)
{
	size_t n = cJSON_GetArraySize(docs), written = 0;
	char *lost = fs_xstrdup(e->msg);
	fs_err re;
	cJSON *ans, *rows = read_rows(r, db, &ans, &re);
	if (!rows) {
		fs_err_set(e, rc, "%s; reading the server back failed too (%s): what was written is unknown, "
			"run the deploy again to see", lost, re.msg);
		for (size_t i = 0; i < n; i++)
			if (targets[i] && !targets[i]->code)
				fail_doc(r, targets[i], rc, e->msg);
		cJSON_Delete(ans);
		free(lost);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		char *rev = NULL;
		int ok = server_has(rows, cJSON_GetArrayItem(docs, (int)i), &rev);
		written += ok;
		if (!ok && targets[i] && !targets[i]->code)
			fail_doc(r, targets[i], rc, "not written: the answer to the upload was lost and the "
				"server copy is not what was sent");
		if (revs)
			revs[i] = rev;
		else
			free(rev);
	}
	char *msg = fs_xasprintf("the answer to the upload into database '%s' was lost (%s); read back "
		"from the server: %zu of %zu documents written", db->name, lost, written, n);
	if (written == n)
		run_warn(r, db->name, msg);
	else
		fs_err_set(e, rc, "%s", msg);
	for (size_t i = 0; written < n && i < n; i++)
		if (targets[i] && !targets[i]->code) {
			targets[i]->done = 1; /* the failure leaves them out of mark_done */
			if (revs && revs[i] && targets[i]->action != FS_DA_DELETE)
				targets[i]->rev = fs_xstrdup(revs[i]);
		}
	free(msg);
	free(lost);
	cJSON_Delete(ans);
	return written == n ? 0 : rc;
}

/* A conflict on a document whose server copy is what we sent (a write
 * that went through before, an answer lost on the way) is a success. */
static void conflicts_written(run *r, fs_deploy_db *db, cJSON *docs, fs_couch_bulk *res)
{
	size_t n = cJSON_GetArraySize(docs), conflicts = 0;
	for (size_t i = 0; i < n; i++)
		conflicts += res->r[i].code == FS_E_CONFLICT;
	fs_err re;
	cJSON *ans, *rows = conflicts ? read_rows(r, db, &ans, &re) : NULL;
	for (size_t i = 0; rows && i < n; i++) {
		char *rev = NULL;
		if (res->r[i].code != FS_E_CONFLICT || !server_has(rows, cJSON_GetArrayItem(docs, (int)i), &rev))
			continue;
		res->r[i].code = 0;
		free(res->r[i].rev);
		res->r[i].rev = rev;
	}
	if (conflicts)
		cJSON_Delete(ans);
}

/* Transport failures end the run: the server is gone or we were cancelled. */
static int fatal(int rc)
{
	return rc == FS_E_HTTP || rc == FS_E_TIMEOUT || rc == FS_E_CANCELLED || rc == FS_E_AUTH;
}

/* One _bulk_docs; targets[i] is the plan document of docs[i] (NULL: a
 * staging document). A request that failed on the way fails every target,
 * unless the read back shows it was applied anyway. */
static enum fs_err_code bulk(run *r, fs_deploy_db *db, cJSON *docs, fs_deploy_doc **targets, char **revs, fs_err *e)
{
	size_t n = cJSON_GetArraySize(docs);
	if (!n)
		return 0;
	fs_couch_bulk res;
	int rc = fs_couch_bulk_docs(r->c, db->name, docs, 1, &res, e);
	if (rc == FS_E_HTTP || rc == FS_E_TIMEOUT)
		return read_back(r, db, docs, targets, revs, rc, e);
	if (rc) {
		name_batch(db, docs, targets, n, e);
		for (size_t i = 0; i < n; i++)
			if (targets[i] && !targets[i]->code)
				fail_doc(r, targets[i], rc, e->msg);
		return rc;
	}
	conflicts_written(r, db, docs, &res);
	for (size_t i = 0; i < n; i++) {
		if (revs)
			revs[i] = res.r[i].rev ? fs_xstrdup(res.r[i].rev) : NULL;
		if (!targets[i])
			continue;
		if (res.r[i].code)
			fail_result(r, db, targets[i], &res.r[i]);
	}
	fs_couch_bulk_free(&res);
	return 0;
}

static void mark_done(fs_deploy_db *db, cJSON *docs, fs_deploy_doc **targets, char **revs)
{
	size_t n = cJSON_GetArraySize(docs);
	for (size_t i = 0; i < n; i++) {
		fs_deploy_doc *d = targets[i];
		if (!d || d->code)
			continue;
		d->done = 1;
		if (d->action != FS_DA_DELETE && revs[i])
			d->rev = fs_xstrdup(revs[i]);
	}
}

static void add_staging_cleanup(fs_deploy_db *db, cJSON *docs, fs_deploy_doc **targets, size_t *n)
{
	for (const cJSON *s = db->staging->child; s; s = s->next) {
		cJSON_AddItemToArray(docs, deletion(s->string, s->valuestring));
		targets[(*n)++] = NULL;
	}
}

/* The last _bulk_docs of a deploy, direct or the swap of a staged one: the
 * n documents built so far plus the staging copies to remove, once the step
 * is told (the listener may cancel there). Frees docs and targets. */
static enum fs_err_code write_last(run *r, fs_deploy_db *db, cJSON *docs, fs_deploy_doc **targets, size_t n,
	fs_deploy_event_type step, const char *what, fs_err *e)
{
	add_staging_cleanup(db, docs, targets, &n);
	char **revs = fs_xcalloc(n + 1, sizeof *revs);
	int rc = emit(r, step, db->name, NULL, -1, what) ?
		fs_err_set(e, FS_E_CANCELLED, "deploy cancelled") : 0;
	if (!rc)
		rc = bulk(r, db, docs, targets, revs, e);
	if (!rc)
		mark_done(db, docs, targets, revs);
	for (size_t i = 0; i < n; i++)
		free(revs[i]);
	free(revs);
	free(targets);
	cJSON_Delete(docs);
	return rc;
}

/* Not staged: everything in one _bulk_docs. */
static enum fs_err_code upload_direct(run *r, fs_deploy_db *db, fs_err *e)
{
	cJSON *docs = cJSON_CreateArray();
	fs_deploy_doc **targets = fs_xcalloc(db->ndocs + cJSON_GetArraySize(db->staging) + 1, sizeof *targets);
	size_t n = 0;
	for (size_t k = 0; k < db->ndocs; k++) {
		fs_deploy_doc *d = &db->docs[k];
		if (!writes(d))
			continue;
		const char *rev = fs_json_str(d->remote, "_rev");
		cJSON_AddItemToArray(docs, d->action == FS_DA_DELETE ? deletion(d->id, rev ? rev : "") :
			upload_copy(d, d->id, d->action == FS_DA_UPDATE ? rev : NULL));
		targets[n++] = d;
	}
	return write_last(r, db, docs, targets, n, FS_DE_UPLOAD, "uploading", e);
}

/* ---- Staged deploy ---- */

static int indexing(const cJSON *tasks, const char *db, const char *id, int *percent)
{
	for (const cJSON *t = tasks ? tasks->child : NULL; t; t = t->next) {
		const char *type = fs_json_str(t, "type"), *dd = fs_json_str(t, "design_document");
		const char *tdb = fs_json_str(t, "database");
		if (!type || strcmp(type, "indexer") || !dd || strcmp(dd, id))
			continue;
		if (tdb && !strstr(tdb, db))
			continue;
		*percent = (int)fs_json_int(t, "progress", -1);
		return 1;
	}
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Queries a view with limit=0 until it answers (the index is built) or the
 * deadline passes: each query has the client's own deadline, so a long
 * build is several timed-out queries. */
static enum fs_err_code query_built(run *r, fs_deploy_db *db, const char *id, const char *view, double deadline, fs_err *e)
{
	fs_couch_view_opts o;
	fs_couch_view_opts_init(&o);
	o.limit = FS_COUCH_LIMIT_ZERO;
	for (;;) {
		cJSON *ans = NULL;
		int rc = fs_couch_view(r->c, db->name, id, view, &o, &ans, e);
		cJSON_Delete(ans);
		if (rc != FS_E_TIMEOUT || now_ms() >= deadline)
			return rc == FS_E_TIMEOUT ? fs_err_set(e, rc, "the index of %s in database '%s' was not "
				"built within %.0f s", id, db->name, r->p->opts.build_timeout_ms / 1e3) : rc;
	}
}

/* Waits for the index of the staging copy: progress from _active_tasks
 * where the server reports indexers, then a limit=0 query of each view. */
static enum fs_err_code wait_build(run *r, fs_deploy_db *db, const char *id, const cJSON *doc, fs_err *e)
{
	const cJSON *views = fs_json_obj(doc, "views");
	if (!views || !views->child)
		return 0;
	double deadline = now_ms() + r->p->opts.build_timeout_ms;
	int percent = 0;
	if (emit(r, FS_DE_BUILD, db->name, id, 0, "building the index"))
		return fs_err_set(e, FS_E_CANCELLED, "deploy cancelled");
	for (;;) {
		cJSON *tasks = NULL;
		fs_err te;
		int rc = fs_couch_active_tasks(r->c, &tasks, &te);
		int busy = !rc && indexing(tasks, db->name, id, &percent);
		cJSON_Delete(tasks);
		if (!busy || now_ms() >= deadline)
			break;
		if (emit(r, FS_DE_BUILD, db->name, id, percent, "building the index"))
			return fs_err_set(e, FS_E_CANCELLED, "deploy cancelled");
		sleep_ms(POLL_MS);
	}
	size_t nviews = cJSON_GetArraySize(views), i = 0;
	for (const cJSON *v = views->child; v; v = v->next, i++) {
		int rc = query_built(r, db, id, v->string, deadline, e);
		if (rc)
			return rc;
		if (emit(r, FS_DE_BUILD, db->name, id, (int)((i + 1) * 100 / nviews), "building the index"))
			return fs_err_set(e, FS_E_CANCELLED, "deploy cancelled");
	}
	return 0;
}

static char *staging_id(const char *id)
{
	return fs_xasprintf("%s%s", id, FS_DEPLOY_STAGING_SUFFIX);
}

/* Step 1: the staging copies, reusing the revisions of leftovers. */
static enum fs_err_code stage_upload(run *r, fs_deploy_db *db, fs_deploy_doc **staged, size_t *nstaged,
	char ***srevs, fs_err *e)
{
	cJSON *docs = cJSON_CreateArray();
	size_t n = 0;
	for (size_t k = 0; k < db->ndocs; k++) {
		fs_deploy_doc *d = &db->docs[k];
		if (d->action != FS_DA_CREATE && d->action != FS_DA_UPDATE)
			continue;
		char *sid = staging_id(d->id);
		cJSON *left = cJSON_DetachItemFromObjectCaseSensitive(db->staging, sid);
		cJSON_AddItemToArray(docs, upload_copy(d, sid, left ? left->valuestring : NULL));
		cJSON_Delete(left);
		free(sid);
		staged[n++] = d;
	}
	*nstaged = n;
	*srevs = fs_xcalloc(n + 1, sizeof **srevs);
	int rc = emit(r, FS_DE_UPLOAD, db->name, NULL, -1, "uploading staging copies") ?
		fs_err_set(e, FS_E_CANCELLED, "deploy cancelled") : 0;
	if (!rc)
		rc = bulk(r, db, docs, staged, *srevs, e);
	cJSON_Delete(docs);
	return rc;
}

/* Step 3: the live copies (with the live _rev), the staging copies and
 * pruned documents removed, in one _bulk_docs. */
static enum fs_err_code stage_swap(run *r, fs_deploy_db *db, fs_deploy_doc **staged, size_t nstaged,
	char **srevs, fs_err *e)
{
	cJSON *docs = cJSON_CreateArray();
	fs_deploy_doc **targets = fs_xcalloc(2 * db->ndocs + cJSON_GetArraySize(db->staging) + 1, sizeof *targets);
	size_t n = 0;
	for (size_t i = 0; i < nstaged; i++) {
		fs_deploy_doc *d = staged[i];
		if (d->code)
			continue;
		const char *rev = fs_json_str(d->remote, "_rev");
		cJSON_AddItemToArray(docs, upload_copy(d, d->id, d->action == FS_DA_UPDATE ? rev : NULL));
		targets[n++] = d;
		char *sid = staging_id(d->id);
		cJSON_AddItemToArray(docs, deletion(sid, srevs[i] ? srevs[i] : ""));
		targets[n++] = NULL;
		free(sid);
	}
	for (size_t k = 0; k < db->ndocs; k++) {
		fs_deploy_doc *d = &db->docs[k];
		if (d->action != FS_DA_DELETE)
			continue;
		const char *rev = fs_json_str(d->remote, "_rev");
		cJSON_AddItemToArray(docs, deletion(d->id, rev ? rev : ""));
		targets[n++] = d;
	}
	return write_last(r, db, docs, targets, n, FS_DE_SWAP,
			  "replacing the live design documents", e);
}

static enum fs_err_code upload_staged(run *r, fs_deploy_db *db, fs_err *e)
{
	fs_deploy_doc **staged = fs_xcalloc(db->ndocs + 1, sizeof *staged);
	char **srevs = NULL;
	size_t n = 0;
	int rc = stage_upload(r, db, staged, &n, &srevs, e);
	for (size_t i = 0; i < n && !rc; i++) {
		if (staged[i]->code)
			continue;
		char *sid = staging_id(staged[i]->id);
		rc = wait_build(r, db, sid, staged[i]->local, e);
		free(sid);
		if (rc && !fatal(rc)) {
			fail_doc(r, staged[i], rc, e->msg);
			rc = 0;
		}
	}
	if (!rc)
		rc = stage_swap(r, db, staged, n, srevs, e);
	if (!rc && n) {
		fs_err ce;
		fs_couch_view_cleanup(r->c, db->name, &ce); /* best effort */
	}
	for (size_t i = 0; i < n; i++)
		free(srevs[i]);
	free(srevs);
	free(staged);
	return rc;
}

static int run_db(run *r, fs_deploy_db *db)
{
	fs_err e = { 0 };
	size_t failed_before = r->failed;
	if (emit(r, FS_DE_DB, db->name, NULL, -1, NULL)) {
		r->first_rc = fs_err_set(&r->first, FS_E_CANCELLED, "deploy cancelled");
		return r->first_rc;
	}
	int rc = 0;
	if (db_writes(db) || !db->exists)
		rc = ensure_db(r, db, &e);
	if (!rc && db_writes(db))
		rc = r->p->opts.staged ? upload_staged(r, db, &e) : upload_direct(r, db, &e);
	for (size_t k = 0; k < db->ndocs; k++)
		if (!writes(&db->docs[k]) && db->docs[k].action != FS_DA_REFUSED)
			db->docs[k].done = 1;
	if (rc) {
		db->code = rc;
		db->error = fs_xstrdup(e.msg);
		for (size_t k = 0; k < db->ndocs; k++)
			if (writes(&db->docs[k]) && !db->docs[k].done && !db->docs[k].code)
				fail_doc(r, &db->docs[k], rc, e.msg);
		if (!r->first_rc) {
			r->first_rc = rc;
			r->first = e;
		}
		r->failed += failed_before == r->failed; /* the database itself */
	}
	pthread_mutex_lock(&r->s->lock);
	r->s->step++;
	pthread_mutex_unlock(&r->s->lock);
	emit(r, FS_DE_DONE, db->name, NULL, -1, NULL);
	return rc;
}

static void stopped(fs_err *e, const char *db)
{
	char *msg = fs_xstrdup(e->msg);
	fs_err_set(e, e->code, "%s; the deploy stopped at database '%s' (what was written stays "
		"written: run it again to finish)", msg, db);
	free(msg);
}

typedef struct run_pool {
	run *runs;
	fs_couch **c;             /* one connection per worker */
} run_pool;

static int run_task(void *arg, size_t i, size_t k)
{
	run_pool *x = arg;
	run *r = &x->runs[i];
	r->c = x->c[k];
	r->started = 1;
	r->rc = run_db(r, &r->p->dbs[i]);
	return r->rc && fatal(r->rc); /* the server is gone: start no other database */
}

/* The outcome of the databases in plan order: failures, warnings, the
 * first error, which says where the deploy stopped when the server went
 * away (the other databases then failed too, or never started). */
static int run_merge(fs_deploy_plan *p, run *runs, fs_err *e)
{
	int first_rc = 0;
	fs_err first = { 0 };
	size_t fatal_at = p->ndbs, left = 0;
	for (size_t i = 0; i < p->ndbs; i++) {
		run *r = &runs[i];
		left += !r->started;
		p->failed += r->failed;
		for (size_t w = 0; w < r->nwarnings; w++)
			FS_ARRAY_ADD(p->warnings, p->nwarnings) = r->warnings[w];
		free(r->warnings);
		if (r->first_rc && !first_rc) {
			first_rc = r->first_rc;
			first = r->first;
		}
		if (r->rc && fatal(r->rc) && fatal_at == p->ndbs)
			fatal_at = i;
	}
	if (left && !first_rc)
		first_rc = fs_err_set(&first, FS_E_CANCELLED, "deploy cancelled");
	else if (fatal_at < p->ndbs && runs[fatal_at].rc != FS_E_CANCELLED && p->ndbs > 1)
		stopped(&first, p->dbs[fatal_at].name);
	if (first_rc && e)
		*e = first;
	return first_rc;
}

enum fs_err_code fs_deploy_run(fs_deploy_plan *p, fs_couch *c, fs_err *e)
{
	if (!p->fetched || p->ran)
		return fs_err_set(e, FS_E_INVALID, "a deploy plan runs once, after fs_deploy_fetch");
	p->ran = 1;
	shared s = { p, PTHREAD_MUTEX_INITIALIZER, 0 };
	run *runs = fs_xcalloc(p->ndbs + 1, sizeof *runs);
	for (size_t i = 0; i < p->ndbs; i++)
		runs[i] = (run){ .p = p, .s = &s };
	size_t busy = 0; /* databases that need requests: a pool only for those */
	for (size_t i = 0; i < p->ndbs; i++)
		busy += db_writes(&p->dbs[i]) || !p->dbs[i].exists;
	conns k;
	conns_open(&k, c, &p->opts, busy);
	run_pool x = { runs, k.c };
	fs_http_parallel(k.h, k.n, p->ndbs, run_task, &x);
	conns_close(&k, c);
	int rc = run_merge(p, runs, e);
	free(runs);
	pthread_mutex_destroy(&s.lock);
	return rc;
}

/* ---- Output ------------------------------------------------------------------ */

static const char *outcome(const fs_deploy_plan *p, const fs_deploy_doc *d)
{
	if (p->ran && d->code)
		return "FAILED";
	if (p->ran && writes(d) && !d->done)
		return "not done";
	return action_word(d->action, p->ran);
}

static int forceable(const fs_deploy_doc *d)
{
	return d->action == FS_DA_REFUSED && (d->refusal == FS_DR_DRIFT || d->refusal == FS_DR_FOREIGN);
}

static void format_doc(const fs_deploy_plan *p, const fs_deploy_doc *d, int diffs, fs_buf *out)
{
	fs_buf_printf(out, "  %-10s %s", outcome(p, d), d->id);
	if (d->rev && p->ran)
		fs_buf_printf(out, " (%s)", d->rev);
	if (d->forced)
		fs_buf_printf(out, " [forced: %s]", d->reason);
	else if (d->reason)
		fs_buf_printf(out, ": %s", d->reason);
	if (forceable(d))
		fs_buf_adds(out, "; use --force to overwrite it");
	if (d->error)
		fs_buf_printf(out, ": %s", d->error);
	fs_buf_addc(out, '\n');
	if (diffs && d->action != FS_DA_SERVER && (d->action != FS_DA_REFUSED || forceable(d)))
		fs_deploy_fdiffs_format(d->id, d->diffs, d->ndiffs, out);
}

/* "plan: 2 create, 1 unchanged" or, after a run, what happened. */
static void format_summary(const fs_deploy_plan *p, fs_buf *out)
{
	size_t n[FS_DA_COUNT] = { 0 }, failed = 0, pending = 0;
	for (size_t i = 0; i < p->ndbs; i++)
		for (size_t k = 0; k < p->dbs[i].ndocs; k++) {
			const fs_deploy_doc *d = &p->dbs[i].docs[k];
			if (p->ran && d->code)
				failed++;
			else if (p->ran && writes(d) && !d->done)
				pending++;
			else
				n[d->action]++;
		}
	fs_buf_adds(out, p->ran ? "done:" : "plan:");
	const char *sep = " ";
	for (int a = 0; a < FS_DA_COUNT; a++)
		if (n[a]) {
			fs_buf_printf(out, "%s%zu %s", sep, n[a], a == FS_DA_SERVER ? "only on server" :
				action_word(a, p->ran));
			sep = ", ";
		}
	if (failed)
		fs_buf_printf(out, "%s%zu FAILED", sep, failed), sep = ", ";
	if (pending)
		fs_buf_printf(out, "%s%zu not done", sep, pending);
	if (p->ran && p->failed > failed)
		fs_buf_printf(out, " (%zu database%s failed)", p->failed - failed, p->failed - failed == 1 ? "" : "s");
	fs_buf_addc(out, '\n');
}

void fs_deploy_format(const fs_deploy_plan *p, int diffs, fs_buf *out)
{
	if (p->server && strcmp(p->server, p->url))
		fs_buf_printf(out, "server %s (%s)\n", p->server, p->url);
	else if (p->server)
		fs_buf_printf(out, "server %s\n", p->url);
	for (size_t i = 0; i < p->ndbs; i++) {
		const fs_deploy_db *db = &p->dbs[i];
		fs_buf_printf(out, "database %s (connector %s)%s\n", db->name, db->connector,
			db->created ? ": created" : !db->exists ? ": to create" : "");
		if (db->error)
			fs_buf_printf(out, "  error: %s\n", db->error);
		for (size_t k = 0; k < db->ndocs; k++)
			format_doc(p, &db->docs[k], diffs, out);
	}
	for (size_t i = 0; i < p->nwarnings; i++)
		fs_buf_printf(out, "warning: %s\n", p->warnings[i]);
	format_summary(p, out);
}

static cJSON *doc_json(const fs_deploy_plan *p, const fs_deploy_doc *d, int diffs)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "id", d->id);
	fs_json_add_str(j, "file", d->file);
	cJSON_AddStringToObject(j, "action", fs_deploy_action_name(d->action));
	if (d->refusal)
		cJSON_AddStringToObject(j, "refusal", refusal_name(d->refusal));
	fs_json_add_str(j, "reason", d->reason);
	cJSON_AddBoolToObject(j, "forced", d->forced);
	if (p->ran) {
		cJSON_AddBoolToObject(j, "done", d->done);
		fs_json_add_str(j, "rev", d->rev);
		fs_json_add_str(j, "error", d->error);
		if (d->code)
			cJSON_AddStringToObject(j, "code", fs_err_name(d->code));
	}
	if (diffs)
		cJSON_AddItemToObject(j, "diffs", fs_deploy_fdiffs_json(d->diffs, d->ndiffs));
	return j;
}

cJSON *fs_deploy_json(const fs_deploy_plan *p, int diffs)
{
	cJSON *j = cJSON_CreateObject();
	fs_json_add_str(j, "server", p->server);
	fs_json_add_str(j, "url", p->url);
	cJSON_AddBoolToObject(j, "ran", p->ran);
	cJSON *dbs = cJSON_AddArrayToObject(j, "databases");
	for (size_t i = 0; i < p->ndbs; i++) {
		const fs_deploy_db *db = &p->dbs[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", db->name);
		cJSON_AddStringToObject(x, "connector", db->connector);
		cJSON_AddBoolToObject(x, "exists", db->exists);
		cJSON_AddBoolToObject(x, "created", db->created);
		fs_json_add_str(x, "error", db->error);
		cJSON *docs = cJSON_AddArrayToObject(x, "docs");
		for (size_t k = 0; k < db->ndocs; k++)
			cJSON_AddItemToArray(docs, doc_json(p, &db->docs[k], diffs));
		cJSON_AddItemToArray(dbs, x);
	}
	cJSON *sum = cJSON_AddObjectToObject(j, "summary");
	for (int a = 0; a < FS_DA_COUNT; a++)
		cJSON_AddNumberToObject(sum, fs_deploy_action_name(a), (double)p->count[a]);
	cJSON_AddNumberToObject(j, "failed", (double)p->failed);
	cJSON *w = cJSON_AddArrayToObject(j, "warnings");
	for (size_t i = 0; i < p->nwarnings; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(p->warnings[i]));
	return j;
}
