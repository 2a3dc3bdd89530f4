/* The CouchDB API against a real pouchdb-server: hostile database names and
 * document ids, bulk results matched by id, conflicts and revisions, view
 * queries, changes (longpoll with our own deadline), security, revs_limit,
 * connection reuse; authentication on a throwaway instance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "base/fsutil.h"
#include "couch/couch.h"
#include "base/job.h"
#include "couch/http.h"
#include "base/json.h"
#include "couch/servers.h"
#include "testlib.h"

static fs_test_couch *srv;
static fs_couch *c;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static cJSON *J(const char *text)
{
	cJSON *v = cJSON_Parse(text);
	if (!v)
		fail_msg("bad test JSON: %s", text);
	return v;
}

static fs_err e;

#define check(rc, what) fs_test_ok(rc, &e, what)

static char *put(const char *db, const char *json)
{
	cJSON *d = J(json);
	char *rev = NULL;
	check(fs_couch_doc_put(c, db, d, &rev, &e), json);
	cJSON_Delete(d);
	return rev;
}

static void server_info(void **state)
{
	if (!srv)
		skip();
	cJSON *info;
	check(fs_couch_server_info(c, &info, &e), "info");
	char *v = fs_couch_version_string(info);
	assert_string_equal(v, "PouchDB Server 4.2.0");
	free(v);
	cJSON_Delete(info);
	cJSON *tasks;
	check(fs_couch_active_tasks(c, &tasks, &e), "active tasks");
	assert_true(cJSON_IsArray(tasks));
	cJSON_Delete(tasks);
}

static int in_list(const cJSON *arr, const char *s)
{
	for (const cJSON *x = arr ? arr->child : NULL; x; x = x->next)
		if (cJSON_IsString(x) && !strcmp(x->valuestring, s))
			return 1;
	return 0;
}

static void hostile_database_names(void **state)
{
	if (!srv)
		skip();
	const char *names[] = { "fs+test$x(1)", "a_b-c", "with/slash+$()" };
	for (int i = 0; i < 3; i++) {
		int created = -1;
		check(fs_couch_db_create(c, names[i], &created, &e), names[i]);
		assert_int_equal(created, 1);
		check(fs_couch_db_create(c, names[i], &created, &e), names[i]); /* 412 is fine */
		assert_int_equal(created, 0);
		char *rev = put(names[i], "{\"_id\":\"d\",\"v\":1}");
		cJSON *info, *doc;
		check(fs_couch_db_info(c, names[i], &info, &e), "db info");
		assert_int_equal(fs_json_int(info, "doc_count", -1), 1);
		check(fs_couch_doc_get(c, names[i], "d", NULL, &doc, &e), "get");
		assert_string_equal(fs_json_str(doc, "_rev"), rev);
		cJSON_Delete(info);
		cJSON_Delete(doc);
		free(rev);
	}
	cJSON *dbs;
	check(fs_couch_all_dbs(c, &dbs, &e), "all_dbs");
	assert_true(in_list(dbs, "fs+test$x(1)"));
	/* (pouchdb-server drops the '/' of a name in its listing: not checked) */
	cJSON_Delete(dbs);
	check(fs_couch_db_delete(c, "a_b-c", &e), "delete");
	cJSON *info;
	assert_int_equal(fs_couch_db_info(c, "a_b-c", &info, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "database 'a_b-c' does not exist on http://127.0.0.1:"));
}

