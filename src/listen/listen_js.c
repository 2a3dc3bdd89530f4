/* Runs a listener's map or filter on one document with Duktape, for the
 * delete classes (the previous revision of a deleted document cannot be
 * queried on the server). Only the question a listener asks is answered:
 * does the map emit doc._id as a key, does the filter accept the document.
 * (The full local runner with CouchDB's sandbox is issue 13's; this one
 * should move onto it when it lands.) */
#include <stdlib.h>
#include <string.h>
#include <duktape.h>
#include "base/buf.h"
#include "base/json.h"
#include "listen/listen.h"

struct fs_listen_js {
	duk_context *ctx;
};

/* A wrapper that calls the user's function and answers the listener's
 * question; emit/log/sum/isArray/toJSON as CouchDB's sandbox names them. */
static const char *MAP_WRAP =
	"(function (fn) { if (typeof fn !== 'function') throw new Error('not a function');"
	" return function (doc) {"
	" var keys = []; emit = function (k, v) { keys.push(k); };"
	" fn(doc);"
	" for (var i = 0; i < keys.length; i++) if (keys[i] === doc._id) return true;"
	" return false; }; })";
static const char *FILTER_WRAP =
	"(function (fn) { if (typeof fn !== 'function') throw new Error('not a function');"
	" return function (doc) {"
	" return !!fn(doc, {query: {}, info: {}, userCtx: {name: null, roles: []}}); }; })";
static const char *SANDBOX =
	"var emit = function () {}; var log = function () {};"
	"var isArray = Array.isArray; var toJSON = JSON.stringify;"
	"var sum = function (a) { var s = 0; for (var i = 0; i < a.length; i++) s += a[i]; return s; };";

static enum fs_err_code js_error(duk_context *ctx, fs_err *e, const char *what)
{
	fs_err_set(e, FS_E_JS, "%s: %s", what, duk_safe_to_string(ctx, -1));
	duk_pop(ctx);
	return FS_E_JS;
}

fs_listen_js *fs_listen_js_new(const char *text, int is_map, fs_err *e)
{
	duk_context *ctx = duk_create_heap_default();
	if (!ctx) {
		fs_err_set(e, FS_E_NOMEM, "cannot start the JavaScript engine");
		return NULL;
	}
	duk_peval_string_noresult(ctx, SANDBOX);
	fs_buf src = FS_BUF_INIT;
	fs_buf_printf(&src, "%s((%s\n))", is_map ? MAP_WRAP : FILTER_WRAP, text ? text : "");
	int rc = duk_peval_lstring(ctx, src.data, src.len);
	fs_buf_free(&src);
	if (rc != 0) {
		js_error(ctx, e, is_map ? "the map does not compile" : "the filter does not compile");
		duk_destroy_heap(ctx);
		return NULL;
	}
	duk_put_global_string(ctx, "__listener");
	fs_listen_js *j = fs_xcalloc(1, sizeof *j);
	j->ctx = ctx;
	return j;
}

void fs_listen_js_free(fs_listen_js *j)
{
	if (!j)
		return;
	duk_destroy_heap(j->ctx);
	free(j);
}

/* The document built in the engine from its cJSON tree: printing it and
 * having the engine parse the text was a quarter of `listen run`'s time.
 * Members keep their order; a repeated member keeps its last value, as
 * JSON.parse does. */
static void push_json(duk_context *ctx, const cJSON *v)
{
	const cJSON *c;
	duk_uarridx_t i = 0;
	duk_require_stack(ctx, 2);   /* a throw, caught by push_doc's caller */
	if (cJSON_IsObject(v)) {
		duk_push_object(ctx);
		cJSON_ArrayForEach(c, v) {
			push_json(ctx, c);
			duk_put_prop_string(ctx, -2, c->string ? c->string : "");
		}
	} else if (cJSON_IsArray(v)) {
		duk_push_array(ctx);
		cJSON_ArrayForEach(c, v) {
			push_json(ctx, c);
			duk_put_prop_index(ctx, -2, i++);
		}
	} else if (cJSON_IsString(v)) {
		duk_push_string(ctx, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		duk_push_number(ctx, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		duk_push_boolean(ctx, cJSON_IsTrue(v));
	} else {
		duk_push_null(ctx);
	}
}

static duk_ret_t push_doc(duk_context *ctx, void *doc)
{
	push_json(ctx, doc);
	return 1;
}

enum fs_err_code fs_listen_js_match(fs_listen_js *j, const cJSON *doc, int *match, fs_err *e)
{
	duk_context *ctx = j->ctx;
	duk_get_global_string(ctx, "__listener");
	if (duk_safe_call(ctx, push_doc, (void *)doc, 0, 1) != 0) {
		duk_remove(ctx, -2);
		return js_error(ctx, e, "the document");
	}
	if (duk_pcall(ctx, 1) != 0)
		return js_error(ctx, e, "it threw");
	*match = duk_to_boolean(ctx, -1);
	duk_pop(ctx);
	return 0;
}
