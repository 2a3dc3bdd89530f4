/* The function editor pane, on the text buffer of src/textbuf.h: typing,
 * undo/redo, selection (shift+arrows or a mark), cut/copy/paste, search and
 * replace, go to line, auto-indent, Tab/Shift-Tab, matching bracket, line
 * numbers with syntax error marks, tree-sitter colors, horizontal scroll.
 *
 * The model stays the one truth: the buffer is handed to it (fs_fn_set_text
 * through the edits log) when typing pauses for PAUSE_MS, and before
 * anything else may read the model: any request that is not a move or an
 * edit, a key or a click for another pane (the app's flush), a save,
 * leaving, quitting, a signal, a change from outside. Handing it over
 * re-encodes the design document, so a key costs only its edit, the frame
 * and (for a small text) the reparse and checks. Then the project shows
 * unsaved, the recovery file covers the buffer (written recovery-delay
 * seconds after that, and offered again when the studio starts after a
 * crash), and a save writes it (asking first when it has syntax errors,
 * offering the commit after); leaving with edits asks to save, keep or
 * discard them. Scripted runs (FSSTUDIO_TEST_KEYS) have no pauses: the
 * last key of the script is one.
 * Keys of the editor keymap run requests (through the app, as every pane's
 * requests); other keys that are text are typed; the rest go to the generic
 * keymap.
 *
 * Highlighting goes through the row cache of ui/editor_rows.c: a frame
 * queries tree-sitter only for the damaged rows. Syntax errors and domain
 * warnings come from the buffer's own tree (src/js.h): '!' and '?' in the
 * gutter, counted in the title, spelled out with line:column on the message
 * line while the cursor is on their line; next-error goes from one to the
 * next in text order, findings lists them in a menu. */
#include <curses.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <wchar.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include "app.h"
#include "colors.h"
#include "config.h"
#include "draw.h"
#include "editor.h"
#include "edrun.h"
#include "gitui.h"
#include "js/highlight.h"
#include "js/js.h"
#include "js/textbuf.h"
#include "watch.h"

#define TABSTOP 4
#define GUTTER 6
#define INDENT 4
/* Checks walk the whole function and tree-sitter's reparse costs in
 * proportion to it: a text this large is reparsed and checked once typing
 * pauses for PAUSE_MS (drawn meanwhile with the edited tree, see
 * fs_tb_set_draft), a smaller one at every frame. */
#define CHECK_NOW_BYTES 16384
#define PAUSE_MS 150
#define NEVER ULONG_MAX
/* Rows of the results panel, its summary included. */
#define RUN_ROWS 8

struct editor {
	fs_ref ref;            /* the function */
	fs_tb *tb;
	fs_pos cur, anchor;
	int sel;               /* a selection runs from anchor to cur */
	int marked;            /* set by the mark request: plain moves select */
	size_t top, left;      /* first line shown, first display column */
	size_t want;           /* display column kept by vertical moves */
	fs_hl_query *q;
	int q_failed;
	fs_js_diags diags;
	unsigned long diag_gen;  /* generation checked, NEVER before the first */
	unsigned long applied_gen;
	char *search;
	char *replace_with;
	int rows, cols;        /* text area of the last draw */
	fs_ed_rows rc;         /* highlight spans of the visible rows */
	int hl_attr[FS_HL_COUNT];  /* curses attributes of the captures */
	char *saved;           /* the text when opened or last saved */
	int close_after_save;  /* the save was the answer to leaving */
	int tabs;              /* the text indents with tabs */
	int timer, has_timer;  /* timerfd of the pause after typing */
	size_t *order;         /* the findings in text order (indexes in diags) */
	char **labels;         /* the lines of the findings menu */
	size_t nlabels;
	size_t last;           /* the finding next-error went to, in order */
	fs_edrun *run;         /* the results panel, NULL when hidden */
	unsigned long run_gen; /* generation it was asked to run */
};

static char *clip;         /* the editor's clipboard, shared by its buffers */

static struct editor *E(fs_pane *p)
{
	return p->priv;
}

static fs_obj *function(fs_app *a, struct editor *ed)
{
	fs_obj *o = fs_ref_get(a, &ed->ref);
	return o && o->kind == FS_K_FUNCTION ? o : NULL;
}

/* ---- model ---------------------------------------------------------------- */

/* Hands the buffer to the model when it changed since the last time. */
static void apply(fs_app *a, struct editor *ed)
{
	fs_obj *fn;
	fs_err e = { 0 };
	char *text;
	/* first the cheap test: the app's flush asks before every key */
	if (!ed->tb || fs_tb_generation(ed->tb) == ed->applied_gen || !(fn = function(a, ed)))
		return;
	ed->applied_gen = fs_tb_generation(ed->tb);
	text = fs_tb_text(ed->tb, NULL);
	if (strcmp(text, fs_fn_text(fn) ? fs_fn_text(fn) : "")) {
		if (fs_edit_fn_text(fs_sync_log(a, ed->ref.proj), fn, text, &e))
			fs_app_error(a, "Function not updated: %s", e.msg);
		else
			fs_app_touched(a);
	}
	free(text);
}

/* Syntax errors and domain warnings of the buffer, on its own tree (kept
 * in step by the edits, so no second parse); a built-in reduce name is no
 * JavaScript and has nothing to check. */
static void check(fs_app *a, struct editor *ed)
{
	fs_obj *fn = function(a, ed);
	fs_fn_type type = fn ? fn->fn : FS_FN_NONE;
	const TSTree *tree;
	char *text;
	if (fs_tb_generation(ed->tb) == ed->diag_gen)
		return;
	ed->diag_gen = fs_tb_generation(ed->tb);
	fs_js_diags_free(&ed->diags);
	memset(&ed->diags, 0, sizeof ed->diags);
	text = fs_tb_text_lf(ed->tb, NULL);
	tree = fs_tb_tree(ed->tb);
	if (type == FS_FN_REDUCE && fs_js_builtin_reduce(text))
		;
	else if (tree) {
		fs_js_syntax(tree, text, &ed->diags);
		fs_js_domain(tree, text, type, &ed->diags);
	} else {
		fs_js_check(type, text, &ed->diags);
	}
	free(text);
}

static fs_pane *editor_pane(fs_app *a);

/* Typing paused (or something needs the model): the exact tree, the
 * findings on it, the model. */
static void settle(fs_app *a, struct editor *ed)
{
	check(a, ed);
	apply(a, ed);
	a->redraw = 1;
}

static void pause_due(fs_app *a, int fd, int revents, void *ctx)
{
	struct editor *ed = editor_pane(a)->priv;
	uint64_t n;
	(void)revents, (void)ctx;
	if (read(fd, &n, sizeof n) < 0 || !ed || !ed->tb)
		return;
	settle(a, ed);
}