static void hostile_document_ids(void **state)
{
	if (!srv)
		skip();
	const char *db = "ids";
	check(fs_couch_db_create(c, db, NULL, &e), "create");
	const char *ids[] = { "caf\xc3\xa9 \xe2\x98\x83", "a b", "what?", "#hash", "100%", "a/b",
		"plus+and&eq=", "_design/my app", "_local/x y", "\"quoted\"" };
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "_id", ids[i]);
		cJSON_AddNumberToObject(d, "n", (double)i);
		char *rev;
		check(fs_couch_doc_put(c, db, d, &rev, &e), ids[i]);
		cJSON *back;
		check(fs_couch_doc_get(c, db, ids[i], NULL, &back, &e), ids[i]);
		assert_string_equal(fs_json_str(back, "_id"), ids[i]);
		assert_int_equal(fs_json_int(back, "n", -1), (long long)i);
		/* again without a _rev: the id is taken, said plainly */
		assert_int_equal(fs_couch_doc_put(c, db, d, NULL, &e), FS_E_CONFLICT);
		assert_non_null(strstr(e.msg, "already exists"));
		assert_non_null(strstr(e.msg, ids[i]));
		/* a stale revision is someone else's change */
		cJSON_AddStringToObject(d, "_rev", "1-00000000000000000000000000000000");
		assert_int_equal(fs_couch_doc_put(c, db, d, NULL, &e), FS_E_CONFLICT);
		assert_non_null(strstr(e.msg, "was changed by someone else"));
		assert_non_null(strstr(e.msg, ids[i]));
		cJSON_Delete(back);
		cJSON_Delete(d);
		free(rev);
	}
	/* _all_docs lists them by their real ids (local docs excepted) */
	cJSON *all;
	check(fs_couch_all_docs(c, db, NULL, &all, &e), "all_docs");
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(all, "rows")), 9);
	int seen = 0;
	for (cJSON *r = fs_json_arr(all, "rows")->child; r; r = r->next)
		seen += !strcmp(fs_json_str(r, "id"), "caf\xc3\xa9 \xe2\x98\x83") || !strcmp(fs_json_str(r, "id"), "100%");
	assert_int_equal(seen, 2);
	cJSON_Delete(all);
	/* delete, then the sentence says it is gone */
	cJSON *doc;
	check(fs_couch_doc_get(c, db, "what?", NULL, &doc, &e), "get");
	char *rev;
	check(fs_couch_doc_delete(c, db, "what?", fs_json_str(doc, "_rev"), &rev, &e), "delete");
	assert_non_null(rev);
	assert_true(rev[0] == '2');
	cJSON *gone;
	assert_int_equal(fs_couch_doc_get(c, db, "what?", NULL, &gone, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "document 'what?' in database 'ids' not found"));
	cJSON_Delete(doc);
	free(rev);
	/* copy keeps the body */
	check(fs_couch_doc_copy(c, db, "a b", "copy of a b", NULL, &e), "copy");
	cJSON *cp;
	check(fs_couch_doc_get(c, db, "copy of a b", NULL, &cp, &e), "get copy");
	assert_int_equal(fs_json_int(cp, "n", -1), 1);
	cJSON_Delete(cp);
}

static void bulk_results_by_id(void **state)
{
	if (!srv)
		skip();
	const char *db = "bulk";
	check(fs_couch_db_create(c, db, NULL, &e), "create");
	free(put(db, "{\"_id\":\"k7\",\"v\":0}"));
	free(put(db, "{\"_id\":\"k3\",\"v\":0}"));
	cJSON *docs = cJSON_CreateArray();
	for (int i = 0; i < 40; i++) {
		char id[16];
		snprintf(id, sizeof id, "k%d", (i * 7) % 40); /* not in sorted order */
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "_id", id);
		cJSON_AddNumberToObject(d, "v", i);
		cJSON_AddItemToArray(docs, d);
	}
	cJSON_AddItemToArray(docs, J("{\"v\":\"no id\"}"));
	fs_couch_bulk b;
	check(fs_couch_bulk_docs(c, db, docs, 1, &b, &e), "bulk");
	assert_int_equal(b.n, 41);
	assert_int_equal(b.failed, 2); /* k7 and k3 exist: conflicts */
	size_t i = 0;
	for (cJSON *d = docs->child; d; d = d->next, i++) {
		const char *id = fs_json_str(d, "_id");
		if (!id) {
			assert_int_equal(b.r[i].code, 0);
			assert_true(strlen(b.r[i].id) > 0); /* the server made one */
			continue;
		}
		assert_string_equal(b.r[i].id, id);
		if (!strcmp(id, "k7") || !strcmp(id, "k3")) {
			assert_int_equal(b.r[i].code, FS_E_CONFLICT);
			assert_non_null(strstr(b.r[i].msg, id));
			assert_null(b.r[i].rev);
		} else {
			assert_int_equal(b.r[i].code, 0);
			assert_true(b.r[i].rev && b.r[i].rev[0] == '1');
		}
	}
	fs_couch_bulk_free(&b);
	cJSON_Delete(docs);
}

