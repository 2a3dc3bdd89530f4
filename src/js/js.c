/* JavaScript parsing, syntax errors and domain checks of design functions. */
#define _GNU_SOURCE   /* memmem */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "js/js.h"

const TSLanguage *fs_lang(const char *name)
{
	if (!strcmp(name, "javascript"))
		return tree_sitter_javascript();
	if (!strcmp(name, "json"))
		return tree_sitter_json();
	return NULL;
}

/* One parser per thread, kept: a new one per function (its stacks, its
 * lexer) was a third of a deploy's syntax checks. A parser is for one
 * thread at a time; the key's destructor frees it when a thread ends. */
static pthread_key_t parser_key;
static pthread_once_t parser_once = PTHREAD_ONCE_INIT;
static __thread TSParser *parser;   /* seen by LeakSanitizer at exit */

static void parser_free(void *p)
{
	ts_parser_delete(p);
}

static void parser_key_new(void)
{
	pthread_key_create(&parser_key, parser_free);
}

static TSParser *thread_parser(void)
{
	if (!parser) {
		pthread_once(&parser_once, parser_key_new);
		parser = ts_parser_new();
		ts_parser_set_language(parser, tree_sitter_javascript());
		pthread_setspecific(parser_key, parser);
	}
	return parser;
}

TSTree *fs_js_parse(const char *text, size_t len)
{
	TSParser *p = thread_parser();
	TSTree *t = ts_parser_parse_string(p, NULL, text, len);
	/* a parse that stopped half way (never here: no timeout nor
	 * cancellation is set) would resume on the next call */
	ts_parser_reset(p);
	return t;
}

void fs_js_diags_free(fs_js_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].message);
	free(d->v);
	memset(d, 0, sizeof *d);
}

