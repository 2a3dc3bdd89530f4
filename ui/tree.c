/* The tree pane: projects > connectors > design documents > views >
 * functions, listeners, transactions; other beans greyed.
 *
 * The rows are a flat list rebuilt from the model after every change; the
 * expanded nodes are remembered by path so that they survive edits. */
#define _GNU_SOURCE
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "base/array.h"
#include "colors.h"
#include "config.h"
#include "draw.h"
#include "gitui.h"
#include "tree.h"
#include "workspace.h"

/* Folders group the children of a connector and of the project by kind, as
 * users think of them; they are rows of the tree only (the file format and
 * the object paths know nothing of them). */
#define FOLDER_LIST(_) \
	_(DDOCS,        "Design documents", 1) \
	_(LISTENERS,    "Listeners",        0) \
	_(TRANSACTIONS, "Transactions",     0) \
	_(CONNECTORS,   "Connectors",       1) \
	_(SEQUENCES,    "Sequences",        0) \
	_(OTHER,        "Other",            0)

enum folder {
	F_NONE,
#define FOLDER_ENUM(id, label, open) F_##id,
	FOLDER_LIST(FOLDER_ENUM)
#undef FOLDER_ENUM
	F_COUNT
};

static const struct { const char *label; int open; } folders[F_COUNT] = {
	[F_NONE] = { "", 0 },
#define FOLDER_INFO(id, label, open) [F_##id] = { label, open },
	FOLDER_LIST(FOLDER_INFO)
#undef FOLDER_INFO
};

struct row {
	fs_obj *obj;    /* a folder row: the object whose children it groups */
	int proj;
	int depth;
	int kids;       /* has visible children */
	int open;
	int match;      /* the filter matches this row's name */
	int folder;     /* enum folder; F_NONE for an object's row */
	size_t count;   /* a folder row: its objects */
};

struct tree {
	struct row *rows;
	size_t n, cap;
	char **open;    /* "proj\tpath" of expanded nodes */
	size_t nopen;
	char *filter;   /* NULL: no filter */
};

static struct tree *T(fs_app *a)
{
	return a->panes[FS_P_TREE].priv;
}

int fs_tree_shown(const fs_obj *o)
{
	return fs_obj_editable(o) || fs_opt_int(FS_OPT_SHOW_OTHERS);
}

int fs_tree_greyed(const fs_obj *o)
{
	return !fs_obj_editable(o) || o->kind == FS_K_BEAN || o->kind == FS_K_SEQUENCE;
}

void fs_tree_label(const fs_obj *o, fs_buf *out)
{
	if (o->kind == FS_K_FUNCTION && (o->fn == FS_FN_FILTER || o->fn == FS_FN_UPDATE)) {
		fs_buf_printf(out, "%s/%s", fs_fn_name(o->fn), o->name);
		return;
	}
	fs_buf_adds(out, o->name ? o->name : "?");
	if (o->kind == FS_K_FUNCTION && o->fn == FS_FN_REDUCE) {
		const char *t = fs_fn_text(o);
		if (t && t[0] == '_')
			fs_buf_printf(out, " %s", t);
	}
}

static char *open_key(int proj, const fs_obj *o)
{
	char *path = fs_obj_path(o);
	char *k = fs_xasprintf("%d\t%s", proj, path ? path : "");
	free(path);
	return k;
}

static ssize_t find_open(struct tree *t, const char *key)
{
	for (size_t i = 0; i < t->nopen; i++)
		if (!strcmp(t->open[i], key))
			return i;
	return -1;
}

static int is_open(struct tree *t, int proj, const fs_obj *o)
{
	char *k = open_key(proj, o);
	int r = find_open(t, k) >= 0;
	free(k);
	return r;
}

static void set_open(struct tree *t, int proj, const fs_obj *o, int open)
{
	char *k = open_key(proj, o);
	ssize_t i = find_open(t, k);
	if (open && i < 0) {
		FS_ARRAY_ADD(t->open, t->nopen) = k;
		return;
	}
	if (!open && i >= 0) {
		free(t->open[i]);
		t->open[i] = t->open[--t->nopen];
	}
	free(k);
}

