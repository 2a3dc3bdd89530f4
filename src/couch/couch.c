/* CouchDB API: see couch.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/couch.h"
#include "couch/path.h"
#include "base/json.h"

struct fs_couch {
	fs_http *h;
	char *name;
	long revs_limit;          /* the profile's setting */
	cJSON *security;          /* the profile's admins/members for new databases */
};

/* What a request is about, for error sentences. */
typedef struct target {
	const char *db;
	const char *id;
	const char *what;         /* overrides the db/id wording */
} target;

fs_couch *fs_couch_new(fs_http *h, const char *name)
{
	if (!h)
		return NULL; /* so that fs_couch_new(fs_http_new(...)) passes failures on */
	fs_couch *c = fs_xcalloc(1, sizeof *c);
	c->h = h;
	c->name = fs_xstrdup(name ? name : fs_http_url(h));
	return c;
}

void fs_couch_free(fs_couch *c)
{
	if (!c)
		return;
	fs_http_free(c->h);
	cJSON_Delete(c->security);
	free(c->name);
	free(c);
}

fs_couch *fs_couch_clone(const fs_couch *c)
{
	fs_http *h = fs_http_clone(c->h);
	fs_couch *k = h ? fs_couch_new(h, c->name) : NULL;
	if (k) {
		k->revs_limit = c->revs_limit;
		k->security = c->security ? cJSON_Duplicate(c->security, 1) : NULL;
	}
	return k;
}

const cJSON *fs_couch_security_setting(const fs_couch *c)
{
	return c->security;
}

void fs_couch_set_security_setting(fs_couch *c, cJSON *sec)
{
	cJSON_Delete(c->security);
	c->security = sec;
}

long fs_couch_revs_limit_setting(const fs_couch *c)
{
	return c->revs_limit;
}

void fs_couch_set_revs_limit_setting(fs_couch *c, long limit)
{
	c->revs_limit = limit;
}

fs_http *fs_couch_http(fs_couch *c)
{
	return c->h;
}

const char *fs_couch_name(const fs_couch *c)
{
	return c->name;
}

const char *fs_couch_url(const fs_couch *c)
{
	return fs_http_url(c->h);
}

/* The bare name of a design document ("x" of "_design/x"). */
static const char *ddoc_name(const char *ddoc)
{
	return strncmp(ddoc, "_design/", 8) == 0 ? ddoc + 8 : ddoc;
}

/* ---- Errors ---- */

static void describe_target(fs_buf *b, const target *t)
{
	if (t && t->what)
		fs_buf_adds(b, t->what);
	else if (t && t->id)
		fs_buf_printf(b, "document '%s' in database '%s'", t->id, t->db);
	else if (t && t->db)
		fs_buf_printf(b, "database '%s'", t->db);
	else
		fs_buf_adds(b, "the server");
}

/* Controls from a server's answer (an error, a reason, an id) become
 * spaces: a message is one line. */
