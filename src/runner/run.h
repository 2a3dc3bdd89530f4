/* A run of a design function over documents, isolated in a child process.
 *
 * The child reads the documents one by one (runner/docsrc.h), calls the
 * function with a CPU-time limit per document (a timer whose signal ends
 * the child) and a cap on the JavaScript heap, then answers the query the
 * way CouchDB would and hands the answer back through a pipe. An endless
 * loop or a memory bomb ends the child, never the studio, and the error
 * names the document: "the map of VIEW did not finish within 5 s on
 * document ID". */
#ifndef FS_RUN_H
#define FS_RUN_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "couch/couch.h"
#include "runner/engine.h"

#define FS_RUN_SECONDS 5.0
#define FS_RUN_MEMORY_MB 256
/* Exceptions kept in a result (the others are only counted). */
#define FS_RUN_MAX_EXC 1000

typedef enum fs_run_kind {
	FS_RUN_MAP,          /* fn is a map, reduce may be set: a view query */
	FS_RUN_FILTER,       /* fn(doc, req) */
	FS_RUN_VALIDATE,     /* fn(newDoc, null, userCtx, secObj) */
} fs_run_kind;

typedef struct fs_run_opts {
	fs_run_kind kind;
	const char *name;            /* the object path, for messages */
	const char *fn;
	const char *reduce;          /* NULL, a built-in name or JavaScript */
	const cJSON *ddoc;           /* views.lib, options.include_design */
	const fs_couch_view_opts *query;   /* NULL: the defaults */
	double seconds;              /* per document; 0: FS_RUN_SECONDS */
	size_t memory_mb;            /* heap cap; 0: FS_RUN_MEMORY_MB */
} fs_run_opts;

/* A document on which the function threw. */
typedef struct fs_run_doc_exc {
	char *id;
	fs_run_exc x;
} fs_run_doc_exc;

typedef struct fs_run_result {
	char *response;              /* map: CouchDB's JSON answer; filter and
					validate: {"passed": N, "rejected": N} */
	fs_run_doc_exc *exc;
	size_t nexc;
	long exc_total;              /* also those beyond FS_RUN_MAX_EXC */
	char *log;                   /* what log() wrote, NULL when nothing */
	long docs, rows;             /* documents given to the function, rows emitted */
	long peak_kb;                /* the child's peak resident memory */
} fs_run_result;

/* Runs over the documents of the file docs (JSON array or NDJSON, "-":
 * standard input). An error of the run as a whole (syntax, ES2015+,
 * timeout, memory, a reduce that threw, bad options) returns its code with
 * e set; exceptions on single documents are in out. */
enum fs_err_code fs_run(const fs_run_opts *o, const char *docs, fs_run_result *out, fs_err *e);
void fs_run_result_free(fs_run_result *r);

/* The same in steps, for a caller that must not block (the studio): start
 * the child, poll its fd (set it O_NONBLOCK first) with the other fds and
 * call fs_run_poll when readable until it returns 1, then fs_run_finish;
 * or fs_run_cancel at any time (the child is killed and reaped at once).
 * finish and cancel free the handle. o and its strings may be freed after
 * fs_run_start. */
typedef struct fs_run_handle fs_run_handle;
enum fs_err_code fs_run_start(const fs_run_opts *o, const char *docs, fs_run_handle **out, fs_err *e);
int fs_run_fd(const fs_run_handle *h);
/* Reads what is there; 1 once the child closed its end. */
int fs_run_poll(fs_run_handle *h);
enum fs_err_code fs_run_finish(fs_run_handle *h, fs_run_result *out, fs_err *e);
void fs_run_cancel(fs_run_handle *h);

#endif
