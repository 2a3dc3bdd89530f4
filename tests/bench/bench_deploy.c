/* Deploy benchmark: 100 design documents over 10 databases to a
 * pouchdb-server, cold (fresh databases) and unchanged (redeploy), by the
 * fsstudio binary with its pool of connections (databases in parallel) and
 * with --connections 1 (one after another), by the binary of another build
 * (FS_BIN_BEFORE, say a build of main: the "before" of a change), and by
 * couchdb-bootstrap (npm) deploying the same documents to the same server
 * under other database names. Prints the times, the peak RSS of each
 * deploy process, the ratios, and the requests and writes of an unchanged
 * redeploy. The same variants run again through a proxy holding each
 * request for a round trip (RTT_MS): a server across a network, where
 * parallel databases pay off even when the server itself works one request
 * at a time as pouchdb-server does.
 *
 *   bench_deploy BOOTSTRAP_JS   (tests/bench/bench_deploy_bootstrap.js; "-": skip it)
 * Environment: FS_BIN, FS_SRCDIR (as for the tests), BENCH_REPS (default 3),
 * FS_BIN_BEFORE (optional). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "base/buf.h"
#include "couch/couch.h"
#include "deploy/deploy.h"
#include "couch/http.h"
#include "base/json.h"
#include "model/project.h"
#include "cutproxy.h"
#include "testlib.h"

#define NDBS 10
#define NDDOCS 10
#define NVIEWS 3
#define RTT_MS 10

static void die(const char *what, const fs_err *e)
{
	fprintf(stderr, "bench_deploy: %s: %s\n", what, e ? e->msg : "failed");
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A design document with NVIEWS views, a filter and a validation. */
static cJSON *make_ddoc(int db, int dd)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *views = cJSON_AddObjectToObject(d, "views");
	for (int v = 0; v < NVIEWS; v++) {
		char name[32];
		snprintf(name, sizeof name, "by_field%d", v);
		char *map = fs_xasprintf("function (doc) {\n"
			"\tif (doc.type === \"item%d_%d\" && doc.field%d !== undefined) {\n"
			"\t\t// key: the field, value: a summary for lists\n"
			"\t\temit([doc.field%d, doc.date], {title: doc.title, owner: doc.owner});\n"
			"\t}\n}", db, dd, v, v);
		cJSON *view = cJSON_AddObjectToObject(views, name);
		cJSON_AddStringToObject(view, "map", map);
		cJSON_AddStringToObject(view, "reduce", "_count");
		free(map);
	}
	cJSON *filters = cJSON_AddObjectToObject(d, "filters");
	cJSON_AddStringToObject(filters, "mine", "function (doc, req) {\n"
		"\treturn doc.owner === req.userCtx.name;\n}");
	cJSON_AddStringToObject(d, "validate_doc_update", "function (newDoc, oldDoc, userCtx) {\n"
		"\tif (!newDoc._deleted && !newDoc.type)\n\t\tthrow({forbidden: \"a document needs a type\"});\n}");
	return d;
}

/* The project (sample + 10 connectors of 10 design documents) in dir, and
 * the same documents as a couchdb-bootstrap source object in json_path. */