static void one_line(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* Shortens a CouchDB reason for a one-line message. */
static char *short_reason(const char *reason)
{
	if (!reason)
		return fs_xstrdup("");
	size_t n = strcspn(reason, "\n");
	if (n > 240)
		return fs_xasprintf("%.237s...", reason);
	return fs_xstrndup(reason, n);
}

/* "Compilation of the map function in the 'by_name' view failed: Expression
 * does not eval to a function. (function(doc) {...})" names the function. */
/* "Compilation of the map function in the 'by_name' view failed: Expression
 * does not eval to a function. (function(doc) {...})" (or "failed with exit
 * status: 1") names the function. */
static void compile_sentence(fs_buf *b, const target *t, const char *reason)
{
	char fn[64] = "", view[200] = "";
	const char *p = strstr(reason, " function in the '");
	const char *detail = reason;
	if (p && sscanf(reason, "Compilation of the %63s", fn) == 1) {
		const char *v = p + strlen(" function in the '");
		size_t n = strcspn(v, "'");
		snprintf(view, sizeof view, "%.*s", (int)n, v);
	} else if (strstr(reason, "validate_doc_update")) {
		snprintf(fn, sizeof fn, "validate_doc_update");
	}
	const char *f = strstr(reason, "failed: "), *w = strstr(reason, "failed with ");
	if (f)
		detail = f + 8;
	else if (w)
		detail = w + 7;
	char *d = short_reason(detail);
	/* the function source CouchDB appends in parentheses adds nothing here */
	char *paren = strstr(d, ". (");
	if (paren)
		paren[1] = '\0';
	if (t && t->id)
		fs_buf_printf(b, "design document '%s'%s%s%s", t->id, t->db ? " in database '" : "",
			t->db ? t->db : "", t->db ? "'" : "");
	else
		fs_buf_adds(b, t && t->what ? t->what : "a design document");
	if (view[0])
		fs_buf_printf(b, ": the %s function of view '%s' does not compile: %s", fn, view, d);
	else if (fn[0])
		fs_buf_printf(b, ": the %s function does not compile: %s", fn, d);
	else
		fs_buf_printf(b, " has a function that does not compile: %s", d);
	free(d);
}

int fs_couch_db_name_valid(const char *name)
{
	return fs_path_check_db(name, NULL) == 0;   /* the one rule, in path.c */
}

/* CouchDB 3.4+ answers a locked-out user 403 "Account is temporarily
 * locked due to multiple authentication failures". */
static int locked_out(const char *reason)
{
	return reason && strstr(reason, "locked") && strstr(reason, "authentication failures");
}

static int db_missing(const char *error, const char *reason)
{
	return reason && (strstr(reason, "no_db_file") || strstr(reason, "Database does not exist") ||
		strstr(reason, "database does not exist"));
}

static int error_sentence(fs_couch *c, const char *method, const char *path, const target *t,
	long status, const char *body, size_t len, fs_err *e)
{
	fs_err bad_name = { 0 };   /* a 404 on a name CouchDB would refuse */
	cJSON *j = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const char *error = fs_json_str(j, "error"), *reason = fs_json_str(j, "reason");
	const char *user = fs_http_user(c->h);
	char *r = short_reason(reason ? reason : error);
	fs_buf s = FS_BUF_INIT;
	int code;
	switch (status) {
	case 400:
		code = FS_E_INVALID;
		if (error && strcmp(error, "compilation_error") == 0) {
			compile_sentence(&s, t, reason ? reason : "");
		} else {
			describe_target(&s, t);
			fs_buf_printf(&s, ": the server refused the request as invalid (%s%s%s)",
				error ? error : "bad request", reason ? ": " : "", r);
		}
		break;
	case 401:
		code = FS_E_AUTH;
		if (user)
			fs_buf_printf(&s, "%s refused the credentials of user '%s' (401 %s); they are not "
				"sent again in this run: repeated failed logins lock the account on CouchDB 3.4+",
				fs_http_url(c->h), user, r[0] ? r : "unauthorized");
		else
			fs_buf_printf(&s, "%s needs a user for %s %s and none was given (set user in the "
				"profile, FSSTUDIO_USER, user:password@ in the URL, or ~/.netrc)", fs_http_url(c->h), method, path);
		break;
	case 403:
		code = FS_E_AUTH;
		if (locked_out(reason))
			fs_buf_printf(&s, "%s has locked user '%s' out after repeated failed logins (403 %s): "
				"wait for the lockout to end (CouchDB 3.4+: minutes), check the password, then retry once",
				fs_http_url(c->h), user ? user : "?", r);
		else if (user)
			fs_buf_printf(&s, "user '%s' may not %s ", user, method);
		else
			fs_buf_printf(&s, "anonymous access refused: %s on ", method);
		describe_target(&s, t);
		fs_buf_printf(&s, " (403 %s%s%s)", error ? error : "forbidden", r[0] ? ": " : "", r);
		break;
	case 404:
		code = FS_E_NOTFOUND;
		if (t && t->db && fs_path_check_db(t->db, &bad_name))
			code = FS_E_INVALID, fs_buf_adds(&s, bad_name.msg);
		else if (t && t->db && db_missing(error, reason))
			fs_buf_printf(&s, "database '%s' does not exist on %s", t->db, fs_http_url(c->h));
		else if (t && (t->id || t->what)) {
			describe_target(&s, t);
			fs_buf_printf(&s, " not found%s", reason && !strcmp(reason, "deleted") ? " (deleted)" : "");
		} else
			fs_buf_printf(&s, "%s %s%s: not found", method, fs_http_url(c->h), path);
		break;
	case 409:
		code = FS_E_CONFLICT;
		describe_target(&s, t);
		fs_buf_adds(&s, " was changed by someone else (conflict: the revision given is not the current one)");
		break;
	case 412:
		code = FS_E_EXISTS;
		describe_target(&s, t);
		fs_buf_adds(&s, " already exists");
		break;
	default:
		code = FS_E_SERVER;
		fs_buf_printf(&s, "%s %s%s: %s %ld", method, fs_http_url(c->h), path,
			status >= 500 ? "server error" : "unexpected status", status);
		if (error)
			fs_buf_printf(&s, " (%s%s%s)", error, reason ? ": " : "", r);
		else if (len)
			fs_buf_adds(&s, " (not a CouchDB answer)");
	}
	one_line(s.data);
	fs_err_set(e, code, "%s", fs_buf_str(&s));
	fs_buf_free(&s);
	free(r);
	cJSON_Delete(j);
	return code;
}

int fs_couch_error(fs_couch *c, const char *method, const char *path, const char *what,
	long status, const char *body, size_t len, fs_err *e)
{
	target t = { NULL, NULL, what };
	return error_sentence(c, method, path, &t, status, body, len, e);
}

/* ---- Requests ---- */

typedef struct call {
	const char *method;
	const char *path;
	const cJSON *body;        /* JSON body, or: */
	const char *const *headers;
	long timeout_ms;
	target t;
} call;

/* Sends; on 2xx parses the answer into *out (when out). */
static enum fs_err_code send_call(fs_couch *c, const call *k, cJSON **out, long *status, fs_err *e)
{
	fs_buf body = FS_BUF_INIT;
	if (k->body)
		fs_json_append(&body, k->body);
	fs_http_req r = { .method = k->method, .path = k->path, .body = k->body ? body.data : NULL,
		.body_len = body.len, .headers = k->headers, .timeout_ms = k->timeout_ms };
	fs_http_resp resp;
	int rc = fs_http_do(c->h, &r, &resp, e);
	fs_buf_free(&body);
	if (out)
		*out = NULL;
	if (status)
		*status = resp.status;
	if (rc == 0 && (resp.status < 200 || resp.status > 299))
		rc = error_sentence(c, k->method, k->path, &k->t, resp.status, resp.body.data, resp.body.len, e);
	else if (rc == 0 && out && strcmp(k->method, "HEAD")) {
		char *what = fs_xasprintf("the answer of %s to %s %s", fs_http_url(c->h), k->method, k->path);
		*out = fs_json_parse(resp.body.data, resp.body.len, what, e);
		free(what);
		if (!*out)
			rc = e ? (e->code = FS_E_SERVER) : FS_E_SERVER;
	}
	fs_http_resp_free(&resp);
	return rc;
}

enum fs_err_code fs_couch_request(fs_couch *c, const char *method, const char *path, const cJSON *body,
	cJSON **out, const char *what, fs_err *e)
{
	call k = { method, path, body, NULL, 0, { NULL, NULL, what } };
	cJSON *tmp = NULL;
	int rc = send_call(c, &k, &tmp, NULL, e);
	if (out)
		*out = tmp;
	else
		cJSON_Delete(tmp);
	return rc;
}

/* GET of a path built from its parts, parsed. */
static enum fs_err_code get_json(fs_couch *c, const fs_path *pp, cJSON **out, fs_err *e)
{
	fs_buf p = FS_BUF_INIT;
	if (out)
		*out = NULL;
	int rc = fs_path_build(&p, pp, e);
	if (!rc) {
		call k = { "GET", fs_buf_str(&p), NULL, NULL, 0, { pp->db, pp->id, NULL } };
		rc = send_call(c, &k, out, NULL, e);
	}
	fs_buf_free(&p);
	return rc;
}

/* ---- Server ---- */

enum fs_err_code fs_couch_server_info(fs_couch *c, cJSON **out, fs_err *e)
{
	return get_json(c, &(fs_path){ 0 }, out, e);
}

char *fs_couch_version_string(const cJSON *info)
{
	const char *v = fs_json_str(info, "version");
	const char *vendor = fs_json_str(fs_json_obj(info, "vendor"), "name");
	if (cJSON_GetObjectItem(info, "couchdb"))
		return fs_xasprintf("CouchDB %s", v ? v : "?");
	if (cJSON_GetObjectItem(info, "express-pouchdb"))
		return fs_xasprintf("PouchDB Server %s", v ? v : "?");
	return fs_xasprintf("%s %s", vendor ? vendor : "unknown server", v ? v : "?");
}

enum fs_err_code fs_couch_all_dbs(fs_couch *c, cJSON **out, fs_err *e)
{
	return get_json(c, &(fs_path){ .endpoint = "_all_dbs" }, out, e);
}

enum fs_err_code fs_couch_active_tasks(fs_couch *c, cJSON **out, fs_err *e)
{
	return get_json(c, &(fs_path){ .endpoint = "_active_tasks" }, out, e);
}

enum fs_err_code fs_couch_session(fs_couch *c, cJSON **out, fs_err *e)
{
	return get_json(c, &(fs_path){ .endpoint = "_session" }, out, e);
}

/* ---- Databases ---- */

enum fs_err_code fs_couch_db_info(fs_couch *c, const char *db, cJSON **out, fs_err *e)
{
	return get_json(c, &(fs_path){ .db = db }, out, e);
}

static enum fs_err_code db_call(fs_couch *c, const char *method, const char *db, const char *endpoint,
	const cJSON *body, cJSON **out, fs_err *e)
{
	fs_buf p = FS_BUF_INIT;
	cJSON *tmp = NULL;
	int rc = fs_path_build(&p, &(fs_path){ .db = db, .endpoint = endpoint }, e);
	if (!rc) {
		call k = { method, fs_buf_str(&p), body, NULL, 0, { db, NULL, NULL } };
		rc = send_call(c, &k, &tmp, NULL, e);
	}
	if (out)
		*out = tmp;
	else
		cJSON_Delete(tmp);
	fs_buf_free(&p);
	return rc;
}

enum fs_err_code fs_couch_db_create(fs_couch *c, const char *db, int *created, fs_err *e)
{
	fs_err tmp;
	int rc = db_call(c, "PUT", db, NULL, NULL, NULL, &tmp);
	if (created)
		*created = rc == 0;
	if (rc == FS_E_EXISTS)
		return 0;
	if (rc && e)
		*e = tmp;
	return rc;
}

enum fs_err_code fs_couch_db_delete(fs_couch *c, const char *db, fs_err *e)
{
	return db_call(c, "DELETE", db, NULL, NULL, NULL, e);
}

enum fs_err_code fs_couch_security_get(fs_couch *c, const char *db, cJSON **out, fs_err *e)
{
	return db_call(c, "GET", db, "_security", NULL, out, e);
}

enum fs_err_code fs_couch_security_put(fs_couch *c, const char *db, const cJSON *sec, fs_err *e)
{
	return db_call(c, "PUT", db, "_security", sec, NULL, e);
}

/* pouchdb-server answers 404 or 400 for _revs_limit and _info: tell that
 * apart from a missing database by the reason. */
static enum fs_err_code unsupported(fs_couch *c, int rc, const char *db, const char *what, fs_err *e)
{
	if (rc != FS_E_NOTFOUND && rc != FS_E_INVALID && rc != FS_E_SERVER)
		return rc;
	if (rc == FS_E_NOTFOUND && e && strstr(e->msg, "does not exist on"))
		return rc;
	if (rc == FS_E_SERVER && e && !strstr(e->msg, "unexpected status 405") && !strstr(e->msg, " 501"))
		return rc;
	return fs_err_set(e, FS_COUCH_E_UNSUPPORTED, "%s does not support %s (database '%s')",
		fs_http_url(c->h), what, db);
}

enum fs_err_code fs_couch_revs_limit_get(fs_couch *c, const char *db, long *out, fs_err *e)
{
	cJSON *v = NULL;
	if (fs_path_check_db(db, e))
		return FS_E_INVALID;
	int rc = db_call(c, "GET", db, "_revs_limit", NULL, &v, e);
	if (rc)
		return unsupported(c, rc, db, "_revs_limit", e);
	if (!cJSON_IsNumber(v)) {
		cJSON_Delete(v);
		return fs_err_set(e, FS_COUCH_E_UNSUPPORTED, "%s does not support _revs_limit (database '%s')",
			fs_http_url(c->h), db);
	}
	*out = (long)v->valuedouble;
	cJSON_Delete(v);
	return 0;
}

enum fs_err_code fs_couch_revs_limit_put(fs_couch *c, const char *db, long limit, fs_err *e)
{
	if (fs_path_check_db(db, e))
		return FS_E_INVALID;
	cJSON *n = cJSON_CreateNumber((double)limit);
	int rc = db_call(c, "PUT", db, "_revs_limit", n, NULL, e);
	cJSON_Delete(n);
	return rc ? unsupported(c, rc, db, "_revs_limit", e) : 0;
}

enum fs_err_code fs_couch_view_cleanup(fs_couch *c, const char *db, fs_err *e)
{
	cJSON *empty = cJSON_CreateObject();
	int rc = db_call(c, "POST", db, "_view_cleanup", empty, NULL, e);
	cJSON_Delete(empty);
	return rc;
}

/* ---- Documents ---- */

static void add_flag(fs_buf *q, const char *name, int on)
{
	if (on)
		fs_buf_printf(q, "%c%s=true", q->len ? '&' : '?', name);
}

static void add_param(fs_buf *q, const char *name, const char *value)
{
	if (!value)
		return;
	fs_buf_printf(q, "%c%s=", q->len ? '&' : '?', name);
	fs_url_encode(q, value);
}

/* name=<JSON of v>, encoded. */
static void add_json_param(fs_buf *q, const char *name, const cJSON *v)
{
	if (!v)
		return;
	fs_buf j = FS_BUF_INIT;
	fs_json_append(&j, v);
	add_param(q, name, fs_buf_str(&j));
	fs_buf_free(&j);
}

enum fs_err_code fs_couch_doc_get(fs_couch *c, const char *db, const char *id,
	const fs_couch_get_opts *o, cJSON **out, fs_err *e)
{
	fs_buf q = FS_BUF_INIT;
	if (o) {
		add_param(&q, "rev", o->rev);
		add_flag(&q, "revs", o->revs);
		add_flag(&q, "revs_info", o->revs_info);
		add_flag(&q, "conflicts", o->conflicts);
		add_flag(&q, "deleted_conflicts", o->deleted_conflicts);
		add_param(&q, "open_revs", o->open_revs_all ? "all" : NULL);
		add_flag(&q, "attachments", o->attachments);
		add_flag(&q, "att_encoding_info", o->att_encoding_info);
		add_flag(&q, "latest", o->latest);
	}
	fs_buf p = FS_BUF_INIT;
	*out = NULL;
	int rc = fs_path_build(&p, &(fs_path){ .db = db, .id = id }, e);
	fs_buf_adds(&p, fs_buf_str(&q));
	/* (open_revs answers multipart unless asked for JSON: every request
	 * sends Accept: application/json) */
	call k = { "GET", fs_buf_str(&p), NULL, NULL, 0, { db, id, NULL } };
	if (!rc)
		rc = send_call(c, &k, out, NULL, e);
	fs_buf_free(&p);
	fs_buf_free(&q);
	return rc;
}

static enum fs_err_code take_rev(cJSON *ans, char **new_rev)
{
	if (new_rev) {
		const char *r = fs_json_str(ans, "rev");
		*new_rev = r ? fs_xstrdup(r) : NULL;
	}
	cJSON_Delete(ans);
	return 0;
}

/* A conflict on a document sent without a _rev is no one else's change:
 * its id is taken. Says so instead of "changed by someone else". */
static void id_taken(int rc, const cJSON *doc, const char *id, const char *db, fs_err *e)
{
	if (rc == FS_E_CONFLICT && id && !fs_json_str(doc, "_rev"))
		fs_err_set(e, FS_E_CONFLICT, "document '%s' already exists in database '%s': "
			   "give its current _rev to replace it", id, db);
}

enum fs_err_code fs_couch_doc_put(fs_couch *c, const char *db, const cJSON *doc, char **new_rev, fs_err *e)
{
	const char *id = fs_json_str(doc, "_id");
	if (new_rev)
		*new_rev = NULL;
	if (!id || !id[0])
		return fs_err_set(e, FS_E_INVALID, "cannot save a document without an _id in database '%s'", db);
	fs_buf p = FS_BUF_INIT;
	cJSON *ans = NULL;
	int rc = fs_path_build(&p, &(fs_path){ .db = db, .id = id }, e);
	call k = { "PUT", fs_buf_str(&p), doc, NULL, 0, { db, id, NULL } };
	if (!rc)
		rc = send_call(c, &k, &ans, NULL, e);
	id_taken(rc, doc, id, db, e);
	fs_buf_free(&p);
	return rc ? rc : take_rev(ans, new_rev);
}

enum fs_err_code fs_couch_doc_post(fs_couch *c, const char *db, const cJSON *doc, char **new_id,
	char **new_rev, fs_err *e)
{
	if (new_id)
		*new_id = NULL;
	if (new_rev)
		*new_rev = NULL;
	/* a document that names its _id is what a conflict is about */
	const char *named = fs_json_str(doc, "_id");
	if (named && fs_path_check_id(named, e))
		return FS_E_INVALID;
	fs_buf p = FS_BUF_INIT;
	cJSON *ans = NULL;
	int rc = fs_path_build(&p, &(fs_path){ .db = db }, e);
	call k = { "POST", fs_buf_str(&p), doc, NULL, 0, { db, named, NULL } };
	if (!rc)
		rc = send_call(c, &k, &ans, NULL, e);
	id_taken(rc, doc, named, db, e);
	fs_buf_free(&p);
	if (rc)
		return rc;
	const char *id = fs_json_str(ans, "id");
	if (new_id)
		*new_id = id ? fs_xstrdup(id) : NULL;
	return take_rev(ans, new_rev);
}

enum fs_err_code fs_couch_doc_delete(fs_couch *c, const char *db, const char *id, const char *rev,
	char **new_rev, fs_err *e)
{
	fs_buf p = FS_BUF_INIT;
	cJSON *ans = NULL;
	if (new_rev)
		*new_rev = NULL;
	int rc = fs_path_build(&p, &(fs_path){ .db = db, .id = id }, e);
	if (!rc && (!rev || !*rev))
		rc = fs_err_set(e, FS_E_INVALID, "deleting a document needs its current revision, "
			"and none is known for document '%s' in database '%s'", id, db);
	fs_buf_adds(&p, "?rev=");
	fs_url_encode(&p, rev ? rev : "");
	call k = { "DELETE", fs_buf_str(&p), NULL, NULL, 0, { db, id, NULL } };
	if (!rc)
		rc = send_call(c, &k, &ans, NULL, e);
	fs_buf_free(&p);
	return rc ? rc : take_rev(ans, new_rev);
}

static int header_safe(const char *id)
{
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '%' || *p == '?')
			return 0;
	return 1;
}

