/* Requests about the model: new, rename, delete, copy/paste, edit, save,
 * go to a listener's target. Every change goes through the core (project.h)
 * and its errors reach the user in its own words. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app.h"
#include "browser.h"
#include "deploy.h"
#include "details.h"
#include "base/fsutil.h"
#include "gitui.h"
#include "history.h"
#include "listener.h"
#include "recover.h"
#include "tree.h"
#include "undo.h"
#include "watch.h"
#include "workspace.h"


/* What each new-* request creates and under which ancestor. */
#define FS_NEW_LIST(_) \
	_(NEW_CONNECTOR, CONNECTOR, PROJECT,   NULL,                        "connector") \
	_(NEW_DDOC,      DDOC,      CONNECTOR, NULL,                        "design document") \
	_(NEW_VIEW,      VIEW,      DDOC,      NULL,                        "view") \
	_(NEW_REDUCE,    FUNCTION,  VIEW,      "reduce",                    "reduce") \
	_(NEW_LISTENER,  LISTENER,  CONNECTOR, "couchdb.FullSyncListener",  "listener")

static const struct new_kind {
	fs_req req;
	fs_kind kind, parent;
	const char *variant;
	const char *what;
} new_kinds[] = {
#define FS_NEW_INFO(r, k, p, v, w) { FS_REQ_##r, FS_K_##k, FS_K_##p, v, w },
	FS_NEW_LIST(FS_NEW_INFO)
#undef FS_NEW_INFO
};

static const struct new_kind *new_kind_of(fs_req r)
{
	for (size_t i = 0; i < sizeof new_kinds / sizeof new_kinds[0]; i++)
		if (new_kinds[i].req == r)
			return &new_kinds[i];
	return NULL;
}

static void select_obj(fs_app *a, int proj, fs_obj *o)
{
	char *path = fs_obj_path(o);
	fs_app_select(a, proj, path ? path : "");
	free(path);
}

static void label_of(const fs_obj *o, fs_buf *b)
{
	fs_buf_printf(b, "%s '", fs_kind_name(o->kind));
	fs_tree_label(o, b);
	fs_buf_adds(b, "'");
}

/* ---- new ---------------------------------------------------------------- */

/* A view listener made while a view is selected targets that view. */
static void target_selected_view(fs_app *a, int proj, fs_obj *listener, fs_obj *view)
{
	fs_err e = { 0 };
	fs_obj *ddoc = view->parent, *conn = ddoc ? ddoc->parent : NULL;
	char *target;
	if (!conn || !fs_obj_editable(listener))
		return;
	target = fs_xasprintf("%s.%s.%s.%s", fs_project_root(listener->project)->name,
			      conn->name, ddoc->name, view->name);
	fs_op op = { .kind = FS_OP_PROP, .path = fs_obj_path(listener), .key = "targetView", .value = target };
	if (fs_undo_also(a, proj, &op, &e))
		fs_app_error(a, "targetView not set: %s", e.msg);
	free(op.path);
	free(target);
}

static void create(fs_app *a, fs_modal *m, const struct new_kind *nk, const char *name)
{
	fs_obj *parent = fs_ref_get(a, &m->ref), *out = NULL, *sel;
	fs_err e = { 0 };
	int proj, rc;
	char *what;
	if (!parent) {
		fs_app_error(a, "The parent object is gone");
		return;
	}
	sel = fs_app_selected(a, &proj);
	fs_op op = { .kind = FS_OP_NEW, .okind = nk->kind, .path = fs_obj_path(parent),
		     .key = (char *)nk->variant, .value = (char *)name };
	what = name ? fs_xasprintf("new %s %s", nk->what, name) : fs_xasprintf("new %s", nk->what);
	rc = fs_undo_run(a, m->ref.proj, what, &op, &out, &e);
	free(what);
	free(op.path);
	if (rc) {
		fs_app_error(a, "No new %s: %s", nk->what, e.msg);
		m->keep = name != NULL;
		return;
	}
	if (nk->kind == FS_K_LISTENER && sel && sel->kind == FS_K_VIEW)
		target_selected_view(a, m->ref.proj, out, sel);
	fs_app_changed(a);
	if (out)
		select_obj(a, m->ref.proj, out);
	fs_app_msg(a, "New %s '%s'", nk->what, out && out->name ? out->name : name ? name : "");
}

