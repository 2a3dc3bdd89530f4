/* "View as user" filtered on the server by _find, against a real
 * pouchdb-server: exactly the documents the FullSync rule (fs_acl_visible,
 * checked on every document read back) lets a user receive, owner, group,
 * anonymous, deleted and odd cases, with and without the index on ~c8oAcl;
 * paging by cursor over more than 100 matches is complete and without
 * duplicates; hostile user and group names select nothing more. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/browse.h"
#include "couch/browse_acl.h"
#include "model/fullsync.h"
#include "base/json.h"
#include "testlib.h"

static fs_test_couch *srv;
static fs_couch *c;
static fs_err e;

#define check(x, what) fs_test_ok(x, &e, what)

static void bulk(const char *db, cJSON *docs)
{
	fs_couch_bulk b;
	check(fs_couch_bulk_docs(c, db, docs, 1, &b, &e), "bulk");
	assert_int_equal(b.failed, 0);
	fs_couch_bulk_free(&b);
	cJSON_Delete(docs);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every page of what user receives, ids in the order listed; *pages gets
 * the page count. Fails on a repeated id. */
static fs_strv list_as(const char *db, const char *user, const fs_strv *groups, long limit,
		       int scan, int *pages, int *index_used)
{
	fs_strv ids = { 0 };
	fs_docs_query q = { .limit = limit, .kind = FS_DOCS_PLAIN, .as_user = user, .as_groups = groups,
			    .scan = scan };
	char *cursor = NULL, *edge = NULL;
	*pages = 0;
	for (;;) {
		fs_docs_page p;
		check(fs_browse_docs(c, db, &q, &p, &e), user);
		(*pages)++;
		assert_true(*pages < 1000);
		assert_int_equal(p.on_server, !scan);
		if (index_used && *pages == 1)
			*index_used = p.index_used;
		for (size_t i = 0; i < p.n; i++) {
			if (fs_strv_has(&ids, p.v[i].id))
				fail_msg("%s listed twice for %s", p.v[i].id, user);
			fs_strv_add(&ids, p.v[i].id);
		}
		assert_true(p.n <= (size_t)limit);
		int more = p.has_next;
		free(cursor);
		free(edge);
		cursor = p.cursor ? strdup(p.cursor) : NULL;
		edge = p.n ? strdup(p.v[p.n - 1].id) : NULL;
		fs_docs_page_free(&p);
		if (!more)
			break;
		q.dir = FS_PAGE_NEXT;
		q.cursor = cursor;
		q.from = edge;
	}
	free(cursor);
	free(edge);
	qsort(ids.v, ids.n, sizeof *ids.v, by_str);
	return ids;
}

/* What the rule says, document by document (design documents apart: the
 * list of what a user receives shows data only). */
static fs_strv expected(const char *db, const char *user, const fs_strv *groups)
{
	fs_strv ids = { 0 };
	fs_couch_view_opts o;
	cJSON *res = NULL, *row;
	fs_couch_view_opts_init(&o);
	o.include_docs = 1;
	check(fs_couch_all_docs(c, db, &o, &res, &e), "all docs");
	cJSON_ArrayForEach(row, fs_json_arr(res, "rows")) {
		const char *id = fs_json_str(row, "id");
		if (strncmp(id, "_design/", 8) &&
		    fs_acl_visible(fs_json_obj(row, "doc"), user, (const char *const *)groups->v, groups->n))
			fs_strv_add(&ids, id);
	}
	cJSON_Delete(res);
	qsort(ids.v, ids.n, sizeof *ids.v, by_str);
	return ids;
}

static void assert_same(const fs_strv *got, const fs_strv *want, const char *who)
{
	for (size_t i = 0; i < got->n || i < want->n; i++)
		if (i >= got->n || i >= want->n || strcmp(got->v[i], want->v[i]))
			fail_msg("%s: listed %s where the rule says %s", who,
				 i < got->n ? got->v[i] : "(nothing)", i < want->n ? want->v[i] : "(nothing)");
}

static fs_strv groups_of(const char *a, const char *b)
{
	fs_strv g = { 0 };
	if (a)
		fs_strv_add(&g, a);
	if (b)
		fs_strv_add(&g, b);
	return g;
}

/* Lists as user and checks against the rule, with _find and by scanning. */
static void same_as_rule(const char *db, const char *user, const fs_strv *g, int *index_used)
{
	int pages;
	fs_strv want = expected(db, user, g);
	fs_strv got = list_as(db, user, g, 7, 0, &pages, index_used);
	assert_same(&got, &want, user);
	fs_strv_free(&got);
	got = list_as(db, user, g, 50, 1, &pages, NULL);
	assert_same(&got, &want, user);
	fs_strv_free(&got);
	fs_strv_free(&want);
}

