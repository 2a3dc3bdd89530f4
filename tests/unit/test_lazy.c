/* Files kept as bytes (model/lazy.c): the scan of includes agrees with the
 * reader; a generated project with a big mobile application loads with its
 * mobile and sequence files lazy, round-trips byte for byte (also once
 * every lazy file was read), saves only what an edit changed, still sees a
 * change made outside to a lazy file and refuses to write over it. */
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
#include "model/project_int.h"
#include "testlib.h"

/* ---- the scan agrees with the reader --------------------------------------- */

static void parsed_includes(const fs_line *l, fs_buf *b)
{
	if (l->type == FS_LN_BEAN && l->include)
		fs_buf_printf(b, "%d %s\n", l->lineno, l->include);
	for (size_t i = 0; i < l->nkids; i++)
		parsed_includes(l->kids[i], b);
}

static void scanned_includes(const char *data, size_t len, fs_buf *b)
{
	fs_incl *inc;
	size_t n = fs_lines_scan_includes(data, len, &inc);
	for (size_t i = 0; i < n; i++) {
		fs_buf_printf(b, "%d %s\n", inc[i].lineno, inc[i].include);
		free(inc[i].include);
	}
	free(inc);
}

/* data reads, and its scan finds the includes the reader finds. */
static void same_includes(const char *data, size_t len)
{
	fs_lfile *f;
	fs_err e;
	if (fs_lines_parse(&f, "t.yaml", data, len, &e))
		fail_msg("%s", e.msg);
	fs_buf a = FS_BUF_INIT, b = FS_BUF_INIT;
	parsed_includes(f->root, &a);
	scanned_includes(data, len, &b);
	assert_string_equal(fs_buf_str(&a), fs_buf_str(&b));
	fs_buf_free(&a);
	fs_buf_free(&b);
	fs_lfile_free(f);
}

static void scan_tricky_lines(void **state)
{
	/* a bean line inside a `|` text, a dash, CRLF, a value holding ": |" */
	const char *t = "comment: |\n  \xe2\x86\x93X [a.B]: \xf0\x9f\x97\x8f no/x.yaml\n\n"
			"  more\n\xe2\x86\x93In [a.B]: \xf0\x9f\x97\x8f a/in.yaml\n"
			"note: a: |\n\xe2\x86\x93Two [a.C-12]: \xf0\x9f\x97\x8f b/two.yaml\n"
			"\xe2\x86\x93Inline [a.D]: \n  - x: \n    \xe2\x86\x92: |\n      \xe2\x86\x93No [a.B]: "
			"\xf0\x9f\x97\x8f no/y.yaml\n  \xe2\x86\x93" "Deep [a.E]: \xf0\x9f\x97\x8f c/deep.yaml";
	same_includes(t, strlen(t));
	fs_buf crlf = FS_BUF_INIT;
	for (const char *s = t; *s; s++)
		fs_buf_adds(&crlf, *s == '\n' ? "\r\n" : (char[]){ *s, 0 });
	same_includes(crlf.data, crlf.len);
	fs_buf_free(&crlf);
}

static void scan_dir(const char *dir, int *files)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *p = fs_path_join(dir, de->d_name), *data;
		size_t len, n = strlen(de->d_name);
		if (fs_is_dir(p)) {
			scan_dir(p, files);
		} else if (n > 5 && !strcmp(de->d_name + n - 5, ".yaml") && !fs_read_file(p, &data, &len, NULL)) {
			same_includes(data, len);
			free(data);
			(*files)++;
		}
		free(p);
	}
	closedir(d);
}

static void scan_fixtures(void **state)
{
	if (!fs_test_fixtures())
		skip();
	int files = 0;
	scan_dir(fs_test_fixtures(), &files);
	assert_true(files > 30);
}

/* ---- a generated big project --------------------------------------------- */

/* 2 connectors and a mobile application of 3 pages, in a temp folder. */
static char *gen_big(void)
{
	char *dir = fs_path_join(fs_test_tmpdir(), "big");
	assert_int_equal(fs_test_sh(NULL, 1, "sh '%s/tests/bench/gen_project.sh' '%s' 2 2 2 && "
				    "sh '%s/tests/bench/gen_mobile.sh' '%s' 3 3 3", fs_test_srcdir(), dir,
				    fs_test_srcdir(), dir), 0);
	return dir;
}

static fs_project *open_ok(const char *dir)
{
	fs_project *p;
	fs_err e;
	if (fs_project_open(&p, dir, &e))
		fail_msg("%s: %s", dir, e.msg);
	return p;
}

