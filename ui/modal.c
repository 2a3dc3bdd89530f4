/* Modals: a text prompt (on the message line or in place), a question
 * answered with one key, a context menu. One at a time; keys go to it. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <wchar.h>
#include "app.h"
#include "colors.h"
#include "draw.h"


static fs_modal *modal_new(fs_app *a, enum fs_modal_kind kind, const char *label, fs_modal_fn done)
{
	fs_modal *m = fs_xcalloc(1, sizeof *m);
	if (a->modal)
		fs_modal_close(a);
	m->kind = kind;
	m->label = fs_xstrdup(label ? label : "");
	m->on_done = done;
	a->modal = m;
	a->redraw = 1;
	return m;
}

fs_modal *fs_modal_prompt(fs_app *a, const char *label, const char *init, fs_modal_fn done)
{
	fs_modal *m = modal_new(a, FS_M_PROMPT, label, done);
	fs_buf_adds(&m->text, init ? init : "");
	m->cur = m->text.len;
	return m;
}

fs_modal *fs_modal_confirm(fs_app *a, const char *label, const char *choices, fs_modal_fn done)
{
	fs_modal *m = modal_new(a, FS_M_CONFIRM, label, done);
	m->choices = choices;
	return m;
}

fs_modal *fs_modal_menu(fs_app *a, const char *label, struct fs_menu_item *items, size_t n, fs_modal_fn done)
{
	fs_modal *m = modal_new(a, FS_M_MENU, label, done);
	m->items = fs_xmalloc(n * sizeof *items);
	memcpy(m->items, items, n * sizeof *items);
	m->nitems = n;
	return m;
}

static void modal_free(fs_modal *m)
{
	free(m->label);
	fs_buf_free(&m->text);
	free(m->items);
	fs_ref_clear(&m->ref);
	free(m->arg);
	free(m);
}

void fs_modal_close(fs_app *a)
{
	if (a->modal)
		modal_free(a->modal);
	a->modal = NULL;
	a->redraw = 1;
	curs_set(0);
}

/* Ends the modal with an answer; on_done may open another modal or ask to
 * keep this one (a value that did not validate). */
static void finish(fs_app *a, fs_modal *m, int answer)
{
	a->modal = NULL;
	m->keep = 0;
	if (m->on_done)
		m->on_done(a, m, answer);
	if (m->keep && !a->modal)
		a->modal = m;
	else
		modal_free(m);
	a->redraw = 1;
	if (!a->modal)
		curs_set(0);
}

/* ---- text editing ------------------------------------------------------- */

static size_t prev_char(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
		;
	return i;
}

static size_t next_char(const char *s, size_t len, size_t i)
{
	if (i < len)
		i++;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void text_delete(fs_buf *b, size_t from, size_t to)
{
	memmove(b->data + from, b->data + to, b->len - to + 1);
	b->len -= to - from;
}

static void text_insert(fs_buf *b, size_t at, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1)
		return;
	fs_buf_grow(b, n);
	memmove(b->data + at + n, b->data + at, b->len - at + 1);
	memcpy(b->data + at, mb, n);
	b->len += n;
}

/* Returns 1 when the text changed. */
static int prompt_edit(fs_modal *m, int key)
{
	fs_buf *b = &m->text;
	if (!b->data)
		fs_buf_adds(b, "");
	switch (key) {
	case FS_KEY_FN + KEY_LEFT:
		m->cur = prev_char(b->data, m->cur);
		return 0;
	case FS_KEY_FN + KEY_RIGHT:
		m->cur = next_char(b->data, b->len, m->cur);
		return 0;
	case FS_KEY_FN + KEY_HOME:
	case 1:
		m->cur = 0;
		return 0;
	case FS_KEY_FN + KEY_END:
	case 5:
		m->cur = b->len;
		return 0;
	case FS_KEY_FN + KEY_BACKSPACE:
	case 127:
	case 8:
		if (!m->cur)
			return 0;
		{
			size_t p = prev_char(b->data, m->cur);
			text_delete(b, p, m->cur);
			m->cur = p;
		}
		return 1;
	case FS_KEY_FN + KEY_DC:
	case 4:
		if (m->cur == b->len)
			return 0;
		text_delete(b, m->cur, next_char(b->data, b->len, m->cur));
		return 1;
	case 21: /* C-u */
		text_delete(b, 0, m->cur);
		m->cur = 0;
		return 1;
	case 11: /* C-k */
		text_delete(b, m->cur, b->len);
		return 1;
	default:
		if (key < ' ' || key >= FS_KEY_FN || key == 127)
			return 0;
		{
			size_t before = b->len;
			text_insert(b, m->cur, key);
			m->cur += b->len - before;
		}
		return 1;
	}
}

static fs_req menu_key_req(fs_app *a, int key)
{
	return fs_keys_lookup(FS_KM_MENU, key);
}

