/* base/spawn.c: a command gets its stdin, its environment and default
 * signals; its exit status and its output come back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "base/spawn.h"
#include "testlib.h"

/* Runs cmd with in on stdin and env; its stdout in a file, returned. */
static char *run(const char *cmd, const char *in, char *const *env, int *status)
{
	const char *dir = fs_test_tmpdir();   /* testlib's */
	char *path = fs_xasprintf("%s/out", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fs_spawn_opts o = { .cmd = cmd, .env = env, .in = in, .in_len = in ? strlen(in) : 0,
		.out_fd = fd, .new_group = 1 };
	fs_err e = { 0 };
	assert_int_equal(fs_spawn_run(&o, status, &e), 0);
	close(fd);
	fs_buf b = FS_BUF_INIT;
	FILE *f = fopen(path, "r");
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		fs_buf_add(&b, tmp, n);
	fclose(f);
	free(path);
	return fs_buf_steal(&b);
}

static void stdin_env_and_status(void **state)
{
	char *env[] = { "FS_X=forty two", NULL };
	int st = -1;
	char *out = run("printf '%s|' \"$FS_X\"; cat; exit 3", "[1,2]", env, &st);
	assert_string_equal(out, "forty two|[1,2]");
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	free(out);
}

/* A big input to a command that reads none: its exit decides, no hang. */
static void input_not_read(void **state)
{
	char *big = calloc(1, 1 << 20);
	memset(big, 'x', (1 << 20) - 1);
	int st = -1;
	char *out = run("exit 0", big, NULL, &st);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(out);
	free(big);
}

/* Ignored and blocked signals here are default and unblocked there. */
static void default_signals(void **state)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int st = -1;
	char *out = run("kill -TERM $$; echo survived", NULL, NULL, &st);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_string_equal(out, "");
	free(out);
	out = run("grep '^SigIgn' /proc/self/status", NULL, NULL, &st);
	const char *hex = strchr(out, '\t');
	assert_non_null(hex);
	unsigned long long ign = strtoull(hex + 1, NULL, 16);
	assert_false(ign & (1ULL << (SIGPIPE - 1)));
	free(out);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/* ---- fs_proc: a long-lived command, one line per question ---- */

static fs_proc *proc(const char *cmd)
{
	fs_spawn_opts o = { .cmd = cmd, .new_group = 1 };
	fs_err e = { 0 };
	fs_proc *p = fs_proc_start(&o, &e);
	assert_non_null(p);
	return p;
}

/* One process answers every question, in order; at its end of input it
 * exits by itself. */
static void proc_answers(void **state)
{
	fs_proc *p = proc("while read -r l; do echo \"got $l $$\"; done");
	fs_buf a = FS_BUF_INIT;
	fs_err e = { 0 };
	assert_int_equal(fs_proc_ask(p, "one\n", 4, 5000, &a, &e), 0);
	char *want = fs_xasprintf("got one %d", (int)fs_proc_pid(p));
	assert_string_equal(fs_buf_str(&a), want);
	free(want);
	assert_int_equal(fs_proc_ask(p, "two\n", 4, 5000, &a, &e), 0);
	assert_true(!strncmp(fs_buf_str(&a), "got two ", 8));
	int st = fs_proc_stop(p, 2000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fs_buf_free(&a);
}

/* Questions written ahead of their answers: 2,000 lines of 100 bytes to
 * cat, which echoes each (200 KB each way, more than both pipes hold): the
 * writing reads the answers meanwhile, so neither side waits forever. */
static void proc_written_ahead(void **state)
{
	fs_proc *p = proc("cat");
	fs_buf q = FS_BUF_INIT, a = FS_BUF_INIT;
	fs_err e = { 0 };
	for (int i = 0; i < 2000; i++)
		fs_buf_printf(&q, "%04d %094d\n", i, 0);
	assert_int_equal(fs_proc_send(p, q.data, q.len, 5000, &e), 0);
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(fs_proc_recv(p, 5000, &a, &e), 0);
		char want[8];
		snprintf(want, sizeof want, "%04d ", i);
		assert_int_equal(strncmp(fs_buf_str(&a), want, 5), 0);
		assert_int_equal(a.len, 99);
	}
	int st = fs_proc_stop(p, 2000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fs_buf_free(&q);
	fs_buf_free(&a);
}

/* A command that never answers: the time is up, and stop kills it. */
static void proc_timeout(void **state)
{
	fs_proc *p = proc("cat >/dev/null");
	fs_buf a = FS_BUF_INIT;
	fs_err e = { 0 };
	assert_int_equal(fs_proc_ask(p, "x\n", 2, 200, &a, &e), FS_E_TIMEOUT);
	assert_non_null(strstr(e.msg, "no answer within 200 ms"));
	int st = fs_proc_stop(p, 0);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	fs_buf_free(&a);
}

/* A command gone: an error, not a SIGPIPE (left at its default here). */
static void proc_gone(void **state)
{
	signal(SIGPIPE, SIG_DFL);
	fs_proc *p = proc("exit 3");
	size_t n = 1 << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	fs_buf a = FS_BUF_INIT;
	fs_err e = { 0 };
	assert_int_equal(fs_proc_ask(p, big, n, 5000, &a, &e), FS_E_IO);
	int st = fs_proc_stop(p, 1000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	p = proc("read -r l; exit 0");
	assert_int_equal(fs_proc_ask(p, "x\n", 2, 5000, &a, &e), FS_E_IO);
	assert_non_null(strstr(e.msg, "closed its output"));
	fs_proc_stop(p, 1000);
	free(big);
	fs_buf_free(&a);
}

/* 1 when pid is gone or a zombie (dead, waiting for init to reap it). */
static int dead(int pid)
{
	char path[64], st[512] = "";
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	size_t n = fread(st, 1, sizeof st - 1, f);
	fclose(f);
	st[n] = '\0';
	const char *close_paren = strrchr(st, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* Stop ends what the command started in its process group too. */
static void proc_group(void **state)
{
	fs_proc *p = proc("read -r l; sleep 100 & echo $!; cat >/dev/null");
	fs_buf a = FS_BUF_INIT;
	fs_err e = { 0 };
	assert_int_equal(fs_proc_ask(p, "x\n", 2, 5000, &a, &e), 0);
	int bg = atoi(fs_buf_str(&a));
	assert_true(bg > 0 && !dead(bg));
	fs_proc_stop(p, 100);
	for (int i = 0; i < 200 && !dead(bg); i++)
		usleep(10000);
	assert_true(dead(bg));
	fs_buf_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(stdin_env_and_status, fs_test_teardown),
		cmocka_unit_test_teardown(input_not_read, fs_test_teardown),
		cmocka_unit_test_teardown(default_signals, fs_test_teardown),
		cmocka_unit_test(proc_answers),
		cmocka_unit_test(proc_written_ahead),
		cmocka_unit_test(proc_timeout),
		cmocka_unit_test(proc_gone),
		cmocka_unit_test(proc_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