/* PAUSE_MS; tests make it long (FSSTUDIO_TEST_PAUSE_MS) to see that what
 * reads the model gets the edits without a pause. */
static long pause_ms(void)
{
	const char *t = getenv("FSSTUDIO_TEST_PAUSE_MS");
	return t && atol(t) > 0 ? atol(t) : PAUSE_MS;
}

static int pause_timer(fs_app *a, struct editor *ed)
{
	if (!ed->has_timer && (ed->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) >= 0) {
		ed->has_timer = 1;
		fs_app_watch(a, ed->timer, POLLIN, pause_due, NULL);
	}
	return ed->has_timer;
}

/* After an edit (or a move: the pause starts again): the model and the
 * checks of a large text wait for the pause, which a scripted run takes
 * at its last key; without a timer, now. */
static void edited(fs_app *a, struct editor *ed)
{
	long ms = pause_ms();
	struct itimerspec t = { .it_value = { ms / 1000, ms % 1000 * 1000000L } };
	if (fs_tb_generation(ed->tb) == ed->applied_gen && fs_tb_generation(ed->tb) == ed->diag_gen)
		return;
	if (a->test_keys ? !*a->test_keys : !pause_timer(a, ed) || timerfd_settime(ed->timer, 0, &t, NULL))
		settle(a, ed);
}

/* Once a frame: a small text is checked at once (any text the first time). */
static void check_soon(fs_app *a, struct editor *ed)
{
	if (fs_tb_generation(ed->tb) != ed->diag_gen &&
	    (ed->diag_gen == NEVER || fs_tb_size(ed->tb) < CHECK_NOW_BYTES))
		check(a, ed);
}

/* The edits wait for a pause: the model does not have them yet. */
static int pending(const struct editor *ed)
{
	return ed->tb && fs_tb_generation(ed->tb) != ed->applied_gen;
}

static int checked(const struct editor *ed)
{
	return ed->diag_gen == fs_tb_generation(ed->tb);
}

/* The findings of a line (0-based): the first one, and how many. */
static const fs_js_diag *line_diag(struct editor *ed, size_t line, size_t *count)
{
	const fs_js_diag *first = NULL;
	size_t n = 0;
	for (size_t i = 0; i < ed->diags.n; i++)
		if (ed->diags.v[i].line == line + 1) {
			/* an error before a warning of the same line */
			if (!first || (first->warning && !ed->diags.v[i].warning))
				first = &ed->diags.v[i];
			n++;
		}
	if (count)
		*count = n;
	return first;
}

/* The cursor's line has findings: the message line spells them out, unless
 * the last request said something. */
static void show_diag(fs_app *a, struct editor *ed)
{
	size_t n;
	const fs_js_diag *d;
	const char *x;
	if (a->msg || a->modal)
		return;
	if (!(d = line_diag(ed, ed->cur.line, &n))) {
		if ((x = fs_edrun_exc_at(ed->run, ed->cur.line + 1)))
			fs_app_error(a, "%zu: %s", ed->cur.line + 1, x);
		return;
	}
	if (d->warning)
		fs_app_msg(a, "%u:%u warning: %s%s", d->line, d->col, d->message, n > 1 ? " (and more)" : "");
	else
		fs_app_error(a, "%u:%u error: %s%s", d->line, d->col, d->message, n > 1 ? " (and more)" : "");
}

/* ---- cursor and selection --------------------------------------------------- */

static void sel_range(struct editor *ed, fs_pos *a, fs_pos *b)
{
	if (fs_tb_pos_cmp(ed->anchor, ed->cur) <= 0)
		*a = ed->anchor, *b = ed->cur;
	else
		*a = ed->cur, *b = ed->anchor;
}

static void set_want(struct editor *ed)
{
	ed->want = fs_tb_display_col(ed->tb, ed->cur.line, ed->cur.col);
}

/* A move with shift extends the selection; without, it drops it unless a
 * mark was set. */
static void moved(struct editor *ed, int extend, fs_pos from)
{
	if (extend && !ed->sel) {
		ed->sel = 1;
		ed->anchor = from;
	} else if (!extend && !ed->marked) {
		ed->sel = 0;
	}
	fs_tb_group_close(ed->tb);
}

static void vertical(struct editor *ed, long delta)
{
	long line = (long)ed->cur.line + delta, n = fs_tb_lines(ed->tb);
	if (line < 0)
		line = 0;
	if (line >= n)
		line = n - 1;
	ed->cur.line = line;
	ed->cur.col = fs_tb_col_at_display(ed->tb, line, ed->want);
}

/* A page up or down: the text scrolls with the cursor, which keeps its row. */
static void page(struct editor *ed, int dir)
{
	size_t row = ed->cur.line >= ed->top ? ed->cur.line - ed->top : 0;
	vertical(ed, dir * (ed->rows > 1 ? ed->rows - 1 : 1));
	ed->top = ed->cur.line > row ? ed->cur.line - row : 0;
}

/* Keeps the cursor on screen: a step past an edge scrolls by that step, a
 * jump out of sight (search, go to line, bracket) lands mid-pane. */
static void keep_visible(struct editor *ed)
{
	size_t dcol = fs_tb_display_col(ed->tb, ed->cur.line, ed->cur.col), rows = ed->rows;
	if (rows > 0) {
		if (ed->cur.line + 1 < ed->top || ed->cur.line > ed->top + rows)
			ed->top = ed->cur.line > rows / 2 ? ed->cur.line - rows / 2 : 0;
		else if (ed->cur.line < ed->top)
			ed->top = ed->cur.line;
		else if (ed->cur.line >= ed->top + rows)
			ed->top = ed->cur.line - rows + 1;
	}
	if (ed->cols > 0) {
		/* a cursor that fits unscrolled shows the lines from their start
		 * (a new line after a long one must not stay scrolled) */
		if (dcol < (size_t)ed->cols)
			ed->left = 0;
		else if (dcol < ed->left)
			ed->left = dcol;
		else if (dcol >= ed->left + ed->cols)
			ed->left = dcol - ed->cols + 1;
	}
}

static int delete_selection(struct editor *ed)
{
	fs_pos a, b;
	ed->marked = 0;
	if (!ed->sel)
		return 0;
	sel_range(ed, &a, &b);
	fs_tb_delete(ed->tb, a, b);
	ed->cur = a;
	ed->sel = 0;
	return 1;
}

static void insert_text(struct editor *ed, const char *s, size_t n)
{
	fs_pos end;
	delete_selection(ed);
	fs_tb_insert(ed->tb, ed->cur, s, n, &end);
	ed->cur = end;
}

