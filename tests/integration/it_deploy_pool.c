/* Deploy on a pool of connections (databases planned and written in
 * parallel) against real pouchdb-servers: the same server state and the
 * same report as one database after another (pool of one), a drift in one
 * database is refused and a copy changed after planning is not written
 * over while the others deploy, and a server that dies mid-deploy gives a
 * clear error and no document reported written that was not. Also run
 * under ThreadSanitizer (TSAN_TESTS). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/couch.h"
#include "couch/http.h"
#include "deploy/deploy.h"
#include "base/json.h"
#include "model/project.h"
#include "testlib.h"

#define NDBS 6
#define NDDOCS 3

static fs_err e;

#define ok(rc, what) fs_test_ok(rc, &e, what)

static fs_couch *connect_url(const char *url)
{
	fs_couch *c = fs_test_connect(url, &e);
	assert_non_null(c);
	return c;
}

static cJSON *make_ddoc(int db, int dd, int version)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *views = cJSON_AddObjectToObject(d, "views");
	char *map = fs_xasprintf("function (doc) {\n\tif (doc.type === \"t%d_%d\")\n"
		"\t\temit(doc.key, %d);\n}", db, dd, version);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(views, "by_key"), "map", map);
	free(map);
	return d;
}

/* The sample plus NDBS connectors (pool00...) of NDDOCS design documents. */
static fs_project *make_project(void)
{
	fs_project *p;
	char *src = fs_xasprintf("%s/projects/sample", fs_test_srcdir());
	ok(fs_project_open(&p, src, &e), "open the sample");
	free(src);
	for (int db = 0; db < NDBS; db++) {
		char name[16];
		snprintf(name, sizeof name, "pool%02d", db);
		fs_obj *conn;
		ok(fs_obj_new(fs_project_root(p), FS_K_CONNECTOR, name, NULL, &conn, &e), "connector");
		for (int dd = 0; dd < NDDOCS; dd++) {
			char ddname[16];
			snprintf(ddname, sizeof ddname, "dd%d", dd);
			fs_obj *o;
			ok(fs_obj_new(conn, FS_K_DDOC, ddname, NULL, &o, &e), "design document");
			cJSON *doc = make_ddoc(db, dd, 1);
			ok(fs_ddoc_set_json(o, doc, &e), "set");
			cJSON_Delete(doc);
		}
	}
	return p;
}

/* Design document NAME of connector CONN set to version v in the project. */
static void edit_project(fs_project *p, const char *conn, int db, int dd, int v)
{
	fs_obj *root = fs_project_root(p);
	for (size_t i = 0; i < root->nkids; i++) {
		fs_obj *c = root->kids[i];
		if (strcmp(c->name, conn))
			continue;
		char name[16];
		snprintf(name, sizeof name, "dd%d", dd);
		for (size_t k = 0; k < c->nkids; k++) {
			if (c->kids[k]->kind != FS_K_DDOC || strcmp(c->kids[k]->name, name))
				continue;
			cJSON *doc = make_ddoc(db, dd, v);
			ok(fs_ddoc_set_json(c->kids[k], doc, &e), "edit");
			cJSON_Delete(doc);
			return;
		}
	}
	fail_msg("no connector %s", conn);
}

static fs_deploy_plan *deploy(fs_project *p, fs_couch *c, int conns, int expect_rc)
{
	fs_deploy_opts o = { .commit = "0123456789abcdef0123456789abcdef01234567", .connections = conns };
	fs_deploy_plan *plan = NULL;
	ok(fs_deploy_plan_make(p, c, &o, &plan, &e), "plan");
	fs_err re;
	assert_int_equal(fs_deploy_run(plan, c, &re), expect_rc);
	return plan;
}

/* The report without its first line (the server's URL) and without
 * revisions (each server makes its own). */
