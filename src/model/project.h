/* The object model of a Convertigo project, as the studio sees it.
 *
 * A project is read from c8oProject.yaml and the files it includes
 * (_c8oProject/...). Every object of the tree is an fs_obj:
 *
 *   project > connector (FullSync) > designdoc > view > function (map, reduce)
 *                                  > designdoc > function (validate_doc_update,
 *                                                filters/NAME, updates/NAME)
 *                                  > listener, transaction
 *           > sequence, other beans (kept opaque, read-only)
 *
 * Beans keep the exact text they were read from; only what is edited is
 * written anew, so a save with no change rewrites nothing and an edit of one
 * map function changes only that function's lines.
 */
#ifndef FS_PROJECT_H
#define FS_PROJECT_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"

#define FS_KIND_LIST(_) \
	_(PROJECT,     "project") \
	_(CONNECTOR,   "connector") \
	_(DDOC,        "designdoc") \
	_(VIEW,        "view") \
	_(FUNCTION,    "function") \
	_(LISTENER,    "listener") \
	_(TRANSACTION, "transaction") \
	_(SEQUENCE,    "sequence") \
	_(BEAN,        "bean")

typedef enum fs_kind {
#define FS_KIND_ENUM(k, n) FS_K_##k,
	FS_KIND_LIST(FS_KIND_ENUM)
#undef FS_KIND_ENUM
	FS_K_COUNT
} fs_kind;

/* Design-document function types. The name is also the path segment prefix. */
#define FS_FN_LIST(_) \
	_(NONE,     "") \
	_(MAP,      "map") \
	_(REDUCE,   "reduce") \
	_(VALIDATE, "validate_doc_update") \
	_(FILTER,   "filters") \
	_(UPDATE,   "updates")

typedef enum fs_fn_type {
#define FS_FN_ENUM(k, n) FS_FN_##k,
	FS_FN_LIST(FS_FN_ENUM)
#undef FS_FN_ENUM
	FS_FN_COUNT
} fs_fn_type;

typedef struct fs_project fs_project;
typedef struct fs_obj fs_obj;

/* Public, read-only view of an object; the model owns everything. */
struct fs_obj {
	fs_kind kind;
	fs_fn_type fn;       /* functions only */
	char *name;          /* bean name, view name, "map", filter name... */
	char *cls;           /* bean class without the package prefix, e.g.
				"connectors.FullSyncConnector"; NULL for views/functions */
	fs_obj *parent;
	fs_obj **kids;
	size_t nkids;
	fs_project *project;
	void *priv;          /* model internals */
};

typedef struct fs_prop {
	const char *key;
	const char *value;   /* decoded text; complex values (arrays) as raw text */
	int complex;         /* 1 when the value is not a plain text (read-only) */
} fs_prop;

/* ---- Loading and saving -------------------------------------------------- */

/* Reads a file of the project; relpath is relative to the project folder
 * ("c8oProject.yaml", "_c8oProject/connectors/x.yaml"). *data is malloc'd. */
typedef enum fs_err_code (*fs_read_fn)(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e);

/* Opens the project in dir. A malformed file gives "file:line: message"
 * ("file:line:column: message" for bytes outside the dialect: invalid UTF-8,
 * a tab in the indentation, a key that is no name). Reading is safe: what is
 * not a regular file (FIFO, device, socket), a symlink leaving the folder,
 * a file over FSSTUDIO_MAX_FILE bytes (default 64 MiB) is refused by name,
 * never opened for reading. The files are read under the project's shared
 * lock (model/lock.h); a save journal left by a crashed writer is rolled
 * forward first and our leftover temp files (*.fsstudio-XXXXXX) removed
 * (model/journal.h). The model remembers what it read from each file
 * (size, mtime, inode, the bytes; see fs_project_changed_files). */
enum fs_err_code fs_project_open(fs_project **out, const char *dir, fs_err *e);
/* Same from any store (git blobs...); label is used in messages. */
enum fs_err_code fs_project_open_with(fs_project **out, const char *label, fs_read_fn rd, void *ctx, fs_err *e);
void fs_project_free(fs_project *p);

/* The project as rd gives its files (a recovered state...), belonging to
 * the folder dir: the files of dir are what "unchanged" means, so render
 * marks the files whose text differs from dir's as changed, the files of
 * dir's project that rd's no longer includes as removed, and a save writes
 * them into dir. */
enum fs_err_code fs_project_open_overlay(fs_project **out, const char *dir, fs_read_fn rd, void *ctx, fs_err *e);
const char *fs_project_dir(const fs_project *p);   /* NULL when not from a folder */
fs_obj *fs_project_root(fs_project *p);
int fs_project_dirty(const fs_project *p);

/* The files of the project as they would be written now. */
typedef struct fs_file {
	char *relpath;
	char *data;
	size_t len;
	int changed;         /* differs from what was read */
} fs_file;
typedef struct fs_files {
	fs_file *v;
	size_t n;
	char **removed;      /* relpaths read at load that no longer belong */
	size_t nremoved;
} fs_files;
enum fs_err_code fs_project_render(fs_project *p, fs_files *out, fs_err *e);
void fs_files_free(fs_files *f);

