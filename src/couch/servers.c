/* Server profiles and credentials: see servers.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "couch/servers.h"
#include "couch/security.h"
#include "base/fsutil.h"
#include "couch/http.h"

char *fs_servers_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return fs_xasprintf("%s/fsstudio/servers", xdg);
	const char *home = getenv("HOME");
	return fs_xasprintf("%s/.config/fsstudio/servers", home ? home : ".");
}

static void free_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void fs_server_free(fs_server *srv)
{
	if (!srv)
		return;
	free(srv->name);
	free(srv->url);
	free(srv->user);
	free_secret(srv->password);
	free(srv->password_command);
	free(srv->admins);
	free(srv->members);
	free(srv->ca_file);
	free(srv->client_cert);
	free(srv->client_key);
	free_secret(srv->listener_target);
	free(srv->origin);
	memset(srv, 0, sizeof *srv);
}

void fs_servers_free(fs_servers *s)
{
	for (size_t i = 0; i < s->n; i++)
		fs_server_free(&s->v[i]);
	free(s->v);
	free(s->path);
	memset(s, 0, sizeof *s);
}

const fs_server *fs_servers_find(const fs_servers *s, const char *name)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

/* Sets url (display form) and takes user:password@ from it when present. */
static void set_url(fs_server *srv, const char *url)
{
	char *u, *p;
	fs_url_credentials(url, &u, &p);
	free(srv->url);
	srv->url = fs_url_strip_credentials(url);
	size_t n = strlen(srv->url);
	while (n > 0 && srv->url[n - 1] == '/')
		srv->url[--n] = '\0';
	if (u) {
		free(srv->user);
		srv->user = u;
	}
	if (p) {
		free_secret(srv->password);
		srv->password = p;
	}
}

/* ---- Parsing ---- */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = 1, 0;
		if (!strcasecmp(v, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

/* The TLS file setting named key, or NULL. */
static char **tls_file(fs_server *srv, const char *key)
{
	return !strcmp(key, "ca_file") ? &srv->ca_file : !strcmp(key, "client_cert") ? &srv->client_cert :
		!strcmp(key, "client_key") ? &srv->client_key : NULL;
}

/* "~/x" is $HOME/x: profiles name files in the user's home. */
static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && path[1] == '/' && home)
		return fs_xasprintf("%s%s", home, path + 1);
	return fs_xstrdup(path);
}

static enum fs_err_code set_key(fs_server *srv, const char *key, const char *val, const char *where, fs_err *e)
{
	if (!strcmp(key, "url")) {
		if (strncmp(val, "http://", 7) && strncmp(val, "https://", 8))
			return fs_err_set(e, FS_E_PARSE, "%s: url must start with http:// or https://", where);
		set_url(srv, val);
	} else if (!strcmp(key, "user")) {
		free(srv->user);
		srv->user = fs_xstrdup(val);
	} else if (!strcmp(key, "password")) {
		free_secret(srv->password);
		srv->password = fs_xstrdup(val);
	} else if (!strcmp(key, "password_command")) {
		free(srv->password_command);
		srv->password_command = fs_xstrdup(val);
	} else if (tls_file(srv, key)) {
		char **f = tls_file(srv, key);
		free(*f);
		*f = expand_home(val);
	} else if (!strcmp(key, "insecure")) {
		if (parse_bool(val, &srv->insecure) < 0)
			return fs_err_set(e, FS_E_PARSE, "%s: insecure must be true or false", where);
	} else if (!strcmp(key, "revs_limit")) {
		char *end;
		long n = strtol(val, &end, 10);
		if (*end || n < 1)
			return fs_err_set(e, FS_E_PARSE, "%s: revs_limit must be a positive number", where);
		srv->revs_limit = n;
	} else if (!strcmp(key, "members") || !strcmp(key, "admins")) {
		cJSON *l = NULL;
		char *what = fs_xasprintf("%s: %s", where, key);
		int rc = fs_security_parse_list(val, what, &l, e);
		free(what);
		cJSON_Delete(l);
		if (rc)
			return rc;
		char **slot = key[0] == 'm' ? &srv->members : &srv->admins;
		free(*slot);
		*slot = fs_xstrdup(val);
	} else if (!strcmp(key, "listener_target")) {
		if (strncmp(val, "http://", 7) && strncmp(val, "https://", 8))
			return fs_err_set(e, FS_E_PARSE, "%s: listener_target must start with http:// or https://", where);
		free_secret(srv->listener_target);
		srv->listener_target = fs_xstrdup(val);
	} else {
		return fs_err_set(e, FS_E_PARSE, "%s: unknown setting '%s' (known: url, user, password, "
			"password_command, ca_file, client_cert, client_key, insecure, revs_limit, members, admins, "
			"listener_target)", where, key);
	}
	return 0;
}

