/* The listener pane: the last changes of a listener's database replayed as
 * `fsstudio listen test` does (listen/listen.h), chunk by chunk: the
 * documents the sequence would receive (Enter shows one as the sequence gets
 * it, cleaned, and its diff to the previous revision, read when asked) and
 * the changed documents that do not match, with why. F5 reads again; d
 * delivers the chunk at the cursor to the server profile's listener_target
 * after a y/n question; F follows live: a longpoll on the changes feed from
 * the replay's last seq, on a worker of its own, reads again on news.
 *
 * Reading and delivering run on a worker (base/job.h): a job gets its own
 * listener (loaded again from the model here), server name and, to
 * deliver, copies of the chunk's documents; the replay comes back whole. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "app.h"
#include "base/job.h"
#include "base/json.h"
#include "base/textdiff.h"
#include "colors.h"
#include "draw.h"
#include "listener.h"
#include "panejobs.h"
#include "servermenu.h"
#include "couch/http.h"
#include "couch/servers.h"
#include "listen/listen_run.h"

#define LAST_CHANGES 100

enum { L_TEXT, L_CHUNK, L_DOC, L_JSON, L_MISS };
enum { J_READ, J_DELIVER, J_PREV, J_WAIT };

#define FOLLOW_POLL_MS 20000

struct lsn {
	int proj;
	char *path;              /* the listener's path in its project */
	char *server;            /* the profile the replay reads */
	fs_servers servers;      /* the menu's labels point here */
	fs_listen_batch batch;   /* the replay shown */
	fs_listen_chunks cs;
	int read;                /* a replay came back */
	char *error;
	char *open;              /* "id\n" of the documents shown whole */
	cJSON *prev;             /* id -> {"rev": the revision diffed, "doc" or "error"} */
	fs_lines lines;
	fs_jobs *bg;
	fs_job *job;             /* the read or the delivery running */
	size_t chunk;            /* the chunk asked about (confirmation) */
	int follow;              /* F: read again on new changes */
	int stale;               /* news came while another job ran */
	fs_jobs *fw;             /* the follow's longpoll, apart from the rest */
	fs_job *wjob;
};

/* What a worker gets: all its own. */
struct ljob {
	struct lsn *s;
	fs_listener l;
	char *server;
	int kind;                /* J_... */
	char *id, *rev;          /* prev: the document and its revision shown */
	cJSON *prev;             /* prev: the result, {"rev", "doc" or "error"} */
	char *target;            /* deliver: the URL (may hold credentials) */
	cJSON *docs, *seq;       /* deliver: copies of the chunk's */
	size_t chunk;
	fs_listen_batch batch;   /* read: the result */
	fs_listen_chunks cs;
	fs_listen_answer answer; /* deliver: the result */
	cJSON *since;            /* wait: where the replay ended */
};

static fs_app *s_app;

static void follow_start(fs_app *a, struct lsn *s);
static void read_changes(fs_app *a);

static struct lsn *LS(fs_app *a)
{
	return a->panes[FS_P_LISTENER].priv;
}

/* ---- the lines ------------------------------------------------------------- */

/* The profile's listener_target (may hold credentials: shown stripped). */
static const char *target_of(struct lsn *s)
{
	const fs_server *srv = fs_servers_find(&s->servers, s->server);
	return srv ? srv->listener_target : NULL;
}

static int is_open(const struct lsn *s, const char *id)
{
	size_t n = strlen(id);
	for (const char *at = s->open; at && (at = strstr(at, id)); at++)
		if ((at == s->open || at[-1] == '\n') && at[n] == '\n')
			return 1;
	return 0;
}

static void add_json(struct lsn *s, const cJSON *doc, size_t k)
{
	char *t = fs_json_pretty(doc, 2), *line = t;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *ind = fs_xasprintf("      %s", line);
		fs_lines_add(&s->lines, L_JSON, FS_C_PROP_READONLY, NULL, ind)->ref = (long)k;
		free(ind);
		line = nl ? nl + 1 : NULL;
	}
	free(t);
}

