/* The runner's JavaScript engine: Duktape with CouchDB's sandbox (see
 * engine.h). The sandbox itself is the JavaScript below (PRELUDE); C moves
 * JSON text in and out and turns exceptions into fs_run_exc. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <duktape.h>
#include "js/js.h"
#include "runner/engine.h"

/* CouchDB's sandbox, in the engine's own language. Documents are frozen
 * before a function sees them, as couchjs seals them, so one map cannot
 * change what the next one reads. require() resolves CommonJS paths in the
 * design document the way couchjs does (map and reduce functions see only
 * views.lib); a module is compiled once per run and its exports cached. */
static const char PRELUDE[] =
"(function (g, compile) {\n"
"  var rows = null, logs = [], ddoc = g.__ddoc || {}, root = null, cache = {};\n"
"  var viewsRoot = {views: {lib: (ddoc.views && ddoc.views.lib) || {}}};\n"
"  delete g.__ddoc;\n"
"  g.emit = function (key, value) {\n"
"    if (!rows) throw new Error('emit() is only available in map functions');\n"
"    rows.push([key, value]);\n"
"  };\n"
"  g.log = function (m) { logs.push(typeof m == 'string' ? m : JSON.stringify(m)); };\n"
"  g.__takeLog = function () { var l = logs; logs = []; return l.join('\\n'); };\n"
"  g.sum = function (a) { var s = 0; for (var i = 0; i < a.length; i++) s += a[i]; return s; };\n"
"  g.toJSON = function (v) { return JSON.stringify(v); };\n"
"  g.isArray = function (v) { return Array.isArray(v); };\n"
"  function listOnly(name) {\n"
"    return function () { throw new Error(name + '() is only available in list functions'); };\n"
"  }\n"
"  g.getRow = listOnly('getRow'); g.send = listOnly('send'); g.start = listOnly('start');\n"
"  function freeze(o) {\n"
"    if (o === null || typeof o != 'object' || Object.isFrozen(o)) return;\n"
"    Object.freeze(o);\n"
"    for (var k in o) freeze(o[k]);\n"
"  }\n"
"  function fail(msg) { throw ['error', 'invalid_require_path', msg]; }\n"
"  function resolve(names, mod, top) {\n"
"    if (!names.length) {\n"
"      if (typeof mod.current != 'string') fail('Must require a JavaScript string, not: ' + typeof mod.current);\n"
"      return {current: mod.current, parent: mod.parent, id: mod.id, exports: {}};\n"
"    }\n"
"    var n = names.shift();\n"
"    if (n == '..') {\n"
"      if (!(mod && mod.parent && mod.parent.parent)) fail('Object has no parent ' + JSON.stringify(mod && mod.current));\n"
"      return resolve(names, {id: mod.id.slice(0, mod.id.lastIndexOf('/')), parent: mod.parent.parent, current: mod.parent.current});\n"
"    }\n"
"    if (n == '.') {\n"
"      if (!(mod && mod.parent)) fail('Object has no parent ' + JSON.stringify(mod && mod.current));\n"
"      return resolve(names, {parent: mod.parent, current: mod.current, id: mod.id});\n"
"    }\n"
"    if (top) mod = {current: root};\n"
"    if (mod.current === null || typeof mod.current != 'object' || mod.current[n] === undefined)\n"
"      fail('Object has no property \"' + n + '\". ' + JSON.stringify(mod.current));\n"
"    return resolve(names, {current: mod.current[n], parent: mod, id: mod.id ? mod.id + '/' + n : n});\n"
"  }\n"
"  function req(name, module) {\n"
"    var m = resolve(String(name).split('/'), module && module.parent, true);\n"
"    if (!cache.hasOwnProperty(m.id)) {\n"
"      cache[m.id] = {};\n"
"      try {\n"
"        var f = compile('(function (module, exports, require) {' + m.current + '\\n})', m.id);\n"
"        f.call(g, m, m.exports, function (n) { return req(n, m); });\n"
"      } catch (e) { delete cache[m.id]; throw e; }\n"
"      cache[m.id] = m.exports;\n"
"    }\n"
"    return cache[m.id];\n"
"  }\n"
"  g.require = function (name) { return req(name); };\n"
"  var P = JSON.parse;\n"
"  g.__map = function (f, doc) {\n"
"    doc = P(doc); root = viewsRoot; freeze(doc); rows = [];\n"
"    try { f(doc); return rows; } finally { rows = null; }\n"
"  };\n"
"  g.__reduce = function (f, keys, values, rereduce) {\n"
"    root = viewsRoot;\n"
"    var r = f(P(keys), P(values), P(rereduce));\n"
"    return r === undefined ? null : r;\n"
"  };\n"
"  g.__filter = function (f, args) { args = P(args); root = ddoc; freeze(args[0]); return !!f.apply(null, args); };\n"
"  g.__validate = function (f, args) {\n"
"    args = P(args); root = ddoc; freeze(args[0]); freeze(args[1]);\n"
"    try { f.apply(null, args); return {ok: true}; }\n"
"    catch (e) {\n"
"      if (e && typeof e == 'object' && (e.forbidden !== undefined || e.unauthorized !== undefined)) return e;\n"
"      throw e;\n"
"    }\n"
"  };\n"
"})";