static void revisions_and_conflicts(void **state)
{
	if (!srv)
		skip();
	const char *db = "revs";
	check(fs_couch_db_create(c, db, NULL, &e), "create");
	/* two branches made replication-style */
	cJSON *docs = J("[{\"_id\":\"x\",\"_rev\":\"1-aaa\",\"v\":1},{\"_id\":\"x\",\"_rev\":\"1-bbb\",\"v\":2}]");
	fs_couch_bulk b;
	check(fs_couch_bulk_docs(c, db, docs, 0, &b, &e), "new_edits=false");
	assert_int_equal(b.failed, 0);
	fs_couch_bulk_free(&b);
	cJSON_Delete(docs);
	fs_couch_get_opts o = { .conflicts = 1, .revs_info = 1 };
	cJSON *doc;
	check(fs_couch_doc_get(c, db, "x", &o, &doc, &e), "get conflicts");
	assert_string_equal(fs_json_str(doc, "_rev"), "1-bbb"); /* the winner */
	cJSON *conf = fs_json_arr(doc, "_conflicts");
	assert_int_equal(cJSON_GetArraySize(conf), 1);
	assert_string_equal(cJSON_GetArrayItem(conf, 0)->valuestring, "1-aaa");
	assert_non_null(fs_json_arr(doc, "_revs_info"));
	cJSON_Delete(doc);
	fs_couch_get_opts all = { .open_revs_all = 1 };
	check(fs_couch_doc_get(c, db, "x", &all, &doc, &e), "open_revs");
	assert_true(cJSON_IsArray(doc));
	assert_int_equal(cJSON_GetArraySize(doc), 2);
	cJSON_Delete(doc);
	/* attachments come as stubs with type and length */
	free(put(db, "{\"_id\":\"att\",\"_attachments\":{\"a b.txt\":{\"content_type\":\"text/plain\","
		"\"data\":\"aGVsbG8=\"}}}"));
	check(fs_couch_doc_get(c, db, "att", NULL, &doc, &e), "attachments");
	cJSON *a = fs_json_obj(fs_json_obj(doc, "_attachments"), "a b.txt");
	assert_non_null(a);
	assert_true(fs_json_bool(a, "stub", 0));
	assert_string_equal(fs_json_str(a, "content_type"), "text/plain");
	assert_int_equal(fs_json_int(a, "length", -1), 5);
	cJSON_Delete(doc);
	fs_couch_get_opts one = { .rev = "1-aaa" };
	check(fs_couch_doc_get(c, db, "x", &one, &doc, &e), "rev");
	assert_int_equal(fs_json_int(doc, "v", 0), 1);
	cJSON_Delete(doc);
}

