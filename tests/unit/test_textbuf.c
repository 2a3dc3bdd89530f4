/* The editor buffer: editing, undo grouping, search, indentation, columns,
 * brackets, and the incremental tree against a full reparse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "js/highlight.h"
#include "js/js.h"
#include "js/textbuf.h"

#define P(l, c) ((fs_pos){ (l), (c) })

static void assert_text(fs_tb *tb, const char *want)
{
	char *s = fs_tb_text(tb, NULL);
	assert_string_equal(s, want);
	free(s);
}

static void type(fs_tb *tb, fs_pos *cur, const char *s)
{
	for (; *s; s++)
		fs_tb_insert(tb, *cur, s, 1, cur);
}

static void load_and_text(void **state)
{
	const char *texts[] = { "", "a", "a\n", "\n\n", "one\ntwo\n\nfour" };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		fs_tb *tb = fs_tb_new(texts[i], strlen(texts[i]));
		assert_text(tb, texts[i]);
		assert_int_equal(fs_tb_size(tb), strlen(texts[i]));
		fs_tb_free(tb);
	}
	/* CRLF: edits see "\n", the text comes back with "\r\n" */
	fs_tb *tb = fs_tb_new("function (doc) {\r\n\temit(1);\r\n}", 31);
	assert_int_equal(fs_tb_lines(tb), 3);
	assert_int_equal(fs_tb_line_len(tb, 0), 16);
	fs_tb_insert(tb, P(1, 0), "x\r\ny\n", 5, NULL);   /* a pasted CRLF text */
	assert_text(tb, "function (doc) {\r\nx\r\ny\r\n\temit(1);\r\n}");
	char *lf = fs_tb_text_lf(tb, NULL);
	assert_string_equal(lf, "function (doc) {\nx\ny\n\temit(1);\n}");
	free(lf);
	assert_false(fs_tb_dirty(tb) == 0);
	fs_tb_free(tb);
}

static void insert_delete_offsets(void **state)
{
	fs_tb *tb = fs_tb_new("abc\ndef", 7);
	fs_pos end;
	fs_tb_insert(tb, P(0, 1), "X\nY\nZ", 5, &end);
	assert_text(tb, "aX\nY\nZbc\ndef");
	assert_int_equal(end.line, 2);
	assert_int_equal(end.col, 1);
	assert_int_equal(fs_tb_offset(tb, P(3, 1)), 10);
	fs_pos p = fs_tb_pos_at(tb, 10);
	assert_int_equal(p.line, 3);
	assert_int_equal(p.col, 1);
	char *s = fs_tb_get(tb, P(2, 1), P(0, 1), NULL);
	assert_string_equal(s, "X\nY\nZ");
	free(s);
	fs_tb_delete(tb, P(2, 2), P(0, 1));   /* any order */
	assert_text(tb, "ac\ndef");
	/* out-of-range positions are clamped, never trusted */
	fs_tb_insert(tb, P(99, 99), "!", 1, &end);
	assert_text(tb, "ac\ndef!");
	assert_int_equal(fs_tb_goto_line(tb, 2).line, 1);
	assert_int_equal(fs_tb_goto_line(tb, 50).line, 1);
	assert_int_equal(fs_tb_goto_line(tb, 0).line, 0);
	fs_tb_free(tb);
}

