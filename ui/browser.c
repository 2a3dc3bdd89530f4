/* The database browser: one pane whose body is a level of a stack
 *
 *   servers > databases > documents (design documents apart) > a document
 *                                   > revisions > a revision, a diff
 *           > view query results > a document;  database > changes
 *
 * Each level is rebuilt from data kept here, so going back costs no request.
 * Every request runs as a background job (base/job.h): a spinner turns in
 * the title, Esc cancels, a newer request makes an older answer stale (gen),
 * and errors land on the message line in CouchDB's own plain words. A job
 * holds its own copy of the database name; the client and the view options
 * it points to are replaced only after stop_jobs() waited for every job. */
#include <curses.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/job.h"
#include "couch/browse.h"
#include "couch/browse_acl.h"
#include "browser.h"
#include "security.h"
#include "panejobs.h"
#include "servermenu.h"
#include "colors.h"
#include "draw.h"
#include "base/fsutil.h"
#include "model/fullsync.h"
#include "js/highlight.h"
#include "js/js.h"
#include "base/json.h"
#include "couch/servers.h"

#define PAGE_ROWS 100
/* the ref of a document's attachment line (-1: a header, -2: a view) */
#define ATTACHMENT (-3)
#define FOLD_LINES 30          /* objects longer than this start folded */
#define CHANGES_MAX 1000
#define FOLLOW_MS 20000
#define DBS_SUMMARIES 200      /* databases summarized (3 requests each) */

/* _(ID, title) */
#define LEVEL_LIST(_) \
	_(SERVERS, "Servers") \
	_(DBS,     "Databases") \
	_(DOCS,    "Documents") \
	_(DESIGN,  "Design documents") \
	_(DOC,     "Document") \
	_(REVS,    "Revisions") \
	_(DIFF,    "Diff") \
	_(QUERY,   "View") \
	_(CHANGES, "Changes")

enum level {
#define LEVEL_ENUM(id, title) LV_##id,
	LEVEL_LIST(LEVEL_ENUM)
#undef LEVEL_ENUM
};

static const char *const level_titles[] = {
#define LEVEL_TITLE(id, title) title,
	LEVEL_LIST(LEVEL_TITLE)
#undef LEVEL_TITLE
};

/* _(ID) jobs: what a background request does */
#define JOB_LIST(_) _(DBS) _(DOCS) _(DESIGN) _(DOC) _(REVS) _(DIFF) _(RESOLVE) \
	_(QUERY) _(CHANGES) _(FOLLOW) _(DELETE) _(COPY) _(PUT) _(SAVE) _(ACL_INDEX)

enum job_kind {
#define JOB_ENUM(id) J_##id,
	JOB_LIST(JOB_ENUM)
#undef JOB_ENUM
	J_COUNT
};

struct bline {
	char *text;
	int color;
	char *id;            /* document id / revision / database / view "ddoc/view" */
	int ref;             /* index into the level's data (row, server...) */
	fs_span *spans;      /* DOC: highlight spans, offsets in text */
	size_t nspans;
	int close;           /* DOC: line of the matching close (openers), else -1 */
	int folded;
};

struct frame {
	enum level lv;
	size_t lineno, offset;
};

/*
 * The databases table: _(ID, title, right-aligned, rank). The name takes
 * the width the others leave; when the pane is narrow the columns of the
 * highest rank go first.
 */
#define DB_COLS(_) \
	_(NAME,     "database", 0, 0) \
	_(DOCS,     "docs",     1, 1) \
	_(DELETED,  "deleted",  1, 4) \
	_(SIZE,     "size",     1, 2) \
	_(SEQ,      "seq",      1, 5) \
	_(REVS,     "revs",     1, 6) \
	_(SECURITY, "security", 0, 3)

#define DB_ENUM(id, title, right, rank) DBC_##id,
enum { DB_COLS(DB_ENUM) DBC_N };
struct job;

struct browser {
	fs_app *app;
	fs_jobs *jobs;
	struct job *job;           /* the running job (one at a time) */
	unsigned gen;
	fs_servers servers;
	fs_couch *couch;
	char *server, *db;
	/* the stack of levels; lines of the top one */
	struct frame stack[12];
	int depth;
	struct bline *v;
	size_t n, cap;
	/* data kept per level */
	cJSON *dbs;                /* [{summary}] */
	int dbwidth[DBC_N];        /* widest cell of each column of the table */
	fs_docs_page docs;
	enum fs_docs_kind kind;
	int conflicts_only;
	char *as_user;
	fs_strv as_groups;
	/* view as user pages by the cursors of the server's _find: the one
	 * that read the shown page (NULL: the first), those of the pages before */
	char *here;
	fs_strv back;
	cJSON *design;             /* rows of design documents with bodies */
	char *docid, *docrev;
	char *save_name;           /* the attachment being saved */
	char *doctext;             /* pretty JSON of the shown document */
	cJSON *doc;
	int *fold;                 /* per full line: folded opener */
	size_t nfold;
	fs_revtree revs;
	char *mark;                /* revision marked for a diff */
	fs_hunks diff;
	char *diff_a, *diff_b;
	char *view;                /* "ddoc/view" or NULL for _all_docs */
	fs_view_args args;
	fs_view_page rows;
	cJSON *changes;            /* array of change rows, newest last */
	cJSON *last_seq;
	int follow;
	fs_hl_query *hlq;
	int hl_failed;
};

/* A request's own data: the worker reads only these (b is for the done
 * callback on the UI thread). */
struct job {
	struct browser *b;
	enum job_kind kind;
	unsigned gen;
	fs_job *handle;
	fs_couch *c;              /* the browser's client (see stop_jobs) */
	char *db;                 /* a copy */
	const fs_view_args *args; /* QUERY: the browser's (see stop_jobs) */
	enum fs_page_dir dir;
	char *a1, *a2, *a3;       /* ids, revisions, ... */
	char *path;               /* SAVE: the file written */
	size_t len;               /* SAVE: its size */
	cJSON *in;                /* edge row, merged body, document */
	fs_docs_query q;
	/* results */
	cJSON *out;
	fs_docs_page docs;
	fs_revtree revs;
	fs_hunks diff;
	fs_view_page rows;
	fs_strv groups;
};

static struct browser *B(fs_app *a)
{
	return a->panes[FS_P_BROWSER].priv;
}

/* ---- lines ---- */

static struct bline *add_line(struct browser *b, int color, const char *id, int ref, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct bline *add_line(struct browser *b, int color, const char *id, int ref, const char *fmt, ...)
{
	va_list ap;
	fs_buf t = FS_BUF_INIT;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 128;
		b->v = fs_xrealloc(b->v, b->cap * sizeof *b->v);
	}
	va_start(ap, fmt);
	fs_buf_vprintf(&t, fmt, ap);
	va_end(ap);
	b->v[b->n] = (struct bline){ fs_buf_steal(&t), color, id ? fs_xstrdup(id) : NULL, ref, NULL, 0, -1, 0 };
	return &b->v[b->n++];
}

static void line_free(struct bline *l)
{
	free(l->text);
	free(l->id);
	free(l->spans);
}

static void lines_clear(struct browser *b)
{
	for (size_t i = 0; i < b->n; i++)
		line_free(&b->v[i]);
	b->n = 0;
}

static enum level top(struct browser *b)
{
	return b->stack[b->depth - 1].lv;
}

/* ---- building each level ---- */

static void build_servers(struct browser *b)
{
	for (size_t i = 0; i < b->servers.n; i++)
		add_line(b, FS_C_DEFAULT, b->servers.v[i].name, (int)i, "%-16s %s%s%s",
			 b->servers.v[i].name, b->servers.v[i].url,
			 b->servers.v[i].user ? " (with credentials)" : "",
			 b->servers.v[i].insecure ? "  [TLS NOT VERIFIED]" : "");
	if (!b->servers.n)
		add_line(b, FS_C_OTHER, NULL, -1, "No server profile: fsstudio servers add NAME URL");
}

