/* The servers overview: the table of `fsstudio deployed` for the selected
 * project, servers as columns, one row per design document (which commit
 * each server runs, how far behind, drifted, missing, foreign,
 * unreachable). Left and Right choose a server; P deploys to it; M
 * promotes to it the commit another server runs; W reads the servers
 * again.
 *
 * The servers are read on a worker (base/job.h), never on the screen's thread:
 * the worker gets a table of its own (rows copied from the model here) and
 * the project folder for git, and the table comes back whole. */
#include <curses.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "base/job.h"
#include "deploy.h"
#include "colors.h"
#include "draw.h"
#include "panejobs.h"
#include "couch/servers.h"
#include "deploy/deployed.h"

struct servers {
	int proj;
	fs_deployed *d;          /* the table shown; NULL before the first read */
	size_t col;              /* the selected server */
	fs_jobs *bg;
	fs_job *job;
	struct sjob *jarg;       /* the running job's data (freed by done) */
	char *error;
	char **menu;             /* the promotion menu's labels (the table may */
	size_t nmenu;            /* be read again while it is open) */
};

/* What the worker gets: everything it touches is its own. */
struct sjob {
	struct servers *s;
	fs_deployed *d;
	char *dir;               /* the project folder, for git; NULL: none */
};

static fs_app *s_app;

static struct servers *SV(fs_app *a)
{
	return a->panes[FS_P_SERVERS].priv;
}

/* The header, one row per design document, then why each server that
 * failed failed. */
static size_t line_count(const struct servers *s)
{
	size_t n = 1;
	for (size_t k = 0; s->d && k < s->d->nservers; k++)
		n += s->d->servers[k].error != NULL;
	return s->d ? n + s->d->nrows : 1;
}

/* The sentence of the n-th server that failed. */
static char *failure(const struct servers *s, size_t n)
{
	for (size_t k = 0; k < s->d->nservers; k++)
		if (s->d->servers[k].error && !n--)
			return fs_xasprintf("%s: %s", s->d->servers[k].name, s->d->servers[k].error);
	return fs_xstrdup("");
}

/* ---- reading the servers (worker) ---------------------------------------- */

static void read_server(fs_deployed *d, size_t col, const fs_servers *all, const char *name)
{
	fs_server srv;
	fs_err e = { 0 };
	fs_couch *c = NULL;
	memset(&srv, 0, sizeof srv);
	if (!fs_server_resolve(all, name, &srv, &e))
		c = fs_server_connect(&srv, 0, &e);
	if (c)
		fs_deployed_fetch(d, col, c, NULL);
	else
		fs_deployed_fail(d, col, e.code, e.msg);
	fs_couch_free(c);
	fs_server_free(&srv);
}

static enum fs_err_code work(fs_job *bj, void *arg, fs_err *e)
{
	struct sjob *j = arg;
	fs_servers all;
	int rc = fs_servers_load(&all, NULL, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < all.n; i++)
		fs_deployed_add(j->d, all.v[i].name, all.v[i].url);
	for (size_t i = 0; i < all.n && !fs_job_cancelled(bj); i++)
		read_server(j->d, i, &all, all.v[i].name);
	fs_servers_free(&all);
	fs_repo *r = NULL;
	if (j->dir && !fs_repo_open(&r, j->dir, NULL)) {
		fs_deployed_behind(j->d, r, NULL);
		fs_repo_free(r);
	}
	return 0;
}

static void job_free(struct sjob *j)
{
	fs_deployed_free(j->d);
	free(j->dir);
	free(j);
}

static void done(fs_job *bj, void *arg, int rc, const fs_err *e)
{
	struct sjob *j = arg;
	struct servers *s = j->s;
	fs_app *a = s_app;
	s->job = NULL;
	s->jarg = NULL;
	a->busy--;
	free(s->error);
	s->error = rc ? fs_xasprintf("Servers not read: %s", e->msg) : NULL;
	if (!rc) {
		fs_deployed_free(s->d);
		s->d = j->d;
		j->d = NULL;
		if (s->col >= s->d->nservers)
			s->col = 0;
	}
	job_free(j);
	fs_pane *p = &a->panes[FS_P_SERVERS];
	p->lines = line_count(s);
	fs_pane_goto(p, p->lineno);
	a->redraw = 1;
}

