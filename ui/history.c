/* The history pane: the commits that changed the selected object (through
 * its renames), newest first; Enter shows what the commit did to it, O puts
 * the object back as it was in that commit (a change to review and commit). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include "app.h"
#include "colors.h"
#include "draw.h"
#include "gitui.h"
#include "history.h"

#define HISTORY_MAX 200

struct history {
	fs_ref ref;          /* the object */
	fs_history h;
	int loaded;
	char *error;
	char *open;          /* ids of the entries shown open, "id id " */
	fs_lines lines;      /* ref: the index of the entry, -1 for a note */
};

static struct history *H(fs_pane *p)
{
	return p->priv;
}

static void add(struct history *h, ssize_t entry, const char *text, int color)
{
	fs_lines_add(&h->lines, 0, color, NULL, text)->ref = entry;
}

static int is_open(struct history *h, const char *id)
{
	return h->open && strstr(h->open, id);
}

struct emit_ctx {
	struct history *h;
	ssize_t entry;
};

static void emit(void *ctx, const char *text, int color)
{
	struct emit_ctx *c = ctx;
	char *t = fs_xasprintf("    %s", text);
	add(c->h, c->entry, t, color);
	free(t);
}

#define AUTHOR_MAX 16

/* Appends s in exactly w columns: cut on a character, padded with spaces. */
static void add_padded(fs_buf *b, const char *s, int w)
{
	mbstate_t st;
	int used = 0;
	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		int cw;
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1, cw = 1;
		} else if ((cw = wcwidth(wc)) < 0) {
			cw = 1;
		}
		if (used + cw > w)
			break;
		fs_buf_add(b, s, n);
		used += cw;
		s += n;
	}
	for (; used < w; used++)
		fs_buf_addc(b, ' ');
}

/* The author column is as wide as the widest author shown (at most
 * AUTHOR_MAX), so that the summaries line up close to the dates. */
static int author_width(const struct history *h)
{
	int w = 1;
	for (size_t i = 0; i < h->h.n; i++) {
		int aw = h->h.v[i].author ? fs_text_width(h->h.v[i].author) : 0;
		if (aw > w)
			w = aw;
	}
	return w < AUTHOR_MAX ? w : AUTHOR_MAX;
}

static void add_entry(struct history *h, size_t i, int aw)
{
	fs_hist_entry *en = &h->h.v[i];
	char when[32];
	time_t t = (time_t)en->time;
	fs_buf b = FS_BUF_INIT;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&t));
	fs_buf_printf(&b, "%.7s %s ", en->id, when);
	add_padded(&b, en->author ? en->author : "", aw);
	fs_buf_addc(&b, ' ');
	if (en->ch.change != FS_CH_NONE)
		fs_buf_printf(&b, "%c ", fs_change_char(en->ch.change));
	fs_buf_adds(&b, en->summary ? en->summary : "");
	add(h, i, fs_buf_str(&b), FS_C_DEFAULT);
	fs_buf_free(&b);
	if (!is_open(h, en->id))
		return;
	if (en->error)
		add(h, i, en->error, FS_C_ERROR);
	if (en->ch.old_path && en->ch.path && strcmp(en->ch.old_path, en->ch.path)) {
		char *s = fs_xasprintf("    renamed from %s", en->ch.old_path);
		add(h, i, s, FS_C_GIT_CHANGED);
		free(s);
	}
	struct emit_ctx c = { h, i };
	fs_gitui_add_hunks(&en->ch.hunks, emit, &c);
	for (size_t k = 0; k < en->changes.n; k++) {
		const fs_change *ch = &en->changes.v[k];
		char *s = fs_xasprintf("    %c %s", fs_change_char(ch->change), ch->path ? ch->path : ch->file);
		add(h, i, s, FS_C_GIT_CHANGED);
		free(s);
	}
}

static void build(fs_app *a, fs_pane *p)
{
	struct history *h = H(p);
	fs_lines_clear(&h->lines);
	if (h->error)
		add(h, -1, h->error, FS_C_ERROR);
	for (size_t i = 0; i < h->h.nnotes; i++)
		add(h, -1, h->h.notes[i], FS_C_MESSAGE);
	int aw = author_width(h);
	for (size_t i = 0; i < h->h.n; i++)
		add_entry(h, i, aw);
	if (h->loaded && !h->h.n && !h->error)
		add(h, -1, "no commit changed this object", FS_C_PROP_READONLY);
	p->lines = h->lines.n;
	fs_pane_goto(p, p->lineno);
}

static void load(fs_app *a, fs_pane *p)
{
	struct history *h = H(p);
	fs_obj *o = fs_ref_get(a, &h->ref);
	fs_repo *r = fs_gitui_repo(a, h->ref.proj);
	fs_err e = { 0 };
	fs_history_free(&h->h);
	memset(&h->h, 0, sizeof h->h);
	free(h->error);
	h->error = NULL;
	h->loaded = 1;
	if (!r)
		h->error = fs_xstrdup("not in a git repository (fsstudio init DIR makes one)");
	else if (!o)
		h->error = fs_xstrdup("the object is gone");
	else if (fs_git_log(r, NULL, *h->ref.path ? h->ref.path : NULL, HISTORY_MAX, &h->h, &e))
		h->error = fs_xstrdup(e.msg);
}

