/* Highlight queries: loading, predicate evaluation, spans of a byte range. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "base/fsutil.h"
#include "js/highlight.h"
#include "js/js.h"
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
	uint32_t *set;        /* #any-of?: open hash of string index + 1 */
	uint32_t setmask;
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
	/* Node types the query names (bit per symbol), see types_scan(). */
	uint8_t *types;
	int split;            /* 0: run from the root (see types_scan) */
	TSTreeCursor probe;   /* see aliased() */
	int has_probe;
	/* Per byte of the range being painted: the winning capture and its
	 * priority (inner node first, then later pattern). */
	uint8_t *paint;
	uint32_t *prio;
	size_t paintcap;
	uint32_t start, end;  /* the range being painted */
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
	free(p->set);
	if (p->op == P_MATCH)
		regfree(&p->re);
}

static const char *step_str(const TSQuery *q, const TSQueryPredicateStep *s)
{
	uint32_t len;
	return ts_query_string_value_for_id(q, s->value_id, &len);
}

static uint32_t str_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* #any-of? runs on every identifier: its strings go in a hash table. */
static void set_build(struct pred *p)
{
	uint32_t n = 8;
	while (n < 2 * p->nstr)
		n *= 2;
	p->set = fs_xcalloc(n, sizeof *p->set);
	p->setmask = n - 1;
	for (size_t i = 0; i < p->nstr; i++) {
		uint32_t h = str_hash(p->strs[i], p->lens[i]) & p->setmask;
		while (p->set[h])
			h = (h + 1) & p->setmask;
		p->set[h] = i + 1;
	}
}

static int set_has(const struct pred *p, const char *s, size_t len)
{
	for (uint32_t h = str_hash(s, len) & p->setmask; p->set[h]; h = (h + 1) & p->setmask) {
		uint32_t i = p->set[h] - 1;
		if (p->lens[i] == len && !memcmp(p->strs[i], s, len))
			return 1;
	}
	return 0;
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
	if (p->op == P_ANY)
		set_build(p);
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

static enum fs_err_code patterns_parse(fs_hl_query *hq, const char *src, const char *label, fs_err *e)
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

static enum fs_err_code captures_map(fs_hl_query *hq, const char *src, const char *label, fs_err *e)
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

/* ---- Node types the query names ---------------------------------------- */

/* fs_hl_spans enters the nodes across an end of the range itself and runs
 * the query only on those whose type the query names (run_split). That
 * holds while every pattern is rooted and names its node types: with a
 * wildcard, a supertype or a top-level sibling sequence the query runs
 * from the root instead. */

#define TYPES_BYTES (65536 / 8)   /* a bit per TSSymbol (ERROR is 65535) */

static int type_has(const uint8_t *types, TSSymbol s)
{
	return types[s >> 3] >> (s & 7) & 1;
}

/* Marks the type called name; 0 when it is no plain node type. */
static int type_mark(uint8_t *types, const TSLanguage *lang, const char *name,
		     size_t len, int named)
{
	TSSymbol s = ts_language_symbol_for_name(lang, name, len, named);
	TSSymbolType want = named ? TSSymbolTypeRegular : TSSymbolTypeAnonymous;
	if (!s)
		return 0;
	if (s != (TSSymbol)-1 && ts_language_symbol_type(lang, s) != want)
		return 0;   /* a supertype */
	types[s >> 3] |= 1 << (s & 7);
	return 1;
}

static char unescape(char c)
{
	switch (c) {
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '0': return '\0';
	}
	return c;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '-' || c == '.' || c == '?' || c == '!';
}

/* Node names of a query source: identifiers right after '(' and strings
 * outside predicates. 0 on a wildcard or a name of no plain node type. */
static int types_read(uint8_t *types, const TSLanguage *lang, const char *s)
{
	int depth = 0, pred = -1, open = 0, ok = 1;
	fs_buf str = FS_BUF_INIT;
	while (*s && ok) {
		if (*s == ';') {
			s += strcspn(s, "\n");
			continue;
		} else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			s++;
			continue;   /* "( identifier" is still right after '(' */
		} else if (*s == '"') {
			fs_buf_reset(&str);
			for (s++; *s && *s != '"'; s++)
				fs_buf_addc(&str, *s == '\\' && s[1] ? unescape(*++s) : *s);
			s += *s == '"';
			if (pred < 0)
				ok = type_mark(types, lang, str.data ? str.data : "", str.len, 0);
		} else if (*s == '(' || *s == '[') {
			depth++;
			open = *s++ == '(';
			continue;
		} else if (*s == ')' || *s == ']') {
			if (depth-- == pred)
				pred = -1;
			s++;
		} else if (*s == '#' && open) {
			pred = depth;
			s++;
		} else if (name_char(*s)) {
			size_t n = 1;
			while (name_char(s[n]))
				n++;
			if (n == 1 && *s == '_')
				ok = 0;   /* a wildcard */
			else if (open && s[n] != ':' && pred < 0)
				ok = type_mark(types, lang, s, n, 1);
			s += n;
		} else if (*s == '@') {
			for (s++; name_char(*s); s++)
				;
		} else {
			s++;
		}
		open = 0;
	}
	fs_buf_free(&str);
	return ok;
}

static void types_scan(fs_hl_query *hq, const TSLanguage *lang)
{
	hq->types = fs_xcalloc(1, TYPES_BYTES);
	int ok = types_read(hq->types, lang, hq->src);
	for (uint32_t i = 0; ok && i < hq->npat; i++)
		ok = ts_query_is_pattern_rooted(hq->q, i);
	hq->split = ok;
}