static void undo_groups(void **state)
{
	fs_tb *tb = fs_tb_new("", 0);
	fs_pos cur = P(0, 0), at;
	type(tb, &cur, "hello world");
	assert_true(fs_tb_undo(tb, &at));
	assert_text(tb, "hello ");            /* "world" was one step */
	assert_int_equal(at.col, 6);
	assert_true(fs_tb_undo(tb, &at));
	assert_text(tb, "");                  /* "hello " the step before */
	assert_false(fs_tb_undo(tb, &at));
	assert_true(fs_tb_redo(tb, &at));
	assert_true(fs_tb_redo(tb, &at));
	assert_text(tb, "hello world");
	assert_false(fs_tb_redo(tb, &at));
	/* a newline closes the step */
	cur = P(0, 11);
	type(tb, &cur, "\nab");
	assert_true(fs_tb_undo(tb, NULL));
	assert_text(tb, "hello world\n");
	assert_true(fs_tb_undo(tb, NULL));
	assert_text(tb, "hello world");  /* the redo closed "world" */
	assert_true(fs_tb_undo(tb, NULL));
	assert_text(tb, "hello ");
	/* a new edit drops the redo steps */
	cur = P(0, 6);
	type(tb, &cur, "x");
	assert_false(fs_tb_redo(tb, NULL));
	assert_text(tb, "hello x");
	/* backspaces over a word are one step; a cursor jump closes it */
	cur = fs_tb_backspace(tb, P(0, 7));
	cur = fs_tb_backspace(tb, cur);
	assert_text(tb, "hello");
	fs_tb_group_close(tb);
	fs_tb_delete_char(tb, P(0, 0));
	fs_tb_delete_char(tb, P(0, 0));
	assert_text(tb, "llo");
	assert_true(fs_tb_undo(tb, NULL));
	assert_text(tb, "hello");
	assert_true(fs_tb_undo(tb, NULL));
	assert_text(tb, "hello x");
	fs_tb_free(tb);
}

static void dirty_and_generation(void **state)
{
	fs_tb *tb = fs_tb_new("a", 1);
	fs_pos cur = P(0, 1);
	assert_false(fs_tb_dirty(tb));
	unsigned long g = fs_tb_generation(tb);
	type(tb, &cur, "bc");
	assert_true(fs_tb_dirty(tb));
	assert_true(fs_tb_generation(tb) > g);
	fs_tb_mark_clean(tb);
	assert_false(fs_tb_dirty(tb));
	type(tb, &cur, "d");
	assert_true(fs_tb_dirty(tb));
	fs_tb_undo(tb, NULL);
	assert_false(fs_tb_dirty(tb));   /* back to the saved text */
	fs_tb_undo(tb, NULL);
	assert_true(fs_tb_dirty(tb));
	fs_tb_redo(tb, NULL);
	assert_false(fs_tb_dirty(tb));
	fs_tb_free(tb);
}

static void cut_copy_paste(void **state)
{
	fs_tb *tb = fs_tb_new("one\ntwo\nthree", 13);
	size_t n;
	char *clip = fs_tb_cut(tb, P(2, 2), P(0, 1), &n);
	assert_string_equal(clip, "ne\ntwo\nth");
	assert_int_equal(n, 9);
	assert_text(tb, "oree");
	fs_pos end;
	fs_tb_insert(tb, P(0, 4), clip, n, &end);  /* paste */
	assert_text(tb, "oreene\ntwo\nth");
	assert_int_equal(end.line, 2);
	assert_int_equal(end.col, 2);
	fs_tb_undo(tb, NULL);
	assert_text(tb, "oree");
	fs_tb_undo(tb, NULL);
	assert_text(tb, "one\ntwo\nthree");
	free(clip);
	fs_tb_free(tb);
}

static void search_wraps(void **state)
{
	fs_tb *tb = fs_tb_new("emit(a);\nEmit(b);\nemit(c);", 26);
	fs_pos at;
	int wrapped;
	assert_true(fs_tb_search(tb, "emit", P(0, 1), 0, &at, &wrapped));
	assert_int_equal(at.line, 2);
	assert_false(wrapped);
	assert_true(fs_tb_search(tb, "emit", P(2, 1), 0, &at, &wrapped));
	assert_int_equal(at.line, 0);
	assert_true(wrapped);
	assert_true(fs_tb_search(tb, "emit", P(0, 1), FS_TB_ICASE, &at, &wrapped));
	assert_int_equal(at.line, 1);
	assert_true(fs_tb_search(tb, "emit", P(2, 0), FS_TB_BACKWARD, &at, &wrapped));
	assert_int_equal(at.line, 0);
	assert_false(wrapped);
	assert_true(fs_tb_search(tb, "emit", P(0, 0), FS_TB_BACKWARD, &at, &wrapped));
	assert_int_equal(at.line, 2);
	assert_true(wrapped);
	assert_true(fs_tb_search(tb, ";\nEm", P(0, 0), 0, &at, NULL));   /* across lines */
	assert_int_equal(at.col, 7);
	assert_false(fs_tb_search(tb, "nope", P(0, 0), 0, &at, NULL));
	assert_false(fs_tb_search(tb, "", P(0, 0), 0, &at, NULL));
	fs_tb_free(tb);
}

