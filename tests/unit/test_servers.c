/* Server profiles: parsing, the permission check, password_command, URL and
 * environment credentials, saving; credentials never in displayed text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "couch/servers.h"
#include "testlib.h"

static char *write_profiles(const char *text, int mode)
{
	char *dir = fs_test_tmpdir();
	char *path = fs_path_join(dir, "servers");
	fs_err e;
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), mode, &e), 0);
	chmod(path, (mode_t)mode);
	return path;
}

static const char *sample =
	"# profiles\n"
	"[prod]\n"
	"url = https://couch.example.com:6984/\n"
	"user = admin\n"
	"password = s3cret-pw\n"
	"revs_limit = 10\n"
	"listener_target = https://c8o.example.com/convertigo\n"
	"\n"
	"; another\n"
	"[lab]\n"
	"  url=http://10.0.0.2:5984\n"
	"password_command = printf 'from-cmd\\n'\n"
	"user = bob\n"
	"insecure = true\n";

static void loads_profiles(void **state)
{
	char *path = write_profiles(sample, 0600);
	fs_servers s;
	fs_err e;
	assert_int_equal(fs_servers_load(&s, path, &e), 0);
	assert_int_equal(s.n, 3); /* prod, lab and the default local */
	const fs_server *p = fs_servers_find(&s, "prod");
	assert_non_null(p);
	assert_string_equal(p->url, "https://couch.example.com:6984");
	assert_string_equal(p->user, "admin");
	assert_string_equal(p->password, "s3cret-pw");
	assert_int_equal(p->revs_limit, 10);
	assert_string_equal(p->listener_target, "https://c8o.example.com/convertigo");
	assert_int_equal(p->insecure, 0);
	const fs_server *l = fs_servers_find(&s, "lab");
	assert_string_equal(l->url, "http://10.0.0.2:5984");
	assert_int_equal(l->insecure, 1);
	assert_null(l->password);
	const fs_server *d = fs_servers_find(&s, "local");
	assert_string_equal(d->url, "http://127.0.0.1:5984");
	assert_null(d->user);
	fs_servers_free(&s);
	free(path);
}

static void missing_file_gives_local(void **state)
{
	char *path = fs_path_join(fs_test_tmpdir(), "nothing-here");
	fs_servers s;
	fs_err e;
	assert_int_equal(fs_servers_load(&s, path, &e), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].name, "local");
	fs_servers_free(&s);
	free(path);
}

static void refuses_readable_file(void **state)
{
	char *path = write_profiles(sample, 0644);
	fs_servers s;
	fs_err e;
	assert_int_equal(fs_servers_load(&s, path, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "chmod 600"));
	assert_non_null(strstr(e.msg, "0644"));
	assert_null(strstr(e.msg, "s3cret"));
	fs_servers_free(&s);
	chmod(path, 0620); /* group-writable is refused too */
	assert_int_equal(fs_servers_load(&s, path, &e), FS_E_AUTH);
	fs_servers_free(&s);
	free(path);
}

static void bad_lines_say_where(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "[a]\nurl = http://h\ncolour = red\n", ":3: unknown setting 'colour'" },
		{ "url = http://h\n", ":1: setting outside of a [profile] section" },
		{ "[a]\nuser = x\n", ":1: server profile 'a' has no url" },
		{ "[a]\nurl = ftp://h\n", ":2: url must start with http" },
		{ "[a]\nurl = http://h\n[a]\nurl = http://i\n", ":3: profile 'a' is defined twice" },
		{ "[a\nurl = http://h\n", ":1: a profile header" },
		{ "[a]\nurl = http://h\nrevs_limit = ten\n", ":3: revs_limit must be" },
		{ "[a]\nurl = http://h\nlistener_target = c8o\n", ":3: listener_target must start with http" },
		{ "[a]\njust words\n", ":2: expected 'setting = value'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *path = write_profiles(cases[i].text, 0600);
		fs_servers s;
		fs_err e;
		assert_int_equal(fs_servers_load(&s, path, &e), FS_E_PARSE);
		if (!strstr(e.msg, cases[i].want) || strncmp(e.msg, path, strlen(path)))
			fail_msg("case %zu: got '%s'", i, e.msg);
		fs_servers_free(&s);
		free(path);
	}
}

static void password_command_runs(void **state)
{
	char *path = write_profiles(sample, 0600);
	fs_servers s;
	fs_server srv;
	fs_err e;
	assert_int_equal(fs_servers_load(&s, path, &e), 0);
	assert_int_equal(fs_server_resolve(&s, "prod", &srv, &e), 0);
	fs_couch *c = fs_server_connect(&srv, 0, &e);
	assert_int_equal(fs_couch_revs_limit_setting(c), 10);
	assert_string_equal(fs_couch_name(c), "prod");
	assert_string_equal(fs_couch_url(c), "https://couch.example.com:6984");
	fs_couch_free(c);
	fs_server_free(&srv);
	assert_int_equal(fs_server_resolve(&s, "lab", &srv, &e), 0);
	assert_null(srv.password); /* not run until needed */
	assert_int_equal(fs_server_password(&srv, &e), 0);
	assert_string_equal(srv.password, "from-cmd");
	fs_server_free(&srv);

	fs_server bad = { 0 };
	bad.name = fs_xstrdup("x");
	bad.password_command = fs_xstrdup("echo leaked-secret >/dev/null; exit 3");
	assert_int_equal(fs_server_password(&bad, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "exit status 3"));
	assert_null(strstr(e.msg, "leaked-secret"));
	free(bad.password_command);
	bad.password_command = fs_xstrdup("true");
	assert_int_equal(fs_server_password(&bad, &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "printed no password"));
	fs_server_free(&bad);
	fs_servers_free(&s);
	free(path);
}

