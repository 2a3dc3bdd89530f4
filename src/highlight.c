/* Highlight queries: loading, predicate evaluation, spans of a byte range. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "fsutil.h"
#include "highlight.h"
#include "js.h"
#include "hl_queries.h"   /* generated from share/queries/ at build time */

static const char *const hl_names[] = {
#define FS_HL_NAME(k, n) n,
	FS_HL_LIST(FS_HL_NAME)
#undef FS_HL_NAME
};

const char *fs_hl_name(fs_hl h)
{
	return h >= 0 && h < FS_HL_COUNT ? hl_names[h] : "none";
}

int fs_hl_from_name(const char *name)
{
	for (int i = 0; i < FS_HL_COUNT; i++)
		if (!strcmp(hl_names[i], name))
			return i;
	return -1;
}

/* ---- Predicates --------------------------------------------------------- */

enum pred_op { P_EQ, P_MATCH, P_ANY };

/* Names repeat a lot in code (doc, emit, i...): #match? remembers recent
 * answers instead of running the regex on every occurrence. */
#define RE_CACHE 256
#define RE_CACHE_LEN 23
struct re_memo {
	char s[RE_CACHE_LEN];
	uint8_t len;      /* 0: empty slot */
	uint8_t match;
};

struct pred {
	enum pred_op op;
	int neg;
	uint32_t cap;         /* the capture tested */
	int arg_cap;          /* #eq? against another capture: its id, else -1 */
	char **strs;          /* #eq? one string, #any-of? the set */
	size_t *lens;
	size_t nstr;
	regex_t re;
	struct re_memo *memo;
};

struct pattern {
	struct pred *v;
	size_t n;
};

struct fs_hl_query {
	TSQuery *q;
	TSQueryCursor *cur;
	char *src;            /* the query text */
	int *cap_hl;          /* per capture id: fs_hl, or -1 (not drawn) */
	struct pattern *pats;
	uint32_t npat;
	fs_buf scratch, scratch2;
	/* Per byte of the range being painted: the winning capture and its
	 * priority (inner node first, then later pattern). */
	uint8_t *paint;
	uint32_t *prio;
	size_t paintcap;
};

/* POSIX regcomp reads \d as 'd': translate the Perl classes tree-sitter
 * queries use. */
static char *regex_translate(const char *s)
{
	fs_buf b = FS_BUF_INIT;
	int in_set = 0;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			const char *cls = NULL;
			switch (s[1]) {
			case 'd': cls = "0-9"; break;
			case 'w': cls = "A-Za-z0-9_"; break;
			case 's': cls = "[:space:]"; break;
			}
			if (cls) {
				fs_buf_printf(&b, in_set ? "%s" : "[%s]", cls);
				s++;
				continue;
			}
			fs_buf_addc(&b, *s++);
			fs_buf_addc(&b, *s);
			continue;
		}
		if (*s == '[' && !in_set) {
			in_set = 1;
			fs_buf_addc(&b, *s);
			/* a ']' right after '[' or '[^' is a member, not the end */
			if (s[1] == '^')
				fs_buf_addc(&b, *++s);
			if (s[1] == ']')
				fs_buf_addc(&b, *++s);
			continue;
		}
		if (*s == ']' && in_set)
			in_set = 0;
		fs_buf_addc(&b, *s);
	}
	return fs_buf_steal(&b);
}

static void pred_free(struct pred *p)
{
	for (size_t i = 0; i < p->nstr; i++)
		free(p->strs[i]);
	free(p->strs);
	free(p->lens);
	free(p->memo);
	if (p->op == P_MATCH)
		regfree(&p->re);
}

static const char *step_str(const TSQuery *q, const TSQueryPredicateStep *s)
{
	uint32_t len;
	return ts_query_string_value_for_id(q, s->value_id, &len);
}

