/* libFuzzer target for every parser of server answers: the CouchDB API
 * (couch.c), browsing (browse.c), permissions (security.c), FullSync
 * writes (fullsync.c), deploy and pull (planned against projects/sample) run
 * against a server on loopback that answers whatever the input says. Every
 * field may be missing, null or of another type: the property is a clear
 * error or a result, never a crash, a leak or undefined behaviour.
 *
 * Input: byte 0 picks the operation, byte 1 the HTTP status, the rest is the
 * answers, separated by lines "#"; request k gets answer k (the last one
 * repeats). The server is a thread of this process keeping one keep-alive
 * connection, so a run costs a few loopback round trips. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base/json.h"
#include "couch/browse.h"
#include "couch/couch.h"
#include "couch/security.h"
#include "deploy/deploy.h"
#include "deploy/pull.h"
#include "model/fullsync.h"

#define SEP "\n#\n"

static const int statuses[] = { 200, 201, 202, 200, 200, 400, 401, 403, 404, 405, 409, 412, 500, 501 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *answers;   /* the current input's answers */
static size_t answers_len;
static size_t served;         /* answers served for this input */
static int status;
static int port;

/* Answer k of the input (the last one when k is past the end). */
static void answer_k(size_t k, const char **s, size_t *n)
{
	const char *p = answers, *end = answers + answers_len;
	for (size_t i = 0; i < k; i++) {
		const char *q = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		if (!q)
			break;
		p = q + strlen(SEP);
	}
	const char *q = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
	*s = p;
	*n = (size_t)((q ? q : end) - p);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One request read (headers and a Content-Length body) into in; returns
 * -1 when the client closed. */
static int read_request(int fd, fs_buf *in)
{
	char chunk[8192];
	for (;;) {
		char *end = in->data ? memmem(in->data, in->len, "\r\n\r\n", 4) : NULL;
		if (end) {
			size_t head = (size_t)(end - in->data) + 4;
			char *cl = memmem(in->data, head, "Content-Length:", 15);
			size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
			if (in->len >= head + body) {
				memmove(in->data, in->data + head + body, in->len - head - body);
				in->len -= head + body;
				return 0;
			}
		}
		ssize_t n = recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			return -1;
		fs_buf_add(in, chunk, (size_t)n);
	}
}

static void serve(int fd)
{
	fs_buf in = FS_BUF_INIT;
	while (read_request(fd, &in) == 0) {
		const char *s;
		size_t n;
		char head[256];
		pthread_mutex_lock(&lock);
		answer_k(served++, &s, &n);
		int st = status;
		pthread_mutex_unlock(&lock);
		snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n", st, n);
		/* one write: two would wait on the peer's delayed ACK */
		fs_buf out = FS_BUF_INIT;
		fs_buf_adds(&out, head);
		fs_buf_add(&out, s, n);
		int bad = send_all(fd, out.data, out.len);
		fs_buf_free(&out);
		if (bad)
			break;
	}
	fs_buf_free(&in);
	close(fd);
}

static void *accept_loop(void *arg)
{
	int lfd = *(int *)arg;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		int one = 1;
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		serve(fd);
	}
	return NULL;
}

static fs_couch *client;
static fs_project *sample;    /* projects/sample: what deploy and pull compare */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static int lfd;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 8) ||
	    getsockname(lfd, (struct sockaddr *)&a, &len))
		abort();
	port = ntohs(a.sin_port);
	pthread_t t;
	pthread_create(&t, NULL, accept_loop, &lfd);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	fs_http_opts o = { .url = url, .timeout_ms = 2000, .connect_timeout_ms = 1000, .max_body = 1 << 20 };
	client = fs_couch_new(fs_http_new(&o, NULL), "fuzz");
	if (fs_project_open(&sample, FUZZ_SAMPLE, NULL))
		abort();
	return client ? 0 : -1;
}

static void done_json(cJSON *j)
{
	char *t = j ? cJSON_PrintUnformatted(j) : NULL;
	free(t);
	cJSON_Delete(j);
}

static cJSON *some_doc(const char *id)
{
	cJSON *d = cJSON_CreateObject();
	if (id)
		cJSON_AddStringToObject(d, "_id", id);
	cJSON_AddStringToObject(d, "_rev", "1-a");
	cJSON_AddStringToObject(d, "name", "x");
	return d;
}

