/* Helpers shared by the C benchmarks (see benchlib.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "benchlib.h"

double fs_bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double fs_bench_median(double *t, int n)
{
	qsort(t, n, sizeof *t, cmp);
	return t[n / 2];
}

/* Documents at..at+batch (below n) as one array for _bulk_docs. */
static cJSON *batch_docs(long at, long n, long batch, fs_bench_doc_fn *more)
{
	cJSON *docs = cJSON_CreateArray();
	for (long i = at; i < n && i < at + batch; i++) {
		char id[32];
		cJSON *d = cJSON_CreateObject();
		snprintf(id, sizeof id, "doc%07ld", i);
		cJSON_AddStringToObject(d, "_id", id);
		if (more)
			more(d, i);
		cJSON_AddNumberToObject(d, "n", (double)i);
		cJSON_AddStringToObject(d, "text", "a FullSync document of a realistic small size");
		cJSON_AddItemToArray(docs, d);
	}
	return docs;
}

int fs_bench_load(fs_couch *c, const char *db, long n, long batch, fs_bench_doc_fn *more,
		  fs_err *e)
{
	if (fs_couch_db_create(c, db, NULL, e))
		return 1;
	for (long at = 0; at < n; at += batch) {
		cJSON *docs = batch_docs(at, n, batch, more);
		fs_couch_bulk res;
		int rc = fs_couch_bulk_docs(c, db, docs, 1, &res, e);
		cJSON_Delete(docs);
		if (rc)
			return 1;
		fs_couch_bulk_free(&res);
	}
	return 0;
}
