/* The HTTP layer: see http.h.
 *
 * Each client drives its easy handle through its own multi handle rather than
 * curl_easy_perform: the loop wakes at least every POLL_MS to look at the
 * cancel flags, and fs_http_cancel() wakes it at once. The multi handle keeps
 * the connection cache, so connections are reused across requests. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "couch/curlfn.h"
#include "couch/http.h"
#include "base/job.h"
#include "base/json.h"

#define POLL_MS 100

struct fs_http {
	CURL *easy;
	CURLM *multi;
	char *base;               /* display URL, no credentials, no trailing slash */
	char *user, *password;
	fs_http_opts o;
	pthread_mutex_t lock;
	atomic_int cancel;
	atomic_long requests, writes, connects;
	int session;              /* cookie session established */
	char *cookie;             /* "AuthSession=..." from /_session (a secret) */
};

/* ---- URLs ---- */

void fs_url_encode(fs_buf *b, const char *s)
{
	char *x = curl_easy_escape(NULL, s, (int)strlen(s));
	if (x)
		fs_buf_adds(b, x);
	curl_free(x);
}

/* The user and password parts of a URL, as curl's URL parser reads them
 * (flags: CURLU_URLDECODE or 0); each NULL when absent. 0 when the URL
 * does not parse. */
static int url_userinfo(const char *url, unsigned flags, char **user, char **password)
{
	*user = *password = NULL;
	CURLU *u = curl_url();
	if (!u)
		return 0;
	int ok = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK;
	char *cu = NULL, *cp = NULL;
	if (ok && curl_url_get(u, CURLUPART_USER, &cu, flags) == CURLUE_OK)
		*user = fs_xstrdup(cu);
	if (ok && curl_url_get(u, CURLUPART_PASSWORD, &cp, flags) == CURLUE_OK) {
		*password = fs_xstrdup(cp);
		memset(cp, 0, strlen(cp));
	}
	curl_free(cu);
	curl_free(cp);
	curl_url_cleanup(u);
	return ok;
}

char *fs_url_strip_credentials(const char *url)
{
	char *user, *pw;
	url_userinfo(url, 0, &user, &pw);
	if (!user && !pw)
		return fs_xstrdup(url);
	free(user);
	if (pw) {
		memset(pw, 0, strlen(pw));
		free(pw);
	}
	CURLU *u = curl_url();
	char *out = NULL;
	curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_get(u, CURLUPART_URL, &out, 0);
	curl_url_cleanup(u);
	char *copy = fs_xstrdup(out ? out : "");
	curl_free(out);
	/* curl writes the root path as "/": keep the URL as it was given */
	size_t n = strlen(copy), given = strlen(url);
	if (n && copy[n - 1] == '/' && given && url[given - 1] != '/')
		copy[n - 1] = '\0';
	return copy;
}

void fs_url_credentials(const char *url, char **user, char **password)
{
	url_userinfo(url, CURLU_URLDECODE, user, password);
}

int fs_url_wipe_password(char *arg)
{
	const char *scheme = strstr(arg, "://");
	char *user = NULL, *pw = NULL;
	if (!scheme || !url_userinfo(arg, 0, &user, &pw) || !pw || !*pw) {
		free(user);
		free(pw);
		return 0;
	}
	/* the password as written in the URL, between "user:" and "@" */
	char *at = strstr(scheme + 3, pw);
	while (at && (at[-1] != ':' || at[strlen(pw)] != '@'))
		at = strstr(at + 1, pw);
	if (at)
		memset(at, '*', strlen(pw));
	memset(pw, 0, strlen(pw));
	free(pw);
	free(user);
	return at != NULL;
}

/* ---- Client ---- */

