/* The project model: loading c8oProject.yaml and its split files, the object
 * tree, navigation, properties, rendering and saving. Edits live in
 * project_ops.c, checks in project_check.c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/array.h"
#include "base/buf.h"
#include "base/json.h"
#include "model/docdata.h"
#include "base/fsutil.h"
#include "model/journal.h"
#include "model/project_int.h"

#define MAX_INCLUDE_DEPTH 16

static const char *const kind_names[] = {
#define FS_KIND_NAME(k, n) n,
	FS_KIND_LIST(FS_KIND_NAME)
#undef FS_KIND_NAME
};

static const char *const fn_names[] = {
#define FS_FN_NAME(k, n) n,
	FS_FN_LIST(FS_FN_NAME)
#undef FS_FN_NAME
};

const char *fs_kind_name(fs_kind k)
{
	return k >= 0 && k < FS_K_COUNT ? kind_names[k] : "?";
}

const char *fs_fn_name(fs_fn_type t)
{
	return t >= 0 && t < FS_FN_COUNT ? fn_names[t] : "?";
}

static const struct {
	const char *cls;
	int by_view;
} listeners[] = {
#define FS_LISTENER_ROW(c, v) { c, v },
	FS_LISTENER_LIST(FS_LISTENER_ROW)
#undef FS_LISTENER_ROW
};

int fs_listener_by_view(const char *cls)
{
	for (size_t i = 0; i < sizeof listeners / sizeof *listeners; i++)
		if (!strcmp(cls, listeners[i].cls))
			return listeners[i].by_view;
	return -1;
}

char *fs_cls_base(const char *cls)
{
	size_t n = strlen(cls);
	const char *dash = strrchr(cls, '-');
	if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
		n = dash - cls;
	return fs_xstrndup(cls, n);
}

static int has_prefix(const char *s, const char *pfx)
{
	return !strncmp(s, pfx, strlen(pfx));
}

/* ---- objects ------------------------------------------------------------- */

static fs_kind bean_kind(const fs_obj *parent, const char *cls)
{
	if (!parent)
		return FS_K_PROJECT;
	if (parent->kind == FS_K_PROJECT) {
		if (!strcmp(cls, FS_CLS_CONNECTOR))
			return FS_K_CONNECTOR;
		if (has_prefix(cls, FS_PFX_SEQUENCE))
			return FS_K_SEQUENCE;
	} else if (parent->kind == FS_K_CONNECTOR) {
		if (!strcmp(cls, FS_CLS_DDOC))
			return FS_K_DDOC;
		if (fs_listener_by_view(cls) >= 0)
			return FS_K_LISTENER;
		if (has_prefix(cls, FS_PFX_TRANS))
			return FS_K_TRANSACTION;
	}
	return FS_K_BEAN;
}

