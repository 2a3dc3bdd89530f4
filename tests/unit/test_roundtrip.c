/* Load + save of real projects is byte-identical, file for file: the
 * Convertigo fixtures, projects/sample, and the format test projects (also
 * with CRLF line breaks). A save with no change writes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "model/project.h"
#include "testlib.h"
#include "format_data.h"

/* Opens dir, checks nothing is reported changed, writes it elsewhere and
 * compares the trees. Returns the number of files. */
static size_t roundtrip(const char *dir)
{
	fs_project *p;
	fs_err e;
	if (fs_project_open(&p, dir, &e))
		fail_msg("%s: %s", dir, e.msg);
	fs_files fl;
	assert_int_equal(fs_project_render(p, &fl, &e), 0);
	for (size_t i = 0; i < fl.n; i++)
		if (fl.v[i].changed)
			fail_msg("%s: %s reported changed", dir, fl.v[i].relpath);
	assert_int_equal(fl.nremoved, 0);
	size_t n = fl.n;
	fs_files_free(&fl);
	char *out = fs_path_join(fs_test_tmpdir(), "out");
	assert_int_equal(fs_project_save_to(p, out, &e), 0);
	/* save_to writes only project files: compare with the project's own files */
	char *cmp = fs_path_join(fs_test_tmpdir(), "cmp");
	assert_int_equal(fs_test_sh(NULL, 0, "mkdir -p '%s' && cd '%s' && cp --parents c8oProject.yaml '%s' && "
				    "{ [ ! -d _c8oProject ] || cp -R --parents _c8oProject '%s'; }",
				    cmp, dir, cmp, cmp), 0);
	assert_true(fs_test_trees_equal(cmp, out));
	assert_false(fs_project_dirty(p));
	fs_project_free(p);
	free(out);
	free(cmp);
	return n;
}

static void fixtures_roundtrip(void **state)
{
	const char *fx = fs_test_fixtures();
	if (!fx)
		skip();
	DIR *d = opendir(fx);
	assert_non_null(d);
	struct dirent *de;
	int projects = 0;
	while ((de = readdir(d))) {
		char *dir = fs_path_join(fx, de->d_name);
		char *main = fs_path_join(dir, "c8oProject.yaml");
		if (de->d_name[0] != '.' && fs_is_file(main)) {
			assert_true(roundtrip(dir) > 1);
			projects++;
		}
		free(main);
		free(dir);
	}
	closedir(d);
	assert_true(projects >= 3);
}

static void sample_roundtrip(void **state)
{
	char *dir = fs_path_join(fs_test_srcdir(), "projects/sample");
	char *main = fs_path_join(dir, "c8oProject.yaml");
	if (!fs_is_file(main)) {
		free(main);
		free(dir);
		skip();
	}
	assert_true(roundtrip(dir) > 1);
	free(main);
	free(dir);
}

static void own_data_roundtrip(void **state)
{
	static const char *const names[] = { "features", "minimal" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		for (int crlf = 0; crlf <= 1; crlf++) {
			char *dir = fmt_layout(names[i], crlf);
			assert_true(roundtrip(dir) >= 1);
			free(dir);
		}
}

static ino_t inode(const char *dir, const char *rel)
{
	char *path = fs_path_join(dir, rel);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	free(path);
	return st.st_ino;
}

/* Saves replace files by rename: an unchanged inode means nothing was written. */
static void save_without_change_writes_nothing(void **state)
{
	char *dir = fmt_layout("features", 0);
	ino_t a = inode(dir, "c8oProject.yaml"), b = inode(dir, "_c8oProject/connectors/shop.yaml");
	fs_project *p;
	fs_err e;
	assert_int_equal(fs_project_open(&p, dir, &e), 0);
	assert_int_equal(fs_project_save(p, &e), 0);
	assert_true(a == inode(dir, "c8oProject.yaml"));
	assert_true(b == inode(dir, "_c8oProject/connectors/shop.yaml"));
	fs_project_free(p);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(fixtures_roundtrip, fs_test_teardown),
		cmocka_unit_test_teardown(sample_roundtrip, fs_test_teardown),
		cmocka_unit_test_teardown(own_data_roundtrip, fs_test_teardown),
		cmocka_unit_test_teardown(save_without_change_writes_nothing, fs_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
