/* The headless runner of listen_run.h: one thread per listener, each with
 * its own connections (a feed that a stop cancels, and one for queries and
 * checkpoints that finishes the chunk in flight). */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/json.h"
#include "listen/listen_run.h"

extern char **environ;

typedef struct worker {
	fs_listen_runner *r;
	fs_listener *l;
	fs_couch *feed;       /* longpolls; cancelled by a stop */
	fs_couch *work;       /* queries and checkpoints */
	fs_http *target;      /* --target client, NULL for --exec */
	char *ckpt_id;
	char *ckpt_rev;
	cJSON *pos;           /* where the next read starts (owned) */
	pthread_t thread;
} worker;

struct fs_listen_runner {
	fs_listen_run_opts o;
	worker *w;
	size_t n;
	volatile sig_atomic_t stop;
	pthread_mutex_t out_lock;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- Delivery ---- */

static void form_field(fs_buf *b, const char *name, const char *value)
{
	if (b->len)
		fs_buf_addc(b, '&');
	fs_url_encode(b, name);
	fs_buf_addc(b, '=');
	fs_url_encode(b, value);
}

static void deliver_url(const fs_listen_target *t, fs_http *http, const fs_listener *l,
			const cJSON *docs, fs_listen_answer *out)
{
	fs_buf body = FS_BUF_INIT, path = FS_BUF_INIT;
	char *ctx = fs_xasprintf("listener_%s", l->name);
	form_field(&body, "__sequence", l->sequence);
	form_field(&body, "__context", ctx);
	form_field(&body, "__removeContext", "true");
	const cJSON *d;
	cJSON_ArrayForEach(d, docs) {
		char *j = cJSON_PrintUnformatted(d);
		form_field(&body, "doc", j);
		free(j);
	}
	fs_buf_adds(&path, "/projects/");
	fs_url_encode(&path, l->project);
	fs_buf_adds(&path, "/.json");
	fs_http_req req = { "POST", fs_buf_str(&path), fs_buf_str(&body), body.len,
		"application/x-www-form-urlencoded", NULL, t->timeout_ms > 0 ? t->timeout_ms : 60000 };
	fs_http_resp resp = { 0 };
	fs_err e = { 0 };
	if (fs_http_do(http, &req, &resp, &e)) {
		snprintf(out->text, sizeof out->text, "%s", e.msg);
	} else {
		out->ok = resp.status >= 200 && resp.status < 300;
		snprintf(out->text, sizeof out->text, "HTTP %ld", resp.status);
	}
	fs_http_resp_free(&resp);
	free(ctx);
	fs_buf_free(&body);
	fs_buf_free(&path);
}

/* The environment of the command: ours plus the three FSSTUDIO_ variables. */
static char **exec_env(const fs_listener *l, const cJSON *seq)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = fs_xcalloc(n + 4, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "FSSTUDIO_LISTENER=", 18) && strncmp(environ[i], "FSSTUDIO_DB=", 12) &&
		    strncmp(environ[i], "FSSTUDIO_SEQ=", 13))
			env[k++] = fs_xstrdup(environ[i]);
	char *s = cJSON_IsString(seq) ? fs_xstrdup(seq->valuestring) : cJSON_PrintUnformatted(seq);
	env[k++] = fs_xasprintf("FSSTUDIO_LISTENER=%s", l->name);
	env[k++] = fs_xasprintf("FSSTUDIO_DB=%s", l->db);
	env[k++] = fs_xasprintf("FSSTUDIO_SEQ=%s", s ? s : "");
	free(s);
	return env;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;        /* the command did not read it all: its exit decides */
		p += w;
		n -= w;
	}
}

static void deliver_exec(const fs_listen_target *t, const fs_listener *l, const cJSON *docs,
			 const cJSON *seq, fs_listen_answer *out)
{
	char **env = exec_env(l, seq);
	char *text = cJSON_PrintUnformatted(docs);
	int fd[2] = { -1, -1 };
	pid_t pid = -1;
	/* close-on-exec: another listener's command must not inherit this pipe
	 * (it would keep our command's stdin open) */
	if (pipe2(fd, O_CLOEXEC) == 0 && (pid = fork()) == 0) {
		/* its own process group: a Ctrl-C meant for us must not kill the
		 * chunk in flight */
		setpgid(0, 0);
		dup2(fd[0], 0);
		dup2(2, 1);    /* its output goes with our log, not into --json */
		execle("/bin/sh", "sh", "-c", t->exec, (char *)NULL, env);
		_exit(127);
	}
	if (pid < 0) {
		snprintf(out->text, sizeof out->text, "cannot run the command: %s", strerror(errno));
		if (fd[0] >= 0) {
			close(fd[0]);
			close(fd[1]);
		}
	} else {
		close(fd[0]);
		write_all(fd[1], text, strlen(text));
		close(fd[1]);
		int st = 0;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		out->ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		if (WIFEXITED(st))
			snprintf(out->text, sizeof out->text, "exit %d", WEXITSTATUS(st));
		else
			snprintf(out->text, sizeof out->text, "killed by signal %d", WTERMSIG(st));
	}
	free(text);
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
}