static void replace_one_and_all(void **state)
{
	fs_tb *tb = fs_tb_new("emit(a);\nEmit(b);\nemit(c);", 26);
	fs_pos end;
	assert_false(fs_tb_replace(tb, P(0, 1), "emit", "log", 0, &end));
	assert_true(fs_tb_replace(tb, P(1, 0), "emit", "log", FS_TB_ICASE, &end));
	assert_int_equal(end.col, 3);
	assert_text(tb, "emit(a);\nlog(b);\nemit(c);");
	assert_int_equal(fs_tb_replace_all(tb, "emit(", "send(\n", 0), 2);
	assert_text(tb, "send(\na);\nlog(b);\nsend(\nc);");
	fs_tb_undo(tb, NULL);                   /* all at once */
	assert_text(tb, "emit(a);\nlog(b);\nemit(c);");
	fs_tb_undo(tb, NULL);
	assert_text(tb, "emit(a);\nEmit(b);\nemit(c);");
	assert_int_equal(fs_tb_replace_all(tb, "zz", "y", 0), 0);
	fs_tb_free(tb);
}

static void auto_indent(void **state)
{
	fs_tb *tb = fs_tb_new("\tif (x) {", 9);
	fs_pos cur = fs_tb_newline(tb, P(0, 9));
	assert_text(tb, "\tif (x) {\n\t\t");
	assert_int_equal(cur.line, 1);
	assert_int_equal(cur.col, 2);
	type(tb, &cur, "a;");
	cur = fs_tb_newline(tb, cur);
	assert_text(tb, "\tif (x) {\n\t\ta;\n\t\t");
	fs_tb_free(tb);
	/* Enter between brackets puts the closer on its own line */
	tb = fs_tb_new("  f({})", 7);
	fs_tb_set_indent(tb, 2);
	cur = fs_tb_newline(tb, P(0, 5));
	assert_text(tb, "  f({\n    \n  })");
	assert_int_equal(cur.line, 1);
	assert_int_equal(cur.col, 4);
	assert_true(fs_tb_undo(tb, NULL));
	assert_text(tb, "  f({})");
	fs_tb_free(tb);
}

static void indent_range(void **state)
{
	fs_tb *tb = fs_tb_new("a\n\n  b\n\tc", 9);
	fs_tb_indent(tb, 0, 3, 1);
	assert_text(tb, "\ta\n\n\t  b\n\t\tc");
	fs_tb_indent(tb, 0, 3, -1);
	fs_tb_indent(tb, 0, 3, -1);
	assert_text(tb, "a\n\nb\nc");
	fs_tb_undo(tb, NULL);
	assert_text(tb, "a\n\n  b\n\tc");
	fs_tb_set_indent(tb, 4);
	fs_tb_indent(tb, 2, 2, 1);
	assert_text(tb, "a\n\n      b\n\tc");
	fs_tb_free(tb);
}

static void brackets(void **state)
{
	const char *s = "f(a, \")\", [b]) {\n\tx(\"(\");\n}";
	fs_tb *tb = fs_tb_new(s, strlen(s));
	fs_pos m;
	/* without a tree: a plain scan, fooled by the string */
	assert_true(fs_tb_match_bracket(tb, P(0, 1), &m));
	assert_int_equal(m.col, 6);
	/* with a tree: strings are skipped */
	fs_tb_set_language(tb, tree_sitter_javascript());
	assert_true(fs_tb_match_bracket(tb, P(0, 1), &m));
	assert_int_equal(m.line, 0);
	assert_int_equal(m.col, 13);
	assert_true(fs_tb_match_bracket(tb, P(0, 14), &m));   /* just after ')' */
	assert_int_equal(m.col, 1);
	assert_true(fs_tb_match_bracket(tb, P(2, 0), &m));
	assert_int_equal(m.line, 0);
	assert_int_equal(m.col, 15);
	assert_true(fs_tb_match_bracket(tb, P(0, 10), &m));
	assert_int_equal(m.col, 12);
	assert_false(fs_tb_match_bracket(tb, P(0, 3), &m));
	fs_tb_free(tb);
}

