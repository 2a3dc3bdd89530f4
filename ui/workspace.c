/* The projects of a workspace folder, read when first needed (workspace.h).
 *
 * The first frame of a workspace of big projects costs the heads of their
 * c8oProject.yaml files, not their megabytes: the projects are read in the
 * background, one at a time, when the user goes into them. */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workspace.h"
#include "base/array.h"
#include "base/fsutil.h"
#include "base/job.h"
#include "gitui.h"
#include "recover.h"
#include "watch.h"

enum ws_state { WS_STUB, WS_LOADING, WS_LOADED, WS_FAILED };

struct ws_proj {
	char *dir;
	enum ws_state state;
	char *error;         /* WS_FAILED: why */
};

struct fs_ws {
	struct ws_proj *p;
	size_t n;
	fs_jobs *jobs;       /* made on the first load */
	fs_req pend;         /* the request waiting for a load */
	int pend_proj;       /* the project it waits for; -1: all of them */
	fs_ref pend_sel;     /* the selection it was asked on */
};

/* A load job's own data: a copy of the folder; the model it reads. */
struct load {
	fs_app *a;
	int proj;
	char *dir;
	fs_project *p;
};

static struct ws_proj *P(fs_app *a, int proj)
{
	return a->ws && proj >= 0 && (size_t)proj < a->ws->n ? &a->ws->p[proj] : NULL;
}

/* ---- the stand-ins ---------------------------------------------------------- */

static int has_project(const char *dir)
{
	char *f = fs_path_join(dir, "c8oProject.yaml");
	int r = fs_is_file(f);
	free(f);
	return r;
}

/* The project bean's line ("↓Name [core.Project]: ") among the first lines
 * of c8oProject.yaml: the name is all a closed row needs. Caller frees. */
static char *head_line(const char *dir, fs_err *e)
{
	char *path = fs_path_join(dir, "c8oProject.yaml"), *line = NULL, *found = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		fs_err_set(e, FS_E_IO, "%s: cannot be read", path);
		free(path);
		return NULL;
	}
	for (int i = 0; i < 64 && !found && getline(&line, &cap, f) > 0; i++) {
		char *end = strstr(line, "]:");
		if (!strncmp(line, "\xe2\x86\x93", 3) && end)
			found = fs_xasprintf("%.*s]: \n", (int)(end - line), line);
	}
	if (!found)
		fs_err_set(e, FS_E_PARSE, "%s: no project bean in its first lines (a line '\xe2\x86\x93Name [core.Project]: ')", path);
	free(line);
	fclose(f);
	free(path);
	return found;
}

static enum fs_err_code read_head(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	if (strcmp(relpath, "c8oProject.yaml"))
		return fs_err_set(e, FS_E_NOTFOUND, "%s: not read yet", relpath);
	*data = fs_xstrdup(ctx);
	if (len)
		*len = strlen(ctx);
	return 0;
}

/* A project of one root object named as the folder's project: no folder,
 * nothing to save, nothing in git. */
static fs_project *stand_in(const char *dir, fs_err *e)
{
	fs_project *p = NULL;
	char *head = head_line(dir, e);
	if (head && !fs_project_open_with(&p, dir, read_head, head, e)) {
		free(head);
		return p;
	}
	free(head);
	/* unreadable: the row keeps the folder's name and says why */
	const char *base = strrchr(dir, '/');
	head = fs_xasprintf("\xe2\x86\x93%s [core.Project]: \n", base && base[1] ? base + 1 : dir);
	if (fs_project_open_with(&p, dir, read_head, head, NULL)) {
		free(head);
		head = fs_xstrdup("\xe2\x86\x93project [core.Project]: \n");
		fs_project_open_with(&p, dir, read_head, head, NULL);
	}
	free(head);
	return p;
}

static void add(fs_app *a, fs_project *p, const char *dir, enum ws_state state, const char *error)
{
	struct fs_ws *w = a->ws;
	FS_ARRAY_ADD(a->projects, a->nprojects) = p;
	FS_ARRAY_ADD(w->p, w->n) = (struct ws_proj){ fs_xstrdup(dir), state, error ? fs_xstrdup(error) : NULL };
}

/* Reads the whole project now: a single project, or one whose unsaved
 * work of an earlier run waits in a recovery file. */