static fs_server *add_server(fs_servers *s, const char *name, const char *origin)
{
	s->v = fs_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	fs_server *srv = &s->v[s->n++];
	memset(srv, 0, sizeof *srv);
	srv->name = fs_xstrdup(name);
	srv->origin = fs_xstrdup(origin);
	return srv;
}

static enum fs_err_code check_section(const fs_server *srv, fs_err *e)
{
	if (srv && !srv->url)
		return fs_err_set(e, FS_E_PARSE, "%s: server profile '%s' has no url", srv->origin, srv->name);
	return 0;
}

static enum fs_err_code parse_text(fs_servers *s, const char *path, char *text, fs_err *e)
{
	fs_server *cur = NULL;
	int lineno = 0, rc = 0;
	for (char *line = text, *next; line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *l = trim(line);
		char where[600];
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			char *close = strchr(l, ']');
			if (!close || close[1])
				return fs_err_set(e, FS_E_PARSE, "%s: a profile header looks like [name]", where);
			*close = '\0';
			char *name = trim(l + 1);
			if (!*name || strpbrk(name, " \t/"))
				return fs_err_set(e, FS_E_PARSE, "%s: bad profile name '%s'", where, name);
			if (fs_servers_find(s, name))
				return fs_err_set(e, FS_E_PARSE, "%s: profile '%s' is defined twice", where, name);
			if ((rc = check_section(cur, e)))
				return rc;
			cur = add_server(s, name, where);
			continue;
		}
		char *eq = strchr(l, '=');
		if (!eq)
			return fs_err_set(e, FS_E_PARSE, "%s: expected 'setting = value'", where);
		*eq = '\0';
		if (!cur)
			return fs_err_set(e, FS_E_PARSE, "%s: setting outside of a [profile] section", where);
		rc = set_key(cur, trim(l), trim(eq + 1), where, e);
	}
	return rc ? rc : check_section(cur, e);
}

/* A profiles file with passwords must be private. */
static enum fs_err_code check_mode(const char *path, const struct stat *st, fs_err *e)
{
	if (st->st_uid != getuid())
		return fs_err_set(e, FS_E_AUTH, "%s belongs to another user: refusing to read server "
			"credentials from it", path);
	if (st->st_mode & 077)
		return fs_err_set(e, FS_E_AUTH, "%s can be read or written by other users (mode %04o): "
			"refusing to use it; run: chmod 600 '%s'", path, (unsigned)(st->st_mode & 07777), path);
	return 0;
}

static void add_default(fs_servers *s)
{
	if (fs_servers_find(s, FS_SERVER_DEFAULT))
		return;
	fs_server *srv = add_server(s, FS_SERVER_DEFAULT, "default");
	srv->url = fs_xstrdup(FS_SERVER_DEFAULT_URL);
}

