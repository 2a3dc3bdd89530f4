/* The git status pane: what changed in each project since the last commit,
 * in objects; Enter shows an object's diff, Space picks objects for the
 * commit, K (or c) asks for the message and commits. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "base/array.h"
#include "colors.h"
#include "draw.h"
#include "gitui.h"
#include "workspace.h"

enum sl_type { SL_HEAD, SL_NOTE, SL_CHANGE, SL_DIFF, SL_BLANK };

/* A shown diff, by project and object path. */
struct shown {
	int proj;
	char *path;
	fs_changes diff;
};

struct status {
	/* ref: the project; key: SL_CHANGE's object path (NULL: a file);
	 * flags: picked */
	fs_lines lines;
	struct shown *shown;
	size_t nshown;
	char **picked;       /* "proj\tpath" */
	size_t npicked;
};

static struct status *S(fs_pane *p)
{
	return p->priv;
}

static void add(struct status *s, enum sl_type type, int proj, const char *path, const char *text, int color)
{
	fs_lines_add(&s->lines, type, color, path, text ? text : "")->ref = proj;
}

static char *pick_key(int proj, const char *path)
{
	return fs_xasprintf("%d\t%s", proj, path);
}

static ssize_t find_pick(struct status *s, int proj, const char *path)
{
	char *k = pick_key(proj, path);
	ssize_t r = -1;
	for (size_t i = 0; i < s->npicked && r < 0; i++)
		if (!strcmp(s->picked[i], k))
			r = i;
	free(k);
	return r;
}

static struct shown *find_shown(struct status *s, int proj, const char *path)
{
	for (size_t i = 0; i < s->nshown; i++)
		if (s->shown[i].proj == proj && !strcmp(s->shown[i].path, path))
			return &s->shown[i];
	return NULL;
}

static int change_color(fs_change_type t)
{
	return t == FS_CH_ADDED || t == FS_CH_UNTRACKED ? FS_C_GIT_ADDED :
	       t == FS_CH_DELETED || t == FS_CH_CONFLICTED || t == FS_CH_BROKEN ? FS_C_ERROR :
	       FS_C_GIT_CHANGED;
}

struct emit_ctx {
	struct status *s;
	int proj;
};

static void emit_diff(void *ctx, const char *text, int color)
{
	struct emit_ctx *c = ctx;
	add(c->s, SL_DIFF, c->proj, NULL, text, color);
}

static void add_change(struct status *s, int proj, const fs_change *c)
{
	fs_buf b = FS_BUF_INIT;
	struct shown *sh;
	fs_buf_printf(&b, "%c %-11s %s", fs_change_char(c->change),
		      c->path ? fs_kind_name(c->kind) : "file", c->path ? c->path : c->file);
	if (c->old_path)
		fs_buf_printf(&b, " (was %s)", c->old_path);
	add(s, SL_CHANGE, proj, c->path, fs_buf_str(&b), change_color(c->change));
	s->lines.v[s->lines.n - 1].flags = c->path && find_pick(s, proj, c->path) >= 0;
	fs_buf_free(&b);
	if (c->path && (sh = find_shown(s, proj, c->path))) {
		struct emit_ctx ec = { s, proj };
		for (size_t i = 0; i < sh->diff.n; i++)
			fs_gitui_add_hunks(&sh->diff.v[i].hunks, emit_diff, &ec);
		if (!sh->diff.n)
			add(s, SL_DIFF, proj, NULL, "(no difference in the saved files)", FS_C_PROP_READONLY);
	}
}

