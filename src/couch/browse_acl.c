/* View as user filtered on the server by _find, paged by bookmark, and the
 * json index on ~c8oAcl that serves it (browse_acl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "couch/browse_acl.h"
#include "base/buf.h"
#include "base/json.h"
#include "couch/http.h"
#include "couch/path.h"

#define DEFAULT_PAGE 50
/* Without an index the server reads documents until the page is full: on a
 * big database with few matches that takes longer than a plain request
 * (pouchdb-server even reads the whole database first). The job stays
 * cancellable. */
#define FIND_DEADLINE_MS 180000

/* ---- selectors ---- */

/* {field: {"$eq": value}}: "$eq" so that no value is ever read as an operator */
static cJSON *eq(const char *field, cJSON *value)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(cJSON_AddObjectToObject(o, field), "$eq", value);
	return o;
}

/* The Mango path of member g of c8oGrp. Mango splits a path at dots not
 * escaped by a backslash and then drops every backslash, so a name with a
 * backslash (or an empty one) cannot be written as a path: NULL. Such a
 * group still matches a c8oGrp that is a plain string. */
static char *group_field(const char *g)
{
	fs_buf b = FS_BUF_INIT;
	if (!*g || strchr(g, '\\'))
		return NULL;
	fs_buf_adds(&b, FS_GRP_KEY ".");
	for (; *g; g++) {
		if (*g == '.')
			fs_buf_addc(&b, '\\');
		fs_buf_addc(&b, *g);
	}
	return fs_buf_steal(&b);
}

/* The clauses of stream 2, OR'ed: anonymous documents, then c8oGrp naming
 * one of the groups (a string, or an object member true or "true"). */
static cJSON *others_any(const fs_strv *groups)
{
	cJSON *any = cJSON_CreateArray(), *anon = cJSON_CreateObject(), *in, *g;
	cJSON_AddFalseToObject(cJSON_AddObjectToObject(anon, FS_ACL_KEY), "$exists");
	cJSON_AddFalseToObject(cJSON_AddObjectToObject(anon, FS_GRP_KEY), "$exists");
	cJSON_AddItemToArray(any, anon);
	if (!groups || !groups->n)
		return any;
	g = cJSON_CreateObject();
	in = cJSON_AddObjectToObject(g, FS_GRP_KEY);
	cJSON_AddStringToObject(in, "$type", "string");
	cJSON_AddItemToObject(in, "$in", cJSON_CreateStringArray((const char *const *)groups->v,
								  (int)groups->n));
	cJSON_AddItemToArray(any, g);
	for (size_t i = 0; i < groups->n; i++) {
		char *f = group_field(groups->v[i]);
		if (!f)
			continue;
		cJSON_AddItemToArray(any, eq(f, cJSON_CreateTrue()));
		cJSON_AddItemToArray(any, eq(f, cJSON_CreateString("true")));
		free(f);
	}
	return any;
}

cJSON *fs_acl_selector(const char *user, const fs_strv *groups, int stream)
{
	cJSON *own = eq(FS_ACL_KEY, cJSON_CreateString(user ? user : ""));
	if (stream == 1)
		return own;
	/* not the user's own (stream 1 lists them) and anonymous or of a group */
	cJSON *s = cJSON_CreateObject(), *and = cJSON_AddArrayToObject(s, "$and"), *not = cJSON_CreateObject();
	cJSON_AddItemToObject(not, "$not", own);
	cJSON_AddItemToArray(and, not);
	cJSON *or = cJSON_CreateObject();
	cJSON_AddItemToObject(or, "$or", others_any(groups));
	cJSON_AddItemToArray(and, or);
	return s;
}

/* ---- the request ---- */

/* POST /{db}/ENDPOINT with a long deadline; *status gets the answer's
 * status, 2xx answers are parsed into *out, others are errors with a
 * sentence, except the statuses `keep` says the caller reads itself. */
static enum fs_err_code post(fs_couch *c, const char *db, const char *endpoint, const cJSON *body,
			     long keep_a, long keep_b, cJSON **out, long *status, fs_err *e)
{
	fs_buf path = FS_BUF_INIT, text = FS_BUF_INIT;
	fs_http_resp resp;
	int rc = fs_path_build(&path, &(fs_path){ .db = db, .endpoint = endpoint }, e);
	*out = NULL;
	*status = 0;
	if (rc) {
		fs_buf_free(&path);
		return rc;
	}
	fs_json_append(&text, body);
	fs_http_req r = { .method = "POST", .path = fs_buf_str(&path), .body = text.data, .body_len = text.len,
			  .timeout_ms = FIND_DEADLINE_MS };
	rc = fs_http_do(fs_couch_http(c), &r, &resp, e);
	*status = resp.status;
	int ok = resp.status >= 200 && resp.status <= 299;
	if (!rc && !ok && resp.status != keep_a && resp.status != keep_b)
		rc = fs_couch_error(c, "POST", fs_buf_str(&path), NULL, resp.status, resp.body.data,
				    resp.body.len, e);
	else if (!rc && ok && !(*out = fs_json_parse(resp.body.data, resp.body.len, "the answer to POST", e)))
		rc = e ? (e->code = FS_E_SERVER) : FS_E_SERVER;
	fs_http_resp_free(&resp);
	fs_buf_free(&path);
	fs_buf_free(&text);
	return rc;
}

