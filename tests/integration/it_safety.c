/* Never damage a server, never lock anyone out, keep secrets secret
 * (issue 11), through the fsstudio binary and the core:
 *  - a proxy in front of pouchdb-server loses the answer of the first
 *    _bulk_docs: the deploy reads back, reports success, exit 0, and the
 *    request reached the server once;
 *  - a server recording Authorization headers sees none on pings and one
 *    failed login per process; a lockout 403 says so;
 *  - a password in --server is gone from /proc/PID/cmdline while a slow
 *    server holds the request; password_command failures show no output;
 *    ~/.netrc readable by others is refused; TLS with the profile's
 *    ca_file, client_cert and client_key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "badserver.h"
#include "cutproxy.h"
#include "couch/couch.h"
#include "couch/http.h"
#include "couch/servers.h"
#include "deploy/deploy.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "model/project.h"
#include "testlib.h"

static fs_badserver *bad;

static char *sample_copy(void)
{
	char *dir = fs_xasprintf("%s/proj", fs_test_tmpdir());
	char *src = fs_xasprintf("%s/projects/sample", fs_test_srcdir());
	assert_int_equal(fs_test_copy_tree(src, dir), 0);
	free(src);
	return dir;
}

/* A servers file in a fresh XDG_CONFIG_HOME; returns that folder. */
static char *profiles(const char *text)
{
	char *cfg = fs_test_tmpdir(), *dir = fs_path_join(cfg, "fsstudio"), *path = fs_path_join(dir, "servers");
	fs_err e;
	assert_int_equal(fs_mkdir_p(dir, 0700, &e), 0);
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), 0600, &e), 0);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	free(dir);
	free(path);
	return cfg;
}

/* ---- a lost _bulk_docs answer ---- */

static void bulk_answer_lost_is_read_back(void **state)
{
	fs_test_couch *srv = fs_test_couch_start();
	if (!srv)
		skip();
	fs_cutproxy *px = fs_cutproxy_start(srv->port);
	assert_non_null(px);
	char *dir = sample_copy(), *out = NULL;
	int rc = fs_test_sh(&out, 1, "'%s' deploy '%s' --server %s", fs_test_bin(), dir, fs_cutproxy_url(px));
	/* the databases are written in parallel: the first upload to reach the
	 * proxy, inspections' (2 documents) or sites' (1), is the one cut */
	int read_back = strstr(out, "read back from the server: 2 of 2 documents written") ||
			strstr(out, "read back from the server: 1 of 1 documents written");
	if (rc != 0 || !strstr(out, "was lost") || !read_back || strstr(out, "FAILED") || strstr(out, "conflict"))
		fail_msg("exit %d:\n%s", rc, out);
	/* each database's upload reached the server once: nothing was resent */
	assert_int_equal(fs_cutproxy_bulk_docs(px), 2);
	free(out);
	/* what the deploy said is what the server holds: a rerun has nothing to do */
	rc = fs_test_sh(&out, 1, "'%s' deploy '%s' --server %s", fs_test_bin(), dir, srv->url);
	if (rc != 0 || !strstr(out, "done: 3 unchanged"))
		fail_msg("exit %d:\n%s", rc, out);
	free(out);
	free(dir);
	fs_cutproxy_stop(px);
	fs_test_couch_stop(srv);
}