/* The folder a child goes in under its parent (F_NONE: no folders there). */
static int folder_of(const fs_obj *parent, const fs_obj *kid)
{
	if (parent->kind == FS_K_CONNECTOR)
		return kid->kind == FS_K_DDOC ? F_DDOCS : kid->kind == FS_K_LISTENER ? F_LISTENERS
			: kid->kind == FS_K_TRANSACTION ? F_TRANSACTIONS : F_OTHER;
	if (parent->kind == FS_K_PROJECT)
		return kid->kind == FS_K_CONNECTOR ? F_CONNECTORS
			: kid->kind == FS_K_SEQUENCE ? F_SEQUENCES : F_OTHER;
	return F_NONE;
}

/* A folder's open state is its default unless toggled: the toggles are kept
 * by key as the open nodes are, so that they survive rebuilds. */
static char *folder_key(int proj, const fs_obj *o, int f)
{
	char *path = fs_obj_path(o);
	char *k = fs_xasprintf("%d\t%s\t#%d", proj, path ? path : "", f);
	free(path);
	return k;
}

static ssize_t find_open(struct tree *t, const char *key);

static int folder_open(struct tree *t, int proj, const fs_obj *o, int f)
{
	char *k = folder_key(proj, o, f);
	int flipped = find_open(t, k) >= 0;
	free(k);
	return folders[f].open ^ flipped;
}

static void set_folder_open(struct tree *t, int proj, const fs_obj *o, int f, int open)
{
	char *k = folder_key(proj, o, f);
	ssize_t i = find_open(t, k);
	int flip = open != folders[f].open;
	if (flip && i < 0) {
		FS_ARRAY_ADD(t->open, t->nopen) = k;   /* the open keys' array grows as set_open's */
		return;
	}
	if (!flip && i >= 0) {
		free(t->open[i]);
		t->open[i] = t->open[--t->nopen];
	}
	free(k);
}

static int visible_kids(const fs_obj *o)
{
	for (size_t i = 0; i < o->nkids; i++)
		if (fs_tree_shown(o->kids[i]))
			return 1;
	return 0;
}

static int name_matches(const fs_obj *o, const char *filter)
{
	fs_buf label = FS_BUF_INIT;
	int r;
	fs_tree_label(o, &label);
	r = strcasestr(fs_buf_str(&label), filter) != NULL;
	fs_buf_free(&label);
	return r;
}

static void add_row(struct tree *t, struct row r)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->rows = fs_xrealloc(t->rows, t->cap * sizeof *t->rows);
	}
	t->rows[t->n++] = r;
}

static void visit(struct tree *t, int proj, fs_obj *o, int depth);

/* The folder f of o: its row (with the count) and, when open, its objects.
 * With a filter it stays only when one of them does. */
static void visit_folder(struct tree *t, int proj, fs_obj *o, int f, int depth)
{
	size_t self = t->n, count = 0;
	for (size_t i = 0; i < o->nkids; i++)
		count += fs_tree_shown(o->kids[i]) && folder_of(o, o->kids[i]) == f;
	if (!count)
		return;
	struct row r = { .obj = o, .proj = proj, .depth = depth, .kids = 1, .folder = f, .count = count };
	r.open = t->filter || folder_open(t, proj, o, f);
	add_row(t, r);
	if (!r.open)
		return;
	for (size_t i = 0; i < o->nkids; i++)
		if (fs_tree_shown(o->kids[i]) && folder_of(o, o->kids[i]) == f)
			visit(t, proj, o->kids[i], depth + 1);
	if (t->filter && t->n == self + 1)
		t->n = self;
}

/* Adds o and, when open (or when filtering), its children, in folders under
 * a connector and the project. With a filter a row stays only when it
 * matches or one of its descendants does. */