static void columns(void **state)
{
	/* "\tab" then e-acute (2 bytes) then a CJK character (3 bytes, width 2) */
	const char *s = "\tab\xc3\xa9\xe4\xb8\xadz";
	fs_tb *tb = fs_tb_new(s, strlen(s));
	fs_tb_set_tabstop(tb, 4);
	assert_int_equal(fs_tb_display_col(tb, 0, 0), 0);
	assert_int_equal(fs_tb_display_col(tb, 0, 1), 4);
	assert_int_equal(fs_tb_display_col(tb, 0, 3), 6);
	assert_int_equal(fs_tb_display_col(tb, 0, 5), 7);
	assert_int_equal(fs_tb_display_col(tb, 0, 8), 9);
	assert_int_equal(fs_tb_col_at_display(tb, 0, 2), 0);   /* inside the tab */
	assert_int_equal(fs_tb_col_at_display(tb, 0, 7), 5);
	assert_int_equal(fs_tb_col_at_display(tb, 0, 8), 5);   /* right half of the wide char */
	assert_int_equal(fs_tb_col_at_display(tb, 0, 9), 8);
	assert_int_equal(fs_tb_col_at_display(tb, 0, 99), 9);
	/* cursor steps over whole characters, and clamps back onto one */
	assert_int_equal(fs_tb_next_char(tb, P(0, 3)).col, 5);
	assert_int_equal(fs_tb_prev_char(tb, P(0, 8)).col, 5);
	assert_int_equal(fs_tb_clamp(tb, P(0, 6)).col, 5);
	fs_pos p = fs_tb_backspace(tb, P(0, 8));
	assert_int_equal(p.col, 5);
	assert_text(tb, "\tab\xc3\xa9z");
	fs_tb_free(tb);
	size_t clen;
	assert_int_equal(fs_char_width("\x01", 1, 0, 8, &clen), 2);
	assert_int_equal(fs_char_width("\xff", 1, 0, 8, &clen), 1);
	assert_int_equal(fs_char_width("\xe4\xb8", 2, 0, 8, &clen), 1);  /* cut short */
	assert_int_equal(clen, 1);
}

static void damage_lines(void **state)
{
	const char *s = "var a = 1;\nvar b = 2;\nvar c = 3; // */\n";
	fs_tb *tb = fs_tb_new(s, strlen(s));
	size_t first, last;
	fs_tb_set_language(tb, tree_sitter_javascript());
	assert_true(fs_tb_take_damage(tb, &first, &last));
	assert_false(fs_tb_take_damage(tb, &first, &last));
	fs_tb_insert(tb, P(1, 4), "x", 1, NULL);
	assert_true(fs_tb_take_damage(tb, &first, &last));
	assert_int_equal(first, 1);
	assert_int_equal(last, 1);
	/* opening a comment changes the syntax of the lines below */
	fs_tb_insert(tb, P(0, 0), "/*", 2, NULL);
	assert_true(fs_tb_take_damage(tb, &first, &last));
	assert_int_equal(first, 0);
	assert_int_equal(last, 2);
	uint32_t n;
	assert_non_null(fs_tb_changed_ranges(tb, &n));
	assert_true(n >= 1);
	fs_tb_insert(tb, P(0, 0), "\n", 1, NULL);
	assert_true(fs_tb_take_damage(tb, &first, &last));
	assert_int_equal(last, SIZE_MAX);
	fs_tb_free(tb);
}

/* Drafting: a large text is drawn with the edited tree (no reparse, the
 * colors of the lines below still right), fs_tb_tree reparses and the lines
 * typed in meanwhile come back as damaged. */