enum fs_err_code fs_couch_doc_copy(fs_couch *c, const char *db, const char *from, const char *to,
	const char *to_rev, fs_err *e)
{
	fs_buf p = FS_BUF_INIT, dest = FS_BUF_INIT, to_path = FS_BUF_INIT;
	int rc = fs_path_build(&p, &(fs_path){ .db = db, .id = from }, e);
	if (!rc)
		rc = fs_path_build(&to_path, &(fs_path){ .id = to }, e);
	fs_buf_adds(&dest, "Destination: ");
	/* CouchDB decodes the Destination id, pouchdb-server does not: send plain
	 * ids as they are (both agree) and encode only the others */
	if (header_safe(to))
		fs_buf_adds(&dest, to);
	else
		fs_buf_adds(&dest, fs_buf_str(&to_path) + 1);
	if (to_rev) {
		fs_buf_adds(&dest, "?rev=");
		fs_url_encode(&dest, to_rev);
	}
	const char *hdrs[] = { dest.data, NULL };
	call k = { "COPY", fs_buf_str(&p), NULL, hdrs, 0, { db, from, NULL } };
	if (!rc)
		rc = send_call(c, &k, NULL, NULL, e);
	fs_buf_free(&to_path);
	fs_buf_free(&p);
	fs_buf_free(&dest);
	return rc;
}

