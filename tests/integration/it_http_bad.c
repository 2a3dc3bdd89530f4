/* The HTTP layer against a misbehaving server (tests/lib/badserver): every
 * failure is one clean sentence with the right code, and nothing hangs past
 * its deadline. Also: what goes on the wire (encoding, Content-Type, auth),
 * cancellation through the background runner, and the request counter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/stat.h>
#include "base/fsutil.h"
#include <unistd.h>
#include "badserver.h"
#include "couch/couch.h"
#include "base/job.h"
#include "couch/http.h"
#include "base/json.h"
#include "testlib.h"

#define MARGIN 0.6 /* seconds allowed past a deadline */

static fs_badserver *bad;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A couch client on URL/<mode>, deadline in ms. */
static fs_couch *client(const char *mode, long deadline, const char *user, const char *pw)
{
	char url[128];
	snprintf(url, sizeof url, "%s/%s", fs_badserver_url(bad), mode);
	fs_http_opts o = { .url = url, .user = user, .password = pw, .timeout_ms = deadline,
		.connect_timeout_ms = 1000 };
	fs_err e;
	fs_http *h = fs_http_new(&o, &e);
	assert_non_null(h);
	return fs_couch_new(h, mode);
}

/* Runs GET / on a mode; checks code, message words and time. */
static void expect(const char *mode, long deadline, int code, const char *words1, const char *words2)
{
	fs_couch *c = client(mode, deadline, NULL, NULL);
	fs_err e;
	cJSON *out = NULL;
	double t0 = now();
	int rc = fs_couch_server_info(c, &out, &e);
	double took = now() - t0;
	if (rc != code)
		fail_msg("%s: code %s, want %s: %s", mode, fs_err_name(rc), fs_err_name(code), e.msg);
	assert_null(out);
	if (words1 && !strstr(e.msg, words1))
		fail_msg("%s: '%s' not in: %s", mode, words1, e.msg);
	if (words2 && !strstr(e.msg, words2))
		fail_msg("%s: '%s' not in: %s", mode, words2, e.msg);
	if (took > deadline / 1000.0 + MARGIN)
		fail_msg("%s: took %.2f s for a %.1f s deadline", mode, took, deadline / 1000.0);
	assert_null(strchr(e.msg, '\n'));
	fs_couch_free(c);
}

static void malformed_json(void **state)
{
	expect("malformed", 3000, FS_E_SERVER, "is not valid JSON", "/malformed");
}

static void truncated_body(void **state)
{
	expect("truncated", 3000, FS_E_HTTP, "cut short", "GET http://127.0.0.1:");
}

static void endless_body_hits_deadline(void **state)
{
	expect("endless", 1000, FS_E_TIMEOUT, "after 1.0 s", "/endless/");
}

static void slow_headers_hit_deadline(void **state)
{
	expect("slowheaders", 800, FS_E_TIMEOUT, "after 0.8 s", NULL);
}

static void oversized_answer(void **state)
{
	char url[128];
	snprintf(url, sizeof url, "%s/endless", fs_badserver_url(bad));
	fs_http_opts o = { .url = url, .timeout_ms = 5000, .max_body = 40 };
	fs_err e;
	fs_couch *c = fs_couch_new(fs_http_new(&o, &e), NULL);
	cJSON *out;
	double t0 = now();
	assert_int_equal(fs_couch_server_info(c, &out, &e), FS_E_SERVER);
	assert_non_null(strstr(e.msg, "the answer is larger than 40 bytes"));
	assert_true(now() - t0 < 3);
	fs_couch_free(c);
}

static void reset_connection(void **state)
{
	fs_couch *c = client("reset", 3000, NULL, NULL);
	fs_err e;
	cJSON *out;
	int rc = fs_couch_server_info(c, &out, &e);
	assert_int_equal(rc, FS_E_HTTP);
	/* a reset right after the request: curl sees either a reset or nothing */
	if (!strstr(e.msg, "reset") && !strstr(e.msg, "without answering"))
		fail_msg("%s", e.msg);
	fs_couch_free(c);
}