static const char *const cases =
	"[{\"_id\":\"anon\"},"
	"{\"_id\":\"amy1\",\"~c8oAcl\":\"amy\"},"
	"{\"_id\":\"amy2\",\"~c8oAcl\":\"amy\",\"c8oGrp\":\"it\"},"
	"{\"_id\":\"amy3\",\"~c8oAcl\":\"amy\",\"c8oGrp\":{\"sales\":true}},"   /* owned and of a group: once */
	"{\"_id\":\"bob1\",\"~c8oAcl\":\"bob\"},"
	"{\"_id\":\"nullacl\",\"~c8oAcl\":null},"
	"{\"_id\":\"sales1\",\"~c8oAcl\":\"bob\",\"c8oGrp\":\"sales\"},"
	"{\"_id\":\"it1\",\"c8oGrp\":{\"it\":true}},"
	"{\"_id\":\"hr1\",\"c8oGrp\":{\"hr\":\"true\",\"it\":false}},"
	"{\"_id\":\"off1\",\"c8oGrp\":{\"hr\":false,\"sales\":\"no\"}},"
	"{\"_id\":\"arr1\",\"c8oGrp\":[\"sales\"]},"
	"{\"_id\":\"dot1\",\"c8oGrp\":{\"a.b\":true}},"
	"{\"_id\":\"dot2\",\"c8oGrp\":{\"a\":{\"b\":true}}},"
	"{\"_id\":\"gone\",\"~c8oAcl\":\"amy\",\"_deleted\":true},"
	"{\"_id\":\"_design/app\",\"views\":{}}]";

static void rule_cases(void **state)
{
	if (!srv)
		skip();
	check(fs_couch_db_create(c, "acl", NULL, &e), "create");
	bulk("acl", cJSON_Parse(cases));
	int used = -1;
	fs_strv none = { 0 }, sales_hr = groups_of("sales", "hr"), it = groups_of("it", NULL),
		dots = groups_of("a.b", NULL);
	same_as_rule("acl", "amy", &sales_hr, &used);
	assert_int_equal(used, 0);   /* no index yet */
	same_as_rule("acl", "bob", &it, NULL);
	same_as_rule("acl", "carl", &none, NULL);
	same_as_rule("acl", "dan", &dots, NULL);
	/* a few spot checks of the rule itself */
	int pages;
	fs_strv got = list_as("acl", "amy", &sales_hr, 100, 0, &pages, NULL);
	assert_true(fs_strv_has(&got, "amy1") && fs_strv_has(&got, "amy2") && fs_strv_has(&got, "anon"));
	assert_true(fs_strv_has(&got, "sales1") && fs_strv_has(&got, "hr1"));
	assert_false(fs_strv_has(&got, "gone") || fs_strv_has(&got, "bob1") || fs_strv_has(&got, "off1"));
	assert_false(fs_strv_has(&got, "_design/app") || fs_strv_has(&got, "nullacl"));
	fs_strv_free(&got);
	got = list_as("acl", "dan", &dots, 100, 0, &pages, NULL);
	assert_true(fs_strv_has(&got, "dot1"));
	assert_false(fs_strv_has(&got, "dot2"));   /* a.b is one member name, not a path */
	fs_strv_free(&got);

	/* with the index: the same documents, the owner's through it */
	char *name = NULL;
	check(fs_acl_index_find(c, "acl", &name, &e), "index find");
	assert_null(name);
	check(fs_acl_index_create(c, "acl", &e), "index create");
	check(fs_acl_index_find(c, "acl", &name, &e), "index find");
	assert_string_equal(name, FS_ACL_INDEX_NAME);
	free(name);
	same_as_rule("acl", "amy", &sales_hr, &used);
	assert_int_equal(used, 1);
	same_as_rule("acl", "bob", &it, NULL);
	fs_strv_free(&sales_hr);
	fs_strv_free(&it);
	fs_strv_free(&dots);
}

/* 250 owned + 60 anonymous + 40 of a group among 400 of others: pages of
 * 100 follow each other by cursor to exactly the 350 expected ids. */