static void new_done(fs_app *a, fs_modal *m, int key)
{
	const struct new_kind *nk = new_kind_of((fs_req)atoi(m->arg));
	if (key != KEY_ESC && nk)
		create(a, m, nk, fs_buf_str(&m->text));
}

static void new_object(fs_app *a, fs_req r)
{
	const struct new_kind *nk = new_kind_of(r);
	int proj;
	fs_obj *sel = fs_app_selected(a, &proj), *parent;
	fs_modal *m;
	char label[64];
	if (!sel)
		return;
	parent = fs_obj_up(sel, nk->parent);
	if (!parent) {
		fs_app_error(a, "Select a %s (or something in it) to add a %s",
			     fs_kind_name(nk->parent), nk->what);
		return;
	}
	if (!fs_obj_editable(parent)) {
		fs_app_error(a, "%s is read-only here", parent->name);
		return;
	}
	snprintf(label, sizeof label, "New %s name: ", nk->what);
	if (nk->kind == FS_K_FUNCTION) {
		/* a reduce has a fixed name: no question */
		fs_modal tmp = { 0 };
		fs_ref_set(&tmp.ref, proj, parent);
		create(a, &tmp, nk, NULL);
		fs_ref_clear(&tmp.ref);
		return;
	}
	m = fs_modal_prompt(a, label, "", new_done);
	fs_ref_set(&m->ref, proj, parent);
	m->arg = fs_xasprintf("%d", r);
}

static void new_menu(fs_app *a)
{
	struct fs_menu_item items[8];
	size_t n = 0;
	int proj;
	fs_obj *sel = fs_app_selected(a, &proj);
	if (!sel)
		return;
	for (size_t i = 0; i < sizeof new_kinds / sizeof new_kinds[0]; i++)
		if (fs_obj_up(sel, new_kinds[i].parent))
			items[n++] = (struct fs_menu_item){ new_kinds[i].req, fs_req_help(new_kinds[i].req) };
	fs_action_menu_open(a, "New", items, n);
}

/* ---- rename, delete ------------------------------------------------------ */

static void rename_done(fs_app *a, fs_modal *m, int key)
{
	fs_obj *o = fs_ref_get(a, &m->ref);
	fs_err e = { 0 };
	char *what;
	int rc;
	if (key == KEY_ESC || !o)
		return;
	if (!strcmp(o->name, fs_buf_str(&m->text)))
		return;
	fs_op op = { .kind = FS_OP_RENAME, .path = fs_obj_path(o), .value = (char *)fs_buf_str(&m->text) };
	what = fs_xasprintf("rename %s %s → %s", fs_kind_name(o->kind), o->name, op.value);
	rc = fs_undo_run(a, m->ref.proj, what, &op, NULL, &e);   /* expanded stays expanded */
	free(what);
	free(op.path);
	if (rc) {
		fs_app_error(a, "Not renamed: %s", e.msg);
		m->keep = 1;
		return;
	}
	fs_app_changed(a);
	select_obj(a, m->ref.proj, o);
	fs_app_msg(a, "Renamed to '%s'", o->name);
}

static int check_editable(fs_app *a, fs_obj *o, const char *what)
{
	if (o->kind == FS_K_PROJECT) {
		fs_app_error(a, "The project itself cannot be %s here", what);
		return 0;
	}
	if (!fs_obj_editable(o)) {
		fs_app_error(a, "'%s' is read-only in the studio", o->name);
		return 0;
	}
	return 1;
}

static void rename_obj(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	fs_modal *m;
	if (!o || !check_editable(a, o, "renamed"))
		return;
	if (o->kind == FS_K_FUNCTION && o->fn != FS_FN_FILTER && o->fn != FS_FN_UPDATE) {
		fs_app_error(a, "A %s function has a fixed name", fs_fn_name(o->fn));
		return;
	}
	m = fs_modal_prompt(a, "Rename to: ", o->name, rename_done);
	fs_ref_set(&m->ref, proj, o);
}

