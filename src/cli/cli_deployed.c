/* `fsstudio deployed`: which commit each server runs, per design document,
 * and the helpers for commands that speak to several servers at once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_servers_many.h"
#include "couch/servers.h"
#include "deploy/deployed.h"
#include "deploy/deploy_note.h"
#include "base/json.h"
#include "git/notes.h"

/* ---- Several servers ---------------------------------------------------------- */

static void open_one(fs_srv_one *o, const fs_server *srv)
{
	o->name = fs_xstrdup(srv->name);
	o->url = fs_xstrdup(srv->url);
	o->revs_limit = srv->revs_limit;
	o->c = fs_server_connect(srv, 0, &o->err);
}

static int add_named(fs_srv_many *m, const fs_servers *s, const char *name, fs_err *e)
{
	fs_server srv;
	memset(&srv, 0, sizeof srv);
	int rc = fs_server_resolve(s, name, &srv, e);
	if (!rc)
		open_one(&m->v[m->n++], &srv);
	fs_server_free(&srv);
	return rc;
}

int fs_srv_many_open(fs_srv_many *m, const char *const *names, size_t n, fs_err *e)
{
	fs_servers s;
	memset(m, 0, sizeof *m);
	int rc = fs_servers_load(&s, NULL, e);
	if (rc)
		return rc;
	size_t total = n ? n : s.n;
	m->v = fs_xcalloc(total + 1, sizeof *m->v);
	for (size_t i = 0; i < total && !rc; i++)
		rc = add_named(m, &s, n ? names[i] : s.v[i].name, e);
	fs_servers_free(&s);
	if (rc)
		fs_srv_many_free(m);
	return rc;
}

void fs_srv_many_free(fs_srv_many *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].url);
		fs_couch_free(m->v[i].c);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

typedef struct job {
	void (*fn)(void *arg, size_t i);
	void *arg;
	size_t i;
} job;

static void *job_main(void *p)
{
	job *j = p;
	j->fn(j->arg, j->i);
	return NULL;
}

void fs_srv_many_run(size_t n, void (*fn)(void *arg, size_t i), void *arg)
{
	pthread_t *t = fs_xcalloc(n + 1, sizeof *t);
	job *jobs = fs_xcalloc(n + 1, sizeof *jobs);
	int *started = fs_xcalloc(n + 1, sizeof *started);
	for (size_t i = 0; i < n; i++) {
		jobs[i] = (job){ fn, arg, i };
		/* no thread: run it here rather than skip a server */
		started[i] = pthread_create(&t[i], NULL, job_main, &jobs[i]) == 0;
		if (!started[i])
			fn(arg, i);
	}
	for (size_t i = 0; i < n; i++)
		if (started[i])
			pthread_join(t[i], NULL);
	free(started);
	free(jobs);
	free(t);
}

/* ---- deployed ------------------------------------------------------------------- */

typedef struct fetch_ctx {
	fs_deployed *d;
	fs_srv_many *m;
} fetch_ctx;

static void fetch_one(void *arg, size_t i)
{
	fetch_ctx *x = arg;
	fs_srv_one *o = &x->m->v[i];
	if (!o->c)
		fs_deployed_fail(x->d, i, o->err.code, o->err.msg);
	else
		fs_deployed_fetch(x->d, i, o->c, NULL);
}

/* The table for the servers of m, behind counted against HEAD when the
 * project is in git (else behind stays unknown). */
static fs_deployed *deployed_table(fs_project *p, const char *dir, fs_srv_many *m)
{
	fs_deployed *d = fs_deployed_new(p);
	for (size_t i = 0; i < m->n; i++)
		fs_deployed_add(d, m->v[i].name, m->v[i].url);
	fetch_ctx x = { d, m };
	fs_srv_many_run(m->n, fetch_one, &x);
	fs_repo *r = NULL;
	if (!fs_repo_open(&r, dir, NULL)) {
		fs_deployed_behind(d, r, NULL);
		fs_repo_free(r);
	}
	return d;
}

static int print_json2(cJSON *j)
{
	char *s = fs_json_pretty(j, 2);
	cJSON_Delete(j);
	int bad = !s || fputs(s, stdout) < 0 || fputc('\n', stdout) == EOF;
	free(s);
	return bad ? fs_cli_errorf("cannot write to standard output") : FS_EXIT_OK;
}

int fs_cmd_deployed(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--server", "NAME|URL", 0, NULL }, { "--json", NULL, 0, NULL },
			      { NULL, NULL, 0, NULL } };
	char *pos[1] = { "." };
	if (fs_cli_parse(argc, argv, opts, pos, 0, 1) < 0)
		return FS_EXIT_USAGE;
	const char **names = fs_xcalloc(argc + 1, sizeof *names);
	size_t nnames = fs_cli_opt_all(argc, argv, "--server", names);
	fs_project *p = NULL;
	fs_srv_many m = { 0 };
	fs_err e = { 0 };
	int rc = fs_cli_open(pos[0], &p);
	if (!rc && fs_srv_many_open(&m, names, nnames, &e))
		rc = fs_cli_error(&e);
	if (!rc) {
		fs_deployed *d = deployed_table(p, pos[0], &m);
		if (opts[1].set) {
			rc = print_json2(fs_deployed_json(d));
		} else {
			fs_buf b = FS_BUF_INIT;
			fs_deployed_format(d, &b);
			fputs(fs_buf_str(&b), stdout);
			fs_buf_free(&b);
		}
		fs_deployed_free(d);
	}
	fs_srv_many_free(&m);
	fs_project_free(p);
	free(names);
	return rc;
}

/* ---- Deploy notes ---------------------------------------------------------------- */

void fs_cli_record_deploy(const char *dir, const fs_deploy_plan *plan, int quiet)
{
	fs_repo *r = NULL;
	fs_err e = { 0 };
	int recorded = 0;
	if (!plan->opts.commit || fs_repo_open(&r, dir, NULL))
		return;
	if (fs_deploy_note(r, plan, &recorded, &e))
		fprintf(stderr, "fsstudio: warning: the deploy was not recorded in git: %s\n", e.msg);
	else if (recorded && !quiet)
		printf("recorded in git: deploy to %s noted on commit %.7s (%s)\n", plan->server,
			plan->opts.commit, FS_NOTES_REF);
	fs_repo_free(r);
}