static void op_docs(int which, fs_err *e)
{
	fs_docs_query q = { .limit = 3 };
	fs_docs_page p;
	fs_strv groups = { 0 };
	q.dir = which % 5;
	q.from = q.dir == FS_PAGE_FIRST || q.dir == FS_PAGE_LAST ? NULL : "m";
	q.kind = which % 3;
	q.conflicts_only = which & 1;
	q.as_user = which & 2 ? "bob" : NULL;
	q.as_groups = &groups;
	q.scan_max = 50;
	if (!fs_browse_docs(client, "db", &q, &p, e))
		fs_docs_page_free(&p);
}

static void op_revs(int which, fs_err *e)
{
	fs_revtree t;
	fs_hunks h = { 0 };
	char *rev = NULL;
	cJSON *merged = some_doc(NULL);
	if (which == 0 && !fs_browse_revs(client, "db", "d", &t, e)) {
		done_json(fs_revtree_json(&t));
		fs_revtree_find(&t, "1-a");
		fs_revtree_free(&t);
	} else if (which == 1 && !fs_browse_rev_diff(client, "db", "d", "1-a", "2-b", &h, e)) {
		fs_hunks_free(&h);
	} else if (which == 2) {
		fs_browse_resolve(client, "db", "d", "2-b", merged, &rev, e);
	} else if (which == 3) {
		fs_browse_resolve(client, "db", "d", "2-b", NULL, &rev, e);
	}
	free(rev);
	cJSON_Delete(merged);
}

static void op_view(int which, fs_err *e)
{
	fs_view_args a;
	fs_view_page p;
	cJSON *edge = cJSON_Parse("{\"key\":[1,\"a\"],\"id\":\"x\"}");
	fs_view_args_init(&a);
	fs_view_args_set(&a, "startkey", "[0]", e);
	if (which & 1)
		fs_view_args_set(&a, "keys", "[1,2]", e);
	int dir = (which >> 1) % 4;
	if (!fs_browse_view(client, "db", which & 8 ? NULL : "app/v", &a, 2, dir,
			    dir == FS_PAGE_NEXT || dir == FS_PAGE_PREV ? edge : NULL, &p, e))
		fs_view_page_free(&p);
	fs_view_args_free(&a);
	cJSON_Delete(edge);
}

static void op_bulk(int new_edits, fs_err *e)
{
	cJSON *docs = cJSON_CreateArray();
	cJSON_AddItemToArray(docs, some_doc("a"));
	cJSON_AddItemToArray(docs, some_doc("b"));
	cJSON_AddItemToArray(docs, some_doc(NULL));
	cJSON_AddItemToArray(docs, some_doc("a"));
	fs_couch_bulk b;
	if (!fs_couch_bulk_docs(client, "db", docs, new_edits, &b, e))
		fs_couch_bulk_free(&b);
	cJSON_Delete(docs);
}

static void op_post(int policy, fs_err *e)
{
	const char *groups[] = { "g1", "g2" };
	fs_post_opts o = { .policy = policy % 4, .acl = policy & 4, .owner = "bob", .groups = groups,
			   .ngroups = 2 };
	cJSON *doc = some_doc(policy & 8 ? NULL : "d");
	char *id = NULL, *rev = NULL;
	fs_fullsync_post(client, "db", doc, &o, &id, &rev, e);
	free(id);
	free(rev);
	cJSON_Delete(doc);
}

/* Read, show, change and write back the security object. */
static void op_security(fs_err *e)
{
	cJSON *cur = NULL;
	fs_buf b = FS_BUF_INIT;
	if (fs_security_get(client, "db", &cur, e))
		return;
	cJSON *want = cJSON_Duplicate(cur, 1);
	fs_security_change(want, "members", "names", "bob", 1, e);
	fs_security_change(want, "admins", "roles", "ops", 0, e);
	fs_security_format(cur, &b);
	fs_security_diff(cur, want, &b);
	fs_security_is_public(cur);
	fs_security_put(client, "db", cur, want, 0, e);
	fs_buf_free(&b);
	cJSON_Delete(cur);
	cJSON_Delete(want);
}

/* A deploy planned and run (direct or staged, forced, pruning), or a pull
 * planned, against the answers; the project is never changed. */