typedef struct fn_slot {
	char *label;
	char *text;
} fn_slot;

struct fs_engine {
	duk_context *ctx;
	size_t used, limit;
	int oom, oom_exit;
	fn_slot *fns;
	size_t nfns;
};

void fs_run_exc_free(fs_run_exc *x)
{
	free(x->message);
	free(x->where);
	memset(x, 0, sizeof *x);
}

/* ---- The heap: Duktape's allocations counted against the cap ---- */

/* Duktape answers a refused allocation with an emergency collection and
 * retries, each one a walk of the whole heap: a heap at its cap crawls for
 * minutes before the script sees the error. In a run's child the first
 * refusal ends the process instead (see fs_engine_exit_on_cap). */
static void *over_limit(fs_engine *en)
{
	en->oom = 1;
	if (en->oom_exit)
		_exit(en->oom_exit);
	return NULL;
}

void fs_engine_exit_on_cap(fs_engine *en, int status)
{
	en->oom_exit = status;
}

static void *heap_alloc(void *ud, duk_size_t n)
{
	fs_engine *en = ud;
	if (en->limit && en->used + n > en->limit)
		return over_limit(en);
	void *p = malloc(n);
	if (p)
		en->used += malloc_usable_size(p);
	return p;
}

static void *heap_realloc(void *ud, void *p, duk_size_t n)
{
	fs_engine *en = ud;
	size_t old = p ? malloc_usable_size(p) : 0;
	if (en->limit && n > old && en->used - old + n > en->limit)
		return over_limit(en);
	void *q = realloc(p, n);
	if (q || !n) {
		en->used -= old;
		en->used += q ? malloc_usable_size(q) : 0;
	}
	return q;
}

static void heap_free(void *ud, void *p)
{
	fs_engine *en = ud;
	if (p)
		en->used -= malloc_usable_size(p);
	free(p);
}

/* Duktape's last resort (an error outside any protected call): nothing can
 * continue; the run's child process dies and its parent reports it. */
static void heap_fatal(void *ud, const char *msg)
{
	fprintf(stderr, "fsstudio: JavaScript engine failure: %s\n", msg ? msg : "?");
	abort();
}

/* __compile(src, name): compiles a module wrapper with its id as file name
 * so that exceptions inside it say where they are. */
static duk_ret_t js_compile(duk_context *ctx)
{
	char *es = fs_engine_es2015(duk_require_string(ctx, 0));
	if (es) {
		duk_push_error_object(ctx, DUK_ERR_ERROR, "%s uses syntax the local runner does not support "
				      "(ES2015+: %s); run it on the server", duk_require_string(ctx, 1), es);
		free(es);
		return duk_throw(ctx);
	}
	duk_compile(ctx, DUK_COMPILE_EVAL);
	duk_call(ctx, 0);
	return 1;
}