static void add_text(struct lsn *s, int color, size_t k, const char *text)
{
	fs_lines_add(&s->lines, L_JSON, color, NULL, text)->ref = (long)k;
}

/* The document's diff to its previous revision, once read (prev_start). */
static void add_diff(struct lsn *s, const cJSON *doc, size_t k)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(s->prev, fs_json_str(doc, "_id"));
	const char *rev = fs_json_str(doc, "_rev");
	if (!p || !rev || strcmp(fs_json_str(p, "rev") ? fs_json_str(p, "rev") : "", rev)) {
		add_text(s, FS_C_PROP_READONLY, k, "    (reading the previous revision...)");
		return;
	}
	const cJSON *old = cJSON_GetObjectItemCaseSensitive(p, "doc");
	if (!old) {
		char *t = fs_xasprintf("    no diff: %s", fs_json_str(p, "error"));
		add_text(s, FS_C_PROP_READONLY, k, t);
		free(t);
		return;
	}
	char *a = fs_json_pretty(old, 2), *b = fs_json_pretty(doc, 2);
	fs_hunks h;
	fs_textdiff_str(a, b, FS_DIFF_CONTEXT, &h);
	char *t = fs_xasprintf("    diff to the previous revision %s:", fs_json_str(old, "_rev"));
	add_text(s, FS_C_DIFF_CHUNK, k, t);
	free(t);
	for (size_t i = 0; i < h.n; i++)
		for (size_t m = 0; m < h.v[i].n; m++) {
			const fs_dline *l = &h.v[i].lines[m];
			t = fs_xasprintf("    %c %s", fs_dl_char(l->type), l->text);
			add_text(s, l->type == FS_DL_ADD ? FS_C_DIFF_ADD : l->type == FS_DL_DEL ? FS_C_DIFF_DEL
				 : FS_C_PROP_READONLY, k, t);
			free(t);
		}
	fs_hunks_free(&h);
	free(a);
	free(b);
}

static void add_chunk(struct lsn *s, size_t k)
{
	const fs_listen_chunk *c = &s->cs.v[k];
	char *seq = cJSON_PrintUnformatted(c->seq);
	char *t = fs_xasprintf("chunk %zu/%zu: %zu changes up to seq %s: %d documents", k + 1, s->cs.n,
			       c->n, seq, cJSON_GetArraySize(c->docs));
	fs_lines_add(&s->lines, L_CHUNK, FS_C_HEADER, NULL, t)->ref = (long)k;
	free(t);
	free(seq);
	const cJSON *d;
	cJSON_ArrayForEach(d, c->docs) {
		const char *id = fs_json_str(d, "_id");
		t = fs_xasprintf("  + %s", id ? id : "?");
		fs_lines_add(&s->lines, L_DOC, FS_C_GIT_ADDED, id, t)->ref = (long)k;
		free(t);
		if (id && is_open(s, id)) {
			add_json(s, d, k);
			add_diff(s, d, k);
		}
	}
	for (size_t m = 0; m < c->nmiss; m++) {
		t = fs_xasprintf("  - %s: %s", c->miss[m].id, c->miss[m].reason);
		fs_lines_add(&s->lines, L_MISS, FS_C_PROP_READONLY, NULL, t)->ref = (long)k;
		free(t);
	}
}

