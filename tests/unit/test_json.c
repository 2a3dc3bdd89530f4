/* JSON helpers: parsing errors, getters, semantic compare, canonical form and
 * hash, pretty printing; URL encoding of the HTTP layer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "couch/couch.h"
#include "couch/path.h"
#include "couch/http.h"
#include "base/json.h"

static cJSON *parse(const char *s)
{
	fs_err e;
	cJSON *v = fs_json_parse(s, strlen(s), NULL, &e);
	if (!v)
		fail_msg("%s", e.msg);
	return v;
}

static void parse_errors_are_located(void **state)
{
	fs_err e;
	const char *bad = "{\n  \"a\": 1,\n  \"b\": tru\n}";
	assert_null(fs_json_parse(bad, strlen(bad), "answer of GET /db", &e));
	assert_int_equal(e.code, FS_E_PARSE);
	assert_non_null(strstr(e.msg, "answer of GET /db is not valid JSON"));
	assert_non_null(strstr(e.msg, "line 3"));
	const char *cut = "{\"a\": [1, 2";
	assert_null(fs_json_parse(cut, strlen(cut), NULL, &e));
	assert_non_null(strstr(e.msg, "ends too early"));
	assert_null(fs_json_parse("{} x", 4, NULL, &e));
	assert_non_null(strstr(e.msg, "text after the value"));
	assert_null(fs_json_parse("", 0, "body", &e));
	assert_non_null(strstr(e.msg, "body is empty"));
	cJSON *ok = fs_json_parse("{\"a\":1}\n  ", 10, NULL, &e);
	assert_non_null(ok);
	cJSON_Delete(ok);
	/* only the given length is read */
	ok = fs_json_parse("[1]garbage", 3, NULL, &e);
	assert_non_null(ok);
	cJSON_Delete(ok);
}

/* A NUL inside a string would cut it in cJSON: refused, never truncated.
 * An escaped backslash followed by "u0000" is plain text and stays. */
static void nul_in_strings_is_refused(void **state)
{
	fs_err e;
	const char *nul = "{\"map\": \"function(doc) {\\u0000 emit(doc._id); }\"}";
	assert_null(fs_json_parse(nul, strlen(nul), "the answer of GET /db/_design/x", &e));
	assert_int_equal(e.code, FS_E_PARSE);
	assert_non_null(strstr(e.msg, "the answer of GET /db/_design/x holds a NUL character"));
	assert_non_null(strstr(e.msg, "line 1, column 25"));
	const char raw[] = "[\"a\0b\"]";
	assert_null(fs_json_parse(raw, sizeof raw - 1, NULL, &e));
	assert_non_null(strstr(e.msg, "NUL character"));
	const char *text = "[\"a\\\\u0000b\"]";
	cJSON *ok = parse(text);
	assert_string_equal(cJSON_GetArrayItem(ok, 0)->valuestring, "a\\u0000b");
	cJSON_Delete(ok);
}

static void getters_tolerate_anything(void **state)
{
	cJSON *v = parse("{\"s\":\"x\",\"n\":42,\"f\":1.5,\"b\":true,\"o\":{\"p\":{\"q\":\"deep\"}},\"a\":[1]}");
	assert_string_equal(fs_json_str(v, "s"), "x");
	assert_null(fs_json_str(v, "n"));
	assert_null(fs_json_str(NULL, "s"));
	assert_int_equal(fs_json_int(v, "n", -1), 42);
	assert_int_equal(fs_json_int(v, "s", -1), -1);
	assert_true(fs_json_num(v, "f", 0) == 1.5);
	assert_int_equal(fs_json_bool(v, "b", 0), 1);
	assert_int_equal(fs_json_bool(v, "n", 7), 7);
	assert_non_null(fs_json_obj(v, "o"));
	assert_null(fs_json_obj(v, "a"));
	assert_non_null(fs_json_arr(v, "a"));
	assert_string_equal(fs_json_path(v, "o.p.q")->valuestring, "deep");
	assert_null(fs_json_path(v, "o.x.q"));
	assert_null(fs_json_str(fs_json_arr(v, "a"), "s")); /* an array is not an object */
	cJSON_Delete(v);
}

