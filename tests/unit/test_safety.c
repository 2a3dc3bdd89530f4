/* Issue 10 in the model: a save never writes over what it did not read
 * (stamps, FS_E_STALE, read-only files), fs_project_changed_files, the lock
 * (reentrant in a process, bounded and named across processes), the strict
 * reader (file:line:column), the journal rolled forward by a load. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "model/journal.h"
#include "model/lines.h"
#include "model/lock.h"
#include "model/project.h"
#include "testlib.h"
#include "testproj.h"

#define CONN "_c8oProject/connectors/inspections.yaml"
#define MAP_A "inspections/visits/by_site/map"
#define MAP_B "inspections/visits/by_status/map"

static void set_fn(fs_project *p, const char *path, const char *text)
{
	fs_err e = { 0 };
	fs_obj *o = fs_project_find(p, path);
	assert_non_null(o);
	assert_int_equal(fs_fn_set_text(o, text, &e), 0);
}

/* Two models of one folder: the second saves first; the first one's save of
 * the same file is refused, names the file, and writes nothing. */
static void test_stale_refused(void **state)
{
	(void)state;
	char *dir = fs_test_sample();
	fs_project *p = fs_test_open(dir), *q = fs_test_open(dir);
	char **ch;
	size_t n;
	fs_err e = { 0 };
	assert_int_equal(fs_project_changed_files(p, &ch, &n), 0);
	set_fn(q, MAP_B, "function (doc) { emit(doc._id, 'theirs'); }");
	assert_int_equal(fs_project_save(q, &e), 0);
	char *theirs = fs_test_read(dir, CONN);
	assert_int_equal(fs_project_changed_files(p, &ch, &n), 1);
	assert_string_equal(ch[0], CONN);
	free(ch[0]);
	free(ch);
	set_fn(p, MAP_A, "function (doc) { emit(doc._id, 'mine'); }");
	assert_int_equal(fs_project_save(p, &e), FS_E_STALE);
	assert_non_null(strstr(e.msg, CONN));
	assert_non_null(strstr(e.msg, "changed on disk"));
	char *after = fs_test_read(dir, CONN);
	assert_string_equal(after, theirs);
	/* the way out: a fresh model, the edit again */
	fs_project *fresh;
	assert_int_equal(fs_project_reload(p, &fresh, &e), 0);
	set_fn(fresh, MAP_A, "function (doc) { emit(doc._id, 'mine'); }");
	assert_int_equal(fs_project_save(fresh, &e), 0);
	fs_project_free(fresh);
	fresh = fs_test_open(dir);
	assert_non_null(strstr(fs_fn_text(fs_project_find(fresh, MAP_A)), "mine"));
	assert_non_null(strstr(fs_fn_text(fs_project_find(fresh, MAP_B)), "theirs"));
	fs_project_free(fresh);
	free(theirs);
	free(after);
	fs_project_free(p);
	fs_project_free(q);
	free(dir);
	fs_test_cleanup();
}

/* Another program rewrites the file in place, same size, and puts its
 * mtime back: the stat says nothing, the bytes do. */
static void test_stale_same_stat(void **state)
{
	(void)state;
	char *dir = fs_test_sample(), *path = fs_path_join(dir, CONN);
	fs_project *p = fs_test_open(dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	char *text = fs_test_read(dir, CONN);
	char *at = strstr(text, "by_site");
	assert_non_null(at);
	at[0] = 'B';   /* same size */
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	fwrite(text, 1, strlen(text), f);
	fclose(f);
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	utimensat(AT_FDCWD, path, ts, 0);
	fs_err e = { 0 };
	set_fn(p, MAP_B, "function (doc) { emit(doc._id, 2); }");
	assert_int_equal(fs_project_save(p, &e), FS_E_STALE);
	char *after = fs_test_read(dir, CONN);
	assert_string_equal(after, text);
	free(after);
	free(text);
	free(path);
	fs_project_free(p);
	free(dir);
	fs_test_cleanup();
}

/* A save only checks the files it writes: an outside change elsewhere does
 * not stop it. A file that appeared where a new one goes does. */
static void test_other_files_free(void **state)
{
	(void)state;
	char *dir = fs_test_sample();
	fs_project *p = fs_test_open(dir);
	char *path = fs_path_join(dir, "_c8oProject/connectors/sites.yaml");
	char *text = fs_test_read(dir, "_c8oProject/connectors/sites.yaml");
	fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, text);
	fs_buf_adds(&b, "\n");
	fs_err e = { 0 };
	assert_int_equal(fs_write_file_atomic(path, b.data, b.len, 0644, &e), 0);
	set_fn(p, MAP_A, "function (doc) { emit(doc._id, 3); }");
	assert_int_equal(fs_project_save(p, &e), 0);
	/* a connector whose file someone else created meanwhile */
	char *other = fs_path_join(dir, "_c8oProject/connectors/orders.yaml");
	assert_int_equal(fs_write_file_atomic(other, "x", 1, 0644, &e), 0);
	fs_obj *o;
	assert_int_equal(fs_obj_new(fs_project_root(p), FS_K_CONNECTOR, "orders", NULL, &o, &e), 0);
	assert_int_equal(fs_project_save(p, &e), FS_E_STALE);
	assert_non_null(strstr(e.msg, "orders.yaml"));
	char *x = fs_test_read(dir, "_c8oProject/connectors/orders.yaml");
	assert_string_equal(x, "x");
	free(x);
	free(other);
	fs_buf_free(&b);
	free(text);
	free(path);
	fs_project_free(p);
	free(dir);
	fs_test_cleanup();
}

