/* Browse benchmark: the first page of documents of a 100,000-document
 * database next to a 100-document one (goal: ratio <= 1.5), a page deep in
 * the big one by key next to the same page by skip, and the heap held while
 * walking pages (goal: flat). A fresh pouchdb-server on loopback; the big
 * database is loaded with _bulk_docs in batches. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "couch/browse.h"
#include "base/json.h"
#include "couch/servers.h"
#include "testlib.h"

#define BATCH 5000
#define RUNS 15
#define PAGE 100

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const fs_err *e, const char *what)
{
	fprintf(stderr, "bench_browse: %s: %s\n", what, e->msg);
	return 1;
}

static int load(fs_couch *c, const char *db, long n, fs_err *e)
{
	if (fs_couch_db_create(c, db, NULL, e))
		return 1;
	for (long at = 0; at < n; at += BATCH) {
		cJSON *docs = cJSON_CreateArray();
		fs_couch_bulk res;
		for (long i = at; i < n && i < at + BATCH; i++) {
			char id[32];
			cJSON *d = cJSON_CreateObject();
			snprintf(id, sizeof id, "doc%07ld", i);
			cJSON_AddStringToObject(d, "_id", id);
			cJSON_AddNumberToObject(d, "n", (double)i);
			cJSON_AddStringToObject(d, "text", "a FullSync document of a realistic small size");
			cJSON_AddItemToArray(docs, d);
		}
		int rc = fs_couch_bulk_docs(c, db, docs, 1, &res, e);
		cJSON_Delete(docs);
		if (rc)
			return 1;
		fs_couch_bulk_free(&res);
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median time of a first page, in ms. */
static double first_page_ms(fs_couch *c, const char *db, fs_err *e)
{
	double t[RUNS];
	for (int i = 0; i < RUNS; i++) {
		fs_docs_query q = { .limit = PAGE, .kind = FS_DOCS_PLAIN };
		fs_docs_page p;
		double t0 = now();
		if (fs_browse_docs(c, db, &q, &p, e))
			return -1;
		t[i] = (now() - t0) * 1e3;
		fs_docs_page_free(&p);
	}
	qsort(t, RUNS, sizeof *t, cmp);
	return t[RUNS / 2];
}

static double median_ms(double *t, int n)
{
	qsort(t, n, sizeof *t, cmp);
	return t[n / 2];
}

int main(int argc, char **argv)
{
	long big = argc > 1 ? atol(argv[1]) : 100000;
	fs_err e = { 0 };
	fs_test_couch *srv = fs_test_couch_start();
	if (!srv) {
		printf("bench_browse: pouchdb-server not installed, skipped\n");
		return 0;
	}
	fs_couch *c = fs_server_open(srv->url, &e);
	double t0 = now();
	if (!c || load(c, "small", 100, &e) || load(c, "big", big, &e))
		return die(&e, "loading");
	printf("loaded 100 + %ld documents in %.1f s\n", big, now() - t0);

	double small_ms = first_page_ms(c, "small", &e), big_ms = first_page_ms(c, "big", &e);
	if (small_ms < 0 || big_ms < 0)
		return die(&e, "first page");
	printf("first page (%d rows): 100 docs %.2f ms, %ld docs %.2f ms, ratio %.2f (goal <= 1.5)\n",
	       PAGE, small_ms, big, big_ms, big_ms / small_ms);

	/* a page deep in the big database: by key against by skip */
	char mid[32];
	double tk[RUNS], ts[RUNS];
	snprintf(mid, sizeof mid, "doc%07ld", big * 9 / 10);
	for (int i = 0; i < RUNS; i++) {
		fs_docs_query q = { .limit = PAGE, .dir = FS_PAGE_NEXT, .from = mid, .kind = FS_DOCS_PLAIN };
		fs_docs_page p;
		double a = now();
		if (fs_browse_docs(c, "big", &q, &p, &e))
			return die(&e, "deep page");
		tk[i] = (now() - a) * 1e3;
		fs_docs_page_free(&p);
		fs_couch_view_opts o;
		cJSON *res = NULL;
		fs_couch_view_opts_init(&o);
		o.skip = big * 9 / 10;
		o.limit = PAGE + 1;
		a = now();
		if (fs_couch_all_docs(c, "big", &o, &res, &e))
			return die(&e, "skip page");
		ts[i] = (now() - a) * 1e3;
		cJSON_Delete(res);
	}
	printf("page at 90%%: by key %.2f ms, by skip %.2f ms\n", median_ms(tk, RUNS), median_ms(ts, RUNS));

	/* heap held while walking 200 pages: flat means it does not grow */
	struct mallinfo2 m0 = mallinfo2();
	size_t peak = 0, held_first = 0;
	fs_docs_query q = { .limit = PAGE, .kind = FS_DOCS_PLAIN };
	fs_docs_page p;
	char *edge = NULL;
	for (int i = 0; i < 200; i++) {
		if (fs_browse_docs(c, "big", &q, &p, &e))
			return die(&e, "walk");
		size_t used = mallinfo2().uordblks;
		size_t held = used > m0.uordblks ? used - m0.uordblks : 0;
		if (!i)
			held_first = held;
		if (held > peak)
			peak = held;
		free(edge);
		edge = strdup(p.v[p.n - 1].id);
		fs_docs_page_free(&p);
		q.dir = FS_PAGE_NEXT;
		q.from = edge;
	}
	free(edge);
	printf("heap held by a page: first %.1f KiB, peak over 200 pages %.1f KiB (goal: flat)\n",
	       held_first / 1024.0, peak / 1024.0);
	fs_couch_free(c);
	fs_test_couch_stop(srv);
	fs_test_cleanup();
	return 0;
}
