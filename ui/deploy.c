/* The deploy pane: choose a server and the connectors, see the plan with
 * its diffs, confirm, watch the progress, read the outcome per document.
 *
 * Planning and running are background jobs (base/job.h) so that the
 * screen never waits for the network. A job gets its own copy of the model
 * (made from the rendered files), never the one the user edits, and a run
 * takes the plan over until it ends. Progress lines come back as the job's
 * notes; Esc cancels (what was written stays written; a rerun converges). */
#include <curses.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "deploy.h"
#include "base/array.h"
#include "base/job.h"
#include "colors.h"
#include "deploy/deploy.h"
#include "deploy/deploy_note.h"
#include "deploy/deployed.h"
#include "draw.h"
#include "gitui.h"
#include "panejobs.h"
#include "servermenu.h"
#include "couch/servers.h"

enum dstate { D_IDLE, D_PLANNING, D_PLANNED, D_RUNNING, D_DONE };

struct deploy {
	int proj;
	enum dstate state;
	fs_servers servers;  /* the menu's labels point here */
	char *server;
	char *from;          /* promotion: the server whose commit is deployed */
	char *promoted;      /* that commit, once planned */
	char *connector;     /* NULL: all FullSync connectors */
	char **conn_names;
	size_t nconn;
	fs_jobs *jobs;
	fs_job *job;         /* the running job */
	fs_deploy_plan *plan;  /* NULL while a run has it */
	char *error;
	int force;
	int prune;           /* delete our design documents only on the server */
	char **log;
	size_t nlog;
	char *open;          /* documents shown with their diffs: "db\tid\n"... */
	fs_lines lines;      /* a document line's key is "db\tid", for Enter */
	int width;           /* the columns the lines are wrapped to */
};

/* What a job gets: everything the work touches is its own (a and d are
 * for the callbacks on the UI thread). */
struct job {
	fs_app *a;
	struct deploy *d;
	int force, prune;
	char *server;
	fs_project *copy;
	fs_deploy_plan *plan;    /* in: the plan to run; out: the plan made */
	char *conn;
	char *commit;
	char *from;              /* promotion: copy and commit come from git */
	char *dir;
	int run;
};

static struct deploy *DP(fs_app *a)
{
	return a->panes[FS_P_DEPLOY].priv;
}

/* Sentences wrap to the pane (diff lines do not: they scroll). */
static void add(struct deploy *d, const char *text, int color, const char *doc)
{
	fs_lines_add_wrapped(&d->lines, 0, color, doc, text, d->width, 4);
}

static int action_color(const fs_deploy_doc *doc)
{
	if (doc->error)
		return FS_C_ERROR;
	switch (doc->action) {
	case FS_DA_CREATE: return FS_C_GIT_ADDED;
	case FS_DA_UPDATE: return FS_C_GIT_CHANGED;
	case FS_DA_DELETE:
	case FS_DA_REFUSED: return FS_C_ERROR;
	default: return FS_C_PROP_READONLY;
	}
}

static void emit(void *ctx, const char *text, int color)
{
	char *t = fs_xasprintf("      %s", text);
	fs_lines_add(&((struct deploy *)ctx)->lines, 0, color, NULL, t);
	free(t);
}