/* Where the cursor goes after a delete: the next object of the same kind
 * (the next listener), else the one before, else the parent; not back to
 * the connector at the top of a long folder. */
static char *neighbor_path(const fs_obj *o)
{
	const fs_obj *p = o->parent, *next = NULL, *prev = NULL;
	size_t i = 0;
	while (i < p->nkids && p->kids[i] != o)
		i++;
	for (size_t k = i + 1; k < p->nkids && !next; k++)
		if (p->kids[k]->kind == o->kind)
			next = p->kids[k];
	for (size_t k = i; k-- > 0 && !prev;)
		if (p->kids[k]->kind == o->kind)
			prev = p->kids[k];
	return fs_obj_path(next ? next : prev ? prev : p);
}

static void delete_done(fs_app *a, fs_modal *m, int key)
{
	fs_obj *o = fs_ref_get(a, &m->ref), *parent;
	fs_err e = { 0 };
	if (key != 'y' || !o)
		return;
	parent = o->parent;
	char *ppath = parent ? neighbor_path(o) : NULL;
	fs_op op = { .kind = FS_OP_DELETE, .okind = o->kind, .path = fs_obj_path(o) };
	char *what = fs_xasprintf("delete %s %s", fs_kind_name(o->kind), o->name);
	int rc = fs_undo_run(a, m->ref.proj, what, &op, NULL, &e);
	free(what);
	free(op.path);
	if (rc) {
		fs_app_error(a, "Not deleted: %s", e.msg);
		free(ppath);
		return;
	}
	/* the tree's rows may point at what was just freed */
	fs_tree_forget(a);
	fs_app_changed(a);
	if (ppath)
		fs_app_select(a, m->ref.proj, ppath);
	free(ppath);
	fs_app_msg(a, "Deleted");
}

static void delete_obj(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	fs_buf q = FS_BUF_INIT;
	fs_modal *m;
	if (!o || !check_editable(a, o, "deleted"))
		return;
	fs_buf_adds(&q, "Delete ");
	label_of(o, &q);
	if (o->nkids)
		fs_buf_adds(&q, " and everything in it");
	fs_buf_adds(&q, "?");
	m = fs_modal_confirm(a, fs_buf_str(&q), "yn", delete_done);
	fs_ref_set(&m->ref, proj, o);
	fs_buf_free(&q);
}

/* ---- copy, paste ----------------------------------------------------------- */

static void copy_obj(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	fs_buf b = FS_BUF_INIT;
	if (!o || !check_editable(a, o, "copied"))
		return;
	fs_ref_set(&a->clip, proj, o);
	fs_buf_adds(&b, "Copied ");
	label_of(o, &b);
	fs_app_msg(a, "%s: select where it goes and press p", fs_buf_str(&b));
	fs_buf_free(&b);
}

static void paste_done(fs_app *a, fs_modal *m, int key)
{
	fs_obj *src = fs_ref_get(a, &a->clip), *parent = fs_ref_get(a, &m->ref), *out = NULL;
	fs_err e = { 0 };
	if (key == KEY_ESC)
		return;
	if (!src || !parent) {
		fs_app_error(a, "The copied object is gone");
		return;
	}
	fs_op op = { .kind = FS_OP_COPY, .okind = src->kind, .path = fs_obj_path(src), .key = fs_obj_path(parent),
		     .value = (char *)fs_buf_str(&m->text) };
	if (src->project != parent->project)
		op.from = (char *)fs_project_dir(src->project);
	char *what = fs_xasprintf("paste %s %s as %s", fs_kind_name(src->kind), src->name, op.value);
	int rc = fs_undo_run(a, m->ref.proj, what, &op, &out, &e);
	free(what);
	free(op.path);
	free(op.key);
	if (rc) {
		fs_app_error(a, "Not pasted: %s", e.msg);
		m->keep = 1;
		return;
	}
	fs_app_changed(a);
	if (out)
		select_obj(a, m->ref.proj, out);
	fs_app_msg(a, "Pasted '%s'", fs_buf_str(&m->text));
}

