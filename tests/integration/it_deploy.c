/* Deploy, diff and pull against a real pouchdb-server (a fresh one per test):
 * the sample and the fixture projects checked field by field on the server,
 * unchanged redeploys (zero writes, request count, revisions kept), drift
 * and foreign copies refused then forced, prune, dry run, staged deploy,
 * syntax errors, pull round trip, a server dying mid-deploy then a rerun
 * that converges, and a misbehaving server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "badserver.h"
#include "couch/couch.h"
#include "deploy/deploy.h"
#include "base/job.h"
#include "couch/http.h"
#include "base/json.h"
#include "model/project.h"
#include "deploy/pull.h"
#include "testlib.h"

typedef struct ctx {
	fs_test_couch *srv;
	fs_couch *c;
	fs_project *p;
	char *dir;
} ctx;

static fs_err e;

#define ok(rc, what) fs_test_ok(rc, &e, what)

static fs_couch *connect_url(const char *url)
{
	fs_couch *c = fs_test_connect(url, &e);
	assert_non_null(c);
	return c;
}

/* A copy of a project folder, opened. */
static void open_copy(ctx *x, const char *src)
{
	x->dir = fs_xasprintf("%s/proj", fs_test_tmpdir());
	assert_int_equal(fs_test_copy_tree(src, x->dir), 0);
	ok(fs_project_open(&x->p, x->dir, &e), "open");
}

static int setup(void **state)
{
	ctx *x = fs_xcalloc(1, sizeof *x);
	*state = x;
	x->srv = fs_test_couch_start();
	if (x->srv)
		x->c = connect_url(x->srv->url);
	return 0;
}

static int teardown(void **state)
{
	ctx *x = *state;
	fs_project_free(x->p);
	fs_couch_free(x->c);
	if (x->srv)
		fs_test_couch_stop(x->srv);
	free(x->dir);
	free(x);
	return 0;
}

static void need_server(ctx *x)
{
	if (!x->srv)
		skip();
}

static void sample(ctx *x)
{
	need_server(x);
	char *src = fs_xasprintf("%s/projects/sample", fs_test_srcdir());
	open_copy(x, src);
	free(src);
}

static fs_deploy_plan *plan(ctx *x, const fs_deploy_opts *o)
{
	fs_deploy_plan *p = NULL;
	ok(fs_deploy_plan_make(x->p, x->c, o, &p, &e), "plan");
	return p;
}

/* Plans and runs; returns the plan (caller frees). */
static fs_deploy_plan *deploy(ctx *x, const fs_deploy_opts *o)
{
	fs_deploy_plan *p = plan(x, o);
	ok(fs_deploy_run(p, x->c, &e), "run");
	return p;
}

static fs_deploy_doc *find(fs_deploy_plan *p, const char *id)
{
	for (size_t i = 0; i < p->ndbs; i++)
		for (size_t k = 0; k < p->dbs[i].ndocs; k++)
			if (!strcmp(p->dbs[i].docs[k].id, id))
				return &p->dbs[i].docs[k];
	fail_msg("%s not in the plan", id);
	return NULL;
}

static cJSON *get(ctx *x, const char *db, const char *id)
{
	cJSON *d = NULL;
	ok(fs_couch_doc_get(x->c, db, id, NULL, &d, &e), id);
	return d;
}

static void check_fn(const cJSON *server, const char *path, const char *text)
{
	const cJSON *v = fs_json_path(server, path);
	if (!cJSON_IsString(v) || strcmp(v->valuestring, text))
		fail_msg("%s differs on the server", path);
}

/* Every design document of the project is on the server as in the project,
 * function by function, with a marker whose hash is the document's. */
static void check_on_server(ctx *x, size_t *ndocs)
{
	fs_obj *root = fs_project_root(x->p);
	static const char *const ign[] = { "_rev", FS_DEPLOY_MARKER, NULL };
	for (size_t i = 0; i < root->nkids; i++) {
		fs_obj *conn = root->kids[i];
		if (conn->kind != FS_K_CONNECTOR)
			continue;
		for (size_t k = 0; k < conn->nkids; k++) {
			fs_obj *dd = conn->kids[k];
			if (dd->kind != FS_K_DDOC)
				continue;
			char *id = fs_xasprintf("_design/%s", dd->name);
			cJSON *s = get(x, fs_connector_db(conn), id);
			assert_true(fs_json_equal(s, fs_ddoc_json(dd), ign));
			for (size_t v = 0; v < dd->nkids; v++) {
				fs_obj *o = dd->kids[v];
				if (o->kind == FS_K_VIEW) {
					for (size_t f = 0; f < o->nkids; f++) {
						char *path = fs_xasprintf("views.%s.%s", o->name, o->kids[f]->name);
						check_fn(s, path, fs_fn_text(o->kids[f]));
						free(path);
					}
				} else if (o->kind == FS_K_FUNCTION && o->fn == FS_FN_VALIDATE) {
					check_fn(s, "validate_doc_update", fs_fn_text(o));
				} else if (o->kind == FS_K_FUNCTION) {
					cJSON *group = fs_json_obj(s, fs_fn_name(o->fn));
					const cJSON *fn = cJSON_GetObjectItemCaseSensitive(group, o->name);
					assert_true(cJSON_IsString(fn));
					assert_string_equal(fn->valuestring, fs_fn_text(o));
				}
			}
			cJSON *m = fs_json_obj(s, FS_DEPLOY_MARKER);
			char h[65];
			fs_json_hash(s, ign, h);
			assert_string_equal(fs_json_str(m, "hash"), h);
			assert_non_null(fs_json_str(m, "at"));
			assert_string_equal(id, fs_json_str(s, "_id"));
			cJSON_Delete(s);
			free(id);
			(*ndocs)++;
		}
	}
}

