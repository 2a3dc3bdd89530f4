/* Edits of the project model: properties, functions, create, rename, delete,
 * copy. Every edit touches only the lines it changes; the rest of the files
 * is written back byte for byte. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/docdata.h"
#include "model/project_int.h"

#define DEFAULT_MAP      "function (doc) {\n    emit(doc._id, null);\n}"
#define DEFAULT_REDUCE   "_count"
#define DEFAULT_VALIDATE "function (newDoc, oldDoc, userCtx, secObj) {\n}"
#define DEFAULT_FILTER   "function (doc, req) {\n    return true;\n}"
#define DEFAULT_UPDATE   "function (doc, req) {\n    return [doc, 'ok'];\n}"
#define DEFAULT_LISTENER "couchdb.FullSyncListener"
#define DEFAULT_TRANS    "transactions.couchdb.PostDocumentTransaction"

/* Known properties: class (a trailing * matches a prefix), key, the default
 * Convertigo does not write, allowed values ("a|b", "#int", "#view" for
 * Project.connector.ddoc.view, "#ddocview" for ddoc/view; NULL: any). */
#define FS_PROPDEF_LIST(_) \
	_("connectors.FullSyncConnector", "anonymousReplication", "deny", "allow|deny") \
	_("couchdb.FullSync*", "chunk", "10", "#int") \
	_("couchdb.FullSync*", "isEnabled", "true", "true|false") \
	_("couchdb.FullSync*", "targetView", "", "#view") \
	_("couchdb.FullSync*Filter*", "targetFilter", "_doc_ids", NULL) \
	_("transactions.couchdb.Post*", "policy", "none", "none|create|override|merge") \
	_("transactions.couchdb.Post*", "fullSyncAclPolicy", "fromAuthenticatedUser", \
	  "fromAuthenticatedUser|anonymous|noOp|fromKeyC8oAcl") \
	_("transactions.couchdb.Post*", "useHash", "false", "true|false") \
	_("transactions.couchdb.GetViewTransaction", "viewname", "", "#ddocview") \
	_("*", "comment", "", NULL)

static const struct propdef {
	const char *cls, *key, *def, *allowed;
} propdefs[] = {
#define FS_PROPDEF_ROW(c, k, d, a) { c, k, d, a },
	FS_PROPDEF_LIST(FS_PROPDEF_ROW)
#undef FS_PROPDEF_ROW
};

/* Keys whose values name other beans, rewritten by renames. */
static const char *const ref_keys[] = { "targetView", "targetSequence", "sourceTransaction", "sourceSequence", NULL };
static const char *const view_keys[] = { "targetView", NULL };
static const char *const viewname_keys[] = { "viewname", "targetFilter", NULL };
static const char *const filter_keys[] = { "targetFilter", NULL };
static const char *const seq_keys[] = { "targetSequence", "sourceSequence", NULL };
static const char *const trans_keys[] = { "sourceTransaction", NULL };

/* ---- validation ---------------------------------------------------------- */

/* A glob with '*' for any run of characters. */
static int glob(const char *pat, const char *s)
{
	if (!*pat)
		return !*s;
	if (*pat == '*')
		return glob(pat + 1, s) || (*s && glob(pat, s + 1));
	return *s == *pat && glob(pat + 1, s + 1);
}

static const struct propdef *propdef(const fs_obj *o, const char *key)
{
	for (size_t i = 0; i < sizeof propdefs / sizeof *propdefs; i++)
		if (!strcmp(propdefs[i].key, key) && glob(propdefs[i].cls, o->cls ? o->cls : ""))
			return &propdefs[i];
	return NULL;
}

static int one_of(const char *v, const char *list)
{
	size_t n = strlen(v);
	for (const char *s = list; *s;) {
		size_t k = strcspn(s, "|");
		if (k == n && !strncmp(s, v, n))
			return 1;
		s += k + (s[k] == '|');
	}
	return 0;
}

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

static int valid_value(const char *v, const char *allowed)
{
	if (!allowed || !*v)
		return 1;
	if (!strcmp(allowed, "#int")) {
		char *end;
		strtol(v, &end, 10);
		return end != v && !*end;
	}
	if (!strcmp(allowed, "#view"))
		return count_char(v, '.') == 3 && !strstr(v, "..") && v[0] != '.' && v[strlen(v) - 1] != '.';
	if (!strcmp(allowed, "#ddocview"))
		return count_char(v, '/') == 1 && v[0] != '/' && v[strlen(v) - 1] != '/';
	return one_of(v, allowed);
}

