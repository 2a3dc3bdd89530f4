/* Reader and writer of the Convertigo line dialect (see lines.h).
 *
 * The reader keeps, for every node, the exact text it was read from (its
 * line, and the lines of its `|` block). The writer emits that text as is
 * and regenerates only nodes whose raw text was dropped by an edit, so a
 * file with no edit is written back byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/lines.h"

static const char *const markers[] = {
#define FS_LN_MARK(k, m) m,
	FS_LN_LIST(FS_LN_MARK)
#undef FS_LN_MARK
};

#define BLOCK_FOLLOWS (-1)
#define QUOTE_FIRST "-?:,[]{}#&*!|>'\"%@`"

/* ---- nodes --------------------------------------------------------------- */

fs_line *fs_line_new(fs_ln_type type, const char *key, const char *value)
{
	fs_line *l = fs_xcalloc(1, sizeof *l);
	l->type = type;
	l->key = key ? fs_xstrdup(key) : NULL;
	l->value = value ? fs_xstrdup(value) : NULL;
	l->indent = type == FS_LN_ROOT ? -2 : 0;
	return l;
}

void fs_line_free(fs_line *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nkids; i++)
		fs_line_free(l->kids[i]);
	free(l->kids);
	free(l->key);
	free(l->cls);
	free(l->value);
	free(l->include);
	free(l->raw);
	fs_lfile_free(l->file);
	free(l);
}

size_t fs_line_index(const fs_line *l)
{
	const fs_line *p = l->parent;
	for (size_t i = 0; p && i < p->nkids; i++)
		if (p->kids[i] == l)
			return i;
	return SIZE_MAX;
}

void fs_line_detach(fs_line *l)
{
	fs_line *p = l->parent;
	size_t i = fs_line_index(l);
	if (i == SIZE_MAX)
		return;
	memmove(p->kids + i, p->kids + i + 1, (p->nkids - i - 1) * sizeof *p->kids);
	p->nkids--;
	l->parent = NULL;
}

int fs_line_has_kids(const fs_line *l)
{
	for (size_t i = 0; i < l->nkids; i++)
		if (l->kids[i]->type != FS_LN_BLANK)
			return 1;
	return 0;
}

int fs_line_kid_indent(const fs_line *l)
{
	return l->indent + 2;
}

