/* The line dialect reader and writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/lines.h"

static fs_lfile *parse_ok(const char *text)
{
	fs_lfile *f;
	fs_err e;
	if (fs_lines_parse(&f, "t.yaml", text, strlen(text), &e))
		fail_msg("%s", e.msg);
	return f;
}

static char *render(const fs_lfile *f)
{
	fs_buf b = FS_BUF_INIT;
	fs_lines_render(f, &b);
	return fs_buf_steal(&b);
}

#define DOC \
	"\xe2\x86\x91" "convertigo: 8.1\n" \
	"\xe2\x86\x93" "p [core.Project]: \n" \
	"  comment: |\n" \
	"    'a: b\n" \
	"    \n" \
	"    it''s'\n" \
	"  plain: x y\n" \
	"  quoted: '-x'\n" \
	"  empty: ''\n" \
	"  arr: \n" \
	"    - xmlizable: \n" \
	"      - \xe2\x86\x91" "classname: X\n" \
	"      - \xe2\x86\x92\xe2\x86\x92: '[1]'\n" \
	"  cd: \n" \
	"    \xe2\x86\x92: |\n" \
	"      /*a*/\n" \
	"      \tb\n" \
	"      \n" \
	"  \xe2\x86\x93" "c [connectors.FullSyncConnector]: \xf0\x9f\x97\x8f connectors/c.yaml\n" \
	"  \xe2\x86\x93" "v [variables.RequestableVariable-1486393547007]: "

static void parse_and_roundtrip(void **state)
{
	fs_lfile *f = parse_ok(DOC);
	assert_false(f->crlf);
	assert_false(f->final_eol);
	assert_int_equal(f->root->nkids, 2);
	fs_line *attr = f->root->kids[0], *p = f->root->kids[1];
	assert_int_equal(attr->type, FS_LN_ATTR);
	assert_string_equal(attr->key, "convertigo");
	assert_int_equal(p->type, FS_LN_BEAN);
	assert_string_equal(p->cls, "core.Project");
	assert_string_equal(fs_line_kid(p, FS_LN_PROP, "comment")->value, "a: b\n\nit's");
	assert_string_equal(fs_line_kid(p, FS_LN_PROP, "plain")->value, "x y");
	assert_string_equal(fs_line_kid(p, FS_LN_PROP, "quoted")->value, "-x");
	assert_string_equal(fs_line_kid(p, FS_LN_PROP, "empty")->value, "");
	fs_line *arr = fs_line_kid(p, FS_LN_PROP, "arr");
	assert_null(arr->value);
	assert_true(arr->kids[0]->dash);
	assert_int_equal(arr->kids[0]->kids[1]->type, FS_LN_TEXT);
	assert_string_equal(arr->kids[0]->kids[1]->value, "[1]");
	char *t = fs_line_kids_text(arr);
	assert_string_equal(t, "- xmlizable: \n  - \xe2\x86\x91" "classname: X\n  - \xe2\x86\x92\xe2\x86\x92: '[1]'");
	free(t);
	fs_line *cd = fs_line_kid(p, FS_LN_PROP, "cd")->kids[0];
	assert_int_equal(cd->type, FS_LN_CDATA);
	assert_string_equal(cd->value, "/*a*/\n\tb\n");
	fs_line *c = fs_line_kid(p, FS_LN_BEAN, "c");
	assert_string_equal(c->include, "connectors/c.yaml");
	assert_string_equal(fs_line_kid(p, FS_LN_BEAN, "v")->cls, "variables.RequestableVariable-1486393547007");
	char *out = render(f);
	assert_string_equal(out, DOC);
	free(out);
	fs_lfile_free(f);
}

/* Regenerated lines read back as the same values. */
static void regenerate(void **state)
{
	fs_lfile *f = parse_ok(DOC);
	fs_line *p = f->root->kids[1];
	const char *vals[] = { "", "-x", "a: b", "it's", "x #y", "multi\nline: yes\n", "plain\ntext", "caf\xc3\xa9", "@a" };
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		fs_line_set_value(fs_line_kid(p, FS_LN_PROP, "plain"), vals[i]);
		char *out = render(f);
		fs_lfile *g = parse_ok(out);
		assert_string_equal(fs_line_kid(g->root->kids[1], FS_LN_PROP, "plain")->value, vals[i]);
		fs_lfile_free(g);
		free(out);
	}
	fs_line_set_value(fs_line_kid(p, FS_LN_PROP, "plain"), "multi\nline: yes\n");
	char *out = render(f);
	assert_non_null(strstr(out, "  plain: |\n    'multi\n    line: yes\n    '\n  quoted"));
	free(out);
	fs_line_set_value(fs_line_kid(p, FS_LN_PROP, "plain"), "a\n\nb");
	out = render(f);
	assert_non_null(strstr(out, "  plain: |\n    a\n    \n    b\n  quoted"));
	free(out);
	fs_lfile_free(f);
}