/* The same through the core: every document done, no failure, a warning. */
static void bulk_answer_lost_core(void **state)
{
	fs_test_couch *srv = fs_test_couch_start();
	if (!srv)
		skip();
	fs_cutproxy *px = fs_cutproxy_start(srv->port);
	char *dir = sample_copy();
	fs_err e;
	fs_project *p;
	assert_int_equal(fs_project_open(&p, dir, &e), 0);
	fs_http_opts o = { .url = fs_cutproxy_url(px), .timeout_ms = 20000 };
	fs_couch *c = fs_couch_new(fs_http_new(&o, &e), "proxy");
	fs_deploy_plan *plan;
	assert_int_equal(fs_deploy_plan_make(p, c, NULL, &plan, &e), 0);
	if (fs_deploy_run(plan, c, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(plan->failed, 0);
	for (size_t i = 0; i < plan->ndbs; i++)
		for (size_t k = 0; k < plan->dbs[i].ndocs; k++) {
			assert_true(plan->dbs[i].docs[k].done);
			assert_non_null(plan->dbs[i].docs[k].rev);
		}
	assert_int_equal(plan->nwarnings, 1);
	assert_non_null(strstr(plan->warnings[0], "read back from the server"));
	fs_deploy_plan_free(plan);
	fs_couch_free(c);
	fs_project_free(p);
	free(dir);
	fs_cutproxy_stop(px);
	fs_test_couch_stop(srv);
}

/* ---- credentials ---- */

static fs_couch *client(const char *path, const char *user, const char *pw)
{
	char *url = fs_xasprintf("%s/%s", fs_badserver_url(bad), path);
	fs_http_opts o = { .url = url, .user = user, .password = pw, .timeout_ms = 3000 };
	fs_err e;
	fs_couch *c = fs_couch_new(fs_http_new(&o, &e), NULL);
	free(url);
	return c;
}

static void pings_send_no_credentials(void **state)
{
	char *ran = fs_path_join(fs_test_tmpdir(), "ran");
	char *text = fs_xasprintf("[wrong]\nurl = %s/authfail\nuser = admin\npassword = wrongPW\n"
		"[cmd]\nurl = %s/authfail\nuser = admin\npassword_command = touch '%s'; echo pw\n",
		fs_badserver_url(bad), fs_badserver_url(bad), ran);
	profiles(text);
	int before = fs_badserver_authorized(bad), seen = fs_badserver_requests(bad);
	char *out = NULL;
	for (int i = 0; i < 3; i++) {
		free(out);
		assert_int_equal(fs_test_sh(&out, 1, "'%s' servers", fs_test_bin()), 0);
	}
	assert_non_null(strstr(out, "CouchDB 3.4.2"));
	assert_true(fs_badserver_requests(bad) - seen >= 6);
	assert_int_equal(fs_badserver_authorized(bad), before);
	assert_false(fs_is_file(ran)); /* no password command runs for a ping */
	free(ran);
	/* the version check of a client sends none either */
	fs_couch *c = client("authfail", "admin", "wrongPW");
	cJSON *info;
	fs_err e;
	assert_int_equal(fs_couch_server_info(c, &info, &e), 0);
	cJSON_Delete(info);
	assert_int_equal(fs_badserver_authorized(bad), before);
	fs_couch_free(c);
	free(out);
	free(text);
}

static void one_failed_login_per_process(void **state)
{
	int before = fs_badserver_authorized(bad);
	fs_couch *a = client("authfail", "carol", "badPW"), *b = client("authfail", "carol", "badPW");
	cJSON *out;
	fs_err e;
	assert_int_equal(fs_couch_all_dbs(a, &out, &e), FS_E_AUTH);
	if (!strstr(e.msg, "user 'carol'") || !strstr(e.msg, "lock the account on CouchDB 3.4+"))
		fail_msg("%s", e.msg);
	assert_null(strstr(e.msg, "badPW"));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fs_couch_all_dbs(i % 2 ? a : b, &out, &e), FS_E_AUTH);
		assert_non_null(strstr(e.msg, "earlier in this run"));
	}
	assert_int_equal(fs_badserver_authorized(bad) - before, 1);
	fs_couch_free(a);
	fs_couch_free(b);
	/* a corrected password is tried */
	a = client("authfail", "carol", "otherPW");
	assert_int_equal(fs_couch_all_dbs(a, &out, &e), FS_E_AUTH);
	assert_int_equal(fs_badserver_authorized(bad) - before, 2);
	fs_couch_free(a);
	/* a cookie session: the refused login (POST /_session) is the only try */
	char *url = fs_xasprintf("%s/authfail", fs_badserver_url(bad));
	fs_http_opts o = { .url = url, .user = "erin", .password = "badPW", .cookie_session = 1 };
	a = fs_couch_new(fs_http_new(&o, &e), NULL);
	int seen = fs_badserver_requests(bad);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fs_couch_all_dbs(a, &out, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "earlier in this run"));
	assert_int_equal(fs_badserver_requests(bad) - seen, 1);
	fs_couch_free(a);
	free(url);
}

static void one_failed_login_per_cli_run(void **state)
{
	char *dir = sample_copy(), *out = NULL;
	char *text = fs_xasprintf("[wrong]\nurl = %s/authfail\nuser = admin\npassword = wrongPW\n",
		fs_badserver_url(bad));
	profiles(text);
	int before = fs_badserver_authorized(bad);
	assert_int_equal(fs_test_sh(&out, 1, "'%s' deploy '%s' --server wrong", fs_test_bin(), dir), 1);
	assert_non_null(strstr(out, "lock the account"));
	assert_int_equal(fs_badserver_authorized(bad) - before, 1);
	free(out);
	assert_int_equal(fs_test_sh(&out, 1, "'%s' db ls --server wrong", fs_test_bin()), 1);
	assert_int_equal(fs_badserver_authorized(bad) - before, 2);
	free(out);
	free(text);
	free(dir);
}