static void build(fs_app *a, fs_pane *p)
{
	struct lsn *s = p->priv;
	fs_lines_clear(&s->lines);
	if (s->error)
		fs_lines_add(&s->lines, L_TEXT, FS_C_ERROR, NULL, s->error);
	else if (!s->read)
		fs_lines_add(&s->lines, L_TEXT, FS_C_PROP_READONLY, NULL,
			     s->job ? "reading the changes..." : "no replay yet (F5 reads)");
	else {
		const char *target = target_of(s);
		char *url = target ? fs_url_strip_credentials(target) : NULL;
		char *t = fs_xasprintf("%s: the last %zu changes, %zu chunks", s->path, s->batch.n, s->cs.n);
		fs_lines_add(&s->lines, L_TEXT, FS_C_DEFAULT, NULL, t);
		free(t);
		t = url ? fs_xasprintf("d delivers the chunk at the cursor to %s", url) :
			fs_xstrdup("no listener_target in the server profile: nothing to deliver to");
		fs_lines_add(&s->lines, L_TEXT, FS_C_PROP_READONLY, NULL, t);
		free(t);
		free(url);
	}
	for (size_t k = 0; s->read && k < s->cs.n; k++)
		add_chunk(s, k);
	p->lines = s->lines.n;
	fs_pane_goto(p, p->lineno < p->lines ? p->lineno : 0);
	a->redraw = 1;
}

/* ---- the jobs ---------------------------------------------------------------- */

static enum fs_err_code read_work(fs_job *bj, struct ljob *j, fs_err *e)
{
	fs_listen_range r = { .last = LAST_CHANGES };
	fs_couch *c = fs_server_open(j->server, e);
	int rc = c ? 0 : e->code ? e->code : FS_E_IO;
	if (!rc)
		rc = fs_listen_read(c, j->l.db, &r, &j->batch, e);
	if (!rc && !fs_job_cancelled(bj))
		rc = fs_listen_match(c, &j->l, &j->batch, NULL, &j->cs, e);
	fs_couch_free(c);
	return rc;
}

static enum fs_err_code deliver_work(struct ljob *j, fs_err *e)
{
	fs_http_opts ho = { .url = j->target };
	fs_http *h = fs_http_new(&ho, e);
	if (!h)
		return e->code ? e->code : FS_E_INVALID;
	fs_listen_target t = { .url = j->target, .http = h };
	fs_listen_deliver(&t, h, &j->l, j->docs, j->seq, &j->answer);
	fs_http_free(h);
	return 0;
}

/* The revision before j->rev, cleaned as the shown one, or why there is none. */
static enum fs_err_code prev_work(struct ljob *j, fs_err *e)
{
	fs_couch *c = fs_server_open(j->server, e);
	cJSON *cur = NULL, *doc = NULL;
	fs_couch_get_opts o = { .rev = j->rev, .revs = 1 };
	j->prev = cJSON_CreateObject();
	cJSON_AddStringToObject(j->prev, "rev", j->rev);
	if (c && !fs_couch_doc_get(c, j->l.db, j->id, &o, &cur, e)) {
		cJSON *revs = fs_json_obj(cur, "_revisions");
		long long start = fs_json_int(revs, "start", 0);
		const char *h = cJSON_GetStringValue(cJSON_GetArrayItem(fs_json_arr(revs, "ids"), 1));
		char *rev = h && start > 1 ? fs_xasprintf("%lld-%s", start - 1, h) : NULL;
		fs_couch_get_opts po = { .rev = rev };
		if (!rev)
			fs_err_set(e, FS_E_NOTFOUND, "the first revision: no previous one");
		else if (!fs_couch_doc_get(c, j->l.db, j->id, &po, &doc, e))
			fs_listen_clean(doc);
		free(rev);
	}
	if (doc)
		cJSON_AddItemToObject(j->prev, "doc", doc);
	else
		cJSON_AddStringToObject(j->prev, "error", e->msg[0] ? e->msg : "not read");
	cJSON_Delete(cur);
	fs_couch_free(c);
	return 0;
}

/* Waits (longpolls, again and again) until the feed has a change after
 * j->since, or the job is cancelled. */