static int load_prelude(fs_engine *en, const cJSON *ddoc, fs_err *e)
{
	duk_context *ctx = en->ctx;
	char *dj = ddoc ? cJSON_PrintUnformatted(ddoc) : NULL;
	duk_push_global_object(ctx);
	duk_push_string(ctx, dj ? dj : "{}");
	free(dj);
	duk_json_decode(ctx, -1);
	duk_put_prop_string(ctx, -2, "__ddoc");
	duk_pop(ctx);
	duk_push_string(ctx, "prelude");
	if (duk_pcompile_lstring_filename(ctx, DUK_COMPILE_EVAL, PRELUDE, sizeof PRELUDE - 1) ||
	    duk_pcall(ctx, 0)) {
		fs_err_set(e, FS_E_JS, "the runner's sandbox failed to load: %s", duk_safe_to_string(ctx, -1));
		duk_pop(ctx);
		return -1;
	}
	duk_push_global_object(ctx);
	duk_push_c_function(ctx, js_compile, 2);
	if (duk_pcall(ctx, 2)) {
		fs_err_set(e, FS_E_JS, "the runner's sandbox failed to start: %s", duk_safe_to_string(ctx, -1));
		duk_pop(ctx);
		return -1;
	}
	duk_pop(ctx);
	/* the compiled functions, out of the user's reach */
	duk_push_heap_stash(ctx);
	duk_push_array(ctx);
	duk_put_prop_string(ctx, -2, "fns");
	duk_pop(ctx);
	return 0;
}

fs_engine *fs_engine_new(const cJSON *ddoc, size_t mem_limit, fs_err *e)
{
	fs_engine *en = fs_xcalloc(1, sizeof *en);
	en->limit = mem_limit;
	en->ctx = duk_create_heap(heap_alloc, heap_realloc, heap_free, en, heap_fatal);
	if (!en->ctx) {
		free(en);
		fs_err_set(e, FS_E_NOMEM, "cannot create the JavaScript engine");
		return NULL;
	}
	if (load_prelude(en, ddoc, e)) {
		fs_engine_free(en);
		return NULL;
	}
	return en;
}

void fs_engine_free(fs_engine *en)
{
	if (!en)
		return;
	if (en->ctx)
		duk_destroy_heap(en->ctx);
	for (size_t i = 0; i < en->nfns; i++) {
		free(en->fns[i].label);
		free(en->fns[i].text);
	}
	free(en->fns);
	free(en);
}

int fs_engine_out_of_memory(const fs_engine *en)
{
	return en->oom;
}

char *fs_engine_take_log(fs_engine *en)
{
	duk_context *ctx = en->ctx;
	char *out = NULL;
	duk_get_global_string(ctx, "__takeLog");
	if (duk_pcall(ctx, 0) == 0 && duk_is_string(ctx, -1) && duk_get_length(ctx, -1))
		out = fs_xstrdup(duk_get_string(ctx, -1));
	duk_pop(ctx);
	return out;
}

/* ---- Exceptions ---- */

/* The first non-blank column of line `line` of text (1-based). */
static int line_col(const char *text, int line)
{
	const char *p = text;
	for (int l = 1; p && l < line; l++)
		if ((p = strchr(p, '\n')))
			p++;
	if (!p)
		return 1;
	int col = 1;
	while (p[col - 1] == ' ' || p[col - 1] == '\t')
		col++;
	return col;
}

/* The innermost frame of the user's code in a Duktape traceback
 * ("    at f (map:3)"): errors raised in the sandbox (emit() outside a map)
 * are the caller's fault. */
static int user_frame(const char *stack, char *file, size_t fsz)
{
	const char *p = stack;
	while (p && (p = strstr(p, " (")) != NULL) {
		const char *s = p + 2, *colon = strchr(s, ':'), *end = strchr(s, ')');
		p += 2;
		if (!colon || !end || colon > end || (size_t)(colon - s) >= fsz)
			continue;
		/* the sandbox and Duktape's own C files are not the user's */
		if (!strncmp(s, "prelude", colon - s) || colon[1] < '0' || colon[1] > '9' ||
		    (colon - s > 2 && !strncmp(colon - 2, ".c", 2)))
			continue;
		memcpy(file, s, colon - s);
		file[colon - s] = 0;
		return atoi(colon + 1);
	}
	return 0;
}

static const char *slot_text(fs_engine *en, const char *label)
{
	for (size_t i = 0; i < en->nfns; i++)
		if (!strcmp(en->fns[i].label, label))
			return en->fns[i].text;
	return NULL;
}