static void lockout_says_so(void **state)
{
	int before = fs_badserver_authorized(bad);
	fs_couch *c = client("lockedout", "dave", "pw");
	cJSON *out;
	fs_err e;
	assert_int_equal(fs_couch_all_dbs(c, &out, &e), FS_E_AUTH);
	if (!strstr(e.msg, "locked user 'dave' out after repeated failed logins") || strstr(e.msg, "may not"))
		fail_msg("%s", e.msg);
	/* each try would extend the lockout: not sent again */
	assert_int_equal(fs_couch_all_dbs(c, &out, &e), FS_E_AUTH);
	assert_int_equal(fs_badserver_authorized(bad) - before, 1);
	fs_couch_free(c);
}

/* ---- secrets ---- */

static void url_credentials_by_curl(void **state)
{
	char *u, *p;
	fs_url_credentials("http://us%40er:p%3Aw%2F@h:1/x", &u, &p);
	assert_string_equal(u, "us@er");
	assert_string_equal(p, "p:w/");
	free(u);
	free(p);
	fs_url_credentials("https://h:1/x", &u, &p);
	assert_null(u);
	assert_null(p);
	char *s = fs_url_strip_credentials("http://a:b@h:5984");
	assert_string_equal(s, "http://h:5984");
	free(s);
	s = fs_url_strip_credentials("http://h:5984/prefix/");
	assert_string_equal(s, "http://h:5984/prefix/");
	free(s);
	char arg[] = "http://admin:s3cr%40t@h:1/x";
	assert_int_equal(fs_url_wipe_password(arg), 1);
	assert_string_equal(arg, "http://admin:********@h:1/x");
	char none[] = "http://h:1/x";
	assert_int_equal(fs_url_wipe_password(none), 0);
}

static char *read_all(const char *path)
{
	char *s = NULL;
	fs_read_file(path, &s, NULL, NULL);
	return s ? s : fs_xstrdup("");
}

/* /proc/PID/cmdline of a run whose request a slow server holds. */
static void password_gone_from_cmdline(void **state)
{
	char *dir = fs_test_tmpdir(), *errf = fs_path_join(dir, "stderr");
	char *url = fs_xasprintf("--server=http://admin:s3cretPW@%s/slowheaders",
		fs_badserver_url(bad) + strlen("http://"));
	int seen = fs_badserver_requests(bad);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execl(fs_test_bin(), "fsstudio", "db", "ls", url, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && fs_badserver_requests(bad) == seen; i++)
		usleep(25000);
	assert_true(fs_badserver_requests(bad) > seen);
	char *proc = fs_xasprintf("/proc/%d/cmdline", (int)pid), *cmdline = NULL;
	size_t len = 0;
	fs_err e;
	assert_int_equal(fs_read_file(proc, &cmdline, &len, &e), 0);
	for (size_t i = 0; i < len; i++)
		if (!cmdline[i])
			cmdline[i] = ' ';
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	if (strstr(cmdline, "s3cretPW") || !strstr(cmdline, "admin:********@"))
		fail_msg("cmdline: %s", cmdline);
	char *err = read_all(errf);
	const char *note = "can be read by other users";
	char *first = strstr(err, note);
	if (!first || strstr(first + 1, note) || !strstr(err, "password_command") || !strstr(err, "FSSTUDIO_PASSWORD"))
		fail_msg("stderr: %s", err);
	free(err);
	free(cmdline);
	free(proc);
	free(url);
	free(errf);
}

static void password_command_output_never_shown(void **state)
{
	char *text = fs_xasprintf("[cmd]\nurl = %s/ok\nuser = admin\n"
		"password_command = echo LEAKED-SECRET; echo LEAKED-ERROR >&2; exit 7\n", fs_badserver_url(bad));
	profiles(text);
	char *out = NULL;
	assert_int_equal(fs_test_sh(&out, 1, "'%s' db ls --server cmd", fs_test_bin()), 1);
	if (!strstr(out, "password_command of server 'cmd' failed with exit status 7") || strstr(out, "LEAKED"))
		fail_msg("%s", out);
	free(out);
	free(text);
}