static void visit(struct tree *t, int proj, fs_obj *o, int depth)
{
	size_t self = t->n;
	struct row r = { o, proj, depth, visible_kids(o), 0, 0, F_NONE, 0 };
	if (t->filter) {
		r.match = name_matches(o, t->filter);
		r.open = 1;
	} else {
		r.open = r.kids && is_open(t, proj, o);
	}
	add_row(t, r);
	if (!r.open)
		return;
	if (o->nkids && folder_of(o, o->kids[0]) != F_NONE) {
		for (int f = F_NONE + 1; f < F_COUNT; f++)
			visit_folder(t, proj, o, f, depth + 1);
	} else {
		for (size_t i = 0; i < o->nkids; i++)
			if (fs_tree_shown(o->kids[i]))
				visit(t, proj, o->kids[i], depth + 1);
	}
	if (t->filter && !r.match && t->n == self + 1)
		t->n = self;
}

fs_obj *fs_tree_current(fs_app *a, int *proj)
{
	struct tree *t = T(a);
	fs_pane *p = &a->panes[FS_P_TREE];
	/* a folder row selects nothing: no action may take it for its parent */
	if (!t || p->lineno >= t->n || t->rows[p->lineno].folder)
		return NULL;
	if (proj)
		*proj = t->rows[p->lineno].proj;
	return t->rows[p->lineno].obj;
}

static ssize_t row_of(struct tree *t, int proj, const fs_obj *o)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].obj == o && t->rows[i].proj == proj && !t->rows[i].folder)
			return i;
	return -1;
}

void fs_tree_rebuild(fs_app *a)
{
	struct tree *t = T(a);
	fs_pane *p = &a->panes[FS_P_TREE];
	fs_ref cur = { 0 };
	int proj;
	fs_obj *o = fs_tree_current(a, &proj);
	if (o)
		fs_ref_set(&cur, proj, o);
	t->n = 0;
	for (size_t i = 0; i < a->nprojects; i++) {
		fs_obj *root = fs_project_root(a->projects[i]);
		if (fs_ws_loaded(a, i))
			visit(t, i, root, 0);
		else   /* a closed row until read, kept by a filter: it may match */
			add_row(t, (struct row){ .obj = root, .proj = i, .kids = 1,
						 .match = t->filter && name_matches(root, t->filter) });
	}
	p->lines = t->n;
	o = cur.path ? fs_ref_get(a, &cur) : NULL;
	ssize_t row = o ? row_of(t, cur.proj, o) : -1;
	fs_pane_goto(p, row >= 0 ? (size_t)row : p->lineno < t->n ? p->lineno : t->n ? t->n - 1 : 0);
	fs_ref_clear(&cur);
	a->redraw = 1;
	fs_app_selection_moved(a);
}

int fs_tree_select(fs_app *a, int proj, const fs_obj *o)
{
	struct tree *t = T(a);
	ssize_t row;
	for (const fs_obj *n = o; n->parent; n = n->parent) {
		set_open(t, proj, n->parent, 1);
		if (folder_of(n->parent, n) != F_NONE)
			set_folder_open(t, proj, n->parent, folder_of(n->parent, n), 1);
	}
	fs_tree_rebuild(a);
	row = row_of(t, proj, o);
	if (row < 0 && t->filter) {
		/* the filter hides it: drop the filter rather than fail */
		free(t->filter);
		t->filter = NULL;
		fs_tree_rebuild(a);
		row = row_of(t, proj, o);
	}
	if (row < 0)
		return -1;
	fs_pane *p = &a->panes[FS_P_TREE];
	size_t rows = fs_pane_rows(p) > 0 ? fs_pane_rows(p) : 1;
	/* a jump out of sight lands in the middle of the pane, with context */
	if ((size_t)row < p->offset || (size_t)row >= p->offset + rows)
		p->offset = (size_t)row > rows / 2 ? row - rows / 2 : 0;
	fs_pane_goto(p, row);
	fs_app_selection_moved(a);
	return 0;
}