static void human_size(char *out, size_t n, double v)
{
	const char *u[] = { "B", "KB", "MB", "GB", "TB" };
	int i = 0;
	while (v >= 1024 && i < 4)
		v /= 1024, i++;
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void security_text(const cJSON *sec, fs_buf *out)
{
	cJSON *adm = fs_json_obj(sec, "admins"), *mem = fs_json_obj(sec, "members");
	int na = cJSON_GetArraySize(fs_json_arr(adm, "names")) + cJSON_GetArraySize(fs_json_arr(adm, "roles"));
	int nm = cJSON_GetArraySize(fs_json_arr(mem, "names")) + cJSON_GetArraySize(fs_json_arr(mem, "roles"));
	if (!sec || cJSON_IsNull(sec))
		fs_buf_adds(out, "security ?");
	else if (!nm)
		fs_buf_printf(out, "public, %d admin%s", na, na == 1 ? "" : "s");
	else
		fs_buf_printf(out, "%d member%s, %d admin%s", nm, nm == 1 ? "" : "s", na, na == 1 ? "" : "s");
}

#define DB_INFO(id, title, right, rank) { title, right, rank },
static const struct { const char *title; int right, rank; } db_col[] = { DB_COLS(DB_INFO) };

enum { DB_CELL = 48, DB_NAME_MIN = 12 };

/* The cells of database i (-1: the titles); 0 when it has no counts. */
static int db_cells(const struct browser *b, int i, char cell[DBC_N][DB_CELL])
{
	if (i < 0) {
		for (int c = 0; c < DBC_N; c++)
			snprintf(cell[c], DB_CELL, "%s", db_col[c].title);
		return 1;
	}
	const cJSON *s = cJSON_GetArrayItem(b->dbs, i);
	const cJSON *rl = cJSON_GetObjectItemCaseSensitive(s, "revs_limit");
	const cJSON *us = cJSON_GetObjectItemCaseSensitive(s, "update_seq");
	fs_buf sec = FS_BUF_INIT;
	memset(cell, 0, DBC_N * DB_CELL);
	snprintf(cell[DBC_NAME], DB_CELL, "%s", fs_json_str(s, "db_name"));
	if (fs_json_str(s, "error") || !cJSON_GetObjectItemCaseSensitive(s, "doc_count"))
		return 0;
	snprintf(cell[DBC_DOCS], DB_CELL, "%lld", fs_json_int(s, "doc_count", 0));
	snprintf(cell[DBC_DELETED], DB_CELL, "%lld", fs_json_int(s, "doc_del_count", 0));
	human_size(cell[DBC_SIZE], DB_CELL, fs_json_num(fs_json_obj(s, "sizes"), "file", 0));
	/* CouchDB's sequences are long opaque strings: their start tells them apart */
	if (cJSON_IsNumber(us))
		snprintf(cell[DBC_SEQ], DB_CELL, "%.0f", us->valuedouble);
	else
		snprintf(cell[DBC_SEQ], DB_CELL, "%.8s", cJSON_IsString(us) ? us->valuestring : "?");
	snprintf(cell[DBC_REVS], DB_CELL, cJSON_IsNumber(rl) ? "%.0f" : "-", rl ? rl->valuedouble : 0);
	security_text(cJSON_GetObjectItemCaseSensitive(s, "security"), &sec);
	snprintf(cell[DBC_SECURITY], DB_CELL, "%s", fs_buf_str(&sec));
	fs_buf_free(&sec);
	return 1;
}

/* Column widths for a pane w wide (0: dropped), from the widest cells. */
static void db_layout(const struct browser *b, int w, int width[DBC_N])
{
	int used = 0;
	for (int c = 1; c < DBC_N; c++) {
		width[c] = b->dbwidth[c];
		used += width[c] + 1;
	}
	for (int rank = 6; rank > 0 && used + DB_NAME_MIN > w; rank--)
		for (int c = 1; c < DBC_N; c++)
			if (db_col[c].rank == rank && width[c]) {
				used -= width[c] + 1;
				width[c] = 0;
			}
	width[DBC_NAME] = w - used > DB_NAME_MIN ? w - used : DB_NAME_MIN;
}

/* Row i of the table (-1: the titles) laid out for a pane w wide. */
static void db_row(const struct browser *b, int i, int w, fs_buf *out)
{
	char cell[DBC_N][DB_CELL];
	int width[DBC_N];
	int full = db_cells(b, i, cell);
	const cJSON *s = cJSON_GetArrayItem(b->dbs, i);
	db_layout(b, w, width);
	fs_buf_reset(out);
	if (!full) {
		const char *err = fs_json_str(s, "error");
		fs_buf_printf(out, "%-*s %s", width[DBC_NAME], cell[DBC_NAME], err ? err : "-");
		return;
	}
	for (int c = 0; c < DBC_N; c++) {
		if (!width[c])
			continue;
		if (c)
			fs_buf_addc(out, ' ');
		int n = (int)strlen(cell[c]);
		if (c == DBC_NAME && n > width[c])   /* a cut name says so */
			fs_buf_printf(out, "%.*s%s", width[c] - 1, cell[c], MB_CUR_MAX > 1 ? "\u2026" : "~");
		else
			fs_buf_printf(out, db_col[c].right ? "%*s" : "%-*s", width[c], cell[c]);
	}
	while (out->len && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
}

static void build_dbs(struct browser *b)
{
	char cell[DBC_N][DB_CELL];
	int n = cJSON_GetArraySize(b->dbs), natural = 0;
	fs_buf t = FS_BUF_INIT;
	for (int c = 0; c < DBC_N; c++)
		b->dbwidth[c] = 0;
	for (int i = -1; i < n; i++) {
		int full = db_cells(b, i, cell);
		for (int c = 0; c < (full ? DBC_N : 1); c++)
			if ((int)strlen(cell[c]) > b->dbwidth[c])
				b->dbwidth[c] = (int)strlen(cell[c]);
	}
	for (int c = 0; c < DBC_N; c++)
		natural += b->dbwidth[c] + 1;
	/* the text kept (searched) is the whole row; drawing fits it to the pane */
	for (int i = -1; i < n; i++) {
		const cJSON *s = cJSON_GetArrayItem(b->dbs, i);
		db_row(b, i, natural, &t);
		add_line(b, i < 0 ? FS_C_HEADER : fs_json_str(s, "error") ? FS_C_ERROR : FS_C_DEFAULT,
			 i < 0 ? NULL : fs_json_str(s, "db_name"), i, "%s", fs_buf_str(&t));
	}
	fs_buf_free(&t);
}

static void build_docs(struct browser *b)
{
	if (b->kind == FS_DOCS_PLAIN && !b->conflicts_only && !b->as_user)
		add_line(b, FS_C_DDOC, "\001design", -1, "[design documents]");
	if (b->docs.has_prev)
		add_line(b, FS_C_OTHER, "\001prev", -1, "[ previous page ([) ]");
	for (size_t i = 0; i < b->docs.n; i++)
		add_line(b, b->docs.v[i].nconflicts ? FS_C_MODIFIED : FS_C_DEFAULT, b->docs.v[i].id, (int)i,
			 "%-40s %s%s", b->docs.v[i].id, b->docs.v[i].rev,
			 b->docs.v[i].nconflicts ? "  conflicts" : "");
	if (!b->docs.n)
		add_line(b, FS_C_OTHER, NULL, -1, "(no document)");
	if (b->docs.has_next)
		add_line(b, FS_C_OTHER, "\001next", -1, "[ next page (]) ]");
	if (b->docs.truncated)
		add_line(b, FS_C_OTHER, NULL, -1, "(stopped after reading %ld documents: ] reads on)", b->docs.scanned);
}

static void build_design(struct browser *b)
{
	cJSON *row, *v;
	int i = 0;
	cJSON_ArrayForEach(row, b->design) {
		const char *id = fs_json_str(row, "id");
		add_line(b, FS_C_DDOC, id, i++, "%s", id ? id : "?");
		cJSON_ArrayForEach(v, fs_json_obj(fs_json_obj(row, "doc"), "views")) {
			char *name = fs_xasprintf("%s/%s", id + 8, v->string);
			add_line(b, FS_C_VIEW, name, -2, "    view %s%s", v->string,
				 fs_json_str(v, "reduce") ? "  (reduce)" : "");
			free(name);
		}
	}
	if (!cJSON_GetArraySize(b->design))
		add_line(b, FS_C_OTHER, NULL, -1, "(no design document)");
}

static fs_hl_query *hl_query(struct browser *b)
{
	if (!b->hlq && !b->hl_failed && fs_hl_query_load(&b->hlq, "json", NULL))
		b->hl_failed = 1;
	return b->hlq;
}

static TSTree *parse_json(const char *text, size_t len)
{
	TSParser *p = ts_parser_new();
	TSTree *t = NULL;
	if (ts_parser_set_language(p, tree_sitter_json()))
		t = ts_parser_parse_string(p, NULL, text, (uint32_t)len);
	ts_parser_delete(p);
	return t;
}

/* Lines of the pretty JSON; openers know their closing line so that folded
 * objects hide their body. Folding state is kept per full line in b->fold. */
static void build_doc(struct browser *b)
{
	const char *text = b->doctext ? b->doctext : "", *p;
	size_t len = strlen(text), at = 0, nline = 0;
	fs_spans spans = { 0 };
	TSTree *tree = len ? parse_json(text, len) : NULL;
	size_t first = b->n;
	int stack[256], sp = 0;
	if (tree && hl_query(b))
		fs_hl_spans_str(b->hlq, tree, text, 0, (uint32_t)len, &spans);
	for (p = text; *p; nline++) {
		size_t n = strcspn(p, "\n");
		struct bline *l = add_line(b, FS_C_DEFAULT, NULL, (int)nline, "%.*s", (int)n, p);
		fs_spans_of_line(&l->spans, &l->nspans, &spans, &at, (uint32_t)(p - text), (uint32_t)(p - text + n));
		char last = n ? p[n - 1] : 0, firstc = 0;
		for (size_t k = 0; k < n; k++)
			if (p[k] != ' ') {
				firstc = p[k];
				break;
			}
		if ((firstc == '}' || firstc == ']') && sp > 0)
			b->v[stack[--sp]].close = (int)(b->n - 1);
		if ((last == '{' || last == '[') && sp < 256)
			stack[sp++] = (int)(b->n - 1);
		p += n;
		if (*p)
			p++;
	}
	fs_spans_free(&spans);
	if (tree)
		ts_tree_delete(tree);
	if (b->nfold != b->n - first) {
		/* a new document: fold the large inner objects */
		free(b->fold);
		b->nfold = b->n - first;
		b->fold = fs_xcalloc(b->nfold + 1, sizeof *b->fold);
		for (size_t i = first + 1; i < b->n; i++)
			if (b->v[i].close > 0 && b->v[i].close - (int)i > FOLD_LINES)
				b->fold[i - first] = 1;
	}
	/* drop the lines hidden by folded openers */
	size_t w = first;
	for (size_t i = first; i < b->n; i++) {
		struct bline l = b->v[i];
		int folded = b->fold[i - first] && l.close > 0;
		if (folded) {
			for (size_t k = i + 1; k < (size_t)l.close && k < b->n; k++)
				line_free(&b->v[k]);
			fs_buf t = FS_BUF_INIT;
			fs_buf_printf(&t, "%s ... %d lines", l.text, l.close - (int)i - 1);
			free(l.text);
			l.text = fs_buf_steal(&t);
			l.folded = 1;
			b->v[w++] = l;
			i = (size_t)l.close - 1;
			continue;
		}
		b->v[w++] = l;
	}
	b->n = w;
	/* attachments, plainly */
	cJSON *att = fs_json_obj(b->doc, "_attachments"), *it;
	if (cJSON_GetArraySize(att)) {
		add_line(b, FS_C_HEADER, NULL, -1, "Attachments");
		cJSON_ArrayForEach(it, att) {
			char size[32];
			human_size(size, sizeof size, fs_json_num(it, "length", 0));
			add_line(b, FS_C_DEFAULT, it->string, ATTACHMENT, "  %-30s %-24s %s", it->string,
				 fs_json_str(it, "content_type") ? fs_json_str(it, "content_type") : "?", size);
		}
		add_line(b, FS_C_OTHER, NULL, -1, "  (Enter on an attachment saves it to a file)");
	}
}

static void build_revs(struct browser *b)
{
	fs_revtree *t = &b->revs;
	add_line(b, FS_C_HEADER, NULL, -1, "winner %s, %zu conflict%s", t->winner ? t->winner : "(deleted)",
		 t->nconflicts, t->nconflicts == 1 ? "" : "s");
	for (size_t i = 0; i < t->n; i++) {
		const fs_rev_node *nd = &t->v[i];
		const char *st = nd->status == FS_REV_MISSING ? "compacted away (only its id remains)" :
				 fs_rev_status_name(nd->status);
		int color = nd->conflict ? FS_C_MODIFIED : nd->status == FS_REV_AVAILABLE ? FS_C_DEFAULT : FS_C_OTHER;
		add_line(b, color, nd->rev, (int)i, "%s %-40s %s%s%s%s", b->mark && !strcmp(b->mark, nd->rev) ? "*" : " ",
			 nd->rev, st, nd->leaf ? ", leaf" : "", nd->winner ? ", winner" : "",
			 nd->conflict ? ", CONFLICT" : "");
	}
}

static void build_diff(struct browser *b)
{
	add_line(b, FS_C_HEADER, NULL, -1, "--- %s", b->diff_a);
	add_line(b, FS_C_HEADER, NULL, -1, "+++ %s", b->diff_b);
	if (!b->diff.n)
		add_line(b, FS_C_OTHER, NULL, -1, "(the two revisions hold the same JSON)");
	for (size_t h = 0; h < b->diff.n; h++) {
		fs_hunk *hk = &b->diff.v[h];
		add_line(b, FS_C_OTHER, NULL, -1, "@@ -%zu,%zu +%zu,%zu @@", hk->old_start, hk->old_count,
			 hk->new_start, hk->new_count);
		for (size_t i = 0; i < hk->n; i++) {
			fs_dline *dl = &hk->lines[i];
			add_line(b, dl->type == FS_DL_ADD ? FS_C_GIT_ADDED : dl->type == FS_DL_DEL ? FS_C_ERROR : FS_C_DEFAULT,
				 NULL, -1, "%c%s", fs_dl_char(dl->type), dl->text);
		}
	}
}

static void build_query(struct browser *b)
{
	fs_buf d = FS_BUF_INIT;
	cJSON *row;
	int i = 0;
	fs_view_args_describe(&b->args, &d);
	add_line(b, FS_C_HEADER, "\001form", -1, "options: %s  (Enter changes)", d.len ? fs_buf_str(&d) : "(none)");
	fs_buf_free(&d);
	if (b->rows.has_prev)
		add_line(b, FS_C_OTHER, "\001prev", -1, "[ previous page ([) ]");
	cJSON_ArrayForEach(row, b->rows.rows) {
		char *k = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "key"));
		char *v = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "value"));
		const char *id = fs_json_str(row, "id");
		add_line(b, FS_C_DEFAULT, id, i++, "%-30s %-30s %s", k ? k : "null", v ? v : "null", id ? id : "");
		free(k);
		free(v);
	}
	if (!cJSON_GetArraySize(b->rows.rows))
		add_line(b, FS_C_OTHER, NULL, -1, "(no row)");
	if (b->rows.has_next)
		add_line(b, FS_C_OTHER, "\001next", -1, "[ next page (]) ]");
}