static void netrc_private_or_refused(void **state)
{
	char *home = fs_test_tmpdir(), *old = fs_xstrdup(getenv("HOME") ? getenv("HOME") : "/");
	char *netrc = fs_path_join(home, ".netrc"), *out = NULL;
	fs_err e;
	const char *text = "machine 127.0.0.1 login nuser password npw\n";
	assert_int_equal(fs_write_file_atomic(netrc, text, strlen(text), 0644, &e), 0);
	chmod(netrc, 0644);
	profiles("");
	assert_int_equal(fs_test_sh(&out, 1, "HOME='%s' '%s' db ls --server %s/ok", home, fs_test_bin(),
		fs_badserver_url(bad)), 1);
	if (!strstr(out, ".netrc can be read or written by other users (mode 0644): refusing to use it; run: chmod 600"))
		fail_msg("%s", out);
	free(out);
	chmod(netrc, 0600);
	assert_int_equal(fs_test_sh(&out, 1, "HOME='%s' '%s' db ls --server %s/ok", home, fs_test_bin(),
		fs_badserver_url(bad)), 0);
	assert_null(strstr(out, "refusing"));
	free(out);
	free(netrc);
	free(old);
}

/* TLS with a company CA and a client certificate (openssl s_server). */
static void tls_ca_file_and_client_cert(void **state)
{
	char *dir = fs_test_tmpdir(), *out = NULL;
	if (fs_test_sh(NULL, 1, "command -v openssl") != 0)
		skip();
	int port = fs_test_free_port();
	int rc = fs_test_sh(&out, 1, "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem "
		"-out c.pem -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null && "
		"openssl req -x509 -newkey rsa:2048 -nodes -keyout ck.pem -out cc.pem -days 1 -subj /CN=me 2>/dev/null && "
		"(openssl s_server -accept %d -cert c.pem -key k.pem -Verify 1 -CAfile cc.pem -www -quiet "
		">/dev/null 2>&1 & echo $! > pid)", dir, port);
	free(out);
	assert_int_equal(rc, 0);
	char *text = fs_xasprintf("[plain]\nurl = https://127.0.0.1:%d\n"
		"[ca]\nurl = https://127.0.0.1:%d\nca_file = %s/c.pem\n"
		"[both]\nurl = https://127.0.0.1:%d\nca_file = %s/c.pem\nclient_cert = %s/cc.pem\nclient_key = %s/ck.pem\n",
		port, port, dir, port, dir, dir, dir);
	profiles(text);
	fs_err e;
	cJSON *info;
	fs_couch *c = fs_server_open("plain", &e);
	int tries = 0;
	while (fs_couch_server_info(c, &info, &e) == FS_E_HTTP && strstr(e.msg, "Connection refused") && tries++ < 100)
		usleep(50000);
	if (!strstr(e.msg, "could not be verified") || !strstr(e.msg, "ca_file"))
		fail_msg("%s", e.msg);
	fs_couch_free(c);
	/* the CA verifies the server; the server then wants a client certificate */
	c = fs_server_open("ca", &e);
	assert_int_equal(fs_couch_server_info(c, &info, &e), FS_E_HTTP);
	assert_null(strstr(e.msg, "could not be verified"));
	fs_couch_free(c);
	c = fs_server_open("both", &e);
	assert_int_equal(fs_couch_server_info(c, &info, &e), FS_E_SERVER);
	assert_non_null(strstr(e.msg, "not valid JSON"));
	fs_couch_free(c);
	fs_test_sh(NULL, 1, "kill $(cat '%s/pid')", dir);
	free(text);
}

int main(void)
{
	bad = fs_badserver_start();
	if (!bad)
		return 1;
	unsetenv("FSSTUDIO_USER");
	unsetenv("FSSTUDIO_PASSWORD");
	unsetenv("FSSTUDIO_SERVER");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(bulk_answer_lost_is_read_back, fs_test_teardown),
		cmocka_unit_test_teardown(bulk_answer_lost_core, fs_test_teardown),
		cmocka_unit_test_teardown(pings_send_no_credentials, fs_test_teardown),
		cmocka_unit_test_teardown(one_failed_login_per_process, fs_test_teardown),
		cmocka_unit_test_teardown(one_failed_login_per_cli_run, fs_test_teardown),
		cmocka_unit_test_teardown(lockout_says_so, fs_test_teardown),
		cmocka_unit_test(url_credentials_by_curl),
		cmocka_unit_test_teardown(password_gone_from_cmdline, fs_test_teardown),
		cmocka_unit_test_teardown(password_command_output_never_shown, fs_test_teardown),
		cmocka_unit_test_teardown(netrc_private_or_refused, fs_test_teardown),
		cmocka_unit_test_teardown(tls_ca_file_and_client_cert, fs_test_teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fs_badserver_stop(bad);
	fs_test_cleanup();
	return rc;
}