/* Writes changed files atomically (and removes files of deleted beans).
 * Nothing is written when nothing changed. Under the project's exclusive
 * lock, every file the save would write or remove is first compared with
 * what this model read: when one changed on disk since (another program
 * wrote it), nothing is written and the save fails with FS_E_STALE and a
 * sentence naming the file(s); a read-only file (no write bit) is not
 * replaced (FS_E_IO naming it). Several files are switched in as one
 * transaction (model/journal.h): a crash leaves the old or the new project. */
enum fs_err_code fs_project_save(fs_project *p, fs_err *e);
/* Writes every file of the project into another folder. */
enum fs_err_code fs_project_save_to(fs_project *p, const char *dir, fs_err *e);

/* ---- The folder moved on ------------------------------------------------- */

/* The files read by this model (project-relative paths) that are no longer
 * what it read: modified, replaced or removed on disk since the load or the
 * last save. A stat compare (size, mtime, inode), and a content compare
 * when the stat cannot tell (a file written within 200 ms of its read).
 * Returns the count; *out is an array of strings the caller frees (each,
 * then the array). A project not from a folder has none. */
int fs_project_changed_files(fs_project *p, char ***out, size_t *n);
/* SHA-256 (hex) of what was read from relpath (or last written there);
 * -1 when the model holds no such file. */
int fs_project_file_sha256(fs_project *p, const char *relpath, char out[65]);
/* A fresh model of the same folder (what is on disk now); p is untouched:
 * the caller re-applies its unsaved edits to *fresh, then frees p. */
enum fs_err_code fs_project_reload(fs_project *p, fs_project **fresh, fs_err *e);

/* ---- Navigation --------------------------------------------------------- */

const char *fs_kind_name(fs_kind k);
const char *fs_fn_name(fs_fn_type t);
/* Slash path from the project (excluded): "conn/ddoc/view/map",
 * "conn/ddoc/filters/NAME", "conn/listener". The root's path is "". A '/' or
 * '%' inside a name is written %2F / %25. Caller frees. */
char *fs_obj_path(const fs_obj *o);
fs_obj *fs_project_find(fs_project *p, const char *path);
/* The file (relative to the project folder) that holds the object. */
const char *fs_obj_file(const fs_obj *o);
/* Nearest ancestor (or self) of the given kind. */
fs_obj *fs_obj_up(fs_obj *o, fs_kind k);
int fs_obj_editable(const fs_obj *o); /* 0 for opaque beans */

/* Canonical text of an object, for comparisons and diffs between versions:
 * a function -> its JavaScript; a view -> "map:\n...\nreduce:\n...";
 * a bean -> its properties as "key: value" lines (children excluded). */
char *fs_obj_text(const fs_obj *o);

/* ---- Properties (beans) ------------------------------------------------- */

/* Properties of a bean in file order; the array is valid until the next edit. */
size_t fs_obj_props(const fs_obj *o, const fs_prop **out);
const char *fs_obj_prop(const fs_obj *o, const char *key);  /* NULL when absent */
/* Sets a property (NULL or the default value removes the line, as Convertigo
 * does). Validates known properties (e.g. policy, chunk, targetView). */
enum fs_err_code fs_obj_set_prop(fs_obj *o, const char *key, const char *value, fs_err *e);

/* ---- Design documents --------------------------------------------------- */

/* The design document as JSON ({"_id": "_design/NAME", "views": ...}), owned
 * by the model; do not modify it, use the functions below. */
const cJSON *fs_ddoc_json(const fs_obj *ddoc);
/* Database name of a FullSync connector. */
const char *fs_connector_db(const fs_obj *conn);
/* JavaScript of a function object (or a built-in reduce name like "_count"). */
const char *fs_fn_text(const fs_obj *fn);
enum fs_err_code fs_fn_set_text(fs_obj *fn, const char *text, fs_err *e);
/* Replaces a whole design document (pull from a server). */
enum fs_err_code fs_ddoc_set_json(fs_obj *ddoc, const cJSON *doc, fs_err *e);

/* ---- Operations --------------------------------------------------------- */

/* Creates an object under parent. variant: listener/transaction class
 * ("couchdb.FullSyncListener", "transactions.couchdb.PostDocumentTransaction"),
 * function type name ("reduce", "validate_doc_update", "filters", "updates");
 * NULL for a default. Names are validated (connector names follow
 * ^[a-z][a-z0-9_$()+/-]*$, siblings unique). */
enum fs_err_code fs_obj_new(fs_obj *parent, fs_kind kind, const char *name, const char *variant,
	       fs_obj **out, fs_err *e);
/* Renames and keeps references in step (listener targetView, GetView
 * viewname, design document _id). */
enum fs_err_code fs_obj_rename(fs_obj *o, const char *name, fs_err *e);
enum fs_err_code fs_obj_delete(fs_obj *o, fs_err *e);
/* Deep copy under a parent (same kind of parent) with a new name. */
int fs_obj_copy(fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e);

/* ---- Checks ------------------------------------------------------------- */

typedef struct fs_issue {
	char *path;      /* object path */
	int warning;     /* 1 warning, 0 error */
	char *message;
} fs_issue;
typedef struct fs_issues {
	fs_issue *v;
	size_t n;
} fs_issues;
/* Model-level checks: listener targetView names an existing view, a
 * listener's view emits doc._id, ... (JavaScript syntax checks live in js.h). */
void fs_project_check(fs_project *p, fs_issues *out);
void fs_issues_free(fs_issues *is);

#endif
