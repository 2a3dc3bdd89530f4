/* CouchDB's built-in reduce functions (see reduce.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "runner/collate.h"
#include "runner/reduce.h"

int fs_reduce_is_builtin(const char *name)
{
	return name && (!strcmp(name, "_count") || !strcmp(name, "_sum") ||
			!strcmp(name, "_stats") || !strcmp(name, "_approx_count_distinct"));
}

/* ---- _sum ---- */

static cJSON *sum_add(cJSON *acc, const cJSON *v, fs_err *e);

/* acc (an array) += v (an array): element by element, the longer's extra
 * elements kept. */
static cJSON *sum_arrays(cJSON *acc, const cJSON *v, fs_err *e)
{
	cJSON *a = acc->child;
	for (const cJSON *x = v->child; x; x = x->next) {
		if (!cJSON_IsNumber(x)) {
			cJSON_Delete(acc);
			fs_err_set(e, FS_E_INVALID, "_sum: arrays must hold numbers only");
			return NULL;
		}
		if (a) {
			cJSON_SetNumberValue(a, a->valuedouble + x->valuedouble);
			a = a->next;
		} else {
			cJSON_AddItemToArray(acc, cJSON_CreateNumber(x->valuedouble));
		}
	}
	return acc;
}

static cJSON *sum_objects(cJSON *acc, const cJSON *v, fs_err *e)
{
	for (const cJSON *x = v->child; x; x = x->next) {
		cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(acc, x->string);
		cJSON *n = old ? sum_add(old, x, e) : cJSON_Duplicate(x, 1);
		if (!n) {
			cJSON_Delete(acc);
			return NULL;
		}
		cJSON_AddItemToObject(acc, x->string, n);
	}
	return acc;
}

static cJSON *sum_error(cJSON *acc, fs_err *e)
{
	cJSON_Delete(acc);
	fs_err_set(e, FS_E_INVALID, "_sum requires map values to be numbers, arrays of numbers or "
		   "objects (objects cannot be mixed with other values)");
	return NULL;
}

/* Returns acc + v (acc is consumed). A number meets an array as a
 * one-element array, the way CouchDB's sum_values does. */
static cJSON *sum_add(cJSON *acc, const cJSON *v, fs_err *e)
{
	if (cJSON_IsNumber(acc) && cJSON_IsNumber(v)) {
		cJSON_SetNumberValue(acc, acc->valuedouble + v->valuedouble);
		return acc;
	}
	if (cJSON_IsNumber(acc) && cJSON_IsArray(v)) {
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, acc);
		return sum_arrays(a, v, e);
	}
	if (cJSON_IsArray(acc) && cJSON_IsNumber(v)) {
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateNumber(v->valuedouble));
		acc = sum_arrays(acc, a, e);
		cJSON_Delete(a);
		return acc;
	}
	if (cJSON_IsArray(acc) && cJSON_IsArray(v))
		return sum_arrays(acc, v, e);
	if (cJSON_IsObject(acc) && cJSON_IsObject(v))
		return sum_objects(acc, v, e);
	return sum_error(acc, e);
}

static cJSON *reduce_sum(cJSON *const *values, size_t n, fs_err *e)
{
	cJSON *acc = cJSON_CreateNumber(0);
	for (size_t i = 0; i < n && acc; i++) {
		const cJSON *v = values[i];
		if (cJSON_IsObject(v) && cJSON_IsNumber(acc) && acc->valuedouble == 0 && i == 0) {
			cJSON_Delete(acc);
			acc = cJSON_CreateObject();
		}
		if (!cJSON_IsNumber(v) && !cJSON_IsArray(v) && !cJSON_IsObject(v))
			return sum_error(acc, e);
		acc = sum_add(acc, v, e);
	}
	return acc;
}

/* ---- _stats ---- */

typedef struct stats {
	double sum, count, min, max, sumsqr;
} stats;

static cJSON *stats_json(const stats *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "sum", s->sum);
	cJSON_AddNumberToObject(o, "count", s->count);
	cJSON_AddNumberToObject(o, "min", s->min);
	cJSON_AddNumberToObject(o, "max", s->max);
	cJSON_AddNumberToObject(o, "sumsqr", s->sumsqr);
	return o;
}

