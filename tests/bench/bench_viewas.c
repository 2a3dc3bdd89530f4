/* "View as user" benchmark on a fresh pouchdb-server: 100,000 documents,
 * 1% owned by the user (spread over the ids), the rest by 99 other users.
 * Prints the median time of one page of 100: a plain page, the old view as
 * user (every document read through _all_docs and filtered here, q.scan),
 * the new one filtered by the server's _find without an index, then with the
 * json index on ~c8oAcl, and the ratios against the goals (new without
 * index <= 0.3x old; with index <= 3x a plain page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/browse.h"
#include "couch/browse_acl.h"
#include "base/json.h"
#include "couch/servers.h"
#include "testlib.h"
#include "benchlib.h"

#define BATCH 2000
#define PAGE 100

static fs_test_couch *srv;

/* Fails, stopping the server (a long load must not leave it running). */
static int die(const fs_err *e, const char *what)
{
	fprintf(stderr, "bench_viewas: %s: %s\n", what, e->msg);
	fs_test_couch_stop(srv);
	fs_test_cleanup();
	return 1;
}

/* Document i belongs to user(i % 100): user00 owns 1%, spread over the ids. */
static void add_owner(cJSON *d, long i)
{
	char owner[16];
	snprintf(owner, sizeof owner, "user%02ld", i % 100);
	cJSON_AddStringToObject(d, "~c8oAcl", owner);
}

/* Median ms of `runs` first pages of q; *rows gets the rows of the last. */
static double page_ms(fs_couch *c, const fs_docs_query *q, int runs, size_t *rows, int *index_used,
		      fs_err *e)
{
	double t[31];
	for (int i = 0; i < runs; i++) {
		fs_docs_page p;
		double t0 = fs_bench_now();
		if (fs_browse_docs(c, "big", q, &p, e))
			return -1;
		t[i] = (fs_bench_now() - t0) * 1e3;
		*rows = p.n;
		if (index_used)
			*index_used = p.index_used;
		fs_docs_page_free(&p);
	}
	return fs_bench_median(t, runs);
}

int main(int argc, char **argv)
{
	long big = argc > 1 ? atol(argv[1]) : 100000;
	fs_err e = { 0 };
	fs_strv none = { 0 };
	size_t rows = 0;
	int used = -1;
	setvbuf(stdout, NULL, _IOLBF, 0);   /* figures show as they come (a long run) */
	srv = fs_test_couch_start();
	if (!srv) {
		printf("bench_viewas: pouchdb-server not installed, skipped\n");
		return 0;
	}
	fs_couch *c = fs_server_open(srv->url, &e);
	double t0 = fs_bench_now();
	if (!c || fs_bench_load(c, "big", big, BATCH, add_owner, &e))
		return die(&e, "loading");
	printf("loaded %ld documents (1%% owned by user00) in %.1f s\n", big, fs_bench_now() - t0);

	fs_docs_query plain = { .limit = PAGE, .kind = FS_DOCS_PLAIN };
	fs_docs_query old = { .limit = PAGE, .kind = FS_DOCS_PLAIN, .as_user = "user00",
			      .as_groups = &none, .scan = 1 };
	fs_docs_query find = old;
	find.scan = 0;
	double plain_ms = page_ms(c, &plain, 15, &rows, NULL, &e);
	if (plain_ms < 0)
		return die(&e, "plain page");
	printf("plain page of %d:                        %8.2f ms\n", PAGE, plain_ms);
	double old_ms = page_ms(c, &old, 5, &rows, NULL, &e);
	if (old_ms < 0)
		return die(&e, "old view as user");
	printf("view as user, old (every doc read here): %8.2f ms  %zu rows  %.1fx plain\n",
	       old_ms, rows, old_ms / plain_ms);
	double noidx_ms = page_ms(c, &find, 3, &rows, &used, &e);
	if (noidx_ms < 0)
		return die(&e, "view as user without index");
	printf("view as user, _find, no index:           %8.2f ms  %zu rows  index used: %s\n",
	       noidx_ms, rows, used ? "yes" : "no");
	t0 = fs_bench_now();
	if (fs_acl_index_create(c, "big", &e) || page_ms(c, &find, 1, &rows, &used, &e) < 0)
		return die(&e, "index");
	printf("index on ~c8oAcl created and built in %.1f s\n", fs_bench_now() - t0);
	double idx_ms = page_ms(c, &find, 15, &rows, &used, &e);
	if (idx_ms < 0)
		return die(&e, "view as user with index");
	printf("view as user, _find, index:              %8.2f ms  %zu rows  index used: %s\n",
	       idx_ms, rows, used ? "yes" : "no");
	printf("ratios: no index / old %.2f (goal <= 0.3), index / plain page %.2f (goal <= 3)\n",
	       noidx_ms / old_ms, idx_ms / plain_ms);
	fs_couch_free(c);
	fs_test_couch_stop(srv);
	fs_test_cleanup();
	return 0;
}
