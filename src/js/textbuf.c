/* The editor buffer (see textbuf.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "base/buf.h"
#include "js/textbuf.h"

/* A line keeps a '\n' after its bytes (not counted in len) so that the
 * parser reads "rest of line + line end" straight from it. */
struct line {
	char *s;
	size_t len, cap;
};

enum op_kind { OP_INSERT, OP_DELETE };

struct op {
	enum op_kind kind;
	fs_pos at;
	char *text;
	size_t len;
};

struct group {
	struct op *ops;
	size_t n;
	unsigned long seq;   /* identifies the text state after this group */
};

struct stack {
	struct group *v;
	size_t n;
};

struct fs_tb {
	struct line *lines;
	size_t nlines, cap;
	int crlf;
	int tabstop, indent;  /* indent: 0 a tab, else spaces */
	/* Offsets of line starts, valid below starts_ok. */
	size_t *starts;
	size_t starts_ok;
	/* Undo */
	struct stack undo, redo;
	int open;            /* the top undo group takes more typing */
	int nest;            /* fs_tb_group_begin depth */
	int replaying;
	unsigned long seq_next, clean_seq;
	unsigned long gen;
	/* Syntax */
	TSParser *parser;
	TSTree *tree;
	int stale;
	TSRange *changed;
	uint32_t nchanged;
	TSInputEdit last_edit;
	size_t draft;         /* above this size, drawing does not reparse */
	int drafted;          /* lines edited since the last reparse: */
	size_t dft_first, dft_last;
	/* Lines to redraw */
	int damaged;
	size_t dmg_first, dmg_last;
	fs_buf scratch;
};

/* ---- Lines -------------------------------------------------------------- */

static void line_reserve(struct line *l, size_t len)
{
	if (len + 1 <= l->cap)
		return;
	l->cap = len + 1 < 16 ? 16 : (len + 1) * 3 / 2;
	l->s = fs_xrealloc(l->s, l->cap);
}

static void line_set(struct line *l, const char *s, size_t n)
{
	line_reserve(l, n);
	memcpy(l->s, s, n);
	l->len = n;
	l->s[n] = '\n';
}

static void lines_open(fs_tb *tb, size_t at, size_t count)
{
	if (tb->nlines + count > tb->cap) {
		tb->cap = (tb->nlines + count) * 3 / 2 + 8;
		tb->lines = fs_xrealloc(tb->lines, tb->cap * sizeof *tb->lines);
		tb->starts = fs_xrealloc(tb->starts, (tb->cap + 1) * sizeof *tb->starts);
	}
	memmove(tb->lines + at + count, tb->lines + at, (tb->nlines - at) * sizeof *tb->lines);
	memset(tb->lines + at, 0, count * sizeof *tb->lines);
	tb->nlines += count;
}

static void lines_close(fs_tb *tb, size_t at, size_t count)
{
	for (size_t i = at; i < at + count; i++)
		free(tb->lines[i].s);
	memmove(tb->lines + at, tb->lines + at + count,
		(tb->nlines - at - count) * sizeof *tb->lines);
	tb->nlines -= count;
}

static void load(fs_tb *tb, const char *text, size_t len)
{
	const char *nl = text ? memchr(text, '\n', len) : NULL;
	tb->crlf = nl && nl > text && nl[-1] == '\r';
	lines_open(tb, 0, 1);
	line_set(&tb->lines[0], "", 0);
	size_t i = 0;
	while (text && i <= len) {
		const char *e = memchr(text + i, '\n', len - i);
		size_t n = e ? (size_t)(e - text) - i : len - i;
		size_t keep = n;
		if (tb->crlf && e && n && text[i + n - 1] == '\r')
			keep--;
		line_set(&tb->lines[tb->nlines - 1], text + i, keep);
		if (!e)
			break;
		lines_open(tb, tb->nlines, 1);
		line_set(&tb->lines[tb->nlines - 1], "", 0);
		i += n + 1;
	}
	tb->starts_ok = 0;
}

fs_tb *fs_tb_new(const char *text, size_t len)
{
	fs_tb *tb = fs_xcalloc(1, sizeof *tb);
	tb->tabstop = 8;
	tb->seq_next = 1;
	load(tb, text, len);
	return tb;
}

static void stack_clear(struct stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		for (size_t j = 0; j < st->v[i].n; j++)
			free(st->v[i].ops[j].text);
		free(st->v[i].ops);
	}
	st->n = 0;
}

void fs_tb_free(fs_tb *tb)
{
	if (!tb)
		return;
	lines_close(tb, 0, tb->nlines);
	free(tb->lines);
	free(tb->starts);
	stack_clear(&tb->undo);
	stack_clear(&tb->redo);
	free(tb->undo.v);
	free(tb->redo.v);
	if (tb->tree)
		ts_tree_delete(tb->tree);
	if (tb->parser)
		ts_parser_delete(tb->parser);
	free(tb->changed);
	fs_buf_free(&tb->scratch);
	free(tb);
}

size_t fs_tb_lines(const fs_tb *tb)
{
	return tb->nlines;
}

