/* The details pane: what the tree's selection is. A property sheet for
 * beans (edited in place), the JavaScript of functions and views, the
 * target of listeners and GetView transactions. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "details.h"
#include "colors.h"
#include "config.h"
#include "draw.h"
#include "js/highlight.h"
#include "js/js.h"
#include "tree.h"
#include "undo.h"
#include "watch.h"
#include "workspace.h"

enum dl_type { DL_HEAD, DL_INFO, DL_PROP, DL_TEXT, DL_TARGET, DL_BLANK };

/* Flags of a line: READONLY, and ERROR (DL_TEXT: a syntax error on this
 * line; DL_INFO: an error). */
enum { READONLY = 1, ERROR = 2 };

/* Lines: type an enum dl_type, key and text (the value); DL_TEXT: ref the
 * line number, data the function it belongs to, spans its highlight. */
struct details {
	fs_lines lines;
	fs_obj *obj;
	int proj;
	int keyw;        /* width of the key column */
	fs_hl_query *query;
	int query_failed;
};

static struct details *D(fs_pane *p)
{
	return p->priv;
}

static fs_line *add(struct details *d, enum dl_type type, const char *key, const char *value)
{
	return fs_lines_add(&d->lines, type, 0, key, value);
}

/* Properties that are not plain text values to type in a line. */
static int prop_readonly(const fs_prop *pr)
{
	return pr->complex || !strcmp(pr->key, "docdata");
}

static fs_hl_query *query(struct details *d)
{
	if (!d->query && !d->query_failed && fs_hl_query_load(&d->query, "javascript", NULL))
		d->query_failed = 1;
	return d->query;
}

/* The text of a function, one line per row, highlighted, then its syntax
 * errors and the checks of its kind. */
static void add_code(struct details *d, fs_obj *fn, const char *title)
{
	const char *text = fs_fn_text(fn), *p;
	fs_spans spans = { 0 };
	fs_js_diags diags = { 0 };
	TSTree *tree = NULL;
	size_t len, at = 0;
	int num = 1;
	add(d, DL_HEAD, title, NULL);
	if (!text || !*text) {
		add(d, DL_INFO, NULL, "(empty)");
		return;
	}
	len = strlen(text);
	if (!fs_js_builtin_reduce(text)) {
		tree = fs_js_parse(text, len);
		if (tree && query(d))
			fs_hl_spans_str(d->query, tree, text, 0, len, &spans);
		fs_js_check(fn->fn, text, &diags);
	}
	for (p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = fs_xstrndup(p, n);
		fs_line *l = add(d, DL_TEXT, NULL, line);
		l->ref = num++;
		l->data = fn;
		fs_spans_of_line(&l->spans, &l->nspans, &spans, &at, p - text, p - text + n);
		for (size_t i = 0; i < diags.n; i++)
			if (!diags.v[i].warning && diags.v[i].line == (uint32_t)l->ref)
				l->flags |= ERROR;
		free(line);
		p += n;
		if (*p)
			p++;
	}
	for (size_t i = 0; i < diags.n; i++) {
		char *pos = fs_xasprintf("%u:%u", diags.v[i].line, diags.v[i].col);
		add(d, DL_INFO, pos, diags.v[i].message)->flags = diags.v[i].warning ? READONLY : ERROR;
		free(pos);
	}
	fs_js_diags_free(&diags);
	fs_spans_free(&spans);
	if (tree)
		ts_tree_delete(tree);
}

static void add_props(struct details *d, fs_obj *o)
{
	const fs_prop *props;
	size_t n = fs_obj_props(o, &props);
	if (!n)
		return;
	add(d, DL_HEAD, "Properties", NULL);
	for (size_t i = 0; i < n; i++) {
		const char *v = props[i].value ? props[i].value : "";
		if (!strcmp(props[i].key, "docdata"))
			v = "(the design document: edit its views and functions)";
		fs_line *l = add(d, DL_PROP, props[i].key, v);
		if (prop_readonly(&props[i]) || !fs_obj_editable(o))
			l->flags = READONLY;
	}
}

static void add_target(fs_app *a, struct details *d, fs_obj *o)
{
	int proj;
	char *why = NULL;
	fs_obj *t = fs_action_target(a, o, &proj, &why);
	if (!t && !why)
		return;
	add(d, DL_HEAD, "Target", NULL);
	if (t) {
		char *path = fs_obj_path(t);
		fs_buf v = FS_BUF_INIT;
		fs_buf_printf(&v, "%s/%s", fs_project_root(a->projects[proj])->name, path);
		add(d, DL_TARGET, fs_kind_name(t->kind), fs_buf_str(&v));
		fs_buf_free(&v);
		free(path);
	} else {
		add(d, DL_INFO, NULL, why);
	}
	free(why);
}

