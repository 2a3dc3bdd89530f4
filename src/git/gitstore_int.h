/* Internals shared by gitstore.c (versions, status, diff, commit, restore,
 * JSON) and history.c (the history of an object or of the project). Not for
 * other areas: use gitstore.h. The fs_gs_ prefix keeps these out of the
 * names of the rest of the library; they are defined in gitstore.c. */
#ifndef FS_GITSTORE_INT_H
#define FS_GITSTORE_INT_H

#include <git2.h>
#include "git/gitstore.h"

struct fs_repo {
	git_repository *repo;
	char *projdir;   /* the project folder as given */
	char *workdir;   /* repository work folder, with a final slash */
	char *prefix;    /* project folder inside it: "" or "a/b/" */
	/* The model at HEAD, kept while HEAD stays: the studio asks for the
	 * status after every save. */
	git_oid head_id;
	fs_project *head;
};

/* A list of strings without duplicates (file paths). */
typedef struct pathset {
	char **v;
	size_t n;
} pathset;

/* Renames named by commit trailers: old[i] -> new[i]. */
typedef struct renames {
	char **old, **new;
	size_t n;
} renames;

/* Growable string arrays. */
void fs_gs_strs_add(char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fs_gs_strs_free(char **v, size_t n);
void fs_gs_pathset_add(pathset *s, const char *p);

/* path is dir or below it. */
int fs_gs_starts_with_dir(const char *path, const char *dir);
void fs_gs_change_free(fs_change *c);

/* Notes every answer carries: HEAD when it is unusual, unfinished merges. */
void fs_gs_state_notes(fs_repo *r, char ***v, size_t *n);
/* rev (NULL: HEAD) as a commit; *out NULL and 0 when HEAD is unborn. */
enum fs_err_code fs_gs_resolve(fs_repo *r, const char *rev, git_commit **out, fs_err *e);
/* The project as committed in c; with only, the files read besides
 * c8oProject.yaml (the others read as empty beans). */
enum fs_err_code fs_gs_open_commit_only(fs_repo *r, git_commit *c, const char *const *only, size_t nonly,
			   fs_project **out, fs_err *e);
enum fs_err_code fs_gs_open_commit(fs_repo *r, git_commit *c, fs_project **out, fs_err *e);

/* An object by path ("" is the project itself) and its text ("" when none). */
fs_obj *fs_gs_find_obj(fs_project *p, const char *path);
char *fs_gs_obj_text(const fs_obj *o);

void fs_gs_renames_from_message(const char *msg, renames *rn);
void fs_gs_renames_free(renames *rn);
/* Appends to out the changes from a to b (either may be NULL), limited to
 * obj's subtree when obj is not NULL; with texts and hunks when texts. */
void fs_gs_diff_models(fs_project *a, fs_project *b, const char *obj, const renames *rn,
		       int texts, fs_changes *out);

/* JSON of one change, of a list of changes, of a string array. */
cJSON *fs_gs_change_json(const fs_change *c);
cJSON *fs_gs_changes_array(const fs_changes *c);
cJSON *fs_gs_strs_json(char **v, size_t n);

#endif
