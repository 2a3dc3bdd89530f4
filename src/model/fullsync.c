/* FullSync data semantics: post policies, recursive merge with per-path
 * rules, ACL tagging and the view-as-user rule (see fullsync.h). */
#include <stdlib.h>
#include <string.h>
#include "model/fullsync.h"
#include "base/json.h"

/* A write that lost a race (409) is retried this many times. */
#define POST_TRIES 5
#define GROUPS_PAGE 500

static const char *const policy_names[] = {
#define FS_POLICY_NAME(id, name) name,
	FS_POLICY_LIST(FS_POLICY_NAME)
#undef FS_POLICY_NAME
};

static const char *const merge_op_names[] = {
#define FS_MERGE_OP_NAME(id, name) name,
	FS_MERGE_OP_LIST(FS_MERGE_OP_NAME)
#undef FS_MERGE_OP_NAME
};

int fs_policy_by_name(const char *name)
{
	for (int i = 0; name && i < FS_POLICY_COUNT; i++)
		if (!strcmp(policy_names[i], name))
			return i;
	return -1;
}

const char *fs_policy_name(int p)
{
	return p >= 0 && p < FS_POLICY_COUNT ? policy_names[p] : "?";
}

/* ---- merge rules ---- */

enum fs_err_code fs_merge_rules_parse(const cJSON *obj, char sep, fs_merge_rules *out, fs_err *e)
{
	const cJSON *it;
	memset(out, 0, sizeof *out);
	out->sep = sep ? sep : '.';
	if (!obj)
		return 0;
	if (!cJSON_IsObject(obj))
		return fs_err_set(e, FS_E_INVALID, "merge rules must be an object like {\"a.b\": \"append\"}");
	cJSON_ArrayForEach(it, obj) {
		int op = -1;
		for (int i = 0; cJSON_IsString(it) && i < FS_MERGE_OP_COUNT; i++)
			if (!strcmp(merge_op_names[i], it->valuestring))
				op = i;
		if (op < 0) {
			fs_merge_rules_free(out);
			return fs_err_set(e, FS_E_INVALID,
				"merge rule for '%s': expected override, delete, append or prepend", it->string);
		}
		out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = (fs_merge_rule){ fs_xstrdup(it->string), op };
	}
	return 0;
}

void fs_merge_rules_free(fs_merge_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static int rule_at(const fs_merge_rules *rules, const char *path)
{
	for (size_t i = 0; rules && i < rules->n; i++)
		if (!strcmp(rules->v[i].path, path))
			return rules->v[i].op;
	return -1;
}

/* Elements of v as a fresh array (a non-array is one element). */
static void add_elements(cJSON *arr, const cJSON *v)
{
	const cJSON *it;
	if (!cJSON_IsArray(v)) {
		cJSON_AddItemToArray(arr, cJSON_Duplicate(v, 1));
		return;
	}
	cJSON_ArrayForEach(it, v)
		cJSON_AddItemToArray(arr, cJSON_Duplicate(it, 1));
}

static cJSON *concat(const cJSON *first, const cJSON *second)
{
	cJSON *arr = cJSON_CreateArray();
	if (first)
		add_elements(arr, first);
	if (second)
		add_elements(arr, second);
	return arr;
}

static cJSON *merge_value(cJSON *old, const cJSON *src, const fs_merge_rules *rules, fs_buf *path);

static void merge_object(cJSON *dst, const cJSON *src, const fs_merge_rules *rules, fs_buf *path)
{
	const cJSON *it;
	size_t base = path->len;
	cJSON_ArrayForEach(it, src) {
		if (base)
			fs_buf_addc(path, rules ? rules->sep : '.');
		fs_buf_adds(path, it->string);
		int op = rule_at(rules, fs_buf_str(path));
		cJSON *old = cJSON_GetObjectItemCaseSensitive(dst, it->string), *nv;
		if (op == FS_MERGE_DELETE) {
			cJSON_DeleteItemFromObjectCaseSensitive(dst, it->string);
		} else {
			if (op == FS_MERGE_OVERRIDE)
				nv = cJSON_Duplicate(it, 1);
			else if (op == FS_MERGE_APPEND)
				nv = concat(old, it);
			else if (op == FS_MERGE_PREPEND)
				nv = concat(it, old);
			else
				nv = merge_value(old, it, rules, path);
			if (old)
				cJSON_ReplaceItemInObjectCaseSensitive(dst, it->string, nv);
			else
				cJSON_AddItemToObject(dst, it->string, nv);
		}
		path->len = base;
		path->data[base] = 0;
	}
}

static void merge_array(cJSON *dst, const cJSON *src, const fs_merge_rules *rules, fs_buf *path)
{
	size_t base = path->len;
	int i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, src) {
		if (base)
			fs_buf_addc(path, rules ? rules->sep : '.');
		fs_buf_printf(path, "%d", i);
		cJSON *old = cJSON_GetArrayItem(dst, i);
		cJSON *nv = merge_value(old, it, rules, path);
		if (old)
			cJSON_ReplaceItemViaPointer(dst, old, nv);
		else
			cJSON_AddItemToArray(dst, nv);
		path->len = base;
		path->data[base] = 0;
		i++;
	}
}

