/* The help pane, generated from the request table and the keymaps, so that
 * it always shows the keys in use, the user's bindings included. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "colors.h"
#include "config.h"
#include "draw.h"

/* type: 1 for a group title; key: the keys; data: the name; text: the
 * help sentence */
struct help {
	fs_lines lines;
	int keyw;
};

static void add(struct help *h, int group, char *keys, const char *name, const char *text)
{
	fs_lines_add(&h->lines, group, 0, keys, text)->data = name;
	free(keys);
}

/* Keys of a request: the generic ones, then those each pane keymap adds. */
static char *keys_of(fs_req r)
{
	fs_buf b = FS_BUF_INIT;
	fs_keys_own(FS_KM_GENERIC, r, &b);
	for (int km = 1; km < FS_KM_COUNT; km++) {
		fs_buf own = FS_BUF_INIT;
		fs_keys_own(km, r, &own);
		if (own.len)
			fs_buf_printf(&b, "%s%s: %s", b.len ? ", " : "", fs_keymap_name(km), own.data);
		fs_buf_free(&own);
	}
	if (!b.len)
		fs_buf_adds(&b, "(none)");
	return fs_buf_steal(&b);
}

static void build(struct help *h)
{
	size_t n;
	const struct fs_req_info *t = fs_req_table(&n);
	add(h, 1, NULL, "fsstudio keys", "(generated from the key bindings; q or Esc closes)");
	for (size_t i = 0; i < n; i++) {
		if (t[i].req == FS_REQ_NONE) {
			add(h, 0, NULL, NULL, NULL);
			add(h, 1, NULL, t[i].name, NULL);
			continue;
		}
		add(h, 0, keys_of(t[i].req), t[i].name, t[i].help);
	}
	add(h, 0, NULL, NULL, NULL);
	add(h, 1, NULL, "Options", "(set OPTION = VALUE in the config file, see fsstudio-config(5))");
	for (int o = 0; o < FS_OPT_COUNT; o++)
		add(h, 0, NULL, fs_opt_name(o), fs_opt_help(o));
	h->keyw = 10;
	for (size_t i = 0; i < h->lines.n; i++)
		if (h->lines.v[i].key) {
			int w = fs_text_width(h->lines.v[i].key);
			if (w > h->keyw)
				h->keyw = w;
		}
	if (h->keyw > 28)
		h->keyw = 28;
}

static void help_open(fs_app *a, fs_pane *p)
{
	struct help *h = p->priv ? p->priv : fs_xcalloc(1, sizeof *h);
	fs_lines_clear(&h->lines);
	build(h);
	p->priv = h;
	p->store = &h->lines;
	p->lines = h->lines.n;
	p->lineno = p->offset = 0;
}

static void help_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	fs_buf_adds(out, "Help");
}

static void help_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct help *h = p->priv;
	fs_line *l = &h->lines.v[lineno];
	const char *name = l->data;
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	int col, kw = h->keyw + 2, nw = 16;
	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	if (!name)
		return;
	if (l->type) {
		col = fs_draw_text(y, x, w, name, base ? base : fs_color_attr(FS_C_HELP_GROUP));
		if (l->text)
			fs_draw_text(y, x + col + 1, w - col - 1, l->text, base ? base : fs_color_attr(FS_C_DEFAULT));
		return;
	}
	/* a narrow screen keeps room for the words: the keys are cut first */
	if (kw > w * 2 / 5)
		kw = w * 2 / 5;
	if (l->key)
		fs_draw_text(y, x, kw - 1, l->key, base ? base : fs_color_attr(FS_C_HELP_KEY));
	else
		kw = 0;
	if (nw > (w - kw) / 2)
		nw = (w - kw) / 2;
	fs_draw_text(y, x + kw, nw - 1, name, base ? base : fs_color_attr(FS_C_PROP_KEY));
	fs_draw_text(y, x + kw + nw, w - kw - nw, l->text ? l->text : "", base ? base : fs_color_attr(FS_C_DEFAULT));
}

static fs_req help_request(fs_app *a, fs_pane *p, fs_req r)
{
	if (r == FS_REQ_CLOSE || r == FS_REQ_HELP) {
		fs_app_close_pane(a, p);
		return FS_REQ_NONE;
	}
	return r;
}

static void help_close(fs_app *a, fs_pane *p)
{
	if (p->priv) {
		fs_lines_free(&((struct help *)p->priv)->lines);
		free(p->priv);
		p->priv = NULL;
		p->store = NULL;
	}
}

const struct fs_pane_ops fs_help_ops = {
	.name = "help",
	.keymap = FS_KM_HELP,
	.open = help_open,
	.title = help_title,
	.draw = help_draw,
	.request = help_request,
	.close = help_close,
};
