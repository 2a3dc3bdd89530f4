/* Highlight benchmark program: does one measured thing on a generated
 * JavaScript file, inside bench_run() so that callgrind counts only it
 * (--toggle-collect=bench_run). Modes:
 *   parse   a bare ts_parser_parse of the file
 *   full    parse and highlight the whole file
 *   key     one keystroke in the middle of an open buffer: the edit, the
 *           incremental reparse and the highlight of a 50-row screen
 *   cursor  parse, then only tree-sitter's query cursor over the tree with
 *           our query (matches read, no predicates, no painting)
 *   floor   parse, then the query cursor with a query of one pattern on
 *           the root: what tree-sitter 0.20's cursor costs to visit every
 *           node, whatever the patterns
 * Usage: bench_highlight MODE [LINES] (LINES default 5000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "js/highlight.h"
#include "js/js.h"
#include "js/textbuf.h"

/* A design-document-like file: map, reduce, validate functions, comments,
 * strings, templates, regexes, objects, constants. */
static char *gen(int lines, size_t *len)
{
	static const char *const tpl[] = {
		"// view %d: documents by type and date\n",
		"var by_type_%d = function (doc) {\n",
		"\tif (doc.type == \"inspection\" && doc.date) {\n",
		"\t\tvar parts = doc.date.split(/[-T:]/), total = %d;\n",
		"\t\tfor (var i = 0; i < doc.items.length; i++) {\n",
		"\t\t\ttotal += doc.items[i].count * 2.5 || 0;\n",
		"\t\t}\n",
		"\t\temit([doc.site, parts[0], parts[1]], { total: total, label: `item ${doc._id}` });\n",
		"\t}\n",
		"};\n",
		"/* reduce %d: sums, or counts on rereduce */\n",
		"function reduce_%d(keys, values, rereduce) {\n",
		"\treturn rereduce ? sum(values) : values.length + MAX_ITEMS;\n",
		"}\n",
		"var validate_%d = function (newDoc, oldDoc, userCtx, secObj) {\n",
		"\tif (!newDoc.type) throw({ forbidden: 'type is required' });\n",
		"\tif (Array.isArray(newDoc.tags) && userCtx.roles.indexOf('_admin') === -1) {\n",
		"\t\tlog(JSON.stringify(newDoc.tags));\n",
		"\t}\n",
		"};\n",
	};
	size_t n = sizeof tpl / sizeof *tpl;
	fs_buf b = FS_BUF_INIT;
	for (int i = 0; i < lines; i++) {
		/* each line has at most one %d: the line number */
		const char *t = tpl[i % n], *d = strstr(t, "%d");
		if (!d) {
			fs_buf_adds(&b, t);
			continue;
		}
		fs_buf_add(&b, t, d - t);
		fs_buf_printf(&b, "%d", i);
		fs_buf_adds(&b, d + 2);
	}
	*len = b.len;
	return fs_buf_steal(&b);
}

static const char *mode;
static char *text;
static size_t len;
static TSParser *parser;
static fs_hl_query *query;
static fs_tb *tb;
static fs_spans spans;
static size_t nlines;
static TSQuery *raw;   /* cursor and floor modes */

/* The query cursor alone over the whole tree; the match count. */
static size_t cursor_only(TSTree *t)
{
	TSQueryCursor *c = ts_query_cursor_new();
	TSQueryMatch m;
	size_t n = 0;
	ts_query_cursor_exec(c, raw, ts_tree_root_node(t));
	while (ts_query_cursor_next_match(c, &m))
		n++;
	ts_query_cursor_delete(c);
	return n;
}

/* Everything counted happens here. */
__attribute__((noinline)) void bench_run(void)
{
	if (strcmp(mode, "key")) {
		TSTree *t = ts_parser_parse_string(parser, NULL, text, len);
		if (!strcmp(mode, "full"))
			fs_hl_spans_str(query, t, text, 0, len, &spans);
		else if (raw)
			spans.n = cursor_only(t);
		ts_tree_delete(t);
		return;
	}
	/* key: type one character in the middle, redraw the screen around it */
	size_t mid = nlines / 2;
	fs_tb_insert(tb, (fs_pos){ mid, 3 }, "x", 1, NULL);
	fs_tb_spans(tb, query, mid - 25, 50, &spans);
}

int main(int argc, char **argv)
{
	fs_err e = { 0 };
	mode = argc > 1 ? argv[1] : "full";
	int lines = argc > 2 ? atoi(argv[2]) : 5000;
	if (strcmp(mode, "parse") && strcmp(mode, "full") && strcmp(mode, "key") &&
	    strcmp(mode, "cursor") && strcmp(mode, "floor")) {
		fprintf(stderr, "usage: bench_highlight parse|full|key|cursor|floor [LINES]\n");
		return 2;
	}
	text = gen(lines, &len);
	parser = ts_parser_new();
	ts_parser_set_language(parser, tree_sitter_javascript());
	if (fs_hl_query_load(&query, "javascript", &e)) {
		fprintf(stderr, "bench_highlight: %s\n", e.msg);
		return 1;
	}
	if (!strcmp(mode, "cursor") || !strcmp(mode, "floor")) {
		const char *src = !strcmp(mode, "floor") ? "(program) @_p" :
			fs_hl_builtin_source("javascript");
		uint32_t off;
		TSQueryError qe;
		raw = ts_query_new(tree_sitter_javascript(), src, strlen(src), &off, &qe);
		if (!raw) {
			fprintf(stderr, "bench_highlight: query error %d at %u\n", (int)qe, off);
			return 1;
		}
	}
	if (!strcmp(mode, "key")) {
		/* the buffer is open and drawn once before the keystroke */
		tb = fs_tb_new(text, len);
		fs_tb_set_language(tb, tree_sitter_javascript());
		nlines = fs_tb_lines(tb);
		fs_tb_spans(tb, query, nlines / 2 - 25, 50, &spans);
	}
	bench_run();
	printf("%s: %d lines, %zu bytes, %zu %s\n", mode, lines, len, spans.n,
	       raw ? "matches" : "spans");
	if (raw)
		ts_query_delete(raw);
	spans.n = 0;
	fs_spans_free(&spans);
	fs_tb_free(tb);
	fs_hl_query_free(query);
	ts_parser_delete(parser);
	free(text);
	return 0;
}