static enum fs_err_code wait_work(fs_job *bj, struct ljob *j, fs_err *e)
{
	fs_couch *c = fs_server_open(j->server, e);
	int rc = c ? 0 : e->code ? e->code : FS_E_IO;
	long idle = 1000;
	while (!rc && !fs_job_cancelled(bj) && !j->batch.n) {
		fs_listen_range r = { .since = j->since, .limit = 1, .longpoll = 1,
				      .timeout_ms = FOLLOW_POLL_MS };
		fs_listen_batch_free(&j->batch);
		memset(&j->batch, 0, sizeof j->batch);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = fs_listen_read(c, j->l.db, &r, &j->batch, e);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		/* a server that does not hold the longpoll: not asked again at once */
		if (!rc && fs_listen_answered_early(&r, &j->batch, secs)) {
			for (long slept = 0; slept < idle && !fs_job_cancelled(bj); slept += 50)
				usleep(50000);
			idle = idle * 2 > 30000 ? 30000 : idle * 2;
		}
	}
	fs_couch_free(c);
	return rc;
}

static enum fs_err_code work(fs_job *bj, void *arg, fs_err *e)
{
	struct ljob *j = arg;
	switch (j->kind) {
	case J_WAIT: return wait_work(bj, j, e);
	case J_DELIVER: return deliver_work(j, e);
	case J_PREV: return prev_work(j, e);
	default: return read_work(bj, j, e);
	}
}

static void job_free(void *arg)
{
	struct ljob *j = arg;
	fs_listener_free(&j->l);
	free(j->server);
	free(j->target);
	free(j->id);
	free(j->rev);
	cJSON_Delete(j->prev);
	cJSON_Delete(j->since);
	cJSON_Delete(j->docs);
	cJSON_Delete(j->seq);
	fs_listen_batch_free(&j->batch);
	fs_listen_chunks_free(&j->cs);
	free(j);
}

static void deliver_done(fs_app *a, struct ljob *j, int rc, const fs_err *e)
{
	char *url = fs_url_strip_credentials(j->target);
	if (rc)
		fs_app_error(a, "Chunk %zu not delivered: %s", j->chunk + 1, e->msg);
	else if (j->answer.ok)
		fs_app_msg(a, "Chunk %zu delivered to %s: %s", j->chunk + 1, url, j->answer.text);
	else
		fs_app_error(a, "Chunk %zu not delivered to %s: %s", j->chunk + 1, url, j->answer.text);
	free(url);
}

static void done(fs_job *bj, void *arg, int rc, const fs_err *e)
{
	struct ljob *j = arg;
	struct lsn *s = j->s;
	fs_app *a = s_app;
	s->job = NULL;
	a->busy--;
	if (j->kind == J_DELIVER) {
		deliver_done(a, j, rc, e);
	} else if (j->kind == J_PREV) {
		if (!s->prev)
			s->prev = cJSON_CreateObject();
		cJSON_DeleteItemFromObjectCaseSensitive(s->prev, j->id);
		cJSON_AddItemToObject(s->prev, j->id, j->prev);
		j->prev = NULL;
	} else {
		free(s->error);
		s->error = rc ? fs_xasprintf("Changes not read from %s: %s", j->server, e->msg) : NULL;
		fs_listen_batch_free(&s->batch);
		fs_listen_chunks_free(&s->cs);
		s->batch = j->batch;
		s->cs = j->cs;
		memset(&j->batch, 0, sizeof j->batch);
		memset(&j->cs, 0, sizeof j->cs);
		s->read = !rc;
		free(s->open);          /* the revisions shown may have moved on */
		s->open = NULL;
		follow_start(a, s);
	}
	build(a, &a->panes[FS_P_LISTENER]);
	if (s->stale) {
		s->stale = 0;
		read_changes(a);
	}
}

static void wait_done(fs_job *bj, void *arg, int rc, const fs_err *e)
{
	struct ljob *j = arg;
	struct lsn *s = j->s;
	fs_app *a = s_app;
	s->wjob = NULL;
	if (fs_job_cancelled(bj) || rc == FS_E_CANCELLED) {
		follow_start(a, s);     /* F pressed again meanwhile: wait anew */
		return;
	}
	if (!s->follow)
		return;
	if (rc) {
		s->follow = 0;
		fs_app_error(a, "Not following any more: %s", e->msg);
		a->redraw = 1;
		return;
	}
	if (s->job)
		s->stale = 1;      /* read when the running job ends */
	else
		read_changes(a);
}

