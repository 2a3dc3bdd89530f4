/* A proxy that loses the answer of the first _bulk_docs: see cutproxy.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cutproxy.h"
#include "loopserver.h"
#include "base/buf.h"

struct fs_cutproxy {
	fs_loopserver *srv;
	int upstream_port;
	int rtt_ms;     /* fs_cutproxy_delay: a wait per request, no cut */
	atomic_int bulk, cut;
};

typedef struct conn {
	fs_cutproxy *p;
	fs_loopserver *srv;
	int fd;
} conn;

/* Reads more of fd into b; 0 on end of stream, error or stop. */
static int fill(conn *c, int fd, fs_buf *b)
{
	char chunk[8192];
	while (!fs_loopserver_stopping(c->srv)) {
		struct pollfd pf = { fd, POLLIN, 0 };
		if (poll(&pf, 1, 50) <= 0)
			continue;
		ssize_t n = recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			return 0;
		fs_buf_add(b, chunk, (size_t)n);
		return 1;
	}
	return 0;
}

static void send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* One whole request (headers and Content-Length body) from the front of in
 * into req; 0 when the client went away. */
static int read_request(conn *c, fs_buf *in, fs_buf *req)
{
	char *end;
	while (!(end = in->data ? strstr(in->data, "\r\n\r\n") : NULL))
		if (!fill(c, c->fd, in))
			return 0;
	size_t head = (size_t)(end - in->data) + 4;
	const char *cl = strcasestr(in->data, "\r\nContent-Length:");
	size_t len = cl && cl < end ? (size_t)atol(cl + 17) : 0;
	while (in->len < head + len)
		if (!fill(c, c->fd, in))
			return 0;
	/* the server closes after its answer: the end of its stream ends it */
	const char *eol = strstr(in->data, "\r\n");
	fs_buf_add(req, in->data, (size_t)(eol - in->data) + 2);
	fs_buf_adds(req, "Connection: close\r\n");
	fs_buf_add(req, eol + 2, head + len - (size_t)(eol + 2 - in->data));
	memmove(in->data, in->data + head + len, in->len - head - len);
	in->len -= head + len;
	in->data[in->len] = '\0';
	return 1;
}

static int forward(conn *c, const fs_buf *req, fs_buf *resp)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(c->p->upstream_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	send_all(fd, req->data, req->len);
	while (fill(c, fd, resp))
		;
	close(fd);
	return 0;
}

/* The client may keep its connection: the server's "close" is ours. */
static void keep_alive(fs_buf *resp)
{
	char *h = resp->data ? strcasestr(resp->data, "\r\nConnection: close") : NULL;
	char *end = resp->data ? strstr(resp->data, "\r\n\r\n") : NULL;
	if (h && end && h < end)
		memcpy(h + 2, "X-Was-Conn: close", 17);
}

static void serve(fs_loopserver *srv, void *ctx, int fd)
{
	conn c0 = { ctx, srv, fd }, *c = &c0;
	fs_buf in = FS_BUF_INIT, req = FS_BUF_INIT, resp = FS_BUF_INIT;
	while (read_request(c, &in, &req)) {
		size_t line = strcspn(req.data, "\r");
		int bulk = !strncmp(req.data, "POST ", 5) && memmem(req.data, line, "/_bulk_docs", 11);
		if (bulk)
			atomic_fetch_add(&c->p->bulk, 1);
		if (c->p->rtt_ms)
			usleep((useconds_t)c->p->rtt_ms * 1000);
		if (forward(c, &req, &resp) < 0)
			break;
		if (bulk && !c->p->rtt_ms && atomic_fetch_add(&c->p->cut, 1) == 0)
			break; /* applied, and the answer lost */
		keep_alive(&resp);
		send_all(c->fd, resp.data, resp.len);
		fs_buf_reset(&req);
		fs_buf_reset(&resp);
	}
	fs_buf_free(&in);
	fs_buf_free(&req);
	fs_buf_free(&resp);
}

fs_cutproxy *fs_cutproxy_start(int upstream_port)
{
	return fs_cutproxy_delay(upstream_port, 0);
}

fs_cutproxy *fs_cutproxy_delay(int upstream_port, int rtt_ms)
{
	fs_cutproxy *p = calloc(1, sizeof *p);
	p->upstream_port = upstream_port;
	p->rtt_ms = rtt_ms;
	p->srv = fs_loopserver_start(serve, p);
	if (!p->srv) {
		free(p);
		return NULL;
	}
	return p;
}

const char *fs_cutproxy_url(const fs_cutproxy *p)
{
	return fs_loopserver_url(p->srv);
}

int fs_cutproxy_bulk_docs(const fs_cutproxy *p)
{
	return atomic_load(&((fs_cutproxy *)p)->bulk);
}

void fs_cutproxy_stop(fs_cutproxy *p)
{
	if (!p)
		return;
	fs_loopserver_stop(p->srv);
	free(p);
}
