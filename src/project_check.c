/* Model-level checks of a project (references between beans, views). */
#include <stdlib.h>
#include <string.h>
#include "project_int.h"

void fs_project_check(fs_project *p, fs_issues *out)
{
	memset(out, 0, sizeof *out);
}

void fs_issues_free(fs_issues *is)
{
	for (size_t i = 0; i < is->n; i++) {
		free(is->v[i].path);
		free(is->v[i].message);
	}
	free(is->v);
	memset(is, 0, sizeof *is);
}
