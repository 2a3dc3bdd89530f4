/* The studio's shell: workspace, layout, main loop, key -> request -> pane.
 *
 * The loop polls stdin and the watched descriptors with a timeout (the next
 * timer), reads every key that is ready, and draws only when something
 * changed; curses then sends only the cells that differ. */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wctype.h>
#include "app.h"
#include "colors.h"
#include "config.h"
#include "draw.h"
#include "base/fsutil.h"
#include "gitui.h"
#include "recover.h"
#include "termkeys.h"
#include "studio.h"
#include "tree.h"
#include "undo.h"
#include "watch.h"
#include "workspace.h"


static const struct fs_pane_ops *pane_ops[] = {
#define FS_PANE_OPS(id, ops) &ops,
	FS_PANE_LIST(FS_PANE_OPS)
#undef FS_PANE_OPS
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- panes --------------------------------------------------------------- */

int fs_pane_rows(const fs_pane *p)
{
	int body = p->h > 1 ? p->h - 1 : 0;
	return body - (p->foot < body / 2 ? p->foot : body / 2);
}

void fs_pane_goto(fs_pane *p, size_t lineno)
{
	int rows = fs_pane_rows(p);
	if (lineno >= p->lines)
		lineno = p->lines ? p->lines - 1 : 0;
	p->lineno = lineno;
	if (rows <= 0) {
		p->offset = lineno;
		return;
	}
	if (lineno < p->offset)
		p->offset = lineno;
	else if (lineno >= p->offset + rows)
		p->offset = lineno - rows + 1;
	/* no empty rows at the end when the lines could fill them */
	if (p->lines >= (size_t)rows && p->offset > p->lines - rows)
		p->offset = p->lines - rows;
	if (p->lines < (size_t)rows)
		p->offset = 0;
}

static void pane_open(fs_app *a, fs_pane_id id)
{
	fs_pane *p = &a->panes[id];
	p->ops = pane_ops[id];
	if (p->ops->open)
		p->ops->open(a, p);
	p->opened = 1;
}

void fs_app_open(fs_app *a, fs_pane_id id)
{
	fs_pane *p = &a->panes[id];
	/* the tree and the details live all along; the others start afresh */
	if (!p->opened || (id != FS_P_TREE && id != FS_P_DETAILS))
		pane_open(a, id);
	if (id == FS_P_HELP)
		a->full = p;
	else if (id != FS_P_TREE)
		a->right = p;
	a->focus = p;
	a->redraw = 1;
}

void fs_app_close_pane(fs_app *a, fs_pane *p)
{
	if (a->full == p)
		a->full = NULL;
	if (a->search_pane == p) {
		free(a->search);
		a->search = NULL;
		a->search_pane = NULL;
	}
	if (a->right == p && p != &a->panes[FS_P_DETAILS])
		a->right = &a->panes[FS_P_DETAILS];
	if (a->focus == p)
		a->focus = &a->panes[FS_P_TREE];
	a->redraw = 1;
}

void fs_app_focus(fs_app *a, fs_pane *p)
{
	a->focus = p;
	a->redraw = 1;
}

/* ---- messages and selection ---------------------------------------------- */

static void set_msg(fs_app *a, int error, const char *fmt, va_list ap)
{
	free(a->msg);
	if (vasprintf(&a->msg, fmt, ap) < 0)
		a->msg = NULL;
	a->msg_error = error;
	a->redraw = 1;
}

void fs_app_msg(fs_app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_msg(a, 0, fmt, ap);
	va_end(ap);
}

void fs_app_error(fs_app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_msg(a, 1, fmt, ap);
	va_end(ap);
	beep();
}

fs_obj *fs_app_selected(fs_app *a, int *proj)
{
	int p = 0;
	fs_obj *o = fs_tree_current(a, &p);
	if (proj)
		*proj = p;
	return o;
}

static fs_obj *find(fs_app *a, int proj, const char *path)
{
	if (proj < 0 || (size_t)proj >= a->nprojects)
		return NULL;
	if (!path || !*path)
		return fs_project_root(a->projects[proj]);
	return fs_project_find(a->projects[proj], path);
}

int fs_app_select(fs_app *a, int proj, const char *path)
{
	fs_obj *o = find(a, proj, path);
	return o ? fs_tree_select(a, proj, o) : -1;
}

void fs_app_selection_moved(fs_app *a)
{
	for (int i = 0; i < FS_P_COUNT; i++) {
		fs_pane *p = &a->panes[i];
		if (i != FS_P_TREE && p->opened && p->ops->select)
			p->ops->select(a, p);
	}
	a->redraw = 1;
}

void fs_app_changed(fs_app *a)
{
	a->recover_at = now_ms() + 1000LL * fs_opt_int(FS_OPT_RECOVERY_DELAY);
	fs_app_changed_view(a);
}

/* How many projects have unsaved changes. */
int fs_app_unsaved(fs_app *a)
{
	int n = 0;
	for (size_t i = 0; i < a->nprojects; i++)
		n += fs_project_dirty(a->projects[i]) != 0;
	return n;
}

/* Panes that keep edits for a pause hand them over (all but `except`). */
void fs_app_flush(fs_app *a, const fs_pane *except)
{
	for (int i = 0; i < FS_P_COUNT; i++) {
		fs_pane *p = &a->panes[i];
		if (p != except && p->opened && p->ops->flush)
			p->ops->flush(a, p);
	}
}

void fs_app_touched(fs_app *a)
{
	a->recover_at = now_ms() + 1000LL * fs_opt_int(FS_OPT_RECOVERY_DELAY);
	a->redraw = 1;
}

void fs_app_changed_view(fs_app *a)
{
	for (int i = 0; i < FS_P_COUNT; i++) {
		fs_pane *p = &a->panes[i];
		if (p->opened && p->ops->reload)
			p->ops->reload(a, p);
	}
	a->redraw = 1;
}

void fs_ref_set(fs_ref *r, int proj, const fs_obj *o)
{
	free(r->path);
	r->proj = proj;
	r->path = fs_obj_path(o);
	if (!r->path)
		r->path = fs_xstrdup("");
}

void fs_ref_clear(fs_ref *r)
{
	free(r->path);
	r->path = NULL;
}

fs_obj *fs_ref_get(fs_app *a, const fs_ref *r)
{
	return r->path ? find(a, r->proj, r->path) : NULL;
}

void fs_app_watch(fs_app *a, int fd, int events, fs_watch_fn fn, void *ctx)
{
	a->watches = fs_xrealloc(a->watches, (a->nwatches + 1) * sizeof *a->watches);
	a->watches[a->nwatches++] = (struct fs_watch){ fd, events, fn, ctx };
}

void fs_app_unwatch(fs_app *a, int fd)
{
	for (size_t i = 0; i < a->nwatches; i++)
		if (a->watches[i].fd == fd) {
			a->watches[i] = a->watches[--a->nwatches];
			return;
		}
}

/* ---- the external editor --------------------------------------------------- */

static const char *editor_command(void)
{
	const char *e = fs_opt_text(FS_OPT_EDITOR);
	if (!*e)
		e = getenv("VISUAL");
	if (!e || !*e)
		e = getenv("EDITOR");
	return e && *e ? e : "vi";
}

int fs_app_run_editor(fs_app *a, const char *file)
{
	const char *cmd = editor_command();
	char *line = fs_xasprintf("%s \"$1\"", cmd);
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	int status = -1;
	pid_t pid;
	def_prog_mode();
	endwin();
	/* the editor owns the terminal: our ^C must not kill us meanwhile */
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execl("/bin/sh", "sh", "-c", line, "fsstudio-editor", file, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	a->redraw = 1;
	free(line);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fs_app_error(a, "The editor (%s) failed: the function is unchanged", cmd);
		return -1;
	}
	return 0;
}

/* ---- layout and drawing ----------------------------------------------------- */

static void place(fs_pane *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	/* a hidden pane keeps its scroll position for when it shows again */
	if (p->opened && h > 1)
		fs_pane_goto(p, p->lineno);
}

static void layout(fs_app *a, int rows, int cols)
{
	int body = rows - 2 > 0 ? rows - 2 : 0;
	fs_pane *tree = &a->panes[FS_P_TREE];
	for (int i = 0; i < FS_P_COUNT; i++)
		place(&a->panes[i], 0, 0, 0, 0);
	a->narrow = cols < 60 || rows < 16;
	if (a->full) {
		place(a->full, 0, 0, body, cols);
	} else if (a->narrow || !a->right || a->zoom) {
		/* one pane at a time: the focused one (zoomed, or no room) */
		place(a->focus, 0, 0, body, cols);
	} else {
		int lw = cols * fs_opt_int(FS_OPT_TREE_WIDTH) / 100;
		/* the editor at work wants the width: the tree keeps a quarter,
		 * enough to see where the function is */
		if (a->focus == &a->panes[FS_P_EDITOR] && a->right == a->focus && lw > cols / 4)
			lw = cols / 4 > 16 ? cols / 4 : 16;
		else if (lw < 20)
			lw = 20;
		if (lw > cols - 21)
			lw = cols - 21;
		place(tree, 0, 0, body, lw);
		place(a->right, 0, lw + 1, body, cols - lw - 1);
	}
}

/* Marks every occurrence of the search text on a drawn row, reading back
 * what the pane drew: one place highlights matches for every pane,
 * whatever columns it lays its text in. Case-insensitive, as the search. */
static void mark_matches(int y, int x, int w, const char *needle)
{
	wchar_t row[512], want[128];
	size_t n = w < 512 ? (size_t)w : 511, len = mbstowcs(want, needle, 127);
	int attr = fs_color_attr(FS_C_MATCH);
	if (len == (size_t)-1 || !len)
		return;
	for (size_t i = 0; i < n; i++) {
		cchar_t c;
		wchar_t wc[CCHARW_MAX + 1] = { 0 };
		attr_t at;
		short pair;
		if (mvin_wch(y, x + (int)i, &c) == ERR || getcchar(&c, wc, &at, &pair, NULL) == ERR)
			wc[0] = L' ';
		row[i] = towlower(wc[0]);
	}
	for (size_t i = 0; i < len; i++)
		want[i] = towlower(want[i]);
	for (size_t i = 0; i + len <= n; i++)
		if (!wmemcmp(row + i, want, len)) {
			mvchgat(y, x + (int)i, (int)len, (attr & ~A_COLOR) | A_REVERSE, PAIR_NUMBER(attr), NULL);
			i += len - 1;
		}
}

static void draw_pane(fs_app *a, fs_pane *p)
{
	fs_buf t = FS_BUF_INIT;
	int focused = a->focus == p, rows = fs_pane_rows(p);
	int tattr = fs_color_attr(focused ? FS_C_TITLE_FOCUS : FS_C_TITLE_BLUR);
	char pos[48];
	if (p->h < 1 || p->w < 1)
		return;
	p->ops->title(a, p, &t);
	if (p->hscroll)
		snprintf(pos, sizeof pos, " <%d %zu/%zu", p->hscroll, p->lines ? p->lineno + 1 : 0, p->lines);
	else
		snprintf(pos, sizeof pos, " %zu/%zu", p->lines ? p->lineno + 1 : 0, p->lines);
	fs_draw_fill(p->y, p->x, p->w, tattr);
	int pw = (int)strlen(pos) < p->w / 2 ? (int)strlen(pos) : 0;
	fs_draw_title(p->y, p->x, p->w - pw, fs_buf_str(&t), tattr);
	if (pw)
		fs_draw_text(p->y, p->x + p->w - pw, pw, pos, tattr);
	fs_buf_free(&t);
	fs_draw_viewport(p->x, p->w, p->hscroll);
	for (int i = 0; i < rows; i++) {
		size_t line = p->offset + i;
		if (line < p->lines) {
			p->ops->draw(a, p, line, p->y + 1 + i, p->x, p->w + p->hscroll,
				     line == p->lineno && (focused || p == &a->panes[FS_P_TREE]));
			if (a->search && a->search_pane == p)
				mark_matches(p->y + 1 + i, p->x, p->w, a->search);
		} else
			fs_draw_fill(p->y + 1 + i, p->x, p->w + p->hscroll, fs_color_attr(FS_C_DEFAULT));
	}
	fs_draw_viewport_off();
	if (p->foot && p->ops->draw_foot && p->h - 1 > rows)
		p->ops->draw_foot(a, p, p->y + 1 + rows, p->x, p->w, p->h - 1 - rows);
}

static void draw_status(fs_app *a, int y, int cols)
{
	fs_buf s = FS_BUF_INIT;
	int attr = fs_color_attr(FS_C_STATUS), unsaved = fs_app_unsaved(a);
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	fs_buf_printf(&s, " %s", a->workdir);
	if (unsaved)
		fs_buf_printf(&s, "  [+] %d unsaved", unsaved);
	if (o)
		fs_buf_printf(&s, "  %s", fs_kind_name(o->kind));
	if (fs_tree_filter(a))
		fs_buf_printf(&s, "  filter: %s", fs_tree_filter(a));
	if (a->search && a->search_pane == a->focus)
		fs_buf_printf(&s, "  search: %s", a->search);
	if (a->zoom)
		fs_buf_adds(&s, "  zoom");
	fs_draw_fill(y, 0, cols, attr);
	const char *hint = " ?:help m:menu ";
	int hw = cols - (int)strlen(hint) > fs_text_width(fs_buf_str(&s)) ? (int)strlen(hint) : 0;
	fs_draw_text(y, 0, cols - hw, fs_buf_str(&s), attr);
	if (hw)
		fs_draw_text(y, cols - hw, hw, hint, attr);
	fs_buf_free(&s);
}

/* A message wider than the screen takes the status line too (until the
 * next key), cut between words, so that an error is read whole. */
static void draw_long_msg(fs_app *a, int rows, int cols)
{
	int attr = fs_color_attr(a->msg_error ? FS_C_ERROR : FS_C_MESSAGE);
	size_t cut = 0, len = strlen(a->msg);
	for (size_t i = 1; i < len; i++) {
		if (a->msg[i] != ' ')
			continue;
		char *head = fs_xstrndup(a->msg, i);
		int fits = fs_text_width(head) <= cols;
		free(head);
		if (!fits)
			break;
		cut = i;
	}
	if (!cut) {
		fs_draw_text(rows - 1, 0, cols, a->msg, attr);
		return;
	}
	char *head = fs_xstrndup(a->msg, cut);
	fs_draw_fill(rows - 2, 0, cols, attr);
	fs_draw_text(rows - 2, 0, cols, head, attr);
	fs_draw_text(rows - 1, 0, cols, a->msg + cut + 1, attr);
	free(head);
}

static void draw(fs_app *a)
{
	int rows = LINES, cols = COLS;
	layout(a, rows, cols);
	for (int i = 0; i < FS_P_COUNT; i++) {
		fs_pane *p = &a->panes[i];
		if (p->opened && p->h > 0)
			draw_pane(a, p);
	}
	if (!a->full && !a->narrow && a->right && rows > 2) {
		fs_pane *r = a->right;
		attrset(fs_color_attr(FS_C_TITLE_BLUR));
		mvvline(0, r->x - 1, ' ', 1);
		for (int y = 1; y < r->h; y++)
			fs_draw_text(y, r->x - 1, 1, MB_CUR_MAX > 1 ? "\u2502" : "|", fs_color_attr(FS_C_MARKER));
	}
	if (rows >= 2)
		draw_status(a, rows - 2, cols);
	/* a question holds the message line: its answer's errors go above */
	if (rows >= 2 && a->msg && a->modal && a->modal->kind != FS_M_MENU && a->modal->w == 0) {
		fs_draw_fill(rows - 2, 0, cols, fs_color_attr(a->msg_error ? FS_C_ERROR : FS_C_MESSAGE));
		fs_draw_text(rows - 2, 0, cols, a->msg, fs_color_attr(a->msg_error ? FS_C_ERROR : FS_C_MESSAGE));
	}
	if (rows >= 1) {
		fs_draw_fill(rows - 1, 0, cols, fs_color_attr(FS_C_MESSAGE));
		if (a->msg && !a->modal && rows >= 3 && fs_text_width(a->msg) > cols)
			draw_long_msg(a, rows, cols);
		else if (a->msg)
			fs_draw_text(rows - 1, 0, cols, a->msg,
				     fs_color_attr(a->msg_error ? FS_C_ERROR : FS_C_MESSAGE));
	}
	curs_set(0);
	if (!a->modal && a->focus->ops->cursor && a->focus->h > 1) {
		int cy, cx;
		if (a->focus->ops->cursor(a, a->focus, &cy, &cx)) {
			move(cy, cx);
			curs_set(1);
		}
	}
	fs_modal_draw(a, rows, cols);
	attrset(A_NORMAL);
	refresh();
}

/* ---- requests ------------------------------------------------------------------ */

static fs_req move_cursor(fs_app *a, fs_pane *p, fs_req r)
{
	size_t rows = fs_pane_rows(p) > 1 ? fs_pane_rows(p) : 1, line = p->lineno;
	switch (r) {
	case FS_REQ_MOVE_UP:        line = line ? line - 1 : 0; break;
	case FS_REQ_MOVE_DOWN:      line = line + 1; break;
	case FS_REQ_MOVE_PAGE_UP:   line = line > rows ? line - rows : 0; break;
	case FS_REQ_MOVE_PAGE_DOWN: line = line + rows; break;
	case FS_REQ_MOVE_FIRST:     line = 0; break;
	case FS_REQ_MOVE_LAST:      line = p->lines ? p->lines - 1 : 0; break;
	default:
		return r;
	}
	if (line >= p->lines)
		line = p->lines ? p->lines - 1 : 0;
	if (r == FS_REQ_MOVE_PAGE_DOWN || r == FS_REQ_MOVE_PAGE_UP) {
		/* the page turns with the cursor */
		size_t off = r == FS_REQ_MOVE_PAGE_DOWN ? p->offset + rows : p->offset > rows ? p->offset - rows : 0;
		p->offset = off;
	}
	fs_pane_goto(p, line);
	if (p->ops->select)
		p->ops->select(a, p);
	return FS_REQ_NONE;
}

static void quit_done(fs_app *a, fs_modal *m, int key)
{
	if (key == 'y') {
		if (fs_action_save_all(a) == 0)
			a->quit = 1;
	} else if (key == 'n') {
		for (size_t i = 0; i < a->nprojects; i++)
			if (fs_project_dir(a->projects[i]))   /* not a workspace's stand-in */
				fs_recover_discard(fs_project_dir(a->projects[i]));
		a->quit = 1;
	}
}

static void quit(fs_app *a)
{
	int n = fs_app_unsaved(a);
	char q[160];
	if (!n) {
		a->quit = 1;
		return;
	}
	snprintf(q, sizeof q, "%d project%s with unsaved changes: save before quitting? (c cancels)",
		 n, n == 1 ? "" : "s");
	fs_modal_confirm(a, q, "ync", quit_done);
}

static void focus_next(fs_app *a)
{
	fs_pane *tree = &a->panes[FS_P_TREE];
	if (a->full)
		return;
	fs_app_focus(a, a->focus == tree && a->right ? a->right : tree);
}

/* ---- search in the text of a pane ------------------------------------------ */

/* Goes to the first match at or after `from` (at or before it when back). */
static int search_go(fs_app *a, fs_pane *p, size_t from, int back)
{
	size_t n = p->lines;
	long i;
	if (!a->search || !n)
		return -1;
	/* fs_pane_find starts next to the cursor: start one line off */
	size_t save = p->lineno;
	p->lineno = back ? (from + 1) % n : (from + n - 1) % n;
	i = fs_pane_find(p, a->search, back);
	p->lineno = save;
	if (i < 0)
		return -1;
	fs_pane_goto(p, (size_t)i);
	if (p->ops->select)
		p->ops->select(a, p);
	return 0;
}

static void search_set(fs_app *a, const char *text)
{
	free(a->search);
	a->search = text && *text ? fs_xstrdup(text) : NULL;
	a->search_pane = a->search ? a->focus : NULL;
}

static void search_changed(fs_app *a, fs_modal *m, int key)
{
	fs_pane *p = a->focus;
	search_set(a, fs_buf_str(&m->text));
	if (a->search && search_go(a, p, a->search_from, 0))
		fs_app_msg(a, "No match for '%s'", a->search);
}

static void search_done(fs_app *a, fs_modal *m, int key)
{
	if (key == 27)
		search_set(a, NULL);
}

static void search_next(fs_app *a, fs_pane *p, int back)
{
	size_t from = p->lineno;
	if (!a->search || a->search_pane != p) {
		fs_app_msg(a, "No search: press / to search this pane");
		return;
	}
	if (search_go(a, p, back ? (from + p->lines - 1) % p->lines : (from + 1) % p->lines, back)) {
		fs_app_msg(a, "No match for '%s'", a->search);
		return;
	}
	if (back ? p->lineno > from : p->lineno < from)
		fs_app_msg(a, "Search wrapped");
}

/* `/`, `n` and `N` in a pane of text (deploy, details, history, status,
 * help) search its lines; the tree filters by itself. Returns 1 when done. */
static int pane_search(fs_app *a, fs_pane *p, fs_req r)
{
	if ((!p->store && !p->ops->find) || (r != FS_REQ_FILTER && r != FS_REQ_FIND_NEXT && r != FS_REQ_FIND_PREV))
		return 0;
	if (r == FS_REQ_FILTER) {
		/* a new search starts empty, as in less and tig (n repeats the last) */
		fs_modal *m = fs_modal_prompt(a, "/", "", search_done);
		m->on_change = search_changed;
		a->search_from = p->lineno;
		return 1;
	}
	search_next(a, p, r == FS_REQ_FIND_PREV);
	return 1;
}

static void run_request(fs_app *a, fs_req r)
{
	fs_pane *p = a->focus;
	if (p->ops->request)
		r = p->ops->request(a, p, r);
	if (r == FS_REQ_NONE || (r = move_cursor(a, p, r)) == FS_REQ_NONE || pane_search(a, p, r))
		return;
	if (r == FS_REQ_SCROLL_LEFT || r == FS_REQ_SCROLL_RIGHT) {
		/* half a pane at a time, as less does with its arrows */
		int step = p->w / 2 > 4 ? p->w / 2 : 4;
		p->hscroll += r == FS_REQ_SCROLL_RIGHT ? step : -step;
		if (p->hscroll < 0)
			p->hscroll = 0;
		if (p->hscroll > 4096)
			p->hscroll = 4096;
		return;
	}
	if (r == FS_REQ_ZOOM) {
		a->zoom = !a->zoom;
		fs_app_msg(a, a->zoom ? "Zoomed: z again gives the other pane back" : "Zoom off");
		return;
	}
	/* model actions work on the tree's selection, also from the help */
	if (a->full && r != FS_REQ_QUIT && r != FS_REQ_CLOSE && r != FS_REQ_REDRAW)
		fs_app_close_pane(a, a->full);
	if ((r = fs_action(a, r)) == FS_REQ_NONE)
		return;
	switch (r) {
	case FS_REQ_HELP:
		fs_app_open(a, FS_P_HELP);
		break;
	case FS_REQ_FOCUS_NEXT:
		focus_next(a);
		break;
	case FS_REQ_REDRAW:
		clearok(curscr, TRUE);
		break;
	case FS_REQ_REFRESH:
		fs_sync_refresh(a);
		break;
	case FS_REQ_QUIT:
		quit(a);
		break;
	case FS_REQ_CLOSE:
		if (a->focus != &a->panes[FS_P_TREE])
			fs_app_focus(a, &a->panes[FS_P_TREE]);
		break;
	default:
		fs_app_msg(a, "%s does nothing here", fs_req_name(r));
	}
}

static void mouse(fs_app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || a->modal)
		return;
	for (int i = 0; i < FS_P_COUNT; i++) {
		fs_pane *p = &a->panes[i];
		if (!p->opened || p->h < 1 || ev.y < p->y || ev.y >= p->y + p->h ||
		    ev.x < p->x || ev.x >= p->x + p->w)
			continue;
		if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			int up = !!(ev.bstate & BUTTON4_PRESSED);
			for (int n = 0; n < 3; n++)
				move_cursor(a, p, up ? FS_REQ_MOVE_UP : FS_REQ_MOVE_DOWN);
		} else if (ev.y > p->y) {
			size_t line = p->offset + (ev.y - p->y - 1);
			a->focus = p;
			if (line < p->lines) {
				fs_pane_goto(p, line);
				if (p->ops->select)
					p->ops->select(a, p);
			}
		}
		a->redraw = 1;
		return;
	}
}

