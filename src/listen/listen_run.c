/* The headless runner of listen_run.h: one thread per listener, each with
 * its own connections (a feed that a stop cancels, one for queries, and one
 * for the checkpoints, written by a thread of their own while the next
 * chunks are delivered), and with --parallel helper threads per batch. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/json.h"
#include "base/spawn.h"
#include "listen/listen_run.h"

extern char **environ;

typedef struct worker {
	fs_listen_runner *r;
	fs_listener *l;
	fs_couch *feed;       /* longpolls; cancelled by a stop */
	fs_couch *work;       /* queries */
	fs_couch *ckc;        /* checkpoints, written by their own thread */
	fs_http *target;      /* --target client, NULL for --exec */
	/* --stream: one command per flight slot (this thread is slot 0, the
	 * --parallel helpers 1..), kept across batches: the helper threads
	 * come and go per batch, the processes must not */
	fs_listen_stream **streams;
	size_t nstreams;
	char *ckpt_id;
	char *ckpt_rev;
	cJSON *pos;           /* where the next read starts (owned) */
	pthread_t thread;
	/* The checkpoint writer: the worker posts the position after each
	 * delivery and goes on with the next chunk while it is written; posts
	 * that come during a write are merged into the next one. */
	pthread_t ck_thread;
	pthread_mutex_t ck_lock;
	pthread_cond_t ck_cond;
	cJSON *ck_want;       /* the position to write next (owned), or NULL */
	int ck_quit;
} worker;

struct fs_listen_runner {
	fs_listen_run_opts o;
	worker *w;
	size_t n;
	/* set by a signal handler in one thread, read by every other: an
	 * atomic (lock-free, so async-signal-safe), not a sig_atomic_t, which
	 * is only for the handler's own thread */
	_Atomic int stop;
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

char **fs_listen_env(const fs_listener *l, const cJSON *seq)
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
	env[k++] = fs_xasprintf("FSSTUDIO_LISTENER=%s", l->name);
	env[k++] = fs_xasprintf("FSSTUDIO_DB=%s", l->db);
	if (seq) {
		char *s = cJSON_IsString(seq) ? fs_xstrdup(seq->valuestring) : cJSON_PrintUnformatted(seq);
		env[k++] = fs_xasprintf("FSSTUDIO_SEQ=%s", s ? s : "");
		free(s);
	}
	return env;
}

void fs_listen_env_free(char **env)
{
	for (char **p = env; p && *p; p++)
		free(*p);
	free(env);
}