static void add_doc(struct deploy *d, const fs_deploy_db *db, const fs_deploy_doc *doc)
{
	fs_buf b = FS_BUF_INIT;
	char *key = fs_xasprintf("%s\t%s\n", db->name, doc->id);
	const char *outcome = !d->plan->ran ? "" : doc->error ? "\u2717 " : doc->done ? "\u2713 " : "  ";
	fs_buf_printf(&b, "  %s%-10s %s", outcome, fs_deploy_action_name(doc->action), doc->id);
	if (doc->forced)
		fs_buf_adds(&b, " (forced)");
	if (doc->rev && d->plan->ran)
		fs_buf_printf(&b, "  rev %s", doc->rev);
	if (doc->error)
		fs_buf_printf(&b, ": %s", doc->error);
	else if (doc->reason)
		fs_buf_printf(&b, ": %s", doc->reason);
	key[strlen(key) - 1] = 0;
	/* the reason in full, over as many lines as it takes */
	fs_lines_add_wrapped(&d->lines, 0, action_color(doc), key, fs_buf_str(&b), d->width, 6);
	key[strlen(key)] = '\n';
	if (doc->fn) {
		/* a line of the document's own: Enter on it edits too */
		fs_buf_reset(&b);
		fs_buf_printf(&b, "      Enter: edit it at %u:%u", doc->line, doc->col);
		fs_lines_add_wrapped(&d->lines, 0, FS_C_MESSAGE, NULL, fs_buf_str(&b), d->width, 8)->flags |= FS_LINE_CONT;
	}
	fs_buf_free(&b);
	if (d->open && strstr(d->open, key)) {
		for (size_t k = 0; k < doc->ndiffs; k++) {
			char *t = fs_xasprintf("    %s", doc->diffs[k].name);
			add(d, t, FS_C_HEADER, NULL);
			free(t);
			fs_gitui_add_hunks(&doc->diffs[k].hunks, emit, d);
		}
		if (!doc->ndiffs)
			add(d, "      (no difference)", FS_C_PROP_READONLY, NULL);
	}
	free(key);
}

/* "server: 2 to create, 1 unchanged" ("2 created" once done): the counts
 * that are not zero, so that the line fits a narrow pane. */
static void plan_counts(const fs_deploy_plan *pl, int done, fs_buf *b)
{
	static const struct { int action; const char *what, *done; } counts[] = {
		{ FS_DA_CREATE, "to create", "created" }, { FS_DA_UPDATE, "to update", "updated" },
		{ FS_DA_UNCHANGED, "unchanged", "unchanged" }, { FS_DA_REFUSED, "refused", "refused" },
	};
	size_t before = b->len;
	fs_buf_printf(b, "%s:", pl->server);
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		if (pl->count[counts[i].action])
			fs_buf_printf(b, "%s %zu %s", b->len > before + strlen(pl->server) + 1 ? "," : "",
				      pl->count[counts[i].action], done ? counts[i].done : counts[i].what);
	if (b->len == before + strlen(pl->server) + 1)
		fs_buf_adds(b, " nothing to deploy");
}

static void build(fs_app *a, fs_pane *p)
{
	struct deploy *d = p->priv;
	fs_deploy_plan *pl = d->plan;
	fs_buf b = FS_BUF_INIT;
	fs_lines_clear(&d->lines);
	d->width = p->w;
	switch (d->state) {
	case D_IDLE:
		add(d, "Choose a server (P)", FS_C_MESSAGE, NULL);
		break;
	case D_PLANNING:
		fs_buf_printf(&b, "Reading %s to plan the deploy... (Esc cancels)", d->server);
		add(d, fs_buf_str(&b), FS_C_MESSAGE, NULL);
		break;
	default:
		break;
	}
	if (d->from && d->promoted) {
		fs_buf_reset(&b);
		fs_buf_printf(&b, "Promoting commit %.7s, the one %s runs (built from git)", d->promoted, d->from);
		add(d, fs_buf_str(&b), FS_C_MESSAGE, NULL);
	}
	if (d->error)
		add(d, d->error, FS_C_ERROR, NULL);
	/* the outcome first: long plans scroll */
	if (d->state == D_RUNNING)
		add(d, "Deploying... (Esc cancels)", FS_C_MESSAGE, NULL);
	if (d->state == D_DONE && pl)
		add(d, pl->failed ? "Deploy finished with failures" : "Deploy done", pl->failed ? FS_C_ERROR : FS_C_GIT_ADDED, NULL);
	if (pl) {
		fs_buf_reset(&b);
		/* after a deploy that did not fail, what the plan said happened */
		plan_counts(pl, d->state == D_DONE && !pl->failed && !d->error, &b);
		add(d, fs_buf_str(&b), FS_C_HEADER, NULL);
		for (size_t i = 0; i < pl->nwarnings; i++)
			add(d, pl->warnings[i], FS_C_ERROR, NULL);
		for (size_t i = 0; i < pl->ndbs; i++) {
			fs_deploy_db *db = &pl->dbs[i];
			fs_buf_reset(&b);
			fs_buf_printf(&b, "database %s%s", db->name, db->exists ? "" : " (to create)");
			if (db->error)
				fs_buf_printf(&b, ": %s", db->error);
			add(d, fs_buf_str(&b), db->error ? FS_C_ERROR : FS_C_CONNECTOR, NULL);
			for (size_t k = 0; k < db->ndocs; k++)
				add_doc(d, db, &db->docs[k]);
		}
		if (d->state == D_PLANNED)
			add(d, "Enter: diff, P: deploy, Esc: close", FS_C_MESSAGE, NULL);
	}
	if (d->nlog)
		add(d, "Progress", FS_C_HEADER, NULL);
	for (size_t i = 0; i < d->nlog; i++)
		add(d, d->log[i], FS_C_DEFAULT, NULL);
	fs_buf_free(&b);
	p->lines = d->lines.n;
	fs_pane_goto(p, p->lineno);
}