enum fs_err_code fs_servers_load(fs_servers *s, const char *path, fs_err *e)
{
	memset(s, 0, sizeof *s);
	s->path = path ? fs_xstrdup(path) : fs_servers_path();
	struct stat st;
	if (stat(s->path, &st) < 0) {
		if (errno != ENOENT)
			return fs_err_set(e, FS_E_IO, "%s: %s", s->path, strerror(errno));
		add_default(s);
		return 0;
	}
	int rc = check_mode(s->path, &st, e);
	char *text = NULL;
	if (!rc)
		rc = fs_read_file(s->path, &text, NULL, e);
	if (!rc)
		rc = parse_text(s, s->path, text, e);
	if (text) {
		memset(text, 0, strlen(text));
		free(text);
	}
	if (rc) {
		char *p = s->path;
		s->path = NULL;
		fs_servers_free(s);
		s->path = p;
		return rc;
	}
	add_default(s);
	return 0;
}

/* ---- Writing ---- */

/* The text of the file without the section `name` (kept in order). */
static void drop_section(fs_buf *out, const char *text, const char *name, int *found)
{
	int skipping = 0;
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
		char *line = fs_xstrndup(l, n);
		char *t = trim(line);
		if (*t == '[') {
			char *close = strchr(t, ']');
			if (close)
				*close = '\0';
			skipping = !strcmp(trim(t + 1), name);
			*found |= skipping;
		}
		if (!skipping)
			fs_buf_add(out, l, n);
		free(line);
		l += n;
	}
	if (out->len && out->data[out->len - 1] != '\n')
		fs_buf_addc(out, '\n');
}

static int read_private(const char *path, char **text, fs_err *e)
{
	struct stat st;
	*text = NULL;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
	int rc = check_mode(path, &st, e);
	return rc ? rc : fs_read_file(path, text, NULL, e);
}

static int write_private(const char *path, const fs_buf *b, fs_err *e)
{
	char *dir = fs_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash) {
		*slash = '\0';
		rc = fs_mkdir_p(dir, 0700, e);
	}
	free(dir);
	return rc ? rc : fs_write_file_atomic(path, b->data ? b->data : "", b->len, 0600, e);
}

int fs_servers_save_profile(const char *path, const fs_server *srv, fs_err *e)
{
	char *text;
	int rc = read_private(path, &text, e), found = 0;
	if (rc)
		return rc;
	if (!srv->name || !srv->name[0] || strpbrk(srv->name, " \t/[]"))
		return free(text), fs_err_set(e, FS_E_INVALID, "bad profile name '%s'", srv->name ? srv->name : "");
	fs_buf b = FS_BUF_INIT;
	drop_section(&b, text ? text : "", srv->name, &found);
	if (b.len)
		fs_buf_addc(&b, '\n');
	fs_buf_printf(&b, "[%s]\nurl = %s\n", srv->name, srv->url);
	if (srv->user)
		fs_buf_printf(&b, "user = %s\n", srv->user);
	if (srv->password)
		fs_buf_printf(&b, "password = %s\n", srv->password);
	if (srv->password_command)
		fs_buf_printf(&b, "password_command = %s\n", srv->password_command);
	if (srv->ca_file)
		fs_buf_printf(&b, "ca_file = %s\n", srv->ca_file);
	if (srv->client_cert)
		fs_buf_printf(&b, "client_cert = %s\n", srv->client_cert);
	if (srv->client_key)
		fs_buf_printf(&b, "client_key = %s\n", srv->client_key);
	if (srv->insecure)
		fs_buf_adds(&b, "insecure = true\n");
	if (srv->revs_limit > 0)
		fs_buf_printf(&b, "revs_limit = %ld\n", srv->revs_limit);
	if (srv->members)
		fs_buf_printf(&b, "members = %s\n", srv->members);
	if (srv->admins)
		fs_buf_printf(&b, "admins = %s\n", srv->admins);
	if (srv->listener_target)
		fs_buf_printf(&b, "listener_target = %s\n", srv->listener_target);
	rc = write_private(path, &b, e);
	memset(b.data, 0, b.len);
	fs_buf_free(&b);
	free_secret(text);
	return rc;
}

