/* A TCP server on 127.0.0.1 (an ephemeral port) for the test servers
 * (badserver, cutproxy): it listens, accepts on a thread of the test
 * process and hands each connection to serve() on a thread of its own. */
#ifndef FS_LOOPSERVER_H
#define FS_LOOPSERVER_H

typedef struct fs_loopserver fs_loopserver;

/* Handles one connection; the server closes fd when it returns. */
typedef void fs_loopserver_fn(fs_loopserver *s, void *ctx, int fd);

/* NULL when no loopback socket could be made. */
fs_loopserver *fs_loopserver_start(fs_loopserver_fn *serve, void *ctx);
/* "http://127.0.0.1:PORT" */
const char *fs_loopserver_url(const fs_loopserver *s);
/* 1 once fs_loopserver_stop() began: serve() should return soon. */
int fs_loopserver_stopping(const fs_loopserver *s);
/* Stops accepting, waits for every serve() to return, frees s. */
void fs_loopserver_stop(fs_loopserver *s);

#endif