/* ---- findings ------------------------------------------------------------------- */

/* The findings in text order (the checks list errors before warnings). */
static const fs_js_diags *diags_ref;

static int by_start(const void *x, const void *y)
{
	const fs_js_diag *a = &diags_ref->v[*(const size_t *)x], *b = &diags_ref->v[*(const size_t *)y];
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static void sort_findings(struct editor *ed)
{
	free(ed->order);
	ed->order = fs_xmalloc((ed->diags.n ? ed->diags.n : 1) * sizeof *ed->order);
	for (size_t i = 0; i < ed->diags.n; i++)
		ed->order[i] = i;
	diags_ref = &ed->diags;
	qsort(ed->order, ed->diags.n, sizeof *ed->order, by_start);
}

static void free_labels(struct editor *ed)
{
	for (size_t i = 0; i < ed->nlabels; i++)
		free(ed->labels[i]);
	free(ed->labels);
	ed->labels = NULL;
	ed->nlabels = 0;
}

static char *finding_text(const fs_js_diag *d)
{
	return fs_xasprintf("%u:%u %s: %s", d->line, d->col, d->warning ? "warning" : "error", d->message);
}

/* Puts the cursor on the k-th finding (in text order) and says which. */
static void goto_finding(fs_app *a, struct editor *ed, size_t k, int wrapped)
{
	const fs_js_diag *d = &ed->diags.v[ed->order[k]];
	char *text = finding_text(d);
	ed->cur = fs_tb_pos_at(ed->tb, d->start);
	ed->sel = ed->marked = 0;
	ed->last = k;
	set_want(ed);
	keep_visible(ed);
	if (d->warning)
		fs_app_msg(a, "%zu/%zu %s%s", k + 1, ed->diags.n, text, wrapped ? " (from the top)" : "");
	else
		fs_app_error(a, "%zu/%zu %s%s", k + 1, ed->diags.n, text, wrapped ? " (from the top)" : "");
	free(text);
}

/* The next finding after the cursor; from the one next-error went to when
 * the cursor is still on it (several findings may share a place). */
static void next_finding(fs_app *a, struct editor *ed)
{
	size_t off, k;
	check(a, ed);
	if (!ed->diags.n) {
		fs_app_msg(a, "No syntax errors or warnings");
		return;
	}
	sort_findings(ed);
	off = fs_tb_offset(ed->tb, ed->cur);
	if (ed->last < ed->diags.n && ed->diags.v[ed->order[ed->last]].start == off)
		k = ed->last + 1;
	else
		for (k = 0; k < ed->diags.n && ed->diags.v[ed->order[k]].start <= off; k++)
			;
	goto_finding(a, ed, k < ed->diags.n ? k : 0, k >= ed->diags.n);
}

static void findings_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	if (key == '\r' && ed && ed->tb && m->sel < ed->diags.n) {
		goto_finding(a, ed, m->sel, 0);
		a->redraw = 1;
	}
}

/* The findings in a menu, the one at or after the cursor chosen. */
static void list_findings(fs_app *a, struct editor *ed)
{
	struct fs_menu_item *items;
	fs_modal *m;
	size_t off;
	char *title;
	check(a, ed);
	if (!ed->diags.n) {
		fs_app_msg(a, "No syntax errors or warnings");
		return;
	}
	sort_findings(ed);
	free_labels(ed);
	ed->labels = fs_xmalloc(ed->diags.n * sizeof *ed->labels);
	items = fs_xmalloc(ed->diags.n * sizeof *items);
	for (size_t k = 0; k < ed->diags.n; k++) {
		ed->labels[k] = finding_text(&ed->diags.v[ed->order[k]]);
		items[k] = (struct fs_menu_item){ FS_REQ_NONE, ed->labels[k] };
	}
	ed->nlabels = ed->diags.n;
	title = fs_xasprintf("%zu error%s, %zu warning%s (Enter goes to one)", ed->diags.nerrors,
			     ed->diags.nerrors == 1 ? "" : "s", ed->diags.n - ed->diags.nerrors,
			     ed->diags.n - ed->diags.nerrors == 1 ? "" : "s");
	m = fs_modal_menu(a, title, items, ed->diags.n, findings_done);
	free(title);
	free(items);
	off = fs_tb_offset(ed->tb, ed->cur);
	for (m->sel = 0; m->sel + 1 < ed->diags.n && ed->diags.v[ed->order[m->sel]].start < off; m->sel++)
		;
}

/* ---- moves and edits -------------------------------------------------------------- */

/* The cursor requests; the select- ones extend the selection. */
static int move_req(struct editor *ed, fs_req r)
{
	fs_pos from = ed->cur;
	int extend = 0;
	switch (r) {
	case FS_REQ_SELECT_LEFT:  extend = 1; /* fall through */
	case FS_REQ_CHAR_LEFT:    ed->cur = fs_tb_prev_char(ed->tb, ed->cur); set_want(ed); break;
	case FS_REQ_SELECT_RIGHT: extend = 1; /* fall through */
	case FS_REQ_CHAR_RIGHT:   ed->cur = fs_tb_next_char(ed->tb, ed->cur); set_want(ed); break;
	case FS_REQ_SELECT_UP:    extend = 1; /* fall through */
	case FS_REQ_LINE_UP:      vertical(ed, -1); break;
	case FS_REQ_SELECT_DOWN:  extend = 1; /* fall through */
	case FS_REQ_LINE_DOWN:    vertical(ed, 1); break;
	case FS_REQ_MOVE_PAGE_UP:   page(ed, -1); break;
	case FS_REQ_MOVE_PAGE_DOWN: page(ed, 1); break;
	case FS_REQ_SELECT_START: extend = 1; /* fall through */
	case FS_REQ_LINE_START:   ed->cur.col = 0; set_want(ed); break;
	case FS_REQ_SELECT_END:   extend = 1; /* fall through */
	case FS_REQ_LINE_END:     ed->cur.col = fs_tb_line_len(ed->tb, ed->cur.line); set_want(ed); break;
	default:
		return 0;
	}
	moved(ed, extend, from);
	return 1;
}

/* Indent: the selected lines, else an indent at the cursor (a tab or
 * spaces to the next stop, as the text indents); unindent: the line or the
 * selected lines. */
