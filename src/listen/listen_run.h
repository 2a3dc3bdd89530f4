/* Running listeners headless: follow a database's _changes, match chunk by
 * chunk (listen.h) and deliver each matching chunk to a Convertigo server or
 * a command, with a checkpoint per listener in a _local document of the
 * database, moved only after a delivery (at-least-once: a crash re-delivers
 * at most the chunks in flight, never loses one). The checkpoint is written
 * by a thread of its own while the next chunks go: "in flight" includes the
 * chunks delivered while the last checkpoint write was under way. */
#ifndef FS_LISTEN_RUN_H
#define FS_LISTEN_RUN_H

#include <signal.h>
#include "listen/listen.h"

/* Where chunks go: exactly one of url, exec and stream. */
typedef struct fs_listen_target {
	const char *url;      /* Convertigo server: POST URL/projects/P/.json */
	const fs_http *http;  /* a client for it (from a server profile, with its
				 credentials), cloned per listener; NULL: made
				 from url */
	const char *exec;     /* a shell command: the chunk as a JSON array on stdin */
	const char *stream;   /* a long-lived shell command: one JSON line per
				 chunk on its stdin, one answer line back */
	long timeout_ms;      /* per delivery (url, stream); 0: 60 s */
} fs_listen_target;

/* The result of one delivery attempt. */
typedef struct fs_listen_answer {
	int ok;               /* 2xx, or exit 0 */
	char text[128];       /* "HTTP 200", "exit 3", the error */
} fs_listen_answer;

/* Delivers one chunk's documents (docs, an array) for listener l. http is a
 * client on the target URL (NULL for exec). Never fails otherwise: the
 * answer says what happened. */
void fs_listen_deliver(const fs_listen_target *t, fs_http *http, const fs_listener *l,
	const cJSON *docs, const cJSON *seq, fs_listen_answer *out);

/* The environment of a listener's command: ours plus FSSTUDIO_LISTENER,
 * FSSTUDIO_DB and, when seq is not NULL, FSSTUDIO_SEQ. */
char **fs_listen_env(const fs_listener *l, const cJSON *seq);
void fs_listen_env_free(char **env);

/* --stream: one command kept running (one process start for many chunks,
 * where --exec pays one per chunk). Each chunk is one line on its stdin,
 *   {"listener":NAME,"db":DB,"seq":SEQ,"docs":[...]}
 * and its answer one line on its stdout: "ok" is a delivery, anything else
 * a failure. A command that exits, closes its output or does not answer in
 * time fails the chunk; it is killed and a new one started at the next
 * delivery. The command starts at the first chunk; one thread at a time. */
typedef struct fs_listen_stream fs_listen_stream;
fs_listen_stream *fs_listen_stream_new(const fs_listen_target *t, const fs_listener *l);
/* Starts the command now if it does not run (it starts at the first chunk
 * otherwise): the runner starts it while the first batch is read. */
enum fs_err_code fs_listen_stream_start(fs_listen_stream *s, fs_err *e);
/* Delivers n chunks at once, their lines written before any answer is
 * read; out[i] is chunk i's answer. */
void fs_listen_stream_deliver_many(fs_listen_stream *s, const fs_listen_chunk *const *ks, size_t n,
				   fs_listen_answer *out);
/* Closes the command's input, lets it exit (1 s), kills and reaps it. */
void fs_listen_stream_free(fs_listen_stream *s);

typedef struct fs_listen_run_opts {
	const char *project;        /* the project name: part of the checkpoint id */
	fs_listen_target target;
	const cJSON *since;         /* first run (no checkpoint): from here ... */
	int since_now;              /* ... or from now */
	int json;                   /* events as JSON lines on stdout */
	long retry_max_ms;          /* cap of the backoffs; 0: 30 s */
	long poll_ms;               /* longpoll deadline; 0: 30 s */
	long checkpoint_ms;         /* at most one checkpoint write per this
				       period (0: after each delivery, those
				       during a write merged) */
	long parallel;              /* chunks delivered at once per listener
				       (in any order; the checkpoint only
				       passes chunks all delivered); 0, 1: one
				       at a time, in order */
} fs_listen_run_opts;

typedef struct fs_listen_runner fs_listen_runner;

/* Runs every listener (one thread each) until fs_listen_runner_stop. c is
 * cloned per listener. Returns 0 after a stop; an error when a listener
 * cannot start (its checkpoint cannot be read). */
fs_listen_runner *fs_listen_runner_new(fs_couch *c, fs_listener *ls, size_t n,
	const fs_listen_run_opts *o);
enum fs_err_code fs_listen_runner_run(fs_listen_runner *r, fs_err *e);
/* Async-signal-safe: finish the chunks in flight, then return. */
void fs_listen_runner_stop(fs_listen_runner *r);
void fs_listen_runner_free(fs_listen_runner *r);

#endif
