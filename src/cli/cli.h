/* The command line: `fsstudio [DIR]` opens the studio, `fsstudio CMD ...` runs
 * a command from src/cli/cli_cmds.def. This header declares the dispatcher, every
 * command function of the table, and the few helpers all commands share so
 * that they print errors, usage and JSON the same way.
 *
 * Exit statuses: 0 ok, 1 error, 2 usage, 3 refused (deploy).
 */
#ifndef FS_CLI_H
#define FS_CLI_H

#include <cjson/cJSON.h>
#include "base/err.h"
#include "model/lock.h"
#include "model/project.h"

enum {
	FS_EXIT_OK = 0,
	FS_EXIT_ERROR = 1,
	FS_EXIT_USAGE = 2,
	FS_EXIT_REFUSED = 3,
};

/* Every command of the table: int FUNCTION(int argc, char **argv), argv[0]
 * being the command name. */
#define FS_CMD(name, fn, usage, help) int fn(int argc, char **argv);
#include "cli/cli_cmds.def"
#undef FS_CMD

/* Runs the program. With no command (no argument, or a first argument that
 * is a folder), calls studio(argc, argv) with the original arguments. */
int fs_cli_main(int argc, char **argv, int (*studio)(int argc, char **argv));

/* ---- Output ------------------------------------------------------------- */

/* Prints "fsstudio: MESSAGE" on stderr; returns FS_EXIT_ERROR. */
int fs_cli_error(const fs_err *e);
int fs_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "fsstudio: MESSAGE" then "usage: fsstudio CMD USAGE" (from the
 * table) on stderr; returns FS_EXIT_USAGE. fmt may be NULL. */
int fs_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints j (formatted, with a final newline) on stdout and frees it;
 * returns FS_EXIT_OK (FS_EXIT_ERROR when stdout fails). */
int fs_cli_json(cJSON *j);

/* ---- Arguments ---------------------------------------------------------- */

/* A long option of a command: "--json" (a flag) or "--to" with arg "OUT".
 * fs_cli_parse fills set and value. */
typedef struct fs_cli_opt {
	const char *name;    /* "--to" */
	const char *arg;     /* name of its argument for messages, NULL: a flag */
	int set;
	const char *value;
} fs_cli_opt;

/* Parses argv[1..] of a command: options may come anywhere ("--to X" or
 * "--to=X"), "--" ends them, a lone "-" is a positional argument (stdin).
 * Positionals go to pos[]. Returns their count; on an unknown option, a
 * missing option argument or a count outside [minpos, maxpos], prints the
 * usage error and returns -1 (the command then returns FS_EXIT_USAGE). */
int fs_cli_parse(int argc, char **argv, fs_cli_opt *opts, char **pos,
		 int minpos, int maxpos);
/* The option named name, for reading after fs_cli_parse. */
fs_cli_opt *fs_cli_opt_get(fs_cli_opt *opts, const char *name);
/* Every value of an option that takes one and may be repeated, in order
 * (out has room for argc entries); run after fs_cli_parse accepted argv. */
size_t fs_cli_opt_all(int argc, char **argv, const char *name, const char **out);

/* ---- Projects ----------------------------------------------------------- */

/* Opens the project in dir ("." when NULL). On failure prints the error
 * ("fsstudio: file:line: message") and returns FS_EXIT_ERROR.
 * (Defined in cli_project.c so that cli.c links without the model.) */
int fs_cli_open(const char *dir, fs_project **out);
/* Takes the project's lock (exclusive for a command that writes: lock, load,
 * apply, save, release), waiting as fs_lock_take does; prints the error and
 * returns FS_EXIT_ERROR when it cannot. A dir that is not a folder is not
 * locked (*out NULL): the load says what is wrong. */
int fs_cli_lock(const char *dir, int excl, fs_lock **out);
/* Finds an object by its slash path ("" or "/" is the project); prints
 * "fsstudio: PATH: no such object" and returns NULL when absent. */
fs_obj *fs_cli_find(fs_project *p, const char *path);

/* `fsstudio __complete commands|options CMD|objects DIR|servers`: the words
 * the shell completion scripts offer (cli_complete.c). */
int fs_cli_complete(int argc, char **argv);

/* The last commit that changed the project in DIR (NULL: not in git), for
 * the deploy marker (cli_deploy.c). Caller frees. */
char *fs_cli_project_commit(const char *dir);
/* The value of deploy's --connections N (1..FS_DEPLOY_CONNECTIONS_MAX) in
 * *out (0 when absent); prints the usage error and returns FS_EXIT_USAGE
 * when it is not such a number (cli_deploy.c). */
int fs_cli_deploy_connections(const char *cmd, const char *value, int *out);

#endif
