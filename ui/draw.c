/* Text drawing helpers. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "base/buf.h"
#include "colors.h"
#include "draw.h"

#define TAB_WIDTH 4

/* One display unit of s: its wide character (or '?' for a byte that is not
 * UTF-8 or a control character) and its width. Returns the bytes used. */
static size_t next_char(const char *s, wchar_t *wc, int *width)
{
	mbstate_t st;
	size_t n;
	memset(&st, 0, sizeof st);
	n = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	*width = wcwidth(*wc);
	if (*width < 0) {
		*wc = L'?';
		*width = 1;
	}
	return n;
}

/* The CR of a CRLF line end (C8oForms writes them everywhere) takes no
 * column: it was drawn as '?' at the end of every line. */
static int line_end_cr(const char *s)
{
	return s[0] == '\r' && (!s[1] || s[1] == '\n');
}

int fs_text_width(const char *s)
{
	int cols = 0, w;
	wchar_t wc;
	while (*s) {
		if (line_end_cr(s)) {
			s++;
			continue;
		}
		if (*s == '\t') {
			cols += TAB_WIDTH - cols % TAB_WIDTH;
			s++;
			continue;
		}
		s += next_char(s, &wc, &w);
		cols += w;
	}
	return cols;
}

static const wchar_t *ellipsis(void)
{
	return MB_CUR_MAX > 1 ? L"\u2026" : L"~";
}

/* Draws s from column `skip`; stops at w columns; *more tells whether text
 * was left. Returns the columns used. */
static int draw(int y, int x, int w, const char *s, int skip, int attr, int *more)
{
	wchar_t out[256], wc = 0;
	int n = 0, col = 0, used = 0, start = x, cw = 1;
	*more = 0;
	attrset(attr);
	while (*s) {
		int spaces = 0;
		if (line_end_cr(s)) {
			s++;
			continue;
		}
		if (*s == '\t') {
			spaces = TAB_WIDTH - col % TAB_WIDTH;
			s++;
		} else {
			s += next_char(s, &wc, &cw);
		}
		for (int i = 0; i < (spaces ? spaces : 1); i++) {
			wchar_t c = spaces ? L' ' : wc;
			int width = spaces ? 1 : cw;
			if (col + width <= skip) {
				col += width;
				continue;
			}
			if (used + width > w) {
				*more = 1;
				goto done;
			}
			if (n == (int)(sizeof out / sizeof out[0])) {
				mvaddnwstr(y, start, out, n);
				start = x + used;
				n = 0;
			}
			if (col < skip) {
				/* a wide character cut by the left edge */
				c = L' ';
				width = col + width - skip;
			}
			out[n++] = c;
			used += width;
			col += spaces ? 1 : cw;
		}
	}
done:
	if (n)
		mvaddnwstr(y, start, out, n);
	return used;
}

/* Horizontal scroll of a pane: while a viewport is set, text and fills are
 * laid out as if the pane were `skip` columns wider and shifted left by
 * skip, and only what falls in [left, right) is drawn. Panes keep drawing
 * at their usual columns; this is the one place that scrolls them. */
static struct {
	int on, left, right, skip;
} view;

void fs_draw_viewport(int x, int w, int skip)
{
	view.on = skip > 0;
	view.left = x;
	view.right = x + w;
	view.skip = skip;
}

void fs_draw_viewport_off(void)
{
	view.on = 0;
}

/* [x, x + w) shifted by the viewport and cut to it: *cut columns of the
 * text fall before its left edge. 0 when nothing shows. */
static int in_view(int *x, int *w, int *cut)
{
	int vx = *x - view.skip, end = vx + *w;
	if (end > view.right)
		end = view.right;
	*cut = vx < view.left ? view.left - vx : 0;
	*x = vx + *cut;
	*w = end - *x;
	return *w > 0;
}

/* fs_draw_text under a viewport: the columns the text would use unscrolled
 * (layouts add them up), an ellipsis at the viewport's edge when the text
 * goes on past it. */
static int draw_scrolled(int y, int x, int w, const char *s, int attr)
{
	int width = fs_text_width(s), used = width < w ? width : w, cut, more;
	int vx = x, vw = used;
	if (!in_view(&vx, &vw, &cut))
		return used;
	int n = draw(y, vx, vw, s, cut, attr, &more);
	if (more && vx + n == view.right) {
		attrset(attr);
		mvaddnwstr(y, view.right - 1, ellipsis(), 1);
	}
	return used;
}

