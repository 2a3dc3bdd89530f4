/* `fsstudio run DIR OBJECT ...`: a view (or a filter, a validate_doc_update)
 * of the project run locally on documents from a file, a server or the
 * project's samples; prints CouchDB's answer and the documents on which the
 * function threw. `check --run` uses fs_cli_run_samples below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/fsutil.h"
#include "base/json.h"
#include "cli/cli.h"
#include "cli/cli_run.h"
#include "couch/browse.h"
#include "couch/servers.h"
#include "runner/run.h"
#include "runner/source.h"

/* What to run, from the object named on the command line. */
typedef struct target {
	fs_obj *obj, *ddoc, *conn;
	fs_run_opts o;
	char *path;
} target;

static const char *kid_text(fs_obj *o, fs_fn_type t)
{
	for (size_t i = 0; i < o->nkids; i++)
		if (o->kids[i]->kind == FS_K_FUNCTION && o->kids[i]->fn == t)
			return fs_fn_text(o->kids[i]);
	return NULL;
}

/* A view, a map or reduce of a view (the view runs), a filter or a
 * validate_doc_update. */
static int target_of(fs_obj *o, target *t)
{
	memset(t, 0, sizeof *t);
	if (o->kind == FS_K_FUNCTION && (o->fn == FS_FN_MAP || o->fn == FS_FN_REDUCE))
		o = o->parent;
	t->obj = o;
	t->ddoc = fs_obj_up(o, FS_K_DDOC);
	t->conn = fs_obj_up(o, FS_K_CONNECTOR);
	t->path = fs_obj_path(o);
	t->o.name = t->path;
	t->o.ddoc = t->ddoc ? fs_ddoc_json(t->ddoc) : NULL;
	if (o->kind == FS_K_VIEW) {
		t->o.kind = FS_RUN_MAP;
		t->o.fn = kid_text(o, FS_FN_MAP);
		t->o.reduce = kid_text(o, FS_FN_REDUCE);
		if (t->o.reduce && !*t->o.reduce)
			t->o.reduce = NULL;
		return 0;
	}
	if (o->kind == FS_K_FUNCTION && (o->fn == FS_FN_FILTER || o->fn == FS_FN_VALIDATE)) {
		t->o.kind = o->fn == FS_FN_FILTER ? FS_RUN_FILTER : FS_RUN_VALIDATE;
		t->o.fn = fs_fn_text(o);
		return 0;
	}
	return -1;
}

/* ---- Printing ---- */

static void print_exc(FILE *f, const fs_run_result *r)
{
	if (!r->exc_total)
		return;
	fprintf(f, "%ld document%s threw (CouchDB would skip %s, silently):\n", r->exc_total,
		r->exc_total == 1 ? "" : "s", r->exc_total == 1 ? "it" : "them");
	for (size_t i = 0; i < r->nexc; i++) {
		const fs_run_doc_exc *d = &r->exc[i];
		if (d->x.line)
			fprintf(f, "  %s: %s:%d:%d: %s\n", d->id, d->x.where, d->x.line, d->x.col, d->x.message);
		else
			fprintf(f, "  %s: %s: %s\n", d->id, d->x.where, d->x.message);
	}
	if (r->exc_total > (long)r->nexc)
		fprintf(f, "  ... and %ld more\n", r->exc_total - (long)r->nexc);
}

static void print_rows(const cJSON *resp)
{
	const cJSON *row;
	if (cJSON_GetObjectItem(resp, "total_rows"))
		printf("total_rows %lld, offset %lld\n", fs_json_int(resp, "total_rows", 0),
		       fs_json_int(resp, "offset", 0));
	cJSON_ArrayForEach(row, fs_json_arr(resp, "rows")) {
		char *k = cJSON_PrintUnformatted(cJSON_GetObjectItem(row, "key"));
		char *v = cJSON_PrintUnformatted(cJSON_GetObjectItem(row, "value"));
		if (fs_json_str(row, "id"))
			printf("%s  %s  %s\n", k, v, fs_json_str(row, "id"));
		else
			printf("%s  %s\n", k, v);
		if (cJSON_GetObjectItem(row, "doc")) {
			char *d = cJSON_PrintUnformatted(cJSON_GetObjectItem(row, "doc"));
			printf("  doc %s\n", d);
			free(d);
		}
		free(k);
		free(v);
	}
}

