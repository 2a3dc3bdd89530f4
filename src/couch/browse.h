/* Browsing what a server holds: database summaries, document lists paged by
 * key (never by large skip), revision trees, diffs between revisions,
 * conflict resolution, view queries with paging, and the changes feed.
 * Every function blocks (run them as background jobs from the studio). */
#ifndef FS_BROWSE_H
#define FS_BROWSE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "couch/couch.h"
#include "base/textdiff.h"
#include "model/fullsync.h"

/* ---- Databases ---- */

/* {"db_name", "doc_count", "doc_del_count", "sizes": {"file","active",
 * "external"}, "update_seq", "revs_limit" (null when the server has no
 * _revs_limit), "security": {...} (null when not readable)}. */
enum fs_err_code fs_browse_db_summary(fs_couch *c, const char *db, cJSON **out, fs_err *e);

/* ---- Documents, paged by key ---- */

enum fs_docs_kind { FS_DOCS_ALL, FS_DOCS_PLAIN, FS_DOCS_DESIGN };
enum fs_page_dir { FS_PAGE_FIRST, FS_PAGE_NEXT, FS_PAGE_PREV, FS_PAGE_LAST, FS_PAGE_FROM };

typedef struct fs_docs_query {
	long limit;                 /* rows per page (0: 50) */
	enum fs_page_dir dir;
	/* NEXT: the page after this id (excluded); PREV: the page before it;
	 * FROM: the page starting at the first id >= from (jump to a prefix). */
	const char *from;
	enum fs_docs_kind kind;     /* design documents apart */
	int conflicts_only;         /* only documents with _conflicts */
	/* view as user: only the documents `as_user` receives (FullSync rule) */
	const char *as_user;
	const fs_strv *as_groups;
	long scan_max;              /* filtered lists: rows read at most (0: 20000) */
	/* view as user is filtered on the server by _find (browse_acl.h):
	 * NEXT continues from a page's cursor; scan = 1 filters here instead,
	 * reading every document (the old way, kept for servers without _find) */
	const char *cursor;
	int scan;
} fs_docs_query;

typedef struct fs_doc_row {
	char *id;
	char *rev;
	int nconflicts;             /* known with conflicts_only or as_user */
} fs_doc_row;

typedef struct fs_docs_page {
	fs_doc_row *v;              /* ascending id order, whatever the direction (view as user on
				 * the server: the user's own, then the others, each by id) */
	size_t n;
	int has_prev, has_next;     /* another page before the first / after the last row */
	long scanned;               /* rows read (filtered lists) */
	int truncated;              /* a filtered scan stopped at scan_max */
	/* view as user: */
	char *cursor;               /* where the next page starts (NULL: none) */
	int on_server;              /* 1: filtered by the server's _find */
	int index_used;             /* 1: the user's own documents came by an index */
	int no_find;                /* 1: the server has no _find: filtered here */
} fs_docs_page;

enum fs_err_code fs_browse_docs(fs_couch *c, const char *db, const fs_docs_query *q,
		   fs_docs_page *out, fs_err *e);
void fs_docs_page_free(fs_docs_page *p);

/* ---- Revisions ---- */

#define FS_REV_STATUS_LIST(_) \
	_(AVAILABLE, "available") \
	_(MISSING,   "missing") \
	_(DELETED,   "deleted")

enum fs_rev_status {
#define FS_REV_STATUS_ENUM(id, name) FS_REV_##id,
	FS_REV_STATUS_LIST(FS_REV_STATUS_ENUM)
#undef FS_REV_STATUS_ENUM
};
const char *fs_rev_status_name(int s);

typedef struct fs_rev_node {
	char *rev;
	char *parent;               /* NULL at a root (or when unknown) */
	int status;                 /* FS_REV_... */
	int leaf, winner, conflict; /* conflict: a non-deleted leaf other than the winner */
} fs_rev_node;

typedef struct fs_revtree {
	char *id;
	char *winner;
	fs_rev_node *v;             /* by generation, newest first */
	size_t n;
	size_t nconflicts;
} fs_revtree;

enum fs_err_code fs_browse_revs(fs_couch *c, const char *db, const char *id, fs_revtree *out, fs_err *e);
void fs_revtree_free(fs_revtree *t);
/* A node by revision, NULL when absent. */
const fs_rev_node *fs_revtree_find(const fs_revtree *t, const char *rev);
/* {"id", "winner", "revs": [{"rev","parent","status","leaf","winner","conflict"}]} */
cJSON *fs_revtree_json(const fs_revtree *t);

