/* The dispatcher and the helpers every command shares. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "cli/cli.h"
#include "base/fsutil.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

typedef struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
} cmd;

static const cmd cmds[] = {
#define FS_CMD(name, fn, usage, help) { name, fn, usage, help },
#include "cli/cli_cmds.def"
#undef FS_CMD
	{ NULL, NULL, NULL, NULL }
};

static const cmd *cmd_find(const char *name)
{
	for (const cmd *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* ---- Output ------------------------------------------------------------- */

int fs_cli_error(const fs_err *e)
{
	const char *msg = e && e->msg[0] ? e->msg : "unknown error";
	/* Messages quote names from files and servers: control characters
	 * (escape sequences, line breaks) must not reach the terminal. */
	fputs("fsstudio: ", stderr);
	for (const unsigned char *s = (const unsigned char *)msg; *s; s++)
		fputc(*s < 0x20 || *s == 0x7f ? '?' : *s, stderr);
	fputc('\n', stderr);
	return FS_EXIT_ERROR;
}

int fs_cli_errorf(const char *fmt, ...)
{
	fs_err e;
	va_list ap;
	va_start(ap, fmt);
	fs_err_vset(&e, FS_E_INVALID, fmt, ap);
	va_end(ap);
	return fs_cli_error(&e);
}

static void print_usage(FILE *f, const cmd *c)
{
	fprintf(f, "usage: fsstudio %s%s%s\n", c->name, c->usage[0] ? " " : "", c->usage);
}

int fs_cli_usage(const char *name, const char *fmt, ...)
{
	if (fmt) {
		va_list ap;
		fputs("fsstudio: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	const cmd *c = name ? cmd_find(name) : NULL;
	if (c)
		print_usage(stderr, c);
	else
		fputs("usage: fsstudio [DIR] | fsstudio COMMAND [ARGS...] (see fsstudio --help)\n", stderr);
	return FS_EXIT_USAGE;
}

int fs_cli_json(cJSON *j)
{
	char *s = cJSON_Print(j);
	cJSON_Delete(j);
	if (!s)
		return fs_cli_errorf("out of memory while printing JSON");
	int bad = fputs(s, stdout) < 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0;
	free(s);
	return bad ? fs_cli_errorf("cannot write to standard output") : FS_EXIT_OK;
}

/* ---- Arguments ---------------------------------------------------------- */

fs_cli_opt *fs_cli_opt_get(fs_cli_opt *opts, const char *name)
{
	for (; opts && opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts;
	return NULL;
}

/* Matches "--name" or "--name=value" (value returned in *inline_val). */
static fs_cli_opt *opt_match(fs_cli_opt *opts, const char *a, const char **inline_val)
{
	const char *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a) : strlen(a);
	*inline_val = eq ? eq + 1 : NULL;
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == n && !strncmp(opts->name, a, n))
			return opts;
	return NULL;
}

int fs_cli_parse(int argc, char **argv, fs_cli_opt *opts, char **pos,
		 int minpos, int maxpos)
{
	int npos = 0, only_pos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		if (only_pos || a[0] != '-' || !a[1]) {
			if (npos >= maxpos) {
				fs_cli_usage(argv[0], "unexpected argument '%s'", a);
				return -1;
			}
			pos[npos++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		fs_cli_opt *o = opt_match(opts, a, &val);
		if (!o) {
			fs_cli_usage(argv[0], "unknown option '%s'", a);
			return -1;
		}
		if (!o->arg && val) {
			fs_cli_usage(argv[0], "option %s takes no argument", o->name);
			return -1;
		}
		if (o->arg && !val) {
			if (i + 1 >= argc) {
				fs_cli_usage(argv[0], "option %s needs %s", o->name, o->arg);
				return -1;
			}
			val = argv[++i];
		}
		o->set = 1;
		o->value = val;
	}
	if (npos < minpos) {
		fs_cli_usage(argv[0], "missing arguments");
		return -1;
	}
	return npos;
}

/* ---- Dispatcher --------------------------------------------------------- */

/* Prints n bytes of text filled to width columns; lines after the first
 * start with indent spaces (the first line is at column first). */
static void wrap(FILE *f, const char *text, size_t n, int first, int indent, int width)
{
	int col = first, fresh = 1;     /* fresh: no word on this line yet */
	const char *p = text, *end = text + n;
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		const char *w = p;
		while (p < end && *p != ' ')
			p++;
		int len = (int)(p - w);
		if (!len)
			break;
		if (!fresh && col + 1 + len > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			fresh = 1;
		}
		if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, (size_t)len, f);
		col += len;
		fresh = 0;
	}
	fputc('\n', f);
}

