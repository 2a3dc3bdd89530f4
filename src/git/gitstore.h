/* The project in git, in the project's own terms: status, commit, history,
 * diff and restore of objects (connectors, design documents, views,
 * functions, listeners, transactions...) rather than of YAML lines.
 *
 * Versions of the project are read straight from git blobs with
 * fs_project_open_with() and compared object by object (objects are matched
 * by path, compared by fs_obj_text()).
 *
 * Renames. An object renamed through fsstudio is one entry, not a deletion
 * and an addition. Between two versions, a deleted and an added object are a
 * rename when they have the same kind and parent and the same content (for
 * design documents and connectors, whose own text holds their name, the same
 * content below them). fsstudio commits also record the renames they contain
 * as trailers of the message,
 *     Fsstudio-Rename: conn/ddoc/old_view -> conn/ddoc/new_view
 * and a trailer makes the pair a rename even when the content changed too.
 * History follows renames of the object and of its ancestors.
 *
 * Everything comes back as data (arrays of entries and diff hunks) for the
 * studio and for --json; nothing here prints.
 */
#ifndef FS_GITSTORE_H
#define FS_GITSTORE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "model/project.h"
#include "base/textdiff.h"

#define FS_CHANGE_LIST(_) \
	_(NONE,       "unchanged",  ' ') \
	_(ADDED,      "added",      'A') \
	_(MODIFIED,   "modified",   'M') \
	_(DELETED,    "deleted",    'D') \
	_(RENAMED,    "renamed",    'R') \
	_(UNTRACKED,  "untracked",  '?') \
	_(CONFLICTED, "conflicted", 'U') \
	_(BROKEN,     "unreadable", '!')

typedef enum fs_change_type {
#define FS_CHANGE_ENUM(k, n, c) FS_CH_##k,
	FS_CHANGE_LIST(FS_CHANGE_ENUM)
#undef FS_CHANGE_ENUM
	FS_CH_COUNT
} fs_change_type;

const char *fs_change_name(fs_change_type t);
char fs_change_char(fs_change_type t);

/* One changed object, or one file when path is NULL (untracked, conflicted,
 * or changed in a version that does not parse). An added or deleted object
 * stands for its whole subtree: its descendants are not listed. */
typedef struct fs_change {
	char *path;          /* object path (new path of a rename); NULL: a file */
	char *old_path;      /* renamed: the path before */
	char *file;          /* file holding the object, relative to the project */
	fs_kind kind;
	fs_change_type change;
	char *old_text;      /* fs_obj_text before/after (diffs only; NULL when */
	char *new_text;      /* absent) */
	fs_hunks hunks;      /* diffs only: old_text -> new_text */
} fs_change;

typedef struct fs_changes {
	fs_change *v;
	size_t n;
	char **notes;        /* state of the repository worth telling: detached
				HEAD, unborn branch, merge in progress, a version
				that does not parse... */
	size_t nnotes;
} fs_changes;

void fs_changes_free(fs_changes *c);

/* ---- The repository ------------------------------------------------------ */

typedef struct fs_repo fs_repo;

/* Finds the repository holding the project folder (the project may be a
 * sub-folder of it). FS_E_NOTFOUND with "no git repository holds DIR (run
 * fsstudio init DIR)" when there is none. */
enum fs_err_code fs_repo_open(fs_repo **out, const char *projdir, fs_err *e);
void fs_repo_free(fs_repo *r);
/* Creates a repository in dir (refused when dir is already in one). */
enum fs_err_code fs_repo_init(const char *dir, fs_err *e);
/* Work folder of the repository and the project folder inside it ("" or
 * "a/b/", always with the final slash). */
const char *fs_repo_workdir(const fs_repo *r);
const char *fs_repo_prefix(const fs_repo *r);
/* 1 when rev names a commit (a branch, a tag, an id, HEAD~2...). */
int fs_repo_has_rev(fs_repo *r, const char *rev);
/* "main", "detached HEAD at 1a2b3c4", "main (no commit yet)". Caller frees. */
char *fs_repo_head_name(fs_repo *r);

/* ---- Status, diff --------------------------------------------------------- */

/* HEAD against the working tree, in object terms, plus the untracked files
 * of the project folder that are not project files, and conflicted files.
 * When the working tree does not parse, the changed files are listed instead
 * and a note says why. No texts or hunks. */
enum fs_err_code fs_git_status(fs_repo *r, fs_changes *out, fs_err *e);
/* The same against a model the caller holds (the studio's, with unsaved
 * edits), for the changed marks of its tree. */