static fs_obj *obj_new(fs_project *p, fs_obj *parent, size_t at, fs_kind kind, const char *name)
{
	fs_obj *o = fs_xcalloc(1, sizeof *o);
	o->kind = kind;
	o->name = fs_xstrdup(name);
	o->project = p;
	o->parent = parent;
	o->priv = fs_xcalloc(1, sizeof(objpriv));
	if (parent) {
		if (at > parent->nkids)
			at = parent->nkids;
		parent->kids = fs_xrealloc(parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
		memmove(parent->kids + at + 1, parent->kids + at, (parent->nkids - at) * sizeof *parent->kids);
		parent->kids[at] = o;
		parent->nkids++;
	}
	return o;
}

static void props_clear(objpriv *pv)
{
	for (size_t i = 0; i < pv->nprops; i++)
		free(pv->propvals[i]);
	free(pv->props);
	free(pv->propvals);
	pv->props = NULL;
	pv->propvals = NULL;
	pv->nprops = 0;
}

static void kids_free(fs_obj *o)
{
	for (size_t i = 0; i < o->nkids; i++) {
		o->kids[i]->parent = NULL;
		fs_obj_free(o->kids[i]);
	}
	free(o->kids);
	o->kids = NULL;
	o->nkids = 0;
}

void fs_obj_free(fs_obj *o)
{
	if (!o)
		return;
	kids_free(o);
	objpriv *pv = fs_priv(o);
	props_clear(pv);
	cJSON_Delete(pv->doc);
	free(pv);
	free(o->name);
	free(o->cls);
	free(o);
}

void fs_obj_unlink(fs_obj *o)
{
	fs_obj *p = o->parent;
	for (size_t i = 0; p && i < p->nkids; i++)
		if (p->kids[i] == o) {
			memmove(p->kids + i, p->kids + i + 1, (p->nkids - i - 1) * sizeof *p->kids);
			p->nkids--;
			break;
		}
	o->parent = NULL;
}

fs_line *fs_line_body(fs_line *l)
{
	return l->file ? fs_lfile_root(l->file) : l;
}

fs_line *fs_bean_body(const fs_obj *o)
{
	fs_line *l = fs_priv(o)->line;
	return l ? fs_line_body(l) : NULL;
}

fs_lfile *fs_line_lfile(const fs_line *l)
{
	while (l->parent)
		l = l->parent;
	return l->in;
}

void fs_lines_walk(fs_line *l, fs_line_visit fn, void *ctx)
{
	if (l->type != FS_LN_ROOT)
		fn(l, ctx);
	if (l->file)
		fs_lines_walk(fs_lfile_root(l->file), fn, ctx);
	for (size_t i = 0; i < l->nkids; i++)
		fs_lines_walk(l->kids[i], fn, ctx);
}

fs_obj *fs_obj_kid(const fs_obj *o, fs_kind kind, fs_fn_type fn, const char *name)
{
	for (size_t i = 0; i < o->nkids; i++) {
		fs_obj *k = o->kids[i];
		if ((kind == FS_K_COUNT || k->kind == kind) && (kind != FS_K_FUNCTION || k->fn == fn) &&
		    !strcmp(k->name, name))
			return k;
	}
	return NULL;
}

/* ---- design documents ---------------------------------------------------- */

fs_line *fs_ddoc_docline(fs_obj *ddoc)
{
	fs_line *prop = fs_line_kid(fs_bean_body(ddoc), FS_LN_PROP, "docdata");
	if (!prop)
		return NULL;
	/* Convertigo writes a CDATA; a hand-written plain value is read too */
	fs_line *cdata = fs_line_kid(prop, FS_LN_CDATA, NULL);
	return cdata ? cdata : prop->value && !prop->nkids ? prop : NULL;
}

fs_obj *fs_view_add_fn(fs_obj *view, fs_fn_type t)
{
	fs_obj *f = obj_new(view->project, view, t == FS_FN_MAP ? 0 : SIZE_MAX, FS_K_FUNCTION, fs_fn_name(t));
	f->fn = t;
	return f;
}

/* Kids of a design document: views, then validate_doc_update, filters, updates. */
static int ddoc_rank(fs_kind kind, fs_fn_type fn)
{
	if (kind == FS_K_VIEW)
		return 0;
	return fn == FS_FN_VALIDATE ? 1 : fn == FS_FN_FILTER ? 2 : 3;
}

fs_obj *fs_ddoc_add(fs_obj *ddoc, fs_kind kind, fs_fn_type fn, const char *name)
{
	int r = ddoc_rank(kind, fn);
	size_t at = 0;
	for (size_t i = 0; i < ddoc->nkids; i++)
		if (ddoc_rank(ddoc->kids[i]->kind, ddoc->kids[i]->fn) <= r)
			at = i + 1;
	fs_obj *o = obj_new(ddoc->project, ddoc, at, kind, name);
	o->fn = kind == FS_K_FUNCTION ? fn : FS_FN_NONE;
	if (kind != FS_K_VIEW)
		return o;
	const cJSON *views = cJSON_GetObjectItemCaseSensitive(fs_priv(ddoc)->doc, "views");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(views, name);
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "map")))
		fs_view_add_fn(o, FS_FN_MAP);
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "reduce")))
		fs_view_add_fn(o, FS_FN_REDUCE);
	return o;
}

static void add_named_fns(fs_obj *ddoc, const cJSON *doc, fs_fn_type t)
{
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(doc, fs_fn_name(t));
	const cJSON *c;
	cJSON_ArrayForEach(c, set)
		if (cJSON_IsString(c) && c->string)
			fs_ddoc_add(ddoc, FS_K_FUNCTION, t, c->string);
}

void fs_ddoc_build(fs_obj *ddoc)
{
	kids_free(ddoc);
	const cJSON *doc = fs_priv(ddoc)->doc;
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "views"))
		if (cJSON_IsObject(v) && v->string)
			fs_ddoc_add(ddoc, FS_K_VIEW, FS_FN_NONE, v->string);
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "validate_doc_update")))
		fs_ddoc_add(ddoc, FS_K_FUNCTION, FS_FN_VALIDATE, "validate_doc_update");
	add_named_fns(ddoc, doc, FS_FN_FILTER);
	add_named_fns(ddoc, doc, FS_FN_UPDATE);
}

static enum fs_err_code ddoc_load(fs_obj *ddoc, fs_err *e)
{
	fs_line *dl = fs_ddoc_docline(ddoc);
	objpriv *pv = fs_priv(ddoc);
	if (!dl) {
		/* no docdata yet: an empty design document until the first edit */
		pv->doc = cJSON_CreateObject();
		char *id = fs_xasprintf("_design/%s", ddoc->name);
		cJSON_AddStringToObject(pv->doc, "_id", id);
		free(id);
	} else {
		int errline = 0;
		fs_err sub;
		if (fs_docdata_decode(dl->value ? dl->value : "", &pv->doc, &errline, &sub)) {
			int line = dl->lineno + (dl->raw && strchr(dl->raw, '\n') ? 1 + errline : 0);
			return fs_err_set(e, FS_E_PARSE, "%s:%d: %s", fs_line_lfile(dl)->relpath, line, sub.msg);
		}
	}
	fs_ddoc_build(ddoc);
	return 0;
}