static void equal_is_semantic(void **state)
{
	cJSON *a = parse("{\"_id\":\"_design/x\",\"_rev\":\"1-a\",\"views\":{\"v\":{\"map\":\"f\"}},\"n\":1,\"l\":[1,2]}");
	cJSON *b = parse("{\"n\":1.0,\"l\":[1,2],\"views\":{\"v\":{\"map\":\"f\"}},\"_rev\":\"2-b\",\"_id\":\"_design/x\"}");
	const char *ignore[] = { "_rev", NULL };
	assert_true(fs_json_equal(a, b, ignore));
	assert_false(fs_json_equal(a, b, NULL));
	cJSON *c = parse("{\"n\":1,\"l\":[2,1],\"views\":{\"v\":{\"map\":\"f\"}},\"_id\":\"_design/x\"}");
	assert_false(fs_json_equal(a, c, ignore)); /* array order matters */
	cJSON *d = parse("{\"n\":1,\"l\":[1,2],\"views\":{\"v\":{\"map\":\"f \"}},\"_id\":\"_design/x\"}");
	assert_false(fs_json_equal(a, d, ignore));
	cJSON *f = parse("{\"n\":1,\"l\":[1,2],\"views\":{\"v\":{\"map\":\"f\"}},\"_id\":\"_design/x\",\"extra\":null}");
	assert_false(fs_json_equal(a, f, ignore)); /* a member more */
	assert_false(fs_json_equal(f, a, ignore));
	/* ignore applies to the top level only */
	cJSON *g = parse("{\"x\":{\"_rev\":1}}"), *h = parse("{\"x\":{\"_rev\":2}}");
	assert_false(fs_json_equal(g, h, ignore));
	cJSON *nul = cJSON_CreateNull();
	assert_false(fs_json_equal(nul, NULL, NULL));
	assert_true(fs_json_equal(NULL, NULL, NULL));
	cJSON_Delete(nul);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
	cJSON_Delete(d);
	cJSON_Delete(f);
	cJSON_Delete(g);
	cJSON_Delete(h);
}