static void deliver_exec(const fs_listen_target *t, const fs_listener *l, const cJSON *docs,
			 const cJSON *seq, fs_listen_answer *out)
{
	char **env = fs_listen_env(l, seq);
	char *text = cJSON_PrintUnformatted(docs);
	/* its output goes with our log, not into --json; its own process
	 * group: a Ctrl-C meant for us must not kill the chunk in flight */
	fs_spawn_opts so = { .cmd = t->exec, .env = env, .in = text, .in_len = strlen(text),
		.out_fd = 2, .new_group = 1 };
	int st = 0;
	fs_err e = { 0 };
	if (fs_spawn_run(&so, &st, &e))
		snprintf(out->text, sizeof out->text, "%s", e.msg);
	else if (WIFEXITED(st))
		snprintf(out->text, sizeof out->text, "exit %d", WEXITSTATUS(st));
	else
		snprintf(out->text, sizeof out->text, "killed by signal %d", WTERMSIG(st));
	out->ok = !e.code && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	free(text);
	fs_listen_env_free(env);
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

/* One line on stderr, and with --json one event on stdout; at is the
 * position it is about when there is no chunk. */
static void report_at(worker *w, const char *event, const fs_listen_chunk *k, const cJSON *at,
		      const char *answer, double secs, long retry_ms)
{
	fs_listen_runner *r = w->r;
	char *seq = seq_text(k ? k->seq : at);
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
		cJSON_AddItemToObject(j, "seq", cJSON_Duplicate(k ? k->seq : at, 1));
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

static void report(worker *w, const char *event, const fs_listen_chunk *k, const char *answer,
		   double secs, long retry_ms)
{
	/* about a chunk, the position is not read: --parallel threads move it */
	report_at(w, event, k, k ? NULL : w->pos, answer, secs, retry_ms);
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

static enum fs_err_code ckpt_load(worker *w, fs_err *e)
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

static enum fs_err_code ckpt_put(worker *w, fs_couch *c, const cJSON *seq, fs_err *e)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "_id", w->ckpt_id);
	if (w->ckpt_rev)
		cJSON_AddStringToObject(doc, "_rev", w->ckpt_rev);
	cJSON_AddItemToObject(doc, "seq", cJSON_Duplicate(seq, 1));
	cJSON_AddStringToObject(doc, "listener", w->l->name);
	cJSON_AddStringToObject(doc, "class", fs_listen_class_name(w->l->cls));
	cJSON_AddNumberToObject(doc, "time", (double)time(NULL));
	char *rev = NULL;
	int rc = fs_couch_doc_put(c, w->l->db, doc, &rev, e);
	cJSON_Delete(doc);
	if (!rc) {
		free(w->ckpt_rev);
		w->ckpt_rev = rev;
	}
	return rc;
}

/* Saves a position; another runner's write in between is taken over.
 * Called by the checkpoint thread only (it owns ckpt_rev then). */
static int ckpt_save(worker *w, const cJSON *seq)
{
	fs_err e = { 0 };
	int rc = ckpt_put(w, w->ckc, seq, &e);
	if (rc == FS_E_CONFLICT) {
		cJSON *doc = NULL;
		if (!fs_couch_doc_get(w->ckc, w->l->db, w->ckpt_id, NULL, &doc, &e)) {
			free(w->ckpt_rev);
			w->ckpt_rev = fs_xstrdup(fs_json_str(doc, "_rev"));
		}
		cJSON_Delete(doc);
		rc = ckpt_put(w, w->ckc, seq, &e);
	}
	if (rc)
		report_at(w, "checkpoint not saved", NULL, seq, e.msg, 0, 0);
	return rc;
}

/* With --checkpoint-ms, at most one write per period: the posts meanwhile
 * merge into the next. A stop ends the pause. Holds ck_lock. */
static void ckpt_pause(worker *w)
{
	long ms = w->r->o.checkpoint_ms;
	if (ms <= 0)
		return;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!w->ck_quit && pthread_cond_timedwait(&w->ck_cond, &w->ck_lock, &until) != ETIMEDOUT)
		;
}

static void *ckpt_main(void *arg)
{
	worker *w = arg;
	pthread_mutex_lock(&w->ck_lock);
	for (;;) {
		while (!w->ck_want && !w->ck_quit)
			pthread_cond_wait(&w->ck_cond, &w->ck_lock);
		cJSON *seq = w->ck_want;
		w->ck_want = NULL;
		if (!seq)
			break;      /* quit, nothing left to write */
		pthread_mutex_unlock(&w->ck_lock);
		ckpt_save(w, seq);
		cJSON_Delete(seq);
		pthread_mutex_lock(&w->ck_lock);
		ckpt_pause(w);
	}
	pthread_mutex_unlock(&w->ck_lock);
	return NULL;
}

/* Asks for w->pos to be written: only ever a position whose chunks, and
 * all before them, are delivered (at-least-once). */
static void ckpt_post(worker *w)
{
	pthread_mutex_lock(&w->ck_lock);
	cJSON_Delete(w->ck_want);
	w->ck_want = cJSON_Duplicate(w->pos, 1);
	pthread_cond_signal(&w->ck_cond);
	pthread_mutex_unlock(&w->ck_lock);
}

