/* Deploy of a project's design documents to a CouchDB server, as data.
 *
 * Steps, so that the studio can show the plan before running it, and run
 * the network parts in the background (base/job.h) with progress and
 * cancellation while the model stays on the UI thread:
 *
 *   fs_deploy_prepare()    the project's side, no network: the documents to
 *                          upload (copied out of the model), syntax checks;
 *   fs_deploy_fetch()      reads the server (one request per database: the
 *                          design documents with their bodies) and decides,
 *                          per design document, one action of the list below;
 *   fs_deploy_run()        creates missing databases, uploads what changed in
 *                          one _bulk_docs per database (staged: two) and
 *                          records each document's outcome in the plan.
 *   fs_deploy_plan_make()  prepare + fetch, for the CLI.
 *
 * The marker. Every design document fsstudio uploads carries a top-level
 * member (CouchDB keeps unknown top-level members of design documents):
 *
 *   "fsstudio": {"hash": "<sha-256 of the canonical JSON of the document
 *                without _rev and without this member>",
 *                "commit": "<git commit id of the project, or null>",
 *                "at": "2026-11-26T10:00:00Z"}
 *
 * Unchanged means semantically equal ignoring _rev and the marker: such a
 * document is not written at all. Drift: a server copy whose own hash no
 * longer matches its marker was edited by someone else since fsstudio
 * deployed it; a server copy without a marker that differs from the project
 * belongs to someone else. Both are refused unless force is set. A design
 * document whose JavaScript does not parse, or defined by two connectors of
 * one database, is refused even with force.
 */
#ifndef FS_DEPLOY_H
#define FS_DEPLOY_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "model/project.h"
#include "couch/couch.h"
#include "base/textdiff.h"

/* The marker member and the keys ignored by comparisons and hashes. */
#define FS_DEPLOY_MARKER "fsstudio"
/* Suffix of the staging copy of _design/NAME during a staged deploy. */
#define FS_DEPLOY_STAGING_SUFFIX "-fsstudio-staging"
extern const char *const fs_deploy_ignore[]; /* {"_rev", "fsstudio", NULL} */

/* Planned action of a design document: enum, name (--json), word (plan),
 * past (outcome). */
#define FS_DA_LIST(_) \
	_(CREATE,    "create",         "create",                     "created") \
	_(UPDATE,    "update",         "update",                     "updated") \
	_(UNCHANGED, "unchanged",      "unchanged",                  "unchanged") \
	_(SERVER,    "only-on-server", "only on server, left alone", "only on server, left alone") \
	_(DELETE,    "delete",         "delete (--prune)",           "deleted") \
	_(REFUSED,   "refused",        "REFUSED",                    "REFUSED")

typedef enum fs_deploy_action {
#define FS_DA_ENUM(k, n, w, d) FS_DA_##k,
	FS_DA_LIST(FS_DA_ENUM)
#undef FS_DA_ENUM
	FS_DA_COUNT
} fs_deploy_action;
const char *fs_deploy_action_name(fs_deploy_action a);

/* Why a document is refused. */
#define FS_DR_LIST(_) \
	_(NONE,   "") \
	_(DRIFT,  "drift") \
	_(FOREIGN, "foreign") \
	_(SYNTAX, "syntax") \
	_(DUPLICATE, "duplicate")

typedef enum fs_deploy_refusal {
#define FS_DR_ENUM(k, n) FS_DR_##k,
	FS_DR_LIST(FS_DR_ENUM)
#undef FS_DR_ENUM
} fs_deploy_refusal;

/* The diff of one member of a design document: a function
 * ("views/by_site/map", "filters/x", "validate_doc_update") or any other
 * value ("language", "options"), server copy -> project. */
typedef struct fs_deploy_fdiff {
	char *name;
	fs_hunks hunks;
} fs_deploy_fdiff;

typedef struct fs_deploy_doc {
	char *id;                 /* _design/NAME */
	char *file;               /* project file holding it; NULL: server only */
	fs_deploy_action action;
	fs_deploy_refusal refusal;
	char *reason;             /* plain sentence for refusals (and warnings) */
	/* A syntax refusal: the function's object path ("conn/ddoc/view/map")
	 * and where its first error is (1-based; col counts characters). */
	char *fn;
	unsigned line, col;
	int forced;               /* drift overridden by force */
	/* The functions to check for syntax errors, copied when planned and
	 * checked only if the document is to be written (private). */
	struct fs_deploy_fn *fns;
	size_t nfns;
	cJSON *local;             /* what is uploaded (marker included); NULL: server only,
				     or unchanged once fetched (not kept) */
	cJSON *remote;            /* the server copy; NULL: absent, or unchanged (not kept) */
	fs_deploy_fdiff *diffs;   /* server -> project, only the members that differ */
	size_t ndiffs;
	/* Outcome, after fs_deploy_run. */
	int done;                 /* 1 when written (or nothing to write) */
	int code;                 /* fs_err code when it failed */
	char *error;              /* plain sentence when it failed */
	char *rev;                /* new revision (create/update) */
} fs_deploy_doc;

typedef struct fs_deploy_db {
	char *name;
	char *connector;          /* connector name in the project */
	int exists;               /* database existed when planned */
	fs_deploy_doc *docs;
	size_t ndocs;
	/* Staging copies left by an interrupted staged deploy: id -> rev. */
	cJSON *staging;
	/* Outcome. */
	int created;
	int code;                 /* fs_err code when the database step failed */
	char *error;
} fs_deploy_db;