/* The same for the sample project, whose three design documents must all be
 * seen (seeing none would check nothing). */
static void check_sample_on_server(ctx *x)
{
	size_t n = 0;
	check_on_server(x, &n);
	assert_int_equal(n, 3);
}

/* Revisions of every design document of the plan's databases, as one text. */
static char *revs(ctx *x, fs_deploy_plan *p)
{
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < p->ndbs; i++) {
		cJSON *ans = NULL;
		ok(fs_couch_design_docs(x->c, p->dbs[i].name, 0, &ans, &e), "design docs");
		for (cJSON *r = fs_json_arr(ans, "rows")->child; r; r = r->next)
			fs_buf_printf(&b, "%s=%s\n", fs_json_str(r, "id"), fs_json_str(fs_json_obj(r, "value"), "rev"));
		cJSON_Delete(ans);
	}
	return fs_buf_steal(&b);
}

/* Deploys, checks the server, redeploys with no change: zero writes, at most
 * two requests per database, the same revisions. */
static void deploy_and_redeploy(ctx *x)
{
	fs_deploy_plan *p = deploy(x, NULL);
	size_t n = 0;
	check_on_server(x, &n);
	assert_int_equal(p->count[FS_DA_CREATE], n);
	assert_int_equal(p->failed, 0);
	char *before = revs(x, p);
	size_t ndbs = p->ndbs;
	fs_deploy_plan_free(p);

	fs_http_reset_stats(fs_couch_http(x->c));
	p = deploy(x, NULL);
	fs_http_stats st = fs_http_get_stats(fs_couch_http(x->c));
	assert_int_equal(st.writes, 0);
	assert_true(st.requests <= (long)(2 * ndbs));
	assert_int_equal(p->count[FS_DA_UNCHANGED], n);
	char *after = revs(x, p);
	assert_string_equal(before, after);
	free(before);
	free(after);
	fs_deploy_plan_free(p);
}

static void deploy_sample(void **state)
{
	ctx *x = *state;
	sample(x);
	deploy_and_redeploy(x);
}

static void deploy_fixtures(void **state)
{
	ctx *x = *state;
	need_server(x);
	static const char *const names[] = { "c8oprj-lib-fullsync-grp", "c8oprj-lib-user-manager",
		"c8oprj-sample-resolveconflicts" };
	int any = 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *src = fs_test_fixture(names[i]);
		if (!src)
			continue;
		any = 1;
		fs_project_free(x->p);
		free(x->dir);
		open_copy(x, src);
		free(src);
		deploy_and_redeploy(x);
	}
	if (!any)
		skip();
}

/* Replaces a map function on the server, as someone else would. */
static void edit_on_server(ctx *x, const char *db, const char *id, const char *view)
{
	cJSON *d = get(x, db, id);
	cJSON *v = fs_json_obj(fs_json_obj(d, "views"), view);
	cJSON_ReplaceItemInObjectCaseSensitive(v, "map",
		cJSON_CreateString("function (doc) {\n  emit(doc.edited_on_server, 1);\n}"));
	ok(fs_couch_doc_put(x->c, db, d, NULL, &e), "edit");
	cJSON_Delete(d);
}