/* POST /{db}/_find. A 400 or 404 on an existing database means a server
 * without _find (CouchDB 1.x): FS_E_UNSUPPORTED with a sentence. */
static enum fs_err_code post_find(fs_couch *c, const char *db, const cJSON *body, cJSON **out, fs_err *e)
{
	cJSON *info = NULL;
	long status;
	int rc = post(c, db, "_find", body, 400, 404, out, &status, e);
	if (rc || (status != 400 && status != 404))
		return rc;
	/* a missing database says so, not "no _find" */
	rc = fs_couch_db_info(c, db, &info, e);
	cJSON_Delete(info);
	if (rc)
		return rc;
	return fs_err_set(e, FS_E_UNSUPPORTED, "%s has no _find for database '%s' (%ld): the documents "
			  "are filtered here, reading them all", fs_couch_url(c), db, status);
}

/* CouchDB (and pouchdb-server) warn "No matching index found, ..." when a
 * query scanned every document. */
static int scanned(const cJSON *res)
{
	const char *w = fs_json_str(res, "warning");
	for (; w && *w; w++)
		if (!strncasecmp(w, "no matching index", 17))
			return 1;
	return 0;
}

/* ---- cursors: "STREAM:b:BOOKMARK" or "STREAM:s:SKIP" ---- */

struct cursor {
	int stream;                 /* 1, 2; 3: done */
	char *bookmark;             /* CouchDB 3 */
	long skip;                  /* servers answering no bookmark (pouchdb-server) */
};

static int cursor_parse(const char *s, struct cursor *k)
{
	char *end;
	if ((s[0] != '1' && s[0] != '2') || s[1] != ':' || (s[2] != 'b' && s[2] != 's') || s[3] != ':')
		return -1;
	k->stream = s[0] - '0';
	if (s[2] == 'b') {
		k->bookmark = s[4] ? fs_xstrdup(s + 4) : NULL;
		return 0;
	}
	k->skip = strtol(s + 4, &end, 10);
	return *end || k->skip < 0 ? -1 : 0;
}

static char *cursor_format(const struct cursor *k)
{
	if (k->bookmark)
		return fs_xasprintf("%d:b:%s", k->stream, k->bookmark);
	return fs_xasprintf("%d:s:%ld", k->stream, k->skip);
}

/* ---- pages ---- */

static void row_add(fs_docs_page *p, const cJSON *d)
{
	const char *id = fs_json_str(d, "_id"), *rev = fs_json_str(d, "_rev");
	p->v = fs_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	p->v[p->n++] = (fs_doc_row){ fs_xstrdup(id), fs_xstrdup(rev ? rev : ""),
				     cJSON_GetArraySize(fs_json_arr(d, "_conflicts")) };
}

static cJSON *find_body(const fs_docs_query *q, const struct cursor *k, long want)
{
	static const char *const fields[] = { "_id", "_rev", "_conflicts" };
	cJSON *b = cJSON_CreateObject();
	cJSON_AddItemToObject(b, "selector", fs_acl_selector(q->as_user, q->as_groups, k->stream));
	cJSON_AddNumberToObject(b, "limit", (double)want);
	cJSON_AddItemToObject(b, "fields", cJSON_CreateStringArray(fields, 3));
	cJSON_AddTrueToObject(b, "conflicts");
	if (k->bookmark)
		cJSON_AddStringToObject(b, "bookmark", k->bookmark);
	else if (k->skip)
		cJSON_AddNumberToObject(b, "skip", (double)k->skip);
	return b;
}

/* Reads up to `want` rows of the cursor's stream and moves the cursor: past
 * the rows read, or to the next stream when this one ran out. */