/* ---- Bulk ---- */

static int bulk_code(const char *error)
{
	if (!strcmp(error, "conflict"))
		return FS_E_CONFLICT;
	if (!strcmp(error, "forbidden") || !strcmp(error, "unauthorized"))
		return FS_E_AUTH;
	return FS_E_SERVER;
}

static void bulk_fail(fs_couch_bulk_result *r, const char *db, const char *error, const char *reason)
{
	r->code = bulk_code(error);
	r->error = fs_xstrdup(error);
	r->reason = reason ? fs_xstrdup(reason) : NULL;
	char *sr = short_reason(reason);
	if (r->code == FS_E_CONFLICT)
		r->msg = fs_xasprintf("document '%s' in database '%s' was changed by someone else (conflict)",
			r->id ? r->id : "?", db);
	else if (r->code == FS_E_AUTH)
		r->msg = fs_xasprintf("document '%s' in database '%s' was refused (%s%s%s)",
			r->id ? r->id : "?", db, error, sr[0] ? ": " : "", sr);
	else
		r->msg = fs_xasprintf("document '%s' in database '%s' was not saved (%s%s%s)",
			r->id ? r->id : "?", db, error, sr[0] ? ": " : "", sr);
	free(sr);
	one_line(r->msg);
}

/* The first input not matched yet whose id is `id` (or, for a result of a
 * document sent without _id, the first such input). */
