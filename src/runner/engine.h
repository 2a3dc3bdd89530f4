/* The JavaScript engine of the local runner: one Duktape heap (ES5.1, the
 * language of the SpiderMonkey 1.8.5 CouchDB ran for years) with CouchDB's
 * sandbox: emit, log, sum, toJSON, isArray, require of CommonJS modules from
 * the design document's views.lib, and getRow/send/start (which only list
 * functions may call: the model has none, so they throw).
 *
 * Values cross between C and the engine as JSON text. The engine runs in
 * the caller's process: the time and memory limits of a run and its
 * isolation from the studio are in run.c (a child process); here only the
 * heap's allocations are capped, so a memory bomb fails its document. */
#ifndef FS_ENGINE_H
#define FS_ENGINE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/err.h"

typedef struct fs_engine fs_engine;

/* An exception thrown by a function on a document. line is 0 when the
 * thrown value carries no position (throw "text", throw {forbidden: ...});
 * col is the first non-blank column of that line of the function (Duktape
 * records lines, not columns). */
typedef struct fs_run_exc {
	char *message;
	int line, col;
	char *where;      /* "map", "reduce", a module id "views/lib/x" */
} fs_run_exc;
void fs_run_exc_free(fs_run_exc *x);

/* ddoc (may be NULL) provides views.lib to require(). mem_limit caps the
 * heap in bytes (0: no cap). */
fs_engine *fs_engine_new(const cJSON *ddoc, size_t mem_limit, fs_err *e);
void fs_engine_free(fs_engine *en);
/* Ends the process with status when the heap reaches its cap (for a
 * run's child process: see engine.c on why not an exception). */
void fs_engine_exit_on_cap(fs_engine *en, int status);
/* 1 once an allocation was refused because of the cap (sticky). */
int fs_engine_out_of_memory(const fs_engine *en);
/* Log lines of log() since the last call (caller frees the text, lines
 * joined with newlines; NULL when none). */
char *fs_engine_take_log(fs_engine *en);

/* Compiles a function text as stored in a design document. Returns its
 * handle (>= 0) or -1 with e set: FS_E_UNSUPPORTED "uses syntax the local
 * runner does not support (ES2015+: WHAT at line L:C); run it on the
 * server", FS_E_JS for a syntax error (with its line). label names the
 * function in messages ("map"). */
int fs_engine_compile(fs_engine *en, const char *text, const char *label, fs_err *e);

/* Runs a map function on a document (JSON text). Appends the emitted rows
 * as the JSON text [[key, value], ...] to rows. Returns 0, or FS_E_JS with
 * x filled (the rows of that document are dropped, as CouchDB does). */
int fs_engine_map(fs_engine *en, int fn, const char *doc, fs_buf *rows, fs_run_exc *x);
/* Calls reduce(keys, values, rereduce): keys and values are JSON texts of
 * arrays (keys is "null" on rereduce). Appends the result's JSON text. */
int fs_engine_reduce(fs_engine *en, int fn, const char *keys, const char *values,
		     int rereduce, fs_buf *out, fs_run_exc *x);
/* Calls fn with the arguments of the JSON text args (an array) and appends
 * what it returns as JSON text: a filter's verdict ("true"/"false"); for a
 * validate_doc_update, {"ok":true} or the {"forbidden"|"unauthorized": msg}
 * it threw. Other exceptions fill x. */
int fs_engine_filter(fs_engine *en, int fn, const char *args, fs_buf *out, fs_run_exc *x);
int fs_engine_validate(fs_engine *en, int fn, const char *args, fs_buf *out, fs_run_exc *x);

/* The ES2015+ construct of a function text the engine would run wrongly or
 * not at all ("arrow function at line 2:10"); NULL when it is plain ES5.
 * Caller frees. */
char *fs_engine_es2015(const char *text);

#endif
