#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"

static void oom(void)
{
	fputs("fsstudio: out of memory\n", stderr);
	abort();
}

void *fs_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *fs_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *fs_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *fs_xstrdup(const char *s)
{
	return fs_xstrndup(s, strlen(s));
}

char *fs_xstrndup(const char *s, size_t n)
{
	char *p = fs_xmalloc(n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *fs_xasprintf(const char *fmt, ...)
{
	fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return fs_buf_steal(&b);
}

void fs_buf_grow_slow(fs_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = fs_xrealloc(b->data, cap);
	b->cap = cap;
}

void fs_buf_add(fs_buf *b, const void *p, size_t n)
{
	fs_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void fs_buf_adds(fs_buf *b, const char *s)
{
	fs_buf_add(b, s, strlen(s));
}

void fs_buf_vprintf(fs_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	fs_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void fs_buf_printf(fs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void fs_buf_reset(fs_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void fs_buf_free(fs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *fs_buf_steal(fs_buf *b)
{
	char *p = b->data ? b->data : fs_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *fs_buf_str(const fs_buf *b)
{
	return b->data ? b->data : "";
}