/* Tree-sitter columns count bytes; people count characters. */
static uint32_t char_col(const char *text, uint32_t byte, uint32_t bytecol)
{
	uint32_t col = 1;
	for (uint32_t i = byte - bytecol; i < byte; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static void diag_add(fs_js_diags *out, const char *text, TSNode at, int warning,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void diag_add(fs_js_diags *out, const char *text, TSNode at, int warning,
		     const char *fmt, ...)
{
	out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	fs_js_diag *d = &out->v[out->n++];
	fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	TSPoint pt = ts_node_start_point(at);
	d->warning = warning;
	d->start = ts_node_start_byte(at);
	d->end = ts_node_end_byte(at);
	d->line = pt.row + 1;
	d->col = char_col(text, d->start, pt.column);
	d->message = fs_buf_steal(&b);
	if (!warning)
		out->nerrors++;
}

/* ---- Syntax ------------------------------------------------------------- */

static TSNode first_leaf(TSNode n)
{
	while (ts_node_child_count(n))
		n = ts_node_child(n, 0);
	return n;
}

/* Steps a cursor created on some node to the next node under it, depth
 * first, entering the current node's children when down is set; 0 at the
 * end. (ts_node_child(n, i) starts over from the first child in
 * tree-sitter 0.20: a loop of it is quadratic on a large block.) */
static int walk_next(TSTreeCursor *c, int *depth, int down)
{
	if (down && ts_tree_cursor_goto_first_child(c)) {
		++*depth;
		return 1;
	}
	while (*depth > 0) {
		if (ts_tree_cursor_goto_next_sibling(c))
			return 1;
		ts_tree_cursor_goto_parent(c);
		--*depth;
	}
	return 0;
}

static int is_quote(TSNode n)
{
	if (ts_node_is_null(n))
		return 0;
	const char *t = ts_node_type(n);
	return !strcmp(t, "\"") || !strcmp(t, "'");
}

/* A string_fragment or quote outside a string: the string never ended. */
static int unterminated_string(TSNode err, TSNode *where)
{
	TSTreeCursor c = ts_tree_cursor_new(err);
	int depth = 0, r = 0;
	for (int more = walk_next(&c, &depth, 1); more && !r; more = walk_next(&c, &depth, 0)) {
		TSNode ch = ts_tree_cursor_current_node(&c);
		if (!strcmp(ts_node_type(ch), "string_fragment") || is_quote(ch)) {
			*where = ch;
			r = 1;
		}
	}
	ts_tree_cursor_delete(&c);
	return r;
}

/* The first ERROR or MISSING node below n: tree-sitter often wraps the
 * precise error in a larger one while recovering. */
static int inner_error(TSNode n, TSNode *found)
{
	TSTreeCursor c = ts_tree_cursor_new(n);
	int depth = 0, r = 0, down = 1;
	for (int more = walk_next(&c, &depth, 1); more; more = walk_next(&c, &depth, down)) {
		TSNode ch = ts_tree_cursor_current_node(&c);
		if (ts_node_is_missing(ch) || !strcmp(ts_node_type(ch), "ERROR")) {
			*found = ch;
			r = 1;
			break;
		}
		down = ts_node_has_error(ch);
	}
	ts_tree_cursor_delete(&c);
	return r;
}

static void syntax_walk(TSNode n, const char *text, fs_js_diags *out);

static void error_node(TSNode n, const char *text, fs_js_diags *out)
{
	TSNode at;
	if (inner_error(n, &at)) {
		syntax_walk(at, text, out);
		return;
	}
	if (unterminated_string(n, &at)) {
		/* point at the opening quote when it is there */
		TSNode prev = ts_node_prev_sibling(at);
		if (is_quote(at) || !is_quote(prev))
			prev = at;
		diag_add(out, text, prev, 0, "unterminated string");
		return;
	}
	TSNode leaf = first_leaf(n);
	uint32_t s = ts_node_start_byte(leaf), e = ts_node_end_byte(leaf);
	if (e == s) {
		diag_add(out, text, leaf, 0, "unexpected end of input");
		return;
	}
	size_t len = strcspn(text + s, "\r\n");
	if (len > e - s)
		len = e - s;
	if (len > 20)
		len = 20;
	diag_add(out, text, leaf, 0, "unexpected '%.*s'", (int)len, text + s);
}

/* Reports n when it is an error; 1 when its children may hold some. */
static int syntax_node(TSNode n, const char *text, fs_js_diags *out)
{
	if (ts_node_is_missing(n)) {
		const char *t = ts_node_type(n);
		if (ts_node_is_named(n))
			diag_add(out, text, n, 0, "missing %s", t);
		else
			diag_add(out, text, n, 0, "missing '%s'", t);
		return 0;
	}
	if (!strcmp(ts_node_type(n), "ERROR")) {
		error_node(n, text, out);
		return 0;
	}
	return ts_node_has_error(n);
}

static void syntax_walk(TSNode n, const char *text, fs_js_diags *out)
{
	TSTreeCursor c = ts_tree_cursor_new(n);
	int depth = 0, down = syntax_node(n, text, out);
	while (walk_next(&c, &depth, down))
		down = syntax_node(ts_tree_cursor_current_node(&c), text, out);
	ts_tree_cursor_delete(&c);
}

void fs_js_syntax(const TSTree *tree, const char *text, fs_js_diags *out)
{
	syntax_walk(ts_tree_root_node(tree), text, out);
}

/* ---- Domain ------------------------------------------------------------- */

static const char *const builtin_reduces[] = {
	"_count", "_sum", "_stats", "_approx_count_distinct",
};

int fs_js_builtin_reduce(const char *name)
{
	for (size_t i = 0; i < sizeof builtin_reduces / sizeof *builtin_reduces; i++)
		if (!strcmp(name, builtin_reduces[i]))
			return 1;
	return 0;
}

static int is_type(TSNode n, const char *t)
{
	return !ts_node_is_null(n) && !strcmp(ts_node_type(n), t);
}

/* Named children other than comments. */
static uint32_t code_children(TSNode n, TSNode *first)
{
	TSTreeCursor c = ts_tree_cursor_new(n);
	uint32_t k = 0;
	int depth = 0;
	for (int more = walk_next(&c, &depth, 1); more; more = walk_next(&c, &depth, 0)) {
		TSNode ch = ts_tree_cursor_current_node(&c);
		if (!ts_node_is_named(ch) || is_type(ch, "comment"))
			continue;
		if (!k++ && first)
			*first = ch;
	}
	ts_tree_cursor_delete(&c);
	return k;
}

/* The function a design function text holds: its only statement must be a
 * function (expression, declaration or arrow), possibly in parentheses. */
static int the_function(TSNode root, TSNode *fn)
{
	TSNode st;
	if (code_children(root, &st) != 1)
		return 0;
	TSNode x = st;
	if (is_type(st, "expression_statement"))
		x = ts_node_named_child(st, 0);
	while (is_type(x, "parenthesized_expression"))
		x = ts_node_named_child(x, 0);
	if (is_type(x, "function_expression") || is_type(x, "function_declaration") ||
	    is_type(x, "arrow_function")) {
		*fn = x;
		return 1;
	}
	return 0;
}

/* Parameter nodes of a function; *first gets the first one. */
static uint32_t fn_params(TSNode fn, TSNode *first)
{
	TSNode p = ts_node_child_by_field_name(fn, "parameters", 10);
	if (ts_node_is_null(p)) {
		p = ts_node_child_by_field_name(fn, "parameter", 9);
		if (ts_node_is_null(p))
			return 0;
		*first = p;
		return 1;
	}
	return code_children(p, first);
}

static int node_is(TSNode n, const char *text, const char *s)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	return strlen(s) == b - a && !memcmp(text + a, s, b - a);
}

/* The call whose function is the identifier at bytes [pos, pos + len)
 * under top, found by going down the tree to pos. */
static int call_at(TSNode top, uint32_t pos, uint32_t len, TSNode *call)
{
	TSTreeCursor c = ts_tree_cursor_new(top);
	TSNode up = top;
	int r = 0, depth = 0;
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
		if (s == pos && e == pos + len && is_type(n, "identifier")) {
			TSNode f = ts_node_child_by_field_name(up, "function", 8);
			r = depth && is_type(up, "call_expression") && ts_node_eq(f, n);
			*call = up;
			break;
		}
		if (s > pos || e < pos + len || ts_tree_cursor_goto_first_child_for_byte(&c, pos) < 0)
			break;
		up = n;
		depth++;
		/* skip a child ending at pos (or empty there) */
		while (ts_node_end_byte(ts_tree_cursor_current_node(&c)) <= pos)
			if (!ts_tree_cursor_goto_next_sibling(&c))
				goto done;
	}
done:
	ts_tree_cursor_delete(&c);
	return r;
}

/* Calls cb on every call of a plain function named name under n (n
 * included) until cb returns 1; returns that 1. Only the places where
 * the name is written are looked at: a walk of all the nodes of a large
 * function on every keystroke costs too much. */
static int find_calls(TSNode n, const char *text, const char *name,
		      int (*cb)(TSNode call, const char *text, void *ctx), void *ctx)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	size_t len = strlen(name);
	for (const char *p = text + a; p < text + b; p++) {
		p = memmem(p, text + b - p, name, len);
		if (!p)
			break;
		TSNode call;
		if (call_at(n, p - text, len, &call) && cb(call, text, ctx))
			return 1;
	}
	return 0;
}

