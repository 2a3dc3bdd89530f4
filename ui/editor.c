/* The function editor pane, on the text buffer of src/textbuf.h: typing,
 * undo/redo, selection (shift+arrows or a mark), cut/copy/paste, search and
 * replace, go to line, auto-indent, Tab/Shift-Tab, matching bracket, line
 * numbers with syntax error marks, tree-sitter colors, horizontal scroll.
 *
 * The model stays the one truth: every change is handed to it at once
 * (fs_fn_set_text), so the project shows unsaved, the recovery file covers
 * the buffer, and a save writes it. Keys of the editor keymap run requests;
 * other keys that are text are typed; the rest go to the generic keymap. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <wchar.h>
#include "app.h"
#include "colors.h"
#include "config.h"
#include "draw.h"
#include "highlight.h"
#include "js.h"
#include "textbuf.h"

#define TABSTOP 4
#define GUTTER 6

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
	unsigned long diag_gen, applied_gen;
	char *search;
	char *replace_with;
	int rows, cols;        /* text area of the last draw */
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
	fs_obj *fn = function(a, ed);
	fs_err e = { 0 };
	char *text;
	if (!ed->tb || !fn || fs_tb_generation(ed->tb) == ed->applied_gen)
		return;
	ed->applied_gen = fs_tb_generation(ed->tb);
	text = fs_tb_text(ed->tb, NULL);
	if (strcmp(text, fs_fn_text(fn) ? fs_fn_text(fn) : "")) {
		if (fs_fn_set_text(fn, text, &e))
			fs_app_error(a, "Function not updated: %s", e.msg);
		else
			fs_app_touched(a);
	}
	free(text);
}

static void check(fs_app *a, struct editor *ed)
{
	fs_obj *fn = function(a, ed);
	char *text;
	if (ed->diag_gen && fs_tb_generation(ed->tb) == ed->diag_gen)
		return;
	ed->diag_gen = fs_tb_generation(ed->tb);
	fs_js_diags_free(&ed->diags);
	memset(&ed->diags, 0, sizeof ed->diags);
	text = fs_tb_text_lf(ed->tb, NULL);
	fs_js_check(fn ? fn->fn : FS_FN_NONE, text, &ed->diags);
	free(text);
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

/* Keeps the cursor on screen. */
static void keep_visible(struct editor *ed)
{
	size_t dcol = fs_tb_display_col(ed->tb, ed->cur.line, ed->cur.col);
	if (ed->rows > 0) {
		if (ed->cur.line < ed->top)
			ed->top = ed->cur.line;
		else if (ed->cur.line >= ed->top + ed->rows)
			ed->top = ed->cur.line - ed->rows + 1;
	}
	if (ed->cols > 0) {
		if (dcol < ed->left)
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

static void search_done(fs_app *a, fs_modal *m, int key)
{
	struct editor *ed = E(editor_pane(a));
	if (key == 27 || !ed)
		return;
	free(ed->search);
	ed->search = fs_xstrdup(fs_buf_str(&m->text));
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
	if (key == 27 || !*fs_buf_str(&m->text))
		return;
	free(ed->search);
	ed->search = fs_xstrdup(fs_buf_str(&m->text));
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
	fs_pos end;
	size_t n = fs_tb_lines(ed->tb);
	if (key != '\r')
		return;
	fs_tb_group_begin(ed->tb);
	fs_tb_delete(ed->tb, (fs_pos){ 0, 0 }, (fs_pos){ n - 1, fs_tb_line_len(ed->tb, n - 1) });
	if (m->sel < 4)
		fs_tb_insert(ed->tb, (fs_pos){ 0, 0 }, builtins[m->sel], strlen(builtins[m->sel]), &end);
	else
		fs_tb_insert(ed->tb, (fs_pos){ 0, 0 }, "function (keys, values, rereduce) {\n\treturn values.length;\n}",
			     60, &end);
	fs_tb_group_end(ed->tb);
	ed->cur = (fs_pos){ 0, 0 };
	ed->sel = 0;
	apply(a, ed);
}

static void choose_builtin(fs_app *a, struct editor *ed)
{
	fs_obj *fn = function(a, ed);
	struct fs_menu_item items[5];
	if (!fn || fn->fn != FS_FN_REDUCE) {
		fs_app_error(a, "Built-in reduces are for reduce functions");
		return;
	}
	for (int i = 0; i < 4; i++)
		items[i] = (struct fs_menu_item){ FS_REQ_NONE, builtins[i] };
	items[4] = (struct fs_menu_item){ FS_REQ_NONE, "a JavaScript function" };
	fs_modal_menu(a, "Reduce", items, 5, builtin_done);
}

static void close_editor(fs_app *a, fs_pane *p)
{
	apply(a, E(p));
	fs_app_changed(a);
	fs_app_close_pane(a, p);
}

static fs_req editor_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct editor *ed = E(p);
	fs_pos to;
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
		fs_modal *m = fs_modal_prompt(a, r == FS_REQ_SEARCH ? "Search: " : "Search backward: ",
					      ed->search, search_done);
		m->arg = fs_xstrdup(r == FS_REQ_SEARCH ? "f" : "b");
		return FS_REQ_NONE;
	}
	case FS_REQ_SEARCH_NEXT:
	case FS_REQ_FIND_NEXT:
		if (!ed->search)
			fs_app_msg(a, "No search yet: C-f searches");
		find(a, ed, 0);
		break;
	case FS_REQ_REPLACE:
		fs_modal_prompt(a, "Replace: ", ed->search, replace_what_done);
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
	case FS_REQ_SAVE:
	case FS_REQ_EXTERNAL_EDIT:
		/* the model first, then the generic save or the external editor */
		apply(a, ed);
		fs_app_changed(a);
		if (r == FS_REQ_EXTERNAL_EDIT)
			fs_app_close_pane(a, p);
		return r;
	case FS_REQ_CLOSE:
	case FS_REQ_QUIT:
		close_editor(a, p);
		return r == FS_REQ_QUIT ? r : FS_REQ_NONE;
	default:
		return r;
	}
	set_want(ed);
	keep_visible(ed);
	apply(a, ed);
	return FS_REQ_NONE;
}

