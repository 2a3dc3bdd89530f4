/* Request paths: the one place that turns a database name, a document id,
 * an attachment name, a design document and a view into the path of a
 * request. Each part is checked first, then percent-encoded on its own, so
 * that no input can reach another resource than the one it names:
 *
 *   - database names follow CouchDB's rule ^[a-z][a-z0-9_$()+/-]*$ (at most
 *     238 characters; _users, _replicator and _global_changes too); their
 *     '/' travels as %2F;
 *   - document ids: "_design/NAME" and "_local/NAME" keep their prefix (the
 *     NAME is encoded, '/' included); any other id starting with '_' is
 *     reserved by CouchDB (_security, _all_docs, _revs_limit, _purge...) and
 *     refused; the empty id too;
 *   - "." and ".." are never sent as path segments (an HTTP client or a proxy
 *     would collapse them and reach the database or the server instead): they
 *     travel as %2E and %2E%2E;
 *   - a part too long for a request line is refused with a sentence. */
#ifndef FS_PATH_H
#define FS_PATH_H

#include "base/buf.h"
#include "base/err.h"

typedef struct fs_path {
	const char *db;           /* NULL: a server path ("/" + endpoint) */
	const char *id;           /* a document */
	const char *att;          /* an attachment of the document ('/' kept between parts) */
	const char *ddoc;         /* a design document's NAME (a "_design/" prefix is dropped) */
	const char *view;         /* a view of ddoc: /db/_design/NAME/_view/VIEW */
	const char *endpoint;     /* a fixed endpoint of ours, last: "_all_docs",
				     "_security", "_info"... (sent as written) */
} fs_path;

/* Appends the path ("/db/id", "/db/_design/x/_view/v", "/_all_dbs"...) to b.
 * FS_E_INVALID with one sentence (nothing appended) when a part is not
 * valid. */
enum fs_err_code fs_path_build(fs_buf *b, const fs_path *p, fs_err *e);

/* The checks alone, for callers that refuse early. */
enum fs_err_code fs_path_check_db(const char *db, fs_err *e);
enum fs_err_code fs_path_check_id(const char *id, fs_err *e);
/* 1 for an id CouchDB keeps for itself: starts with '_' and is not
 * "_design/NAME" or "_local/NAME" (NAME not empty). */
int fs_path_reserved_id(const char *id);

/* One path segment, percent-encoded by libcurl ('/' included), "." and ".."
 * as %2E and %2E%2E. Appends to b. */
void fs_path_segment(fs_buf *b, const char *s);

#endif
