/* cJSON helpers: see json.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/json.h"

/* ---- Parsing ---- */

static void locate(const char *text, size_t at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* 1 when the text stops inside a string or an open array/object: the usual
 * shape of a truncated answer, which cJSON reports at some earlier byte. */
static int unfinished(const char *text, size_t len)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return in_str || depth > 0;
}

/* Where a NUL character would enter a string: a \u0000 escape or a raw NUL
 * byte, or -1. (A backslash can only stand inside a string in JSON, so the
 * character after one is skipped: "\\u0000" is a backslash and "u0000".) */
static long nul_at(const char *t, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\0')
			return (long)i;
		if (t[i] != '\\')
			continue;
		if (i + 5 < len && !memcmp(t + i + 1, "u0000", 5))
			return (long)i;
		i++;
	}
	return -1;
}

cJSON *fs_json_parse(const char *text, size_t len, const char *what, fs_err *e)
{
	const char *end = NULL;
	if (!what)
		what = "JSON text";
	if (!text || len == 0) {
		fs_err_set(e, FS_E_PARSE, "%s is empty, not JSON", what);
		return NULL;
	}
	long nul = nul_at(text, len);
	if (nul >= 0) {
		int line, col;
		locate(text, (size_t)nul, &line, &col);
		fs_err_set(e, FS_E_PARSE, "%s holds a NUL character (\\u0000) in a string at line %d, "
			"column %d: fsstudio cannot keep it byte for byte and refuses the text rather than "
			"cut the string there", what, line, col);
		return NULL;
	}
	cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	size_t at = end ? (size_t)(end - text) : 0;
	if (v) {
		while (at < len && strchr(" \t\r\n", text[at]))
			at++;
		if (at == len)
			return v;
		cJSON_Delete(v);
	}
	int line, col;
	if (!v && unfinished(text, len)) {
		locate(text, len, &line, &col);
		fs_err_set(e, FS_E_PARSE, "%s is not valid JSON: it ends too early (line %d, column %d)",
			what, line, col);
		return NULL;
	}
	locate(text, at > len ? len : at, &line, &col);
	fs_err_set(e, FS_E_PARSE, "%s is not valid JSON: unexpected %s at line %d, column %d", what,
		v ? "text after the value" : "character", line, col);
	return NULL;
}

/* ---- Getters ---- */

static cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *fs_json_str(const cJSON *o, const char *key)
{
	cJSON *m = member(o, key);
	return cJSON_IsString(m) ? m->valuestring : NULL;
}

double fs_json_num(const cJSON *o, const char *key, double def)
{
	cJSON *m = member(o, key);
	return cJSON_IsNumber(m) ? m->valuedouble : def;
}

long long fs_json_int(const cJSON *o, const char *key, long long def)
{
	cJSON *m = member(o, key);
	if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble) || fabs(m->valuedouble) > 9.2e18)
		return def;
	return (long long)m->valuedouble;
}

int fs_json_bool(const cJSON *o, const char *key, int def)
{
	cJSON *m = member(o, key);
	return cJSON_IsBool(m) ? cJSON_IsTrue(m) : def;
}

cJSON *fs_json_obj(const cJSON *o, const char *key)
{
	cJSON *m = member(o, key);
	return cJSON_IsObject(m) ? m : NULL;
}

cJSON *fs_json_arr(const cJSON *o, const char *key)
{
	cJSON *m = member(o, key);
	return cJSON_IsArray(m) ? m : NULL;
}

cJSON *fs_json_path(const cJSON *o, const char *path)
{
	const cJSON *cur = o;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char *key = fs_xstrndup(p, n);
		cur = member(cur, key);
		free(key);
		p += n + (dot ? 1 : 0);
	}
	return (cJSON *)cur;
}

/* ---- Compare ---- */

static int ignored(const char *key, const char *const *ignore)
{
	for (; ignore && *ignore; ignore++)
		if (strcmp(key, *ignore) == 0)
			return 1;
	return 0;
}

static int count_members(const cJSON *o, const char *const *ignore)
{
	int n = 0;
	for (const cJSON *m = o->child; m; m = m->next)
		n += !ignored(m->string, ignore);
	return n;
}

static int equal(const cJSON *a, const cJSON *b, const char *const *ignore)
{
	if ((a->type & 0xFF) != (b->type & 0xFF))
		return 0;
	switch (a->type & 0xFF) {
	case cJSON_Number:
		return a->valuedouble == b->valuedouble;
	case cJSON_String:
		return strcmp(a->valuestring, b->valuestring) == 0;
	case cJSON_Array: {
		const cJSON *x = a->child, *y = b->child;
		for (; x && y; x = x->next, y = y->next)
			if (!equal(x, y, NULL))
				return 0;
		return !x && !y;
	}
	case cJSON_Object:
		if (count_members(a, ignore) != count_members(b, ignore))
			return 0;
		for (const cJSON *m = a->child; m; m = m->next) {
			if (ignored(m->string, ignore))
				continue;
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);
			if (!o || !equal(m, o, NULL))
				return 0;
		}
		return 1;
	default:
		return 1; /* null, true, false: the type says it all */
	}
}

int fs_json_equal(const cJSON *a, const cJSON *b, const char *const *ignore)
{
	if (!a || !b)
		return a == b;
	return equal(a, b, ignore);
}

/* ---- Serialization ---- */