/* ---- keys ------------------------------------------------------------------------ */

static int move_key(struct editor *ed, int key)
{
	fs_pos from = ed->cur;
	int extend = 0;
	switch (key) {
	case FS_KEY_FN + KEY_SLEFT:  extend = 1; /* fall through */
	case FS_KEY_FN + KEY_LEFT:   ed->cur = fs_tb_prev_char(ed->tb, ed->cur); set_want(ed); break;
	case FS_KEY_FN + KEY_SRIGHT: extend = 1; /* fall through */
	case FS_KEY_FN + KEY_RIGHT:  ed->cur = fs_tb_next_char(ed->tb, ed->cur); set_want(ed); break;
	case FS_KEY_FN + KEY_SR:     extend = 1; /* fall through */
	case FS_KEY_FN + KEY_UP:     vertical(ed, -1); break;
	case FS_KEY_FN + KEY_SF:     extend = 1; /* fall through */
	case FS_KEY_FN + KEY_DOWN:   vertical(ed, 1); break;
	case FS_KEY_FN + KEY_PPAGE:  vertical(ed, -(ed->rows > 1 ? ed->rows - 1 : 1)); break;
	case FS_KEY_FN + KEY_NPAGE:  vertical(ed, ed->rows > 1 ? ed->rows - 1 : 1); break;
	case FS_KEY_FN + KEY_SHOME:  extend = 1; /* fall through */
	case FS_KEY_FN + KEY_HOME:   ed->cur.col = 0; set_want(ed); break;
	case FS_KEY_FN + KEY_SEND:   extend = 1; /* fall through */
	case FS_KEY_FN + KEY_END:    ed->cur.col = fs_tb_line_len(ed->tb, ed->cur.line); set_want(ed); break;
	default:
		return 0;
	}
	moved(ed, extend, from);
	return 1;
}