static void view_queries(void **state)
{
	if (!srv)
		skip();
	const char *db = "views";
	check(fs_couch_db_create(c, db, NULL, &e), "create");
	cJSON *docs = cJSON_CreateArray();
	for (int i = 0; i < 30; i++) {
		char t[200];
		snprintf(t, sizeof t, "{\"_id\":\"d%02d\",\"type\":\"%s\",\"n\":%d}", i, i % 3 ? "b" : "a", i);
		cJSON_AddItemToArray(docs, J(t));
	}
	cJSON_AddItemToArray(docs, J("{\"_id\":\"_design/app\",\"views\":{\"by_type\":{"
		"\"map\":\"function(doc) { if (doc.type) emit([doc.type, doc.n], 1); }\",\"reduce\":\"_count\"}}}"));
	fs_couch_bulk b;
	check(fs_couch_bulk_docs(c, db, docs, 1, &b, &e), "bulk");
	assert_int_equal(b.failed, 0);
	fs_couch_bulk_free(&b);
	cJSON_Delete(docs);

	fs_couch_view_opts o;
	cJSON *out;
	/* reduce grouped by type */
	fs_couch_view_opts_init(&o);
	o.group_level = 1;
	check(fs_couch_view(c, db, "app", "by_type", &o, &out, &e), "group_level");
	cJSON *rows = fs_json_arr(out, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	assert_int_equal(fs_json_int(cJSON_GetArrayItem(rows, 0), "value", 0), 10);
	assert_int_equal(fs_json_int(cJSON_GetArrayItem(rows, 1), "value", 0), 20);
	cJSON_Delete(out);
	/* range, no reduce, docs, descending, limit */
	fs_couch_view_opts_init(&o);
	cJSON *sk = J("[\"b\",{}]"), *ek = J("[\"b\"]");
	o.startkey = sk;
	o.endkey = ek;
	o.descending = 1;
	o.reduce = 0;
	o.include_docs = 1;
	o.limit = 4;
	check(fs_couch_view(c, db, "_design/app", "by_type", &o, &out, &e), "range");
	rows = fs_json_arr(out, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 4);
	assert_string_equal(fs_json_str(cJSON_GetArrayItem(rows, 0), "id"), "d29");
	assert_int_equal(fs_json_int(fs_json_obj(cJSON_GetArrayItem(rows, 0), "doc"), "n", -1), 29);
	cJSON_Delete(out);
	/* keys by POST */
	fs_couch_view_opts_init(&o);
	cJSON *keys = J("[[\"a\",3],[\"b\",4],[\"z\",0]]");
	o.keys = keys;
	o.reduce = 0;
	check(fs_couch_view(c, db, "app", "by_type", &o, &out, &e), "keys");
	rows = fs_json_arr(out, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	assert_string_equal(fs_json_str(cJSON_GetArrayItem(rows, 0), "id"), "d03");
	assert_string_equal(fs_json_str(cJSON_GetArrayItem(rows, 1), "id"), "d04");
	cJSON_Delete(out);
	/* _all_docs paging: startkey + limit n+1 */
	fs_couch_view_opts_init(&o);
	cJSON *start = cJSON_CreateString("d10");
	o.startkey = start;
	o.limit = 6;
	check(fs_couch_all_docs(c, db, &o, &out, &e), "page");
	rows = fs_json_arr(out, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 6);
	assert_string_equal(fs_json_str(cJSON_GetArrayItem(rows, 5), "id"), "d15");
	cJSON_Delete(out);
	/* the design documents in one request */
	check(fs_couch_design_docs(c, db, 1, &out, &e), "design docs");
	rows = fs_json_arr(out, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	assert_non_null(fs_json_path(cJSON_GetArrayItem(rows, 0), "doc.views.by_type.map"));
	cJSON_Delete(out);
	/* pouchdb-server has no _info: a distinct code, so callers fall back */
	assert_int_equal(fs_couch_design_info(c, db, "_design/app", &out, &e), FS_COUCH_E_UNSUPPORTED);
	assert_null(out);
	assert_non_null(strstr(e.msg, "does not support _design/NAME/_info"));
	check(fs_couch_view_cleanup(c, db, &e), "view cleanup");
	/* a missing view is a plain not-found */
	fs_couch_view_opts_init(&o);
	assert_int_equal(fs_couch_view(c, db, "app", "nope", &o, &out, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "view 'nope' of design document '_design/app' in database 'views'"));
	cJSON_Delete(sk);
	cJSON_Delete(ek);
	cJSON_Delete(keys);
	cJSON_Delete(start);
}

static void broken_map_function(void **state)
{
	if (!srv)
		skip();
	/* CouchDB refuses it with compilation_error (see it_http_bad for the
	 * sentence); pouchdb-server stores it and its view returns nothing. */
	check(fs_couch_db_create(c, "broken", NULL, &e), "create");
	free(put("broken", "{\"_id\":\"d\"}"));
	cJSON *d = J("{\"_id\":\"_design/bad\",\"views\":{\"v\":{\"map\":\"function(doc) { emit(doc._id \"}}}");
	char *rev = NULL;
	int rc = fs_couch_doc_put(c, "broken", d, &rev, &e);
	if (rc) {
		assert_int_equal(rc, FS_E_INVALID);
		assert_non_null(strstr(e.msg, "'_design/bad'"));
	} else {
		/* stored (pouchdb-server): the view answers, with no rows for "d" */
		fs_couch_view_opts o;
		cJSON *out = NULL;
		fs_couch_view_opts_init(&o);
		check(fs_couch_view(c, "broken", "bad", "v", &o, &out, &e), "broken view");
		assert_int_equal(cJSON_GetArraySize(fs_json_arr(out, "rows")), 0);
		cJSON_Delete(out);
	}
	free(rev);
	cJSON_Delete(d);
}

typedef struct poll_arg {
	fs_couch *c;
	cJSON *since;
	cJSON *out;
} poll_arg;

static enum fs_err_code longpoll_work(fs_job *job, void *arg, fs_err *err)
{
	poll_arg *p = arg;
	fs_couch_changes_opts o = { .since = p->since, .longpoll = 1, .timeout_ms = 10000, .include_docs = 1 };
	return fs_couch_changes(p->c, "feed", &o, &p->out, err);
}

static void changes_feed(void **state)
{
	if (!srv)
		skip();
	const char *db = "feed";
	check(fs_couch_db_create(c, db, NULL, &e), "create");
	for (int i = 0; i < 5; i++) {
		char t[64];
		snprintf(t, sizeof t, "{\"_id\":\"c%d\"}", i);
		free(put(db, t));
	}
	fs_couch_changes_opts o = { .limit = 3 };
	cJSON *out;
	check(fs_couch_changes(c, db, &o, &out, &e), "changes");
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(out, "results")), 3);
	cJSON *seq = cJSON_Duplicate(cJSON_GetObjectItem(out, "last_seq"), 1);
	cJSON_Delete(out);
	/* from an opaque seq on */
	fs_couch_changes_opts o2 = { .since = seq };
	check(fs_couch_changes(c, db, &o2, &out, &e), "since");
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(out, "results")), 2);
	cJSON *last = cJSON_Duplicate(cJSON_GetObjectItem(out, "last_seq"), 1);
	cJSON_Delete(out);
	/* doc_ids by POST */
	cJSON *ids = J("[\"c1\",\"c4\"]");
	fs_couch_changes_opts o3 = { .doc_ids = ids, .include_docs = 1 };
	check(fs_couch_changes(c, db, &o3, &out, &e), "doc_ids");
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(out, "results")), 2);
	assert_non_null(fs_json_obj(cJSON_GetArrayItem(fs_json_arr(out, "results"), 0), "doc"));
	cJSON_Delete(out);
	/* longpoll with nothing new: our deadline ends it (pouchdb never does) */
	fs_couch_changes_opts lp = { .since = last, .longpoll = 1, .timeout_ms = 800 };
	double t0 = now();
	check(fs_couch_changes(c, db, &lp, &out, &e), "longpoll idle");
	assert_true(now() - t0 < 1.5);
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(out, "results")), 0);
	assert_true(fs_json_equal(cJSON_GetObjectItem(out, "last_seq"), last, NULL));
	cJSON_Delete(out);
	/* longpoll in the background, on a clone so that it holds up nothing,
	 * wakes on a change */
	fs_jobs *bg = fs_jobs_new(1);
	fs_couch *follower = fs_couch_clone(c);
	poll_arg pa = { follower, last, NULL };
	fs_job_submit(bg, longpoll_work, NULL, &pa);
	usleep(300000);
	t0 = now();
	cJSON *d = J("{\"_id\":\"late\"}");
	check(fs_couch_doc_put(c, db, d, NULL, &e), "late put");
	assert_true(now() - t0 < 1); /* not queued behind the longpoll */
	fs_jobs_wait_all(bg);
	assert_true(now() - t0 < 3);
	assert_non_null(pa.out);
	assert_string_equal(fs_json_str(cJSON_GetArrayItem(fs_json_arr(pa.out, "results"), 0), "id"), "late");
	cJSON_Delete(pa.out);
	cJSON_Delete(d);
	fs_jobs_free(bg);
	fs_couch_free(follower);
	/* a document the server names */
	char *id = NULL, *rev = NULL;
	cJSON *anon = J("{\"kind\":\"anonymous\"}");
	check(fs_couch_doc_post(c, db, anon, &id, &rev, &e), "post");
	assert_true(id && strlen(id) >= 16);
	assert_true(rev && rev[0] == '1');
	free(id);
	free(rev);
	cJSON_Delete(anon);
	cJSON_Delete(ids);
	cJSON_Delete(seq);
	cJSON_Delete(last);
}