static fs_lfile *lfile(fs_project *p, const char *rel)
{
	fs_lfile **files, *f = NULL;
	size_t n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n && !f; i++)
		if (!strcmp(files[i]->relpath, rel))
			f = files[i];
	free(files);
	assert_non_null(f);
	return f;
}

static void unchanged(fs_project *p)
{
	fs_files fl;
	assert_int_equal(fs_project_render(p, &fl, NULL), 0);
	for (size_t i = 0; i < fl.n; i++)
		if (fl.v[i].changed)
			fail_msg("%s reported changed", fl.v[i].relpath);
	fs_files_free(&fl);
}

static void same_as_folder(fs_project *p, const char *dir)
{
	char *out = fs_path_join(fs_test_tmpdir(), "out");
	assert_int_equal(fs_test_sh(NULL, 0, "rm -rf '%s'", out), 0);
	assert_int_equal(fs_project_save_to(p, out, NULL), 0);
	assert_true(fs_test_trees_equal(dir, out));
	free(out);
}

static void big_project_is_lazy_and_roundtrips(void **state)
{
	char *dir = gen_big();
	fs_project *p = open_ok(dir);
	/* what is edited has lines; the rest is bytes */
	assert_false(lfile(p, "_c8oProject/connectors/db_1.yaml")->lazy);
	assert_true(lfile(p, "_c8oProject/mobileApplication.yaml")->lazy);
	assert_true(lfile(p, "_c8oProject/mobilePages/Page2.yaml")->lazy);
	assert_true(lfile(p, "_c8oProject/sequences/OnChange.yaml")->lazy);
	unchanged(p);
	same_as_folder(p, dir);
	/* an opaque bean's properties read its file, and only that one */
	fs_obj *seq = fs_project_find(p, "OnChange");
	assert_non_null(seq);
	assert_string_equal(fs_obj_prop(seq, "comment"), "Called by the listeners");
	assert_false(lfile(p, "_c8oProject/sequences/OnChange.yaml")->lazy);
	assert_true(lfile(p, "_c8oProject/mobilePages/Page2.yaml")->lazy);
	/* every file read into lines: still the same bytes */
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fs_lfile_unlazy(files[i], NULL), 0);
	free(files);
	n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n; i++)
		assert_false(files[i]->lazy);
	assert_int_equal(n, 1 + 2 + 1 + 1 + 3);
	free(files);
	unchanged(p);
	same_as_folder(p, dir);
	fs_project_free(p);
	free(dir);
}

static void fixtures_roundtrip_read_or_not(void **state)
{
	char *dir = fs_test_fixture("c8oprj-sample-resolveconflicts");
	if (!dir)
		skip();
	fs_project *p = open_ok(dir);
	assert_true(lfile(p, "_c8oProject/mobilePages/Page.yaml")->lazy);
	same_as_folder(p, dir);
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fs_lfile_unlazy(files[i], NULL), 0);
	free(files);
	unchanged(p);
	same_as_folder(p, dir);
	fs_project_free(p);
	free(dir);
}

/* Files of the folder other than rel are the bytes of the copy. */
static void only_changed(const char *dir, const char *copy, const char *rel)
{
	char *out = NULL;
	assert_int_equal(fs_test_sh(&out, 1, "diff -rq '%s' '%s' | sed 's|.*%s/||; s| differ||'", copy, dir, dir), 0);
	char *want = fs_xasprintf("%s\n", rel);
	assert_string_equal(out, want);
	free(want);
	free(out);
}

static void edit_saves_only_the_connector(void **state)
{
	char *dir = gen_big();
	char *copy = fs_path_join(fs_test_tmpdir(), "copy");
	assert_int_equal(fs_test_copy_tree(dir, copy), 0);
	fs_project *p = open_ok(dir);
	fs_obj *map = fs_project_find(p, "db_1/ddoc_0/view_0/map");
	assert_non_null(map);
	/* dirty compares the files a save would write, lazy ones by name */
	char *was = fs_xstrdup(fs_fn_text(map));
	assert_int_equal(fs_fn_set_text(map, "function (doc) {\n    emit(doc._id, 2);\n}", NULL), 0);
	assert_true(fs_project_dirty(p));
	assert_int_equal(fs_fn_set_text(map, was, NULL), 0);
	assert_false(fs_project_dirty(p));
	free(was);
	assert_int_equal(fs_fn_set_text(map, "function (doc) {\n    emit(doc._id, 1);\n}", NULL), 0);
	assert_true(fs_project_dirty(p));
	fs_err e;
	if (fs_project_save(p, &e))
		fail_msg("%s", e.msg);
	only_changed(dir, copy, "_c8oProject/connectors/db_1.yaml");
	assert_false(fs_project_dirty(p));
	assert_true(lfile(p, "_c8oProject/mobilePages/Page0.yaml")->lazy);
	fs_project_free(p);
	free(copy);
	free(dir);
}