static void draft_until_asked(void **state)
{
	const char *s = "// one\nvar b = 'two';\nvar c = 3;\n";
	fs_tb *tb = fs_tb_new(s, strlen(s));
	fs_hl_query *q = NULL;
	fs_spans sp = { 0 };
	size_t first, last;
	assert_int_equal(fs_hl_query_load(&q, "javascript", NULL), 0);
	fs_tb_set_language(tb, tree_sitter_javascript());
	fs_tb_set_draft(tb, 8);
	fs_tb_take_damage(tb, &first, &last);
	fs_tb_insert(tb, P(0, 3), "xyz", 3, NULL);   /* in the comment */
	assert_true(fs_tb_take_damage(tb, &first, &last));
	assert_int_equal(first, 0);
	assert_int_equal(last, 0);
	assert_true(fs_tb_stale(tb));      /* drawing did not reparse */
	fs_tb_spans(tb, q, 0, 2, &sp);
	assert_true(fs_tb_stale(tb));
	assert_int_equal(fs_spans_at(&sp, 4), FS_HL_COMMENT);       /* typed */
	assert_int_equal(fs_spans_at(&sp, 10 + 8), FS_HL_STRING);   /* moved by 3 */
	assert_non_null(fs_tb_tree(tb));
	assert_false(fs_tb_stale(tb));
	/* the syntax did not change: the line typed in comes back all the same */
	assert_true(fs_tb_take_damage(tb, &first, &last));
	assert_int_equal(first, 0);
	assert_int_equal(last, 0);
	/* a small text (or drafting off) reparses for drawing */
	fs_tb_set_draft(tb, 0);
	fs_tb_insert(tb, P(1, 4), "v", 1, NULL);
	fs_tb_take_damage(tb, &first, &last);
	assert_false(fs_tb_stale(tb));
	fs_spans_free(&sp);
	fs_hl_query_free(q);
	fs_tb_free(tb);
}

/* ---- Incremental parsing against a full reparse ------------------------ */

static const char *const pieces[] = {
	"emit(doc._id, 1);", "function (doc) {", "}", "{", "(", ")", "\"", "'", "`",
	"/*", "*/", "//", "\n", "\n\t", " ", "if (doc.type == 'a') ", "x", "é", "中",
	"var MAX = [1, 2];", "return sum(values);", "${", ";", "\\",
};

/* Same shape (checked by the caller) and same byte and point ranges. */
static void same_positions(TSNode a, TSNode b)
{
	assert_int_equal(ts_node_start_byte(a), ts_node_start_byte(b));
	assert_int_equal(ts_node_end_byte(a), ts_node_end_byte(b));
	assert_int_equal(ts_node_start_point(a).row, ts_node_start_point(b).row);
	assert_int_equal(ts_node_start_point(a).column, ts_node_start_point(b).column);
	assert_int_equal(ts_node_end_point(a).row, ts_node_end_point(b).row);
	assert_int_equal(ts_node_end_point(a).column, ts_node_end_point(b).column);
	for (uint32_t i = 0; i < ts_node_child_count(a); i++)
		same_positions(ts_node_child(a, i), ts_node_child(b, i));
}

static void check_same(fs_tb *tb, fs_hl_query *q, TSParser *p)
{
	size_t len;
	char *text = fs_tb_text(tb, &len);
	const TSTree *inc = fs_tb_tree(tb);
	TSTree *full = ts_parser_parse_string(p, NULL, text, len);
	char *a = ts_node_string(ts_tree_root_node(inc));
	char *b = ts_node_string(ts_tree_root_node(full));
	assert_string_equal(a, b);
	free(a);
	free(b);
	same_positions(ts_tree_root_node(inc), ts_tree_root_node(full));
	fs_spans s1 = { 0 }, s2 = { 0 };
	fs_hl_spans(q, inc, fs_tb_hl_text(tb), 0, len, &s1);
	fs_hl_spans_str(q, full, text, 0, len, &s2);
	assert_int_equal(s1.n, s2.n);
	assert_memory_equal(s1.v, s2.v, s1.n * sizeof *s1.v);
	/* the visible-rows call agrees with the whole-text one on its range */
	size_t first = fs_tb_lines(tb) / 3;
	fs_tb_spans(tb, q, first, 5, &s1);
	for (size_t i = 0; i < s1.n; i++)
		assert_int_equal(fs_spans_at(&s2, s1.v[i].start), s1.v[i].hl);
	fs_spans_free(&s1);
	fs_spans_free(&s2);
	ts_tree_delete(full);
	free(text);
}

/* The point of byte off in text, counted the tree-sitter way (bytes). */
static TSPoint point_of(const char *text, uint32_t off)
{
	TSPoint p = { 0, 0 };
	for (uint32_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			p.row++;
			p.column = 0;
		} else {
			p.column++;
		}
	}
	return p;
}