/* ---- the worker ------------------------------------------------------------ */

static const char *const event_names[] = {
#define FS_DE_NAME(k, n) n,
	FS_DE_LIST(FS_DE_NAME)
#undef FS_DE_NAME
};

static int progress(void *arg, const fs_deploy_event *ev)
{
	fs_job *job = arg;
	char pct[16] = "";
	if (ev->type == FS_DE_BUILD && ev->percent >= 0)
		snprintf(pct, sizeof pct, " %d%%", ev->percent);
	char *line = fs_xasprintf("[%zu/%zu] %s%s%s%s%s%s", ev->step, ev->steps,
				  ev->db ? ev->db : "", ev->db ? " " : "", ev->id ? ev->id : "", ev->id ? " " : "",
				  ev->message && *ev->message ? ev->message : event_names[ev->type], pct);
	fs_job_post(job, line);
	return fs_job_cancelled(job);
}

/* Promotion: the model and the commit of the job from git, as the
 * server j->from runs them. */
static enum fs_err_code promote(struct job *j, fs_err *e)
{
	fs_couch *from = fs_server_open(j->from, e);
	fs_repo *r = NULL;
	if (!from)
		return e->code ? e->code : FS_E_IO;
	int rc = fs_repo_open(&r, j->dir, e);
	free(j->commit);
	j->commit = NULL;
	if (!rc)
		rc = fs_deployed_promotion(r, from, &j->copy, &j->commit, e);
	fs_repo_free(r);
	fs_couch_free(from);
	return rc;
}

static enum fs_err_code work(fs_job *bj, void *arg, fs_err *e)
{
	struct job *j = arg;
	fs_couch *c = fs_server_open(j->server, e);
	int rc;
	if (!c)
		return e->code ? e->code : FS_E_IO;
	if (!j->run && j->from && (rc = promote(j, e))) {
		fs_couch_free(c);
		return rc;
	}
	if (j->run) {
		j->plan->opts.progress = progress;
		j->plan->opts.progress_arg = bj;
		rc = fs_deploy_run(j->plan, c, e);
	} else {
		const char *conns[1] = { j->conn };
		fs_deploy_opts o = { 0 };
		o.connectors = j->conn ? conns : NULL;
		o.nconnectors = j->conn ? 1 : 0;
		o.force = j->force;
		o.prune = j->prune;
		o.revs_limit = fs_couch_revs_limit_setting(c);
		o.commit = j->commit;
		o.progress = progress;
		o.progress_arg = bj;
		rc = fs_deploy_plan_make(j->copy, c, &o, &j->plan, e);
	}
	fs_couch_free(c);
	return rc;
}

static void job_free(void *arg)
{
	struct job *j = arg;
	fs_deploy_plan_free(j->plan);
	free(j->server);
	free(j->conn);
	free(j->commit);
	free(j->from);
	free(j->dir);
	fs_project_free(j->copy);
	free(j);
}

/* The deploy goes into the project's deploy history in git (notes). */
static void record_note(fs_app *a, struct deploy *d)
{
	fs_repo *r = d->plan ? fs_gitui_repo(a, d->proj) : NULL;
	fs_err e = { 0 };
	if (r && fs_deploy_note(r, d->plan, NULL, &e))
		fs_app_error(a, "Deployed, but not recorded in git: %s", e.msg);
}

