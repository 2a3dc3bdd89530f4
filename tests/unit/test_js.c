/* Syntax errors and domain checks of design functions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "js/js.h"
#include "testlib.h"

/* The diagnostics of text as "L:C:e|w:message" lines. */
static char *check(fs_fn_type type, const char *text)
{
	fs_js_diags d = { 0 };
	fs_buf b = FS_BUF_INIT;
	fs_js_check(type, text, &d);
	for (size_t i = 0; i < d.n; i++)
		fs_buf_printf(&b, "%u:%u:%c:%s\n", d.v[i].line, d.v[i].col,
			      d.v[i].warning ? 'w' : 'e', d.v[i].message);
	fs_js_diags_free(&d);
	return fs_buf_steal(&b);
}

#define assert_check(type, text, want) do { \
	char *got_ = check(type, text); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void bare_function_is_valid(void **state)
{
	/* the Convertigo form: a lone anonymous function expression */
	assert_check(FS_FN_MAP, "function (doc) {\r\n\temit(doc._id, 1);\r\n}", "");
	assert_check(FS_FN_MAP, "(function (doc) { emit(doc.a, null); })", "");
	assert_check(FS_FN_MAP, "// by type\nfunction (doc) { emit(doc.type); }\n", "");
	assert_check(FS_FN_REDUCE, "function (keys, values, rereduce) { return sum(values); }", "");
	assert_check(FS_FN_REDUCE, "function (keys, values) { return values.length; }", "");
	assert_check(FS_FN_VALIDATE, "function (newDoc, oldDoc, userCtx, secObj) {}", "");
	assert_check(FS_FN_FILTER, "function (doc, req) { return doc.x; }", "");
	assert_check(FS_FN_UPDATE, "function (doc, req) { return [doc, 'ok']; }", "");
}

static void syntax_errors_with_positions(void **state)
{
	assert_check(FS_FN_MAP, "function (doc) {\n  if (doc.type == \"a\" emit(doc._id, 1);\n}",
		     "2:22:e:missing ')'\n");
	assert_check(FS_FN_MAP, "function (doc {\n emit(doc._id);\n}", "1:14:e:missing ')'\n");
	assert_check(FS_FN_MAP, "function (doc) {\n  emit(doc._id 1);\n}",
		     "2:16:e:unexpected '1'\n");
	assert_check(FS_FN_MAP, "function (doc) {\n  emit(doc._id, 1));\n}",
		     "2:19:e:unexpected ')'\n");
	assert_check(FS_FN_MAP, "function (doc) { emit(doc._id, 1);", "1:35:e:missing '}'\n");
	/* the precise error inside the one tree-sitter wraps around it */
	assert_check(FS_FN_MAP, "function (doc) {\n  if (doc.type == \"site\") {\n"
		     "        emit(doc.region doc.name);\n  }\n}", "3:25:e:unexpected 'doc'\n");
	/* columns count characters, not bytes */
	assert_check(FS_FN_MAP, "function (doc) {\n  var é = 1; emit(é 2);\n}",
		     "2:21:e:unexpected '2'\n");
	assert_check(FS_FN_MAP, "function (doc) {\n  emit(\"a, 1);\n}",
		     "2:8:e:unterminated string\n");
}

static void unterminated_string_position(void **state)
{
	fs_js_diags d = { 0 };
	fs_js_check(FS_FN_MAP, "function (doc) {\n  emit(\"a, 1);\n}", &d);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.v[0].message, "unterminated string");
	fs_js_diags_free(&d);
}

static void map_domain(void **state)
{
	assert_check(FS_FN_MAP, "function (doc, x) { emit(doc._id); }",
		     "1:10:w:a map function takes (doc), not 2 arguments\n");
	assert_check(FS_FN_MAP, "function (doc) { log(doc); }",
		     "1:1:w:a map function should call emit(key, value)\n");
	assert_check(FS_FN_MAP, "var x = 1;",
		     "1:1:w:a map must be one function expression, like function (doc) {...}\n");
	assert_check(FS_FN_MAP, "function (a) { emit(a); }\nfunction (b) { emit(b); }",
		     "1:1:w:a map must be one function expression, like function (doc) {...}\n");
	assert_check(FS_FN_MAP, "  ", "1:3:w:empty map function\n");
	/* emit inside nested code counts */
	assert_check(FS_FN_MAP, "function (doc) { if (doc.a) { [1].forEach(function (x) { emit(x); }); } }", "");
}