static void crlf_and_final_newline(void **state)
{
	const char *t = "\xe2\x86\x93p [core.Project]: \r\n  c: |\r\n    a\r\n    b\r\n  d: e\r\n";
	fs_lfile *f = parse_ok(t);
	assert_true(f->crlf);
	assert_true(f->final_eol);
	assert_string_equal(fs_line_kid(f->root->kids[0], FS_LN_PROP, "c")->value, "a\nb");
	fs_line_set_value(fs_line_kid(f->root->kids[0], FS_LN_PROP, "d"), "x\ny");
	char *out = render(f);
	assert_string_equal(out, "\xe2\x86\x93p [core.Project]: \r\n  c: |\r\n    a\r\n    b\r\n  d: |\r\n    x\r\n    y\r\n");
	free(out);
	fs_lfile_free(f);
	/* found by the fuzzer: one empty line, with or without CR; empty blocks */
	const char *tiny[] = { "", "\n", "\r\n", "\n\n", "a: |\n  ", "a: |\n\nb: c" };
	for (size_t i = 0; i < sizeof tiny / sizeof *tiny; i++) {
		f = parse_ok(tiny[i]);
		out = render(f);
		assert_string_equal(out, tiny[i]);
		free(out);
		fs_lfile_free(f);
	}
	/* mixed line breaks stay as they are */
	t = "a: b\r\nc: d\ne: f";
	f = parse_ok(t);
	assert_false(f->crlf);
	out = render(f);
	assert_string_equal(out, t);
	free(out);
	fs_lfile_free(f);
}

static void reindent_and_clone(void **state)
{
	fs_lfile *f = parse_ok(DOC);
	fs_line *p = f->root->kids[1];
	fs_line *cd = fs_line_clone(fs_line_kid(p, FS_LN_PROP, "cd"));
	fs_lfile *g = fs_lfile_new("g.yaml", 0);
	fs_line_insert(g->root, SIZE_MAX, cd);
	char *out = render(g);
	assert_string_equal(out, "cd: \n  \xe2\x86\x92: |\n    /*a*/\n    \tb\n    ");
	free(out);
	fs_line_detach(cd);
	fs_line_free(cd);
	fs_lfile_free(g);
	fs_lfile_free(f);
}

static void errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "a b", "t.yaml:1: expected 'key: value'" },
		{ "a: \n   b: c", "t.yaml:2: bad indentation: 3 spaces where 2 are expected" },
		{ "  a: b", "t.yaml:1: bad indentation: 2 spaces where 0 are expected" },
		{ "a: 'x", "t.yaml:1: unterminated quoted text" },
		{ "a: |\nb: c", "t.yaml:1: a '|' value needs its text" },
		{ "a: |\n  'x\n  y", "t.yaml:1: unterminated quoted text" },
		{ "\xe2\x86\x93" "x: ", "t.yaml:1: a bean line reads" },
		{ "\xe2\x86\x93" "x [y]: z", "t.yaml:1: a bean line ends with" },
		{ "\xe2\x86\x92" "x: y", "t.yaml:1: expected ': ' after the text marker" },
		{ ": x", "t.yaml:1: missing key" },
		{ "a: b\nc: \0", "t.yaml:2: binary data" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fs_lfile *f = (fs_lfile *)1;
		fs_err e;
		size_t len = strlen(cases[i].text) + (strstr(cases[i].msg, "binary") ? 1 : 0);
		assert_int_equal(fs_lines_parse(&f, "t.yaml", cases[i].text, len, &e), FS_E_PARSE);
		assert_null(f);
		if (strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: got '%s'", i, e.msg);
	}
}

static void quoting_rule(void **state)
{
	const char *yes[] = { "", "-a", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", "a: b" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_true(fs_lines_needs_quote(yes[i]));
	assert_false(fs_lines_needs_quote("a:b"));
	assert_false(fs_lines_needs_quote("=Origin"));
	assert_false(fs_lines_needs_quote("x - y"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_roundtrip),
		cmocka_unit_test(regenerate),
		cmocka_unit_test(crlf_and_final_newline),
		cmocka_unit_test(reindent_and_clone),
		cmocka_unit_test(errors),
		cmocka_unit_test(quoting_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
