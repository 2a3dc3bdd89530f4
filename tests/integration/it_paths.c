/* Hostile database names, document ids, attachment, design document and view
 * names against a recording server on loopback (tests/lib/badserver): each
 * row asserts the exact request line that reached the server, or that no
 * request was sent and the refusal says why. "." and ".." never travel as
 * path segments; reserved ids (_security...) never reach the server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "badserver.h"
#include "couch/browse.h"
#include "couch/couch.h"
#include "base/json.h"
#include "testlib.h"

enum op { DB_INFO, DB_PUT, DB_DEL, SEC, ALL_DOCS, DOC_GET, DOC_PUT, DOC_DEL, DOC_POST, VIEW, ATT };

typedef struct row {
	enum op op;
	const char *db;
	const char *id;           /* the id, the design document (VIEW) */
	const char *extra;        /* the view (VIEW), the attachment (ATT) */
	const char *expect;       /* the request line, or "!" + words of the refusal */
} row;

#define L "HTTP/1.1"
static const row table[] = {
	/* database names: CouchDB's rule */
	{ DB_INFO, ".", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "..", 0, 0, "!is not a valid database name" },
	{ DB_PUT, "..", 0, 0, "!is not a valid database name" },
	{ DB_DEL, ".", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "", 0, 0, "!the database name is empty" },
	{ DB_INFO, "Upper", 0, 0, "!start with a lowercase letter" },
	{ DB_INFO, "1abc", 0, 0, "!^[a-z][a-z0-9_$()+/-]*$" },
	{ DB_INFO, "_all_docs", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "_security", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a b", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a?b", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a#b", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a%2fb", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a\nb", 0, 0, "!\"a\\nb\" is not a valid" },
	{ DB_INFO, "../x", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a/../b", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "\xc3\xa9t\xc3\xa9", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "a\\b", 0, 0, "!is not a valid database name" },
	{ SEC, "Bad", 0, 0, "!is not a valid database name" },
	{ ALL_DOCS, "..", 0, 0, "!is not a valid database name" },
	{ DB_INFO, "_users", 0, 0, "GET /_users " L },
	{ DB_INFO, "_replicator", 0, 0, "GET /_replicator " L },
	{ DB_PUT, "_global_changes", 0, 0, "PUT /_global_changes " L },
	{ DB_INFO, "a/b", 0, 0, "GET /a%2Fb " L },
	{ DB_INFO, "a/", 0, 0, "GET /a%2F " L },
	{ DB_INFO, "a$b(c)+d-e_f9", 0, 0, "GET /a%24b%28c%29%2Bd-e_f9 " L },
	{ DB_DEL, "a/b", 0, 0, "DELETE /a%2Fb " L },
	{ ALL_DOCS, "a/b", 0, 0, "GET /a%2Fb/_all_docs " L },
	{ SEC, "crm", 0, 0, "GET /crm/_security " L },
	/* document ids */
	{ DOC_GET, "db", ".", 0, "GET /db/%2E " L },
	{ DOC_GET, "db", "..", 0, "GET /db/%2E%2E " L },
	{ DOC_DEL, "db", ".", 0, "DELETE /db/%2E?rev=1-a " L },
	{ DOC_DEL, "db", "..", 0, "DELETE /db/%2E%2E?rev=1-a " L },
	{ DOC_PUT, "db", ".", 0, "PUT /db/%2E " L },
	{ DOC_PUT, "..", "dbnametest", 0, "!is not a valid database name" },
	{ DOC_GET, "db", "", 0, "!the document id is empty" },
	{ DOC_PUT, "db", "", 0, "!without an _id" },
	{ DOC_GET, "db", "_security", 0, "!fsstudio db security" },
	{ DOC_PUT, "db", "_security", 0, "!it is the database's permissions" },
	{ DOC_DEL, "db", "_security", 0, "!it is the database's permissions" },
	{ DOC_POST, "db", "_security", 0, "!it is the database's permissions" },
	{ DOC_GET, "db", "_all_docs", 0, "!reserved by CouchDB" },
	{ DOC_GET, "db", "_revs_limit", 0, "!reserved by CouchDB" },
	{ DOC_PUT, "db", "_revs_limit", 0, "!reserved by CouchDB" },
	{ DOC_GET, "db", "_purge", 0, "!reserved by CouchDB" },
	{ DOC_POST, "db", "_bulk_docs", 0, "!reserved by CouchDB" },
	{ DOC_GET, "db", "_design", 0, "!reserved by CouchDB" },
	{ DOC_GET, "db", "_designer", 0, "!reserved by CouchDB" },
	{ DOC_GET, "db", "_design/", 0, "!names no document" },
	{ DOC_DEL, "db", "_local/", 0, "!names no document" },
	{ DOC_GET, "db", "_design/app", 0, "GET /db/_design/app " L },
	{ DOC_GET, "db", "_design/a/b", 0, "GET /db/_design/a%2Fb " L },
	{ DOC_GET, "db", "_design/.", 0, "GET /db/_design/%2E " L },
	{ DOC_DEL, "db", "_design/..", 0, "DELETE /db/_design/%2E%2E?rev=1-a " L },
	{ DOC_GET, "db", "_local/..", 0, "GET /db/_local/%2E%2E " L },
	{ DOC_GET, "db", "_local/x?y", 0, "GET /db/_local/x%3Fy " L },
	{ DOC_GET, "db", "a/b", 0, "GET /db/a%2Fb " L },
	{ DOC_GET, "db", "../x", 0, "GET /db/..%2Fx " L },
	{ DOC_GET, "db", "./", 0, "GET /db/.%2F " L },
	{ DOC_GET, "db", "...", 0, "GET /db/... " L },
	{ DOC_GET, "db", "a?rev=1", 0, "GET /db/a%3Frev%3D1 " L },
	{ DOC_GET, "db", "a#b", 0, "GET /db/a%23b " L },
	{ DOC_GET, "db", "a b", 0, "GET /db/a%20b " L },
	{ DOC_GET, "db", "%2E", 0, "GET /db/%252E " L },
	{ DOC_GET, "db", "a\r\nX: y", 0, "GET /db/a%0D%0AX%3A%20y " L },
	{ DOC_GET, "db", "\xc3\xa9", 0, "GET /db/%C3%A9 " L },
	{ DOC_GET, "db", "a+b&c=d;e", 0, "GET /db/a%2Bb%26c%3Dd%3Be " L },
	{ DOC_GET, "db", "~x_y.z-", 0, "GET /db/~x_y.z- " L },
	{ DOC_GET, "db", "\\..\\", 0, "GET /db/%5C..%5C " L },
	{ DOC_GET, "db", "-_design/x", 0, "GET /db/-_design%2Fx " L },
	{ DOC_POST, "db", "..", 0, "POST /db " L },
	/* design documents and views */
	{ VIEW, "db", ".", "..", "GET /db/_design/%2E/_view/%2E%2E " L },
	{ VIEW, "db", "_design/app", "by/x", "GET /db/_design/app/_view/by%2Fx " L },
	{ VIEW, "db", "a b", "v?x", "GET /db/_design/a%20b/_view/v%3Fx " L },
	{ VIEW, "db", "", "v", "!the design document name is empty" },
	{ VIEW, "db", "_design/", "v", "!the design document name is empty" },
	{ VIEW, "db", "app", "", "!the view name is empty" },
	{ VIEW, "A", "app", "v", "!is not a valid database name" },
	/* attachments: parts encoded, their slashes kept */
	{ ATT, "db", "doc", "img/a.png", "GET /db/doc/img/a.png " L },
	{ ATT, "db", "doc", "..", "GET /db/doc/%2E%2E " L },
	{ ATT, "db", "doc", "a/../b", "GET /db/doc/a/%2E%2E/b " L },
	{ ATT, "db", "doc", "a b?c", "GET /db/doc/a%20b%3Fc " L },
	{ ATT, "db", ".", "x", "GET /db/%2E/x " L },
	{ ATT, "db", "doc", "a//b", "!has an empty part" },
	{ ATT, "db", "doc", "/a", "!has an empty part" },
	{ ATT, "db", "doc", "", "!the attachment name is empty" },
	{ ATT, "db", "_security", "x", "!it is the database's permissions" },
};

static fs_badserver *srv;
static fs_couch *c;

static int setup(void **state)
{
	srv = fs_badserver_start();
	if (!srv)
		return -1;
	fs_http_opts o = { .url = fs_badserver_url(srv), .timeout_ms = 3000, .connect_timeout_ms = 1000 };
	c = fs_couch_new(fs_http_new(&o, NULL), "rec");
	return c ? 0 : -1;
}

static int teardown(void **state)
{
	fs_couch_free(c);
	fs_badserver_stop(srv);
	return 0;
}

/* Runs one row's operation; returns its code. */
static enum fs_err_code run(const row *r, fs_err *e)
{
	cJSON *out = NULL, *doc = NULL;
	fs_buf att = FS_BUF_INIT;
	int rc;
	switch (r->op) {
	case DB_INFO: rc = fs_couch_db_info(c, r->db, &out, e); break;
	case DB_PUT: rc = fs_couch_db_create(c, r->db, NULL, e); break;
	case DB_DEL: rc = fs_couch_db_delete(c, r->db, e); break;
	case SEC: rc = fs_couch_security_get(c, r->db, &out, e); break;
	case ALL_DOCS: rc = fs_couch_all_docs(c, r->db, NULL, &out, e); break;
	case DOC_GET: rc = fs_couch_doc_get(c, r->db, r->id, NULL, &out, e); break;
	case DOC_DEL: rc = fs_couch_doc_delete(c, r->db, r->id, "1-a", NULL, e); break;
	case DOC_PUT:
	case DOC_POST:
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "_id", r->id);
		rc = r->op == DOC_PUT ? fs_couch_doc_put(c, r->db, doc, NULL, e)
				      : fs_couch_doc_post(c, r->db, doc, NULL, NULL, e);
		break;
	case VIEW: rc = fs_couch_view(c, r->db, r->id, r->extra, NULL, &out, e); break;
	case ATT: rc = fs_browse_attachment(c, r->db, r->id, NULL, r->extra, &att, e); break;
	default: rc = -1;
	}
	cJSON_Delete(out);
	cJSON_Delete(doc);
	fs_buf_free(&att);
	return rc;
}

static void check_row(const row *r, size_t i)
{
	fs_err e = { 0 };
	int before = fs_badserver_requests(srv);
	int rc = run(r, &e);
	int sent = fs_badserver_requests(srv) - before;
	if (r->expect[0] == '!') {
		if (rc != FS_E_INVALID || sent)
			fail_msg("row %zu (%s): want a refusal, got %s after %d request(s): %s", i,
				 r->id ? r->id : r->db, fs_err_name(rc), sent, e.msg);
		if (!strstr(e.msg, r->expect + 1))
			fail_msg("row %zu: '%s' not in: %s", i, r->expect + 1, e.msg);
		if (strchr(e.msg, '\n'))
			fail_msg("row %zu: the sentence spans lines: %s", i, e.msg);
		return;
	}
	char *line = fs_badserver_last_line(srv);
	if (sent != 1 || !line || strcmp(line, r->expect))
		fail_msg("row %zu: want '%s', the server saw %d request(s), the last '%s' (%s)", i,
			 r->expect, sent, line ? line : "", e.msg);
	free(line);
}

static void hostile_table(void **state)
{
	size_t n = sizeof table / sizeof *table;
	assert_true(n >= 60);
	for (size_t i = 0; i < n; i++)
		check_row(&table[i], i);
}

/* Long names: a long valid database name travels whole, a longer one is
 * refused naming the limit; an id too long for a request line is refused
 * with its length, the sentence cut in the middle of the id, never at its end. */
static void long_names(void **state)
{
	char db[240], *id = malloc(10241), *line;
	fs_err e;
	memset(db, 'a', 238);
	db[238] = 0;
	cJSON *out = NULL;
	fs_couch_db_info(c, db, &out, &e);
	line = fs_badserver_last_line(srv);
	assert_int_equal(strlen(line), 1 + 4 + 238 + 9);
	free(line);
	strcpy(db + 238, "a");
	assert_int_equal(fs_couch_db_info(c, db, &out, &e), FS_E_INVALID);
	assert_non_null(strstr(e.msg, "at most 238 characters"));
	memset(id, 'x', 10240);
	id[10240] = 0;
	int before = fs_badserver_requests(srv);
	assert_int_equal(fs_couch_doc_get(c, "db", id, NULL, &out, &e), FS_E_INVALID);
	assert_int_equal(fs_badserver_requests(srv), before);
	assert_non_null(strstr(e.msg, "too long for a request: 10244 bytes once encoded"));
	id[1000] = 0;
	fs_couch_doc_get(c, "db", id, NULL, &out, &e);
	line = fs_badserver_last_line(srv);
	assert_int_equal(strlen(line), 4 + 4 + 1000 + 9);
	free(line);
	free(id);
}

/* A delete without a known revision is refused, never sent as ?rev=. */
static void delete_needs_a_revision(void **state)
{
	fs_err e;
	int before = fs_badserver_requests(srv);
	assert_int_equal(fs_couch_doc_delete(c, "db", "x", NULL, NULL, &e), FS_E_INVALID);
	assert_int_equal(fs_couch_doc_delete(c, "db", "x", "", NULL, &e), FS_E_INVALID);
	assert_int_equal(fs_badserver_requests(srv), before);
	assert_non_null(strstr(e.msg, "needs its current revision"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_table),
		cmocka_unit_test(long_names),
		cmocka_unit_test(delete_needs_a_revision),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
