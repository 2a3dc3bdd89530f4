/* The rows a map function emitted over a set of documents, and CouchDB's
 * answer to a query on them: the view's order (key by collation, then
 * document id), key/keys/startkey/endkey(_docid)/inclusive_end/descending,
 * skip/limit, include_docs, and reduce with group/group_level.
 *
 * A custom reduce is called the way CouchDB's B-tree calls it: on chunks
 * of rows (rereduce false), then on chunks of those results (rereduce
 * true), so a reduce that only breaks on rereduce breaks here too. */
#ifndef FS_VIEW_RUN_H
#define FS_VIEW_RUN_H

#include <stddef.h>
#include "base/buf.h"
#include "base/err.h"
#include "couch/couch.h"
#include "runner/engine.h"

typedef struct fs_vrows fs_vrows;

/* keep_docs: remember the documents that emitted rows (include_docs). */
fs_vrows *fs_vrows_new(int keep_docs);
void fs_vrows_free(fs_vrows *v);
/* Adds what a map emitted for one document: rows is the JSON text
 * [[key, value], ...]; doc its JSON text (kept only with keep_docs). */
enum fs_err_code fs_vrows_add(fs_vrows *v, const char *id, const char *rows, const char *doc, fs_err *e);
size_t fs_vrows_count(const fs_vrows *v);

/* How the view reduces: a built-in name, or a function of an engine. */
typedef struct fs_reducer {
	const char *builtin;      /* "_count"... or NULL */
	fs_engine *en;
	int fn;
	fs_run_exc *exc;          /* filled when the custom reduce throws */
	void (*before_call)(void *ctx);   /* around each call (timers) */
	void (*after_call)(void *ctx);
	void *ctx;
} fs_reducer;

/* Appends CouchDB's JSON response to q to out (r NULL: a map-only view).
 * Options CouchDB refuses give FS_E_INVALID with CouchDB's reason. */
enum fs_err_code fs_vrows_query(fs_vrows *v, const fs_couch_view_opts *q, fs_reducer *r, fs_buf *out, fs_err *e);

#endif
