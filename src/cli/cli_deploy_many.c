/* `fsstudio deploy DIR --server A --server B` and `--from S1 --server S2`:
 * every server is planned first (read at the same time), one combined plan
 * is shown, then the servers are deployed in parallel, one thread and one
 * client each, so that a failure on one does not stop the others. The exit
 * status is the worst of the servers: error (1) over refused (3) over ok.
 *
 * With --from, the project deployed is the commit that S1 runs, read from
 * its markers (fs_deployed_commit) and loaded from git, never from the
 * working tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_servers_many.h"
#include "deploy/deploy.h"
#include "deploy/deployed.h"
#include "git/gitstore.h"
#include "base/json.h"

typedef struct target {
	fs_srv_one *srv;
	fs_deploy_plan *plan;
	int planned;              /* compared with the server */
	int failed;               /* the plan or the run failed: err says why */
	fs_err err;
} target;

typedef struct many {
	target *t;
	size_t n;
	int dry, json;
} many;

/* ---- The project: the working tree, or the commit a server runs --------- */

/* ---- Plan, run, report ------------------------------------------------------- */

static void fetch_one(void *arg, size_t i)
{
	target *t = &((many *)arg)->t[i];
	if (!t->failed && fs_deploy_fetch(t->plan, t->srv->c, &t->err))
		t->failed = 1;
	t->planned = !t->failed;
}

static void run_one(void *arg, size_t i)
{
	target *t = &((many *)arg)->t[i];
	if (!t->failed && fs_deploy_run(t->plan, t->srv->c, &t->err))
		t->failed = 1;
}

/* Prepares one plan per server on this thread (it reads the model). */
static void prepare_all(many *m, fs_project *p, const fs_deploy_opts *base)
{
	for (size_t i = 0; i < m->n; i++) {
		target *t = &m->t[i];
		fs_deploy_opts o = *base;
		o.revs_limit = t->srv->revs_limit;
		if (!t->srv->c) {
			t->failed = 1;
			t->err = t->srv->err;
		} else if (fs_deploy_prepare(p, &o, &t->plan, &t->err)) {
			t->failed = 1;
		}
	}
}

/* 0 ok, 3 refused, 1 failed. */
static int status_of(const target *t)
{
	if (t->failed)
		return FS_EXIT_ERROR;
	return fs_deploy_refused(t->plan) ? FS_EXIT_REFUSED : FS_EXIT_OK;
}

static int worse(int a, int b)
{
	int rank_a = a == FS_EXIT_ERROR ? 2 : a == FS_EXIT_REFUSED, rank_b = b == FS_EXIT_ERROR ? 2 : b == FS_EXIT_REFUSED;
	return rank_a >= rank_b ? a : b;
}

static const char *status_word(int st)
{
	return st == FS_EXIT_ERROR ? "FAILED" : st == FS_EXIT_REFUSED ? "refused" : "ok";
}

static void print_plans(const many *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const target *t = &m->t[i];
		fs_buf b = FS_BUF_INIT;
		if (t->planned)
			fs_deploy_format(t->plan, m->dry || fs_deploy_refused(t->plan), &b);
		else
			fs_buf_printf(&b, "server %s (%s)\n", t->srv->name, t->srv->url);
		if (t->failed)
			fs_buf_printf(&b, "error: %s\n", t->err.msg);
		fputs(fs_buf_str(&b), stdout);
		putchar('\n');
		fs_buf_free(&b);
	}
}

/* One line per server: what was (or would be) done. */
static void print_summary(const many *m)
{
	printf("%-16s %-8s %7s %7s %9s %7s %7s\n", "SERVER", "STATUS", "create", "update",
	       "unchanged", "delete", "refused");
	for (size_t i = 0; i < m->n; i++) {
		const target *t = &m->t[i];
		const size_t *c = t->planned ? t->plan->count : NULL;
		printf("%-16s %-8s", t->srv->name, status_word(status_of(t)));
		if (c)
			printf(" %7zu %7zu %9zu %7zu %7zu", c[FS_DA_CREATE], c[FS_DA_UPDATE],
			       c[FS_DA_UNCHANGED], c[FS_DA_DELETE], c[FS_DA_REFUSED]);
		if (t->failed)
			printf("  %s", t->err.msg);
		putchar('\n');
	}
}

static cJSON *json_of(const many *m, const char *commit, const char *from)
{
	cJSON *j = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(j, "servers");
	if (from)
		cJSON_AddStringToObject(j, "from", from);
	if (commit)
		cJSON_AddStringToObject(j, "commit", commit);
	for (size_t i = 0; i < m->n; i++) {
		const target *t = &m->t[i];
		cJSON *x = t->planned ? fs_deploy_json(t->plan, m->dry) : cJSON_CreateObject();
		if (!cJSON_GetObjectItemCaseSensitive(x, "server")) {
			cJSON_AddStringToObject(x, "server", t->srv->name);
			cJSON_AddStringToObject(x, "url", t->srv->url);
		}
		cJSON_AddStringToObject(x, "status", status_word(status_of(t)));
		if (t->failed)
			cJSON_AddStringToObject(x, "error", t->err.msg);
		cJSON_AddItemToArray(arr, x);
	}
	return j;
}

