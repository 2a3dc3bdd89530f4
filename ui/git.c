/* Git state of the open projects for the panes: the repository of each
 * project and its status in object terms (the tree's change marks).
 *
 * The status of a large project takes a while (it parses the committed
 * version), so it runs as a background job with its own repository handles
 * and its own copies of the project folders and unsaved files; its result
 * is taken over on the UI thread. The screen never waits for git. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include "app.h"
#include "colors.h"
#include "gitui.h"
#include "panejobs.h"
#include "base/job.h"
#include "watch.h"

struct proj_git {
	fs_repo *repo;       /* main-thread handle; NULL: not in git */
	fs_changes changes;
	int known;           /* a status came back */
	char *error;
};

/* A status job's own data; a is only for the done callback. */
struct job {
	fs_app *a;
	size_t n;
	char **dirs;
	fs_files *files;     /* unsaved projects: their files as the model has them */
	fs_changes *changes;
	char **errors;
};

struct fs_gitui {
	struct proj_git *p;
	size_t n;
	fs_jobs *jobs;
	int running, again;
};

static struct fs_gitui *G(fs_app *a)
{
	return a->git;
}

/* Reads a file of an unsaved project from its rendered files. */
static enum fs_err_code read_rendered(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	const fs_files *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].relpath, relpath)) {
			*data = fs_xmalloc(f->v[i].len + 1);
			memcpy(*data, f->v[i].data, f->v[i].len);
			(*data)[f->v[i].len] = 0;
			if (len)
				*len = f->v[i].len;
			return 0;
		}
	return fs_err_set(e, FS_E_NOTFOUND, "%s: no such file", relpath);
}

/* The status of one project; an unsaved one is compared through a copy of
 * its model made from its rendered files, so that the thread never reads
 * the model the screen edits. */
static enum fs_err_code status_of(struct job *j, size_t i, fs_repo *r, fs_err *e)
{
	fs_project *copy = NULL;
	int rc;
	if (!j->files[i].n)
		return fs_git_status(r, &j->changes[i], e);
	if ((rc = fs_project_open_with(&copy, j->dirs[i], read_rendered, &j->files[i], e)))
		return rc;
	rc = fs_git_status_model(r, copy, &j->changes[i], e);
	fs_project_free(copy);
	return rc;
}

static enum fs_err_code status_work(fs_job *job, void *arg, fs_err *err)
{
	struct job *j = arg;
	for (size_t i = 0; i < j->n; i++) {
		fs_repo *r = NULL;
		fs_err e = { 0 };
		if (!j->dirs[i] || fs_job_cancelled(job))
			continue;
		if (fs_repo_open(&r, j->dirs[i], &e) || status_of(j, i, r, &e))
			j->errors[i] = fs_xstrdup(e.msg);
		fs_repo_free(r);
	}
	return 0;
}

static void job_free(void *arg)
{
	struct job *j = arg;
	for (size_t i = 0; i < j->n; i++) {
		free(j->dirs[i]);
		fs_files_free(&j->files[i]);
		fs_changes_free(&j->changes[i]);
		free(j->errors[i]);
	}
	free(j->dirs);
	free(j->files);
	free(j->changes);
	free(j->errors);
	free(j);
}

static void status_done(fs_job *job, void *arg, int rc, const fs_err *e);

static void start(fs_app *a)
{
	struct fs_gitui *g = G(a);
	struct job *j = fs_xcalloc(1, sizeof *j);
	j->a = a;
	j->n = g->n;
	j->dirs = fs_xcalloc(g->n, sizeof *j->dirs);
	j->files = fs_xcalloc(g->n, sizeof *j->files);
	j->changes = fs_xcalloc(g->n, sizeof *j->changes);
	j->errors = fs_xcalloc(g->n, sizeof *j->errors);
	for (size_t i = 0; i < g->n; i++)
		if (g->p[i].repo && fs_project_dir(a->projects[i])) {
			j->dirs[i] = fs_xstrdup(fs_project_dir(a->projects[i]));
			if (fs_project_dirty(a->projects[i]) &&
			    fs_project_render(a->projects[i], &j->files[i], NULL))
				memset(&j->files[i], 0, sizeof j->files[i]);
		}
	fs_job_start(g->jobs, &(fs_job_spec){ .work = status_work, .done = status_done,
					      .arg = j, .free = job_free, .owner = g });
	g->running = 1;
}

/* The job is done: take its results. */
static void status_done(fs_job *job, void *arg, int rc, const fs_err *e)
{
	struct job *j = arg;
	fs_app *a = j->a;
	struct fs_gitui *g = G(a);
	g->running = 0;
	for (size_t i = 0; i < g->n && i < j->n; i++) {
		if (!j->dirs[i])
			continue;
		fs_changes_free(&g->p[i].changes);
		g->p[i].changes = j->changes[i];
		memset(&j->changes[i], 0, sizeof j->changes[i]);
		free(g->p[i].error);
		g->p[i].error = j->errors[i];
		j->errors[i] = NULL;
		g->p[i].known = 1;
	}
	fs_app_changed_view(a);
	if (g->again) {
		g->again = 0;
		start(a);
	}
}