static void build_changes(struct browser *b)
{
	cJSON *ch;
	add_line(b, FS_C_HEADER, NULL, -1, "%s", b->follow ? "following live (F stops)" : "latest changes (F follows)");
	cJSON_ArrayForEach(ch, b->changes) {
		/* CouchDB 3's seqs are strings ("12-g1AAA..."), 1.x's numbers:
		 * shown as they read, without JSON's quotes */
		cJSON *sq = cJSON_GetObjectItemCaseSensitive(ch, "seq");
		char *seq = cJSON_IsString(sq) ? fs_xstrdup(sq->valuestring) : cJSON_PrintUnformatted(sq);
		cJSON *c0 = cJSON_GetArrayItem(fs_json_arr(ch, "changes"), 0);
		const char *id = fs_json_str(ch, "id");
		add_line(b, fs_json_bool(ch, "deleted", 0) ? FS_C_OTHER : FS_C_DEFAULT, id, -1, "%-10.10s %-40s %s%s",
			 seq ? seq : "?", id ? id : "?", fs_json_str(c0, "rev") ? fs_json_str(c0, "rev") : "",
			 fs_json_bool(ch, "deleted", 0) ? "  deleted" : "");
		free(seq);
	}
}

static void rebuild(fs_app *a, struct browser *b)
{
	fs_pane *p = &a->panes[FS_P_BROWSER];
	lines_clear(b);
	switch (top(b)) {
	case LV_SERVERS: build_servers(b); break;
	case LV_DBS:     build_dbs(b); break;
	case LV_DOCS:    build_docs(b); break;
	case LV_DESIGN:  build_design(b); break;
	case LV_DOC:     build_doc(b); break;
	case LV_REVS:    build_revs(b); break;
	case LV_DIFF:    build_diff(b); break;
	case LV_QUERY:   build_query(b); break;
	case LV_CHANGES: build_changes(b); break;
	}
	p->lines = b->n;
	if (p->lineno >= b->n)
		p->lineno = b->n ? b->n - 1 : 0;
	a->redraw = 1;
}

/* Enters a level (its lines come when its data arrives). */
static void push(fs_app *a, struct browser *b, enum level lv)
{
	fs_pane *p = &a->panes[FS_P_BROWSER];
	if (b->depth > 0) {
		b->stack[b->depth - 1].lineno = p->lineno;
		b->stack[b->depth - 1].offset = p->offset;
	}
	if (b->depth > 0 && top(b) == lv) {
		/* the same level again (a new page): replace it */
	} else if (b->depth < (int)(sizeof b->stack / sizeof *b->stack)) {
		b->depth++;
	}
	b->stack[b->depth - 1] = (struct frame){ lv, 0, 0 };
	p->lineno = p->offset = 0;
	rebuild(a, b);
}

static void pop(fs_app *a, struct browser *b)
{
	fs_pane *p = &a->panes[FS_P_BROWSER];
	if (top(b) == LV_CHANGES)
		b->follow = 0;
	b->depth--;
	p->lineno = b->stack[b->depth - 1].lineno;
	p->offset = b->stack[b->depth - 1].offset;
	rebuild(a, b);
}

/* ---- background jobs ---- */

/* What each kind of job does on the worker (c and db: the job's). */
static enum fs_err_code work_dbs(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	cJSON *names = NULL, *it;
	int rc = fs_couch_all_dbs(c, &names, e);
	if (rc)
		return rc;
	j->out = cJSON_CreateArray();
	int k = 0;
	cJSON_ArrayForEach(it, names) {
		cJSON *s = NULL;
		fs_err e2 = { 0 };
		if (fs_job_cancelled(bj))
			break;
		if (k++ >= DBS_SUMMARIES) {
			/* a server with very many databases: names only past these */
			s = cJSON_CreateObject();
			cJSON_AddStringToObject(s, "db_name", it->valuestring);
			cJSON_AddItemToArray(j->out, s);
			continue;
		}
		if (fs_browse_db_summary(c, it->valuestring, &s, &e2)) {
			if (e2.code == FS_E_CANCELLED) {
				cJSON_Delete(names);
				*e = e2;
				return e2.code;
			}
			s = cJSON_CreateObject();
			cJSON_AddStringToObject(s, "db_name", it->valuestring);
			cJSON_AddStringToObject(s, "error", e2.msg);
		}
		cJSON_AddItemToArray(j->out, s);
	}
	cJSON_Delete(names);
	return 0;
}