/* A value as stats: a number, or an object already holding the five
 * members (a rereduce, or a map that emits pre-aggregated stats). */
static int stats_of(const cJSON *v, stats *s)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		*s = (stats){ d, 1, d, d, d * d };
		return 0;
	}
	const char *names[5] = { "sum", "count", "min", "max", "sumsqr" };
	double *f[5] = { &s->sum, &s->count, &s->min, &s->max, &s->sumsqr };
	for (int i = 0; i < 5; i++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, names[i]);
		if (!cJSON_IsObject(v) || !cJSON_IsNumber(m))
			return -1;
		*f[i] = m->valuedouble;
	}
	return 0;
}

static void stats_merge(stats *a, const stats *b)
{
	a->sum += b->sum;
	a->count += b->count;
	a->min = fmin(a->min, b->min);
	a->max = fmax(a->max, b->max);
	a->sumsqr += b->sumsqr;
}

static cJSON *stats_error(fs_err *e)
{
	fs_err_set(e, FS_E_INVALID, "_stats requires map values to be numbers or arrays of numbers");
	return NULL;
}

/* Arrays of numbers give an array of stats, element by element. */
static cJSON *reduce_stats(cJSON *const *values, size_t n, fs_err *e)
{
	stats *acc = NULL;
	size_t nacc = 0;
	int arrays = n && cJSON_IsArray(values[0]);
	for (size_t i = 0; i < n; i++) {
		const cJSON *v = values[i];
		size_t k = arrays ? (size_t)cJSON_GetArraySize(v) : 1;
		if (arrays != cJSON_IsArray(v)) {
			free(acc);
			return stats_error(e);
		}
		if (k > nacc) {
			acc = fs_xrealloc(acc, k * sizeof *acc);
			for (size_t j = nacc; j < k; j++)
				acc[j] = (stats){ 0, 0, INFINITY, -INFINITY, 0 };
			nacc = k;
		}
		const cJSON *x = arrays ? v->child : v;
		for (size_t j = 0; j < k; j++, x = x->next) {
			stats s;
			if (stats_of(x, &s)) {
				free(acc);
				return stats_error(e);
			}
			stats_merge(&acc[j], &s);
		}
	}
	cJSON *out;
	if (arrays) {
		out = cJSON_CreateArray();
		for (size_t j = 0; j < nacc; j++)
			cJSON_AddItemToArray(out, stats_json(&acc[j]));
	} else {
		stats none = { 0, 0, 0, 0, 0 };
		out = stats_json(nacc ? &acc[0] : &none);
	}
	free(acc);
	return out;
}

/* ---- _approx_count_distinct: exact ---- */

static int cmp_bufs(const void *a, const void *b)
{
	const fs_buf *x = a, *y = b;
	return fs_collate_keycmp(x->data, x->len, y->data, y->len);
}

static cJSON *count_distinct(cJSON *const *keys, size_t n)
{
	fs_buf *k = fs_xcalloc(n ? n : 1, sizeof *k);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		fs_collate_key(keys[i], &k[i]);
	qsort(k, n, sizeof *k, cmp_bufs);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || cmp_bufs(&k[i - 1], &k[i]))
			distinct++;
	for (size_t i = 0; i < n; i++)
		fs_buf_free(&k[i]);
	free(k);
	return cJSON_CreateNumber((double)distinct);
}

cJSON *fs_reduce_builtin(const char *name, cJSON *const *keys, cJSON *const *values,
			 size_t n, int rereduce, fs_err *e)
{
	if (!strcmp(name, "_count")) {
		double c = 0;
		for (size_t i = 0; i < n; i++)
			c += rereduce ? values[i]->valuedouble : 1;
		return cJSON_CreateNumber(c);
	}
	if (!strcmp(name, "_sum"))
		return reduce_sum(values, n, e);
	if (!strcmp(name, "_stats"))
		return reduce_stats(values, n, e);
	if (!strcmp(name, "_approx_count_distinct")) {
		if (rereduce) {
			fs_err_set(e, FS_E_UNSUPPORTED, "_approx_count_distinct is computed in one pass");
			return NULL;
		}
		return count_distinct(keys, n);
	}
	fs_err_set(e, FS_E_INVALID, "unknown built-in reduce '%s'", name);
	return NULL;
}