/* Parses one predicate (steps up to a Done step) of pattern pat. */
static int pred_parse(fs_hl_query *hq, const TSQueryPredicateStep *st, uint32_t n,
		      struct pred *p, char *why, size_t whylen)
{
	const char *name = step_str(hq->q, &st[0]);
	memset(p, 0, sizeof *p);
	p->arg_cap = -1;
	if (!strncmp(name, "not-", 4)) {
		p->neg = 1;
		name += 4;
	}
	if (!strcmp(name, "eq?"))
		p->op = P_EQ;
	else if (!strcmp(name, "match?"))
		p->op = P_MATCH;
	else if (!strcmp(name, "any-of?"))
		p->op = P_ANY;
	else {
		snprintf(why, whylen, "unknown predicate #%s", step_str(hq->q, &st[0]));
		return -1;
	}
	if (n < 3 || st[1].type != TSQueryPredicateStepTypeCapture ||
	    (p->op != P_ANY && n != 3)) {
		snprintf(why, whylen, "#%s takes a capture and %s", step_str(hq->q, &st[0]),
			 p->op == P_ANY ? "strings" : "one argument");
		return -1;
	}
	p->cap = st[1].value_id;
	if (p->op == P_EQ && st[2].type == TSQueryPredicateStepTypeCapture) {
		p->arg_cap = st[2].value_id;
		return 0;
	}
	p->strs = fs_xcalloc(n - 2, sizeof *p->strs);
	p->lens = fs_xcalloc(n - 2, sizeof *p->lens);
	for (uint32_t i = 2; i < n; i++) {
		if (st[i].type != TSQueryPredicateStepTypeString) {
			snprintf(why, whylen, "#%s takes strings after the capture",
				 step_str(hq->q, &st[0]));
			return -1;
		}
		uint32_t len;
		const char *v = ts_query_string_value_for_id(hq->q, st[i].value_id, &len);
		p->strs[p->nstr] = fs_xstrndup(v, len);
		p->lens[p->nstr++] = len;
	}
	if (p->op == P_MATCH) {
		char *re = regex_translate(p->strs[0]);
		int rc = regcomp(&p->re, re, REG_EXTENDED | REG_NOSUB);
		free(re);
		if (rc) {
			regerror(rc, &p->re, why, whylen);
			p->op = P_EQ; /* nothing to regfree */
			return -1;
		}
		p->memo = fs_xcalloc(RE_CACHE, sizeof *p->memo);
	}
	return 0;
}

static void patterns_free(fs_hl_query *hq)
{
	for (uint32_t i = 0; i < hq->npat; i++) {
		for (size_t j = 0; j < hq->pats[i].n; j++)
			pred_free(&hq->pats[i].v[j]);
		free(hq->pats[i].v);
	}
	free(hq->pats);
}

