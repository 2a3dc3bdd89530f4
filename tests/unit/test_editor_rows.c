/* The editor's row cache (ui/editor_rows.c): after every edit the cached
 * spans of each visible row equal those of a fresh parse of the whole text,
 * and only the damaged rows and the rows scrolled into view are queried. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "js/highlight.h"
#include "js/js.h"
#include "js/textbuf.h"
#include "editor.h"
#include "testlib.h"

#define ROWS 20

static fs_hl_query *query(void)
{
	fs_hl_query *q = NULL;
	assert_int_equal(fs_hl_query_load(&q, "javascript", NULL), 0);
	return q;
}

/* 200 lines of map functions, one per 4 lines. */
static fs_tb *sample(void)
{
	fs_buf b = FS_BUF_INIT;
	for (int i = 0; i < 50; i++)
		fs_buf_printf(&b, "function (doc) {\n\tif (doc.type == \"t%d\") // c\n\t\temit(doc._id, %d);\n}\n", i, i);
	fs_tb *tb = fs_tb_new(b.data, b.len);
	fs_buf_free(&b);
	fs_tb_set_language(tb, tree_sitter_javascript());
	return tb;
}

/* Every visible row's spans against a fresh parse of the whole text. */
static void same_as_fresh(fs_ed_rows *r, fs_tb *tb, fs_hl_query *q)
{
	size_t len;
	char *text = fs_tb_text_lf(tb, &len);
	TSTree *t = fs_js_parse(text, len);
	for (size_t i = 0; i < r->n; i++) {
		size_t line = r->v[i].line;
		if (line >= fs_tb_lines(tb))
			continue;
		uint32_t off = fs_tb_offset(tb, (fs_pos){ line, 0 });
		uint32_t end = off + fs_tb_line_len(tb, line);
		fs_spans want = { 0 };
		const fs_spans *got = fs_ed_rows_get(r, line);
		fs_hl_spans_str(q, t, text, off, end, &want);
		assert_non_null(got);
		if (got->n != want.n)
			fail_msg("line %zu: %zu spans, fresh parse %zu", line + 1, got->n, want.n);
		for (size_t k = 0; k < want.n; k++) {
			assert_int_equal(got->v[k].start + off, want.v[k].start);
			assert_int_equal(got->v[k].end + off, want.v[k].end);
			assert_int_equal(got->v[k].hl, want.v[k].hl);
		}
		fs_spans_free(&want);
	}
	ts_tree_delete(t);
	free(text);
}

static void only_damaged_rows(void **state)
{
	(void)state;
	fs_hl_query *q = query();
	fs_tb *tb = sample();
	fs_ed_rows r = { 0 };
	fs_pos end;
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	assert_int_equal(r.queried, ROWS);
	same_as_fresh(&r, tb, q);
	assert_int_equal(fs_ed_rows_get(&r, 2)->v[0].hl, FS_HL_BUILTIN);  /* emit */

	/* nothing changed: nothing queried */
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	assert_int_equal(r.queried, ROWS);

	/* a letter inside a name: that row only */
	fs_tb_insert(tb, (fs_pos){ 5, 6 }, "x", 1, &end);
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	assert_int_equal(r.queried, ROWS + 1);
	same_as_fresh(&r, tb, q);

	/* scrolling by 3: three new rows */
	fs_ed_rows_update(&r, tb, q, 3, ROWS);
	assert_int_equal(r.queried, ROWS + 4);
	same_as_fresh(&r, tb, q);

	/* a new line: the rows below it move, so they are queried again */
	fs_tb_insert(tb, (fs_pos){ 10, 0 }, "\n", 1, &end);
	fs_ed_rows_update(&r, tb, q, 3, ROWS);
	assert_int_equal(r.queried, ROWS + 4 + (ROWS - 7));
	same_as_fresh(&r, tb, q);
	fs_ed_rows_free(&r);
	fs_tb_free(tb);
	fs_hl_query_free(q);
}

/* A comment opened and closed over several lines, strings that lose their
 * quote, lines joined: the cache follows a fresh parse at every step. */
static void follows_syntax_changes(void **state)
{
	(void)state;
	fs_hl_query *q = query();
	fs_tb *tb = sample();
	fs_ed_rows r = { 0 };
	fs_pos end;
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	fs_tb_insert(tb, (fs_pos){ 1, 0 }, "/*", 2, &end);
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	same_as_fresh(&r, tb, q);
	fs_tb_insert(tb, (fs_pos){ 6, 0 }, "*/", 2, &end);
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	same_as_fresh(&r, tb, q);
	assert_int_equal(fs_ed_rows_get(&r, 3)->v[0].hl, FS_HL_COMMENT);
	fs_tb_delete(tb, (fs_pos){ 9, 17 }, (fs_pos){ 9, 18 });   /* a quote */
	fs_ed_rows_update(&r, tb, q, 0, ROWS);
	same_as_fresh(&r, tb, q);
	fs_tb_delete(tb, (fs_pos){ 12, fs_tb_line_len(tb, 12) }, (fs_pos){ 14, 0 });
	fs_ed_rows_update(&r, tb, q, 2, ROWS - 5);
	same_as_fresh(&r, tb, q);
	for (int i = 0; i < 40; i++) {
		size_t line = (size_t)(i * 7) % fs_tb_lines(tb);
		fs_pos p = fs_tb_clamp(tb, (fs_pos){ line, (size_t)i % 9 });
		if (i % 3 == 0)
			fs_tb_insert(tb, p, i % 2 ? "'" : "{\n", i % 2 ? 1 : 2, &end);
		else
			fs_tb_backspace(tb, p);
		fs_ed_rows_update(&r, tb, q, (size_t)i % 5, ROWS);
		same_as_fresh(&r, tb, q);
	}
	fs_ed_rows_free(&r);
	fs_tb_free(tb);
	fs_hl_query_free(q);
}

/* Without a query rows exist but have no spans; past the end, no rows. */
static void no_query_and_short_text(void **state)
{
	(void)state;
	fs_tb *tb = fs_tb_new("a\nb", 3);
	fs_ed_rows r = { 0 };
	fs_ed_rows_update(&r, tb, NULL, 0, 10);
	assert_int_equal(r.queried, 2);
	assert_int_equal(fs_ed_rows_get(&r, 1)->n, 0);
	assert_null(fs_ed_rows_get(&r, 5));
	assert_null(fs_ed_rows_get(&r, 10));
	fs_ed_rows_reset(&r);
	assert_null(fs_ed_rows_get(&r, 0));
	fs_ed_rows_free(&r);
	fs_tb_free(tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_damaged_rows),
		cmocka_unit_test(follows_syntax_changes),
		cmocka_unit_test(no_query_and_short_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