static enum fs_err_code read_stream(fs_couch *c, const char *db, const fs_docs_query *q,
				    struct cursor *k, long want, fs_docs_page *out, fs_err *e)
{
	cJSON *body = find_body(q, k, want), *res = NULL, *d;
	int rc = post_find(c, db, body, &res, e);
	cJSON_Delete(body);
	if (rc)
		return rc;
	cJSON *docs = fs_json_arr(res, "docs");
	long got = 0;   /* rows the server gave (one without an id is not listed) */
	if (k->stream == 1)
		out->index_used = !scanned(res);
	cJSON_ArrayForEach(d, docs) {
		if (got++ == want)
			break;
		if (fs_json_str(d, "_id"))
			row_add(out, d);
	}
	got = got > want ? want : got;
	const char *bm = fs_json_str(res, "bookmark");
	if (got < want) {
		k->stream++;
		free(k->bookmark);
		k->bookmark = NULL;
		k->skip = 0;
	} else if (bm) {
		free(k->bookmark);
		k->bookmark = fs_xstrdup(bm);
	} else {
		k->skip += got;
	}
	cJSON_Delete(res);
	return 0;
}

enum fs_err_code fs_acl_find_docs(fs_couch *c, const char *db, const fs_docs_query *q,
				  fs_docs_page *out, fs_err *e)
{
	long limit = q->limit > 0 ? q->limit : DEFAULT_PAGE;
	struct cursor k = { 1, NULL, 0 };
	int rc = 0;
	memset(out, 0, sizeof *out);
	out->on_server = 1;
	if (q->dir == FS_PAGE_NEXT && (!q->cursor || cursor_parse(q->cursor, &k))) {
		free(k.bookmark);
		return fs_err_set(e, FS_E_INVALID, "'%s' is not a cursor of the documents a user receives "
				  "(give the cursor printed with the page before)", q->cursor ? q->cursor : "");
	}
	if (q->dir != FS_PAGE_NEXT && q->dir != FS_PAGE_FIRST)
		return fs_err_set(e, FS_E_INVALID, "the documents a user receives page forward only "
				  "(the server's _find bookmarks): start again from the first page");
	while (!rc && k.stream <= 2 && out->n < (size_t)limit) {
		size_t had = out->n;
		int stream = k.stream;
		rc = read_stream(c, db, q, &k, limit - (long)out->n, out, e);
		if (out->n == had && k.stream == stream)
			break;   /* a full batch of rows without ids: the page ends here */
	}
	if (!rc && k.stream <= 2)
		out->cursor = cursor_format(&k);
	free(k.bookmark);
	if (rc) {
		fs_docs_page_free(out);
		return rc == FS_E_UNSUPPORTED ? rc : fs_err_prefix(e, "documents user '%s' receives in '%s'",
								    q->as_user, db);
	}
	out->on_server = 1;
	out->has_next = out->cursor != NULL;
	out->has_prev = q->dir == FS_PAGE_NEXT;
	return 0;
}

/* ---- the index ---- */

enum fs_err_code fs_acl_index_find(fs_couch *c, const char *db, char **name, fs_err *e)
{
	fs_buf path = FS_BUF_INIT;
	cJSON *res = NULL, *ix;
	*name = NULL;
	int rc = fs_path_build(&path, &(fs_path){ .db = db, .endpoint = "_index" }, e);
	if (!rc)
		rc = fs_couch_request(c, "GET", fs_buf_str(&path), NULL, &res, "the indexes", e);
	cJSON_ArrayForEach(ix, fs_json_arr(res, "indexes")) {
		const cJSON *first = cJSON_GetArrayItem(fs_json_arr(fs_json_obj(ix, "def"), "fields"), 0);
		const char *field = cJSON_IsObject(first) && first->child ? first->child->string :
				    cJSON_IsString(first) ? first->valuestring : NULL;
		if (!*name && field && !strcmp(field, FS_ACL_KEY) && fs_json_str(ix, "name") &&
		    !strcmp(fs_json_str(ix, "type") ? fs_json_str(ix, "type") : "", "json"))
			*name = fs_xstrdup(fs_json_str(ix, "name"));
	}
	cJSON_Delete(res);
	fs_buf_free(&path);
	return rc;
}

enum fs_err_code fs_acl_index_create(fs_couch *c, const char *db, fs_err *e)
{
	static const char *const fields[] = { FS_ACL_KEY };
	cJSON *b = cJSON_CreateObject();
	cJSON_AddItemToObject(cJSON_AddObjectToObject(b, "index"), "fields", cJSON_CreateStringArray(fields, 1));
	cJSON_AddStringToObject(b, "ddoc", FS_ACL_INDEX_NAME);
	cJSON_AddStringToObject(b, "name", FS_ACL_INDEX_NAME);
	cJSON_AddStringToObject(b, "type", "json");
	cJSON *res = NULL;
	long status;
	/* pouchdb-server builds the index before it answers: the long deadline */
	int rc = post(c, db, "_index", b, 0, 0, &res, &status, e);
	cJSON_Delete(b);
	cJSON_Delete(res);
	return rc ? fs_err_prefix(e, "the index on ~c8oAcl") : 0;
}
