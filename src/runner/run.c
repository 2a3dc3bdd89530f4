/* A run in a child process (see run.h). The child writes one line of JSON
 * (counts, exceptions, log, or the error that stopped it) then the
 * response; the parent reads both and the child's exit status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "base/json.h"
#include "base/spawn.h"
#include "runner/docsrc.h"
#include "runner/reduce.h"
#include "runner/run.h"
#include "runner/view.h"

/* What the child is doing, shared with the parent: when the timer kills
 * the child, this names the document. */
typedef struct run_state {
	char stage[16];      /* "map", "reduce", "filter", "validate" */
	char id[512];
} run_state;

/* The child's exit status when the JavaScript heap reached its cap. */
#define EXIT_HEAP_CAP 86

typedef struct child {
	const fs_run_opts *o;
	run_state *st;
	double seconds;
	fs_engine *en;
	int fn, rfn;
	cJSON *exc;          /* array of the first FS_RUN_MAX_EXC */
	long exc_total, docs, rows, passed, rejected;
	fs_buf log;
} child;

static const char *stage_of(fs_run_kind k)
{
	return k == FS_RUN_FILTER ? "filter" : k == FS_RUN_VALIDATE ? "validate" : "map";
}

/* ---- The child ---- */

static void timer_arm(void *ctx)
{
	child *c = ctx;
	struct itimerval t = { { 0, 0 }, { (time_t)c->seconds, (suseconds_t)((c->seconds - (time_t)c->seconds) * 1e6) } };
	setitimer(ITIMER_PROF, &t, NULL);
}

static void timer_stop(void *ctx)
{
	struct itimerval t = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_PROF, &t, NULL);
}

static void note_exc(child *c, const char *id, fs_run_exc *x)
{
	if (c->exc_total++ < FS_RUN_MAX_EXC) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", id);
		cJSON_AddStringToObject(j, "message", x->message ? x->message : "");
		cJSON_AddNumberToObject(j, "line", x->line);
		cJSON_AddNumberToObject(j, "column", x->col);
		cJSON_AddStringToObject(j, "where", x->where ? x->where : "");
		cJSON_AddItemToArray(c->exc, j);
	}
	fs_run_exc_free(x);
}

static void take_log(child *c)
{
	char *l = fs_engine_take_log(c->en);
	if (l && c->log.len < (1 << 20)) {
		fs_buf_adds(&c->log, l);
		fs_buf_addc(&c->log, '\n');
	}
	free(l);
}

/* The arguments of a filter or a validate_doc_update for one document:
 * an anonymous request and user, as a replication or a write by an
 * unauthenticated client would give. */
static char *call_args(fs_run_kind k, const char *doc)
{
	if (k == FS_RUN_FILTER)
		return fs_xasprintf("[%s,{\"query\":{},\"userCtx\":{\"db\":\"\",\"name\":null,\"roles\":[]},"
				    "\"method\":\"GET\",\"headers\":{},\"body\":\"undefined\"}]", doc);
	return fs_xasprintf("[%s,null,{\"db\":\"\",\"name\":null,\"roles\":[]},{}]", doc);
}

/* One document through the function. Returns non-zero when the run must
 * stop (the heap reached its cap). */
static enum fs_err_code one_doc(child *c, fs_vrows *rows, const char *text, const char *id, fs_err *e)
{
	fs_buf out = FS_BUF_INIT;
	fs_run_exc x;
	int rc;
	snprintf(c->st->id, sizeof c->st->id, "%s", id);
	c->docs++;
	timer_arm(c);
	if (c->o->kind == FS_RUN_MAP) {
		rc = fs_engine_map(c->en, c->fn, text, &out, &x);
	} else {
		char *args = call_args(c->o->kind, text);
		rc = c->o->kind == FS_RUN_FILTER ? fs_engine_filter(c->en, c->fn, args, &out, &x)
			: fs_engine_validate(c->en, c->fn, args, &out, &x);
		free(args);
	}
	timer_stop(c);
	take_log(c);
	if (rc && fs_engine_out_of_memory(c->en)) {
		fs_run_exc_free(&x);
		fs_buf_free(&out);
		return fs_err_set(e, FS_E_NOMEM, "the %s of %s did not finish on document %s: it used more than %zu MB",
				  stage_of(c->o->kind), c->o->name, id,
				  c->o->memory_mb ? c->o->memory_mb : (size_t)FS_RUN_MEMORY_MB);
	}
	if (rc) {
		note_exc(c, id, &x);
		rc = 0;
	} else if (c->o->kind == FS_RUN_MAP) {
		size_t before = fs_vrows_count(rows);
		rc = fs_vrows_add(rows, id, out.data, text, e);
		c->rows += fs_vrows_count(rows) - before;
	} else if (!strcmp(out.data, "true") || strstr(out.data, "\"ok\":true")) {
		c->passed++;
	} else {
		c->rejected++;
	}
	fs_buf_free(&out);
	return rc;
}