static void add_kid(fs_line *parent, size_t at, fs_line *kid)
{
	if (at > parent->nkids)
		at = parent->nkids;
	parent->kids = fs_xrealloc(parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
	memmove(parent->kids + at + 1, parent->kids + at, (parent->nkids - at) * sizeof *parent->kids);
	parent->kids[at] = kid;
	parent->nkids++;
	kid->parent = parent;
}

void fs_line_insert(fs_line *parent, size_t at, fs_line *kid)
{
	fs_line_reindent(kid, fs_line_kid_indent(parent));
	add_kid(parent, at, kid);
}

fs_line *fs_line_kid(const fs_line *l, fs_ln_type type, const char *key)
{
	for (size_t i = 0; i < l->nkids; i++) {
		fs_line *k = l->kids[i];
		if (k->type == type && (!key || (k->key && !strcmp(k->key, key))))
			return k;
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? fs_xstrdup(s) : NULL;
}

static fs_lfile *lfile_clone(const fs_lfile *f);

fs_line *fs_line_clone(const fs_line *l)
{
	fs_line *c = fs_xcalloc(1, sizeof *c);
	c->type = l->type;
	c->indent = l->indent;
	c->dash = l->dash;
	c->key = dup_or_null(l->key);
	c->cls = dup_or_null(l->cls);
	c->value = dup_or_null(l->value);
	c->include = dup_or_null(l->include);
	c->raw = dup_or_null(l->raw);
	c->lineno = l->lineno;
	if (l->file)
		c->file = lfile_clone(l->file);
	for (size_t i = 0; i < l->nkids; i++)
		add_kid(c, SIZE_MAX, fs_line_clone(l->kids[i]));
	return c;
}

/* Shifts every line of a raw text by delta spaces. */
static char *shift_raw(const char *raw, int delta)
{
	fs_buf b = FS_BUF_INIT;
	const char *s = raw;
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (delta > 0) {
			for (int i = 0; i < delta; i++)
				fs_buf_addc(&b, ' ');
		} else {
			int cut = 0;
			while (cut < -delta && cut < (int)n && s[cut] == ' ')
				cut++;
			s += cut;
			n -= cut;
		}
		fs_buf_add(&b, s, n);
		if (!nl)
			break;
		fs_buf_addc(&b, '\n');
		s = nl + 1;
	}
	return fs_buf_steal(&b);
}

void fs_line_reindent(fs_line *l, int indent)
{
	int delta = indent - l->indent;
	if (!delta || l->type == FS_LN_ROOT)
		return;
	l->indent = indent;
	if (l->raw) {
		char *r = shift_raw(l->raw, delta);
		free(l->raw);
		l->raw = r;
	}
	for (size_t i = 0; i < l->nkids; i++)
		fs_line_reindent(l->kids[i], indent + 2);
}

void fs_line_touch(fs_line *l)
{
	free(l->raw);
	l->raw = NULL;
}

void fs_line_set_value(fs_line *l, const char *value)
{
	free(l->value);
	l->value = dup_or_null(value);
	fs_line_touch(l);
}

void fs_line_set_key(fs_line *l, const char *key)
{
	free(l->key);
	l->key = dup_or_null(key);
	fs_line_touch(l);
}

void fs_line_set_include(fs_line *l, const char *include)
{
	free(l->include);
	l->include = dup_or_null(include);
	fs_line_touch(l);
}

/* ---- files --------------------------------------------------------------- */

fs_lfile *fs_lfile_new(const char *relpath, int crlf)
{
	fs_lfile *f = fs_xcalloc(1, sizeof *f);
	f->relpath = fs_xstrdup(relpath);
	f->crlf = crlf;
	f->root = fs_line_new(FS_LN_ROOT, NULL, NULL);
	f->root->in = f;
	return f;
}

void fs_lfile_free(fs_lfile *f)
{
	if (!f)
		return;
	free(f->relpath);
	free(f->loaded);
	free(f->orig);
	fs_line_free(f->root);
	for (size_t i = 0; i < f->nsubs; i++)
		fs_lfile_free(f->subs[i]);
	free(f->subs);
	free(f);
}

/* A copy is edited: its lines are read (a damaged one is copied as bytes). */
static fs_lfile *lfile_clone(const fs_lfile *cf)
{
	fs_lfile *f = (fs_lfile *)cf;
	fs_lfile_root(f);
	if (f->lazy)
		return fs_lfile_lazy(f->relpath, fs_xstrndup(f->orig, f->origlen), f->origlen);
	fs_lfile *c = fs_xcalloc(1, sizeof *c);
	c->relpath = fs_xstrdup(f->relpath);
	c->crlf = f->crlf;
	c->final_eol = f->final_eol;
	c->root = fs_line_clone(f->root);
	c->root->in = c;
	return c;
}

/* ---- quoting ------------------------------------------------------------- */

int fs_lines_needs_quote(const char *s)
{
	return !*s || strchr(QUOTE_FIRST, *s) || strstr(s, ": ");
}

static void add_spaces(fs_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		fs_buf_addc(b, ' ');
}

static void add_quoted(fs_buf *b, const char *s)
{
	fs_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			fs_buf_addc(b, '\'');
		fs_buf_addc(b, *s);
	}
	fs_buf_addc(b, '\'');
}

/* A value as Convertigo writes it: plain, quoted, or a `|` block whose lines
 * are indented two more spaces than the line (blank lines included). */