static void add_loaded(fs_app *a, const char *dir, fs_buf *errors)
{
	fs_project *p;
	fs_err e = { 0 };
	if (fs_project_open(&p, dir, &e)) {
		/* name the project folder: the message names a file inside it */
		const char *base = strrchr(dir, '/');
		fs_buf_printf(errors, "%s%s: %s", errors->len ? "; " : "", base && base[1] ? base + 1 : dir, e.msg);
		return;
	}
	add(a, p, dir, WS_LOADED, NULL);
}

static void add_stand_in(fs_app *a, const char *dir, fs_buf *errors)
{
	fs_err e = { 0 };
	fs_project *p = stand_in(dir, &e);
	if (!p)
		return;
	if (e.code)
		fs_buf_printf(errors, "%s%s", errors->len ? "; " : "", e.msg);
	add(a, p, dir, e.code ? WS_FAILED : WS_STUB, e.code ? e.msg : NULL);
}

int fs_ws_open(fs_app *a, const char *dir, fs_buf *errors)
{
	struct dirent **ents;
	int n;
	a->ws = fs_xcalloc(1, sizeof *a->ws);
	if (!fs_is_dir(dir)) {
		fs_buf_printf(errors, "%s: no such folder", dir);
		return -1;
	}
	if (has_project(dir)) {
		add_loaded(a, dir, errors);
		return a->nprojects ? 0 : -1;
	}
	n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char *sub = fs_path_join(dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && fs_is_dir(sub) && has_project(sub)) {
			if (fs_recover_pending(sub, NULL))
				add_loaded(a, sub, errors);
			else
				add_stand_in(a, sub, errors);
		}
		free(sub);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	if (!a->nprojects && !errors->len)
		fs_buf_printf(errors, "%s holds no Convertigo project (no c8oProject.yaml in it or its subfolders)", dir);
	return a->nprojects ? 0 : -1;
}

void fs_ws_free(fs_app *a)
{
	struct fs_ws *w = a->ws;
	if (!w)
		return;
	if (w->jobs) {
		fs_app_unwatch(a, fs_jobs_fd(w->jobs));
		fs_jobs_free(w->jobs);   /* a load under way ends first */
	}
	fs_ref_clear(&w->pend_sel);
	for (size_t i = 0; i < w->n; i++) {
		free(w->p[i].dir);
		free(w->p[i].error);
	}
	free(w->p);
	free(w);
	a->ws = NULL;
}

/* ---- loading ------------------------------------------------------------------ */

int fs_ws_loaded(fs_app *a, int proj)
{
	struct ws_proj *wp = P(a, proj);
	return !wp || wp->state == WS_LOADED;
}

static enum fs_err_code load_work(fs_job *job, void *arg, fs_err *e)
{
	struct load *l = arg;
	return fs_project_open(&l->p, l->dir, e);
}

static void load_free(void *arg)
{
	struct load *l = arg;
	if (l->p)
		fs_project_free(l->p);
	free(l->dir);
	free(l);
}

static int loading(struct fs_ws *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->p[i].state == WS_LOADING)
			return 1;
	return 0;
}

/* The request that waited for proj runs, on the selection it was asked
 * on: when the user moved meanwhile, it is dropped. */
static void run_pending(fs_app *a, int proj)
{
	struct fs_ws *w = a->ws;
	fs_req r = w->pend;
	int sel = -1;
	fs_obj *o;
	if (r == FS_REQ_NONE || (w->pend_proj != proj && (w->pend_proj != -1 || loading(w))))
		return;
	w->pend = FS_REQ_NONE;
	o = fs_app_selected(a, &sel);
	if (o && o == fs_ref_get(a, &w->pend_sel) && sel == w->pend_sel.proj)
		fs_action(a, r);
	fs_ref_clear(&w->pend_sel);
}

/* Keeps r for when proj (-1: every project) is read. */
static void keep(fs_app *a, fs_req r, int proj)
{
	int sel = 0;
	fs_obj *o = fs_app_selected(a, &sel);
	a->ws->pend = r;
	a->ws->pend_proj = proj;
	fs_ref_clear(&a->ws->pend_sel);
	if (o)
		fs_ref_set(&a->ws->pend_sel, sel, o);
}

