/* Helpers shared by the C tests: temp folders, the fixture projects, a real
 * pouchdb-server on a free loopback port, running the fsstudio binary. */
#ifndef FS_TESTLIB_H
#define FS_TESTLIB_H

#include <stddef.h>
#include <sys/types.h>
#include "couch/couch.h"
#include "base/err.h"

/* ../shared/fixtures/convertigo beside the source tree (or $FSSTUDIO_FIXTURES);
 * NULL when absent: tests that need it call skip(). */
const char *fs_test_fixtures(void);
/* A fixture project folder by name ("c8oprj-lib-fullsync-grp"), or NULL. */
char *fs_test_fixture(const char *name);
/* The source tree (for projects/sample and tests/data). */
const char *fs_test_srcdir(void);
/* A fresh temp folder, removed by fs_test_cleanup(). */
char *fs_test_tmpdir(void);
void fs_test_cleanup(void);
/* A cmocka teardown that only calls fs_test_cleanup. */
int fs_test_teardown(void **state);
/* cp -R src dst (dst must not exist). Returns 0 on success. */
int fs_test_copy_tree(const char *src, const char *dst);
/* Files of two trees equal byte for byte (ignores .git). Prints the first
 * difference to stderr. Returns 1 when equal. */
int fs_test_trees_equal(const char *a, const char *b);
/* Runs a shell command, captures stdout (and stderr when merge), returns the
 * exit status. *out may be NULL. */
int fs_test_sh(char **out, int merge, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Path of the fsstudio binary under test ($FS_BIN). */
const char *fs_test_bin(void);

/* In a cmocka test: fails it when rc is an error code, saying what failed,
 * the error's sentence and the code's name ("bulk: ... (http)"). A
 * macro, like cmocka's fail_msg that it calls: the failure is reported at
 * the caller's line, and the benches (without cmocka) can include this. */
#define fs_test_ok(rc, e, what) do { \
		int fs_rc_ = (rc); \
		if (fs_rc_) \
			fail_msg("%s: %s (%s)", (what), (e)->msg, fs_err_name(fs_rc_)); \
	} while (0)

/* A loopback TCP port nobody listens on (bound, read, closed), or -1. */
int fs_test_free_port(void);

/* A pouchdb-server started in a temp folder on a free port (in memory). */
typedef struct fs_test_couch {
	pid_t pid;
	int port;
	char url[64];
	char *dir;
} fs_test_couch;
/* Returns NULL (and the test should skip) when pouchdb-server is not
 * installed ($FSSTUDIO_POUCHDB or ~/.cache/fsstudio/pouchdb). */
fs_test_couch *fs_test_couch_start(void);
void fs_test_couch_stop(fs_test_couch *c);
/* A test group's server and a connection to it, for cmocka's group setup:
 * 0 with *c NULL when pouchdb-server is not installed (the tests skip),
 * -1 when it runs but cannot be reached. */
int fs_test_couch_open(fs_test_couch **srv, fs_couch **c, fs_err *e);
/* A client of URL with no profiles file read (20 s timeout); NULL and *e. */
fs_couch *fs_test_connect(const char *url, fs_err *e);
/* Closes what fs_test_couch_open made and removes the temp folders. */
void fs_test_couch_close(fs_test_couch *srv, fs_couch *c);
/* A cmocka group setup and teardown for a file whose tests share one server,
 * one client and one error: main binds the file's variables first, then
 * passes fs_test_group_setup and fs_test_group_teardown to
 * cmocka_run_group_tests (setup: fs_test_couch_open into them; teardown:
 * fs_test_couch_close of them). */
void fs_test_group_bind(fs_test_couch **srv, fs_couch **c, fs_err *e);
int fs_test_group_setup(void **state);
int fs_test_group_teardown(void **state);

#endif