static char *report(const fs_deploy_plan *plan)
{
	fs_buf b = FS_BUF_INIT;
	fs_deploy_format(plan, 1, &b);
	char *s = fs_buf_steal(&b), *w = s;
	for (const char *r = strchr(s, '\n') + 1; *r; r++) {
		if (r[0] == ' ' && r[1] == '(' && r[2] >= '0' && r[2] <= '9' && strchr(r, ')')) {
			r = strchr(r, ')');
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* The design documents of every database, without revisions and the
 * deploy time of the marker, as one JSON text. */
static char *server_state(fs_couch *c, const fs_deploy_plan *plan)
{
	cJSON *all = cJSON_CreateObject();
	for (size_t i = 0; i < plan->ndbs; i++) {
		cJSON *ans = NULL;
		ok(fs_couch_design_docs(c, plan->dbs[i].name, 1, &ans, &e), "read back");
		cJSON *docs = cJSON_AddArrayToObject(all, plan->dbs[i].name);
		for (cJSON *r = fs_json_arr(ans, "rows")->child; r; r = r->next) {
			cJSON *d = cJSON_DetachItemFromObjectCaseSensitive(r, "doc");
			cJSON_DeleteItemFromObjectCaseSensitive(d, "_rev");
			cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItem(d, FS_DEPLOY_MARKER), "at");
			cJSON_AddItemToArray(docs, d);
		}
		cJSON_Delete(ans);
	}
	char *s = fs_json_compact(all);
	cJSON_Delete(all);
	return s;
}

static void same(fs_deploy_plan *a, fs_deploy_plan *b, fs_couch *ca, fs_couch *cb)
{
	char *ra = report(a), *rb = report(b), *sa = server_state(ca, a), *sb = server_state(cb, b);
	assert_string_equal(ra, rb);
	assert_string_equal(sa, sb);
	free(ra);
	free(rb);
	free(sa);
	free(sb);
}

/* Two servers: one deployed one database after another, the other on a
 * pool of four; cold, then after edits on both sides. */
static void pool_same_as_one_by_one(void **state)
{
	fs_test_couch *s1 = fs_test_couch_start(), *s2 = s1 ? fs_test_couch_start() : NULL;
	if (!s2) {
		if (s1)
			fs_test_couch_stop(s1);
		skip();
	}
	fs_couch *c1 = connect_url(s1->url), *c2 = connect_url(s2->url);
	fs_project *p = make_project();
	fs_deploy_plan *a = deploy(p, c1, 1, 0), *b = deploy(p, c2, 4, 0);
	assert_int_equal(b->count[FS_DA_CREATE], a->count[FS_DA_CREATE]);
	assert_true(a->count[FS_DA_CREATE] >= NDBS * NDDOCS);
	same(a, b, c1, c2);
	fs_deploy_plan_free(a);
	fs_deploy_plan_free(b);

	/* edits in three databases, a database gone, a foreign document */
	edit_project(p, "pool01", 1, 0, 2);
	edit_project(p, "pool03", 3, 2, 2);
	edit_project(p, "pool05", 5, 1, 2);
	fs_couch *cs[2] = { c1, c2 };
	for (int i = 0; i < 2; i++) {
		ok(fs_couch_db_delete(cs[i], "pool04", &e), "delete a database");
		cJSON *foreign = make_ddoc(9, 9, 9);
		cJSON_AddStringToObject(foreign, "_id", "_design/theirs");
		char *rev = NULL;
		ok(fs_couch_doc_put(cs[i], "pool02", foreign, &rev, &e), "foreign");
		free(rev);
		cJSON_Delete(foreign);
	}
	fs_http_reset_stats(fs_couch_http(c2));
	a = deploy(p, c1, 1, 0);
	b = deploy(p, c2, 4, 0);
	assert_int_equal(b->count[FS_DA_UPDATE], 3);
	assert_int_equal(b->count[FS_DA_CREATE], NDDOCS);
	assert_int_equal(b->count[FS_DA_SERVER], 1);
	same(a, b, c1, c2);
	/* the pool's requests are counted on the caller's client: a read per
	 * database, then writes only where something changed (4 databases:
	 * one created, three with an update) */
	fs_http_stats st = fs_http_get_stats(fs_couch_http(c2));
	assert_true(st.writes >= 4 && st.writes <= 6);
	fs_deploy_plan_free(a);
	fs_deploy_plan_free(b);

	/* unchanged: nothing written, on the pool too */
	fs_http_reset_stats(fs_couch_http(c2));
	b = deploy(p, c2, 4, 0);
	assert_int_equal(fs_http_get_stats(fs_couch_http(c2)).writes, 0);
	assert_true(fs_http_get_stats(fs_couch_http(c2)).requests >= (long)b->ndbs);
	fs_deploy_plan_free(b);
	fs_project_free(p);
	fs_couch_free(c1);
	fs_couch_free(c2);
	fs_test_couch_stop(s1);
	fs_test_couch_stop(s2);
}

static cJSON *server_doc(fs_couch *c, const char *db, const char *id)
{
	cJSON *d = NULL;
	ok(fs_couch_doc_get(c, db, id, NULL, &d, &e), id);
	return d;
}

/* A server copy with its map changed by someone else, keeping the marker. */
static void edit_server(fs_couch *c, const char *db, const char *id, const char *map)
{
	cJSON *d = server_doc(c, db, id);
	cJSON *view = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "views"), "by_key");
	cJSON_ReplaceItemInObjectCaseSensitive(view, "map", cJSON_CreateString(map));
	char *rev = NULL;
	ok(fs_couch_doc_put(c, db, d, &rev, &e), "edit on the server");
	free(rev);
	cJSON_Delete(d);
}