static void build(fs_app *a, fs_pane *p)
{
	struct status *s = S(p);
	fs_lines_clear(&s->lines);
	for (size_t i = 0; i < a->nprojects; i++) {
		fs_repo *r = fs_gitui_repo(a, i);
		const fs_changes *c = fs_gitui_changes(a, i);
		const char *err = fs_gitui_error(a, i);
		fs_buf b = FS_BUF_INIT;
		char *head = r ? fs_repo_head_name(r) : NULL;
		fs_buf_printf(&b, "%s%s%s%s", fs_project_root(a->projects[i])->name,
			      head ? " (" : "", head ? head : "", head ? ")" : "");
		free(head);
		if (fs_project_dirty(a->projects[i]))
			fs_buf_adds(&b, "  [+] unsaved changes are not in git yet: s saves");
		add(s, SL_HEAD, i, NULL, fs_buf_str(&b), FS_C_HEADER);
		fs_buf_free(&b);
		if (!fs_ws_loaded(a, (int)i))
			add(s, SL_NOTE, i, NULL, "not read yet: expand it in the tree", FS_C_PROP_READONLY);
		else if (!r)
			add(s, SL_NOTE, i, NULL, "not in a git repository (fsstudio init DIR makes one)", FS_C_PROP_READONLY);
		else if (err)
			add(s, SL_NOTE, i, NULL, err, FS_C_ERROR);
		else if (!c)
			add(s, SL_NOTE, i, NULL, "reading the status...", FS_C_PROP_READONLY);
		else {
			for (size_t k = 0; k < c->nnotes; k++)
				add(s, SL_NOTE, i, NULL, c->notes[k], FS_C_MESSAGE);
			for (size_t k = 0; k < c->n; k++)
				add_change(s, i, &c->v[k]);
			if (!c->n)
				add(s, SL_NOTE, i, NULL, "nothing to commit", FS_C_PROP_READONLY);
		}
		add(s, SL_BLANK, i, NULL, NULL, FS_C_DEFAULT);
	}
	p->lines = s->lines.n;
	fs_pane_goto(p, p->lineno);
}

static void status_open(fs_app *a, fs_pane *p)
{
	if (!p->priv)
		p->priv = fs_xcalloc(1, sizeof(struct status));
	p->store = &S(p)->lines;
	fs_gitui_refresh(a);
	build(a, p);
	/* start on the first change */
	for (size_t i = 0; i < S(p)->lines.n; i++)
		if (S(p)->lines.v[i].type == SL_CHANGE) {
			fs_pane_goto(p, i);
			break;
		}
}

static void status_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	size_t n = 0;
	for (size_t i = 0; i < S(p)->lines.n; i++)
		n += S(p)->lines.v[i].type == SL_CHANGE;
	fs_buf_printf(out, "Git status: %zu change%s", n, n == 1 ? "" : "s");
	if (S(p)->npicked)
		fs_buf_printf(out, ", %zu picked", S(p)->npicked);
}

static void status_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	fs_line *l = &S(p)->lines.v[lineno];
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0, col = 0;
	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	if (l->type == SL_CHANGE)
		col = fs_draw_text(y, x, w, l->flags ? "[x] " : "[ ] ", base ? base : fs_color_attr(FS_C_MARKER));
	else if (l->type == SL_NOTE || l->type == SL_DIFF)
		col = fs_draw_text(y, x, w, "    ", base);
	fs_draw_text(y, x + col, w - col, l->text, base ? base : fs_color_attr(l->color));
}

static void toggle_diff(fs_app *a, fs_pane *p, fs_line *l)
{
	struct status *s = S(p);
	struct shown *sh = find_shown(s, l->ref, l->key);
	fs_err e = { 0 };
	if (sh) {
		fs_changes_free(&sh->diff);
		free(sh->path);
		*sh = s->shown[--s->nshown];
	} else {
		fs_changes diff = { 0 };
		if (fs_git_diff(fs_gitui_repo(a, l->ref), NULL, NULL, l->key, &diff, &e)) {
			fs_app_error(a, "No diff: %s", e.msg);
			return;
		}
		FS_ARRAY_ADD(s->shown, s->nshown) = (struct shown){ l->ref, fs_xstrdup(l->key), diff };
	}
	build(a, p);
}

static void toggle_pick(fs_app *a, fs_pane *p, fs_line *l)
{
	struct status *s = S(p);
	ssize_t i = find_pick(s, l->ref, l->key);
	if (i >= 0) {
		free(s->picked[i]);
		s->picked[i] = s->picked[--s->npicked];
	} else {
		FS_ARRAY_ADD(s->picked, s->npicked) = pick_key(l->ref, l->key);
	}
	build(a, p);
	/* on to the next change, as in a list of checkboxes */
	for (size_t k = p->lineno + 1; k < s->lines.n; k++)
		if (s->lines.v[k].type == SL_CHANGE) {
			fs_pane_goto(p, k);
			break;
		}
}