static int any_call(TSNode call, const char *text, void *ctx)
{
	return 1;
}

/* Our own table (not fs_fn_name) so that checks work on strings alone. */
static const char *const fn_names[] = {
#define FS_FN_NAME(k, n) n,
	FS_FN_LIST(FS_FN_NAME)
#undef FS_FN_NAME
};

struct expect {
	fs_fn_type type;
	uint32_t min, max;   /* parameter counts that make sense */
	const char *sig;
};

static const struct expect expects[] = {
	{ FS_FN_MAP,      1, 1, "(doc)" },
	{ FS_FN_REDUCE,   2, 3, "(keys, values, rereduce)" },
	{ FS_FN_VALIDATE, 1, 4, "(newDoc, oldDoc, userCtx, secObj)" },
	{ FS_FN_FILTER,   1, 2, "(doc, req)" },
	{ FS_FN_UPDATE,   1, 2, "(doc, req)" },
};

static const struct expect *expect_of(fs_fn_type type)
{
	for (size_t i = 0; i < sizeof expects / sizeof *expects; i++)
		if (expects[i].type == type)
			return &expects[i];
	return NULL;
}

void fs_js_domain(const TSTree *tree, const char *text, fs_fn_type type, fs_js_diags *out)
{
	const struct expect *x = expect_of(type);
	TSNode root = ts_tree_root_node(tree), fn, p;
	const char *what = type == FS_FN_VALIDATE ? "validate_doc_update" :
		type == FS_FN_FILTER ? "filter" : type == FS_FN_UPDATE ? "update" : fn_names[type];
	if (!x)
		return;
	if (!code_children(root, NULL)) {
		diag_add(out, text, root, 1, "empty %s function", what);
		return;
	}
	if (!the_function(root, &fn)) {
		diag_add(out, text, root, 1, "a %s must be one function expression, "
			 "like function %s {...}", what, x->sig);
		return;
	}
	uint32_t n = fn_params(fn, &p);
	if (n < x->min || n > x->max) {
		TSNode at = ts_node_child_by_field_name(fn, "parameters", 10);
		diag_add(out, text, ts_node_is_null(at) ? fn : at, 1,
			 "a %s function takes %s, not %u argument%s", what, x->sig, n,
			 n == 1 ? "" : "s");
	}
	/* an emit inside broken code is not seen as a call: say nothing */
	if (type == FS_FN_MAP && !ts_node_has_error(fn) && !find_calls(fn, text, "emit", any_call, NULL))
		diag_add(out, text, fn, 1, "a map function should call emit(key, value)");
}

