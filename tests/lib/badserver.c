/* A misbehaving HTTP server for tests: see badserver.h. */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "badserver.h"
#include "loopserver.h"
#include "base/buf.h"
#include "base/json.h"

struct fs_badserver {
	fs_loopserver *srv;
	atomic_int requests;
	atomic_int authorized;    /* requests that carried an Authorization header */
	pthread_mutex_t lock;
	char *last_line;          /* the request line of the last request */
};

typedef struct conn {
	fs_badserver *b;
	fs_loopserver *srv;
	int fd;
} conn;

typedef struct request {
	char method[16];
	char path[16384];
	char line[16400];         /* the request line as received */
	char content_type[128];
	int authorization;
	fs_buf body;
} request;

/* Waits up to ms for the peer; returns 1 when it closed (or the server
 * stops), 0 on timeout. Used to hang politely. */
static int peer_gone(conn *c, int ms)
{
	struct pollfd p = { c->fd, POLLIN, 0 };
	if (fs_loopserver_stopping(c->srv))
		return 1;
	if (poll(&p, 1, ms) <= 0)
		return fs_loopserver_stopping(c->srv);
	char tmp[256];
	return recv(c->fd, tmp, sizeof tmp, MSG_DONTWAIT) <= 0;
}

static void header(request *r, const char *line)
{
	if (!strncasecmp(line, "Content-Type:", 13))
		snprintf(r->content_type, sizeof r->content_type, "%s", line + 13 + strspn(line + 13, " "));
	else if (!strncasecmp(line, "Authorization:", 14))
		r->authorization = 1;
}

/* Reads the request line, headers and a Content-Length body. */
static int read_request(conn *c, request *r)
{
	fs_buf in = FS_BUF_INIT;
	char chunk[4096];
	char *end = NULL;
	while (!(end = in.data ? strstr(in.data, "\r\n\r\n") : NULL)) {
		if (fs_loopserver_stopping(c->srv))
			break;
		struct pollfd p = { c->fd, POLLIN, 0 };
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			break;
		fs_buf_add(&in, chunk, (size_t)n);
	}
	if (!end) {
		fs_buf_free(&in);
		return -1;
	}
	*end = '\0';
	size_t head = (size_t)(end - in.data) + 4;
	sscanf(in.data, "%15s %16383s", r->method, r->path);
	snprintf(r->line, sizeof r->line, "%.*s", (int)strcspn(in.data, "\r\n"), in.data);
	long length = 0;
	for (char *l = strstr(in.data, "\r\n"); l; l = strstr(l, "\r\n")) {
		l += 2;
		char *nl = strstr(l, "\r\n");
		if (nl)
			*nl = '\0';
		header(r, l);
		if (!strncasecmp(l, "Content-Length:", 15))
			length = atol(l + 15);
		if (!nl)
			break;
		*nl = '\r';
	}
	fs_buf_add(&r->body, in.data + head, in.len - head);
	while ((long)r->body.len < length) {
		ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			break;
		fs_buf_add(&r->body, chunk, (size_t)n);
	}
	fs_buf_free(&in);
	return 0;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void answer(conn *c, int status, const char *type, const char *body)
{
	char head[512];
	snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, type, strlen(body));
	send_all(c->fd, head, strlen(head));
	send_all(c->fd, body, strlen(body));
}

static void echo(conn *c, request *r)
{
	fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, "{\"method\":");
	fs_json_append_str(&b, r->method);
	fs_buf_adds(&b, ",\"path\":");
	fs_json_append_str(&b, r->path);
	fs_buf_adds(&b, ",\"content_type\":");
	fs_json_append_str(&b, r->content_type);
	fs_buf_adds(&b, ",\"body\":");
	fs_json_append_str(&b, fs_buf_str(&r->body));
	fs_buf_printf(&b, ",\"authorization\":%s}", r->authorization ? "true" : "false");
	answer(c, 200, "application/json", fs_buf_str(&b));
	fs_buf_free(&b);
}

static int is(const char *path, const char *name)
{
	size_t n = strlen(name);
	return path[0] == '/' && !strncmp(path + 1, name, n) && (path[n + 1] == '/' || !path[n + 1] || path[n + 1] == '?');
}