static void paging_by_cursor(void **state)
{
	if (!srv)
		skip();
	check(fs_couch_db_create(c, "many", NULL, &e), "create");
	cJSON *docs = cJSON_CreateArray();
	for (int i = 0; i < 750; i++) {
		char id[32];
		cJSON *d = cJSON_CreateObject();
		snprintf(id, sizeof id, "d%04d", (i * 7919) % 750);   /* owners interleaved by id */
		cJSON_AddStringToObject(d, "_id", id);
		if (i < 250)
			cJSON_AddStringToObject(d, FS_ACL_KEY, "amy");
		else if (i < 290)
			cJSON_AddStringToObject(d, FS_GRP_KEY, "team");
		else if (i < 350)
			;
		else
			cJSON_AddStringToObject(d, FS_ACL_KEY, "other");
		cJSON_AddItemToArray(docs, d);
	}
	bulk("many", docs);
	fs_strv g = groups_of("team", NULL);
	fs_strv want = expected("many", "amy", &g);
	assert_int_equal(want.n, 350);
	int pages;
	fs_strv got = list_as("many", "amy", &g, 100, 0, &pages, NULL);
	assert_same(&got, &want, "amy, pages of 100");
	assert_true(pages == 4 || pages == 5);
	fs_strv_free(&got);
	/* a cursor that is not one is refused with a sentence */
	fs_docs_query q = { .limit = 100, .as_user = "amy", .as_groups = &g, .dir = FS_PAGE_NEXT,
			    .cursor = "9:x:whatever" };
	fs_docs_page p;
	assert_int_equal(fs_browse_docs(c, "many", &q, &p, &e), FS_E_INVALID);
	assert_non_null(strstr(e.msg, "cursor"));
	q.dir = FS_PAGE_PREV;
	assert_int_equal(fs_browse_docs(c, "many", &q, &p, &e), FS_E_INVALID);
	fs_strv_free(&g);
	fs_strv_free(&want);
}

/* Names made to break out of a selector pasted as text, or to be read as
 * operators: each user sees its own documents and the anonymous one only. */
static void hostile_names(void **state)
{
	static const char *const users[] = {
		"\"}, \"$or\": [{\"_id\": {\"$gt\": null}}], \"x\": {\"", "$gt", "{\"$ne\":null}",
		"a\\\"b", "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", "a.b", "",
	};
	size_t n = sizeof users / sizeof *users;
	if (!srv)
		skip();
	check(fs_couch_db_create(c, "hostile", NULL, &e), "create");
	cJSON *docs = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		char id[16];
		cJSON *d = cJSON_CreateObject();
		snprintf(id, sizeof id, "u%zu", i);
		cJSON_AddStringToObject(d, "_id", id);
		cJSON_AddStringToObject(d, FS_ACL_KEY, users[i]);
		cJSON_AddItemToArray(docs, d);
	}
	cJSON_AddItemToArray(docs, cJSON_Parse("{\"_id\":\"anon\"}"));
	cJSON_AddItemToArray(docs, cJSON_Parse("{\"_id\":\"g1\",\"c8oGrp\":{\"$or\":true}}"));
	cJSON_AddItemToArray(docs, cJSON_Parse("{\"_id\":\"g2\",\"c8oGrp\":{\"x\\\\y\":true}}"));
	cJSON_AddItemToArray(docs, cJSON_Parse("{\"_id\":\"g3\",\"c8oGrp\":\"x\\\\y\"}"));
	cJSON_AddItemToArray(docs, cJSON_Parse("{\"_id\":\"g4\",\"c8oGrp\":{\"xy\":true}}"));
	bulk("hostile", docs);
	fs_strv none = { 0 };
	for (size_t i = 0; i < n; i++) {
		int pages;
		char own[16];
		fs_strv got = list_as("hostile", users[i], &none, 100, 0, &pages, NULL);
		snprintf(own, sizeof own, "u%zu", i);
		if (got.n != 2 || !fs_strv_has(&got, own) || !fs_strv_has(&got, "anon"))
			fail_msg("user #%zu sees %zu documents, not its own and the anonymous one", i, got.n);
		fs_strv_free(&got);
		/* the name travels as one JSON string value of $eq */
		cJSON *s = fs_acl_selector(users[i], &none, 1);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(s, FS_ACL_KEY), "$eq")->valuestring, users[i]);
		cJSON_Delete(s);
	}
	/* hostile group names: "$or" is a member name; a backslash cannot be a
	 * Mango path (the string form still matches) and never widens to "xy" */
	fs_strv g = groups_of("$or", "x\\y");
	int pages;
	fs_strv got = list_as("hostile", "nobody", &g, 100, 0, &pages, NULL);
	assert_true(fs_strv_has(&got, "g1") && fs_strv_has(&got, "g3") && fs_strv_has(&got, "anon"));
	assert_false(fs_strv_has(&got, "g4"));
	assert_int_equal(got.n, 3);
	fs_strv_free(&got);
	fs_strv_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_cases),
		cmocka_unit_test(paging_by_cursor),
		cmocka_unit_test(hostile_names),
	};
	fs_test_group_bind(&srv, &c, &e);
	return cmocka_run_group_tests(tests, fs_test_group_setup, fs_test_group_teardown);
}
