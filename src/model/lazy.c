/* Files kept as bytes (see lines.h, "lazy"). A real project's mobile
 * application is most of its bytes and the studio never edits it: building
 * a line node per line of it made loading a 7.6 MB project cost 7x `cat`
 * and 6x its size in memory. A lazy file is the buffer read and the files
 * its bean lines include, found by a scan that looks at indentation and
 * bean lines only; its lines are read the first time something asks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "model/lines.h"

#define BEAN_MARK "\xe2\x86\x93"          /* ↓ */
#define INCLUDE_AFTER "]: " FS_INCLUDE_MARK " "

/* ---- the scan ------------------------------------------------------------- */

/* As split_lines of lines.c: CR LF ends lines only when every line does. */
static int all_crlf(const char *d, size_t len)
{
	size_t nl = 0, cr = 0;
	for (const char *p = d; (p = memchr(p, '\n', len - (p - d))) != NULL; p++) {
		nl++;
		cr += p > d && p[-1] == '\r';
	}
	return nl > 0 && cr == nl;
}

static const char *find_in(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == needle[0] && !memcmp(s + i, needle, k))
			return s + i;
	return NULL;
}

/* The include of a bean line (s after the indentation), or NULL. */
static char *line_include(const char *s, size_t n)
{
	if (n >= 2 && !memcmp(s, "- ", 2)) {
		s += 2;
		n -= 2;
	}
	size_t k = strlen(BEAN_MARK);
	if (n < k || memcmp(s, BEAN_MARK, k))
		return NULL;
	/* the reader takes the first "]: " as the end of the class */
	const char *end = find_in(s, n, "]: ");
	size_t m = strlen(INCLUDE_AFTER);
	if (!end || (size_t)(s + n - end) <= m || memcmp(end, INCLUDE_AFTER, m))
		return NULL;
	return fs_xstrndup(end + m, s + n - end - m);
}

/* True when the line opens a `|` block: its value (after the first ": ")
 * is "|". Bean lines never do. */
static int opens_block(const char *s, size_t n)
{
	if (n >= strlen(BEAN_MARK) && !memcmp(s, BEAN_MARK, strlen(BEAN_MARK)))
		return 0;
	const char *c = find_in(s, n, ": ");
	return c && (size_t)(s + n - c) == 3 && c[2] == '|';
}

size_t fs_lines_scan_includes(const char *d, size_t len, fs_incl **out)
{
	int crlf = all_crlf(d, len);
	size_t n = 0;
	int block = -1;      /* indentation of the `|` block we are in */
	int lineno = 0;
	*out = NULL;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(d + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - d) : len;
		const char *s = d + at;
		size_t sn = end - at - (crlf && nl);
		at = end + 1;
		lineno++;
		size_t ind = 0;
		while (ind < sn && s[ind] == ' ')
			ind++;
		if (ind == sn || (block >= 0 && (int)ind >= block))
			continue;    /* blank lines, and text, never end a block */
		block = -1;
		if (opens_block(s + ind, sn - ind)) {
			block = (int)ind + 2;
			continue;
		}
		char *inc = line_include(s + ind, sn - ind);
		if (inc) {
			*out = fs_xrealloc(*out, (n + 1) * sizeof **out);
			(*out)[n++] = (fs_incl){ inc, lineno };
		}
	}
	return n;
}

/* ---- lazy files ----------------------------------------------------------- */

fs_lfile *fs_lfile_lazy(const char *relpath, char *data, size_t len)
{
	fs_lfile *f = fs_lfile_new(relpath, 0);
	f->loaded = fs_xstrdup(relpath);
	f->orig = fs_xrealloc(data, len + 1); /* orig is NUL-terminated */
	f->orig[len] = 0;
	f->origlen = len;
	f->lazy = 1;
	return f;
}

void fs_lfile_add_sub(fs_lfile *f, fs_lfile *sub)
{
	f->subs = fs_xrealloc(f->subs, (f->nsubs + 1) * sizeof *f->subs);
	f->subs[f->nsubs++] = sub;
}

/* The sub read for include (the path after the mark), taken out of f's list. */
static fs_lfile *take_sub(fs_lfile *f, const char *include)
{
	for (size_t i = 0; i < f->nsubs; i++) {
		const char *rel = f->subs[i]->loaded;
		const char *slash = strchr(rel, '/');   /* after "_c8oProject" */
		if (slash && !strcmp(slash + 1, include)) {
			fs_lfile *s = f->subs[i];
			memmove(f->subs + i, f->subs + i + 1, (f->nsubs - i - 1) * sizeof *f->subs);
			f->nsubs--;
			return s;
		}
	}
	return NULL;
}

/* Gives every include line of l its file; 0 when one is missing. */
static int hang_subs(fs_lfile *f, fs_line *l)
{
	if (l->type == FS_LN_BEAN && l->include && !(l->file = take_sub(f, l->include)))
		return 0;
	for (size_t i = 0; i < l->nkids; i++)
		if (!hang_subs(f, l->kids[i]))
			return 0;
	return 1;
}

/* Undoes hang_subs: the files go back to f's list. */
static void unhang_subs(fs_lfile *f, fs_line *l)
{
	if (l->file) {
		fs_lfile_add_sub(f, l->file);
		l->file = NULL;
	}
	for (size_t i = 0; i < l->nkids; i++)
		unhang_subs(f, l->kids[i]);
}

enum fs_err_code fs_lfile_unlazy(fs_lfile *f, fs_err *e)
{
	if (!f->lazy)
		return 0;
	fs_lfile *t;
	int rc = fs_lines_parse(&t, f->relpath, f->orig, f->origlen, e);
	if (!rc && (!hang_subs(f, t->root) || f->nsubs)) {
		/* the scan and the reader disagree: only on a damaged file */
		unhang_subs(f, t->root);
		rc = fs_err_set(e, FS_E_PARSE, "%s: its included files are not where its lines say", f->relpath);
	}
	if (rc) {
		if (t)
			fs_lfile_free(t);
		f->lazy_bad = 1;
		return rc;
	}
	fs_line *old = f->root;
	f->root = t->root;
	f->root->in = f;
	f->crlf = t->crlf;
	f->final_eol = t->final_eol;
	t->root = old;
	fs_lfile_free(t);
	f->lazy = 0;
	return 0;
}

fs_line *fs_lfile_root(fs_lfile *f)
{
	if (!f->lazy_bad) /* a damaged file is read once, not at every ask */
		fs_lfile_unlazy(f, NULL);
	return f->root;
}

static void walk_lines(fs_line *l, fs_lfile_visit fn, void *ctx)
{
	if (l->file)
		fs_lfile_walk_files(l->file, fn, ctx);
	for (size_t i = 0; i < l->nkids; i++)
		walk_lines(l->kids[i], fn, ctx);
}

void fs_lfile_walk_files(fs_lfile *f, fs_lfile_visit fn, void *ctx)
{
	fn(f, ctx);
	for (size_t i = 0; i < f->nsubs; i++)
		fs_lfile_walk_files(f->subs[i], fn, ctx);
	walk_lines(f->root, fn, ctx);
}
