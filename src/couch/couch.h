/* CouchDB 3.x API over fs_http. Every function blocks, returns an fs_err
 * code and, on failure, one plain sentence in *e:
 *   FS_E_NOTFOUND  missing database/document (404)
 *   FS_E_EXISTS    database already exists (412) where it matters
 *   FS_E_CONFLICT  document update conflict (409)
 *   FS_E_AUTH      401/403: names the user used (never the password)
 *   FS_E_INVALID   400 bad request; compilation_error names the design
 *                  document and its function
 *   FS_E_SERVER    5xx, malformed or unexpected bodies
 *   FS_E_HTTP, FS_E_TIMEOUT, FS_E_CANCELLED from the HTTP layer
 * Output cJSON values belong to the caller (cJSON_Delete). `seq` values are
 * opaque cJSON (integers on pouchdb, strings on CouchDB 2+): keep and send
 * them back as they are. Database names and document ids are given raw and
 * encoded here ("_design/x" and "_local/x" keep their slash). */
#ifndef FS_COUCH_H
#define FS_COUCH_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "couch/http.h"

typedef struct fs_couch fs_couch;

/* Wraps a client (taken over: freed with the couch). `name` is the profile
 * name shown in messages (may be NULL). NULL when h is NULL. Usually made by
 * fs_server_open(). */
fs_couch *fs_couch_new(fs_http *h, const char *name);
void fs_couch_free(fs_couch *c);
/* Same server and credentials, own connection (see fs_http_clone). */
fs_couch *fs_couch_clone(const fs_couch *c);
fs_http *fs_couch_http(fs_couch *c);
/* Profile name, or the display URL when opened from a URL. */
const char *fs_couch_name(const fs_couch *c);
/* Display URL (no credentials). */
const char *fs_couch_url(const fs_couch *c);
/* The revs_limit setting of the profile the client was made from (0: none;
 * deploy applies it). Set by fs_server_connect. */
long fs_couch_revs_limit_setting(const fs_couch *c);
void fs_couch_set_revs_limit_setting(fs_couch *c, long limit);
/* The profile's `admins` and `members` ({"admins": {"names","roles"}, ...},
 * only the lists the profile sets; NULL: none), which deploy gives the
 * databases it creates. The setter takes sec over. */
const cJSON *fs_couch_security_setting(const fs_couch *c);
void fs_couch_set_security_setting(fs_couch *c, cJSON *sec);

/* ---- Server ---- */
/* GET /. */
enum fs_err_code fs_couch_server_info(fs_couch *c, cJSON **out, fs_err *e);
/* "CouchDB 3.3.3" or "PouchDB Server 4.2.0" from a GET / answer. Caller frees. */
char *fs_couch_version_string(const cJSON *info);
/* Array of names. */
enum fs_err_code fs_couch_all_dbs(fs_couch *c, cJSON **out, fs_err *e);
enum fs_err_code fs_couch_active_tasks(fs_couch *c, cJSON **out, fs_err *e);
/* GET /_session (userCtx: name, roles). */
enum fs_err_code fs_couch_session(fs_couch *c, cJSON **out, fs_err *e);

/* ---- Databases ---- */
/* 1 when CouchDB would accept the database name (the rule is path.c's:
 * fs_path_check_db, which also says why not). */
int fs_couch_db_name_valid(const char *name);
enum fs_err_code fs_couch_db_info(fs_couch *c, const char *db, cJSON **out, fs_err *e);
/* PUT /db. *created (may be NULL) is 1 when made, 0 when it existed (412 is
 * not an error here). */
enum fs_err_code fs_couch_db_create(fs_couch *c, const char *db, int *created, fs_err *e);
enum fs_err_code fs_couch_db_delete(fs_couch *c, const char *db, fs_err *e);
enum fs_err_code fs_couch_security_get(fs_couch *c, const char *db, cJSON **out, fs_err *e);
enum fs_err_code fs_couch_security_put(fs_couch *c, const char *db, const cJSON *sec, fs_err *e);
/* _revs_limit. A server without it (pouchdb-server) gives FS_COUCH_E_UNSUPPORTED
 * (see below) so callers can warn instead of failing. */