static void drift_refused_then_forced(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	edit_on_server(x, "inspections", "_design/visits", "by_site");

	fs_deploy_plan *p = plan(x, NULL);
	fs_deploy_doc *d = find(p, "_design/visits");
	assert_int_equal(d->action, FS_DA_REFUSED);
	assert_int_equal(d->refusal, FS_DR_DRIFT);
	assert_int_equal(fs_deploy_refused(p), 1);
	/* the diff names the function, server copy -> project */
	assert_int_equal(d->ndiffs, 1);
	assert_string_equal(d->diffs[0].name, "views/by_site/map");
	fs_buf b = FS_BUF_INIT;
	fs_deploy_format(p, 1, &b);
	assert_non_null(strstr(b.data, "-  emit(doc.edited_on_server, 1);"));
	assert_non_null(strstr(b.data, "--force"));
	fs_buf_free(&b);
	fs_http_reset_stats(fs_couch_http(x->c));
	ok(fs_deploy_run(p, x->c, &e), "run refused");
	assert_int_equal(fs_http_get_stats(fs_couch_http(x->c)).writes, 0);
	fs_deploy_plan_free(p);
	cJSON *s = get(x, "inspections", "_design/visits");
	assert_non_null(strstr(fs_json_str(fs_json_path(s, "views.by_site"), "map"), "edited_on_server"));
	cJSON_Delete(s);

	fs_deploy_opts o = { .force = 1 };
	p = deploy(x, &o);
	d = find(p, "_design/visits");
	assert_int_equal(d->action, FS_DA_UPDATE);
	assert_true(d->forced && d->done);
	fs_deploy_plan_free(p);
	check_sample_on_server(x);
}

/* A copy without a marker that differs belongs to someone else. */
static void foreign_copy_refused(void **state)
{
	ctx *x = *state;
	sample(x);
	ok(fs_couch_db_create(x->c, "inspections", NULL, &e), "create db");
	cJSON *d = cJSON_Parse("{\"_id\":\"_design/visits\",\"views\":{\"v\":{\"map\":\"function (doc) {}\"}}}");
	ok(fs_couch_doc_put(x->c, "inspections", d, NULL, &e), "put foreign");
	cJSON_Delete(d);
	fs_deploy_plan *p = deploy(x, NULL);
	fs_deploy_doc *fd = find(p, "_design/visits");
	assert_int_equal(fd->action, FS_DA_REFUSED);
	assert_int_equal(fd->refusal, FS_DR_FOREIGN);
	assert_int_equal(find(p, "_design/defects")->action, FS_DA_CREATE);
	assert_true(find(p, "_design/defects")->done);
	fs_deploy_plan_free(p);
	fs_deploy_opts o = { .force = 1 };
	fs_deploy_plan_free(deploy(x, &o));
	check_sample_on_server(x);
}

/* A design document as fsstudio would have deployed it: our marker, whose
 * hash matches (drifted: it does not). */
static void put_marked(ctx *x, const char *json, int drifted)
{
	cJSON *d = cJSON_Parse(json);
	char h[65];
	fs_json_hash(d, fs_deploy_ignore, h);
	if (drifted)
		h[0] = h[0] == '0' ? '1' : '0';
	cJSON *m = cJSON_AddObjectToObject(d, FS_DEPLOY_MARKER);
	cJSON_AddStringToObject(m, "hash", h);
	ok(fs_couch_doc_put(x->c, "inspections", d, NULL, &e), json);
	cJSON_Delete(d);
}

/* Prune deletes only what is ours: our marker, unchanged since (or
 * --force); never another's document, _design/c8o nor a Mango index. */
static void prune(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	static const char *const extra[] = {
		"{\"_id\":\"_design/old\",\"views\":{\"v\":{\"map\":\"function (doc) { emit(1); }\"}}}",
		"{\"_id\":\"_design/c8o\",\"views\":{\"v\":{\"map\":\"function (doc) { emit(2); }\"}}}",
		"{\"_id\":\"_design/idx\",\"language\":\"query\",\"views\":{\"i\":{\"map\":{\"fields\":{\"a\":\"asc\"}}}}}",
	};
	for (size_t i = 0; i < 3; i++) {
		cJSON *d = cJSON_Parse(extra[i]);
		ok(fs_couch_doc_put(x->c, "inspections", d, NULL, &e), extra[i]);
		cJSON_Delete(d);
	}
	put_marked(x, "{\"_id\":\"_design/ours\",\"views\":{\"v\":{\"map\":\"function (doc) { emit(3); }\"}}}", 0);
	put_marked(x, "{\"_id\":\"_design/edited\",\"views\":{\"v\":{\"map\":\"function (doc) { emit(4); }\"}}}", 1);
	fs_deploy_plan *p = deploy(x, NULL);
	assert_int_equal(find(p, "_design/old")->action, FS_DA_SERVER);
	assert_int_equal(p->count[FS_DA_SERVER], 5);
	fs_deploy_plan_free(p);

	fs_deploy_opts o = { .prune = 1 };
	p = deploy(x, &o);
	assert_int_equal(find(p, "_design/ours")->action, FS_DA_DELETE);
	assert_true(find(p, "_design/ours")->done);
	assert_int_equal(find(p, "_design/old")->action, FS_DA_SERVER);
	assert_non_null(strstr(find(p, "_design/old")->reason, "no fsstudio marker"));
	assert_int_equal(find(p, "_design/edited")->action, FS_DA_SERVER);
	assert_non_null(strstr(find(p, "_design/edited")->reason, "--force"));
	assert_int_equal(find(p, "_design/c8o")->action, FS_DA_SERVER);
	assert_int_equal(find(p, "_design/idx")->action, FS_DA_SERVER);
	fs_deploy_plan_free(p);
	cJSON *d = NULL;
	assert_int_equal(fs_couch_doc_get(x->c, "inspections", "_design/ours", NULL, &d, &e), FS_E_NOTFOUND);
	cJSON_Delete(get(x, "inspections", "_design/old"));
	cJSON_Delete(get(x, "inspections", "_design/edited"));
	cJSON_Delete(get(x, "inspections", "_design/c8o"));
	cJSON_Delete(get(x, "inspections", "_design/idx"));

	o.force = 1;
	p = deploy(x, &o);
	assert_int_equal(find(p, "_design/edited")->action, FS_DA_DELETE);
	assert_true(find(p, "_design/edited")->forced);
	assert_int_equal(find(p, "_design/old")->action, FS_DA_SERVER);
	fs_deploy_plan_free(p);
	assert_int_equal(fs_couch_doc_get(x->c, "inspections", "_design/edited", NULL, &d, &e), FS_E_NOTFOUND);
	cJSON_Delete(get(x, "inspections", "_design/old"));
}