static void security_and_revs_limit(void **state)
{
	if (!srv)
		skip();
	const char *db = "sec";
	check(fs_couch_db_create(c, db, NULL, &e), "create");
	cJSON *sec = J("{\"admins\":{\"names\":[\"boss\"],\"roles\":[]},\"members\":{\"names\":[],\"roles\":[\"staff\"]}}");
	check(fs_couch_security_put(c, db, sec, &e), "security put");
	cJSON *back;
	check(fs_couch_security_get(c, db, &back, &e), "security get");
	assert_true(fs_json_equal(sec, back, NULL));
	cJSON_Delete(back);
	cJSON_Delete(sec);
	long n = 0;
	int rc = fs_couch_revs_limit_get(c, db, &n, &e);
	assert_int_equal(rc, FS_COUCH_E_UNSUPPORTED);
	assert_non_null(strstr(e.msg, "does not support _revs_limit"));
	rc = fs_couch_revs_limit_put(c, db, 10, &e);
	assert_int_equal(rc, FS_COUCH_E_UNSUPPORTED);
	/* a missing database stays a missing database */
	assert_int_equal(fs_couch_revs_limit_get(c, "no-such-db", &n, &e), FS_E_NOTFOUND);
}

static void connections_are_reused(void **state)
{
	if (!srv)
		skip();
	fs_couch *k = fs_server_open(srv->url, &e);
	assert_non_null(k);
	for (int i = 0; i < 20; i++) {
		cJSON *info;
		check(fs_couch_db_info(k, "views", &info, &e), "info");
		cJSON_Delete(info);
	}
	fs_http_stats s = fs_http_get_stats(fs_couch_http(k));
	assert_int_equal(s.requests, 20);
	assert_int_equal(s.writes, 0);
	assert_int_equal(s.connects, 1);
	fs_couch_free(k);
}