void fs_listen_deliver(const fs_listen_target *t, fs_http *http, const fs_listener *l,
		       const cJSON *docs, const cJSON *seq, fs_listen_answer *out)
{
	memset(out, 0, sizeof *out);
	if (t->url)
		deliver_url(t, http, l, docs, out);
	else
		deliver_exec(t, l, docs, seq, out);
}

/* ---- Log and events ---- */

static char *seq_text(const cJSON *seq)
{
	return cJSON_IsString(seq) ? fs_xstrdup(seq->valuestring)
				   : seq ? cJSON_PrintUnformatted(seq) : fs_xstrdup("?");
}

/* One line on stderr, and with --json one event on stdout. */
static void report(worker *w, const char *event, const fs_listen_chunk *k, const char *answer,
		   double secs, long retry_ms)
{
	fs_listen_runner *r = w->r;
	char *seq = seq_text(k ? k->seq : w->pos);
	fs_buf ids = FS_BUF_INIT;
	int nids = k ? cJSON_GetArraySize(k->ids) : 0;
	for (int i = 0; i < nids && i < 5; i++)
		fs_buf_printf(&ids, "%s%s", i ? " " : "", cJSON_GetArrayItem(k->ids, i)->valuestring);
	if (nids > 5)
		fs_buf_printf(&ids, " +%d more", nids - 5);
	pthread_mutex_lock(&r->out_lock);
	if (k)
		fprintf(stderr, "listener %s: seq %s: %d changes [%s], %d documents: %s%s%s (%.3f s)%s\n",
			w->l->name, seq, nids, fs_buf_str(&ids), cJSON_GetArraySize(k->docs), event,
			answer ? ", " : "", answer ? answer : "", secs, retry_ms ? ", retrying" : "");
	else
		fprintf(stderr, "listener %s: seq %s: %s%s%s\n", w->l->name, seq, event,
			answer ? ": " : "", answer ? answer : "");
	if (r->o.json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "event", event);
		cJSON_AddStringToObject(j, "listener", w->l->name);
		cJSON_AddItemToObject(j, "seq", cJSON_Duplicate(k ? k->seq : w->pos, 1));
		if (k) {
			cJSON_AddItemToObject(j, "ids", cJSON_Duplicate(k->ids, 1));
			cJSON_AddNumberToObject(j, "documents", cJSON_GetArraySize(k->docs));
			cJSON_AddNumberToObject(j, "seconds", secs);
		}
		if (answer)
			cJSON_AddStringToObject(j, "answer", answer);
		if (retry_ms)
			cJSON_AddNumberToObject(j, "retry_ms", retry_ms);
		char *t = cJSON_PrintUnformatted(j);
		printf("%s\n", t);
		fflush(stdout);
		free(t);
		cJSON_Delete(j);
	}
	pthread_mutex_unlock(&r->out_lock);
	free(seq);
	fs_buf_free(&ids);
}

/* Sleeps ms, waking early on a stop; doubles *ms up to the cap. */
static void backoff(worker *w, long *ms)
{
	long cap = w->r->o.retry_max_ms > 0 ? w->r->o.retry_max_ms : 30000;
	for (long slept = 0; slept < *ms && !w->r->stop; slept += 50)
		usleep(50000);
	*ms = *ms * 2 > cap ? cap : *ms * 2;
}

/* ---- Checkpoints ---- */

static int ckpt_load(worker *w, fs_err *e)
{
	cJSON *doc = NULL;
	int rc = fs_couch_doc_get(w->work, w->l->db, w->ckpt_id, NULL, &doc, e);
	if (rc == FS_E_NOTFOUND) {
		fs_err_clear(e);
		return FS_E_NOTFOUND;
	}
	if (rc)
		return rc;
	w->ckpt_rev = fs_xstrdup(fs_json_str(doc, "_rev"));
	w->pos = cJSON_DetachItemFromObject(doc, "seq");
	cJSON_Delete(doc);
	return 0;
}

