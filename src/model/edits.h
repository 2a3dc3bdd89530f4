/* The object-edit log: every edit the studio makes, as an object operation
 * (set this function's text, set that property, rename, delete, create,
 * copy) with the object's path and the value it was made on (the base).
 *
 * When a file changed on disk since it was read, the project is read again
 * and the log is re-applied to it (a rebase): an operation on an object that
 * did not change on disk goes through; an object changed on both sides is a
 * conflict, returned as data with both versions for the user to choose. So
 * an edit made elsewhere (another fsstudio, a script, git) is never written
 * over, and our own unsaved edits are never dropped silently. */
#ifndef FS_EDITS_H
#define FS_EDITS_H

#include <cjson/cJSON.h>
#include "base/buf.h"
#include "model/project.h"

#define FS_OP_LIST(_) \
	_(TEXT,   "text") \
	_(PROP,   "prop") \
	_(RENAME, "rename") \
	_(DELETE, "delete") \
	_(NEW,    "new") \
	_(COPY,   "copy")

typedef enum fs_op_kind {
#define FS_OP_ENUM(k, n) FS_OP_##k,
	FS_OP_LIST(FS_OP_ENUM)
#undef FS_OP_ENUM
	FS_OP_COUNT
} fs_op_kind;

/* One operation. path names the object (NEW: the parent; COPY: the source).
 *   TEXT   value: the function's new text
 *   PROP   key, value (NULL removes the property)
 *   RENAME value: the new name (goes through whatever else changed)
 *   DELETE -
 *   NEW    okind, key: the variant (may be NULL), value: the name
 *   COPY   key: the destination parent's path, value: the name; from:
 *          the folder of the source's project when it is another one
 * base is what the object held when the edit was made, in the terms the
 * rebase compares: TEXT the function's text, PROP the property (NULL when
 * absent), RENAME the object's text, DELETE the text of the object and all
 * it holds; NULL for NEW and COPY. */
typedef struct fs_op {
	fs_op_kind kind;
	fs_kind okind;
	char *path, *key, *value, *base, *from;
	int has_base;        /* PROP: base is meaningful even when NULL */
} fs_op;

typedef struct fs_edits {
	fs_op *v;
	size_t n;
} fs_edits;

/* The model's edit functions, recorded: on success the operation is added
 * to log (log may be NULL: then they only edit). A text or property set
 * again on the same object as the last operation updates that operation,
 * so typing in the editor makes one operation, not one per key. */
int fs_edit_fn_text(fs_edits *log, fs_obj *fn, const char *text, fs_err *e);
int fs_edit_set_prop(fs_edits *log, fs_obj *o, const char *key, const char *value, fs_err *e);
int fs_edit_rename(fs_edits *log, fs_obj *o, const char *name, fs_err *e);
int fs_edit_delete(fs_edits *log, fs_obj *o, fs_err *e);
int fs_edit_new(fs_edits *log, fs_obj *parent, fs_kind kind, const char *name, const char *variant,
		fs_obj **out, fs_err *e);
int fs_edit_copy(fs_edits *log, fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e);

void fs_edits_clear(fs_edits *log);
void fs_op_free(fs_op *op);
/* One line for messages: "set the text of conn/dd/v/map". Caller frees. */
char *fs_op_describe(const fs_op *op);

/* An operation that could not go through: both versions. mine is NULL when
 * our edit deleted the object, theirs when the disk no longer has it. */
typedef struct fs_conflict {
	fs_op op;            /* the operation (owned copy) */
	char *mine, *theirs;
	char *why;           /* one plain sentence */
} fs_conflict;

typedef struct fs_conflicts {
	fs_conflict *v;
	size_t n;
} fs_conflicts;

void fs_conflict_free(fs_conflict *c);
void fs_conflicts_free(fs_conflicts *c);

/* Re-applies log, in order, to fresh (the project just read from disk).
 * Operations that go through are applied and added to kept with their base
 * set to what fresh held (the log of fresh's unsaved edits); those already
 * on disk are dropped; the others are left out and described in conflicts.
 * An object renamed on disk but otherwise unchanged is followed under its
 * new name. Returns the number of operations applied. */
size_t fs_edits_rebase(const fs_edits *log, fs_project *fresh, fs_edits *kept, fs_conflicts *conflicts);

/* "Keep mine": applies a conflict's operation whatever the disk holds, and
 * records it in log. Fails when the object is gone (nothing to apply to). */
enum fs_err_code fs_conflict_keep_mine(const fs_conflict *c, fs_project *p, fs_edits *log, fs_err *e);

/* The log as JSON (for the recovery file) and back. */
cJSON *fs_edits_json(const fs_edits *log);
enum fs_err_code fs_edits_from_json(fs_edits *log, const cJSON *j, fs_err *e);

/* ---- what was read --------------------------------------------------------- */

/* Fingerprints of the files as p read them: {relpath: SHA-256}, for the
 * recovery file (the state its edits were made on). Whether a loaded
 * model's folder moved on is fs_project_changed_files (project.h). */
cJSON *fs_project_fingerprints(fs_project *p);
/* The files of dir whose content is not what fp says (a file that is gone
 * counts). Appends their relpaths to names ("a, b"); returns how many. */
size_t fs_fingerprints_moved(const cJSON *fp, const char *dir, fs_buf *names);

#endif
