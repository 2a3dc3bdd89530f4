/* The docdata codec: Convertigo's exact text for every design document of
 * the fixtures, the format test projects and projects/sample. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/docdata.h"
#include "base/fsutil.h"
#include "model/lines.h"
#include "testlib.h"

/* encode(decode(x)) == x for every docdata CDATA under l. */
static int check_docdata(fs_line *l, const char *rel)
{
	int n = 0;
	if (l->type == FS_LN_CDATA && l->parent && l->parent->key && !strcmp(l->parent->key, "docdata")) {
		cJSON *doc;
		fs_err e;
		if (fs_docdata_decode(l->value, &doc, NULL, &e))
			fail_msg("%s:%d: %s", rel, l->lineno, e.msg);
		char *t = fs_docdata_encode(doc);
		if (strcmp(t, l->value))
			fail_msg("%s:%d: docdata re-encoded differently", rel, l->lineno);
		free(t);
		cJSON_Delete(doc);
		n++;
	}
	for (size_t i = 0; i < l->nkids; i++)
		n += check_docdata(l->kids[i], rel);
	return n;
}

static int check_tree(const char *dir)
{
	char *out = NULL;
	int n = 0;
	assert_int_equal(fs_test_sh(&out, 0, "cd '%s' && find . -name '*.yaml' | sort", dir), 0);
	for (char *s = strtok(out, "\n"); s; s = strtok(NULL, "\n")) {
		char *path = fs_path_join(dir, s), *data;
		size_t len;
		fs_err e;
		fs_lfile *f;
		assert_int_equal(fs_read_file(path, &data, &len, &e), 0);
		if (fs_lines_parse(&f, s, data, len, &e))
			fail_msg("%s", e.msg);
		n += check_docdata(f->root, s);
		fs_lfile_free(f);
		free(data);
		free(path);
	}
	free(out);
	return n;
}

static void fixtures_reencode(void **state)
{
	if (!fs_test_fixtures())
		skip();
	assert_true(check_tree(fs_test_fixtures()) >= 2);
}

static void own_data_reencode(void **state)
{
	char *dir = fs_path_join(fs_test_srcdir(), "tests/data/format");
	assert_true(check_tree(dir) >= 2);
	free(dir);
	/* the sample's three design documents (a count, so that a tree that
	 * no longer holds them cannot pass by checking nothing) */
	char *sample = fs_path_join(fs_test_srcdir(), "projects");
	assert_int_equal(check_tree(sample), 3);
	free(sample);
}

static char *enc(const char *json)
{
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	char *t = fs_docdata_encode(j);
	cJSON_Delete(j);
	return t;
}

static void encode_rules(void **state)
{
	char *t = enc("{\"_id\":\"_design/a\",\"filters\":{},\"views\":{\"v\":{\"map\":\"f\\n\\tx\"}},\"a\":[1,2.5,true,null]}");
	assert_string_equal(t, "{\n"
			       "  \"_id\": \"_design\\/a\",\n"
			       "  \"filters\": {},\n"
			       "  \"views\": {\n"
			       "    \"v\": {\n"
			       "      \"map\": \"f\\n\n    x\"\n"
			       "    }\n"
			       "  },\n"
			       "  \"a\": [\n    1,\n    2.5,\n    true,\n    null\n  ]\n"
			       "}");
	free(t);
	/* an escaped backslash before t stays (a blind replace would break the JSON) */
	t = enc("{\"m\":\"a\\\\tb\\\\nc\\u0001\"}");
	assert_string_equal(t, "{\n  \"m\": \"a\\\\tb\\\\n\nc\\u0001\"\n}");
	cJSON *back;
	assert_int_equal(fs_docdata_decode(t, &back, NULL, NULL), 0);
	assert_string_equal(cJSON_GetObjectItem(back, "m")->valuestring, "a\\tb\\nc\x01");
	cJSON_Delete(back);
	free(t);
}

static void decode_keeps_order_and_unicode(void **state)
{
	cJSON *d;
	assert_int_equal(fs_docdata_decode("{\n\"z\": \"\xc3\xa9\\n\n\",\n\"a\": {}\n}", &d, NULL, NULL), 0);
	assert_string_equal(d->child->string, "z");
	assert_string_equal(d->child->valuestring, "\xc3\xa9\n");
	assert_string_equal(d->child->next->string, "a");
	char *t = fs_docdata_encode(d);
	assert_string_equal(t, "{\n  \"z\": \"\xc3\xa9\\n\n\",\n  \"a\": {}\n}");
	free(t);
	cJSON_Delete(d);
}

static void decode_errors(void **state)
{
	cJSON *d;
	int line = -1;
	fs_err e;
	assert_int_equal(fs_docdata_decode("{\n  \"a\": 1,\n  \"b\": tru\n}", &d, &line, &e), FS_E_PARSE);
	assert_null(d);
	assert_int_equal(line, 2);
	assert_non_null(strstr(e.msg, "broken design document JSON"));
	assert_int_equal(fs_docdata_decode("[1]", &d, &line, &e), FS_E_PARSE);
	assert_non_null(strstr(e.msg, "not a JSON object"));
	assert_int_equal(fs_docdata_decode("", &d, &line, &e), FS_E_PARSE);
	assert_int_equal(fs_docdata_decode("{} x", &d, &line, &e), FS_E_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixtures_reencode),
		cmocka_unit_test(own_data_reencode),
		cmocka_unit_test(encode_rules),
		cmocka_unit_test(decode_keeps_order_and_unicode),
		cmocka_unit_test(decode_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
