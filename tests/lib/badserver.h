/* A tiny misbehaving HTTP server on loopback, for tests of the HTTP layer's
 * error paths. It runs on threads of the test process. The first segment of
 * the request path picks the misbehaviour, so a client whose base URL is
 * URL/truncated sees every answer truncated:
 *
 *   /ok           200 {"ok":true}
 *   /echo         200 {"method","path","content_type","body","authorization"}
 *                 (authorization is true/false: the header itself is never echoed)
 *   /malformed    200 with a complete but invalid JSON body
 *   /truncated    200 announcing 1000 bytes, sending 9, then closing
 *   /endless      200 then a byte every 20 ms, forever
 *   /slowheaders  reads the request and never answers
 *   /reset        reads the request and resets the connection (RST)
 *   /close        reads the request and closes without a word
 *   /error500     500 {"error":"internal_server_error","reason":"boom"}
 *   /html502      502 with an HTML page
 *   /compile      400 compilation_error naming view 'by_name'
 *   /unauthorized 401, /forbidden 403 (CouchDB bodies)
 *   /authfail     CouchDB refusing a password: GET / (the welcome) 200,
 *                 everything else 401
 *   /lockedout    403 "Account is temporarily locked due to multiple
 *                 authentication failures" (CouchDB 3.4+ lockout)
 */
#ifndef FS_BADSERVER_H
#define FS_BADSERVER_H

typedef struct fs_badserver fs_badserver;

/* NULL when no loopback socket could be made. */
fs_badserver *fs_badserver_start(void);
/* "http://127.0.0.1:PORT" */
const char *fs_badserver_url(const fs_badserver *b);
/* Requests received so far. */
int fs_badserver_requests(const fs_badserver *b);
/* The request line of the last request received ("GET /db/x HTTP/1.1"),
 * as it came on the wire; NULL before any. Caller frees. */
char *fs_badserver_last_line(fs_badserver *b);
/* Requests that carried an Authorization header. */
int fs_badserver_authorized(const fs_badserver *b);
/* Stops, ending hanging connections; waits for its threads. */
void fs_badserver_stop(fs_badserver *b);

#endif
