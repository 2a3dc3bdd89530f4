/* Listeners without a server: how a delivered document is cleaned, and the
 * local run of a delete listener's map or filter on a previous revision. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "listen/listen.h"

/* _c8oHash cannot be stored through CouchDB's API (a reserved member), so the
 * engine's cleaning is checked here rather than against a server. */
static void clean_as_the_engine(void **state)
{
	cJSON *d = cJSON_Parse("{\"_id\":\"a\",\"_rev\":\"1-x\",\"_c8oHash\":\"h\",\"~c8oAcl\":\"bob\","
			       "\"c8oGrp\":\"sales\",\"v\":{\"~c8oAcl\":\"kept\"}}");
	fs_listen_clean(d);
	char *s = cJSON_PrintUnformatted(d);
	assert_string_equal(s, "{\"_id\":\"a\",\"_rev\":\"1-x\",\"c8oGrp\":\"sales\",\"v\":{\"~c8oAcl\":\"kept\"}}");
	free(s);
	cJSON_Delete(d);
}

static int run(fs_listen_js *j, const char *doc, fs_err *e)
{
	cJSON *d = cJSON_Parse(doc);
	int hit = -1, rc = fs_listen_js_match(j, d, &hit, e);
	cJSON_Delete(d);
	return rc ? -rc : hit;
}

/* A view listener matches when its map emits doc._id as a key. */
static void map_emits_id(void **state)
{
	fs_err e;
	fs_listen_js *j = fs_listen_js_new("function (doc) { if (doc.type === 'a') emit(doc._id, 1);"
					   " emit([doc._id], 2); }", 1, &e);
	assert_non_null(j);
	assert_int_equal(run(j, "{\"_id\":\"x\",\"type\":\"a\"}", &e), 1);
	assert_int_equal(run(j, "{\"_id\":\"x\",\"type\":\"b\"}", &e), 0);
	assert_int_equal(run(j, "{\"_id\":\"x\",\"type\":\"a\",\"o\":1}", &e), 1);
	fs_listen_js_free(j);
	j = fs_listen_js_new("function (doc) { emit(doc.object.type, null); }", 1, &e);
	assert_int_equal(run(j, "{\"_id\":\"x\"}", &e), -FS_E_JS);
	assert_non_null(strstr(e.msg, "threw"));
	fs_listen_js_free(j);
}

static void filter_accepts(void **state)
{
	fs_err e;
	fs_listen_js *j = fs_listen_js_new("function (doc, req) { return doc.type === 'defect' && !req.query.x; }",
					   0, &e);
	assert_non_null(j);
	assert_int_equal(run(j, "{\"_id\":\"d\",\"type\":\"defect\"}", &e), 1);
	assert_int_equal(run(j, "{\"_id\":\"s\",\"type\":\"site\"}", &e), 0);
	fs_listen_js_free(j);
}

/* The document the function sees is the JSON document: every type, member
 * order, Unicode, numbers as JavaScript reads them, and deep nesting (built
 * in the engine from the parsed tree, not from text). */
static void document_as_javascript_sees_it(void **state)
{
	fs_err e;
	fs_listen_js *j = fs_listen_js_new("function (doc) { if (doc.n === 1.5 && doc.big === 1e300 && doc.neg === -0.25"
		" && doc.t === true && doc.f === false && doc.z === null && doc.s === '\\u00e9\"\\n'"
		" && doc.a.length === 3 && typeof doc.a[1][1] === 'object' && doc.a[2].length === 0"
		" && doc.o.k === 'v' && Object.keys(doc).join() === '_id,n,big,neg,t,f,z,s,a,o') emit(doc._id); }",
		1, &e);
	assert_non_null(j);
	assert_int_equal(run(j, "{\"_id\":\"x\",\"n\":1.5,\"big\":1e300,\"neg\":-0.25,\"t\":true,\"f\":false,"
			     "\"z\":null,\"s\":\"\\u00e9\\\"\\n\",\"a\":[1,[2,{}],[]],\"o\":{\"k\":\"v\"}}", &e), 1);
	assert_int_equal(run(j, "{\"_id\":\"x\",\"n\":1.5}", &e), 0);
	fs_listen_js_free(j);
	j = fs_listen_js_new("function (doc) { var d = 0, v = doc.v; while (v && v.v) { d++; v = v.v; }"
			     " if (d === 900 && doc.s === '\u00e9' && doc.a[1][1].k === 1) emit(doc._id); }", 1, &e);
	assert_non_null(j);
	fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, "{\"_id\":\"deep\",\"s\":\"\u00e9\",\"a\":[0,[0,{\"k\":1}]],\"v\":");
	for (int i = 0; i < 900; i++)
		fs_buf_adds(&b, "{\"v\":");
	fs_buf_adds(&b, "1");
	for (int i = 0; i < 901; i++)
		fs_buf_addc(&b, '}');
	assert_int_equal(run(j, b.data, &e), 1);
	fs_buf_free(&b);
	fs_listen_js_free(j);
}

static void syntax_error(void **state)
{
	fs_err e;
	assert_null(fs_listen_js_new("function (doc) { emit(doc._id; }", 1, &e));
	assert_int_equal(e.code, FS_E_JS);
	assert_non_null(strstr(e.msg, "the map does not compile"));
	assert_null(fs_listen_js_new("42", 0, &e));
	assert_non_null(strstr(e.msg, "not a function"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_as_the_engine),
		cmocka_unit_test(map_emits_id),
		cmocka_unit_test(filter_accepts),
		cmocka_unit_test(document_as_javascript_sees_it),
		cmocka_unit_test(syntax_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