static void jobs_ready(fs_app *a, int fd, int revents, void *ctx)
{
	fs_jobs_dispatch(G(a)->jobs);
}

void fs_gitui_start(fs_app *a)
{
	struct fs_gitui *g = fs_xcalloc(1, sizeof *g);
	a->git = g;
	g->n = a->nprojects;
	g->p = fs_xcalloc(g->n, sizeof *g->p);
	for (size_t i = 0; i < g->n; i++) {
		const char *dir = fs_project_dir(a->projects[i]);
		if (dir && fs_repo_open(&g->p[i].repo, dir, NULL))
			g->p[i].repo = NULL;
	}
	if (!(g->jobs = fs_pane_jobs_new(a, jobs_ready, NULL)))
		return;
	fs_gitui_refresh(a);
}

void fs_gitui_refresh(fs_app *a)
{
	struct fs_gitui *g = G(a);
	int any = 0;
	if (!g || !g->jobs)
		return;
	fs_sync_git_seen(a);
	for (size_t i = 0; i < g->n; i++)
		any |= g->p[i].repo != NULL;
	if (!any)
		return;
	if (g->running)
		g->again = 1;
	else
		start(a);
}

void fs_gitui_loaded(fs_app *a, int proj)
{
	struct fs_gitui *g = G(a);
	const char *dir;
	if (!g || proj < 0 || (size_t)proj >= g->n || g->p[proj].repo)
		return;
	dir = fs_project_dir(a->projects[proj]);
	if (dir && fs_repo_open(&g->p[proj].repo, dir, NULL))
		g->p[proj].repo = NULL;
	if (g->p[proj].repo)
		fs_gitui_refresh(a);
}

void fs_gitui_wait(fs_app *a)
{
	struct fs_gitui *g = G(a);
	if (g && g->jobs)
		fs_jobs_wait_all(g->jobs);
}

void fs_gitui_free(fs_app *a)
{
	struct fs_gitui *g = G(a);
	if (!g)
		return;
	fs_pane_jobs_free(a, g->jobs, 0);   /* a running status stops at its next project */
	for (size_t i = 0; i < g->n; i++) {
		fs_repo_free(g->p[i].repo);
		fs_changes_free(&g->p[i].changes);
		free(g->p[i].error);
	}
	free(g->p);
	free(g);
	a->git = NULL;
}

fs_repo *fs_gitui_repo(fs_app *a, int proj)
{
	struct fs_gitui *g = G(a);
	return g && proj >= 0 && (size_t)proj < g->n ? g->p[proj].repo : NULL;
}

const fs_changes *fs_gitui_changes(fs_app *a, int proj)
{
	struct fs_gitui *g = G(a);
	return g && proj >= 0 && (size_t)proj < g->n && g->p[proj].known ? &g->p[proj].changes : NULL;
}

const char *fs_gitui_error(fs_app *a, int proj)
{
	struct fs_gitui *g = G(a);
	return g && proj >= 0 && (size_t)proj < g->n ? g->p[proj].error : NULL;
}

int fs_gitui_mark(fs_app *a, int proj, const fs_obj *o)
{
	const fs_changes *c = fs_gitui_changes(a, proj);
	char *path;
	size_t len;
	int mark = 0;
	if (!c || !c->n)
		return 0;
	path = fs_obj_path(o);
	len = strlen(path ? path : "");
	for (size_t i = 0; i < c->n; i++) {
		const char *cp = c->v[i].path;
		if (!cp)
			continue;
		if (!strcmp(cp, path ? path : "")) {
			mark = fs_change_char(c->v[i].change);
			break;
		}
		if (!len || (!strncmp(cp, path, len) && cp[len] == '/'))
			mark = '*';
	}
	free(path);
	return mark;
}

void fs_gitui_add_hunks(const fs_hunks *h, void (*emit)(void *ctx, const char *text, int color), void *ctx)
{
	for (size_t i = 0; i < h->n; i++) {
		const fs_hunk *k = &h->v[i];
		char head[96];
		snprintf(head, sizeof head, "@@ -%zu,%zu +%zu,%zu @@", k->old_start, k->old_count,
			 k->new_start, k->new_count);
		emit(ctx, head, FS_C_DIFF_CHUNK);
		for (size_t j = 0; j < k->n; j++) {
			char *t = fs_xasprintf("%c%s", fs_dl_char(k->lines[j].type), k->lines[j].text);
			emit(ctx, t, k->lines[j].type == FS_DL_ADD ? FS_C_DIFF_ADD :
				     k->lines[j].type == FS_DL_DEL ? FS_C_DIFF_DEL : FS_C_DEFAULT);
			free(t);
		}
	}
}
