/* Syntax errors and domain checks of design functions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "js.h"

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
	assert_false(fs_js_map_emits_id("function (doc) { emit(doc.id, null); }"));
	assert_false(fs_js_map_emits_id("function (doc) { emit(other._id); }"));
	assert_false(fs_js_map_emits_id("function (doc) { emit([doc._id]); }"));
	assert_false(fs_js_map_emits_id("not a function("));
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