static void other_kinds(void **state)
{
	assert_check(FS_FN_REDUCE, "_count", "");
	assert_check(FS_FN_REDUCE, "  _approx_count_distinct\n", "");
	assert_check(FS_FN_REDUCE, "_max", "1:1:w:unknown built-in reduce '_max' "
		     "(use _count, _sum, _stats or _approx_count_distinct)\n");
	assert_check(FS_FN_REDUCE, "function (values) { return 1; }",
		     "1:10:w:a reduce function takes (keys, values, rereduce), not 1 argument\n");
	assert_check(FS_FN_VALIDATE, "function (a, b, c, d, e) {}",
		     "1:10:w:a validate_doc_update function takes (newDoc, oldDoc, userCtx, secObj), not 5 arguments\n");
	assert_check(FS_FN_FILTER, "function () { return true; }",
		     "1:10:w:a filter function takes (doc, req), not 0 arguments\n");
	assert_check(FS_FN_UPDATE, "function (doc, req, x) { return [doc, 'x']; }",
		     "1:10:w:a update function takes (doc, req), not 3 arguments\n");
	/* _count is not a built-in for a map: it is checked as JavaScript */
	assert_check(FS_FN_MAP, "_count",
		     "1:1:w:a map must be one function expression, like function (doc) {...}\n");
}

static void builtins_and_emit_id(void **state)
{
	assert_true(fs_js_builtin_reduce("_sum"));
	assert_true(fs_js_builtin_reduce("_stats"));
	assert_false(fs_js_builtin_reduce("_avg"));
	assert_true(fs_js_map_emits_id("function (doc) { emit(doc._id, null); }"));
	assert_true(fs_js_map_emits_id("function (d) { if (d.x) emit(d._id); }"));
	assert_true(fs_js_map_emits_id("function (doc) {\n  // key\n  emit( doc[\"_id\"], 1);\n}"));
	assert_true(fs_js_map_emits_id("function (d) { emit(d['_id']); }"));
	assert_false(fs_js_map_emits_id("function (doc) { emit(doc['id']); }"));
	assert_false(fs_js_map_emits_id("function (doc) { emit(doc.id, null); }"));
	assert_false(fs_js_map_emits_id("function (doc) { emit(other._id); }"));
	assert_false(fs_js_map_emits_id("function (doc) { emit([doc._id]); }"));
	assert_false(fs_js_map_emits_id("not a function("));
}

/* The sample project, with one map broken and another not calling emit. */
static char *broken_sample(void)
{
	char *src = fs_path_join(fs_test_srcdir(), "projects/sample");
	char *dir = fs_path_join(fs_test_tmpdir(), "sample");
	assert_int_equal(fs_test_copy_tree(src, dir), 0);
	free(src);
	return dir;
}

/* A function of n statements, statement bad missing its ')', with the
 * given last line before the end. */
static char *big_map(int n, int bad, const char *last)
{
	fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, "function (doc) {\n");
	for (int i = 0; i < n; i++)
		fs_buf_printf(&b, "\tvar x%d = %sdoc.a + %d; // line %d\n", i,
			      i == bad ? "(" : "", i, i + 2);
	fs_buf_printf(&b, "%s\n}\n", last);
	return fs_buf_steal(&b);
}

/* Large blocks (the checks walk them with a cursor): the emit after 3,000
 * statements is found, errors among them are placed, a block of top-level
 * statements is still not one function. */
static void large_functions(void **state)
{
	char *s = big_map(3000, -1, "\temit(doc._id, x2999);");
	assert_check(FS_FN_MAP, s, "");
	assert_int_equal(fs_js_map_emits_id(s), 1);
	free(s);
	s = big_map(3000, -1, "\tlog(x1);");
	assert_check(FS_FN_MAP, s, "1:1:w:a map function should call emit(key, value)\n");
	assert_int_equal(fs_js_map_emits_id(s), 0);
	free(s);
	/* a missing ')' on line 2,502 and an unterminated string on 3,002 */
	s = big_map(3000, 2500, "\temit(doc._id, 'x);");
	char *got = check(FS_FN_MAP, s);
	assert_string_equal(got, "2502:27:e:missing ')'\n3002:16:e:unterminated string\n");
	free(got);
	free(s);
	/* the name written elsewhere than as a called function is no call */
	assert_check(FS_FN_MAP, "function (doc) { // emit(doc)\n\tvar s = \"emit(x)\"; "
		     "emitter(doc); doc.emit(1); var emit = 2; (emit)(3); }",
		     "1:1:w:a map function should call emit(key, value)\n");
	assert_check(FS_FN_MAP, "function (doc) { emitter(doc); emit (doc.a); }", "");
	assert_check(FS_FN_MAP, "function (doc) { f(g(h(emit(doc.a)))); }", "");
	assert_int_equal(fs_js_map_emits_id("function (d) { log('emit(d._id)'); emit(d.a); }"), 0);
	assert_int_equal(fs_js_map_emits_id("function (d) { emit(d.a); f(emit(d._id)); }"), 1);
	fs_buf b = FS_BUF_INIT;
	for (int i = 0; i < 2000; i++)
		fs_buf_printf(&b, "function f%d(doc) { emit(doc.a); }\n", i);
	assert_check(FS_FN_MAP, b.data,
		     "1:1:w:a map must be one function expression, like function (doc) {...}\n");
	fs_buf_free(&b);
}

