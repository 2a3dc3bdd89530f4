/* Undo and redo of tree operations (see undo.h). Every step goes through
 * the recorded fs_edit_* functions, so the edit log (model/edits.h) stays
 * the one account of the unsaved edits that saves and rebases rely on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/fsutil.h"
#include "tree.h"
#include "undo.h"
#include "watch.h"

struct entry {
	char *name;
	int proj;
	fs_edits redo, undo;   /* operations run in order */
	fs_project *snap;      /* delete: the project just before it, */
	char *snapdir;         /* written in this private folder */
};

struct fs_undo {
	struct entry *v;
	size_t n, top;         /* v[0..top) undo; v[top..n) redo */
};

static char *dup_or_null(const char *s)
{
	return s ? fs_xstrdup(s) : NULL;
}

static void add_op(fs_edits *list, const fs_op *op)
{
	fs_op c = { .kind = op->kind, .okind = op->okind };
	c.path = dup_or_null(op->path);
	c.key = dup_or_null(op->key);
	c.value = dup_or_null(op->value);
	c.from = dup_or_null(op->from);
	list->v = fs_xrealloc(list->v, (list->n + 1) * sizeof *list->v);
	list->v[list->n++] = c;
}

static void entry_free(struct entry *en)
{
	free(en->name);
	fs_edits_clear(&en->redo);
	fs_edits_clear(&en->undo);
	if (en->snap)
		fs_project_free(en->snap);
	if (en->snapdir)
		fs_rm_rf(en->snapdir);
	free(en->snapdir);
	memset(en, 0, sizeof *en);
}

/* ---- running one operation --------------------------------------------------- */

static fs_project *project_of_dir(fs_app *a, const char *dir)
{
	for (size_t i = 0; i < a->nprojects; i++) {
		const char *d = fs_project_dir(a->projects[i]);
		if (d && !strcmp(d, dir))
			return a->projects[i];
	}
	return NULL;
}

static fs_obj *need(fs_project *p, const char *path, fs_err *e)
{
	fs_obj *o = p ? fs_project_find(p, path) : NULL;
	if (!o)
		fs_err_set(e, FS_E_NOTFOUND, "%s is no longer in the project", *path ? path : "the project");
	return o;
}

/* Runs op on project proj through the recorded edits; *sel gets the path
 * of the object to select after it. A COPY takes its source from src when
 * given (a deleted object coming back), else from the project op->from
 * names, else from proj. */
static enum fs_err_code run_one(fs_app *a, int proj, const fs_op *op, fs_project *src, fs_obj **out, char **sel, fs_err *e)
{
	fs_project *p = a->projects[proj];
	fs_edits *log = fs_sync_log(a, proj);
	fs_obj *o, *dest, *made = NULL;
	int rc;
	*sel = NULL;
	if (op->kind == FS_OP_COPY) {
		src = src ? src : op->from ? project_of_dir(a, op->from) : p;
		if (!(o = need(src, op->path, e)) || !(dest = need(p, op->key, e)))
			return e->code;
		rc = fs_edit_copy(log, o, dest, op->value, &made, e);
	} else {
		if (!(o = need(p, op->path, e)))
			return e->code;
		switch (op->kind) {
		case FS_OP_PROP:
			rc = fs_edit_set_prop(log, o, op->key, op->value, e);
			break;
		case FS_OP_RENAME:
			rc = fs_edit_rename(log, o, op->value, e);
			if (!rc)   /* what was expanded under the old path stays so */
				fs_tree_renamed(a, proj, op->path, o);
			made = o;
			break;
		case FS_OP_DELETE:
			*sel = o->parent ? fs_obj_path(o->parent) : NULL;
			rc = fs_edit_delete(log, o, e);
			break;
		case FS_OP_NEW:
			rc = fs_edit_new(log, o, op->okind, op->value, op->key, &made, e);
			break;
		default:
			rc = fs_edit_fn_text(log, o, op->value, e);
			break;
		}
	}
	if (rc) {
		free(*sel);
		*sel = NULL;
		return rc;
	}
	if (!*sel)
		*sel = made ? fs_obj_path(made) : fs_xstrdup(op->path);
	if (out)
		*out = made;
	return 0;
}

/* ---- the stack --------------------------------------------------------------- */

static struct fs_undo *U(fs_app *a)
{
	if (!a->undo)
		a->undo = fs_xcalloc(1, sizeof *a->undo);
	return a->undo;
}

/* Takes over en as the newest entry; the entries undone before go. */
static void push_entry(fs_app *a, struct entry *en)
{
	struct fs_undo *u = U(a);
	while (u->n > u->top)
		entry_free(&u->v[--u->n]);
	u->v = fs_xrealloc(u->v, (u->n + 1) * sizeof *u->v);
	u->v[u->n] = *en;
	u->top = ++u->n;
	memset(en, 0, sizeof *en);
}

/* The project as it is now, written into a private folder: what a deleted
 * object comes back from. The undo's copy names that folder in the log, so
 * a rebase (or "keep mine") finds the object there too, even once the
 * delete was saved. */