void fs_ddoc_commit(fs_obj *ddoc)
{
	fs_line *body = fs_bean_body(ddoc);
	fs_line *dl = fs_ddoc_docline(ddoc);
	if (!dl) {
		fs_line *prop = fs_line_kid(body, FS_LN_PROP, "docdata");
		if (!prop) {
			prop = fs_line_new(FS_LN_PROP, "docdata", NULL);
			size_t at = 0;
			while (at < body->nkids && body->kids[at]->type != FS_LN_BEAN &&
			       !(body->kids[at]->type == FS_LN_PROP && strcmp(body->kids[at]->key, "docdata") > 0))
				at++;
			fs_line_insert(body, at, prop);
		}
		dl = fs_line_new(FS_LN_CDATA, NULL, NULL);
		fs_line_insert(prop, SIZE_MAX, dl);
	}
	char *text = fs_docdata_encode(fs_priv(ddoc)->doc);
	fs_line_set_value(dl, text);
	free(text);
	fs_project_touch(ddoc->project);
}

const cJSON *fs_ddoc_json(const fs_obj *ddoc)
{
	return ddoc && ddoc->kind == FS_K_DDOC ? fs_priv(ddoc)->doc : NULL;
}

cJSON *fs_fn_json(const fs_obj *fn)
{
	if (!fn || fn->kind != FS_K_FUNCTION)
		return NULL;
	fs_obj *ddoc = fs_obj_up((fs_obj *)fn, FS_K_DDOC);
	cJSON *doc = fs_priv(ddoc)->doc;
	switch (fn->fn) {
	case FS_FN_MAP:
	case FS_FN_REDUCE: {
		cJSON *views = cJSON_GetObjectItemCaseSensitive(doc, "views");
		cJSON *view = cJSON_GetObjectItemCaseSensitive(views, fn->parent->name);
		return cJSON_GetObjectItemCaseSensitive(view, fs_fn_name(fn->fn));
	}
	case FS_FN_VALIDATE:
		return cJSON_GetObjectItemCaseSensitive(doc, "validate_doc_update");
	case FS_FN_FILTER:
	case FS_FN_UPDATE:
		return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, fs_fn_name(fn->fn)),
							fn->name);
	default:
		return NULL;
	}
}

const char *fs_fn_text(const fs_obj *fn)
{
	cJSON *j = fs_fn_json(fn);
	return cJSON_IsString(j) ? j->valuestring : NULL;
}

const char *fs_connector_db(const fs_obj *conn)
{
	if (!conn || conn->kind != FS_K_CONNECTOR)
		return NULL;
	const char *db = fs_obj_prop(conn, "databaseName");
	return db && *db ? db : conn->name;
}

/* ---- loading ------------------------------------------------------------- */