/* What valid_value accepts, for messages. */
static const char *allowed_text(const char *allowed)
{
	if (!strcmp(allowed, "#int"))
		return "an integer";
	if (!strcmp(allowed, "#view"))
		return "Project.connector.ddoc.view";
	if (!strcmp(allowed, "#ddocview"))
		return "ddoc/view";
	return allowed;
}

/* Convertigo's rule for FullSync connectors (the database name). */
int fs_connector_name_ok(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("_$()+/-", *s)))
			return 0;
	return 1;
}

/* Bean names: letters, digits, '_' and '-' (dots would break references). */
static int valid_bean_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Views and functions: any text without '/', '.', spaces or controls, since
 * they appear in "ddoc/view" and "Project.connector.ddoc.view". */
static int valid_json_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '/' || *s == '.' || *s == 0x7f)
			return 0;
	return 1;
}

static enum fs_err_code check_name(fs_kind kind, const char *name, fs_err *e)
{
	if (!name)
		return fs_err_set(e, FS_E_USAGE, "a name is needed");
	if (kind == FS_K_CONNECTOR) {
		if (!fs_connector_name_ok(name))
			return fs_err_set(e, FS_E_INVALID,
					  "'%s' is not a valid connector name: it must match ^[a-z][a-z0-9_$()+/-]*$", name);
	} else if (kind == FS_K_VIEW || kind == FS_K_FUNCTION) {
		if (!valid_json_name(name))
			return fs_err_set(e, FS_E_INVALID, "'%s' is not a valid name (no spaces, '/' or '.')", name);
	} else if (!valid_bean_name(name)) {
		return fs_err_set(e, FS_E_INVALID, "'%s' is not a valid name (letters, digits, '_' and '-')", name);
	}
	if (kind == FS_K_DDOC && !strcmp(name, "c8o"))
		return fs_err_set(e, FS_E_INVALID, "_design/c8o is reserved for the Convertigo engine");
	return 0;
}

/* Siblings have unique names (functions: unique within their type). */
static enum fs_err_code check_unique(const fs_obj *parent, fs_kind kind, fs_fn_type fn, const char *name, const fs_obj *self,
			fs_err *e)
{
	for (size_t i = 0; i < parent->nkids; i++) {
		const fs_obj *k = parent->kids[i];
		if (k == self || strcmp(k->name, name))
			continue;
		int beans = kind != FS_K_VIEW && kind != FS_K_FUNCTION;
		int kbean = k->kind != FS_K_VIEW && k->kind != FS_K_FUNCTION;
		if ((beans && kbean) || (k->kind == kind && (kind != FS_K_FUNCTION || k->fn == fn)))
			return fs_err_set(e, FS_E_EXISTS, "%s already has a %s named '%s'",
					  parent->parent ? parent->name : "the project", fs_kind_name(k->kind), name);
	}
	return 0;
}

static void edited(fs_obj *o)
{
	fs_project_touch(o->project);
}

/* ---- properties ---------------------------------------------------------- */

static int valid_key(const char *k)
{
	if (!(isalpha((unsigned char)*k) || *k == '_'))
		return 0;
	for (; *k; k++)
		if (!(isalnum((unsigned char)*k) || *k == '_'))
			return 0;
	return 1;
}

/* Properties go in alphabetical order after the attributes, before beans. */
static size_t prop_slot(const fs_line *body, const char *key)
{
	size_t at = 0;
	while (at < body->nkids) {
		const fs_line *k = body->kids[at];
		if (k->type == FS_LN_BEAN || (k->type == FS_LN_PROP && strcmp(k->key, key) > 0))
			break;
		at++;
	}
	return at;
}

enum fs_err_code fs_obj_set_prop(fs_obj *o, const char *key, const char *value, fs_err *e)
{
	if (!fs_obj_editable(o))
		return fs_err_set(e, FS_E_INVALID, "%s is kept as Convertigo wrote it (read-only here)", o->name);
	if (o->kind == FS_K_VIEW || o->kind == FS_K_FUNCTION)
		return fs_err_set(e, FS_E_INVALID, "a %s has no properties: edit its text", fs_kind_name(o->kind));
	if (o->kind == FS_K_DDOC)
		return fs_err_set(e, FS_E_INVALID, "edit the views and functions of a design document, not its docdata");
	if (!valid_key(key))
		return fs_err_set(e, FS_E_INVALID, "'%s' is not a property name", key);
	const struct propdef *d = propdef(o, key);
	if (value && d && !valid_value(value, d->allowed))
		return fs_err_set(e, FS_E_INVALID, "'%s' is not a valid %s (%s)", value, key, allowed_text(d->allowed));
	if (value && d && !strcmp(value, d->def))
		value = NULL; /* Convertigo does not write defaults */
	fs_line *body = fs_bean_body(o);
	fs_line *l = fs_line_kid(body, FS_LN_PROP, key);
	if (l && fs_line_has_kids(l))
		return fs_err_set(e, FS_E_INVALID, "%s of %s is not a plain text", key, o->name);
	if (!l && !value)
		return 0;
	if (l && value && l->value && !strcmp(l->value, value))
		return 0;
	if (!value) {
		fs_line_detach(l);
		fs_line_free(l);
	} else if (l) {
		fs_line_set_value(l, value);
	} else {
		fs_line_insert(body, prop_slot(body, key), fs_line_new(FS_LN_PROP, key, value));
	}
	edited(o);
	return 0;
}