static long match_input(fs_couch_bulk *b, const char *const *ids, char *matched, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (!matched[i] && ids[i] && id && !strcmp(ids[i], id))
			return (long)i;
	for (size_t i = 0; i < b->n; i++)
		if (!matched[i] && !ids[i])
			return (long)i;
	return -1;
}

static void bulk_match(fs_couch_bulk *b, const cJSON *docs, const cJSON *ans, const char *db, int new_edits)
{
	const char **ids = fs_xcalloc(b->n ? b->n : 1, sizeof *ids);
	char *matched = fs_xcalloc(b->n ? b->n : 1, 1);
	size_t i = 0;
	for (const cJSON *d = docs->child; d; d = d->next, i++)
		ids[i] = fs_json_str(d, "_id");
	for (const cJSON *r = ans ? ans->child : NULL; r; r = r->next) {
		long at = match_input(b, ids, matched, fs_json_str(r, "id"));
		if (at < 0)
			continue;
		matched[at] = 1;
		fs_couch_bulk_result *x = &b->r[at];
		const char *id = fs_json_str(r, "id"), *rev = fs_json_str(r, "rev");
		x->id = fs_xstrdup(id ? id : ids[at] ? ids[at] : "");
		x->rev = rev ? fs_xstrdup(rev) : NULL;
		const char *error = fs_json_str(r, "error");
		if (error)
			bulk_fail(x, db, error, fs_json_str(r, "reason"));
	}
	i = 0;
	for (const cJSON *d = docs->child; d; d = d->next, i++) {
		if (matched[i])
			continue;
		fs_couch_bulk_result *x = &b->r[i];
		x->id = fs_xstrdup(ids[i] ? ids[i] : "");
		if (!new_edits) {
			/* replication-style writes answer only failures */
			const char *rev = fs_json_str(d, "_rev");
			x->rev = rev ? fs_xstrdup(rev) : NULL;
		} else {
			bulk_fail(x, db, "missing_result", "the server's answer has no result for this document");
		}
	}
	for (i = 0; i < b->n; i++)
		b->failed += b->r[i].code != 0;
	free(ids);
	free(matched);
}

