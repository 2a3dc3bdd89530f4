/* CouchDB's view collation as binary sort keys (see collate.h).
 *
 * Layout: one tag byte per value (null 1, false 2, true 3, number 4,
 * string 5, array 6, object 7), then: a number's 8 order-preserving bytes;
 * a string's ICU sort key (which ends with 0 and holds no other 0), its
 * UTF-8 bytes and a 0; an array's elements then 0; an object's members
 * (key as a string, then value) then 0. The end marker 0 sorts below every
 * tag, so a shorter array or object comes first. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include "runner/collate.h"

enum { T_END, T_NULL, T_FALSE, T_TRUE, T_NUM, T_STR, T_ARR, T_OBJ };

/* ICU is opened on first use, not linked: only the view runner collates, and
 * linking it (with the C++ runtime it needs) cost every fsstudio process
 * about 2.7 MB of memory and a share of its start-up, for `tree` as much as
 * for the studio. The names are ICU's versioned ones (ucol_open is a macro
 * for ucol_open_72), so the library we load is the one we compiled against. */
#define FS_STR2(x) #x
#define FS_STR(x) FS_STR2(x)
#define ICU_LIB "libicui18n.so." FS_STR(U_ICU_VERSION_MAJOR_NUM)

static struct {
	UCollator *(*open)(const char *, UErrorCode *);
	void (*close)(UCollator *);
	int32_t (*sort_key)(const UCollator *, const UChar *, int32_t, uint8_t *, int32_t);
	UChar *(*from_utf8)(UChar *, int32_t, int32_t *, const char *, int32_t, UErrorCode *);
} icu;
static pthread_once_t icu_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t coll_lock = PTHREAD_MUTEX_INITIALIZER;
static UCollator *coll;

static void icu_load(void)
{
	void *h = dlopen(ICU_LIB, RTLD_LAZY | RTLD_LOCAL);  /* as libcurl: see curlfn.c */
	if (!h)
		return;
	*(void **)&icu.close = dlsym(h, FS_STR(ucol_close));
	*(void **)&icu.sort_key = dlsym(h, FS_STR(ucol_getSortKey));
	*(void **)&icu.from_utf8 = dlsym(h, FS_STR(u_strFromUTF8));
	if (icu.close && icu.sort_key && icu.from_utf8)
		*(void **)&icu.open = dlsym(h, FS_STR(ucol_open));
}

int fs_collate_icu(void)
{
	pthread_once(&icu_once, icu_load);
	return icu.open != NULL;
}

static UCollator *collator(void)
{
	UErrorCode st = U_ZERO_ERROR;
	if (!fs_collate_icu())
		return NULL;
	pthread_mutex_lock(&coll_lock);
	if (!coll) {
		/* "" is the root locale: the one CouchDB opens */
		coll = icu.open("", &st);
		if (U_FAILURE(st))
			coll = NULL;
	}
	pthread_mutex_unlock(&coll_lock);
	return coll;
}

void fs_collate_done(void)
{
	pthread_mutex_lock(&coll_lock);
	if (coll)
		icu.close(coll);
	coll = NULL;
	pthread_mutex_unlock(&coll_lock);
}

/* The ICU part of a string's key; without a collator (no ICU data), bytes. */
static void icu_key(const char *s, fs_buf *out)
{
	UErrorCode st = U_ZERO_ERROR;
	UCollator *c = collator();
	int32_t n16 = 0;
	if (!c)
		return;
	icu.from_utf8(NULL, 0, &n16, s, -1, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return;
	UChar small[256], *u = n16 < 256 ? small : fs_xmalloc((n16 + 1) * sizeof(UChar));
	st = U_ZERO_ERROR;
	icu.from_utf8(u, n16 + 1, NULL, s, -1, &st);
	if (U_SUCCESS(st)) {
		int32_t want = icu.sort_key(c, u, n16, NULL, 0);
		fs_buf_grow(out, want);
		icu.sort_key(c, u, n16, (uint8_t *)out->data + out->len, want);
		out->len += want - 1; /* the key's own terminating 0 is added below */
		out->data[out->len] = 0;
	}
	if (u != small)
		free(u);
}

void fs_collate_key_str(const char *s, fs_buf *out)
{
	icu_key(s, out);
	fs_buf_addc(out, 0);
	fs_buf_adds(out, s);
	fs_buf_addc(out, 0);
}

/* Doubles as 8 big-endian bytes that sort as the numbers do: flip the sign
 * bit of positives, every bit of negatives. -0 is 0, as in CouchDB. */
static void num_key(double d, fs_buf *out)
{
	uint64_t u;
	unsigned char b[8];
	if (d == 0)
		d = 0;
	memcpy(&u, &d, 8);
	u = (u >> 63) ? ~u : u | (1ULL << 63);
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (56 - 8 * i));
	fs_buf_add(out, b, 8);
}

void fs_collate_key(const cJSON *v, fs_buf *out)
{
	const cJSON *x;
	if (!v || cJSON_IsNull(v) || cJSON_IsInvalid(v)) {
		fs_buf_addc(out, T_NULL);
	} else if (cJSON_IsFalse(v)) {
		fs_buf_addc(out, T_FALSE);
	} else if (cJSON_IsTrue(v)) {
		fs_buf_addc(out, T_TRUE);
	} else if (cJSON_IsNumber(v)) {
		fs_buf_addc(out, T_NUM);
		num_key(v->valuedouble, out);
	} else if (cJSON_IsString(v)) {
		fs_buf_addc(out, T_STR);
		fs_collate_key_str(v->valuestring, out);
	} else {
		fs_buf_addc(out, cJSON_IsArray(v) ? T_ARR : T_OBJ);
		for (x = v->child; x; x = x->next) {
			if (!cJSON_IsArray(v)) {
				fs_buf_addc(out, T_STR);
				fs_collate_key_str(x->string ? x->string : "", out);
			}
			fs_collate_key(x, out);
		}
		fs_buf_addc(out, T_END);
	}
}

int fs_collate_keycmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;     /* an empty key may have no buffer */
	if (r)
		return r < 0 ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

int fs_collate(const cJSON *a, const cJSON *b)
{
	fs_buf ka = FS_BUF_INIT, kb = FS_BUF_INIT;
	fs_collate_key(a, &ka);
	fs_collate_key(b, &kb);
	int r = fs_collate_keycmp(ka.data, ka.len, kb.data, kb.len);
	fs_buf_free(&ka);
	fs_buf_free(&kb);
	return r;
}