static void done(fs_job *bj, void *arg, int rc, const fs_err *e)
{
	struct job *j = arg;
	struct deploy *d = j->d;
	fs_app *a = j->a;
	d->job = NULL;
	a->busy--;
	free(d->error);
	d->error = NULL;
	if (j->run) {
		d->plan = j->plan;
		j->plan = NULL;
		d->state = D_DONE;
		if (rc)
			d->error = fs_xasprintf("%s", e->code == FS_E_CANCELLED ?
				"Cancelled: what was written stays written; deploying again converges" : e->msg);
		fs_app_msg(a, rc ? "Deploy stopped" : "Deployed to %s", d->server);
		record_note(a, d);
	} else {
		if (j->plan) {
			fs_deploy_plan_free(d->plan);
			d->plan = j->plan;
			j->plan = NULL;
		}
		d->state = rc ? D_IDLE : D_PLANNED;
		if (rc)
			d->error = fs_xasprintf("No plan: %s", e->msg);
		free(d->promoted);
		d->promoted = j->from && j->commit ? fs_xstrdup(j->commit) : NULL;
	}
	build(a, &a->panes[FS_P_DEPLOY]);
	a->redraw = 1;
}

/* A progress line of the job. */
static void note(fs_job *bj, void *arg, void *line)
{
	struct job *j = arg;
	struct deploy *d = j->d;
	FS_ARRAY_ADD(d->log, d->nlog) = line;
	build(j->a, &j->a->panes[FS_P_DEPLOY]);
	j->a->redraw = 1;
}

static void jobs_ready(fs_app *a, int fd, int revents, void *ctx)
{
	struct deploy *d = DP(a);
	if (d && d->jobs)
		fs_jobs_dispatch(d->jobs);
}

/* A model of the worker's own, from the files the project would write now. */
static enum fs_err_code read_rendered(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	const fs_files *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].relpath, relpath)) {
			*data = fs_xstrndup(f->v[i].data, f->v[i].len);
			if (len)
				*len = f->v[i].len;
			return 0;
		}
	return fs_err_set(e, FS_E_NOTFOUND, "%s: no such file", relpath);
}

static fs_project *model_copy(fs_app *a, int proj, fs_err *e)
{
	fs_project *p = a->projects[proj], *copy = NULL;
	fs_files f = { 0 };
	if (fs_project_render(p, &f, e))
		return NULL;
	if (fs_project_open_with(&copy, fs_project_dir(p) ? fs_project_dir(p) : "project",
				 read_rendered, &f, e))
		copy = NULL;
	fs_files_free(&f);
	return copy;
}

static char *head_commit(fs_app *a, int proj)
{
	fs_repo *r = fs_gitui_repo(a, proj);
	fs_history h = { 0 };
	char *id = NULL;
	if (r && fs_git_log(r, NULL, NULL, 1, &h, NULL) == 0 && h.n)
		id = fs_xstrdup(h.v[0].id);
	fs_history_free(&h);
	return id;
}

static void submit(fs_app *a, struct job *j)
{
	struct deploy *d = DP(a);
	j->a = a;
	j->d = d;
	j->force = d->force;
	j->prune = d->prune;
	d->job = fs_job_start(d->jobs, &(fs_job_spec){ .work = work, .done = done, .note = note,
						       .arg = j, .free = job_free, .owner = d });
	a->busy++;
	build(a, &a->panes[FS_P_DEPLOY]);
}

