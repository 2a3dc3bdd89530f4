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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(stdin_env_and_status, fs_test_teardown),
		cmocka_unit_test_teardown(input_not_read, fs_test_teardown),
		cmocka_unit_test_teardown(default_signals, fs_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