void fs_json_quote(fs_buf *b, const char *s, bool slash_too)
{
	fs_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fs_buf_adds(b, "\\\""); break;
		case '\\': fs_buf_adds(b, "\\\\"); break;
		case '/':
			if (slash_too)
				fs_buf_adds(b, "\\/");
			else
				fs_buf_addc(b, '/');
			break;
		case '\n': fs_buf_adds(b, "\\n"); break;
		case '\r': fs_buf_adds(b, "\\r"); break;
		case '\t': fs_buf_adds(b, "\\t"); break;
		case '\b': fs_buf_adds(b, "\\b"); break;
		case '\f': fs_buf_adds(b, "\\f"); break;
		default:
			if (*p < 0x20)
				fs_buf_printf(b, "\\u%04x", *p);
			else
				fs_buf_addc(b, (char)*p);
		}
	}
	fs_buf_addc(b, '"');
}

void fs_json_append_str(fs_buf *b, const char *s)
{
	fs_json_quote(b, s, false);
}

/* Shortest text that reads back as the same double; integers plainly. */
static void append_num(fs_buf *b, double d)
{
	char tmp[64];
	if (!isfinite(d)) {
		fs_buf_adds(b, "null");
		return;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		fs_buf_printf(b, "%.0f", d == 0 ? 0.0 : d);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	fs_buf_adds(b, tmp);
}

typedef struct {
	int indent;               /* 0: compact */
	int sorted;
	const char *const *ignore; /* top level only */
} style;

static void newline(fs_buf *b, const style *st, int depth)
{
	if (!st->indent)
		return;
	fs_buf_addc(b, '\n');
	for (int i = 0; i < depth * st->indent; i++)
		fs_buf_addc(b, ' ');
}

static int cmp_members(const void *x, const void *y)
{
	const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
	return strcmp(a->string, b->string);
}

static void append(fs_buf *b, const cJSON *v, const style *st, int depth);

static void append_object(fs_buf *b, const cJSON *v, const style *st, int depth)
{
	size_t n = 0, k = 0;
	for (const cJSON *m = v->child; m; m = m->next)
		n++;
	const cJSON **list = fs_xcalloc(n ? n : 1, sizeof *list);
	for (const cJSON *m = v->child; m; m = m->next)
		if (!(depth == 0 && ignored(m->string, st->ignore)))
			list[k++] = m;
	if (st->sorted)
		qsort(list, k, sizeof *list, cmp_members);
	fs_buf_addc(b, '{');
	for (size_t i = 0; i < k; i++) {
		if (i)
			fs_buf_addc(b, ',');
		newline(b, st, depth + 1);
		fs_json_append_str(b, list[i]->string);
		fs_buf_adds(b, st->indent ? ": " : ":");
		append(b, list[i], st, depth + 1);
	}
	if (k)
		newline(b, st, depth);
	fs_buf_addc(b, '}');
	free(list);
}

static void append(fs_buf *b, const cJSON *v, const style *st, int depth)
{
	switch (v->type & 0xFF) {
	case cJSON_NULL: fs_buf_adds(b, "null"); break;
	case cJSON_True: fs_buf_adds(b, "true"); break;
	case cJSON_False: fs_buf_adds(b, "false"); break;
	case cJSON_Number: append_num(b, v->valuedouble); break;
	case cJSON_String: fs_json_append_str(b, v->valuestring ? v->valuestring : ""); break;
	case cJSON_Raw: fs_buf_adds(b, v->valuestring ? v->valuestring : "null"); break;
	case cJSON_Array:
		fs_buf_addc(b, '[');
		for (const cJSON *m = v->child; m; m = m->next) {
			if (m != v->child)
				fs_buf_addc(b, ',');
			newline(b, st, depth + 1);
			append(b, m, st, depth + 1);
		}
		if (v->child)
			newline(b, st, depth);
		fs_buf_addc(b, ']');
		break;
	case cJSON_Object: append_object(b, v, st, depth); break;
	default: fs_buf_adds(b, "null");
	}
}

char *fs_json_canonical(const cJSON *v, const char *const *ignore)
{
	fs_buf b = FS_BUF_INIT;
	style st = { 0, 1, ignore };
	if (v)
		append(&b, v, &st, 0);
	else
		fs_buf_adds(&b, "null");
	return fs_buf_steal(&b);
}

char *fs_json_pretty(const cJSON *v, int indent)
{
	fs_buf b = FS_BUF_INIT;
	style st = { indent, 0, NULL };
	if (v)
		append(&b, v, &st, 0);
	else
		fs_buf_adds(&b, "null");
	if (indent)
		fs_buf_addc(&b, '\n');
	return fs_buf_steal(&b);
}

char *fs_json_compact(const cJSON *v)
{
	return fs_json_pretty(v, 0);
}

void fs_json_append(fs_buf *b, const cJSON *v)
{
	style st = { 0, 0, NULL };
	if (v)
		append(b, v, &st, 0);
	else
		fs_buf_adds(b, "null");
}

void fs_json_hash(const cJSON *v, const char *const *ignore, char out[65])
{
	char *s = fs_json_canonical(v, ignore);
	fs_sha256_hex(s, strlen(s), out);
	free(s);
}

static int skipped(const char *key, const char *const *ignore)
{
	for (; ignore && *ignore; ignore++)
		if (!strcmp(key, *ignore))
			return 1;
	return 0;
}

static void leaves(const cJSON *v, const char *prefix, const char *const *ignore,
		   fs_json_leaf_fn fn, void *ctx)
{
	for (const cJSON *k = v ? v->child : NULL; k; k = k->next) {
		if (!k->string || (!prefix && skipped(k->string, ignore)))
			continue;
		char *name = prefix ? fs_xasprintf("%s/%s", prefix, k->string) : fs_xstrdup(k->string);
		if (cJSON_IsObject(k) && k->child)
			leaves(k, name, NULL, fn, ctx);
		else
			fn(ctx, name, k);
		free(name);
	}
}

void fs_json_leaves(const cJSON *v, const char *const *ignore, fs_json_leaf_fn fn, void *ctx)
{
	leaves(v, NULL, ignore, fn, ctx);
}

void fs_json_add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}