static void test_read_only(void **state)
{
	(void)state;
	char *dir = fs_test_sample(), *path = fs_path_join(dir, CONN);
	fs_project *p = fs_test_open(dir);
	char *before = fs_test_read(dir, CONN);
	assert_int_equal(chmod(path, 0444), 0);
	fs_err e = { 0 };
	set_fn(p, MAP_A, "function (doc) { emit(doc._id, 4); }");
	assert_int_equal(fs_project_save(p, &e), FS_E_IO);
	assert_non_null(strstr(e.msg, CONN " is read-only (mode 0444)"));
	char *after = fs_test_read(dir, CONN);
	assert_string_equal(after, before);
	free(after);
	free(before);
	free(path);
	fs_project_free(p);
	free(dir);
	fs_test_cleanup();
}

/* Takes the lock again in one process (no deadlock); a child holding it
 * makes us wait and then name it. */
static void test_lock(void **state)
{
	(void)state;
	char *dir = fs_test_sample();
	fs_lock *a, *b;
	fs_err e = { 0 };
	assert_int_equal(fs_lock_take(dir, FS_LOCK_EXCL, &a, &e), 0);
	assert_int_equal(fs_lock_take(dir, FS_LOCK_SHARED, &b, &e), 0);
	fs_project *p = fs_test_open(dir);   /* takes it a third time */
	set_fn(p, MAP_A, "function (doc) { emit(doc._id, 5); }");
	assert_int_equal(fs_project_save(p, &e), 0);
	fs_project_free(p);
	fs_lock_drop(b);
	fs_lock_drop(a);
	int go[2], stop[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(stop), 0);
	pid_t child = fork();
	if (child == 0) {
		fs_lock *c;
		char y;
		close(stop[1]);
		fs_lock_set_owner("the test's child");
		if (fs_lock_take(dir, FS_LOCK_EXCL, &c, NULL))
			_exit(1);
		if (write(go[1], "x", 1) != 1)
			_exit(1);
		/* holds the lock until the parent goes, even on a failed assert */
		_exit(read(stop[0], &y, 1) < 0);
	}
	close(stop[0]);
	char x;
	assert_int_equal(read(go[0], &x, 1), 1);
	setenv("FSSTUDIO_LOCK_TIMEOUT", "0.3", 1);
	assert_int_equal(fs_project_open(&p, dir, &e), FS_E_LOCKED);
	char want[64];
	snprintf(want, sizeof want, "the test's child (pid %ld)", (long)child);
	assert_non_null(strstr(e.msg, want));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* the kernel released the dead holder's lock */
	p = fs_test_open(dir);
	fs_project_free(p);
	unsetenv("FSSTUDIO_LOCK_TIMEOUT");
	close(go[0]);
	close(go[1]);
	close(stop[1]);
	free(dir);
	fs_test_cleanup();
}

static void expect_parse_error(const char *text, const char *want)
{
	fs_lfile *f = NULL;
	fs_err e = { 0 };
	assert_int_equal(fs_lines_parse(&f, "x.yaml", text, strlen(text), &e), FS_E_PARSE);
	if (!strstr(e.msg, want))
		fail_msg("got '%s', want '%s'", e.msg, want);
}

/* The damaged bean line, a tab, a key that is no name, lines under
 * a value: each one an error at its line and column, never a lost object. */
static void test_strict_reader(void **state)
{
	(void)state;
	expect_parse_error("databaseName: db\n\xe2\x86" "defects [couchdb.DesignDocument]: \n  docdata: x\n",
			   "x.yaml:2:1: invalid UTF-8 (byte 0xE2)");
	expect_parse_error("a: \n  b: c\xc3\n", "x.yaml:2:7: invalid UTF-8 (byte 0xC3)");
	expect_parse_error("a: \xed\xa0\x80\n", "x.yaml:1:4: invalid UTF-8");   /* a surrogate */
	expect_parse_error("a: \xc0\xaf\n", "x.yaml:1:4: invalid UTF-8");       /* overlong */
	expect_parse_error("a: \n\tb: c\n", "x.yaml:2:1: a tab in the indentation");
	expect_parse_error("a: \n  \tb: c\n", "x.yaml:2:3: a tab in the indentation");
	expect_parse_error("defects [couchdb.DesignDocument]: \n", "x.yaml:1:8: not a line of the dialect");
	expect_parse_error("a: 1\n  b: 2\n", "x.yaml:2:3: a line under a line that cannot have any");
	/* what the real files hold still reads: class names as keys, tabs in text */
	fs_lfile *f = NULL;
	fs_err e = { 0 };
	const char *ok = "a: \n  - java.lang.String: \n    - \xe2\x86\x91value: x\nb: |\n  '\tif (x) {\n  \t}'\n";
	assert_int_equal(fs_lines_parse(&f, "x.yaml", ok, strlen(ok), &e), 0);
	fs_lfile_free(f);
}

