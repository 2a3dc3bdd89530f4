/* Listeners: loading one from the project, reading changes, and matching a
 * batch of changes chunk by chunk as the Convertigo engine does (see
 * listen.h and convertigo-listeners.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/json.h"
#include "listen/listen.h"

static const struct {
	const char *cls;
	fs_listen_class c;
	const char *name;
} CLASSES[] = {
	{ "couchdb.FullSyncListener", FS_LISTEN_VIEW, "view" },
	{ "couchdb.FullSyncFilterListener", FS_LISTEN_FILTER, "filter" },
	{ "couchdb.FullSyncDeleteViewListener", FS_LISTEN_DELETE_VIEW, "delete-view" },
	{ "couchdb.FullSyncDeleteFilterListener", FS_LISTEN_DELETE_FILTER, "delete-filter" },
};

const char *fs_listen_class_name(fs_listen_class c)
{
	return CLASSES[c].name;
}

static int by_view(fs_listen_class c)
{
	return c == FS_LISTEN_VIEW || c == FS_LISTEN_DELETE_VIEW;
}

static int is_delete(fs_listen_class c)
{
	return c == FS_LISTEN_DELETE_VIEW || c == FS_LISTEN_DELETE_FILTER;
}

void fs_listener_free(fs_listener *l)
{
	free(l->name);
	free(l->db);
	free(l->project);
	free(l->sequence);
	free(l->ddoc);
	free(l->fn);
	free(l->js);
	memset(l, 0, sizeof *l);
}

static enum fs_err_code load_chunk(fs_obj *o, fs_listener *l, fs_err *e)
{
	const char *s = fs_obj_prop(o, "chunk");
	l->chunk = FS_LISTEN_CHUNK_DEFAULT;
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	l->chunk = strtol(s, &end, 10);
	if (errno || *end || l->chunk < 0)
		return fs_err_set(e, FS_E_INVALID, "listener %s: chunk '%s' is not a number of documents", l->name, s);
	return 0;
}

/* targetView "project.connector.ddoc.view": the last two parts name what the
 * engine queries in the listener's own database. */
static enum fs_err_code load_view(fs_obj *o, fs_listener *l, fs_err *e)
{
	const char *tv = fs_obj_prop(o, "targetView");
	const char *v = tv ? strrchr(tv, '.') : NULL;
	const char *d = v ? v : tv;
	while (d && d > tv && d[-1] != '.')
		d--;
	if (!v || d == tv)
		return fs_err_set(e, FS_E_INVALID, "listener %s: targetView '%s' is not project.connector.ddoc.view",
			l->name, tv ? tv : "");
	l->ddoc = fs_xstrndup(d, v - d);
	l->fn = fs_xstrdup(v + 1);
	return 0;
}

static enum fs_err_code load_filter(fs_obj *o, fs_listener *l, fs_err *e)
{
	const char *tf = fs_obj_prop(o, "targetFilter");
	const char *slash = tf ? strchr(tf, '/') : NULL;
	if (!slash || slash == tf || !slash[1])
		return fs_err_set(e, FS_E_INVALID, "listener %s: targetFilter '%s' is not ddoc/filter",
			l->name, tf ? tf : "");
	l->ddoc = fs_xstrndup(tf, slash - tf);
	l->fn = fs_xstrdup(slash + 1);
	return 0;
}

/* The map or filter text of the project, run locally for deletions. */
static enum fs_err_code load_js(fs_obj *o, fs_listener *l, fs_err *e)
{
	char *path = by_view(l->cls) ? fs_xasprintf("%s/%s/%s/map", o->parent->name, l->ddoc, l->fn)
				     : fs_xasprintf("%s/%s/filters/%s", o->parent->name, l->ddoc, l->fn);
	fs_obj *fn = fs_project_find(o->project, path);
	const char *text = fn ? fs_fn_text(fn) : NULL;
	if (!text)
		fs_err_set(e, FS_E_INVALID, "listener %s: %s is not in the project (a delete listener runs it locally)",
			l->name, path);
	free(path);
	if (!text)
		return FS_E_INVALID;
	l->js = fs_xstrdup(text);
	return 0;
}

