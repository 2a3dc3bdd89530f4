/* The object-edit log and its rebase onto a project read again from disk
 * (see edits.h). Only public model functions are used to edit, so a
 * re-applied operation behaves exactly as the edit did; the fingerprints
 * read the bytes the model kept of each file (project_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "model/edits.h"
#include "model/project_int.h"

static const char *op_names[] = {
#define FS_OP_NAME(k, n) n,
	FS_OP_LIST(FS_OP_NAME)
#undef FS_OP_NAME
};

static char *dup_or_null(const char *s)
{
	return s ? fs_xstrdup(s) : NULL;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void fs_op_free(fs_op *op)
{
	free(op->path);
	free(op->key);
	free(op->value);
	free(op->base);
	free(op->from);
	memset(op, 0, sizeof *op);
}

static fs_op op_copy(const fs_op *op)
{
	fs_op c = *op;
	c.path = dup_or_null(op->path);
	c.key = dup_or_null(op->key);
	c.value = dup_or_null(op->value);
	c.base = dup_or_null(op->base);
	c.from = dup_or_null(op->from);
	return c;
}

void fs_edits_clear(fs_edits *log)
{
	for (size_t i = 0; i < log->n; i++)
		fs_op_free(&log->v[i]);
	free(log->v);
	log->v = NULL;
	log->n = 0;
}

static void push(fs_edits *log, fs_op op)
{
	log->v = fs_xrealloc(log->v, (log->n + 1) * sizeof *log->v);
	log->v[log->n++] = op;
}

/* ---- what the base compares ------------------------------------------------ */

static void deep_text(const fs_obj *o, fs_buf *b)
{
	char *path = fs_obj_path(o), *t = fs_obj_text(o);
	fs_buf_printf(b, "%s %s\n%s\n", fs_kind_name(o->kind), path, t);
	free(path);
	free(t);
	for (size_t i = 0; i < o->nkids; i++)
		deep_text(o->kids[i], b);
}

/* The value of o that op's base describes (NULL when absent). */
static char *current(const fs_op *op, const fs_obj *o)
{
	fs_buf b = FS_BUF_INIT;
	switch (op->kind) {
	case FS_OP_TEXT:
		return dup_or_null(fs_fn_text(o));
	case FS_OP_PROP:
		return dup_or_null(fs_obj_prop(o, op->key));
	case FS_OP_RENAME:
		return fs_obj_text(o);
	case FS_OP_DELETE:
		deep_text(o, &b);
		return fs_buf_steal(&b);
	default:
		return NULL;
	}
}

/* ---- recorded edits -------------------------------------------------------- */

static fs_op op_make(fs_op_kind kind, const fs_obj *o, const char *key, const char *value)
{
	fs_op op = { .kind = kind, .okind = o->kind };
	op.path = fs_obj_path(o);
	op.key = dup_or_null(key);
	op.value = dup_or_null(value);
	op.base = current(&op, o);
	op.has_base = 1;
	return op;
}

/* A text or property set again on the object of the last operation. */
static fs_op *last_same(fs_edits *log, fs_op_kind kind, const char *path, const char *key)
{
	fs_op *last = log && log->n ? &log->v[log->n - 1] : NULL;
	if (!last || last->kind != kind || strcmp(last->path, path) || !same(last->key, key))
		return NULL;
	return last;
}

static int record_set(fs_edits *log, fs_op op, int rc)
{
	fs_op *last;
	if (rc || !log) {
		fs_op_free(&op);
		return rc;
	}
	if ((last = last_same(log, op.kind, op.path, op.key))) {
		free(last->value);
		last->value = op.value;   /* the first base stays */
		op.value = NULL;
		fs_op_free(&op);
		return 0;
	}
	push(log, op);
	return 0;
}

int fs_edit_fn_text(fs_edits *log, fs_obj *fn, const char *text, fs_err *e)
{
	fs_op op = op_make(FS_OP_TEXT, fn, NULL, text);
	return record_set(log, op, fs_fn_set_text(fn, text, e));
}