const char *fs_tb_line(const fs_tb *tb, size_t line, size_t *len)
{
	if (line >= tb->nlines) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = tb->lines[line].len;
	return tb->lines[line].s;
}

size_t fs_tb_line_len(const fs_tb *tb, size_t line)
{
	return line < tb->nlines ? tb->lines[line].len : 0;
}

int fs_tb_pos_cmp(fs_pos a, fs_pos b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	return a.col < b.col ? -1 : a.col > b.col;
}

static void order(fs_pos *a, fs_pos *b)
{
	if (fs_tb_pos_cmp(*a, *b) > 0) {
		fs_pos t = *a;
		*a = *b;
		*b = t;
	}
}

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

fs_pos fs_tb_clamp(const fs_tb *tb, fs_pos p)
{
	if (p.line >= tb->nlines) {
		p.line = tb->nlines - 1;
		p.col = tb->lines[p.line].len;
	}
	const struct line *l = &tb->lines[p.line];
	if (p.col > l->len)
		p.col = l->len;
	while (p.col > 0 && p.col < l->len && is_cont(l->s[p.col]))
		p.col--;
	return p;
}

fs_pos fs_tb_goto_line(const fs_tb *tb, size_t line1)
{
	fs_pos p = { line1 ? line1 - 1 : 0, 0 };
	if (p.line >= tb->nlines)
		p.line = tb->nlines - 1;
	return p;
}

static void starts_update(fs_tb *tb, size_t upto)
{
	if (!tb->starts)
		tb->starts = fs_xmalloc((tb->cap + 1) * sizeof *tb->starts);
	if (!tb->starts_ok) {
		tb->starts[0] = 0;
		tb->starts_ok = 1;
	}
	for (size_t i = tb->starts_ok; i <= upto && i <= tb->nlines; i++)
		tb->starts[i] = tb->starts[i - 1] + tb->lines[i - 1].len + 1;
	if (upto + 1 > tb->starts_ok)
		tb->starts_ok = upto + 1 > tb->nlines + 1 ? tb->nlines + 1 : upto + 1;
}

size_t fs_tb_offset(fs_tb *tb, fs_pos p)
{
	p = fs_tb_clamp(tb, p);
	starts_update(tb, p.line);
	return tb->starts[p.line] + p.col;
}

size_t fs_tb_size(const fs_tb *tb)
{
	size_t n = tb->nlines - 1;
	for (size_t i = 0; i < tb->nlines; i++)
		n += tb->lines[i].len;
	return n;
}

