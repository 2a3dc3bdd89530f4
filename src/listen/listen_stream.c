/* `listen run --stream`: delivery to a long-lived command, one line per
 * chunk each way (see listen_run.h). Starting a process costs milliseconds
 * (a shell, then the command), which bounds --exec's one process per chunk
 * far below the rate of the feed; here one start serves every chunk. The
 * process part is base/spawn's fs_proc; the line format is ours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "base/buf.h"
#include "base/spawn.h"
#include "listen/listen_run.h"

struct fs_listen_stream {
	const char *cmd;
	const fs_listener *l;
	long timeout_ms;
	char **env;
	fs_proc *proc;        /* NULL until the first chunk, and after a failure */
	fs_buf answer;        /* reused from chunk to chunk */
};

fs_listen_stream *fs_listen_stream_new(const fs_listen_target *t, const fs_listener *l)
{
	fs_listen_stream *s = fs_xcalloc(1, sizeof *s);
	s->cmd = t->stream;
	s->l = l;
	s->timeout_ms = t->timeout_ms > 0 ? t->timeout_ms : 60000;
	s->env = fs_listen_env(l, NULL);
	return s;
}

void fs_listen_stream_free(fs_listen_stream *s)
{
	if (!s)
		return;
	fs_proc_stop(s->proc, 1000);
	fs_listen_env_free(s->env);
	fs_buf_free(&s->answer);
	free(s);
}

/* The chunk's line: compact JSON has no raw newline, so one line it is.
 * The documents are referenced, not copied. */
static char *chunk_line(const fs_listen_stream *s, const cJSON *docs, const cJSON *seq, size_t *n)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "listener", s->l->name);
	cJSON_AddStringToObject(j, "db", s->l->db);
	if (seq)
		cJSON_AddItemReferenceToObject(j, "seq", (cJSON *)seq);
	else
		cJSON_AddNullToObject(j, "seq");
	cJSON_AddItemReferenceToObject(j, "docs", (cJSON *)docs);
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	*n = strlen(text);
	text = fs_xrealloc(text, *n + 2);
	text[(*n)++] = '\n';
	text[*n] = '\0';
	return text;
}

/* Any answer but "ok" goes to the log as said, on one line and short. */
static void quote_answer(char *out, size_t size, const char *a, size_t n)
{
	size_t k = (size_t)snprintf(out, size, "answered \"");
	for (size_t i = 0; i < n && k + 5 < size; i++) {
		unsigned char c = (unsigned char)a[i];
		out[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	snprintf(out + k, size - k, "%s\"", k + 5 < size ? "" : "...");
}

static void answered(fs_listen_stream *s, fs_listen_answer *out)
{
	const char *a = fs_buf_str(&s->answer);
	size_t n = s->answer.len;
	if (n && a[n - 1] == '\r')
		n--;
	out->ok = n == 2 && !memcmp(a, "ok", 2);
	if (out->ok)
		snprintf(out->text, sizeof out->text, "ok");
	else
		quote_answer(out->text, sizeof out->text, a, n);
}

/* The command timed out, stopped reading or closed its output: it is of no
 * more use. Killed at once after a timeout; otherwise it is given a moment
 * to exit, so that its exit status says why. */
static void broken(fs_listen_stream *s, const fs_err *e, fs_listen_answer *out)
{
	int timed_out = e->code == FS_E_TIMEOUT;
	int st = fs_proc_stop(s->proc, timed_out ? 0 : 200);
	s->proc = NULL;
	if (timed_out)
		snprintf(out->text, sizeof out->text, "%s", e->msg);
	else if (WIFEXITED(st))
		snprintf(out->text, sizeof out->text, "%s (exit %d)", e->msg, WEXITSTATUS(st));
	else
		snprintf(out->text, sizeof out->text, "%s (killed by signal %d)", e->msg, WTERMSIG(st));
}

enum fs_err_code fs_listen_stream_start(fs_listen_stream *s, fs_err *e)
{
	/* its own process group, as --exec: a Ctrl-C meant for us must not
	 * kill it with the chunk in flight */
	fs_spawn_opts so = { .cmd = s->cmd, .env = s->env, .new_group = 1 };
	if (!s->proc && !(s->proc = fs_proc_start(&so, e)))
		return e->code;
	return 0;
}

/* The chunks' lines written ahead, then their answers read in order: one
 * wake-up of the command for many chunks instead of one per chunk (a round
 * trip between two processes was most of the time per chunk). An answer
 * missing after a failure is "not answered": that chunk is sent again. */
void fs_listen_stream_deliver_many(fs_listen_stream *s, const fs_listen_chunk *const *ks, size_t n,
				   fs_listen_answer *out)
{
	memset(out, 0, n * sizeof *out);
	fs_err e = { 0 };
	size_t i = 0;
	if (fs_listen_stream_start(s, &e)) {
		snprintf(out[0].text, sizeof out[0].text, "%s", e.msg);
		i = 1;
	} else {
		fs_buf lines = FS_BUF_INIT;
		for (size_t k = 0; k < n; k++) {
			size_t len;
			char *line = chunk_line(s, ks[k]->docs, ks[k]->seq, &len);
			fs_buf_add(&lines, line, len);
			free(line);
		}
		int rc = fs_proc_send(s->proc, lines.data, lines.len, s->timeout_ms, &e);
		fs_buf_free(&lines);
		for (; !rc && i < n; i++) {
			if ((rc = fs_proc_recv(s->proc, s->timeout_ms, &s->answer, &e)))
				break;
			answered(s, &out[i]);
		}
		if (rc)
			broken(s, &e, &out[i++]);
	}
	for (; i < n; i++)
		snprintf(out[i].text, sizeof out[i].text, "not answered: the command failed on a chunk before");
}
