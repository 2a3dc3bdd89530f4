/* Growable arrays: see array.h. */
#include "base/array.h"
#include "base/buf.h"

/* The room an array of n elements has: 0, or a power of two >= 8. */
static size_t room(size_t n)
{
	size_t r = 8;
	if (!n)
		return 0;
	while (r < n)
		r *= 2;
	return r;
}

void *fs_array_grow(void *v, size_t n, size_t add, size_t elem)
{
	size_t want = room(n + add);
	if (v && want == room(n))
		return v;
	return fs_xrealloc(v, want * elem);
}
