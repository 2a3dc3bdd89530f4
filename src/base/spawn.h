/* Child processes: a shell command run with posix_spawn (no copy of our
 * address space, however big the studio is), its stdin fed from memory, and
 * the small pieces every fork/exec user needs (write all, wait). */
#ifndef FS_SPAWN_H
#define FS_SPAWN_H

#include <stddef.h>
#include <sys/types.h>
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

/* Writes n bytes, retrying short writes and EINTR; -1 when the reader went
 * away (EPIPE) or another error, 0 when all was written. */
int fs_write_all(int fd, const void *p, size_t n);

/* waitpid that retries on EINTR: the child's pid, or -1. */
pid_t fs_wait_child(pid_t pid, int *status);

#endif