static void handle_key(fs_app *a, int key)
{
	fs_req r;
	a->redraw = 1;
	if (key == FS_KEY_FN + KEY_RESIZE)
		return;
	/* a key for another pane, a click or a prompt may read the model */
	fs_app_flush(a, a->modal || key == FS_KEY_FN + KEY_MOUSE ? NULL : a->focus);
	if (key == FS_KEY_FN + KEY_MOUSE) {
		mouse(a);
		return;
	}
	if (a->modal) {
		fs_modal_key(a, key);
		return;
	}
	free(a->msg);
	a->msg = NULL;
	if (a->focus->ops->key && a->focus->ops->key(a, a->focus, key))
		return;
	r = fs_keys_lookup(a->focus->ops->keymap, key);
	if (r == FS_REQ_NONE) {
		fs_buf k = FS_BUF_INIT;
		fs_key_name(key, &k);
		fs_app_msg(a, "%s is not bound: ? lists the keys", fs_buf_str(&k));
		fs_buf_free(&k);
		return;
	}
	run_request(a, r);
}

/* Scripted mode: the next key of FSSTUDIO_TEST_KEYS ("jj<Enter>/view<Esc>"). */
static int next_test_key(fs_app *a)
{
	const char *s = a->test_keys;
	char tok[32];
	size_t n;
	if (!*s)
		return -1;
	if (*s == '<' && (n = strcspn(s, ">")) < sizeof tok - 1 && s[n] == '>') {
		memcpy(tok, s, n + 1);
		tok[n + 1] = 0;
		int k = fs_key_parse(tok);
		if (k >= 0) {
			a->test_keys += n + 1;
			return k;
		}
	}
	n = 1;
	while (s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	memcpy(tok, s, n);
	tok[n] = 0;
	a->test_keys += n;
	return fs_key_parse(tok);
}

static int read_key(fs_app *a)
{
	wint_t wc;
	int rc = get_wch(&wc);
	if (rc == ERR)
		return -1;
	if (rc == OK && wc == 27)
		return fs_termkeys_after_esc();
	return rc == KEY_CODE_YES ? FS_KEY_FN + (int)wc : (int)wc;
}

/* SIGHUP (the terminal went away) and SIGTERM: keep the unsaved work in
 * the recovery files at once, then leave. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void run_timers(fs_app *a)
{
	fs_sync_timers(a);
	if (got_signal) {
		a->recover_at = now_ms();
		a->quit = 1;
	}
	if (a->recover_at && now_ms() >= a->recover_at) {
		a->recover_at = 0;
		/* the file covers edits still waiting for their pause (a signal) */
		fs_app_flush(a, NULL);
		for (size_t i = 0; i < a->nprojects; i++) {
			fs_err e = { 0 };
			if (fs_project_dirty(a->projects[i])) {
				if (fs_recover_write(a->projects[i], fs_sync_log(a, (int)i), fs_sync_fp(a, (int)i), &e))
					fs_app_error(a, "Recovery file not written: %s", e.msg);
				else
					a->recovery_ours[i] = 1;
			} else if (a->recovery_ours[i]) {
				/* the edits were put back: nothing to offer next time
				 * (a file of an earlier run not yet answered stays) */
				fs_recover_discard(fs_project_dir(a->projects[i]));
				a->recovery_ours[i] = 0;
			}
		}
		/* the change marks follow unsaved edits too, at the same pace
		 * (not when leaving on a signal: exit at once) */
		if (!got_signal)
			fs_gitui_refresh(a);
	}
}