fs_http *fs_http_new(const fs_http_opts *o, fs_err *e)
{
	if (!o->url || (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8))) {
		fs_err_set(e, FS_E_INVALID, "server URL must start with http:// or https://");
		return NULL;
	}
	if (fs_curl_load(e))
		return NULL;
	fs_http *h = fs_xcalloc(1, sizeof *h);
	h->o = *o;
	h->base = fs_url_strip_credentials(o->url);
	size_t n = strlen(h->base);
	while (n > 0 && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	char *uu, *up;
	fs_url_credentials(o->url, &uu, &up);
	h->user = o->user ? fs_xstrdup(o->user) : uu;
	h->password = o->user ? (o->password ? fs_xstrdup(o->password) : NULL) : up;
	if (o->user) {
		free(uu);
		free(up);
	}
	if (!h->o.connect_timeout_ms)
		h->o.connect_timeout_ms = 5000;
	if (!h->o.timeout_ms)
		h->o.timeout_ms = 30000;
	if (!h->o.max_body)
		h->o.max_body = (size_t)512 << 20;
	h->o.url = h->o.user = h->o.password = NULL; /* not kept: owned copies above */
	h->o.ca_file = o->ca_file ? fs_xstrdup(o->ca_file) : NULL;
	h->o.client_cert = o->client_cert ? fs_xstrdup(o->client_cert) : NULL;
	h->o.client_key = o->client_key ? fs_xstrdup(o->client_key) : NULL;
	h->easy = curl_easy_init();
	h->multi = curl_multi_init();
	if (!h->easy || !h->multi) {
		fs_http_free(h);
		fs_err_set(e, FS_E_NOMEM, "cannot initialise libcurl");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	return h;
}

fs_http *fs_http_clone(const fs_http *h)
{
	fs_http_opts o = h->o;
	o.url = h->base;
	o.user = h->user;
	o.password = h->password;
	return fs_http_new(&o, NULL);
}

static void free_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void fs_http_free(fs_http *h)
{
	if (!h)
		return;
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->easy)
		curl_easy_cleanup(h->easy);
	free(h->base);
	free(h->user);
	free((char *)h->o.ca_file);
	free((char *)h->o.client_cert);
	free((char *)h->o.client_key);
	free_secret(h->password);
	free_secret(h->cookie);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void fs_http_set_timeout(fs_http *h, long timeout_ms)
{
	if (timeout_ms > 0)
		h->o.timeout_ms = timeout_ms;
}

const char *fs_http_url(const fs_http *h)
{
	return h->base;
}

const char *fs_http_user(const fs_http *h)
{
	return h->user;
}

void fs_http_cancel(fs_http *h)
{
	atomic_store(&h->cancel, 1);
	curl_multi_wakeup(h->multi);
}

void fs_http_uncancel(fs_http *h)
{
	atomic_store(&h->cancel, 0);
}

fs_http_stats fs_http_get_stats(const fs_http *h)
{
	fs_http_stats s = { atomic_load(&h->requests), atomic_load(&h->writes), atomic_load(&h->connects) };
	return s;
}

void fs_http_reset_stats(fs_http *h)
{
	atomic_store(&h->requests, 0);
	atomic_store(&h->writes, 0);
	atomic_store(&h->connects, 0);
}

void fs_http_stats_merge(fs_http *into, const fs_http *from)
{
	atomic_fetch_add(&into->requests, atomic_load(&from->requests));
	atomic_fetch_add(&into->writes, atomic_load(&from->writes));
	atomic_fetch_add(&into->connects, atomic_load(&from->connects));
}

void fs_http_resp_free(fs_http_resp *r)
{
	if (r)
		fs_buf_free(&r->body);
}

/* ---- One request ---- */

typedef struct transfer {
	fs_http *h;
	fs_http_resp *resp;
	int too_big;
} transfer;

static int cancelled(const fs_http *h)
{
	return atomic_load(&h->cancel) || fs_job_current_cancelled();
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	transfer *t = arg;
	if (t->resp->body.len + n > t->h->o.max_body) {
		t->too_big = 1;
		return 0;
	}
	fs_buf_add(&t->resp->body, p, n);
	return n;
}

static void header_value(const char *p, size_t n, size_t namelen, char *out, size_t outsz)
{
	const char *v = p + namelen;
	size_t len = n - namelen;
	while (len && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len && strchr(" \t\r\n", v[len - 1]))
		len--;
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, v, len);
	out[len] = '\0';
}