/* The merged value of old and src (a new item; old is left for the caller). */
static cJSON *merge_value(cJSON *old, const cJSON *src, const fs_merge_rules *rules, fs_buf *path)
{
	if (old && cJSON_IsObject(old) && cJSON_IsObject(src)) {
		cJSON *m = cJSON_Duplicate(old, 1);
		merge_object(m, src, rules, path);
		return m;
	}
	if (old && cJSON_IsArray(old) && cJSON_IsArray(src)) {
		cJSON *m = cJSON_Duplicate(old, 1);
		merge_array(m, src, rules, path);
		return m;
	}
	return cJSON_Duplicate(src, 1);
}

void fs_fullsync_merge(cJSON *dst, const cJSON *src, const fs_merge_rules *rules)
{
	fs_buf path = FS_BUF_INIT;
	fs_buf_grow(&path, 64);
	if (cJSON_IsObject(dst) && cJSON_IsObject(src))
		merge_object(dst, src, rules, &path);
	else if (cJSON_IsArray(dst) && cJSON_IsArray(src))
		merge_array(dst, src, rules, &path);
	fs_buf_free(&path);
}

/* ---- ACL ---- */

void fs_acl_tag(cJSON *doc, const char *owner, const char *const *groups, size_t n)
{
	cJSON_DeleteItemFromObjectCaseSensitive(doc, FS_ACL_KEY);
	if (owner)
		cJSON_AddStringToObject(doc, FS_ACL_KEY, owner);
	if (!n)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, FS_GRP_KEY);
	if (n == 1) {
		cJSON_AddStringToObject(doc, FS_GRP_KEY, groups[0]);
		return;
	}
	cJSON *g = cJSON_AddObjectToObject(doc, FS_GRP_KEY);
	for (size_t i = 0; i < n; i++)
		if (!cJSON_GetObjectItemCaseSensitive(g, groups[i]))
			cJSON_AddTrueToObject(g, groups[i]);
}

int fs_acl_group_on(const cJSON *v)
{
	return cJSON_IsTrue(v) || (cJSON_IsString(v) && !strcmp(v->valuestring, "true"));
}