static void fw_ready(fs_app *a, int fd, int revents, void *ctx)
{
	struct lsn *s = LS(a);
	if (s && s->fw)
		fs_jobs_dispatch(s->fw);
}

static void bg_ready(fs_app *a, int fd, int revents, void *ctx)
{
	struct lsn *s = LS(a);
	if (s && s->bg)
		fs_jobs_dispatch(s->bg);
}

/* A job of s with the listener loaded again from the model (the job's own),
 * or NULL: with *e when it does not load, with e->msg empty when it is gone
 * (each caller words that its own way). */
static struct ljob *job_load(fs_app *a, struct lsn *s, fs_err *e)
{
	fs_obj *o = s->proj < (int)a->nprojects ? fs_project_find(a->projects[s->proj], s->path) : NULL;
	if (!o || o->kind != FS_K_LISTENER)
		return NULL;
	struct ljob *j = fs_xcalloc(1, sizeof *j);
	if (fs_listener_load(o, &j->l, e)) {
		job_free(j);
		return NULL;
	}
	j->s = s;
	j->server = fs_xstrdup(s->server);
	return j;
}

/* A job for the listener pane's one running job (read or deliver). */
static struct ljob *job_new(fs_app *a, struct lsn *s)
{
	fs_err e = { 0 };
	if (s->job) {
		fs_app_error(a, "Wait: the listener pane is busy");
		return NULL;
	}
	struct ljob *j = job_load(a, s, &e);
	if (!j && e.msg[0])
		fs_app_error(a, "%s", e.msg);
	else if (!j)
		fs_app_error(a, "%s: no such listener any more", s->path);
	return j;
}

static void submit(fs_app *a, struct lsn *s, struct ljob *j)
{
	s->job = fs_job_start(s->bg, &(fs_job_spec){ .work = work, .done = done, .arg = j,
					 .free = job_free, .owner = s });
	a->busy++;
	a->redraw = 1;
}

/* Following: wait on the feed from where the replay ended. */
static void follow_start(fs_app *a, struct lsn *s)
{
	if (!s->follow || s->wjob || !s->fw || !s->read || !s->batch.last_seq)
		return;
	fs_err e = { 0 };
	struct ljob *j = job_load(a, s, &e);
	if (!j) {
		s->follow = 0;
		fs_app_error(a, "Not following: %s", e.msg[0] ? e.msg : "the listener is gone");
		return;
	}
	j->kind = J_WAIT;
	j->since = cJSON_Duplicate(s->batch.last_seq, 1);
	s->wjob = fs_job_start(s->fw, &(fs_job_spec){ .work = work, .done = wait_done, .arg = j,
					  .free = job_free, .owner = s });
}

static void follow_toggle(fs_app *a, struct lsn *s)
{
	s->follow = !s->follow;
	if (s->follow) {
		fs_app_msg(a, "Following the changes: the replay is read again on news (F stops)");
		follow_start(a, s);
	} else {
		if (s->wjob)
			fs_job_cancel(s->wjob);
		fs_app_msg(a, "Not following the changes any more");
	}
	a->redraw = 1;
}

static void read_changes(fs_app *a)
{
	struct lsn *s = LS(a);
	struct ljob *j = s && s->server ? job_new(a, s) : NULL;
	if (!j)
		return;
	submit(a, s, j);
	build(a, &a->panes[FS_P_LISTENER]);
}

/* ---- delivering ------------------------------------------------------------ */