static int edit_key(struct editor *ed, int key)
{
	fs_pos a, b;
	switch (key) {
	case '\r':
	case '\n':
		delete_selection(ed);
		ed->cur = fs_tb_newline(ed->tb, ed->cur);
		return 1;
	case '\t':
	case FS_KEY_FN + KEY_BTAB:
		if (ed->sel || key == FS_KEY_FN + KEY_BTAB) {
			sel_range(ed, &a, &b);
			if (!ed->sel)
				a = b = ed->cur;
			fs_tb_indent(ed->tb, a.line, b.line, key == '\t' ? 1 : -1);
			ed->cur = fs_tb_clamp(ed->tb, ed->cur);
			ed->anchor = fs_tb_clamp(ed->tb, ed->anchor);
		} else {
			insert_text(ed, "\t", 1);
		}
		return 1;
	case FS_KEY_FN + KEY_BACKSPACE:
	case 127:
	case 8:
		if (!delete_selection(ed))
			ed->cur = fs_tb_backspace(ed->tb, ed->cur);
		return 1;
	case FS_KEY_FN + KEY_DC:
		if (!delete_selection(ed))
			ed->cur = fs_tb_delete_char(ed->tb, ed->cur);
		return 1;
	default:
		if (key < ' ' || key >= FS_KEY_FN)
			return 0;
		{
			char mb[MB_LEN_MAX];
			mbstate_t st;
			size_t n;
			memset(&st, 0, sizeof st);
			n = wcrtomb(mb, (wchar_t)key, &st);
			if (n == (size_t)-1)
				return 1;
			insert_text(ed, mb, n);
		}
		return 1;
	}
}

static int editor_key(fs_app *a, fs_pane *p, int key)
{
	struct editor *ed = E(p);
	fs_req r = fs_keys_lookup_own(FS_KM_EDITOR, key);
	if (r != FS_REQ_NONE) {
		r = editor_request(a, p, r);
		return r == FS_REQ_NONE;
	}
	if (move_key(ed, key)) {
		keep_visible(ed);
		return 1;
	}
	if (edit_key(ed, key)) {
		set_want(ed);
		keep_visible(ed);
		apply(a, ed);
		return 1;
	}
	return 0;
}

/* ---- drawing ------------------------------------------------------------------------ */

static fs_hl_query *query(struct editor *ed)
{
	if (!ed->q && !ed->q_failed && fs_hl_query_load(&ed->q, "javascript", NULL))
		ed->q_failed = 1;
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

static int line_error(struct editor *ed, size_t line, const char **msg)
{
	for (size_t i = 0; i < ed->diags.n; i++)
		if (ed->diags.v[i].line == line + 1) {
			if (msg)
				*msg = ed->diags.v[i].message;
			return ed->diags.v[i].warning ? 1 : 2;
		}
	return 0;
}

static void editor_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct editor *ed = E(p);
	size_t len, off = fs_tb_offset(ed->tb, (fs_pos){ lineno, 0 }), dcol = 0, si = 0;
	const char *s = fs_tb_line(ed->tb, lineno, &len);
	fs_spans spans = { 0 };
	int gw = w > GUTTER + 4 ? GUTTER : 0, err = line_error(ed, lineno, NULL);
	char num[16];
	ed->cols = w - gw;
	ed->rows = fs_pane_rows(p);
	fs_draw_fill(y, x, w, fs_color_attr(FS_C_DEFAULT));
	if (gw) {
		snprintf(num, sizeof num, "%4zu%c ", lineno + 1, err == 2 ? '!' : err ? '?' : ' ');
		fs_draw_text(y, x, gw, num, fs_color_attr(err == 2 ? FS_C_ERROR : FS_C_LINE_NUMBER));
	}
	if (query(ed))
		fs_tb_spans(ed->tb, ed->q, lineno, 1, &spans);
	for (size_t i = 0; i < len;) {
		size_t clen;
		int cw = fs_char_width(s + i, len - i, dcol, TABSTOP, &clen);
		while (si < spans.n && spans.v[si].end <= off + i)
			si++;
		int attr = si < spans.n && spans.v[si].start <= off + i ?
			fs_color_attr(fs_color_of_capture(fs_hl_name(spans.v[si].hl))) : fs_color_attr(FS_C_DEFAULT);
		if (in_selection(ed, lineno, i))
			attr |= A_REVERSE;
		if (dcol + cw > ed->left && dcol < ed->left + ed->cols) {
			int col = x + gw + (int)(dcol >= ed->left ? dcol - ed->left : 0);
			char buf[16];
			if (s[i] == '\t' || dcol < ed->left || dcol + cw > ed->left + ed->cols) {
				/* tabs, and wide characters cut by an edge, as spaces */
				int n = (int)(dcol + cw > ed->left + ed->cols ? ed->left + ed->cols - dcol : cw);
				n = dcol < ed->left ? (int)(dcol + cw - ed->left) : n;
				fs_draw_fill(y, col, n, attr);
			} else if ((unsigned char)s[i] < ' ' || s[i] == 127) {
				snprintf(buf, sizeof buf, "^%c", s[i] == 127 ? '?' : s[i] + '@');
				fs_draw_text(y, col, cw, buf, attr);
			} else {
				memcpy(buf, s + i, clen < 15 ? clen : 15);
				buf[clen < 15 ? clen : 15] = 0;
				fs_draw_text(y, col, cw, buf, attr);
			}
		}
		dcol += cw;
		i += clen ? clen : 1;
	}
	/* a selection that runs over the line end shows one cell */
	if (in_selection(ed, lineno, len) && lineno + 1 < fs_tb_lines(ed->tb) && dcol >= ed->left &&
	    dcol < ed->left + ed->cols)
		fs_draw_fill(y, x + gw + (int)(dcol - ed->left), 1, A_REVERSE);
	fs_spans_free(&spans);
}