/* Fills x from the thrown value at the top of the stack (and pops it). */
static void take_exc(fs_engine *en, const char *label, fs_run_exc *x)
{
	duk_context *ctx = en->ctx;
	char file[256] = "";
	memset(x, 0, sizeof *x);
	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "stack");
		x->line = user_frame(duk_get_string(ctx, -1), file, sizeof file);
		duk_pop(ctx);
		x->message = fs_xstrdup(duk_safe_to_string(ctx, -1));
	} else {
		/* throw "text", throw {forbidden: ...}, couchjs-style arrays */
		if (duk_is_string(ctx, -1)) {
			x->message = fs_xstrdup(duk_get_string(ctx, -1));
		} else {
			duk_get_global_string(ctx, "JSON");
			duk_get_prop_string(ctx, -1, "stringify");
			duk_dup(ctx, -3);
			if (duk_pcall(ctx, 1) == 0 && duk_is_string(ctx, -1))
				x->message = fs_xasprintf("uncaught %s", duk_get_string(ctx, -1));
			else
				x->message = fs_xstrdup(duk_safe_to_string(ctx, -3));
			duk_pop_2(ctx);
		}
	}
	if (en->oom && !strstr(x->message, "memory")) {
		char *m = fs_xasprintf("%s (the heap reached its limit of %zu MB)", x->message, en->limit >> 20);
		free(x->message);
		x->message = m;
	}
	x->where = fs_xstrdup(x->line ? file : label);
	if (x->line) {
		const char *t = slot_text(en, file);
		x->col = t ? line_col(t, x->line) : 1;
	}
	duk_pop(ctx);
}

/* ---- Compiling ---- */

int fs_engine_compile(fs_engine *en, const char *text, const char *label, fs_err *e)
{
	duk_context *ctx = en->ctx;
	char *es = fs_engine_es2015(text);
	if (es) {
		fs_err_set(e, FS_E_UNSUPPORTED, "%s uses syntax the local runner does not support "
			   "(ES2015+: %s); run it on the server", label, es);
		free(es);
		return -1;
	}
	/* couchjs evaluates the stored text to a function; a trailing ';'
	 * must not break the parenthesized expression */
	size_t n = strlen(text);
	while (n && strchr(" \t\r\n;", text[n - 1]))
		n--;
	fs_buf src = FS_BUF_INIT;
	fs_buf_addc(&src, '(');
	fs_buf_add(&src, text, n);
	fs_buf_adds(&src, "\n)");
	duk_push_string(ctx, label);
	int bad = duk_pcompile_lstring_filename(ctx, DUK_COMPILE_EVAL, src.data, src.len);
	fs_buf_free(&src);
	if (!bad)
		bad = duk_pcall(ctx, 0);
	if (bad) {
		fs_run_exc x;
		take_exc(en, label, &x);
		fs_err_set(e, FS_E_JS, "%s: %s", label, x.message);
		fs_run_exc_free(&x);
		return -1;
	}
	if (!duk_is_function(ctx, -1)) {
		duk_pop(ctx);
		return fs_err_set(e, FS_E_JS, "%s: the text is not a function", label), -1;
	}
	duk_push_heap_stash(ctx);
	duk_get_prop_string(ctx, -1, "fns");
	duk_dup(ctx, -3);
	duk_put_prop_index(ctx, -2, (duk_uarridx_t)en->nfns);
	duk_pop_3(ctx);
	en->fns = fs_xrealloc(en->fns, (en->nfns + 1) * sizeof *en->fns);
	en->fns[en->nfns].label = fs_xstrdup(label);
	en->fns[en->nfns].text = fs_xstrdup(text);
	return (int)en->nfns++;
}

/* ---- Calling ---- */

/* Calls the sandbox helper `helper` with function fn and nargs JSON texts;
 * appends the JSON of the result to out. */
static int call(fs_engine *en, const char *helper, int fn, const char **args, int nargs,
		fs_buf *out, fs_run_exc *x)
{
	duk_context *ctx = en->ctx;
	if (fn < 0 || (size_t)fn >= en->nfns) {
		memset(x, 0, sizeof *x);
		x->message = fs_xstrdup("no such function");
		return FS_E_JS;
	}
	duk_get_global_string(ctx, helper);
	duk_push_heap_stash(ctx);
	duk_get_prop_string(ctx, -1, "fns");
	duk_get_prop_index(ctx, -1, (duk_uarridx_t)fn);
	duk_remove(ctx, -2);
	duk_remove(ctx, -2);
	/* JSON texts: the sandbox parses them inside the protected call */
	for (int i = 0; i < nargs; i++)
		duk_push_string(ctx, args[i]);
	if (duk_pcall(ctx, nargs + 1) == 0) {
		const char *j = duk_json_encode(ctx, -1);
		fs_buf_adds(out, j ? j : "null");
		duk_pop(ctx);
		return 0;
	}
	take_exc(en, en->fns[fn].label, x);
	return FS_E_JS;
}