static void add_scalar(fs_buf *b, const char *v, int indent)
{
	if (!strchr(v, '\n')) {
		if (fs_lines_needs_quote(v))
			add_quoted(b, v);
		else
			fs_buf_adds(b, v);
		return;
	}
	fs_buf t = FS_BUF_INIT;
	if (fs_lines_needs_quote(v))
		add_quoted(&t, v);
	else
		fs_buf_adds(&t, v);
	fs_buf_addc(b, '|');
	const char *s = t.data;
	for (;;) {
		const char *nl = strchr(s, '\n');
		fs_buf_addc(b, '\n');
		add_spaces(b, indent + 2);
		fs_buf_add(b, s, nl ? (size_t)(nl - s) : strlen(s));
		if (!nl)
			break;
		s = nl + 1;
	}
	fs_buf_free(&t);
}

static void gen_line(const fs_line *l, fs_buf *b)
{
	add_spaces(b, l->indent);
	if (l->dash)
		fs_buf_adds(b, "- ");
	fs_buf_adds(b, markers[l->type]);
	switch (l->type) {
	case FS_LN_BEAN:
		fs_buf_printf(b, "%s [%s]: ", l->key, l->cls ? l->cls : "");
		if (l->include)
			fs_buf_printf(b, FS_INCLUDE_MARK " %s", l->include);
		return;
	case FS_LN_ATTR:
	case FS_LN_PROP:
		fs_buf_adds(b, l->key ? l->key : "");
		break;
	case FS_LN_BLANK:
	case FS_LN_ROOT:
		return;
	default:
		break;
	}
	fs_buf_adds(b, ": ");
	if (l->value)
		add_scalar(b, l->value, l->indent);
}

static void render_line(const fs_line *l, fs_buf *b)
{
	if (l->type != FS_LN_ROOT) {
		if (l->raw)
			fs_buf_adds(b, l->raw);
		else
			gen_line(l, b);
		fs_buf_addc(b, '\n');
	}
	for (size_t i = 0; i < l->nkids; i++)
		render_line(l->kids[i], b);
}

void fs_lines_render(const fs_lfile *f, fs_buf *out)
{
	if (f->lazy) {
		fs_buf_add(out, f->orig, f->origlen);
		return;
	}
	fs_buf t = FS_BUF_INIT;
	render_line(f->root, &t);
	if (t.len && !f->final_eol)
		t.len--; /* the last line has no line break */
	for (size_t i = 0; i < t.len;) {
		const char *nl = f->crlf ? memchr(t.data + i, '\n', t.len - i) : NULL;
		size_t n = nl ? (size_t)(nl - t.data) - i : t.len - i;
		fs_buf_add(out, t.data + i, n);
		i += n;
		if (nl) {
			fs_buf_add(out, "\r\n", 2);
			i++;
		}
	}
	fs_buf_free(&t);
}

char *fs_line_kids_text(const fs_line *l)
{
	fs_buf t = FS_BUF_INIT;
	for (size_t i = 0; i < l->nkids; i++)
		render_line(l->kids[i], &t);
	if (t.len)
		t.data[--t.len] = 0;
	char *r = shift_raw(fs_buf_str(&t), -fs_line_kid_indent(l));
	fs_buf_free(&t);
	return r;
}

/* ---- reader -------------------------------------------------------------- */

typedef struct span {
	const char *s;
	size_t n;
} span;

typedef struct reader {
	const char *rel;
	span *lines;
	size_t nlines;
	size_t i;            /* next line */
	fs_err *e;
} reader;

static int bad(reader *r, size_t line, const char *msg)
{
	return fs_err_set(r->e, FS_E_PARSE, "%s:%zu: %s", r->rel, line + 1, msg);
}

/* Column (1-based, in characters) of byte p of a line starting at start. */
static size_t char_col(const char *start, const char *p)
{
	size_t col = 1;
	for (const char *c = start; c < p; c++)
		col += ((unsigned char)*c & 0xC0) != 0x80;
	return col;
}

static int bad_at(reader *r, size_t line, const char *at, const char *msg)
{
	return fs_err_set(r->e, FS_E_PARSE, "%s:%zu:%zu: %s", r->rel, line + 1,
			  char_col(r->lines[line].s, at), msg);
}