static const char *server_map(fs_couch *c, const char *db, const char *id, cJSON **hold)
{
	*hold = server_doc(c, db, id);
	return fs_json_str(fs_json_path(*hold, "views.by_key"), "map");
}

static fs_deploy_doc *find(fs_deploy_plan *p, const char *db, const char *id)
{
	for (size_t i = 0; i < p->ndbs; i++)
		for (size_t k = 0; !strcmp(p->dbs[i].name, db) && k < p->dbs[i].ndocs; k++)
			if (!strcmp(p->dbs[i].docs[k].id, id))
				return &p->dbs[i].docs[k];
	fail_msg("%s/%s not in the plan", db, id);
	return NULL;
}

/* Drift found by the plan is refused; a server copy changed between the
 * plan and the run is not written over (the server refuses the stale
 * revision) while the other databases deploy. */
static void drift_in_one_database(void **state)
{
	fs_test_couch *s = fs_test_couch_start();
	if (!s)
		skip();
	fs_couch *c = connect_url(s->url);
	fs_project *p = make_project();
	fs_deploy_plan_free(deploy(p, c, 4, 0));
	for (int db = 0; db < NDBS; db++) {
		char name[16];
		snprintf(name, sizeof name, "pool%02d", db);
		edit_project(p, name, db, 0, 2);
	}
	edit_server(c, "pool02", "_design/dd0", "function (doc) { emit('theirs', 1); }");

	fs_deploy_opts o = { .connections = 4 };
	fs_deploy_plan *plan = NULL;
	ok(fs_deploy_plan_make(p, c, &o, &plan, &e), "plan");
	assert_int_equal(find(plan, "pool02", "_design/dd0")->action, FS_DA_REFUSED);
	assert_int_equal(find(plan, "pool02", "_design/dd0")->refusal, FS_DR_DRIFT);
	assert_int_equal(find(plan, "pool04", "_design/dd0")->action, FS_DA_UPDATE);
	/* after the plan, someone edits another database's copy */
	edit_server(c, "pool04", "_design/dd0", "function (doc) { emit('later', 1); }");
	fs_err re;
	int rc = fs_deploy_run(plan, c, &re);
	assert_int_equal(rc, FS_E_CONFLICT);
	assert_non_null(strstr(re.msg, "pool04"));
	fs_deploy_doc *late = find(plan, "pool04", "_design/dd0");
	assert_int_equal(late->code, FS_E_CONFLICT);
	assert_false(late->done);
	assert_int_equal(plan->failed, 1);
	for (int db = 0; db < NDBS; db++) {
		char name[16];
		snprintf(name, sizeof name, "pool%02d", db);
		fs_deploy_doc *d = find(plan, name, "_design/dd0");
		assert_true(db == 2 || db == 4 ? !d->done : d->done && d->rev);
	}
	cJSON *h;
	assert_string_equal(server_map(c, "pool02", "_design/dd0", &h), "function (doc) { emit('theirs', 1); }");
	cJSON_Delete(h);
	assert_string_equal(server_map(c, "pool04", "_design/dd0", &h), "function (doc) { emit('later', 1); }");
	cJSON_Delete(h);
	assert_non_null(strstr(server_map(c, "pool05", "_design/dd0", &h), "emit(doc.key, 2)"));
	cJSON_Delete(h);
	fs_buf out = FS_BUF_INIT;
	fs_deploy_format(plan, 0, &out);
	assert_non_null(strstr(out.data, "REFUSED    _design/dd0: changed on the server since fsstudio deployed it"));
	assert_non_null(strstr(out.data, "FAILED     _design/dd0"));
	fs_buf_free(&out);
	fs_deploy_plan_free(plan);
	fs_project_free(p);
	fs_couch_free(c);
	fs_test_couch_stop(s);
}