/* 1 when parent has a child that would clash with a copy of src named
 * name (functions clash within their type only). */
static int name_taken(const fs_obj *parent, const fs_obj *src, const char *name)
{
	for (size_t i = 0; i < parent->nkids; i++) {
		const fs_obj *k = parent->kids[i];
		if (k->kind == src->kind && k->fn == src->fn && k->name && !strcmp(k->name, name))
			return 1;
	}
	return 0;
}

/* The name proposed for a paste: the original's where nothing clashes (into
 * another connector, say), else NAME_copy, NAME_copy2... */
static char *copy_name(const fs_obj *parent, const fs_obj *src)
{
	char *name = fs_xstrdup(src->name);
	for (int n = 1; name_taken(parent, src, name) && n < 1000; n++) {
		free(name);
		name = n == 1 ? fs_xasprintf("%s_copy", src->name) : fs_xasprintf("%s_copy%d", src->name, n);
	}
	return name;
}

static void paste_obj(fs_app *a)
{
	int proj;
	fs_obj *sel = fs_app_selected(a, &proj), *src = fs_ref_get(a, &a->clip), *parent;
	fs_modal *m;
	char *name;
	if (!src) {
		fs_app_error(a, "Nothing copied: y copies the selection");
		return;
	}
	if (!sel || !src->parent)
		return;
	parent = fs_obj_up(sel, src->parent->kind);
	if (!parent) {
		fs_app_error(a, "A %s goes into a %s: select one", fs_kind_name(src->kind),
			     fs_kind_name(src->parent->kind));
		return;
	}
	name = copy_name(parent, src);
	m = fs_modal_prompt(a, "Name of the copy: ", name, paste_done);
	fs_ref_set(&m->ref, proj, parent);
	free(name);
}

/* ---- functions ------------------------------------------------------------ */

static fs_obj *function_of(fs_app *a, int *proj)
{
	fs_obj *o = fs_details_function(a);
	if (o) {
		fs_app_selected(a, proj);
		return o;
	}
	o = fs_app_selected(a, proj);
	if (o && o->kind == FS_K_VIEW)
		for (size_t i = 0; i < o->nkids; i++)
			if (o->kids[i]->kind == FS_K_FUNCTION)
				return o->kids[i];
	return o && o->kind == FS_K_FUNCTION ? o : NULL;
}