static void op_deploy(int which, fs_err *e)
{
	fs_deploy_opts o = { .force = which & 1, .staged = which & 2, .prune = which & 4,
			     .build_timeout_ms = 300 };
	fs_deploy_plan *plan = NULL;
	fs_pull_plan *pull = NULL;
	fs_buf b = FS_BUF_INIT;
	if (which & 8) {
		if (!fs_pull_plan_make(sample, client, "inspections", &pull, e)) {
			fs_pull_format(pull, 1, &b);
			done_json(fs_pull_json(pull, 1));
		}
		fs_pull_plan_free(pull);
	} else if (!fs_deploy_plan_make(sample, client, &o, &plan, e)) {
		fs_deploy_format(plan, 1, &b);
		done_json(fs_deploy_json(plan, 1));
		fs_deploy_run(plan, client, e);
		fs_deploy_format(plan, 0, &b);
	}
	fs_deploy_plan_free(plan);
	fs_buf_free(&b);
}

static void run(int op, fs_err *e)
{
	cJSON *out = NULL;
	long n = 0;
	int created;
	char *s = NULL, *id = NULL;
	fs_buf buf = FS_BUF_INIT;
	fs_strv groups = { 0 };
	fs_couch_get_opts g = { .revs = 1, .revs_info = 1, .conflicts = 1 };
	fs_couch_get_opts all = { .open_revs_all = 1 };
	fs_couch_changes_opts ch = { .limit = 5, .style_all_docs = 1 };
	fs_changes_query cq = { .limit = 5 };
	cJSON *doc = some_doc("d");
	switch (op) {
	case 0: if (!fs_couch_server_info(client, &out, e)) s = fs_couch_version_string(out); break;
	case 1: fs_couch_all_dbs(client, &out, e); break;
	case 2: fs_couch_active_tasks(client, &out, e); break;
	case 3: fs_couch_session(client, &out, e); break;
	case 4: fs_couch_db_info(client, "db", &out, e); break;
	case 5: fs_couch_db_create(client, "db", &created, e); break;
	case 6: fs_browse_db_summary(client, "db", &out, e); break;
	case 7: fs_couch_security_get(client, "db", &out, e); break;
	case 8: fs_couch_revs_limit_get(client, "db", &n, e); break;
	case 9: fs_couch_doc_get(client, "db", "d", &g, &out, e); break;
	case 10: fs_couch_doc_get(client, "db", "d", &all, &out, e); break;
	case 11: fs_couch_doc_put(client, "db", doc, &s, e); break;
	case 12: fs_couch_doc_post(client, "db", doc, &id, &s, e); break;
	case 13: fs_couch_doc_delete(client, "db", "d", "1-a", &s, e); break;
	case 14: fs_couch_doc_copy(client, "db", "d", "e", "1-a", e); break;
	case 15: op_bulk(1, e); break;
	case 16: op_bulk(0, e); break;
	case 17: fs_couch_all_docs(client, "db", NULL, &out, e); break;
	case 18: fs_couch_design_docs(client, "db", 1, &out, e); break;
	case 19: fs_couch_design_info(client, "db", "app", &out, e); break;
	case 20: fs_couch_changes(client, "db", &ch, &out, e); break;
	case 21: fs_browse_changes(client, "db", &cq, &out, e); break;
	case 22: fs_browse_changes_wait(client, "db", &cq, 300, &out, e); break;
	case 23: fs_browse_attachment(client, "db", "d", NULL, "a/b.png", &buf, e); break;
	case 24: fs_fullsync_user_groups(client, "groups", "bob", &groups, e); break;
	case 25: fs_couch_revs_limit_put(client, "db", 10, e); break;
	case 26: fs_couch_view_cleanup(client, "db", e); break;
	case 27: op_security(e); break;
	default:
		if (op < 28 + 16)
			op_docs(op - 28, e);
		else if (op < 28 + 16 + 4)
			op_revs(op - 28 - 16, e);
		else if (op < 28 + 16 + 4 + 16)
			op_view(op - 28 - 16 - 4, e);
		else if (op < 28 + 16 + 4 + 16 + 16)
			op_post(op - 28 - 16 - 4 - 16, e);
		else
			op_deploy(op - 28 - 16 - 4 - 16 - 16, e);
	}
	if (e->code && !e->msg[0])
		abort(); /* every failure says why */
	done_json(out);
	free(s);
	free(id);
	fs_buf_free(&buf);
	fs_strv_free(&groups);
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	fs_err e = { 0 };
	pthread_mutex_lock(&lock);
	answers = (const char *)data + 2;
	answers_len = size - 2;
	served = 0;
	status = statuses[data[1] % (sizeof statuses / sizeof *statuses)];
	pthread_mutex_unlock(&lock);
	run(data[0] % (28 + 16 + 4 + 16 + 16 + 16), &e);
	if (strchr(e.msg, '\n'))
		abort(); /* one sentence, one line */
	return 0;
}