static void check_command(void **state)
{
	char *dir = broken_sample(), *out;
	int rc = fs_test_sh(&out, 1, "'%s' check '%s'", fs_test_bin(), dir);
	assert_int_equal(rc, 0);                  /* the sample is clean */
	assert_null(strstr(out, ": error:"));
	assert_non_null(strstr(out, " checked: 0 errors, 0 warnings\n"));   /* the summary */
	free(out);
	rc = fs_test_sh(NULL, 0, "cd '%s/_c8oProject/connectors' && "
			"sed -i 's/emit(doc.region, doc.name);/emit(doc.region doc.name);/' sites.yaml && "
			"sed -i 's/emit(\\[doc.site, doc.date\\]/log([doc.site, doc.date]/' inspections.yaml",
			dir);
	assert_int_equal(rc, 0);
	rc = fs_test_sh(&out, 0, "'%s' check '%s'", fs_test_bin(), dir);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "sites/catalog/by_region/map:3:25: error: unexpected 'doc'\n"));
	assert_non_null(strstr(out, "inspections/visits/by_site/map:1:1: warning: "
			       "a map function should call emit(key, value)\n"));
	free(out);
	rc = fs_test_sh(&out, 0, "'%s' check --json '%s'", fs_test_bin(), dir);
	assert_int_equal(rc, 1);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "errors")->valueint, 1);
	int found = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "issues")) {
		if (strcmp(cJSON_GetObjectItem(it, "path")->valuestring, "sites/catalog/by_region/map"))
			continue;
		found = 1;
		assert_int_equal(cJSON_GetObjectItem(it, "line")->valueint, 3);
		assert_int_equal(cJSON_GetObjectItem(it, "column")->valueint, 25);
		assert_string_equal(cJSON_GetObjectItem(it, "severity")->valuestring, "error");
	}
	assert_true(found);
	cJSON_Delete(j);
	free(out);
	/* usage and missing projects */
	assert_int_equal(fs_test_sh(NULL, 1, "'%s' check --bogus", fs_test_bin()), 2);
	assert_int_equal(fs_test_sh(&out, 1, "'%s' check '%s/none'", fs_test_bin(), dir), 1);
	assert_non_null(strstr(out, "fsstudio: "));
	free(out);
	free(dir);
	fs_test_cleanup();
}

/* The functions of real Convertigo projects (CRLF, tabs, comments) pass. */
static void fixtures_are_clean(void **state)
{
	const char *names[] = { "c8oprj-lib-fullsync-grp", "c8oprj-lib-user-manager",
				"c8oprj-sample-resolveconflicts" };
	int nfn = 0;
	if (!fs_test_fixtures())
		skip();
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *dir = fs_test_fixture(names[i]), *out;
		if (!dir)
			continue;
		int rc = fs_test_sh(&out, 1, "'%s' check --json '%s'", fs_test_bin(), dir);
		cJSON *j = cJSON_Parse(out);
		assert_non_null(j);
		assert_int_equal(cJSON_GetObjectItem(j, "errors")->valueint, 0);
		nfn += cJSON_GetObjectItem(j, "functions")->valueint;
		assert_int_equal(rc, 0);
		cJSON_Delete(j);
		free(out);
		free(dir);
	}
	assert_true(nfn >= 7);   /* 4 + 3 + 0 functions */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_function_is_valid),
		cmocka_unit_test(syntax_errors_with_positions),
		cmocka_unit_test(unterminated_string_position),
		cmocka_unit_test(map_domain),
		cmocka_unit_test(other_kinds),
		cmocka_unit_test(builtins_and_emit_id),
		cmocka_unit_test(large_functions),
		cmocka_unit_test(check_command),
		cmocka_unit_test(fixtures_are_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