fs_pos fs_tb_pos_at(fs_tb *tb, size_t off)
{
	starts_update(tb, tb->nlines);
	size_t lo = 0, hi = tb->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (tb->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	fs_pos p = { lo, off - tb->starts[lo] };
	return fs_tb_clamp(tb, p);
}

char *fs_tb_get(const fs_tb *tb, fs_pos a, fs_pos b, size_t *len)
{
	fs_buf out = FS_BUF_INIT;
	a = fs_tb_clamp(tb, a);
	b = fs_tb_clamp(tb, b);
	order(&a, &b);
	for (size_t i = a.line; i <= b.line; i++) {
		const struct line *l = &tb->lines[i];
		size_t s = i == a.line ? a.col : 0;
		size_t e = i == b.line ? b.col : l->len;
		fs_buf_add(&out, l->s + s, e - s);
		if (i < b.line)
			fs_buf_addc(&out, '\n');
	}
	if (len)
		*len = out.len;
	return fs_buf_steal(&out);
}

char *fs_tb_text_lf(const fs_tb *tb, size_t *len)
{
	return fs_tb_get(tb, (fs_pos){ 0, 0 }, (fs_pos){ SIZE_MAX, SIZE_MAX }, len);
}

char *fs_tb_text(const fs_tb *tb, size_t *len)
{
	fs_buf out = FS_BUF_INIT;
	fs_buf_grow(&out, fs_tb_size(tb) + (tb->crlf ? tb->nlines : 0));
	for (size_t i = 0; i < tb->nlines; i++) {
		if (i)
			fs_buf_adds(&out, tb->crlf ? "\r\n" : "\n");
		fs_buf_add(&out, tb->lines[i].s, tb->lines[i].len);
	}
	if (len)
		*len = out.len;
	return fs_buf_steal(&out);
}

int fs_tb_dirty(const fs_tb *tb)
{
	unsigned long top = tb->undo.n ? tb->undo.v[tb->undo.n - 1].seq : 0;
	return top != tb->clean_seq;
}

void fs_tb_mark_clean(fs_tb *tb)
{
	fs_tb_group_close(tb);
	tb->clean_seq = tb->undo.n ? tb->undo.v[tb->undo.n - 1].seq : 0;
}

unsigned long fs_tb_generation(const fs_tb *tb)
{
	return tb->gen;
}

/* ---- Raw edits: text, tree and damage ----------------------------------- */

static void damage(fs_tb *tb, size_t first, size_t last)
{
	if (!tb->damaged) {
		tb->dmg_first = first;
		tb->dmg_last = last;
		tb->damaged = 1;
		return;
	}
	if (first < tb->dmg_first)
		tb->dmg_first = first;
	if (last > tb->dmg_last)
		tb->dmg_last = last;
}

/* Lines edited while the tree waits for its reparse: their spans came from
 * the edited tree, so they are drawn again after it. */
static void drafted(fs_tb *tb, size_t first, size_t last)
{
	if (!tb->drafted) {
		tb->dft_first = first;
		tb->dft_last = last;
		tb->drafted = 1;
		return;
	}
	if (first < tb->dft_first)
		tb->dft_first = first;
	if (last > tb->dft_last)
		tb->dft_last = last;
}

/* Tells the tree about an edit; points count bytes as tree-sitter wants. */
static void tree_edit(fs_tb *tb, size_t start, size_t old_end, size_t new_end,
		      fs_pos sp, fs_pos oldp, fs_pos newp)
{
	TSInputEdit ed = {
		.start_byte = start, .old_end_byte = old_end, .new_end_byte = new_end,
		.start_point = { sp.line, sp.col },
		.old_end_point = { oldp.line, oldp.col },
		.new_end_point = { newp.line, newp.col },
	};
	tb->last_edit = ed;
	if (!tb->tree)
		return;
	ts_tree_edit(tb->tree, &ed);
	tb->stale = 1;
}

static fs_pos raw_insert(fs_tb *tb, fs_pos p, const char *s, size_t n)
{
	size_t off = fs_tb_offset(tb, p);
	struct line *l = &tb->lines[p.line];
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		nl += s[i] == '\n';
	fs_pos end;
	if (!nl) {
		line_reserve(l, l->len + n);
		memmove(l->s + p.col + n, l->s + p.col, l->len - p.col);
		memcpy(l->s + p.col, s, n);
		l->len += n;
		l->s[l->len] = '\n';
		end = (fs_pos){ p.line, p.col + n };
	} else {
		/* split p's line: head + first piece, middle lines, last piece + tail */
		char *tail = fs_xstrndup(l->s + p.col, l->len - p.col);
		size_t taillen = l->len - p.col;
		lines_open(tb, p.line + 1, nl);
		l = &tb->lines[p.line];
		const char *e = memchr(s, '\n', n);
		l->len = p.col;
		line_reserve(l, p.col + (e - s));
		memcpy(l->s + p.col, s, e - s);
		l->len += e - s;
		l->s[l->len] = '\n';
		size_t ln = p.line;
		const char *q = e + 1;
		while (++ln <= p.line + nl) {
			const char *qe = memchr(q, '\n', s + n - q);
			size_t k = qe ? (size_t)(qe - q) : (size_t)(s + n - q);
			struct line *m = &tb->lines[ln];
			line_reserve(m, k + taillen);
			memcpy(m->s, q, k);
			m->len = k;
			if (!qe) {
				memcpy(m->s + k, tail, taillen);
				m->len += taillen;
			}
			m->s[m->len] = '\n';
			q = qe ? qe + 1 : s + n;
		}
		end = (fs_pos){ p.line + nl, tb->lines[p.line + nl].len - taillen };
		free(tail);
	}
	if (tb->starts_ok > p.line + 1)
		tb->starts_ok = p.line + 1;
	tree_edit(tb, off, off, off + n, p, p, end);
	damage(tb, p.line, nl ? SIZE_MAX : p.line);
	drafted(tb, p.line, nl ? SIZE_MAX : p.line);
	tb->gen++;
	return end;
}

static void raw_delete(fs_tb *tb, fs_pos a, fs_pos b)
{
	size_t off = fs_tb_offset(tb, a), offb = fs_tb_offset(tb, b);
	struct line *la = &tb->lines[a.line], *lb = &tb->lines[b.line];
	size_t keep = lb->len - b.col;
	line_reserve(la, a.col + keep);
	lb = &tb->lines[b.line];
	memmove(la->s + a.col, lb->s + b.col, keep);
	la->len = a.col + keep;
	la->s[la->len] = '\n';
	if (b.line > a.line)
		lines_close(tb, a.line + 1, b.line - a.line);
	if (tb->starts_ok > a.line + 1)
		tb->starts_ok = a.line + 1;
	tree_edit(tb, off, offb, off, a, b, a);
	damage(tb, a.line, b.line > a.line ? SIZE_MAX : a.line);
	drafted(tb, a.line, b.line > a.line ? SIZE_MAX : a.line);
	tb->gen++;
}

/* ---- Undo groups -------------------------------------------------------- */

static struct group *group_push(struct stack *st, unsigned long seq)
{
	st->v = fs_xrealloc(st->v, (st->n + 1) * sizeof *st->v);
	struct group *g = &st->v[st->n++];
	memset(g, 0, sizeof *g);
	g->seq = seq;
	return g;
}

static void op_push(struct group *g, enum op_kind k, fs_pos at, const char *s, size_t n)
{
	g->ops = fs_xrealloc(g->ops, (g->n + 1) * sizeof *g->ops);
	g->ops[g->n++] = (struct op){ k, at, fs_xstrndup(s, n), n };
}

void fs_tb_group_close(fs_tb *tb)
{
	if (!tb->nest)
		tb->open = 0;
}

void fs_tb_group_begin(fs_tb *tb)
{
	if (!tb->nest++) {
		tb->open = 0;
		stack_clear(&tb->redo);
		group_push(&tb->undo, tb->seq_next++);
		tb->open = 1;
	}
}

void fs_tb_group_end(fs_tb *tb)
{
	if (!tb->nest || --tb->nest)
		return;
	tb->open = 0;
	struct group *g = &tb->undo.v[tb->undo.n - 1];
	if (!g->n) {  /* nothing happened: no undo step */
		free(g->ops);
		tb->undo.n--;
	}
}

static int is_word(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int one_char(const char *s, size_t n)
{
	if (!n)
		return 0;
	size_t k = 1;
	while (k < n && is_cont(s[k]))
		k++;
	return k == n;
}

/* The open group this typing may join, or NULL. Typing joins the previous
 * op when it continues it at the same place; a word starting after a
 * non-word character starts a new step. */
static struct group *joinable(fs_tb *tb, enum op_kind k, fs_pos at, const char *s, size_t n)
{
	if (!tb->open || !tb->undo.n)
		return NULL;
	struct group *g = &tb->undo.v[tb->undo.n - 1];
	if (tb->nest)
		return g;
	if (!g->n || !one_char(s, n))
		return NULL;
	struct op *o = &g->ops[g->n - 1];
	if (o->kind != k)
		return NULL;
	if (k == OP_INSERT) {
		if (o->at.line != at.line || o->at.col + o->len != at.col || memchr(o->text, '\n', o->len))
			return NULL;
		if (is_word(s[0]) && !is_word(o->text[o->len - 1]))
			return NULL;
		return g;
	}
	/* a delete: backspace just before the last one, or Delete at the same place */
	int back = at.line == o->at.line && at.col + n == o->at.col;
	int fwd = at.line == o->at.line && at.col == o->at.col;
	if ((!back && !fwd) || s[0] == '\n')
		return NULL;
	char edge = back ? o->text[0] : o->text[o->len - 1];
	if (is_word(s[0]) != is_word(edge) && !(back && is_word(edge)))
		return NULL;
	return g;
}

static void record(fs_tb *tb, enum op_kind k, fs_pos at, const char *s, size_t n)
{
	if (tb->replaying)
		return;
	stack_clear(&tb->redo);
	struct group *g = joinable(tb, k, at, s, n);
	if (g && !tb->nest && g->n) {
		struct op *o = &g->ops[g->n - 1];
		if (o->kind == k && (k == OP_INSERT || at.col == o->at.col || at.col + n == o->at.col)) {
			/* extend the op itself so that undo replays one edit */
			o->text = fs_xrealloc(o->text, o->len + n + 1);
			if (k == OP_DELETE && at.col + n == o->at.col) {
				memmove(o->text + n, o->text, o->len);
				memcpy(o->text, s, n);
				o->at = at;
			} else {
				memcpy(o->text + o->len, s, n);
			}
			o->len += n;
			o->text[o->len] = 0;
			g->seq = tb->seq_next++;
			goto done;
		}
	}
	if (!g)
		g = group_push(&tb->undo, tb->seq_next++);
	else
		g->seq = tb->seq_next++;
	op_push(g, k, at, s, n);
	tb->open = 1;
done:
	/* a newline, a paste or a multi-character delete ends the step */
	if (!tb->nest && (!one_char(s, n) || s[0] == '\n'))
		tb->open = 0;
}

/* Pasted text may come with "\r\n": the buffer keeps one kind of line end. */
static char *drop_cr(const char *s, size_t *n)
{
	if (!memchr(s, '\r', *n))
		return NULL;
	char *d = fs_xmalloc(*n);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (s[i] != '\r' || i + 1 >= *n || s[i + 1] != '\n')
			d[k++] = s[i];
	*n = k;
	return d;
}

void fs_tb_insert(fs_tb *tb, fs_pos p, const char *s, size_t n, fs_pos *end)
{
	p = fs_tb_clamp(tb, p);
	char *lf = drop_cr(s, &n);
	if (lf)
		s = lf;
	fs_pos e = p;
	if (n) {
		record(tb, OP_INSERT, p, s, n);
		e = raw_insert(tb, p, s, n);
	}
	if (end)
		*end = e;
	free(lf);
}

void fs_tb_delete(fs_tb *tb, fs_pos a, fs_pos b)
{
	a = fs_tb_clamp(tb, a);
	b = fs_tb_clamp(tb, b);
	order(&a, &b);
	if (!fs_tb_pos_cmp(a, b))
		return;
	size_t n;
	char *s = fs_tb_get(tb, a, b, &n);
	record(tb, OP_DELETE, a, s, n);
	free(s);
	raw_delete(tb, a, b);
}

char *fs_tb_cut(fs_tb *tb, fs_pos a, fs_pos b, size_t *len)
{
	char *s = fs_tb_get(tb, a, b, len);
	fs_tb_group_close(tb);
	fs_tb_group_begin(tb);
	fs_tb_delete(tb, a, b);
	fs_tb_group_end(tb);
	return s;
}

fs_pos fs_tb_next_char(const fs_tb *tb, fs_pos p)
{
	p = fs_tb_clamp(tb, p);
	const struct line *l = &tb->lines[p.line];
	if (p.col >= l->len)
		return p.line + 1 < tb->nlines ? (fs_pos){ p.line + 1, 0 } : p;
	p.col++;
	while (p.col < l->len && is_cont(l->s[p.col]))
		p.col++;
	return p;
}

fs_pos fs_tb_prev_char(const fs_tb *tb, fs_pos p)
{
	p = fs_tb_clamp(tb, p);
	if (!p.col)
		return p.line ? (fs_pos){ p.line - 1, tb->lines[p.line - 1].len } : p;
	const struct line *l = &tb->lines[p.line];
	p.col--;
	while (p.col > 0 && is_cont(l->s[p.col]))
		p.col--;
	return p;
}

fs_pos fs_tb_backspace(fs_tb *tb, fs_pos p)
{
	fs_pos a = fs_tb_prev_char(tb, p);
	fs_tb_delete(tb, a, p);
	return a;
}

fs_pos fs_tb_delete_char(fs_tb *tb, fs_pos p)
{
	p = fs_tb_clamp(tb, p);
	fs_tb_delete(tb, p, fs_tb_next_char(tb, p));
	return p;
}

/* ---- Undo/redo ---------------------------------------------------------- */

static fs_pos op_end(const struct op *o)
{
	fs_pos e = o->at;
	for (size_t i = 0; i < o->len; i++) {
		if (o->text[i] == '\n') {
			e.line++;
			e.col = 0;
		} else {
			e.col++;
		}
	}
	return e;
}

static void apply(fs_tb *tb, const struct op *o, int inverse)
{
	int insert = (o->kind == OP_INSERT) != inverse;
	if (insert)
		raw_insert(tb, o->at, o->text, o->len);
	else
		raw_delete(tb, o->at, op_end(o));
}

/* Moves the top group of from onto to, replaying it forwards or backwards. */
static int replay(fs_tb *tb, struct stack *from, struct stack *to, int inverse,
		  fs_pos *cursor)
{
	tb->open = 0;
	if (!from->n)
		return 0;
	struct group g = from->v[--from->n];
	fs_pos at = { 0, 0 };
	for (size_t i = 0; i < g.n; i++) {
		const struct op *o = &g.ops[inverse ? g.n - 1 - i : i];
		apply(tb, o, inverse);
		int ins = (o->kind == OP_INSERT) != inverse;
		at = ins ? op_end(o) : o->at;
	}
	to->v = fs_xrealloc(to->v, (to->n + 1) * sizeof *to->v);
	to->v[to->n++] = g;
	if (cursor)
		*cursor = at;
	return 1;
}

int fs_tb_undo(fs_tb *tb, fs_pos *cursor)
{
	if (tb->nest)
		return 0;
	return replay(tb, &tb->undo, &tb->redo, 1, cursor);
}

int fs_tb_redo(fs_tb *tb, fs_pos *cursor)
{
	if (tb->nest)
		return 0;
	return replay(tb, &tb->redo, &tb->undo, 0, cursor);
}

/* ---- Indentation -------------------------------------------------------- */

void fs_tb_set_indent(fs_tb *tb, int spaces)
{
	tb->indent = spaces > 0 ? spaces : 0;
}

void fs_tb_set_tabstop(fs_tb *tb, int tabstop)
{
	tb->tabstop = tabstop > 0 ? tabstop : 8;
}

static size_t indent_len(const struct line *l)
{
	size_t i = 0;
	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i;
}

static void add_level(const fs_tb *tb, fs_buf *b)
{
	if (!tb->indent)
		fs_buf_addc(b, '\t');
	else
		for (int i = 0; i < tb->indent; i++)
			fs_buf_addc(b, ' ');
}

static char closer_of(char c)
{
	return c == '{' ? '}' : c == '(' ? ')' : c == '[' ? ']' : 0;
}

fs_pos fs_tb_newline(fs_tb *tb, fs_pos p)
{
	p = fs_tb_clamp(tb, p);
	const struct line *l = &tb->lines[p.line];
	size_t ind = indent_len(l);
	if (ind > p.col)
		ind = p.col;
	size_t k = p.col;
	while (k > 0 && (l->s[k - 1] == ' ' || l->s[k - 1] == '\t'))
		k--;
	char open = k > 0 ? closer_of(l->s[k - 1]) : 0;
	int closes = open && p.col < l->len && l->s[p.col] == open;
	fs_buf b = FS_BUF_INIT;
	fs_buf_addc(&b, '\n');
	fs_buf_add(&b, l->s, ind);
	if (open)
		add_level(tb, &b);
	size_t cursor_at = b.len;
	if (closes) {
		fs_buf_addc(&b, '\n');
		fs_buf_add(&b, l->s, ind);
	}
	/* one op, joined to the typing before it: Enter ends the step */
	fs_pos end;
	int was_open = tb->open;
	if (was_open && !tb->nest && tb->undo.n) {
		struct group *g = &tb->undo.v[tb->undo.n - 1];
		struct op *o = g->n ? &g->ops[g->n - 1] : NULL;
		if (o && o->kind == OP_INSERT && fs_tb_pos_cmp(op_end(o), p) == 0) {
			op_push(g, OP_INSERT, p, b.data, b.len);
			g->seq = tb->seq_next++;
			stack_clear(&tb->redo);
			raw_insert(tb, p, b.data, b.len);
			tb->open = 0;
			goto done;
		}
	}
	fs_tb_group_close(tb);
	fs_tb_insert(tb, p, b.data, b.len, &end);
done:
	end = (fs_pos){ p.line + 1, cursor_at - 1 };
	fs_buf_free(&b);
	return end;
}

void fs_tb_indent(fs_tb *tb, size_t first, size_t last, int dir)
{
	if (last >= tb->nlines)
		last = tb->nlines - 1;
	fs_tb_group_close(tb);
	fs_tb_group_begin(tb);
	for (size_t i = first; i <= last; i++) {
		const struct line *l = &tb->lines[i];
		if (dir > 0) {
			if (!l->len)
				continue;
			fs_buf b = FS_BUF_INIT;
			add_level(tb, &b);
			fs_tb_insert(tb, (fs_pos){ i, 0 }, b.data, b.len, NULL);
			fs_buf_free(&b);
			continue;
		}
		size_t n = 0, width = tb->indent ? tb->indent : tb->tabstop;
		if (l->len && l->s[0] == '\t')
			n = 1;
		else
			while (n < l->len && n < width && l->s[n] == ' ')
				n++;
		if (n)
			fs_tb_delete(tb, (fs_pos){ i, 0 }, (fs_pos){ i, n });
	}
	fs_tb_group_end(tb);
}

/* ---- Search ------------------------------------------------------------- */

static int match_at(const char *hay, size_t hlen, size_t i, const char *needle,
		    size_t nlen, int icase)
{
	if (i + nlen > hlen)
		return 0;
	if (!icase)
		return !memcmp(hay + i, needle, nlen);
	return !strncasecmp(hay + i, needle, nlen);
}

/* Offset of the next match at or after from (backward: the last starting
 * before from), or -1. */
static long find(const char *hay, size_t hlen, const char *needle, size_t nlen,
		 size_t from, int flags)
{
	int icase = flags & FS_TB_ICASE;
	if (!(flags & FS_TB_BACKWARD)) {
		if (!icase) {
			const char *m = from <= hlen ? memmem(hay + from, hlen - from, needle, nlen) : NULL;
			return m ? m - hay : -1;
		}
		for (size_t i = from; i + nlen <= hlen; i++)
			if (match_at(hay, hlen, i, needle, nlen, icase))
				return i;
		return -1;
	}
	for (size_t i = from; i-- > 0; )
		if (match_at(hay, hlen, i, needle, nlen, icase))
			return i;
	return -1;
}

int fs_tb_search(fs_tb *tb, const char *needle, fs_pos p, int flags, fs_pos *at, int *wrapped)
{
	size_t nlen = strlen(needle), hlen;
	if (!nlen)
		return 0;
	char *hay = fs_tb_get(tb, (fs_pos){ 0, 0 }, (fs_pos){ SIZE_MAX, SIZE_MAX }, &hlen);
	size_t from = fs_tb_offset(tb, p);
	long m = find(hay, hlen, needle, nlen, from, flags);
	int wrap = 0;
	if (m < 0) {
		wrap = 1;
		m = find(hay, hlen, needle, nlen, flags & FS_TB_BACKWARD ? hlen : 0, flags);
	}
	free(hay);
	if (m < 0)
		return 0;
	if (at)
		*at = fs_tb_pos_at(tb, m);
	if (wrapped)
		*wrapped = wrap;
	return 1;
}

/* Replaces the nlen bytes at p with repl (part of the caller's group). */
static fs_pos replace_at(fs_tb *tb, fs_pos p, size_t nlen, const char *repl)
{
	fs_pos e = fs_tb_pos_at(tb, fs_tb_offset(tb, p) + nlen);
	fs_tb_delete(tb, p, e);
	fs_tb_insert(tb, p, repl, strlen(repl), &e);
	return e;
}

int fs_tb_replace(fs_tb *tb, fs_pos p, const char *needle, const char *repl, int flags,
		  fs_pos *end)
{
	size_t nlen = strlen(needle), hlen;
	p = fs_tb_clamp(tb, p);
	char *hay = fs_tb_get(tb, p, (fs_pos){ SIZE_MAX, SIZE_MAX }, &hlen);
	int ok = nlen && match_at(hay, hlen, 0, needle, nlen, flags & FS_TB_ICASE);
	free(hay);
	if (!ok)
		return 0;
	fs_tb_group_close(tb);
	fs_tb_group_begin(tb);
	fs_pos e = replace_at(tb, p, nlen, repl);
	fs_tb_group_end(tb);
	if (end)
		*end = e;
	return 1;
}

size_t fs_tb_replace_all(fs_tb *tb, const char *needle, const char *repl, int flags)
{
	size_t nlen = strlen(needle), hlen, n = 0, cap = 0, *at = NULL;
	if (!nlen)
		return 0;
	char *hay = fs_tb_get(tb, (fs_pos){ 0, 0 }, (fs_pos){ SIZE_MAX, SIZE_MAX }, &hlen);
	for (long m = 0; (m = find(hay, hlen, needle, nlen, m, flags & FS_TB_ICASE)) >= 0;
	     m += nlen) {
		if (n == cap)
			at = fs_xrealloc(at, (cap = cap * 2 + 16) * sizeof *at);
		at[n++] = m;
	}
	free(hay);
	if (n) {
		fs_tb_group_close(tb);
		fs_tb_group_begin(tb);
		/* from the end, so that earlier offsets stay right */
		for (size_t i = n; i-- > 0; )
			replace_at(tb, fs_tb_pos_at(tb, at[i]), nlen, repl);
		fs_tb_group_end(tb);
	}
	free(at);
	return n;
}

/* ---- Columns ------------------------------------------------------------ */

/* Decodes one UTF-8 character; -1 for an invalid sequence (one byte). */
static long utf8_decode(const unsigned char *s, size_t n, size_t *clen)
{
	unsigned char c = s[0];
	size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
		(c & 0xF8) == 0xF0 ? 4 : 0;
	*clen = 1;
	if (!k || k > n)
		return -1;
	long cp = k == 1 ? c : c & (0x7F >> k);
	for (size_t i = 1; i < k; i++) {
		if (!is_cont(s[i]))
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*clen = k;
	return cp;
}

int fs_char_width(const char *s, size_t n, size_t dcol, int tabstop, size_t *clen)
{
	unsigned char c = s[0];
	*clen = 1;
	if (c == '\t')
		return tabstop - dcol % tabstop;
	if (c < 0x20 || c == 0x7F)
		return 2;
	if (c < 0x80)
		return 1;
	long cp = utf8_decode((const unsigned char *)s, n, clen);
	if (cp < 0)
		return 1;
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

size_t fs_tb_display_col(const fs_tb *tb, size_t line, size_t col)
{
	size_t len, d = 0, clen;
	const char *s = fs_tb_line(tb, line, &len);
	if (col > len)
		col = len;
	for (size_t i = 0; i < col; i += clen)
		d += fs_char_width(s + i, len - i, d, tb->tabstop, &clen);
	return d;
}

size_t fs_tb_col_at_display(const fs_tb *tb, size_t line, size_t dcol)
{
	size_t len, d = 0, clen;
	const char *s = fs_tb_line(tb, line, &len);
	for (size_t i = 0; i < len; i += clen) {
		int w = fs_char_width(s + i, len - i, d, tb->tabstop, &clen);
		if (dcol < d + w)
			return i;
		d += w;
	}
	return len;
}

/* ---- Brackets ----------------------------------------------------------- */

static char partner(char c, int *dir)
{
	switch (c) {
	case '(': *dir = 1; return ')';
	case '[': *dir = 1; return ']';
	case '{': *dir = 1; return '}';
	case ')': *dir = -1; return '(';
	case ']': *dir = -1; return '[';
	case '}': *dir = -1; return '{';
	}
	return 0;
}

/* With a tree: the bracket token's parent holds its partner as a sibling. */
static int match_by_tree(fs_tb *tb, size_t off, char c, char want, int dir, fs_pos *out)
{
	const TSTree *t = fs_tb_tree(tb);
	if (!t)
		return -1;
	TSNode n = ts_node_descendant_for_byte_range(ts_tree_root_node(t), off, off + 1);
	if (ts_node_is_null(n) || ts_node_start_byte(n) != off ||
	    ts_node_end_byte(n) != off + 1 || ts_node_child_count(n))
		return -1;
	char type[2] = { want, 0 };
	TSNode s = n;
	int depth = 0;
	for (;;) {
		s = dir > 0 ? ts_node_next_sibling(s) : ts_node_prev_sibling(s);
		if (ts_node_is_null(s))
			return -1;
		const char *ty = ts_node_type(s);
		if (ty[0] == c && !ty[1])
			depth++;
		else if (!strcmp(ty, type) && !ts_node_is_missing(s) && !depth--) {
			*out = fs_tb_pos_at(tb, ts_node_start_byte(s));
			return 1;
		}
	}
}

static int match_by_scan(fs_tb *tb, fs_pos p, char c, char want, int dir, fs_pos *out)
{
	int depth = 0;
	for (;;) {
		if (dir > 0) {
			if (++p.col >= tb->lines[p.line].len) {
				while (p.col >= tb->lines[p.line].len) {
					if (++p.line >= tb->nlines)
						return 0;
					p.col = 0;
					if (tb->lines[p.line].len)
						break;
				}
			}
		} else {
			while (!p.col) {
				if (!p.line--)
					return 0;
				p.col = tb->lines[p.line].len;
			}
			p.col--;
		}
		char ch = tb->lines[p.line].s[p.col];
		if (ch == c)
			depth++;
		else if (ch == want && !depth--) {
			*out = p;
			return 1;
		}
	}
}

int fs_tb_match_bracket(fs_tb *tb, fs_pos p, fs_pos *out)
{
	p = fs_tb_clamp(tb, p);
	const struct line *l = &tb->lines[p.line];
	int dir = 0;
	char want = p.col < l->len ? partner(l->s[p.col], &dir) : 0;
	if (!want && p.col > 0) {
		want = partner(l->s[p.col - 1], &dir);
		if (want)
			p.col--;
	}
	if (!want)
		return 0;
	char c = l->s[p.col];
	int r = match_by_tree(tb, fs_tb_offset(tb, p), c, want, dir, out);
	return r >= 0 ? r : match_by_scan(tb, p, c, want, dir, out);
}

/* ---- Syntax ------------------------------------------------------------- */

static const char *tb_read(void *payload, uint32_t off, TSPoint pt, uint32_t *n)
{
	fs_tb *tb = payload;
	fs_pos p = fs_tb_pos_at(tb, off);
	const struct line *l = &tb->lines[p.line];
	if (p.col > l->len) {
		*n = 0;
		return "";
	}
	/* the rest of the line and its '\n', but no '\n' after the last line */
	*n = l->len - p.col + (p.line + 1 < tb->nlines);
	return l->s + p.col;
}

static void reparse(fs_tb *tb)
{
	TSInput in = { tb, tb_read, TSInputEncodingUTF8 };
	starts_update(tb, tb->nlines);
	TSTree *old = tb->tree;
	tb->tree = ts_parser_parse(tb->parser, old, in);
	free(tb->changed);
	tb->changed = NULL;
	tb->nchanged = 0;
	if (old) {
		tb->changed = ts_tree_get_changed_ranges(old, tb->tree, &tb->nchanged);
		ts_tree_delete(old);
	}
	for (uint32_t i = 0; i < tb->nchanged; i++)
		damage(tb, tb->changed[i].start_point.row, tb->changed[i].end_point.row);
	if (tb->drafted)
		damage(tb, tb->dft_first, tb->dft_last);
	tb->drafted = 0;
	tb->stale = 0;
}

/* Drawing goes on with the edited tree (see fs_tb_set_draft). */
static int drafting(const fs_tb *tb)
{
	return tb->draft && tb->stale && fs_tb_size(tb) > tb->draft;
}

void fs_tb_set_draft(fs_tb *tb, size_t bytes)
{
	tb->draft = bytes;
}

int fs_tb_stale(const fs_tb *tb)
{
	return tb->tree && tb->stale;
}

void fs_tb_set_language(fs_tb *tb, const TSLanguage *lang)
{
	if (tb->tree)
		ts_tree_delete(tb->tree);
	tb->tree = NULL;
	if (!tb->parser)
		tb->parser = ts_parser_new();
	ts_parser_set_language(tb->parser, lang);
	reparse(tb);
	damage(tb, 0, SIZE_MAX);
}

const TSTree *fs_tb_tree(fs_tb *tb)
{
	if (tb->parser && tb->stale)
		reparse(tb);
	return tb->tree;
}

const TSInputEdit *fs_tb_last_edit(const fs_tb *tb)
{
	return &tb->last_edit;
}

const TSRange *fs_tb_changed_ranges(const fs_tb *tb, uint32_t *n)
{
	*n = tb->nchanged;
	return tb->changed;
}

int fs_tb_take_damage(fs_tb *tb, size_t *first, size_t *last)
{
	if (!drafting(tb))
		fs_tb_tree(tb);
	if (!tb->damaged)
		return 0;
	*first = tb->dmg_first;
	*last = tb->dmg_last;
	tb->damaged = 0;
	return 1;
}

static const char *tb_get(void *ctx, uint32_t start, uint32_t end, fs_buf *scratch)
{
	fs_tb *tb = ctx;
	fs_pos p = fs_tb_pos_at(tb, start);
	const struct line *l = &tb->lines[p.line];
	if (p.col + (end - start) <= l->len)
		return l->s + p.col;   /* within one line: no copy */
	size_t n;
	char *s = fs_tb_get(tb, p, fs_tb_pos_at(tb, end), &n);
	fs_buf_reset(scratch);
	fs_buf_add(scratch, s, n);
	free(s);
	return scratch->data;
}

fs_hl_text fs_tb_hl_text(fs_tb *tb)
{
	return (fs_hl_text){ tb_get, tb };
}

void fs_tb_spans(fs_tb *tb, fs_hl_query *q, size_t first, size_t n, fs_spans *out)
{
	const TSTree *t = drafting(tb) ? tb->tree : fs_tb_tree(tb);
	out->n = 0;
	if (!t || first >= tb->nlines)
		return;
	size_t a = fs_tb_offset(tb, (fs_pos){ first, 0 });
	size_t b = first + n >= tb->nlines ? fs_tb_size(tb) :
		fs_tb_offset(tb, (fs_pos){ first + n, 0 });
	fs_hl_spans(q, t, fs_tb_hl_text(tb), a, b, out);
}