static void closed_without_answer(void **state)
{
	expect("close", 3000, FS_E_HTTP, "closed the connection without answering", NULL);
}

static void server_errors(void **state)
{
	expect("error500", 3000, FS_E_SERVER, "server error 500", "internal_server_error: boom");
	expect("html502", 3000, FS_E_SERVER, "server error 502", "not a CouchDB answer");
}

static void refused_connection_names_url(void **state)
{
	int port = fs_test_free_port();
	assert_true(port > 0);
	char url[128];
	snprintf(url, sizeof url, "http://admin:hunter2@127.0.0.1:%d/", port);
	fs_http_opts o = { .url = url };
	fs_err e;
	fs_couch *c = fs_couch_new(fs_http_new(&o, &e), NULL);
	cJSON *out;
	assert_int_equal(fs_couch_all_dbs(c, &out, &e), FS_E_HTTP);
	char want[96];
	snprintf(want, sizeof want, "cannot connect to http://127.0.0.1:%d", port);
	assert_non_null(strstr(e.msg, want));
	assert_null(strstr(e.msg, "hunter2"));
	assert_null(strstr(e.msg, "admin"));
	assert_string_equal(fs_couch_name(c), fs_couch_url(c)); /* no credentials in the name */
	fs_couch_free(c);
}

static void compilation_error_names_function(void **state)
{
	fs_couch *c = client("compile", 3000, NULL, NULL);
	fs_err e;
	cJSON *doc = cJSON_Parse("{\"_id\":\"_design/people\",\"views\":{\"by_name\":{\"map\":\"function(doc) { emit(doc.name )\"}}}");
	char *rev;
	assert_int_equal(fs_couch_doc_put(c, "crm", doc, &rev, &e), FS_E_INVALID);
	assert_string_equal(e.msg, "design document '_design/people' in database 'crm': the map function "
		"of view 'by_name' does not compile: Expression does not eval to a function.");
	assert_null(rev);
	/* the same answer through _bulk_docs as a request-level error */
	cJSON *docs = cJSON_CreateArray();
	cJSON_AddItemToArray(docs, doc);
	fs_couch_bulk b;
	assert_int_equal(fs_couch_bulk_docs(c, "crm", docs, 1, &b, &e), FS_E_INVALID);
	assert_non_null(strstr(e.msg, "view 'by_name' does not compile"));
	cJSON_Delete(docs);
	fs_couch_free(c);
}

static void auth_errors_name_the_user(void **state)
{
	fs_err e;
	cJSON *out;
	fs_couch *c = client("unauthorized", 3000, "alice", "pw-secret");
	assert_int_equal(fs_couch_db_info(c, "db", &out, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "refused the credentials of user 'alice'"));
	assert_null(strstr(e.msg, "pw-secret"));
	fs_couch_free(c);
	c = client("unauthorized", 3000, NULL, NULL);
	assert_int_equal(fs_couch_db_info(c, "db", &out, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "needs a user"));
	fs_couch_free(c);
	c = client("forbidden", 3000, "alice", "pw-secret");
	assert_int_equal(fs_couch_db_delete(c, "db", &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "user 'alice' may not DELETE database 'db'"));
	assert_null(strstr(e.msg, "pw-secret"));
	fs_couch_free(c);
}