static void plan_start(fs_app *a)
{
	struct deploy *d = DP(a);
	struct job *j = fs_xcalloc(1, sizeof *j);
	fs_err e = { 0 };
	j->d = d;
	j->server = fs_xstrdup(d->server);
	j->conn = d->connector ? fs_xstrdup(d->connector) : NULL;
	if (d->from) {
		/* the worker reads the model of the commit d->from runs */
		fs_project *p = a->projects[d->proj];
		j->from = fs_xstrdup(d->from);
		j->dir = fs_xstrdup(fs_project_dir(p) ? fs_project_dir(p) : ".");
	} else {
		j->commit = head_commit(a, d->proj);
		/* the worker's copy has no folder: the prune check reads the real one */
		if (!d->prune || !fs_deploy_prune_check(a->projects[d->proj], &e))
			j->copy = model_copy(a, d->proj, &e);
	}
	if (!j->copy && !j->from) {
		d->prune = 0;
		fs_app_error(a, "No deploy: %s", e.msg);
		job_free(j);
		return;
	}
	fs_deploy_plan_free(d->plan);
	d->plan = NULL;
	for (size_t i = 0; i < d->nlog; i++)
		free(d->log[i]);
	d->nlog = 0;
	d->state = D_PLANNING;
	submit(a, j);
}

static void run_done(fs_app *a, fs_modal *m, int key)
{
	struct deploy *d = DP(a);
	struct job *j;
	if ((key == 'f' && !d->force) || (key == 'd' && !d->prune)) {
		/* forcing or pruning changes the plan: plan again, then ask again */
		d->force |= key == 'f';
		d->prune |= key == 'd';
		plan_start(a);
		return;
	}
	if ((key != 'y' && key != 's') || !d->plan)
		return;
	/* staged: a staging copy, its indexes built, then the swap */
	d->plan->opts.staged = key == 's';
	j = fs_xcalloc(1, sizeof *j);
	j->d = d;
	j->server = fs_xstrdup(d->server);
	j->plan = d->plan;   /* the run's until it ends */
	d->plan = NULL;
	j->run = 1;
	d->state = D_RUNNING;
	submit(a, j);
}

static void confirm_run(fs_app *a)
{
	struct deploy *d = DP(a);
	fs_deploy_plan *pl = d->plan;
	char q[320];
	size_t writes, refused, del;
	if (d->state != D_PLANNED || !pl) {
		fs_app_error(a, "No plan to deploy yet");
		return;
	}
	refused = d->force ? 0 : pl->count[FS_DA_REFUSED];
	del = pl->count[FS_DA_DELETE];
	writes = pl->count[FS_DA_CREATE] + pl->count[FS_DA_UPDATE] + del;
	if (!writes && !refused && (d->prune || !pl->count[FS_DA_SERVER])) {
		fs_app_msg(a, "Nothing to deploy: the server is up to date");
		return;
	}
	/* deletions are named in the pane: the question counts them apart */
	int n = snprintf(q, sizeof q, "Deploy %zu design document%s to %s", writes - del,
			 writes - del == 1 ? "" : "s", d->server);
	if (del)
		n += snprintf(q + n, sizeof q - n, " and DELETE the %zu listed as delete", del);
	snprintf(q + n, sizeof q - n, "? (s: staged%s%s)", refused ? "; f: force the refused" : "",
		 !d->prune && pl->count[FS_DA_SERVER] ? "; d: plan deleting ours only on the server" : "");
	/* the modal keeps the pointer: literals */
	static const char *const keys[] = { "yns", "ynsf", "ynsd", "ynsfd" };
	int can_prune = !d->prune && pl->count[FS_DA_SERVER];
	fs_modal_confirm(a, q, keys[(refused ? 1 : 0) + (can_prune ? 2 : 0)], run_done);
}

/* ---- choosing the server and the connectors ------------------------------- */

static void conn_chosen(fs_app *a, fs_modal *m, int key)
{
	struct deploy *d = DP(a);
	if (key != '\r')
		return;
	free(d->connector);
	d->connector = m->sel == 0 ? NULL : fs_xstrdup(d->conn_names[m->sel - 1]);
	fs_app_open(a, FS_P_DEPLOY);
	plan_start(a);
}

