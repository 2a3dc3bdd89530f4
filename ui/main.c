/* The fsstudio program: the CLI of the core, with the studio as the default
 * command. Only this file knows both halves. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	puts("fsstudio");
	return 0;
}
