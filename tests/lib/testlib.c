#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "couch/servers.h"
#include "testlib.h"

static char **tmpdirs;
static size_t ntmpdirs;

const char *fs_test_srcdir(void)
{
	const char *s = getenv("FS_SRCDIR");
#ifdef FS_SRCDIR
	if (!s)
		s = FS_SRCDIR;
#endif
	return s ? s : ".";
}

const char *fs_test_fixtures(void)
{
	static char *path;
	if (!path) {
		const char *env = getenv("FSSTUDIO_FIXTURES");
		path = env ? fs_xstrdup(env)
			   : fs_xasprintf("%s/../shared/fixtures/convertigo", fs_test_srcdir());
	}
	return fs_is_dir(path) ? path : NULL;
}

char *fs_test_fixture(const char *name)
{
	const char *f = fs_test_fixtures();
	if (!f)
		return NULL;
	char *p = fs_path_join(f, name);
	if (!fs_is_dir(p)) {
		free(p);
		return NULL;
	}
	return p;
}

char *fs_test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = fs_xasprintf("%s/fstest-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(t)) {
		perror("mkdtemp");
		abort();
	}
	tmpdirs = fs_xrealloc(tmpdirs, (ntmpdirs + 1) * sizeof *tmpdirs);
	tmpdirs[ntmpdirs++] = t;
	return t;
}

void fs_test_cleanup(void)
{
	if (getenv("FSSTUDIO_KEEP_TMP"))
		return;
	for (size_t i = 0; i < ntmpdirs; i++) {
		fs_rm_rf(tmpdirs[i]);
		free(tmpdirs[i]);
	}
	free(tmpdirs);
	tmpdirs = NULL;
	ntmpdirs = 0;
}

int fs_test_teardown(void **state)
{
	(void)state;
	fs_test_cleanup();
	return 0;
}

int fs_test_sh(char **out, int merge, const char *fmt, ...)
{
	fs_buf cmd = FS_BUF_INIT, res = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	if (merge)
		fs_buf_adds(&cmd, " 2>&1");
	FILE *f = popen(cmd.data, "r");
	if (!f) {
		fs_buf_free(&cmd);
		return -1;
	}
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fs_buf_add(&res, chunk, n);
	int st = pclose(f);
	fs_buf_free(&cmd);
	if (out)
		*out = fs_buf_steal(&res);
	else
		fs_buf_free(&res);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int fs_test_copy_tree(const char *src, const char *dst)
{
	/* The shared fixtures are read-only (0444); a copy to edit is the
	 * user's own, writable (a save refuses to replace a read-only file). */
	return fs_test_sh(NULL, 0, "cp -R '%s' '%s' && chmod -R u+w '%s'", src, dst, dst);
}

int fs_test_trees_equal(const char *a, const char *b)
{
	char *out = NULL;
	int rc = fs_test_sh(&out, 1, "diff -r -x .git '%s' '%s' | head -40", a, b);
	int same = rc == 0 && out[0] == '\0';
	if (!same)
		fprintf(stderr, "trees differ:\n%s\n", out);
	free(out);
	return same;
}

const char *fs_test_bin(void)
{
	const char *b = getenv("FS_BIN");
	return b ? b : "./fsstudio";
}

int fs_test_free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	int port = ntohs(a.sin_port);
	close(s);
	return port;
}

static int port_answers(int port)
{
	return fs_test_sh(NULL, 0, "curl -fsS -m 1 http://127.0.0.1:%d/ >/dev/null 2>&1", port) == 0;
}

fs_test_couch *fs_test_couch_start(void)
{
	const char *env = getenv("FSSTUDIO_POUCHDB");
	char *home = fs_xasprintf("%s/.cache/fsstudio/pouchdb", getenv("HOME") ? getenv("HOME") : "/root");
	char *bin = fs_xasprintf("%s/node_modules/.bin/pouchdb-server", env ? env : home);
	free(home);
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "pouchdb-server not installed (%s): run ./setup deps\n", bin);
		free(bin);
		return NULL;
	}
	fs_test_couch *c = fs_xcalloc(1, sizeof *c);
	c->dir = fs_test_tmpdir();
	c->port = fs_test_free_port();
	snprintf(c->url, sizeof c->url, "http://127.0.0.1:%d", c->port);
	c->pid = fork();
	if (c->pid == 0) {
		char port[16];
		snprintf(port, sizeof port, "%d", c->port);
		if (chdir(c->dir) != 0)
			_exit(127);
		int fd = open("server.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setenv("NODE_OPTIONS", "--unhandled-rejections=warn", 1);
		setpgid(0, 0);
		execl(bin, "pouchdb-server", "-o", "127.0.0.1", "-p", port, "--in-memory", (char *)NULL);
		_exit(127);
	}
	free(bin);
	for (int i = 0; i < 200; i++) {
		if (port_answers(c->port))
			return c;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "pouchdb-server did not start on port %d\n", c->port);
	fs_test_couch_stop(c);
	return NULL;
}

void fs_test_couch_stop(fs_test_couch *c)
{
	if (!c)
		return;
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	free(c);
}

int fs_test_couch_open(fs_test_couch **srv, fs_couch **c, fs_err *e)
{
	*c = NULL;
	*srv = fs_test_couch_start();
	if (!*srv)
		return 0;
	*c = fs_server_open((*srv)->url, e);
	return *c ? 0 : -1;
}

fs_couch *fs_test_connect(const char *url, fs_err *e)
{
	fs_http_opts o = { .url = url, .timeout_ms = 20000 };
	fs_http *h = fs_http_new(&o, e);
	return h ? fs_couch_new(h, "test") : NULL;
}

void fs_test_couch_close(fs_test_couch *srv, fs_couch *c)
{
	fs_couch_free(c);
	fs_test_couch_stop(srv);
	fs_test_cleanup();
}

/* The variables of the test file the group fixture fills and closes. */
static struct {
	fs_test_couch **srv;
	fs_couch **c;
	fs_err *e;
} group;

void fs_test_group_bind(fs_test_couch **srv, fs_couch **c, fs_err *e)
{
	group.srv = srv;
	group.c = c;
	group.e = e;
}

int fs_test_group_setup(void **state)
{
	(void)state;
	return fs_test_couch_open(group.srv, group.c, group.e);
}

int fs_test_group_teardown(void **state)
{
	(void)state;
	fs_test_couch_close(*group.srv, *group.c);
	return 0;
}
