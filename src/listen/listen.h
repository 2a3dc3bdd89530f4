/* FullSync listeners run from outside Convertigo: which changed documents
 * would fire a listener, what its sequence would receive, and delivering
 * that (listen_run.h). Matching follows convertigo-listeners.md:
 *
 *   FullSyncListener              view query with the changed ids as keys
 *   FullSyncFilterListener        the filter over _changes, kept to the ids
 *   FullSyncDeleteViewListener    the view's map run on the previous revision
 *   FullSyncDeleteFilterListener  the filter run on the previous revision
 *
 * The engine queries a delete listener before the delete is written; from
 * _changes we only see it afterwards, so the previous revision (readable until
 * compaction) is read and the project's map or filter is run on it locally
 * (listen_js.c). Documents are cleaned as the engine cleans them (_c8oHash and
 * ~c8oAcl removed). */
#ifndef FS_LISTEN_H
#define FS_LISTEN_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "couch/couch.h"
#include "model/project.h"

typedef enum fs_listen_class {
	FS_LISTEN_VIEW,
	FS_LISTEN_FILTER,
	FS_LISTEN_DELETE_VIEW,
	FS_LISTEN_DELETE_FILTER,
} fs_listen_class;

#define FS_LISTEN_CHUNK_DEFAULT 10

typedef struct fs_listener {
	char *name;
	fs_listen_class cls;
	char *db;             /* the connector's database */
	char *project;        /* targetSequence "project.sequence", split */
	char *sequence;
	char *ddoc;           /* design document (no "_design/") of the view or filter */
	char *fn;             /* view or filter name */
	char *js;             /* the map or filter from the project (delete
				 classes; a view listener's map when the
				 project has it) */
	long chunk;           /* 0: disabled */
	int local;            /* view class: the deployed map is js, so the
				 feed's documents are matched by running it
				 here (fs_listen_check_local) */
} fs_listener;

/* Reads a listener object of a project. FS_E_INVALID with a sentence when
 * its view, filter or sequence cannot be used. */
enum fs_err_code fs_listener_load(fs_obj *o, fs_listener *out, fs_err *e);
void fs_listener_free(fs_listener *l);
const char *fs_listen_class_name(fs_listen_class c);
/* Sets l->local: 1 when l is a view listener whose map, as deployed in the
 * database's design document, is the project's text and compiles here. The
 * same function on the same document gives the same answer, without the
 * server's view query by keys (slow on some servers: pouchdb reads each key
 * apart). Any doubt (no design document, another text) leaves it 0. */
int fs_listen_check_local(fs_couch *c, fs_listener *l);
/* "_local/fsstudio-listener-PROJECT-NAME": where a run keeps its checkpoint. */
char *fs_listener_checkpoint_id(const fs_listener *l, const char *project);

/* One entry of _changes. */
typedef struct fs_listen_change {
	char *id;
	char *rev;
	int deleted;
	cJSON *seq;           /* opaque, owned */
	cJSON *doc;           /* with include_docs: the document (owned), else NULL */
} fs_listen_change;

typedef struct fs_listen_batch {
	fs_listen_change *v;
	size_t n;
	cJSON *last_seq;      /* owned; where the next read starts */
} fs_listen_batch;
void fs_listen_batch_free(fs_listen_batch *c);

/* Which changes to read. */
typedef struct fs_listen_range {
	long last;            /* the last N changes (0: not this) */
	const cJSON *since;   /* changes after since (NULL with since_now: none) */
	int since_now;
	const char *const *ids;   /* the current state of these documents */
	size_t nids;
	long limit;           /* with since: at most this many (0: all) */
	int longpoll;         /* with since: wait for a change ... */
	long timeout_ms;      /* ... this long */
	int include_docs;     /* with the documents (and their conflicts) */
} fs_listen_range;
/* Reads changes into out (in feed order; design documents included). */
enum fs_err_code fs_listen_read(fs_couch *c, const char *db, const fs_listen_range *r, fs_listen_batch *out, fs_err *e);
/* 1 when a longpoll read of r came back after secs with no change long
 * before its timeout: the server (or a proxy) did not hold it. A follower
 * then waits before it asks again, or it would ask as fast as the server
 * answers. */
int fs_listen_answered_early(const fs_listen_range *r, const fs_listen_batch *b, double secs);

/* A changed document the listener does not fire for, and why. */
typedef struct fs_listen_miss {
	char *id;
	char *reason;
} fs_listen_miss;

/* One chunk: what one engine query sees, what the sequence would receive. */
typedef struct fs_listen_chunk {
	size_t first, n;      /* the changes [first, first+n) of the batch */
	cJSON *ids;           /* their ids (array) */
	cJSON *docs;          /* cleaned documents the sequence receives (array) */
	fs_listen_miss *miss;
	size_t nmiss;
	cJSON *seq;           /* seq of the chunk's last change: a checkpoint */
} fs_listen_chunk;

typedef struct fs_listen_chunks {
	fs_listen_chunk *v;
	size_t n;
} fs_listen_chunks;
void fs_listen_chunks_free(fs_listen_chunks *cs);

/* Cuts the batch in chunks of l->chunk changes and matches each (the view or
 * filter is asked once for the batch: its answer per id is the engine's per
 * chunk). A view listener with l->local runs its map on the batch's
 * documents and asks the server's view only for those without a document or
 * on which the map threw. `since` is where the batch was read from (NULL: unknown, the filter
 * query then scans the whole feed). A failed query fails the call. */
enum fs_err_code fs_listen_match(fs_couch *c, const fs_listener *l, const fs_listen_batch *batch,
	const cJSON *since, fs_listen_chunks *out, fs_err *e);

/* Removes what the engine removes before the sequence call. */
void fs_listen_clean(cJSON *doc);

/* ---- Local evaluation (listen_js.c) ---- */
typedef struct fs_listen_js fs_listen_js;
/* Compiles a map (is_map) or filter function. FS_E_JS on a syntax error. */
fs_listen_js *fs_listen_js_new(const char *text, int is_map, fs_err *e);
void fs_listen_js_free(fs_listen_js *j);
/* 1 when the map emits doc._id as a key (filter: returns truthy), 0 when not;
 * FS_E_JS when the function throws (message in e). */
enum fs_err_code fs_listen_js_match(fs_listen_js *j, const cJSON *doc, int *match, fs_err *e);

#endif