enum fs_err_code fs_couch_bulk_docs(fs_couch *c, const char *db, const cJSON *docs, int new_edits,
	fs_couch_bulk *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	if (!cJSON_IsArray(docs))
		return fs_err_set(e, FS_E_INVALID, "_bulk_docs needs an array of documents");
	cJSON *body = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(body, "docs", (cJSON *)docs);
	if (!new_edits)
		cJSON_AddFalseToObject(body, "new_edits");
	cJSON *ans = NULL;
	int rc = db_call(c, "POST", db, "_bulk_docs", body, &ans, e);
	cJSON_Delete(body);
	if (rc)
		return rc;
	if (!cJSON_IsArray(ans)) {
		cJSON_Delete(ans);
		return fs_err_set(e, FS_E_SERVER, "%s: _bulk_docs of database '%s' answered something other "
			"than a list of results", fs_http_url(c->h), db);
	}
	out->n = (size_t)cJSON_GetArraySize(docs);
	out->r = fs_xcalloc(out->n ? out->n : 1, sizeof *out->r);
	bulk_match(out, docs, ans, db, new_edits);
	cJSON_Delete(ans);
	return 0;
}

void fs_couch_bulk_free(fs_couch_bulk *b)
{
	for (size_t i = 0; b && i < b->n; i++) {
		fs_couch_bulk_result *r = &b->r[i];
		free(r->id);
		free(r->rev);
		free(r->error);
		free(r->reason);
		free(r->msg);
	}
	if (b) {
		free(b->r);
		memset(b, 0, sizeof *b);
	}
}