enum fs_err_code fs_couch_revs_limit_get(fs_couch *c, const char *db, long *out, fs_err *e);
enum fs_err_code fs_couch_revs_limit_put(fs_couch *c, const char *db, long limit, fs_err *e);
/* The code for "the server does not implement this endpoint". */
#define FS_COUCH_E_UNSUPPORTED FS_E_UNSUPPORTED
/* POST /db/_view_cleanup (best effort after staged deploys). */
enum fs_err_code fs_couch_view_cleanup(fs_couch *c, const char *db, fs_err *e);

/* ---- Documents ---- */
typedef struct fs_couch_get_opts {
	const char *rev;          /* a given revision */
	int revs;                 /* _revisions */
	int revs_info;            /* _revs_info (available/missing/deleted) */
	int conflicts;            /* _conflicts */
	int deleted_conflicts;
	int open_revs_all;        /* every leaf: out is an array [{"ok":doc}|{"missing":rev}] */
	int attachments;          /* inline attachment bodies (base64) */
	int att_encoding_info;
	int latest;
} fs_couch_get_opts;
/* opts may be NULL. Attachments are listed in `_attachments` as stubs with
 * content_type and length unless opts->attachments. */
enum fs_err_code fs_couch_doc_get(fs_couch *c, const char *db, const char *id,
	const fs_couch_get_opts *opts, cJSON **out, fs_err *e);
/* PUT /db/id with the doc's _id (and _rev when updating). new_rev (may be
 * NULL) gets the new revision; the caller frees it. */
enum fs_err_code fs_couch_doc_put(fs_couch *c, const char *db, const cJSON *doc, char **new_rev, fs_err *e);
/* POST /db: the server chooses the id (unless doc has one). new_id and
 * new_rev (may be NULL) are the caller's to free. */
enum fs_err_code fs_couch_doc_post(fs_couch *c, const char *db, const cJSON *doc, char **new_id,
	char **new_rev, fs_err *e);
enum fs_err_code fs_couch_doc_delete(fs_couch *c, const char *db, const char *id, const char *rev,
	char **new_rev, fs_err *e);
/* COPY /db/from to `to` (to_rev when overwriting an existing doc, else NULL). */
enum fs_err_code fs_couch_doc_copy(fs_couch *c, const char *db, const char *from, const char *to,
	const char *to_rev, fs_err *e);

/* ---- Bulk ---- */
typedef struct fs_couch_bulk_result {
	char *id;                 /* as sent (or as the server generated) */
	char *rev;                /* new revision when ok */
	int code;                 /* 0, FS_E_CONFLICT, FS_E_AUTH (forbidden), FS_E_SERVER... */
	char *error;              /* CouchDB "error" and "reason", NULL when ok */
	char *reason;
	char *msg;                /* one plain sentence, NULL when ok */
} fs_couch_bulk_result;
typedef struct fs_couch_bulk {
	size_t n;                 /* == number of docs sent */
	fs_couch_bulk_result *r;  /* r[i] is the result of docs[i], matched by id */
	size_t failed;            /* how many have code != 0 */
} fs_couch_bulk;
/* POST /db/_bulk_docs. `docs` is an array. new_edits 0 keeps the given _rev
 * (replication style: makes conflicts). Results are matched to the request by
 * id, never by position (servers reorder). Returns 0 when the request went
 * through even if some documents failed (see out->failed). */
enum fs_err_code fs_couch_bulk_docs(fs_couch *c, const char *db, const cJSON *docs, int new_edits,
	fs_couch_bulk *out, fs_err *e);
void fs_couch_bulk_free(fs_couch_bulk *b);

/* ---- Views and _all_docs ---- */
/* Every CouchDB view option. JSON-valued options are cJSON (not owned);
 * -1 means "not sent" for the tri-state ints, 0 for limit/skip. */
