/* The local runner against CouchDB's semantics: built-in reduces, a custom
 * reduce called with rereduce, require() of views.lib, exceptions per
 * document with their line, query options, ES2015+ refused, and an endless
 * loop and a memory bomb stopped in the child process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <poll.h>
#include <dirent.h>
#include "base/fsutil.h"
#include "base/json.h"
#include "couch/browse.h"
#include "model/project.h"
#include "runner/run.h"
#include "testlib.h"
#include "format_data.h"

/* Ten documents: n = 1..10, type a or b, some with an `object`. */
static char *docs_file(void)
{
	static char *path;
	if (path)
		return path;
	fs_buf b = FS_BUF_INIT;
	for (int i = 1; i <= 10; i++) {
		fs_buf_printf(&b, "{\"_id\":\"d%02d\",\"n\":%d,\"type\":\"%s\"", i, i, i % 2 ? "a" : "b");
		if (i % 3)
			fs_buf_printf(&b, ",\"object\":{\"attributes\":{\"type\":{\"text\":\"t%d\"}}}", i % 3);
		fs_buf_adds(&b, "}\n");
	}
	fs_buf_adds(&b, "{\"_id\":\"_design/x\",\"views\":{}}\n{\"_id\":\"gone\",\"_deleted\":true}\n");
	path = fs_path_join(fs_test_tmpdir(), "docs.ndjson");
	assert_int_equal(fs_write_file_atomic(path, b.data, b.len, 0644, NULL), 0);
	fs_buf_free(&b);
	return path;
}

typedef struct run {
	fs_run_result r;
	cJSON *resp;
	fs_err e;
	int rc;
} run;

/* Runs map (and reduce) over the ten documents with the query words
 * "name=value ..." (NULL: none); ddoc may be NULL. */