/* `fsstudio servers`: add profiles, list and ping them, never show a secret. */
static void servers_command(void **state)
{
	if (!srv)
		skip();
	char *dir = fs_test_tmpdir(), *out = NULL;
	const char *bin = fs_test_bin();
	int rc = fs_test_sh(NULL, 1, "XDG_CONFIG_HOME='%s' '%s' servers add here '%s' --revs-limit 10 "
		"--listener-target http://c8o.example:8080/convertigo", dir, bin, srv->url);
	assert_int_equal(rc, 0);
	rc = fs_test_sh(NULL, 1, "echo pw-via-stdin | XDG_CONFIG_HOME='%s' '%s' servers add lab "
		"http://127.0.0.1:1 --user labuser --password-stdin --insecure", dir, bin);
	assert_int_equal(rc, 0);
	char *path = fs_path_join(dir, "fsstudio/servers");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	rc = fs_test_sh(&out, 1, "XDG_CONFIG_HOME='%s' '%s' servers", dir, bin);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "PouchDB Server 4.2.0"));
	assert_non_null(strstr(out, "labuser"));
	assert_non_null(strstr(out, "cannot connect to http://127.0.0.1:1"));
	assert_non_null(strstr(out, "TLS NOT VERIFIED"));
	assert_null(strstr(out, "pw-via-stdin"));
	free(out);
	rc = fs_test_sh(&out, 0, "XDG_CONFIG_HOME='%s' '%s' servers --json", dir, bin);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "pw-via-stdin"));
	cJSON *j = cJSON_Parse(out);
	assert_int_equal(cJSON_GetArraySize(j), 3); /* here, lab, local */
	int seen = 0;
	for (cJSON *x = j->child; x; x = x->next) {
		const char *name = fs_json_str(x, "name");
		seen += !strcmp(name, "here") || !strcmp(name, "lab");
		if (!strcmp(name, "here")) {
			assert_true(fs_json_bool(x, "ok", 0));
			assert_int_equal(fs_json_int(x, "revs_limit", 0), 10);
			assert_string_equal(fs_json_str(x, "listener_target"), "http://c8o.example:8080/convertigo");
		} else if (!strcmp(name, "lab")) {
			assert_false(fs_json_bool(x, "ok", 1));
			assert_string_equal(fs_json_str(fs_json_obj(x, "error"), "code"), "http");
			assert_string_equal(fs_json_str(x, "password"), "set");
		}
	}
	assert_int_equal(seen, 2);
	cJSON_Delete(j);
	free(out);
	/* a file others can read is refused, with the fix */
	chmod(path, 0644);
	rc = fs_test_sh(&out, 1, "XDG_CONFIG_HOME='%s' '%s' servers --no-ping", dir, bin);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "chmod 600"));
	assert_null(strstr(out, "pw-via-stdin"));
	free(out);
	chmod(path, 0600);
	assert_int_equal(fs_test_sh(NULL, 1, "XDG_CONFIG_HOME='%s' '%s' servers rm lab", dir, bin), 0);
	assert_int_equal(fs_test_sh(&out, 1, "XDG_CONFIG_HOME='%s' '%s' servers --no-ping", dir, bin), 0);
	assert_null(strstr(out, "lab"));
	free(out);
	free(path);
}