/* ---- design documents ---------------------------------------------------- */

enum fs_err_code fs_fn_set_text(fs_obj *fn, const char *text, fs_err *e)
{
	cJSON *j = fs_fn_json(fn);
	if (!cJSON_IsString(j))
		return fs_err_set(e, FS_E_INVALID, "%s is not a function", fn ? fn->name : "(null)");
	if (!text)
		return fs_err_set(e, FS_E_USAGE, "no text given");
	if (!strcmp(j->valuestring, text))
		return 0;
	if (!cJSON_SetValuestring(j, text))
		return fs_err_set(e, FS_E_NOMEM, "out of memory");
	fs_ddoc_commit(fs_obj_up(fn, FS_K_DDOC));
	return 0;
}

static void set_id(cJSON *doc, const char *name)
{
	char *id = fs_xasprintf("_design/%s", name);
	cJSON *old = cJSON_GetObjectItemCaseSensitive(doc, "_id");
	if (old)
		cJSON_SetValuestring(old, id);
	else {
		cJSON *s = cJSON_CreateString(id);
		s->string = fs_xstrdup("_id");
		s->next = doc->child;
		if (doc->child) {
			s->prev = doc->child->prev;
			doc->child->prev = s;
		} else {
			s->prev = s;
		}
		doc->child = s;
	}
	free(id);
}

enum fs_err_code fs_ddoc_set_json(fs_obj *ddoc, const cJSON *doc, fs_err *e)
{
	if (!ddoc || ddoc->kind != FS_K_DDOC)
		return fs_err_set(e, FS_E_INVALID, "not a design document");
	if (!cJSON_IsObject(doc))
		return fs_err_set(e, FS_E_INVALID, "a design document is a JSON object");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "_id");
	char *want = fs_xasprintf("_design/%s", ddoc->name);
	int bad = id && (!cJSON_IsString(id) || strcmp(id->valuestring, want));
	free(want);
	if (bad)
		return fs_err_set(e, FS_E_INVALID, "the document is not _design/%s", ddoc->name);
	cJSON *copy = cJSON_Duplicate(doc, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "_rev"); /* Convertigo stores no revision */
	set_id(copy, ddoc->name);
	objpriv *pv = fs_priv(ddoc);
	if (cJSON_Compare(copy, pv->doc, 1)) {
		cJSON_Delete(copy);
		return 0;
	}
	cJSON_Delete(pv->doc);
	pv->doc = copy;
	fs_ddoc_build(ddoc);
	fs_ddoc_commit(ddoc);
	return 0;
}

static cJSON *json_member(cJSON *obj, const char *key)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!m) {
		m = cJSON_CreateObject();
		cJSON_AddItemToObject(obj, key, m);
	}
	return m;
}

static void json_rekey(cJSON *item, const char *name)
{
	if (!(item->type & cJSON_StringIsConst))
		free(item->string);
	item->string = fs_xstrdup(name);
	item->type &= ~cJSON_StringIsConst;
}

/* The JSON object that holds functions of type t (views: the view). */
static cJSON *fn_holder(fs_obj *parent, fs_fn_type t)
{
	fs_obj *ddoc = fs_obj_up(parent, FS_K_DDOC);
	cJSON *doc = fs_priv(ddoc)->doc;
	if (t == FS_FN_MAP || t == FS_FN_REDUCE)
		return cJSON_GetObjectItemCaseSensitive(json_member(doc, "views"), parent->name);
	if (t == FS_FN_VALIDATE)
		return doc;
	return json_member(doc, fs_fn_name(t));
}