static void indent(struct editor *ed, int dir)
{
	fs_pos a, b;
	if (ed->sel || dir < 0) {
		sel_range(ed, &a, &b);
		if (!ed->sel)
			a = b = ed->cur;
		fs_tb_indent(ed->tb, a.line, b.line, dir);
		ed->cur = fs_tb_clamp(ed->tb, ed->cur);
		ed->anchor = fs_tb_clamp(ed->tb, ed->anchor);
	} else if (ed->tabs) {
		insert_text(ed, "\t", 1);
	} else {
		size_t dcol = fs_tb_display_col(ed->tb, ed->cur.line, ed->cur.col);
		insert_text(ed, "        ", INDENT - dcol % INDENT);
	}
}

/* The editing requests. */
static int edit_req(struct editor *ed, fs_req r)
{
	switch (r) {
	case FS_REQ_NEWLINE:
		delete_selection(ed);
		ed->cur = fs_tb_newline(ed->tb, ed->cur);
		return 1;
	case FS_REQ_INDENT:
	case FS_REQ_UNINDENT:
		indent(ed, r == FS_REQ_INDENT ? 1 : -1);
		return 1;
	case FS_REQ_BACKSPACE:
		if (!delete_selection(ed))
			ed->cur = fs_tb_backspace(ed->tb, ed->cur);
		return 1;
	case FS_REQ_DELETE_CHAR:
		if (!delete_selection(ed))
			ed->cur = fs_tb_delete_char(ed->tb, ed->cur);
		return 1;
	default:
		return 0;
	}
}

/* A key that makes text is typed. */
static int type_key(struct editor *ed, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;
	if (key < ' ' || key == 127 || key >= FS_KEY_FN)
		return 0;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n != (size_t)-1)
		insert_text(ed, mb, n);
	return 1;
}

static int editor_key(fs_app *a, fs_pane *p, int key)
{
	struct editor *ed = E(p);
	/* keys of the editor keymap run requests (the app's way: help, menus
	 * and quitting see them too), the others that make text type it */
	if (fs_keys_lookup_own(FS_KM_EDITOR, key) != FS_REQ_NONE || !type_key(ed, key))
		return 0;
	set_want(ed);
	keep_visible(ed);
	edited(a, ed);
	return 1;
}

/* ---- requests ------------------------------------------------------------------- */

static void copy_or_cut(fs_app *a, struct editor *ed, int cut)
{
	fs_pos s, e;
	size_t len;
	if (ed->sel) {
		sel_range(ed, &s, &e);
	} else {
		/* no selection: the whole line, its line end included */
		s = (fs_pos){ ed->cur.line, 0 };
		e = ed->cur.line + 1 < fs_tb_lines(ed->tb) ? (fs_pos){ ed->cur.line + 1, 0 } :
			(fs_pos){ ed->cur.line, fs_tb_line_len(ed->tb, ed->cur.line) };
	}
	free(clip);
	if (cut) {
		clip = fs_tb_cut(ed->tb, s, e, &len);
		ed->cur = s;
	} else {
		clip = fs_tb_get(ed->tb, s, e, &len);
	}
	ed->sel = 0;
	fs_app_msg(a, "%s %zu byte%s", cut ? "Cut" : "Copied", len, len == 1 ? "" : "s");
}

static int find(fs_app *a, struct editor *ed, int backward)
{
	fs_pos at, from = ed->cur;
	int wrapped = 0;
	if (!ed->search || !*ed->search)
		return 0;
	if (!backward)
		from = fs_tb_next_char(ed->tb, ed->cur);
	if (!fs_tb_search(ed->tb, ed->search, from, backward ? FS_TB_BACKWARD : 0, &at, &wrapped)) {
		fs_app_error(a, "Not found: %s", ed->search);
		return 0;
	}
	ed->cur = at;
	ed->sel = 0;
	set_want(ed);
	fs_app_msg(a, wrapped ? "Search wrapped: %s" : "Found: %s", ed->search);
	return 1;
}

static fs_pane *editor_pane(fs_app *a)
{
	return &a->panes[FS_P_EDITOR];
}

/* Search prompts start empty and show the last needle, which an empty
 * answer takes again (as nano does). */
static fs_modal *needle_prompt(fs_app *a, struct editor *ed, const char *what, fs_modal_fn done)
{
	char *label = ed->search && *ed->search ? fs_xasprintf("%s [%s]: ", what, ed->search) :
		fs_xasprintf("%s: ", what);
	fs_modal *m = fs_modal_prompt(a, label, "", done);
	free(label);
	return m;
}

/* The answer, else the last needle; 0 when there is neither. */
static int take_needle(struct editor *ed, fs_modal *m)
{
	if (*fs_buf_str(&m->text)) {
		free(ed->search);
		ed->search = fs_xstrdup(fs_buf_str(&m->text));
	}
	return ed->search && *ed->search;
}

static void search_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	if (key == 27 || !ed)
		return;
	take_needle(ed, m);
	find(a, ed, m->arg && *m->arg == 'b');
	keep_visible(ed);
}

static void replace_step(fs_app *a, fs_modal *m, int key);

static void replace_next(fs_app *a)
{
	struct editor *ed = E(editor_pane(a));
	fs_pos at;
	int wrapped;
	if (!fs_tb_search(ed->tb, ed->search, ed->cur, 0, &at, &wrapped)) {
		fs_app_msg(a, "No more matches of %s", ed->search);
		return;
	}
	ed->cur = at;
	set_want(ed);
	keep_visible(ed);
	fs_modal_confirm(a, "Replace this one (y), skip it (n), all the rest (a)?", "yna", replace_step);
}

static void replace_step(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	fs_pos end;
	if (key == 27)
		return;
	if (key == 'a') {
		size_t n = fs_tb_replace_all(ed->tb, ed->search, ed->replace_with, 0);
		fs_app_msg(a, "Replaced %zu", n);
		apply(a, ed);
		return;
	}
	if (key == 'y' && fs_tb_replace(ed->tb, ed->cur, ed->search, ed->replace_with, 0, &end))
		ed->cur = end;
	else
		ed->cur = fs_tb_next_char(ed->tb, ed->cur);
	apply(a, ed);
	replace_next(a);
}

static void replace_with_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	if (key == 27)
		return;
	free(ed->replace_with);
	ed->replace_with = fs_xstrdup(fs_buf_str(&m->text));
	replace_next(a);
}

static void replace_what_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	if (key == 27 || !take_needle(ed, m))
		return;
	fs_modal_prompt(a, "Replace with: ", ed->replace_with, replace_with_done);
}

static void goto_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	long n = atol(fs_buf_str(&m->text));
	if (key == 27)
		return;
	if (n < 1) {
		fs_app_error(a, "A line number from 1 to %zu", fs_tb_lines(ed->tb));
		m->keep = 1;
		return;
	}
	fs_tb_group_close(ed->tb);
	ed->cur = fs_tb_goto_line(ed->tb, n);
	ed->sel = 0;
	set_want(ed);
	keep_visible(ed);
}