int fs_edit_set_prop(fs_edits *log, fs_obj *o, const char *key, const char *value, fs_err *e)
{
	fs_op op = op_make(FS_OP_PROP, o, key, value);
	return record_set(log, op, fs_obj_set_prop(o, key, value, e));
}

static int record(fs_edits *log, fs_op op, int rc)
{
	if (rc || !log)
		fs_op_free(&op);
	else
		push(log, op);
	return rc;
}

int fs_edit_rename(fs_edits *log, fs_obj *o, const char *name, fs_err *e)
{
	fs_op op = op_make(FS_OP_RENAME, o, NULL, name);
	return record(log, op, fs_obj_rename(o, name, e));
}

int fs_edit_delete(fs_edits *log, fs_obj *o, fs_err *e)
{
	fs_op op = op_make(FS_OP_DELETE, o, NULL, NULL);
	return record(log, op, fs_obj_delete(o, e));
}

int fs_edit_new(fs_edits *log, fs_obj *parent, fs_kind kind, const char *name, const char *variant,
		fs_obj **out, fs_err *e)
{
	fs_op op = { .kind = FS_OP_NEW, .okind = kind };
	op.path = fs_obj_path(parent);
	op.key = dup_or_null(variant);
	op.value = dup_or_null(name);
	return record(log, op, fs_obj_new(parent, kind, name, variant, out, e));
}

int fs_edit_copy(fs_edits *log, fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e)
{
	fs_op op = { .kind = FS_OP_COPY, .okind = o->kind };
	op.path = fs_obj_path(o);
	op.key = fs_obj_path(parent);
	op.value = dup_or_null(name);
	if (o->project != parent->project)
		op.from = dup_or_null(fs_project_dir(o->project));
	return record(log, op, fs_obj_copy(o, parent, name, out, e));
}

char *fs_op_describe(const fs_op *op)
{
	const char *path = op->path && *op->path ? op->path : "the project";
	switch (op->kind) {
	case FS_OP_TEXT:
		return fs_xasprintf("the text of %s", path);
	case FS_OP_PROP:
		return fs_xasprintf("%s of %s", op->key, path);
	case FS_OP_RENAME:
		return fs_xasprintf("the rename of %s to %s", path, op->value);
	case FS_OP_DELETE:
		return fs_xasprintf("the deletion of %s", path);
	case FS_OP_NEW:
		return fs_xasprintf("the new %s %s in %s", fs_kind_name(op->okind), op->value, path);
	default:
		return fs_xasprintf("the copy of %s as %s", path, op->value);
	}
}

/* ---- rebase ----------------------------------------------------------------- */

/* Paths renamed on disk that the rebase follows: from -> to (prefixes). */
typedef struct moves {
	char **from, **to;
	size_t n;
} moves;

static char *moved_path(const moves *m, const char *path)
{
	for (size_t i = m->n; i-- > 0;) {
		size_t l = strlen(m->from[i]);
		if (!strncmp(path, m->from[i], l) && (!path[l] || path[l] == '/'))
			return fs_xasprintf("%s%s", m->to[i], path + l);
	}
	return fs_xstrdup(path);
}

static void moves_free(moves *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->from[i]);
		free(m->to[i]);
	}
	free(m->from);
	free(m->to);
}

/* An object of the path that the disk renamed: its deepest existing
 * ancestor holds exactly one kid under which the rest of the path names an
 * object still equal to base. Records the move; NULL when none. */