enum fs_err_code fs_obj_build(fs_project *p, fs_obj *parent, size_t at, fs_line *l, fs_obj **out, fs_err *e)
{
	char *cls = fs_cls_base(l->cls ? l->cls : "");
	fs_obj *o = obj_new(p, parent, at, bean_kind(parent, cls), l->key ? l->key : "");
	o->cls = cls;
	fs_priv(o)->line = l;
	if (out)
		*out = o;
	if (o->kind == FS_K_DDOC)
		return ddoc_load(o, e);
	if (o->kind != FS_K_PROJECT && o->kind != FS_K_CONNECTOR)
		return 0;
	fs_line *body = fs_line_body(l);
	for (size_t i = 0; i < body->nkids; i++) {
		if (body->kids[i]->type != FS_LN_BEAN)
			continue;
		int rc = fs_obj_build(p, o, SIZE_MAX, body->kids[i], NULL, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int include_path_ok(const char *inc)
{
	if (!*inc || inc[0] == '/' || strchr(inc, '\\'))
		return 0;
	for (const char *s = inc; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
			return 0;
		s += n;
		if (*s == '/')
			s++;
		else
			break;
	}
	return inc[strlen(inc) - 1] != '/';
}

typedef struct loader {
	fs_project *p;
	fs_read_fn rd;
	void *ctx;
	fs_err *e;
} loader;

static int read_lfile(loader *ld, const char *relpath, fs_lfile **out)
{
	char *data = NULL;
	size_t len = 0;
	int rc = ld->rd(ld->ctx, relpath, &data, &len, ld->e);
	if (rc)
		return rc;
	rc = fs_lines_parse(out, relpath, data, len, ld->e);
	free(data);
	return rc;
}

static int seen_file(fs_project *p, const char *relpath)
{
	for (size_t i = 0; i < p->nloaded; i++)
		if (!strcmp(p->loaded[i], relpath))
			return 1;
	return 0;
}

/* The files of FullSync connectors (and of the beans under them) are read
 * into lines now; any other included file (sequences, the mobile
 * application...) holds nothing the studio edits and stays its bytes until
 * something asks for its lines (lazy.c). */
static int include_eager(const fs_line *k)
{
	char *cls = fs_cls_base(k->cls ? k->cls : "");
	int eager = !strcmp(cls, FS_CLS_CONNECTOR) || !strcmp(cls, FS_CLS_DDOC) ||
		    fs_listener_by_view(cls) >= 0 || has_prefix(cls, FS_PFX_TRANS);
	free(cls);
	return eager;
}

static int open_include(loader *ld, fs_lfile *f, const char *inc, int lineno, int depth, int eager,
			fs_lfile **out);

/* An included file kept as bytes, and the files it includes, lazy too. */
static int read_lazy(loader *ld, const char *rel, int depth, fs_lfile **out)
{
	char *data = NULL;
	size_t len = 0;
	int rc = ld->rd(ld->ctx, rel, &data, &len, ld->e);
	if (!rc && (rc = fs_lines_check_text(rel, data, len, ld->e)) != 0)
		free(data);
	if (rc)
		return rc;
	fs_lfile *f = *out = fs_lfile_lazy(rel, data, len);
	fs_incl *inc;
	size_t n = fs_lines_scan_includes(f->orig, f->origlen, &inc);
	for (size_t i = 0; i < n; i++) {
		fs_lfile *sub = NULL;
		if (!rc)
			rc = open_include(ld, f, inc[i].include, inc[i].lineno, depth + 1, 0, &sub);
		if (sub)
			fs_lfile_add_sub(f, sub);
		free(inc[i].include);
	}
	free(inc);
	return rc;
}

static int load_includes(loader *ld, fs_lfile *f, fs_line *l, int depth);

/* Checks and reads the file a bean line of f includes. */
static int open_include(loader *ld, fs_lfile *f, const char *inc, int lineno, int depth, int eager,
			fs_lfile **out)
{
	char *rel = fs_xasprintf(FS_SPLIT_DIR "%s", inc);
	int rc = 0;
	if (!include_path_ok(inc))
		rc = fs_err_set(ld->e, FS_E_PARSE, "%s:%d: bad included file name '%s'", f->relpath, lineno, inc);
	else if (depth >= MAX_INCLUDE_DEPTH || seen_file(ld->p, rel))
		rc = fs_err_set(ld->e, FS_E_PARSE, "%s:%d: %s is included twice", f->relpath, lineno, rel);
	if (!rc) {
		ld->p->loaded = fs_xrealloc(ld->p->loaded, (ld->p->nloaded + 1) * sizeof(char *));
		ld->p->loaded[ld->p->nloaded++] = fs_xstrdup(rel);
		rc = eager ? read_lfile(ld, rel, out) : read_lazy(ld, rel, depth, out);
		if (rc && rc != FS_E_PARSE) {
			fs_err sub = *ld->e;
			rc = fs_err_set(ld->e, FS_E_PARSE, "%s:%d: cannot read the included file: %s", f->relpath,
					lineno, sub.msg);
		}
	}
	free(rel);
	if (!rc && eager)
		rc = load_includes(ld, *out, (*out)->root, depth + 1);
	return rc;
}

static int load_includes(loader *ld, fs_lfile *f, fs_line *l, int depth)
{
	for (size_t i = 0; i < l->nkids; i++) {
		fs_line *k = l->kids[i];
		int rc = 0;
		if (k->type == FS_LN_BEAN && k->include)
			rc = open_include(ld, f, k->include, k->lineno, depth, include_eager(k), &k->file);
		if (!rc)
			rc = load_includes(ld, f, k, depth);
		if (rc)
			return rc;
	}
	return 0;
}

static enum fs_err_code load(fs_project *p, fs_read_fn rd, void *ctx, fs_err *e)
{
	loader ld = { p, rd, ctx, e };
	p->loaded = fs_xcalloc(1, sizeof(char *));
	p->loaded[p->nloaded++] = fs_xstrdup(FS_MAIN_FILE);
	int rc = read_lfile(&ld, FS_MAIN_FILE, &p->main);
	if (!rc)
		rc = load_includes(&ld, p->main, p->main->root, 0);
	if (rc)
		return rc;
	fs_line *pl = NULL;
	for (size_t i = 0; i < p->main->root->nkids && !pl; i++)
		if (p->main->root->kids[i]->type == FS_LN_BEAN)
			pl = p->main->root->kids[i];
	if (!pl)
		return fs_err_set(e, FS_E_PARSE, FS_MAIN_FILE ":1: no project bean (a line '\xe2\x86\x93Name [core.Project]: ')");
	return fs_obj_build(p, NULL, 0, pl, &p->root, e);
}

/* Loads into p (freed on failure). */
static enum fs_err_code load_into(fs_project **out, fs_project *p, fs_read_fn rd, void *ctx, fs_err *e)
{
	*out = NULL;
	fs_err local;
	if (!e)
		e = &local; /* messages are composed from inner ones */
	int rc = load(p, rd, ctx, e);
	if (rc) {
		if (p->label)
			fs_err_prefix(e, "%s", p->label);
		fs_project_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

enum fs_err_code fs_project_open_with(fs_project **out, const char *label, fs_read_fn rd, void *ctx, fs_err *e)
{
	fs_project *p = fs_xcalloc(1, sizeof *p);
	p->label = label && *label ? fs_xstrdup(label) : NULL;
	return load_into(out, p, rd, ctx, e);
}

/* A folder is read under its shared lock (see fs_project_enter), each file
 * through the safe reader that also remembers what it read. */
enum fs_err_code fs_project_open(fs_project **out, const char *dir, fs_err *e)
{
	fs_lock *lk;
	*out = NULL;
	int rc = fs_project_enter(dir, &lk, e);
	if (rc)
		return rc;
	fs_project *p = fs_xcalloc(1, sizeof *p);
	p->dir = fs_xstrdup(dir);
	rc = load_into(out, p, fs_project_read_dir, p, e);
	fs_lock_drop(lk);
	return rc;
}

enum fs_err_code fs_project_reload(fs_project *p, fs_project **fresh, fs_err *e)
{
	if (!p->dir)
		return fs_err_set(e, FS_E_USAGE, "the project was not opened from a folder");
	return fs_project_open(fresh, p->dir, e);
}

/* Reads the lines of every lazy file: for an overlay, the bytes read are
 * not the folder's, so they cannot stay the file's text. */
static enum fs_err_code unlazy_all(fs_project *p, fs_err *e)
{
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = fs_lfile_unlazy(files[i], e);
	free(files);
	return rc;
}

enum fs_err_code fs_project_open_overlay(fs_project **out, const char *dir, fs_read_fn rd, void *ctx, fs_err *e)
{
	fs_project *p, *disk;
	fs_lfile **files;
	size_t n;
	fs_lock *lk;
	int rc = fs_project_enter(dir, &lk, e);
	if (!rc)
		rc = fs_project_open_with(out, NULL, rd, ctx, e);
	if (!rc && (rc = unlazy_all(*out, e)) != 0) {
		fs_project_free(*out);
		*out = NULL;
	}
	if (rc) {
		fs_lock_drop(lk);
		return rc;
	}
	p = *out;
	p->dir = fs_xstrdup(dir);
	/* what was read is what the folder holds (NULL: a file it lacks) */
	n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n; i++) {
		free(files[i]->orig);
		files[i]->orig = NULL;
		files[i]->origlen = 0;
		if (fs_project_read_dir(p, files[i]->relpath, &files[i]->orig, &files[i]->origlen, NULL)) {
			files[i]->orig = NULL;
			files[i]->origlen = 0;
		}
	}
	free(files);
	/* the folder's files that the overlay no longer includes go at a save
	 * (a folder that does not load has nothing more to say) */
	if (fs_project_open(&disk, dir, NULL) == 0) {
		for (size_t i = 0; i < disk->nloaded; i++)
			if (!seen_file(p, disk->loaded[i])) {
				p->loaded = fs_xrealloc(p->loaded, (p->nloaded + 1) * sizeof(char *));
				p->loaded[p->nloaded++] = fs_xstrdup(disk->loaded[i]);
				fs_stamp_adopt(p, disk, disk->loaded[i]);
			}
		fs_project_free(disk);
	}
	fs_lock_drop(lk);
	fs_project_touch(p);
	return 0;
}

void fs_project_free(fs_project *p)
{
	if (!p)
		return;
	fs_obj_free(p->root);
	fs_lfile_free(p->main);
	for (size_t i = 0; i < p->nloaded; i++)
		free(p->loaded[i]);
	free(p->loaded);
	fs_stamps_free(p);
	free(p->dir);
	free(p->label);
	free(p);
}

const char *fs_project_dir(const fs_project *p)
{
	return p->dir;
}

fs_obj *fs_project_root(fs_project *p)
{
	return p->root;
}

static int lfile_changed(const fs_lfile *f, const char *data, size_t len)
{
	return !f->orig || !f->loaded || strcmp(f->loaded, f->relpath) || f->origlen != len ||
	       memcmp(f->orig, data, len);
}

/* As a render would find, without copying the files kept as bytes (a big
 * project's mobile application): 1 when a save would write or remove one. */
static int files_changed(fs_project *p)
{
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	int changed = n != p->nloaded;
	for (size_t i = 0; !changed && i < n; i++) {
		fs_lfile *f = files[i];
		if (f->lazy) {
			changed = !f->loaded || strcmp(f->loaded, f->relpath);
			continue;
		}
		fs_buf b = FS_BUF_INIT;
		fs_lines_render(f, &b);
		changed = lfile_changed(f, fs_buf_str(&b), b.len);
		fs_buf_free(&b);
	}
	for (size_t i = 0; !changed && i < n; i++)
		changed = !seen_file(p, files[i]->relpath);
	free(files);
	return changed;
}

/* Dirty means "a save would write something": an edit undone by hand (or an
 * editor's discard) leaves the files as they were, and quitting should not
 * ask then. Rendering is cheap (about 1 ms for 1,000 design documents) and
 * the answer is kept until the next edit. */
int fs_project_dirty(const fs_project *cp)
{
	fs_project *p = (fs_project *)cp;
	if (!p->dirty)
		return 0;
	if (p->dirty_at == p->edits && p->dirty_at)
		return p->dirty_cmp;
	int changed = files_changed(p);
	p->dirty_at = p->edits;
	p->dirty_cmp = changed;
	return changed;
}

void fs_project_touch(fs_project *p)
{
	p->dirty = 1;
	p->edits++;
}

const char *fs_project_name(const fs_project *p)
{
	return p->root->name;
}

/* ---- rendering and saving ------------------------------------------------ */

typedef struct filelist {
	fs_lfile **v;
	size_t n;
} filelist;

static void add_file(fs_lfile *f, void *ctx)
{
	filelist *fl = ctx;
	FS_ARRAY_ADD(fl->v, fl->n) = f;
}

size_t fs_project_lfiles(fs_project *p, fs_lfile ***out)
{
	filelist fl = { NULL, 0 };
	fs_lfile_walk_files(p->main, add_file, &fl);
	*out = fl.v;
	return fl.n;
}

/* The files as they would be written. A save needs only the changed ones:
 * with all == 0, a lazy file that keeps its name gets no copy (data NULL). */
static void render_files(fs_project *p, fs_files *out, int all)
{
	memset(out, 0, sizeof *out);
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	out->v = fs_xcalloc(n, sizeof *out->v);
	for (size_t i = 0; i < n; i++) {
		fs_lfile *f = files[i];
		fs_file *o = &out->v[out->n++];
		o->relpath = fs_xstrdup(f->relpath);
		if (!all && f->lazy && f->loaded && !strcmp(f->loaded, f->relpath)) {
			o->len = f->origlen;
			continue;
		}
		fs_buf b = FS_BUF_INIT;
		fs_lines_render(f, &b);
		o->len = b.len;
		o->data = fs_buf_steal(&b);
		o->changed = lfile_changed(f, o->data, o->len);
	}
	out->removed = fs_xcalloc(p->nloaded + 1, sizeof(char *));
	for (size_t i = 0; i < p->nloaded; i++) {
		size_t j = 0;
		while (j < n && strcmp(files[j]->relpath, p->loaded[i]))
			j++;
		if (j == n)
			out->removed[out->nremoved++] = fs_xstrdup(p->loaded[i]);
	}
	free(files);
}

enum fs_err_code fs_project_render(fs_project *p, fs_files *out, fs_err *e)
{
	(void)e;
	render_files(p, out, 1);
	return 0;
}

void fs_files_free(fs_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].relpath);
		free(f->v[i].data);
	}
	free(f->v);
	for (size_t i = 0; i < f->nremoved; i++)
		free(f->removed[i]);
	free(f->removed);
	memset(f, 0, sizeof *f);
}

static enum fs_err_code write_one(const char *dir, const fs_file *f, fs_err *e)
{
	char *path = fs_path_join(dir, f->relpath);
	char *slash = strrchr(path, '/');
	int rc = 0;
	if (slash) {
		*slash = 0;
		rc = fs_mkdir_p(path, 0755, e);
		*slash = '/';
	}
	if (!rc)
		rc = fs_write_file_atomic(path, f->data, f->len, 0644, e);
	free(path);
	return rc;
}

/* Every changed file to a temp file, then all switched in at once (see
 * journal.h): a crash leaves the old project or the new one. */
static enum fs_err_code write_changed(fs_project *p, const fs_files *fl, fs_err *e)
{
	fs_txn *t = fs_txn_begin(p->dir);
	int rc = 0;
	for (size_t i = 0; !rc && i < fl->n; i++)
		if (fl->v[i].changed)
			rc = fs_txn_write(t, fl->v[i].relpath, fl->v[i].data, fl->v[i].len, 0644, e);
	for (size_t i = 0; !rc && i < fl->nremoved; i++)
		fs_txn_remove(t, fl->removed[i]);
	if (rc) {
		fs_txn_abort(t);
		return rc;
	}
	return fs_txn_commit(t, e);
}

/* After a save the written bytes are what "unchanged" means. */
static void mark_saved(fs_project *p, fs_files *fl)
{
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < p->nloaded; i++)
		free(p->loaded[i]);
	free(p->loaded);
	p->loaded = fs_xcalloc(n, sizeof(char *));
	p->nloaded = n;
	for (size_t i = 0; i < n; i++) {
		fs_lfile *f = files[i];
		free(f->loaded);
		if (fl->v[i].data) { /* else a lazy file, not copied: as read */
			free(f->orig);
			f->orig = fl->v[i].data;
			f->origlen = fl->v[i].len;
			fl->v[i].data = NULL;
		}
		f->loaded = fs_xstrdup(f->relpath);
		p->loaded[i] = fs_xstrdup(f->relpath);
	}
	free(files);
	p->dirty = 0;
}