int fs_draw_clip(int y, int x, int w, const char *s, int skip, int attr)
{
	int more;
	if (w <= 0)
		return 0;
	return draw(y, x, w, s, skip, attr, &more);
}

int fs_draw_text(int y, int x, int w, const char *s, int attr)
{
	int more, used;
	if (w <= 0)
		return 0;
	if (view.on)
		return draw_scrolled(y, x, w, s, attr);
	if (fs_text_width(s) <= w)
		return draw(y, x, w, s, 0, attr, &more);
	used = draw(y, x, w - 1, s, 0, attr, &more);
	attrset(attr);
	mvaddnwstr(y, x + used, ellipsis(), 1);
	return used + 1;
}

void fs_draw_fill(int y, int x, int w, int attr)
{
	int cut;
	if (view.on && !in_view(&x, &w, &cut))
		return;
	attrset(attr);
	if (w > 0)
		mvhline(y, x, ' ', w);
}

/* The candidate "HEAD/…/TAIL" of a title, TAIL starting at s + tail. */
static char *elided(const char *s, size_t head, size_t tail)
{
	return fs_xasprintf("%.*s/%s%s", (int)head, s, MB_CUR_MAX > 1 ? "\u2026" : "~", s + tail);
}

/* Path-like titles keep their ends: the segments after the first one go
 * first ("a/…/c/d"), then the end gets the ellipsis. A "//" (a URL) is no
 * segment break. */
int fs_draw_title(int y, int x, int w, const char *s, int attr)
{
	const char *first = strchr(s, '/'), *p;
	char *best = NULL;
	int used;
	if (fs_text_width(s) <= w || !first || first[1] == '/')
		return fs_draw_text(y, x, w, s, attr);
	for (p = strchr(first + 1, '/'); p; p = strchr(p + 1, '/')) {
		if (p[1] == '/' || p[-1] == '/')
			continue;
		free(best);
		best = elided(s, first - s, p - s);
		if (fs_text_width(best) <= w)
			break;
	}
	/* still too wide: the first segment goes too, the words before it stay
	 * ("History of …/map: 2 commits") */
	if (!best || fs_text_width(best) > w) {
		const char *last = strrchr(s, '/'), *word = first;
		while (word > s && word[-1] != ' ')
			word--;
		free(best);
		best = fs_xasprintf("%.*s%s%s", (int)(word - s), s, MB_CUR_MAX > 1 ? "\u2026" : "~", last);
	}
	used = fs_draw_text(y, x, w, best ? best : s, attr);
	free(best);
	return used;
}

int fs_draw_spans(int y, int x, int w, const char *text, const fs_span *spans, size_t nspans,
		  int plain, int base)
{
	size_t at = 0, len = strlen(text);
	int col = 0;
	/* plain text between the spans, each span in its capture's color */
	for (size_t i = 0; i <= nspans && col < w; i++) {
		size_t start = i < nspans ? spans[i].start : len;
		if (start > len)
			start = len;
		if (start > at) {
			char *t = fs_xstrndup(text + at, start - at);
			col += fs_draw_text(y, x + col, w - col, t, plain);
			free(t);
		}
		if (i == nspans || col >= w)
			break;
		size_t end = spans[i].end < len ? spans[i].end : len;
		if (end < start)
			end = start;
		char *t = fs_xstrndup(text + start, end - start);
		col += fs_draw_text(y, x + col, w - col, t, base ? base :
				    fs_color_attr(fs_color_of_capture(fs_hl_name(spans[i].hl))));
		free(t);
		at = end;
	}
	return col;
}

void fs_spans_of_line(fs_span **v, size_t *n, const fs_spans *all, size_t *from,
		      uint32_t start, uint32_t end)
{
	size_t i = *from;
	while (i < all->n && all->v[i].end <= start)
		i++;
	*from = i;
	for (; i < all->n && all->v[i].start < end; i++) {
		fs_span sp = all->v[i];
		sp.start = sp.start > start ? sp.start - start : 0;
		sp.end = (sp.end < end ? sp.end : end) - start;
		*v = fs_xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = sp;
	}
}