typedef struct fs_couch_view_opts {
	const cJSON *key;
	const cJSON *keys;        /* array: sent by POST */
	const cJSON *startkey;
	const cJSON *endkey;
	const char *startkey_docid;
	const char *endkey_docid;
	long limit;               /* 0: none; use FS_COUCH_LIMIT_ZERO for limit=0 */
	long skip;
	int descending;
	int include_docs;
	int conflicts;            /* with include_docs */
	int inclusive_end;        /* -1 / 0 / 1 */
	int reduce;               /* -1 / 0 / 1 */
	int group;                /* -1 / 0 / 1 */
	int group_level;          /* -1: not sent */
	int update_seq;
	int sorted;               /* -1 / 0 / 1 */
	const char *update;       /* "true", "false", "lazy", NULL */
	const char *stale;        /* "ok", "update_after" (CouchDB < 3), NULL */
	long timeout_ms;          /* deadline of this query (an index build can take
				     long); 0: the client's default */
} fs_couch_view_opts;
#define FS_COUCH_LIMIT_ZERO (-1L)
/* Defaults: everything unset. */
void fs_couch_view_opts_init(fs_couch_view_opts *o);
/* GET (or POST with keys) /db/_all_docs. opts may be NULL. Out: the whole
 * answer {"total_rows","offset","rows":[...]}. */
enum fs_err_code fs_couch_all_docs(fs_couch *c, const char *db, const fs_couch_view_opts *opts,
	cJSON **out, fs_err *e);
/* The design documents of a database in one request ("_design/".."_design0"),
 * with their bodies when include_docs. */
enum fs_err_code fs_couch_design_docs(fs_couch *c, const char *db, int include_docs, cJSON **out, fs_err *e);
/* /db/_design/ddoc/_view/view; ddoc without the "_design/" prefix (a prefix
 * given is dropped). */
enum fs_err_code fs_couch_view(fs_couch *c, const char *db, const char *ddoc, const char *view,
	const fs_couch_view_opts *opts, cJSON **out, fs_err *e);
/* GET /db/_design/ddoc/_info (not on pouchdb-server: FS_COUCH_E_UNSUPPORTED). */
enum fs_err_code fs_couch_design_info(fs_couch *c, const char *db, const char *ddoc, cJSON **out, fs_err *e);

/* ---- Changes ---- */
typedef struct fs_couch_changes_opts {
	const cJSON *since;       /* opaque seq; NULL: from the start ("now" via since_now) */
	int since_now;
	long limit;               /* 0: none */
	int descending;
	int include_docs;
	int conflicts;
	int style_all_docs;
	const char *filter;       /* "ddoc/name", "_view", "_doc_ids", "_design" */
	const char *view;         /* with filter "_view": "ddoc/view" */
	const cJSON *doc_ids;     /* array: filter=_doc_ids by POST */
	int longpoll;             /* wait for a change ... */
	long timeout_ms;          /* ... at most this long (our own deadline); 0: 30 s */
} fs_couch_changes_opts;
/* Out: {"results":[...],"last_seq":<opaque>}. A longpoll whose deadline
 * passes without a change returns 0 with empty results and last_seq = since
 * (pouchdb-server never ends a longpoll by itself). */
enum fs_err_code fs_couch_changes(fs_couch *c, const char *db, const fs_couch_changes_opts *opts,
	cJSON **out, fs_err *e);

/* ---- Anything else ---- */
/* A request with a JSON body (may be NULL) and a parsed JSON answer (out may
 * be NULL). `path` is already encoded. Non-2xx statuses become errors as
 * above; `what` names the target in messages ("database 'x'"), may be NULL. */
enum fs_err_code fs_couch_request(fs_couch *c, const char *method, const char *path, const cJSON *body,
	cJSON **out, const char *what, fs_err *e);

/* ---- Paths ---- */
/* Every path above is built by couch/path.h from its parts: an invalid
 * database name, a reserved or empty document id is FS_E_INVALID with a
 * sentence, and no request is sent. */

/* Turns an error answer into a sentence (used by fs_couch_request; exposed for
 * callers that make their own requests). `what` may be NULL. */
int fs_couch_error(fs_couch *c, const char *method, const char *path, const char *what,
	long status, const char *body, size_t len, fs_err *e);

#endif