void fs_modal_key(fs_app *a, int key)
{
	fs_modal *m = a->modal;
	a->redraw = 1;
	switch (m->kind) {
	case FS_M_PROMPT:
		if (key == '\r' || key == '\n' || key == FS_KEY_FN + KEY_ENTER)
			finish(a, m, '\r');
		else if (key == KEY_ESC || key == 7)
			finish(a, m, KEY_ESC);
		else if (prompt_edit(m, key) && m->on_change)
			m->on_change(a, m, key);
		return;
	case FS_M_CONFIRM:
		if (key == KEY_ESC || key == 7) {
			finish(a, m, KEY_ESC);
		} else if (key > 0 && key < 128) {
			int k = key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key;
			if (strchr(m->choices, k))
				finish(a, m, k);
		}
		return;
	case FS_M_MENU: {
		fs_req r = menu_key_req(a, key);
		if (r == FS_REQ_MOVE_DOWN) {
			m->sel = (m->sel + 1) % m->nitems;
		} else if (r == FS_REQ_MOVE_UP) {
			m->sel = (m->sel + m->nitems - 1) % m->nitems;
		} else if (key == '\r' || key == '\n' || r == FS_REQ_ENTER) {
			finish(a, m, '\r');
		} else if (key == KEY_ESC || r == FS_REQ_CLOSE || r == FS_REQ_MENU) {
			finish(a, m, KEY_ESC);
		} else {
			/* the key of an item runs it */
			for (size_t i = 0; i < m->nitems && r != FS_REQ_NONE; i++)
				if (m->items[i].req == r) {
					m->sel = i;
					finish(a, m, '\r');
					return;
				}
		}
		return;
	}
	}
}

/* ---- drawing ------------------------------------------------------------ */

static void draw_prompt(fs_modal *m, int y, int x, int w, int attr)
{
	int lw = 0, tw, skip = 0, curcol;
	char *before;
	if (w <= 0)
		return;
	fs_draw_fill(y, x, w, attr);
	if (*m->label)
		lw = fs_draw_text(y, x, w, m->label, fs_color_attr(FS_C_PROMPT));
	tw = w - lw - 1;
	if (tw < 1)
		return;
	before = fs_xstrndup(fs_buf_str(&m->text), m->cur);
	curcol = fs_text_width(before);
	free(before);
	/* scroll so that the cursor stays visible */
	if (curcol > tw)
		skip = curcol - tw;
	fs_draw_clip(y, x + lw, tw, fs_buf_str(&m->text), skip, attr);
	move(y, x + lw + curcol - skip);
	curs_set(1);
}

static void draw_menu(fs_app *a, fs_modal *m, int rows, int cols)
{
	int w = fs_text_width(m->label) + 4, h = m->nitems + 2, y, x;
	int attr = fs_color_attr(FS_C_MENU);
	fs_buf keys = FS_BUF_INIT;
	for (size_t i = 0; i < m->nitems; i++) {
		fs_buf_reset(&keys);
		if (m->items[i].req != FS_REQ_NONE)
			fs_keys_for(FS_KM_TREE, m->items[i].req, &keys);
		int iw = fs_text_width(m->items[i].label) + fs_text_width(fs_buf_str(&keys)) + 6;
		if (iw > w)
			w = iw;
	}
	if (w > cols)
		w = cols;
	if (h > rows - 1)
		h = rows - 1;
	y = (rows - 1 - h) / 2;
	x = (cols - w) / 2;
	if (h < 1 || w < 4) {
		fs_buf_free(&keys);
		return;
	}
	for (int r = 0; r < h; r++)
		fs_draw_fill(y + r, x, w, attr);
	fs_draw_text(y, x + 1, w - 2, m->label, attr | A_BOLD);
	/* a menu taller than the screen scrolls with its cursor */
	size_t first = h > 2 && m->sel >= (size_t)(h - 2) ? m->sel - (h - 3) : 0;
	for (size_t i = first; i < m->nitems && (int)(i - first) < h - 2; i++) {
		int ia = i == m->sel ? fs_color_attr(FS_C_MENU_CURSOR) : attr;
		fs_buf_reset(&keys);
		if (m->items[i].req != FS_REQ_NONE)
			fs_keys_for(FS_KM_TREE, m->items[i].req, &keys);
		/* the first key only: the others are in the help */
		char *comma = strstr(fs_buf_str(&keys), ", ");
		if (comma)
			*comma = 0;
		int kw = fs_text_width(fs_buf_str(&keys));
		int row = y + 1 + (int)(i - first);
		fs_draw_fill(row, x + 1, w - 2, ia);
		fs_draw_text(row, x + 2, w - kw - 5, m->items[i].label, ia);
		fs_draw_text(row, x + w - kw - 2, kw, fs_buf_str(&keys), ia);
	}
	fs_buf_free(&keys);
}

void fs_modal_draw(fs_app *a, int rows, int cols)
{
	fs_modal *m = a->modal;
	int msg_row = rows - 1;
	if (!m || rows < 1)
		return;
	switch (m->kind) {
	case FS_M_PROMPT:
		if (m->w > 0 && m->y < msg_row)
			draw_prompt(m, m->y, m->x, m->x + m->w <= cols ? m->w : cols - m->x,
				    fs_color_attr(FS_C_CURSOR) | A_UNDERLINE);
		else
			draw_prompt(m, msg_row, 0, cols, fs_color_attr(FS_C_MESSAGE));
		break;
	case FS_M_CONFIRM: {
		/* the answers stay in sight: a long question is cut before them */
		fs_buf b = FS_BUF_INIT;
		fs_buf_adds(&b, " [");
		for (const char *c = m->choices; *c; c++)
			fs_buf_printf(&b, "%s%c", c == m->choices ? "" : "/", *c);
		fs_buf_adds(&b, "]");
		int bw = fs_text_width(fs_buf_str(&b)) < cols ? fs_text_width(fs_buf_str(&b)) : 0;
		fs_draw_fill(msg_row, 0, cols, fs_color_attr(FS_C_MESSAGE));
		int used = fs_draw_text(msg_row, 0, cols - bw, m->label, fs_color_attr(FS_C_PROMPT));
		fs_draw_text(msg_row, used, cols - used, fs_buf_str(&b), fs_color_attr(FS_C_PROMPT));
		fs_buf_free(&b);
		break;
	}
	case FS_M_MENU:
		draw_menu(a, m, rows, cols);
		break;
	}
}