void fs_js_check(fs_fn_type type, const char *text, fs_js_diags *out)
{
	size_t len = strlen(text);
	size_t sp = strspn(text, " \t\r\n");
	if (type == FS_FN_REDUCE && text[sp] == '_') {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)strcspn(text + sp, " \t\r\n"), text + sp);
		if (fs_js_builtin_reduce(name) && !text[sp + strlen(name) + strspn(text + sp + strlen(name), " \t\r\n")])
			return;
		/* not JavaScript either: say what is allowed */
		TSTree *t = fs_js_parse(text, len);
		diag_add(out, text, ts_tree_root_node(t), 1, "unknown built-in reduce '%s' "
			 "(use _count, _sum, _stats or _approx_count_distinct)", name);
		ts_tree_delete(t);
		return;
	}
	TSTree *t = fs_js_parse(text, len);
	fs_js_syntax(t, text, out);
	fs_js_domain(t, text, type, out);
	ts_tree_delete(t);
}

/* emit(P._id, ...) or emit(P["_id"], ...), P the map's first parameter. */
static int emits_id(TSNode call, const char *text, void *ctx)
{
	TSNode args = ts_node_child_by_field_name(call, "arguments", 9), key;
	if (ts_node_is_null(args) || !code_children(args, &key))
		return 0;
	TSNode obj = ts_node_child_by_field_name(key, "object", 6);
	if (!is_type(obj, "identifier") || !node_is(obj, text, ctx))
		return 0;
	if (is_type(key, "member_expression"))
		return node_is(ts_node_child_by_field_name(key, "property", 8), text, "_id");
	if (is_type(key, "subscript_expression")) {   /* doc["_id"] */
		TSNode ix = ts_node_child_by_field_name(key, "index", 5);
		return node_is(ix, text, "\"_id\"") || node_is(ix, text, "'_id'");
	}
	return 0;
}

int fs_js_map_emits_id(const char *text)
{
	TSTree *t = fs_js_parse(text, strlen(text));
	TSNode fn, p;
	int r = 0;
	if (the_function(ts_tree_root_node(t), &fn) && fn_params(fn, &p) >= 1 &&
	    is_type(p, "identifier")) {
		uint32_t a = ts_node_start_byte(p), b = ts_node_end_byte(p);
		char *name = fs_xstrndup(text + a, b - a);
		r = find_calls(fn, text, "emit", emits_id, name);
		free(name);
	}
	ts_tree_delete(t);
	return r;
}