static int ckpt_put(worker *w, fs_err *e)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "_id", w->ckpt_id);
	if (w->ckpt_rev)
		cJSON_AddStringToObject(doc, "_rev", w->ckpt_rev);
	cJSON_AddItemToObject(doc, "seq", cJSON_Duplicate(w->pos, 1));
	cJSON_AddStringToObject(doc, "listener", w->l->name);
	cJSON_AddStringToObject(doc, "class", fs_listen_class_name(w->l->cls));
	cJSON_AddNumberToObject(doc, "time", (double)time(NULL));
	char *rev = NULL;
	int rc = fs_couch_doc_put(w->work, w->l->db, doc, &rev, e);
	cJSON_Delete(doc);
	if (!rc) {
		free(w->ckpt_rev);
		w->ckpt_rev = rev;
	}
	return rc;
}

/* Saves the position; another runner's write in between is taken over. */
static int ckpt_save(worker *w)
{
	fs_err e = { 0 };
	int rc = ckpt_put(w, &e);
	if (rc == FS_E_CONFLICT) {
		cJSON *doc = NULL;
		if (!fs_couch_doc_get(w->work, w->l->db, w->ckpt_id, NULL, &doc, &e)) {
			free(w->ckpt_rev);
			w->ckpt_rev = fs_xstrdup(fs_json_str(doc, "_rev"));
		}
		cJSON_Delete(doc);
		rc = ckpt_put(w, &e);
	}
	if (rc)
		report(w, "checkpoint not saved", NULL, e.msg, 0, 0);
	return rc;
}

/* First run: a concrete position from --since (now: the current end). */
static int start_pos(worker *w, fs_err *e)
{
	const fs_listen_run_opts *o = &w->r->o;
	if (!o->since_now) {
		w->pos = o->since ? cJSON_Duplicate(o->since, 1) : cJSON_CreateNumber(0);
		return 0;
	}
	fs_listen_batch now;
	fs_listen_range r = { .since_now = 1, .limit = 1 };
	int rc = fs_listen_read(w->work, w->l->db, &r, &now, e);
	if (!rc)
		w->pos = cJSON_Duplicate(now.last_seq, 1);
	fs_listen_batch_free(&now);
	return rc;
}

/* ---- The loop ---- */

static void set_pos(worker *w, const cJSON *seq)
{
	cJSON_Delete(w->pos);
	w->pos = cJSON_Duplicate(seq, 1);
}

/* Delivers one chunk until it is delivered or a stop; 1 when delivered. */
static int deliver_chunk(worker *w, const fs_listen_chunk *k)
{
	long wait = 500;
	for (;;) {
		fs_listen_answer a;
		double t0 = now_s();
		fs_listen_deliver(&w->r->o.target, w->target, w->l, k->docs, k->seq, &a);
		if (a.ok) {
			report(w, "delivered", k, a.text, now_s() - t0, 0);
			return 1;
		}
		report(w, "delivery failed", k, a.text, now_s() - t0, wait);
		if (w->r->stop)
			return 0;
		backoff(w, &wait);
		if (w->r->stop)
			return 0;
	}
}

/* Matches and delivers a batch read from w->pos; moves w->pos as far as
 * everything before it is delivered. 0 when the whole batch is done. */
static int run_batch(worker *w, fs_listen_batch *b)
{
	fs_listen_chunks cs;
	fs_err e = { 0 };
	if (fs_listen_match(w->work, w->l, b, w->pos, &cs, &e)) {
		report(w, "query failed", NULL, e.msg, 0, 0);
		return -1;
	}
	int dirty = 0, rc = 0;
	for (size_t i = 0; i < cs.n && !rc; i++) {
		fs_listen_chunk *k = &cs.v[i];
		if (!cJSON_GetArraySize(k->docs)) {
			report(w, "no match", k, NULL, 0, 0);
			set_pos(w, k->seq);
			dirty = 1;
		} else if (deliver_chunk(w, k)) {
			set_pos(w, k->seq);
			dirty = ckpt_save(w) != 0;
		} else {
			rc = -1;
		}
		if (w->r->stop && i + 1 < cs.n)
			rc = -1;
	}
	if (!rc && b->last_seq && !fs_json_equal(b->last_seq, w->pos, NULL)) {
		set_pos(w, b->last_seq);
		dirty = 1;
	}
	if (dirty)
		ckpt_save(w);
	fs_listen_chunks_free(&cs);
	return rc;
}