/* Under the exclusive lock: a dead writer's journal is finished first, then
 * every file the save writes or removes must be as this model read it. */
enum fs_err_code fs_project_save(fs_project *p, fs_err *e)
{
	if (!p->dir)
		return fs_err_set(e, FS_E_USAGE, "the project was not opened from a folder: use save_to");
	fs_files fl;
	fs_lock *lk;
	int rc = fs_lock_take(p->dir, FS_LOCK_EXCL, &lk, e);
	if (rc)
		return rc;
	rc = fs_journal_recover(p->dir, e);
	memset(&fl, 0, sizeof fl);
	if (!rc)
		render_files(p, &fl, 0);
	if (!rc)
		rc = fs_project_check_disk(p, &fl, e);
	if (!rc)
		rc = write_changed(p, &fl, e);
	if (!rc) {
		fs_stamps_saved(p, &fl);
		mark_saved(p, &fl);
	}
	fs_files_free(&fl);
	fs_lock_drop(lk);
	return rc;
}

enum fs_err_code fs_project_save_to(fs_project *p, const char *dir, fs_err *e)
{
	fs_files fl;
	int rc = fs_project_render(p, &fl, e);
	for (size_t i = 0; !rc && i < fl.n; i++)
		rc = write_one(dir, &fl.v[i], e);
	fs_files_free(&fl);
	return rc;
}