/* Length of the valid UTF-8 prefix of d (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_valid(const unsigned char *d, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = d[i];
		if (c < 0x80) {
			/* ASCII runs, eight bytes at a time */
			uint64_t w;
			while (i + 8 <= len && (memcpy(&w, d + i, 8), !(w & 0x8080808080808080ULL)))
				i += 8;
			i += i < len && d[i] < 0x80;
			continue;
		}
		size_t n = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
		unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		if (!n)
			return i;
		for (size_t k = 1; k <= n; k++)
			if (i + k >= len || d[i + k] < (k == 1 ? lo : 0x80) || d[i + k] > (k == 1 ? hi : 0xBF))
				return i;
		i += n + 1;
	}
	return len;
}

static void split_lines(reader *r, const char *d, size_t len, int *crlf, int *final_eol)
{
	size_t nl = 0, cr = 0;
	for (size_t i = 0; i < len; i++)
		if (d[i] == '\n') {
			nl++;
			cr += i > 0 && d[i - 1] == '\r';
		}
	*crlf = nl > 0 && cr == nl;
	*final_eol = len > 0 && d[len - 1] == '\n';
	r->lines = fs_xcalloc(nl + 1, sizeof *r->lines);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && d[i] != '\n')
			continue;
		if (i == len && (*final_eol || len == 0))
			break;
		size_t end = i;
		if (*crlf && i < len)
			end--;
		r->lines[r->nlines++] = (span){ d + start, end - start };
		start = i + 1;
	}
}

static int count_indent(span l)
{
	size_t i = 0;
	while (i < l.n && l.s[i] == ' ')
		i++;
	return (int)i;
}

static int is_blank(span l)
{
	return count_indent(l) == (int)l.n;
}

static int starts(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);
	return n >= k && !memcmp(s, pfx, k);
}

static const char *find2(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, needle, k))
			return s + i;
	return NULL;
}

/* Removes the quotes of a '...' text (doubled quotes become one). */
static int unquote(const char *s, size_t n, char **out)
{
	if (n < 2 || s[n - 1] != '\'')
		return -1;
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 1; i < n - 1; i++) {
		fs_buf_addc(&b, s[i]);
		if (s[i] == '\'' && i + 1 < n - 1 && s[i + 1] == '\'')
			i++;
	}
	*out = fs_buf_steal(&b);
	return 0;
}

static int decode_text(reader *r, size_t line, const char *s, size_t n, char **out)
{
	if (n && s[0] == '\'') {
		if (unquote(s, n, out) < 0)
			return bad(r, line, "unterminated quoted text (a quoted value ends with ')");
		return 0;
	}
	*out = fs_xstrndup(s, n);
	return 0;
}

/* Reads the `|` block that follows line r->i - 1 (indented at ind). */
static int read_block(reader *r, fs_line *l, int ind, fs_buf *raw)
{
	size_t first = r->i - 1;
	fs_buf text = FS_BUF_INIT;
	size_t nblock = 0;
	while (r->i < r->nlines) {
		span s = r->lines[r->i];
		if (!is_blank(s) && count_indent(s) < ind)
			break;
		if (nblock++)
			fs_buf_addc(&text, '\n');
		if ((int)s.n > ind)
			fs_buf_add(&text, s.s + ind, s.n - ind);
		fs_buf_addc(raw, '\n');
		fs_buf_add(raw, s.s, s.n);
		r->i++;
	}
	if (!nblock) {
		fs_buf_free(&text);
		return bad(r, first, "a '|' value needs its text on the next lines, indented 2 more spaces");
	}
	int rc = decode_text(r, first, fs_buf_str(&text), text.len, &l->value);
	fs_buf_free(&text);
	return rc;
}

/* "key: value" after the marker; a line may also end with "key:". */
static int split_key(reader *r, size_t line, const char *s, size_t n, const char **key, size_t *klen,
		     const char **val, size_t *vlen)
{
	const char *c = find2(s, n, ": ");
	if (c) {
		*key = s;
		*klen = c - s;
		*val = c + 2;
		*vlen = n - (c + 2 - s);
		return 0;
	}
	if (n && s[n - 1] == ':') {
		*key = s;
		*klen = n - 1;
		*val = s + n;
		*vlen = 0;
		return 0;
	}
	return bad(r, line, "expected 'key: value'");
}