static enum fs_err_code work_docs(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	if (j->a1 && j->a2) {
		int rc = fs_fullsync_user_groups(c, j->a2, j->a1, &j->groups, e);
		if (rc)
			return rc;
	}
	if (j->a1) {
		j->q.as_user = j->a1;
		j->q.as_groups = &j->groups;
	}
	return fs_browse_docs(c, db, &j->q, &j->docs, e);
}

static enum fs_err_code work_design(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_couch_design_docs(c, db, 1, &j->out, e);
}

static enum fs_err_code work_doc(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	fs_couch_get_opts o = { .rev = j->a2, .conflicts = 1 };
	return fs_couch_doc_get(c, db, j->a1, &o, &j->out, e);
}

static enum fs_err_code work_revs(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_browse_revs(c, db, j->a1, &j->revs, e);
}

static enum fs_err_code work_diff(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_browse_rev_diff(c, db, j->a1, j->a2, j->a3, &j->diff, e);
}

static enum fs_err_code work_resolve(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	char *nr = NULL;
	int rc = fs_browse_resolve(c, db, j->a1, j->a2, j->in, &nr, e);
	free(nr);
	if (!rc)
		rc = fs_browse_revs(c, db, j->a1, &j->revs, e);
	return rc;
}

static enum fs_err_code work_query(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	/* a limit given in the form is the page size */
	return fs_browse_view(c, db, j->a1, j->args, j->args->o.limit > 0 ? j->args->o.limit : PAGE_ROWS,
			      j->dir, j->in, &j->rows, e);
}

static enum fs_err_code work_changes(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	fs_changes_query q = { .limit = 100, .descending = 1 };
	int rc = fs_browse_changes(c, db, &q, &j->out, e);
	if (!rc) {
		/* the seq to follow from is the newest */
		cJSON *all = NULL;
		fs_changes_query now = { .since_now = 1, .limit = 1 };
		if (!fs_browse_changes(c, db, &now, &all, e))
			cJSON_AddItemToObject(j->out, "now_seq",
				cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(all, "last_seq"), 1));
		cJSON_Delete(all);
	}
	return rc;
}

static enum fs_err_code work_follow(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	fs_changes_query q = { .since = j->in };
	return fs_browse_changes_wait(c, db, &q, FOLLOW_MS, &j->out, e);
}

static enum fs_err_code work_delete(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_couch_doc_delete(c, db, j->a1, j->a2, NULL, e);
}

static enum fs_err_code work_copy(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_couch_doc_copy(c, db, j->a1, j->a2, NULL, e);
}

static enum fs_err_code work_put(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	fs_post_opts o = { .policy = FS_POLICY_NONE };
	return fs_fullsync_post(c, db, j->in, &o, NULL, NULL, e);
}

static enum fs_err_code work_save(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_browse_attachment_save(c, db, j->a1, j->a2, j->a3, j->path, &j->len, e);
}

static void job_free(void *arg)
{
	struct job *j = arg;
	free(j->db);
	free(j->a1);
	free(j->a2);
	free(j->a3);
	free(j->path);
	cJSON_Delete(j->in);
	cJSON_Delete(j->out);
	fs_docs_page_free(&j->docs);
	fs_revtree_free(&j->revs);
	fs_hunks_free(&j->diff);
	fs_view_page_free(&j->rows);
	fs_strv_free(&j->groups);
	free(j);
}

static void submit(struct browser *b, struct job *j);
static void follow_next(struct browser *b);

/* The cursor on the first line that is a row (not a header or a marker). */
static void first_row(fs_app *a, struct browser *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].id && b->v[i].id[0] != '\001') {
			fs_pane_goto(&a->panes[FS_P_BROWSER], i);
			return;
		}
}

/* The cursor on the line of id; 0 when no line has it. */
static int goto_id(fs_app *a, struct browser *b, const char *id)
{
	for (size_t i = 0; id && i < b->n; i++)
		if (b->v[i].id && !strcmp(b->v[i].id, id)) {
			fs_pane_goto(&a->panes[FS_P_BROWSER], i);
			return 1;
		}
	return 0;
}

/* The id of the line under the cursor (a copy), or NULL. */
static char *cur_id(fs_app *a, struct browser *b)
{
	size_t i = a->panes[FS_P_BROWSER].lineno;
	return i < b->n && b->v[i].id ? fs_xstrdup(b->v[i].id) : NULL;
}

static void swap_ptr(void *x, void *y, size_t n)
{
	char t[256];
	memcpy(t, x, n);
	memcpy(x, y, n);
	memcpy(y, t, n);
}

/* What each kind of job's results do on the UI thread: they become the
 * browser's. */
static void apply_dbs(fs_app *a, struct browser *b, struct job *j)
{
	/* read again (F5): the cursor stays on its database */
	char *was = top(b) == LV_DBS ? cur_id(a, b) : NULL;
	cJSON_Delete(b->dbs);
	b->dbs = j->out, j->out = NULL;
	push(a, b, LV_DBS);
	if (!goto_id(a, b, was))
		first_row(a, b);
	free(was);
}

/* The cursors after a page of view as user came (j->a3: its own cursor). */
static void keep_cursors(struct browser *b, struct job *j)
{
	if (!b->docs.on_server)
		fs_strv_free(&b->back);
	else if (j->dir == FS_PAGE_NEXT)
		fs_strv_add(&b->back, b->here ? b->here : "");
	else if (j->dir == FS_PAGE_PREV && b->back.n) {
		free(b->back.v[--b->back.n]);
		b->back.v[b->back.n] = NULL;
	} else if (j->dir != FS_PAGE_FROM)
		fs_strv_free(&b->back);
	free(b->here);
	b->here = b->docs.on_server && j->a3 && *j->a3 ? fs_xstrdup(j->a3) : NULL;
	if (b->docs.on_server)
		b->docs.has_prev = b->back.n > 0;
}

static void as_user_msg(fs_app *a, struct browser *b)
{
	if (b->docs.no_find)
		fs_app_msg(a, "Only the documents %s receives: this server has no _find, filtered here "
			   "(every document read)", b->as_user);
	else if (b->docs.on_server)
		fs_app_msg(a, "Only the documents %s receives: filtered by the server, %s", b->as_user,
			   b->docs.index_used ? "index on ~c8oAcl used" : "no index (i creates one)");
}

static void apply_docs(fs_app *a, struct browser *b, struct job *j)
{
	swap_ptr(&b->docs, &j->docs, sizeof b->docs);
	fs_strv_free(&b->as_groups);
	swap_ptr(&b->as_groups, &j->groups, sizeof b->as_groups);
	keep_cursors(b, j);
	if (b->as_user && j->dir == FS_PAGE_FIRST)
		as_user_msg(a, b);
	push(a, b, LV_DOCS);
	if (j->dir == FS_PAGE_PREV || j->dir == FS_PAGE_LAST)
		fs_pane_goto(&a->panes[FS_P_BROWSER], b->n ? b->n - 1 : 0);
	else
		first_row(a, b);
}

static void apply_design(fs_app *a, struct browser *b, struct job *j)
{
	cJSON_Delete(b->design);
	b->design = cJSON_DetachItemFromObjectCaseSensitive(j->out, "rows");
	push(a, b, LV_DESIGN);
}

static void apply_doc(fs_app *a, struct browser *b, struct job *j)
{
	cJSON_Delete(b->doc);
	b->doc = j->out, j->out = NULL;
	free(b->docid);
	free(b->docrev);
	b->docid = fs_xstrdup(j->a1);
	b->docrev = fs_xstrdup(fs_json_str(b->doc, "_rev"));
	free(b->doctext);
	b->doctext = fs_json_pretty(b->doc, 2);
	b->nfold = (size_t)-1;
	push(a, b, LV_DOC);
	if (cJSON_GetArraySize(fs_json_arr(b->doc, "_conflicts")))
		fs_app_msg(a, "This document has conflicts: v shows them");
}

/* REVS and RESOLVE: the revision tree */
static void apply_revs(fs_app *a, struct browser *b, struct job *j)
{
	fs_revtree_free(&b->revs);
	swap_ptr(&b->revs, &j->revs, sizeof b->revs);
	free(b->mark);
	b->mark = NULL;
	push(a, b, LV_REVS);
	if (j->kind == J_RESOLVE)
		fs_app_msg(a, "Resolved: %s is the winner, the other leaves are deleted", b->revs.winner);
}

static void apply_diff(fs_app *a, struct browser *b, struct job *j)
{
	fs_hunks_free(&b->diff);
	swap_ptr(&b->diff, &j->diff, sizeof b->diff);
	free(b->diff_a);
	free(b->diff_b);
	b->diff_a = fs_xstrdup(j->a2);
	b->diff_b = fs_xstrdup(j->a3);
	push(a, b, LV_DIFF);
}

static void apply_query(fs_app *a, struct browser *b, struct job *j)
{
	fs_view_page_free(&b->rows);
	swap_ptr(&b->rows, &j->rows, sizeof b->rows);
	push(a, b, LV_QUERY);
	if (j->dir == FS_PAGE_PREV)
		fs_pane_goto(&a->panes[FS_P_BROWSER], b->n ? b->n - 1 : 0);
}