static void behave(conn *c, request *r)
{
	const char *p = r->path;
	const char *json = "application/json";
	if (is(p, "ok")) {
		answer(c, 200, json, "{\"ok\":true}");
	} else if (is(p, "echo")) {
		echo(c, r);
	} else if (is(p, "malformed")) {
		answer(c, 200, json, "{\"ok\":tru, \"rows\":[]}");
	} else if (is(p, "truncated")) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"rows\":[";
		send_all(c->fd, h, strlen(h));
	} else if (is(p, "endless")) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"results\":[";
		send_all(c->fd, h, strlen(h));
		while (!peer_gone(c, 20))
			if (send(c->fd, "\n", 1, MSG_NOSIGNAL) < 0)
				break;
	} else if (is(p, "slowheaders")) {
		while (!peer_gone(c, 50))
			;
	} else if (is(p, "reset")) {
		struct linger l = { 1, 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	} else if (is(p, "close")) {
		/* nothing */
	} else if (is(p, "error500")) {
		answer(c, 500, json, "{\"error\":\"internal_server_error\",\"reason\":\"boom\"}");
	} else if (is(p, "html502")) {
		answer(c, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");
	} else if (is(p, "compile")) {
		answer(c, 400, json, "{\"error\":\"compilation_error\",\"reason\":\"Compilation of the map "
			"function in the 'by_name' view failed: Expression does not eval to a function. "
			"(function(doc) { emit(doc.name )\"}");
	} else if (is(p, "unauthorized")) {
		answer(c, 401, json, "{\"error\":\"unauthorized\",\"reason\":\"Name or password is incorrect.\"}");
	} else if (is(p, "authfail")) {
		/* CouchDB with a wrong password: the welcome is public, the rest 401 */
		if (!strcmp(p, "/authfail/") && !strcmp(r->method, "GET"))
			answer(c, 200, json, "{\"couchdb\":\"Welcome\",\"version\":\"3.4.2\"}");
		else
			answer(c, 401, json, "{\"error\":\"unauthorized\",\"reason\":\"Name or password is incorrect.\"}");
	} else if (is(p, "lockedout")) {
		answer(c, 403, json, "{\"error\":\"forbidden\",\"reason\":\"Account is temporarily locked "
			"due to multiple authentication failures\"}");
	} else if (is(p, "forbidden")) {
		answer(c, 403, json, "{\"error\":\"forbidden\",\"reason\":\"You are not allowed to access this db.\"}");
	} else {
		answer(c, 404, json, "{\"error\":\"not_found\",\"reason\":\"missing\"}");
	}
}

static void serve(fs_loopserver *srv, void *ctx, int fd)
{
	conn c0 = { ctx, srv, fd }, *c = &c0;
	request r;
	memset(&r, 0, sizeof r);
	if (read_request(c, &r) == 0) {
		pthread_mutex_lock(&c->b->lock);
		free(c->b->last_line);
		c->b->last_line = fs_xstrdup(r.line);
		pthread_mutex_unlock(&c->b->lock);
		atomic_fetch_add(&c->b->requests, 1);
		if (r.authorization)
			atomic_fetch_add(&c->b->authorized, 1);
		behave(c, &r);
	}
	fs_buf_free(&r.body);
}

fs_badserver *fs_badserver_start(void)
{
	fs_badserver *b = calloc(1, sizeof *b);
	pthread_mutex_init(&b->lock, NULL);
	b->srv = fs_loopserver_start(serve, b);
	if (!b->srv) {
		pthread_mutex_destroy(&b->lock);
		free(b);
		return NULL;
	}
	return b;
}

const char *fs_badserver_url(const fs_badserver *b)
{
	return fs_loopserver_url(b->srv);
}

int fs_badserver_requests(const fs_badserver *b)
{
	return atomic_load(&((fs_badserver *)b)->requests);
}

char *fs_badserver_last_line(fs_badserver *b)
{
	pthread_mutex_lock(&b->lock);
	char *s = b->last_line ? fs_xstrdup(b->last_line) : NULL;
	pthread_mutex_unlock(&b->lock);
	return s;
}

int fs_badserver_authorized(const fs_badserver *b)
{
	return atomic_load(&((fs_badserver *)b)->authorized);
}

void fs_badserver_stop(fs_badserver *b)
{
	if (!b)
		return;
	fs_loopserver_stop(b->srv);
	free(b->last_line);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
