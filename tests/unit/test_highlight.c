/* Highlight queries: the capture of every token of known snippets,
 * predicates, priorities, byte ranges, query errors and user overrides. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "js/highlight.h"
#include "js/js.h"
#include "testlib.h"

/* "token=capture " for every span of [start, end) of s. */
static char *render_range(fs_hl_query *q, const TSLanguage *lang, const char *s,
			  uint32_t start, uint32_t end)
{
	TSParser *p = ts_parser_new();
	ts_parser_set_language(p, lang);
	TSTree *t = ts_parser_parse_string(p, NULL, s, strlen(s));
	fs_spans sp = { 0 };
	fs_buf b = FS_BUF_INIT;
	fs_hl_spans_str(q, t, s, start, end, &sp);
	for (size_t i = 0; i < sp.n; i++)
		fs_buf_printf(&b, "%s%.*s=%s", i ? " " : "", (int)(sp.v[i].end - sp.v[i].start),
			      s + sp.v[i].start, fs_hl_name(sp.v[i].hl));
	fs_spans_free(&sp);
	ts_tree_delete(t);
	ts_parser_delete(p);
	return fs_buf_steal(&b);
}

static char *render(fs_hl_query *q, const char *s)
{
	return render_range(q, tree_sitter_javascript(), s, 0, strlen(s));
}

static fs_hl_query *js_query(void)
{
	fs_err e = { 0 };
	fs_hl_query *q = NULL;
	int rc = fs_hl_query_load(&q, "javascript", &e);
	if (rc)
		fail_msg("%s", e.msg);
	return q;
}

#define assert_render(q, s, want) do { \
	char *got_ = render(q, s); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void map_function_tokens(void **state)
{
	fs_hl_query *q = js_query();
	assert_render(q, "function (doc) { if (doc.type == \"a\") emit(doc._id, 1); }",
		      "function=keyword doc=parameter if=keyword doc=variable type=property "
		      "===operator \"a\"=string emit=builtin doc=variable _id=property 1=number");
	assert_render(q, "function (keys, values, rereduce) {\n"
		      "\t// built-in sum\n"
		      "\treturn rereduce ? sum(values) : values.length;\n}",
		      "function=keyword keys=parameter values=parameter rereduce=parameter "
		      "// built-in sum=comment return=keyword rereduce=variable ?=operator "
		      "sum=builtin values=variable :=operator values=variable length=property");
	fs_hl_query_free(q);
}

static void more_tokens(void **state)
{
	fs_hl_query *q = js_query();
	assert_render(q, "var MAX_X = Math.max(a, 2.5e3);",
		      "var=keyword MAX_X=constant ==operator Math=builtin max=method "
		      "a=variable 2.5e3=number");
	assert_render(q, "const f = (x) => `a${x.y}b`;",
		      "const=keyword f=function ==operator x=parameter =>=operator `a=string "
		      "${=operator x=variable y=property }=operator b`=string");
	assert_render(q, "obj.toJSON(); Array.isArray(v); JSON.stringify(o); require('x');",
		      "obj=variable toJSON=builtin Array=builtin isArray=builtin v=variable "
		      "JSON=builtin stringify=method o=variable require=builtin 'x'=string");
	assert_render(q, "this.ok = null || true; /a+b/g.test(s); x?.y;",
		      "this=keyword ok=property ==operator null=constant ||=operator "
		      "true=constant /a+b/g=string test=method s=variable x=variable "
		      "?.=operator y=property");
	assert_render(q, "function g(a = 1, ...r) { try { getRow(); } catch (err) { log(err); } }",
		      "function=keyword g=function a=parameter ==operator 1=number ...=operator "
		      "r=parameter try=keyword getRow=builtin catch=keyword err=parameter "
		      "log=builtin err=variable");
	/* "emit" is only the built-in when it is called */
	assert_render(q, "var emit = 1; send(emit);",
		      "var=keyword emit=variable ==operator 1=number send=builtin emit=variable");
	assert_render(q, "var o = { a: 1, m: function () {}, 'k': \"v\\n\" };",
		      "var=keyword o=variable ==operator a=property 1=number m=method "
		      "function=keyword 'k'=string \"v\\n\"=string");
	fs_hl_query_free(q);
}

static fs_hl_query *custom(const char *src)
{
	fs_err e = { 0 };
	fs_hl_query *q = NULL;
	if (fs_hl_query_new(&q, tree_sitter_javascript(), src, strlen(src), "t.scm", &e))
		fail_msg("%s", e.msg);
	return q;
}

