/* A loopback HTTP proxy in front of a real server (pouchdb-server), on
 * threads of the test process, that loses the answer of the first
 * POST .../_bulk_docs: the request is forwarded, the server's whole answer
 * read (so the write is applied), then the client's connection is closed
 * without a word. Every other answer is passed on, keeping the client's
 * connection open (so the client reuses it, as libcurl does).
 * fs_cutproxy_delay makes the same proxy lose nothing and hold each
 * request for a round trip instead: a server across a network, for the
 * benchmarks (connections are served in parallel, as a network would). */
#ifndef FS_CUTPROXY_H
#define FS_CUTPROXY_H

typedef struct fs_cutproxy fs_cutproxy;

/* upstream_port: the real server on 127.0.0.1. NULL on failure. */
fs_cutproxy *fs_cutproxy_start(int upstream_port);
/* Loses nothing; each request waits rtt_ms before it is forwarded. */
fs_cutproxy *fs_cutproxy_delay(int upstream_port, int rtt_ms);
/* "http://127.0.0.1:PORT" */
const char *fs_cutproxy_url(const fs_cutproxy *p);
/* How many _bulk_docs requests reached the server through the proxy. */
int fs_cutproxy_bulk_docs(const fs_cutproxy *p);
void fs_cutproxy_stop(fs_cutproxy *p);

#endif