static void apply_changes(fs_app *a, struct browser *b, struct job *j)
{
	cJSON *res = fs_json_arr(j->out, "results");
	cJSON_Delete(b->changes);
	b->changes = cJSON_CreateArray();
	/* latest came newest first: keep them oldest first */
	for (int i = cJSON_GetArraySize(res) - 1; i >= 0; i--)
		cJSON_AddItemToArray(b->changes, cJSON_Duplicate(cJSON_GetArrayItem(res, i), 1));
	cJSON_Delete(b->last_seq);
	b->last_seq = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(j->out, "now_seq"), 1);
	b->follow = 0;
	push(a, b, LV_CHANGES);
	/* newest last, the cursor on it: followed changes keep it in view */
	fs_pane_goto(&a->panes[FS_P_BROWSER], b->n ? b->n - 1 : 0);
}

static void apply_follow(fs_app *a, struct browser *b, struct job *j)
{
	cJSON *it, *ls = cJSON_GetObjectItemCaseSensitive(j->out, "last_seq");
	cJSON_ArrayForEach(it, fs_json_arr(j->out, "results"))
		cJSON_AddItemToArray(b->changes, cJSON_Duplicate(it, 1));
	while (cJSON_GetArraySize(b->changes) > CHANGES_MAX)
		cJSON_DeleteItemFromArray(b->changes, 0);
	if (ls) {
		cJSON_Delete(b->last_seq);
		b->last_seq = cJSON_Duplicate(ls, 1);
	}
	if (top(b) == LV_CHANGES) {
		fs_pane *p = &a->panes[FS_P_BROWSER];
		int at_end = p->lineno + 1 >= b->n;
		rebuild(a, b);
		if (at_end)
			fs_pane_goto(p, b->n ? b->n - 1 : 0);
	}
}

static void apply_delete(fs_app *a, struct browser *b, struct job *j)
{
	fs_app_msg(a, "Deleted %s", j->a1);
	pop(a, b);
}

static void apply_copy(fs_app *a, struct browser *b, struct job *j)
{
	fs_app_msg(a, "Copied %s to %s", j->a1, j->a2);
}

static void apply_put(fs_app *a, struct browser *b, struct job *j)
{
	fs_app_msg(a, "Saved %s", fs_json_str(j->in, "_id"));
}

static enum fs_err_code work_acl_index(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e)
{
	return fs_acl_index_create(c, db, e);
}

static void load_docs(struct browser *b, enum fs_page_dir dir, const char *from);

static void apply_acl_index(fs_app *a, struct browser *b, struct job *j)
{
	fs_app_msg(a, "Index %s on ~c8oAcl is ready in %s", FS_ACL_INDEX_NAME, j->db);
	if (top(b) == LV_DOCS && b->as_user)
		load_docs(b, FS_PAGE_FIRST, NULL);
}

static void apply_save(fs_app *a, struct browser *b, struct job *j)
{
	fs_app_msg(a, "Saved attachment %s to %s (%zu bytes)", j->a3, j->path, j->len);
}

/* The jobs: what each kind does on the worker and with its results. */
static const struct job_type {
	enum fs_err_code (*work)(fs_job *bj, struct job *j, fs_couch *c, const char *db, fs_err *e);
	void (*apply)(fs_app *a, struct browser *b, struct job *j);
} job_types[] = {
	[J_DBS]     = { work_dbs, apply_dbs },
	[J_DOCS]    = { work_docs, apply_docs },
	[J_DESIGN]  = { work_design, apply_design },
	[J_DOC]     = { work_doc, apply_doc },
	[J_REVS]    = { work_revs, apply_revs },
	[J_DIFF]    = { work_diff, apply_diff },
	[J_RESOLVE] = { work_resolve, apply_revs },
	[J_QUERY]   = { work_query, apply_query },
	[J_CHANGES] = { work_changes, apply_changes },
	[J_FOLLOW]  = { work_follow, apply_follow },
	[J_DELETE]  = { work_delete, apply_delete },
	[J_COPY]    = { work_copy, apply_copy },
	[J_PUT]     = { work_put, apply_put },
	[J_SAVE]    = { work_save, apply_save },
	[J_ACL_INDEX] = { work_acl_index, apply_acl_index },
};
_Static_assert(sizeof job_types / sizeof *job_types == J_COUNT, "a job kind without its functions");

static enum fs_err_code job_work(fs_job *bj, void *arg, fs_err *e)
{
	struct job *j = arg;
	return job_types[j->kind].work(bj, j, j->c, j->db, e);
}

static void apply(fs_app *a, struct browser *b, struct job *j)
{
	job_types[j->kind].apply(a, b, j);
}

static void job_done(fs_job *bj, void *arg, int rc, const fs_err *e)
{
	struct job *j = arg;
	struct browser *b = j->b;
	fs_app *a = b->app;
	if (b->job == j) {
		b->job = NULL;
		a->busy--;
	}
	a->redraw = 1;
	if (j->gen != b->gen)
		return;
	if (rc == FS_E_CANCELLED)
		fs_app_msg(a, "Cancelled");
	else if (rc)
		fs_app_error(a, "%s", e->msg);
	else
		apply(a, b, j);
	if (!rc && j->kind == J_FOLLOW)
		follow_next(b);
}

static void bg_ready(fs_app *a, int fd, int revents, void *ctx)
{
	struct browser *b = ctx;
	fs_jobs_dispatch(b->jobs);
}

static struct job *new_job(struct browser *b, enum job_kind kind)
{
	struct job *j = fs_xcalloc(1, sizeof *j);
	j->b = b;
	j->kind = kind;
	return j;
}

/* One request at a time: a new one cancels the one running. */
static void submit(struct browser *b, struct job *j)
{
	if (!b->couch) {
		job_free(j);
		return;
	}
	if (b->job) {
		fs_job_cancel(b->job->handle);
		b->job = NULL;
		b->app->busy--;
	}
	j->gen = ++b->gen;
	j->c = b->couch;
	j->db = b->db ? fs_xstrdup(b->db) : NULL;
	j->args = &b->args;
	b->job = j;
	b->app->busy++;
	j->handle = fs_job_start(b->jobs, &(fs_job_spec){ .work = job_work, .done = job_done,
							  .arg = j, .free = job_free, .owner = b });
	b->app->redraw = 1;
}

/* Jobs use the browser's client and view options on the worker: before
 * these change, every job is cancelled, waited for and dropped (a cancelled
 * request ends within ~100 ms). */
static void stop_jobs(struct browser *b)
{
	b->gen++;        /* nothing of theirs applies or follows on */
	b->follow = 0;
	if (b->job) {
		b->job = NULL;
		b->app->busy--;
	}
	fs_jobs_wait_owner(b->jobs, b);
}

static void follow_next(struct browser *b)
{
	if (!b->follow || top(b) != LV_CHANGES)
		return;
	struct job *j = new_job(b, J_FOLLOW);
	j->in = b->last_seq ? cJSON_Duplicate(b->last_seq, 1) : NULL;
	submit(b, j);
}

/* ---- actions ---- */

/* Makes server i the one the browser talks to; the jobs on the former
 * client are stopped first, as they read it on the worker. Returns 0 (the
 * error shown) when it cannot be reached. */
static int use_server(fs_app *a, struct browser *b, size_t i)
{
	fs_err e = { 0 };
	fs_couch *c = fs_server_connect(&b->servers.v[i], 0, &e);
	if (!c) {
		fs_app_error(a, "%s", e.msg);
		return 0;
	}
	stop_jobs(b);
	fs_couch_free(b->couch);
	b->couch = c;
	free(b->server);
	b->server = fs_xstrdup(b->servers.v[i].name);
	return 1;
}

static void connect_server(fs_app *a, struct browser *b, size_t i)
{
	if (use_server(a, b, i))
		submit(b, new_job(b, J_DBS));
}

static struct job *docs_job(struct browser *b, enum fs_page_dir dir, const char *from)
{
	struct job *j = new_job(b, J_DOCS);
	j->dir = dir;
	j->a3 = from ? fs_xstrdup(from) : NULL;
	j->q = (fs_docs_query){ .limit = PAGE_ROWS, .dir = dir, .from = j->a3, .kind = b->kind,
				.conflicts_only = b->conflicts_only };
	if (b->as_user) {
		char *at = strchr(b->as_user, '@');
		j->a1 = at ? fs_xstrndup(b->as_user, at - b->as_user) : fs_xstrdup(b->as_user);
		j->a2 = at ? fs_xstrdup(at + 1) : NULL;
		j->q.scan = b->docs.no_find;   /* the server said it has no _find */
	}
	return j;
}

static void load_docs(struct browser *b, enum fs_page_dir dir, const char *from)
{
	submit(b, docs_job(b, dir, from));
}

/* View as user, filtered by the server: 1 when its pages go by cursor. */
static int by_cursor(const struct browser *b)
{
	return b->as_user && b->docs.on_server;
}

/* The next page from the shown one's cursor, the page before from the
 * cursor kept for it, or the shown page again (FROM). */
static void load_docs_by_cursor(struct browser *b, enum fs_page_dir dir)
{
	const char *c = dir == FS_PAGE_NEXT ? b->docs.cursor :
			dir == FS_PAGE_PREV ? (b->back.n ? b->back.v[b->back.n - 1] : "") : b->here;
	struct job *j = docs_job(b, c && *c ? FS_PAGE_NEXT : FS_PAGE_FIRST, NULL);
	j->dir = dir;
	j->a3 = fs_xstrdup(c ? c : "");
	j->q.cursor = j->a3;
	submit(b, j);
}