static fs_obj *follow_rename(fs_project *p, const fs_op *op, const char *path, moves *m)
{
	char *pre = fs_xstrdup(path), *cut, *to = NULL;
	fs_obj *anc = NULL, *found = NULL;
	const char *seg, *rest;
	int many = 0;
	while ((cut = strrchr(pre, '/'))) {
		*cut = 0;
		if ((anc = fs_project_find(p, pre)))
			break;
	}
	seg = anc ? path + strlen(pre) + 1 : path;
	if (!anc)
		anc = fs_project_root(p);
	rest = strchr(seg, '/');   /* what follows the renamed segment */
	for (size_t i = 0; i < anc->nkids && !many; i++) {
		char *kp = fs_obj_path(anc->kids[i]), *cand = fs_xasprintf("%s%s", kp, rest ? rest : "");
		fs_obj *o = fs_project_find(p, cand);
		char *cur = o && o->kind == op->okind ? current(op, o) : NULL;
		if (o && o->kind == op->okind && same(cur, op->base)) {
			many = found != NULL;   /* two candidates: no guess */
			found = o;
			free(to);
			to = kp;
			kp = NULL;
		}
		free(cur), free(kp), free(cand);
	}
	if (found && !many) {
		m->from = fs_xrealloc(m->from, (m->n + 1) * sizeof *m->from);
		m->to = fs_xrealloc(m->to, (m->n + 1) * sizeof *m->to);
		m->from[m->n] = fs_xstrndup(path, rest ? (size_t)(rest - path) : strlen(path));
		m->to[m->n++] = to;
		to = NULL;
	} else {
		found = NULL;
	}
	free(to);
	free(pre);
	return found;
}

static void conflict_add(fs_conflicts *c, const fs_op *op, const char *mine, const char *theirs, const char *why)
{
	c->v = fs_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = (fs_conflict){ op_copy(op), dup_or_null(mine), dup_or_null(theirs), fs_xstrdup(why) };
}

void fs_conflict_free(fs_conflict *c)
{
	fs_op_free(&c->op);
	free(c->mine);
	free(c->theirs);
	free(c->why);
	memset(c, 0, sizeof *c);
}

