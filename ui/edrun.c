/* The editor's results panel: see edrun.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include "base/fsutil.h"
#include "base/json.h"
#include "colors.h"
#include "edrun.h"
#include "runner/run.h"
#include "runner/source.h"

#define RUN_DELAY_MS 300
/* Rows asked of a run: more would not fit the panel anyway. */
#define ROW_MAX 100

struct fs_edrun {
	fs_ref ref;              /* the function run */
	int timer;               /* timerfd of the pause, -1 before the first */
	fs_run_handle *h;        /* the child under way */
	int reducing;            /* h is the second run of a reducing view */
	fs_run_result rows;      /* the first run's result while the second runs */
	fs_lines lines;
	fs_lines exc;            /* a sample's exception: its text, ref = the line */
};

/* What a run needs, from the model: the view of a map or reduce (it runs
 * whole), or a filter or validate_doc_update. */
struct target {
	fs_run_opts o;
	fs_obj *view;
	char *name;
	char *samples;
	const char *where;       /* the stage whose exceptions are this text's */
};

fs_edrun *fs_edrun_new(void)
{
	fs_edrun *r = fs_xcalloc(1, sizeof *r);
	r->timer = -1;
	return r;
}

static void cancel(fs_app *a, fs_edrun *r)
{
	if (!r->h)
		return;
	fs_app_unwatch(a, fs_run_fd(r->h));
	fs_run_cancel(r->h);
	r->h = NULL;
	a->busy--;
	fs_run_result_free(&r->rows);
}

void fs_edrun_free(fs_app *a, fs_edrun *r)
{
	if (!r)
		return;
	cancel(a, r);
	fs_run_result_free(&r->rows);
	if (r->timer >= 0) {
		fs_app_unwatch(a, r->timer);
		close(r->timer);
	}
	fs_lines_free(&r->exc);
	fs_lines_free(&r->lines);
	fs_ref_clear(&r->ref);
	free(r);
}

const fs_lines *fs_edrun_lines(const fs_edrun *r)
{
	return &r->lines;
}

const char *fs_edrun_exc_at(const fs_edrun *r, unsigned line)
{
	for (size_t i = 0; r && i < r->exc.n; i++)
		if (r->exc.v[i].ref == line)
			return r->exc.v[i].text;
	return NULL;
}

/* ---- what to run ------------------------------------------------------------ */

static const char *kid_text(fs_obj *o, fs_fn_type t)
{
	for (size_t i = 0; i < o->nkids; i++)
		if (o->kids[i]->kind == FS_K_FUNCTION && o->kids[i]->fn == t)
			return fs_fn_text(o->kids[i]);
	return NULL;
}

static void target_free(struct target *t)
{
	free(t->name);
	free(t->samples);
}

/* Fills t; a message for the panel when the function cannot run. */
static const char *target_of(fs_obj *fn, struct target *t)
{
	fs_obj *ddoc = fs_obj_up(fn, FS_K_DDOC), *conn = fs_obj_up(fn, FS_K_CONNECTOR);
	const char *dir = fs_project_dir(fn->project);
	memset(t, 0, sizeof *t);
	if (!conn || !ddoc)
		return "Only the functions of a connector's design documents run on samples";
	t->o.ddoc = fs_ddoc_json(ddoc);
	if ((fn->fn == FS_FN_MAP || fn->fn == FS_FN_REDUCE) && fn->parent && fn->parent->kind == FS_K_VIEW) {
		t->view = fn->parent;
		t->o.kind = FS_RUN_MAP;
		t->o.fn = kid_text(t->view, FS_FN_MAP);
		t->o.reduce = kid_text(t->view, FS_FN_REDUCE);
		if (t->o.reduce && !*t->o.reduce)
			t->o.reduce = NULL;
		t->name = fs_obj_path(t->view);
		t->where = fn->fn == FS_FN_MAP ? "map" : "reduce";
	} else if (fn->fn == FS_FN_FILTER || fn->fn == FS_FN_VALIDATE) {
		t->o.kind = fn->fn == FS_FN_FILTER ? FS_RUN_FILTER : FS_RUN_VALIDATE;
		t->o.fn = fs_fn_text(fn);
		t->name = fs_obj_path(fn);
		t->where = fn->fn == FS_FN_FILTER ? "filter" : "validate";
	} else {
		return "Only maps, reduces, filters and validate_doc_update run on samples";
	}
	t->o.name = t->name;
	t->samples = fs_samples_path(dir ? dir : ".", conn->name);
	return NULL;
}

