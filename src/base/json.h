/* The one set of cJSON helpers: parsing with a located error, typed getters
 * that never crash on a missing or mistyped member, a deep semantic compare,
 * canonical serialization and its hash (what deploy compares and records), and
 * pretty printing for the screen and files. */
#ifndef FS_JSON_H
#define FS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "base/buf.h"
#include "base/sha256.h"      /* fs_json_hash's hash, for its callers */

/* Parses exactly one JSON value (trailing blanks allowed). On failure sets
 * FS_E_PARSE with "line L, column C: <what>" and returns NULL. `what` names
 * the text in the message ("response of GET /db"), may be NULL. A string
 * holding a NUL character (\u0000) is refused the same way: cJSON's strings
 * end at the first NUL, and a string cut there silently would lose the rest
 * (a function pulled from a server, a document shown or written back). */
cJSON *fs_json_parse(const char *text, size_t len, const char *what, fs_err *e);

/* Typed getters: the member `key` of object `o` when it has that type, else
 * the default. o may be NULL. */
const char *fs_json_str(const cJSON *o, const char *key);          /* NULL */
double fs_json_num(const cJSON *o, const char *key, double def);
long long fs_json_int(const cJSON *o, const char *key, long long def);
int fs_json_bool(const cJSON *o, const char *key, int def);          /* true/false only */
cJSON *fs_json_obj(const cJSON *o, const char *key);               /* NULL */
cJSON *fs_json_arr(const cJSON *o, const char *key);               /* NULL */
/* Adds key: v, or key: null when v is NULL (absent in C, null in JSON). */
void fs_json_add_str(cJSON *o, const char *key, const char *v);
/* A member by a dotted path ("views.by_name.map"); NULL when absent. Keys
 * containing dots cannot be reached this way: use cJSON_GetObjectItem. */
cJSON *fs_json_path(const cJSON *o, const char *path);

/* Deep semantic equality: object member order does not matter, numbers are
 * compared by value (1 == 1.0), strings byte for byte. `ignore` is a
 * NULL-terminated list of top-level keys to skip in both (e.g. "_rev" and the
 * deploy marker), may be NULL. Returns 1 when equal. */
int fs_json_equal(const cJSON *a, const cJSON *b, const char *const *ignore);

/* Canonical form: no whitespace, object members sorted by key (bytewise),
 * numbers in their shortest round-trip form (integers without fraction),
 * strings with only the mandatory escapes (UTF-8 kept). Equal values (per
 * fs_json_equal) give equal bytes. `ignore` as above. Caller frees. */
char *fs_json_canonical(const cJSON *v, const char *const *ignore);
/* SHA-256 of the canonical form, as 64 lowercase hex digits + NUL. */
void fs_json_hash(const cJSON *v, const char *const *ignore, char out[65]);

/* The JSON writers (never cJSON_Print*): members in document order, numbers
 * in their shortest round-trip form. Caller frees.
 *   compact: no whitespace (request bodies, one-line values);
 *   pretty: FS_JSON_INDENT spaces per level and one trailing newline (the
 *   screen, files, the CLI's output). */
#define FS_JSON_INDENT 2
char *fs_json_compact(const cJSON *v);
/* indent spaces per level (0: compact); FS_JSON_INDENT is the studio's. */
char *fs_json_pretty(const cJSON *v, int indent);
/* Appends the JSON text of v (compact) to b. */
void fs_json_append(fs_buf *b, const cJSON *v);
/* Appends a JSON string literal (quoted, escaped) to b. */
void fs_json_append_str(fs_buf *b, const char *s);
/* The same; slash_too also writes '/' as "\/", the way Convertigo's
 * (Java org.json) writer does, so files we rewrite stay byte-identical. */
void fs_json_quote(fs_buf *b, const char *s, bool slash_too);

/* Walks the leaves of an object by their slash paths ("views/by_site/map"):
 * strings, numbers, arrays, empty objects; non-empty objects are walked.
 * Top-level keys in `ignore` (NULL-terminated, may be NULL) are skipped.
 * How a design document is shown function by function. */
typedef void (*fs_json_leaf_fn)(void *ctx, const char *path, const cJSON *value);
void fs_json_leaves(const cJSON *v, const char *const *ignore, fs_json_leaf_fn fn, void *ctx);

#endif