static void generate(const char *dir, const char *json_path)
{
	fs_project *p;
	fs_err e;
	char *src = fs_xasprintf("%s/projects/sample", fs_test_srcdir());
	if (fs_project_open(&p, src, &e))
		die("open the sample", &e);
	free(src);
	cJSON *boot = cJSON_CreateObject();
	for (int db = 0; db < NDBS; db++) {
		char name[32], dname[32];
		snprintf(name, sizeof name, "bench%02d", db);
		fs_obj *conn;
		if (fs_obj_new(fs_project_root(p), FS_K_CONNECTOR, name, NULL, &conn, &e))
			die("new connector", &e);
		snprintf(dname, sizeof dname, "bs_%s", name);
		cJSON *design = cJSON_AddObjectToObject(cJSON_AddObjectToObject(boot, dname), "_design");
		for (int dd = 0; dd < NDDOCS; dd++) {
			char ddname[32];
			snprintf(ddname, sizeof ddname, "dd%02d", dd);
			fs_obj *o;
			if (fs_obj_new(conn, FS_K_DDOC, ddname, NULL, &o, &e))
				die("new design document", &e);
			cJSON *doc = make_ddoc(db, dd);
			if (fs_ddoc_set_json(o, doc, &e))
				die("design document", &e);
			cJSON_AddItemToObject(design, ddname, doc);
		}
	}
	if (fs_project_save_to(p, dir, &e))
		die("save", &e);
	fs_project_free(p);
	char *text = cJSON_Print(boot);
	FILE *f = fopen(json_path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die(json_path, NULL);
	free(text);
	cJSON_Delete(boot);
}

static long peak_kb;  /* the peak RSS of the last timed() child */
static double cpu_s;  /* and its CPU time (user + system): what load on the machine does not inflate */

/* Runs a command quietly; returns its wall time in seconds (exit status
 * in *status; its peak RSS in peak_kb). */
static double timed(int *status, char *const argv[])
{
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	wait4(pid, &st, 0, &ru);
	peak_kb = ru.ru_maxrss;
	cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return now() - t0;
}

static const char *const *connectors(void)
{
	static char names[NDBS][16];
	static const char *v[NDBS + 1];
	for (int i = 0; i < NDBS; i++) {
		snprintf(names[i], sizeof names[i], "bench%02d", i);
		v[i] = names[i];
	}
	return v;
}

/* BIN deploy DIR --server URL [--connections N] bench00..bench09 (conns 0:
 * no flag, the default) */
static double run_fsstudio(const char *bin, const char *dir, const char *url, int conns)
{
	char *argv[NDBS + 8], cn[16];
	int n = 0, st;
	argv[n++] = (char *)bin;
	argv[n++] = "deploy";
	argv[n++] = (char *)dir;
	argv[n++] = "--server";
	argv[n++] = (char *)url;
	if (conns) {
		snprintf(cn, sizeof cn, "%d", conns);
		argv[n++] = "--connections";
		argv[n++] = cn;
	}
	for (int i = 0; i < NDBS; i++)
		argv[n++] = (char *)connectors()[i];
	argv[n] = NULL;
	double t = timed(&st, argv);
	if (st)
		die("fsstudio deploy failed", NULL);
	return t;
}

static double run_bootstrap(const char *js, const char *url, const char *json)
{
	char *argv[] = { "node", (char *)js, (char *)url, (char *)json, NULL };
	int st;
	double t = timed(&st, argv);
	if (st)
		die("couchdb-bootstrap failed", NULL);
	return t;
}

/* The unchanged redeploy in process, to count its requests and writes. */
static void count_unchanged(const char *dir, const char *url, long *req, long *wr)
{
	fs_project *p;
	fs_err e;
	if (fs_project_open(&p, dir, &e))
		die("open", &e);
	fs_http_opts ho = { .url = url };
	fs_couch *c = fs_couch_new(fs_http_new(&ho, &e), "bench");
	fs_deploy_opts o = { .connectors = connectors(), .nconnectors = NDBS };
	fs_deploy_plan *plan;
	if (fs_deploy_plan_make(p, c, &o, &plan, &e) || fs_deploy_run(plan, c, &e))
		die("in-process deploy", &e);
	if (plan->count[FS_DA_UNCHANGED] != NDBS * NDDOCS)
		die("the redeploy is not all unchanged", NULL);
	fs_http_stats st = fs_http_get_stats(fs_couch_http(c));
	*req = st.requests;
	*wr = st.writes;
	fs_deploy_plan_free(plan);
	fs_couch_free(c);
	fs_project_free(p);
}

/* The databases of a variant removed, so that the next deploys cold. */
static void drop_dbs(const char *url)
{
	fs_err e;
	fs_http_opts ho = { .url = url };
	fs_couch *c = fs_couch_new(fs_http_new(&ho, &e), "bench");
	for (int i = 0; c && i < NDBS; i++)
		if (fs_couch_db_delete(c, connectors()[i], &e))
			die("delete a database", &e);
	fs_couch_free(c);
}

/* One way of deploying: a binary and a pool size, its best times and its
 * largest peak RSS. */
typedef struct variant {
	const char *name, *bin;
	int conns;
	double cold[20], unchanged[20], cpu_cold[20], cpu_unchanged[20];
	long peak_kb;
} variant;

static void run_variant(variant *v, int r, const char *dir, const char *url)
{
	v->cold[r] = run_fsstudio(v->bin, dir, url, v->conns);
	v->cpu_cold[r] = cpu_s;
	v->peak_kb = peak_kb > v->peak_kb ? peak_kb : v->peak_kb;
	v->unchanged[r] = run_fsstudio(v->bin, dir, url, v->conns);
	v->cpu_unchanged[r] = cpu_s;
	v->peak_kb = peak_kb > v->peak_kb ? peak_kb : v->peak_kb;
	drop_dbs(url);
}

static double min_of(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* The machine's load: wall times mean little on a busy machine. */
static double load_average(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f && fscanf(f, "%lf", &l) != 1)
		l = -1;
	if (f)
		fclose(f);
	return l;
}

static void print_variant(const variant *v, int reps, long req, long wr)
{
	printf("  %-34s cold %6.3f s   unchanged %6.3f s   peak RSS %5.1f MB", v->name,
		min_of(v->cold, reps), min_of(v->unchanged, reps), v->peak_kb / 1024.0);
	if (req >= 0)
		printf(" (unchanged: %ld requests, %ld writes)", req, wr);
	printf("\n  %-34s cpu  %6.3f s   unchanged %6.3f s\n", "", min_of(v->cpu_cold, reps),
		min_of(v->cpu_unchanged, reps));
}

static void print_ratio(const char *what, const variant *a, const variant *b, int reps)
{
	printf("  ratio %-28s cold %.2fx, unchanged %.2fx (goal <= 0.60x)\n", what,
		min_of(a->cold, reps) / min_of(b->cold, reps),
		min_of(a->unchanged, reps) / min_of(b->unchanged, reps));
}

int main(int argc, char **argv)
{
	const char *js = argc > 1 && strcmp(argv[1], "-") ? argv[1] : NULL;
	const char *before = getenv("FS_BIN_BEFORE") && *getenv("FS_BIN_BEFORE") ? getenv("FS_BIN_BEFORE") : NULL;
	int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 3;
	if (reps < 1 || reps > 20)
		reps = 3;
	char *tmp = fs_test_tmpdir();
	char *dir = fs_xasprintf("%s/project", tmp), *json = fs_xasprintf("%s/bootstrap.json", tmp);
	generate(dir, json);
	variant v[3] = {
		{ .name = "fsstudio deploy (pool of 4)", .bin = fs_test_bin() },
		{ .name = "one after another (--connections 1)", .bin = fs_test_bin(), .conns = 1 },
		{ .name = "before (FS_BIN_BEFORE)", .bin = before },
	};
	variant vr[3] = {
		{ .name = "pool of 4", .bin = fs_test_bin() },
		{ .name = "--connections 1", .bin = fs_test_bin(), .conns = 1 },
		{ .name = "before (FS_BIN_BEFORE)", .bin = before },
	};
	int nv = before ? 3 : 2;
	double bc[20], bu[20];
	long req = 0, wr = 0;
	for (int r = 0; r < reps; r++) {
		fs_test_couch *srv = fs_test_couch_start();
		if (!srv) {
			printf("bench_deploy: SKIP (pouchdb-server not installed)\n");
			fs_test_cleanup();
			return 0;
		}
		for (int k = 0; k < nv; k++) /* rotated: no variant always runs first */
			run_variant(&v[(k + r) % nv], r, dir, srv->url);
		fs_cutproxy *far = fs_cutproxy_delay(srv->port, RTT_MS);
		if (!far)
			die("start the round-trip proxy", NULL);
		for (int k = 0; k < nv; k++)
			run_variant(&vr[(k + r) % nv], r, dir, fs_cutproxy_url(far));
		fs_cutproxy_stop(far);
		if (r == 0) {
			run_fsstudio(fs_test_bin(), dir, srv->url, 0);
			count_unchanged(dir, srv->url, &req, &wr);
		}
		if (js) {
			bc[r] = run_bootstrap(js, srv->url, json);
			bu[r] = run_bootstrap(js, srv->url, json);
		}
		fs_test_couch_stop(srv);
	}
	printf("deploy of %d design documents over %d databases (pouchdb-server, best of %d; "
		"peak RSS: the largest; load average %.1f)\n", NDBS * NDDOCS, NDBS, reps, load_average());
	print_variant(&v[0], reps, req, wr);
	print_variant(&v[1], reps, -1, 0);
	print_ratio("pool / one after another:", &v[0], &v[1], reps);
	if (before) {
		print_variant(&v[2], reps, -1, 0);
		print_ratio("after / before:", &v[0], &v[2], reps);
		printf("  peak RSS after %.1f MB, before %.1f MB (goal: under 15 MB)\n",
			v[0].peak_kb / 1024.0, v[2].peak_kb / 1024.0);
	} else {
		printf("  before: set FS_BIN_BEFORE to the fsstudio of another build (say of main) to compare\n");
	}
	printf("the same through a proxy holding each request %d ms (a server across a network):\n", RTT_MS);
	print_variant(&vr[0], reps, -1, 0);
	print_variant(&vr[1], reps, -1, 0);
	print_ratio("pool / one after another:", &vr[0], &vr[1], reps);
	if (before) {
		print_variant(&vr[2], reps, -1, 0);
		print_ratio("after / before:", &vr[0], &vr[2], reps);
	}
	if (js) {
		printf("  couchdb-bootstrap   cold %7.3f s   unchanged %7.3f s\n", min_of(bc, reps), min_of(bu, reps));
		printf("  ratio fsstudio/couchdb-bootstrap: cold %.2fx (goal <= 0.20x), unchanged %.2fx\n",
			min_of(v[0].cold, reps) / min_of(bc, reps), min_of(v[0].unchanged, reps) / min_of(bu, reps));
	} else {
		printf("  couchdb-bootstrap   not installed: no comparison\n");
	}
	free(dir);
	free(json);
	fs_test_cleanup();
	return wr != 0;
}