static const char *const builtins[] = { "_count", "_sum", "_stats", "_approx_count_distinct" };

static void builtin_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	const char *js = ed->tabs ? "function (keys, values, rereduce) {\n\treturn values.length;\n}" :
		"function (keys, values, rereduce) {\n    return values.length;\n}";
	const char *with = m->sel < 4 ? builtins[m->sel] : js;
	char *text;
	fs_pos end;
	size_t n = fs_tb_lines(ed->tb);
	int builtin;
	if (key != '\r')
		return;
	/* a JavaScript reduce chosen while one is there: keep the user's */
	text = fs_tb_text(ed->tb, NULL);
	builtin = fs_js_builtin_reduce(text) || !*text;
	free(text);
	if (m->sel == 4 && !builtin)
		return;
	fs_tb_group_begin(ed->tb);
	fs_tb_delete(ed->tb, (fs_pos){ 0, 0 }, (fs_pos){ n - 1, fs_tb_line_len(ed->tb, n - 1) });
	fs_tb_insert(ed->tb, (fs_pos){ 0, 0 }, with, strlen(with), &end);
	fs_tb_group_end(ed->tb);
	ed->cur = (fs_pos){ 0, 0 };
	ed->sel = 0;
	apply(a, ed);
}

static void choose_builtin(fs_app *a, struct editor *ed)
{
	fs_obj *fn = function(a, ed);
	struct fs_menu_item items[5];
	fs_modal *m;
	char *text;
	if (!fn || fn->fn != FS_FN_REDUCE) {
		fs_app_error(a, "Built-in reduces are for reduce functions");
		return;
	}
	for (int i = 0; i < 4; i++)
		items[i] = (struct fs_menu_item){ FS_REQ_NONE, builtins[i] };
	items[4] = (struct fs_menu_item){ FS_REQ_NONE, "a JavaScript function" };
	m = fs_modal_menu(a, "Reduce", items, 5, builtin_done);
	/* the menu opens on what the reduce is now */
	text = fs_tb_text(ed->tb, NULL);
	m->sel = 4;
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(text, builtins[i]))
			m->sel = i;
	free(text);
}

/* ---- saving and leaving ----------------------------------------------------- */

static void commit_done(fs_app *a, fs_modal *m, int key)
{
	const char *msg = fs_buf_str(&m->text);
	const char *objs[1] = { m->ref.path };
	fs_repo *repo = fs_gitui_repo(a, m->ref.proj);
	fs_err e = { 0 };
	char id[41];
	if (key == 27 || !repo)
		return;
	if (!*msg) {
		fs_app_error(a, "An empty message: nothing committed");
		m->keep = 1;
		return;
	}
	if (fs_git_commit(repo, msg, objs, 1, id, &e)) {
		fs_app_error(a, "Not committed: %s", e.msg);
		return;
	}
	fs_app_msg(a, "Committed %.7s: %s", id, msg);
	fs_gitui_refresh(a);
}

/* After a save: in a git repository, the commit of the function's file is
 * one Enter away (Esc: not now). */
static void offer_commit(fs_app *a, const fs_ref *ref)
{
	fs_modal *m;
	char *init;
	if (!fs_gitui_repo(a, ref->proj))
		return;
	init = fs_xasprintf("Edit %s", ref->path);
	m = fs_modal_prompt(a, "Commit it? Message (Esc: not now): ", init, commit_done);
	m->ref.proj = ref->proj;
	m->ref.path = fs_xstrdup(ref->path);
	free(init);
}

/* The results panel goes with the editor: its run is cancelled (the child
 * killed and reaped), it opens hidden next time. */
static void stop_run(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	fs_edrun_free(a, ed->run);
	ed->run = NULL;
	p->foot = 0;
}

static void close_pane(fs_app *a, fs_pane *p)
{
	stop_run(a, p);
	fs_app_close_pane(a, p);
}

static void leave(fs_app *a, fs_pane *p)
{
	apply(a, E(p));
	fs_app_changed(a);
	close_pane(a, p);
}

/* Saves through the studio's save (every changed project, atomically,
 * recovery files dropped), then offers the commit. */
static void save_now(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	fs_obj *fn = function(a, ed);
	fs_ref ref = { ed->ref.proj, fs_xstrdup(ed->ref.path) };
	int changed, close = ed->close_after_save;
	ed->close_after_save = 0;
	apply(a, ed);
	changed = fn && fs_project_dirty(fn->project);
	fs_app_changed(a);
	if (fs_action_save_all(a) == 0) {
		free(ed->saved);
		ed->saved = fs_tb_text(ed->tb, NULL);
		fs_tb_mark_clean(ed->tb);
		if (close)
			close_pane(a, p);
		if (changed)
			offer_commit(a, &ref);
	}
	fs_ref_clear(&ref);
}

static void save_anyway(fs_app *a, fs_modal *m, int key)
{
	fs_pane *p = editor_pane(a);
	if (!E(p))
		return;
	if (key == 'y')
		save_now(a, p);
	else
		E(p)->close_after_save = 0;
}

/* Syntax errors ask first: a broken function would reach the server. */
static void save(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	char label[256];
	const fs_js_diag *d = NULL;
	check(a, ed);
	for (size_t i = 0; i < ed->diags.n && !d; i++)
		if (!ed->diags.v[i].warning)
			d = &ed->diags.v[i];
	if (!d) {
		save_now(a, p);
		return;
	}
	snprintf(label, sizeof label, "%zu syntax error%s (%u:%u %s): save anyway?",
		 ed->diags.nerrors, ed->diags.nerrors == 1 ? "" : "s", d->line, d->col, d->message);
	fs_modal_confirm(a, label, "yn", save_anyway);
}

static void leave_done(fs_app *a, fs_modal *m, int key)
{
	fs_pane *p = editor_pane(a);
	struct editor *ed = E(p);
	fs_obj *fn;
	fs_err e = { 0 };
	if (!ed)
		return;
	switch (key) {
	case 's':
		ed->close_after_save = 1;
		save(a, p);
		break;
	case 'k':
		leave(a, p);
		fs_app_msg(a, "The edits stay in the project, unsaved (s saves)");
		break;
	case 'd':
		fn = function(a, ed);
		if (fn && ed->saved && fs_edit_fn_text(fs_sync_log(a, ed->ref.proj), fn, ed->saved, &e)) {
			fs_app_error(a, "Not discarded: %s", e.msg);
			return;
		}
		ed->applied_gen = fs_tb_generation(ed->tb);
		fs_app_changed(a);
		close_pane(a, p);
		fs_app_msg(a, "Edits discarded");
		break;
	}
}