/* ---- the panel's lines ---------------------------------------------------------- */

static void say(fs_edrun *r, int color, const char *text)
{
	fs_lines_clear(&r->lines);
	fs_lines_clear(&r->exc);
	fs_lines_add(&r->lines, 0, color, NULL, text);
}

static void add_exceptions(fs_edrun *r, const fs_run_result *res, const char *where)
{
	for (size_t i = 0; i < res->nexc; i++) {
		const fs_run_doc_exc *d = &res->exc[i];
		char *t = d->x.line ? fs_xasprintf("%s threw at %s:%d:%d: %s", d->id, d->x.where, d->x.line, d->x.col,
						  d->x.message) :
			fs_xasprintf("%s threw in %s: %s", d->id, d->x.where, d->x.message);
		fs_lines_add(&r->lines, 0, FS_C_ERROR, NULL, t);
		free(t);
		if (d->x.line && !strcmp(d->x.where, where)) {
			char *m = fs_xasprintf("throws on sample %s: %s", d->id, d->x.message);
			fs_lines_add(&r->exc, 0, 0, NULL, m)->ref = d->x.line;
			free(m);
		}
	}
}

static void add_rows(fs_edrun *r, const cJSON *resp)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, fs_json_arr(resp, "rows")) {
		char *k = cJSON_PrintUnformatted(cJSON_GetObjectItem(row, "key"));
		char *v = cJSON_PrintUnformatted(cJSON_GetObjectItem(row, "value"));
		char *t = fs_xasprintf("%s \xe2\x86\x92 %s  (%s)", k, v, fs_json_str(row, "id") ? fs_json_str(row, "id") : "");
		fs_lines_add(&r->lines, 0, FS_C_DEFAULT, NULL, t);
		free(t);
		free(k);
		free(v);
	}
}

/* The rows (and the reduce result, the JSON text of reduced) of a run. */
static void show(fs_edrun *r, const struct target *t, const fs_run_result *res, const char *reduced)
{
	cJSON *resp = cJSON_Parse(res->response ? res->response : "");
	char *head;
	if (t->o.kind == FS_RUN_MAP)
		head = fs_xasprintf("%ld sample%s, %lld row%s, %ld threw", res->docs, res->docs == 1 ? "" : "s",
				    fs_json_int(resp, "total_rows", 0), fs_json_int(resp, "total_rows", 0) == 1 ? "" : "s",
				    res->exc_total);
	else
		head = fs_xasprintf("%ld sample%s: %lld passed, %lld rejected, %ld threw", res->docs,
				    res->docs == 1 ? "" : "s", fs_json_int(resp, "passed", 0),
				    fs_json_int(resp, "rejected", 0), res->exc_total);
	say(r, FS_C_HEADER, head);
	free(head);
	add_exceptions(r, res, t->where);
	if (reduced) {
		char *line = fs_xasprintf("reduce \xe2\x86\x92 %s", reduced);
		fs_lines_add(&r->lines, 0, FS_C_HEADER, NULL, line);
		free(line);
	}
	add_rows(r, resp);
	cJSON_Delete(resp);
}

/* ---- running ------------------------------------------------------------------ */

static void start(fs_app *a, fs_edrun *r, int reducing);

/* The reduce result of the second run: its only row's value. */
static char *reduced_value(const fs_run_result *res)
{
	cJSON *resp = cJSON_Parse(res->response ? res->response : "");
	const cJSON *row = cJSON_GetArrayItem(fs_json_arr(resp, "rows"), 0);
	char *v = row ? cJSON_PrintUnformatted(cJSON_GetObjectItem(row, "value")) : fs_xstrdup("(nothing emitted)");
	cJSON_Delete(resp);
	return v;
}

