/* Browsing against a real pouchdb-server: key paging over thousands of ids
 * that sort tricky, in both directions, design documents apart; conflicts
 * made with new_edits=false, their tree, diff and resolution; every post
 * policy and merge rule; view-as-user with a group database; paged view
 * queries; the changes feed, latest and followed with a deadline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "couch/browse.h"
#include "model/fullsync.h"
#include "base/json.h"
#include "couch/servers.h"
#include "testlib.h"

static fs_test_couch *srv;
static fs_couch *c;
static fs_err e;

#define check(x, what) fs_test_ok(x, &e, what)

static cJSON *J(const char *s)
{
	cJSON *j = cJSON_Parse(s);
	assert_non_null(j);
	return j;
}

static void mkdb(const char *db)
{
	check(fs_couch_db_create(c, db, NULL, &e), "create db");
}

static void bulk(const char *db, cJSON *docs, int new_edits)
{
	fs_couch_bulk b;
	check(fs_couch_bulk_docs(c, db, docs, new_edits, &b, &e), "bulk");
	assert_int_equal(b.failed, 0);
	fs_couch_bulk_free(&b);
	cJSON_Delete(docs);
}

/* ---- paging ---- */

#define NDOCS 2400

static const char *const tricky[] = {
	"_design/a", "_design/zz", "A", "Z", "a", "a_b", "a-b", "a.b", "z", "zz", "~tilde",
	"\xc3\xa9t\xc3\xa9", "\xc3\x89t\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xce\xa9", "10", "9", "09", "1e3",
	"\xf0\x9f\x98\x80", "space id", "slash/id", "percent%41", "plus+id",
};

static char **all_ids;   /* the server's own full order (plain documents) */
static size_t nall;

static void load_paging_db(void)
{
	cJSON *docs = cJSON_CreateArray();
	char id[32];
	for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "_id", tricky[i]);
		cJSON_AddItemToArray(docs, d);
	}
	for (int i = 0; i < NDOCS; i++) {
		cJSON *d = cJSON_CreateObject();
		snprintf(id, sizeof id, i % 3 ? "doc%d" : i % 2 ? "Doc_%05d" : "%d", i);
		cJSON_AddStringToObject(d, "_id", id);
		cJSON_AddNumberToObject(d, "n", i);
		cJSON_AddItemToArray(docs, d);
	}
	mkdb("paging");
	bulk("paging", docs, 1);
	/* the reference order: one unpaged request */
	cJSON *res = NULL, *row;
	check(fs_couch_all_docs(c, "paging", NULL, &res, &e), "all_docs");
	all_ids = calloc(NDOCS + 64, sizeof *all_ids);
	cJSON_ArrayForEach(row, fs_json_arr(res, "rows")) {
		const char *rid = fs_json_str(row, "id");
		if (strncmp(rid, "_design/", 8))
			all_ids[nall++] = strdup(rid);
	}
	cJSON_Delete(res);
}

