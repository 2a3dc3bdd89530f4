/* Growable arrays, as tig's allocators: the capacity is implied by the
 * count (the next power of two, at least 8), so an array is just a pointer
 * and a count, and appending one element at a time stays linear instead of
 * a realloc per element. */
#ifndef FS_ARRAY_H
#define FS_ARRAY_H

#include <stddef.h>

/* Room for n + add elements of elem bytes in v, which holds n (and was
 * grown by this function, or is NULL). Returns the possibly moved array;
 * out of memory aborts (buf.h). */
void *fs_array_grow(void *v, size_t n, size_t add, size_t elem);

/* Appends one element to array v of count n and gives it (an lvalue):
 *   FS_ARRAY_ADD(d->log, d->nlog) = line; */
#define FS_ARRAY_ADD(v, n) \
	(*((v) = fs_array_grow((v), (n), 1, sizeof *(v)), &(v)[(n)++]))

#endif