/* The load must have read the whole project before a prune: a file of
 * _c8oProject/ that nothing includes would make its documents look deleted. */
static void prune_refused_when_project_skipped(void **state)
{
	ctx *x = *state;
	sample(x);
	char *orphan = fs_xasprintf("%s/_c8oProject/connectors/left-over.yaml", x->dir);
	FILE *f = fopen(orphan, "w");
	fputs("\xe2\x86\x93left-over [connectors.FullSyncConnector]: \n", f);
	fclose(f);
	fs_deploy_opts o = { .prune = 1 };
	fs_deploy_plan *p = NULL;
	fs_http_reset_stats(fs_couch_http(x->c));
	assert_int_equal(fs_deploy_plan_make(x->p, x->c, &o, &p, &e), FS_E_INVALID);
	assert_null(p);
	assert_non_null(strstr(e.msg, "refusing to prune"));
	assert_non_null(strstr(e.msg, "_c8oProject/connectors/left-over.yaml (skipped"));
	fs_http_stats st = fs_http_get_stats(fs_couch_http(x->c));
	assert_int_equal(st.writes, 0);
	o.prune = 0;  /* without prune, nothing is deleted: the deploy goes on */
	ok(fs_deploy_plan_make(x->p, x->c, &o, &p, &e), "plan without prune");
	fs_deploy_plan_free(p);
	unlink(orphan);
	free(orphan);
}

/* A plan alone (what --dry-run and srvdiff do) writes nothing. */
static void plan_writes_nothing(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_http_reset_stats(fs_couch_http(x->c));
	fs_deploy_plan *p = plan(x, NULL);
	fs_http_stats st = fs_http_get_stats(fs_couch_http(x->c));
	assert_int_equal(st.writes, 0);
	assert_int_equal(st.requests, (long)p->ndbs);
	assert_true(p->count[FS_DA_CREATE] > 0);
	for (size_t i = 0; i < p->ndbs; i++)
		assert_false(p->dbs[i].exists);
	/* a created document's diff is every member, all added */
	fs_deploy_doc *d = find(p, "_design/visits");
	assert_true(d->ndiffs >= 5);
	assert_int_equal(d->diffs[0].hunks.removed, 0);
	cJSON *j = fs_deploy_json(p, 1);
	char *text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"action\":\"create\""));
	free(text);
	cJSON_Delete(j);
	fs_deploy_plan_free(p);
	cJSON *dbs = NULL;
	ok(fs_couch_all_dbs(x->c, &dbs, &e), "all dbs");
	for (cJSON *n = dbs->child; n; n = n->next)
		assert_true(strcmp(n->valuestring, "inspections") && strcmp(n->valuestring, "sites"));
	cJSON_Delete(dbs);
}

typedef struct events {
	int build, swap, upload, last_percent;
	int stop_at_upload;      /* kill the server at the nth upload */
	fs_test_couch *srv;
} events;

static int on_event(void *arg, const fs_deploy_event *ev)
{
	events *v = arg;
	if (ev->type == FS_DE_BUILD) {
		v->build++;
		v->last_percent = ev->percent;
	}
	v->swap += ev->type == FS_DE_SWAP;
	if (ev->type == FS_DE_UPLOAD && ++v->upload == v->stop_at_upload && v->srv) {
		fs_test_couch_stop(v->srv);
		v->srv = NULL;
	}
	return 0;
}