/* CouchDB sets AuthSession on login and refreshes it on later answers. We
 * keep it ourselves rather than through curl's cookie engine, whose settings
 * do not survive curl_easy_reset cleanly. */
static void keep_session_cookie(fs_http *h, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	if (!h->o.cookie_session || n < 12 || strncmp(v, "AuthSession=", 12))
		return;
	size_t len = 0;
	while (len < n && v[len] != ';' && v[len] != '\r' && v[len] != '\n')
		len++;
	free_secret(h->cookie);
	h->cookie = len > 12 ? fs_xstrndup(v, len) : NULL;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	transfer *t = arg;
	if (n > 5 && strncasecmp(p, "ETag:", 5) == 0)
		header_value(p, n, 5, t->resp->etag, sizeof t->resp->etag);
	else if (n > 13 && strncasecmp(p, "Content-Type:", 13) == 0)
		header_value(p, n, 13, t->resp->content_type, sizeof t->resp->content_type);
	else if (n > 12 && strncasecmp(p, "Set-Cookie:", 11) == 0)
		keep_session_cookie(t->h, p + 11, n - 11);
	return n;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	transfer *t = arg;
	return cancelled(t->h);
}

static int is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

static struct curl_slist *make_headers(const fs_http_req *r, int has_body)
{
	struct curl_slist *l = NULL;
	l = curl_slist_append(l, "Accept: application/json");
	l = curl_slist_append(l, "Expect:");
	if (has_body) {
		char ct[200];
		snprintf(ct, sizeof ct, "Content-Type: %s", r->content_type ? r->content_type : "application/json");
		l = curl_slist_append(l, ct);
	}
	for (const char *const *x = r->headers; x && *x; x++)
		l = curl_slist_append(l, *x);
	return l;
}

/* The server's welcome is public: no credentials, not even ~/.netrc's. */
static int anonymous(const fs_http_req *r)
{
	return !strcmp(r->method, "GET") && !strcmp(r->path, "/");
}

/* A write on a connection of its own: on a reused connection that the
 * server closed meanwhile, libcurl silently sends the request again, and a
 * _bulk_docs applied before the close comes back as conflicts. */
static void no_blind_resend(CURL *c, const fs_http_req *r)
{
	if (!is_write(r->method))
		return;
#if LIBCURL_VERSION_NUM >= 0x081000
	curl_easy_setopt(c, CURLOPT_FORBID_RETRY_ON_REUSE, 1L);
#else
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
#endif
}

static void tls_files(fs_http *h, CURL *c)
{
	if (h->o.ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->o.ca_file);
	if (h->o.client_cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, h->o.client_cert);
	if (h->o.client_key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, h->o.client_key);
}

/* The session cookie, else basic auth, else ~/.netrc (curl reads it). */
static void credentials(fs_http *h, CURL *c)
{
	if (h->session && h->cookie)
		curl_easy_setopt(c, CURLOPT_COOKIE, h->cookie);
	if (h->user && !h->session) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, h->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, h->password ? h->password : "");
	} else if (!h->user) {
		curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	}
}

static void setup(fs_http *h, const fs_http_req *r, const char *url, transfer *t, long timeout)
{
	CURL *c = h->easy;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* paths are built encoded (couch/path.c): curl must not rewrite them */
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	/* URLs are checked to be http(s) where they come in; libcurl holds to
	 * it too (it speaks LDAP, FILE, GOPHER... which nothing here means) */
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	if (h->o.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	tls_files(h, c);
	no_blind_resend(c, r);
	if (anonymous(r))
		curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	else
		credentials(h, c);
	if (strcmp(r->method, "GET") == 0) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(r->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
		if (r->body || !strcmp(r->method, "POST") || !strcmp(r->method, "PUT")) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				(curl_off_t)(r->body ? (r->body_len ? r->body_len : strlen(r->body)) : 0));
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		}
	}
}