/* Writes what is posted, then ends the checkpoint thread. */
static void ckpt_finish(worker *w)
{
	pthread_mutex_lock(&w->ck_lock);
	w->ck_quit = 1;
	pthread_cond_signal(&w->ck_cond);
	pthread_mutex_unlock(&w->ck_lock);
	pthread_join(w->ck_thread, NULL);
}

/* First run: a concrete position from --since (now: the current end). */
static enum fs_err_code start_pos(worker *w, fs_err *e)
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

/* A change of the listener's design document may change its map. */
static int ddoc_changed(const fs_listener *l, const fs_listen_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strncmp(b->v[i].id, "_design/", 8) && !strcmp(b->v[i].id + 8, l->ddoc))
			return 1;
	return 0;
}

/* The chunks of a batch on their way, up to o.parallel at once: chunk i is
 * taken only while i < done + parallel, and the position moves to the end
 * of the first `done` chunks, all delivered (or matching nothing). */
typedef struct flight {
	worker *w;
	fs_listen_chunks *cs;
	unsigned char *state;     /* per chunk: 0 waiting or in flight, 1 done */
	size_t next, done;
	long parallel;
	size_t hands;             /* helper threads so far: their slots */
	int failed;
	pthread_mutex_t lock;
	pthread_cond_t moved;     /* done moved, or a failure */
} flight;

/* Chunks a --stream command is given before its first answer is read. */
#define STREAM_AHEAD 16

/* Chunks that may be on their way at once: per slot one, or with --stream
 * STREAM_AHEAD. */
static size_t flight_window(const flight *f)
{
	return (size_t)f->parallel * (f->w->streams ? STREAM_AHEAD : 1);
}

/* Takes the next chunk when the window allows (waiting, unless nowait);
 * SIZE_MAX when there is nothing to take (all taken, a failure, a stop, or
 * with nowait a full window). Holds f->lock. */
static size_t flight_take(flight *f, int nowait)
{
	for (;;) {
		if (f->failed || f->w->r->stop || f->next >= f->cs->n)
			return SIZE_MAX;
		if (f->next < f->done + flight_window(f))
			return f->next++;
		if (nowait)
			return SIZE_MAX;
		pthread_cond_wait(&f->moved, &f->lock);
	}
}

/* Marks chunk i done and moves the position over the done prefix. Holds
 * f->lock. */
static void flight_done(flight *f, size_t i)
{
	f->state[i] = 1;
	size_t d = f->done;
	while (d < f->cs->n && f->state[d])
		d++;
	if (d == f->done)
		return;
	f->done = d;
	set_pos(f->w, f->cs->v[d - 1].seq);
	ckpt_post(f->w);
	pthread_cond_broadcast(&f->moved);
}

/* One attempt at delivering chunks ks[0..n) by slot `slot`: to its
 * --stream command, written ahead of their answers, or (n is then 1) to
 * the target or a command of its own. */
static void attempt(flight *f, fs_http *http, size_t slot, const fs_listen_chunk *const *ks, size_t n,
		    fs_listen_answer *a)
{
	worker *w = f->w;
	if (w->streams)
		fs_listen_stream_deliver_many(w->streams[slot], ks, n, a);
	else
		fs_listen_deliver(&w->r->o.target, http, w->l, ks[0]->docs, ks[0]->seq, a);
}

/* Delivers the chunks of take (indexes, in order); each one delivered is
 * done at once, a failed one is sent again (with those after it) after a
 * backoff. 1 when all are delivered, 0 on a stop. */