/* 1-based line and column of byte off in src, for messages. */
static void src_linecol(const char *src, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && src[i]; i++) {
		if (src[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static int patterns_parse(fs_hl_query *hq, const char *src, const char *label, fs_err *e)
{
	hq->npat = ts_query_pattern_count(hq->q);
	hq->pats = fs_xcalloc(hq->npat, sizeof *hq->pats);
	for (uint32_t i = 0; i < hq->npat; i++) {
		uint32_t n;
		const TSQueryPredicateStep *st = ts_query_predicates_for_pattern(hq->q, i, &n);
		for (uint32_t a = 0; a < n; ) {
			uint32_t b = a;
			while (b < n && st[b].type != TSQueryPredicateStepTypeDone)
				b++;
			struct pattern *pt = &hq->pats[i];
			pt->v = fs_xrealloc(pt->v, (pt->n + 1) * sizeof *pt->v);
			char why[256];
			if (pred_parse(hq, st + a, b - a, &pt->v[pt->n], why, sizeof why)) {
				pred_free(&pt->v[pt->n]);
				int line, col;
				src_linecol(src, ts_query_start_byte_for_pattern(hq->q, i), &line, &col);
				return fs_err_set(e, FS_E_PARSE, "%s:%d:%d: %s", label, line, col, why);
			}
			pt->n++;
			a = b + 1;
		}
	}
	return 0;
}

static int captures_map(fs_hl_query *hq, const char *src, const char *label, fs_err *e)
{
	uint32_t n = ts_query_capture_count(hq->q);
	hq->cap_hl = fs_xcalloc(n ? n : 1, sizeof *hq->cap_hl);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len;
		const char *name = ts_query_capture_name_for_id(hq->q, i, &len);
		char base[64];
		size_t bl = strcspn(name, ".");
		snprintf(base, sizeof base, "%.*s", (int)(bl < len ? bl : len), name);
		hq->cap_hl[i] = name[0] == '_' ? -1 : fs_hl_from_name(base);
		if (hq->cap_hl[i] < 0 && name[0] != '_') {
			const char *at = strstr(src, name);
			int line = 0, col = 0;
			if (at)
				src_linecol(src, at - src, &line, &col);
			return fs_err_set(e, FS_E_PARSE, "%s:%d:%d: unknown capture @%.*s",
					  label, line, col, (int)len, name);
		}
	}
	return 0;
}

static const char *const query_errors[] = {
	"ok", "syntax error", "invalid node type", "invalid field name",
	"invalid capture name", "impossible pattern", "invalid structure",
	"invalid language",
};

int fs_hl_query_new(fs_hl_query **out, const TSLanguage *lang, const char *src,
		    size_t len, const char *label, fs_err *e)
{
	uint32_t off;
	TSQueryError qe;
	*out = NULL;
	TSQuery *q = ts_query_new(lang, src, len, &off, &qe);
	if (!q) {
		int line, col;
		src_linecol(src, off, &line, &col);
		const char *what = qe < sizeof query_errors / sizeof *query_errors ?
			query_errors[qe] : "error";
		return fs_err_set(e, FS_E_PARSE, "%s:%d:%d: %s near '%.20s'", label, line,
				  col, what, src + (off < len ? off : len));
	}
	fs_hl_query *hq = fs_xcalloc(1, sizeof *hq);
	hq->q = q;
	if (patterns_parse(hq, src, label, e) || captures_map(hq, src, label, e)) {
		fs_hl_query_free(hq);
		return e ? e->code : FS_E_PARSE;
	}
	hq->cur = ts_query_cursor_new();
	hq->src = fs_xstrndup(src, len);
	*out = hq;
	return 0;
}

void fs_hl_query_free(fs_hl_query *hq)
{
	if (!hq)
		return;
	patterns_free(hq);
	free(hq->cap_hl);
	if (hq->cur)
		ts_query_cursor_delete(hq->cur);
	ts_query_delete(hq->q);
	free(hq->src);
	fs_buf_free(&hq->scratch);
	fs_buf_free(&hq->scratch2);
	free(hq->paint);
	free(hq->prio);
	free(hq);
}

const char *fs_hl_builtin_source(const char *lang_name)
{
	if (!strcmp(lang_name, "javascript"))
		return fs_query_javascript;
	if (!strcmp(lang_name, "json"))
		return fs_query_json;
	return NULL;
}

/* $XDG_CONFIG_HOME/fsstudio/queries/NAME.scm (or ~/.config/...). */
static char *user_query_path(const char *lang_name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		return fs_xasprintf("%s/fsstudio/queries/%s.scm", xdg, lang_name);
	if (home && *home)
		return fs_xasprintf("%s/.config/fsstudio/queries/%s.scm", home, lang_name);
	return NULL;
}

int fs_hl_query_load(fs_hl_query **out, const char *lang_name, fs_err *e)
{
	const TSLanguage *lang = fs_lang(lang_name);
	const char *builtin = fs_hl_builtin_source(lang_name);
	*out = NULL;
	if (!lang || !builtin)
		return fs_err_set(e, FS_E_NOTFOUND, "no highlight query for '%s'", lang_name);
	char *path = user_query_path(lang_name);
	if (path && fs_is_file(path)) {
		char *src;
		size_t len;
		int rc = fs_read_file(path, &src, &len, e);
		if (!rc)
			rc = fs_hl_query_new(out, lang, src, len, path, e);
		free(src);
		free(path);
		return rc;
	}
	free(path);
	char label[64];
	snprintf(label, sizeof label, "%s.scm", lang_name);
	return fs_hl_query_new(out, lang, builtin, strlen(builtin), label, e);
}

/* ---- Matching ----------------------------------------------------------- */

static const char *node_text(fs_hl_query *hq, fs_hl_text t, TSNode n, size_t *len,
			     fs_buf *scratch)
{
	uint32_t s = ts_node_start_byte(n), en = ts_node_end_byte(n);
	*len = en - s;
	return t.get(t.ctx, s, en, scratch);
}

static int regex_holds(fs_hl_query *hq, const struct pred *p, const char *s, size_t len)
{
	struct re_memo *m = NULL;
	if (len && len <= RE_CACHE_LEN) {
		unsigned h = len;
		for (size_t i = 0; i < len; i++)
			h = h * 31 + (unsigned char)s[i];
		m = &p->memo[h % RE_CACHE];
		if (m->len == len && !memcmp(m->s, s, len))
			return m->match;
	}
	if (s != hq->scratch.data) {
		fs_buf_reset(&hq->scratch);
		fs_buf_add(&hq->scratch, s, len);
	}
	int r = !regexec(&p->re, fs_buf_str(&hq->scratch), 0, NULL, 0);
	if (m) {
		memcpy(m->s, s, len);
		m->len = len;
		m->match = r;
	}
	return r;
}

static int pred_holds(fs_hl_query *hq, const struct pred *p, TSNode n,
		      const TSQueryMatch *m, fs_hl_text t)
{
	size_t len;
	const char *s = node_text(hq, t, n, &len, &hq->scratch);
	switch (p->op) {
	case P_EQ:
		if (p->arg_cap >= 0) {
			for (uint16_t i = 0; i < m->capture_count; i++) {
				if (m->captures[i].index != (uint32_t)p->arg_cap)
					continue;
				size_t len2;
				const char *s2 = node_text(hq, t, m->captures[i].node, &len2,
							   &hq->scratch2);
				return len == len2 && !memcmp(s, s2, len);
			}
			return 0;
		}
		return len == p->lens[0] && !memcmp(s, p->strs[0], len);
	case P_ANY:
		for (size_t i = 0; i < p->nstr; i++)
			if (len == p->lens[i] && !memcmp(s, p->strs[i], len))
				return 1;
		return 0;
	case P_MATCH:
		return regex_holds(hq, p, s, len);
	}
	return 0;
}

static int match_passes(fs_hl_query *hq, const TSQueryMatch *m, fs_hl_text t)
{
	const struct pattern *pt = &hq->pats[m->pattern_index];
	for (size_t i = 0; i < pt->n; i++) {
		const struct pred *p = &pt->v[i];
		for (uint16_t c = 0; c < m->capture_count; c++)
			if (m->captures[c].index == p->cap &&
			    pred_holds(hq, p, m->captures[c].node, m, t) == p->neg)
				return 0;
	}
	return 1;
}

static void paint_reserve(fs_hl_query *hq, size_t n)
{
	if (n <= hq->paintcap)
		return;
	free(hq->paint);
	free(hq->prio);
	hq->paintcap = n;
	hq->paint = fs_xmalloc(n);
	hq->prio = fs_xmalloc(n * sizeof *hq->prio);
}

/* Paints one capture over [s, e) clipped to [start, end): a shorter node
 * beats a longer one (lengths count up to 64 KiB), then a later pattern
 * beats an earlier one. */
static void paint(fs_hl_query *hq, uint32_t start, uint32_t end, uint32_t s, uint32_t e,
		  uint32_t pattern, int hl)
{
	uint32_t len = e - s < 0xFFFF ? e - s : 0xFFFF;
	uint32_t pr = ((0xFFFF - len) << 16) | (pattern + 1 < 0xFFFF ? pattern + 1 : 0xFFFF);
	if (s < start)
		s = start;
	if (e > end)
		e = end;
	if (s >= e)   /* a capture of the match outside the range */
		return;
	for (uint32_t i = s - start; i < e - start; i++) {
		if (pr >= hq->prio[i]) {
			hq->prio[i] = pr;
			hq->paint[i] = (uint8_t)hl;
		}
	}
}

static void spans_add(fs_spans *out, uint32_t s, uint32_t e, fs_hl hl)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? 2 * out->cap : 64;
		out->v = fs_xrealloc(out->v, out->cap * sizeof *out->v);
	}
	out->v[out->n++] = (fs_span){ s, e, hl };
}