void fs_conflicts_free(fs_conflicts *c)
{
	for (size_t i = 0; i < c->n; i++)
		fs_conflict_free(&c->v[i]);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* A copy from another project: its source as that project's folder holds it. */
static enum fs_err_code copy_from(fs_project *p, const fs_op *op, fs_err *e)
{
	fs_project *src;
	fs_obj *o, *dest = fs_project_find(p, op->key), *out;
	int rc;
	if (!dest)
		return fs_err_set(e, FS_E_NOTFOUND, "%s is no longer in the project", op->key);
	if ((rc = fs_project_open(&src, op->from, e)))
		return rc;
	o = fs_project_find(src, op->path);
	rc = o ? fs_obj_copy(o, dest, op->value, &out, e)
	       : fs_err_set(e, FS_E_NOTFOUND, "%s is no longer in %s", op->path, op->from);
	fs_project_free(src);
	return rc;
}

/* Applies op to o (its object in p; the parent for NEW). */
static int apply(fs_project *p, const fs_op *op, fs_obj *o, fs_err *e)
{
	fs_obj *dest, *out;
	switch (op->kind) {
	case FS_OP_TEXT:
		return fs_fn_set_text(o, op->value, e);
	case FS_OP_PROP:
		return fs_obj_set_prop(o, op->key, op->value, e);
	case FS_OP_RENAME:
		return fs_obj_rename(o, op->value, e);
	case FS_OP_DELETE:
		return fs_obj_delete(o, e);
	case FS_OP_NEW:
		return fs_obj_new(o, op->okind, op->value, op->key, &out, e);
	default:
		if (!(dest = fs_project_find(p, op->key)))
			return fs_err_set(e, FS_E_NOTFOUND, "%s is no longer in the project", op->key);
		return fs_obj_copy(o, dest, op->value, &out, e);
	}
}

/* The path an operation's object has after it went through. */
static char *path_after(const fs_op *op)
{
	const char *slash = strrchr(op->path, '/');
	if (op->kind != FS_OP_RENAME)
		return fs_xstrdup(op->path);
	return slash ? fs_xasprintf("%.*s/%s", (int)(slash - op->path), op->path, op->value)
		     : fs_xstrdup(op->value);
}

/* An operation whose object is not there: its effect may be there already
 * (a rename or a delete done on disk too). */
static int already_done(fs_project *p, const fs_op *op, const char *path)
{
	fs_op o2 = *op;
	char *after;
	int r;
	if (op->kind == FS_OP_DELETE)
		return 1;
	if (op->kind != FS_OP_RENAME)
		return 0;
	o2.path = (char *)path;
	after = path_after(&o2);
	r = fs_project_find(p, after) != NULL;
	free(after);
	return r;
}

/* One operation of the log; 1 when applied, 0 when dropped (already on
 * disk or a conflict). */
static int rebase_one(const fs_op *op0, fs_project *p, moves *m, fs_edits *kept, fs_conflicts *c)
{
	fs_op op = op_copy(op0);
	fs_obj *o;
	fs_err e = { 0 };
	char *cur = NULL;
	int done = 0;
	if ((op.kind == FS_OP_TEXT || op.kind == FS_OP_PROP) && same(op.value, op.base))
		goto out;   /* set back to what it was: nothing to re-apply */
	free(op.path);
	op.path = moved_path(m, op0->path);
	if (op.kind == FS_OP_COPY) {
		free(op.key);
		op.key = moved_path(m, op0->key);
	}
	if (op.from) {   /* a copy from another project */
		if (copy_from(p, &op, &e))
			conflict_add(c, &op, op.value, NULL, e.msg);
		else
			done = 1;
		goto kept;
	}
	o = fs_project_find(p, op.path);
	if (!o && op.kind != FS_OP_NEW && op.kind != FS_OP_COPY && op.has_base &&
	    (o = follow_rename(p, &op, op.path, m))) {
		free(op.path);
		op.path = fs_obj_path(o);
	}
	if (!o) {
		if (!already_done(p, &op, op.path))
			conflict_add(c, &op, op.value, NULL, "it is no longer on disk (deleted or renamed there)");
		goto out;
	}
	/* a rename goes through whatever else changed in the object; its base
	 * only serves to follow an object renamed on disk */
	if (op.has_base && op.kind != FS_OP_NEW && op.kind != FS_OP_COPY && op.kind != FS_OP_RENAME) {
		cur = current(&op, o);
		if ((op.kind == FS_OP_TEXT || op.kind == FS_OP_PROP) && same(cur, op.value))
			goto out;   /* the disk made the same edit */
		if (!same(cur, op.base)) {
			conflict_add(c, &op, op.kind == FS_OP_DELETE ? NULL : op.value, cur,
				     "it changed on disk and here");
			goto out;
		}
	}
	if (apply(p, &op, o, &e)) {
		conflict_add(c, &op, op.value, cur, e.msg);
		goto out;
	}
	free(op.base);
	op.base = cur;
	cur = NULL;
	done = 1;
kept:
	if (done) {
		push(kept, op);
		op = (fs_op){ 0 };
	}
out:
	free(cur);
	fs_op_free(&op);
	return done;
}

size_t fs_edits_rebase(const fs_edits *log, fs_project *fresh, fs_edits *kept, fs_conflicts *conflicts)
{
	moves m = { 0 };
	size_t applied = 0;
	for (size_t i = 0; i < log->n; i++)
		applied += rebase_one(&log->v[i], fresh, &m, kept, conflicts);
	moves_free(&m);
	return applied;
}

enum fs_err_code fs_conflict_keep_mine(const fs_conflict *c, fs_project *p, fs_edits *log, fs_err *e)
{
	fs_obj *o = c->op.from ? NULL : fs_project_find(p, c->op.path);
	fs_op op;
	int rc;
	if (c->op.from) {
		if ((rc = copy_from(p, &c->op, e)))
			return rc;
		push(log, op_copy(&c->op));
		return 0;
	}
	if (!o)
		return fs_err_set(e, FS_E_NOTFOUND, "%s is no longer in the project: there is nothing to apply the edit to",
				  c->op.path);
	op = op_copy(&c->op);
	free(op.base);
	op.base = current(&op, o);
	if ((rc = apply(p, &op, o, e))) {
		fs_op_free(&op);
		return rc;
	}
	push(log, op);
	return 0;
}

/* ---- JSON -------------------------------------------------------------------- */

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

cJSON *fs_edits_json(const fs_edits *log)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < log->n; i++) {
		const fs_op *op = &log->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "op", op_names[op->kind]);
		cJSON_AddStringToObject(o, "kind", fs_kind_name(op->okind));
		add_str(o, "path", op->path);
		add_str(o, "key", op->key);
		add_str(o, "value", op->value);
		add_str(o, "base", op->base);
		add_str(o, "from", op->from);
		if (op->has_base)
			cJSON_AddTrueToObject(o, "has_base");
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static const char *get_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int parse_op(const cJSON *o, fs_op *op)
{
	const char *name = get_str(o, "op"), *kind = get_str(o, "kind");
	memset(op, 0, sizeof *op);
	op->kind = FS_OP_COUNT;
	for (int k = 0; name && k < FS_OP_COUNT; k++)
		if (!strcmp(name, op_names[k]))
			op->kind = (fs_op_kind)k;
	op->okind = FS_K_COUNT;
	for (int k = 0; kind && k < FS_K_COUNT; k++)
		if (!strcmp(kind, fs_kind_name((fs_kind)k)))
			op->okind = (fs_kind)k;
	if (op->kind == FS_OP_COUNT || op->okind == FS_K_COUNT || !get_str(o, "path"))
		return -1;
	op->path = fs_xstrdup(get_str(o, "path"));
	op->key = dup_or_null(get_str(o, "key"));
	op->value = dup_or_null(get_str(o, "value"));
	op->base = dup_or_null(get_str(o, "base"));
	op->from = dup_or_null(get_str(o, "from"));
	op->has_base = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "has_base"));
	return 0;
}