typedef struct killer {
	fs_test_couch *srv;
} killer;

/* Stops the server at the first event of the run: the listener is called
 * by one thread at a time, so no database has sent a request yet. */
static int kill_at_first(void *arg, const fs_deploy_event *ev)
{
	killer *k = arg;
	if (k->srv && ev->type == FS_DE_DB) {
		fs_test_couch_stop(k->srv);
		k->srv = NULL;
	}
	return 0;
}

static void server_dies(void **state)
{
	fs_test_couch *s = fs_test_couch_start();
	if (!s)
		skip();
	fs_couch *c = connect_url(s->url);
	fs_project *p = make_project();
	killer k = { s };
	fs_deploy_opts o = { .connections = 4, .progress = kill_at_first, .progress_arg = &k };
	fs_deploy_plan *plan = NULL;
	ok(fs_deploy_plan_make(p, c, &o, &plan, &e), "plan");
	fs_err re;
	int rc = fs_deploy_run(plan, c, &re);
	assert_null(k.srv);
	assert_true(rc == FS_E_HTTP || rc == FS_E_TIMEOUT);
	assert_non_null(strstr(re.msg, "127.0.0.1"));
	assert_non_null(strstr(re.msg, "run it again"));
	size_t failed = 0, pending = 0;
	for (size_t i = 0; i < plan->ndbs; i++)
		for (size_t d = 0; d < plan->dbs[i].ndocs; d++) {
			fs_deploy_doc *doc = &plan->dbs[i].docs[d];
			assert_false(doc->done); /* nothing was written: nothing says so */
			assert_null(doc->rev);
			failed += doc->code != 0;
			pending += !doc->code;
		}
	assert_true(failed > 0);
	assert_true(pending > 0); /* databases never started stay "not done" */
	fs_buf out = FS_BUF_INIT;
	fs_deploy_format(plan, 0, &out);
	assert_null(strstr(out.data, "created "));
	assert_non_null(strstr(out.data, "FAILED"));
	assert_non_null(strstr(out.data, "not done"));
	fs_buf_free(&out);
	fs_deploy_plan_free(plan);
	fs_project_free(p);
	fs_couch_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pool_same_as_one_by_one),
		cmocka_unit_test(drift_in_one_database),
		cmocka_unit_test(server_dies),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fs_test_cleanup();
	return rc;
}