static void wire_encoding_and_headers(void **state)
{
	fs_couch *c = client("echo", 3000, "bob", "pw");
	fs_err e;
	cJSON *out;
	assert_int_equal(fs_couch_doc_get(c, "a/b+c$d(e)", "x y/z?q#h%\xc3\xa9", NULL, &out, &e), 0);
	assert_string_equal(fs_json_str(out, "path"), "/echo/a%2Fb%2Bc%24d%28e%29/x%20y%2Fz%3Fq%23h%25%C3%A9");
	assert_true(fs_json_bool(out, "authorization", 0));
	cJSON_Delete(out);
	assert_int_equal(fs_couch_doc_get(c, "db", "_design/app", NULL, &out, &e), 0);
	assert_string_equal(fs_json_str(out, "path"), "/echo/db/_design/app");
	cJSON_Delete(out);
	/* every JSON body says so (pouchdb stores {} otherwise) */
	cJSON *doc = cJSON_Parse("{\"_id\":\"d\",\"v\":1}");
	cJSON *ans;
	assert_int_equal(fs_couch_request(c, "PUT", "/db/d", doc, &ans, NULL, &e), 0);
	assert_string_equal(fs_json_str(ans, "method"), "PUT");
	assert_string_equal(fs_json_str(ans, "content_type"), "application/json");
	assert_string_equal(fs_json_str(ans, "body"), "{\"_id\":\"d\",\"v\":1}");
	cJSON_Delete(ans);
	/* view keys go by POST, other options in the query */
	fs_couch_view_opts o;
	fs_couch_view_opts_init(&o);
	cJSON *keys = cJSON_Parse("[\"a\",[1,2]]"), *sk = cJSON_CreateString("k\"1");
	o.keys = keys;
	o.startkey = sk;
	o.limit = 11;
	o.reduce = 0;
	o.update = "lazy";
	assert_int_equal(fs_couch_view(c, "db", "_design/app", "by x", &o, &ans, &e), 0);
	assert_string_equal(fs_json_str(ans, "method"), "POST");
	assert_string_equal(fs_json_str(ans, "path"),
		"/echo/db/_design/app/_view/by%20x?startkey=%22k%5C%221%22&limit=11&reduce=false&update=lazy");
	assert_string_equal(fs_json_str(ans, "body"), "{\"keys\":[\"a\",[1,2]]}");
	cJSON_Delete(ans);
	/* the design documents in one range request */
	assert_int_equal(fs_couch_design_docs(c, "db", 1, &ans, &e), 0);
	assert_string_equal(fs_json_str(ans, "path"),
		"/echo/db/_all_docs?startkey=%22_design%2F%22&endkey=%22_design0%22&include_docs=true");
	cJSON_Delete(ans);
	/* seq kept opaque: a CouchDB 3 string seq goes back as it came */
	fs_couch_changes_opts co = { 0 };
	cJSON *seq = cJSON_CreateString("12-g1AAAABteJzLYWBg");
	co.since = seq;
	co.limit = 5;
	assert_int_equal(fs_couch_changes(c, "db", &co, &ans, &e), 0);
	assert_string_equal(fs_json_str(ans, "path"), "/echo/db/_changes?since=12-g1AAAABteJzLYWBg&limit=5");
	cJSON_Delete(ans);
	cJSON_Delete(seq);
	cJSON_Delete(keys);
	cJSON_Delete(sk);
	cJSON_Delete(doc);
	fs_couch_free(c);
}

static void longpoll_deadline_means_no_change(void **state)
{
	fs_couch *c = client("endless", 5000, NULL, NULL);
	fs_err e;
	cJSON *out;
	fs_couch_changes_opts o = { 0 };
	cJSON *since = cJSON_CreateNumber(42);
	o.since = since;
	o.longpoll = 1;
	o.timeout_ms = 700;
	double t0 = now();
	assert_int_equal(fs_couch_changes(c, "db", &o, &out, &e), 0);
	assert_true(now() - t0 < 0.7 + MARGIN);
	assert_int_equal(cJSON_GetArraySize(fs_json_arr(out, "results")), 0);
	assert_int_equal(fs_json_int(out, "last_seq", -1), 42);
	cJSON_Delete(out);
	cJSON_Delete(since);
	fs_couch_free(c);
}

typedef struct job_state {
	int rc;
	char msg[256];
	int done_calls;
	fs_couch *c;
	int runs;       /* times the work function started */
} job_state;

