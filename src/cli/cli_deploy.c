/* `fsstudio deploy`, `fsstudio srvdiff` and `fsstudio pull`: the design
 * documents of a project against a server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "cli/cli.h"
#include "deploy/deploy.h"
#include "git/gitstore.h"
#include "base/json.h"
#include "deploy/pull.h"
#include "couch/servers.h"
#include "cli/cli_servers_many.h"

#define OPT(name, arg) { name, arg, 0, NULL }
#define OPT_END { NULL, NULL, 0, NULL }

static int flag(fs_cli_opt *opts, const char *name)
{
	fs_cli_opt *o = fs_cli_opt_get(opts, name);
	return o && o->set;
}

static const char *server_opt(fs_cli_opt *opts)
{
	return fs_cli_opt_get(opts, "--server")->value;
}

/* Resolves the server and connects; *revs_limit from the profile. */
static fs_couch *connect_server(const char *name, long *revs_limit)
{
	fs_servers s;
	fs_server srv;
	fs_err e;
	fs_couch *c = NULL;
	memset(&srv, 0, sizeof srv);
	if (fs_servers_load(&s, NULL, &e) == 0 && fs_server_resolve(&s, name, &srv, &e) == 0) {
		c = fs_server_connect(&srv, 0, &e);
		if (revs_limit)
			*revs_limit = srv.revs_limit;
	}
	if (!c)
		fs_cli_error(&e);
	fs_server_free(&srv);
	fs_servers_free(&s);
	return c;
}

/* 1 when dir or a folder above it holds a .git: without one, libgit2 is
 * not started at all (its start reads the whole CA bundle, about 1 MB of
 * a deploy's peak memory). */
static int under_git(const char *dir)
{
	char *d = realpath(dir, NULL);
	int found = 0;
	while (d && !found) {
		char *g = fs_xasprintf("%s/.git", strcmp(d, "/") ? d : "");
		found = access(g, F_OK) == 0;
		free(g);
		char *slash = strrchr(d, '/');
		if (!slash || !strcmp(d, "/"))
			break;
		slash[slash == d] = '\0'; /* "/a" -> "/" */
	}
	free(d);
	return found;
}

/* The last commit that changed the project, for the marker (NULL: none). */
char *fs_cli_project_commit(const char *dir)
{
	fs_repo *r = NULL;
	fs_history h;
	char *id = NULL;
	memset(&h, 0, sizeof h);
	if (!under_git(dir) || fs_repo_open(&r, dir, NULL))
		return NULL;
	if (fs_git_log(r, NULL, NULL, 1, &h, NULL) == 0 && h.n)
		id = fs_xstrdup(h.v[0].id);
	fs_history_free(&h);
	fs_repo_free(r);
	return id;
}

int fs_cli_deploy_connections(const char *cmd, const char *value, int *out)
{
	char *end = NULL;
	long n = value ? strtol(value, &end, 10) : 0;
	*out = (int)n;
	if (!value || (end != value && !*end && n >= 1 && n <= FS_DEPLOY_CONNECTIONS_MAX))
		return 0;
	return fs_cli_usage(cmd, "--connections: '%s' is not a number of connections from 1 to %d",
		value, FS_DEPLOY_CONNECTIONS_MAX);
}

/* One line of progress on the terminal, redrawn in place. */
static int progress(void *arg, const fs_deploy_event *ev)
{
	if (ev->type == FS_DE_BUILD)
		fprintf(stderr, "\r%s: %s: building the index %d%%\033[K", ev->db, ev->id,
			ev->percent >= 0 ? ev->percent : 0);
	else if (ev->type == FS_DE_SWAP)
		fprintf(stderr, "\r%s: replacing the live design documents\033[K\n", ev->db);
	return 0;
}

static int print_buf(fs_buf *b)
{
	fputs(fs_buf_str(b), stdout);
	fs_buf_free(b);
	return fflush(stdout) ? FS_EXIT_ERROR : FS_EXIT_OK;
}