static void paging_forward_backward(void **state)
{
	if (!srv)
		skip();
	load_paging_db();
	/* pouchdb-server's memory adapter does not list ids beyond U+00FF in
	 * _all_docs (CouchDB does); the Latin-1 ones are there */
	assert_true(nall >= NDOCS + 15);
	/* _all_docs order is by raw code points (UTF-8 bytes), not ICU */
	for (size_t i = 1; i < nall; i++)
		if (strcmp(all_ids[i - 1], all_ids[i]) >= 0)
			fail_msg("not in raw order: '%s' before '%s'", all_ids[i - 1], all_ids[i]);
	/* upper case, then "_design/", then lower case */
	fs_docs_query q = { .limit = 37, .kind = FS_DOCS_ALL };
	fs_docs_page p;
	check(fs_browse_docs(c, "paging", &q, &p, &e), "first page");
	/* the first page is the start of the full order (digits sort first,
	 * far from the design documents) */
	assert_int_equal(p.n, 37);
	assert_false(p.has_prev);
	for (size_t i = 0; i < p.n; i++)
		assert_string_equal(p.v[i].id, all_ids[i]);
	fs_docs_page_free(&p);
	size_t iD = 0, ia = 0;
	q.dir = FS_PAGE_FROM;
	q.from = "Z";
	check(fs_browse_docs(c, "paging", &q, &p, &e), "from Z");
	for (size_t i = 0; i < p.n; i++) {
		if (!strcmp(p.v[i].id, "_design/a"))
			iD = i + 1;
		if (!strcmp(p.v[i].id, "a"))
			ia = i + 1;
	}
	assert_true(iD && ia && iD < ia);
	assert_true(p.has_prev);
	fs_docs_page_free(&p);

	/* forward through the plain documents */
	size_t at = 0, pages = 0;
	char *edge = NULL;
	q = (fs_docs_query){ .limit = 37, .kind = FS_DOCS_PLAIN, .dir = FS_PAGE_FIRST };
	fs_http_reset_stats(fs_couch_http(c));
	for (;;) {
		check(fs_browse_docs(c, "paging", &q, &p, &e), "next page");
		assert_int_equal(p.has_prev, pages > 0);
		for (size_t i = 0; i < p.n; i++, at++) {
			assert_true(at < nall);
			assert_string_equal(p.v[i].id, all_ids[at]);
		}
		pages++;
		free(edge);
		edge = p.n ? strdup(p.v[p.n - 1].id) : NULL;
		int more = p.has_next;
		fs_docs_page_free(&p);
		if (!more)
			break;
		q.dir = FS_PAGE_NEXT;
		q.from = edge;
	}
	assert_int_equal(at, nall);
	/* one request a page: the page crossing the design range takes two */
	assert_true(fs_http_get_stats(fs_couch_http(c)).requests <= (long)pages + 1);

	/* backward from the last page */
	size_t left = nall;
	q = (fs_docs_query){ .limit = 41, .kind = FS_DOCS_PLAIN, .dir = FS_PAGE_LAST };
	for (;;) {
		check(fs_browse_docs(c, "paging", &q, &p, &e), "prev page");
		assert_true(p.n <= left);
		for (size_t i = 0; i < p.n; i++)
			assert_string_equal(p.v[i].id, all_ids[left - p.n + i]);
		left -= p.n;
		free(edge);
		edge = p.n ? strdup(p.v[0].id) : NULL;
		int more = p.has_prev;
		fs_docs_page_free(&p);
		if (!more)
			break;
		q.dir = FS_PAGE_PREV;
		q.from = edge;
	}
	free(edge);
	assert_int_equal(left, 0);

	/* design documents apart */
	q = (fs_docs_query){ .limit = 10, .kind = FS_DOCS_DESIGN };
	check(fs_browse_docs(c, "paging", &q, &p, &e), "design");
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].id, "_design/a");
	assert_false(p.has_next);
	fs_docs_page_free(&p);

	/* a bad edge is refused in words */
	q = (fs_docs_query){ .dir = FS_PAGE_NEXT };
	assert_int_equal(fs_browse_docs(c, "paging", &q, &p, &e), FS_E_INVALID);
	assert_int_equal(fs_browse_docs(c, "no-such-db", &(fs_docs_query){ 0 }, &p, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "no-such-db"));
}

/* ---- conflicts ---- */

static char *make_conflict(const char *db, const char *id)
{
	char *rev1 = NULL;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "_id", id);
	cJSON_AddStringToObject(d, "v", "base");
	check(fs_couch_doc_put(c, db, d, &rev1, &e), "put base");
	cJSON_Delete(d);
	char buf[512];
	snprintf(buf, sizeof buf,
		 "[{\"_id\":\"%s\",\"_rev\":\"2-aaaa\",\"_revisions\":{\"start\":2,\"ids\":[\"aaaa\",\"%s\"]},\"v\":\"A\",\"same\":1},"
		 "{\"_id\":\"%s\",\"_rev\":\"2-bbbb\",\"_revisions\":{\"start\":2,\"ids\":[\"bbbb\",\"%s\"]},\"v\":\"B\",\"same\":1}]",
		 id, rev1 + 2, id, rev1 + 2);
	bulk(db, J(buf), 0);
	return rev1;
}