static void choose_connectors(fs_app *a)
{
	struct deploy *d = DP(a);
	fs_obj *root = fs_project_root(a->projects[d->proj]);
	struct fs_menu_item items[33];
	size_t n = 0;
	free(d->conn_names);
	d->conn_names = fs_xcalloc(root->nkids + 1, sizeof *d->conn_names);
	d->nconn = 0;
	items[n++] = (struct fs_menu_item){ FS_REQ_NONE, "All FullSync connectors" };
	for (size_t i = 0; i < root->nkids && n < 33; i++)
		if (root->kids[i]->kind == FS_K_CONNECTOR) {
			d->conn_names[d->nconn++] = root->kids[i]->name;
			items[n++] = (struct fs_menu_item){ FS_REQ_NONE, root->kids[i]->name };
		}
	fs_modal *m = fs_modal_menu(a, "Deploy which connectors?", items, n, conn_chosen);
	/* the selected connector first */
	int proj;
	fs_obj *sel = fs_app_selected(a, &proj), *conn = sel ? fs_obj_up(sel, FS_K_CONNECTOR) : NULL;
	for (size_t i = 0; conn && i < d->nconn; i++)
		if (d->conn_names[i] == conn->name)
			m->sel = i + 1;
}

static void server_chosen(fs_app *a, fs_modal *m, int key)
{
	struct deploy *d = DP(a);
	if (key != '\r' || m->sel >= d->servers.n)
		return;
	free(d->server);
	d->server = fs_xstrdup(d->servers.v[m->sel].name);
	choose_connectors(a);
}

static void ensure(fs_app *a)
{
	fs_pane *p = &a->panes[FS_P_DEPLOY];
	struct deploy *d;
	if (p->priv)
		return;
	d = fs_xcalloc(1, sizeof *d);
	p->priv = d;
	p->store = &d->lines;
	d->jobs = fs_pane_jobs_new(a, jobs_ready, NULL);
}

/* The pane's state for a new deploy; NULL, said and its pane shown, while
 * one runs. */
static struct deploy *idle(fs_app *a)
{
	ensure(a);
	struct deploy *d = DP(a);
	if (d->job) {
		fs_app_error(a, "A deploy is running: Esc in its pane cancels it");
		fs_app_open(a, FS_P_DEPLOY);
		return NULL;
	}
	return d;
}

/* The deploy request from anywhere: server, then connectors, then the plan. */
void fs_deploy_start(fs_app *a)
{
	struct deploy *d;
	int proj;
	if (!fs_app_selected(a, &proj) || !(d = idle(a)))
		return;
	d->proj = proj;
	d->force = 0;
	d->prune = 0;
	free(d->from);
	d->from = NULL;
	fs_server_menu_load(a, &d->servers, "Deploy to which server?", server_chosen);
}

void fs_deploy_start_on(fs_app *a, int proj, const char *server, const char *from)
{
	struct deploy *d = idle(a);
	if (!d)
		return;
	d->proj = proj;
	d->force = 0;
	free(d->server);
	d->server = fs_xstrdup(server);
	free(d->from);
	d->from = from ? fs_xstrdup(from) : NULL;
	choose_connectors(a);
}

/* ---- the pane ------------------------------------------------------------------ */

static void deploy_open(fs_app *a, fs_pane *p)
{
	ensure(a);
	build(a, p);
}

static void deploy_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct deploy *d = p->priv;
	static const char spin[] = "|/-\\";
	/* the title comes first in a frame: rewrap to a new width (a resize,
	 * a zoom) before the lines are drawn */
	if (p->w != d->width)
		build(a, p);
	fs_buf_printf(out, "Deploy %s", fs_project_root(a->projects[d->proj])->name);
	if (d->connector)
		fs_buf_printf(out, "/%s", d->connector);
	if (d->server)
		fs_buf_printf(out, " to %s", d->server);
	const fs_server *srv = d->server ? fs_servers_find(&d->servers, d->server) : NULL;
	if (srv && srv->insecure)
		fs_buf_adds(out, " [TLS NOT VERIFIED]");
	if (d->from)
		fs_buf_printf(out, " from %s", d->from);
	if (d->job)
		fs_buf_printf(out, " %c", spin[(time(NULL) + p->lines) % 4]);
}

static void deploy_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	fs_line *l = &((struct deploy *)p->priv)->lines.v[lineno];
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	fs_draw_text(y, x, w, l->text, base ? base : fs_color_attr(l->color));
}