static enum fs_err_code slow_work(fs_job *job, void *arg, fs_err *e)
{
	job_state *s = arg;
	cJSON *out = NULL;
	s->runs++;
	int rc = fs_couch_server_info(s->c, &out, e);
	cJSON_Delete(out);
	return rc;
}

static void slow_done(fs_job *job, void *arg, int rc, const fs_err *e)
{
	job_state *s = arg;
	s->rc = rc;
	snprintf(s->msg, sizeof s->msg, "%s", e->msg);
	s->done_calls++;
}

static void background_cancel(void **state)
{
	fs_jobs *bg = fs_jobs_new(2);
	job_state slow = { -1, "", 0, client("slowheaders", 20000, NULL, NULL) };
	job_state fast = { -1, "", 0, client("ok", 3000, NULL, NULL) };
	double t0 = now();
	fs_job *j = fs_job_submit(bg, slow_work, slow_done, &slow);
	fs_job_submit(bg, slow_work, slow_done, &fast);
	assert_int_equal(fs_jobs_pending(bg), 2);
	/* the event loop: the fast job completes while the slow one hangs */
	while (fast.done_calls == 0) {
		struct pollfd p = { fs_jobs_fd(bg), POLLIN, 0 };
		poll(&p, 1, 1000);
		fs_jobs_dispatch(bg);
		assert_true(now() - t0 < 5);
	}
	assert_int_equal(fast.rc, 0);
	assert_int_equal(slow.done_calls, 0);
	usleep(200000);
	double t1 = now();
	fs_job_cancel(j);
	fs_jobs_wait_all(bg);
	assert_int_equal(slow.done_calls, 1);
	assert_int_equal(slow.rc, FS_E_CANCELLED);
	assert_non_null(strstr(slow.msg, "cancelled"));
	assert_true(now() - t1 < 0.5); /* cancellation is prompt */
	fs_jobs_free(bg);
	/* a job cancelled before it starts never runs its work: the one
	 * worker is held by a hanging request meanwhile, so it cannot start */
	fs_jobs *one = fs_jobs_new(1);
	job_state hold = { -1, "", 0, slow.c, 0 }, never = { -1, "", 0, fast.c, 0 };
	fs_job *h = fs_job_submit(one, slow_work, slow_done, &hold);
	fs_job *k = fs_job_submit(one, slow_work, slow_done, &never);
	fs_job_cancel(k);
	fs_job_cancel(h);
	fs_jobs_wait_all(one);
	assert_int_equal(never.done_calls, 1);
	assert_int_equal(never.rc, FS_E_CANCELLED);
	assert_int_equal(never.runs, 0);
	fs_jobs_free(one);
	fs_couch_free(slow.c);
	fs_couch_free(fast.c);
}

static void request_counter(void **state)
{
	fs_couch *c = client("ok", 3000, NULL, NULL);
	fs_err e;
	cJSON *out;
	int before = fs_badserver_requests(bad);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(fs_couch_server_info(c, &out, &e), 0);
		cJSON_Delete(out);
	}
	assert_int_equal(fs_couch_db_create(c, "x", NULL, &e), 0);
	fs_http_stats s = fs_http_get_stats(fs_couch_http(c));
	assert_int_equal(s.requests, 6);
	assert_int_equal(s.writes, 1);
	assert_int_equal(fs_badserver_requests(bad) - before, 6);
	fs_http_reset_stats(fs_couch_http(c));
	assert_int_equal(fs_http_get_stats(fs_couch_http(c)).requests, 0);
	fs_couch_free(c);
}

/* A self-signed TLS server (openssl s_server): refused by default, reached
 * with insecure (its HTML answer then fails as "not valid JSON"). */