static int report(many *m, const char *dir, const char *commit, const char *from)
{
	int st = FS_EXIT_OK;
	for (size_t i = 0; i < m->n; i++) {
		st = worse(st, status_of(&m->t[i]));
		if (!m->dry && m->t[i].plan && m->t[i].plan->ran)
			fs_cli_record_deploy(dir, m->t[i].plan, 1);
	}
	if (m->json) {
		int rc = fs_cli_json(json_of(m, commit, from));
		return rc ? rc : st;
	}
	if (m->dry)
		print_plans(m);
	print_summary(m);
	if (from && commit)
		printf("promoted commit %.7s from %s\n", commit, from);
	return st;
}

/* ---- The command ---------------------------------------------------------------- */

int fs_cli_deploy_is_many(int argc, char **argv)
{
	const char **v = fs_xcalloc(argc + 1, sizeof *v);
	size_t n = fs_cli_opt_all(argc, argv, "--server", v), f = fs_cli_opt_all(argc, argv, "--from", v);
	free(v);
	return n > 1 || f > 0;
}

/* Two targets on one server would race each other's writes. */
static const char *twice(const fs_srv_many *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (!strcmp(m->v[i].url, m->v[k].url))
				return m->v[k].name;
	return NULL;
}

/* The model to deploy and its commit: the working tree, or with --from the
 * commit that server runs. */
static int load_project(const char *dir, fs_srv_one *from, fs_project **p, char **commit)
{
	fs_repo *r = NULL;
	fs_err e = { 0 };
	if (!from) {
		int rc = fs_cli_open(dir, p);
		*commit = rc ? NULL : fs_cli_project_commit(dir);
		return rc;
	}
	if (!from->c)
		return fs_cli_error(&from->err);
	if (fs_repo_open(&r, dir, &e))
		return fs_cli_error(&e);
	int rc = fs_deployed_promotion(r, from->c, p, commit, &e);
	fs_repo_free(r);
	if (rc) {
		fs_cli_error(&e);
		return rc == FS_E_CONFLICT || rc == FS_E_NOTFOUND ? FS_EXIT_REFUSED : FS_EXIT_ERROR;
	}
	return 0;
}

static int deploy_to(many *m, const char *dir, fs_project *p, const fs_deploy_opts *o, const char *from)
{
	prepare_all(m, p, o);
	fs_srv_many_run(m->n, fetch_one, m);
	if (!m->dry) {
		if (!m->json)
			print_plans(m);
		fs_srv_many_run(m->n, run_one, m);
	}
	return report(m, dir, o->commit, from);
}

int fs_cli_deploy_many(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--server", "NAME|URL", 0, NULL }, { "--from", "NAME|URL", 0, NULL },
		{ "--dry-run", NULL, 0, NULL }, { "--force", NULL, 0, NULL }, { "--staged", NULL, 0, NULL },
		{ "--prune", NULL, 0, NULL }, { "--json", NULL, 0, NULL }, { "--connections", "N", 0, NULL },
		{ NULL, NULL, 0, NULL } };
	char **pos = fs_xcalloc(argc + 1, sizeof *pos);
	const char **names = fs_xcalloc(argc + 2, sizeof *names);
	int npos = fs_cli_parse(argc, argv, opts, pos, 1, argc), rc = FS_EXIT_USAGE;
	int conns = 0;
	if (npos >= 0 && fs_cli_deploy_connections(argv[0], opts[7].value, &conns))
		npos = -1;
	size_t nnames = npos < 0 ? 0 : fs_cli_opt_all(argc, argv, "--server", names);
	if (npos >= 0 && !nnames)
		fs_cli_usage(argv[0], "--from needs a --server to deploy to");
	if (npos < 0 || !nnames) {
		free(names);
		free(pos);
		return FS_EXIT_USAGE;
	}
	const char *from = opts[1].value;
	if (from)
		names[nnames] = from; /* opened with the others, deployed to only if named */
	fs_srv_many srv;
	fs_err e = { 0 };
	fs_project *p = NULL;
	char *commit = NULL;
	if (fs_srv_many_open(&srv, names, nnames + (from != NULL), &e)) {
		rc = fs_cli_error(&e);
	} else if (twice(&srv, nnames)) {
		rc = fs_cli_usage(argv[0], "%s: that server is named twice", twice(&srv, nnames));
	} else if (!(rc = load_project(pos[0], from ? &srv.v[nnames] : NULL, &p, &commit))) {
		many m = { fs_xcalloc(nnames + 1, sizeof(target)), nnames, opts[2].set, opts[6].set };
		for (size_t i = 0; i < nnames; i++)
			m.t[i].srv = &srv.v[i];
		fs_deploy_opts o = { (const char *const *)pos + 1, (size_t)(npos - 1), opts[3].set,
			opts[5].set, opts[4].set, 0, commit, 0, NULL, NULL, conns };
		rc = deploy_to(&m, pos[0], p, &o, from);
		for (size_t i = 0; i < nnames; i++)
			fs_deploy_plan_free(m.t[i].plan);
		free(m.t);
	}
	fs_project_free(p);
	free(commit);
	fs_srv_many_free(&srv);
	free(names);
	free(pos);
	return rc;
}