static void toggle_doc(fs_app *a, fs_pane *p, const char *doc)
{
	struct deploy *d = p->priv;
	char *key = fs_xasprintf("%s\n", doc), *at = d->open ? strstr(d->open, key) : NULL;
	fs_buf b = FS_BUF_INIT;
	if (at) {
		fs_buf_add(&b, d->open, at - d->open);
		fs_buf_adds(&b, at + strlen(key));
	} else {
		fs_buf_printf(&b, "%s%s", d->open ? d->open : "", key);
	}
	free(d->open);
	d->open = fs_buf_steal(&b);
	free(key);
	build(a, p);
}

/* The document of a line's key ("db\tid") in the plan shown. */
static const fs_deploy_doc *doc_of(const struct deploy *d, const char *key)
{
	const char *tab = strchr(key, '\t');
	for (size_t i = 0; d->plan && tab && i < d->plan->ndbs; i++) {
		const fs_deploy_db *db = &d->plan->dbs[i];
		if (strlen(db->name) != (size_t)(tab - key) || strncmp(db->name, key, tab - key))
			continue;
		for (size_t k = 0; k < db->ndocs; k++)
			if (!strcmp(db->docs[k].id, tab + 1))
				return &db->docs[k];
	}
	return NULL;
}

/* A document refused for a syntax error: its function in the editor, the
 * cursor on the error. The plan was made from a copy: the function is
 * looked up again in the model the user edits. */
static void edit_refused(fs_app *a, struct deploy *d, const fs_deploy_doc *doc)
{
	fs_obj *fn = fs_project_find(a->projects[d->proj], doc->fn);
	if (!fn || fn->kind != FS_K_FUNCTION) {
		fs_app_error(a, "%s is not in the project any more", doc->fn);
		return;
	}
	fs_editor_edit_at(a, d->proj, fn, doc->line, doc->col);
}

static void enter(fs_app *a, fs_pane *p)
{
	struct deploy *d = p->priv;
	const fs_line *l = p->lineno < d->lines.n ? &d->lines.v[fs_lines_head(&d->lines, p->lineno)] : NULL;
	const fs_deploy_doc *doc = l && l->key ? doc_of(d, l->key) : NULL;
	if (doc && doc->fn)
		edit_refused(a, d, doc);
	else if (l && l->key)
		toggle_doc(a, p, l->key);
}

static fs_req deploy_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct deploy *d = p->priv;
	switch (r) {
	case FS_REQ_ENTER:
		enter(a, p);
		return FS_REQ_NONE;
	case FS_REQ_DEPLOY:
		if (d->state == D_PLANNED)
			confirm_run(a);
		else if (!d->job)
			fs_deploy_start(a);
		return FS_REQ_NONE;
	case FS_REQ_CLOSE:
	case FS_REQ_QUIT:
		if (d->job) {
			fs_job_cancel(d->job);
			fs_app_msg(a, "Cancelling...");
			return FS_REQ_NONE;
		}
		fs_app_close_pane(a, p);
		return FS_REQ_NONE;
	default:
		return r;
	}
}

static void deploy_close(fs_app *a, fs_pane *p)
{
	struct deploy *d = p->priv;
	if (!d)
		return;
	/* a job whose done did not run is freed with its notes and its plan */
	fs_pane_jobs_free(a, d->jobs, d->job != NULL);
	fs_lines_free(&d->lines);
	for (size_t i = 0; i < d->nlog; i++)
		free(d->log[i]);
	free(d->log);
	fs_deploy_plan_free(d->plan);
	fs_servers_free(&d->servers);
	free(d->server);
	free(d->from);
	free(d->promoted);
	free(d->connector);
	free(d->conn_names);
	free(d->error);
	free(d->open);
	free(d);
	p->priv = NULL;
	p->store = NULL;
}

/* The pane lives on while a deploy runs in it, so close is only at exit. */
const struct fs_pane_ops fs_deploy_ops = {
	.name = "deploy",
	.keymap = FS_KM_DEPLOY,
	.open = deploy_open,
	.title = deploy_title,
	.draw = deploy_draw,
	.request = deploy_request,
	.close = deploy_close,
};
