/* Errors, buffers and atomic file writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include "base/array.h"
#include "base/buf.h"
#include "base/enummap.h"
#include "base/err.h"
#include "base/fsutil.h"
#include "testlib.h"

static void err_messages(void **state)
{
	fs_err e;
	assert_int_equal(fs_err_set(&e, FS_E_PARSE, "%s:%d: bad", "a.yaml", 3), FS_E_PARSE);
	assert_string_equal(e.msg, "a.yaml:3: bad");
	fs_err_prefix(&e, "project %s", "x");
	assert_string_equal(e.msg, "project x: a.yaml:3: bad");
	assert_string_equal(fs_err_name(FS_E_DRIFT), "drift");
	assert_string_equal(fs_err_name(999), "unknown");
	assert_int_equal(fs_err_set(NULL, FS_E_IO, "ignored"), FS_E_IO);
}

static void buf_grows(void **state)
{
	fs_buf b = FS_BUF_INIT;
	assert_string_equal(fs_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		fs_buf_printf(&b, "%d,", i);
	assert_true(b.len > 2000);
	assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
	char *s = fs_buf_steal(&b);
	assert_null(b.data);
	free(s);
}

static void atomic_write_replaces(void **state)
{
	char *dir = fs_test_tmpdir();
	char *path = fs_path_join(dir, "f.yaml");
	fs_err e;
	assert_int_equal(fs_write_file_atomic(path, "one", 3, 0644, &e), 0);
	chmod(path, 0600);
	assert_int_equal(fs_write_file_atomic(path, "two!", 4, 0644, &e), 0);
	char *data;
	size_t len;
	assert_int_equal(fs_read_file(path, &data, &len, &e), 0);
	assert_int_equal(len, 4);
	assert_string_equal(data, "two!");
	struct stat st;
	stat(path, &st);
	assert_int_equal(st.st_mode & 0777, 0600); /* mode of the replaced file kept */
	/* no temp file left behind */
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 1);
	free(data);
	free(path);
}

static void atomic_write_fails_cleanly(void **state)
{
	fs_err e;
	assert_int_equal(fs_write_file_atomic("/nonexistent-dir/x", "a", 1, 0644, &e), FS_E_IO);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/x"));
	char *data;
	assert_int_equal(fs_read_file("/nonexistent-dir/x", &data, NULL, &e), FS_E_NOTFOUND);
}

static void path_join_and_mkdir(void **state)
{
	char *p = fs_path_join("a/", "/b");
	assert_string_equal(p, "a/b");
	free(p);
	char *dir = fs_test_tmpdir();
	char *deep = fs_path_join(dir, "x/y/z");
	fs_err e;
	assert_int_equal(fs_mkdir_p(deep, 0755, &e), 0);
	assert_true(fs_is_dir(deep));
	free(deep);
}

static void enum_maps_both_ways(void **state)
{
	static const fs_enum_entry entries[] = { { "red", 1 }, { "Rouge", 1 }, { "blue", 4 } };
	static const fs_enum_map m = FS_ENUM_MAP(entries);
	assert_string_equal(fs_enum_name(&m, 1, "?"), "red");   /* the first name */
	assert_string_equal(fs_enum_name(&m, 2, "?"), "?");
	int v = 0;
	assert_true(fs_enum_value(&m, "rouge", 1, &v));
	assert_int_equal(v, 1);
	assert_false(fs_enum_value(&m, "rouge", 0, &v));
	assert_true(fs_enum_value(&m, "blue", 0, &v));
	assert_int_equal(v, 4);
	assert_false(fs_enum_value(&m, NULL, 0, &v));
}

static void arrays_grow_and_shrink(void **state)
{
	int *v = NULL;
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		FS_ARRAY_ADD(v, n) = i;
	assert_int_equal(n, 1000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	n = 3;                      /* removals keep the room */
	for (int i = 0; i < 20; i++)
		FS_ARRAY_ADD(v, n) = -i;
	assert_int_equal(n, 23);
	assert_int_equal(v[2], 2);
	assert_int_equal(v[22], -19);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_messages),
		cmocka_unit_test(buf_grows),
		cmocka_unit_test(atomic_write_replaces),
		cmocka_unit_test(atomic_write_fails_cleanly),
		cmocka_unit_test(path_join_and_mkdir),
		cmocka_unit_test(enum_maps_both_ways),
		cmocka_unit_test(arrays_grow_and_shrink),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fs_test_cleanup();
	return rc;
}
