/* Database permissions: the security object of a database (who administers
 * it, who may read and write it) as a feature of its own. Document commands
 * never reach it (couch/path.h refuses the reserved id _security); these
 * functions read it, change it entry by entry, show a change as a diff and
 * write it only when it is what was read and, for a database left without
 * members (public: anyone who reaches the server may read it), only when the
 * caller says so.
 *
 * A security object is {"admins": {"names": [...], "roles": [...]},
 * "members": {"names": [...], "roles": [...]}}; other members of it are kept
 * as they are. */
#ifndef FS_SECURITY_H
#define FS_SECURITY_H

#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/err.h"
#include "couch/couch.h"

/* GET /db/_security, checked and completed to the full shape (missing lists
 * become empty ones). An answer of another shape is FS_E_SERVER. */
enum fs_err_code fs_security_get(fs_couch *c, const char *db, cJSON **out, fs_err *e);
/* A copy of sec in the full shape; FS_E_INVALID (sentence naming `what`,
 * e.g. a file name) when sec is not a security object: lists must be arrays
 * of non-empty strings. */
enum fs_err_code fs_security_normalize(const cJSON *sec, const char *what, cJSON **out, fs_err *e);

/* Adds (add 1) or removes a name or a role: who is "admins" or "members",
 * kind "names" or "roles". Adding what is there or removing what is not
 * changes nothing. FS_E_INVALID for an empty value. */
enum fs_err_code fs_security_change(cJSON *sec, const char *who, const char *kind, const char *value,
		       int add, fs_err *e);
/* 1 when no member name or role is set: the database is public. */
int fs_security_is_public(const cJSON *sec);

/* One line per entry ("members  role  staff"), for showing and diffing. */
void fs_security_format(const cJSON *sec, fs_buf *out);
/* The change from old to new as a unified diff of their formats (empty when
 * equal). */
void fs_security_diff(const cJSON *old, const cJSON *new, fs_buf *out);

/* Writes new as the security object of db. Refused (FS_E_INVALID) when new
 * leaves the database public and allow_public is 0; FS_E_CONFLICT when the
 * server's object is no longer `old` (someone changed it since it was read). */
enum fs_err_code fs_security_put(fs_couch *c, const char *db, const cJSON *old, const cJSON *new,
		    int allow_public, fs_err *e);

/* A profile's list "alice, bob, role:staff" as {"names": [...], "roles": [...]}
 * (what deploy sets on the databases it creates). FS_E_PARSE naming `what`
 * on an empty entry. */
enum fs_err_code fs_security_parse_list(const char *text, const char *what, cJSON **out, fs_err *e);

#endif