static void history_open(fs_app *a, fs_pane *p)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	if (!p->priv)
		p->priv = fs_xcalloc(1, sizeof(struct history));
	p->store = &H(p)->lines;
	free(H(p)->open);
	H(p)->open = NULL;
	if (o)
		fs_ref_set(&H(p)->ref, proj, o);
	p->lineno = p->offset = 0;
	load(a, p);
	build(a, p);
}

static void history_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct history *h = H(p);
	fs_buf_printf(out, "History of %s%s%s: %zu commit%s",
		      fs_project_root(a->projects[h->ref.proj])->name,
		      *h->ref.path ? "/" : "", h->ref.path, h->h.n, h->h.n == 1 ? "" : "s");
}

static void history_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	fs_line *l = &H(p)->lines.v[lineno];
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	fs_draw_text(y, x, w, l->text, base ? base : fs_color_attr(l->color));
}

static void toggle(fs_app *a, fs_pane *p, ssize_t entry)
{
	struct history *h = H(p);
	const char *id = h->h.v[entry].id;
	fs_buf b = FS_BUF_INIT;
	if (is_open(h, id)) {
		char *at = strstr(h->open, id);
		fs_buf_add(&b, h->open, at - h->open);
		fs_buf_adds(&b, at + strlen(id) + 1);
	} else {
		fs_buf_printf(&b, "%s%s ", h->open ? h->open : "", id);
	}
	free(h->open);
	h->open = fs_buf_steal(&b);
	build(a, p);
	/* the cursor stays on the entry's first line */
	for (size_t i = 0; i < h->lines.n; i++)
		if (h->lines.v[i].ref == entry) {
			fs_pane_goto(p, i);
			break;
		}
}

static void restore_done(fs_app *a, fs_modal *m, int key)
{
	fs_repo *r = fs_gitui_repo(a, m->ref.proj);
	fs_err e = { 0 };
	int force = key == 'f';
	if (key != 'y' && key != 'f')
		return;
	if (fs_git_restore(r, *m->ref.path ? m->ref.path : NULL, m->arg, force, &e)) {
		if (e.code == FS_E_CONFLICT && !force) {
			fs_modal *q = fs_modal_confirm(a, "It has uncommitted changes: overwrite them (f) or keep them (n)?",
						       "fn", restore_done);
			fs_ref_set(&q->ref, m->ref.proj, fs_ref_get(a, &m->ref));
			q->arg = fs_xstrdup(m->arg);
			fs_app_error(a, "%s", e.msg);
			return;
		}
		fs_app_error(a, "Not restored: %s", e.msg);
		return;
	}
	/* back to HEAD leaves nothing to commit; an older revision does */
	if (fs_app_reload_project(a, m->ref.proj) == 0)
		fs_app_msg(a, !strcmp(m->arg, "HEAD") ? "Restored to %s: as last committed"
			   : "Restored to %.7s: review it and commit", m->arg);
	fs_gitui_refresh(a);
}

/* Restores the object of ref to rev (NULL: HEAD). */
void fs_history_restore(fs_app *a, int proj, const fs_obj *o, const char *rev)
{
	fs_modal *m;
	char q[256];
	if (!fs_gitui_repo(a, proj)) {
		fs_app_error(a, "Not in a git repository: nothing to restore from");
		return;
	}
	if (fs_project_dirty(a->projects[proj])) {
		fs_app_error(a, "Save first (s): a restore works on the saved files");
		return;
	}
	snprintf(q, sizeof q, "Restore %s '%s' as it was in %.7s?", fs_kind_name(o->kind), o->name,
		 rev ? rev : "HEAD");
	m = fs_modal_confirm(a, q, "yn", restore_done);
	fs_ref_set(&m->ref, proj, o);
	m->arg = fs_xstrdup(rev ? rev : "HEAD");
}

static fs_req history_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct history *h = H(p);
	fs_line *l = p->lineno < h->lines.n ? &h->lines.v[p->lineno] : NULL;
	switch (r) {
	case FS_REQ_ENTER:
		if (l && l->ref >= 0)
			toggle(a, p, l->ref);
		return FS_REQ_NONE;
	case FS_REQ_RESTORE: {
		fs_obj *o = fs_ref_get(a, &h->ref);
		if (!l || l->ref < 0 || !o) {
			fs_app_error(a, "Choose a commit to restore from");
			return FS_REQ_NONE;
		}
		fs_history_restore(a, h->ref.proj, o, h->h.v[l->ref].id);
		return FS_REQ_NONE;
	}
	case FS_REQ_HISTORY:
		load(a, p);
		build(a, p);
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

static void history_reload(fs_app *a, fs_pane *p)
{
	build(a, p);
}

static void history_close(fs_app *a, fs_pane *p)
{
	struct history *h = H(p);
	if (!h)
		return;
	fs_lines_free(&h->lines);
	fs_history_free(&h->h);
	fs_ref_clear(&h->ref);
	free(h->error);
	free(h->open);
	free(h);
	p->priv = NULL;
	p->store = NULL;
}

const struct fs_pane_ops fs_history_ops = {
	.name = "history",
	.keymap = FS_KM_HISTORY,
	.open = history_open,
	.title = history_title,
	.draw = history_draw,
	.request = history_request,
	.reload = history_reload,
	.close = history_close,
};