static void staged(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	fs_obj *map = fs_project_find(x->p, "inspections/visits/by_status/map");
	assert_non_null(map);
	ok(fs_fn_set_text(map, "function (doc) {\n\tif (doc.type === \"inspection\")\n\t\temit(doc.status, 2);\n}", &e), "edit");
	/* a leftover staging copy from an interrupted run is reused then removed */
	cJSON *left = cJSON_Parse("{\"_id\":\"_design/defects" FS_DEPLOY_STAGING_SUFFIX "\"}");
	ok(fs_couch_doc_put(x->c, "inspections", left, NULL, &e), "leftover");
	cJSON_Delete(left);
	cJSON *docs = cJSON_Parse("[{\"type\":\"inspection\",\"status\":\"open\",\"site\":\"a\","
		"\"date\":\"2026-01-01\"},{\"type\":\"inspection\",\"site\":\"b\",\"date\":\"2026-01-02\"}]");
	fs_couch_bulk br;
	ok(fs_couch_bulk_docs(x->c, "inspections", docs, 1, &br, &e), "data");
	assert_int_equal(br.failed, 0);
	fs_couch_bulk_free(&br);
	cJSON_Delete(docs);

	events ev = { 0 };
	fs_deploy_opts o = { .staged = 1, .progress = on_event, .progress_arg = &ev };
	fs_deploy_plan *p = deploy(x, &o);
	fs_deploy_doc *d = find(p, "_design/visits");
	assert_int_equal(d->action, FS_DA_UPDATE);
	assert_true(d->done);
	assert_true(ev.build >= 2);
	assert_int_equal(ev.last_percent, 100);
	assert_true(ev.swap >= 1);
	fs_deploy_plan_free(p);
	check_sample_on_server(x);
	cJSON *ans = NULL;
	ok(fs_couch_design_docs(x->c, "inspections", 0, &ans, &e), "list");
	for (cJSON *r = fs_json_arr(ans, "rows")->child; r; r = r->next)
		assert_null(strstr(fs_json_str(r, "id"), FS_DEPLOY_STAGING_SUFFIX));
	cJSON_Delete(ans);
	/* the live view answers with the new function */
	fs_couch_view_opts vo;
	fs_couch_view_opts_init(&vo);
	vo.reduce = 1;
	ok(fs_couch_view(x->c, "inspections", "visits", "by_status", &vo, &ans, &e), "query");
	assert_int_equal(fs_json_int(fs_json_arr(ans, "rows")->child, "value", 0), 4);
	cJSON_Delete(ans);
}

/* by_site's map with a missing ')' on its line 2. */
static void break_by_site(ctx *x)
{
	fs_obj *map = fs_project_find(x->p, "inspections/visits/by_site/map");
	ok(fs_fn_set_text(map, "function (doc) {\n  emit(doc.site, 1;\n}", &e), "edit");
}

/* A forced deploy whose visits is refused for its syntax: the plan. */
static fs_deploy_plan *deploy_refused_syntax(ctx *x)
{
	fs_deploy_opts o = { .force = 1 };
	fs_deploy_plan *p = deploy(x, &o);
	fs_deploy_doc *d = find(p, "_design/visits");
	assert_int_equal(d->action, FS_DA_REFUSED);
	assert_int_equal(d->refusal, FS_DR_SYNTAX);
	assert_false(d->forced);
	return p;
}

static void syntax_error_refused(void **state)
{
	ctx *x = *state;
	sample(x);
	break_by_site(x);
	fs_deploy_plan *p = deploy_refused_syntax(x);
	fs_deploy_doc *d = find(p, "_design/visits");
	assert_non_null(strstr(d->reason, "inspections/visits/by_site/map"));
	assert_non_null(strstr(d->reason, "line 2, column"));
	assert_non_null(strstr(d->reason, ".yaml"));
	assert_true(find(p, "_design/defects")->done);
	fs_deploy_plan_free(p);
	cJSON *s = NULL;
	assert_int_equal(fs_couch_doc_get(x->c, "inspections", "_design/visits", NULL, &s, &e), FS_E_NOTFOUND);
}

/* A syntax error is found before a drift is forced: a broken function never
 * replaces the server's copy, even with force. */
static void syntax_error_beats_force(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	edit_on_server(x, "inspections", "_design/visits", "by_site");
	break_by_site(x);
	fs_deploy_plan_free(deploy_refused_syntax(x));
	cJSON *s = get(x, "inspections", "_design/visits");
	assert_non_null(strstr(fs_json_str(fs_json_obj(fs_json_obj(s, "views"), "by_site"), "map"),
			       "edited_on_server"));
	cJSON_Delete(s);
}

/* Only what is written is checked: a document the server holds as it is in
 * the project is unchanged, whatever its functions (`check` reports them). */
