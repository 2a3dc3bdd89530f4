/* Internals shared by project.c (load, navigation, save), project_ops.c
 * (edits) and project_check.c (checks). Not for other areas: use project.h. */
#ifndef FS_PROJECT_INT_H
#define FS_PROJECT_INT_H

#include <cjson/cJSON.h>
#include "model/lines.h"
#include "model/lock.h"
#include "model/project.h"

#define FS_SPLIT_DIR "_c8oProject/"
#define FS_MAIN_FILE "c8oProject.yaml"

/* The four listener classes: class, listens through a view (1) or a filter (0). */
#define FS_LISTENER_LIST(_) \
	_("couchdb.FullSyncListener",             1) \
	_("couchdb.FullSyncDeleteViewListener",   1) \
	_("couchdb.FullSyncFilterListener",       0) \
	_("couchdb.FullSyncDeleteFilterListener", 0)

#define FS_CLS_PROJECT   "core.Project"
#define FS_CLS_CONNECTOR "connectors.FullSyncConnector"
#define FS_CLS_DDOC      "couchdb.DesignDocument"
#define FS_PFX_TRANS     "transactions.couchdb."
#define FS_PFX_SEQUENCE  "sequences."

typedef struct objpriv {
	fs_line *line;       /* the ↓ line of a bean; NULL for views, functions */
	cJSON *doc;          /* design documents: the decoded docdata */
	fs_prop *props;      /* cache of fs_obj_props */
	size_t nprops;
	char **propvals;     /* values the cache owns */
	unsigned stamp;      /* edit count the cache was built at */
} objpriv;

/* What a load read from one file of the folder: the save re-checks it
 * (project_io.c). The bytes themselves stay in the file's fs_lfile (orig). */
typedef struct fs_stamp {
	char *relpath;
	long long size;
	long long mtime_ns;
	unsigned long long dev, ino;
	int racy;            /* modified too close to the read for its stat to tell */
	int have_sha;
	char sha[65];        /* of the bytes read; kept for racy files */
} fs_stamp;

struct fs_project {
	char *dir;           /* NULL when not read from a folder */
	char *label;         /* prefix of messages (NULL for a folder) */
	fs_lfile *main;      /* c8oProject.yaml */
	char **loaded;       /* relpaths of the files as last read or saved */
	size_t nloaded;
	fs_obj *root;
	int dirty;           /* an edit happened since the last load or save */
	unsigned edits;      /* bumped by every edit: invalidates caches */
	unsigned dirty_at;   /* edit count fs_project_dirty last compared at */
	int dirty_cmp;       /* what that comparison found */
	fs_stamp *stamps;    /* files read from the folder (dir != NULL) */
	size_t nstamps;
};

static inline objpriv *fs_priv(const fs_obj *o)
{
	return (objpriv *)o->priv;
}

/* The lines holding a bean's properties and children: its included file's
 * root or the bean line itself. */
fs_line *fs_bean_body(const fs_obj *o);
fs_line *fs_line_body(fs_line *l);
/* Builds the object of a bean line (and its kids) under parent at index at. */
enum fs_err_code fs_obj_build(fs_project *p, fs_obj *parent, size_t at, fs_line *l, fs_obj **out, fs_err *e);
/* Builds the views and functions of a design document from its JSON. */
void fs_ddoc_build(fs_obj *ddoc);
/* Adds the object of a view (with its functions, from the JSON) or of a
 * design-document function at its place among the kids. */
fs_obj *fs_ddoc_add(fs_obj *ddoc, fs_kind kind, fs_fn_type fn, const char *name);
fs_obj *fs_view_add_fn(fs_obj *view, fs_fn_type t);
/* The CDATA line holding a design document's docdata (NULL when none). */
fs_line *fs_ddoc_docline(fs_obj *ddoc);
void fs_obj_free(fs_obj *o);
/* Removes kid from its parent's list of kids (does not free it). */
void fs_obj_unlink(fs_obj *o);
/* Re-encodes a design document's docdata after its JSON changed. */
void fs_ddoc_commit(fs_obj *ddoc);
/* The JSON member holding a function's text. */
cJSON *fs_fn_json(const fs_obj *fn);
void fs_project_touch(fs_project *p);
/* The files of the project now (c8oProject.yaml first); caller frees the array. */
size_t fs_project_lfiles(fs_project *p, fs_lfile ***out);
/* The file a line is written in. */
fs_lfile *fs_line_lfile(const fs_line *l);
/* Calls fn for every line of every file under l (included files too). */
typedef void (*fs_line_visit)(fs_line *l, void *ctx);
void fs_lines_walk(fs_line *l, fs_line_visit fn, void *ctx);
/* Bean class without the -priority suffix. Caller frees. */
char *fs_cls_base(const char *cls);
/* 1 for view listeners, 0 for filter listeners, -1 otherwise. */
int fs_listener_by_view(const char *cls);
/* Convertigo's rule for FullSync connector names: ^[a-z][a-z0-9_$()+/-]*$ */
int fs_connector_name_ok(const char *s);
/* Name of the project bean. */
const char *fs_project_name(const fs_project *p);
/* A kid of o by kind and name (any kind when kind is FS_K_COUNT). */
fs_obj *fs_obj_kid(const fs_obj *o, fs_kind kind, fs_fn_type fn, const char *name);

/* ---- project_io.c: reading the folder safely, and the checks of a save --- */

/* fs_read_fn for a project folder: ctx is the fs_project (its dir). Refuses
 * by name, without reading, what is not a regular file, a symlink leaving the
 * folder, a file over FSSTUDIO_MAX_FILE bytes; records the file's stamp. */
enum fs_err_code fs_project_read_dir(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e);
void fs_stamps_free(fs_project *p);
/* The stamp of relpath as from read it (with the hash of its bytes, as to
 * will not hold them), for a file that to did not read itself. */
void fs_stamp_adopt(fs_project *to, fs_project *from, const char *relpath);
/* Before a save of fl: every file it writes or removes is as it was read
 * (else FS_E_STALE naming them) and writable (else FS_E_IO naming it). */
enum fs_err_code fs_project_check_disk(fs_project *p, const fs_files *fl, fs_err *e);
/* After a save: the stamps of what was written; removed files are forgotten. */
void fs_stamps_saved(fs_project *p, const fs_files *fl);
/* Lock (shared), roll a dead writer's journal forward, sweep temp files. */
enum fs_err_code fs_project_enter(const char *dir, fs_lock **lk, fs_err *e);

#endif