/* Leaving with edits not saved since the editor opened asks what to do. */
static void close_editor(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	if (!fs_tb_dirty(ed->tb)) {
		leave(a, p);
		return;
	}
	fs_modal_confirm(a, "Unsaved edits: save (s), keep them unsaved in the project (k), discard (d)?",
			 "skd", leave_done);
}

/* ---- the results panel ---------------------------------------------------------- */

static void toggle_run(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	if (ed->run) {
		stop_run(a, p);
		return;
	}
	ed->run = fs_edrun_new();
	ed->run_gen = NEVER;
	p->foot = RUN_ROWS;
}

/* Once a frame: a text changed since the last run asks for another. */
static void run_soon(fs_app *a, struct editor *ed)
{
	fs_obj *fn = function(a, ed);
	/* the run reads the model: after the pause */
	if (!ed->run || !fn || ed->run_gen == fs_tb_generation(ed->tb) || pending(ed))
		return;
	ed->run_gen = fs_tb_generation(ed->tb);
	fs_edrun_soon(a, ed->run, ed->ref.proj, fn);
}

/* A rule with the summary, then as many lines as fit. */
static void editor_draw_foot(fs_app *a, fs_pane *p, int y, int x, int w, int h)
{
	struct editor *ed = E(p);
	const fs_lines *l = ed->run ? fs_edrun_lines(ed->run) : NULL;
	(void)a;
	for (int i = 0; i < h; i++) {
		const fs_line *ln = l && (size_t)i < l->n ? &l->v[i] : NULL;
		int attr = fs_color_attr(i == 0 ? FS_C_TITLE_BLUR : ln ? ln->color : FS_C_DEFAULT);
		fs_draw_fill(y + i, x, w, attr);
		if (ln)
			fs_draw_text(y + i, x + 1, w - 1, ln->text, attr);
	}
}

static fs_req editor_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct editor *ed = E(p);
	fs_pos to;
	if (move_req(ed, r)) {
		keep_visible(ed);
		edited(a, ed);
		return FS_REQ_NONE;
	}
	if (edit_req(ed, r)) {
		set_want(ed);
		keep_visible(ed);
		edited(a, ed);
		return FS_REQ_NONE;
	}
	switch (r) {
	case FS_REQ_UNDO:
		if (!fs_tb_undo(ed->tb, &ed->cur))
			fs_app_msg(a, "Nothing to undo");
		ed->sel = 0;
		break;
	case FS_REQ_REDO:
		if (!fs_tb_redo(ed->tb, &ed->cur))
			fs_app_msg(a, "Nothing to redo");
		ed->sel = 0;
		break;
	case FS_REQ_MARK:
		ed->sel = ed->marked = !ed->marked;
		ed->anchor = ed->cur;
		fs_app_msg(a, ed->sel ? "Mark set: moves select" : "Mark dropped");
		break;
	case FS_REQ_CUT:
		copy_or_cut(a, ed, 1);
		break;
	case FS_REQ_COPY_TEXT:
		copy_or_cut(a, ed, 0);
		break;
	case FS_REQ_PASTE_TEXT:
		if (clip)
			insert_text(ed, clip, strlen(clip));
		fs_tb_group_close(ed->tb);
		break;
	case FS_REQ_SEARCH:
	case FS_REQ_SEARCH_BACK: {
		fs_modal *m = needle_prompt(a, ed, r == FS_REQ_SEARCH ? "Search" : "Search backward", search_done);
		m->arg = fs_xstrdup(r == FS_REQ_SEARCH ? "f" : "b");
		return FS_REQ_NONE;
	}
	case FS_REQ_SEARCH_NEXT:
	case FS_REQ_FIND_NEXT:
		if (!ed->search) {
			fs_buf k = FS_BUF_INIT;
			fs_keys_own(FS_KM_EDITOR, FS_REQ_SEARCH, &k);
			fs_app_msg(a, "No search yet (search: %s)", k.len ? fs_buf_str(&k) : "unbound");
			fs_buf_free(&k);
		}
		find(a, ed, 0);
		break;
	case FS_REQ_REPLACE:
		needle_prompt(a, ed, "Replace", replace_what_done);
		return FS_REQ_NONE;
	case FS_REQ_GOTO_LINE:
		fs_modal_prompt(a, "Go to line: ", "", goto_done);
		return FS_REQ_NONE;
	case FS_REQ_MATCH_BRACKET:
		if (fs_tb_match_bracket(ed->tb, ed->cur, &to))
			ed->cur = to;
		else
			fs_app_msg(a, "No bracket here");
		break;
	case FS_REQ_REDUCE_BUILTIN:
		choose_builtin(a, ed);
		return FS_REQ_NONE;
	case FS_REQ_NEXT_ERROR:
		next_finding(a, ed);
		return FS_REQ_NONE;
	case FS_REQ_FINDINGS:
		list_findings(a, ed);
		return FS_REQ_NONE;
	case FS_REQ_RUN_PANEL:
		toggle_run(a, p);
		return FS_REQ_NONE;
	case FS_REQ_SAVE:
		save(a, p);
		return FS_REQ_NONE;
	case FS_REQ_EXTERNAL_EDIT:
		/* the model first, then the external editor on this function */
		leave(a, p);
		fs_app_select(a, ed->ref.proj, ed->ref.path);
		return r;
	case FS_REQ_CLOSE:
		close_editor(a, p);
		return FS_REQ_NONE;
	case FS_REQ_QUIT:
		/* the studio's quit asks about unsaved projects */
		leave(a, p);
		return r;
	default:
		/* the app's requests work on the model: it gets the edits first */
		apply(a, ed);
		return r;
	}
	set_want(ed);
	keep_visible(ed);
	edited(a, ed);
	return FS_REQ_NONE;
}

/* ---- drawing ------------------------------------------------------------------------ */

/* The highlight query, loaded once; a broken user query file is named once
 * and the text shows plain. */
static fs_hl_query *query(fs_app *a, struct editor *ed)
{
	fs_err e = { 0 };
	if (!ed->q && !ed->q_failed && fs_hl_query_load(&ed->q, "javascript", &e)) {
		ed->q_failed = 1;
		fs_app_error(a, "No highlighting: %s", e.msg);
	}
	return ed->q;
}

static int in_selection(struct editor *ed, size_t line, size_t col)
{
	fs_pos a, b, p = { line, col };
	if (!ed->sel)
		return 0;
	sel_range(ed, &a, &b);
	return fs_tb_pos_cmp(p, a) >= 0 && fs_tb_pos_cmp(p, b) < 0;
}