/* ---- Views ---- */

void fs_couch_view_opts_init(fs_couch_view_opts *o)
{
	memset(o, 0, sizeof *o);
	o->inclusive_end = o->reduce = o->group = o->group_level = o->sorted = -1;
}

static void add_tristate(fs_buf *q, const char *name, int v)
{
	if (v >= 0)
		fs_buf_printf(q, "%c%s=%s", q->len ? '&' : '?', name, v ? "true" : "false");
}

static void view_query(fs_buf *q, const fs_couch_view_opts *o)
{
	if (!o)
		return;
	add_json_param(q, "key", o->key);
	add_json_param(q, "startkey", o->startkey);
	add_json_param(q, "endkey", o->endkey);
	add_param(q, "startkey_docid", o->startkey_docid);
	add_param(q, "endkey_docid", o->endkey_docid);
	if (o->limit > 0)
		fs_buf_printf(q, "%climit=%ld", q->len ? '&' : '?', o->limit);
	else if (o->limit == FS_COUCH_LIMIT_ZERO)
		fs_buf_printf(q, "%climit=0", q->len ? '&' : '?');
	if (o->skip > 0)
		fs_buf_printf(q, "%cskip=%ld", q->len ? '&' : '?', o->skip);
	add_flag(q, "descending", o->descending);
	add_flag(q, "include_docs", o->include_docs);
	add_flag(q, "conflicts", o->conflicts);
	add_tristate(q, "inclusive_end", o->inclusive_end);
	add_tristate(q, "reduce", o->reduce);
	add_tristate(q, "group", o->group);
	if (o->group_level >= 0)
		fs_buf_printf(q, "%cgroup_level=%d", q->len ? '&' : '?', o->group_level);
	add_flag(q, "update_seq", o->update_seq);
	add_tristate(q, "sorted", o->sorted);
	add_param(q, "update", o->update);
	add_param(q, "stale", o->stale);
}

/* GET path?query, or POST {"keys": [...]} when keys are given. */
static enum fs_err_code view_call(fs_couch *c, const fs_path *pp, const fs_couch_view_opts *o, const target *t,
	cJSON **out, fs_err *e)
{
	const cJSON *keys = o ? o->keys : NULL;
	cJSON *body = NULL;
	fs_buf p = FS_BUF_INIT, q = FS_BUF_INIT;
	*out = NULL;
	if (fs_path_build(&p, pp, e))
		return FS_E_INVALID;
	view_query(&q, o);
	fs_buf_adds(&p, fs_buf_str(&q));
	fs_buf_free(&q);
	if (keys) {
		body = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(body, "keys", (cJSON *)keys);
	}
	call k = { body ? "POST" : "GET", fs_buf_str(&p), body, NULL, o ? o->timeout_ms : 0, *t };
	int rc = send_call(c, &k, out, NULL, e);
	cJSON_Delete(body);
	fs_buf_free(&p);
	return rc;
}

enum fs_err_code fs_couch_all_docs(fs_couch *c, const char *db, const fs_couch_view_opts *o, cJSON **out, fs_err *e)
{
	target t = { db, NULL, NULL };
	return view_call(c, &(fs_path){ .db = db, .endpoint = "_all_docs" }, o, &t, out, e);
}