/* Property and attribute names are Java names, or class names in arrays
 * ("java.lang.String"): the length of the valid prefix of k. Anything else
 * is a damaged line (a bean line whose marker was lost...). */
static size_t key_ok(const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
		if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '.' || c == '-')))
			return i;
	}
	return n;
}

static int parse_bean(reader *r, size_t line, fs_line *l, const char *s, size_t n, const char **val,
		      size_t *vlen)
{
	const char *end = find2(s, n, "]: ");
	if (!end && n >= 2 && !memcmp(s + n - 2, "]:", 2))
		end = s + n - 2;
	const char *open = NULL;
	for (const char *p = s; end && p + 1 < end; p++)
		if (p[0] == ' ' && p[1] == '[')
			open = p;
	if (!end || !open || open == s)
		return bad(r, line, "a bean line reads '\xe2\x86\x93Name [class]: '");
	l->key = fs_xstrndup(s, open - s);
	l->cls = fs_xstrndup(open + 2, end - open - 2);
	*val = end + 2 < s + n ? end + 3 : s + n;
	*vlen = n - (*val - s);
	if (!*vlen)
		return 0;
	if (!starts(*val, *vlen, FS_INCLUDE_MARK " ") || *vlen <= strlen(FS_INCLUDE_MARK " "))
		return bad(r, line, "a bean line ends with ': ' or ': " FS_INCLUDE_MARK " file'");
	size_t k = strlen(FS_INCLUDE_MARK " ");
	l->include = fs_xstrndup(*val + k, *vlen - k);
	return 0;
}

static int parse_line(reader *r, fs_line *l, span sp, int ind)
{
	size_t line = r->i - 1;
	const char *s = sp.s + ind;
	size_t n = sp.n - ind;
	if (starts(s, n, "- ")) {
		l->dash = 1;
		s += 2;
		n -= 2;
	}
	const char *key = NULL, *val = NULL;
	size_t klen = 0, vlen = 0;
	int rc;
	static const fs_ln_type order[] = { FS_LN_TEXT, FS_LN_CDATA, FS_LN_ATTR, FS_LN_BEAN };
	l->type = FS_LN_PROP;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		if (starts(s, n, markers[order[i]])) {
			l->type = order[i];
			s += strlen(markers[order[i]]);
			n -= strlen(markers[order[i]]);
			break;
		}
	if (l->type == FS_LN_BEAN) {
		return parse_bean(r, line, l, s, n, &val, &vlen);
	} else if (l->type == FS_LN_TEXT || l->type == FS_LN_CDATA) {
		if ((rc = split_key(r, line, s, n, &key, &klen, &val, &vlen)))
			return rc;
		if (klen)
			return bad(r, line, "expected ': ' after the text marker");
	} else {
		if ((rc = split_key(r, line, s, n, &key, &klen, &val, &vlen)))
			return rc;
		if (!klen)
			return bad(r, line, "missing key before ':'");
		size_t ok = key_ok(key, klen);
		if (ok < klen)
			return bad_at(r, line, key + ok, l->type == FS_LN_ATTR ? "an attribute name has only letters, "
				      "digits, '_', '$', '.' and '-'" : "not a line of the dialect: a property "
				      "name has only letters, digits, '_', '$', '.' and '-' (a bean line starts "
				      "with \xe2\x86\x93)");
		l->key = fs_xstrndup(key, klen);
	}
	if (vlen == 1 && val[0] == '|')
		return BLOCK_FOLLOWS;
	if (!vlen)
		return 0;
	return decode_text(r, line, val, vlen, &l->value);
}

/* Lines that may have lines under them: beans written inline, and keys
 * with no value (an object or an array follows). */
static int opens(const fs_line *l)
{
	if (l->type == FS_LN_BEAN)
		return !l->include;
	return l->type != FS_LN_ATTR && !l->value;
}