/* Progress events (also the cancellation points). */
#define FS_DE_LIST(_) \
	_(DB,      "database") \
	_(CREATED, "created") \
	_(UPLOAD,  "upload") \
	_(BUILD,   "build") \
	_(SWAP,    "swap") \
	_(WARNING, "warning") \
	_(DONE,    "done")

typedef enum fs_deploy_event_type {
#define FS_DE_ENUM(k, n) FS_DE_##k,
	FS_DE_LIST(FS_DE_ENUM)
#undef FS_DE_ENUM
} fs_deploy_event_type;

typedef struct fs_deploy_event {
	fs_deploy_event_type type;
	const char *db;
	const char *id;           /* BUILD, SWAP: the design document */
	int percent;              /* BUILD: 0..100, -1 unknown */
	const char *message;      /* plain sentence */
	size_t step, steps;       /* databases done / total */
} fs_deploy_event;
/* Returns non-zero to cancel: the run stops with FS_E_CANCELLED at the next
 * event (what was written stays written; a rerun converges). */
typedef int (*fs_deploy_progress_fn)(void *arg, const fs_deploy_event *ev);

typedef struct fs_deploy_opts {
	const char *const *connectors; /* names to deploy; NULL/0: all FullSync connectors */
	size_t nconnectors;
	int force;                /* deploy over drift and foreign copies */
	int prune;                /* delete design documents only on the server that carry
				     our marker (deployed by fsstudio, unchanged since) */
	int staged;               /* zero-downtime: staging copy, index build, swap */
	long revs_limit;          /* 0: leave alone; else set on the databases written */
	const char *commit;       /* recorded in the marker (NULL: null) */
	long build_timeout_ms;    /* staged index build deadline; 0: 10 minutes */
	fs_deploy_progress_fn progress;
	void *progress_arg;
	/* Databases read and written at once, each on its own connection
	 * (0: FS_DEPLOY_CONNECTIONS; 1: one after another on the caller's
	 * connection). The report is in plan order whatever the pool size;
	 * the listener is called by one thread at a time, from the pool's
	 * threads. */
	int connections;
} fs_deploy_opts;
#define FS_DEPLOY_CONNECTIONS 4
#define FS_DEPLOY_CONNECTIONS_MAX 32

typedef struct fs_deploy_plan {
	fs_deploy_opts opts;      /* connectors/commit copied */
	char *server;             /* display name and URL, never credentials */
	char *url;
	fs_deploy_db *dbs;
	size_t ndbs;
	size_t count[FS_DA_COUNT];
	char **warnings;
	size_t nwarnings;
	int fetched, ran;
	size_t failed;            /* documents (and databases) that failed in the run */
} fs_deploy_plan;

/* The project's side of a plan (touches the model; no network). Unknown
 * connector names are an error (FS_E_NOTFOUND). */
enum fs_err_code fs_deploy_prepare(fs_project *p, const fs_deploy_opts *o, fs_deploy_plan **out, fs_err *e);
/* Completes a prepared plan against the server of c: one GET per database.
 * Does not touch the project (safe on a worker thread). Once per plan. */
enum fs_err_code fs_deploy_fetch(fs_deploy_plan *plan, fs_couch *c, fs_err *e);
/* Before a prune (fs_deploy_prepare calls it when opts.prune and the
 * project has a folder): FS_E_INVALID naming them when a file of the
 * project's _c8oProject/ folder was skipped by the load (included by no
 * bean) or cannot be read, since its design documents would look deleted. */
enum fs_err_code fs_deploy_prune_check(fs_project *p, fs_err *e);
/* Prepare and fetch. */
enum fs_err_code fs_deploy_plan_make(fs_project *p, fs_couch *c, const fs_deploy_opts *o,
			fs_deploy_plan **out, fs_err *e);
void fs_deploy_plan_free(fs_deploy_plan *plan);
/* Runs a plan: writes nothing for unchanged, only-on-server and refused
 * documents. Returns 0 when every write succeeded (refusals are not
 * failures: see fs_deploy_refused), else the code of the first failure with
 * its sentence in *e; each document's outcome is in the plan. */
enum fs_err_code fs_deploy_run(fs_deploy_plan *plan, fs_couch *c, fs_err *e);
/* How many documents are refused. */
size_t fs_deploy_refused(const fs_deploy_plan *plan);
/* Writes the plan (after a run: the outcomes) as text; diffs: the
 * function-level diffs of changed and refused documents. */
void fs_deploy_format(const fs_deploy_plan *plan, int diffs, fs_buf *out);
/* The same as JSON (no credentials). */
cJSON *fs_deploy_json(const fs_deploy_plan *plan, int diffs);

/* Member-level diffs of two design documents (old -> new; either may be
 * NULL), ignoring _id, _rev and the marker. */
void fs_deploy_diff_docs(const cJSON *old, const cJSON *new_, fs_deploy_fdiff **out, size_t *n);
void fs_deploy_fdiffs_free(fs_deploy_fdiff *d, size_t n);
/* Appends the diffs as unified text, one "--- a/ID/NAME +++ b/ID/NAME" per member. */
void fs_deploy_fdiffs_format(const char *id, const fs_deploy_fdiff *d, size_t n, fs_buf *out);
cJSON *fs_deploy_fdiffs_json(const fs_deploy_fdiff *d, size_t n);

#endif