/* Drives the transfer on the client's multi handle; returns the curl code. */
static CURLcode run(fs_http *h)
{
	CURLcode rc = CURLE_OK;
	int running = 1, done = 0;
	curl_multi_add_handle(h->multi, h->easy);
	while (!done) {
		if (cancelled(h)) {
			rc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		CURLMcode mc = curl_multi_perform(h->multi, &running);
		if (mc != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
		int left;
		CURLMsg *m;
		while ((m = curl_multi_info_read(h->multi, &left)))
			if (m->msg == CURLMSG_DONE) {
				rc = m->data.result;
				done = 1;
			}
		if (!done && running)
			curl_multi_poll(h->multi, NULL, 0, POLL_MS, NULL);
		else if (!done)
			done = 1;
	}
	curl_multi_remove_handle(h->multi, h->easy);
	return rc;
}

/* "GET http://host:5984/db/doc" with the query left out (it may be long). */
static char *describe(const fs_http *h, const fs_http_req *r)
{
	size_t n = strcspn(r->path, "?");
	if (n > 160)
		n = 160;
	return fs_xasprintf("%s %s%.*s", r->method, h->base, (int)n, r->path);
}

static int transport_error(fs_http *h, const fs_http_req *r, CURLcode rc, transfer *t,
	long timeout, fs_err *e)
{
	char *what = describe(h, r);
	long oserr = 0;
	double connect = 0;
	curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(h->easy, CURLINFO_CONNECT_TIME, &connect);
	int code;
	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		code = fs_err_set(e, FS_E_CANCELLED, "%s: cancelled", what);
		break;
	case CURLE_COULDNT_CONNECT:
		code = fs_err_set(e, FS_E_HTTP, "cannot connect to %s: %s", h->base,
			oserr ? strerror((int)oserr) : "connection refused");
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		code = fs_err_set(e, FS_E_HTTP, "cannot connect to %s: unknown host name", h->base);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (connect == 0 && t->resp->status == 0 && t->resp->body.len == 0 &&
			t->resp->elapsed * 1000 < timeout - 50)
			code = fs_err_set(e, FS_E_TIMEOUT, "cannot connect to %s: no answer within %.1f s",
				h->base, h->o.connect_timeout_ms / 1000.0);
		else
			code = fs_err_set(e, FS_E_TIMEOUT, "%s: no complete answer after %.1f s (deadline)",
				what, timeout / 1000.0);
		break;
	case CURLE_GOT_NOTHING:
		code = fs_err_set(e, FS_E_HTTP, "%s: the server closed the connection without answering", what);
		break;
	case CURLE_PARTIAL_FILE:
		code = fs_err_set(e, FS_E_HTTP, "%s: the answer was cut short (truncated body)", what);
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		code = fs_err_set(e, FS_E_HTTP, "%s: the connection was %s", what,
			oserr == ECONNRESET || oserr == 0 ? "reset by the server" : strerror((int)oserr));
		break;
	case CURLE_WRITE_ERROR:
		if (t->too_big && h->o.max_body >= (1 << 20))
			code = fs_err_set(e, FS_E_SERVER, "%s: the answer is larger than %zu MiB", what,
				h->o.max_body >> 20);
		else if (t->too_big)
			code = fs_err_set(e, FS_E_SERVER, "%s: the answer is larger than %zu bytes", what,
				h->o.max_body);
		else
			code = fs_err_set(e, FS_E_HTTP, "%s: %s", what, curl_easy_strerror(rc));
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		code = fs_err_set(e, FS_E_HTTP, "cannot connect to %s securely: its TLS certificate could "
			"not be verified (self-signed, expired, for another name, or signed by a company CA: "
			"name that CA with ca_file in the profile); insecure = true turns verification off, "
			"only as the last resort, for servers you trust", h->base);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		code = fs_err_set(e, FS_E_HTTP, "cannot connect to %s securely: %s", h->base,
			curl_easy_strerror(rc));
		break;
	default:
		code = fs_err_set(e, FS_E_HTTP, "%s: %s", what, curl_easy_strerror(rc));
	}
	free(what);
	return code;
}

static int perform(fs_http *h, const fs_http_req *r, fs_http_resp *out, fs_err *e)
{
	long timeout = r->timeout_ms ? r->timeout_ms : h->o.timeout_ms;
	char *url = fs_xasprintf("%s%s%s", h->base, r->path[0] == '/' ? "" : "/", r->path);
	transfer t = { h, out, 0 };
	struct curl_slist *hdrs = make_headers(r, r->body != NULL);
	setup(h, r, url, &t, timeout);
	curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, hdrs);
	atomic_fetch_add(&h->requests, 1);
	if (is_write(r->method))
		atomic_fetch_add(&h->writes, 1);
	CURLcode rc = run(h);
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(h->easy, CURLINFO_TOTAL_TIME, &out->elapsed);
	long nconn = 0;
	curl_easy_getinfo(h->easy, CURLINFO_NUM_CONNECTS, &nconn);
	atomic_fetch_add(&h->connects, nconn);
	curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	free(url);
	if (rc != CURLE_OK)
		return transport_error(h, r, rc, &t, timeout, e);
	return 0;
}