/* Line numbers and the finding mark ("  12! "), or the mark alone when the
 * line-numbers option is off; nothing in a very narrow pane. */
static int gutter_width(const fs_pane *p)
{
	int gw = fs_opt_int(FS_OPT_LINE_NUMBERS) ? GUTTER : 2;
	return p->w > gw + 4 ? gw : 0;
}

static int in_error(struct editor *ed, size_t off)
{
	for (size_t i = 0; i < ed->diags.n; i++)
		if (!ed->diags.v[i].warning && off >= ed->diags.v[i].start && off < ed->diags.v[i].end)
			return 1;
	return 0;
}

static void draw_gutter(struct editor *ed, size_t lineno, int y, int x, int gw)
{
	const fs_js_diag *d = line_diag(ed, lineno, NULL);
	char num[24];
	/* a sample the function threw on marks the line as an error does */
	int threw = !d && fs_edrun_exc_at(ed->run, lineno + 1);
	char mark = d ? (d->warning ? '?' : '!') : threw ? '!' : ' ';
	if (gw == GUTTER)
		snprintf(num, sizeof num, "%4zu%c ", lineno + 1, mark);
	else
		snprintf(num, sizeof num, "%c ", mark);
	fs_draw_text(y, x, gw, num, fs_color_attr((d && !d->warning) || threw ? FS_C_ERROR : FS_C_LINE_NUMBER));
}

/* One character cell run: tabs and wide characters cut by an edge show as
 * spaces, control characters as ^X. */
static void draw_char(struct editor *ed, const char *s, size_t clen, size_t dcol, int cw, int y, int x0, int attr)
{
	int col = x0 + (int)(dcol >= ed->left ? dcol - ed->left : 0);
	char buf[16];
	if (*s == '\t' || dcol < ed->left || dcol + cw > ed->left + ed->cols) {
		int n = (int)(dcol + cw > ed->left + ed->cols ? ed->left + ed->cols - dcol : (size_t)cw);
		n = dcol < ed->left ? (int)(dcol + cw - ed->left) : n;
		fs_draw_fill(y, col, n, attr);
	} else if ((unsigned char)*s < ' ' || *s == 127) {
		snprintf(buf, sizeof buf, "^%c", *s == 127 ? '?' : *s + '@');
		fs_draw_text(y, col, cw, buf, attr);
	} else {
		size_t n = clen < sizeof buf - 1 ? clen : sizeof buf - 1;
		memcpy(buf, s, n);
		buf[n] = 0;
		fs_draw_text(y, col, cw, buf, attr);
	}
}

/* A row as kilo renders one: its spans come from the row cache (filled for
 * the damaged rows only, see editor_title), the rest is plain drawing that
 * curses turns into the cells that changed. */
static void editor_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct editor *ed = E(p);
	size_t len, dcol = 0, si = 0, off = fs_tb_offset(ed->tb, (fs_pos){ lineno, 0 });
	const char *s = fs_tb_line(ed->tb, lineno, &len);
	const fs_spans *spans = fs_ed_rows_get(&ed->rc, lineno);
	int gw = gutter_width(p), x0 = x + gw;
	(void)a, (void)cursor;
	ed->cols = w - gw;
	fs_draw_fill(y, x, w, fs_color_attr(FS_C_DEFAULT));
	if (gw)
		draw_gutter(ed, lineno, y, x, gw);
	for (size_t i = 0; i < len;) {
		size_t clen;
		int cw = fs_char_width(s + i, len - i, dcol, TABSTOP, &clen), attr;
		while (spans && si < spans->n && spans->v[si].end <= i)
			si++;
		attr = spans && si < spans->n && spans->v[si].start <= i ?
			ed->hl_attr[spans->v[si].hl] : fs_color_attr(FS_C_DEFAULT);
		if (ed->diags.nerrors && checked(ed) && in_error(ed, off + i))
			attr = fs_color_attr(FS_C_SYNTAX_ERROR);
		if (in_selection(ed, lineno, i))
			attr |= A_REVERSE;
		if (dcol + cw > ed->left && dcol < ed->left + ed->cols)
			draw_char(ed, s + i, clen, dcol, cw, y, x0, attr);
		dcol += cw;
		i += clen ? clen : 1;
	}
	/* a selection that runs over the line end shows one cell */
	if (in_selection(ed, lineno, len) && lineno + 1 < fs_tb_lines(ed->tb) && dcol >= ed->left &&
	    dcol < ed->left + ed->cols)
		fs_draw_fill(y, x0 + (int)(dcol - ed->left), 1, A_REVERSE);
}

static int editor_cursor(fs_app *a, fs_pane *p, int *y, int *x)
{
	struct editor *ed = E(p);
	size_t dcol = fs_tb_display_col(ed->tb, ed->cur.line, ed->cur.col);
	(void)a;
	if (ed->cur.line < ed->top || ed->cur.line >= ed->top + fs_pane_rows(p) || dcol < ed->left)
		return 0;
	*y = p->y + 1 + (int)(ed->cur.line - ed->top);
	*x = p->x + gutter_width(p) + (int)(dcol - ed->left);
	return *x < p->x + p->w;
}

/* The pane's generic fields follow the buffer (the title shows them). */
static void sync_pane(fs_pane *p)
{
	struct editor *ed = E(p);
	p->lines = fs_tb_lines(ed->tb);
	p->lineno = ed->cur.line;
	p->offset = ed->top;
}

/* The app moved the pane's cursor (a click, the wheel): the text cursor
 * goes to that line, the text scrolls as the pane did. */
static void editor_select(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	(void)a;
	if (!ed || !ed->tb || (p->lineno == ed->cur.line && p->offset == ed->top))
		return;
	fs_tb_group_close(ed->tb);
	ed->cur.line = p->lineno < fs_tb_lines(ed->tb) ? p->lineno : fs_tb_lines(ed->tb) - 1;
	ed->cur.col = fs_tb_col_at_display(ed->tb, ed->cur.line, ed->want);
	ed->top = p->offset;
	if (!ed->marked)
		ed->sel = 0;
}

/* The title comes first in a frame: the place to bring the rows up to date
 * (the layout may have resized the pane) before the rows are drawn. */
static void prepare(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	int rows = fs_pane_rows(p);
	ed->rows = rows > 0 ? rows : 0;
	ed->cols = p->w - gutter_width(p);
	keep_visible(ed);
	sync_pane(p);
	for (int h = 0; h < FS_HL_COUNT; h++)
		ed->hl_attr[h] = fs_color_attr(fs_color_of_capture(fs_hl_name(h)));
	fs_ed_rows_update(&ed->rc, ed->tb, query(a, ed), ed->top, ed->rows);
}