/* Hostile files are refused by name, without reading them. */
static void test_hostile_files(void **state)
{
	(void)state;
	char *dir = fs_test_sample(), *path = fs_path_join(dir, "_c8oProject/connectors/sites.yaml");
	fs_project *p;
	fs_err e = { 0 };
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(fs_project_open(&p, dir, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "sites.yaml: a FIFO, not a regular file: refused"));
	unlink(path);
	assert_int_equal(symlink("/dev/zero", path), 0);
	assert_int_equal(fs_project_open(&p, dir, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "a symbolic link to /dev/zero, outside the project: refused"));
	unlink(path);
	assert_int_equal(symlink("/etc/hostname", path), 0);
	assert_int_equal(fs_project_open(&p, dir, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "outside the project: refused"));
	unlink(path);
	assert_int_equal(symlink("inspections.yaml", path), 0);   /* inside: fine */
	assert_int_equal(fs_project_open(&p, dir, &e), 0);
	fs_project_free(p);
	/* over the size cap (a sparse file: no disk used) */
	unlink(path);
	assert_int_equal(fs_test_sh(NULL, 0, "truncate -s 70M '%s'", path), 0);
	assert_int_equal(fs_project_open(&p, dir, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "73400320 bytes, over the limit of 67108864 (FSSTUDIO_MAX_FILE): refused"));
	free(path);
	free(dir);
	fs_test_cleanup();
}

/* A journal written by a writer that died before switching is rolled
 * forward by the next load; temp files not in a journal are removed. */
static void test_journal_recovered(void **state)
{
	(void)state;
	char *dir = fs_test_sample();
	char *ref = fs_path_join(fs_test_tmpdir(), "ref");
	assert_int_equal(fs_test_copy_tree(dir, ref), 0);
	fs_project *p = fs_test_open(ref);
	fs_err e = { 0 };
	assert_int_equal(fs_obj_rename(fs_project_find(p, "inspections"), "audits", &e), 0);
	assert_int_equal(fs_project_save(p, &e), 0);
	fs_project_free(p);
	/* the same save in dir, stopped after its commit point: the temps and
	 * the journal written, nothing switched */
	const char *files[] = { "c8oProject.yaml", "_c8oProject/connectors/audits.yaml" };
	char *stray = fs_path_join(dir, "_c8oProject/sequences/x.yaml.fsstudio-Q1w2E3");
	assert_int_equal(fs_write_file_atomic(stray, "x", 1, 0644, &e), 0);
	char *jpath = fs_journal_path(dir);
	assert_non_null(jpath);
	fs_buf j = FS_BUF_INIT;
	fs_buf_adds(&j, "{\"fsstudio-journal\": 1, \"renames\": [");
	for (int i = 0; i < 2; i++) {
		char *text = fs_test_read(ref, files[i]), *tmp;
		char *target = fs_path_join(dir, files[i]);
		assert_int_equal(fs_write_temp(target, text, strlen(text), 0644, &tmp, &e), 0);
		fs_buf_printf(&j, "%s[\"%s\", \"%s\"]", i ? ", " : "", tmp + strlen(dir) + 1, files[i]);
		free(tmp);
		free(target);
		free(text);
	}
	fs_buf_printf(&j, "], \"removes\": [\"%s\"]}", CONN);
	assert_int_equal(fs_write_file_atomic(jpath, j.data, j.len, 0600, &e), 0);
	assert_true(fs_journal_pending(dir));
	p = fs_test_open(dir);
	assert_non_null(fs_project_find(p, "audits"));
	assert_null(fs_project_find(p, "inspections"));
	fs_project_free(p);
	assert_false(fs_journal_pending(dir));
	assert_false(fs_is_file(stray));
	assert_true(fs_test_trees_equal(dir, ref));
	fs_buf_free(&j);
	free(jpath);
	free(stray);
	free(ref);
	free(dir);
	fs_test_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_refused),
		cmocka_unit_test(test_stale_same_stat),
		cmocka_unit_test(test_other_files_free),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_strict_reader),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_journal_recovered),
	};
	return cmocka_run_group_tests(tests, NULL, fs_test_teardown);
}
