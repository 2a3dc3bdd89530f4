/* See spawn.h. */
#define _GNU_SOURCE   /* pipe2, sigtimedwait */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* A write to a pipe whose reader may be gone must say EPIPE, not kill us
 * with SIGPIPE, which the writing thread gets: blocked around the write,
 * and taken back if it came (unless one was pending before). */
typedef struct pipe_guard {
	sigset_t old;
	int was_pending;
} pipe_guard;

static void pipe_guard_on(pipe_guard *g)
{
	sigset_t pipe_only, pending;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &g->old);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE);
}

static void pipe_guard_off(pipe_guard *g, int epipe)
{
	if (epipe && !g->was_pending) {
		sigset_t pipe_only;
		sigemptyset(&pipe_only);
		sigaddset(&pipe_only, SIGPIPE);
		struct timespec now = { 0, 0 };
		sigtimedwait(&pipe_only, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* Writes the command's input. A command that exits without reading it all
 * is no error (its exit decides). */
static void feed(int fd, const char *p, size_t n)
{
	pipe_guard g;
	pipe_guard_on(&g);
	int epipe = fs_write_all(fd, p, n) && errno == EPIPE;
	pipe_guard_off(&g, epipe);
}

/* Starts o->cmd with in_fd as its stdin and out_fd (-1: ours) as its
 * stdout. */
static int start(const fs_spawn_opts *o, int in_fd, int out_fd, pid_t *pid)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_init(&a);
	posix_spawn_file_actions_init(&fa);
	child_signals(&a, o->new_group);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
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
	int rc = start(o, fd[0], o->out_fd, &pid);
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

/* ---- A long-lived command ---- */

struct fs_proc {
	pid_t pid;
	int in, out;          /* our ends of its stdin and stdout, non-blocking */
	int group;            /* in a process group of its own */
	fs_buf pending;       /* what it wrote past the last answer */
	int out_eof;          /* its output closed (seen while writing) */
};

#define FS_PROC_LINE_MAX (64 * 1024)
/* answers read while writing are kept up to this; then writing waits */
#define FS_PROC_PENDING_MAX (1024 * 1024)

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits for fd to be ready for ev (or hung up) until deadline: 1 ready, 0
 * the time is up, -1 an error. A signal does not end the wait. */
static int wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		long long left = deadline - mono_ms();
		if (left <= 0)
			return 0;
		struct pollfd pf = { .fd = fd, .events = ev };
		int r = poll(&pf, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r >= 0 || errno != EINTR)
			return r > 0 ? 1 : r;
	}
}

fs_proc *fs_proc_start(const fs_spawn_opts *o, fs_err *e)
{
	int in[2], out[2];
	pid_t pid;
	/* close-on-exec: another command started meanwhile must not hold
	 * these pipes open (this one would never see its end of input) */
	if (pipe2(in, O_CLOEXEC)) {
		fs_err_set(e, FS_E_IO, "cannot run the command: %s", strerror(errno));
		return NULL;
	}
	if (pipe2(out, O_CLOEXEC)) {
		fs_err_set(e, FS_E_IO, "cannot run the command: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return NULL;
	}
	int rc = start(o, in[0], out[1], &pid);
	close(in[0]);
	close(out[1]);
	if (rc) {
		close(in[1]);
		close(out[0]);
		fs_err_set(e, FS_E_IO, "cannot run the command: %s", strerror(rc));
		return NULL;
	}
	/* ours only (its ends stay blocking): a command that reads or answers
	 * nothing cannot hold us past the deadline */
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fs_proc *p = fs_xcalloc(1, sizeof *p);
	*p = (fs_proc){ .pid = pid, .in = in[1], .out = out[0], .group = o->new_group };
	return p;
}

/* Reads what the command has answered so far into p->pending; -1 when it
 * closed its output. */
static int drain(fs_proc *p)
{
	if (p->out_eof)
		return -1;
	fs_buf_grow(&p->pending, 4096);
	ssize_t got = read(p->out, p->pending.data + p->pending.len, 4096);
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (got <= 0) {
		p->out_eof = 1;
		return -1;
	}
	p->pending.len += (size_t)got;
	p->pending.data[p->pending.len] = '\0';
	return 0;
}

/* Waits until p->in takes more; meanwhile its answers are read, so that a
 * command answering while we write (several questions written ahead) never
 * waits on a full pipe of ours while we wait on its. 1, 0 (deadline), -1. */
static int wait_writable(fs_proc *p, long long deadline)
{
	for (;;) {
		long long left = deadline - mono_ms();
		if (left <= 0)
			return 0;
		struct pollfd pf[2] = { { .fd = p->in, .events = POLLOUT }, { .fd = p->out, .events = POLLIN } };
		int nf = p->out_eof || p->pending.len > FS_PROC_PENDING_MAX ? 1 : 2;
		int r = poll(pf, nf, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (nf == 2 && pf[1].revents)
			drain(p);   /* at its end, out_eof: no more polled */
		if (pf[0].revents)
			return 1;
	}
}

static enum fs_err_code put(fs_proc *p, const char *q, size_t n, long long deadline, long ms, fs_err *e)
{
	pipe_guard g;
	int rc = 0, epipe = 0;
	pipe_guard_on(&g);
	while (n && !rc) {
		ssize_t w = write(p->in, q, n);
		if (w > 0) {
			q += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			int r = wait_writable(p, deadline);
			if (r == 0)
				rc = fs_err_set(e, FS_E_TIMEOUT, "the command read nothing within %ld ms", ms);
			else if (r < 0)
				rc = fs_err_set(e, FS_E_IO, "cannot write to the command: %s", strerror(errno));
		} else if (w < 0 && errno != EINTR) {
			epipe = errno == EPIPE;
			rc = epipe ? fs_err_set(e, FS_E_IO, "the command stopped reading")
				   : fs_err_set(e, FS_E_IO, "cannot write to the command: %s", strerror(errno));
		}
	}
	pipe_guard_off(&g, epipe);
	return rc;
}

/* Moves the first line of p->pending into *answer; 0 when there is none. */
static int take_line(fs_proc *p, fs_buf *answer)
{
	char *nl = p->pending.len ? memchr(p->pending.data, '\n', p->pending.len) : NULL;
	if (!nl)
		return 0;
	size_t k = (size_t)(nl - p->pending.data);
	fs_buf_add(answer, p->pending.data, k);
	p->pending.len -= k + 1;
	memmove(p->pending.data, nl + 1, p->pending.len + 1);
	return 1;
}

static enum fs_err_code get(fs_proc *p, long long deadline, long ms, fs_buf *answer, fs_err *e)
{
	while (!take_line(p, answer)) {
		if (p->out_eof)
			return fs_err_set(e, FS_E_IO, "the command closed its output");
		if (p->pending.len > FS_PROC_LINE_MAX)
			return fs_err_set(e, FS_E_IO, "the command's answer is a line over 64 KiB");
		int r = wait_fd(p->out, POLLIN, deadline);
		if (r == 0)
			return fs_err_set(e, FS_E_TIMEOUT, "no answer within %ld ms", ms);
		if (r < 0)
			return fs_err_set(e, FS_E_IO, "cannot read the command's answer: %s", strerror(errno));
		if (drain(p) < 0)
			return fs_err_set(e, FS_E_IO, "the command closed its output");
	}
	return 0;
}

enum fs_err_code fs_proc_send(fs_proc *p, const char *q, size_t n, long timeout_ms, fs_err *e)
{
	return put(p, q, n, mono_ms() + timeout_ms, timeout_ms, e);
}

enum fs_err_code fs_proc_recv(fs_proc *p, long timeout_ms, fs_buf *answer, fs_err *e)
{
	fs_buf_reset(answer);
	return get(p, mono_ms() + timeout_ms, timeout_ms, answer, e);
}

enum fs_err_code fs_proc_ask(fs_proc *p, const char *q, size_t n, long timeout_ms,
			     fs_buf *answer, fs_err *e)
{
	long long deadline = mono_ms() + timeout_ms;
	fs_buf_reset(answer);
	int rc = put(p, q, n, deadline, timeout_ms, e);
	return rc ? rc : get(p, deadline, timeout_ms, answer, e);
}

/* 1 once the child has exited, left unreaped (WNOWAIT): its pid, and so
 * its group's id, cannot be another process's yet. */
static int exited(pid_t pid)
{
	siginfo_t si = { 0 };
	int r;
	while ((r = waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT)) < 0 && errno == EINTR)
		;
	return r < 0 || si.si_pid == pid;
}

int fs_proc_stop(fs_proc *p, long grace_ms)
{
	if (!p)
		return 0;
	close(p->in);   /* its end of input: a well-behaved command exits */
	long long until = mono_ms() + grace_ms;
	while (!exited(p->pid) && mono_ms() < until)
		usleep(5000);
	/* exited or not, what it started in its group goes too */
	kill(p->group ? -p->pid : p->pid, SIGKILL);
	int st = 0;
	fs_wait_child(p->pid, &st);
	close(p->out);
	fs_buf_free(&p->pending);
	free(p);
	return st;
}

pid_t fs_proc_pid(const fs_proc *p)
{
	return p ? p->pid : -1;
}