/* A sequence that names the project: a rename rewrites it (its lazy file
 * is read then), and the save must not write over an outside change. */
static char *gen_with_reference(void)
{
	char *dir = gen_big();
	assert_int_equal(fs_test_sh(NULL, 1, "printf '\\n  sourceSequence: bench.OnChange\\n' >> "
				    "'%s/_c8oProject/sequences/OnChange.yaml'", dir), 0);
	return dir;
}

static void outside_change_to_lazy_file_is_seen(void **state)
{
	char *dir = gen_with_reference();
	fs_project *p = open_ok(dir);
	char **ch;
	size_t n;
	assert_int_equal(fs_project_changed_files(p, &ch, &n), 0);
	assert_int_equal(fs_test_sh(NULL, 1, "printf '\\n' >> '%s/_c8oProject/sequences/OnChange.yaml'",
				    dir), 0);
	assert_int_equal(fs_project_changed_files(p, &ch, &n), 1);
	assert_string_equal(ch[0], "_c8oProject/sequences/OnChange.yaml");
	free(ch[0]);
	free(ch);
	/* the model keeps what it read: the rename rewrites those bytes, and
	 * the save refuses to replace the file changed since */
	assert_int_equal(fs_obj_rename(fs_project_root(p), "bench2", NULL), 0);
	fs_err e;
	assert_int_equal(fs_project_save(p, &e), FS_E_STALE);
	assert_non_null(strstr(e.msg, "OnChange.yaml"));
	fs_project_free(p);
	free(dir);
}

static void rename_rewrites_lazy_file(void **state)
{
	char *dir = gen_with_reference();
	fs_project *p = open_ok(dir);
	assert_int_equal(fs_obj_rename(fs_project_root(p), "bench2", NULL), 0);
	fs_err e;
	if (fs_project_save(p, &e))
		fail_msg("%s", e.msg);
	char *seq = fs_path_join(dir, "_c8oProject/sequences/OnChange.yaml"), *data;
	size_t len;
	assert_int_equal(fs_read_file(seq, &data, &len, NULL), 0);
	assert_non_null(strstr(data, "sourceSequence: bench2.OnChange"));
	free(data);
	free(seq);
	fs_project_free(p);
	free(dir);
}

static void damaged_lazy_file_stays_bytes(void **state)
{
	char *dir = gen_big();
	assert_int_equal(fs_test_sh(NULL, 1, "printf '\\n      bad: indentation\\n' >> "
				    "'%s/_c8oProject/sequences/OnChange.yaml'", dir), 0);
	fs_project *p = open_ok(dir);
	const fs_prop *props;
	assert_int_equal(fs_obj_props(fs_project_find(p, "OnChange"), &props), 0);
	fs_lfile *f = lfile(p, "_c8oProject/sequences/OnChange.yaml");
	assert_true(f->lazy && f->lazy_bad);
	fs_err e;
	assert_int_equal(fs_lfile_unlazy(f, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "OnChange.yaml:3: bad indentation"));
	/* a copy would have no lines to hold: refused, with the reason */
	assert_int_equal(fs_obj_copy(fs_project_find(p, "OnChange"), NULL, "Copy", NULL, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "OnChange cannot be copied: "));
	assert_non_null(strstr(e.msg, "OnChange.yaml:3: bad indentation"));
	unchanged(p);
	same_as_folder(p, dir);
	fs_project_free(p);
	/* bytes that are no text are refused at the load, lazy or not */
	assert_int_equal(fs_test_sh(NULL, 1, "printf 'x\\000' >> '%s/_c8oProject/mobilePages/Page1.yaml'", dir), 0);
	assert_int_not_equal(fs_project_open(&p, dir, &e), 0);
	assert_non_null(strstr(e.msg, "mobilePages/Page1.yaml"));
	assert_non_null(strstr(e.msg, "NUL"));
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_tricky_lines),
		cmocka_unit_test(scan_fixtures),
		cmocka_unit_test_teardown(big_project_is_lazy_and_roundtrips, fs_test_teardown),
		cmocka_unit_test_teardown(fixtures_roundtrip_read_or_not, fs_test_teardown),
		cmocka_unit_test_teardown(edit_saves_only_the_connector, fs_test_teardown),
		cmocka_unit_test_teardown(outside_change_to_lazy_file_is_seen, fs_test_teardown),
		cmocka_unit_test_teardown(rename_rewrites_lazy_file, fs_test_teardown),
		cmocka_unit_test_teardown(damaged_lazy_file_stays_bytes, fs_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
