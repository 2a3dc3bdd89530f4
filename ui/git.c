/* Git state of the open projects for the panes: the repository of each
 * project and its status in object terms (the tree's change marks).
 *
 * The status of a large project takes a while (it parses the committed
 * version), so it runs in a thread with its own repository handles; the
 * thread writes one byte to a pipe that the main loop watches, and the
 * result is taken over there. The screen never waits for git. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include "app.h"
#include "gitui.h"
#include "watch.h"

struct proj_git {
	fs_repo *repo;       /* main-thread handle; NULL: not in git */
	fs_changes changes;
	int known;           /* a status came back */
	char *error;
};

struct job {
	size_t n;
	char **dirs;
	fs_files *files;     /* unsaved projects: their files as the model has them */
	fs_changes *changes;
	char **errors;
};

struct fs_gitui {
	struct proj_git *p;
	size_t n;
	pthread_t thread;
	int running, again;
	int pipe[2];
	struct job job;
};

static struct fs_gitui *G(fs_app *a)
{
	return a->git;
}

/* Reads a file of an unsaved project from its rendered files. */
static int read_rendered(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
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
static int status_of(struct job *j, size_t i, fs_repo *r, fs_err *e)
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

static void *status_thread(void *arg)
{
	struct fs_gitui *g = arg;
	struct job *j = &g->job;
	for (size_t i = 0; i < j->n; i++) {
		fs_repo *r = NULL;
		fs_err e = { 0 };
		if (!j->dirs[i])
			continue;
		if (fs_repo_open(&r, j->dirs[i], &e) || status_of(j, i, r, &e))
			j->errors[i] = fs_xstrdup(e.msg);
		fs_repo_free(r);
	}
	if (write(g->pipe[1], "x", 1) < 0) {
		/* the main loop then never hears of it: marks stay as they were */
	}
	return NULL;
}

static void job_free(struct job *j)
{
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
	memset(j, 0, sizeof *j);
}

static void start(fs_app *a)
{
	struct fs_gitui *g = G(a);
	struct job *j = &g->job;
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
	if (pthread_create(&g->thread, NULL, status_thread, g)) {
		job_free(j);
		return;
	}
	g->running = 1;
}

/* The thread is done: take its results. */
static void finished(fs_app *a, int fd, int revents, void *ctx)
{
	struct fs_gitui *g = G(a);
	char c;
	if (read(fd, &c, 1) <= 0 || !g->running)
		return;
	pthread_join(g->thread, NULL);
	g->running = 0;
	for (size_t i = 0; i < g->n && i < g->job.n; i++) {
		if (!g->job.dirs[i])
			continue;
		fs_changes_free(&g->p[i].changes);
		g->p[i].changes = g->job.changes[i];
		memset(&g->job.changes[i], 0, sizeof g->job.changes[i]);
		free(g->p[i].error);
		g->p[i].error = g->job.errors[i];
		g->job.errors[i] = NULL;
		g->p[i].known = 1;
	}
	job_free(&g->job);
	fs_app_changed_view(a);
	if (g->again) {
		g->again = 0;
		start(a);
	}
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
	if (pipe(g->pipe)) {
		g->pipe[0] = g->pipe[1] = -1;
		return;
	}
	fcntl(g->pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(g->pipe[1], F_SETFD, FD_CLOEXEC);
	fs_app_watch(a, g->pipe[0], POLLIN, finished, NULL);
	fs_gitui_refresh(a);
}

void fs_gitui_refresh(fs_app *a)
{
	struct fs_gitui *g = G(a);
	int any = 0;
	if (!g || g->pipe[0] < 0)
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

void fs_gitui_wait(fs_app *a)
{
	struct fs_gitui *g = G(a);
	if (g && g->running)
		finished(a, g->pipe[0], 0, NULL);
}

void fs_gitui_free(fs_app *a)
{
	struct fs_gitui *g = G(a);
	if (!g)
		return;
	if (g->running) {
		pthread_join(g->thread, NULL);
		job_free(&g->job);
	}
	for (size_t i = 0; i < g->n; i++) {
		fs_repo_free(g->p[i].repo);
		fs_changes_free(&g->p[i].changes);
		free(g->p[i].error);
	}
	free(g->p);
	if (g->pipe[0] >= 0) {
		fs_app_unwatch(a, g->pipe[0]);
		close(g->pipe[0]);
		close(g->pipe[1]);
	}
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