/* ---- navigation ---------------------------------------------------------- */

static void put_segment(fs_buf *b, const char *name)
{
	for (const char *s = name; *s; s++) {
		if (*s == '/')
			fs_buf_adds(b, "%2F");
		else if (*s == '%')
			fs_buf_adds(b, "%25");
		else
			fs_buf_addc(b, *s);
	}
}

static void put_path(fs_buf *b, const fs_obj *o)
{
	if (!o->parent)
		return;
	put_path(b, o->parent);
	if (o->parent->parent)
		fs_buf_addc(b, '/');
	if (o->kind == FS_K_FUNCTION && (o->fn == FS_FN_FILTER || o->fn == FS_FN_UPDATE))
		fs_buf_printf(b, "%s/", fs_fn_name(o->fn));
	put_segment(b, o->name);
}

char *fs_obj_path(const fs_obj *o)
{
	fs_buf b = FS_BUF_INIT;
	put_path(&b, o);
	return fs_buf_steal(&b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *decode_segment(const char *s, size_t n)
{
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			fs_buf_addc(&b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			fs_buf_addc(&b, s[i]);
		}
	}
	return fs_buf_steal(&b);
}

static size_t seg_len(const char *s)
{
	return strcspn(s, "/");
}

static const char *seg_next(const char *s)
{
	s += seg_len(s);
	return *s == '/' ? s + 1 : s;
}

/* Resolves the rest of a path under o. Siblings may share a name (a
 * listener and a design document, duplicate JSON keys): the first one
 * under which the rest resolves wins. */
static fs_obj *find_from(fs_obj *o, const char *s)
{
	if (!*s)
		return o;
	char *seg = decode_segment(s, seg_len(s));
	const char *rest = seg_next(s);
	fs_obj *found = NULL;
	if (o->kind == FS_K_DDOC && *rest && (!strcmp(seg, "filters") || !strcmp(seg, "updates"))) {
		fs_fn_type t = !strcmp(seg, "filters") ? FS_FN_FILTER : FS_FN_UPDATE;
		char *name = decode_segment(rest, seg_len(rest));
		for (size_t i = 0; i < o->nkids && !found; i++)
			if (o->kids[i]->kind == FS_K_FUNCTION && o->kids[i]->fn == t && !strcmp(o->kids[i]->name, name))
				found = find_from(o->kids[i], seg_next(rest));
		free(name);
	}
	for (size_t i = 0; i < o->nkids && !found; i++) {
		fs_obj *k = o->kids[i];
		if (!strcmp(k->name, seg) && !(k->kind == FS_K_FUNCTION && (k->fn == FS_FN_FILTER || k->fn == FS_FN_UPDATE)))
			found = find_from(k, rest);
	}
	free(seg);
	return found;
}

fs_obj *fs_project_find(fs_project *p, const char *path)
{
	return path ? find_from(p->root, path) : NULL;
}

const char *fs_obj_file(const fs_obj *o)
{
	while (o && !fs_priv(o)->line)
		o = o->parent;
	if (!o)
		return NULL;
	fs_line *l = fs_priv(o)->line;
	return l->file ? l->file->relpath : fs_line_lfile(l)->relpath;
}

fs_obj *fs_obj_up(fs_obj *o, fs_kind k)
{
	while (o && o->kind != k)
		o = o->parent;
	return o;
}

int fs_obj_editable(const fs_obj *o)
{
	return o->kind != FS_K_BEAN && o->kind != FS_K_SEQUENCE;
}

/* ---- properties ---------------------------------------------------------- */

static void props_build(const fs_obj *o)
{
	objpriv *pv = fs_priv(o);
	if (pv->props && pv->stamp == o->project->edits)
		return;
	props_clear(pv);
	pv->stamp = o->project->edits;
	fs_line *body = fs_bean_body(o);
	if (!body)
		return;
	pv->props = fs_xcalloc(body->nkids + 1, sizeof *pv->props);
	pv->propvals = fs_xcalloc(body->nkids + 1, sizeof *pv->propvals);
	for (size_t i = 0; i < body->nkids; i++) {
		fs_line *l = body->kids[i];
		if (l->type != FS_LN_PROP)
			continue;
		fs_prop *pr = &pv->props[pv->nprops];
		pr->key = l->key;
		if (fs_line_has_kids(l)) {
			pr->complex = 1;
			pv->propvals[pv->nprops] = fs_line_kids_text(l);
			pr->value = pv->propvals[pv->nprops];
		} else {
			pr->value = l->value ? l->value : "";
		}
		pv->nprops++;
	}
}

size_t fs_obj_props(const fs_obj *o, const fs_prop **out)
{
	props_build(o);
	*out = fs_priv(o)->props;
	return fs_priv(o)->nprops;
}

const char *fs_obj_prop(const fs_obj *o, const char *key)
{
	if (has_prefix(key, "\xe2\x86\x91")) {
		fs_line *body = fs_bean_body(o);
		fs_line *a = body ? fs_line_kid(body, FS_LN_ATTR, key + 3) : NULL;
		return a ? (a->value ? a->value : "") : NULL;
	}
	const fs_prop *v;
	size_t n = fs_obj_props(o, &v);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return v[i].value;
	return NULL;
}

/* ---- canonical text ------------------------------------------------------ */

static void put_prop_text(fs_buf *b, const fs_prop *pr)
{
	if (!pr->complex || !strchr(pr->value, '\n')) {
		fs_buf_printf(b, "%s: %s\n", pr->key, pr->value);
		return;
	}
	fs_buf_printf(b, "%s:\n", pr->key);
	for (const char *s = pr->value; *s;) {
		size_t n = strcspn(s, "\n");
		fs_buf_adds(b, "  ");
		fs_buf_add(b, s, n);
		fs_buf_addc(b, '\n');
		s += n + (s[n] == '\n');
	}
}

/* A member of a design document: a function as "views/x/map:" then its
 * text on the lines below; any other value on its line, as JSON. */
static void put_member_text(void *ctx, const char *name, const cJSON *v)
{
	fs_buf *b = ctx;
	if (cJSON_IsString(v) && (strchr(v->valuestring, '\n') || strstr(v->valuestring, "function"))) {
		fs_buf_printf(b, "%s:\n%s\n", name, v->valuestring);
	} else {
		fs_buf_printf(b, "%s: ", name);
		fs_json_append(b, v);
		fs_buf_addc(b, '\n');
	}
}

char *fs_obj_text(const fs_obj *o)
{
	fs_buf b = FS_BUF_INIT;
	if (o->kind == FS_K_FUNCTION) {
		const char *t = fs_fn_text(o);
		fs_buf_adds(&b, t ? t : "");
	} else if (o->kind == FS_K_VIEW) {
		for (size_t i = 0; i < o->nkids; i++)
			fs_buf_printf(&b, "%s:\n%s\n", o->kids[i]->name, fs_fn_text(o->kids[i]));
	} else if (o->kind == FS_K_DDOC && fs_ddoc_json(o)) {
		/* function by function, as JavaScript: diffs show code, not
		 * escaped JSON lines (_id stays: the text holds the name) */
		static const char *const skip[] = { "_rev", NULL };
		fs_json_leaves(fs_ddoc_json(o), skip, put_member_text, &b);
	} else if (o->kind == FS_K_DDOC) {
		char *t = fs_docdata_print(fs_priv(o)->doc);
		fs_buf_adds(&b, t);
		free(t);
	} else {
		const fs_prop *v;
		size_t n = fs_obj_props(o, &v);
		for (size_t i = 0; i < n; i++)
			put_prop_text(&b, &v[i]);
	}
	return fs_buf_steal(&b);
}