/* Admin party ended on a throwaway server (pouchdb wedges after some 401s). */
static void authentication(void **state)
{
	if (!srv)
		skip();
	fs_test_couch *t = fs_test_couch_start();
	assert_non_null(t);
	fs_couch *party = fs_server_open(t->url, &e);
	cJSON *pw = cJSON_CreateString("s3cr3t-pw");
	check(fs_couch_request(party, "PUT", "/_config/admins/admin", pw, NULL, NULL, &e), "make admin");
	cJSON_Delete(pw);
	fs_couch_free(party);

	char *good = fs_xasprintf("http://admin:s3cr3t-pw@%s", t->url + 7);
	fs_couch *a = fs_server_open(good, &e);
	assert_non_null(a);
	assert_null(strstr(fs_couch_name(a), "s3cr3t"));
	check(fs_couch_db_create(a, "private", NULL, &e), "create as admin");
	cJSON *s;
	check(fs_couch_session(a, &s, &e), "session");
	assert_string_equal(fs_json_str(fs_json_obj(s, "userCtx"), "name"), "admin");
	cJSON_Delete(s);
	fs_couch_free(a);

	char *bad = fs_xasprintf("http://admin:wrong-pw@%s", t->url + 7);
	fs_couch *b = fs_server_open(bad, &e);
	cJSON *dbs;
	assert_int_equal(fs_couch_all_dbs(b, &dbs, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "user 'admin'"));
	assert_null(strstr(e.msg, "wrong-pw"));
	fs_couch_free(b);

	/* cookie session: one login, then the cookie */
	fs_http_opts o = { .url = t->url, .user = "admin", .password = "s3cr3t-pw", .cookie_session = 1 };
	fs_couch *k = fs_couch_new(fs_http_new(&o, &e), "cookie");
	check(fs_couch_session(k, &s, &e), "cookie session");
	assert_string_equal(fs_json_str(fs_json_obj(s, "userCtx"), "name"), "admin");
	assert_string_equal(fs_json_str(fs_json_obj(s, "info"), "authenticated"), "cookie");
	cJSON_Delete(s);
	fs_couch_free(k);
	free(good);
	free(bad);
	fs_test_couch_stop(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_info),
		cmocka_unit_test(hostile_database_names),
		cmocka_unit_test(hostile_document_ids),
		cmocka_unit_test(bulk_results_by_id),
		cmocka_unit_test(revisions_and_conflicts),
		cmocka_unit_test(view_queries),
		cmocka_unit_test(broken_map_function),
		cmocka_unit_test(changes_feed),
		cmocka_unit_test(security_and_revs_limit),
		cmocka_unit_test(connections_are_reused),
		cmocka_unit_test(servers_command),
		cmocka_unit_test(authentication),
	};
	fs_test_group_bind(&srv, &c, &e);
	return cmocka_run_group_tests(tests, fs_test_group_setup, fs_test_group_teardown);
}