/* Diff of two available revisions as pretty JSON (_rev and _revisions left
 * out). A compacted revision gives FS_E_NOTFOUND saying so. */
enum fs_err_code fs_browse_rev_diff(fs_couch *c, const char *db, const char *id, const char *rev_a,
		       const char *rev_b, fs_hunks *out, fs_err *e);

/* Resolves a conflict in one _bulk_docs: keeps `winner` (a leaf revision),
 * optionally rewritten with `merged` (a body; its _id/_rev are set here), and
 * deletes every other non-deleted leaf. new_rev (may be NULL) gets the
 * surviving revision. */
enum fs_err_code fs_browse_resolve(fs_couch *c, const char *db, const char *id, const char *winner,
		      const cJSON *merged, char **new_rev, fs_err *e);

/* ---- View queries ---- */

/* Owned view options: parsed from name=value words (CLI, query form). */
typedef struct fs_view_args {
	fs_couch_view_opts o;
	cJSON *key, *keys, *startkey, *endkey;
	char *startkey_docid, *endkey_docid, *update, *stale;
} fs_view_args;

void fs_view_args_init(fs_view_args *a);
void fs_view_args_free(fs_view_args *a);
/* name: key keys startkey endkey startkey_docid endkey_docid limit skip
 * descending reduce group group_level include_docs inclusive_end update stale.
 * JSON values for keys; a key value that is not JSON is taken as a string.
 * FS_E_INVALID with a sentence on a bad name or value. */
enum fs_err_code fs_view_args_set(fs_view_args *a, const char *name, const char *value, fs_err *e);
/* The options as "name=value" words joined by spaces (for titles). */
void fs_view_args_describe(const fs_view_args *a, fs_buf *out);

typedef struct fs_view_page {
	cJSON *rows;                /* in the query's order */
	cJSON *total_rows;          /* NULL for reduce */
	int has_prev, has_next;
} fs_view_page;

/* One page of a view (view "ddoc/view", or NULL for _all_docs). FIRST
 * starts with the options as given; NEXT continues after `edge` (the last row
 * of the current page: its key and id), PREV before `edge` (the first row).
 * Pages use startkey + startkey_docid with limit+1, never a growing skip. */
enum fs_err_code fs_browse_view(fs_couch *c, const char *db, const char *view, const fs_view_args *a,
		   long page_size, enum fs_page_dir dir, const cJSON *edge,
		   fs_view_page *out, fs_err *e);
void fs_view_page_free(fs_view_page *p);

/* ---- Changes ---- */

typedef struct fs_changes_query {
	const cJSON *since;         /* NULL: from the start */
	int since_now;
	long limit;
	int descending;
	int include_docs;
	const char *view;           /* "ddoc/view": filter=_view */
	const cJSON *doc_ids;       /* array: filter=_doc_ids */
} fs_changes_query;

/* Latest changes (descending, limit) or those since a seq. */
enum fs_err_code fs_browse_changes(fs_couch *c, const char *db, const fs_changes_query *q,
		      cJSON **out, fs_err *e);
/* Follow: waits for changes after q->since (longpoll) until deadline_ms has
 * passed since the call; returns at the first batch (out has results) or at
 * the deadline with empty results. */
enum fs_err_code fs_browse_changes_wait(fs_couch *c, const char *db, const fs_changes_query *q,
			   long deadline_ms, cJSON **out, fs_err *e);

/* ---- Attachments ---- */

/* The bytes of attachment `name` of document id (at rev, or the current one
 * when NULL) into out (reset first). An unknown document or attachment is
 * FS_E_NOTFOUND with a sentence naming both. */
enum fs_err_code fs_browse_attachment(fs_couch *c, const char *db, const char *id, const char *rev,
			 const char *name, fs_buf *out, fs_err *e);
/* The same written to the file at path (atomically: an error leaves what
 * was there); *len (may be NULL) gets the size written. */
enum fs_err_code fs_browse_attachment_save(fs_couch *c, const char *db, const char *id, const char *rev,
			      const char *name, const char *path, size_t *len, fs_err *e);

#endif