/* deploy (diff_only 0) and srvdiff (1). */
static int deploy_cmd(int argc, char **argv, int diff_only)
{
	fs_cli_opt deploy_opts[] = { OPT("--server", "NAME|URL"), OPT("--dry-run", NULL),
		OPT("--force", NULL), OPT("--staged", NULL), OPT("--prune", NULL),
		OPT("--json", NULL), OPT("--connections", "N"), OPT_END };
	fs_cli_opt diff_opts[] = { OPT("--server", "NAME|URL"), OPT("--json", NULL),
		OPT("--connections", "N"), OPT_END };
	fs_cli_opt *opts = diff_only ? diff_opts : deploy_opts;
	if (!diff_only && fs_cli_deploy_is_many(argc, argv))
		return fs_cli_deploy_many(argc, argv);
	char **pos = fs_xcalloc(argc + 1, sizeof *pos);
	int n = fs_cli_parse(argc, argv, opts, pos, 1, argc), conns = 0;
	if (n >= 0 && fs_cli_deploy_connections(argv[0], fs_cli_opt_get(opts, "--connections")->value, &conns))
		n = -1;
	if (n < 0) {
		free(pos);
		return FS_EXIT_USAGE;
	}
#ifdef M_ARENA_MAX
	/* the pool's threads allocate from the one heap, reusing what the
	 * model freed, rather than each growing an arena of its own */
	mallopt(M_ARENA_MAX, 1);
#endif
	int dry = diff_only || flag(opts, "--dry-run"), json = flag(opts, "--json");
	/* git first: what it reads (its CA bundle) is freed before the model loads */
	char *commit = dry ? NULL : fs_cli_project_commit(pos[0]);
	fs_project *p = NULL;
	int rc = fs_cli_open(pos[0], &p);
	long revs_limit = 0;
	fs_couch *c = rc ? NULL : connect_server(server_opt(opts), &revs_limit);
	if (!rc && !c)
		rc = FS_EXIT_ERROR;
	fs_deploy_opts o = { (const char *const *)pos + 1, (size_t)(n - 1), flag(opts, "--force"),
		flag(opts, "--prune"), flag(opts, "--staged"), revs_limit, commit, 0,
		isatty(2) && !json ? progress : NULL, NULL, conns };
	fs_deploy_plan *plan = NULL;
	fs_err e = { 0 };
	if (!rc && fs_deploy_prepare(p, &o, &plan, &e))
		rc = fs_cli_error(&e);
	/* the plan holds copies of the documents: the model's memory is
	 * reused for the server's answers (a lower peak) */
	fs_project_free(p);
	p = NULL;
	if (!rc && fs_deploy_fetch(plan, c, &e))
		rc = fs_cli_error(&e);
	int failed = 0;
	if (!rc && !dry)
		failed = fs_deploy_run(plan, c, &e) != 0;
	if (!rc) {
		if (json) {
			rc = fs_cli_json(fs_deploy_json(plan, dry));
		} else {
			fs_buf b = FS_BUF_INIT;
			fs_deploy_format(plan, dry || fs_deploy_refused(plan), &b);
			rc = print_buf(&b);
		}
		if (failed && !json)
			fs_cli_error(&e);
		if (failed)
			rc = FS_EXIT_ERROR;
		else if (!rc && fs_deploy_refused(plan))
			rc = FS_EXIT_REFUSED; /* deploy, --dry-run and srvdiff alike: pipelines gate on it */
	}
	if (plan && plan->ran)
		fs_cli_record_deploy(pos[0], plan, json);
	fs_deploy_plan_free(plan);
	fs_couch_free(c);
	fs_project_free(p);
	free(commit);
	free(pos);
	return rc;
}

int fs_cmd_deploy(int argc, char **argv)
{
	return deploy_cmd(argc, argv, 0);
}

int fs_cmd_srvdiff(int argc, char **argv)
{
	return deploy_cmd(argc, argv, 1);
}

/* y/N on the terminal. */
static int confirm(size_t n)
{
	if (!isatty(0) || !isatty(2))
		return 0;
	fprintf(stderr, "Write %zu design document%s into the project? [y/N] ", n, n == 1 ? "" : "s");
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int pull_write(fs_project *p, fs_pull_plan *plan, int json)
{
	fs_err e = { 0 };
	int rc = fs_pull_apply(p, plan, &e);
	fs_err se = { 0 };
	if (fs_project_save(p, &se))
		return fs_cli_error(&se);
	if (rc)
		return fs_cli_error(&e);
	if (!json)
		printf("wrote %zu design document%s into %s\n", fs_pull_changes(plan),
			fs_pull_changes(plan) == 1 ? "" : "s", fs_project_dir(p));
	return FS_EXIT_OK;
}

int fs_cmd_pull(int argc, char **argv)
{
	fs_cli_opt opts[] = { OPT("--server", "NAME|URL"), OPT("--json", NULL), OPT("--yes", NULL), OPT_END };
	char *pos[2];
	if (fs_cli_parse(argc, argv, opts, pos, 2, 2) < 0)
		return FS_EXIT_USAGE;
	fs_project *p = NULL;
	fs_lock *lk = NULL;
	/* With --yes, lock, load, apply, save, release like every writer; a
	 * pull that asks first does not hold the project while the user reads
	 * the diff: its save then refuses files changed on disk meanwhile. */
	if (flag(opts, "--yes") && fs_cli_lock(pos[0], FS_LOCK_EXCL, &lk))
		return FS_EXIT_ERROR;
	int rc = fs_cli_open(pos[0], &p);
	if (rc) {
		fs_lock_drop(lk);
		return rc;
	}
	fs_couch *c = connect_server(server_opt(opts), NULL);
	fs_pull_plan *plan = NULL;
	fs_err e = { 0 };
	int json = flag(opts, "--json");
	if (!c)
		rc = FS_EXIT_ERROR;
	else if (fs_pull_plan_make(p, c, pos[1], &plan, &e))
		rc = fs_cli_error(&e);
	if (!rc) {
		fs_buf b = FS_BUF_INIT;
		if (json) {
			rc = fs_cli_json(fs_pull_json(plan, 1));
		} else {
			fs_pull_format(plan, 1, &b);
			rc = print_buf(&b);
		}
		size_t n = fs_pull_changes(plan);
		if (!rc && n && (flag(opts, "--yes") || (!json && confirm(n))))
			rc = pull_write(p, plan, json);
		else if (!rc && n && !json)
			printf("nothing written (use --yes to write)\n");
	}
	fs_pull_plan_free(plan);
	fs_couch_free(c);
	fs_project_free(p);
	fs_lock_drop(lk);
	return rc;
}
