/* One error type for the whole core: a code from the list below and a plain
 * sentence for the user. Every fallible core function takes an fs_err * (may
 * be NULL) and returns an enum fs_err_code: FS_E_OK (0) on success, else the
 * code also set in *e. A function that returns a count or an index stays
 * int, so the return type says which kind a caller holds. */
#ifndef FS_ERR_H
#define FS_ERR_H

#include <stdarg.h>

/* X-macro: code, short name (used in --json output). */
#define FS_ERR_LIST(_) \
	_(OK,        "ok") \
	_(NOMEM,     "out-of-memory") \
	_(IO,        "io") \
	_(PARSE,     "parse") \
	_(INVALID,   "invalid") \
	_(NOTFOUND,  "not-found") \
	_(EXISTS,    "exists") \
	_(USAGE,     "usage") \
	_(HTTP,      "http") \
	_(SERVER,    "server") \
	_(AUTH,      "auth") \
	_(CONFLICT,  "conflict") \
	_(DRIFT,     "drift") \
	_(TIMEOUT,   "timeout") \
	_(CANCELLED, "cancelled") \
	_(GIT,       "git") \
	_(JS,        "javascript") \
	_(UNSUPPORTED, "unsupported") \
	_(LOCKED,    "locked") \
	_(STALE,     "changed-on-disk")

enum fs_err_code {
#define FS_ERR_ENUM(code, name) FS_E_##code,
	FS_ERR_LIST(FS_ERR_ENUM)
#undef FS_ERR_ENUM
	FS_E_COUNT
};

typedef struct fs_err {
	enum fs_err_code code;
	char msg[1024];
} fs_err;

/* Sets *e (when e is not NULL) and returns code, so callers can write
 * `return fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));`. */
enum fs_err_code fs_err_set(fs_err *e, enum fs_err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum fs_err_code fs_err_vset(fs_err *e, enum fs_err_code code, const char *fmt, va_list ap);
/* Prepends "prefix: " to an existing message (keeps the code). */
enum fs_err_code fs_err_prefix(fs_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fs_err_clear(fs_err *e);
const char *fs_err_name(int code);

#endif
