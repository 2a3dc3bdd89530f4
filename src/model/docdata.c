/* The docdata codec (see docdata.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/docdata.h"
#include "base/json.h"

/* The 0-based line of text where the newline-free copy has offset pos. */
static int line_of(const char *text, size_t pos)
{
	int line = 0;
	size_t kept = 0;
	for (const char *p = text; *p && kept < pos; p++) {
		if (*p == '\n')
			line++;
		else
			kept++;
	}
	/* newlines right at pos belong to the line before: the error is there */
	return line;
}

enum fs_err_code fs_docdata_decode(const char *text, cJSON **out, int *errline, fs_err *e)
{
	*out = NULL;
	fs_buf flat = FS_BUF_INIT;
	for (const char *p = text; *p; p++)
		if (*p != '\n')
			fs_buf_addc(&flat, *p);
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(fs_buf_str(&flat), flat.len + 1, &end, 1);
	if (!doc || !cJSON_IsObject(doc)) {
		size_t pos = doc || !end ? 0 : (size_t)(end - fs_buf_str(&flat));
		if (errline)
			*errline = line_of(text, pos);
		cJSON_Delete(doc);
		size_t flen = flat.len;
		fs_buf_free(&flat);
		if (!flen)
			return fs_err_set(e, FS_E_PARSE, "empty design document");
		if (doc)
			return fs_err_set(e, FS_E_PARSE, "the design document is not a JSON object");
		return fs_err_set(e, FS_E_PARSE, "broken design document JSON near character %zu", pos + 1);
	}
	fs_buf_free(&flat);
	*out = doc;
	return 0;
}

static void indent(fs_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		fs_buf_addc(b, ' ');
}

static void put_value(fs_buf *b, const cJSON *v, int ind);

/* Objects and arrays: "{}" when empty, else one member per line. */
static void put_container(fs_buf *b, const cJSON *v, int ind, int obj)
{
	const cJSON *c = v->child;
	if (!c) {
		fs_buf_adds(b, obj ? "{}" : "[]");
		return;
	}
	fs_buf_adds(b, obj ? "{\n" : "[\n");
	for (; c; c = c->next) {
		indent(b, ind + 2);
		if (obj) {
			fs_json_quote(b, c->string ? c->string : "", true);
			fs_buf_adds(b, ": ");
		}
		put_value(b, c, ind + 2);
		if (c->next)
			fs_buf_addc(b, ',');
		fs_buf_addc(b, '\n');
	}
	indent(b, ind);
	fs_buf_addc(b, obj ? '}' : ']');
}

static void put_value(fs_buf *b, const cJSON *v, int ind)
{
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		put_container(b, v, ind, cJSON_IsObject(v));
	} else if (cJSON_IsString(v)) {
		fs_json_quote(b, v->valuestring ? v->valuestring : "", true);
	} else if (cJSON_IsTrue(v)) {
		fs_buf_adds(b, "true");
	} else if (cJSON_IsFalse(v)) {
		fs_buf_adds(b, "false");
	} else if (cJSON_IsNumber(v)) {
		/* cJSON prints the shortest text that reads back the same double */
		cJSON *n = cJSON_CreateNumber(v->valuedouble);
		char *s = cJSON_PrintUnformatted(n);
		fs_buf_adds(b, s ? s : "null");
		cJSON_free(s);
		cJSON_Delete(n);
	} else if (cJSON_IsRaw(v) && v->valuestring) {
		fs_buf_adds(b, v->valuestring);
	} else {
		fs_buf_adds(b, "null");
	}
}

char *fs_docdata_print(const cJSON *doc)
{
	fs_buf b = FS_BUF_INIT;
	put_value(&b, doc, 0);
	return fs_buf_steal(&b);
}

/* Convertigo's two textual passes: a real newline after every `\n` (the
 * text "\n", even when it follows an escaped backslash, as Java's
 * String.replace does), and four spaces for every `\t` escape. The tab pass
 * looks at whole escapes: a blind replace would break "\\t" into invalid
 * JSON. */
char *fs_docdata_encode(const cJSON *doc)
{
	fs_buf j = FS_BUF_INIT, out = FS_BUF_INIT;
	put_value(&j, doc, 0);
	const char *s = fs_buf_str(&j);
	for (size_t i = 0; i < j.len; i++) {
		if (s[i] == '\\' && i + 1 < j.len && s[i + 1] == 't') {
			/* count the backslashes before: odd means this one is escaped */
			size_t k = i, run = 0;
			while (k > 0 && s[k - 1] == '\\') {
				k--;
				run++;
			}
			if (run % 2 == 0) {
				fs_buf_adds(&out, "    ");
				i++;
				continue;
			}
		}
		fs_buf_addc(&out, s[i]);
		if (s[i] == '\\' && i + 1 < j.len && s[i + 1] == 'n') {
			fs_buf_addc(&out, 'n');
			fs_buf_addc(&out, '\n');
			i++;
		}
	}
	fs_buf_free(&j);
	return fs_buf_steal(&out);
}