enum fs_err_code fs_git_status_model(fs_repo *r, fs_project *model, fs_changes *out, fs_err *e);

/* Object changes from rev1 to rev2 (NULL rev1: HEAD; NULL rev2: the working
 * tree), limited to one object and its subtree when obj is not NULL; with
 * texts and hunks (FS_DIFF_CONTEXT lines of context). The rename trailers
 * of the commits in between pair renamed objects (also when their content
 * changed), and what changed below a renamed object is listed with its old
 * path. */
enum fs_err_code fs_git_diff(fs_repo *r, const char *rev1, const char *rev2, const char *obj,
		fs_changes *out, fs_err *e);

/* ---- Commit ----------------------------------------------------------------- */

/* Commits the changes of the project folder: all of them (nobjs == 0,
 * untracked files included, ignored ones not), or the files of the chosen
 * objects (and of their parents for added, deleted or renamed ones). Never
 * anything outside the project folder, even if staged. Author and committer
 * from git config. Finishes a merge whose conflicts are resolved. Writes the
 * commit id (40 hex) into id when not NULL. */
enum fs_err_code fs_git_commit(fs_repo *r, const char *message, const char *const *objs, size_t nobjs,
		  char id[41], fs_err *e);

/* ---- History (history.c) ------------------------------------------------------ */

typedef struct fs_hist_entry {
	char id[41];
	char *author, *email;
	long long time;      /* seconds since the epoch */
	int tz;              /* offset from UTC in minutes */
	char *summary;       /* first line of the message */
	/* Object history: the change of the object in this commit, with texts
	 * and hunks; path is its path in this commit (old_path before it when
	 * renamed). Project history: change is NONE and changes lists the
	 * object changes (no texts). */
	fs_change ch;
	fs_changes changes;
	char *error;         /* the version does not parse: "file:line: message" */
} fs_hist_entry;

typedef struct fs_history {
	fs_hist_entry *v;
	size_t n;
	char **notes;        /* shallow clone, unborn branch... */
	size_t nnotes;
} fs_history;

/* Commits reachable from rev (NULL: HEAD) that changed obj (NULL: anything
 * in the project folder), newest first, at most max (0: all). Walks the
 * commits once; a commit whose tree entry for the object's file equals its
 * parent's is skipped without reading blobs; each version of the file is
 * parsed once. */
enum fs_err_code fs_git_log(fs_repo *r, const char *rev, const char *obj, size_t max,
	       fs_history *out, fs_err *e);
void fs_history_free(fs_history *h);

/* ---- Restore ------------------------------------------------------------------ */

/* Puts obj (NULL: the whole project) back to its content at rev, in the
 * working tree only, without touching other objects: the result is a normal
 * change to review and commit. The object is looked up at rev under the
 * path it had then (renames since rev are followed). An object absent at
 * rev is deleted; one absent now is created again (its parent must exist);
 * a connector or a sequence comes back as its whole file. Refused (FS_E_CONFLICT) when the object (or,
 * for the whole project, any file of the project) has uncommitted changes,
 * unless force. */
enum fs_err_code fs_git_restore(fs_repo *r, const char *obj, const char *rev, int force, fs_err *e);

/* ---- JSON ------------------------------------------------------------------------ */

cJSON *fs_changes_json(const fs_changes *c);
cJSON *fs_history_json(const fs_history *h);

/* ---- For the deploy history -------------------------------------------------- */

/* The libgit2 repository (for src/git/notes.c). */
struct git_repository;
struct git_repository *fs_repo_git(fs_repo *r);
/* The project as committed at rev (NULL: HEAD), read from git blobs, not
 * from the working tree. */
enum fs_err_code fs_git_open_rev(fs_repo *r, const char *rev, fs_project **out, fs_err *e);
/* 1 when ancestor is rev or one of its ancestors, 0 when not, -1 when either
 * is not a commit of this repository. */
int fs_repo_reaches(fs_repo *r, const char *rev, const char *ancestor);
/* The commits reachable from rev (NULL: HEAD) and not from hide (NULL:
 * none), as sorted 40-hex ids (free each and the array); what `git rev-list
 * hide..rev` lists. fs_git_revlist_has looks one up. */
enum fs_err_code fs_git_revlist(fs_repo *r, const char *rev, const char *hide, char ***ids, size_t *n, fs_err *e);
int fs_git_revlist_has(char *const *ids, size_t n, const char *id);

#endif
