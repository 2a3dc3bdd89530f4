/* CouchDB's view collation: the order of keys in a view.
 *
 * null < false < true < numbers < strings < arrays < objects. Numbers by
 * value; strings by the ICU root collation, as CouchDB's couch_ejson_compare
 * does (so "a" < "A" < "aa" < "b", punctuation before digits before
 * letters), not by bytes; arrays element by element, a shorter prefix
 * first; objects member by member (key, then value) in their order.
 *
 * The order is defined once, as a binary sort key: two values compare as
 * memcmp of their keys. Sorting 100,000 rows then costs one ICU call per
 * string instead of one per comparison. */
#ifndef FS_COLLATE_H
#define FS_COLLATE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/buf.h"

/* Appends the sort key of v (NULL counts as null) to out. Keys are
 * prefix-free, so the keys of a sequence of values can be concatenated
 * and still compare element by element. */
void fs_collate_key(const cJSON *v, fs_buf *out);
/* The sort key of a string alone (ICU root collation, bytes breaking ties
 * between strings ICU finds equal, so that the order never depends on the
 * order of the rows). */
void fs_collate_key_str(const char *s, fs_buf *out);
/* memcmp of two sort keys, the shorter first when one is a prefix. */
int fs_collate_keycmp(const void *a, size_t alen, const void *b, size_t blen);
/* <0, 0 or >0 as a sorts before, with or after b. */
int fs_collate(const cJSON *a, const cJSON *b);
/* Releases the collator (for leak checkers; it is opened on first use). */
void fs_collate_done(void);
/* Whether ICU could be opened (without it strings collate as bytes). */
int fs_collate_icu(void);

#endif