static void conflicts_tree_diff_resolve(void **state)
{
	if (!srv)
		skip();
	mkdb("conf");
	char *r1 = make_conflict("conf", "c1");
	char *r1b = make_conflict("conf", "c2");
	cJSON *plain = J("{\"_id\":\"plain\"}");
	check(fs_couch_doc_put(c, "conf", plain, NULL, &e), "put plain");
	cJSON_Delete(plain);

	fs_revtree t;
	check(fs_browse_revs(c, "conf", "c1", &t, &e), "revs");
	assert_int_equal(t.n, 3);
	assert_int_equal(t.nconflicts, 1);
	assert_string_equal(t.winner, "2-bbbb");   /* the higher hash wins */
	const fs_rev_node *a = fs_revtree_find(&t, "2-aaaa"), *base = fs_revtree_find(&t, r1);
	assert_non_null(a);
	assert_true(a->conflict && a->leaf && !a->winner);
	assert_string_equal(a->parent, r1);
	assert_non_null(base);
	assert_false(base->leaf);
	fs_revtree_free(&t);

	/* only conflicted documents */
	fs_docs_query q = { .limit = 10, .conflicts_only = 1 };
	fs_docs_page p;
	check(fs_browse_docs(c, "conf", &q, &p, &e), "conflicted");
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].id, "c1");
	assert_int_equal(p.v[0].nconflicts, 1);
	fs_docs_page_free(&p);

	fs_hunks h;
	check(fs_browse_rev_diff(c, "conf", "c1", "2-aaaa", "2-bbbb", &h, &e), "diff");
	fs_buf b = FS_BUF_INIT;
	fs_hunks_format(&h, "a", "b", &b);
	assert_non_null(strstr(fs_buf_str(&b), "-  \"v\": \"A\""));
	assert_non_null(strstr(fs_buf_str(&b), "+  \"v\": \"B\""));
	assert_int_equal(h.added, 1);
	fs_buf_free(&b);
	fs_hunks_free(&h);
	assert_int_equal(fs_browse_rev_diff(c, "conf", "c1", "2-aaaa", "1-nothere", &h, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "compacted"));

	/* choose the loser as the winner: the other leaf is deleted */
	char *nr = NULL;
	check(fs_browse_resolve(c, "conf", "c1", "2-aaaa", NULL, &nr, &e), "resolve");
	assert_string_equal(nr, "2-aaaa");
	free(nr);
	check(fs_browse_revs(c, "conf", "c1", &t, &e), "revs after");
	assert_int_equal(t.nconflicts, 0);
	assert_string_equal(t.winner, "2-aaaa");
	int deleted = 0;
	for (size_t i = 0; i < t.n; i++)
		deleted += t.v[i].leaf && t.v[i].status == FS_REV_DELETED;
	assert_int_equal(deleted, 1);
	fs_revtree_free(&t);

	/* with a merged body */
	cJSON *m = J("{\"v\":\"A+B\"}"), *doc = NULL;
	check(fs_browse_resolve(c, "conf", "c2", "2-bbbb", m, &nr, &e), "resolve merged");
	assert_int_equal(strtol(nr, NULL, 10), 3);
	fs_couch_get_opts go = { .conflicts = 1 };
	check(fs_couch_doc_get(c, "conf", "c2", &go, &doc, &e), "get c2");
	assert_string_equal(fs_json_str(doc, "v"), "A+B");
	assert_null(fs_json_arr(doc, "_conflicts"));
	cJSON_Delete(doc);
	cJSON_Delete(m);
	free(nr);
	/* a revision that is not a leaf is refused */
	assert_int_equal(fs_browse_resolve(c, "conf", "c2", r1b, NULL, NULL, &e), FS_E_NOTFOUND);
	free(r1);
	free(r1b);

	/* compaction: the old body goes, the tree says so */
	cJSON *res = NULL, *empty = J("{}");
	check(fs_couch_request(c, "POST", "/conf/_compact", empty, &res, NULL, &e), "compact");
	cJSON_Delete(empty);
	cJSON_Delete(res);
	int missing = 0;
	for (int i = 0; i < 250 && !missing; i++) {
		if (i)
			usleep(20000);
		check(fs_browse_revs(c, "conf", "c1", &t, &e), "revs compacted");
		for (size_t k = 0; k < t.n; k++)
			missing += t.v[k].status == FS_REV_MISSING;
		fs_revtree_free(&t);
	}
	assert_true(missing > 0);
}

/* ---- post policies ---- */