static void build(fs_app *a, fs_pane *p)
{
	struct details *d = D(p);
	fs_obj *o = fs_app_selected(a, &d->proj);
	fs_buf b = FS_BUF_INIT;
	fs_lines_clear(&d->lines);
	d->obj = o;
	if (!o) {
		p->lines = 0;
		return;
	}
	fs_tree_label(o, &b);
	add(d, DL_INFO, fs_kind_name(o->kind), fs_buf_str(&b));
	fs_buf_free(&b);
	if (o->cls)
		add(d, DL_INFO, "class", o->cls);
	if (fs_obj_file(o))
		add(d, DL_INFO, "file", fs_obj_file(o));
	if (o->kind == FS_K_CONNECTOR && fs_connector_db(o))
		add(d, DL_INFO, "database", fs_connector_db(o));
	if (fs_tree_greyed(o))
		add(d, DL_INFO, NULL, "The studio shows this bean but does not edit it.");
	if (o->kind == FS_K_PROJECT && !fs_ws_loaded(a, d->proj))
		add(d, DL_INFO, NULL, "Not read yet: Enter reads it, and so does an action on it.");
	add_target(a, d, o);
	if (o->kind == FS_K_FUNCTION) {
		add(d, DL_BLANK, NULL, NULL);
		add_code(d, o, "JavaScript");
	} else if (o->kind == FS_K_VIEW) {
		for (size_t i = 0; i < o->nkids; i++) {
			add(d, DL_BLANK, NULL, NULL);
			add_code(d, o->kids[i], o->kids[i]->name);
		}
	} else if (o->cls) {
		add(d, DL_BLANK, NULL, NULL);
		add_props(d, o);
	}
	d->keyw = 8;
	for (size_t i = 0; i < d->lines.n; i++)
		if (d->lines.v[i].key && d->lines.v[i].type != DL_HEAD) {
			int kw = fs_text_width(d->lines.v[i].key);
			if (kw > d->keyw)
				d->keyw = kw;
		}
	if (d->keyw > 24)
		d->keyw = 24;
	p->lines = d->lines.n;
	if (p->lineno >= p->lines)
		fs_pane_goto(p, p->lines ? p->lines - 1 : 0);
}

static void details_open(fs_app *a, fs_pane *p)
{
	p->priv = fs_xcalloc(1, sizeof(struct details));
	p->store = &D(p)->lines;
	build(a, p);
}

static void details_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct details *d = D(p);
	char *path;
	if (!d->obj) {
		fs_buf_adds(out, "Details");
		return;
	}
	path = fs_obj_path(d->obj);
	fs_buf_printf(out, "%s%s%s", fs_project_root(a->projects[d->proj])->name,
		      path && *path ? "/" : "", path ? path : "");
	free(path);
}

static void draw_text_line(const fs_line *l, int y, int x, int w, int base)
{
	int col = 0, plain = base ? base : fs_color_attr(FS_C_DEFAULT);
	if (fs_opt_int(FS_OPT_LINE_NUMBERS)) {
		char num[16];
		snprintf(num, sizeof num, "%4ld%c", l->ref, l->flags & ERROR ? '!' : ' ');
		col = fs_draw_text(y, x, w, num, base ? base :
				   fs_color_attr(l->flags & ERROR ? FS_C_ERROR : FS_C_LINE_NUMBER));
	}
	int numw = col;
	col += fs_draw_spans(y, x + col, w - col, l->text, l->spans, l->nspans, plain, base);
	if (fs_text_width(l->text) > w - numw && w > numw)
		fs_draw_text(y, x + w - 1, 1, MB_CUR_MAX > 1 ? "\u2026" : "~", plain);
}

static void details_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct details *d = D(p);
	fs_line *l = &d->lines.v[lineno];
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	int kw = d->keyw + 2 < w / 2 ? d->keyw + 2 : w / 2;

	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	switch (l->type) {
	case DL_HEAD:
		fs_draw_text(y, x, w, l->key, base ? base : fs_color_attr(FS_C_HEADER));
		break;
	case DL_TEXT:
		draw_text_line(l, y, x, w, base);
		break;
	case DL_BLANK:
		break;
	default:
		if (l->key)
			fs_draw_text(y, x, kw - 1, l->key, base ? base : fs_color_attr(FS_C_PROP_KEY));
		else
			kw = 0;
		fs_draw_text(y, x + kw, w - kw, l->text ? l->text : "",
			     base ? base : fs_color_attr(l->flags & ERROR ? FS_C_ERROR :
							  l->flags & READONLY ? FS_C_PROP_READONLY :
							  l->type == DL_INFO ? FS_C_MESSAGE : FS_C_PROP_VALUE));
	}
}