enum fs_err_code fs_couch_design_docs(fs_couch *c, const char *db, int include_docs, cJSON **out, fs_err *e)
{
	fs_couch_view_opts o;
	fs_couch_view_opts_init(&o);
	cJSON *start = cJSON_CreateString("_design/"), *end = cJSON_CreateString("_design0");
	o.startkey = start;
	o.endkey = end;
	o.include_docs = include_docs;
	int rc = fs_couch_all_docs(c, db, &o, out, e);
	cJSON_Delete(start);
	cJSON_Delete(end);
	return rc;
}

enum fs_err_code fs_couch_view(fs_couch *c, const char *db, const char *ddoc, const char *view,
	const fs_couch_view_opts *o, cJSON **out, fs_err *e)
{
	char *what = fs_xasprintf("view '%s' of design document '_design/%s' in database '%s'",
		view, ddoc_name(ddoc), db);
	target t = { db, NULL, what };
	int rc = view_call(c, &(fs_path){ .db = db, .ddoc = ddoc, .view = view }, o, &t, out, e);
	free(what);
	return rc;
}

enum fs_err_code fs_couch_design_info(fs_couch *c, const char *db, const char *ddoc, cJSON **out, fs_err *e)
{
	char *id = fs_xasprintf("_design/%s", ddoc_name(ddoc));
	int rc = get_json(c, &(fs_path){ .db = db, .id = id, .endpoint = "_info" }, out, e);
	free(id);
	/* pouchdb-server answers 200 {"view_index":"Not implemented."} */
	if (!rc && !fs_json_obj(*out, "view_index")) {
		cJSON_Delete(*out);
		*out = NULL;
		rc = fs_err_set(e, FS_COUCH_E_UNSUPPORTED, "%s does not support _design/NAME/_info",
			fs_http_url(c->h));
	}
	return rc;
}

/* ---- Changes ---- */

static void add_since(fs_buf *q, const fs_couch_changes_opts *o)
{
	if (o->since_now) {
		add_param(q, "since", "now");
	} else if (cJSON_IsString(o->since)) {
		add_param(q, "since", o->since->valuestring);
	} else if (o->since) {
		fs_buf j = FS_BUF_INIT;
		fs_json_append(&j, o->since);
		add_param(q, "since", fs_buf_str(&j));
		fs_buf_free(&j);
	}
}

/* An empty answer for a longpoll that saw no change before our deadline. */
static cJSON *no_changes(const cJSON *since)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddItemToObject(r, "results", cJSON_CreateArray());
	cJSON_AddItemToObject(r, "last_seq", since ? cJSON_Duplicate(since, 1) : cJSON_CreateNumber(0));
	return r;
}

enum fs_err_code fs_couch_changes(fs_couch *c, const char *db, const fs_couch_changes_opts *opts, cJSON **out, fs_err *e)
{
	fs_couch_changes_opts none = { 0 };
	const fs_couch_changes_opts *o = opts ? opts : &none;
	long deadline = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	fs_buf p = FS_BUF_INIT, q = FS_BUF_INIT;
	*out = NULL;
	if (fs_path_build(&p, &(fs_path){ .db = db, .endpoint = "_changes" }, e))
		return FS_E_INVALID;
	add_since(&q, o);
	if (o->limit > 0)
		fs_buf_printf(&q, "%climit=%ld", q.len ? '&' : '?', o->limit);
	add_flag(&q, "descending", o->descending);
	add_flag(&q, "include_docs", o->include_docs);
	add_flag(&q, "conflicts", o->conflicts);
	add_param(&q, "style", o->style_all_docs ? "all_docs" : NULL);
	add_param(&q, "filter", o->doc_ids ? "_doc_ids" : o->filter);
	add_param(&q, "view", o->view);
	if (o->longpoll) {
		/* ask the server to end in time; we stop anyway at the deadline */
		long server = deadline > 2000 ? deadline - 1000 : deadline / 2;
		fs_buf_printf(&q, "%cfeed=longpoll&timeout=%ld", q.len ? '&' : '?', server);
	}
	fs_buf_adds(&p, fs_buf_str(&q));
	cJSON *body = NULL;
	if (o->doc_ids) {
		body = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(body, "doc_ids", (cJSON *)o->doc_ids);
	}
	call k = { body ? "POST" : "GET", fs_buf_str(&p), body, NULL, deadline, { db, NULL, NULL } };
	int rc = send_call(c, &k, out, NULL, e);
	if (rc == FS_E_TIMEOUT && o->longpoll) {
		*out = no_changes(o->since);
		fs_err_clear(e);
		rc = 0;
	}
	cJSON_Delete(body);
	fs_buf_free(&q);
	fs_buf_free(&p);
	return rc;
}