static cJSON *get(const char *db, const char *id)
{
	cJSON *d = NULL;
	check(fs_couch_doc_get(c, db, id, NULL, &d, &e), id);
	return d;
}

static void post_policies(void **state)
{
	if (!srv)
		skip();
	mkdb("post");
	fs_post_opts o = { .policy = FS_POLICY_NONE };
	char *id = NULL, *rev = NULL;
	cJSON *d = J("{\"_id\":\"p\",\"a\":{\"x\":1,\"y\":1},\"l\":[1,2,3],\"t\":[\"a\"],\"gone\":1,\"keep\":1}");
	check(fs_fullsync_post(c, "post", d, &o, &id, &rev, &e), "none");
	assert_string_equal(id, "p");
	free(id);
	free(rev);
	/* none without the current _rev: a conflict, as CouchDB says */
	assert_int_equal(fs_fullsync_post(c, "post", d, &o, NULL, NULL, &e), FS_E_CONFLICT);

	/* create: always a new document, whatever _id says */
	o.policy = FS_POLICY_CREATE;
	check(fs_fullsync_post(c, "post", d, &o, &id, NULL, &e), "create");
	assert_string_not_equal(id, "p");
	free(id);
	cJSON_Delete(d);

	/* merge with rules */
	fs_merge_rules rules;
	cJSON *rj = J("{\"t\":\"append\",\"gone\":\"delete\",\"a.y\":\"override\"}");
	check(fs_merge_rules_parse(rj, 0, &rules, &e), "rules");
	o = (fs_post_opts){ .policy = FS_POLICY_MERGE, .rules = &rules };
	d = J("{\"_id\":\"p\",\"a\":{\"y\":{\"deep\":true},\"z\":3},\"l\":[9],\"t\":[\"b\"],\"gone\":0,\"new\":1}");
	check(fs_fullsync_post(c, "post", d, &o, NULL, &rev, &e), "merge");
	assert_int_equal(strtol(rev, NULL, 10), 2);
	free(rev);
	cJSON_Delete(d);
	cJSON *got = get("post", "p");
	cJSON *want = J("{\"a\":{\"x\":1,\"y\":{\"deep\":true},\"z\":3},\"l\":[9,2,3],\"t\":[\"a\",\"b\"],\"keep\":1,\"new\":1}");
	static const char *const ign[] = { "_id", "_rev", NULL };
	if (!fs_json_equal(got, want, ign))
		fail_msg("merged: %s", cJSON_PrintUnformatted(got));
	cJSON_Delete(got);
	cJSON_Delete(want);
	cJSON_Delete(rj);
	fs_merge_rules_free(&rules);

	/* override: replaces, _rev looked up; ACL tags applied */
	const char *groups[] = { "sales", "hr" };
	o = (fs_post_opts){ .policy = FS_POLICY_OVERRIDE, .acl = 1, .owner = "bob", .groups = groups, .ngroups = 2 };
	d = J("{\"_id\":\"p\",\"only\":true}");
	check(fs_fullsync_post(c, "post", d, &o, NULL, NULL, &e), "override");
	cJSON_Delete(d);
	got = get("post", "p");
	assert_null(cJSON_GetObjectItem(got, "keep"));
	assert_true(fs_json_bool(got, "only", 0));
	assert_string_equal(fs_json_str(got, "~c8oAcl"), "bob");
	assert_true(cJSON_IsTrue(fs_json_path(got, "c8oGrp.hr")));
	cJSON_Delete(got);

	/* override and merge of a missing document create it */
	o = (fs_post_opts){ .policy = FS_POLICY_OVERRIDE, .acl = 1 };
	d = J("{\"_id\":\"fresh\",\"_rev\":\"9-zzz\",\"v\":1}");
	check(fs_fullsync_post(c, "post", d, &o, NULL, NULL, &e), "override creates");
	cJSON_Delete(d);
	o.policy = FS_POLICY_MERGE;
	d = J("{\"_id\":\"fresh2\",\"v\":2}");
	check(fs_fullsync_post(c, "post", d, &o, NULL, NULL, &e), "merge creates");
	cJSON_Delete(d);
	got = get("post", "fresh2");
	assert_int_equal(fs_json_int(got, "v", 0), 2);
	assert_null(cJSON_GetObjectItem(got, "~c8oAcl"));   /* anonymous */
	cJSON_Delete(got);

	/* not an object */
	d = J("[1]");
	assert_int_equal(fs_fullsync_post(c, "post", d, &o, NULL, NULL, &e), FS_E_INVALID);
	cJSON_Delete(d);
}

