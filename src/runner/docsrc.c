/* Streaming documents out of a JSON array or NDJSON file (see docsrc.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "runner/docsrc.h"

enum fs_err_code fs_docsrc_open(fs_docsrc *s, const char *path, fs_err *e)
{
	memset(s, 0, sizeof *s);
	if (!strcmp(path, "-")) {
		s->f = stdin;
	} else if (!(s->f = fopen(path, "r"))) {
		return fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
	} else {
		s->own = 1;
	}
	s->label = fs_xstrdup(strcmp(path, "-") ? path : "standard input");
	return 0;
}

void fs_docsrc_close(fs_docsrc *s)
{
	if (s->own && s->f)
		fclose(s->f);
	fs_buf_free(&s->doc);
	free(s->label);
	memset(s, 0, sizeof *s);
}

static int skip_blank(FILE *f)
{
	int c;
	while ((c = getc_unlocked(f)) != EOF && isspace(c))
		;
	return c;
}

/* Reads one object whose '{' was just read: braces and brackets counted
 * outside strings. */
static int read_object(fs_docsrc *s, fs_err *e)
{
	int depth = 1, in_str = 0, esc = 0, c;
	fs_buf_reset(&s->doc);
	fs_buf_addc(&s->doc, '{');
	while (depth && (c = getc_unlocked(s->f)) != EOF) {
		fs_buf_addc(&s->doc, (char)c);
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	if (depth)
		return fs_err_set(e, FS_E_PARSE, "%s: document %ld is cut short", s->label, s->n + 1);
	s->n++;
	return 1;
}

int fs_docsrc_next(fs_docsrc *s, fs_err *e)
{
	int c;
	if (s->done)
		return 0;
	c = skip_blank(s->f);
	if (!s->mode) {
		s->mode = c == '[' ? 1 : 2;
		if (s->mode == 1)
			c = skip_blank(s->f);
	} else if (s->mode == 1) {
		/* between two elements of the array */
		if (c == ',')
			c = skip_blank(s->f);
		else if (c != ']')
			return fs_err_set(e, FS_E_PARSE, "%s: ',' or ']' expected after document %ld",
					  s->label, s->n);
	}
	if (c == EOF || (s->mode == 1 && c == ']')) {
		s->done = 1;
		if (c == EOF && s->mode == 1)
			return fs_err_set(e, FS_E_PARSE, "%s: the array of documents is not closed", s->label);
		return 0;
	}
	if (c != '{')
		return fs_err_set(e, FS_E_PARSE, "%s: document %ld is not a JSON object", s->label, s->n + 1);
	return read_object(s, e);
}