static int write_temp(const char *text, char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	int fd;
	snprintf(path, size, "%s/fsstudio-XXXXXX.js", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemps(path, 3);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static void external_edit(fs_app *a)
{
	int proj;
	fs_obj *fn = function_of(a, &proj);
	const char *text;
	char path[4096], *edited = NULL;
	fs_err e = { 0 };
	if (!fn) {
		fs_app_error(a, "Select a function (or a view) to edit");
		return;
	}
	text = fs_fn_text(fn);
	if (write_temp(text ? text : "", path, sizeof path)) {
		fs_app_error(a, "Cannot write a temporary file for the editor");
		return;
	}
	if (fs_app_run_editor(a, path)) {
		unlink(path);
		return;
	}
	if (fs_read_file(path, &edited, NULL, &e)) {
		fs_app_error(a, "%s", e.msg);
	} else if (text && !strcmp(edited, text)) {
		fs_app_msg(a, "No change");
	} else if (fs_edit_fn_text(fs_sync_log(a, proj), fn, edited, &e)) {
		fs_app_error(a, "Function not changed: %s", e.msg);
	} else {
		fs_app_changed(a);
		fs_app_msg(a, "Function updated (not saved yet: s saves)");
	}
	free(edited);
	unlink(path);
}

/* ---- save ------------------------------------------------------------------ */

/* Files changed on disk since they were read are read again and the
 * unsaved edits re-applied first (ui/watch.c): the message says so; a
 * conflict stops the save of its project until the user settles it. */
int fs_action_save_all(fs_app *a)
{
	int saved = 0, failed = 0, waiting = 0;
	fs_buf notes = FS_BUF_INIT;
	for (size_t i = 0; i < a->nprojects; i++) {
		fs_err e = { 0 };
		fs_buf note = FS_BUF_INIT;
		const char *name;
		int rc;
		if (!fs_project_dirty(a->projects[i]) && !fs_sync_conflict(a, NULL, NULL))
			continue;
		rc = fs_sync_save(a, (int)i, &note, &e);
		name = fs_project_root(a->projects[i])->name;   /* the project may be read again */
		if (rc < 0) {
			fs_app_error(a, "%s not saved: %s", name, e.msg);
			failed++;
		} else if (rc > 0) {
			fs_buf_printf(&notes, "%s%s not saved: %s", notes.len ? "; " : "",
				      name, note.len ? fs_buf_str(&note) : "conflicts to settle");
			waiting++;
		} else {
			if (note.len)
				fs_buf_printf(&notes, "%s%s", notes.len ? "; " : "", fs_buf_str(&note));
			fs_recover_discard(fs_project_dir(a->projects[i]));
			saved++;
		}
		fs_buf_free(&note);
	}
	if (saved)
		fs_gitui_refresh(a);
	if (waiting)
		fs_app_error(a, "%s (m keep mine, t take theirs, e edit both)", fs_buf_str(&notes));
	else if (!failed && notes.len)
		fs_app_msg(a, "Saved %d project%s (%s)", saved, saved == 1 ? "" : "s", fs_buf_str(&notes));
	else if (!failed)
		fs_app_msg(a, saved ? "Saved %d project%s" : "Nothing to save", saved, saved == 1 ? "" : "s");
	fs_buf_free(&notes);
	failed += waiting;
	a->recover_at = fs_app_unsaved(a) ? a->recover_at : 0;
	a->redraw = 1;
	return failed ? -1 : 0;
}

/* ---- targets ---------------------------------------------------------------- */

static fs_obj *find_in(fs_app *a, const char *project, const char *path, int *proj, int fallback)
{
	for (size_t i = 0; i < a->nprojects; i++) {
		fs_obj *root = fs_project_root(a->projects[i]);
		if (project && strcmp(root->name, project))
			continue;
		fs_obj *o = fs_project_find(a->projects[i], path);
		if (o) {
			*proj = i;
			return o;
		}
	}
	return fallback >= 0 && (size_t)fallback < a->nprojects ?
		(*proj = fallback, fs_project_find(a->projects[fallback], path)) : NULL;
}

fs_obj *fs_action_target(fs_app *a, fs_obj *o, int *proj, char **why)
{
	const char *tv;
	int self = -1;
	fs_obj *t = NULL;
	*why = NULL;
	for (size_t i = 0; i < a->nprojects; i++)
		if (a->projects[i] == o->project)
			self = i;
	if ((tv = fs_obj_prop(o, "targetFilter")) != NULL && strchr(tv, '.')) {
		/* Project.connector.ddoc.filter; _doc_ids and the like name no object */
		char *s = fs_xstrdup(tv), *parts[4] = { 0 }, *p = s;
		int n = 0;
		while (n < 4 && p) {
			parts[n++] = p;
			p = n < 4 ? strchr(p, '.') : NULL;
			if (p)
				*p++ = 0;
		}
		if (n == 4) {
			char *path = fs_xasprintf("%s/%s/filters/%s", parts[1], parts[2], parts[3]);
			t = find_in(a, parts[0], path, proj, -1);
			free(path);
		}
		if (!t)
			*why = fs_xasprintf("targetFilter '%s' names no filter here", tv);
		free(s);
		return t;
	}
	if ((tv = fs_obj_prop(o, "targetView")) != NULL || o->kind == FS_K_LISTENER) {
		char *s = fs_xstrdup(tv ? tv : ""), *parts[4] = { 0 }, *p = s;
		int n = 0;
		while (n < 3 && p && *p) {
			parts[n++] = p;
			p = strchr(p, '.');
			if (p)
				*p++ = 0;
		}
		if (p && *p && n == 3)
			parts[n++] = p;
		if (!tv || !*tv) {
			if (o->kind == FS_K_LISTENER && o->cls && !strstr(o->cls, "Filter"))
				*why = fs_xstrdup("No targetView set");
		} else if (n != 4) {
			*why = fs_xasprintf("targetView '%s' is not Project.connector.ddoc.view", tv);
		} else {
			char *path = fs_xasprintf("%s/%s/%s", parts[1], parts[2], parts[3]);
			t = find_in(a, parts[0], path, proj, -1);
			if (!t)
				*why = fs_xasprintf("targetView '%s' names no view here", tv);
			free(path);
		}
		free(s);
		return t;
	}
	if ((tv = fs_obj_prop(o, "viewname")) != NULL && *tv) {
		fs_obj *conn = fs_obj_up(o, FS_K_CONNECTOR);
		char *path = fs_xasprintf("%s/%s", conn ? conn->name : "", tv);
		t = find_in(a, NULL, path, proj, self);
		if (!t)
			*why = fs_xasprintf("viewname '%s' names no view of %s", tv, conn ? conn->name : "?");
		free(path);
	}
	return t;
}

static void goto_target(fs_app *a)
{
	int proj, tproj;
	char *why = NULL;
	fs_obj *o = fs_app_selected(a, &proj), *t;
	if (!o)
		return;
	t = fs_action_target(a, o, &tproj, &why);
	if (!t && fs_ws_defer_all(a, FS_REQ_GOTO_TARGET)) {
		free(why);   /* it may be in a project not read yet */
		return;
	}
	if (!t) {
		fs_app_error(a, "%s", why ? why : "This object targets no view");
		free(why);
		return;
	}
	a->back = fs_xrealloc(a->back, (a->nback + 1) * sizeof *a->back);
	a->back[a->nback] = (fs_ref){ 0 };
	fs_ref_set(&a->back[a->nback++], proj, o);
	fs_app_focus(a, &a->panes[FS_P_TREE]);
	select_obj(a, tproj, t);
	fs_app_msg(a, "T goes back");
}

static void go_back(fs_app *a)
{
	fs_ref *r;
	if (!a->nback) {
		fs_app_msg(a, "Nowhere to go back to");
		return;
	}
	r = &a->back[--a->nback];
	fs_app_focus(a, &a->panes[FS_P_TREE]);
	if (fs_app_select(a, r->proj, r->path))
		fs_app_error(a, "That object is gone");
	fs_ref_clear(r);
}

/* ---- git ------------------------------------------------------------------------ */

static void restore_head(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	if (o && check_editable(a, o, "restored") )
		fs_history_restore(a, proj, o, NULL);
	else if (o && o->kind == FS_K_PROJECT)
		fs_history_restore(a, proj, o, NULL);
}

/* ---- the context menu --------------------------------------------------------- */

static void menu_done(fs_app *a, fs_modal *m, int key)
{
	if (key == '\r' && m->sel < m->nitems)
		fs_action(a, m->items[m->sel].req);
}

void fs_action_menu_open(fs_app *a, const char *title, struct fs_menu_item *items, size_t n)
{
	if (n)
		fs_modal_menu(a, title, items, n, menu_done);
}

size_t fs_action_menu(fs_app *a, struct fs_menu_item *items, size_t max)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	size_t n = 0;
	char *why = NULL;
#define ITEM(r) do { if (n < max) items[n++] = (struct fs_menu_item){ FS_REQ_##r, fs_req_help(FS_REQ_##r) }; } while (0)
	if (!o)
		return 0;
	for (size_t i = 0; i < sizeof new_kinds / sizeof new_kinds[0]; i++)
		if (fs_obj_up(o, new_kinds[i].parent))
			if (n < max)
				items[n++] = (struct fs_menu_item){ new_kinds[i].req, fs_req_help(new_kinds[i].req) };
	if (fs_obj_editable(o) && o->kind != FS_K_PROJECT) {
		ITEM(RENAME);
		ITEM(DELETE);
		ITEM(COPY);
	}
	if (a->clip.path)
		ITEM(PASTE);
	if (o->cls && fs_obj_editable(o))
		ITEM(EDIT_PROP);
	if (o->kind == FS_K_FUNCTION || o->kind == FS_K_VIEW) {
		ITEM(EDIT);
		ITEM(EXTERNAL_EDIT);
	}
	if (fs_action_target(a, o, &proj, &why))
		ITEM(GOTO_TARGET);
	free(why);
	if (fs_app_unsaved(a))
		ITEM(SAVE);
	if (fs_gitui_repo(a, proj)) {
		ITEM(HISTORY);
		if (fs_gitui_mark(a, proj, o))
			ITEM(RESTORE);
		ITEM(STATUS);
		ITEM(COMMIT);
	}
	ITEM(DEPLOY);
	if (o->kind == FS_K_VIEW || (o->kind == FS_K_FUNCTION && o->parent && o->parent->kind == FS_K_VIEW))
		ITEM(RUN_VIEW);
	ITEM(BROWSE);
	ITEM(HELP);
#undef ITEM
	return n;
}

static void context_menu(fs_app *a)
{
	struct fs_menu_item items[32];
	size_t n = fs_action_menu(a, items, 32);
	fs_action_menu_open(a, "Actions", items, n);
}

static void edit_prop_from_tree(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	if (!o || !o->cls) {
		fs_app_error(a, "Select a bean to change its properties");
		return;
	}
	fs_app_focus(a, &a->panes[FS_P_DETAILS]);
	fs_app_msg(a, "Move to a property and press Enter");
}

fs_req fs_action(fs_app *a, fs_req r)
{
	/* a workspace's project not read yet is read first, then r runs */
	if (fs_ws_defer(a, r))
		return FS_REQ_NONE;
	switch (r) {
	case FS_REQ_NEW:
		new_menu(a);
		break;
	case FS_REQ_NEW_CONNECTOR:
	case FS_REQ_NEW_DDOC:
	case FS_REQ_NEW_VIEW:
	case FS_REQ_NEW_REDUCE:
	case FS_REQ_NEW_LISTENER:
		new_object(a, r);
		break;
	case FS_REQ_RENAME:
		rename_obj(a);
		break;
	case FS_REQ_DELETE:
		delete_obj(a);
		break;
	case FS_REQ_COPY:
		copy_obj(a);
		break;
	case FS_REQ_PASTE:
		paste_obj(a);
		break;
	case FS_REQ_TREE_UNDO:
		fs_undo(a);
		break;
	case FS_REQ_TREE_REDO:
		fs_redo(a);
		break;
	case FS_REQ_EDIT: {
		int proj;
		fs_obj *fn = function_of(a, &proj);
		if (!fn)
			fs_app_error(a, "Select a function (or a view) to edit");
		else
			fs_editor_edit(a, proj, fn);
		break;
	}
	case FS_REQ_EXTERNAL_EDIT:
		external_edit(a);
		break;
	case FS_REQ_EDIT_PROP:
		edit_prop_from_tree(a);
		break;
	case FS_REQ_SAVE:
		fs_action_save_all(a);
		break;
	case FS_REQ_GOTO_TARGET:
		goto_target(a);
		break;
	case FS_REQ_GO_BACK:
		go_back(a);
		break;
	case FS_REQ_MENU:
		context_menu(a);
		break;
	case FS_REQ_STATUS:
		fs_app_open(a, FS_P_STATUS);
		break;
	case FS_REQ_COMMIT:
		fs_app_open(a, FS_P_STATUS);
		fs_app_msg(a, "Space picks objects (none: all), then K commits");
		break;
	case FS_REQ_HISTORY:
		if (fs_app_selected(a, NULL))
			fs_app_open(a, FS_P_HISTORY);
		break;
	case FS_REQ_RESTORE:
		restore_head(a);
		break;
	case FS_REQ_DEPLOY:
		fs_deploy_start(a);
		break;
	case FS_REQ_SERVERS:
		if (fs_app_selected(a, NULL))
			fs_app_open(a, FS_P_SERVERS);
		break;
	case FS_REQ_LISTENER:
		fs_listener_pane_start(a);
		break;
	case FS_REQ_BROWSE:
		fs_browser_open(a);
		break;
	case FS_REQ_RUN_VIEW:
		fs_browser_run_view(a);
		break;
	default:
		return r;
	}
	return FS_REQ_NONE;
}