static void prop_done(fs_app *a, fs_modal *m, int key)
{
	fs_obj *o = fs_ref_get(a, &m->ref);
	fs_err e = { 0 };
	if (key == KEY_ESC || !o)
		return;
	fs_op op = { .kind = FS_OP_PROP, .path = fs_obj_path(o), .key = m->arg, .value = (char *)fs_buf_str(&m->text) };
	char *what = fs_xasprintf("set %s of %s %s", m->arg, fs_kind_name(o->kind), o->name);
	int rc = fs_undo_run(a, m->ref.proj, what, &op, NULL, &e);
	free(what);
	free(op.path);
	if (rc) {
		fs_app_error(a, "%s not changed: %s", m->arg, e.msg);
		m->keep = 1;
		return;
	}
	fs_app_changed(a);
	fs_app_msg(a, "%s set", m->arg);
}

static void edit_prop(fs_app *a, fs_pane *p)
{
	struct details *d = D(p);
	fs_line *l = &d->lines.v[p->lineno];
	fs_modal *m;
	int kw, row;
	if (l->type != DL_PROP) {
		fs_app_msg(a, "Select a property to change it");
		return;
	}
	if (l->flags & READONLY) {
		fs_app_error(a, "%s is not a plain value: edit it in the project file", l->key);
		return;
	}
	m = fs_modal_prompt(a, "", fs_obj_prop(d->obj, l->key), prop_done);
	fs_ref_set(&m->ref, d->proj, d->obj);
	m->arg = fs_xstrdup(l->key);
	/* in place: over the value column of the row */
	kw = d->keyw + 2 < p->w / 2 ? d->keyw + 2 : p->w / 2;
	row = p->y + 1 + (int)(p->lineno - p->offset);
	m->y = row;
	m->x = p->x + kw;
	m->w = p->w - kw;
}

static fs_req details_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct details *d = D(p);
	fs_line *l = p->lineno < d->lines.n ? &d->lines.v[p->lineno] : NULL;
	if (!l)
		return r;
	switch (r) {
	case FS_REQ_ENTER:
		if (l->type == DL_TARGET)
			return FS_REQ_GOTO_TARGET;
		if (l->type == DL_TEXT)
			return FS_REQ_EDIT;
		/* fall through */
	case FS_REQ_EDIT_PROP:
		edit_prop(a, p);
		return FS_REQ_NONE;
	case FS_REQ_COLLAPSE:
		fs_app_focus(a, &a->panes[FS_P_TREE]);
		return FS_REQ_NONE;
	default:
		return r;
	}
}

/* The tree moved: show the new selection from the top. */
static void details_select(fs_app *a, fs_pane *p)
{
	struct details *d = D(p);
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	if (o != d->obj || proj != d->proj) {
		p->lineno = p->offset = 0;
		build(a, p);
	}
}

static void details_refresh(fs_app *a, fs_pane *p)
{
	build(a, p);
}

/* The function the cursor is on, for edit requests from this pane. */
fs_obj *fs_details_function(fs_app *a)
{
	fs_pane *p = &a->panes[FS_P_DETAILS];
	struct details *d = D(p);
	if (!d || a->focus != p || p->lineno >= d->lines.n)
		return NULL;
	/* data is the function of DL_TEXT lines only */
	return d->lines.v[p->lineno].type == DL_TEXT ? (fs_obj *)d->lines.v[p->lineno].data : NULL;
}

static void details_close(fs_app *a, fs_pane *p)
{
	struct details *d = D(p);
	if (!d)
		return;
	fs_lines_free(&d->lines);
	fs_hl_query_free(d->query);
	free(d);
	p->priv = NULL;
	p->store = NULL;
}

const struct fs_pane_ops fs_details_ops = {
	.name = "details",
	.keymap = FS_KM_DETAILS,
	.open = details_open,
	.title = details_title,
	.draw = details_draw,
	.request = details_request,
	.select = details_select,
	.reload = details_refresh,
	.close = details_close,
};