static fs_fn_type fn_type_of(const char *variant)
{
	for (int t = FS_FN_MAP; t < FS_FN_COUNT; t++)
		if (!strcmp(variant, fs_fn_name(t)))
			return t;
	return FS_FN_NONE;
}

static enum fs_err_code new_function(fs_obj *parent, const char *name, const char *variant, fs_obj **out, fs_err *e)
{
	fs_fn_type t = variant ? fn_type_of(variant) : parent->kind == FS_K_VIEW ? FS_FN_REDUCE : FS_FN_NONE;
	int in_view = t == FS_FN_MAP || t == FS_FN_REDUCE;
	if (t == FS_FN_NONE || in_view != (parent->kind == FS_K_VIEW))
		return fs_err_set(e, FS_E_INVALID, "a %s takes %s", fs_kind_name(parent->kind),
				  parent->kind == FS_K_VIEW ? "a map or reduce function"
							    : "validate_doc_update, filters or updates functions");
	const char *key = t == FS_FN_FILTER || t == FS_FN_UPDATE ? name : fs_fn_name(t);
	int rc;
	if (key != name && name && strcmp(name, key))
		return fs_err_set(e, FS_E_INVALID, "a %s function is named %s", fs_fn_name(t), key);
	if (key == name && (rc = check_name(FS_K_FUNCTION, name, e)))
		return rc;
	if ((rc = check_unique(parent, FS_K_FUNCTION, t, key, NULL, e)))
		return rc;
	static const char *const texts[FS_FN_COUNT] = {
		[FS_FN_MAP] = DEFAULT_MAP, [FS_FN_REDUCE] = DEFAULT_REDUCE, [FS_FN_VALIDATE] = DEFAULT_VALIDATE,
		[FS_FN_FILTER] = DEFAULT_FILTER, [FS_FN_UPDATE] = DEFAULT_UPDATE,
	};
	cJSON_AddStringToObject(fn_holder(parent, t), key, texts[t]);
	fs_obj *f = in_view ? fs_view_add_fn(parent, t) : fs_ddoc_add(parent, FS_K_FUNCTION, t, key);
	fs_ddoc_commit(fs_obj_up(parent, FS_K_DDOC));
	if (out)
		*out = f;
	return 0;
}

static enum fs_err_code new_view(fs_obj *ddoc, const char *name, fs_obj **out, fs_err *e)
{
	int rc;
	if ((rc = check_name(FS_K_VIEW, name, e)) || (rc = check_unique(ddoc, FS_K_VIEW, FS_FN_NONE, name, NULL, e)))
		return rc;
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "map", DEFAULT_MAP);
	cJSON_AddItemToObject(json_member(fs_priv(ddoc)->doc, "views"), name, v);
	fs_obj *o = fs_ddoc_add(ddoc, FS_K_VIEW, FS_FN_NONE, name);
	fs_ddoc_commit(ddoc);
	if (out)
		*out = o;
	return 0;
}

/* ---- beans --------------------------------------------------------------- */

/* Convertigo keeps kids grouped by type, each group in name order. */
static int bean_group(fs_kind k)
{
	switch (k) {
	case FS_K_CONNECTOR:
	case FS_K_TRANSACTION:
		return 0;
	case FS_K_SEQUENCE:
	case FS_K_LISTENER:
		return 1;
	case FS_K_DDOC:
		return 2;
	default:
		return 3;
	}
}

/* Where a new bean goes: *objat among the parent's kids, return value among
 * the body lines. */
static size_t bean_slot(fs_obj *parent, fs_kind kind, const char *name, size_t *objat)
{
	int g = bean_group(kind);
	size_t after = SIZE_MAX;
	for (size_t i = 0; i < parent->nkids; i++) {
		int gi = bean_group(parent->kids[i]->kind);
		if (gi < g || (gi == g && strcmp(parent->kids[i]->name, name) <= 0))
			after = i;
	}
	fs_line *body = fs_bean_body(parent);
	*objat = after == SIZE_MAX ? 0 : after + 1;
	if (after != SIZE_MAX)
		return fs_line_index(fs_priv(parent->kids[after])->line) + 1;
	size_t at = 0;
	while (at < body->nkids && body->kids[at]->type != FS_LN_BEAN)
		at++;
	return at;
}

static fs_line *bean_line(const char *name, const char *cls)
{
	fs_line *l = fs_line_new(FS_LN_BEAN, name, NULL);
	l->cls = fs_xstrdup(cls);
	return l;
}

static int file_used(fs_project *p, const char *relpath)
{
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	int used = 0;
	for (size_t i = 0; i < n; i++)
		used |= !strcmp(files[i]->relpath, relpath);
	free(files);
	return used;
}