static run *run_view(const char *map, const char *reduce, const char *ddoc, const char *query)
{
	run *x = calloc(1, sizeof *x);
	fs_view_args a;
	fs_view_args_init(&a);
	char *words = query ? strdup(query) : NULL, *save = NULL;
	for (char *w = words ? strtok_r(words, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		*eq = 0;
		assert_int_equal(fs_view_args_set(&a, w, eq + 1, &x->e), 0);
	}
	cJSON *dd = ddoc ? cJSON_Parse(ddoc) : NULL;
	fs_run_opts o = { FS_RUN_MAP, "c/d/v", map, reduce, dd, &a.o, 1.0, 64 };
	x->rc = fs_run(&o, docs_file(), &x->r, &x->e);
	if (!x->rc)
		x->resp = cJSON_Parse(x->r.response);
	cJSON_Delete(dd);
	fs_view_args_free(&a);
	free(words);
	return x;
}

static void run_free(run *x)
{
	fs_run_result_free(&x->r);
	cJSON_Delete(x->resp);
	free(x);
}

/* The rows as compact JSON text. */
static char *rows_text(run *x)
{
	if (x->rc)
		fail_msg("the run failed: %s", x->e.msg);
	return cJSON_PrintUnformatted(cJSON_GetObjectItem(x->resp, "rows"));
}

static void expect_rows(run *x, const char *want)
{
	char *got = rows_text(x);
	if (strcmp(got, want))
		fail_msg("rows\n  got  %s\n  want %s", got, want);
	free(got);
}

static const char *const BY_TYPE = "function (doc) { emit(doc.type, doc.n); }";

static void builtin_count_and_sum(void **state)
{
	run *x = run_view(BY_TYPE, "_count", NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":10}]");
	run_free(x);
	x = run_view(BY_TYPE, "_count", NULL, "group=true");
	expect_rows(x, "[{\"key\":\"a\",\"value\":5},{\"key\":\"b\",\"value\":5}]");
	run_free(x);
	x = run_view(BY_TYPE, "_sum", NULL, "group=true");
	expect_rows(x, "[{\"key\":\"a\",\"value\":25},{\"key\":\"b\",\"value\":30}]");
	run_free(x);
	/* arrays element by element (a shorter one padded), objects by member */
	x = run_view("function (doc) { emit(null, doc.n < 3 ? [doc.n, 1] : [doc.n]); }", "_sum", NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":[55,2]}]");
	run_free(x);
	x = run_view("function (doc) { emit(null, {n: doc.n, o: {one: 1}}); }", "_sum", NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":{\"n\":55,\"o\":{\"one\":10}}}]");
	run_free(x);
	x = run_view("function (doc) { emit(null, 'x'); }", "_sum", NULL, NULL);
	assert_int_equal(x->rc, FS_E_INVALID);
	assert_non_null(strstr(x->e.msg, "_sum requires map values to be numbers"));
	run_free(x);
}

static void builtin_stats_and_distinct(void **state)
{
	run *x = run_view(BY_TYPE, "_stats", NULL, "group_level=0");
	expect_rows(x, "[{\"key\":null,\"value\":{\"sum\":55,\"count\":10,\"min\":1,\"max\":10,\"sumsqr\":385}}]");
	run_free(x);
	x = run_view("function (doc) { emit(doc.n, [doc.n, 2]); }", "_stats", NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":[{\"sum\":55,\"count\":10,\"min\":1,\"max\":10,\"sumsqr\":385},"
		    "{\"sum\":20,\"count\":10,\"min\":2,\"max\":2,\"sumsqr\":40}]}]");
	run_free(x);
	/* distinct keys, exactly */
	x = run_view("function (doc) { emit(doc.type, 1); emit([doc.n % 3], 1); }", "_approx_count_distinct", NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":5}]");
	run_free(x);
}

/* CouchDB reduces in chunks, then rereduces the results: a reduce that
 * counts values without looking at rereduce is wrong there, and here. */
static void custom_reduce_rereduce(void **state)
{
	run *x = run_view(BY_TYPE, "function (keys, values, rereduce) { return rereduce ? sum(values) : values.length; }",
			  NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":10}]");
	run_free(x);
	x = run_view(BY_TYPE, "function (keys, values, rereduce) { return values.length; }", NULL, NULL);
	char *got = rows_text(x);
	assert_string_not_equal(got, "[{\"key\":null,\"value\":10}]");
	free(got);
	run_free(x);
	/* a group of two rows: one row per call, then one rereduce of both */
	x = run_view("function (doc) { if (doc.n <= 2) emit(1, doc.n); }",
		     "function (keys, values, rereduce) { return (rereduce ? 'r' : '') + sum(values); }", NULL, NULL);
	expect_rows(x, "[{\"key\":null,\"value\":\"r012\"}]");
	run_free(x);
	/* keys are [key, id] pairs, null on rereduce */
	x = run_view(BY_TYPE, "function (keys, values, rereduce) {\n"
		     "  if (rereduce) { if (keys !== null) throw new Error('keys on rereduce'); return values.join(','); }\n"
		     "  return keys.map(function (k) { return k[1]; }).join('+');\n}", NULL, "group=true limit=1");
	expect_rows(x, "[{\"key\":\"a\",\"value\":\"d01+d03+d05,d07+d09\"}]");
	run_free(x);
	/* a reduce that throws fails the query with its line */
	x = run_view(BY_TYPE, "function (keys, values, rereduce) {\n  if (rereduce) null.x;\n  return 1;\n}", NULL, NULL);
	assert_int_equal(x->rc, FS_E_JS);
	assert_non_null(strstr(x->e.msg, "the reduce threw on rereduce at line 2:3"));
	run_free(x);
}

static void require_views_lib(void **state)
{
	const char *ddoc = "{\"views\":{\"lib\":{\"util\":\"exports.twice = function (x) { return 2 * x; };"
			   "exports.name = require('./names').name;\",\"names\":\"exports.name = 'lib';\"}}}";
	run *x = run_view("function (doc) {\n  var u = require('views/lib/util');\n"
			  "  if (doc.n == 1) emit(u.name, u.twice(doc.n));\n}", NULL, ddoc, NULL);
	expect_rows(x, "[{\"id\":\"d01\",\"key\":\"lib\",\"value\":2}]");
	assert_int_equal(x->r.exc_total, 0);
	run_free(x);
	x = run_view("function (doc) { require('views/lib/nothere'); }", NULL, ddoc, "limit=1");
	assert_int_equal(x->r.exc_total, 10);
	assert_non_null(strstr(x->r.exc[0].x.message, "invalid_require_path"));
	run_free(x);
}

/* The bug CouchDB is silent about: a map that throws on some documents. */
static void map_throws_on_some(void **state)
{
	run *x = run_view("function (doc) {\n  emit(doc._id, 1);\n"
			  "  emit(doc.object.attributes.type.text, doc.n);\n}", NULL, NULL, NULL);
	assert_int_equal(x->rc, 0);
	/* d03, d06, d09 have no object: their rows are dropped, all of them */
	assert_int_equal(x->r.exc_total, 3);
	assert_string_equal(x->r.exc[0].id, "d03");
	assert_string_equal(x->r.exc[2].id, "d09");
	assert_int_equal(x->r.exc[0].x.line, 3);
	assert_int_equal(x->r.exc[0].x.col, 3);
	assert_non_null(strstr(x->r.exc[0].x.message, "TypeError"));
	assert_int_equal(fs_json_int(x->resp, "total_rows", -1), 14);
	assert_int_equal(x->r.docs, 10); /* neither the design document nor the deleted one */
	run_free(x);
	/* log() is collected; toJSON and isArray exist; emit outside a map is refused */
	x = run_view("function (doc) { if (doc.n == 2) log(toJSON([isArray([]), doc.n])); }", NULL, NULL, NULL);
	assert_non_null(x->r.log);
	assert_string_equal(x->r.log, "[true,2]\n");
	run_free(x);
}

static void query_options(void **state)
{
	run *x = run_view(BY_TYPE, NULL, NULL, "key=\"b\" descending=true limit=2 skip=1");
	expect_rows(x, "[{\"id\":\"d08\",\"key\":\"b\",\"value\":8},{\"id\":\"d06\",\"key\":\"b\",\"value\":6}]");
	assert_int_equal(fs_json_int(x->resp, "offset", -1), 1);
	run_free(x);
	x = run_view("function (doc) { emit([doc.type, doc.n], null); }", NULL, NULL,
		     "startkey=[\"a\",5] endkey=[\"b\",4] inclusive_end=false");
	expect_rows(x, "[{\"id\":\"d05\",\"key\":[\"a\",5],\"value\":null},{\"id\":\"d07\",\"key\":[\"a\",7],\"value\":null},"
		    "{\"id\":\"d09\",\"key\":[\"a\",9],\"value\":null},{\"id\":\"d02\",\"key\":[\"b\",2],\"value\":null}]");
	run_free(x);
	x = run_view("function (doc) { emit([doc.type, doc.n % 2 == 0], 1); }", "_count", NULL, "group_level=1");
	expect_rows(x, "[{\"key\":[\"a\"],\"value\":5},{\"key\":[\"b\"],\"value\":5}]");
	run_free(x);
	x = run_view(BY_TYPE, "_sum", NULL, "keys=[\"b\",\"a\",\"z\"] group=true");
	expect_rows(x, "[{\"key\":\"b\",\"value\":30},{\"key\":\"a\",\"value\":25}]");
	run_free(x);
	x = run_view(BY_TYPE, "_sum", NULL, "reduce=false include_docs=true key=\"a\" limit=1");
	char *got = rows_text(x);
	assert_non_null(strstr(got, "\"doc\":{\"_id\":\"d01\",\"n\":1"));
	free(got);
	run_free(x);
	x = run_view(BY_TYPE, "_sum", NULL, "include_docs=true");
	assert_int_equal(x->rc, FS_E_INVALID);
	assert_non_null(strstr(x->e.msg, "include_docs"));
	run_free(x);
	x = run_view(BY_TYPE, NULL, NULL, "startkey=\"b\" endkey=\"a\"");
	assert_int_equal(x->rc, FS_E_INVALID);
	run_free(x);
}

static void es2015_refused(void **state)
{
	static const char *const texts[] = {
		"doc => emit(doc._id, 1)",
		"function (doc) { let x = 1; emit(x, 1); }",
		"function (doc) { const x = 1; emit(x, 1); }",
		"function (doc) { emit(`${doc._id}`, 1); }",
		"function (doc) { for (var k of doc.list) emit(k, 1); }",
		"function (doc) { var {a} = doc; emit(a, 1); }",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		run *x = run_view(texts[i], NULL, NULL, NULL);
		assert_int_equal(x->rc, FS_E_UNSUPPORTED);
		assert_non_null(strstr(x->e.msg, "uses syntax the local runner does not support (ES2015+"));
		assert_non_null(strstr(x->e.msg, "run it on the server"));
		run_free(x);
	}
	/* in a module of views.lib too */
	run *x = run_view("function (doc) { emit(require('views/lib/m').k, 1); }", NULL,
			  "{\"views\":{\"lib\":{\"m\":\"const k = 1; exports.k = k;\"}}}", NULL);
	assert_int_equal(x->r.exc_total, 10);
	assert_non_null(strstr(x->r.exc[0].x.message, "views/lib/m uses syntax the local runner does not support (ES2015+: let/const"));
	run_free(x);
	x = run_view("function (doc) { emit(doc._id, ; }", NULL, NULL, NULL);
	assert_int_equal(x->rc, FS_E_JS);
	assert_non_null(strstr(x->e.msg, "SyntaxError"));
	run_free(x);
}

/* The child dies, the test goes on, the message names the document. */
static void endless_loop_and_memory_bomb(void **state)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run *x = run_view("function (doc) { if (doc._id == 'd04') while (true) {} emit(doc._id, 1); }", NULL, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(x->rc, FS_E_TIMEOUT);
	assert_string_equal(x->e.msg, "the map of c/d/v did not finish within 1 s on document d04");
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	run_free(x);
	x = run_view("function (doc) { var a = ['x']; while (true) a.push(a[a.length - 1] + a[a.length - 1]); }",
		     NULL, NULL, NULL);
	assert_int_equal(x->rc, FS_E_NOMEM);
	assert_string_equal(x->e.msg, "the map of c/d/v did not finish on document d01: it used more than 64 MB");
	run_free(x);
	x = run_view(BY_TYPE, "function (k, v, re) { while (true) {} }", NULL, NULL);
	assert_int_equal(x->rc, FS_E_TIMEOUT);
	assert_string_equal(x->e.msg, "the reduce of c/d/v did not finish within 1 s");
	run_free(x);
}

/* The studio's way: start, poll without blocking, finish; or cancel a run
 * that would take long, and get control back at once. */
static void start_poll_finish_cancel(void **state)
{
	fs_run_opts o = { FS_RUN_MAP, "c/d/v", BY_TYPE, "_count", NULL, NULL, 30.0, 64 };
	fs_run_handle *h;
	fs_run_result r;
	fs_err e;
	assert_int_equal(fs_run_start(&o, docs_file(), &h, &e), 0);
	fcntl(fs_run_fd(h), F_SETFL, O_NONBLOCK);
	int done = 0;
	for (int i = 0; i < 1000 && !done; i++) {
		struct pollfd p = { fs_run_fd(h), POLLIN, 0 };
		poll(&p, 1, 10);
		done = fs_run_poll(h);
	}
	assert_true(done);
	assert_int_equal(fs_run_finish(h, &r, &e), 0);
	assert_non_null(strstr(r.response, "\"value\":10"));
	fs_run_result_free(&r);

	o.fn = "function (doc) { while (true) {} }";
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(fs_run_start(&o, docs_file(), &h, &e), 0);
	fcntl(fs_run_fd(h), F_SETFL, O_NONBLOCK);
	struct pollfd p = { fs_run_fd(h), POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 200), 0); /* busy, nothing to read, the caller is free */
	assert_int_equal(fs_run_poll(h), 0);
	fs_run_cancel(h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
}

/* ---- Every function of the fixture projects ---- */

/* Documents of many shapes: the fields Convertigo projects read (type,
 * c8oGrp, ~c8oAcl, user, group, ...) present, missing or of another type. */
static char *mixed_docs(void)
{
	static char *path;
	static const char *const types[] = { "c8oGrp", "user", "group", "inspection", "defect", "site", "x" };
	static const char *const vals[] = { "\"a\"", "1", "null", "true", "[\"g1\",\"g2\"]", "{\"g1\":true}", "\"\"" };
	if (path)
		return path;
	fs_buf b = FS_BUF_INIT;
	for (int i = 0; i < 300; i++) {
		fs_buf_printf(&b, "{\"_id\":\"m%03d\",\"_rev\":\"1-%d\",\"type\":\"%s\"", i, i, types[i % 7]);
		static const char *const fields[] = { "user", "group", "name", "c8oGrp", "~c8oAcl", "status",
			"site", "date", "data", "owner", "members", "value", "_conflicts" };
		for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
			if ((i + f) % 3)
				fs_buf_printf(&b, ",\"%s\":%s", fields[f], vals[(i * 7 + f) % 7]);
		fs_buf_adds(&b, "}\n");
	}
	path = fs_path_join(fs_test_tmpdir(), "mixed.ndjson");
	assert_int_equal(fs_write_file_atomic(path, b.data, b.len, 0644, NULL), 0);
	fs_buf_free(&b);
	return path;
}

static const char *kid_fn(fs_obj *o, fs_fn_type t)
{
	for (size_t i = 0; i < o->nkids; i++)
		if (o->kids[i]->kind == FS_K_FUNCTION && o->kids[i]->fn == t)
			return fs_fn_text(o->kids[i]);
	return NULL;
}

/* Runs every view (map and reduce), filter and validate_doc_update under
 * o; counts them in *n; a run that fails is a test failure. */
static void run_all(fs_obj *o, const char *project, size_t *n, long *exc)
{
	fs_run_opts ro = { FS_RUN_MAP, NULL, NULL, NULL, NULL, NULL, 5.0, 128 };
	int go = 0;
	if (o->kind == FS_K_VIEW) {
		ro.fn = kid_fn(o, FS_FN_MAP);
		ro.reduce = kid_fn(o, FS_FN_REDUCE);
		if (ro.reduce && !*ro.reduce)
			ro.reduce = NULL;
		go = 1;
	} else if (o->kind == FS_K_FUNCTION && (o->fn == FS_FN_FILTER || o->fn == FS_FN_VALIDATE)) {
		ro.kind = o->fn == FS_FN_FILTER ? FS_RUN_FILTER : FS_RUN_VALIDATE;
		ro.fn = fs_fn_text(o);
		go = 1;
	}
	if (go) {
		char *path = fs_obj_path(o);
		fs_run_result r;
		fs_err e;
		ro.name = path;
		ro.ddoc = fs_ddoc_json(fs_obj_up(o, FS_K_DDOC));
		fs_couch_view_opts q;
		fs_couch_view_opts_init(&q);
		q.reduce = ro.reduce ? 0 : -1;
		ro.query = &q;
		if (fs_run(&ro, mixed_docs(), &r, &e))
			fail_msg("%s: %s", project, e.msg);
		(*n)++;
		*exc += r.exc_total;
		fs_run_result_free(&r);
		/* a built-in reduce may refuse values of these documents, as
		 * CouchDB would (FS_E_INVALID); nothing else may fail */
		q.reduce = -1;
		if (ro.reduce && fs_run(&ro, mixed_docs(), &r, &e) && e.code != FS_E_INVALID)
			fail_msg("%s: reduce: %s", project, e.msg);
		fs_run_result_free(&r);
		free(path);
		return;
	}
	for (size_t i = 0; i < o->nkids; i++)
		run_all(o->kids[i], project, n, exc);
}

static void run_project(const char *dir, size_t *n, long *exc)
{
	fs_project *p;
	fs_err e;
	if (fs_project_open(&p, dir, &e))
		fail_msg("%s: %s", dir, e.msg);
	run_all(fs_project_root(p), dir, n, exc);
	fs_project_free(p);
}

static void every_fixture_function_runs(void **state)
{
	char buf[4096];
	size_t n = 0;
	long exc = 0;
	const char *src = fs_test_srcdir();
	snprintf(buf, sizeof buf, "%s/projects/sample", src);
	run_project(buf, &n, &exc);
	for (int i = 0; i < 2; i++) {
		char *dir = fmt_layout(i ? "minimal" : "features", 0);
		run_project(dir, &n, &exc);
		free(dir);
	}
	const char *fx = fs_test_fixtures();
	DIR *d = fx ? opendir(fx) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		snprintf(buf, sizeof buf, "%s/%s/c8oProject.yaml", fx, de->d_name);
		if (de->d_name[0] == '.' || !fs_is_file(buf))
			continue;
		snprintf(buf, sizeof buf, "%s/%s", fx, de->d_name);
		run_project(buf, &n, &exc);
	}
	if (d)
		closedir(d);
	printf("# %zu functions run over 300 documents%s, %ld exceptions on documents\n", n,
	       fx ? "" : " (fixtures absent: sample and test projects only)", exc);
	assert_true(n >= 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_count_and_sum),
		cmocka_unit_test(builtin_stats_and_distinct),
		cmocka_unit_test(custom_reduce_rereduce),
		cmocka_unit_test(require_views_lib),
		cmocka_unit_test(map_throws_on_some),
		cmocka_unit_test(query_options),
		cmocka_unit_test(es2015_refused),
		cmocka_unit_test(endless_loop_and_memory_bomb),
		cmocka_unit_test(start_poll_finish_cancel),
		cmocka_unit_test(every_fixture_function_runs),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fs_test_cleanup();
	return rc;
}