enum fs_err_code fs_listener_load(fs_obj *o, fs_listener *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < sizeof CLASSES / sizeof *CLASSES && (!o->cls || strcmp(o->cls, CLASSES[i].cls)))
		i++;
	if (o->kind != FS_K_LISTENER || i == sizeof CLASSES / sizeof *CLASSES)
		return fs_err_set(e, FS_E_INVALID, "%s is not a FullSync listener", o->name);
	out->name = fs_xstrdup(o->name);
	out->cls = CLASSES[i].c;
	const char *db = fs_connector_db(o->parent);
	out->db = fs_xstrdup(db ? db : o->parent->name);
	const char *ts = fs_obj_prop(o, "targetSequence");
	const char *dot = ts ? strchr(ts, '.') : NULL;
	int rc = 0;
	if (!dot || dot == ts || !dot[1])
		rc = fs_err_set(e, FS_E_INVALID, "listener %s: targetSequence '%s' is not project.sequence",
			o->name, ts ? ts : "");
	if (!rc) {
		out->project = fs_xstrndup(ts, dot - ts);
		out->sequence = fs_xstrdup(dot + 1);
		rc = load_chunk(o, out, e);
	}
	if (!rc)
		rc = by_view(out->cls) ? load_view(o, out, e) : load_filter(o, out, e);
	if (!rc && is_delete(out->cls))
		rc = load_js(o, out, e);
	fs_err none = { 0 };
	if (!rc && out->cls == FS_LISTEN_VIEW)
		load_js(o, out, &none);     /* without it, the server's view only */
	if (rc)
		fs_listener_free(out);
	return rc;
}

int fs_listen_check_local(fs_couch *c, fs_listener *l)
{
	l->local = 0;
	if (l->cls != FS_LISTEN_VIEW || !l->js)
		return 0;
	char *id = fs_xasprintf("_design/%s", l->ddoc);
	cJSON *ddoc = NULL;
	fs_err e = { 0 };
	if (!fs_couch_doc_get(c, l->db, id, NULL, &ddoc, &e)) {
		const char *map = fs_json_str(fs_json_obj(fs_json_obj(ddoc, "views"), l->fn), "map");
		fs_listen_js *js = map && !strcmp(map, l->js) ? fs_listen_js_new(l->js, 1, &e) : NULL;
		l->local = js != NULL;
		fs_listen_js_free(js);
	}
	cJSON_Delete(ddoc);
	free(id);
	return l->local;
}

char *fs_listener_checkpoint_id(const fs_listener *l, const char *project)
{
	return fs_xasprintf("_local/fsstudio-listener-%s-%s", project, l->name);
}

/* ---- Reading changes ---- */

void fs_listen_batch_free(fs_listen_batch *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].rev);
		cJSON_Delete(c->v[i].seq);
		cJSON_Delete(c->v[i].doc);
	}
	free(c->v);
	cJSON_Delete(c->last_seq);
	memset(c, 0, sizeof *c);
}

static void add_change(fs_listen_batch *out, cJSON *r)
{
	const char *id = fs_json_str(r, "id");
	if (!id)
		return;
	cJSON *revs = fs_json_arr(r, "changes");
	const char *rev = fs_json_str(cJSON_GetArrayItem(revs, 0), "rev");
	out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = (fs_listen_change){ fs_xstrdup(id), rev ? fs_xstrdup(rev) : NULL,
		fs_json_bool(r, "deleted", 0), cJSON_Duplicate(cJSON_GetObjectItem(r, "seq"), 1),
		cJSON_DetachItemFromObjectCaseSensitive(r, "doc") };
}

enum fs_err_code fs_listen_read(fs_couch *c, const char *db, const fs_listen_range *r, fs_listen_batch *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	fs_couch_changes_opts o = { 0 };
	cJSON *ids = NULL;
	if (r->nids) {
		ids = cJSON_CreateArray();
		for (size_t i = 0; i < r->nids; i++)
			cJSON_AddItemToArray(ids, cJSON_CreateString(r->ids[i]));
		o.doc_ids = ids;
	} else if (r->last > 0) {
		o.descending = 1;
		o.limit = r->last;
	} else {
		o.since = r->since;
		o.since_now = r->since_now;
		o.limit = r->limit;
		o.longpoll = r->longpoll;
		o.timeout_ms = r->timeout_ms;
		o.include_docs = o.conflicts = r->include_docs;
	}
	cJSON *res = NULL;
	int rc = fs_couch_changes(c, db, &o, &res, e);
	cJSON_Delete(ids);
	if (rc)
		return rc;
	/* walked, not indexed: cJSON_GetArrayItem walks the list from the
	 * start each time */
	cJSON *rows = fs_json_arr(res, "results"), *row;
	if (o.descending)
		for (row = rows && rows->child ? rows->child->prev : NULL; row;
		     row = row == rows->child ? NULL : row->prev)
			add_change(out, row);
	else
		cJSON_ArrayForEach(row, rows)
			add_change(out, row);
	out->last_seq = cJSON_DetachItemFromObject(res, "last_seq");
	cJSON_Delete(res);
	return 0;
}