static void predicates(void **state)
{
	fs_hl_query *q = custom(
		"((identifier) @number (#match? @number \"^x\\\\d+$\"))\n"
		"((identifier) @string (#not-match? @string \"[0-9]\"))\n"
		"((identifier) @keyword (#eq? @keyword \"yes\"))\n"
		"((identifier) @comment (#not-eq? @comment \"yes\") (#any-of? @comment \"a\" \"b\"))\n"
		"((identifier) @builtin (#not-any-of? @builtin \"a\" \"b\" \"yes\" \"x1\" \"y2\"))\n");
	/* x1: \d read as a digit (not 'd'); y2: only not-any-of excluded...
	 * xd: has no digit so @string then @builtin (later wins) */
	assert_render(q, "x1; xd; y2; yes; a; b; zz;",
		      "x1=number xd=builtin yes=keyword a=comment b=comment zz=builtin");
	fs_hl_query_free(q);
	/* #eq? between two captures */
	q = custom("(assignment_expression left: (identifier) @_l right: (identifier) @constant "
		   "(#eq? @_l @constant))");
	assert_render(q, "a = a; a = b;", "a=constant");
	fs_hl_query_free(q);
	/* a node named by several captures keeps the last that holds: a
	 * failing predicate drops its capture only, not the match */
	q = custom("((identifier) @variable @constant @builtin (#match? @constant \"^K\") "
		   "(#eq? @builtin \"Kb\"))\n"
		   "((identifier) @_x @string (#eq? @_x \"s\"))\n");
	assert_render(q, "x; Ka; Kb; s;", "x=variable Ka=constant Kb=builtin s=string");
	fs_hl_query_free(q);
	/* one capture per node: a failing predicate drops the match */
	q = custom("(call_expression function: (identifier) @_f arguments: (arguments "
		   "(identifier) @string) (#eq? @_f \"f\"))\n");
	assert_render(q, "f(a); g(b);", "a=string");
	fs_hl_query_free(q);
}

static void priorities(void **state)
{
	/* same node: the last pattern wins, whatever the order of the file */
	fs_hl_query *q = custom("(identifier) @variable\n(identifier) @constant\n");
	assert_render(q, "abc", "abc=constant");
	fs_hl_query_free(q);
	q = custom("(identifier) @constant\n(identifier) @variable\n");
	assert_render(q, "abc", "abc=variable");
	fs_hl_query_free(q);
	/* an inner node wins over the node around it, even from an earlier pattern */
	q = custom("(identifier) @variable\n(call_expression) @string\n");
	assert_render(q, "f(x)", "f=variable (=string x=variable )=string");
	fs_hl_query_free(q);
	/* dotted names count as their first part */
	q = custom("(identifier) @function.builtin\n");
	assert_render(q, "f", "f=function");
	fs_hl_query_free(q);
}

static void byte_range(void **state)
{
	fs_hl_query *q = js_query();
	const char *s = "var a = 1;\n/* long\ncomment */\nvar b = \"two\";\n";
	/* only line 3 (the end of the comment) and the start of line 4 */
	uint32_t start = strchr(s, 'c') - s, end = strstr(s, "b =") - s + 1;
	char *got = render_range(q, tree_sitter_javascript(), s, start, end);
	assert_string_equal(got, "comment */=comment var=keyword b=variable");
	free(got);
	fs_hl_query_free(q);
}

/* Spans of [start, end) of s, as a string. */
static char *spans_of(fs_hl_query *q, const TSTree *t, const char *s, uint32_t start,
		      uint32_t end)
{
	fs_spans sp = { 0 };
	fs_buf b = FS_BUF_INIT;
	fs_hl_spans_str(q, t, s, start, end, &sp);
	for (size_t i = 0; i < sp.n; i++)
		fs_buf_printf(&b, "%u-%u:%d ", sp.v[i].start, sp.v[i].end, sp.v[i].hl);
	fs_spans_free(&sp);
	return b.data ? fs_buf_steal(&b) : fs_xstrdup("");
}

/* The spans of the whole text clipped to [start, end). */
static char *clipped(const fs_spans *all, uint32_t start, uint32_t end)
{
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < all->n; i++) {
		uint32_t s = all->v[i].start > start ? all->v[i].start : start;
		uint32_t e = all->v[i].end < end ? all->v[i].end : end;
		if (s < e)
			fs_buf_printf(&b, "%u-%u:%d ", s, e, all->v[i].hl);
	}
	return b.data ? fs_buf_steal(&b) : fs_xstrdup("");
}

/* A range is painted by running the query only on the nodes in it (the
 * nodes across its ends are entered without the query cursor): every
 * window gives the spans of the whole text there, and what a run from the
 * root gives (a wildcard pattern forces that run). The text has nested
 * functions, aliased names (property_identifier, shorthand properties),
 * templates, errors and a large block. */