/* Design documents go to a map only when the design document asks for
 * them (options.include_design), as in CouchDB; deleted ones never. */
static int skip_doc(const child *c, const cJSON *doc, const char *id)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "_deleted")) || !strncmp(id, "_local/", 7))
		return 1;
	if (strncmp(id, "_design/", 8))
		return 0;
	return c->o->kind == FS_RUN_MAP &&
	       !cJSON_IsTrue(fs_json_path(c->o->ddoc, "options.include_design"));
}

static enum fs_err_code read_docs(child *c, fs_vrows *rows, const char *path, fs_err *e)
{
	fs_docsrc s;
	int rc = fs_docsrc_open(&s, path, e);
	while (!rc && (rc = fs_docsrc_next(&s, e)) == 1) {
		cJSON *doc = cJSON_ParseWithLength(s.doc.data, s.doc.len);
		const char *id = fs_json_str(doc, "_id");
		char num[32];
		rc = 0;
		if (!doc) {
			rc = fs_err_set(e, FS_E_PARSE, "%s: document %ld is not valid JSON", s.label, s.n);
		} else {
			if (!id)
				snprintf(num, sizeof num, "#%ld", s.n), id = num;
			if (!skip_doc(c, doc, id))
				rc = one_doc(c, rows, s.doc.data, id, e);
		}
		cJSON_Delete(doc);
	}
	fs_docsrc_close(&s);
	return rc > 0 ? 0 : rc;
}

static enum fs_err_code compile_all(child *c, fs_err *e)
{
	const fs_run_opts *o = c->o;
	const char *label = stage_of(o->kind);
	c->rfn = -1;
	if ((c->fn = fs_engine_compile(c->en, o->fn ? o->fn : "", label, e)) < 0)
		return fs_err_prefix(e, "%s", o->name);
	if (o->kind == FS_RUN_MAP && o->reduce && !fs_reduce_is_builtin(o->reduce)) {
		if (o->reduce[0] == '_')
			return fs_err_set(e, FS_E_INVALID, "%s: unknown built-in reduce '%s'", o->name, o->reduce);
		if ((c->rfn = fs_engine_compile(c->en, o->reduce, "reduce", e)) < 0)
			return fs_err_prefix(e, "%s", o->name);
	}
	return 0;
}

static void reduce_before(void *ctx)
{
	child *c = ctx;
	snprintf(c->st->stage, sizeof c->st->stage, "reduce");
	timer_arm(ctx);
}

static enum fs_err_code answer(child *c, fs_vrows *rows, fs_buf *out, fs_err *e)
{
	const fs_run_opts *o = c->o;
	fs_couch_view_opts dq;
	fs_run_exc rx = { 0 };
	if (o->kind != FS_RUN_MAP) {
		fs_buf_printf(out, "{\"passed\":%ld,\"rejected\":%ld}\n", c->passed, c->rejected);
		return 0;
	}
	fs_reducer r = { o->reduce && fs_reduce_is_builtin(o->reduce) ? o->reduce : NULL, c->en, c->rfn,
			 &rx, reduce_before, timer_stop, c };
	if (!o->query)
		fs_couch_view_opts_init(&dq);
	int rc = fs_vrows_query(rows, o->query ? o->query : &dq, o->reduce ? &r : NULL, out, e);
	fs_run_exc_free(&rx);
	if (rc)
		fs_err_prefix(e, "%s", o->name);
	return rc;
}