static void commit_done(fs_app *a, fs_modal *m, int key)
{
	fs_pane *p = &a->panes[FS_P_STATUS];
	struct status *s = S(p);
	const char *msg = fs_buf_str(&m->text);
	int done = 0;
	if (key == KEY_ESC)
		return;
	if (!*msg) {
		fs_app_error(a, "An empty message: nothing committed");
		m->keep = 1;
		return;
	}
	for (size_t i = 0; i < a->nprojects; i++) {
		const fs_changes *c = fs_gitui_changes(a, i);
		const char **objs = fs_xcalloc(s->npicked + 1, sizeof *objs);
		size_t n = 0;
		char id[41];
		fs_err e = { 0 };
		if (!fs_gitui_repo(a, i) || !c || !c->n)
			goto next;
		for (size_t k = 0; k < s->npicked; k++) {
			char *tab = strchr(s->picked[k], '\t');
			if (atoi(s->picked[k]) == (int)i)
				objs[n++] = tab + 1;
		}
		/* picks elsewhere but none here: this project waits */
		if (s->npicked && !n)
			goto next;
		if (fs_git_commit(fs_gitui_repo(a, i), msg, objs, n, id, &e))
			fs_app_error(a, "%s not committed: %s", fs_project_root(a->projects[i])->name, e.msg);
		else
			done++, fs_app_msg(a, "Committed %.7s: %s", id, msg);
next:
		free(objs);
	}
	for (size_t k = 0; k < s->npicked; k++)
		free(s->picked[k]);
	s->npicked = 0;
	if (done)
		fs_gitui_refresh(a);
}

static void commit(fs_app *a, fs_pane *p)
{
	if (fs_app_unsaved(a)) {
		fs_app_error(a, "Save first (s): a commit takes the saved files");
		return;
	}
	fs_modal_prompt(a, S(p)->npicked ? "Commit the picked objects, message: " :
			"Commit all the changes, message: ", "", commit_done);
}

static fs_req status_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct status *s = S(p);
	fs_line *l = p->lineno < s->lines.n ? &s->lines.v[p->lineno] : NULL;
	switch (r) {
	case FS_REQ_ENTER:
		if (l && l->type == SL_CHANGE && l->key)
			toggle_diff(a, p, l);
		return FS_REQ_NONE;
	case FS_REQ_PICK:
		if (l && l->type == SL_CHANGE && l->key)
			toggle_pick(a, p, l);
		else
			fs_app_msg(a, "Only objects can be picked; files go with a commit of all");
		return FS_REQ_NONE;
	case FS_REQ_COMMIT:
		commit(a, p);
		return FS_REQ_NONE;
	case FS_REQ_STATUS:
		fs_gitui_refresh(a);
		return FS_REQ_NONE;
	case FS_REQ_CLOSE:
	case FS_REQ_QUIT:
	case FS_REQ_COLLAPSE:
		fs_app_close_pane(a, p);
		return FS_REQ_NONE;
	default:
		return r;
	}
}

static void status_reload(fs_app *a, fs_pane *p)
{
	build(a, p);
}

static void status_close(fs_app *a, fs_pane *p)
{
	struct status *s = S(p);
	if (!s)
		return;
	fs_lines_free(&s->lines);
	for (size_t i = 0; i < s->nshown; i++) {
		free(s->shown[i].path);
		fs_changes_free(&s->shown[i].diff);
	}
	free(s->shown);
	for (size_t i = 0; i < s->npicked; i++)
		free(s->picked[i]);
	free(s->picked);
	free(s);
	p->priv = NULL;
	p->store = NULL;
}

const struct fs_pane_ops fs_status_ops = {
	.name = "status",
	.keymap = FS_KM_STATUS,
	.open = status_open,
	.title = status_title,
	.draw = status_draw,
	.request = status_request,
	.reload = status_reload,
	.close = status_close,
};