/* ---- Refused credentials ----
 *
 * Process-wide, since every command and pane makes its own clients. Keys
 * hold a hash of the password, not the password: a corrected password is
 * tried. */

static pthread_mutex_t refused_lock = PTHREAD_MUTEX_INITIALIZER;
static char **refused;
static size_t nrefused;

static char *refused_key(const fs_http *h)
{
	uint64_t x = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)(h->password ? h->password : ""); *p; p++)
		x = (x ^ *p) * 1099511628211ULL;
	return fs_xasprintf("%s\n%s\n%016llx", h->base, h->user, (unsigned long long)x);
}

static int credentials_refused(const fs_http *h)
{
	if (!h->user)
		return 0;
	char *k = refused_key(h);
	int found = 0;
	pthread_mutex_lock(&refused_lock);
	for (size_t i = 0; i < nrefused && !found; i++)
		found = !strcmp(refused[i], k);
	pthread_mutex_unlock(&refused_lock);
	free(k);
	return found;
}

static void refuse_credentials(const fs_http *h)
{
	if (!h->user || credentials_refused(h))
		return;
	pthread_mutex_lock(&refused_lock);
	refused = fs_xrealloc(refused, (nrefused + 1) * sizeof *refused);
	refused[nrefused++] = refused_key(h);
	pthread_mutex_unlock(&refused_lock);
}

static enum fs_err_code refused_error(const fs_http *h, fs_err *e)
{
	return fs_err_set(e, FS_E_AUTH, "%s refused the credentials of user '%s' earlier in this run: "
		"they are not sent again, since repeated failed logins lock the account on CouchDB 3.4+ "
		"(correct the password, then run again)", h->base, h->user);
}

/* POST /_session once; afterwards the AuthSession cookie replaces basic auth.
 * A login refused with 401 marks the credentials refused. */
static void open_session(fs_http *h)
{
	fs_buf body = FS_BUF_INIT;
	fs_buf_adds(&body, "{\"name\":");
	fs_json_append_str(&body, h->user);
	fs_buf_adds(&body, ",\"password\":");
	fs_json_append_str(&body, h->password ? h->password : "");
	fs_buf_addc(&body, '}');
	fs_http_req r = { .method = "POST", .path = "/_session", .body = body.data, .body_len = body.len };
	fs_http_resp resp = { 0 };
	if (perform(h, &r, &resp, NULL) == 0 && resp.status == 200 && h->cookie)
		h->session = 1;
	else if (resp.status == 401)
		refuse_credentials(h);
	fs_http_resp_free(&resp);
	memset(body.data, 0, body.len);
	fs_buf_free(&body);
}

/* A 401 to credentials we sent. Basic auth refused: the password is marked,
 * never sent again. A session cookie that expired: one login (marked when
 * refused), then the request again (a 401 means it was not applied). */