static void url_credentials_never_displayed(void **state)
{
	fs_servers s;
	fs_server srv;
	fs_err e;
	char *none = fs_path_join(fs_test_tmpdir(), "none");
	assert_int_equal(fs_servers_load(&s, none, &e), 0);
	free(none);
	assert_int_equal(fs_server_resolve(&s, "http://ann:p%40ss-word@127.0.0.1:1/", &srv, &e), 0);
	assert_string_equal(srv.url, "http://127.0.0.1:1");
	assert_string_equal(srv.name, "http://127.0.0.1:1");
	assert_string_equal(srv.user, "ann");
	assert_string_equal(srv.password, "p@ss-word");
	/* a refused connection names the URL, never the password */
	fs_couch *c = fs_server_connect(&srv, 2000, &e);
	assert_non_null(c);
	assert_string_equal(fs_couch_url(c), "http://127.0.0.1:1");
	cJSON *info = NULL;
	assert_int_equal(fs_couch_server_info(c, &info, &e), FS_E_HTTP);
	assert_non_null(strstr(e.msg, "http://127.0.0.1:1"));
	assert_null(strstr(e.msg, "ss-word"));
	assert_null(strstr(e.msg, "ann:"));
	fs_couch_free(c);
	fs_server_free(&srv);

	assert_int_equal(fs_server_resolve(&s, "nope", &srv, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "profiles: local"));
	assert_int_equal(fs_server_resolve(&s, "ftp://x", &srv, &e), FS_E_USAGE);
	fs_servers_free(&s);
}

static void environment_fills_in(void **state)
{
	char *path = write_profiles(sample, 0600);
	fs_servers s;
	fs_server srv;
	fs_err e;
	assert_int_equal(fs_servers_load(&s, path, &e), 0);
	setenv("FSSTUDIO_USER", "envuser", 1);
	setenv("FSSTUDIO_PASSWORD", "envpw", 1);
	assert_int_equal(fs_server_resolve(&s, "local", &srv, &e), 0);
	assert_string_equal(srv.user, "envuser");
	assert_string_equal(srv.password, "envpw");
	fs_server_free(&srv);
	assert_int_equal(fs_server_resolve(&s, "prod", &srv, &e), 0);
	assert_string_equal(srv.user, "admin"); /* the profile wins */
	assert_string_equal(srv.password, "s3cret-pw");
	fs_server_free(&srv);
	setenv("FSSTUDIO_SERVER", "prod", 1);
	assert_int_equal(fs_server_resolve(&s, NULL, &srv, &e), 0);
	assert_string_equal(srv.name, "prod");
	fs_server_free(&srv);
	unsetenv("FSSTUDIO_SERVER");
	unsetenv("FSSTUDIO_USER");
	unsetenv("FSSTUDIO_PASSWORD");
	assert_int_equal(fs_server_resolve(&s, NULL, &srv, &e), 0);
	assert_string_equal(srv.name, "local");
	assert_null(srv.user);
	fs_server_free(&srv);
	fs_servers_free(&s);
	free(path);
}

static void save_creates_private_file(void **state)
{
	char *dir = fs_path_join(fs_test_tmpdir(), "cfg/fsstudio");
	char *path = fs_path_join(dir, "servers");
	fs_err e;
	fs_server srv = { .name = "one", .url = "http://h1:5984", .user = "u", .password = "pw1" };
	assert_int_equal(fs_servers_save_profile(path, &srv, &e), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	fs_server two = { .name = "two", .url = "http://h2:5984", .revs_limit = 10, .insecure = 1,
		.listener_target = "http://c8o:8080/convertigo" };
	assert_int_equal(fs_servers_save_profile(path, &two, &e), 0);
	fs_server one2 = { .name = "one", .url = "http://h1b:5984" };
	assert_int_equal(fs_servers_save_profile(path, &one2, &e), 0); /* replaces */
	fs_servers s;
	assert_int_equal(fs_servers_load(&s, path, &e), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(fs_servers_find(&s, "one")->url, "http://h1b:5984");
	assert_null(fs_servers_find(&s, "one")->password);
	assert_int_equal(fs_servers_find(&s, "two")->revs_limit, 10);
	assert_int_equal(fs_servers_find(&s, "two")->insecure, 1);
	assert_string_equal(fs_servers_find(&s, "two")->listener_target, "http://c8o:8080/convertigo");
	fs_servers_free(&s);
	assert_int_equal(fs_servers_remove_profile(path, "two", &e), 0);
	assert_int_equal(fs_servers_remove_profile(path, "two", &e), FS_E_NOTFOUND);
	assert_int_equal(fs_servers_load(&s, path, &e), 0);
	assert_int_equal(s.n, 2);
	assert_null(fs_servers_find(&s, "two"));
	fs_servers_free(&s);
	/* never writes into a file others can read */
	chmod(path, 0644);
	assert_int_equal(fs_servers_save_profile(path, &two, &e), FS_E_AUTH);
	free(dir);
	free(path);
}

static void default_path_follows_xdg(void **state)
{
	setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
	char *p = fs_servers_path();
	assert_string_equal(p, "/tmp/xdg-test/fsstudio/servers");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	p = fs_servers_path();
	assert_string_equal(p, "/home/someone/.config/fsstudio/servers");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_profiles),
		cmocka_unit_test(missing_file_gives_local),
		cmocka_unit_test(refuses_readable_file),
		cmocka_unit_test(bad_lines_say_where),
		cmocka_unit_test(password_command_runs),
		cmocka_unit_test(url_credentials_never_displayed),
		cmocka_unit_test(environment_fills_in),
		cmocka_unit_test(save_creates_private_file),
		cmocka_unit_test(default_path_follows_xdg),
	};
	return cmocka_run_group_tests(tests, NULL, fs_test_teardown);
}