/* A split file for a bean: "<dir>/<name>.yaml" under _c8oProject/. */
static enum fs_err_code split_to(fs_project *p, fs_line *l, const char *dir, const char *name, fs_err *e)
{
	char *inc = fs_xasprintf("%s%s.yaml", dir, name);
	char *rel = fs_xasprintf(FS_SPLIT_DIR "%s", inc);
	if (file_used(p, rel)) {
		fs_err_set(e, FS_E_EXISTS, "%s already belongs to the project", rel);
		free(inc);
		free(rel);
		return FS_E_EXISTS;
	}
	if (!l->file) {
		l->file = fs_lfile_new(rel, p->main->crlf);
		l->file->final_eol = p->main->final_eol;
	} else {
		free(l->file->relpath);
		l->file->relpath = fs_xstrdup(rel);
	}
	fs_line_set_include(l, inc);
	free(inc);
	free(rel);
	return 0;
}

/* "connectors/" for "connectors/x.yaml". */
static char *include_dir(const char *inc)
{
	const char *slash = strrchr(inc, '/');
	return fs_xstrndup(inc, slash ? (size_t)(slash - inc + 1) : 0);
}

static enum fs_err_code insert_bean(fs_obj *parent, fs_kind kind, fs_line *l, fs_obj **out, fs_err *e)
{
	size_t objat;
	size_t at = bean_slot(parent, kind, l->key, &objat);
	fs_line_insert(fs_bean_body(parent), at, l);
	fs_obj *o;
	int rc = fs_obj_build(parent->project, parent, objat, l, &o, e);
	if (rc) { /* only a broken copy gets here: undo */
		fs_obj_unlink(o);
		fs_obj_free(o);
		fs_line_detach(l);
		fs_line_free(l);
		return rc;
	}
	edited(parent);
	if (out)
		*out = o;
	return 0;
}

static int has_connector(const fs_obj *project)
{
	for (size_t i = 0; i < project->nkids; i++)
		if (project->kids[i]->kind == FS_K_CONNECTOR)
			return 1;
	return 0;
}