static void print_help(FILE *f)
{
	fputs("usage: fsstudio [DIR]\n"
	      "       fsstudio COMMAND [ARGS...]\n"
	      "       fsstudio help COMMAND\n"
	      "\n"
	      "Without a command, opens the studio on the Convertigo project in DIR\n"
	      "(default: the current folder).\n"
	      "\n"
	      "Commands:\n", f);
	for (const cmd *c = cmds; c->name; c++) {
		/* The first sentence of the help is the summary. */
		const char *end = strstr(c->help, ". ");
		int n = end ? (int)(end - c->help) : (int)strlen(c->help);
		if (n && c->help[n - 1] == '.' && !end)
			n--;
		fprintf(f, "  %-10s ", c->name);
		wrap(f, c->help, (size_t)n, 13, 13, 79);
	}
	fputs("\n"
	      "Options: -h, --help (also after a command), --version.\n"
	      "Exit status: 0 ok, 1 error, 2 usage, 3 refused.\n"
	      "See fsstudio(1).\n", f);
}

static int help_cmd(const char *name)
{
	const cmd *c = cmd_find(name);
	if (!c)
		return fs_cli_usage(NULL, "'%s' is not a fsstudio command", name);
	print_usage(stdout, c);
	putchar('\n');
	wrap(stdout, c->help, strlen(c->help), 0, 0, 79);
	return FS_EXIT_OK;
}

/* --help anywhere among a command's options (before "--") asks for its help. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || (i == 1 && !strcmp(argv[i], "-h")))
			return 1;
	}
	return 0;
}

/* Runs a command; output that could not be written (a full disk, a closed
 * pipe) is an error even when the command did its work. */
static int run_cmd(const cmd *c, int argc, char **argv)
{
	int rc = c->fn(argc, argv);
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == FS_EXIT_OK)
		rc = fs_cli_errorf("cannot write to standard output");
	return rc;
}

int fs_cli_main(int argc, char **argv, int (*studio)(int argc, char **argv))
{
	if (argc < 2)
		return studio(argc, argv);
	const char *a = argv[1];
	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		print_help(stdout);
		return FS_EXIT_OK;
	}
	if (!strcmp(a, "--version")) {
		printf("fsstudio %s\n", PACKAGE_VERSION);
		return FS_EXIT_OK;
	}
	if (!strcmp(a, "__complete"))   /* for share/completion, not in --help */
		return fs_cli_complete(argc - 1, argv + 1);
	if (!strcmp(a, "help")) {
		if (argc > 3)
			return fs_cli_usage(NULL, "help takes one command name");
		if (argc == 2) {
			print_help(stdout);
			return FS_EXIT_OK;
		}
		return help_cmd(argv[2]);
	}
	const cmd *c = cmd_find(a);
	if (c) {
		if (wants_help(argc - 1, argv + 1))
			return help_cmd(c->name);
		return run_cmd(c, argc - 1, argv + 1);
	}
	if (argc == 2 && a[0] != '-' && fs_is_dir(a))
		return studio(argc, argv);
	if (a[0] == '-')
		return fs_cli_usage(NULL, "unknown option '%s'", a);
	if (argc == 2)
		return fs_cli_usage(NULL, "'%s' is neither a command nor a folder", a);
	return fs_cli_usage(NULL, "'%s' is not a fsstudio command", a);
}
