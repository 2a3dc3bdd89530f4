/* Database permissions in the studio: see security.h.
 *
 * One session at a time: read the security object in the background, open
 * it as JSON in $EDITOR, show the change in one line (its + and - entries)
 * and ask; ask again, plainly, before leaving the database public; write
 * in the background (couch/security.h refuses to write over a change made
 * meanwhile). The session has its own client (its own connection) and its
 * own worker, so the browser's requests neither wait for it nor cancel it. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "security.h"
#include "panejobs.h"
#include "base/job.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "couch/security.h"

static struct session {
	fs_jobs *bg;
	fs_job *job;
	fs_couch *c;
	char *db;
	cJSON *cur, *want;
} S;

static void end_session(void)
{
	fs_couch_free(S.c);
	free(S.db);
	cJSON_Delete(S.cur);
	cJSON_Delete(S.want);
	S.c = NULL;
	S.db = NULL;
	S.cur = S.want = NULL;
}

static enum fs_err_code read_work(fs_job *j, void *arg, fs_err *e)
{
	return fs_security_get(S.c, S.db, &S.cur, e);
}

/* The user said yes to a public result too: allow_public is theirs. */
static enum fs_err_code write_work(fs_job *j, void *arg, fs_err *e)
{
	return fs_security_put(S.c, S.db, S.cur, S.want, 1, e);
}

static void edit(fs_app *a);

static void read_done(fs_job *j, void *arg, int rc, const fs_err *e)
{
	fs_app *a = arg;
	S.job = NULL;
	a->busy--;
	a->redraw = 1;
	if (rc) {
		fs_app_error(a, "%s", e->msg);
		end_session();
		return;
	}
	edit(a);
}

static void write_done(fs_job *j, void *arg, int rc, const fs_err *e)
{
	fs_app *a = arg;
	S.job = NULL;
	a->busy--;
	a->redraw = 1;
	if (rc)
		fs_app_error(a, "Permissions not changed: %s", e->msg);
	else
		fs_app_msg(a, "Permissions of '%s' changed%s (F5 shows them)", S.db,
			   fs_security_is_public(S.want) ? ": the database is public" : "");
	end_session();
}

static void submit(fs_app *a, fs_job_work_fn work, fs_job_done_fn done)
{
	a->busy++;
	a->redraw = 1;
	S.job = fs_job_submit(S.bg, work, done, a);
}

static void write_now(fs_app *a)
{
	submit(a, write_work, write_done);
}

static void public_done(fs_app *a, fs_modal *m, int key)
{
	if (key == 'y')
		write_now(a);
	else {
		fs_app_msg(a, "Nothing written: '%s' keeps its members", S.db);
		end_session();
	}
}

static void confirm_done(fs_app *a, fs_modal *m, int key)
{
	char q[400];
	if (key != 'y') {
		fs_app_msg(a, "Nothing written");
		end_session();
	} else if (fs_security_is_public(S.want)) {
		snprintf(q, sizeof q, "This leaves '%s' without members: public, readable by anyone who "
			 "reaches the server. Make it public?", S.db);
		fs_modal_confirm(a, q, "yn", public_done);
	} else {
		write_now(a);
	}
}

/* "+members name bob, -admins role ops" from the diff's changed lines. */
static void summary(const char *diff, fs_buf *out)
{
	for (const char *l = diff; *l; ) {
		size_t n = strcspn(l, "\n");
		if ((l[0] == '+' || l[0] == '-') && strncmp(l, "+++", 3) && strncmp(l, "---", 3)) {
			if (out->len)
				fs_buf_adds(out, ", ");
			for (size_t i = 0; i < n; i++)   /* runs of spaces as one */
				if (l[i] != ' ' || (i > 0 && l[i - 1] != ' '))
					fs_buf_addc(out, l[i]);
		}
		l += n + (l[n] == '\n');
	}
}

/* The object as JSON in $EDITOR; what comes back checked and diffed. */
static void edit(fs_app *a)
{
	char path[256], *edited = NULL, *text = fs_json_pretty(S.cur, 2);
	const char *tmp = getenv("TMPDIR");
	fs_err e = { 0 };
	cJSON *raw = NULL;
	int asked = 0;
	snprintf(path, sizeof path, "%s/fsstudio-security-XXXXXX.json", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemps(path, 5), ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0)
		close(fd);
	if (!ok)
		fs_app_error(a, "Cannot write a temporary file for the editor");
	else if (!fs_app_run_editor(a, path) && !fs_read_file(path, &edited, NULL, &e) &&
		 (raw = fs_json_parse(edited, strlen(edited), "the edited permissions", &e)) &&
		 !fs_security_normalize(raw, "the edited permissions", &S.want, &e)) {
		fs_buf d = FS_BUF_INIT, s = FS_BUF_INIT;
		fs_security_diff(S.cur, S.want, &d);
		summary(fs_buf_str(&d), &s);
		if (!s.len) {
			fs_app_msg(a, "No change");
		} else {
			char q[600];
			snprintf(q, sizeof q, "Permissions of '%s': %.400s. Write?", S.db, fs_buf_str(&s));
			fs_modal_confirm(a, q, "yn", confirm_done);
			asked = 1;
		}
		fs_buf_free(&d);
		fs_buf_free(&s);
	}
	if (e.code)
		fs_app_error(a, "Not changed: %s", e.msg);
	if (fd >= 0)
		unlink(path);
	if (!asked)
		end_session();
	cJSON_Delete(raw);
	free(edited);
	free(text);
}

static void ready(fs_app *a, int fd, int revents, void *ctx)
{
	fs_jobs_dispatch(S.bg);
}

void fs_secui_open(fs_app *a, const fs_couch *c, const char *db)
{
	if (S.job || S.c) {
		fs_app_msg(a, "Permissions: the last change is not finished");
		return;
	}
	if (!S.bg)
		S.bg = fs_pane_jobs_new(a, ready, NULL);
	if (!S.bg || !(S.c = fs_couch_clone(c))) {
		fs_app_error(a, "Cannot start a request");
		return;
	}
	S.db = fs_xstrdup(db);
	submit(a, read_work, read_done);
}

void fs_secui_close(fs_app *a)
{
	if (!S.bg)
		return;
	fs_pane_jobs_free(a, S.bg, S.job != NULL);
	S.bg = NULL;
	S.job = NULL;
	end_session();
}
