/* The panes' shared line store: see pane.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	return p->store ? fs_lines_find(p->store, p->lineno, needle, back) : -1;
}