void fs_tree_renamed(fs_app *a, int proj, const char *was, const fs_obj *o)
{
	struct tree *t = T(a);
	char *old = fs_xasprintf("%d\t%s", proj, was), *now = fs_obj_path(o);
	size_t n = strlen(old);
	for (size_t i = 0; t && i < t->nopen; i++) {
		char *k = t->open[i];
		/* the node itself ("P\tpath", "P\tpath\t#folder") and below it */
		if (strncmp(k, old, n) || (k[n] && k[n] != '/' && k[n] != '\t'))
			continue;
		t->open[i] = fs_xasprintf("%d\t%s%s", proj, now, k + n);
		free(k);
	}
	free(old);
	free(now);
}

void fs_tree_forget(fs_app *a)
{
	T(a)->n = 0;
	a->panes[FS_P_TREE].lines = 0;
}

const char *fs_tree_filter(fs_app *a)
{
	return T(a) ? T(a)->filter : NULL;
}

static void tree_open(fs_app *a, fs_pane *p)
{
	struct tree *t = fs_xcalloc(1, sizeof *t);
	p->priv = t;
	/* projects start open (those read: a workspace's others start
	 * closed), and so do their connectors when alone */
	for (size_t i = 0; i < a->nprojects; i++) {
		fs_obj *root = fs_project_root(a->projects[i]);
		if (!fs_ws_loaded(a, i))
			continue;
		set_open(t, i, root, 1);
		if (a->nprojects == 1)
			for (size_t k = 0; k < root->nkids; k++)
				if (root->kids[k]->kind == FS_K_CONNECTOR)
					set_open(t, i, root->kids[k], 1);
	}
	fs_tree_rebuild(a);
}

static void tree_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct tree *t = T(a);
	fs_buf_adds(out, a->nprojects == 1 ? "Project" : "Workspace");
	if (t->filter)
		fs_buf_printf(out, " /%s", t->filter);
}

static int kind_color(const fs_obj *o)
{
	static const int by_kind[FS_K_COUNT] = {
		[FS_K_PROJECT] = FS_C_PROJECT, [FS_K_CONNECTOR] = FS_C_CONNECTOR,
		[FS_K_DDOC] = FS_C_DDOC, [FS_K_VIEW] = FS_C_VIEW,
		[FS_K_FUNCTION] = FS_C_FUNCTION, [FS_K_LISTENER] = FS_C_LISTENER,
		[FS_K_TRANSACTION] = FS_C_TRANSACTION, [FS_K_SEQUENCE] = FS_C_OTHER,
		[FS_K_BEAN] = FS_C_OTHER,
	};
	return fs_tree_greyed(o) ? FS_C_OTHER : by_kind[o->kind];
}

/* "visits  4 views": what a design document holds, seen without opening it. */
static void add_view_count(const fs_obj *ddoc, fs_buf *label)
{
	size_t n = 0;
	for (size_t i = 0; i < ddoc->nkids; i++)
		n += ddoc->kids[i]->kind == FS_K_VIEW;
	fs_buf_printf(label, "  %zu view%s", n, n == 1 ? "" : "s");
}

