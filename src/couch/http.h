/* The one HTTP layer (libcurl).
 *
 * A client (fs_http) talks to one base URL with one set of credentials and
 * keeps one curl easy handle, so connections are reused across requests. Every
 * request has a connect timeout and a deadline on its total time, enforced by
 * us (servers that ignore `timeout=` cannot hang us). TLS is verified unless
 * the profile says `insecure`. Credentials never appear in messages: URLs in
 * errors are display URLs.
 *
 * Never damage a server, never lock anyone out:
 *  - requests other than GET and HEAD go on a connection of their own
 *    (libcurl would otherwise send them again, unseen, when a reused
 *    connection turns out closed: a write applied twice, reported as a
 *    conflict); a failure is reported, never retried here;
 *  - GET / (the server's welcome, public in CouchDB) never carries
 *    credentials: pings and version checks cannot count as failed logins;
 *  - credentials a server refused (401) are never sent again by this
 *    process (any client with the same URL, user and password): CouchDB
 *    3.4+ locks an account after a few failed logins.
 *
 * Threads: a client may be used from any thread, one request at a time (an
 * internal lock serializes concurrent callers). Blocking use (CLI) is just
 * fs_http_do(). From an event loop (TUI), run any blocking call, including
 * whole couch operations made of several requests, as a background job
 * (base/job.h): worker threads, a pipe to poll, callbacks on the loop's
 * thread, and cancellation: a cancelled job's requests fail at once with
 * FS_E_CANCELLED (checked between chunks and at least every ~100 ms by
 * curl's progress callback, through fs_job_current_cancelled). (Worker threads rather
 * than handing the UI curl multi handles: a couch operation such as a deploy
 * or a page of documents is several dependent requests, written once as plain
 * blocking code.) Requests on one client queue behind each other: give a long
 * request (a followed changes feed) its own client with fs_http_clone. */
#ifndef FS_HTTP_H
#define FS_HTTP_H

#include <stddef.h>
#include "base/err.h"
#include "base/buf.h"

typedef struct fs_http fs_http;

typedef struct fs_http_opts {
	const char *url;          /* base URL, http(s)://host[:port][/prefix]; may hold user:pw@ */
	const char *user;         /* basic auth user (NULL: from the URL, else ~/.netrc) */
	const char *password;
	int insecure;             /* 1: skip TLS verification (say so loudly) */
	const char *ca_file;      /* CA certificates (PEM) to verify the server with; NULL: the system's */
	const char *client_cert;  /* client certificate (PEM) for TLS client authentication */
	const char *client_key;   /* its private key (PEM) */
	int cookie_session;       /* 1: POST /_session once, then use the cookie */
	long connect_timeout_ms;  /* 0: 5000 */
	long timeout_ms;          /* default deadline per request; 0: 30000 */
	size_t max_body;          /* 0: 512 MiB; larger responses fail cleanly */
} fs_http_opts;

/* Never fails for a well-formed URL; FS_E_INVALID otherwise. */
fs_http *fs_http_new(const fs_http_opts *o, fs_err *e);
void fs_http_free(fs_http *h);
/* A new client with the same URL, credentials and settings, and its own
 * connection: for a long request (a followed changes feed) that must not
 * hold up the others, since one client runs one request at a time. */
fs_http *fs_http_clone(const fs_http *h);
/* Changes the default deadline of later requests (ms, > 0). */
void fs_http_set_timeout(fs_http *h, long timeout_ms);
/* The base URL without credentials and without a trailing slash. */
const char *fs_http_url(const fs_http *h);
/* The user used for authentication, or NULL (anonymous or ~/.netrc). */
const char *fs_http_user(const fs_http *h);

typedef struct fs_http_req {
	const char *method;       /* "GET", "PUT", "POST", "DELETE", "HEAD", "COPY" */
	const char *path;         /* already percent-encoded, from the base: "/db/_all_docs?limit=1" */
	const char *body;         /* NULL: none */
	size_t body_len;          /* 0 with body: strlen(body) */
	const char *content_type; /* NULL with a body: application/json */
	const char *const *headers; /* extra "Name: value" lines, NULL-terminated, may be NULL */
	long timeout_ms;          /* 0: the client's default deadline */
} fs_http_req;

typedef struct fs_http_resp {
	long status;              /* 0 when no response came */
	fs_buf body;
	char etag[128];
	char content_type[128];
	double elapsed;           /* seconds */
} fs_http_resp;

/* Performs a request. Returns 0 when a complete HTTP response arrived,
 * whatever its status (callers interpret statuses), else:
 *   FS_E_HTTP      connection refused/reset, DNS, TLS, truncated response
 *   FS_E_TIMEOUT   connect timeout or deadline passed ("after 2.0 s")
 *   FS_E_CANCELLED cancelled by fs_http_cancel() or fs_job_cancel()
 *   FS_E_SERVER    response larger than max_body
 * Free the response with fs_http_resp_free (also after a failure). */
enum fs_err_code fs_http_do(fs_http *h, const fs_http_req *r, fs_http_resp *out, fs_err *e);
void fs_http_resp_free(fs_http_resp *r);

/* Makes the running and any later request of this client fail with
 * FS_E_CANCELLED until fs_http_uncancel(). Any thread, async-signal-safe. */
void fs_http_cancel(fs_http *h);
void fs_http_uncancel(fs_http *h);

/* Counters since creation (or the last reset): tests count requests. */
typedef struct fs_http_stats {
	long requests;            /* every request sent */
	long writes;              /* requests other than GET and HEAD */
	long connects;            /* new connections opened (reuse keeps it low) */
} fs_http_stats;
fs_http_stats fs_http_get_stats(const fs_http *h);
void fs_http_reset_stats(fs_http *h);
/* Adds the counters of from to those of into (a pool's clones report to
 * the client they were cloned from). */
void fs_http_stats_merge(fs_http *into, const fs_http *from);

/* A bounded pool: runs fn(arg, i, k) for every i in [0, n), in order of i,
 * on at most nclients threads; worker k sends its requests with clients[k]
 * only (each client its own connection). A task returning non-zero starts
 * no further tasks (those running finish). With one client, or one task,
 * everything runs on the calling thread. The calling thread waits; when
 * the job running on it is cancelled (fs_job_current_cancelled), it cancels
 * every client, so that running requests stop within ~100 ms, and starts
 * no further tasks. */
typedef int (*fs_http_task_fn)(void *arg, size_t i, size_t k);
void fs_http_parallel(fs_http *const *clients, size_t nclients, size_t n, fs_http_task_fn fn, void *arg);

/* Percent-encoding of one URL component: everything but A-Z a-z 0-9 - . _ ~
 * is encoded (so '/' becomes %2F). Appends to b. */
void fs_url_encode(fs_buf *b, const char *s);
/* A copy of url without the user:password@ part. Caller frees. */
char *fs_url_strip_credentials(const char *url);
/* The user and password of a URL's user:password@ part, percent-decoded
 * (each NULL when absent), read by curl's URL parser. Caller frees both. */
void fs_url_credentials(const char *url, char **user, char **password);
/* Overwrites, in place, the password of a URL (a process argument) with
 * '*': /proc/PID/cmdline then no longer shows it. 1 when there was one. */
int fs_url_wipe_password(char *arg);

#endif
