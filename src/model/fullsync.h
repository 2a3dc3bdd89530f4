/* Convertigo FullSync data semantics: the post policies of the PostDocument
 * transaction (none, create, override, merge with per-path rules), ACL
 * tagging (~c8oAcl owner, c8oGrp groups) and the "view as user" rule the
 * engine applies when it decides which documents a user receives.
 *
 * The pure parts (merge, tagging, visibility) work on cJSON values; the post
 * and group lookups talk to a server through fs_couch. */
#ifndef FS_FULLSYNC_H
#define FS_FULLSYNC_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "couch/couch.h"

#define FS_ACL_KEY "~c8oAcl"
#define FS_GRP_KEY "c8oGrp"

/* _(ID, name) */
#define FS_POLICY_LIST(_) \
	_(NONE,     "none") \
	_(CREATE,   "create") \
	_(OVERRIDE, "override") \
	_(MERGE,    "merge")

typedef enum fs_policy {
#define FS_POLICY_ENUM(id, name) FS_POLICY_##id,
	FS_POLICY_LIST(FS_POLICY_ENUM)
#undef FS_POLICY_ENUM
	FS_POLICY_COUNT
} fs_policy;

/* -1 when unknown. */
int fs_policy_by_name(const char *name);
const char *fs_policy_name(int p);

/* Per-path merge rules: {"a.b": "override" | "delete" | "append" | "prepend"}. */
#define FS_MERGE_OP_LIST(_) \
	_(OVERRIDE, "override") \
	_(DELETE,   "delete") \
	_(APPEND,   "append") \
	_(PREPEND,  "prepend")

typedef enum fs_merge_op {
#define FS_MERGE_OP_ENUM(id, name) FS_MERGE_##id,
	FS_MERGE_OP_LIST(FS_MERGE_OP_ENUM)
#undef FS_MERGE_OP_ENUM
	FS_MERGE_OP_COUNT
} fs_merge_op;

typedef struct fs_merge_rule {
	char *path;          /* keys joined with the separator; array indexes as numbers */
	fs_merge_op op;
} fs_merge_rule;

typedef struct fs_merge_rules {
	fs_merge_rule *v;
	size_t n;
	char sep;            /* '.' by default */
} fs_merge_rules;

/* Parses a rules object. sep 0 means '.'. FS_E_INVALID names the bad rule. */
enum fs_err_code fs_merge_rules_parse(const cJSON *obj, char sep, fs_merge_rules *out, fs_err *e);
void fs_merge_rules_free(fs_merge_rules *r);

/* Merges src into dst in place, the Convertigo way: values of src win,
 * members only in dst are kept, objects merge recursively, arrays merge by
 * index (objects at the same index merge, other elements are replaced, extra
 * old elements are kept). A rule on a path changes what happens there:
 * override replaces the whole value, delete removes the member (the posted
 * value only marks it), append/prepend concatenate arrays (a non-array value
 * counts as a one-element array). rules may be NULL. */
void fs_fullsync_merge(cJSON *dst, const cJSON *src, const fs_merge_rules *rules);

/* ACL tagging. owner NULL makes the document anonymous for its owner
 * (~c8oAcl removed); groups (n may be 0) set c8oGrp: a string for one group,
 * an object of true for several; n == 0 leaves c8oGrp as it is. */
void fs_acl_tag(cJSON *doc, const char *owner, const char *const *groups, size_t n);
/* 1 when a group member value counts (true or "true"). */
int fs_acl_group_on(const cJSON *v);
/* The engine's rule: a user receives a document when it is anonymous
 * (neither ~c8oAcl nor c8oGrp), its ~c8oAcl is the user, or the user belongs
 * to one of its groups. Design documents are received by everyone. */
int fs_acl_visible(const cJSON *doc, const char *user, const char *const *groups, size_t n);

/* A list of strings (groups of a user). */
typedef struct fs_strv {
	char **v;
	size_t n;
} fs_strv;
void fs_strv_add(fs_strv *s, const char *str);
int fs_strv_has(const fs_strv *s, const char *str);
void fs_strv_free(fs_strv *s);

/* The groups of `user` from a lib_FullSyncGrp-style database: documents
 * {"type": "c8oGrp", "user": U, "group": G}. Reads the database in pages. */
enum fs_err_code fs_fullsync_user_groups(fs_couch *c, const char *grpdb, const char *user,
			    fs_strv *out, fs_err *e);

typedef struct fs_post_opts {
	fs_policy policy;
	const fs_merge_rules *rules;     /* merge only; may be NULL */
	int acl;                         /* 1: apply owner and groups below */
	const char *owner;               /* NULL: anonymous */
	const char *const *groups;
	size_t ngroups;
} fs_post_opts;

/* Writes doc to db under a policy:
 *   none      as given (the caller's _rev; a wrong one is a conflict)
 *   create    always a new document: _id and _rev dropped
 *   override  replaces the stored document (_rev looked up; 404 creates)
 *   merge     merges into the stored document (404 creates)
 * override and merge retry a few times when someone writes in between.
 * id_out and rev_out (may be NULL) get the result; caller frees. */
enum fs_err_code fs_fullsync_post(fs_couch *c, const char *db, const cJSON *doc, const fs_post_opts *o,
		     char **id_out, char **rev_out, fs_err *e);

#endif
