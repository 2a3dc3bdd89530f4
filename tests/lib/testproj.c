/* The model's test projects: see testproj.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include "base/fsutil.h"
#include "testlib.h"
#include "testproj.h"

char *fs_test_sample(void)
{
	char *src = fs_path_join(fs_test_srcdir(), "projects/sample"), *dir = fs_path_join(fs_test_tmpdir(), "p");
	if (fs_test_copy_tree(src, dir))
		fail_msg("cannot copy %s to %s", src, dir);
	free(src);
	return dir;
}

char *fs_test_read(const char *dir, const char *rel)
{
	char *path = fs_path_join(dir, rel), *text = NULL;
	fs_err e = { 0 };
	if (fs_read_file(path, &text, NULL, &e))
		fail_msg("%s", e.msg);
	free(path);
	return text;
}

fs_project *fs_test_open(const char *dir)
{
	fs_project *p;
	fs_err e = { 0 };
	if (fs_project_open(&p, dir, &e))
		fail_msg("%s", e.msg);
	return p;
}

fs_obj *fs_test_find(fs_project *p, const char *path)
{
	fs_obj *o = fs_project_find(p, path);
	if (!o)
		fail_msg("no object at %s", path);
	return o;
}