int fs_engine_map(fs_engine *en, int fn, const char *doc, fs_buf *rows, fs_run_exc *x)
{
	return call(en, "__map", fn, &doc, 1, rows, x);
}

int fs_engine_reduce(fs_engine *en, int fn, const char *keys, const char *values,
		     int rereduce, fs_buf *out, fs_run_exc *x)
{
	const char *args[3] = { keys, values, rereduce ? "true" : "false" };
	return call(en, "__reduce", fn, args, 3, out, x);
}

int fs_engine_filter(fs_engine *en, int fn, const char *args, fs_buf *out, fs_run_exc *x)
{
	return call(en, "__filter", fn, &args, 1, out, x);
}

int fs_engine_validate(fs_engine *en, int fn, const char *args, fs_buf *out, fs_run_exc *x)
{
	return call(en, "__validate", fn, &args, 1, out, x);
}

/* ---- ES2015+ ---- */

/* What a node of the tree-sitter grammar is, when Duktape cannot run it as
 * ES2015 means it (const and let would silently become var). */
static const char *es2015_what(TSNode n, const char *text)
{
	static const struct { const char *type, *what; } tab[] = {
		{ "arrow_function", "arrow function" },
		{ "lexical_declaration", "let/const" },
		{ "template_string", "template string" },
		{ "class", "class" }, { "class_declaration", "class" },
		{ "spread_element", "spread" }, { "rest_pattern", "rest parameter" },
		{ "object_pattern", "destructuring" }, { "array_pattern", "destructuring" },
		{ "assignment_pattern", "default parameter" },
		{ "generator_function", "generator" }, { "generator_function_declaration", "generator" },
		{ "yield_expression", "yield" }, { "await_expression", "await" },
		{ "optional_chain", "optional chaining" },
		{ "shorthand_property_identifier", "shorthand property" },
		{ "computed_property_name", "computed property name" },
		{ "method_definition", "method shorthand" },
		{ "import_statement", "import" }, { "export_statement", "export" },
		{ "meta_property", "new.target" },
	};
	const char *t = ts_node_type(n);
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (!strcmp(t, tab[i].type))
			return tab[i].what;
	TSNode op = ts_node_child_by_field_name(n, "operator", 8);
	if (!ts_node_is_null(op)) {
		uint32_t s = ts_node_start_byte(op), len = ts_node_end_byte(op) - s;
		if (!strcmp(t, "for_in_statement") && len == 2 && !strncmp(text + s, "of", 2))
			return "for...of";
		if (len >= 2 && !strncmp(text + s, "??", 2))
			return "?? operator";
	}
	if ((!strcmp(t, "function_expression") || !strcmp(t, "function_declaration")) &&
	    ts_node_child_count(n) && !strcmp(ts_node_type(ts_node_child(n, 0)), "async"))
		return "async function";
	return NULL;
}

static const char *es2015_find(TSNode n, const char *text, TSNode *at)
{
	const char *w = es2015_what(n, text);
	if (w) {
		*at = n;
		return w;
	}
	uint32_t k = ts_node_child_count(n);
	for (uint32_t i = 0; i < k; i++)
		if ((w = es2015_find(ts_node_child(n, i), text, at)))
			return w;
	return NULL;
}

char *fs_engine_es2015(const char *text)
{
	TSTree *t = fs_js_parse(text, strlen(text));
	TSNode at;
	char *out = NULL;
	if (!t)
		return NULL;
	const char *w = es2015_find(ts_tree_root_node(t), text, &at);
	if (w) {
		TSPoint p = ts_node_start_point(at);
		out = fs_xasprintf("%s at line %u:%u", w, p.row + 1, p.column + 1);
	}
	ts_tree_delete(t);
	return out;
}