static int in_list(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

int fs_acl_visible(const cJSON *doc, const char *user, const char *const *groups, size_t n)
{
	const char *id = fs_json_str(doc, "_id");
	const cJSON *acl = cJSON_GetObjectItemCaseSensitive(doc, FS_ACL_KEY);
	const cJSON *grp = cJSON_GetObjectItemCaseSensitive(doc, FS_GRP_KEY), *it;
	if (id && !strncmp(id, "_design/", 8))
		return 1;
	if (!acl && !grp)
		return 1;
	if (user && cJSON_IsString(acl) && !strcmp(acl->valuestring, user))
		return 1;
	if (cJSON_IsString(grp))
		return in_list(grp->valuestring, groups, n);
	if (cJSON_IsObject(grp))
		cJSON_ArrayForEach(it, grp)
			if (fs_acl_group_on(it) && in_list(it->string, groups, n))
				return 1;
	return 0;
}

/* ---- string lists ---- */

void fs_strv_add(fs_strv *s, const char *str)
{
	s->v = fs_xrealloc(s->v, (s->n + 2) * sizeof *s->v);
	s->v[s->n++] = fs_xstrdup(str);
	s->v[s->n] = NULL;
}

int fs_strv_has(const fs_strv *s, const char *str)
{
	return in_list(str, (const char *const *)s->v, s->n);
}

void fs_strv_free(fs_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

enum fs_err_code fs_fullsync_user_groups(fs_couch *c, const char *grpdb, const char *user,
			    fs_strv *out, fs_err *e)
{
	fs_couch_view_opts o;
	char *after = NULL;
	int rc = 0, more = 1;
	memset(out, 0, sizeof *out);
	while (more && !rc) {
		cJSON *res = NULL, *startkey = after ? cJSON_CreateString(after) : NULL, *row;
		fs_couch_view_opts_init(&o);
		o.include_docs = 1;
		o.limit = GROUPS_PAGE + (after ? 1 : 0);
		o.startkey = startkey;
		rc = fs_couch_all_docs(c, grpdb, &o, &res, e);
		cJSON_Delete(startkey);
		if (rc)
			break;
		cJSON *rows = fs_json_arr(res, "rows");
		more = cJSON_GetArraySize(rows) == o.limit;
		cJSON_ArrayForEach(row, rows) {
			const char *id = fs_json_str(row, "id");
			cJSON *doc = fs_json_obj(row, "doc");
			if (after && id && !strcmp(id, after))
				continue;
			const char *type = fs_json_str(doc, "type"), *u = fs_json_str(doc, "user");
			const char *g = fs_json_str(doc, "group");
			if (type && !strcmp(type, "c8oGrp") && u && g && !strcmp(u, user) &&
			    !fs_strv_has(out, g))
				fs_strv_add(out, g);
			if (id) {
				free(after);
				after = fs_xstrdup(id);
			}
		}
		cJSON_Delete(res);
	}
	free(after);
	if (rc) {
		fs_strv_free(out);
		fs_err_prefix(e, "groups of '%s' from '%s'", user, grpdb);
	}
	return rc;
}

/* ---- post ---- */

/* One try of override or merge: read, build, write. */
static enum fs_err_code post_replace(fs_couch *c, const char *db, const cJSON *doc, const fs_post_opts *o,
			char **id, char **rev, fs_err *e)
{
	const char *docid = fs_json_str(doc, "_id");
	cJSON *stored = NULL, *body;
	int rc = fs_couch_doc_get(c, db, docid, NULL, &stored, e);
	if (rc == FS_E_NOTFOUND) {
		/* a missing (or deleted) document: the post creates it */
		body = cJSON_Duplicate(doc, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(body, "_rev");
	} else if (rc) {
		return rc;
	} else if (o->policy == FS_POLICY_MERGE) {
		body = stored;
		stored = NULL;
		cJSON *src = cJSON_Duplicate(doc, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(src, "_rev");
		fs_fullsync_merge(body, src, o->rules);
		cJSON_Delete(src);
	} else {
		body = cJSON_Duplicate(doc, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(body, "_rev");
		cJSON_AddStringToObject(body, "_rev", fs_json_str(stored, "_rev"));
	}
	cJSON_Delete(stored);
	if (o->acl)
		fs_acl_tag(body, o->owner, o->groups, o->ngroups);
	fs_err_clear(e);
	rc = fs_couch_doc_put(c, db, body, rev, e);
	if (!rc && id)
		*id = fs_xstrdup(docid);
	cJSON_Delete(body);
	return rc;
}

enum fs_err_code fs_fullsync_post(fs_couch *c, const char *db, const cJSON *doc, const fs_post_opts *o,
		     char **id_out, char **rev_out, fs_err *e)
{
	int rc;
	if (!cJSON_IsObject(doc))
		return fs_err_set(e, FS_E_INVALID, "a document must be a JSON object");
	if (o->policy == FS_POLICY_NONE || o->policy == FS_POLICY_CREATE || !fs_json_str(doc, "_id")) {
		cJSON *body = cJSON_Duplicate(doc, 1);
		if (o->policy == FS_POLICY_CREATE) {
			cJSON_DeleteItemFromObjectCaseSensitive(body, "_id");
			cJSON_DeleteItemFromObjectCaseSensitive(body, "_rev");
		}
		if (o->acl)
			fs_acl_tag(body, o->owner, o->groups, o->ngroups);
		rc = fs_couch_doc_post(c, db, body, id_out, rev_out, e);
		cJSON_Delete(body);
		return rc;
	}
	for (int i = 0; i < POST_TRIES; i++) {
		rc = post_replace(c, db, doc, o, id_out, rev_out, e);
		if (rc != FS_E_CONFLICT)
			break;
	}
	return rc;
}
