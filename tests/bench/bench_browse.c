/* Browse benchmark: the first page of documents of a 100,000-document
 * database next to a 100-document one (goal: ratio <= 1.5), a page deep in
 * the big one by key next to the same page by skip, and the heap held while
 * walking pages (goal: flat). A fresh pouchdb-server on loopback; the big
 * database is loaded with _bulk_docs in batches. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/browse.h"
#include "base/json.h"
#include "couch/servers.h"
#include "testlib.h"
#include "benchlib.h"

#define BATCH 5000
#define RUNS 15
#define PAGE 100

static int die(const fs_err *e, const char *what)
{
	fprintf(stderr, "bench_browse: %s: %s\n", what, e->msg);
	return 1;
}

/* Median time of a first page, in ms. */
static double first_page_ms(fs_couch *c, const char *db, fs_err *e)
{
	double t[RUNS];
	for (int i = 0; i < RUNS; i++) {
		fs_docs_query q = { .limit = PAGE, .kind = FS_DOCS_PLAIN };
		fs_docs_page p;
		double t0 = fs_bench_now();
		if (fs_browse_docs(c, db, &q, &p, e))
			return -1;
		t[i] = (fs_bench_now() - t0) * 1e3;
		fs_docs_page_free(&p);
	}
	return fs_bench_median(t, RUNS);
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
	double t0 = fs_bench_now();
	if (!c || fs_bench_load(c, "small", 100, BATCH, NULL, &e) ||
	    fs_bench_load(c, "big", big, BATCH, NULL, &e))
		return die(&e, "loading");
	printf("loaded 100 + %ld documents in %.1f s\n", big, fs_bench_now() - t0);

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
		double a = fs_bench_now();
		if (fs_browse_docs(c, "big", &q, &p, &e))
			return die(&e, "deep page");
		tk[i] = (fs_bench_now() - a) * 1e3;
		fs_docs_page_free(&p);
		fs_couch_view_opts o;
		cJSON *res = NULL;
		fs_couch_view_opts_init(&o);
		o.skip = big * 9 / 10;
		o.limit = PAGE + 1;
		a = fs_bench_now();
		if (fs_couch_all_docs(c, "big", &o, &res, &e))
			return die(&e, "skip page");
		ts[i] = (fs_bench_now() - a) * 1e3;
		cJSON_Delete(res);
	}
	printf("page at 90%%: by key %.2f ms, by skip %.2f ms\n", fs_bench_median(tk, RUNS), fs_bench_median(ts, RUNS));

	/* heap held while walking 200 pages (fewer when the database ends
	 * before): flat means it does not grow */
	struct mallinfo2 m0 = mallinfo2();
	size_t peak = 0, held_first = 0;
	fs_docs_query q = { .limit = PAGE, .kind = FS_DOCS_PLAIN };
	fs_docs_page p;
	char *edge = NULL;
	int pages = 0;
	for (int i = 0; i < 200; i++) {
		if (fs_browse_docs(c, "big", &q, &p, &e))
			return die(&e, "walk");
		if (!p.n) {             /* past the last document: no edge to go on from */
			fs_docs_page_free(&p);
			break;
		}
		pages++;
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
	printf("heap held by a page: first %.1f KiB, peak over %d pages %.1f KiB (goal: flat)\n",
	       held_first / 1024.0, pages, peak / 1024.0);
	fs_couch_free(c);
	fs_test_couch_stop(srv);
	fs_test_cleanup();
	return 0;
}