static enum fs_err_code new_bean(fs_obj *parent, fs_kind kind, const char *name, const char *variant, fs_obj **out, fs_err *e)
{
	int rc;
	if ((rc = check_name(kind, name, e)) || (rc = check_unique(parent, kind, FS_FN_NONE, name, NULL, e)))
		return rc;
	fs_line *l;
	if (kind == FS_K_CONNECTOR) {
		l = bean_line(name, FS_CLS_CONNECTOR);
		if ((rc = split_to(parent->project, l, "connectors/", name, e))) {
			fs_line_free(l);
			return rc;
		}
		fs_line *body = l->file->root;
		/* as Convertigo creates one: the first connector is the default one,
		 * and every connector has a default transaction */
		if (!has_connector(parent))
			fs_line_insert(body, SIZE_MAX, fs_line_new(FS_LN_ATTR, "default", "true"));
		fs_line_insert(body, SIZE_MAX, fs_line_new(FS_LN_PROP, "databaseName", name));
		fs_line *info = bean_line("GetServerInfo", FS_PFX_TRANS "GetServerInfoTransaction");
		fs_line_insert(body, SIZE_MAX, info);
		fs_line_insert(info, 0, fs_line_new(FS_LN_ATTR, "default", "true"));
	} else if (kind == FS_K_DDOC) {
		l = bean_line(name, FS_CLS_DDOC);
		fs_line *prop = fs_line_new(FS_LN_PROP, "docdata", NULL);
		fs_line_insert(l, 0, prop);
		cJSON *doc = cJSON_CreateObject();
		set_id(doc, name);
		cJSON_AddItemToObject(doc, "filters", cJSON_CreateObject());
		cJSON_AddItemToObject(doc, "updates", cJSON_CreateObject());
		cJSON_AddItemToObject(doc, "views", cJSON_CreateObject());
		char *text = fs_docdata_encode(doc);
		cJSON_Delete(doc);
		fs_line_insert(prop, 0, fs_line_new(FS_LN_CDATA, NULL, text));
		free(text);
	} else if (kind == FS_K_LISTENER) {
		const char *cls = variant ? variant : DEFAULT_LISTENER;
		if (fs_listener_by_view(cls) < 0)
			return fs_err_set(e, FS_E_INVALID, "'%s' is not a listener class (couchdb.FullSync[Delete]{View,Filter}Listener)", cls);
		l = bean_line(name, cls);
	} else {
		const char *cls = variant ? variant : DEFAULT_TRANS;
		size_t n = strlen(cls), k = strlen(FS_PFX_TRANS);
		if (strncmp(cls, FS_PFX_TRANS, k) || n <= k + 11 || strcmp(cls + n - 11, "Transaction") ||
		    strspn(cls + k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != n - k)
			return fs_err_set(e, FS_E_INVALID, "'%s' is not a transaction class (transactions.couchdb.XTransaction)", cls);
		l = bean_line(name, cls);
	}
	return insert_bean(parent, kind, l, out, e);
}

enum fs_err_code fs_obj_new(fs_obj *parent, fs_kind kind, const char *name, const char *variant, fs_obj **out, fs_err *e)
{
	if (out)
		*out = NULL;
	if (!parent)
		return fs_err_set(e, FS_E_USAGE, "no parent given");
	int ok = (parent->kind == FS_K_PROJECT && kind == FS_K_CONNECTOR) ||
		 (parent->kind == FS_K_CONNECTOR &&
		  (kind == FS_K_DDOC || kind == FS_K_LISTENER || kind == FS_K_TRANSACTION)) ||
		 (parent->kind == FS_K_DDOC && (kind == FS_K_VIEW || kind == FS_K_FUNCTION)) ||
		 (parent->kind == FS_K_VIEW && kind == FS_K_FUNCTION);
	if (!ok)
		return fs_err_set(e, FS_E_INVALID, "a %s cannot hold a new %s", fs_kind_name(parent->kind),
				  fs_kind_name(kind));
	if (kind == FS_K_FUNCTION)
		return new_function(parent, name, variant, out, e);
	if (kind == FS_K_VIEW)
		return new_view(parent, name, out, e);
	return new_bean(parent, kind, name, variant, out, e);
}

/* ---- references ---------------------------------------------------------- */

typedef struct refmap {
	const char *const *keys;
	const char *old, *new;
	char sep;            /* 0: whole value; else old is a prefix ending before sep */
} refmap;

static void ref_visit(fs_line *l, void *ctx)
{
	refmap *m = ctx;
	if (l->type != FS_LN_PROP || !l->value || fs_line_has_kids(l))
		return;
	int hit = 0;
	for (const char *const *k = m->keys; *k && !hit; k++)
		hit = !strcmp(*k, l->key);
	size_t n = strlen(m->old);
	if (!hit || strncmp(l->value, m->old, n))
		return;
	if (l->value[n] && (!m->sep || l->value[n] != m->sep))
		return;
	char *v = fs_xasprintf("%s%s", m->new, l->value + n);
	fs_line_set_value(l, v);
	free(v);
}

static void rewrite_refs(fs_line *scope, const char *const *keys, const char *old, const char *new, char sep)
{
	refmap m = { keys, old, new, sep };
	fs_lines_walk(scope, ref_visit, &m);
}

static fs_line *project_scope(fs_obj *o)
{
	return o->project->main->root;
}

static fs_line *connector_scope(fs_obj *o)
{
	return fs_priv(fs_obj_up(o, FS_K_CONNECTOR))->line;
}

/* ---- rename -------------------------------------------------------------- */

static enum fs_err_code rename_bean(fs_obj *o, const char *name, fs_err *e)
{
	fs_line *l = fs_priv(o)->line;
	const char *pname = fs_project_name(o->project);
	if (l->file) {
		char *dir = include_dir(l->include);
		char *expect = fs_xasprintf("%s%s.yaml", dir, o->name);
		int rc = !strcmp(expect, l->include) ? split_to(o->project, l, dir, name, e) : 0;
		free(dir);
		free(expect);
		if (rc)
			return rc;
	}
	char *old = NULL, *new = NULL;
	switch (o->kind) {
	case FS_K_PROJECT:
		rewrite_refs(project_scope(o), ref_keys, o->name, name, '.');
		break;
	case FS_K_CONNECTOR: {
		old = fs_xasprintf("%s.%s", pname, o->name);
		new = fs_xasprintf("%s.%s", pname, name);
		rewrite_refs(project_scope(o), ref_keys, old, new, '.');
		fs_line *db = fs_line_kid(fs_bean_body(o), FS_LN_PROP, "databaseName");
		if (db && db->value && !strcmp(db->value, o->name))
			fs_line_set_value(db, name);
		break;
	}
	case FS_K_DDOC:
		old = fs_xasprintf("%s.%s.%s", pname, o->parent->name, o->name);
		new = fs_xasprintf("%s.%s.%s", pname, o->parent->name, name);
		rewrite_refs(project_scope(o), view_keys, old, new, '.');
		rewrite_refs(connector_scope(o), viewname_keys, o->name, name, '/');
		set_id(fs_priv(o)->doc, name);
		fs_ddoc_commit(o);
		break;
	case FS_K_SEQUENCE:
		old = fs_xasprintf("%s.%s", pname, o->name);
		new = fs_xasprintf("%s.%s", pname, name);
		rewrite_refs(project_scope(o), seq_keys, old, new, 0);
		break;
	case FS_K_TRANSACTION:
		old = fs_xasprintf("%s.%s.%s", pname, o->parent->name, o->name);
		new = fs_xasprintf("%s.%s.%s", pname, o->parent->name, name);
		rewrite_refs(project_scope(o), trans_keys, old, new, 0);
		break;
	default:
		break;
	}
	free(old);
	free(new);
	fs_line_set_key(l, name);
	return 0;
}

static enum fs_err_code rename_in_ddoc(fs_obj *o, const char *name, fs_err *e)
{
	fs_obj *ddoc = fs_obj_up(o, FS_K_DDOC);
	const char *pname = fs_project_name(o->project);
	const char *conn = ddoc->parent->name;
	cJSON *holder = o->kind == FS_K_VIEW ? json_member(fs_priv(ddoc)->doc, "views") : fn_holder(ddoc, o->fn);
	cJSON *item = cJSON_GetObjectItemCaseSensitive(holder, o->name);
	if (!item)
		return fs_err_set(e, FS_E_NOTFOUND, "%s is missing from the design document", o->name);
	json_rekey(item, name);
	char *old, *new;
	if (o->kind == FS_K_VIEW) {
		old = fs_xasprintf("%s.%s.%s.%s", pname, conn, ddoc->name, o->name);
		new = fs_xasprintf("%s.%s.%s.%s", pname, conn, ddoc->name, name);
		rewrite_refs(project_scope(o), view_keys, old, new, 0);
		free(old);
		free(new);
	}
	old = fs_xasprintf("%s/%s", ddoc->name, o->name);
	new = fs_xasprintf("%s/%s", ddoc->name, name);
	rewrite_refs(connector_scope(o), o->kind == FS_K_VIEW ? viewname_keys : filter_keys, old, new, 0);
	free(old);
	free(new);
	fs_ddoc_commit(ddoc);
	return 0;
}

enum fs_err_code fs_obj_rename(fs_obj *o, const char *name, fs_err *e)
{
	if (!o || !name)
		return fs_err_set(e, FS_E_USAGE, "nothing to rename");
	if (!strcmp(o->name, name))
		return 0;
	if (o->kind == FS_K_FUNCTION && o->fn != FS_FN_FILTER && o->fn != FS_FN_UPDATE)
		return fs_err_set(e, FS_E_INVALID, "%s is named by its role and cannot be renamed", o->name);
	int rc = check_name(o->kind, name, e);
	if (!rc && o->parent)
		rc = check_unique(o->parent, o->kind, o->fn, name, o, e);
	if (rc)
		return rc;
	rc = fs_priv(o)->line ? rename_bean(o, name, e) : rename_in_ddoc(o, name, e);
	if (rc)
		return rc;
	free(o->name);
	o->name = fs_xstrdup(name);
	edited(o);
	return 0;
}

/* ---- delete -------------------------------------------------------------- */

enum fs_err_code fs_obj_delete(fs_obj *o, fs_err *e)
{
	if (!o || !o->parent)
		return fs_err_set(e, FS_E_INVALID, "the project itself cannot be deleted");
	if (o->kind == FS_K_FUNCTION && o->fn == FS_FN_MAP)
		return fs_err_set(e, FS_E_INVALID, "a view needs its map function: delete the view instead");
	fs_project *p = o->project;
	fs_line *l = fs_priv(o)->line;
	if (l) {
		fs_line_detach(l);
		fs_line_free(l);
		fs_obj_unlink(o);
		fs_obj_free(o);
		fs_project_touch(p);
		return 0;
	}
	fs_obj *ddoc = fs_obj_up(o, FS_K_DDOC);
	cJSON *holder = o->kind == FS_K_VIEW ? json_member(fs_priv(ddoc)->doc, "views") : fn_holder(o->parent, o->fn);
	cJSON_DeleteItemFromObjectCaseSensitive(holder, o->name);
	fs_obj_unlink(o);
	fs_obj_free(o);
	fs_ddoc_commit(ddoc);
	return 0;
}

/* ---- copy ---------------------------------------------------------------- */

static int has_include(const fs_line *l)
{
	if (l->include)
		return 1;
	for (size_t i = 0; i < l->nkids; i++)
		if (has_include(l->kids[i]))
			return 1;
	return 0;
}

static enum fs_err_code copy_bean(fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e)
{
	fs_line *src = fs_priv(o)->line;
	/* a file kept as bytes because it does not read has no lines to copy */
	int rc = src->file ? fs_lfile_unlazy(src->file, e) : 0;
	if (rc) {
		fs_err_prefix(e, "%s cannot be copied", o->name);
		return rc;
	}
	fs_line *body = fs_line_body(src);
	for (size_t i = 0; i < body->nkids; i++)
		if (has_include(body->kids[i]))
			return fs_err_set(e, FS_E_INVALID, "%s cannot be copied: parts of it live in split files", o->name);
	fs_line *l = fs_line_clone(src);
	fs_line_set_key(l, name);
	if (l->file) {
		char *dir = include_dir(l->include);
		fs_lfile *copy = l->file;
		l->file = NULL; /* split_to makes a new file; move the copied lines in */
		rc = split_to(o->project, l, dir, name, e);
		free(dir);
		if (!rc) {
			fs_line_free(l->file->root);
			l->file->root = copy->root;
			copy->root->in = l->file;
			copy->root = NULL;
		}
		fs_lfile_free(copy);
	}
	if (rc) {
		fs_line_free(l);
		return rc;
	}
	if (o->kind == FS_K_CONNECTOR) {
		fs_line *db = fs_line_kid(fs_line_body(l), FS_LN_PROP, "databaseName");
		if (db && db->value && !strcmp(db->value, o->name))
			fs_line_set_value(db, name);
	}
	fs_obj *c;
	if ((rc = insert_bean(parent, o->kind, l, &c, e)))
		return rc;
	if (c->kind == FS_K_DDOC) {
		set_id(fs_priv(c)->doc, name);
		fs_ddoc_commit(c);
	}
	if (out)
		*out = c;
	return 0;
}

static enum fs_err_code copy_in_ddoc(fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e)
{
	fs_obj *ddoc = fs_obj_up(parent, FS_K_DDOC);
	cJSON *item = o->kind == FS_K_VIEW ? fs_priv(o->parent)->doc : fs_fn_json(o);
	if (o->kind == FS_K_VIEW)
		item = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "views"), o->name);
	if (!item)
		return fs_err_set(e, FS_E_NOTFOUND, "%s is missing from the design document", o->name);
	cJSON *holder = o->kind == FS_K_VIEW ? json_member(fs_priv(ddoc)->doc, "views") : fn_holder(parent, o->fn);
	cJSON_AddItemToObject(holder, name, cJSON_Duplicate(item, 1));
	fs_obj *c = o->kind == FS_K_VIEW ? fs_ddoc_add(ddoc, FS_K_VIEW, FS_FN_NONE, name)
		  : o->fn == FS_FN_REDUCE ? fs_view_add_fn(parent, FS_FN_REDUCE)
					  : fs_ddoc_add(ddoc, FS_K_FUNCTION, o->fn, name);
	fs_ddoc_commit(ddoc);
	if (out)
		*out = c;
	return 0;
}

