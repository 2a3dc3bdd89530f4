/* Helpers shared by the C benchmarks: a monotonic clock, the median of a
 * set of timings, and a bulk loader of generated documents. */
#ifndef FS_BENCHLIB_H
#define FS_BENCHLIB_H

#include <cjson/cJSON.h>
#include "couch/couch.h"
#include "base/err.h"

/* Seconds on the monotonic clock. */
double fs_bench_now(void);
/* The median of the n timings of t (sorts t in place). */
double fs_bench_median(double *t, int n);
/* Adds a benchmark's own fields to document number i (after its _id). */
typedef void fs_bench_doc_fn(cJSON *doc, long i);
/* Creates db and fills it with n documents "doc0000000".. through
 * _bulk_docs, batch at a time: _id, what more adds (when not NULL), a number
 * n and a short text. Returns 0, or 1 with *e. */
int fs_bench_load(fs_couch *c, const char *db, long n, long batch, fs_bench_doc_fn *more,
		  fs_err *e);

#endif