static int read_lines(reader *r, fs_line *root)
{
	size_t cap = 16, depth = 1;
	fs_line **stack = fs_xmalloc(cap * sizeof *stack);
	stack[0] = root;
	int rc = 0;
	while (!rc && r->i < r->nlines) {
		span sp = r->lines[r->i++];
		fs_line *l = fs_xcalloc(1, sizeof *l);
		l->lineno = (int)r->i;
		if (is_blank(sp)) {
			l->type = FS_LN_BLANK;
			l->raw = fs_xstrndup(sp.s, sp.n);
			add_kid(stack[depth - 1], SIZE_MAX, l);
			continue;
		}
		int ind = count_indent(sp);
		while (depth > 1 && stack[depth - 1]->indent >= ind)
			depth--;
		int want = stack[depth - 1]->indent + 2;
		l->indent = ind;
		if (sp.s[ind] == '\t') {
			rc = bad_at(r, r->i - 1, sp.s + ind, "a tab in the indentation (the dialect indents with spaces)");
		} else if (depth > 1 && !opens(stack[depth - 1])) {
			rc = bad_at(r, r->i - 1, sp.s + ind, "a line under a line that cannot have any "
				    "(it has a value, or is an attribute or an included bean)");
		} else if (ind != want) {
			char msg[96];
			snprintf(msg, sizeof msg, "bad indentation: %d spaces where %d are expected", ind, want);
			rc = bad(r, r->i - 1, msg);
		} else if ((rc = parse_line(r, l, sp, ind)) == BLOCK_FOLLOWS) {
			fs_buf raw = FS_BUF_INIT;
			fs_buf_add(&raw, sp.s, sp.n);
			rc = read_block(r, l, ind + 2, &raw);
			/* docdata blocks are long: no doubling slack kept per line */
			size_t n = raw.len + 1;
			l->raw = fs_xrealloc(fs_buf_steal(&raw), n);
		} else {
			l->raw = fs_xstrndup(sp.s, sp.n);
		}
		add_kid(stack[depth - 1], SIZE_MAX, l);
		if (depth == cap)
			stack = fs_xrealloc(stack, (cap *= 2) * sizeof *stack);
		stack[depth++] = l;
	}
	free(stack);
	return rc;
}

enum fs_err_code fs_lines_check_text(const char *relpath, const char *data, size_t len, fs_err *e)
{
	const char *nul = len ? memchr(data, 0, len) : NULL;
	if (nul) {
		size_t line = 1;
		for (const char *p = data; p < nul; p++)
			line += *p == '\n';
		return fs_err_set(e, FS_E_PARSE, "%s:%zu: binary data (a NUL byte) in a text file", relpath, line);
	}
	size_t bad_byte = utf8_valid((const unsigned char *)data, len);
	if (bad_byte < len) {
		size_t line = 1;
		const char *start = data;
		for (const char *p = data; p < data + bad_byte; p++)
			if (*p == '\n') {
				line++;
				start = p + 1;
			}
		return fs_err_set(e, FS_E_PARSE, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X): the file is damaged "
				  "or not in UTF-8", relpath, line, char_col(start, data + bad_byte),
				  (unsigned char)data[bad_byte]);
	}
	return 0;
}

enum fs_err_code fs_lines_parse(fs_lfile **out, const char *relpath, const char *data, size_t len, fs_err *e)
{
	*out = NULL;
	int rc = fs_lines_check_text(relpath, data, len, e);
	if (rc)
		return rc;
	fs_lfile *f = fs_lfile_new(relpath, 0);
	reader r = { .rel = relpath, .e = e };
	split_lines(&r, data, len, &f->crlf, &f->final_eol);
	rc = read_lines(&r, f->root);
	free(r.lines);
	if (rc) {
		fs_lfile_free(f);
		*out = NULL;
		return rc;
	}
	f->loaded = fs_xstrdup(relpath);
	f->orig = fs_xmalloc(len + 1);
	if (len)
		memcpy(f->orig, data, len);
	f->orig[len] = 0;
	f->origlen = len;
	*out = f;
	return 0;
}
