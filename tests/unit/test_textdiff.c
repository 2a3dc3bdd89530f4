/* The line diff: exact unified output on small cases, and on random texts a
 * minimal edit script (checked against an LCS table) whose hunks rebuild
 * the new text from the old one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/textdiff.h"

static char *unified(const char *a, const char *b, int context)
{
	fs_hunks h;
	fs_buf out = FS_BUF_INIT;
	fs_textdiff_str(a, b, context, &h);
	fs_hunks_format(&h, "a", "b", &out);
	fs_hunks_free(&h);
	return fs_buf_steal(&out);
}

static void check(const char *a, const char *b, int context, const char *want)
{
	char *got = unified(a, b, context);
	assert_string_equal(got, want);
	free(got);
}

static void equal_texts(void **state)
{
	fs_hunks h;
	fs_textdiff_str("x\ny\n", "x\ny\n", 3, &h);
	assert_int_equal(h.n, 0);
	assert_int_equal(h.added + h.removed, 0);
	fs_hunks_free(&h);
	fs_textdiff_str(NULL, "", 3, &h);
	assert_int_equal(h.n, 0);
	fs_hunks_free(&h);
}

static void one_change(void **state)
{
	check("function (doc) {\n\temit(doc._id);\n}\n",
	      "function (doc) {\n\tif (doc.type)\n\t\temit(doc._id);\n}\n", 3,
	      "--- a\n+++ b\n@@ -1,3 +1,4 @@\n function (doc) {\n-\temit(doc._id);\n"
	      "+\tif (doc.type)\n+\t\temit(doc._id);\n }\n");
}

static void edges(void **state)
{
	check("", "a\nb\n", 3, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	check("a\nb\n", "", 3, "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-a\n-b\n");
	check("a\n", "a", 3,
	      "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n");
	/* An insertion with no context: start is the line before. */
	check("a\nb\n", "a\nx\nb\n", 0, "--- a\n+++ b\n@@ -1,0 +2 @@\n+x\n");
}

static void hunks_split_and_merge(void **state)
{
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
	const char *far = "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n";
	check(a, far, 1,
	      "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n"
	      "@@ -10,3 +10,3 @@\n 10\n-11\n+Y\n 12\n");
	/* Gap of 2 lines <= 2 * context: one hunk. */
	const char *near = "1\nX\n3\n4\nY\n6\n7\n8\n9\n10\n11\n12\n";
	check(a, near, 1,
	      "--- a\n+++ b\n@@ -1,6 +1,6 @@\n 1\n-2\n+X\n 3\n 4\n-5\n+Y\n 6\n");
}

static void json_form(void **state)
{
	fs_hunks h;
	fs_textdiff_str("a\nb", "a\nc", 3, &h);
	cJSON *j = fs_hunks_json(&h);
	char *s = cJSON_PrintUnformatted(j);
	assert_string_equal(s, "[{\"old_start\":1,\"old_count\":2,\"new_start\":1,\"new_count\":2,"
			    "\"lines\":[{\"op\":\" \",\"text\":\"a\"},"
			    "{\"op\":\"-\",\"text\":\"b\",\"noeol\":true},"
			    "{\"op\":\"+\",\"text\":\"c\",\"noeol\":true}]}]");
	assert_int_equal(h.added, 1);
	assert_int_equal(h.removed, 1);
	free(s);
	cJSON_Delete(j);
	fs_hunks_free(&h);
}

/* ---- Random texts ----------------------------------------------------------- */

static size_t random_text(char *buf, size_t nlines, unsigned *seed)
{
	size_t n = 0;
	for (size_t i = 0; i < nlines; i++) {
		buf[n++] = 'a' + rand_r(seed) % 4;
		buf[n++] = '\n';
	}
	buf[n] = 0;
	return nlines;
}

static size_t lcs(const char *a, size_t na, const char *b, size_t nb)
{
	size_t *t = calloc((na + 1) * (nb + 1), sizeof *t);
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++)
			t[i * (nb + 1) + j] = a[2 * (i - 1)] == b[2 * (j - 1)]
				? t[(i - 1) * (nb + 1) + j - 1] + 1
				: (t[(i - 1) * (nb + 1) + j] > t[i * (nb + 1) + j - 1]
				   ? t[(i - 1) * (nb + 1) + j] : t[i * (nb + 1) + j - 1]);
	size_t r = t[na * (nb + 1) + nb];
	free(t);
	return r;
}

/* Applies hunks to a, as patch would, checking every context and deletion. */
static char *apply(const char *a, const fs_hunks *h)
{
	fs_buf out = FS_BUF_INIT;
	const char *p = a;
	size_t lineno = 1;
	for (size_t i = 0; i < h->n; i++) {
		const fs_hunk *k = &h->v[i];
		size_t first = k->old_count ? k->old_start : k->old_start + 1;
		while (lineno < first) {
			const char *nl = strchr(p, '\n');
			fs_buf_add(&out, p, nl + 1 - p);
			p = nl + 1;
			lineno++;
		}
		for (size_t j = 0; j < k->n; j++) {
			const fs_dline *l = &k->lines[j];
			if (l->type != FS_DL_ADD) {
				assert_memory_equal(p, l->text, l->len);
				p += l->len + 1;
				lineno++;
			}
			if (l->type != FS_DL_DEL) {
				fs_buf_add(&out, l->text, l->len);
				fs_buf_addc(&out, '\n');
			}
		}
	}
	fs_buf_adds(&out, p);
	return fs_buf_steal(&out);
}

static void random_minimal(void **state)
{
	unsigned seed = 12345;
	char a[512], b[512];
	for (int round = 0; round < 2000; round++) {
		size_t na = random_text(a, rand_r(&seed) % 40, &seed);
		size_t nb = random_text(b, rand_r(&seed) % 40, &seed);
		for (int ctx = 0; ctx <= 3; ctx += 3) {
			fs_hunks h;
			fs_textdiff_str(a, b, ctx, &h);
			assert_int_equal(h.added + h.removed, na + nb - 2 * lcs(a, na, b, nb));
			char *got = apply(a, &h);
			assert_string_equal(got, b);
			free(got);
			fs_hunks_free(&h);
		}
	}
}

static void large_texts(void **state)
{
	/* 20,000 lines with a change every 1,000: fast and exact. */
	fs_buf a = FS_BUF_INIT, b = FS_BUF_INIT;
	for (int i = 0; i < 20000; i++) {
		fs_buf_printf(&a, "line %d\n", i);
		fs_buf_printf(&b, i % 1000 == 500 ? "changed %d\n" : "line %d\n", i);
	}
	fs_hunks h;
	fs_textdiff(a.data, a.len, b.data, b.len, 3, &h);
	assert_int_equal(h.n, 20);
	assert_int_equal(h.added, 20);
	assert_int_equal(h.removed, 20);
	char *got = apply(a.data, &h);
	assert_string_equal(got, b.data);
	free(got);
	fs_hunks_free(&h);
	fs_buf_free(&a);
	fs_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_texts),
		cmocka_unit_test(one_change),
		cmocka_unit_test(edges),
		cmocka_unit_test(hunks_split_and_merge),
		cmocka_unit_test(json_form),
		cmocka_unit_test(random_minimal),
		cmocka_unit_test(large_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