static int deliver_chunks(flight *f, fs_http *http, size_t slot, const size_t *take, size_t n)
{
	const fs_listen_chunk *ks[STREAM_AHEAD];
	fs_listen_answer a[STREAM_AHEAD];
	long wait = 500;
	size_t from = 0;
	while (from < n) {
		for (size_t i = from; i < n; i++)
			ks[i - from] = &f->cs->v[take[i]];
		double t0 = now_s();
		attempt(f, http, slot, ks, n - from, a);
		size_t i = 0;
		for (; i < n - from && a[i].ok; i++) {
			report(f->w, "delivered", ks[i], a[i].text, now_s() - t0, 0);
			pthread_mutex_lock(&f->lock);
			flight_done(f, take[from + i]);
			pthread_mutex_unlock(&f->lock);
		}
		if (i == n - from)
			return 1;
		report(f->w, "delivery failed", ks[i], a[i].text, now_s() - t0, wait);
		from += i;
		if (f->w->r->stop)
			return 0;
		backoff(f->w, &wait);
		if (f->w->r->stop)
			return 0;
	}
	return 1;
}

/* Takes the chunks to deliver next: one, or for a --stream command as many
 * as the window allows now (up to STREAM_AHEAD). Chunks that match nothing
 * are done on the way. Holds f->lock. The count, 0 when nothing is left. */
static size_t flight_take_some(flight *f, size_t *take)
{
	size_t n = 0, max = f->w->streams ? STREAM_AHEAD : 1, i;
	while (n < max && (i = flight_take(f, n > 0)) != SIZE_MAX) {
		if (cJSON_GetArraySize(f->cs->v[i].docs)) {
			take[n++] = i;
			continue;
		}
		report(f->w, "no match", &f->cs->v[i], NULL, 0, 0);
		flight_done(f, i);
	}
	return n;
}

/* Delivers chunks with http (the target's client of this thread) as slot
 * `slot` of the flight. */
static void flight_run(flight *f, fs_http *http, size_t slot)
{
	size_t take[STREAM_AHEAD], n;
	pthread_mutex_lock(&f->lock);
	while ((n = flight_take_some(f, take)) > 0) {
		pthread_mutex_unlock(&f->lock);
		int ok = deliver_chunks(f, http, slot, take, n);
		pthread_mutex_lock(&f->lock);
		if (!ok) {
			f->failed = 1;
			pthread_cond_broadcast(&f->moved);
		}
	}
	pthread_mutex_unlock(&f->lock);
}

/* A helper thread: a client of its own (a client is for one thread). */
static void *flight_main(void *arg)
{
	flight *f = arg;
	fs_http *http = f->w->target ? fs_http_clone(f->w->target) : NULL;
	pthread_mutex_lock(&f->lock);
	size_t slot = ++f->hands;
	pthread_mutex_unlock(&f->lock);
	flight_run(f, http, slot);
	fs_http_free(http);
	return NULL;
}

/* Delivers the chunks: this thread and parallel - 1 helpers. 1 when all are
 * done. */
static int fly(worker *w, fs_listen_chunks *cs)
{
	flight f = { .w = w, .cs = cs, .state = fs_xcalloc(cs->n + 1, 1),
		.parallel = w->r->o.parallel > 1 ? w->r->o.parallel : 1 };
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.moved, NULL);
	size_t nh = (size_t)f.parallel - 1 < cs->n ? (size_t)f.parallel - 1 : cs->n, started = 0;
	pthread_t *h = fs_xcalloc(nh + 1, sizeof *h);
	while (started < nh && !pthread_create(&h[started], NULL, flight_main, &f))
		started++;
	flight_run(&f, w->target, 0);
	for (size_t i = 0; i < started; i++)
		pthread_join(h[i], NULL);
	int all = f.done == cs->n;
	pthread_cond_destroy(&f.moved);
	pthread_mutex_destroy(&f.lock);
	free(h);
	free(f.state);
	return all;
}

/* Matches and delivers a batch read from w->pos; moves w->pos as far as
 * everything before it is delivered. 0 when the whole batch is done. */