static void split_matches_root(void **state)
{
	fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, fs_hl_builtin_source("javascript"));
	fs_buf_adds(&b, "\n(_) @_any\n");
	fs_hl_query *q = js_query(), *qr = custom(b.data);
	fs_buf_reset(&b);
	fs_buf_adds(&b, "// top\nvar A = 1;\nfunction (doc) {\n\temit(doc._id, `x${A}`);\n}\n"
		    "/* c */ if (x) { log('y'); } else z = /r/;\nfunction (doc, req) {\n");
	for (int i = 0; i < 60; i++)
		fs_buf_printf(&b, "\tvar o%d = { a, b: doc.c%d.d, m: function f(x) { return x ? "
			      "MAX_N : Math.max(x, %d); } }; obj.f(`t${o%d.a}`, [1, 2]);\n",
			      i, i, i, i);
	fs_buf_adds(&b, "\tlabel: for (;;) { break label; }\n\tif (doc.x { send(1); }\n}\n");
	const char *s = b.data;
	uint32_t len = (uint32_t)b.len;
	TSTree *t = fs_js_parse(s, len);
	fs_spans all = { 0 };
	fs_hl_spans_str(q, t, s, 0, len, &all);
	assert_true(all.n > 1000);
	static const uint32_t widths[] = { 1, 9, 40, 700 };
	for (uint32_t start = 0; start < len; start += 13) {
		for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
			uint32_t end = start + widths[w] < len ? start + widths[w] : len;
			char *got = spans_of(q, t, s, start, end);
			char *want = clipped(&all, start, end);
			char *root = spans_of(qr, t, s, start, end);
			assert_string_equal(got, want);
			assert_string_equal(got, root);
			free(got);
			free(want);
			free(root);
		}
	}
	fs_spans_free(&all);
	ts_tree_delete(t);
	fs_buf_free(&b);
	fs_hl_query_free(q);
	fs_hl_query_free(qr);
	/* the node types are read from queries however they are spelled */
	q = custom("( ; a comment\n identifier) @variable\n[\n\"if\" ; c\n] @keyword\n"
		   "((number) @_n @number (#eq? @_n \"(string)\"))\n");
	assert_render(q, "if (a) 1; (2)", "if=keyword a=variable");
	fs_hl_query_free(q);
}

static void json_query(void **state)
{
	fs_err e = { 0 };
	fs_hl_query *q = NULL;
	assert_int_equal(fs_hl_query_load(&q, "json", &e), 0);
	const char *s = "{\"views\": {\"n\": 1.5, \"ok\": true, \"v\": null, \"s\": \"x\"}}";
	char *got = render_range(q, tree_sitter_json(), s, 0, strlen(s));
	assert_string_equal(got, "\"views\"=property \"n\"=property 1.5=number \"ok\"=property "
			    "true=constant \"v\"=property null=constant \"s\"=property \"x\"=string");
	free(got);
	fs_hl_query_free(q);
}

static void query_errors(void **state)
{
	fs_err e = { 0 };
	fs_hl_query *q = NULL;
	const char *bad[][2] = {
		{ "(identifier) @variable\n(no_such_node) @string\n",
		  "t.scm:2:2: invalid node type near 'no_such_node) @strin'" },
		{ "(identifier) @variable\n(identifier) @colour\n", "t.scm:2:15: unknown capture @colour" },
		{ "((identifier) @a (#frob? @a \"x\"))", "t.scm:1:1: unknown predicate #frob?" },
		{ "((identifier) @a (#eq? @a))", "t.scm:1:1: #eq? takes a capture and one argument" },
		{ "((identifier) @variable (#match? @variable \"(\"))", NULL },
		{ "(identifier", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fs_hl_query_new(&q, tree_sitter_javascript(), bad[i][0],
						 strlen(bad[i][0]), "t.scm", &e), FS_E_PARSE);
		assert_null(q);
		if (bad[i][1])
			assert_string_equal(e.msg, bad[i][1]);
		else
			assert_int_equal(strncmp(e.msg, "t.scm:1:", 8), 0);
	}
	assert_int_equal(fs_hl_query_load(&q, "cobol", &e), FS_E_NOTFOUND);
}

static void user_override(void **state)
{
	char *dir = fs_test_tmpdir();
	char *qdir = fs_xasprintf("%s/fsstudio/queries", dir);
	char *file = fs_xasprintf("%s/javascript.scm", qdir);
	fs_err e = { 0 };
	fs_hl_query *q = NULL;
	assert_int_equal(fs_mkdir_p(qdir, 0755, &e), 0);
	const char *mine = "(identifier) @string\n";
	assert_int_equal(fs_write_file_atomic(file, mine, strlen(mine), 0644, &e), 0);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(fs_hl_query_load(&q, "javascript", &e), 0);
	assert_render(q, "emit(x)", "emit=string x=string");
	fs_hl_query_free(q);
	/* a broken override is reported with its path, not ignored */
	assert_int_equal(fs_write_file_atomic(file, "(oops", 5, 0644, &e), 0);
	assert_int_equal(fs_hl_query_load(&q, "javascript", &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, file));
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	free(qdir);
	free(file);
	fs_test_cleanup();
}

static void names(void **state)
{
	assert_string_equal(fs_hl_name(FS_HL_BUILTIN), "builtin");
	assert_int_equal(fs_hl_from_name("parameter"), FS_HL_PARAMETER);
	assert_int_equal(fs_hl_from_name("nope"), -1);
	assert_non_null(strstr(fs_hl_builtin_source("javascript"), "@builtin"));
}

int main(void)
{
	/* the compiled-in queries are the ones under test */
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_function_tokens),
		cmocka_unit_test(more_tokens),
		cmocka_unit_test(predicates),
		cmocka_unit_test(priorities),
		cmocka_unit_test(byte_range),
		cmocka_unit_test(split_matches_root),
		cmocka_unit_test(json_query),
		cmocka_unit_test(query_errors),
		cmocka_unit_test(user_override),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
