/* Database permissions: see security.h. */
#include <stdlib.h>
#include <string.h>
#include "couch/security.h"
#include "base/json.h"
#include "base/textdiff.h"

static const char *const whos[] = { "admins", "members" };
static const char *const kinds[] = { "names", "roles" };

/* Checks one list; adds a copy to dst (an empty one when absent). */
static enum fs_err_code copy_list(const cJSON *src, cJSON *dst, const char *who, const char *kind,
		     const char *what, fs_err *e)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(src, kind), *it;
	cJSON *out = cJSON_AddArrayToObject(dst, kind);
	if (!l || cJSON_IsNull(l))
		return 0;
	if (!cJSON_IsArray(l))
		return fs_err_set(e, FS_E_INVALID, "%s: %s.%s must be a list of strings", what, who, kind);
	cJSON_ArrayForEach(it, l) {
		if (!cJSON_IsString(it) || !it->valuestring[0])
			return fs_err_set(e, FS_E_INVALID, "%s: %s.%s must hold only non-empty strings",
					  what, who, kind);
		cJSON_AddItemToArray(out, cJSON_CreateString(it->valuestring));
	}
	return 0;
}

enum fs_err_code fs_security_normalize(const cJSON *sec, const char *what, cJSON **out, fs_err *e)
{
	*out = NULL;
	if (!cJSON_IsObject(sec))
		return fs_err_set(e, FS_E_INVALID, "%s is not a security object (an object with "
				  "admins and members)", what);
	cJSON *n = cJSON_CreateObject();
	const cJSON *it;
	int rc = 0;
	for (int w = 0; w < 2 && !rc; w++) {
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(sec, whos[w]);
		if (src && !cJSON_IsNull(src) && !cJSON_IsObject(src)) {
			rc = fs_err_set(e, FS_E_INVALID, "%s: %s must be an object with names and roles",
					what, whos[w]);
			break;
		}
		cJSON *dst = cJSON_AddObjectToObject(n, whos[w]);
		for (int k = 0; k < 2 && !rc; k++)
			rc = copy_list(src, dst, whos[w], kinds[k], what, e);
	}
	/* anything else the server keeps there stays as it is */
	cJSON_ArrayForEach(it, sec)
		if (!rc && it->string && strcmp(it->string, "admins") && strcmp(it->string, "members"))
			cJSON_AddItemToObject(n, it->string, cJSON_Duplicate(it, 1));
	if (rc)
		cJSON_Delete(n);
	else
		*out = n;
	return rc;
}

enum fs_err_code fs_security_get(fs_couch *c, const char *db, cJSON **out, fs_err *e)
{
	cJSON *raw = NULL;
	*out = NULL;
	int rc = fs_couch_security_get(c, db, &raw, e);
	if (rc)
		return rc;
	char *what = fs_xasprintf("the security object of database '%s' on %s", db, fs_couch_url(c));
	rc = fs_security_normalize(raw, what, out, e);
	free(what);
	cJSON_Delete(raw);
	return rc ? (e ? (e->code = FS_E_SERVER) : FS_E_SERVER) : 0;
}

static cJSON *list_of(cJSON *sec, const char *who, const char *kind)
{
	cJSON *w = cJSON_GetObjectItemCaseSensitive(sec, who);
	if (!cJSON_IsObject(w)) {
		cJSON_DeleteItemFromObjectCaseSensitive(sec, who);
		w = cJSON_AddObjectToObject(sec, who);
	}
	cJSON *l = cJSON_GetObjectItemCaseSensitive(w, kind);
	if (!cJSON_IsArray(l)) {
		cJSON_DeleteItemFromObjectCaseSensitive(w, kind);
		l = cJSON_AddArrayToObject(w, kind);
	}
	return l;
}

enum fs_err_code fs_security_change(cJSON *sec, const char *who, const char *kind, const char *value,
		       int add, fs_err *e)
{
	if (!value || !*value)
		return fs_err_set(e, FS_E_INVALID, "a %s entry of %s cannot be empty",
				  strcmp(kind, "names") ? "role" : "name", who);
	cJSON *l = list_of(sec, who, kind), *it;
	int at = 0;
	cJSON_ArrayForEach(it, l) {
		if (cJSON_IsString(it) && !strcmp(it->valuestring, value))
			break;
		at++;
	}
	if (add && !it)
		cJSON_AddItemToArray(l, cJSON_CreateString(value));
	else if (!add && it)
		cJSON_DeleteItemFromArray(l, at);
	return 0;
}