static void load_done(fs_job *job, void *arg, int rc, const fs_err *e)
{
	struct load *l = arg;
	fs_app *a = l->a;
	struct ws_proj *wp = P(a, l->proj);
	a->busy--;
	if (rc) {
		free(wp->error);
		wp->error = fs_xstrdup(e->msg);
		wp->state = WS_FAILED;
		if (a->ws->pend_proj == l->proj)
			a->ws->pend = FS_REQ_NONE;
		run_pending(a, l->proj);   /* the last of all: the others came */
		fs_app_error(a, "%s not loaded: %s (Enter tries again)", fs_project_root(a->projects[l->proj])->name,
			     e->msg);
		fs_app_changed_view(a);
		return;
	}
	wp->state = WS_LOADED;
	fs_app_replace_project(a, l->proj, l->p);
	l->p = NULL;
	fs_sync_loaded(a, l->proj);
	fs_gitui_loaded(a, l->proj);
	fs_tree_loaded(a);
	run_pending(a, l->proj);
}

static void jobs_ready(fs_app *a, int fd, int revents, void *ctx)
{
	fs_jobs_dispatch(a->ws->jobs);
}

void fs_ws_load(fs_app *a, int proj)
{
	struct fs_ws *w = a->ws;
	struct ws_proj *wp = P(a, proj);
	struct load *l;
	if (!wp || wp->state == WS_LOADED || wp->state == WS_LOADING)
		return;
	if (!w->jobs) {
		/* one worker: projects come one after the other, the first
		 * asked first, and the model's loads never run side by side */
		w->jobs = fs_jobs_new(1);
		fs_app_watch(a, fs_jobs_fd(w->jobs), POLLIN, jobs_ready, NULL);
	}
	l = fs_xcalloc(1, sizeof *l);
	l->a = a;
	l->proj = proj;
	l->dir = fs_xstrdup(wp->dir);
	wp->state = WS_LOADING;
	free(wp->error);
	wp->error = NULL;
	a->busy++;
	a->redraw = 1;
	fs_job_start(w->jobs, &(fs_job_spec){ .work = load_work, .done = load_done, .arg = l,
					      .free = load_free, .owner = w });
}

int fs_ws_load_all(fs_app *a)
{
	int n = 0;
	for (size_t i = 0; a->ws && i < a->ws->n; i++)
		if (a->ws->p[i].state == WS_STUB) {
			fs_ws_load(a, (int)i);
			n++;
		}
	return n;
}

void fs_ws_label(fs_app *a, int proj, fs_buf *out, int *error)
{
	struct ws_proj *wp = P(a, proj);
	*error = 0;
	if (!wp)
		return;
	if (wp->state == WS_LOADING)
		fs_buf_adds(out, " (loading...)");
	else if (wp->state == WS_FAILED) {
		fs_buf_printf(out, " (not loaded: %s)", wp->error ? wp->error : "?");
		*error = 1;
	}
}

/* The requests that read or change the selected project's model. */
static int needs_model(fs_req r)
{
	static const fs_req reqs[] = {
		FS_REQ_NEW, FS_REQ_NEW_CONNECTOR, FS_REQ_NEW_DDOC, FS_REQ_NEW_VIEW, FS_REQ_NEW_REDUCE,
		FS_REQ_NEW_LISTENER, FS_REQ_RENAME, FS_REQ_DELETE, FS_REQ_COPY, FS_REQ_PASTE,
		FS_REQ_EDIT_PROP, FS_REQ_EDIT, FS_REQ_EXTERNAL_EDIT, FS_REQ_GOTO_TARGET, FS_REQ_STATUS,
		FS_REQ_COMMIT, FS_REQ_HISTORY, FS_REQ_RESTORE, FS_REQ_DEPLOY, FS_REQ_SERVERS,
		FS_REQ_LISTENER, FS_REQ_RUN_VIEW,
	};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
		if (reqs[i] == r)
			return 1;
	return 0;
}

int fs_ws_defer(fs_app *a, fs_req r)
{
	int proj = -1;
	struct ws_proj *wp;
	if (!needs_model(r) || !fs_app_selected(a, &proj) || !(wp = P(a, proj)) || wp->state == WS_LOADED)
		return 0;
	keep(a, r, proj);
	fs_ws_load(a, proj);
	fs_app_msg(a, "Loading %s: %s follows", fs_project_root(a->projects[proj])->name, fs_req_name(r));
	return 1;
}

int fs_ws_defer_all(fs_app *a, fs_req r)
{
	if (!fs_ws_load_all(a) && !loading(a->ws))
		return 0;
	keep(a, r, -1);
	fs_app_msg(a, "Reading the workspace's other projects: %s follows", fs_req_name(r));
	return 1;
}

void fs_ws_wait(fs_app *a)
{
	if (a->ws && a->ws->jobs)
		fs_jobs_wait_all(a->ws->jobs);
}