/* Paints the matches of the query under node within [start, end). */
static void run_query(fs_hl_query *hq, TSNode node, fs_hl_text t, uint32_t start, uint32_t end)
{
	ts_query_cursor_set_byte_range(hq->cur, start, end);
	ts_query_cursor_exec(hq->cur, hq->q, node);
	TSQueryMatch m;
	while (ts_query_cursor_next_match(hq->cur, &m)) {
		if (hq->pats[m.pattern_index].n && !match_passes(hq, &m, t))
			continue;
		for (uint16_t i = 0; i < m.capture_count; i++) {
			int hl = hq->cap_hl[m.captures[i].index];
			TSNode n = m.captures[i].node;
			if (hl >= 0)
				paint(hq, start, end, ts_node_start_byte(n), ts_node_end_byte(n),
				      m.pattern_index, hl);
		}
	}
}

/* Whether the query source names a node type ("(program"): patterns on the
 * root then need the query run from the root. */
static int names_node(const char *src, const char *type)
{
	size_t n = strlen(type);
	for (const char *p = src; (p = strstr(p, type)); p += n) {
		const char *b = p;
		while (b > src && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n'))
			b--;
		char after = p[n];
		if (b > src && (b[-1] == '(' || b[-1] == '[') &&
		    !(after == '_' || (after >= 'a' && after <= 'z')))
			return 1;
	}
	return 0;
}

void fs_hl_spans(fs_hl_query *hq, const TSTree *tree, fs_hl_text t,
		 uint32_t start, uint32_t end, fs_spans *out)
{
	out->n = 0;
	TSNode root = ts_tree_root_node(tree);
	if (end > ts_node_end_byte(root))
		end = ts_node_end_byte(root);
	if (start >= end)
		return;
	paint_reserve(hq, end - start);
	memset(hq->paint, 0, end - start);
	memset(hq->prio, 0, (end - start) * sizeof *hq->prio);
	if (names_node(hq->src, ts_node_type(root))) {
		run_query(hq, root, t, start, end);
	} else {
		/* Run the query on each top-level node in the range, not on the
		 * root: tree-sitter 0.20's cursor steps over every earlier child
		 * of the root, at a cost growing with the file. */
		TSTreeCursor c = ts_tree_cursor_new(root);
		if (ts_tree_cursor_goto_first_child_for_byte(&c, start) >= 0) {
			do {
				TSNode n = ts_tree_cursor_current_node(&c);
				if (ts_node_start_byte(n) >= end)
					break;
				run_query(hq, n, t, start, end);
			} while (ts_tree_cursor_goto_next_sibling(&c));
		}
		ts_tree_cursor_delete(&c);
	}
	for (uint32_t i = 0; i < end - start; ) {
		uint32_t j = i + 1;
		while (j < end - start && hq->paint[j] == hq->paint[i])
			j++;
		if (hq->paint[i] != FS_HL_NONE)
			spans_add(out, start + i, start + j, hq->paint[i]);
		i = j;
	}
}

static const char *str_get(void *ctx, uint32_t start, uint32_t end, fs_buf *scratch)
{
	return (const char *)ctx + start;
}

void fs_hl_spans_str(fs_hl_query *hq, const TSTree *tree, const char *s,
		     uint32_t start, uint32_t end, fs_spans *out)
{
	fs_hl_text t = { str_get, (void *)s };
	fs_hl_spans(hq, tree, t, start, end, out);
}

fs_hl fs_spans_at(const fs_spans *s, uint32_t off)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid].end <= off)
			lo = mid + 1;
		else if (s->v[mid].start > off)
			hi = mid;
		else
			return s->v[mid].hl;
	}
	return FS_HL_NONE;
}

void fs_spans_free(fs_spans *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
