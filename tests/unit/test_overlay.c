/* fs_project_open_overlay, as the studio's recovery uses it: the files as
 * an overlay gives them, compared against the folder's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "model/project.h"
#include "testlib.h"
#include "testproj.h"

#define CONN "_c8oProject/connectors/inspections.yaml"

/* The folder's files, except those the test gives. */
struct over {
	const char *dir;
	const char *rel[2];
	const char *text[2];
};

static enum fs_err_code reader(void *ctx, const char *rel, char **data, size_t *len, fs_err *e)
{
	struct over *o = ctx;
	for (int i = 0; i < 2; i++)
		if (o->rel[i] && !strcmp(rel, o->rel[i])) {
			*data = fs_xstrdup(o->text[i]);
			*len = strlen(*data);
			return 0;
		}
	char *path = fs_path_join(o->dir, rel);
	int rc = fs_read_file(path, data, len, e);
	free(path);
	return rc;
}

/* Only the file whose text differs is changed; a save writes it there. */
static void test_changed_file(void **state)
{
	(void)state;
	char *dir = fs_test_sample(), *conn = fs_test_read(dir, CONN), *edited;
	fs_buf b = FS_BUF_INIT;
	fs_project *p, *q;
	fs_files fl;
	fs_err e = { 0 };
	fs_buf_printf(&b, "%s", conn);
	char *at = strstr(b.data, "emit(");
	assert_non_null(at);
	at[0] = 'E';   /* Emit( */
	edited = fs_buf_steal(&b);
	struct over o = { dir, { CONN }, { edited } };
	assert_int_equal(fs_project_open_overlay(&p, dir, reader, &o, &e), 0);
	assert_string_equal(fs_project_dir(p), dir);
	assert_true(fs_project_dirty(p));
	assert_int_equal(fs_project_render(p, &fl, &e), 0);
	size_t changed = 0;
	for (size_t i = 0; i < fl.n; i++)
		if (fl.v[i].changed) {
			changed++;
			assert_string_equal(fl.v[i].relpath, CONN);
		}
	assert_int_equal(changed, 1);
	assert_int_equal(fl.nremoved, 0);
	fs_files_free(&fl);
	assert_int_equal(fs_project_save(p, &e), 0);
	assert_false(fs_project_dirty(p));
	fs_project_free(p);
	free(conn);
	conn = fs_test_read(dir, CONN);
	assert_string_equal(conn, edited);
	assert_int_equal(fs_project_open(&q, dir, &e), 0);
	assert_false(fs_project_dirty(q));
	fs_project_free(q);
	free(conn);
	free(edited);
	free(dir);
	fs_test_cleanup();
}

/* Nothing differs: nothing to save. */
static void test_same_files(void **state)
{
	(void)state;
	char *dir = fs_test_sample();
	struct over o = { dir, { NULL }, { NULL } };
	fs_project *p;
	fs_err e = { 0 };
	assert_int_equal(fs_project_open_overlay(&p, dir, reader, &o, &e), 0);
	assert_false(fs_project_dirty(p));
	fs_project_free(p);
	free(dir);
	fs_test_cleanup();
}

/* A connector the overlay's project no longer includes: its file is
 * removed by a save. */
static void test_removed_file(void **state)
{
	(void)state;
	char *dir = fs_test_sample(), *main = fs_test_read(dir, "c8oProject.yaml"), *line, *end;
	fs_project *p;
	fs_files fl;
	fs_err e = { 0 };
	line = strstr(main, "  \xe2\x86\x93sites [connectors.FullSyncConnector]");
	assert_non_null(line);
	end = strchr(line, '\n');
	memmove(line, end + 1, strlen(end + 1) + 1);
	struct over o = { dir, { "c8oProject.yaml" }, { main } };
	assert_int_equal(fs_project_open_overlay(&p, dir, reader, &o, &e), 0);
	assert_true(fs_project_dirty(p));
	assert_int_equal(fs_project_render(p, &fl, &e), 0);
	assert_int_equal(fl.nremoved, 1);
	assert_string_equal(fl.removed[0], "_c8oProject/connectors/sites.yaml");
	fs_files_free(&fl);
	assert_int_equal(fs_project_save(p, &e), 0);
	char *gone = fs_path_join(dir, "_c8oProject/connectors/sites.yaml");
	assert_false(fs_is_file(gone));
	free(gone);
	fs_project_free(p);
	free(main);
	free(dir);
	fs_test_cleanup();
}

/* A broken overlay file: a plain error naming it, nothing opened. */
static void test_broken_overlay(void **state)
{
	(void)state;
	char *dir = fs_test_sample();
	struct over o = { dir, { CONN }, { "  \xe2\x86\x93broken [\n" } };
	fs_project *p = (fs_project *)1;
	fs_err e = { 0 };
	assert_int_not_equal(fs_project_open_overlay(&p, dir, reader, &o, &e), 0);
	assert_null(p);
	assert_non_null(strstr(e.msg, "inspections.yaml"));
	free(dir);
	fs_test_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changed_file),
		cmocka_unit_test(test_same_files),
		cmocka_unit_test(test_removed_file),
		cmocka_unit_test(test_broken_overlay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