static void editor_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct editor *ed = E(p);
	fs_obj *fn = function(a, ed);
	size_t warnings;
	check_soon(a, ed);
	run_soon(a, ed);
	prepare(a, p);
	/* once a frame, after the keys of the frame (prompts' ones too) */
	if (a->focus == p)
		show_diag(a, ed);
	warnings = ed->diags.n - ed->diags.nerrors;
	fs_buf_printf(out, "Edit %s", ed->ref.path);
	if ((fn && fs_project_dirty(fn->project)) || pending(ed))
		fs_buf_adds(out, " [+]");
	if (ed->diags.nerrors)
		fs_buf_printf(out, "  %zu error%s", ed->diags.nerrors, ed->diags.nerrors == 1 ? "" : "s");
	if (warnings)
		fs_buf_printf(out, "  %zu warning%s", warnings, warnings == 1 ? "" : "s");
}

/* Convertigo's own functions indent with spaces; a text whose lines start
 * with tabs keeps tabs. */
static int indents_with_tabs(const char *text)
{
	for (const char *l = text; l; l = strchr(l, '\n')) {
		l += *l == '\n';
		if (*l == '\t')
			return 1;
		if (*l == ' ')
			return 0;
	}
	return 0;
}

/* The buffer of a function: kept when it is the one shown and still holds
 * the model's text, else made afresh from the model. */
static void editor_load(fs_app *a, fs_pane *p, int proj, fs_obj *fn)
{
	struct editor *ed = E(p);
	const char *text = fs_fn_text(fn);
	if (!text)
		text = "";
	if (ed->tb && ed->ref.path) {
		char *path = fs_obj_path(fn), *cur;
		int same = ed->ref.proj == proj && !strcmp(path, ed->ref.path);
		free(path);
		if (!same) {
			apply(a, ed);
		} else {
			cur = fs_tb_text(ed->tb, NULL);
			same = !strcmp(cur, text);
			free(cur);
			if (same)
				return;
		}
	}
	fs_tb_free(ed->tb);
	ed->tb = fs_tb_new(text, strlen(text));
	fs_tb_set_language(ed->tb, tree_sitter_javascript());
	fs_tb_set_draft(ed->tb, CHECK_NOW_BYTES);
	fs_tb_set_tabstop(ed->tb, TABSTOP);
	ed->tabs = indents_with_tabs(text);
	fs_tb_set_indent(ed->tb, ed->tabs ? 0 : INDENT);
	fs_tb_mark_clean(ed->tb);
	free(ed->saved);
	ed->saved = fs_xstrdup(text);
	ed->applied_gen = fs_tb_generation(ed->tb);
	ed->diag_gen = NEVER;
	ed->run_gen = NEVER;
	fs_ed_rows_reset(&ed->rc);
	fs_ref_clear(&ed->ref);
	fs_ref_set(&ed->ref, proj, fn);
	ed->cur = ed->anchor = (fs_pos){ 0, 0 };
	ed->sel = ed->marked = 0;
	ed->top = ed->left = ed->want = 0;
	sync_pane(p);
}

/* Opens the editor on a function (fs_app_open then shows it). */
int fs_editor_edit(fs_app *a, int proj, fs_obj *fn)
{
	fs_pane *p = editor_pane(a);
	if (!fn || fn->kind != FS_K_FUNCTION)
		return -1;
	if (!p->priv)
		p->priv = fs_xcalloc(1, sizeof(struct editor));
	editor_load(a, p, proj, fn);
	fs_app_open(a, FS_P_EDITOR);
	if (fn->fn == FS_FN_REDUCE) {
		fs_buf k = FS_BUF_INIT;
		fs_keys_own(FS_KM_EDITOR, FS_REQ_REDUCE_BUILTIN, &k);
		if (k.len)
			fs_app_msg(a, "%s chooses a built-in reduce (_count, _sum, _stats...)", fs_buf_str(&k));
		fs_buf_free(&k);
	}
	return 0;
}

/* The same with the cursor at a place of the text (1-based line, column
 * in characters), as a checker reports it: the deploy pane's refusals. */
int fs_editor_edit_at(fs_app *a, int proj, fs_obj *fn, unsigned line, unsigned col)
{
	struct editor *ed;
	if (fs_editor_edit(a, proj, fn))
		return -1;
	ed = E(editor_pane(a));
	fs_tb_group_close(ed->tb);
	ed->cur = fs_tb_goto_line(ed->tb, line ? line : 1);
	for (unsigned k = 1; k < col; k++) {
		fs_pos next = fs_tb_next_char(ed->tb, ed->cur);
		if (next.line != ed->cur.line)
			break;
		ed->cur = next;
	}
	ed->sel = ed->marked = 0;
	set_want(ed);
	keep_visible(ed);
	return 0;
}

static void editor_open(fs_app *a, fs_pane *p)
{
	(void)a;
	if (!p->priv)
		p->priv = fs_xcalloc(1, sizeof(struct editor));
}

/* The model changed under the editor: a function gone closes it, a text
 * changed elsewhere (restore, $EDITOR, recovery) comes into the buffer. */
static void editor_reload(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	fs_obj *fn;
	if (!ed || !ed->tb)
		return;
	fn = function(a, ed);
	if (!fn) {
		if (a->right == p)
			close_pane(a, p);
		return;
	}
	apply(a, ed);
	editor_load(a, p, ed->ref.proj, fn);
}

/* The app is about to let something else read the model. */
static void editor_flush(fs_app *a, fs_pane *p)
{
	if (E(p) && E(p)->tb)
		apply(a, E(p));
}

static void editor_close(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	if (!ed)
		return;
	if (ed->has_timer) {
		fs_app_unwatch(a, ed->timer);
		close(ed->timer);
	}
	stop_run(a, p);
	fs_tb_free(ed->tb);
	fs_hl_query_free(ed->q);
	fs_js_diags_free(&ed->diags);
	free(ed->order);
	free_labels(ed);
	fs_ed_rows_free(&ed->rc);
	fs_ref_clear(&ed->ref);
	free(ed->search);
	free(ed->replace_with);
	free(ed->saved);
	free(ed);
	p->priv = NULL;
	free(clip);
	clip = NULL;
}

const struct fs_pane_ops fs_editor_ops = {
	.name = "editor",
	.keymap = FS_KM_EDITOR,
	.open = editor_open,
	.title = editor_title,
	.draw = editor_draw,
	.request = editor_request,
	.select = editor_select,
	.reload = editor_reload,
	.close = editor_close,
	.key = editor_key,
	.cursor = editor_cursor,
	.draw_foot = editor_draw_foot,
	.flush = editor_flush,
};
