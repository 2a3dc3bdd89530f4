/* `fsstudio servers`: list the server profiles (never their secrets) and ping
 * each one in parallel; `servers add` and `servers rm` edit the profiles file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "couch/couch.h"
#include "base/job.h"
#include "couch/http.h"
#include "base/json.h"
#include "couch/servers.h"

#define PING_MS 3000

typedef struct ping {
	const fs_server *srv;
	int rc;
	fs_err err;
	char *version;
	double ms;
} ping;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static enum fs_err_code ping_work(fs_job *job, void *arg, fs_err *e)
{
	ping *p = arg;
	double t0 = now_ms();
	/* GET / needs no login: no password command runs, no password is sent */
	fs_server anon = *p->srv;
	anon.user = anon.password = anon.password_command = NULL;
	fs_couch *c = fs_server_connect(&anon, PING_MS, e);
	if (!c)
		return e->code;
	cJSON *info = NULL;
	int rc = fs_couch_server_info(c, &info, e);
	if (!rc)
		p->version = fs_couch_version_string(info);
	p->ms = now_ms() - t0;
	cJSON_Delete(info);
	fs_couch_free(c);
	return rc;
}

static void ping_done(fs_job *job, void *arg, int rc, const fs_err *e)
{
	ping *p = arg;
	p->rc = rc;
	if (rc)
		p->err = *e;
}

static void ping_all(ping *pings, size_t n)
{
	fs_jobs *bg = fs_jobs_new(n < 8 ? (int)n : 8);
	for (size_t i = 0; i < n; i++)
		fs_job_submit(bg, ping_work, ping_done, &pings[i]);
	fs_jobs_wait_all(bg);
	fs_jobs_free(bg);
}

static cJSON *server_json(const ping *p, int pinged)
{
	const fs_server *s = p->srv;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "name", s->name);
	cJSON_AddStringToObject(j, "url", s->url);
	fs_json_add_str(j, "user", s->user);
	cJSON_AddStringToObject(j, "password", s->password ? "set" : s->password_command ? "command" : "none");
	cJSON_AddBoolToObject(j, "insecure", s->insecure);
	if (s->revs_limit)
		cJSON_AddNumberToObject(j, "revs_limit", (double)s->revs_limit);
	if (s->listener_target) {
		char *t = fs_url_strip_credentials(s->listener_target);
		cJSON_AddStringToObject(j, "listener_target", t);
		free(t);
	}
	cJSON_AddStringToObject(j, "origin", s->origin ? s->origin : "");
	if (!pinged)
		return j;
	cJSON_AddBoolToObject(j, "ok", p->rc == 0);
	if (p->rc == 0) {
		cJSON_AddStringToObject(j, "version", p->version ? p->version : "");
		cJSON_AddNumberToObject(j, "ms", (double)(long)p->ms);
	} else {
		cJSON *err = cJSON_AddObjectToObject(j, "error");
		cJSON_AddStringToObject(err, "code", fs_err_name(p->rc));
		cJSON_AddStringToObject(err, "message", p->err.msg);
	}
	return j;
}

static int width(const fs_servers *s, int url)
{
	int w = url ? 3 : 4;
	for (size_t i = 0; i < s->n; i++) {
		int n = (int)strlen(url ? s->v[i].url : s->v[i].name);
		if (n > w)
			w = n;
	}
	return w;
}

static void print_table(const fs_servers *s, const ping *pings, int pinged)
{
	int wn = width(s, 0), wu = width(s, 1);
	printf("%-*s  %-*s  %s\n", wn, "NAME", wu, "URL", pinged ? "USER        STATUS" : "USER");
	for (size_t i = 0; i < s->n; i++) {
		const fs_server *v = &s->v[i];
		const ping *p = &pings[i];
		printf("%-*s  %-*s  ", wn, v->name, wu, v->url);
		if (pinged)
			printf("%-10s  ", v->user ? v->user : "-");
		else
			printf("%s", v->user ? v->user : "-");
		if (pinged && p->rc == 0)
			printf("%s (%.0f ms)", p->version, p->ms);
		else if (pinged)
			printf("error: %s", p->err.msg);
		if (v->insecure)
			printf("  [TLS NOT VERIFIED]");
		printf("\n");
	}
}

