/* The panes' shared line store: adding, clearing, and the search hooks
 * (matches in the text or the key, wrapping both ways). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include "view.h"
#include "testlib.h"

static void add_copies_and_clear_frees(void **state)
{
	fs_lines s = { 0 };
	char text[] = "deploy done";
	for (int i = 0; i < 200; i++)
		fs_lines_add(&s, 1, 2, i % 2 ? "db\tid" : NULL, text);
	text[0] = 'X';
	assert_int_equal(s.n, 200);
	assert_string_equal(s.v[199].text, "deploy done");
	assert_string_equal(s.v[199].key, "db\tid");
	assert_null(s.v[0].key);
	fs_line *l = fs_lines_add(&s, 3, 4, NULL, NULL);
	l->ref = 7;
	assert_null(s.v[200].text);
	assert_int_equal(s.v[200].ref, 7);
	fs_lines_clear(&s);
	assert_int_equal(s.n, 0);
	assert_true(s.cap >= 201);
	fs_lines_free(&s);
	assert_null(s.v);
}

static void find_wraps_both_ways(void **state)
{
	fs_lines s = { 0 };
	fs_lines_add(&s, 0, 0, NULL, "alpha");
	fs_lines_add(&s, 0, 0, "Commit", "beta");
	fs_lines_add(&s, 0, 0, NULL, "gamma commit");
	fs_lines_add(&s, 0, 0, NULL, NULL);
	assert_int_equal(fs_lines_find(&s, 0, "commit", 0), 1);  /* in the key */
	assert_int_equal(fs_lines_find(&s, 1, "commit", 0), 2);
	assert_int_equal(fs_lines_find(&s, 2, "commit", 0), 1);  /* wraps */
	assert_int_equal(fs_lines_find(&s, 1, "commit", 1), 2);  /* back, wraps */
	assert_int_equal(fs_lines_find(&s, 2, "commit", 1), 1);
	assert_int_equal(fs_lines_find(&s, 0, "alpha", 0), 0);   /* itself last */
	assert_int_equal(fs_lines_find(&s, 0, "delta", 0), -1);
	assert_int_equal(fs_lines_find(&s, 0, "", 0), -1);
	fs_pane p = { .store = &s, .lineno = 1 };
	assert_int_equal(fs_pane_find(&p, "GAMMA", 0), 2);
	p.store = NULL;
	assert_int_equal(fs_pane_find(&p, "gamma", 0), -1);
	fs_lines_free(&s);
}

static void wrap_at_spaces_and_long_words(void **state)
{
	fs_lines s = { 0 };
	fs_line *l = fs_lines_add_wrapped(&s, 1, 2, "db\tid", "  refused _design/x: a/very/long/path/to/map, line 2, column 46: missing", 20, 4);
	assert_string_equal(l->key, "db\tid");
	const char *want[] = { "  refused _design/x:", "    a/very/long/path", "    /to/map, line 2,", "    column 46:", "    missing" };
	assert_int_equal(s.n, 5);
	for (size_t i = 0; i < s.n; i++) {
		assert_string_equal(s.v[i].text, want[i]);
		assert_int_equal(s.v[i].type, 1);
		assert_int_equal(s.v[i].color, 2);
		assert_int_equal(!!(s.v[i].flags & FS_LINE_CONT), i > 0);
		assert_true(i == 0 || !s.v[i].key);
		assert_int_equal(fs_lines_head(&s, i), 0);
	}
	/* fits: one line, as given; no width: one line */
	fs_lines_add_wrapped(&s, 0, 0, NULL, "short one", 20, 4);
	fs_lines_add_wrapped(&s, 0, 0, NULL, "a line far wider than twenty columns", 0, 4);
	assert_int_equal(s.n, 7);
	assert_string_equal(s.v[5].text, "short one");
	assert_int_equal(fs_lines_head(&s, 6), 6);
	/* characters, not bytes, count (when the locale decodes UTF-8) */
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		fs_lines_clear(&s);
		fs_lines_add_wrapped(&s, 0, 0, NULL, "\u2713 created x", 11, 2);
		assert_int_equal(s.n, 1);
	}
	fs_lines_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_copies_and_clear_frees),
		cmocka_unit_test(find_wraps_both_ways),
		cmocka_unit_test(wrap_at_spaces_and_long_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
