/* A growable byte buffer, always NUL-terminated. Allocation failure aborts:
 * the studio cannot do anything useful without memory, and checking every
 * append would bury the logic. */
#ifndef FS_BUF_H
#define FS_BUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct fs_buf {
	char *data;
	size_t len;
	size_t cap;
} fs_buf;

#define FS_BUF_INIT { NULL, 0, 0 }

void fs_buf_grow_slow(fs_buf *b, size_t extra);
void fs_buf_add(fs_buf *b, const void *p, size_t n);
void fs_buf_adds(fs_buf *b, const char *s);

/* Inline: the readers and writers call these per character (they were 40% of
 * a project load when they were calls). */
static inline void fs_buf_grow(fs_buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		fs_buf_grow_slow(b, extra);
}

static inline void fs_buf_addc(fs_buf *b, char c)
{
	fs_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void fs_buf_printf(fs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fs_buf_vprintf(fs_buf *b, const char *fmt, va_list ap);
void fs_buf_reset(fs_buf *b);
void fs_buf_free(fs_buf *b);
/* Hands the data over to the caller (never NULL) and resets b. */
char *fs_buf_steal(fs_buf *b);
/* Empty string when nothing was added yet. */
const char *fs_buf_str(const fs_buf *b);

void *fs_xmalloc(size_t n);
void *fs_xcalloc(size_t n, size_t size);
void *fs_xrealloc(void *p, size_t n);
char *fs_xstrdup(const char *s);
char *fs_xstrndup(const char *s, size_t n);
char *fs_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