static void open_db(struct browser *b, const char *db)
{
	free(b->db);
	b->db = fs_xstrdup(db);
	b->kind = FS_DOCS_PLAIN;
	b->conflicts_only = 0;
	free(b->as_user);
	b->as_user = NULL;
	load_docs(b, FS_PAGE_FIRST, NULL);
}

static void open_doc(struct browser *b, const char *id, const char *rev)
{
	struct job *j = new_job(b, J_DOC);
	j->a1 = fs_xstrdup(id);
	j->a2 = rev ? fs_xstrdup(rev) : NULL;
	submit(b, j);
}

static void open_revs(struct browser *b, const char *id)
{
	struct job *j = new_job(b, J_REVS);
	j->a1 = fs_xstrdup(id);
	submit(b, j);
}

static void run_query(struct browser *b, enum fs_page_dir dir, const cJSON *edge)
{
	struct job *j = new_job(b, J_QUERY);
	j->a1 = b->view ? fs_xstrdup(b->view) : NULL;
	j->dir = dir;
	j->in = edge ? cJSON_Duplicate(edge, 1) : NULL;
	submit(b, j);
}

/* The query form: NAME=VALUE words. */
static void form_done(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	fs_view_args args;
	fs_err e = { 0 };
	char *text, *save = NULL;
	if (key == KEY_ESC)
		return;
	fs_view_args_init(&args);
	text = fs_xstrdup(fs_buf_str(&m->text));
	for (char *w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		if (!eq) {
			fs_err_set(&e, FS_E_INVALID, "options are NAME=VALUE, not '%s'", w);
			break;
		}
		*eq = 0;
		if (fs_view_args_set(&args, w, eq + 1, &e))
			break;
	}
	free(text);
	if (e.code) {
		fs_app_error(a, "%s", e.msg);
		fs_view_args_free(&args);
		m->keep = 1;
		return;
	}
	stop_jobs(b);
	fs_view_args_free(&b->args);
	b->args = args;
	/* the args own their values: the opts point into them */
	run_query(b, FS_PAGE_FIRST, NULL);
}

static void query_form(fs_app *a, struct browser *b, const char *view)
{
	fs_buf d = FS_BUF_INIT, label = FS_BUF_INIT;
	if (view) {
		free(b->view);
		b->view = fs_xstrdup(view);
	}
	fs_view_args_describe(&b->args, &d);
	fs_buf_printf(&label, "Query %s (key= keys= startkey= endkey= limit= skip= descending= reduce= group= group_level= include_docs= update= stale=): ",
		      b->view ? b->view : "_all_docs");
	fs_modal_prompt(a, fs_buf_str(&label), fs_buf_str(&d), form_done);
	fs_buf_free(&d);
	fs_buf_free(&label);
}

static void jump_done(fs_app *a, fs_modal *m, int key)
{
	if (key != KEY_ESC && m->text.len)
		load_docs(B(a), FS_PAGE_FROM, fs_buf_str(&m->text));
}

/* Finds a line holding the text, after the cursor, wrapping. */
/* The search of the app (/, n, N) in the browser's own lines. */
static long browser_find(fs_app *a, fs_pane *p, const char *needle, int back)
{
	struct browser *b = p->priv;
	size_t n = b ? b->n : 0, len = strlen(needle);
	for (size_t k = 1; k <= n && len; k++) {
		size_t i = back ? (p->lineno + n - k) % n : (p->lineno + k) % n;
		for (const char *t = b->v[i].text; t && *t; t++)
			if (!strncasecmp(t, needle, len))
				return (long)i;
	}
	return -1;
}

static void as_user_done(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	if (key == KEY_ESC)
		return;
	free(b->as_user);
	b->as_user = m->text.len ? fs_xstrdup(fs_buf_str(&m->text)) : NULL;
	b->kind = FS_DOCS_PLAIN;
	load_docs(b, FS_PAGE_FIRST, NULL);
	if (b->as_user)
		fs_app_msg(a, "Only the documents %s receives", b->as_user);
	else
		fs_app_msg(a, "All documents");
}

static void acl_index_done(fs_app *a, fs_modal *m, int key)
{
	if (key == 'y')
		submit(B(a), new_job(B(a), J_ACL_INDEX));
}

static void delete_done(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	if (key != 'y')
		return;
	struct job *j = new_job(b, J_DELETE);
	j->a1 = fs_xstrdup(b->docid);
	j->a2 = fs_xstrdup(b->docrev);
	submit(b, j);
}

/* ---- saving an attachment: where to, replace a file only when told ---- */

static void save_attachment(struct browser *b, const char *path)
{
	struct job *j = new_job(b, J_SAVE);
	j->a1 = fs_xstrdup(b->docid);
	j->a2 = b->docrev ? fs_xstrdup(b->docrev) : NULL;
	j->a3 = fs_xstrdup(b->save_name);
	j->path = fs_xstrdup(path);
	submit(b, j);
}

static void replace_done(fs_app *a, fs_modal *m, int key)
{
	if (key == 'y')
		save_attachment(B(a), m->arg);
}

static void save_path_done(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	const char *t = fs_buf_str(&m->text), *home = getenv("HOME");
	if (key == KEY_ESC || !m->text.len || !b->save_name)
		return;
	char *path = t[0] == '~' && t[1] == '/' && home ? fs_xasprintf("%s%s", home, t + 1) : fs_xstrdup(t);
	struct stat st;
	if (stat(path, &st) == 0) {
		char *q = fs_xasprintf("%s exists: replace it?", path);
		fs_modal *c = fs_modal_confirm(a, q, "yn", replace_done);
		c->arg = path;
		free(q);
		return;
	}
	save_attachment(b, path);
	free(path);
}

static void ask_save(fs_app *a, struct browser *b, const char *name)
{
	const char *base = strrchr(name, '/');
	char *label = fs_xasprintf("Save attachment %s to: ", name);
	free(b->save_name);
	b->save_name = fs_xstrdup(name);
	fs_modal_prompt(a, label, base ? base + 1 : name, save_path_done);
	free(label);
}

static void copy_done(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	if (key == KEY_ESC || !m->text.len)
		return;
	struct job *j = new_job(b, J_COPY);
	j->a1 = fs_xstrdup(b->docid);
	j->a2 = fs_xstrdup(fs_buf_str(&m->text));
	submit(b, j);
}

static void resolve_done(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	if (key != 'y')
		return;
	struct job *j = new_job(b, J_RESOLVE);
	j->a1 = fs_xstrdup(b->revs.id);
	j->a2 = fs_xstrdup(m->arg);
	submit(b, j);
}

static const struct bline *cur(fs_app *a, struct browser *b)
{
	fs_pane *p = &a->panes[FS_P_BROWSER];
	return p->lineno < b->n ? &b->v[p->lineno] : NULL;
}

static int is_marker(const struct bline *l, const char *m)
{
	return l && l->id && l->id[0] == '\001' && !strcmp(l->id + 1, m);
}

/* The edge rows of the shown page. */
static const char *docs_edge(struct browser *b, int last)
{
	return b->docs.n ? b->docs.v[last ? b->docs.n - 1 : 0].id : NULL;
}

static void page(fs_app *a, struct browser *b, int next)
{
	switch (top(b)) {
	case LV_DOCS:
		if (by_cursor(b) && (next ? b->docs.has_next : b->docs.has_prev))
			load_docs_by_cursor(b, next ? FS_PAGE_NEXT : FS_PAGE_PREV);
		else if (next ? b->docs.has_next || b->docs.truncated : b->docs.has_prev)
			load_docs(b, next ? FS_PAGE_NEXT : FS_PAGE_PREV, docs_edge(b, next));
		else
			fs_app_msg(a, next ? "This is the last page" : "This is the first page");
		break;
	case LV_QUERY: {
		int k = cJSON_GetArraySize(b->rows.rows);
		if (next ? b->rows.has_next : b->rows.has_prev)
			run_query(b, next ? FS_PAGE_NEXT : FS_PAGE_PREV,
				  cJSON_GetArrayItem(b->rows.rows, next ? k - 1 : 0));
		else
			fs_app_msg(a, next ? "This is the last page" : "This is the first page");
		break;
	}
	default:
		fs_app_msg(a, "Nothing to page here");
	}
}

static void enter(fs_app *a, struct browser *b)
{
	const struct bline *l = cur(a, b);
	if (!l)
		return;
	if (is_marker(l, "next") || is_marker(l, "prev")) {
		page(a, b, is_marker(l, "next"));
		return;
	}
	switch (top(b)) {
	case LV_SERVERS:
		if (l->ref >= 0)
			connect_server(a, b, (size_t)l->ref);
		break;
	case LV_DBS:
		if (l->id)
			open_db(b, l->id);
		break;
	case LV_DOCS:
		if (is_marker(l, "design"))
			submit(b, new_job(b, J_DESIGN));
		else if (l->id)
			open_doc(b, l->id, NULL);
		break;
	case LV_DESIGN:
		if (l->ref == -2)
			query_form(a, b, l->id);
		else if (l->id)
			open_doc(b, l->id, NULL);
		break;
	case LV_DOC: {
		fs_pane *p = &a->panes[FS_P_BROWSER];
		size_t full = (size_t)l->ref;
		if (l->ref == ATTACHMENT) {
			ask_save(a, b, l->id);
			break;
		}
		if (l->close > 0 && full < b->nfold) {
			b->fold[full] = !b->fold[full];
			size_t keep = p->lineno;
			rebuild(a, b);
			fs_pane_goto(p, keep);
		}
		break;
	}
	case LV_REVS:
		if (l->ref >= 0 && b->revs.v[l->ref].status != FS_REV_MISSING)
			open_doc(b, b->revs.id, l->id);
		else if (l->ref >= 0)
			fs_app_error(a, "Revision %s was compacted away: only its id remains", l->id);
		break;
	case LV_QUERY:
		if (is_marker(l, "form"))
			query_form(a, b, NULL);
		else if (l->id)
			open_doc(b, l->id, NULL);
		break;
	case LV_CHANGES:
		if (l->id)
			open_doc(b, l->id, NULL);
		break;
	default:
		break;
	}
}