int fs_obj_copy(fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e)
{
	if (out)
		*out = NULL;
	if (!o || !o->parent)
		return fs_err_set(e, FS_E_INVALID, "the project itself cannot be copied");
	if (!parent)
		parent = o->parent;
	if (parent->kind != o->parent->kind)
		return fs_err_set(e, FS_E_INVALID, "a %s goes under a %s, not a %s", fs_kind_name(o->kind),
				  fs_kind_name(o->parent->kind), fs_kind_name(parent->kind));
	if (o->kind == FS_K_FUNCTION && o->fn == FS_FN_MAP)
		return fs_err_set(e, FS_E_INVALID, "copy the view, or set the text of the other map");
	int named = o->kind != FS_K_FUNCTION || o->fn == FS_FN_FILTER || o->fn == FS_FN_UPDATE;
	if (!named) {
		if (name && strcmp(name, o->name))
			return fs_err_set(e, FS_E_INVALID, "a %s function is named %s", o->name, o->name);
		name = o->name;
	}
	int rc;
	if ((named && (rc = check_name(o->kind, name, e))) ||
	    (rc = check_unique(parent, o->kind, o->fn, name, NULL, e)))
		return rc;
	return fs_priv(o)->line ? copy_bean(o, parent, name, out, e) : copy_in_ddoc(o, parent, name, out, e);
}