int fs_security_is_public(const cJSON *sec)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(sec, "members");
	return cJSON_GetArraySize(fs_json_arr(m, "names")) == 0 &&
	       cJSON_GetArraySize(fs_json_arr(m, "roles")) == 0;
}

void fs_security_format(const cJSON *sec, fs_buf *out)
{
	const cJSON *it;
	for (int w = 0; w < 2; w++) {
		const cJSON *who = cJSON_GetObjectItemCaseSensitive(sec, whos[w]);
		size_t before = out->len;
		for (int k = 0; k < 2; k++)
			cJSON_ArrayForEach(it, fs_json_arr(who, kinds[k]))
				if (cJSON_IsString(it))
					fs_buf_printf(out, "%-8s %s  %s\n", whos[w], k ? "role" : "name",
						      it->valuestring);
		if (out->len == before)
			fs_buf_printf(out, "%-8s %s\n", whos[w], w ? "(none: the database is public)" :
				      "(none: only server admins)");
	}
	cJSON_ArrayForEach(it, sec) {
		if (!it->string || !strcmp(it->string, "admins") || !strcmp(it->string, "members"))
			continue;
		char *v = cJSON_PrintUnformatted(it);
		fs_buf_printf(out, "%-8s %s\n", it->string, v ? v : "?");
		free(v);
	}
}

void fs_security_diff(const cJSON *old, const cJSON *new, fs_buf *out)
{
	fs_buf a = FS_BUF_INIT, b = FS_BUF_INIT;
	fs_hunks h = { 0 };
	fs_security_format(old, &a);
	fs_security_format(new, &b);
	fs_textdiff_str(fs_buf_str(&a), fs_buf_str(&b), 100, &h);
	if (h.n)
		fs_hunks_format(&h, "server", "new", out);
	fs_hunks_free(&h);
	fs_buf_free(&a);
	fs_buf_free(&b);
}

enum fs_err_code fs_security_put(fs_couch *c, const char *db, const cJSON *old, const cJSON *new,
		    int allow_public, fs_err *e)
{
	cJSON *now = NULL, *checked = NULL;
	int rc = fs_security_normalize(new, "the new security object", &checked, e);
	if (!rc && fs_security_is_public(checked) && !allow_public)
		rc = fs_err_set(e, FS_E_INVALID, "this change leaves database '%s' without members: it "
				"would be public, readable by anyone who reaches the server; say so "
				"explicitly to do it (--public)", db);
	/* _security has no revision: read it again just before writing */
	if (!rc)
		rc = fs_security_get(c, db, &now, e);
	if (!rc && old && !fs_json_equal(now, old, NULL))
		rc = fs_err_set(e, FS_E_CONFLICT, "the security object of database '%s' was changed by "
				"someone else since it was read: nothing written, read it again", db);
	if (!rc)
		rc = fs_couch_security_put(c, db, checked, e);
	cJSON_Delete(now);
	cJSON_Delete(checked);
	return rc;
}

enum fs_err_code fs_security_parse_list(const char *text, const char *what, cJSON **out, fs_err *e)
{
	cJSON *l = cJSON_CreateObject();
	cJSON *names = cJSON_AddArrayToObject(l, "names"), *roles = cJSON_AddArrayToObject(l, "roles");
	char *copy = fs_xstrdup(text ? text : ""), *save = NULL;
	int rc = 0;
	*out = NULL;
	for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
		t += strspn(t, " \t");
		size_t n = strlen(t);
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			t[--n] = '\0';
		int role = !strncmp(t, "role:", 5);
		const char *v = role ? t + 5 : t;
		if (!*v)
			rc = fs_err_set(e, FS_E_PARSE, "%s: an entry is empty (a list is like "
					"\"alice, bob, role:staff\")", what);
		else
			cJSON_AddItemToArray(role ? roles : names, cJSON_CreateString(v));
	}
	free(copy);
	if (rc)
		cJSON_Delete(l);
	else
		*out = l;
	return rc;
}