static long batch_size(const fs_listener *l)
{
	long n = 500 / l->chunk;
	return l->chunk * (n > 0 ? n : 1);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	long wait = 500, qwait = 500;
	report(w, "following", NULL, NULL, 0, 0);
	while (!w->r->stop) {
		fs_listen_batch b;
		fs_err e = { 0 };
		fs_listen_range r = { .since = w->pos, .limit = batch_size(w->l), .longpoll = 1,
			.timeout_ms = w->r->o.poll_ms > 0 ? w->r->o.poll_ms : 30000 };
		if (fs_listen_read(w->feed, w->l->db, &r, &b, &e)) {
			if (w->r->stop)
				break;
			report(w, "feed failed", NULL, e.msg, 0, wait);
			backoff(w, &wait);
			continue;
		}
		/* a batch that failed (a query, a delivery) is read again after
		 * a backoff of its own */
		if (b.n && run_batch(w, &b) && !w->r->stop)
			backoff(w, &qwait);
		else
			qwait = 500;
		wait = 500;
		fs_listen_batch_free(&b);
	}
	report(w, "stopped", NULL, NULL, 0, 0);
	return NULL;
}

/* ---- The runner ---- */

fs_listen_runner *fs_listen_runner_new(fs_couch *c, fs_listener *ls, size_t n, const fs_listen_run_opts *o)
{
	fs_listen_runner *r = fs_xcalloc(1, sizeof *r);
	r->o = *o;
	r->n = n;
	r->w = fs_xcalloc(n, sizeof *r->w);
	pthread_mutex_init(&r->out_lock, NULL);
	for (size_t i = 0; i < n; i++) {
		worker *w = &r->w[i];
		w->r = r;
		w->l = &ls[i];
		w->feed = fs_couch_clone(c);
		w->work = fs_couch_clone(c);
		w->ckpt_id = fs_listener_checkpoint_id(&ls[i], o->project);
		if (o->target.http) {
			w->target = fs_http_clone(o->target.http);
		} else if (o->target.url) {
			fs_http_opts ho = { .url = o->target.url };
			w->target = fs_http_new(&ho, NULL);
		}
	}
	return r;
}

/* Reads (or makes) each listener's position before any thread starts, so a
 * bad database or target is said at once. */
static int prepare(worker *w, fs_err *e)
{
	if (w->r->o.target.url && !w->target)
		return fs_err_set(e, FS_E_INVALID, "--target %s is not an http(s) URL", w->r->o.target.url);
	int rc = ckpt_load(w, e);
	if (rc == FS_E_NOTFOUND) {
		rc = start_pos(w, e);
		if (!rc && ckpt_put(w, e))
			rc = e->code;
	}
	if (rc)
		fs_err_prefix(e, "listener %s", w->l->name);
	return rc;
}

int fs_listen_runner_run(fs_listen_runner *r, fs_err *e)
{
	for (size_t i = 0; i < r->n; i++)
		if (prepare(&r->w[i], e))
			return e->code;
	size_t started = 0;
	while (started < r->n && !pthread_create(&r->w[started].thread, NULL, worker_main, &r->w[started]))
		started++;
	if (started < r->n)
		fs_listen_runner_stop(r);
	for (size_t i = 0; i < started; i++)
		pthread_join(r->w[i].thread, NULL);
	if (started < r->n)
		return fs_err_set(e, FS_E_NOMEM, "cannot start a thread per listener");
	return 0;
}

void fs_listen_runner_stop(fs_listen_runner *r)
{
	r->stop = 1;
	for (size_t i = 0; i < r->n; i++)
		fs_http_cancel(fs_couch_http(r->w[i].feed));
}

void fs_listen_runner_free(fs_listen_runner *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		worker *w = &r->w[i];
		fs_couch_free(w->feed);
		fs_couch_free(w->work);
		fs_http_free(w->target);
		free(w->ckpt_id);
		free(w->ckpt_rev);
		cJSON_Delete(w->pos);
	}
	pthread_mutex_destroy(&r->out_lock);
	free(r->w);
	free(r);
}