static void tls_verified_by_default(void **state)
{
	char *dir = fs_test_tmpdir(), *out = NULL;
	if (fs_test_sh(NULL, 1, "command -v openssl") != 0)
		skip();
	int port = fs_test_free_port();
	int rc = fs_test_sh(&out, 1, "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem "
		"-out c.pem -days 1 -subj /CN=127.0.0.1 && (openssl s_server -accept %d -cert c.pem -key k.pem "
		"-www -quiet >/dev/null 2>&1 & echo $! > pid)", dir, port);
	free(out);
	assert_int_equal(rc, 0);
	char url[64];
	snprintf(url, sizeof url, "https://127.0.0.1:%d", port);
	fs_http_opts o = { .url = url, .timeout_ms = 3000 };
	fs_err e;
	cJSON *info;
	/* wait until it listens */
	int tries = 0;
	fs_couch *c = fs_couch_new(fs_http_new(&o, &e), NULL);
	while (fs_couch_server_info(c, &info, &e) == FS_E_HTTP && strstr(e.msg, "Connection refused") && tries++ < 100)
		usleep(50000);
	assert_int_equal(e.code, FS_E_HTTP);
	if (!strstr(e.msg, "securely") || !strstr(e.msg, "insecure = true"))
		fail_msg("%s", e.msg);
	fs_couch_free(c);
	o.insecure = 1;
	c = fs_couch_new(fs_http_new(&o, &e), NULL);
	assert_int_equal(fs_couch_server_info(c, &info, &e), FS_E_SERVER);
	assert_non_null(strstr(e.msg, "not valid JSON"));
	fs_couch_free(c);
	fs_test_sh(NULL, 1, "kill $(cat '%s/pid')", dir);
}

/* Without a user, credentials come from ~/.netrc (by curl); GET / never
 * carries them, so the test asks for /_session. */
static void netrc_credentials(void **state)
{
	char *home = fs_test_tmpdir(), *old = getenv("HOME") ? fs_xstrdup(getenv("HOME")) : NULL;
	char *netrc = fs_path_join(home, ".netrc");
	FILE *f = fopen(netrc, "w");
	fprintf(f, "machine 127.0.0.1 login nuser password npw\n");
	fclose(f);
	chmod(netrc, 0600);
	setenv("HOME", home, 1);
	fs_couch *c = client("echo", 3000, NULL, NULL);
	fs_err e;
	cJSON *out;
	assert_int_equal(fs_couch_session(c, &out, &e), 0);
	assert_true(fs_json_bool(out, "authorization", 0));
	cJSON_Delete(out);
	fs_couch_free(c);
	unlink(netrc);
	c = client("echo", 3000, NULL, NULL);
	assert_int_equal(fs_couch_session(c, &out, &e), 0);
	assert_false(fs_json_bool(out, "authorization", 1));
	cJSON_Delete(out);
	fs_couch_free(c);
	if (old)
		setenv("HOME", old, 1);
	free(old);
	free(netrc);
}

static int setup(void **state)
{
	bad = fs_badserver_start();
	return bad ? 0 : -1;
}

static int teardown(void **state)
{
	fs_badserver_stop(bad);
	fs_test_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_json),
		cmocka_unit_test(truncated_body),
		cmocka_unit_test(endless_body_hits_deadline),
		cmocka_unit_test(slow_headers_hit_deadline),
		cmocka_unit_test(oversized_answer),
		cmocka_unit_test(reset_connection),
		cmocka_unit_test(closed_without_answer),
		cmocka_unit_test(server_errors),
		cmocka_unit_test(refused_connection_names_url),
		cmocka_unit_test(compilation_error_names_function),
		cmocka_unit_test(auth_errors_name_the_user),
		cmocka_unit_test(wire_encoding_and_headers),
		cmocka_unit_test(longpoll_deadline_means_no_change),
		cmocka_unit_test(background_cancel),
		cmocka_unit_test(request_counter),
		cmocka_unit_test(tls_verified_by_default),
		cmocka_unit_test(netrc_credentials),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