/* ---- view as user ---- */

static void view_as_user(void **state)
{
	if (!srv)
		skip();
	mkdb("fsdata");
	mkdb("fsgrp");
	bulk("fsgrp", J("[{\"type\":\"c8oGrp\",\"user\":\"amy\",\"group\":\"sales\"},"
			"{\"type\":\"c8oGrp\",\"user\":\"amy\",\"group\":\"hr\"},"
			"{\"type\":\"c8oGrp\",\"user\":\"bob\",\"group\":\"it\"},"
			"{\"type\":\"other\",\"user\":\"amy\",\"group\":\"nope\"}]"), 1);
	bulk("fsdata", J("[{\"_id\":\"anon\"},"
			 "{\"_id\":\"amy1\",\"~c8oAcl\":\"amy\"},"
			 "{\"_id\":\"bob1\",\"~c8oAcl\":\"bob\"},"
			 "{\"_id\":\"sales1\",\"~c8oAcl\":\"bob\",\"c8oGrp\":\"sales\"},"
			 "{\"_id\":\"it1\",\"c8oGrp\":{\"it\":true}},"
			 "{\"_id\":\"hr1\",\"c8oGrp\":{\"hr\":\"true\",\"it\":false}},"
			 "{\"_id\":\"off1\",\"c8oGrp\":{\"hr\":false,\"sales\":\"no\"}},"
			 "{\"_id\":\"nope1\",\"c8oGrp\":\"nope\"}]"), 1);
	fs_strv g;
	check(fs_fullsync_user_groups(c, "fsgrp", "amy", &g, &e), "groups");
	assert_int_equal(g.n, 2);
	assert_true(fs_strv_has(&g, "sales") && fs_strv_has(&g, "hr"));
	fs_docs_query q = { .limit = 3, .as_user = "amy", .as_groups = &g };
	fs_docs_page p;
	const char *want[] = { "amy1", "anon", "hr1", "sales1" };
	size_t at = 0;
	char *edge = NULL;
	for (;;) {
		check(fs_browse_docs(c, "fsdata", &q, &p, &e), "as amy");
		for (size_t i = 0; i < p.n; i++, at++) {
			assert_true(at < 4);
			assert_string_equal(p.v[i].id, want[at]);
		}
		int more = p.has_next;
		/* filtered on the server: the next page starts at the cursor */
		free(edge);
		edge = p.cursor ? strdup(p.cursor) : NULL;
		fs_docs_page_free(&p);
		if (!more)
			break;
		q.dir = FS_PAGE_NEXT;
		q.cursor = edge;
	}
	free(edge);
	assert_int_equal(at, 4);
	fs_strv_free(&g);
	check(fs_fullsync_user_groups(c, "fsgrp", "bob", &g, &e), "groups bob");
	q = (fs_docs_query){ .limit = 50, .as_user = "bob", .as_groups = &g };
	check(fs_browse_docs(c, "fsdata", &q, &p, &e), "as bob");
	assert_int_equal(p.n, 4);   /* anon bob1 it1 sales1 */
	fs_docs_page_free(&p);
	fs_strv_free(&g);
	assert_int_equal(fs_fullsync_user_groups(c, "nogrp", "amy", &g, &e), FS_E_NOTFOUND);
}

/* ---- views ---- */

