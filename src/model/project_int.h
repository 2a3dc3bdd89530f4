/* Internals shared by project.c (load, navigation, save), project_ops.c
 * (edits) and project_check.c (checks). Not for other areas: use project.h. */
#ifndef FS_PROJECT_INT_H
#define FS_PROJECT_INT_H

#include <cjson/cJSON.h>
#include "model/lines.h"
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
int fs_obj_build(fs_project *p, fs_obj *parent, size_t at, fs_line *l, fs_obj **out, fs_err *e);
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

#endif
