/* `fsstudio __complete WHAT [ARG]`: the words the shell completion scripts
 * (share/completion) offer, asked from the program itself so that they never
 * drift from it: the commands and their options come from cli_cmds.def, the
 * object paths from the project, the server names from the profiles file.
 * Hidden from --help; prints one word a line, nothing and exit 0 on any
 * error (a completion must never print an error into the command line). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "couch/servers.h"

typedef struct word_src {
	const char *name, *usage, *help;
} word_src;

static const word_src cmds[] = {
#define FS_CMD(name, fn, usage, help) { name, usage, help },
#include "cli/cli_cmds.def"
#undef FS_CMD
	{ NULL, NULL, NULL }
};

static void commands(void)
{
	for (const word_src *c = cmds; c->name; c++)
		puts(c->name);
	puts("help");
}

/* Every --option named in a text, once per text. */
static void options_of(const char *text, char *seen, size_t seen_size)
{
	for (const char *s = strstr(text, "--"); s; s = strstr(s + 2, "--")) {
		size_t n = 2;
		while (s[n] && (s[n] == '-' || (s[n] >= 'a' && s[n] <= 'z')))
			n++;
		if (n < 4 || s[n - 1] == '-')
			continue;
		char word[64];
		if (n >= sizeof word)
			continue;
		memcpy(word, s, n);
		word[n] = 0;
		char key[66];
		snprintf(key, sizeof key, " %s ", word);
		if (strstr(seen, key))
			continue;
		if (strlen(seen) + strlen(key) < seen_size)
			strcat(seen, key + 1), strcat(seen, " ");
		puts(word);
	}
}

static void options(const char *name)
{
	char seen[4096] = " ";
	for (const word_src *c = cmds; c->name; c++)
		if (!strcmp(c->name, name)) {
			options_of(c->usage, seen, sizeof seen);
			options_of(c->help, seen, sizeof seen);
		}
	puts("--help");
}

static void paths(const fs_obj *o)
{
	if (o->parent) {
		char *path = fs_obj_path(o);
		puts(path);
		free(path);
	}
	for (size_t i = 0; i < o->nkids; i++)
		paths(o->kids[i]);
}

static void objects(const char *dir)
{
	fs_project *p;
	fs_err e;
	if (fs_project_open(&p, dir, &e) == 0) {
		paths(fs_project_root(p));
		fs_project_free(p);
	}
}

static void servers(void)
{
	fs_servers s = { 0 };
	fs_err e;
	if (fs_servers_load(&s, NULL, &e) == 0)
		for (size_t i = 0; i < s.n; i++)
			puts(s.v[i].name);
	fs_servers_free(&s);
}

int fs_cli_complete(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;
	if (!strcmp(what, "commands"))
		commands();
	else if (!strcmp(what, "options") && arg)
		options(arg);
	else if (!strcmp(what, "objects"))
		objects(arg ? arg : ".");
	else if (!strcmp(what, "servers"))
		servers();
	return FS_EXIT_OK;
}