static void view_paging(void **state)
{
	if (!srv)
		skip();
	mkdb("views");
	cJSON *docs = cJSON_CreateArray();
	for (int i = 0; i < 53; i++) {
		char buf[96];
		snprintf(buf, sizeof buf, "{\"_id\":\"v%02d\",\"k\":%d}", i, i % 7);
		cJSON_AddItemToArray(docs, J(buf));
	}
	cJSON_AddItemToArray(docs, J("{\"_id\":\"_design/d\",\"views\":{\"by_k\":{\"map\":"
		"\"function(doc){ if (doc.k !== undefined) emit(doc.k, 1); }\",\"reduce\":\"_count\"}}}"));
	bulk("views", docs, 1);

	fs_view_args a;
	fs_view_args_init(&a);
	check(fs_view_args_set(&a, "reduce", "false", &e), "reduce");
	fs_view_page full, p;
	check(fs_browse_view(c, "views", "d/by_k", &a, 1000, FS_PAGE_FIRST, NULL, &full, &e), "full");
	int n = cJSON_GetArraySize(full.rows);
	assert_int_equal(n, 53);
	/* forward pages of 5 */
	int at = 0;
	enum fs_page_dir dir = FS_PAGE_FIRST;
	cJSON *edge = NULL;
	for (;;) {
		check(fs_browse_view(c, "views", "d/by_k", &a, 5, dir, edge, &p, &e), "view page");
		cJSON *row;
		cJSON_ArrayForEach(row, p.rows) {
			cJSON *w = cJSON_GetArrayItem(full.rows, at++);
			assert_string_equal(fs_json_str(row, "id"), fs_json_str(w, "id"));
		}
		cJSON_Delete(edge);
		edge = cJSON_Duplicate(cJSON_GetArrayItem(p.rows, cJSON_GetArraySize(p.rows) - 1), 1);
		int more = p.has_next;
		fs_view_page_free(&p);
		if (!more)
			break;
		dir = FS_PAGE_NEXT;
	}
	assert_int_equal(at, 53);
	/* backward pages of 6 from the end */
	dir = FS_PAGE_LAST;
	for (;;) {
		check(fs_browse_view(c, "views", "d/by_k", &a, 6, dir, edge, &p, &e), "view back");
		int k = cJSON_GetArraySize(p.rows);
		for (int i = 0; i < k; i++)
			assert_string_equal(fs_json_str(cJSON_GetArrayItem(p.rows, i), "id"),
				fs_json_str(cJSON_GetArrayItem(full.rows, at - k + i), "id"));
		at -= k;
		cJSON_Delete(edge);
		edge = cJSON_Duplicate(cJSON_GetArrayItem(p.rows, 0), 1);
		int more = p.has_prev;
		fs_view_page_free(&p);
		if (!more)
			break;
		dir = FS_PAGE_PREV;
	}
	cJSON_Delete(edge);
	assert_int_equal(at, 0);
	fs_view_page_free(&full);
	fs_view_args_free(&a);

	/* reduce with group, a range, keys, include_docs */
	fs_view_args_init(&a);
	check(fs_view_args_set(&a, "group", "true", &e), "group");
	check(fs_view_args_set(&a, "startkey", "2", &e), "startkey");
	check(fs_view_args_set(&a, "endkey", "4", &e), "endkey");
	check(fs_browse_view(c, "views", "_design/d/by_k", &a, 10, FS_PAGE_FIRST, NULL, &p, &e), "grouped");
	assert_int_equal(cJSON_GetArraySize(p.rows), 3);
	assert_int_equal(fs_json_int(cJSON_GetArrayItem(p.rows, 0), "value", 0), 8);
	fs_view_page_free(&p);
	fs_view_args_free(&a);
	fs_view_args_init(&a);
	check(fs_view_args_set(&a, "keys", "[6,0]", &e), "keys");
	check(fs_view_args_set(&a, "reduce", "false", &e), "reduce");
	check(fs_view_args_set(&a, "include_docs", "true", &e), "include_docs");
	check(fs_browse_view(c, "views", "d/by_k", &a, 0, FS_PAGE_FIRST, NULL, &p, &e), "keys");
	assert_int_equal(cJSON_GetArraySize(p.rows), 7 + 8);
	assert_int_equal(fs_json_int(cJSON_GetArrayItem(p.rows, 0), "key", -1), 6);
	assert_non_null(fs_json_obj(cJSON_GetArrayItem(p.rows, 0), "doc"));
	fs_buf desc = FS_BUF_INIT;
	fs_view_args_describe(&a, &desc);
	assert_string_equal(fs_buf_str(&desc), "keys=[6,0] reduce=0 include_docs=1");
	fs_buf_free(&desc);
	fs_view_page_free(&p);
	fs_view_args_free(&a);

	/* bad options and a bad view, in words */
	fs_view_args_init(&a);
	assert_int_equal(fs_view_args_set(&a, "limit", "-3", &e), FS_E_INVALID);
	assert_int_equal(fs_view_args_set(&a, "colour", "red", &e), FS_E_INVALID);
	assert_int_equal(fs_view_args_set(&a, "keys", "3", &e), FS_E_INVALID);
	assert_int_equal(fs_browse_view(c, "views", "noslash", &a, 5, FS_PAGE_FIRST, NULL, &p, &e), FS_E_INVALID);
	assert_int_equal(fs_browse_view(c, "views", "d/none", &a, 5, FS_PAGE_FIRST, NULL, &p, &e), FS_E_NOTFOUND);
	fs_view_args_free(&a);
}

