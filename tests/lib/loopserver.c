/* The loopback server under the test servers: see loopserver.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "loopserver.h"

struct fs_loopserver {
	int fd;
	char url[64];
	fs_loopserver_fn *serve;
	void *ctx;
	pthread_t accept_thread;
	atomic_int stop;
	atomic_int active;        /* connection threads alive */
};

typedef struct conn {
	fs_loopserver *s;
	int fd;
} conn;

static void *serve(void *arg)
{
	conn *c = arg;
	fs_loopserver *s = c->s;
	s->serve(s, s->ctx, c->fd);
	close(c->fd);
	free(c);
	atomic_fetch_sub(&s->active, 1);
	return NULL;
}

/* Polls so that a stop is seen within 50 ms. */
static void *accept_loop(void *arg)
{
	fs_loopserver *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd pf = { s->fd, POLLIN, 0 };
		if (poll(&pf, 1, 50) <= 0)
			continue;
		int fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		conn *c = calloc(1, sizeof *c);
		c->s = s;
		c->fd = fd;
		atomic_fetch_add(&s->active, 1);
		pthread_t t;
		if (pthread_create(&t, NULL, serve, c) == 0) {
			pthread_detach(t);
		} else {
			close(fd);
			free(c);
			atomic_fetch_sub(&s->active, 1);
		}
	}
	return NULL;
}

fs_loopserver *fs_loopserver_start(fs_loopserver_fn *fn, void *ctx)
{
	fs_loopserver *s = calloc(1, sizeof *s);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	s->serve = fn;
	s->ctx = ctx;
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 64) < 0 ||
		getsockname(s->fd, (struct sockaddr *)&a, &len) < 0) {
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	if (pthread_create(&s->accept_thread, NULL, accept_loop, s) != 0) {
		close(s->fd);
		free(s);
		return NULL;
	}
	return s;
}

const char *fs_loopserver_url(const fs_loopserver *s)
{
	return s->url;
}

int fs_loopserver_stopping(const fs_loopserver *s)
{
	return atomic_load(&((fs_loopserver *)s)->stop);
}

void fs_loopserver_stop(fs_loopserver *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->accept_thread, NULL);
	while (atomic_load(&s->active) > 0)
		usleep(10000);
	close(s->fd);
	free(s);
}