enum fs_err_code fs_servers_remove_profile(const char *path, const char *name, fs_err *e)
{
	char *text;
	int rc = read_private(path, &text, e), found = 0;
	if (rc)
		return rc;
	fs_buf b = FS_BUF_INIT;
	drop_section(&b, text ? text : "", name, &found);
	if (found)
		rc = write_private(path, &b, e);
	else
		rc = fs_err_set(e, FS_E_NOTFOUND, "no server profile '%s' in %s", name, path);
	if (b.data)
		memset(b.data, 0, b.len);
	fs_buf_free(&b);
	free_secret(text);
	return rc;
}

/* ---- Resolving ---- */

static void copy_server(fs_server *dst, const fs_server *src)
{
	memset(dst, 0, sizeof *dst);
	dst->name = fs_xstrdup(src->name);
	dst->url = fs_xstrdup(src->url);
	dst->user = src->user ? fs_xstrdup(src->user) : NULL;
	dst->password = src->password ? fs_xstrdup(src->password) : NULL;
	dst->password_command = src->password_command ? fs_xstrdup(src->password_command) : NULL;
	dst->insecure = src->insecure;
	dst->ca_file = src->ca_file ? fs_xstrdup(src->ca_file) : NULL;
	dst->client_cert = src->client_cert ? fs_xstrdup(src->client_cert) : NULL;
	dst->client_key = src->client_key ? fs_xstrdup(src->client_key) : NULL;
	dst->revs_limit = src->revs_limit;
	dst->admins = src->admins ? fs_xstrdup(src->admins) : NULL;
	dst->members = src->members ? fs_xstrdup(src->members) : NULL;
	dst->listener_target = src->listener_target ? fs_xstrdup(src->listener_target) : NULL;
	dst->origin = fs_xstrdup(src->origin ? src->origin : "");
}

/* Environment credentials fill in what the URL or profile left out. */
static void env_credentials(fs_server *srv)
{
	const char *u = getenv("FSSTUDIO_USER"), *p = getenv("FSSTUDIO_PASSWORD");
	if (!srv->user && u && *u)
		srv->user = fs_xstrdup(u);
	if (srv->user && !srv->password && !srv->password_command && p)
		srv->password = fs_xstrdup(p);
}

static void list_names(fs_buf *b, const fs_servers *s)
{
	for (size_t i = 0; s && i < s->n; i++)
		fs_buf_printf(b, "%s%s", i ? ", " : "", s->v[i].name);
}

enum fs_err_code fs_server_resolve(const fs_servers *s, const char *name_or_url, fs_server *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	const char *arg = name_or_url;
	if (!arg || !*arg)
		arg = getenv("FSSTUDIO_SERVER");
	if (!arg || !*arg)
		arg = FS_SERVER_DEFAULT;
	if (strstr(arg, "://")) {
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
			return fs_err_set(e, FS_E_USAGE, "server URL must start with http:// or https://");
		set_url(out, arg);
		out->name = fs_xstrdup(out->url);
		out->origin = fs_xstrdup("--server");
	} else {
		const fs_server *p = fs_servers_find(s, arg);
		if (!p) {
			fs_buf names = FS_BUF_INIT;
			list_names(&names, s);
			fs_err_set(e, FS_E_NOTFOUND, "no server profile '%s' in %s (profiles: %s; or give a URL)",
				arg, s && s->path ? s->path : "the profiles file", fs_buf_str(&names));
			fs_buf_free(&names);
			return FS_E_NOTFOUND;
		}
		copy_server(out, p);
	}
	env_credentials(out);
	return 0;
}

/* Runs cmd with sh, no terminal input and stderr discarded (in the studio
 * it would paint over the screen; it may also echo secrets); its stdout is
 * read into out. Returns the wait status, or -1 when it could not run. */