/* ---- changes ---- */

static void *late_writer(void *arg)
{
	fs_err we;
	usleep(300000);
	fs_couch *w = fs_server_open(srv->url, &we);
	cJSON *d = J("{\"_id\":\"late\"}");
	fs_couch_doc_put(w, "chg", d, NULL, &we);
	cJSON_Delete(d);
	fs_couch_free(w);
	return arg;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void changes_latest_and_follow(void **state)
{
	if (!srv)
		skip();
	mkdb("chg");
	bulk("chg", J("[{\"_id\":\"a\"},{\"_id\":\"b\"},{\"_id\":\"c\"}]"), 1);
	cJSON *res = NULL;
	fs_changes_query q = { .limit = 2, .descending = 1 };
	check(fs_browse_changes(c, "chg", &q, &res, &e), "latest");
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(res, "results")), 2);
	cJSON *ids = J("[\"b\"]");
	fs_changes_query qi = { .doc_ids = ids };
	cJSON *r2 = NULL;
	check(fs_browse_changes(c, "chg", &qi, &r2, &e), "doc ids");
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(r2, "results")), 1);
	cJSON_Delete(r2);
	cJSON_Delete(ids);
	cJSON_Delete(res);
	fs_changes_query all = { 0 };
	check(fs_browse_changes(c, "chg", &all, &res, &e), "all");
	cJSON *last = cJSON_Duplicate(cJSON_GetObjectItem(res, "last_seq"), 1);
	cJSON_Delete(res);

	/* nothing comes: back at our deadline, not the server's */
	fs_changes_query f = { .since = last };
	double t0 = now();
	check(fs_browse_changes_wait(c, "chg", &f, 400, &res, &e), "wait empty");
	double dt = now() - t0;
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(res, "results")), 0);
	assert_true(dt >= 0.3 && dt < 3.0);
	cJSON_Delete(res);

	/* a change during the wait wakes it before the deadline */
	pthread_t th;
	pthread_create(&th, NULL, late_writer, NULL);
	t0 = now();
	check(fs_browse_changes_wait(c, "chg", &f, 8000, &res, &e), "wait change");
	dt = now() - t0;
	pthread_join(th, NULL);
	assert_true(dt < 6.0);
	assert_string_equal(fs_json_str(cJSON_GetArrayItem(fs_json_arr(res, "results"), 0), "id"), "late");
	cJSON_Delete(res);
	cJSON_Delete(last);
}

static void db_summary(void **state)
{
	if (!srv)
		skip();
	cJSON *s = NULL;
	check(fs_browse_db_summary(c, "chg", &s, &e), "summary");
	assert_int_equal(fs_json_int(s, "doc_count", -1), 4);
	assert_non_null(fs_json_obj(s, "sizes"));
	assert_non_null(cJSON_GetObjectItem(s, "update_seq"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(s, "revs_limit")));   /* pouchdb-server */
	cJSON_Delete(s);
	assert_int_equal(fs_browse_db_summary(c, "nope", &s, &e), FS_E_NOTFOUND);
}

static int teardown(void **state)
{
	for (size_t i = 0; i < nall; i++)
		free(all_ids[i]);
	free(all_ids);
	return fs_test_group_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paging_forward_backward),
		cmocka_unit_test(conflicts_tree_diff_resolve),
		cmocka_unit_test(post_policies),
		cmocka_unit_test(view_as_user),
		cmocka_unit_test(view_paging),
		cmocka_unit_test(changes_latest_and_follow),
		cmocka_unit_test(db_summary),
	};
	fs_test_group_bind(&srv, &c, &e);
	return cmocka_run_group_tests(tests, fs_test_group_setup, teardown);
}