enum fs_err_code fs_edits_from_json(fs_edits *log, const cJSON *j, fs_err *e)
{
	const cJSON *it;
	size_t i = 0;
	if (!cJSON_IsArray(j))
		return fs_err_set(e, FS_E_PARSE, "the edits are not a list");
	cJSON_ArrayForEach(it, j) {
		fs_op op;
		if (parse_op(it, &op)) {
			fs_op_free(&op);
			return fs_err_set(e, FS_E_PARSE, "edit %zu is not an object operation", i + 1);
		}
		push(log, op);
		i++;
	}
	return 0;
}

/* ---- fingerprints -------------------------------------------------------------- */

static void fingerprint(const char *data, size_t len, char out[65])
{
	fs_sha256_hex(data, len, out);
}

cJSON *fs_project_fingerprints(fs_project *p)
{
	cJSON *fp = cJSON_CreateObject();
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n; i++) {
		const fs_lfile *f = files[i];
		if (f->orig && f->loaded && !cJSON_GetObjectItemCaseSensitive(fp, f->loaded)) {
			char sha[65];
			fingerprint(f->orig, f->origlen, sha);
			cJSON_AddStringToObject(fp, f->loaded, sha);
		}
	}
	free(files);
	return fp;
}

static void add_name(fs_buf *names, const char *rel)
{
	if (names)
		fs_buf_printf(names, "%s%s", names->len ? ", " : "", rel);
}

size_t fs_fingerprints_moved(const cJSON *fp, const char *dir, fs_buf *names)
{
	const cJSON *it;
	size_t n = 0;
	cJSON_ArrayForEach(it, fp) {
		char *path = fs_path_join(dir, it->string), *data = NULL, sha[65] = "";
		size_t len = 0;
		if (!fs_read_file(path, &data, &len, NULL))
			fingerprint(data, len, sha);
		if (!*sha || !cJSON_IsString(it) || strcmp(sha, it->valuestring)) {
			add_name(names, it->string);
			n++;
		}
		free(data);
		free(path);
	}
	return n;
}