static int run_batch(worker *w, fs_listen_batch *b)
{
	fs_listen_chunks cs;
	fs_err e = { 0 };
	if (ddoc_changed(w->l, b))
		fs_listen_check_local(w->work, w->l);
	if (fs_listen_match(w->work, w->l, b, w->pos, &cs, &e)) {
		report(w, "query failed", NULL, e.msg, 0, 0);
		return -1;
	}
	int all = fly(w, &cs);
	if (all && b->last_seq && !fs_json_equal(b->last_seq, w->pos, NULL)) {
		set_pos(w, b->last_seq);
		ckpt_post(w);
	}
	fs_listen_chunks_free(&cs);
	return all ? 0 : -1;
}

/* About 2000 changes a read, whole chunks: each read costs the server a
 * fixed part (pouchdb-server: 10 reads of 500 took 490 ms, one of 5000 155
 * ms); a live feed's longpoll answers with what there is anyway. */
static long batch_size(const fs_listener *l)
{
	long n = 2000 / l->chunk;
	return l->chunk * (n > 0 ? n : 1);
}

/* Ends the --stream commands: their input closed, a moment to exit, then
 * killed; all reaped. */
static void streams_free(worker *w)
{
	for (size_t i = 0; i < w->nstreams; i++)
		fs_listen_stream_free(w->streams[i]);
	free(w->streams);
	w->streams = NULL;
	w->nstreams = 0;
}

/* The next batch, read while this one is matched and delivered: the
 * server prepares it on its own core meanwhile (half of the time through
 * a batch was the wait for it). Only the feed's client is used, by this
 * thread alone while it runs; the position does not move for a read. */
typedef struct ahead {
	worker *w;
	fs_listen_range r;
	cJSON *since;         /* owned: r.since */
	fs_listen_batch b;
	fs_err e;
	int rc, running;
	pthread_t t;
} ahead;

static fs_listen_range feed_range(worker *w, const cJSON *since)
{
	return (fs_listen_range){ .since = since, .limit = batch_size(w->l), .longpoll = 1,
		.timeout_ms = w->r->o.poll_ms > 0 ? w->r->o.poll_ms : 30000, .include_docs = w->l->local };
}

static void *ahead_main(void *arg)
{
	ahead *a = arg;
	a->rc = fs_listen_read(a->w->feed, a->w->l->db, &a->r, &a->b, &a->e);
	return NULL;
}

/* Starts reading the batch after b (when b has a position to read from). */
static void ahead_start(ahead *a, worker *w, const fs_listen_batch *b)
{
	memset(a, 0, sizeof *a);
	if (!b->n || !b->last_seq)
		return;
	a->w = w;
	a->since = cJSON_Duplicate(b->last_seq, 1);
	a->r = feed_range(w, a->since);
	a->running = !pthread_create(&a->t, NULL, ahead_main, a);
	if (!a->running)
		cJSON_Delete(a->since);
}

/* The batch read ahead into *b (1), or 0 when none was started. */
static int ahead_take(ahead *a, fs_listen_batch *b, fs_err *e)
{
	if (!a->running)
		return 0;
	pthread_join(a->t, NULL);
	a->running = 0;
	cJSON_Delete(a->since);
	*b = a->b;
	*e = a->e;
	return a->rc ? -1 : 1;
}

/* Drops a read ahead that no longer follows the position (a batch was not
 * all delivered): its longpoll is cut short, not waited for. */