static fs_project *snapshot(fs_project *p, char **dir, fs_err *e)
{
	const char *tmp = getenv("TMPDIR");
	char *d = fs_xasprintf("%s/fsstudio-undo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fs_project *snap = NULL;
	if (!mkdtemp(d)) {
		fs_err_set(e, FS_E_IO, "%s: %s", d, strerror(errno));
		free(d);
		return NULL;
	}
	if (fs_project_save_to(p, d, e) || fs_project_open(&snap, d, e)) {
		fs_rm_rf(d);
		free(d);
		return NULL;
	}
	*dir = d;
	return snap;
}

/* What undoes op, as far as the object before op tells: a property's old
 * value, a rename's old name, a deleted object's place and a copy of the
 * project to bring it back from (en->snap). The path a rename, a new object
 * or a copy ends at is only known after op: left NULL here. */
static int inverse(fs_app *a, int proj, const fs_op *op, fs_op *inv, struct entry *en, fs_err *e)
{
	fs_obj *o = fs_project_find(a->projects[proj], op->path);
	*inv = (fs_op){ .kind = FS_OP_DELETE };   /* NEW, COPY: delete what was made */
	if (!o)
		return 0;   /* op fails on its own, in its own words */
	if (op->kind == FS_OP_PROP) {
		*inv = (fs_op){ .kind = FS_OP_PROP, .path = fs_xstrdup(op->path), .key = dup_or_null(op->key),
				.value = dup_or_null(fs_obj_prop(o, op->key)) };
	} else if (op->kind == FS_OP_RENAME) {
		*inv = (fs_op){ .kind = FS_OP_RENAME, .value = fs_xstrdup(o->name) };
	} else if (op->kind == FS_OP_DELETE && o->parent) {
		if (!(en->snap = snapshot(a->projects[proj], &en->snapdir, e)))
			return e->code ? e->code : -1;
		*inv = (fs_op){ .kind = FS_OP_COPY, .okind = o->kind, .path = fs_xstrdup(op->path),
				.key = fs_obj_path(o->parent), .value = fs_xstrdup(o->name) };
	}
	return 0;
}

int fs_undo_run(fs_app *a, int proj, const char *name, const fs_op *op, fs_obj **out, fs_err *e)
{
	struct entry en = { .proj = proj };
	fs_op inv;
	fs_obj *made = NULL;
	char *sel = NULL;
	if (inverse(a, proj, op, &inv, &en, e) || run_one(a, proj, op, NULL, &made, &sel, e)) {
		fs_op_free(&inv);
		entry_free(&en);
		return e->code ? e->code : -1;
	}
	if (!inv.path) {   /* renamed, made: where it is now */
		inv.path = sel;
		sel = NULL;
	}
	free(sel);
	en.name = fs_xstrdup(name);
	add_op(&en.redo, op);
	add_op(&en.undo, &inv);
	fs_op_free(&inv);
	push_entry(a, &en);
	if (out)
		*out = made;
	return 0;
}

int fs_undo_also(fs_app *a, int proj, const fs_op *op, fs_err *e)
{
	struct fs_undo *u = U(a);
	char *sel = NULL;
	if (run_one(a, proj, op, NULL, NULL, &sel, e))
		return e->code ? e->code : -1;
	free(sel);
	if (u->top && u->top == u->n && u->v[u->top - 1].proj == proj)
		add_op(&u->v[u->top - 1].redo, op);
	return 0;
}

/* Runs an entry's operations; the selection lands on what the last one
 * touched (the object back, renamed, made; the parent of a deleted one). */
static int replay(fs_app *a, struct entry *en, const fs_edits *ops, fs_project *src, const char *what)
{
	char *sel = NULL;
	fs_err e = { 0 };
	if ((size_t)en->proj >= a->nprojects) {
		fs_app_error(a, "Cannot %s %s: the project is gone", what, en->name);
		return -1;
	}
	for (size_t i = 0; i < ops->n; i++) {
		free(sel);
		if (run_one(a, en->proj, &ops->v[i], src, NULL, &sel, &e)) {
			fs_app_error(a, "Cannot %s %s: %s", what, en->name, e.msg);
			if (i)
				fs_app_changed(a);
			return -1;
		}
	}
	fs_tree_forget(a);   /* rows may point at what was freed */
	fs_app_changed(a);
	if (sel)
		fs_app_select(a, en->proj, sel);
	free(sel);
	return 0;
}

void fs_undo(fs_app *a)
{
	struct fs_undo *u = U(a);
	struct entry *en;
	if (!u->top) {
		fs_app_msg(a, "Nothing to undo");
		return;
	}
	en = &u->v[u->top - 1];
	if (replay(a, en, &en->undo, en->snap, "undo"))
		return;
	u->top--;
	fs_app_msg(a, "Undone: %s", en->name);
}

void fs_redo(fs_app *a)
{
	struct fs_undo *u = U(a);
	struct entry *en;
	if (u->top == u->n) {
		fs_app_msg(a, "Nothing to redo");
		return;
	}
	en = &u->v[u->top];
	if (replay(a, en, &en->redo, NULL, "redo"))
		return;
	u->top++;
	fs_app_msg(a, "Redone: %s", en->name);
}

void fs_undo_free(fs_app *a)
{
	struct fs_undo *u = a->undo;
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++)
		entry_free(&u->v[i]);
	free(u->v);
	free(u);
	a->undo = NULL;
}