static void unchanged_not_checked(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	break_by_site(x);
	cJSON *was = get(x, "inspections", "_design/visits");
	cJSON *d = cJSON_Duplicate(fs_ddoc_json(fs_project_find(x->p, "inspections/visits")), 1);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "_id");
	cJSON_DeleteItemFromObjectCaseSensitive(d, "_rev");
	cJSON_AddStringToObject(d, "_id", "_design/visits");
	cJSON_AddStringToObject(d, "_rev", fs_json_str(was, "_rev"));
	cJSON_Delete(was);
	ok(fs_couch_doc_put(x->c, "inspections", d, NULL, &e), "put the same");
	cJSON_Delete(d);
	fs_deploy_plan *p = deploy(x, NULL);
	assert_int_equal(find(p, "_design/visits")->action, FS_DA_UNCHANGED);
	assert_true(find(p, "_design/defects")->done);
	fs_deploy_plan_free(p);
}

static void pull_round_trip(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	edit_on_server(x, "inspections", "_design/visits", "by_site");
	cJSON *nd = cJSON_Parse("{\"_id\":\"_design/fromserver\",\"views\":{\"all\":{\"map\":"
		"\"function (doc) {\\n  emit(doc._id, null);\\n}\"}}}");
	ok(fs_couch_doc_put(x->c, "inspections", nd, NULL, &e), "new");
	cJSON_Delete(nd);
	nd = cJSON_Parse("{\"_id\":\"_design/c8o\",\"views\":{}}");
	ok(fs_couch_doc_put(x->c, "inspections", nd, NULL, &e), "c8o");
	cJSON_Delete(nd);

	fs_pull_plan *pp = NULL;
	ok(fs_pull_plan_make(x->p, x->c, "inspections", &pp, &e), "pull plan");
	assert_int_equal(pp->count[FS_PA_UPDATE], 1);
	assert_int_equal(pp->count[FS_PA_ADD], 1);
	assert_int_equal(pp->count[FS_PA_SKIP], 1);
	ok(fs_pull_apply(x->p, pp, &e), "apply");
	fs_pull_plan_free(pp);
	ok(fs_project_save(x->p, &e), "save");
	fs_project_free(x->p);
	ok(fs_project_open(&x->p, x->dir, &e), "reopen");
	fs_obj *map = fs_project_find(x->p, "inspections/visits/by_site/map");
	assert_non_null(strstr(fs_fn_text(map), "edited_on_server"));
	assert_non_null(fs_project_find(x->p, "inspections/fromserver/all/map"));
	const cJSON *j = fs_ddoc_json(fs_project_find(x->p, "inspections/visits"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, FS_DEPLOY_MARKER));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "_rev"));
	/* nothing left to pull; a deploy now has nothing to write */
	ok(fs_pull_plan_make(x->p, x->c, "inspections", &pp, &e), "pull plan");
	assert_int_equal(fs_pull_changes(pp), 0);
	fs_pull_plan_free(pp);
	fs_http_reset_stats(fs_couch_http(x->c));
	fs_deploy_plan *p = deploy(x, NULL);
	assert_int_equal(fs_http_get_stats(fs_couch_http(x->c)).writes, 0);
	assert_int_equal(p->count[FS_DA_REFUSED], 0);
	fs_deploy_plan_free(p);
}

static void server_dies_mid_deploy(void **state)
{
	ctx *x = *state;
	sample(x);
	events ev = { .stop_at_upload = 1, .srv = x->srv };
	/* one database after another: the second is never started (the pool's
	 * case is in it_deploy_pool.c) */
	fs_deploy_opts o = { .progress = on_event, .progress_arg = &ev, .connections = 1 };
	fs_deploy_plan *p = plan(x, &o);
	x->srv = NULL; /* stopped by the callback */
	fs_err re;
	int rc = fs_deploy_run(p, x->c, &re);
	assert_true(rc == FS_E_HTTP || rc == FS_E_TIMEOUT);
	assert_non_null(strstr(re.msg, "127.0.0.1"));
	assert_non_null(strstr(re.msg, "run it again"));
	assert_true(p->failed > 0);
	fs_buf out = FS_BUF_INIT;
	fs_deploy_format(p, 0, &out);
	assert_non_null(strstr(out.data, "FAILED     _design/visits"));
	assert_non_null(strstr(out.data, "not done   _design/catalog"));
	assert_non_null(strstr(out.data, "done: 2 FAILED, 1 not done"));
	fs_buf_free(&out);
	fs_deploy_plan_free(p);
	if (ev.srv)
		fs_test_couch_stop(ev.srv);

	x->srv = fs_test_couch_start();
	assert_non_null(x->srv);
	fs_couch_free(x->c);
	x->c = connect_url(x->srv->url);
	deploy_and_redeploy(x);
}

static void revs_limit_warns(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_opts o = { .revs_limit = 10 };
	fs_deploy_plan *p = deploy(x, &o);
	assert_int_equal(p->failed, 0);
	assert_int_equal(p->nwarnings, p->ndbs);
	assert_non_null(strstr(p->warnings[0], "revs_limit 10"));
	fs_deploy_plan_free(p);
}