static void finished(fs_app *a, fs_edrun *r, const struct target *t)
{
	fs_run_result res;
	fs_err e = { 0 };
	int reducing = r->reducing;
	int rc = fs_run_finish(r->h, &res, &e);
	r->h = NULL;
	a->busy--;
	a->redraw = 1;
	if (rc) {
		char *m = fs_xasprintf("Not run: %s", e.msg);
		say(r, FS_C_ERROR, m);
		free(m);
		fs_run_result_free(&r->rows);
		fs_run_result_free(&res);      /* an error may come with parts */
		return;
	}
	if (!reducing && t->o.reduce) {
		r->rows = res;
		start(a, r, 1);
		return;
	}
	if (reducing) {
		char *v = reduced_value(&res);
		show(r, t, &r->rows, v);
		free(v);
		fs_run_result_free(&r->rows);
	} else {
		show(r, t, &res, NULL);
	}
	fs_run_result_free(&res);
}

static void run_ready(fs_app *a, int fd, int revents, void *ctx)
{
	fs_edrun *r = ctx;
	fs_obj *fn = fs_ref_get(a, &r->ref);
	struct target t;
	(void)revents;
	/* a watch list changed by another callback may hand a stale fd */
	if (!r->h || fd != fs_run_fd(r->h) || !fs_run_poll(r->h))
		return;
	fs_app_unwatch(a, fd);
	if (!fn || fn->kind != FS_K_FUNCTION || target_of(fn, &t)) {
		cancel(a, r);
		return;
	}
	finished(a, r, &t);
	target_free(&t);
}

/* Starts the child: the rows first (reduce=false), then, for a view that
 * reduces, the reduce result. Scripted runs have no main loop to wait in:
 * they finish at once. */
static void start(fs_app *a, fs_edrun *r, int reducing)
{
	fs_obj *fn = fs_ref_get(a, &r->ref);
	struct target t;
	fs_couch_view_opts q;
	fs_err e = { 0 };
	const char *why;
	if (!reducing)
		fs_run_result_free(&r->rows);
	if (!fn || fn->kind != FS_K_FUNCTION)
		return;
	if ((why = target_of(fn, &t))) {
		say(r, FS_C_HEADER, why);
		target_free(&t);
		return;
	}
	if (!fs_is_file(t.samples)) {
		char *m = fs_xasprintf("no samples: fsstudio run %s %s --server S --save-samples",
				       fs_project_dir(fn->project) ? fs_project_dir(fn->project) : ".", t.name);
		say(r, FS_C_HEADER, m);
		free(m);
		target_free(&t);
		return;
	}
	fs_couch_view_opts_init(&q);
	if (!reducing) {
		q.reduce = t.o.reduce ? 0 : -1;
		q.limit = ROW_MAX;
	}
	t.o.query = &q;
	r->reducing = reducing;
	if (fs_run_start(&t.o, t.samples, &r->h, &e)) {
		char *m = fs_xasprintf("Not run: %s", e.msg);
		say(r, FS_C_ERROR, m);
		free(m);
		fs_run_result_free(&r->rows);
	} else {
		a->busy++;
		if (a->test_keys) {
			finished(a, r, &t);
		} else {
			fcntl(fs_run_fd(r->h), F_SETFL, fcntl(fs_run_fd(r->h), F_GETFL) | O_NONBLOCK);
			fs_app_watch(a, fs_run_fd(r->h), POLLIN, run_ready, r);
		}
	}
	target_free(&t);
}

static void pause_over(fs_app *a, int fd, int revents, void *ctx)
{
	fs_edrun *r = ctx;
	uint64_t n;
	(void)revents;
	if (fd != r->timer || read(fd, &n, sizeof n) < 0)
		return;
	start(a, r, 0);
}

void fs_edrun_soon(fs_app *a, fs_edrun *r, int proj, const fs_obj *fn)
{
	struct itimerspec t = { .it_value = { 0, RUN_DELAY_MS * 1000000L } };
	char *path = fs_obj_path(fn);
	cancel(a, r);
	if (r->ref.proj != proj || !r->ref.path || strcmp(r->ref.path, path)) {
		fs_ref_clear(&r->ref);
		fs_ref_set(&r->ref, proj, fn);
		say(r, FS_C_HEADER, "Running on the samples...");
	}
	free(path);
	if (r->timer < 0 && (r->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) >= 0)
		fs_app_watch(a, r->timer, POLLIN, pause_over, r);
	if (r->timer < 0 || a->test_keys || timerfd_settime(r->timer, 0, &t, NULL))
		start(a, r, 0);
}
