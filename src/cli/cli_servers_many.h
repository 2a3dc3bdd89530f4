/* Several servers for one command (`deployed`, `deploy --server A --server
 * B`): the profiles named (or all of them), each with its own client, and
 * a way to run one function per server on threads. */
#ifndef FS_CLI_SERVERS_MANY_H
#define FS_CLI_SERVERS_MANY_H

#include <stddef.h>
#include "base/err.h"
#include "couch/couch.h"

typedef struct fs_srv_one {
	char *name;               /* profile name, or the display URL */
	char *url;                /* display URL, never credentials */
	long revs_limit;          /* from the profile */
	fs_couch *c;              /* NULL: could not connect (see err) */
	fs_err err;
} fs_srv_one;

typedef struct fs_srv_many {
	fs_srv_one *v;
	size_t n;
} fs_srv_many;

/* The servers named (n > 0) or every profile (n == 0). A server that
 * cannot be resolved is a usage error (returned, nothing opened); one whose
 * client cannot be made keeps its error in err with c NULL. */
int fs_srv_many_open(fs_srv_many *out, const char *const *names, size_t n, fs_err *e);
void fs_srv_many_free(fs_srv_many *m);
/* Runs fn(arg, i) for every server i at once, one thread each, and waits. */
void fs_srv_many_run(size_t n, void (*fn)(void *arg, size_t i), void *arg);

/* Records a deploy that ran in the project's deploy notes (see
 * src/git/notes.h) and says so on stdout unless quiet; a failure to record
 * is a warning on stderr, never a failed deploy. */
struct fs_deploy_plan;
void fs_cli_record_deploy(const char *dir, const struct fs_deploy_plan *plan, int quiet);

/* `fsstudio deploy` with several --server or with --from (cli_deploy_many.c). */
int fs_cli_deploy_many(int argc, char **argv);
/* 1 when the deploy arguments ask for it. */
int fs_cli_deploy_is_many(int argc, char **argv);

#endif