static void bad_server(void **state)
{
	ctx *x = *state;
	char *src = fs_xasprintf("%s/projects/sample", fs_test_srcdir());
	open_copy(x, src);
	free(src);
	fs_badserver *b = fs_badserver_start();
	assert_non_null(b);
	static const char *const paths[] = { "/error500", "/malformed", "/truncated", "/html502", "/forbidden" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		char *url = fs_xasprintf("%s%s", fs_badserver_url(b), paths[i]);
		fs_couch *c = connect_url(url);
		fs_deploy_plan *p = NULL;
		fs_err pe = { 0 };
		int rc = fs_deploy_plan_make(x->p, c, NULL, &p, &pe);
		assert_int_not_equal(rc, 0);
		assert_null(p);
		assert_true(strlen(pe.msg) > 10);
		fs_couch_free(c);
		free(url);
	}
	fs_badserver_stop(b);
	/* a refused connection names the URL */
	fs_couch *c = connect_url("http://127.0.0.1:1");
	fs_deploy_plan *p = NULL;
	fs_err pe;
	assert_int_equal(fs_deploy_plan_make(x->p, c, NULL, &p, &pe), FS_E_HTTP);
	assert_non_null(strstr(pe.msg, "127.0.0.1:1"));
	fs_couch_free(c);
}

static void unknown_connector(void **state)
{
	ctx *x = *state;
	sample(x);
	const char *names[] = { "nosuch" };
	fs_deploy_opts o = { .connectors = names, .nconnectors = 1 };
	fs_deploy_plan *p = NULL;
	assert_int_equal(fs_deploy_plan_make(x->p, x->c, &o, &p, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "nosuch"));
	names[0] = "sites";
	p = deploy(x, &o);
	assert_int_equal(p->ndbs, 1);
	assert_string_equal(p->dbs[0].connector, "sites");
	fs_deploy_plan_free(p);
}

/* Two connectors on one database: one request, no document of one seen as
 * "only on server" by the other. */
static void shared_database(void **state)
{
	ctx *x = *state;
	sample(x);
	ok(fs_obj_set_prop(fs_project_find(x->p, "sites"), "databaseName", "inspections", &e), "set db");
	fs_deploy_plan *p = plan(x, NULL);
	assert_int_equal(p->ndbs, 1);
	assert_int_equal(p->count[FS_DA_CREATE], 3);
	fs_deploy_plan_free(p);
	deploy_and_redeploy(x);
	p = plan(x, NULL);
	assert_int_equal(p->count[FS_DA_SERVER], 0);
	fs_deploy_plan_free(p);
}

/* A database name that needs encoding, deployed and redeployed. */
static void hostile_database_name(void **state)
{
	ctx *x = *state;
	sample(x);
	ok(fs_obj_set_prop(fs_project_find(x->p, "inspections"), "databaseName", "in/sp+ec$(x)-1", &e), "set db");
	deploy_and_redeploy(x);
	cJSON *d = get(x, "in/sp+ec$(x)-1", "_design/visits");
	cJSON_Delete(d);
}

static int cancel_at_upload(void *arg, const fs_deploy_event *ev)
{
	return ev->type == FS_DE_UPLOAD;
}

/* Cancelled from the progress callback: nothing uploaded, then a rerun
 * converges. */
static void cancel(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_opts o = { .progress = cancel_at_upload };
	fs_deploy_plan *p = plan(x, &o);
	fs_err ce;
	assert_int_equal(fs_deploy_run(p, x->c, &ce), FS_E_CANCELLED);
	assert_false(find(p, "_design/visits")->done);
	fs_deploy_plan_free(p);
	cJSON *d = NULL;
	assert_int_equal(fs_couch_doc_get(x->c, "inspections", "_design/visits", NULL, &d, &e), FS_E_NOTFOUND);
	deploy_and_redeploy(x);
}

typedef struct bgjob {
	ctx *x;
	fs_deploy_plan *plan;
	events ev;
	int rc, done;
} bgjob;

/* The worker never touches the project: the plan was prepared before. */
static enum fs_err_code bg_work(fs_job *job, void *arg, fs_err *err)
{
	bgjob *j = arg;
	int rc = fs_deploy_fetch(j->plan, j->x->c, err);
	return rc ? rc : fs_deploy_run(j->plan, j->x->c, err);
}

static void bg_done(fs_job *job, void *arg, int rc, const fs_err *err)
{
	bgjob *j = arg;
	j->rc = rc;
	j->done = 1;
}

/* As the studio runs it: plan and run on a worker, progress on the way,
 * the outcome as data in the done callback. */
