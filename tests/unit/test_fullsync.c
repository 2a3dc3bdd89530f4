/* FullSync data rules without a server: the recursive merge and its per-path
 * rules, ACL tagging, the view-as-user rule, policy names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "model/fullsync.h"
#include "base/json.h"
#include "testlib.h"

static cJSON *J(const char *s)
{
	cJSON *j = cJSON_Parse(s);
	assert_non_null(j);
	return j;
}

/* merge(dst, src, rules) must equal want. */
static void check_merge(const char *dst, const char *src, const char *rules, char sep, const char *want)
{
	cJSON *d = J(dst), *s = J(src), *w = J(want), *rj = rules ? J(rules) : NULL;
	fs_merge_rules r;
	fs_err e;
	assert_int_equal(fs_merge_rules_parse(rj, sep, &r, &e), 0);
	fs_fullsync_merge(d, s, &r);
	if (!fs_json_equal(d, w, NULL)) {
		char *got = cJSON_PrintUnformatted(d);
		fail_msg("merge gave %s, want %s", got, want);
	}
	fs_merge_rules_free(&r);
	cJSON_Delete(d);
	cJSON_Delete(s);
	cJSON_Delete(w);
	cJSON_Delete(rj);
}

static void merge_recursive(void **state)
{
	check_merge("{\"a\":1,\"b\":{\"x\":1,\"y\":2},\"keep\":true}",
		    "{\"a\":2,\"b\":{\"y\":3,\"z\":4},\"new\":\"n\"}", NULL, 0,
		    "{\"a\":2,\"b\":{\"x\":1,\"y\":3,\"z\":4},\"keep\":true,\"new\":\"n\"}");
	/* a scalar replaces an object and the other way round */
	check_merge("{\"a\":{\"x\":1},\"b\":5}", "{\"a\":7,\"b\":{\"q\":1}}", NULL, 0,
		    "{\"a\":7,\"b\":{\"q\":1}}");
	/* null is a value like any other */
	check_merge("{\"a\":1}", "{\"a\":null}", NULL, 0, "{\"a\":null}");
}

static void merge_arrays_by_index(void **state)
{
	check_merge("{\"l\":[1,2,3,4]}", "{\"l\":[9,8]}", NULL, 0, "{\"l\":[9,8,3,4]}");
	check_merge("{\"l\":[1]}", "{\"l\":[5,6,7]}", NULL, 0, "{\"l\":[5,6,7]}");
	check_merge("{\"l\":[{\"a\":1,\"b\":1},{\"c\":1}]}", "{\"l\":[{\"b\":2}]}", NULL, 0,
		    "{\"l\":[{\"a\":1,\"b\":2},{\"c\":1}]}");
}

static void merge_rules(void **state)
{
	check_merge("{\"a\":{\"b\":{\"x\":1},\"c\":1}}", "{\"a\":{\"b\":{\"y\":2}}}",
		    "{\"a.b\":\"override\"}", 0, "{\"a\":{\"b\":{\"y\":2},\"c\":1}}");
	check_merge("{\"a\":{\"b\":1,\"c\":1}}", "{\"a\":{\"b\":0}}",
		    "{\"a.b\":\"delete\"}", 0, "{\"a\":{\"c\":1}}");
	check_merge("{\"t\":[1,2]}", "{\"t\":[3]}", "{\"t\":\"append\"}", 0, "{\"t\":[1,2,3]}");
	check_merge("{\"t\":[1,2]}", "{\"t\":[3,4]}", "{\"t\":\"prepend\"}", 0, "{\"t\":[3,4,1,2]}");
	/* a scalar appended to a missing array makes one */
	check_merge("{}", "{\"t\":5}", "{\"t\":\"append\"}", 0, "{\"t\":[5]}");
	/* another separator; a rule inside an array element */
	check_merge("{\"a\":{\"b\":[1]}}", "{\"a\":{\"b\":[2]}}", "{\"a/b\":\"append\"}", '/',
		    "{\"a\":{\"b\":[1,2]}}");
	check_merge("{\"l\":[{\"t\":[1]}]}", "{\"l\":[{\"t\":[2]}]}", "{\"l.0.t\":\"append\"}", 0,
		    "{\"l\":[{\"t\":[1,2]}]}");
	/* a rule on a path that is not posted changes nothing */
	check_merge("{\"a\":1}", "{\"b\":2}", "{\"a\":\"delete\"}", 0, "{\"a\":1,\"b\":2}");
}

