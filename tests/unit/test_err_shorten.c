/* Error sentences longer than fs_err holds lose the middle of their longest
 * words (ids, paths), never their end: the reason survives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "base/err.h"

#define ELLIPSIS "\xe2\x80\xa6"

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && !strcmp(s + a - b, tail);
}

static void short_sentences_untouched(void **state)
{
	fs_err e;
	char *id = repeat('x', 900);
	fs_err_set(&e, FS_E_CONFLICT, "document '%s' was changed by someone else", id);
	assert_int_equal(e.code, FS_E_CONFLICT);
	assert_null(strstr(e.msg, ELLIPSIS));
	assert_true(ends_with(e.msg, "was changed by someone else"));
	free(id);
}

static void long_id_shortened_in_the_middle(void **state)
{
	fs_err e;
	char *id = repeat('a', 10000);
	id[0] = 'B';
	id[9999] = 'Z';
	fs_err_set(&e, FS_E_CONFLICT, "document '%s' in database 'db' was changed by someone else "
		"(conflict: the revision given is not the current one)", id);
	assert_true(strlen(e.msg) < sizeof e.msg);
	assert_true(ends_with(e.msg, "(conflict: the revision given is not the current one)"));
	assert_non_null(strstr(e.msg, "document 'B"));
	assert_non_null(strstr(e.msg, "aZ' in database 'db'"));
	assert_non_null(strstr(e.msg, ELLIPSIS));
	free(id);
}

static void two_long_words_both_kept_readable(void **state)
{
	fs_err e;
	char *path = repeat('p', 3000), *id = repeat('i', 3000);
	fs_err_set(&e, FS_E_IO, "%s: cannot write %s: No space left on device", path, id);
	assert_true(ends_with(e.msg, ": No space left on device"));
	assert_true(strlen(e.msg) < sizeof e.msg);
	assert_true(strlen(e.msg) > sizeof e.msg - 8);
	free(path);
	free(id);
}

static void utf8_never_split(void **state)
{
	fs_err e;
	size_t n = 2000;
	char *id = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(id + 2 * i, "\xc3\xa9", 2);    /* é */
	id[2 * n] = '\0';
	fs_err_set(&e, FS_E_NOTFOUND, "document '%s' not found", id);
	assert_true(ends_with(e.msg, "' not found"));
	/* every byte is part of a whole é or of the ellipsis or ASCII */
	const unsigned char *s = (const unsigned char *)e.msg;
	for (size_t i = 0; s[i];) {
		if (s[i] < 0x80)
			i++;
		else if (s[i] == 0xc3 && s[i + 1] == 0xa9)
			i += 2;
		else if (!memcmp(s + i, ELLIPSIS, 3))
			i += 3;
		else
			fail_msg("split character at %zu", i);
	}
	free(id);
}

/* Bytes that are not UTF-8 (continuation bytes only) are cut as bytes. */
static void not_utf8_is_cut_safely(void **state)
{
	fs_err e;
	char *junk = repeat((char)0xa9, 3000);
	fs_err_set(&e, FS_E_SERVER, "%s: the answer is not JSON", junk);
	assert_true(strlen(e.msg) < sizeof e.msg);
	assert_true(ends_with(e.msg, ": the answer is not JSON"));
	fs_err_set(&e, FS_E_SERVER, "%s", junk);
	assert_true(strlen(e.msg) < sizeof e.msg);
	free(junk);
}

static void prefix_keeps_the_end(void **state)
{
	fs_err e;
	char *path = repeat('q', 1000);
	fs_err_set(&e, FS_E_PARSE, "%s:3: bad indentation", path);
	fs_err_prefix(&e, "project %s", path);
	assert_true(ends_with(e.msg, ":3: bad indentation"));
	assert_non_null(strstr(e.msg, "project q"));
	free(path);
}

static void short_words_lose_the_middle(void **state)
{
	fs_err e;
	char words[4000] = "";
	for (int i = 0; i < 600; i++)
		strcat(words, "ab cd ");
	fs_err_set(&e, FS_E_INVALID, "start %s end of the reason", words);
	assert_true(strlen(e.msg) < sizeof e.msg);
	assert_true(ends_with(e.msg, "end of the reason"));
	assert_int_equal(strncmp(e.msg, "start ab", 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_sentences_untouched),
		cmocka_unit_test(long_id_shortened_in_the_middle),
		cmocka_unit_test(two_long_words_both_kept_readable),
		cmocka_unit_test(utf8_never_split),
		cmocka_unit_test(not_utf8_is_cut_safely),
		cmocka_unit_test(prefix_keeps_the_end),
		cmocka_unit_test(short_words_lose_the_middle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
