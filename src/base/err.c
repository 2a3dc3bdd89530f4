#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/err.h"
#include "base/enummap.h"

static const fs_enum_entry entries[] = {
#define FS_ERR_ENTRY(code, name) { name, FS_E_##code },
	FS_ERR_LIST(FS_ERR_ENTRY)
#undef FS_ERR_ENTRY
};
static const fs_enum_map names = FS_ENUM_MAP(entries);

/* The ellipsis put where a long word lost its middle. */
#define ELLIPSIS "\xe2\x80\xa6"
/* A shortened word keeps at least this many bytes on each side. */
#define KEEP 12

/* Start and length of the longest space-separated word of s. */
static size_t longest_word(const char *s, size_t *len)
{
	size_t best = 0, best_len = 0;
	for (size_t i = 0; s[i];) {
		size_t n = strcspn(s + i, " ");
		if (n > best_len) {
			best = i;
			best_len = n;
		}
		i += n;
		i += strspn(s + i, " ");
	}
	*len = best_len;
	return best;
}

/* Moves p back (or forward) to the start of a UTF-8 character: at most 3
 * continuation bytes, never before the start (bytes that are not UTF-8
 * stay bytes). */
static size_t char_start(const char *s, size_t p, int forward)
{
	for (int i = 0; i < 3 && ((unsigned char)s[p] & 0xc0) == 0x80; i++) {
		if (!forward && p == 0)
			break;
		p = forward ? p + 1 : p - 1;
	}
	return p;
}

/* Removes the middle of the word at [at, at+n) so that s loses at least
 * `over` bytes, putting an ellipsis there. 0 when the word is too short. */
static int cut_word(char *s, size_t at, size_t n, size_t over)
{
	size_t drop = over + strlen(ELLIPSIS);
	if (n < drop + 2 * KEEP)
		return 0;
	size_t head = (n - drop) / 2;
	size_t from = char_start(s, at + head, 0);
	size_t to = char_start(s, from + drop, 1);
	memmove(s + from + strlen(ELLIPSIS), s + to, strlen(s + to) + 1);
	memcpy(s + from, ELLIPSIS, strlen(ELLIPSIS));
	return 1;
}

/* Fits a sentence into max bytes (with its NUL) by shortening its longest
 * words (ids, paths, URLs) in the middle: the reason, which comes at the
 * end of our sentences, survives. A sentence of short words loses its
 * middle as a last resort. */
static void shorten(char *s, size_t max)
{
	size_t len;
	while ((len = strlen(s)) >= max) {
		size_t n, at = longest_word(s, &n);
		size_t over = len - (max - 1), room = n > 2 * KEEP + 3 ? n - 2 * KEEP - 3 : 0;
		if (room && cut_word(s, at, n, over < room ? over : room))
			continue;
		cut_word(s, 0, len, over);
		if (strlen(s) >= max)
			s[char_start(s, max - 1, 0)] = '\0';
		return;
	}
}

enum fs_err_code fs_err_vset(fs_err *e, enum fs_err_code code, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	if (n >= (int)sizeof e->msg) {
		char *full = malloc((size_t)n + 1);
		if (full) {
			vsnprintf(full, (size_t)n + 1, fmt, copy);
			shorten(full, sizeof e->msg);
			memcpy(e->msg, full, strlen(full) + 1);
			free(full);
		}
	}
	va_end(copy);
	e->code = code;
	return code;
}

enum fs_err_code fs_err_set(fs_err *e, enum fs_err_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

enum fs_err_code fs_err_prefix(fs_err *e, const char *fmt, ...)
{
	char pre[sizeof e->msg], old[sizeof e->msg];
	va_list ap;
	if (!e)
		return FS_E_OK;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	return fs_err_set(e, e->code, "%s: %s", pre, old);
}

void fs_err_clear(fs_err *e)
{
	if (e) {
		e->code = FS_E_OK;
		e->msg[0] = '\0';
	}
}

const char *fs_err_name(int code)
{
	return fs_enum_name(&names, code, "unknown");
}