static void child_main(const fs_run_opts *o, const char *path, run_state *st, int fd)
{
	child c = { .o = o, .st = st, .exc = cJSON_CreateArray() };
	struct rlimit no_core = { 0, 0 };
	fs_err e = { 0 };
	fs_buf resp = FS_BUF_INIT;
	fs_vrows *rows = fs_vrows_new(o->query && o->query->include_docs == 1);
	sigset_t prof;
	setrlimit(RLIMIT_CORE, &no_core);
	/* the timer's signal must end the child, whatever the studio did with it */
	signal(SIGPROF, SIG_DFL);
	sigemptyset(&prof);
	sigaddset(&prof, SIGPROF);
	sigprocmask(SIG_UNBLOCK, &prof, NULL);
	c.seconds = o->seconds > 0 ? o->seconds : FS_RUN_SECONDS;
	snprintf(st->stage, sizeof st->stage, "%s", stage_of(o->kind));
	c.en = fs_engine_new(o->ddoc, (o->memory_mb ? o->memory_mb : FS_RUN_MEMORY_MB) << 20, &e);
	if (c.en)
		fs_engine_exit_on_cap(c.en, EXIT_HEAP_CAP);
	int rc = c.en ? compile_all(&c, &e) : e.code;
	if (!rc)
		rc = read_docs(&c, rows, path, &e);
	if (!rc)
		rc = answer(&c, rows, &resp, &e);
	cJSON *meta = cJSON_CreateObject();
	cJSON_AddNumberToObject(meta, "docs", c.docs);
	cJSON_AddNumberToObject(meta, "rows", c.rows);
	cJSON_AddNumberToObject(meta, "exc_total", c.exc_total);
	cJSON_AddItemToObject(meta, "exceptions", c.exc);
	if (c.log.len)
		cJSON_AddStringToObject(meta, "log", c.log.data);
	if (rc) {
		cJSON_AddNumberToObject(meta, "code", rc);
		cJSON_AddStringToObject(meta, "error", e.msg);
	}
	char *m = cJSON_PrintUnformatted(meta);
	fs_write_all(fd, m, strlen(m));
	fs_write_all(fd, "\n", 1);
	if (!rc)
		fs_write_all(fd, resp.data, resp.len);
	_exit(0);
}

/* ---- The parent ---- */

static int read_all(int fd, fs_buf *b)
{
	char tmp[65536];
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		fs_buf_add(b, tmp, n);
	}
}

static enum fs_err_code child_died(const fs_run_opts *o, const run_state *st, int status, fs_err *e)
{
	double secs = o->seconds > 0 ? o->seconds : FS_RUN_SECONDS;
	char stage[16], id[512];
	snprintf(stage, sizeof stage, "%s", st->stage);
	snprintf(id, sizeof id, "%s", st->id);
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (sig == SIGPROF || sig == SIGXCPU) {
		if (!strcmp(stage, "reduce"))
			return fs_err_set(e, FS_E_TIMEOUT, "the reduce of %s did not finish within %g s", o->name, secs);
		return fs_err_set(e, FS_E_TIMEOUT, "the %s of %s did not finish within %g s on document %s",
				  stage, o->name, secs, id);
	}
	if (!sig && WEXITSTATUS(status) == EXIT_HEAP_CAP)
		return fs_err_set(e, FS_E_NOMEM, "the %s of %s did not finish on document %s: it used more than %zu MB",
				  stage, o->name, id, o->memory_mb ? o->memory_mb : (size_t)FS_RUN_MEMORY_MB);
	if (sig == SIGKILL)
		return fs_err_set(e, FS_E_NOMEM, "the %s of %s was killed (out of memory?) on document %s",
				  stage, o->name, id);
	return fs_err_set(e, FS_E_JS, "the local runner stopped (%s %d) in the %s of %s on document %s",
			  sig ? "signal" : "exit status", sig ? sig : WEXITSTATUS(status), stage, o->name, id);
}