static void deliver_chosen(fs_app *a, fs_modal *m, int key)
{
	struct lsn *s = LS(a);
	if (key != 'y' || !s || !s->read || s->chunk >= s->cs.n || !target_of(s))
		return;
	struct ljob *j = job_new(a, s);
	if (!j)
		return;
	j->kind = J_DELIVER;
	j->chunk = s->chunk;
	j->target = fs_xstrdup(target_of(s));
	j->docs = cJSON_Duplicate(s->cs.v[s->chunk].docs, 1);
	j->seq = cJSON_Duplicate(s->cs.v[s->chunk].seq, 1);
	submit(a, s, j);
	fs_app_msg(a, "Delivering chunk %zu...", s->chunk + 1);
}

static void deliver(fs_app *a, fs_pane *p)
{
	struct lsn *s = p->priv;
	const fs_line *l = p->lineno < s->lines.n ? &s->lines.v[p->lineno] : NULL;
	if (!s->read || !l || l->type == L_TEXT) {
		fs_app_error(a, "Put the cursor on a chunk to deliver it");
		return;
	}
	if (!target_of(s)) {
		fs_app_error(a, "No listener_target in the profile %s (servers file)", s->server);
		return;
	}
	s->chunk = (size_t)l->ref;
	int n = cJSON_GetArraySize(s->cs.v[s->chunk].docs);
	if (!n) {
		fs_app_error(a, "Chunk %zu has no document to deliver", s->chunk + 1);
		return;
	}
	char *url = fs_url_strip_credentials(target_of(s));
	char *q = fs_xasprintf("Deliver chunk %zu (%d document%s) to %s? (y/n)", s->chunk + 1, n,
			       n == 1 ? "" : "s", url);
	fs_modal_confirm(a, q, "yn", deliver_chosen);
	free(q);
	free(url);
}

/* ---- opening: the listener, then the server ------------------------------------ */

static void ensure(fs_app *a)
{
	fs_pane *p = &a->panes[FS_P_LISTENER];
	s_app = a;
	if (p->priv)
		return;
	struct lsn *s = p->priv = fs_xcalloc(1, sizeof *s);
	p->store = &s->lines;
	s->bg = fs_pane_jobs_new(a, bg_ready, NULL);
	s->fw = fs_pane_jobs_new(a, fw_ready, NULL);
}

static void server_chosen(fs_app *a, fs_modal *m, int key)
{
	struct lsn *s = LS(a);
	if (key != '\r' || !s || m->sel >= s->servers.n || !m->arg)
		return;
	free(s->server);
	s->server = fs_xstrdup(s->servers.v[m->sel].name);
	free(s->path);
	s->path = fs_xstrdup(m->arg);
	s->proj = m->ref.proj;
	s->read = 0;
	free(s->error);
	s->error = NULL;
	free(s->open);
	s->open = NULL;
	if (s->wjob)
		fs_job_cancel(s->wjob);
	s->follow = 0;
	fs_app_open(a, FS_P_LISTENER);
	a->panes[FS_P_LISTENER].lineno = 0;
	read_changes(a);
}

void fs_listener_pane_start(fs_app *a)
{
	int proj;
	fs_obj *o = fs_app_selected(a, &proj);
	if (!o || o->kind != FS_K_LISTENER) {
		fs_app_error(a, "Select a listener to replay its last changes");
		return;
	}
	ensure(a);
	struct lsn *s = LS(a);
	if (s->job) {
		fs_app_error(a, "Wait: the listener pane is busy");
		return;
	}
	fs_modal *m = fs_server_menu_load(a, &s->servers, "Replay the listener's changes from which server?",
					  server_chosen);
	if (!m)
		return;
	m->arg = fs_obj_path(o);
	m->ref.proj = proj;
}

/* ---- the pane ------------------------------------------------------------------ */

static void listener_open(fs_app *a, fs_pane *p)
{
	ensure(a);
	build(a, p);
}

static void listener_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	struct lsn *s = p->priv;
	const char *name = s->path ? strrchr(s->path, '/') : NULL;
	fs_buf_printf(out, "Listener %s on %s", name ? name + 1 : s->path ? s->path : "?",
		      s->server ? s->server : "?");
	if (s->follow)
		fs_buf_adds(out, " [following]");
	if (s->job)
		fs_buf_adds(out, " [busy...]");
}

