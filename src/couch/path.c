/* Request paths: see path.h. */
#include <stdlib.h>
#include <string.h>
#include "couch/curlfn.h"
#include "couch/path.h"
#include "base/json.h"

#define DB_MAX 238          /* CouchDB's limit on database names */
#define PATH_LEN_MAX 6000    /* encoded bytes: beyond, a request line no longer fits
			       the limits of common servers and proxies (8 KB) */

static const char *const system_dbs[] = { "_users", "_replicator", "_global_changes", NULL };
static const char *const id_prefixes[] = { "_design/", "_local/", NULL };

/* A name as it appears in a sentence: JSON-quoted (controls escaped, so the
 * sentence stays one line), long ones cut in the middle with their length. */
static char *shown(const char *s)
{
	fs_buf b = FS_BUF_INIT;
	size_t n = strlen(s);
	if (n <= 80) {
		fs_json_append_str(&b, s);
	} else {
		size_t head = 40, tail = 20;
		while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
			head--;
		while (tail > 0 && ((unsigned char)s[n - tail] & 0xC0) == 0x80)
			tail--;
		char *h = fs_xstrndup(s, head);
		fs_buf t = FS_BUF_INIT;
		fs_json_append_str(&b, h);
		fs_json_append_str(&t, s + n - tail);
		b.len--; /* the cut goes between the quotes */
		fs_buf_printf(&b, "...(%zu bytes)...%s", n, fs_buf_str(&t) + 1);
		fs_buf_free(&t);
		free(h);
	}
	return fs_buf_steal(&b);
}

void fs_path_segment(fs_buf *b, const char *s)
{
	if (!strcmp(s, ".") || !strcmp(s, "..")) {
		fs_buf_adds(b, s[1] ? "%2E%2E" : "%2E");
		return;
	}
	char *x = curl_easy_escape(NULL, s, (int)strlen(s));
	if (!x) {
		fs_buf_adds(b, "%00"); /* out of memory: a segment no server resolves */
		return;
	}
	fs_buf_adds(b, x);
	curl_free(x);
}

enum fs_err_code fs_path_check_db(const char *db, fs_err *e)
{
	if (!db || !*db)
		return fs_err_set(e, FS_E_INVALID, "the database name is empty");
	for (const char *const *s = system_dbs; *s; s++)
		if (!strcmp(db, *s))
			return 0;
	size_t n = strlen(db), ok = db[0] >= 'a' && db[0] <= 'z';
	for (size_t i = 1; ok && i < n; i++)
		ok = (db[i] >= 'a' && db[i] <= 'z') || (db[i] >= '0' && db[i] <= '9') || strchr("_$()+-/", db[i]);
	if (ok && n <= DB_MAX)
		return 0;
	char *q = shown(db);
	int rc = fs_err_set(e, FS_E_INVALID, n > DB_MAX ?
		"%s is not a valid database name: CouchDB allows at most 238 characters" :
		"%s is not a valid database name: CouchDB names start with a lowercase letter "
		"and hold only a-z, 0-9 and _ $ ( ) + - / (^[a-z][a-z0-9_$()+/-]*$)", q);
	free(q);
	return rc;
}

/* The length of the kept prefix of an id ("_design/" or "_local/"), or 0. */
static size_t kept_prefix(const char *id)
{
	for (const char *const *k = id_prefixes; *k; k++) {
		size_t n = strlen(*k);
		if (!strncmp(id, *k, n) && id[n])
			return n;
	}
	return 0;
}

int fs_path_reserved_id(const char *id)
{
	return id && id[0] == '_' && !kept_prefix(id);
}

