/* CouchDB's built-in reduce functions, on JSON values.
 *
 * _count counts values (sums counts on rereduce); _sum adds numbers, arrays
 * of numbers element by element (a number counting as a one-element array)
 * and objects member by member, recursively; _stats gives {sum, count, min,
 * max, sumsqr} of numbers (an array of them for arrays of numbers) and
 * merges such objects; _approx_count_distinct counts distinct keys. CouchDB
 * estimates that count with HyperLogLog: the local runner counts exactly. */
#ifndef FS_REDUCE_H
#define FS_REDUCE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"

/* 1 when name is one of the four built-ins. */
int fs_reduce_is_builtin(const char *name);
/* Reduces n values (keys are used by _approx_count_distinct only; on
 * rereduce values are earlier results). Returns a new value, or NULL with
 * e set (a value _sum or _stats cannot add). */
cJSON *fs_reduce_builtin(const char *name, cJSON *const *keys, cJSON *const *values,
			 size_t n, int rereduce, fs_err *e);

#endif