static void listener_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	fs_line *l = &((struct lsn *)p->priv)->lines.v[lineno];
	int base = cursor ? fs_color_attr(FS_C_CURSOR) : 0;
	fs_draw_fill(y, x, w, base ? base : fs_color_attr(FS_C_DEFAULT));
	fs_draw_text(y, x, w, l->text, base ? base : fs_color_attr(l->color));
}

/* Reads the previous revision of a shown document, for its diff. */
static void prev_start(fs_app *a, struct lsn *s, const char *id)
{
	const cJSON *doc = NULL, *d;
	for (size_t k = 0; !doc && k < s->cs.n; k++)
		cJSON_ArrayForEach(d, s->cs.v[k].docs)
			if (!doc && !strcmp(fs_json_str(d, "_id") ? fs_json_str(d, "_id") : "", id))
				doc = d;
	const char *rev = doc ? fs_json_str(doc, "_rev") : NULL;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(s->prev, id);
	if (!rev || (p && fs_json_str(p, "rev") && !strcmp(fs_json_str(p, "rev"), rev)))
		return;
	struct ljob *j = job_new(a, s);
	if (!j)
		return;
	j->kind = J_PREV;
	j->id = fs_xstrdup(id);
	j->rev = fs_xstrdup(rev);
	submit(a, s, j);
}

static void toggle_doc(fs_app *a, fs_pane *p, const char *id)
{
	struct lsn *s = p->priv;
	char *key = fs_xasprintf("%s\n", id);
	fs_buf b = FS_BUF_INIT;
	if (is_open(s, id)) {
		char *at = s->open;
		while ((at = strstr(at, key)) && at != s->open && at[-1] != '\n')
			at++;
		fs_buf_add(&b, s->open, at - s->open);
		fs_buf_adds(&b, at + strlen(key));
	} else {
		fs_buf_printf(&b, "%s%s", s->open ? s->open : "", key);
		prev_start(a, s, id);
	}
	free(s->open);
	s->open = fs_buf_steal(&b);
	free(key);
	build(a, p);
}

static fs_req listener_request(fs_app *a, fs_pane *p, fs_req r)
{
	struct lsn *s = p->priv;
	const fs_line *l = p->lineno < s->lines.n ? &s->lines.v[p->lineno] : NULL;
	switch (r) {
	case FS_REQ_ENTER:
		if (l && l->type == L_DOC && l->key)
			toggle_doc(a, p, l->key);
		return FS_REQ_NONE;
	case FS_REQ_REFRESH:
		read_changes(a);
		return FS_REQ_NONE;
	case FS_REQ_DELIVER:
		deliver(a, p);
		return FS_REQ_NONE;
	case FS_REQ_CHANGES:
		follow_toggle(a, s);
		return FS_REQ_NONE;
	case FS_REQ_CLOSE:
	case FS_REQ_QUIT:
		if (s->follow)
			follow_toggle(a, s);
		fs_app_close_pane(a, p);
		return FS_REQ_NONE;
	default:
		return r;
	}
}

static void listener_close(fs_app *a, fs_pane *p)
{
	struct lsn *s = p->priv;
	if (!s)
		return;
	fs_pane_jobs_free(a, s->bg, s->job != NULL);
	fs_pane_jobs_free(a, s->fw, 0);
	fs_lines_free(&s->lines);
	fs_listen_batch_free(&s->batch);
	fs_listen_chunks_free(&s->cs);
	fs_servers_free(&s->servers);
	free(s->path);
	free(s->server);
	free(s->error);
	free(s->open);
	cJSON_Delete(s->prev);
	free(s);
	p->priv = NULL;
	p->store = NULL;
}

const struct fs_pane_ops fs_listener_ops = {
	.name = "listener",
	.keymap = FS_KM_LISTENER,
	.open = listener_open,
	.title = listener_title,
	.draw = listener_draw,
	.request = listener_request,
	.close = listener_close,
};
