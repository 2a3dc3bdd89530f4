/* The fsstudio program: the CLI of the core, with the studio as the default
 * command. Only this file knows both halves. */
#include <stdio.h>
#include "cli.h"

/* Stand-in for the studio until the model and the UI land. */
static int studio(int argc, char **argv)
{
	fprintf(stderr, "fsstudio: the studio is not built yet (see fsstudio --help)\n");
	return FS_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	return fs_cli_main(argc, argv, studio);
}