static void merge_rules_bad(void **state)
{
	fs_merge_rules r;
	fs_err e;
	cJSON *bad = J("{\"a\":\"squash\"}"), *arr = J("[1]");
	assert_int_equal(fs_merge_rules_parse(bad, 0, &r, &e), FS_E_INVALID);
	assert_non_null(strstr(e.msg, "'a'"));
	assert_int_equal(fs_merge_rules_parse(arr, 0, &r, &e), FS_E_INVALID);
	cJSON_Delete(bad);
	cJSON_Delete(arr);
}

static void acl_tagging(void **state)
{
	cJSON *d = J("{\"_id\":\"x\",\"~c8oAcl\":\"old\",\"c8oGrp\":\"g0\"}");
	const char *one[] = { "g1" }, *two[] = { "g1", "g2" };
	fs_acl_tag(d, "bob", one, 1);
	assert_string_equal(fs_json_str(d, "~c8oAcl"), "bob");
	assert_string_equal(fs_json_str(d, "c8oGrp"), "g1");
	fs_acl_tag(d, NULL, two, 2);
	assert_null(cJSON_GetObjectItem(d, "~c8oAcl"));
	assert_true(cJSON_IsTrue(fs_json_path(d, "c8oGrp.g2")));
	/* no groups given: c8oGrp stays */
	fs_acl_tag(d, "amy", NULL, 0);
	assert_true(cJSON_IsObject(fs_json_obj(d, "c8oGrp")));
	cJSON_Delete(d);
}

static void visibility(void **state)
{
	const char *grp[] = { "sales", "hr" };
	struct { const char *doc; int bob; int amy; } cases[] = {
		{ "{\"_id\":\"anon\"}", 1, 1 },
		{ "{\"_id\":\"b\",\"~c8oAcl\":\"bob\"}", 1, 0 },
		{ "{\"_id\":\"s\",\"c8oGrp\":\"sales\"}", 0, 1 },
		{ "{\"_id\":\"o\",\"c8oGrp\":{\"it\":true,\"hr\":\"true\"}}", 0, 1 },
		{ "{\"_id\":\"f\",\"c8oGrp\":{\"hr\":false,\"sales\":\"false\"}}", 0, 0 },
		{ "{\"_id\":\"bg\",\"~c8oAcl\":\"bob\",\"c8oGrp\":\"hr\"}", 1, 1 },
		{ "{\"_id\":\"_design/v\",\"~c8oAcl\":\"zed\"}", 1, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		cJSON *d = J(cases[i].doc);
		assert_int_equal(fs_acl_visible(d, "bob", NULL, 0), cases[i].bob);
		assert_int_equal(fs_acl_visible(d, "amy", grp, 2), cases[i].amy);
		cJSON_Delete(d);
	}
}

static void policy_names(void **state)
{
	for (int i = 0; i < FS_POLICY_COUNT; i++)
		assert_int_equal(fs_policy_by_name(fs_policy_name(i)), i);
	assert_int_equal(fs_policy_by_name("upsert"), -1);
	assert_int_equal(fs_policy_by_name(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_recursive),
		cmocka_unit_test(merge_arrays_by_index),
		cmocka_unit_test(merge_rules),
		cmocka_unit_test(merge_rules_bad),
		cmocka_unit_test(acl_tagging),
		cmocka_unit_test(visibility),
		cmocka_unit_test(policy_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