static int editor_cursor(fs_app *a, fs_pane *p, int *y, int *x)
{
	struct editor *ed = E(p);
	size_t dcol = fs_tb_display_col(ed->tb, ed->cur.line, ed->cur.col);
	int gw = p->w > GUTTER + 4 ? GUTTER : 0;
	if (ed->cur.line < ed->top || ed->cur.line >= ed->top + fs_pane_rows(p) || dcol < ed->left)
		return 0;
	*y = p->y + 1 + (int)(ed->cur.line - ed->top);
	*x = p->x + gw + (int)(dcol - ed->left);
	return *x < p->x + p->w;
}

/* The pane's generic fields follow the buffer (the title shows them). */
static void sync(fs_pane *p)
{
	struct editor *ed = E(p);
	p->lines = fs_tb_lines(ed->tb);
	p->lineno = ed->cur.line;
	p->offset = ed->top;
}

static void editor_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct editor *ed = E(p);
	fs_obj *fn = function(a, ed);
	const char *msg = NULL;
	size_t errors = 0;
	check(a, ed);
	for (size_t i = 0; i < ed->diags.n; i++)
		errors += !ed->diags.v[i].warning;
	fs_buf_printf(out, "Edit %s", ed->ref.path);
	if (fn && fs_project_dirty(fn->project))
		fs_buf_adds(out, " [+]");
	if (errors)
		fs_buf_printf(out, "  %zu error%s", errors, errors == 1 ? "" : "s");
	if (line_error(ed, ed->cur.line, &msg))
		fs_buf_printf(out, "  line %zu: %s", ed->cur.line + 1, msg);
	sync(p);
}

static void editor_load(fs_app *a, fs_pane *p, int proj, fs_obj *fn)
{
	struct editor *ed = E(p);
	const char *text = fs_fn_text(fn);
	if (ed->tb && ed->ref.path) {
		char *path = fs_obj_path(fn);
		int same = ed->ref.proj == proj && !strcmp(path, ed->ref.path);
		free(path);
		if (same)
			return;
		apply(a, ed);
	}
	fs_tb_free(ed->tb);
	ed->tb = fs_tb_new(text ? text : "", text ? strlen(text) : 0);
	fs_tb_set_language(ed->tb, tree_sitter_javascript());
	fs_tb_set_tabstop(ed->tb, TABSTOP);
	fs_tb_set_indent(ed->tb, 4);
	fs_tb_mark_clean(ed->tb);
	ed->applied_gen = fs_tb_generation(ed->tb);
	ed->diag_gen = 0;
	fs_ref_set(&ed->ref, proj, fn);
	ed->cur = ed->anchor = (fs_pos){ 0, 0 };
	ed->sel = 0;
	ed->top = ed->left = ed->want = 0;
	sync(p);
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
	return 0;
}

static void editor_open(fs_app *a, fs_pane *p)
{
	if (!p->priv)
		p->priv = fs_xcalloc(1, sizeof(struct editor));
}

/* The model changed under the editor: a function gone closes it. */
static void editor_reload(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	if (ed && ed->tb && !function(a, ed) && a->right == p)
		fs_app_close_pane(a, p);
}

static void editor_close(fs_app *a, fs_pane *p)
{
	struct editor *ed = E(p);
	if (!ed)
		return;
	fs_tb_free(ed->tb);
	fs_hl_query_free(ed->q);
	fs_js_diags_free(&ed->diags);
	fs_ref_clear(&ed->ref);
	free(ed->search);
	free(ed->replace_with);
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
	.reload = editor_reload,
	.close = editor_close,
	.key = editor_key,
	.cursor = editor_cursor,
};