static void bg_ready(fs_app *a, int fd, int revents, void *ctx)
{
	struct servers *s = SV(a);
	if (s && s->bg)
		fs_jobs_dispatch(s->bg);
}

/* Reads every server again, for the project of the selection. */
static void read_servers(fs_app *a)
{
	struct servers *s = SV(a);
	if (s->job || !s->bg)
		return;
	fs_project *p = a->projects[s->proj];
	struct sjob *j = fs_xcalloc(1, sizeof *j);
	j->s = s;
	j->d = fs_deployed_new(p);
	j->dir = fs_project_dir(p) ? fs_xstrdup(fs_project_dir(p)) : NULL;
	s->job = fs_job_submit(s->bg, work, done, j);
	s->jarg = j;
	a->busy++;
	a->redraw = 1;
}

static const char *cell_text(const fs_deployed_cell *c, char *buf, size_t n);

/* ---- the tree's design document rows ---------------------------------------------- */

void fs_servers_label(fs_app *a, int proj, const fs_obj *ddoc, fs_buf *out)
{
	struct servers *s = SV(a);
	if (!s || !s->d || s->proj != proj || s->col >= s->d->nservers)
		return;
	char *path = fs_obj_path(ddoc), buf[64];
	for (size_t i = 0; i < s->d->nrows; i++)
		if (!strcmp(s->d->rows[i].path, path))
			fs_buf_printf(out, "  [%s: %s]", s->d->servers[s->col].name,
				      cell_text(&s->d->cells[s->col][i], buf, sizeof buf));
	free(path);
}

/* ---- the pane ---------------------------------------------------------------- */

static void servers_open(fs_app *a, fs_pane *p)
{
	struct servers *s = p->priv;
	int proj = 0;
	s_app = a;
	if (!s) {
		s = p->priv = fs_xcalloc(1, sizeof *s);
		s->bg = fs_pane_jobs_new(a, bg_ready, NULL);
	}
	if (fs_app_selected(a, &proj) && !s->job)
		s->proj = proj;
	p->lines = line_count(s);
	p->lineno = p->offset = 0;
	read_servers(a);
}

static void servers_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct servers *s = p->priv;
	fs_buf_printf(out, "Servers of %s", fs_project_root(a->projects[s->proj])->name);
	if (s->d && s->col < s->d->nservers)
		fs_buf_printf(out, ": %s selected (Left/Right, P deploys to it, M promotes to it, W reads again)",
			      s->d->servers[s->col].name);
	if (s->job)
		fs_buf_adds(out, " [reading...]");
}

static const char *cell_text(const fs_deployed_cell *c, char *buf, size_t n)
{
	if (c->state != FS_DS_DEPLOYED)
		return fs_deployed_state_name(c->state);
	if (!c->commit)
		snprintf(buf, n, "no commit");
	else if (c->behind < 0)
		snprintf(buf, n, "%.7s ?", c->commit);
	else if (!c->behind)
		snprintf(buf, n, "%.7s current", c->commit);
	else
		snprintf(buf, n, "%.7s %ld behind", c->commit, c->behind);
	return buf;
}

static int cell_color(const fs_deployed_cell *c)
{
	switch (c->state) {
	case FS_DS_DEPLOYED: return c->behind > 0 ? FS_C_GIT_CHANGED : FS_C_DEFAULT;
	case FS_DS_MISSING: return FS_C_PROP_READONLY;
	default: return FS_C_ERROR;
	}
}

#define NAME_W 24
#define CELL_W 18

static void draw_row(struct servers *s, size_t row, int y, int x, int w, int base)
{
	const fs_deployed *d = s->d;
	char buf[64];
	fs_draw_text(y, x, NAME_W < w ? NAME_W : w, row ? d->rows[row - 1].path : "DESIGN DOCUMENT",
		     base ? base : fs_color_attr(FS_C_DEFAULT));
	for (size_t k = 0; k < d->nservers; k++) {
		int cx = x + NAME_W + 1 + (int)k * (CELL_W + 1);
		if (cx >= x + w)
			break;
		const char *t = row ? cell_text(&d->cells[k][row - 1], buf, sizeof buf) : d->servers[k].name;
		int attr = base ? base : fs_color_attr(row ? cell_color(&d->cells[k][row - 1]) : FS_C_DEFAULT);
		if (k == s->col)
			attr |= A_BOLD | (row ? 0 : A_UNDERLINE);
		fs_draw_text(y, cx, CELL_W < x + w - cx ? CELL_W : x + w - cx, t, attr);
	}
}

