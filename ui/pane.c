/* The panes' shared line store: see pane.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include "pane.h"
#include "view.h"

fs_line *fs_lines_add(fs_lines *s, int type, int color, const char *key, const char *text)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = fs_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n] = (fs_line){ .type = type, .color = color,
				.text = text ? fs_xstrdup(text) : NULL,
				.key = key ? fs_xstrdup(key) : NULL };
	return &s->v[s->n++];
}

void fs_lines_clear(fs_lines *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].text);
		free(s->v[i].key);
		free(s->v[i].spans);
	}
	s->n = 0;
}

void fs_lines_free(fs_lines *s)
{
	fs_lines_clear(s);
	free(s->v);
	*s = (fs_lines){ 0 };
}

static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return 0;
}

int fs_line_matches(const fs_line *l, const char *needle)
{
	return needle && *needle && (contains(l->text, needle) || contains(l->key, needle));
}

long fs_lines_find(const fs_lines *s, size_t from, const char *needle, int back)
{
	for (size_t k = 1; k <= s->n; k++) {
		size_t i = back ? (from + s->n - k) % s->n : (from + k) % s->n;
		if (fs_line_matches(&s->v[i], needle))
			return (long)i;
	}
	return -1;
}

long fs_pane_find(fs_pane *p, const char *needle, int back)
{
	if (p->store)
		return fs_lines_find(p->store, p->lineno, needle, back);
	return p->ops && p->ops->find ? p->ops->find(NULL, p, needle, back) : -1;
}

/* Bytes of the head of s that fit in room columns: up to the last space
 * when the text goes on (all of a too long word otherwise). */
static size_t fit(const char *s, int room)
{
	mbstate_t st = { 0 };
	size_t i = 0, brk = 0;
	int used = 0;
	while (s[i]) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, MB_CUR_MAX, &st);
		int w = 1;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			memset(&st, 0, sizeof st);
		} else if ((w = wcwidth(wc)) < 0) {
			w = 1;
		}
		if (used + w > room)
			return s[i] == ' ' ? i : brk ? brk : i ? i : n;
		if (s[i] == ' ')
			brk = i + 1;
		used += w;
		i += n;
	}
	return i;
}

fs_line *fs_lines_add_wrapped(fs_lines *s, int type, int color, const char *key, const char *text,
			      int width, int indent)
{
	size_t first = s->n;
	const char *p = text ? text : "";
	if (width <= 0)
		return fs_lines_add(s, type, color, key, p);
	if (indent > width / 2)
		indent = width / 2;
	do {
		int cont = s->n > first;
		size_t n = fit(p, cont ? width - indent : width), len = n;
		while (len && p[len - 1] == ' ')
			len--;
		char *t = fs_xasprintf("%*s%.*s", cont ? indent : 0, "", (int)len, p);
		fs_line *l = fs_lines_add(s, type, color, cont ? NULL : key, t);
		if (cont)
			l->flags |= FS_LINE_CONT;
		free(t);
		p += n;
		while (*p == ' ')
			p++;
	} while (*p);
	return &s->v[first];
}

size_t fs_lines_head(const fs_lines *s, size_t i)
{
	while (i > 0 && i < s->n && (s->v[i].flags & FS_LINE_CONT))
		i--;
	return i;
}