static void canonical_sorts_and_hashes(void **state)
{
	cJSON *a = parse("{\"b\":[1.0, 2.5, -0, 1e21],\"a\":\"\\u00e9\\n\\\"\",\"_rev\":\"1-x\",\"c\":{\"z\":null,\"y\":false}}");
	const char *ignore[] = { "_rev", NULL };
	char *s = fs_json_canonical(a, ignore);
	assert_string_equal(s, "{\"a\":\"\xc3\xa9\\n\\\"\",\"b\":[1,2.5,0,1e+21],\"c\":{\"y\":false,\"z\":null}}");
	cJSON *b = parse("{\"c\":{\"y\":false,\"z\":null},\"a\":\"\xc3\xa9\\n\\\"\",\"b\":[1,2.5,0,1e21]}");
	char h1[65], h2[65];
	fs_json_hash(a, ignore, h1);
	fs_json_hash(b, ignore, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	cJSON_ReplaceItemInObject(b, "a", cJSON_CreateString("other"));
	fs_json_hash(b, ignore, h2);
	assert_string_not_equal(h1, h2);
	/* shortest round trip for fractions */
	cJSON *n = parse("[0.1, 3.14159, 123456789012345678]");
	char *ns = fs_json_canonical(n, NULL);
	assert_string_equal(ns, "[0.1,3.14159,1.2345678901234568e+17]");
	free(ns);
	free(s);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(n);
}

static void sha256_known_vectors(void **state)
{
	char h[65];
	fs_sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	fs_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: two blocks */
	fs_sha256_hex(two, strlen(two), h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *mil = malloc(1000000);
	memset(mil, 'a', 1000000);
	fs_sha256_hex(mil, 1000000, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(mil);
}

static void pretty_keeps_order(void **state)
{
	cJSON *v = parse("{\"z\":1,\"a\":{\"k\":[true,{}]},\"e\":[]}");
	char *p = fs_json_pretty(v, 2);
	assert_string_equal(p, "{\n  \"z\": 1,\n  \"a\": {\n    \"k\": [\n      true,\n      {}\n    ]\n  },\n  \"e\": []\n}\n");
	char *c = fs_json_pretty(v, 0);
	assert_string_equal(c, "{\"z\":1,\"a\":{\"k\":[true,{}]},\"e\":[]}");
	/* the pretty text parses back to the same value */
	cJSON *back = parse(p);
	assert_true(fs_json_equal(v, back, NULL));
	free(p);
	free(c);
	cJSON_Delete(v);
	cJSON_Delete(back);
}

/* One escaper for both writers: plain JSON keeps '/', Convertigo's writes
 * "\/"; control characters become \n or \u00XX in both. */
static void string_quoting(void **state)
{
	fs_buf b = FS_BUF_INIT;
	const char *s = "a/b\"c\\d\n\t\x01\xc3\xa9";
	fs_json_append_str(&b, s);
	assert_string_equal(fs_buf_str(&b), "\"a/b\\\"c\\\\d\\n\\t\\u0001\xc3\xa9\"");
	fs_buf_reset(&b);
	fs_json_quote(&b, s, true);
	assert_string_equal(fs_buf_str(&b), "\"a\\/b\\\"c\\\\d\\n\\t\\u0001\xc3\xa9\"");
	cJSON *back = parse(fs_buf_str(&b));
	assert_string_equal(back->valuestring, s);
	cJSON_Delete(back);
	fs_buf_free(&b);
}

static void url_encoding(void **state)
{
	fs_buf b = FS_BUF_INIT;
	fs_url_encode(&b, "a/b+c$d(e)f g?h#i%j\xc3\xa9~_.-");
	assert_string_equal(fs_buf_str(&b), "a%2Fb%2Bc%24d%28e%29f%20g%3Fh%23i%25j%C3%A9~_.-");
	fs_buf_reset(&b);
	assert_int_equal(fs_path_build(&b, &(fs_path){ .db = "my/db+1", .id = "_design/a b/c" }, NULL), 0);
	assert_string_equal(fs_buf_str(&b), "/my%2Fdb%2B1/_design/a%20b%2Fc");
	fs_buf_reset(&b);
	assert_int_equal(fs_path_build(&b, &(fs_path){ .db = "db", .id = "_local/x?y" }, NULL), 0);
	assert_string_equal(fs_buf_str(&b), "/db/_local/x%3Fy");
	fs_buf_reset(&b);
	assert_int_equal(fs_path_build(&b, &(fs_path){ .db = "db", .id = "_designer" }, NULL), FS_E_INVALID);
	assert_int_equal(fs_path_build(&b, &(fs_path){ .db = "db", .id = "_design/" }, NULL), FS_E_INVALID);
	assert_string_equal(fs_buf_str(&b), "");
	fs_buf_free(&b);
}

static void url_credentials(void **state)
{
	char *s = fs_url_strip_credentials("https://admin:s%40cret@couch.example.com:6984/prefix/");
	assert_string_equal(s, "https://couch.example.com:6984/prefix/");
	free(s);
	s = fs_url_strip_credentials("http://host/path@notuser");
	assert_string_equal(s, "http://host/path@notuser");
	free(s);
	char *u, *p;
	fs_url_credentials("https://admin:s%40cret@couch.example.com", &u, &p);
	assert_string_equal(u, "admin");
	assert_string_equal(p, "s@cret");
	free(u);
	free(p);
	fs_url_credentials("http://bob@h", &u, &p);
	assert_string_equal(u, "bob");
	assert_null(p);
	free(u);
	fs_url_credentials("http://h:5984", &u, &p);
	assert_null(u);
	assert_null(p);
}

/* CouchDB error answers become sentences (no network: the client only
 * lends its display URL and user). */
static void error_sentences(void **state)
{
	fs_http_opts o = { .url = "https://bob:pw-secret@couch.example.com:6984/" };
	fs_err e;
	fs_couch *c = fs_couch_new(fs_http_new(&o, &e), NULL);
	const char *body = "{\"error\":\"compilation_error\",\"reason\":\"Compilation of the reduce function "
		"in the 'totals' view failed: Expression does not eval to a function. (function(k, v) {\\r\\n sum(v)\"}";
	assert_int_equal(fs_couch_error(c, "PUT", "/crm/_design/app", "design document '_design/app'",
		400, body, strlen(body), &e), FS_E_INVALID);
	assert_string_equal(e.msg, "design document '_design/app': the reduce function of view 'totals' "
		"does not compile: Expression does not eval to a function.");
	body = "{\"error\":\"compilation_error\",\"reason\":\"Compilation of the map function in the 'v' "
		"view failed with exit status: 1\"}";
	fs_couch_error(c, "PUT", "/crm/_design/app", NULL, 400, body, strlen(body), &e);
	assert_string_equal(e.msg, "a design document: the map function of view 'v' does not compile: "
		"with exit status: 1");
	body = "{\"error\":\"unauthorized\",\"reason\":\"Name or password is incorrect.\"}";
	assert_int_equal(fs_couch_error(c, "GET", "/_all_dbs", NULL, 401, body, strlen(body), &e), FS_E_AUTH);
	assert_string_equal(e.msg, "https://couch.example.com:6984 refused the credentials of user 'bob' "
		"(401 Name or password is incorrect.); they are not sent again in this run: repeated failed "
		"logins lock the account on CouchDB 3.4+");
	body = "{\"error\":\"forbidden\",\"reason\":\"Account is temporarily locked due to multiple "
		"authentication failures\"}";
	assert_int_equal(fs_couch_error(c, "GET", "/_all_dbs", NULL, 403, body, strlen(body), &e), FS_E_AUTH);
	assert_non_null(strstr(e.msg, "has locked user 'bob' out after repeated failed logins"));
	body = "{\"error\":\"forbidden\",\"reason\":\"only admins may write\"}";
	assert_int_equal(fs_couch_error(c, "PUT", "/crm/x", "document 'x'", 403, body, strlen(body), &e), FS_E_AUTH);
	assert_string_equal(e.msg, "user 'bob' may not PUT document 'x' (403 forbidden: only admins may write)");
	assert_int_equal(fs_couch_error(c, "GET", "/crm", NULL, 503, "<html>", 6, &e), FS_E_SERVER);
	assert_string_equal(e.msg, "GET https://couch.example.com:6984/crm: server error 503 (not a CouchDB answer)");
	assert_int_equal(fs_couch_error(c, "PUT", "/crm", "database 'crm'", 412, "", 0, &e), FS_E_EXISTS);
	assert_string_equal(e.msg, "database 'crm' already exists");
	assert_null(strstr(e.msg, "pw-secret"));
	fs_couch_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_errors_are_located),
		cmocka_unit_test(nul_in_strings_is_refused),
		cmocka_unit_test(getters_tolerate_anything),
		cmocka_unit_test(equal_is_semantic),
		cmocka_unit_test(canonical_sorts_and_hashes),
		cmocka_unit_test(sha256_known_vectors),
		cmocka_unit_test(pretty_keeps_order),
		cmocka_unit_test(string_quoting),
		cmocka_unit_test(url_encoding),
		cmocka_unit_test(url_credentials),
		cmocka_unit_test(error_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