int fs_listen_answered_early(const fs_listen_range *r, const fs_listen_batch *b, double secs)
{
	long held = r->timeout_ms < 2000 ? r->timeout_ms / 2 : 1000;
	return r->longpoll && !b->n && secs * 1000 < (double)held;
}

/* ---- Matching ---- */

void fs_listen_clean(cJSON *doc)
{
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "_c8oHash");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "~c8oAcl");
}

static void chunk_free(fs_listen_chunk *k)
{
	cJSON_Delete(k->ids);
	cJSON_Delete(k->docs);
	cJSON_Delete(k->seq);
	for (size_t i = 0; i < k->nmiss; i++) {
		free(k->miss[i].id);
		free(k->miss[i].reason);
	}
	free(k->miss);
}

void fs_listen_chunks_free(fs_listen_chunks *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		chunk_free(&cs->v[i]);
	free(cs->v);
	memset(cs, 0, sizeof *cs);
}

static void miss(fs_listen_chunk *k, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void miss(fs_listen_chunk *k, const char *id, const char *fmt, ...)
{
	fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	k->miss = fs_xrealloc(k->miss, (k->nmiss + 1) * sizeof *k->miss);
	k->miss[k->nmiss++] = (fs_listen_miss){ fs_xstrdup(id), fs_buf_steal(&b) };
}

static void deliver(fs_listen_chunk *k, const cJSON *doc)
{
	cJSON *d = cJSON_Duplicate(doc, 1);
	fs_listen_clean(d);
	cJSON_AddItemToArray(k->docs, d);
}

/* What a batch query found: the document of each matching id, in a hash
 * table (open addressing, at most half full). A batch holds thousands of
 * ids, and a cJSON object's lookup walks its list comparing without case:
 * that was a quarter of `listen run`'s time. A document taken out of a
 * server's answer is owned here; one of the feed's batch is borrowed (the
 * batch outlives the matching): copying every document was another fifth. */
typedef struct found {
	char **id;
	cJSON **doc;
	unsigned char *owned;
	size_t cap, n;        /* cap: 0 or a power of two */
} found;

static size_t found_slot(const found *f, const char *id)
{
	size_t h = 5381, i;
	for (const unsigned char *s = (const unsigned char *)id; *s; s++)
		h = h * 33 + *s;
	for (i = h & (f->cap - 1); f->id[i] && strcmp(f->id[i], id); i = (i + 1) & (f->cap - 1))
		;
	return i;
}

static cJSON *found_get(const found *f, const char *id)
{
	return f->cap ? f->doc[found_slot(f, id)] : NULL;
}

static void found_grow(found *f)
{
	size_t cap = f->cap ? f->cap * 2 : 64;
	found g = { fs_xcalloc(cap, sizeof(char *)), fs_xcalloc(cap, sizeof(cJSON *)), fs_xcalloc(cap, 1),
		    cap, f->n };
	for (size_t i = 0; i < f->cap; i++)
		if (f->id[i]) {
			size_t j = found_slot(&g, f->id[i]);
			g.id[j] = f->id[i];
			g.doc[j] = f->doc[i];
			g.owned[j] = f->owned[i];
		}
	free(f->id);
	free(f->doc);
	free(f->owned);
	*f = g;
}

/* Keeps doc for id (owned: freed with f): the first one given, or with
 * replace the last. A doc not kept is freed when owned. */
static void found_put(found *f, const char *id, cJSON *doc, int owned, int replace)
{
	if ((f->n + 1) * 2 > f->cap)
		found_grow(f);
	size_t i = found_slot(f, id);
	if (f->id[i] && !replace) {
		if (owned)
			cJSON_Delete(doc);
		return;
	}
	if (f->id[i]) {
		if (f->owned[i])
			cJSON_Delete(f->doc[i]);
	} else {
		f->id[i] = fs_xstrdup(id);
		f->n++;
	}
	f->doc[i] = doc;
	f->owned[i] = (unsigned char)owned;
}

static void found_free(found *f)
{
	for (size_t i = 0; i < f->cap; i++) {
		free(f->id[i]);
		if (f->owned[i])
			cJSON_Delete(f->doc[i]);
	}
	free(f->id);
	free(f->doc);
	free(f->owned);
}

/* The view with these keys: rows keyed by their own id go into f. */
static enum fs_err_code view_rows(fs_couch *c, const fs_listener *l, const cJSON *keys, found *f, fs_err *e)
{
	if (!cJSON_GetArraySize(keys))
		return 0;
	fs_couch_view_opts o;
	fs_couch_view_opts_init(&o);
	o.keys = keys;
	o.reduce = 0;
	o.include_docs = 1;
	o.conflicts = 1;
	o.update = "true";
	cJSON *res = NULL;
	int rc = fs_couch_view(c, l->db, l->ddoc, l->fn, &o, &res, e);
	cJSON *row;
	cJSON_ArrayForEach(row, fs_json_arr(res, "rows")) {
		const char *id = fs_json_str(row, "id"), *key = fs_json_str(row, "key");
		if (id && key && !strcmp(id, key) && cJSON_IsObject(fs_json_obj(row, "doc")))
			found_put(f, id, cJSON_DetachItemFromObjectCaseSensitive(row, "doc"), 1, 0);
	}
	cJSON_Delete(res);
	return rc;
}

static int live(const fs_listen_change *ch)
{
	return !ch->deleted && strncmp(ch->id, "_design/", 8);
}

/* The view with the batch's live ids as keys. */
static enum fs_err_code query_view(fs_couch *c, const fs_listener *l, const fs_listen_batch *b, found *f, fs_err *e)
{
	cJSON *keys = cJSON_CreateArray();
	for (size_t i = 0; i < b->n; i++)
		if (live(&b->v[i]))
			cJSON_AddItemToArray(keys, cJSON_CreateString(b->v[i].id));
	int rc = view_rows(c, l, keys, f, e);
	cJSON_Delete(keys);
	return rc;
}

/* The map run here on the feed's documents; the server's view answers for
 * a document the feed did not carry or on which the map threw here (it may
 * not there). */
static enum fs_err_code local_view(fs_couch *c, const fs_listener *l, const fs_listen_batch *b, found *f, fs_err *e)
{
	fs_listen_js *js = fs_listen_js_new(l->js, 1, e);
	if (!js)
		return query_view(c, l, b, f, e);
	cJSON *ask = cJSON_CreateArray();
	for (size_t i = 0; i < b->n; i++) {
		const fs_listen_change *ch = &b->v[i];
		int hit = 0;
		fs_err je = { 0 };
		if (!live(ch))
			continue;
		if (!ch->doc || fs_listen_js_match(js, ch->doc, &hit, &je))
			cJSON_AddItemToArray(ask, cJSON_CreateString(ch->id));
		else if (hit)
			found_put(f, ch->id, ch->doc, 0, 0);
	}
	fs_listen_js_free(js);
	int rc = view_rows(c, l, ask, f, e);
	cJSON_Delete(ask);
	return rc;
}

/* The filter over the feed since the batch began (CouchDB takes doc_ids only
 * with filter=_doc_ids, so the answer is kept to the batch's ids after). */
static enum fs_err_code query_filter(fs_couch *c, const fs_listener *l, const cJSON *since, found *f, fs_err *e)
{
	char *filter = fs_xasprintf("%s/%s", l->ddoc, l->fn);
	fs_couch_changes_opts o = { 0 };
	o.since = since;
	o.filter = filter;
	o.include_docs = 1;
	o.conflicts = 1;
	o.timeout_ms = 120000;
	cJSON *res = NULL;
	int rc = fs_couch_changes(c, l->db, &o, &res, e);
	free(filter);
	cJSON *row;
	cJSON_ArrayForEach(row, fs_json_arr(res, "results")) {
		const char *id = fs_json_str(row, "id");
		if (id && cJSON_IsObject(fs_json_obj(row, "doc")))
			found_put(f, id, cJSON_DetachItemFromObjectCaseSensitive(row, "doc"), 1, 1);
	}
	cJSON_Delete(res);
	return rc;
}

/* The revision before a deletion, or NULL with the reason in e. */
static cJSON *previous_rev(fs_couch *c, const fs_listener *l, const fs_listen_change *ch, fs_err *e)
{
	fs_couch_get_opts o = { .rev = ch->rev, .revs = 1 };
	cJSON *del = NULL;
	if (fs_couch_doc_get(c, l->db, ch->id, &o, &del, e))
		return NULL;
	cJSON *revs = fs_json_obj(del, "_revisions");
	long long start = fs_json_int(revs, "start", 0);
	const char *prev = cJSON_GetStringValue(cJSON_GetArrayItem(fs_json_arr(revs, "ids"), 1));
	cJSON *doc = NULL;
	if (!prev || start < 2) {
		fs_err_set(e, FS_E_NOTFOUND, "no previous revision");
	} else {
		char *rev = fs_xasprintf("%lld-%s", start - 1, prev);
		fs_couch_get_opts po = { .rev = rev };
		fs_couch_doc_get(c, l->db, ch->id, &po, &doc, e);
		free(rev);
	}
	cJSON_Delete(del);
	return doc;
}

static void match_deleted(fs_couch *c, const fs_listener *l, fs_listen_js *js, const fs_listen_change *ch,
			  fs_listen_chunk *k)
{
	fs_err e = { 0 };
	cJSON *prev = previous_rev(c, l, ch, &e);
	int hit = 0;
	if (!prev)
		miss(k, ch->id, "previous revision unreadable: %s", e.msg);
	else if (fs_listen_js_match(js, prev, &hit, &e))
		miss(k, ch->id, "the %s threw on the previous revision: %s", by_view(l->cls) ? "map" : "filter", e.msg);
	else if (!hit)
		miss(k, ch->id, by_view(l->cls) ? "previous revision not emitted by the view"
						: "previous revision refused by the filter");
	else
		deliver(k, prev);
	cJSON_Delete(prev);
}

static void match_live(const fs_listener *l, const found *f, const fs_listen_change *ch, fs_listen_chunk *k)
{
	cJSON *doc = found_get(f, ch->id);
	if (doc)
		deliver(k, doc);
	else if (l->cls == FS_LISTEN_VIEW && ch->deleted)
		miss(k, ch->id, "deleted");
	else
		miss(k, ch->id, l->cls == FS_LISTEN_VIEW ? "not emitted by the view (key doc._id)"
							 : "refused by the filter");
}

static void match_one(fs_couch *c, const fs_listener *l, const found *f, fs_listen_js *js,
		      const fs_listen_change *ch, fs_listen_chunk *k)
{
	cJSON_AddItemToArray(k->ids, cJSON_CreateString(ch->id));
	if (!strncmp(ch->id, "_design/", 8))
		miss(k, ch->id, "design document");
	else if (is_delete(l->cls) && !ch->deleted)
		miss(k, ch->id, "not deleted");
	else if (is_delete(l->cls))
		match_deleted(c, l, js, ch, k);
	else
		match_live(l, f, ch, k);
}

static void match_chunk(fs_couch *c, const fs_listener *l, const fs_listen_batch *b, size_t first,
			size_t n, const found *f, fs_listen_js *js, fs_listen_chunk *k)
{
	*k = (fs_listen_chunk){ first, n, cJSON_CreateArray(), cJSON_CreateArray(), NULL, 0,
		cJSON_Duplicate(b->v[first + n - 1].seq, 1) };
	for (size_t i = first; i < first + n; i++)
		match_one(c, l, f, js, &b->v[i], k);
}

/* The view and the filter are queried once for the whole batch: a view's
 * rows for a key and a filter's verdict on a document do not depend on the
 * other ids, so each chunk gets what the engine's query per chunk would give,
 * for a fraction of the requests. */
enum fs_err_code fs_listen_match(fs_couch *c, const fs_listener *l, const fs_listen_batch *batch, const cJSON *since,
		    fs_listen_chunks *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	if (l->chunk <= 0 || !batch->n)
		return 0;
	found f = { 0 };
	fs_listen_js *js = NULL;
	int rc = 0;
	if (l->cls == FS_LISTEN_VIEW && l->local)
		rc = local_view(c, l, batch, &f, e);
	else if (l->cls == FS_LISTEN_VIEW)
		rc = query_view(c, l, batch, &f, e);
	else if (l->cls == FS_LISTEN_FILTER)
		rc = query_filter(c, l, since, &f, e);
	else if (!(js = fs_listen_js_new(l->js, by_view(l->cls), e)))
		rc = FS_E_JS;
	for (size_t first = 0; !rc && first < batch->n; first += l->chunk) {
		size_t n = batch->n - first < (size_t)l->chunk ? batch->n - first : (size_t)l->chunk;
		out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		match_chunk(c, l, batch, first, n, &f, js, &out->v[out->n++]);
	}
	found_free(&f);
	fs_listen_js_free(js);
	if (rc)
		fs_listen_chunks_free(out);
	return rc;
}
