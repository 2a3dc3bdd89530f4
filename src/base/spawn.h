/* Child processes: a shell command run with posix_spawn (no copy of our
 * address space, however big the studio is), its stdin fed from memory, and
 * the small pieces every fork/exec user needs (write all, wait). */
#ifndef FS_SPAWN_H
#define FS_SPAWN_H

#include <stddef.h>
#include <sys/types.h>
#include "base/buf.h"
#include "base/err.h"

typedef struct fs_spawn_opts {
	const char *cmd;          /* run as /bin/sh -c CMD */
	char *const *env;         /* its environment; NULL: ours */
	const char *in;           /* its stdin (may be NULL: empty) ... */
	size_t in_len;            /* ... this many bytes */
	int out_fd;               /* its stdout is a copy of this fd; -1: ours */
	int new_group;            /* in a process group of its own (a Ctrl-C
				     meant for us does not reach it) */
} fs_spawn_opts;

/* Runs the command to its end; *status is its wait status (WIFEXITED...).
 * FS_E_IO when it cannot be started. The child starts with every signal at
 * its default and none blocked, whatever this thread did with them. A
 * command that exits without reading all its input is no error here (its
 * status says) and raises no SIGPIPE in the caller. */
enum fs_err_code fs_spawn_run(const fs_spawn_opts *o, int *status, fs_err *e);

/* A long-lived command spoken to in lines: each question is written on its
 * stdin and answered by one line on its stdout, so that one process start
 * serves many questions. Its stderr is ours. A process is used by one
 * thread at a time. */
typedef struct fs_proc fs_proc;

/* Starts o->cmd (o->in and o->out_fd are not used: its stdin and stdout are
 * pipes to us). NULL and FS_E_IO when it cannot be started. */
fs_proc *fs_proc_start(const fs_spawn_opts *o, fs_err *e);

/* Writes q (n bytes, its newline included) and reads the next line of the
 * answer into *answer (reset first; without its newline), both within
 * timeout_ms. FS_E_TIMEOUT when the time is up, FS_E_IO when the command
 * stopped reading, closed its output or sent a line over 64 KiB: then it
 * is of no more use, stop it. Never raises SIGPIPE. */
enum fs_err_code fs_proc_ask(fs_proc *p, const char *q, size_t n, long timeout_ms,
	fs_buf *answer, fs_err *e);

/* The two halves of fs_proc_ask, for questions written ahead of their
 * answers (answers come in order): send writes q within timeout_ms,
 * reading what is answered meanwhile; recv reads the next answer line. */
enum fs_err_code fs_proc_send(fs_proc *p, const char *q, size_t n, long timeout_ms, fs_err *e);
enum fs_err_code fs_proc_recv(fs_proc *p, long timeout_ms, fs_buf *answer, fs_err *e);

/* Closes its stdin, gives it grace_ms to exit, then kills it (its whole
 * process group when started in one) and reaps it. Returns its wait
 * status. NULL: nothing, 0. */
int fs_proc_stop(fs_proc *p, long grace_ms);

pid_t fs_proc_pid(const fs_proc *p);

/* Writes n bytes, retrying short writes and EINTR; -1 when the reader went
 * away (EPIPE) or another error, 0 when all was written. */
int fs_write_all(int fd, const void *p, size_t n);

/* waitpid that retries on EINTR: the child's pid, or -1. */
pid_t fs_wait_child(pid_t pid, int *status);

#endif