static void servers_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	struct servers *s = p->priv;
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	if (s->error)
		fs_draw_text(y, x, w, s->error, fs_color_attr(FS_C_ERROR));
	else if (!s->d)
		fs_draw_text(y, x, w, "reading the servers...", fs_color_attr(FS_C_PROP_READONLY));
	else if (lineno > s->d->nrows) {
		char *t = failure(s, lineno - s->d->nrows - 1);
		fs_draw_text(y, x, w, t, base ? base : fs_color_attr(FS_C_ERROR));
		free(t);
	} else {
		draw_row(s, lineno, y, x, w, base);
	}
}

static void menu_free(struct servers *s)
{
	for (size_t i = 0; i < s->nmenu; i++)
		free(s->menu[i]);
	free(s->menu);
	s->menu = NULL;
	s->nmenu = 0;
}

static void promote_chosen(fs_app *a, fs_modal *m, int key)
{
	struct servers *s = SV(a);
	if (key == '\r' && s && m->arg && m->sel < s->nmenu)
		fs_deploy_start_on(a, s->proj, m->arg, s->menu[m->sel]);
}

/* Promote to the selected server: from which one? */
static void promote(fs_app *a, struct servers *s)
{
	if (!s->d || s->d->nservers < 2) {
		fs_app_error(a, "Promotion needs two servers");
		return;
	}
	menu_free(s);
	s->menu = fs_xcalloc(s->d->nservers, sizeof *s->menu);
	struct fs_menu_item *items = fs_xcalloc(s->d->nservers, sizeof *items);
	const char *target = s->d->servers[s->col].name;
	for (size_t k = 0; k < s->d->nservers; k++)
		if (k != s->col) {
			s->menu[s->nmenu] = fs_xstrdup(s->d->servers[k].name);
			items[s->nmenu] = (struct fs_menu_item){ FS_REQ_NONE, s->menu[s->nmenu] };
			s->nmenu++;
		}
	char *q = fs_xasprintf("Promote to %s the commit which server runs?", target);
	fs_modal *m = fs_modal_menu(a, q, items, s->nmenu, promote_chosen);
	m->arg = fs_xstrdup(target);
	free(q);
	free(items);
}

static fs_req servers_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct servers *s = p->priv;
	switch (r) {
	case FS_REQ_COLLAPSE:
	case FS_REQ_EXPAND:
		if (s->d && s->d->nservers)
			s->col = (s->col + (r == FS_REQ_EXPAND ? 1 : s->d->nservers - 1)) % s->d->nservers;
		return FS_REQ_NONE;
	case FS_REQ_SERVERS:
	case FS_REQ_REFRESH:
		read_servers(a);
		return FS_REQ_NONE;
	case FS_REQ_PROMOTE:
		promote(a, s);
		return FS_REQ_NONE;
	case FS_REQ_DEPLOY:
		if (s->d && s->col < s->d->nservers)
			fs_deploy_start_on(a, s->proj, s->d->servers[s->col].name, NULL);
		return FS_REQ_NONE;
	case FS_REQ_CLOSE:
	case FS_REQ_QUIT:
		fs_app_close_pane(a, p);
		return FS_REQ_NONE;
	default:
		return r;
	}
}

static void servers_close(fs_app *a, fs_pane *p)
{
	struct servers *s = p->priv;
	if (!s)
		return;
	fs_pane_jobs_free(a, s->bg, s->job != NULL);
	if (s->jarg)
		job_free(s->jarg);
	fs_deployed_free(s->d);
	menu_free(s);
	free(s->error);
	free(s);
	p->priv = NULL;
}

const struct fs_pane_ops fs_servers_ops = {
	.name = "servers",
	.keymap = FS_KM_GENERIC,
	.open = servers_open,
	.title = servers_title,
	.draw = servers_draw,
	.request = servers_request,
	.close = servers_close,
};