static void background(void **state)
{
	ctx *x = *state;
	sample(x);
	bgjob j = { .x = x };
	fs_deploy_opts o = { .staged = 1, .progress = on_event, .progress_arg = &j.ev };
	ok(fs_deploy_prepare(x->p, &o, &j.plan, &e), "prepare");
	/* prepared: no request yet, the documents are copies */
	assert_int_equal(fs_http_get_stats(fs_couch_http(x->c)).requests, 0);
	fs_project_free(x->p);
	x->p = NULL;
	fs_jobs *bg = fs_jobs_new(1);
	fs_job_submit(bg, bg_work, bg_done, &j);
	fs_jobs_wait_all(bg);
	fs_jobs_free(bg);
	assert_true(j.done);
	assert_int_equal(j.rc, 0);
	assert_true(j.ev.build > 0 && j.ev.swap > 0);
	assert_true(find(j.plan, "_design/visits")->done);
	assert_int_equal(j.plan->count[FS_DA_CREATE], 3);
	fs_deploy_plan_free(j.plan);
	ok(fs_project_open(&x->p, x->dir, &e), "reopen");
	check_sample_on_server(x);
}

/* The server refuses the upload because a function does not compile: the
 * message names the function and its view. */
static void compile_error(void **state)
{
	ctx *x = *state;
	sample(x);
	fs_deploy_plan_free(deploy(x, NULL));
	ok(fs_fn_set_text(fs_project_find(x->p, "inspections/visits/by_site/map"),
		"function (doc) {\n  emit(doc.name);\n}", &e), "edit");
	fs_deploy_plan *p = plan(x, NULL);
	fs_badserver *b = fs_badserver_start();
	assert_non_null(b);
	char *url = fs_xasprintf("%s/compile", fs_badserver_url(b));
	fs_couch *bc = connect_url(url);
	fs_err re;
	assert_int_equal(fs_deploy_run(p, bc, &re), FS_E_INVALID);
	fs_deploy_doc *d = find(p, "_design/visits");
	assert_false(d->done);
	assert_non_null(d->error);
	assert_non_null(strstr(d->error, "map function of view 'by_name' does not compile"));
	assert_non_null(strstr(d->error, "design document '_design/visits' in database 'inspections'"));
	fs_buf out = FS_BUF_INIT;
	fs_deploy_format(p, 0, &out);
	assert_non_null(strstr(out.data, "FAILED     _design/visits"));
	fs_buf_free(&out);
	fs_deploy_plan_free(p);
	fs_couch_free(bc);
	free(url);
	fs_badserver_stop(b);
}

/* Member-level diffs: functions by name, other values as JSON, _id, _rev
 * and the marker ignored. (No server needed.) */
static void member_diffs(void **state)
{
	cJSON *a = cJSON_Parse("{\"_id\":\"_design/a\",\"_rev\":\"1-x\",\"fsstudio\":{\"hash\":\"h\"},"
		"\"language\":\"javascript\",\"views\":{\"v\":{\"map\":\"function (doc) {\\n  emit(1);\\n}\"},"
		"\"gone\":{\"map\":\"function (doc) {}\"}},\"options\":{\"local_seq\":true}}");
	cJSON *b = cJSON_Parse("{\"_id\":\"_design/b\",\"language\":\"javascript\",\"views\":{\"v\":"
		"{\"map\":\"function (doc) {\\n  emit(2);\\n}\",\"reduce\":\"_count\"}},\"options\":{\"local_seq\":false}}");
	fs_deploy_fdiff *d;
	size_t n;
	fs_deploy_diff_docs(a, b, &d, &n);
	assert_int_equal(n, 4);
	assert_string_equal(d[0].name, "views/v/map");
	assert_int_equal(d[0].hunks.added, 1);
	assert_int_equal(d[0].hunks.removed, 1);
	assert_string_equal(d[1].name, "views/v/reduce");
	assert_int_equal(d[1].hunks.removed, 0);
	assert_string_equal(d[2].name, "options/local_seq");
	assert_string_equal(d[3].name, "views/gone/map");
	assert_int_equal(d[3].hunks.added, 0);
	fs_buf out = FS_BUF_INIT;
	fs_deploy_fdiffs_format("_design/b", d, n, &out);
	assert_non_null(strstr(out.data, "--- a/_design/b/views/v/map\n+++ b/_design/b/views/v/map\n"));
	assert_non_null(strstr(out.data, "-  emit(1);\n+  emit(2);\n"));
	fs_buf_free(&out);
	fs_deploy_fdiffs_free(d, n);
	fs_deploy_diff_docs(a, a, &d, &n);
	assert_int_equal(n, 0);
	fs_deploy_fdiffs_free(d, n);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(member_diffs), T(deploy_sample), T(deploy_fixtures), T(drift_refused_then_forced),
		T(foreign_copy_refused), T(prune), T(prune_refused_when_project_skipped), T(plan_writes_nothing), T(staged),
		T(syntax_error_refused), T(syntax_error_beats_force), T(unchanged_not_checked), T(pull_round_trip), T(server_dies_mid_deploy),
		T(revs_limit_warns), T(bad_server), T(unknown_connector), T(shared_database),
		T(hostile_database_name), T(cancel), T(background), T(compile_error),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fs_test_cleanup();
	return rc;
}