static void tree_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct tree *t = T(a);
	struct row *r = &t->rows[lineno];
	int utf8 = strcmp(fs_opt_text(FS_OPT_LINE_GRAPHICS), "ascii") && MB_CUR_MAX > 1;
	const char *mark = !r->kids ? "  " : r->open ? (utf8 ? "\u25be " : "- ") : (utf8 ? "\u25b8 " : "+ ");
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	int col = 0;
	fs_buf label = FS_BUF_INIT;

	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	col = r->depth * 2 < w ? r->depth * 2 : w;
	col += fs_draw_text(y, x + col, w - col, mark, base ? base : fs_color_attr(FS_C_MARKER));
	if (r->folder) {
		fs_buf_printf(&label, "%s (%zu)", folders[r->folder].label, r->count);
		fs_draw_text(y, x + col, w - col, fs_buf_str(&label), base ? base : fs_color_attr(FS_C_HEADER));
		fs_buf_free(&label);
		return;
	}
	fs_tree_label(r->obj, &label);
	if (r->obj->kind == FS_K_DDOC)
		add_view_count(r->obj, &label);
	if (r->obj->kind == FS_K_PROJECT && fs_project_dirty(r->obj->project))
		fs_buf_adds(&label, " [+]");
	int failed = 0;
	if (r->obj->kind == FS_K_PROJECT)
		fs_ws_label(a, r->proj, &label, &failed);
	if (r->obj->kind == FS_K_DDOC)
		fs_servers_label(a, r->proj, r->obj, &label);
	if (fs_tree_greyed(r->obj) && r->obj->cls) {
		const char *dot = strrchr(r->obj->cls, '.');
		fs_buf_printf(&label, " (%s)", dot ? dot + 1 : r->obj->cls);
	}
	int attr = base ? base : fs_color_attr(kind_color(r->obj));
	int gmark = fs_gitui_mark(a, r->proj, r->obj), mw = gmark && w - col > 4 ? 2 : 0;
	if (r->match && !cursor)
		attr |= fs_color_attr(FS_C_MATCH);
	if (failed && !cursor)
		attr = fs_color_attr(FS_C_ERROR);
	fs_draw_text(y, x + col, w - col - mw, fs_buf_str(&label), attr);
	if (mw) {
		/* the git mark sits at the right edge: names keep their place */
		char m[2] = { (char)gmark, 0 };
		fs_draw_text(y, x + w - 1, 1, m, base ? base : fs_color_attr(
			gmark == 'A' || gmark == '?' ? FS_C_GIT_ADDED : gmark == '*' ? FS_C_MARKER : FS_C_GIT_CHANGED));
	}
	fs_buf_free(&label);
}

static void go_row(fs_app *a, fs_pane *p, size_t row)
{
	fs_pane_goto(p, row);
	fs_app_selection_moved(a);
}

static void toggle(fs_app *a, fs_pane *p, struct row *r, int open)
{
	if (!r->folder && !fs_ws_loaded(a, r->proj)) {
		/* read in the background; it shows open when it comes */
		set_open(T(a), r->proj, r->obj, 1);
		fs_ws_load(a, r->proj);
		return;
	}
	if (r->folder)
		set_folder_open(T(a), r->proj, r->obj, r->folder, open);
	else
		set_open(T(a), r->proj, r->obj, open);
	fs_tree_rebuild(a);
}

static void go_parent(fs_app *a, fs_pane *p)
{
	struct tree *t = T(a);
	struct row *r = &t->rows[p->lineno];
	for (size_t i = p->lineno; i-- > 0;)
		if (t->rows[i].depth < r->depth) {
			go_row(a, p, i);
			return;
		}
}

static void find_match(fs_app *a, fs_pane *p, int dir)
{
	struct tree *t = T(a);
	if (!t->filter) {
		fs_app_msg(a, "No filter: press / to filter by name");
		return;
	}
	for (size_t k = 1; k <= t->n; k++) {
		size_t i = (p->lineno + t->n + dir * (ssize_t)k) % t->n;
		if (t->rows[i].match) {
			if ((dir > 0 && i <= p->lineno) || (dir < 0 && i >= p->lineno))
				fs_app_msg(a, "Search wrapped");
			go_row(a, p, i);
			return;
		}
	}
	fs_app_msg(a, "No match for '%s'", t->filter);
}

static void set_filter(fs_app *a, const char *text)
{
	struct tree *t = T(a);
	int proj = 0;
	fs_obj *cur = fs_tree_current(a, &proj);
	free(t->filter);
	t->filter = text && *text ? fs_xstrdup(text) : NULL;
	/* the projects not read yet are read to be searched too */
	if (t->filter && fs_ws_load_all(a))
		fs_app_msg(a, "Reading the workspace's other projects to search them too");
	fs_tree_rebuild(a);
	/* without the filter, the selection stays where the filter led */
	if (!t->filter && cur)
		fs_tree_select(a, proj, cur);
}