static void loop(fs_app *a)
{
	while (!a->quit) {
		struct pollfd fds[1 + 16];
		size_t nw = a->nwatches < 16 ? a->nwatches : 16;
		int timeout = -1, key, settle;
		if (a->redraw) {
			a->redraw = 0;
			draw(a);
		}
		if (a->test_keys) {
			/* scripted runs see the git status and the projects
			 * loaded by the keys before each key */
			fs_ws_wait(a);
			fs_gitui_wait(a);
			key = next_test_key(a);
			if (key < 0 && !*a->test_keys) {
				/* the dump shows what the last jobs brought too */
				if (a->redraw)
					draw(a);
				break;
			}
			if (key >= 0)
				handle_key(a, key);
			continue;
		}
		if (a->recover_at) {
			long long left = a->recover_at - now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		/* an outside change is looked at once its burst is over */
		if ((settle = fs_sync_timeout(a)) >= 0 && (timeout < 0 || settle < timeout))
			timeout = settle;
		/* a spinner turns while background jobs run */
		if (a->busy && (timeout < 0 || timeout > 100))
			timeout = 100;
		/* the frame or a key may have added or removed watches */
		nw = a->nwatches < 16 ? a->nwatches : 16;
		fds[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
		for (size_t i = 0; i < nw; i++)
			fds[1 + i] = (struct pollfd){ .fd = a->watches[i].fd, .events = a->watches[i].events };
		if (poll(fds, 1 + nw, timeout) < 0 && errno != EINTR)
			break;
		/* after EINTR too: SIGWINCH comes back as KEY_RESIZE */
		while ((key = read_key(a)) >= 0 && !a->quit)
			handle_key(a, key);
		for (size_t i = 0; i < nw && i < a->nwatches; i++)
			if (fds[1 + i].revents && a->watches[i].fd == fds[1 + i].fd)
				a->watches[i].fn(a, fds[1 + i].fd, fds[1 + i].revents, a->watches[i].ctx);
		run_timers(a);
		if (a->busy)
			a->redraw = 1;
	}
}

/* ---- the workspace ---------------------------------------------------------------- */

/* Puts p in the place of project i; the rows point into the old model, so
 * the selection is kept by path. */
void fs_app_replace_project(fs_app *a, int i, fs_project *p)
{
	fs_ref cur = { 0 };
	fs_obj *o;
	int proj = 0;
	if ((o = fs_tree_current(a, &proj)))
		fs_ref_set(&cur, proj, o);
	fs_tree_forget(a);
	fs_project_free(a->projects[i]);
	a->projects[i] = p;
	fs_tree_rebuild(a);
	if (!cur.path || fs_app_select(a, cur.proj, cur.path))
		fs_app_selection_moved(a);
	fs_app_changed_view(a);
	fs_ref_clear(&cur);
}

int fs_app_reload_project(fs_app *a, int i)
{
	fs_project *p;
	fs_err e = { 0 };
	int rc;
	if (!fs_ws_loaded(a, i)) {
		/* a workspace's stand-in: the folder is read as it is now anyway */
		fs_ws_load(a, i);
		return 0;
	}
	rc = fs_project_open(&p, fs_project_dir(a->projects[i]), &e);
	if (rc) {
		fs_app_error(a, "%s", e.msg);
		return rc;
	}
	fs_app_replace_project(a, i, p);
	fs_sync_reset(a, i);
	return 0;
}

static void offer_recovery(fs_app *a, size_t from);

/* The folder moved on since the recovery file was written (another
 * writer, a checkout): the recorded edits are re-applied to what it holds
 * now, as a save would (ui/watch.c), so that neither side is lost. */
static int recover_onto_disk(fs_app *a, int proj, fs_edits *log, fs_buf *names)
{
	fs_buf note = FS_BUF_INIT;
	int rc = fs_sync_rebase(a, proj, log, &note);
	if (rc)
		fs_app_error(a, "Not recovered (the recovery file stays): %s changed since, and %s", fs_buf_str(names),
			     fs_buf_str(&note));
	else
		fs_app_msg(a, "Recovered the unsaved edits of %s onto %s as changed since: %s; not saved yet",
			   fs_project_root(a->projects[proj])->name, fs_buf_str(names), fs_buf_str(&note));
	fs_buf_free(&note);
	return rc;
}

static void recover_state(fs_app *a, int proj, const char *dir, fs_edits *log, cJSON *fp)
{
	fs_project *p;
	fs_err e = { 0 };
	if (fs_recover_load(dir, &p, &e)) {
		fs_app_error(a, "Not recovered (the recovery file stays): %s", e.msg);
		cJSON_Delete(fp);
		return;
	}
	fs_app_replace_project(a, proj, p);
	/* the edits stay known: a later outside change rebases them */
	fs_sync_adopt(a, proj, log, fp ? fp : fs_project_fingerprints(p));
	a->recovery_ours[proj] = 1;
	fs_app_msg(a, "Recovered the unsaved changes of %s, not saved yet: review them, then save", fs_project_root(p)->name);
}

static void recovery_done(fs_app *a, fs_modal *m, int key)
{
	int proj = m->ref.proj;
	char *dir = fs_xstrdup(fs_project_dir(a->projects[proj]));
	fs_edits log = { 0 };
	fs_buf names = FS_BUF_INIT;
	cJSON *fp = NULL;
	if (key == 'y') {
		/* as unsaved changes, for review: nothing is written before a save */
		if (!fs_recover_edits(dir, &log, &fp, NULL) && log.n && fs_fingerprints_moved(fp, dir, &names)) {
			if (!recover_onto_disk(a, proj, &log, &names))
				a->recovery_ours[proj] = 1;
			cJSON_Delete(fp);
		} else {
			recover_state(a, proj, dir, &log, fp);
		}
		fs_gitui_refresh(a);
	} else if (key == 'n') {
		fs_recover_discard(dir);
	}
	fs_edits_clear(&log);
	fs_buf_free(&names);
	free(dir);
	offer_recovery(a, proj + 1);
}

static void offer_recovery(fs_app *a, size_t from)
{
	for (size_t i = from; i < a->nprojects; i++) {
		time_t when;
		const char *dir = fs_project_dir(a->projects[i]);
		if (dir && fs_recover_pending(dir, &when)) {
			char label[512], stamp[32];
			strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", localtime(&when));
			snprintf(label, sizeof label, "Unsaved changes of %s from %s were kept: restore them? (n discards)",
				 fs_project_root(a->projects[i])->name, stamp);
			fs_modal *m = fs_modal_confirm(a, label, "yn", recovery_done);
			m->ref.proj = i;
			return;
		}
	}
}

static void report_config_errors(fs_app *a)
{
	const char *const *errs;
	size_t n = fs_config_errors(&errs);
	if (n == 1)
		fs_app_error(a, "%s", errs[0]);
	else if (n > 1)
		fs_app_error(a, "%s (and %zu more config errors)", errs[0], n - 1);
}

/* ---- curses ------------------------------------------------------------------------ */

static SCREEN *test_screen;

/* Scripted mode (tests): keys from the environment, a virtual screen. */
static int scripted(void)
{
	return getenv("FSSTUDIO_TEST_KEYS") || getenv("FSSTUDIO_TEST_SCRIPT");
}

/* FSSTUDIO_TEST_SCRIPT: the keys from a file, one group per line, lines
 * starting with '#' left out (the line ends are not keys: <Enter> is). */
static char *script_keys(void)
{
	const char *path = getenv("FSSTUDIO_TEST_SCRIPT");
	char *text, *line, *save = NULL;
	fs_buf keys = FS_BUF_INIT;
	if (!path || fs_read_file(path, &text, NULL, NULL))
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#')
			fs_buf_adds(&keys, line);
	free(text);
	return fs_buf_steal(&keys);
}

static char *test_keys_owned;

static int start_curses(fs_app *a)
{
	const char *keys = getenv("FSSTUDIO_TEST_KEYS");
	if (!keys && (test_keys_owned = script_keys()))
		keys = test_keys_owned;
	if (keys) {
		/* scripted mode: a virtual screen, dumped as text at the end */
		int rows = 24, cols = 80;
		const char *size = getenv("FSSTUDIO_TEST_SIZE");
		if (size)
			sscanf(size, "%dx%d", &cols, &rows);
		FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
		test_screen = newterm("xterm", out, in);
		if (!test_screen)
			return -1;
		resizeterm(rows, cols);
		a->test_keys = keys;
	} else if (!initscr()) {
		return -1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	fs_termkeys_init();
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	fs_colors_init();
	if (fs_opt_int(FS_OPT_MOUSE) && !keys) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
		a->mouse = 1;
	}
	return 0;
}

/* The screen as text, one line per row (scripted mode). */
static void dump_screen(void)
{
	const char *path = getenv("FSSTUDIO_TEST_DUMP");
	FILE *f = path && *path ? fopen(path, "w") : stdout;
	wchar_t line[1024];
	char mb[4096];
	if (!f)
		return;
	for (int y = 0; y < LINES; y++) {
		int n = mvinnwstr(y, 0, line, COLS < 1023 ? COLS : 1023);
		if (n < 0)
			n = 0;
		line[n] = 0;
		while (n > 0 && line[n - 1] == L' ')
			line[--n] = 0;
		wcstombs(mb, line, sizeof mb);
		fprintf(f, "%s\n", mb);
	}
	if (f != stdout)
		fclose(f);
}

static void app_free(fs_app *a)
{
	/* a pane may hold state before it first shows (deploy's server menu) */
	for (int i = 0; i < FS_P_COUNT; i++)
		if ((a->panes[i].opened || a->panes[i].priv) && pane_ops[i]->close)
			pane_ops[i]->close(a, &a->panes[i]);
	if (a->modal)
		fs_modal_close(a);
	fs_ws_free(a);   /* a load under way ends (its done does not run) */
	fs_gitui_free(a);
	fs_sync_free(a);
	fs_undo_free(a);
	for (size_t i = 0; i < a->nprojects; i++)
		fs_project_free(a->projects[i]);
	free(a->projects);
	free(a->search);
	for (size_t i = 0; i < a->nback; i++)
		fs_ref_clear(&a->back[i]);
	free(a->back);
	fs_ref_clear(&a->clip);
	free(a->watches);
	free(a->msg);
	free(a->workdir);
	free(a->recovery_ours);
	fs_config_free();
}

static int usage(FILE *f, int status)
{
	fprintf(f, "usage: fsstudio [DIR]\n"
		"Opens the studio on the project in DIR (default: the current folder),\n"
		"or on every project in the subfolders of DIR. Keys: ? in the studio;\n"
		"configuration: fsstudio-config(5).\n");
	return status;
}

int fs_studio_main(int argc, char **argv)
{
	fs_app a = { 0 };
	fs_buf errors = FS_BUF_INIT;
	const char *dir = ".";
	int status = 0;

	setlocale(LC_ALL, "");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout, 0);
		if (argv[i][0] == '-' || i > 1)
			return usage(stderr, 2);
		dir = argv[i];
	}
	if (!scripted() && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		/* curses on a pipe or /dev/null reads nothing forever: say what to
		 * use instead, before loading anything. */
		fprintf(stderr, "fsstudio: the studio needs a terminal on its input and output;\n"
			"for scripts use the commands: fsstudio tree|show|set|check|deploy ... "
			"(fsstudio --help)\n");
		return 2;
	}
	if (fs_ws_open(&a, dir, &errors)) {
		fprintf(stderr, "fsstudio: %s\n", fs_buf_str(&errors));
		fs_buf_free(&errors);
		app_free(&a);
		return 1;
	}
	a.recovery_ours = fs_xcalloc(a.nprojects, 1);
	a.workdir = realpath(dir, NULL);
	if (!a.workdir)
		a.workdir = fs_xstrdup(dir);
	fs_config_load();
	if (start_curses(&a)) {
		fprintf(stderr, "fsstudio: cannot start the terminal screen (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		app_free(&a);
		return 1;
	}
	pane_open(&a, FS_P_TREE);
	pane_open(&a, FS_P_DETAILS);
	a.right = &a.panes[FS_P_DETAILS];
	a.focus = &a.panes[FS_P_TREE];
	fs_app_selection_moved(&a);
	fs_sync_start(&a);
	report_config_errors(&a);
	if (errors.len)
		fs_app_error(&a, "Not opened: %s", fs_buf_str(&errors));
	offer_recovery(&a, 0);
	a.redraw = 1;
	fs_gitui_start(&a);
	catch_signals();
	loop(&a);
	if (a.test_keys)
		dump_screen();
	endwin();
	if (test_screen)
		delscreen(test_screen);
	fs_buf_free(&errors);
	app_free(&a);
	free(test_keys_owned);
	return status;
}