static void diff_revs(fs_app *a, struct browser *b)
{
	const struct bline *l = cur(a, b);
	if (top(b) != LV_REVS || !l || l->ref < 0) {
		fs_app_msg(a, "Mark revisions in the revision list (v)");
		return;
	}
	if (b->revs.v[l->ref].status == FS_REV_MISSING) {
		fs_app_error(a, "Revision %s was compacted away: nothing to compare", l->id);
		return;
	}
	if (!b->mark || !strcmp(b->mark, l->id)) {
		free(b->mark);
		b->mark = fs_xstrdup(l->id);
		rebuild(a, b);
		fs_app_msg(a, "Marked %s: = on another revision shows the diff", l->id);
		return;
	}
	struct job *j = new_job(b, J_DIFF);
	j->a1 = fs_xstrdup(b->revs.id);
	j->a2 = fs_xstrdup(b->mark);
	j->a3 = fs_xstrdup(l->id);
	submit(b, j);
}

static void resolve(fs_app *a, struct browser *b)
{
	const struct bline *l = cur(a, b);
	char q[400];
	if (top(b) != LV_REVS || !l || l->ref < 0 || !b->revs.v[l->ref].leaf ||
	    b->revs.v[l->ref].status == FS_REV_DELETED) {
		fs_app_msg(a, "Choose a current leaf revision in the revision list");
		return;
	}
	if (!b->revs.nconflicts) {
		fs_app_msg(a, "No conflict to resolve");
		return;
	}
	snprintf(q, sizeof q, "Keep %s and delete the %zu other leaf revision%s?", l->id,
		 b->revs.nconflicts, b->revs.nconflicts == 1 ? "" : "s");
	fs_modal *m = fs_modal_confirm(a, q, "yn", resolve_done);
	m->arg = fs_xstrdup(l->id);
}

/* Edit in $EDITOR: the document (saved with its _rev), or in the revision
 * list a leaf (the merged body resolves the conflict on top of it). */
static void edit_external(fs_app *a, struct browser *b)
{
	const struct bline *l = cur(a, b);
	int merge = top(b) == LV_REVS;
	char path[256];
	const char *tmp = getenv("TMPDIR");
	fs_err e = { 0 };
	char *text = NULL, *edited = NULL;
	if (!merge && top(b) != LV_DOC) {
		fs_app_msg(a, "Open a document (or a revision list) to edit");
		return;
	}
	if (merge && (!l || l->ref < 0 || !b->revs.v[l->ref].leaf)) {
		fs_app_msg(a, "Choose the leaf revision to merge onto");
		return;
	}
	if (merge && (!b->doc || !b->docrev || strcmp(b->docrev, l->id))) {
		fs_app_msg(a, "Open that revision first (Enter), then e merges from it");
		return;
	}
	text = fs_json_pretty(b->doc, 2);
	snprintf(path, sizeof path, "%s/fsstudio-doc-XXXXXX.json", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		if (fd >= 0)
			close(fd), unlink(path);
		fs_app_error(a, "Cannot write a temporary file for the editor");
		free(text);
		return;
	}
	close(fd);
	if (!fs_app_run_editor(a, path) && !fs_read_file(path, &edited, NULL, &e)) {
		cJSON *doc = fs_json_parse(edited, strlen(edited), "the edited document", &e);
		if (!doc) {
			fs_app_error(a, "Not saved: %s", e.msg);
		} else if (!strcmp(edited, text)) {
			fs_app_msg(a, "No change");
			cJSON_Delete(doc);
		} else {
			struct job *j = new_job(b, merge ? J_RESOLVE : J_PUT);
			j->in = doc;
			if (merge) {
				j->a1 = fs_xstrdup(b->revs.id);
				j->a2 = fs_xstrdup(l->id);
			}
			submit(b, j);
		}
	} else if (e.code) {
		fs_app_error(a, "%s", e.msg);
	}
	unlink(path);
	free(text);
	free(edited);
}

static void changes(fs_app *a, struct browser *b)
{
	if (!b->db) {
		const struct bline *l = cur(a, b);
		if (top(b) != LV_DBS || !l || !l->id) {
			fs_app_msg(a, "Choose a database first");
			return;
		}
		b->db = fs_xstrdup(l->id);
	}
	if (top(b) == LV_DBS) {
		const struct bline *l = cur(a, b);
		if (l && l->id) {
			free(b->db);
			b->db = fs_xstrdup(l->id);
		}
	}
	if (top(b) != LV_CHANGES) {
		submit(b, new_job(b, J_CHANGES));
		return;
	}
	b->follow = !b->follow;
	rebuild(a, b);
	if (b->follow)
		follow_next(b);
	else if (b->job && b->job->kind == J_FOLLOW) {
		fs_job_cancel(b->job->handle);
		b->gen++;
	}
	fs_app_msg(a, b->follow ? "Following the changes (F stops)" : "Stopped following");
}

/* The profiles read again (added with `fsstudio servers add` meanwhile). */
static void reload_servers(fs_app *a, struct browser *b)
{
	fs_err e = { 0 };
	char *was = cur_id(a, b);
	fs_servers_free(&b->servers);
	if (fs_servers_load(&b->servers, NULL, &e))
		fs_app_error(a, "%s", e.msg);
	rebuild(a, b);
	goto_id(a, b, was);
	free(was);
}

static void reload_level(fs_app *a, struct browser *b)
{
	switch (top(b)) {
	case LV_SERVERS: reload_servers(a, b); break;
	case LV_DBS:     submit(b, new_job(b, J_DBS)); break;
	case LV_DOCS:
		if (by_cursor(b))
			load_docs_by_cursor(b, FS_PAGE_FROM);
		else
			load_docs(b, docs_edge(b, 0) ? FS_PAGE_FROM : FS_PAGE_FIRST, docs_edge(b, 0));
		break;
	case LV_DESIGN:  submit(b, new_job(b, J_DESIGN)); break;
	case LV_DOC:     open_doc(b, b->docid, NULL); break;
	case LV_REVS:    open_revs(b, b->revs.id); break;
	case LV_QUERY:   run_query(b, FS_PAGE_FIRST, NULL); break;
	case LV_CHANGES: submit(b, new_job(b, J_CHANGES)); break;
	default: break;
	}
}