static void filter_changed(fs_app *a, fs_modal *m, int key)
{
	struct tree *t = T(a);
	fs_pane *p = &a->panes[FS_P_TREE];
	set_filter(a, fs_buf_str(&m->text));
	if (!t->filter)
		return;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].match) {
			go_row(a, p, i);
			return;
		}
	fs_app_msg(a, "No match for '%s'", t->filter);
}

void fs_tree_loaded(fs_app *a)
{
	struct tree *t = T(a);
	fs_pane *p = &a->panes[FS_P_TREE];
	if (!t || !t->filter || (p->lineno < t->n && t->rows[p->lineno].match))
		return;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].match) {
			go_row(a, p, i);
			return;
		}
}

static void filter_done(fs_app *a, fs_modal *m, int key)
{
	if (key == 27)
		set_filter(a, NULL);
	fs_app_selection_moved(a);
}

static fs_req tree_request(fs_app *a, fs_pane *p, fs_req req)
{
	struct tree *t = T(a);
	struct row *r = p->lineno < t->n ? &t->rows[p->lineno] : NULL;

	switch (req) {
	case FS_REQ_FILTER: {
		fs_modal *m = fs_modal_prompt(a, "/", t->filter ? t->filter : "", filter_done);
		m->on_change = filter_changed;
		return FS_REQ_NONE;
	}
	case FS_REQ_FIND_NEXT:
	case FS_REQ_FIND_PREV:
		if (t->n)
			find_match(a, p, req == FS_REQ_FIND_NEXT ? 1 : -1);
		return FS_REQ_NONE;
	case FS_REQ_CLOSE:
		if (!t->filter)
			return req;
		set_filter(a, NULL);
		fs_app_msg(a, "Filter cleared");
		return FS_REQ_NONE;
	default:
		break;
	}
	if (!r)
		return req;
	switch (req) {
	case FS_REQ_ENTER:
		/* a function is opened to be edited, as `e` does */
		if (!r->folder && r->obj->kind == FS_K_FUNCTION)
			return FS_REQ_EDIT;
		if (r->kids && !t->filter)
			toggle(a, p, r, !r->open);
		else if (a->right)
			fs_app_focus(a, a->right);
		return FS_REQ_NONE;
	case FS_REQ_EXPAND:
		if (r->kids && !r->open)
			toggle(a, p, r, 1);
		else if (r->kids && p->lineno + 1 < t->n)
			go_row(a, p, p->lineno + 1);
		return FS_REQ_NONE;
	case FS_REQ_COLLAPSE:
		if (r->kids && r->open && !t->filter)
			toggle(a, p, r, 0);
		else
			go_parent(a, p);
		return FS_REQ_NONE;
	case FS_REQ_PARENT:
		go_parent(a, p);
		return FS_REQ_NONE;
	default:
		return req;
	}
}

static void tree_select(fs_app *a, fs_pane *p)
{
	fs_app_selection_moved(a);
}

static void tree_refresh(fs_app *a, fs_pane *p)
{
	fs_tree_rebuild(a);
}

static void tree_close(fs_app *a, fs_pane *p)
{
	struct tree *t = p->priv;
	if (!t)
		return;
	for (size_t i = 0; i < t->nopen; i++)
		free(t->open[i]);
	free(t->open);
	free(t->rows);
	free(t->filter);
	free(t);
	p->priv = NULL;
}

const struct fs_pane_ops fs_tree_ops = {
	.name = "tree",
	.keymap = FS_KM_TREE,
	.open = tree_open,
	.title = tree_title,
	.draw = tree_draw,
	.request = tree_request,
	.select = tree_select,
	.reload = tree_refresh,
	.close = tree_close,
};
