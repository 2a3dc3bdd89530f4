/* CouchDB's view collation: the table of CouchDB's documentation ("Views
 * Collation") sorted exactly, ICU string order, numbers by value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "runner/collate.h"

/* The table of the documentation, in its order (objects with their
 * members in the order written: CouchDB keeps member order). */
static const char *const TABLE[] = {
	"null", "false", "true",
	"1", "2", "3.0", "4",
	"\"a\"", "\"A\"", "\"aa\"", "\"b\"", "\"B\"", "\"ba\"", "\"bb\"",
	"[\"a\"]", "[\"b\"]", "[\"b\",\"c\"]", "[\"b\",\"c\",\"a\"]", "[\"b\",\"d\"]", "[\"b\",\"d\",\"e\"]",
	"{\"a\":1}", "{\"a\":2}", "{\"b\":1}", "{\"b\":2}", "{\"b\":2,\"a\":1}", "{\"b\":2,\"c\":2}",
};
#define N (sizeof TABLE / sizeof *TABLE)

static int cmp_json(const void *a, const void *b)
{
	return fs_collate(*(cJSON *const *)a, *(cJSON *const *)b);
}

static void sort_and_check(const char *const *want, size_t n)
{
	cJSON **v = calloc(n, sizeof *v);
	/* shuffled deterministically: reversed, then every other one swapped */
	for (size_t i = 0; i < n; i++)
		v[i] = cJSON_Parse(want[n - 1 - i]);
	for (size_t i = 0; i + 1 < n; i += 2) {
		cJSON *t = v[i];
		v[i] = v[i + 1];
		v[i + 1] = t;
	}
	qsort(v, n, sizeof *v, cmp_json);
	for (size_t i = 0; i < n; i++) {
		char *s = cJSON_PrintUnformatted(v[i]);
		cJSON *w = cJSON_Parse(want[i]);
		char *ws = cJSON_PrintUnformatted(w);
		if (strcmp(s, ws))
			fail_msg("position %zu: %s where the table has %s", i, s, ws);
		free(s);
		free(ws);
		cJSON_Delete(w);
	}
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(v[i]);
	free(v);
}

static void documentation_table(void **state)
{
	sort_and_check(TABLE, N);
	/* and every pair strictly ordered, both ways */
	for (size_t i = 0; i + 1 < N; i++) {
		cJSON *a = cJSON_Parse(TABLE[i]), *b = cJSON_Parse(TABLE[i + 1]);
		assert_true(fs_collate(a, b) < 0);
		assert_true(fs_collate(b, a) > 0);
		assert_int_equal(fs_collate(a, a), 0);
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
}

/* ICU root collation, not bytes: punctuation before digits before letters,
 * lower case before upper case, accents after case (secondary). Bytes
 * would put "B" before "a" and "~" after "z". */
static void strings_by_icu(void **state)
{
	static const char *const order[] = {
		"\"_\"", "\"-\"", "\",\"", "\"!\"", "\"~\"", "\"0\"", "\"9\"",
		"\"a\"", "\"A\"", "\"e\"", "\"E\"", "\"é\"", "\"É\"", "\"f\"", "\"z\"", "\"Z\"",
	};
	assert_true(fs_collate_icu()); /* opened at run time, not linked */
	sort_and_check(order, sizeof order / sizeof *order);
}

static void numbers_by_value(void **state)
{
	static const char *const order[] = {
		"-1e300", "-2", "-1.5", "0", "0.5", "1", "1.25", "10", "1e21",
	};
	sort_and_check(order, sizeof order / sizeof *order);
	cJSON *a = cJSON_Parse("1"), *b = cJSON_Parse("1.0"), *z = cJSON_Parse("-0");
	cJSON *zero = cJSON_Parse("0");
	assert_int_equal(fs_collate(a, b), 0);
	assert_int_equal(fs_collate(z, zero), 0);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(z);
	cJSON_Delete(zero);
}

/* Keys of a sequence of values concatenate: an array's key is its
 * elements' keys in order, so a key is never a prefix of a larger one it
 * should sort after. */
static void keys_are_prefix_free(void **state)
{
	cJSON *a = cJSON_Parse("[\"a\",\"b\"]"), *b = cJSON_Parse("[\"ab\"]");
	cJSON *c = cJSON_Parse("[[\"a\"],\"b\"]"), *d = cJSON_Parse("[[\"a\",\"b\"]]");
	assert_true(fs_collate(a, b) < 0);
	assert_true(fs_collate(c, d) < 0);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
	cJSON_Delete(d);
	fs_collate_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documentation_table),
		cmocka_unit_test(strings_by_icu),
		cmocka_unit_test(numbers_by_value),
		cmocka_unit_test(keys_are_prefix_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