static enum fs_err_code parse_meta(const char *text, size_t len, fs_run_result *out, fs_err *e)
{
	cJSON *m = cJSON_ParseWithLength(text, len), *x;
	if (!m)
		return fs_err_set(e, FS_E_PARSE, "the local runner's answer is not JSON");
	out->docs = fs_json_int(m, "docs", 0);
	out->rows = fs_json_int(m, "rows", 0);
	out->exc_total = fs_json_int(m, "exc_total", 0);
	if (fs_json_str(m, "log"))
		out->log = fs_xstrdup(fs_json_str(m, "log"));
	out->exc = fs_xcalloc(cJSON_GetArraySize(fs_json_arr(m, "exceptions")) + 1, sizeof *out->exc);
	cJSON_ArrayForEach(x, fs_json_arr(m, "exceptions")) {
		fs_run_doc_exc *d = &out->exc[out->nexc++];
		d->id = fs_xstrdup(fs_json_str(x, "id") ? fs_json_str(x, "id") : "");
		d->x.message = fs_xstrdup(fs_json_str(x, "message") ? fs_json_str(x, "message") : "");
		d->x.where = fs_xstrdup(fs_json_str(x, "where") ? fs_json_str(x, "where") : "");
		d->x.line = (int)fs_json_int(x, "line", 0);
		d->x.col = (int)fs_json_int(x, "column", 0);
	}
	int rc = 0;
	if (fs_json_str(m, "error"))
		rc = fs_err_set(e, (int)fs_json_int(m, "code", FS_E_JS), "%s", fs_json_str(m, "error"));
	cJSON_Delete(m);
	return rc;
}

/* A run under way: what the parent needs to read and judge its end. */
struct fs_run_handle {
	pid_t pid;
	int fd;
	run_state *st;
	fs_buf out;
	int eof;
	fs_run_opts o;           /* name, seconds and memory_mb for messages */
	char *name;
};

static void handle_free(fs_run_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	munmap(h->st, sizeof *h->st);
	fs_buf_free(&h->out);
	free(h->name);
	free(h);
}

enum fs_err_code fs_run_start(const fs_run_opts *o, const char *docs, fs_run_handle **out, fs_err *e)
{
	int fds[2];
	*out = NULL;
	run_state *st = mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return fs_err_set(e, FS_E_NOMEM, "cannot share memory with the runner: %s", strerror(errno));
	memset(st, 0, sizeof *st);
	if (pipe(fds)) {
		munmap(st, sizeof *st);
		return fs_err_set(e, FS_E_IO, "cannot start the runner: %s", strerror(errno));
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_main(o, docs, st, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		munmap(st, sizeof *st);
		return fs_err_set(e, FS_E_IO, "cannot start the runner: %s", strerror(errno));
	}
	fs_run_handle *h = fs_xcalloc(1, sizeof *h);
	h->pid = pid;
	h->fd = fds[0];
	h->st = st;
	h->o = *o;
	h->name = fs_xstrdup(o->name ? o->name : "");
	h->o.name = h->name;
	h->o.fn = h->o.reduce = NULL;
	h->o.ddoc = NULL;
	h->o.query = NULL;
	*out = h;
	return 0;
}

int fs_run_fd(const fs_run_handle *h)
{
	return h->fd;
}

int fs_run_poll(fs_run_handle *h)
{
	char tmp[65536];
	while (!h->eof) {
		ssize_t n = read(h->fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			h->eof = 1;
		else
			fs_buf_add(&h->out, tmp, n);
		if (n > 0 && n < (ssize_t)sizeof tmp)
			return 0;
	}
	return 1;
}

enum fs_err_code fs_run_finish(fs_run_handle *h, fs_run_result *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	if (!h->eof)
		read_all(h->fd, &h->out);
	int status = 0;
	struct rusage ru = { 0 };
	while (wait4(h->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	out->peak_kb = ru.ru_maxrss;
	int rc;
	fs_buf *b = &h->out;
	char *nl = memchr(b->data ? b->data : "", '\n', b->len);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !nl) {
		rc = child_died(&h->o, h->st, status, e);
	} else {
		rc = parse_meta(b->data, nl - b->data, out, e);
		if (!rc)
			out->response = fs_xstrdup(nl + 1);
	}
	handle_free(h);
	return rc;
}

void fs_run_cancel(fs_run_handle *h)
{
	if (!h)
		return;
	kill(h->pid, SIGKILL);
	fs_wait_child(h->pid, NULL);
	handle_free(h);
}

enum fs_err_code fs_run(const fs_run_opts *o, const char *docs, fs_run_result *out, fs_err *e)
{
	fs_run_handle *h;
	memset(out, 0, sizeof *out);
	int rc = fs_run_start(o, docs, &h, e);
	return rc ? rc : fs_run_finish(h, out, e);
}

void fs_run_result_free(fs_run_result *r)
{
	free(r->response);
	for (size_t i = 0; i < r->nexc; i++) {
		free(r->exc[i].id);
		fs_run_exc_free(&r->exc[i].x);
	}
	free(r->exc);
	free(r->log);
	memset(r, 0, sizeof *r);
}