static int after_401(fs_http *h, const fs_http_req *r, fs_http_resp *out, fs_err *e)
{
	if (!h->session) {
		refuse_credentials(h);
		return 0;
	}
	h->session = 0;
	open_session(h);
	if (!h->session)
		return 0;
	fs_http_resp_free(out);
	memset(out, 0, sizeof *out);
	return perform(h, r, out, e);
}

enum fs_err_code fs_http_do(fs_http *h, const fs_http_req *r, fs_http_resp *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	int anon = anonymous(r);
	pthread_mutex_lock(&h->lock);
	if (!anon && h->o.cookie_session && h->user && !h->session && !credentials_refused(h))
		open_session(h);
	int rc;
	if (!anon && credentials_refused(h))
		rc = refused_error(h, e);
	else if ((rc = perform(h, r, out, e)) == 0 && out->status == 401 && !anon && h->user)
		rc = after_401(h, r, out, e);
	else if (rc == 0 && out->status == 403 && out->body.data && strstr(out->body.data, "authentication failures"))
		refuse_credentials(h); /* locked out: each try extends the lockout */
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* ---- A bounded pool of clients ---- */

typedef struct pool {
	size_t n, next, running;
	fs_http_task_fn fn;
	void *arg;
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t idle;
} pool;

typedef struct pool_worker {
	pool *x;
	size_t k;
	pthread_t t;
} pool_worker;

/* The next task for a worker, or 0 when there is none (or we stopped). */
static int pool_take(pool *x, size_t *i)
{
	pthread_mutex_lock(&x->lock);
	int ok = !x->stop && x->next < x->n;
	if (ok)
		*i = x->next++;
	pthread_mutex_unlock(&x->lock);
	return ok;
}

static void *pool_work(void *arg)
{
	pool_worker *w = arg;
	pool *x = w->x;
	size_t i;
	while (pool_take(x, &i))
		if (x->fn(x->arg, i, w->k)) {
			pthread_mutex_lock(&x->lock);
			x->stop = 1;
			pthread_mutex_unlock(&x->lock);
		}
	pthread_mutex_lock(&x->lock);
	x->running--;
	pthread_cond_signal(&x->idle);
	pthread_mutex_unlock(&x->lock);
	return NULL;
}

/* The calling thread: waits for the workers, passing a cancellation of
 * its job on to their clients. */
static void pool_wait(pool *x, fs_http *const *clients, size_t width)
{
	int passed = 0;
	pthread_mutex_lock(&x->lock);
	while (x->running) {
		if (!passed && fs_job_current_cancelled()) {
			passed = x->stop = 1;
			for (size_t k = 0; k < width; k++)
				fs_http_cancel(clients[k]);
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += POLL_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&x->idle, &x->lock, &ts);
	}
	pthread_mutex_unlock(&x->lock);
}

void fs_http_parallel(fs_http *const *clients, size_t nclients, size_t n, fs_http_task_fn fn, void *arg)
{
	size_t width = nclients < n ? nclients : n;
	pool x = { n, 0, 0, fn, arg, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };
	pool_worker *w = fs_xcalloc(width + 1, sizeof *w);
	size_t started = 0;
	for (size_t k = 0; width > 1 && k < width; k++) {
		w[k] = (pool_worker){ &x, k, 0 };
		pthread_mutex_lock(&x.lock);
		x.running++;
		pthread_mutex_unlock(&x.lock);
		if (pthread_create(&w[k].t, NULL, pool_work, &w[k])) {
			pthread_mutex_lock(&x.lock);
			x.running--;
			pthread_mutex_unlock(&x.lock);
			break;
		}
		started++;
	}
	if (started) {
		pool_wait(&x, clients, started);
		for (size_t k = 0; k < started; k++)
			pthread_join(w[k].t, NULL);
	} else {
		/* one client (or no thread could start): in order, on this thread */
		for (size_t i = 0; i < n && !fs_job_current_cancelled(); i++)
			if (fn(arg, i, 0))
				break;
	}
	pthread_mutex_destroy(&x.lock);
	pthread_cond_destroy(&x.idle);
	free(w);
}