static void assert_point(TSPoint a, TSPoint b)
{
	assert_int_equal(a.row, b.row);
	assert_int_equal(a.column, b.column);
}

/* The edit given to the tree matches the texts before and after it. */
static void check_edit(fs_tb *tb, const char *before, unsigned long gen)
{
	if (fs_tb_generation(tb) == gen)
		return;   /* nothing changed */
	const TSInputEdit *ed = fs_tb_last_edit(tb);
	char *after = fs_tb_text(tb, NULL);
	assert_point(ed->start_point, point_of(before, ed->start_byte));
	assert_point(ed->old_end_point, point_of(before, ed->old_end_byte));
	assert_point(ed->new_end_point, point_of(after, ed->new_end_byte));
	assert_int_equal((long)strlen(after) - (long)strlen(before),
			 (long)ed->new_end_byte - (long)ed->old_end_byte);
	free(after);
}

static fs_pos random_pos(fs_tb *tb)
{
	size_t line = rand() % fs_tb_lines(tb);
	size_t len = fs_tb_line_len(tb, line);
	return fs_tb_clamp(tb, P(line, len ? rand() % (len + 1) : 0));
}

static void random_edits_match_full_parse(void **state)
{
	fs_err e = { 0 };
	fs_hl_query *q = NULL;
	assert_int_equal(fs_hl_query_load(&q, "javascript", &e), 0);
	TSParser *p = ts_parser_new();
	ts_parser_set_language(p, tree_sitter_javascript());
	for (unsigned seed = 1; seed <= 3; seed++) {
		srand(seed);
		const char *start = "function (doc) {\n\tif (doc.type == \"a\") {\n"
			"\t\temit(doc._id, 1);\n\t}\n}\n";
		fs_tb *tb = fs_tb_new(start, strlen(start));
		fs_tb_set_language(tb, tree_sitter_javascript());
		if (seed == 3)
			fs_tb_set_draft(tb, 1);   /* the last run draws between parses */
		for (int step = 0; step < 300; step++) {
			int r = rand() % 10;
			char *before = fs_tb_text(tb, NULL);
			unsigned long gen = fs_tb_generation(tb);
			if (r < 5) {
				const char *s = pieces[rand() % (sizeof pieces / sizeof *pieces)];
				fs_tb_insert(tb, random_pos(tb), s, strlen(s), NULL);
			} else if (r < 8) {
				fs_pos a = random_pos(tb);
				fs_pos b = fs_tb_pos_at(tb, fs_tb_offset(tb, a) + rand() % 12);
				fs_tb_delete(tb, a, b);
			} else if (r < 9) {
				fs_tb_undo(tb, NULL);
			} else {
				fs_tb_redo(tb, NULL);
			}
			/* undo and redo may replay several edits: check single ones */
			if (r < 8)
				check_edit(tb, before, gen);
			free(before);
			if (seed == 3) {
				/* spans from the edited tree stay within the text */
				fs_spans d = { 0 };
				fs_tb_spans(tb, q, rand() % fs_tb_lines(tb), 5, &d);
				for (size_t i = 0; i < d.n; i++)
					assert_true(d.v[i].start < d.v[i].end && d.v[i].end <= fs_tb_size(tb));
				fs_spans_free(&d);
			}
			/* several edits between two parses, like fast typing */
			if (rand() % 3)
				check_same(tb, q, p);
		}
		check_same(tb, q, p);
		fs_tb_free(tb);
	}
	ts_parser_delete(p);
	fs_hl_query_free(q);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_and_text),
		cmocka_unit_test(insert_delete_offsets),
		cmocka_unit_test(undo_groups),
		cmocka_unit_test(dirty_and_generation),
		cmocka_unit_test(cut_copy_paste),
		cmocka_unit_test(search_wraps),
		cmocka_unit_test(replace_one_and_all),
		cmocka_unit_test(auto_indent),
		cmocka_unit_test(indent_range),
		cmocka_unit_test(brackets),
		cmocka_unit_test(columns),
		cmocka_unit_test(damage_lines),
		cmocka_unit_test(draft_until_asked),
		cmocka_unit_test(random_edits_match_full_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