static int run_captured(const char *cmd, fs_buf *out)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 2);
		dup2(fds[1], 1);
		close(fds[0]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char chunk[256];
	ssize_t n;
	while (pid > 0 && ((n = read(fds[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			fs_buf_add(out, chunk, (size_t)n);
	close(fds[0]);
	int st = -1;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	memset(chunk, 0, sizeof chunk);
	return pid > 0 ? st : -1;
}

enum fs_err_code fs_server_password(fs_server *srv, fs_err *e)
{
	if (srv->password || !srv->password_command)
		return 0;
	fs_buf b = FS_BUF_INIT;
	int st = run_captured(srv->password_command, &b), rc = 0;
	if (st == -1)
		rc = fs_err_set(e, FS_E_AUTH, "password_command of server '%s' could not run: %s",
			srv->name, strerror(errno));
	else if (WIFSIGNALED(st))
		rc = fs_err_set(e, FS_E_AUTH, "password_command of server '%s' was killed by signal %d "
			"(its output is not shown)", srv->name, WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		rc = fs_err_set(e, FS_E_AUTH, "password_command of server '%s' failed with exit status %d "
			"(its output is not shown; run it in a shell to see why)", srv->name, WEXITSTATUS(st));
	else if (b.len == 0 || b.data[0] == '\n')
		rc = fs_err_set(e, FS_E_AUTH, "password_command of server '%s' printed no password", srv->name);
	else
		srv->password = fs_xstrndup(b.data, strcspn(b.data, "\r\n"));
	if (b.data)
		memset(b.data, 0, b.len);
	fs_buf_free(&b);
	return rc;
}

/* The profile's admins and members lists (checked when the file was read). */
static cJSON *security_setting(const fs_server *srv)
{
	cJSON *sec = NULL, *l;
	const char *lists[] = { srv->admins, srv->members }, *keys[] = { "admins", "members" };
	for (int i = 0; i < 2; i++) {
		if (!lists[i] || fs_security_parse_list(lists[i], keys[i], &l, NULL))
			continue;
		if (!sec)
			sec = cJSON_CreateObject();
		cJSON_AddItemToObject(sec, keys[i], l);
	}
	return sec;
}

/* Without a user, curl reads ~/.netrc: it holds passwords, so it must be
 * as private as the profiles file. */
static enum fs_err_code check_netrc(fs_err *e)
{
	const char *home = getenv("HOME");
	if (!home)
		return 0;
	char *path = fs_xasprintf("%s/.netrc", home);
	struct stat st;
	int rc = stat(path, &st) == 0 ? check_mode(path, &st, e) : 0;
	free(path);
	return rc;
}

fs_couch *fs_server_connect(const fs_server *srv, long timeout_ms, fs_err *e)
{
	fs_server tmp;
	copy_server(&tmp, srv);
	int rc = tmp.user ? fs_server_password(&tmp, e) : check_netrc(e);
	fs_http *h = NULL;
	if (!rc) {
		fs_http_opts o = { .url = tmp.url, .user = tmp.user, .password = tmp.password,
			.insecure = tmp.insecure, .ca_file = tmp.ca_file, .client_cert = tmp.client_cert,
			.client_key = tmp.client_key, .timeout_ms = timeout_ms };
		h = fs_http_new(&o, e);
	}
	fs_couch *c = h ? fs_couch_new(h, tmp.name) : NULL;
	if (c) {
		fs_couch_set_revs_limit_setting(c, tmp.revs_limit);
		fs_couch_set_security_setting(c, security_setting(&tmp));
	}
	fs_server_free(&tmp);
	return c;
}

fs_couch *fs_server_open(const char *name_or_url, fs_err *e)
{
	fs_servers s;
	fs_server srv;
	/* a bare URL needs no profiles file, and must work even with a bad one */
	int is_url = name_or_url && strstr(name_or_url, "://");
	if (fs_servers_load(&s, NULL, e) && !is_url)
		return NULL;
	fs_couch *c = NULL;
	if (fs_server_resolve(&s, name_or_url, &srv, e) == 0)
		c = fs_server_connect(&srv, 0, e);
	fs_server_free(&srv);
	fs_servers_free(&s);
	return c;
}
