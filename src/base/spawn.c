/* See spawn.h. */
#define _GNU_SOURCE   /* pipe2, sigtimedwait */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "base/spawn.h"

extern char **environ;

int fs_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= w;
	}
	return 0;
}

pid_t fs_wait_child(pid_t pid, int *status)
{
	pid_t r;
	while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	return r;
}

/* Default dispositions and an empty mask: an ignored SIGPIPE or a signal a
 * thread blocks would otherwise pass through exec to the command. */
static void child_signals(posix_spawnattr_t *a, int new_group)
{
	sigset_t all, none;
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(a, &all);
	posix_spawnattr_setsigmask(a, &none);
	short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
	if (new_group) {
		posix_spawnattr_setpgroup(a, 0);
		flags |= POSIX_SPAWN_SETPGROUP;
	}
	posix_spawnattr_setflags(a, flags);
}

/* Writes the command's input. A command that exits without reading it all
 * is no error (its exit decides) and must not kill us with SIGPIPE, which
 * the writing thread gets: blocked here, and taken back if it came. */
static void feed(int fd, const char *p, size_t n)
{
	sigset_t pipe_only, old, pending;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE);
	if (fs_write_all(fd, p, n) && errno == EPIPE && !was_pending) {
		struct timespec now = { 0, 0 };
		sigtimedwait(&pipe_only, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static int start(const fs_spawn_opts *o, int in_fd, pid_t *pid)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_init(&a);
	posix_spawn_file_actions_init(&fa);
	child_signals(&a, o->new_group);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (o->out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->out_fd, 1);
	char *argv[] = { "sh", "-c", (char *)o->cmd, NULL };
	int rc = posix_spawn(pid, "/bin/sh", &fa, &a, argv, o->env ? o->env : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	return rc;
}

enum fs_err_code fs_spawn_run(const fs_spawn_opts *o, int *status, fs_err *e)
{
	int fd[2];
	pid_t pid;
	*status = 0;
	/* close-on-exec: a command another thread starts meanwhile must not
	 * inherit this pipe (it would keep our command's stdin open) */
	if (pipe2(fd, O_CLOEXEC))
		return fs_err_set(e, FS_E_IO, "cannot run the command: %s", strerror(errno));
	int rc = start(o, fd[0], &pid);
	close(fd[0]);
	if (rc) {
		close(fd[1]);
		return fs_err_set(e, FS_E_IO, "cannot run the command: %s", strerror(rc));
	}
	feed(fd[1], o->in ? o->in : "", o->in ? o->in_len : 0);
	close(fd[1]);
	if (fs_wait_child(pid, status) < 0)
		return fs_err_set(e, FS_E_IO, "cannot wait for the command: %s", strerror(errno));
	return 0;
}
