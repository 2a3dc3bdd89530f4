/* The fsstudio program: the CLI of the core, with the studio as the default
 * command. Only this file knows both halves. */
#include <stdio.h>
#include "cli/cli.h"
#include "studio.h"

int main(int argc, char **argv)
{
	return fs_cli_main(argc, argv, fs_studio_main);
}