static int list(int json, int noping)
{
	fs_servers s;
	fs_err e;
	if (fs_servers_load(&s, NULL, &e)) {
		fs_servers_free(&s);
		return fs_cli_error(&e);
	}
	ping *pings = fs_xcalloc(s.n, sizeof *pings);
	for (size_t i = 0; i < s.n; i++)
		pings[i].srv = &s.v[i];
	if (!noping)
		ping_all(pings, s.n);
	int rc = FS_EXIT_OK;
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < s.n; i++)
			cJSON_AddItemToArray(arr, server_json(&pings[i], !noping));
		rc = fs_cli_json(arr);
	} else {
		print_table(&s, pings, !noping);
	}
	for (size_t i = 0; i < s.n; i++)
		free(pings[i].version);
	free(pings);
	fs_servers_free(&s);
	return rc;
}

/* The password from stdin: a line, never from argv (visible to ps). */
static char *read_password(void)
{
	char line[1024];
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	char *p = fs_xstrdup(line);
	memset(line, 0, sizeof line);
	return p;
}

static int add(char **pos, fs_cli_opt *opts)
{
	fs_server srv = { 0 };
	fs_err e;
	char *path = fs_servers_path();
	srv.name = pos[1];
	srv.url = fs_url_strip_credentials(pos[2]);
	if (strncmp(srv.url, "http://", 7) && strncmp(srv.url, "https://", 8)) {
		free(srv.url);
		free(path);
		return fs_cli_usage("servers", "the URL must start with http:// or https://");
	}
	if (strcmp(srv.url, pos[2]))
		fprintf(stderr, "fsstudio: credentials in the URL are not saved; use --user and "
			"--password-stdin or --password-command\n");
	srv.user = (char *)fs_cli_opt_get(opts, "--user")->value;
	srv.password_command = (char *)fs_cli_opt_get(opts, "--password-command")->value;
	srv.insecure = fs_cli_opt_get(opts, "--insecure")->set;
	const char *rl = fs_cli_opt_get(opts, "--revs-limit")->value;
	srv.revs_limit = rl ? atol(rl) : 0;
	if (rl && srv.revs_limit < 1) {
		free(srv.url);
		free(path);
		return fs_cli_usage("servers", "--revs-limit takes a positive number");
	}
	/* the listener pane's target: credentials stay out of arguments too */
	const char *lt = fs_cli_opt_get(opts, "--listener-target")->value;
	srv.listener_target = lt ? fs_url_strip_credentials(lt) : NULL;
	if (lt && strncmp(lt, "http://", 7) && strncmp(lt, "https://", 8)) {
		free(srv.url);
		free(srv.listener_target);
		free(path);
		return fs_cli_usage("servers", "--listener-target must start with http:// or https://");
	}
	if (lt && strcmp(lt, srv.listener_target))
		fprintf(stderr, "fsstudio: credentials in --listener-target are not saved; write them "
			"in the servers file\n");
	if (fs_cli_opt_get(opts, "--password-stdin")->set)
		srv.password = read_password();
	int rc = fs_servers_save_profile(path, &srv, &e);
	if (srv.password) {
		memset(srv.password, 0, strlen(srv.password));
		free(srv.password);
	}
	free(srv.url);
	free(srv.listener_target);
	if (!rc)
		printf("saved server '%s' in %s\n", srv.name, path);
	free(path);
	return rc ? fs_cli_error(&e) : FS_EXIT_OK;
}

static int rm(const char *name)
{
	fs_err e;
	char *path = fs_servers_path();
	int rc = fs_servers_remove_profile(path, name, &e);
	if (!rc)
		printf("removed server '%s' from %s\n", name, path);
	free(path);
	return rc ? fs_cli_error(&e) : FS_EXIT_OK;
}

int fs_cmd_servers(int argc, char **argv)
{
	fs_cli_opt opts[] = {
		{ "--json", NULL, 0, NULL },
		{ "--no-ping", NULL, 0, NULL },
		{ "--user", "USER", 0, NULL },
		{ "--password-command", "CMD", 0, NULL },
		{ "--password-stdin", NULL, 0, NULL },
		{ "--insecure", NULL, 0, NULL },
		{ "--revs-limit", "N", 0, NULL },
		{ "--listener-target", "URL", 0, NULL },
		{ NULL, NULL, 0, NULL },
	};
	char *pos[3] = { NULL, NULL, NULL };
	int n = fs_cli_parse(argc, argv, opts, pos, 0, 3);
	if (n < 0)
		return FS_EXIT_USAGE;
	if (n == 0)
		return list(opts[0].set, opts[1].set);
	if (!strcmp(pos[0], "add") && n == 3)
		return add(pos, opts);
	if (!strcmp(pos[0], "rm") && n == 2)
		return rm(pos[1]);
	return fs_cli_usage(argv[0], "expected no argument, 'add NAME URL' or 'rm NAME'");
}