static fs_req browser_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct browser *b = p->priv;
	const struct bline *l = cur(a, b);
	switch (r) {
	case FS_REQ_ENTER:
	case FS_REQ_EXPAND:
		enter(a, b);
		return FS_REQ_NONE;
	case FS_REQ_PARENT:
	case FS_REQ_COLLAPSE:
		if (b->depth > 1)
			pop(a, b);
		return FS_REQ_NONE;
	case FS_REQ_CLOSE:
		if (b->job) {
			fs_job_cancel(b->job->handle);
			if (b->follow) {
				/* the header said "following live": say it no longer is */
				b->follow = 0;
				rebuild(a, b);
			}
			return FS_REQ_NONE;
		}
		if (b->depth > 1) {
			pop(a, b);
			return FS_REQ_NONE;
		}
		fs_app_close_pane(a, p);
		return FS_REQ_NONE;
	case FS_REQ_PAGE_NEXT:
	case FS_REQ_PAGE_PREV:
		page(a, b, r == FS_REQ_PAGE_NEXT);
		return FS_REQ_NONE;
	case FS_REQ_FILTER:
		/* the documents list is paged on the server: / jumps to an id
		 * there; elsewhere the app searches the lines (browser_find) */
		if (top(b) != LV_DOCS)
			return r;
		if (by_cursor(b)) {
			fs_app_msg(a, "Jump to id: not while viewing as a user (the server's pages go by cursor)");
			return FS_REQ_NONE;
		}
		fs_modal_prompt(a, "Jump to id: ", "", jump_done);
		return FS_REQ_NONE;
	case FS_REQ_CONFLICTS_ONLY:
		if (top(b) != LV_DOCS)
			return FS_REQ_NONE;
		b->conflicts_only = !b->conflicts_only;
		b->kind = FS_DOCS_PLAIN;
		load_docs(b, FS_PAGE_FIRST, NULL);
		fs_app_msg(a, b->conflicts_only ? "Only documents with conflicts" : "All documents");
		return FS_REQ_NONE;
	case FS_REQ_ACL_INDEX:
		if (top(b) == LV_DOCS && b->db) {
			char q[400];
			snprintf(q, sizeof q, "Create the json index %s on ~c8oAcl in %s for view as user? "
				 "(a design document: it replicates to devices like any other)",
				 FS_ACL_INDEX_NAME, b->db);
			fs_modal_confirm(a, q, "yn", acl_index_done);
		}
		return FS_REQ_NONE;
	case FS_REQ_AS_USER:
		if (top(b) == LV_DOCS)
			fs_modal_prompt(a, "View as user (USER or USER@GROUPS_DB, empty: everyone): ",
					b->as_user ? b->as_user : "", as_user_done);
		return FS_REQ_NONE;
	case FS_REQ_REVISIONS:
		if (top(b) == LV_DOC && b->docid)
			open_revs(b, b->docid);
		else if ((top(b) == LV_DOCS || top(b) == LV_QUERY || top(b) == LV_CHANGES) && l && l->id && l->id[0] != '\001')
			open_revs(b, l->id);
		return FS_REQ_NONE;
	case FS_REQ_DIFF_REVS:
		diff_revs(a, b);
		return FS_REQ_NONE;
	case FS_REQ_RESOLVE:
		resolve(a, b);
		return FS_REQ_NONE;
	case FS_REQ_RUN_VIEW:
		if (top(b) == LV_DESIGN && l && l->ref == -2)
			query_form(a, b, l->id);
		else if (b->db)
			query_form(a, b, top(b) == LV_QUERY ? NULL : b->view);
		return FS_REQ_NONE;
	case FS_REQ_CHANGES:
		changes(a, b);
		return FS_REQ_NONE;
	case FS_REQ_REFRESH:
		reload_level(a, b);
		return FS_REQ_NONE;
	case FS_REQ_PERMISSIONS:
		if (top(b) == LV_DBS && l && l->id && b->couch)
			fs_secui_open(a, b->couch, l->id);
		else if (top(b) > LV_DBS && b->db && b->couch)
			fs_secui_open(a, b->couch, b->db);
		else
			fs_app_msg(a, "Choose a database first");
		return FS_REQ_NONE;
	case FS_REQ_DELETE:
		if (top(b) == LV_DOC && b->docid) {
			char q[300];
			snprintf(q, sizeof q, "Delete document %s (rev %s)?", b->docid, b->docrev);
			fs_modal_confirm(a, q, "yn", delete_done);
		}
		return FS_REQ_NONE;
	case FS_REQ_COPY:
		if (top(b) == LV_DOC && b->docid)
			fs_modal_prompt(a, "Copy to id: ", b->docid, copy_done);
		return FS_REQ_NONE;
	case FS_REQ_EDIT:
	case FS_REQ_EXTERNAL_EDIT:
		edit_external(a, b);
		return FS_REQ_NONE;
	case FS_REQ_BROWSE:
		return FS_REQ_NONE;
	default:
		return r;
	}
}

/* ---- pane ops ---- */

static void browser_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct browser *b = p->priv;
	static const char *const spin[] = { "|", "/", "-", "\\" };
	fs_buf_printf(out, " %s", level_titles[top(b)]);
	if (b->server && top(b) != LV_SERVERS)
		fs_buf_printf(out, "  %s", b->server);
	if (b->db && top(b) > LV_DBS)
		fs_buf_printf(out, "/%s", b->db);
	if (top(b) == LV_DOC && b->docid)
		fs_buf_printf(out, "/%s @%s", b->docid, b->docrev ? b->docrev : "?");
	if ((top(b) == LV_REVS || top(b) == LV_DIFF) && b->revs.id)
		fs_buf_printf(out, "/%s", b->revs.id);
	if (top(b) == LV_QUERY)
		fs_buf_printf(out, "/%s", b->view ? b->view : "_all_docs");
	if ((top(b) == LV_DOCS && b->docs.has_prev) || (top(b) == LV_QUERY && b->rows.has_prev))
		fs_buf_adds(out, "  [:prev");
	if ((top(b) == LV_DOCS && b->docs.has_next) || (top(b) == LV_QUERY && b->rows.has_next))
		fs_buf_adds(out, "  ]:next");
	if (top(b) == LV_DOCS && b->conflicts_only)
		fs_buf_adds(out, "  [conflicts only]");
	if (top(b) == LV_DOCS && b->as_user)
		fs_buf_printf(out, "  [as %s%s]", b->as_user, b->docs.no_find ? ", filtered here" :
			      !b->docs.on_server ? "" : b->docs.index_used ? ", index" : ", no index");
	if (b->job) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		fs_buf_printf(out, "  %s loading (Esc cancels)", spin[(ts.tv_nsec / 125000000) % 4]);
	}
}

static void browser_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct browser *b = p->priv;
	const struct bline *l = &b->v[lineno];
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	int plain = base ? base : fs_color_attr(l->color);
	fs_draw_fill(y, x, w, plain);
	if (top(b) == LV_DBS) {
		fs_buf t = FS_BUF_INIT;
		db_row(b, l->ref, w, &t);
		fs_draw_text(y, x, w, fs_buf_str(&t), plain);
		fs_buf_free(&t);
		return;
	}
	fs_draw_spans(y, x, w, l->text, l->spans, l->nspans, plain, base);
}

static void browser_open(fs_app *a, fs_pane *p)
{
	/* hidden (Esc) or shown, the pane keeps its browser: B again shows it
	 * as it was (a fresh one would leak this one, its worker and its jobs) */
	if (p->priv) {
		rebuild(a, p->priv);
		return;
	}
	struct browser *b = fs_xcalloc(1, sizeof *b);
	fs_err e = { 0 };
	p->priv = b;
	b->app = a;
	b->jobs = fs_pane_jobs_new(a, bg_ready, b);
	fs_view_args_init(&b->args);
	if (fs_servers_load(&b->servers, NULL, &e))
		fs_app_error(a, "%s", e.msg);
	b->depth = 1;
	b->stack[0] = (struct frame){ LV_SERVERS, 0, 0 };
	rebuild(a, b);
}

static void browser_close(fs_app *a, fs_pane *p)
{
	struct browser *b = p->priv;
	if (!b)
		return;
	fs_secui_close(a);
	fs_pane_jobs_free(a, b->jobs, b->job != NULL);
	lines_clear(b);
	free(b->v);
	fs_servers_free(&b->servers);
	fs_couch_free(b->couch);
	free(b->server);
	free(b->db);
	cJSON_Delete(b->dbs);
	fs_docs_page_free(&b->docs);
	free(b->as_user);
	fs_strv_free(&b->as_groups);
	free(b->here);
	fs_strv_free(&b->back);
	cJSON_Delete(b->design);
	free(b->docid);
	free(b->docrev);
	free(b->save_name);
	free(b->doctext);
	cJSON_Delete(b->doc);
	free(b->fold);
	fs_revtree_free(&b->revs);
	free(b->mark);
	fs_hunks_free(&b->diff);
	free(b->diff_a);
	free(b->diff_b);
	free(b->view);
	fs_view_args_free(&b->args);
	fs_view_page_free(&b->rows);
	cJSON_Delete(b->changes);
	cJSON_Delete(b->last_seq);
	fs_hl_query_free(b->hlq);
	free(b);
	p->priv = NULL;
}

const struct fs_pane_ops fs_browser_ops = {
	.name = "browser",
	.keymap = FS_KM_BROWSER,
	.open = browser_open,
	.title = browser_title,
	.draw = browser_draw,
	.request = browser_request,
	.close = browser_close,
	.find = browser_find,
};

/* ---- entry points for the app ---- */

void fs_browser_open(fs_app *a)
{
	fs_app_open(a, FS_P_BROWSER);
	fs_app_focus(a, &a->panes[FS_P_BROWSER]);
}

struct run_view {
	char *db, *view;
};

static struct run_view pending_view;

static void run_server_chosen(fs_app *a, fs_modal *m, int key)
{
	struct browser *b = B(a);
	if (key != '\r' || !b || m->sel >= b->servers.n) {
		free(pending_view.db);
		free(pending_view.view);
		pending_view = (struct run_view){ 0 };
		return;
	}
	if (!use_server(a, b, m->sel))
		return;
	free(b->db);
	b->db = pending_view.db;
	free(b->view);
	b->view = pending_view.view;
	pending_view = (struct run_view){ 0 };
	fs_view_args_free(&b->args);
	fs_view_args_init(&b->args);
	/* the levels of the former server go: Esc leads back to the servers */
	b->depth = 1;
	rebuild(a, b);
	query_form(a, b, NULL);
}

void fs_browser_run_view(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj), *ddoc, *conn;
	if (o && o->kind == FS_K_FUNCTION && o->parent && o->parent->kind == FS_K_VIEW)
		o = o->parent;
	if (!o || o->kind != FS_K_VIEW || !(ddoc = o->parent) || !(conn = ddoc->parent)) {
		fs_app_error(a, "Select a view (or its map or reduce) to run it on a server");
		return;
	}
	const char *dbname = fs_obj_prop(conn, "databaseName");
	fs_buf db = FS_BUF_INIT;
	if (dbname && *dbname) {
		fs_buf_adds(&db, dbname);
	} else {
		for (const char *s = conn->name; *s; s++)
			fs_buf_addc(&db, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
	}
	fs_browser_open(a);
	struct browser *b = B(a);
	free(pending_view.db);
	free(pending_view.view);
	pending_view.db = fs_buf_steal(&db);
	pending_view.view = fs_xasprintf("%s/%s", ddoc->name, o->name);
	fs_server_menu(a, &b->servers, "Run the view on which server?", run_server_chosen);
}