static int print_result(const target *t, const fs_run_result *r, int json)
{
	if (json) {
		fputs(r->response, stdout);
		print_exc(stderr, r);
	} else {
		cJSON *resp = cJSON_Parse(r->response);
		if (t->o.kind == FS_RUN_MAP)
			print_rows(resp);
		else
			printf("%lld passed, %lld rejected\n", fs_json_int(resp, "passed", 0),
			       fs_json_int(resp, "rejected", 0));
		cJSON_Delete(resp);
		print_exc(stdout, r);
	}
	if (r->log)
		fprintf(stderr, "log:\n%s", r->log);
	return fflush(stdout) ? FS_EXIT_ERROR : FS_EXIT_OK;
}

/* ---- Comparing with the deployed view ---- */

/* Each row as canonical text, in order. */
static char **row_texts(const cJSON *rows, const cJSON *only_ids, size_t *n)
{
	const cJSON *row;
	char **v = fs_xcalloc(cJSON_GetArraySize(rows) + 1, sizeof *v);
	*n = 0;
	cJSON_ArrayForEach(row, rows) {
		const char *id = fs_json_str(row, "id");
		int keep = !only_ids || !id;
		const cJSON *x;
		cJSON_ArrayForEach(x, only_ids)
			if (!keep && id && !strcmp(x->valuestring, id))
				keep = 1;
		if (keep)
			v[(*n)++] = fs_json_canonical(row, (const char *const[]){ "doc", NULL });
	}
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int threw(const fs_run_result *r, const char *row)
{
	for (size_t i = 0; i < r->nexc; i++) {
		char *want = fs_xasprintf("\"id\":\"%s\"", r->exc[i].id);
		int hit = strstr(row, want) != NULL;
		free(want);
		if (hit)
			return 1;
	}
	return 0;
}

/* Lists rows only one side has (after sorting both), then whether the
 * order differs. Returns the number of differences. */
static long diff_rows(char **a, size_t na, char **b, size_t nb, const fs_run_result *r)
{
	char **sa = fs_xmalloc((na + 1) * sizeof *sa), **sb = fs_xmalloc((nb + 1) * sizeof *sb);
	memcpy(sa, a, na * sizeof *sa);
	memcpy(sb, b, nb * sizeof *sb);
	qsort(sa, na, sizeof *sa, cmp_str);
	qsort(sb, nb, sizeof *sb, cmp_str);
	size_t i = 0, j = 0;
	long diffs = 0;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(sa[i], sb[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		diffs++;
		if (c < 0)
			printf("local only:  %s\n", sa[i++]);
		else
			printf("server only: %s%s\n", sb[j], threw(r, sb[j]) ? "  (the document threw locally)" : ""), j++;
	}
	if (!diffs)
		for (size_t k = 0; k < na && k < nb; k++)
			if (strcmp(a[k], b[k])) {
				printf("same rows in another order from row %zu: %s locally, %s on the server "
				       "(collation: pouchdb-server orders strings by code unit, CouchDB by ICU)\n",
				       k, a[k], b[k]);
				diffs++;
				break;
			}
	free(sa);
	free(sb);
	return diffs;
}

/* 1 when the server's copy of the view (or function) is the project's. */
static int deployed_same(fs_couch *c, const char *db, const target *t)
{
	const char *id = fs_json_str(t->o.ddoc, "_id");
	cJSON *doc = NULL;
	fs_err e;
	if (!id || fs_couch_doc_get(c, db, id, NULL, &doc, &e))
		return 0;
	cJSON *mine = t->obj->kind == FS_K_VIEW ? fs_json_obj(fs_json_obj(t->o.ddoc, "views"), t->obj->name) : NULL;
	cJSON *theirs = t->obj->kind == FS_K_VIEW ? fs_json_obj(fs_json_obj(doc, "views"), t->obj->name) : NULL;
	int same = mine && theirs && fs_json_equal(mine, theirs, NULL);
	cJSON_Delete(doc);
	return same;
}

static int compare(fs_couch *c, const char *db, const target *t, const fs_couch_view_opts *q,
		   const fs_run_result *r, const cJSON *ids, long ndocs)
{
	fs_err e;
	cJSON *srv = NULL, *info = NULL;
	if (t->o.kind != FS_RUN_MAP)
		return fs_cli_errorf("--compare works on views");
	int reducing = t->o.reduce && q->reduce != 0;
	cJSON *dds = NULL;
	long ndesign = 0;
	if (reducing && !fs_couch_design_docs(c, db, 0, &dds, &e))
		ndesign = cJSON_GetArraySize(fs_json_arr(dds, "rows"));
	cJSON_Delete(dds);
	/* doc_count counts design documents too; we never fetch them */
	if (reducing && (fs_couch_db_info(c, db, &info, &e) || fs_json_int(info, "doc_count", -1) - ndesign > ndocs)) {
		cJSON_Delete(info);
		return fs_cli_errorf("--compare: the reduce covers the whole database on the server and %ld of its "
				     "documents here; compare with reduce=false, or with --limit at least the database's size", ndocs);
	}
	cJSON_Delete(info);
	const char *dd = fs_json_str(t->o.ddoc, "_id");
	if (fs_couch_view(c, db, dd ? dd : "", t->obj->name, q, &srv, &e))
		return fs_cli_error(&e);
	cJSON *local = cJSON_Parse(r->response);
	size_t na, nb;
	/* the server's view covers every document: keep the rows of ours */
	char **a = row_texts(fs_json_arr(local, "rows"), NULL, &na);
	char **b = row_texts(fs_json_arr(srv, "rows"), reducing ? NULL : ids, &nb);
	if (!deployed_same(c, db, t))
		printf("note: the deployed %s differs from the project's: differences may come from that\n", t->path);
	long d = diff_rows(a, na, b, nb, r);
	printf("%zu rows locally, %zu on the server for the same documents: %s\n", na, nb,
	       d ? "they differ" : "the same");
	for (size_t i = 0; i < na; i++)
		free(a[i]);
	for (size_t i = 0; i < nb; i++)
		free(b[i]);
	free(a);
	free(b);
	cJSON_Delete(local);
	cJSON_Delete(srv);
	return d ? FS_EXIT_ERROR : FS_EXIT_OK;
}

/* ---- The command ---- */

static cJSON *split_ids(const char *list)
{
	cJSON *a = cJSON_CreateArray();
	char *s = fs_xstrdup(list), *save = NULL;
	for (char *w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(w));
	free(s);
	return a;
}

/* The temp file of the documents fetched from a server. */
static char *temp_docs(void)
{
	const char *dir = getenv("TMPDIR");
	char *p = fs_xasprintf("%s/fsstudio-run-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(p);
	if (fd < 0) {
		free(p);
		return NULL;
	}
	close(fd);
	return p;
}

static int save_samples(const char *from, const char *to)
{
	fs_err e;
	char *data, *dir = fs_xstrdup(to);
	size_t len;
	*strrchr(dir, '/') = 0;
	int rc = fs_read_file(from, &data, &len, &e);
	if (!rc && !(rc = fs_mkdir_p(dir, 0755, &e)))
		rc = fs_write_file_atomic(to, data, len, 0644, &e);
	if (!rc)
		fprintf(stderr, "saved the documents as the samples %s\n", to);
	free(dir);
	free(data);
	return rc ? fs_cli_error(&e) : 0;
}

enum { O_DOCS, O_SERVER, O_DB, O_LIMIT, O_IDS, O_SELECTOR, O_SAMPLES, O_SAVE, O_JSON, O_COMPARE,
       O_TIMEOUT, O_MEMORY, O_STATS };

/* The documents: a file, the samples, or a server's (into a temp file). */
static int docs_source(fs_cli_opt *opts, fs_project *p, const target *t, char **path, int *temp,
		       fs_couch **c, const char **db, cJSON *ids, long *n)
{
	fs_err e;
	const char *conn = t->conn ? t->conn->name : "";
	*temp = 0;
	if (opts[O_DOCS].set) {
		*path = fs_xstrdup(opts[O_DOCS].value);
		return 0;
	}
	if (!opts[O_SERVER].set) {
		*path = fs_samples_path(fs_project_dir(p) ? fs_project_dir(p) : ".", conn);
		if (!fs_is_file(*path))
			return fs_cli_errorf("%s: no samples for the connector %s: give --docs FILE or --server S "
					     "(--save-samples keeps what a server gives)", *path, conn);
		return 0;
	}
	*db = opts[O_DB].set ? opts[O_DB].value : t->conn ? fs_connector_db(t->conn) : NULL;
	if (!*db)
		return fs_cli_errorf("no database: give --db DB");
	if (!(*c = fs_server_open(opts[O_SERVER].value, &e)))
		return fs_cli_error(&e);
	fs_fetch f = { opts[O_LIMIT].set ? atol(opts[O_LIMIT].value) : 0, NULL, NULL };
	cJSON *want = opts[O_IDS].set ? split_ids(opts[O_IDS].value) : NULL, *sel = NULL;
	if (opts[O_SELECTOR].set &&
	    !(sel = fs_json_parse(opts[O_SELECTOR].value, strlen(opts[O_SELECTOR].value), "--selector", &e))) {
		cJSON_Delete(want);
		return fs_cli_error(&e);
	}
	f.ids = want;
	f.selector = sel;
	if (!(*path = temp_docs()))
		return fs_cli_errorf("cannot create a temp file");
	*temp = 1;
	int rc = fs_fetch_docs(*c, *db, &f, *path, ids, n, &e);
	cJSON_Delete(want);
	cJSON_Delete(sel);
	if (rc)
		return fs_cli_error(&e);
	if (opts[O_SAVE].set) {
		char *to = fs_samples_path(fs_project_dir(p) ? fs_project_dir(p) : ".", conn);
		rc = save_samples(*path, to);
		free(to);
	}
	return rc;
}

static int parse_query(char **pos, int npos, fs_view_args *a)
{
	fs_err e;
	for (int i = 2; i < npos; i++) {
		char *eq = strchr(pos[i], '=');
		if (!eq)
			return fs_cli_usage("run", "query options are NAME=VALUE, not '%s'", pos[i]);
		*eq = 0;
		if (fs_view_args_set(a, pos[i], eq + 1, &e))
			return fs_cli_error(&e);
	}
	return 0;
}

static int run_target(fs_cli_opt *opts, fs_project *p, target *t, fs_view_args *a)
{
	fs_couch *c = NULL;
	const char *db = NULL;
	char *path = NULL;
	int temp = 0;
	long n = 0;
	cJSON *ids = cJSON_CreateArray();
	int rc = docs_source(opts, p, t, &path, &temp, &c, &db, ids, &n);
	if (!rc) {
		fs_run_result r;
		fs_err e;
		t->o.query = &a->o;
		t->o.seconds = opts[O_TIMEOUT].set ? atof(opts[O_TIMEOUT].value) : 0;
		t->o.memory_mb = opts[O_MEMORY].set ? (size_t)atol(opts[O_MEMORY].value) : 0;
		if (fs_run(&t->o, path, &r, &e)) {
			rc = fs_cli_error(&e);
		} else {
			rc = print_result(t, &r, opts[O_JSON].set);
			if (opts[O_STATS].set)
				fprintf(stderr, "runner: %ld documents, %ld rows, %ld exceptions, peak memory %ld kB\n",
					r.docs, r.rows, r.exc_total, r.peak_kb);
			if (!rc && opts[O_COMPARE].set)
				rc = compare(c, db, t, &a->o, &r, ids, n);
		}
		fs_run_result_free(&r);
	}
	if (temp)
		unlink(path);
	free(path);
	cJSON_Delete(ids);
	fs_couch_free(c);
	return rc;
}

int fs_cmd_run(int argc, char **argv)
{
	fs_cli_opt opts[] = {
		[O_DOCS] = { "--docs", "FILE", 0, NULL }, [O_SERVER] = { "--server", "NAME|URL", 0, NULL },
		[O_DB] = { "--db", "DB", 0, NULL }, [O_LIMIT] = { "--limit", "N", 0, NULL },
		[O_IDS] = { "--ids", "ID,ID...", 0, NULL }, [O_SELECTOR] = { "--selector", "JSON", 0, NULL },
		[O_SAMPLES] = { "--samples", NULL, 0, NULL }, [O_SAVE] = { "--save-samples", NULL, 0, NULL },
		[O_JSON] = { "--json", NULL, 0, NULL }, [O_COMPARE] = { "--compare", NULL, 0, NULL },
		[O_TIMEOUT] = { "--timeout", "SECONDS", 0, NULL }, [O_MEMORY] = { "--memory", "MB", 0, NULL },
		[O_STATS] = { "--stats", NULL, 0, NULL }, { NULL, NULL, 0, NULL },
	};
	char *pos[66] = { NULL };
	int npos = fs_cli_parse(argc, argv, opts, pos, 2, 64);
	if (npos < 0)
		return FS_EXIT_USAGE;
	if (opts[O_DOCS].set + opts[O_SERVER].set + opts[O_SAMPLES].set > 1)
		return fs_cli_usage("run", "give one of --docs, --server and --samples");
	if ((opts[O_COMPARE].set || opts[O_SAVE].set) && !opts[O_SERVER].set)
		return fs_cli_usage("run", "--compare and --save-samples go with --server");
	if (opts[O_IDS].set + opts[O_SELECTOR].set > 1)
		return fs_cli_usage("run", "give --ids or --selector, not both");
	fs_view_args a;
	fs_view_args_init(&a);
	int rc = parse_query(pos, npos, &a);
	fs_project *p = NULL;
	if (!rc && fs_cli_open(pos[0], &p) != FS_EXIT_OK)
		rc = FS_EXIT_ERROR;
	fs_obj *o = rc ? NULL : fs_cli_find(p, pos[1]);
	target t = { 0 };
	if (!rc && !o)
		rc = FS_EXIT_ERROR;
	else if (!rc && target_of(o, &t))
		rc = fs_cli_errorf("%s: not a view, a filter or a validate_doc_update", pos[1]);
	if (!rc)
		rc = run_target(opts, p, &t, &a);
	free(t.path);
	fs_view_args_free(&a);
	fs_project_free(p);
	return rc;
}

/* ---- check --run ---- */

static void run_one(fs_obj *o, const char *samples, fs_cli_run_warn warn, void *ctx)
{
	target t;
	fs_couch_view_opts q;
	fs_run_result r;
	fs_err e;
	if (target_of(o, &t)) {
		free(t.path);
		return;
	}
	fs_couch_view_opts_init(&q);
	q.reduce = t.o.reduce ? 0 : -1;
	q.limit = FS_COUCH_LIMIT_ZERO;
	t.o.query = &q;
	char *fnpath = t.o.kind == FS_RUN_MAP ? fs_xasprintf("%s/map", t.path) : fs_xstrdup(t.path);
	if (fs_run(&t.o, samples, &r, &e)) {
		warn(ctx, fnpath, 0, 0, e.msg);
	} else {
		for (size_t i = 0; i < r.nexc; i++) {
			char *m = fs_xasprintf("throws on the sample document %s: %s", r.exc[i].id, r.exc[i].x.message);
			warn(ctx, fnpath, r.exc[i].x.line, r.exc[i].x.col, m);
			free(m);
		}
		fs_run_result_free(&r);
	}
	free(fnpath);
	free(t.path);
}

static void run_under(fs_obj *o, const char *samples, fs_cli_run_warn warn, void *ctx)
{
	if (o->kind == FS_K_VIEW || (o->kind == FS_K_FUNCTION && (o->fn == FS_FN_FILTER || o->fn == FS_FN_VALIDATE))) {
		run_one(o, samples, warn, ctx);
		return;
	}
	for (size_t i = 0; i < o->nkids; i++)
		run_under(o->kids[i], samples, warn, ctx);
}

size_t fs_cli_run_samples(fs_project *p, fs_cli_run_warn warn, void *ctx)
{
	fs_obj *root = fs_project_root(p);
	size_t n = 0;
	for (size_t i = 0; i < root->nkids; i++) {
		fs_obj *conn = root->kids[i];
		if (conn->kind != FS_K_CONNECTOR)
			continue;
		char *s = fs_samples_path(fs_project_dir(p) ? fs_project_dir(p) : ".", conn->name);
		if (fs_is_file(s)) {
			run_under(conn, s, warn, ctx);
			n++;
		}
		free(s);
	}
	return n;
}