enum fs_err_code fs_path_check_id(const char *id, fs_err *e)
{
	if (!id || !*id)
		return fs_err_set(e, FS_E_INVALID, "the document id is empty");
	if (!fs_path_reserved_id(id))
		return 0;
	char *q = shown(id);
	int rc;
	if (!strcmp(id, "_design/") || !strcmp(id, "_local/"))
		rc = fs_err_set(e, FS_E_INVALID, "%s names no document: a name must follow the prefix", q);
	else if (!strcmp(id, "_security"))
		rc = fs_err_set(e, FS_E_INVALID, "%s is not a document: it is the database's permissions, "
			"shown and changed by `fsstudio db security DB`", q);
	else
		rc = fs_err_set(e, FS_E_INVALID, "%s is not a document id: ids starting with '_' are "
			"reserved by CouchDB (only _design/NAME and _local/NAME are documents)", q);
	free(q);
	return rc;
}

static enum fs_err_code check_part(const char *what, const char *s, fs_err *e)
{
	if (!s || !*s)
		return fs_err_set(e, FS_E_INVALID, "the %s is empty", what);
	return 0;
}

/* Each '/'-separated part of an attachment name, encoded; the slashes kept
 * (CouchDB joins the parts again). Empty parts cannot travel. */
static enum fs_err_code add_attachment(fs_buf *b, const char *att, fs_err *e)
{
	if (check_part("attachment name", att, e))
		return FS_E_INVALID;
	if (att[0] == '/' || att[strlen(att) - 1] == '/' || strstr(att, "//")) {
		char *q = shown(att);
		int rc = fs_err_set(e, FS_E_INVALID, "attachment name %s has an empty part "
			"(a leading, trailing or double '/')", q);
		free(q);
		return rc;
	}
	for (const char *s = att; ; ) {
		const char *slash = strchr(s, '/');
		char *part = slash ? fs_xstrndup(s, (size_t)(slash - s)) : fs_xstrdup(s);
		fs_buf_addc(b, '/');
		fs_path_segment(b, part);
		free(part);
		if (!slash)
			return 0;
		s = slash + 1;
	}
}

static void add_id(fs_buf *b, const char *id)
{
	size_t k = kept_prefix(id);
	fs_buf_addc(b, '/');
	fs_buf_add(b, id, k);
	fs_path_segment(b, id + k);
}

static enum fs_err_code add_parts(fs_buf *b, const fs_path *p, fs_err *e)
{
	if (p->db) {
		if (fs_path_check_db(p->db, e))
			return FS_E_INVALID;
		fs_buf_addc(b, '/');
		fs_path_segment(b, p->db);
	}
	if (p->id) {
		if (fs_path_check_id(p->id, e))
			return FS_E_INVALID;
		add_id(b, p->id);
		if (p->att && add_attachment(b, p->att, e))
			return FS_E_INVALID;
	}
	if (p->ddoc) {
		const char *name = strncmp(p->ddoc, "_design/", 8) ? p->ddoc : p->ddoc + 8;
		if (check_part("design document name", name, e))
			return FS_E_INVALID;
		fs_buf_adds(b, "/_design/");
		fs_path_segment(b, name);
	}
	if (p->view) {
		if (check_part("view name", p->view, e))
			return FS_E_INVALID;
		fs_buf_adds(b, "/_view/");
		fs_path_segment(b, p->view);
	}
	return 0;
}

enum fs_err_code fs_path_build(fs_buf *b, const fs_path *p, fs_err *e)
{
	fs_buf tmp = FS_BUF_INIT;
	int rc = add_parts(&tmp, p, e);
	if (!rc && tmp.len > PATH_LEN_MAX) {
		const char *what = p->att ? "attachment name" : p->id ? "document id" : "name";
		rc = fs_err_set(e, FS_E_INVALID, "the %s is too long for a request: %zu bytes once encoded, "
			"at most %d", what, tmp.len, PATH_LEN_MAX);
	}
	if (!rc) {
		fs_buf_add(b, tmp.data ? tmp.data : "", tmp.len);
		if (p->endpoint)
			fs_buf_printf(b, "/%s", p->endpoint);
		else if (!tmp.len)
			fs_buf_addc(b, '/'); /* the server's root */
	}
	fs_buf_free(&tmp);
	return rc;
}