static const char *const query_errors[] = {
	"ok", "syntax error", "invalid node type", "invalid field name",
	"invalid capture name", "impossible pattern", "invalid structure",
	"invalid language",
};

enum fs_err_code fs_hl_query_new(fs_hl_query **out, const TSLanguage *lang, const char *src,
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
	types_scan(hq, lang);
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
	free(hq->types);
	if (hq->has_probe)
		ts_tree_cursor_delete(&hq->probe);
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

enum fs_err_code fs_hl_query_load(fs_hl_query **out, const char *lang_name, fs_err *e)
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
		return set_has(p, s, len);
	case P_MATCH:
		return regex_holds(hq, p, s, len);
	}
	return 0;
}

/* Whether capture c of the match shares its node with another capture. */
static int shares_node(const TSQueryMatch *m, uint16_t c)
{
	for (uint16_t i = 0; i < m->capture_count; i++)
		if (i != c && m->captures[i].node.id == m->captures[c].node.id)
			return 1;
	return 0;
}

/* Whether the match holds. A failing predicate drops the match, unless
 * its capture is drawn and names a node that other captures of the match
 * name too ("(identifier) @variable @constant (#match? @constant ...)"):
 * then it only drops that capture (bit c of *dropped). */
static int match_passes(fs_hl_query *hq, const TSQueryMatch *m, fs_hl_text t,
			uint64_t *dropped)
{
	const struct pattern *pt = &hq->pats[m->pattern_index];
	for (size_t i = 0; i < pt->n; i++) {
		const struct pred *p = &pt->v[i];
		for (uint16_t c = 0; c < m->capture_count; c++) {
			if (m->captures[c].index != p->cap ||
			    pred_holds(hq, p, m->captures[c].node, m, t) != p->neg)
				continue;
			if (c >= 64 || hq->cap_hl[p->cap] < 0 || !shares_node(m, c))
				return 0;
			*dropped |= (uint64_t)1 << c;
		}
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

/* Paints the matches of the query under node, over the bytes [from, to)
 * of the cursor's range. */
static void run_query(fs_hl_query *hq, TSNode node, fs_hl_text t, uint32_t from, uint32_t to)
{
	ts_query_cursor_set_byte_range(hq->cur, from, to);
	ts_query_cursor_exec(hq->cur, hq->q, node);
	TSQueryMatch m;
	while (ts_query_cursor_next_match(hq->cur, &m)) {
		uint64_t dropped = 0;
		if (hq->pats[m.pattern_index].n && !match_passes(hq, &m, t, &dropped))
			continue;
		for (uint16_t i = 0; i < m.capture_count; i++) {
			int hl = hq->cap_hl[m.captures[i].index];
			TSNode n = m.captures[i].node;
			if (hl >= 0 && !(i < 64 && dropped >> i & 1))
				paint(hq, hq->start, hq->end, ts_node_start_byte(n),
				      ts_node_end_byte(n), m.pattern_index, hl);
		}
	}
}

/* Whether the query cursor would see n as another type: it starts at n
 * without n's parent, so an aliased node (a property_identifier is an
 * identifier in the grammar) shows its grammar symbol there. */
static int aliased(fs_hl_query *hq, TSNode n)
{
	if (!hq->has_probe) {
		hq->probe = ts_tree_cursor_new(n);
		hq->has_probe = 1;
	} else {
		ts_tree_cursor_reset(&hq->probe, n);
	}
	return ts_node_symbol(ts_tree_cursor_current_node(&hq->probe)) != ts_node_symbol(n);
}

/* Runs the query on the node at c over [from, to); an aliased node is
 * queried from the nearest ancestor that is not. */
static void query_at(fs_hl_query *hq, const TSTreeCursor *c, fs_hl_text t,
		     uint32_t from, uint32_t to)
{
	TSNode n = ts_tree_cursor_current_node(c);
	if (aliased(hq, n)) {
		TSTreeCursor up = ts_tree_cursor_copy(c);
		while (aliased(hq, n) && ts_tree_cursor_goto_parent(&up))
			n = ts_tree_cursor_current_node(&up);
		ts_tree_cursor_delete(&up);
	}
	run_query(hq, n, t, from, to);
}

/* Runs the query over [start, end) without visiting what lies outside:
 * tree-sitter 0.20's cursor visits every child of a node it enters, in
 * the range or not (all the statements of a 3,000-line function to paint
 * one row of it). A node inside the range gets the query run on it. A
 * node across an end of the range is entered here: when the query names
 * its type, the query runs on it with its first byte for range, which
 * matches the patterns rooted at it (and at the nodes starting with it)
 * and visits only its children; then its children in the range are
 * taken in turn. */
static void run_split(fs_hl_query *hq, TSNode root, fs_hl_text t)
{
	uint32_t start = hq->start, end = hq->end;
	TSTreeCursor c = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		uint32_t ns = ts_node_start_byte(n), ne = ts_node_end_byte(n);
		int down = 0;
		if (ns >= end)
			break;   /* so does everything after it */
		if (ne > start && ne > ns) {
			int named = type_has(hq->types, ts_node_symbol(n));
			if (named && ns >= start && ne <= end) {
				query_at(hq, &c, t, ns, ne);
			} else {
				if (named)
					query_at(hq, &c, t, ns, ns + 1);
				down = ts_tree_cursor_goto_first_child_for_byte(&c, start) >= 0;
			}
		}
		if (down)
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&c))
			if (!ts_tree_cursor_goto_parent(&c))
				goto done;
	}
done:
	ts_tree_cursor_delete(&c);
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
	hq->start = start;
	hq->end = end;
	if (hq->split)
		run_split(hq, root, t);
	else
		run_query(hq, root, t, start, end);
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