static void ahead_drop(ahead *a)
{
	if (!a->running)
		return;
	fs_http *h = fs_couch_http(a->w->feed);
	fs_http_cancel(h);
	fs_listen_batch b;
	fs_err e;
	if (ahead_take(a, &b, &e) >= 0)
		fs_listen_batch_free(&b);
	fs_http_uncancel(h);
	if (a->w->r->stop)    /* a stop that came meanwhile still holds */
		fs_http_cancel(h);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	long wait = 500, qwait = 500;
	ahead a = { 0 };
	if (pthread_create(&w->ck_thread, NULL, ckpt_main, w)) {
		report(w, "cannot start the checkpoint thread", NULL, NULL, 0, 0);
		return NULL;
	}
	report(w, "following", NULL, NULL, 0, 0);
	/* the first command starts while the first batch is read (a failure
	 * to start is the first delivery's to report, and retry) */
	if (w->nstreams) {
		fs_err se = { 0 };
		fs_listen_stream_start(w->streams[0], &se);
	}
	long idle = 1000;   /* the wait after a longpoll answered at once */
	while (!w->r->stop) {
		fs_listen_batch b;
		fs_err e = { 0 };
		int got = ahead_take(&a, &b, &e);
		if (!got) {
			fs_listen_range r = feed_range(w, w->pos);
			double t0 = now_s();
			got = fs_listen_read(w->feed, w->l->db, &r, &b, &e) ? -1 : 1;
			if (got > 0 && fs_listen_answered_early(&r, &b, now_s() - t0))
				backoff(w, &idle);
			else if (got > 0 && b.n)
				idle = 1000;
		}
		if (got < 0) {
			if (w->r->stop)
				break;
			report(w, "feed failed", NULL, e.msg, 0, wait);
			backoff(w, &wait);
			continue;
		}
		ahead_start(&a, w, &b);
		/* a batch that failed (a query, a delivery) is read again after
		 * a backoff of its own */
		if (b.n && run_batch(w, &b) && !w->r->stop) {
			ahead_drop(&a);
			backoff(w, &qwait);
		} else {
			qwait = 500;
		}
		wait = 500;
		fs_listen_batch_free(&b);
	}
	ahead_drop(&a);
	streams_free(w);
	ckpt_finish(w);
	report(w, "stopped", NULL, NULL, 0, 0);
	return NULL;
}

/* ---- The runner ---- */

/* One per flight slot; each starts its command at its first chunk. */
static void streams_new(worker *w)
{
	const fs_listen_run_opts *o = &w->r->o;
	if (!o->target.stream)
		return;
	w->nstreams = o->parallel > 1 ? (size_t)o->parallel : 1;
	w->streams = fs_xcalloc(w->nstreams, sizeof *w->streams);
	for (size_t i = 0; i < w->nstreams; i++)
		w->streams[i] = fs_listen_stream_new(&o->target, w->l);
}

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
		w->ckc = fs_couch_clone(c);
		pthread_mutex_init(&w->ck_lock, NULL);
		pthread_cond_init(&w->ck_cond, NULL);
		w->ckpt_id = fs_listener_checkpoint_id(&ls[i], o->project);
		if (o->target.http) {
			w->target = fs_http_clone(o->target.http);
		} else if (o->target.url) {
			fs_http_opts ho = { .url = o->target.url };
			w->target = fs_http_new(&ho, NULL);
		}
		streams_new(w);
	}
	return r;
}

/* Reads (or makes) each listener's position before any thread starts, so a
 * bad database or target is said at once. */
static enum fs_err_code prepare(worker *w, fs_err *e)
{
	if (w->r->o.target.url && !w->target)
		return fs_err_set(e, FS_E_INVALID, "--target %s is not an http(s) URL", w->r->o.target.url);
	int rc = ckpt_load(w, e);
	if (rc == FS_E_NOTFOUND) {
		rc = start_pos(w, e);
		if (!rc && ckpt_put(w, w->work, w->pos, e))
			rc = e->code;
	}
	if (!rc)
		fs_listen_check_local(w->work, w->l);
	if (rc)
		fs_err_prefix(e, "listener %s", w->l->name);
	return rc;
}

enum fs_err_code fs_listen_runner_run(fs_listen_runner *r, fs_err *e)
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
		fs_couch_free(w->ckc);
		pthread_mutex_destroy(&w->ck_lock);
		pthread_cond_destroy(&w->ck_cond);
		cJSON_Delete(w->ck_want);
		fs_http_free(w->target);
		streams_free(w);
		free(w->ckpt_id);
		free(w->ckpt_rev);
		cJSON_Delete(w->pos);
	}
	pthread_mutex_destroy(&r->out_lock);
	free(r->w);
	free(r);
}
