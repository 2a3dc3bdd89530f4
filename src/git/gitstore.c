/* The project in git with libgit2: versions of the project are models read
 * from blobs, and every answer (status, diff, history) is a comparison of
 * models, object by object. The history walk is in history.c; what both
 * share is in gitstore_int.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <git2.h>
#include "base/buf.h"
#include "base/gitlib.h"
#include "base/fsutil.h"
#include "git/gitstore.h"
#include "git/gitstore_int.h"
#include "model/journal.h"

#define TRAILER_RENAME "Fsstudio-Rename"

/* ---- Small helpers ---------------------------------------------------------- */

static enum fs_err_code git_fail(fs_err *e, const char *what)
{
	const git_error *g = git_error_last();
	return fs_err_set(e, FS_E_GIT, "%s: %s", what, g && g->message ? g->message : "git error");
}

void fs_gs_strs_add(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;
	fs_buf b = FS_BUF_INIT;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*v = fs_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = fs_buf_steal(&b);
}

void fs_gs_strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int fs_gs_starts_with_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

/* path is obj or below it; every path is below "" (the project). */
static int under(const char *path, const char *obj)
{
	return !obj || !*obj || fs_gs_starts_with_dir(path, obj);
}

static char *parent_path(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? fs_xstrndup(path, s - path) : fs_xstrdup("");
}

const char *fs_change_name(fs_change_type t)
{
	static const char *const n[] = {
#define FS_CHANGE_NAME(k, nm, c) nm,
		FS_CHANGE_LIST(FS_CHANGE_NAME)
#undef FS_CHANGE_NAME
	};
	return t < FS_CH_COUNT ? n[t] : "?";
}

char fs_change_char(fs_change_type t)
{
	static const char c[] = {
#define FS_CHANGE_CHAR(k, nm, ch) ch,
		FS_CHANGE_LIST(FS_CHANGE_CHAR)
#undef FS_CHANGE_CHAR
	};
	return t < FS_CH_COUNT ? c[t] : '?';
}

void fs_gs_change_free(fs_change *c)
{
	free(c->path);
	free(c->old_path);
	free(c->file);
	free(c->old_text);
	free(c->new_text);
	fs_hunks_free(&c->hunks);
	memset(c, 0, sizeof *c);
}

void fs_changes_free(fs_changes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		fs_gs_change_free(&c->v[i]);
	free(c->v);
	fs_gs_strs_free(c->notes, c->nnotes);
	memset(c, 0, sizeof *c);
}

static fs_change *changes_push(fs_changes *c)
{
	c->v = fs_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	fs_change *x = &c->v[c->n++];
	memset(x, 0, sizeof *x);
	return x;
}

static const char *change_key(const fs_change *c)
{
	return c->path ? c->path : c->file;
}

static int change_cmp(const void *a, const void *b)
{
	const fs_change *x = a, *y = b;
	/* Objects first, then files. */
	if (!x->path != !y->path)
		return x->path ? -1 : 1;
	return strcmp(change_key(x), change_key(y));
}

/* ---- Opening the repository ------------------------------------------------ */

static char *abs_dir(const char *dir, fs_err *e)
{
	char *r = realpath(dir, NULL);
	if (!r)
		fs_err_set(e, FS_E_NOTFOUND, "%s: %s", dir, strerror(errno));
	return r;
}

enum fs_err_code fs_repo_open(fs_repo **out, const char *projdir, fs_err *e)
{
	*out = NULL;
	char *dir = abs_dir(projdir, e);
	if (!dir)
		return e ? e->code : FS_E_NOTFOUND;
	fs_gitlib_init();
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		free(dir);
		return fs_err_set(e, FS_E_NOTFOUND,
				  "no git repository holds %s (run fsstudio init %s)", projdir, projdir);
	}
	const char *wd = git_repository_workdir(repo);
	char *wreal = wd ? realpath(wd, NULL) : NULL;
	if (!wreal) {
		git_repository_free(repo);
		free(dir);
		return fs_err_set(e, FS_E_GIT, "%s: the repository is bare", projdir);
	}
	fs_repo *r = fs_xcalloc(1, sizeof *r);
	r->repo = repo;
	r->projdir = dir;
	r->workdir = fs_xasprintf("%s/", wreal);
	size_t wl = strlen(wreal);
	r->prefix = !strncmp(dir, wreal, wl) && dir[wl] == '/' ? fs_xasprintf("%s/", dir + wl + 1) : fs_xstrdup("");
	free(wreal);
	*out = r;
	return 0;
}

void fs_repo_free(fs_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	fs_project_free(r->head);
	free(r->projdir);
	free(r->workdir);
	free(r->prefix);
	free(r);
}

enum fs_err_code fs_repo_init(const char *dir, fs_err *e)
{
	char *d = abs_dir(dir, e);
	if (!d)
		return e ? e->code : FS_E_NOTFOUND;
	fs_gitlib_init();
	git_buf found = { 0 };
	int rc = 0;
	if (git_repository_discover(&found, d, 0, NULL) == 0) {
		rc = fs_err_set(e, FS_E_EXISTS, "%s is already in the git repository %s", dir, found.ptr);
	} else {
		git_repository *repo = NULL;
		if (git_repository_init(&repo, d, 0) < 0)
			rc = git_fail(e, dir);
		git_repository_free(repo);
	}
	git_buf_dispose(&found);
	free(d);
	return rc;
}

const char *fs_repo_workdir(const fs_repo *r)
{
	return r->workdir;
}

const char *fs_repo_prefix(const fs_repo *r)
{
	return r->prefix;
}

char *fs_repo_head_name(fs_repo *r)
{
	git_reference *head = NULL;
	if (git_repository_head_unborn(r->repo) == 1) {
		char *name = NULL;
		if (git_reference_lookup(&head, r->repo, "HEAD") == 0 &&
		    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
			const char *t = git_reference_symbolic_target(head);
			if (!strncmp(t, "refs/heads/", 11))
				t += 11;
			name = fs_xasprintf("%s (no commit yet)", t);
		}
		git_reference_free(head);
		return name ? name : fs_xstrdup("(no commit yet)");
	}
	if (git_repository_head(&head, r->repo) < 0)
		return fs_xstrdup("(unknown HEAD)");
	char *name;
	if (git_repository_head_detached(r->repo) == 1) {
		char id[8];
		git_oid_tostr(id, sizeof id, git_reference_target(head));
		name = fs_xasprintf("detached HEAD at %s", id);
	} else {
		name = fs_xstrdup(git_reference_shorthand(head));
	}
	git_reference_free(head);
	return name;
}

/* Notes every answer carries: HEAD when it is unusual, unfinished merges. */
void fs_gs_state_notes(fs_repo *r, char ***v, size_t *n)
{
	if (git_repository_head_unborn(r->repo) == 1 || git_repository_head_detached(r->repo) == 1) {
		char *h = fs_repo_head_name(r);
		fs_gs_strs_add(v, n, "%s", h);
		free(h);
	}
	switch (git_repository_state(r->repo)) {
	case GIT_REPOSITORY_STATE_NONE:
		break;
	case GIT_REPOSITORY_STATE_MERGE:
		fs_gs_strs_add(v, n, "merge in progress");
		break;
	default:
		fs_gs_strs_add(v, n, "a git operation is in progress (rebase, cherry-pick, revert or bisect)");
		break;
	}
}

/* ---- Versions of the project ------------------------------------------------ */

typedef struct tree_src {
	fs_repo *r;
	git_tree *tree;
	char label[16];
	/* When set, the only files read besides c8oProject.yaml; the others
	 * read as empty beans. The history of one object needs its own file;
	 * the changes of one commit, the files it changed. */
	const char *const *only;
	size_t nonly;
} tree_src;

#define PROJECT_FILE "c8oProject.yaml"

static int needed(const tree_src *s, const char *relpath)
{
	if (!strcmp(relpath, PROJECT_FILE))
		return 1;
	for (size_t i = 0; i < s->nonly; i++)
		if (!strcmp(relpath, s->only[i]))
			return 1;
	return 0;
}

static enum fs_err_code read_blob(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	tree_src *s = ctx;
	if (s->only && !needed(s, relpath)) {
		*data = fs_xstrdup("");
		if (len)
			*len = 0;
		return 0;
	}
	char *path = fs_xasprintf("%s%s", s->r->prefix, relpath);
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	int rc = 0;
	if (git_tree_entry_bypath(&te, s->tree, path) < 0 || git_tree_entry_type(te) != GIT_OBJECT_BLOB) {
		rc = fs_err_set(e, FS_E_NOTFOUND, "%s: no such file at %s", relpath, s->label);
	} else if (git_blob_lookup(&blob, s->r->repo, git_tree_entry_id(te)) < 0) {
		rc = git_fail(e, relpath);
	} else {
		size_t n = (size_t)git_blob_rawsize(blob);
		*data = fs_xmalloc(n + 1);
		if (n)
			memcpy(*data, git_blob_rawcontent(blob), n);
		(*data)[n] = 0;
		if (len)
			*len = n;
	}
	git_blob_free(blob);
	git_tree_entry_free(te);
	free(path);
	return rc;
}

/* The project as committed in c (only: see tree_src). Parse errors read
 * "SHORTID: file:line: ...". */
enum fs_err_code fs_gs_open_commit_only(fs_repo *r, git_commit *c, const char *const *only, size_t nonly,
			   fs_project **out, fs_err *e)
{
	tree_src s = { r, NULL, "", only, nonly };
	*out = NULL;
	git_oid_tostr(s.label, 8, git_commit_id(c));
	if (git_commit_tree(&s.tree, c) < 0)
		return git_fail(e, s.label);
	int rc = fs_project_open_with(out, s.label, read_blob, &s, e);
	if (rc && e && strncmp(e->msg, s.label, strlen(s.label)))
		fs_err_prefix(e, "%s", s.label);
	git_tree_free(s.tree);
	return rc;
}

enum fs_err_code fs_gs_open_commit(fs_repo *r, git_commit *c, fs_project **out, fs_err *e)
{
	return fs_gs_open_commit_only(r, c, NULL, 0, out, e);
}

/* rev (NULL: HEAD) as a commit; *out NULL and 0 when HEAD is unborn. */
enum fs_err_code fs_gs_resolve(fs_repo *r, const char *rev, git_commit **out, fs_err *e)
{
	*out = NULL;
	if (!rev && git_repository_head_unborn(r->repo) == 1)
		return 0;
	git_object *o = NULL, *c = NULL;
	if (git_revparse_single(&o, r->repo, rev ? rev : "HEAD") < 0)
		return fs_err_set(e, FS_E_NOTFOUND, "%s: no such revision", rev ? rev : "HEAD");
	int rc = git_object_peel(&c, o, GIT_OBJECT_COMMIT);
	git_object_free(o);
	if (rc < 0)
		return fs_err_set(e, FS_E_NOTFOUND, "%s: not a commit", rev ? rev : "HEAD");
	*out = (git_commit *)c;
	return 0;
}

int fs_repo_has_rev(fs_repo *r, const char *rev)
{
	git_commit *c = NULL;
	int ok = fs_gs_resolve(r, rev, &c, NULL) == 0 && c;
	git_commit_free(c);
	return ok;
}

/* The project at rev (NULL: HEAD, an unborn HEAD gives *out NULL). */
static enum fs_err_code open_rev(fs_repo *r, const char *rev, fs_project **out, fs_err *e)
{
	git_commit *c;
	*out = NULL;
	int rc = fs_gs_resolve(r, rev, &c, e);
	if (!rc && c)
		rc = fs_gs_open_commit(r, c, out, e);
	git_commit_free(c);
	return rc;
}

/* The model at HEAD, owned by r (NULL and 0 on an unborn branch). */
static enum fs_err_code head_model(fs_repo *r, fs_project **out, fs_err *e)
{
	git_commit *c = NULL;
	*out = NULL;
	int rc = fs_gs_resolve(r, NULL, &c, e);
	if (rc || !c)
		return rc;
	if (!r->head || !git_oid_equal(&r->head_id, git_commit_id(c))) {
		fs_project_free(r->head);
		r->head = NULL;
		rc = fs_gs_open_commit(r, c, &r->head, e);
		if (!rc)
			git_oid_cpy(&r->head_id, git_commit_id(c));
	}
	git_commit_free(c);
	*out = r->head;
	return rc;
}

/* ---- Objects of a model, by path ------------------------------------------- */

/* An object by path; "" is the project itself. */
fs_obj *fs_gs_find_obj(fs_project *p, const char *path)
{
	return !*path ? fs_project_root(p) : fs_project_find(p, path);
}

typedef struct oent {
	char *path;
	fs_obj *o;
	char *text;   /* lazily */
} oent;

typedef struct olist {
	oent *v;
	size_t n;
} olist;

static void collect(fs_obj *o, olist *l)
{
	l->v = fs_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = (oent){ fs_obj_path(o), o, NULL };
	for (size_t i = 0; i < o->nkids; i++)
		collect(o->kids[i], l);
}

static int oent_cmp(const void *a, const void *b)
{
	return strcmp(((const oent *)a)->path, ((const oent *)b)->path);
}

static void olist_of(fs_project *p, olist *l)
{
	memset(l, 0, sizeof *l);
	if (!p)
		return;
	collect(fs_project_root(p), l);
	qsort(l->v, l->n, sizeof *l->v, oent_cmp);
}

static oent *olist_find(olist *l, const char *path)
{
	oent key = { (char *)path, NULL, NULL };
	return l->n ? bsearch(&key, l->v, l->n, sizeof *l->v, oent_cmp) : NULL;
}

static void olist_free(olist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].text);
	}
	free(l->v);
}

char *fs_gs_obj_text(const fs_obj *o)
{
	char *t = fs_obj_text(o);
	return t ? t : fs_xstrdup("");
}

static const char *oent_text(oent *x)
{
	if (!x->text)
		x->text = fs_gs_obj_text(x->o);
	return x->text;
}

/* Content of an object and its subtree, to recognise a renamed object.
 * Design documents and connectors carry their name in their own text (the
 * _id, the database), so only what lies below them counts. */
static void signature(const fs_obj *o, int top, fs_buf *out)
{
	if (!top || (o->kind != FS_K_DDOC && o->kind != FS_K_CONNECTOR)) {
		char *t = fs_gs_obj_text(o);
		fs_buf_adds(out, t);
		free(t);
	}
	for (size_t i = 0; i < o->nkids; i++) {
		fs_buf_printf(out, "\n\x01%s %s\n", fs_kind_name(o->kids[i]->kind), o->kids[i]->name);
		signature(o->kids[i], 0, out);
	}
}

static char *obj_signature(const fs_obj *o)
{
	fs_buf b = FS_BUF_INIT;
	if (o)
		signature(o, 1, &b);
	return fs_buf_steal(&b);
}

/* ---- Comparing two models ------------------------------------------------- */

void fs_gs_renames_free(renames *rn)
{
	fs_gs_strs_free(rn->old, rn->n);
	fs_gs_strs_free(rn->new, rn->n);
	memset(rn, 0, sizeof *rn);
}

void fs_gs_renames_from_message(const char *msg, renames *rn)
{
	git_message_trailer_array arr = { 0 };
	memset(rn, 0, sizeof *rn);
	if (!msg || git_message_trailers(&arr, msg) < 0)
		return;
	size_t n_old = 0, n_new = 0;
	for (size_t i = 0; i < arr.count; i++) {
		const char *v = arr.trailers[i].value, *arrow;
		if (strcasecmp(arr.trailers[i].key, TRAILER_RENAME) || !(arrow = strstr(v, " -> ")))
			continue;
		fs_gs_strs_add(&rn->old, &n_old, "%.*s", (int)(arrow - v), v);
		fs_gs_strs_add(&rn->new, &n_new, "%s", arrow + 4);
	}
	rn->n = n_old;
	git_message_trailer_array_free(&arr);
}

static int renamed_by_hint(const renames *rn, const char *from, const char *to)
{
	for (size_t i = 0; rn && i < rn->n; i++)
		if (!strcmp(rn->old[i], from) && !strcmp(rn->new[i], to))
			return 1;
	return 0;
}

static int same_parent(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;
	return la == lb && !strncmp(a, b, la);
}

static int is_rename(const oent *d, const oent *x, const renames *rn)
{
	if (renamed_by_hint(rn, d->path, x->path))
		return 1;
	if (d->o->kind != x->o->kind || d->o->fn != x->o->fn || !same_parent(d->path, x->path))
		return 0;
	char *sd = obj_signature(d->o), *sx = obj_signature(x->o);
	int same = !strcmp(sd, sx);
	free(sd);
	free(sx);
	return same;
}

static void add_change(fs_changes *out, fs_change_type t, oent *was, oent *now, int texts)
{
	fs_change *c = changes_push(out);
	oent *cur = now ? now : was;
	c->change = t;
	c->kind = cur->o->kind;
	c->path = fs_xstrdup(cur->path);
	c->file = fs_xstrdup(fs_obj_file(cur->o) ? fs_obj_file(cur->o) : "");
	if (was && now && strcmp(was->path, now->path))
		c->old_path = fs_xstrdup(was->path);
	if (!texts)
		return;
	c->old_text = was ? fs_xstrdup(oent_text(was)) : NULL;
	c->new_text = now ? fs_xstrdup(oent_text(now)) : NULL;
	fs_textdiff_str(c->old_text, c->new_text, FS_DIFF_CONTEXT, &c->hunks);
}

/* An added or deleted object whose parent is also new or gone is part of
 * its parent's change. */
static int topmost(const char *path, olist *other)
{
	if (!*path)
		return 1;
	char *pp = parent_path(path);
	int r = olist_find(other, pp) != NULL;
	free(pp);
	return r;
}

/* Appends to out the changes from a to b (either may be NULL: no project),
 * limited to obj's subtree when obj is not NULL. */
/* What lies below a renamed object (old d, new x): objects matched by their
 * path below it, listed when their content changed (with their old path),
 * added or deleted; only those below obj. */
static void diff_below_rename(olist *la, olist *lb, oent *d, oent *x, const char *obj,
			      int texts, fs_changes *out)
{
	size_t dl = strlen(d->path), xl = strlen(x->path);
	for (size_t j = 0; j < lb->n; j++) {
		oent *y = &lb->v[j];
		if (y == x || !fs_gs_starts_with_dir(y->path, x->path))
			continue;
		char *oldp = fs_xasprintf("%s%s", d->path, y->path + xl);
		oent *z = olist_find(la, oldp);
		int keep = under(y->path, obj) || under(oldp, obj);
		if (z && keep && strcmp(oent_text(z), oent_text(y)))
			add_change(out, FS_CH_MODIFIED, z, y, texts);
		else if (!z && keep) {
			char *pp = parent_path(oldp);
			if (olist_find(la, pp))
				add_change(out, FS_CH_ADDED, NULL, y, texts);
			free(pp);
		}
		free(oldp);
	}
	for (size_t i = 0; i < la->n; i++) {
		oent *z = &la->v[i];
		if (z == d || !fs_gs_starts_with_dir(z->path, d->path))
			continue;
		char *newp = fs_xasprintf("%s%s", x->path, z->path + dl);
		char *pp = parent_path(newp);
		if (!olist_find(lb, newp) && olist_find(lb, pp) && (under(newp, obj) || under(z->path, obj)))
			add_change(out, FS_CH_DELETED, z, NULL, texts);
		free(pp);
		free(newp);
	}
}

/* Whether a rename from d to x concerns obj: obj is one of them, below one
 * of them, or above them. */
static int rename_concerns(const oent *d, const oent *x, const char *obj)
{
	return under(d->path, obj) || under(x->path, obj) ||
	       fs_gs_starts_with_dir(obj, d->path) || fs_gs_starts_with_dir(obj, x->path);
}

/* Appends to out the changes from a to b (either may be NULL: no project),
 * limited to obj's subtree when obj is not NULL (following renames: an
 * object renamed from or to obj's path is listed). */
void fs_gs_diff_models(fs_project *a, fs_project *b, const char *obj, const renames *rn,
		       int texts, fs_changes *out)
{
	olist la, lb;
	olist_of(a, &la);
	olist_of(b, &lb);
	oent **gone = fs_xcalloc(la.n + 1, sizeof *gone), **born = fs_xcalloc(lb.n + 1, sizeof *born);
	size_t ngone = 0, nborn = 0, i = 0, j = 0, first = out->n;
	while (i < la.n || j < lb.n) {
		int c = i == la.n ? 1 : j == lb.n ? -1 : strcmp(la.v[i].path, lb.v[j].path);
		if (c == 0) {
			if (under(la.v[i].path, obj) && strcmp(oent_text(&la.v[i]), oent_text(&lb.v[j])))
				add_change(out, FS_CH_MODIFIED, &la.v[i], &lb.v[j], texts);
			i++, j++;
		} else if (c < 0) {
			if (topmost(la.v[i].path, &lb))
				gone[ngone++] = &la.v[i];
			i++;
		} else {
			if (topmost(lb.v[j].path, &la))
				born[nborn++] = &lb.v[j];
			j++;
		}
	}
	for (size_t g = 0; g < ngone; g++) {
		size_t k;
		for (k = 0; k < nborn; k++)
			if (born[k] && is_rename(gone[g], born[k], rn))
				break;
		if (k == nborn) {
			if (under(gone[g]->path, obj))
				add_change(out, FS_CH_DELETED, gone[g], NULL, texts);
			continue;
		}
		if (under(gone[g]->path, obj) || under(born[k]->path, obj))
			add_change(out, FS_CH_RENAMED, gone[g], born[k], texts);
		if (rename_concerns(gone[g], born[k], obj))
			diff_below_rename(&la, &lb, gone[g], born[k], obj, texts, out);
		born[k] = NULL;
	}
	for (size_t k = 0; k < nborn; k++)
		if (born[k] && under(born[k]->path, obj))
			add_change(out, FS_CH_ADDED, NULL, born[k], texts);
	free(gone);
	free(born);
	olist_free(&la);
	olist_free(&lb);
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof *out->v, change_cmp);
}

/* ---- File status ---------------------------------------------------------- */

typedef struct file_st {
	char *path;           /* relative to the project folder */
	unsigned flags;       /* git_status_t */
} file_st;

typedef struct file_sts {
	file_st *v;
	size_t n;
	int model_ignored;    /* a file (or folder) the model reads is ignored */
} file_sts;

static void file_sts_free(file_sts *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* A file the model reads: c8oProject.yaml or one under _c8oProject/. */
static int model_path(const char *p)
{
	return !strcmp(p, "c8oProject.yaml") || !strncmp(p, "_c8oProject/", 12);
}

/* Every file of the project folder that differs between HEAD, the index and
 * the working tree (untracked ones included; ignored ones only noted, in
 * model_ignored). */
static enum fs_err_code file_status(fs_repo *r, file_sts *out, fs_err *e)
{
	git_status_options o;
	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	char *spec = fs_xstrndup(r->prefix, strlen(r->prefix) ? strlen(r->prefix) - 1 : 0);
	char *specs[1] = { spec };
	o.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	/* ignored entries too (an ignored folder as one, not walked): one
	 * the model reads means HEAD may lack what the model has */
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		  GIT_STATUS_OPT_INCLUDE_IGNORED;
	if (*spec) {
		o.pathspec.strings = specs;
		o.pathspec.count = 1;
	}
	git_status_list *l = NULL;
	memset(out, 0, sizeof *out);
	if (git_status_list_new(&l, r->repo, &o) < 0) {
		free(spec);
		return git_fail(e, "status");
	}
	size_t n = git_status_list_entrycount(l), plen = strlen(r->prefix);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *s = git_status_byindex(l, i);
		const git_diff_delta *d = s->index_to_workdir ? s->index_to_workdir : s->head_to_index;
		const char *p = d->new_file.path ? d->new_file.path : d->old_file.path;
		/* our temp files and journal are never the project's */
		if (s->status == GIT_STATUS_CURRENT || strncmp(p, r->prefix, plen) || fs_is_our_file(p))
			continue;
		if (s->status & GIT_STATUS_IGNORED) {
			out->model_ignored |= model_path(p + plen);
			continue;
		}
		out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = (file_st){ fs_xstrdup(p + plen), s->status };
	}
	git_status_list_free(l);
	free(spec);
	return 0;
}

static fs_change_type file_change(unsigned f)
{
	if (f & GIT_STATUS_CONFLICTED)
		return FS_CH_CONFLICTED;
	if ((f & GIT_STATUS_WT_NEW) && !(f & GIT_STATUS_INDEX_NEW))
		return FS_CH_UNTRACKED;
	if (f & (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED))
		return FS_CH_DELETED;
	if (f & GIT_STATUS_INDEX_NEW)
		return FS_CH_ADDED;
	return FS_CH_MODIFIED;
}

static void add_file_change(fs_changes *out, const char *file, fs_change_type t)
{
	fs_change *c = changes_push(out);
	c->file = fs_xstrdup(file);
	c->change = t;
	c->kind = FS_K_BEAN;
}

/* Files of the working project (to tell project files from strangers). */
static int is_project_file(fs_files *files, const char *rel)
{
	for (size_t i = 0; files && i < files->n; i++)
		if (!strcmp(files->v[i].relpath, rel))
			return 1;
	return 0;
}

/* Whether the working tree's model is HEAD's, known from git's file status
 * alone: no file the model reads differs (nor is hidden by an ignore rule).
 * Then neither model need be built: on a 7.6 MB project, building both and
 * rendering one was 25 MB and most of the studio's start in a repository. */
static int model_unchanged(const file_sts *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (model_path(fs->v[i].path))
			return 0;
	return !fs->model_ignored;
}

/* 1 when git lists an untracked file. */
static int any_untracked(const file_sts *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (file_change(fs->v[i].flags) == FS_CH_UNTRACKED)
			return 1;
	return 0;
}

/* Status against model (NULL: the working tree read from disk). */
static enum fs_err_code status_with(fs_repo *r, fs_project *model, fs_changes *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	file_sts fs;
	int rc = file_status(r, &fs, e);
	if (rc)
		return rc;
	fs_gs_state_notes(r, &out->notes, &out->nnotes);
	fs_project *head = NULL, *work = model;
	fs_err pe = { 0 };
	fs_files files = { 0 };
	/* an unsaved model may differ from the files: always compared */
	int same = !model && model_unchanged(&fs);
	int broken = !same && (head_model(r, &head, &pe) || (!work && fs_project_open(&work, r->projdir, &pe)));
	if (broken)
		fs_gs_strs_add(&out->notes, &out->nnotes, "%s", pe.msg);
	else if (!same)
		fs_gs_diff_models(head, work, NULL, NULL, 0, out);
	/* the project's files tell an untracked file of the project (shown as
	 * its objects) from another; rendering them all costs the project's size */
	if (work && any_untracked(&fs) && fs_project_render(work, &files, NULL))
		memset(&files, 0, sizeof files);
	size_t nobj = out->n;
	for (size_t i = 0; i < fs.n; i++) {
		fs_change_type t = file_change(fs.v[i].flags);
		/* A new project file shows as its object already. */
		if (t == FS_CH_CONFLICTED || (t == FS_CH_UNTRACKED && !is_project_file(&files, fs.v[i].path)) ||
		    broken)
			add_file_change(out, fs.v[i].path, t);
	}
	if (out->n > nobj)
		qsort(out->v + nobj, out->n - nobj, sizeof *out->v, change_cmp);
	fs_files_free(&files);
	if (work != model)
		fs_project_free(work);
	file_sts_free(&fs);
	return 0;
}

enum fs_err_code fs_git_status(fs_repo *r, fs_changes *out, fs_err *e)
{
	return status_with(r, NULL, out, e);
}

enum fs_err_code fs_git_status_model(fs_repo *r, fs_project *model, fs_changes *out, fs_err *e)
{
	return status_with(r, model, out, e);
}

/* ---- Diff --------------------------------------------------------------------- */

static void renames_add(renames *rn, const char *old, const char *new)
{
	size_t n = rn->n;
	fs_gs_strs_add(&rn->old, &n, "%s", old);
	n = rn->n;
	fs_gs_strs_add(&rn->new, &n, "%s", new);
	rn->n = n;
}

/* The rename trailers of the commits in rev2 (NULL: HEAD) and not in rev1,
 * with chains composed (a -> b, b -> c gives a -> c too). */
static void renames_between(fs_repo *r, const char *rev1, const char *rev2, renames *rn)
{
	git_commit *c1 = NULL, *c2 = NULL;
	git_revwalk *w = NULL;
	memset(rn, 0, sizeof *rn);
	if (fs_gs_resolve(r, rev1, &c1, NULL) || fs_gs_resolve(r, rev2, &c2, NULL) || !c2 ||
	    git_revwalk_new(&w, r->repo) < 0 || git_revwalk_push(w, git_commit_id(c2)) < 0 ||
	    (c1 && git_revwalk_hide(w, git_commit_id(c1)) < 0))
		goto out;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	git_oid id;
	while (git_revwalk_next(&id, w) == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, r->repo, &id) < 0)
			break;
		renames one;
		fs_gs_renames_from_message(git_commit_message(c), &one);
		for (size_t i = 0; i < one.n; i++) {
			/* Oldest first: a rename of a path that an earlier rename
			 * produced extends that chain. */
			size_t n = rn->n;
			for (size_t k = 0; k < n; k++)
				if (!strcmp(rn->new[k], one.old[i]))
					renames_add(rn, rn->old[k], one.new[i]);
			renames_add(rn, one.old[i], one.new[i]);
		}
		fs_gs_renames_free(&one);
		git_commit_free(c);
	}
out:
	git_revwalk_free(w);
	git_commit_free(c1);
	git_commit_free(c2);
}

enum fs_err_code fs_git_diff(fs_repo *r, const char *rev1, const char *rev2, const char *obj,
		fs_changes *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	fs_project *a = NULL, *b = NULL;
	int rc = open_rev(r, rev1, &a, e);
	if (!rc)
		rc = rev2 ? open_rev(r, rev2, &b, e) : fs_project_open(&b, r->projdir, e);
	if (!rc && obj && *obj && !(a && fs_gs_find_obj(a, obj)) && !(b && fs_gs_find_obj(b, obj)))
		rc = fs_err_set(e, FS_E_NOTFOUND, "%s: no such object in %s or %s", obj,
				rev1 ? rev1 : "HEAD", rev2 ? rev2 : "the working tree");
	if (!rc) {
		renames rn;
		if (!rev1)
			fs_gs_state_notes(r, &out->notes, &out->nnotes);
		renames_between(r, rev1, rev2, &rn);
		fs_gs_diff_models(a, b, obj, &rn, 1, out);
		fs_gs_renames_free(&rn);
	}
	fs_project_free(a);
	fs_project_free(b);
	return rc;
}

/* ---- Commit -------------------------------------------------------------------- */

void fs_gs_pathset_add(pathset *s, const char *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], p))
			return;
	fs_gs_strs_add(&s->v, &s->n, "%s", p);
}

static int pathset_has(const pathset *s, const char *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], p))
			return 1;
	return 0;
}

static void obj_files(fs_obj *o, int with_parent, pathset *files)
{
	if (fs_obj_file(o))
		fs_gs_pathset_add(files, fs_obj_file(o));
	if (with_parent && o->parent && fs_obj_file(o->parent))
		fs_gs_pathset_add(files, fs_obj_file(o->parent));
}

/* The files holding the chosen objects, in the working tree or at HEAD. */
static enum fs_err_code chosen_files(fs_project *head, fs_project *work, const fs_changes *ch,
			const char *const *objs, size_t nobjs, pathset *files, fs_err *e)
{
	for (size_t i = 0; i < nobjs; i++) {
		const char *p = objs[i][0] == '/' ? objs[i] + 1 : objs[i];
		fs_obj *w = work ? fs_gs_find_obj(work, p) : NULL;
		fs_obj *h = head ? fs_gs_find_obj(head, p) : NULL;
		if (!w && !h)
			return fs_err_set(e, FS_E_NOTFOUND, "%s: no such object", p);
		if (w)
			obj_files(w, !h, files);
		if (h)
			obj_files(h, !w, files);
		for (size_t k = 0; k < ch->n; k++)
			if (ch->v[k].change == FS_CH_RENAMED && !strcmp(ch->v[k].path, p) && head) {
				fs_obj *old = fs_gs_find_obj(head, ch->v[k].old_path);
				if (old)
					obj_files(old, 1, files);
				if (w)
					obj_files(w, 1, files);
			}
	}
	return 0;
}

/* A tree: HEAD's, with the given files of the project folder as they are in
 * the working tree (absent ones removed). The repository index is not used,
 * so nothing staged outside the project can slip in. */
static enum fs_err_code build_tree(fs_repo *r, git_commit *head, const pathset *files, git_oid *tree_id, fs_err *e)
{
	git_index *idx = NULL;
	git_tree *ht = NULL;
	int rc = 0;
	if (git_index_new(&idx) < 0)
		return git_fail(e, "index");
	if (head && (git_commit_tree(&ht, head) < 0 || git_index_read_tree(idx, ht) < 0))
		rc = git_fail(e, "HEAD");
	for (size_t i = 0; !rc && i < files->n; i++) {
		char *rel = fs_xasprintf("%s%s", r->prefix, files->v[i]);
		char *full = fs_xasprintf("%s%s", r->workdir, rel);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			git_index_entry ent;
			memset(&ent, 0, sizeof ent);
			ent.mode = (st.st_mode & 0111) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
			ent.path = rel;
			if (git_blob_create_from_disk(&ent.id, r->repo, full) < 0 || git_index_add(idx, &ent) < 0)
				rc = git_fail(e, rel);
		} else {
			git_index_remove(idx, rel, 0);
		}
		free(rel);
		free(full);
	}
	if (!rc && git_index_write_tree_to(tree_id, idx, r->repo) < 0)
		rc = git_fail(e, "tree");
	git_tree_free(ht);
	git_index_free(idx);
	return rc;
}

/* Keeps the repository index in step with the commit for those files. */
static enum fs_err_code update_index(fs_repo *r, const pathset *files, fs_err *e)
{
	git_index *idx = NULL;
	if (git_repository_index(&idx, r->repo) < 0)
		return git_fail(e, "index");
	for (size_t i = 0; i < files->n; i++) {
		char *rel = fs_xasprintf("%s%s", r->prefix, files->v[i]);
		char *full = fs_path_join(r->workdir, rel);
		if (fs_is_file(full))
			git_index_add_bypath(idx, rel);
		else
			git_index_remove_bypath(idx, rel);
		free(rel);
		free(full);
	}
	int rc = git_index_write(idx) < 0 ? git_fail(e, "index") : 0;
	git_index_free(idx);
	return rc;
}

static enum fs_err_code conflicts_in_project(fs_repo *r, const file_sts *fs, fs_err *e)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].flags & GIT_STATUS_CONFLICTED)
			return fs_err_set(e, FS_E_CONFLICT,
					  "%s is conflicted: resolve the conflicts and mark them (git add) first",
					  fs->v[i].path);
	return 0;
}

static char *commit_message(const char *msg, const fs_changes *ch, const pathset *files,
			    fs_project *head)
{
	fs_buf b = FS_BUF_INIT;
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	fs_buf_add(&b, msg, n);
	fs_buf_addc(&b, '\n');
	int first = 1;
	for (size_t i = 0; head && i < ch->n; i++) {
		const fs_change *c = &ch->v[i];
		fs_obj *old = c->change == FS_CH_RENAMED ? fs_gs_find_obj(head, c->old_path) : NULL;
		if (!old || !pathset_has(files, c->file) || !fs_obj_file(old) ||
		    !pathset_has(files, fs_obj_file(old)))
			continue;
		fs_buf_printf(&b, "%s%s: %s -> %s\n", first ? "\n" : "", TRAILER_RENAME, c->old_path, c->path);
		first = 0;
	}
	return fs_buf_steal(&b);
}

typedef struct parents {
	git_commit *v[16];
	size_t n;
	git_repository *repo;
} parents;

static int add_merge_head(const git_oid *id, void *payload)
{
	parents *p = payload;
	if (p->n < 16 && git_commit_lookup(&p->v[p->n], p->repo, id) == 0)
		p->n++;
	return 0;
}

static enum fs_err_code do_commit(fs_repo *r, const char *message, const git_oid *tree_id, git_commit *head,
		     git_oid *id, fs_err *e)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	parents ps = { { 0 }, 0, r->repo };
	int rc = 0, merging = git_repository_state(r->repo) == GIT_REPOSITORY_STATE_MERGE;
	if (git_signature_default(&sig, r->repo) < 0)
		return fs_err_set(e, FS_E_GIT, "no author: set user.name and user.email "
				  "(git config user.name \"Your Name\"; git config user.email you@example.com)");
	if (head)
		git_commit_dup(&ps.v[ps.n++], head);
	if (merging)
		git_repository_mergehead_foreach(r->repo, add_merge_head, &ps);
	if (head && !merging && git_oid_equal(tree_id, git_commit_tree_id(head)))
		rc = fs_err_set(e, FS_E_INVALID, "nothing to commit");
	else if (git_tree_lookup(&tree, r->repo, tree_id) < 0 ||
		 git_commit_create(id, r->repo, "HEAD", sig, sig, NULL, message, tree, ps.n,
				   (const git_commit **)ps.v) < 0)
		rc = git_fail(e, "commit");
	if (!rc && merging)
		git_repository_state_cleanup(r->repo);
	for (size_t i = 0; i < ps.n; i++)
		git_commit_free(ps.v[i]);
	git_tree_free(tree);
	git_signature_free(sig);
	return rc;
}

enum fs_err_code fs_git_commit(fs_repo *r, const char *message, const char *const *objs, size_t nobjs,
		  char id[41], fs_err *e)
{
	if (!message || !*message)
		return fs_err_set(e, FS_E_USAGE, "a commit needs a message");
	file_sts fs;
	int rc = file_status(r, &fs, e);
	if (rc)
		return rc;
	git_commit *head = NULL;
	fs_project *hp = NULL, *wp = NULL;
	fs_changes ch = { 0 };
	pathset files = { 0 };
	rc = conflicts_in_project(r, &fs, e);
	if (!rc)
		rc = fs_gs_resolve(r, NULL, &head, e);
	if (!rc) {
		/* Models give the renames (and the files of chosen objects); a
		 * version that does not parse only loses the rename trailers. */
		fs_err we = { 0 };
		int hok = !head_model(r, &hp, NULL);
		int wok = !fs_project_open(&wp, r->projdir, &we);
		if (hok && wok)
			fs_gs_diff_models(hp, wp, NULL, NULL, 0, &ch);
		if (nobjs && !wok)
			rc = fs_err_set(e, we.code, "%s", we.msg);
		else if (nobjs)
			rc = chosen_files(hok ? hp : NULL, wp, &ch, objs, nobjs, &files, e);
		else
			for (size_t i = 0; i < fs.n; i++)
				fs_gs_pathset_add(&files, fs.v[i].path);
	}
	git_oid tree_id, cid;
	char *msg = NULL;
	if (!rc && !files.n)
		rc = fs_err_set(e, FS_E_INVALID, "nothing to commit");
	if (!rc)
		rc = build_tree(r, head, &files, &tree_id, e);
	if (!rc) {
		msg = commit_message(message, &ch, &files, hp);
		rc = do_commit(r, msg, &tree_id, head, &cid, e);
	}
	if (!rc)
		rc = update_index(r, &files, e);
	if (!rc && id)
		git_oid_tostr(id, 41, &cid);
	free(msg);
	fs_gs_strs_free(files.v, files.n);
	fs_changes_free(&ch);
	fs_project_free(wp);
	git_commit_free(head);
	file_sts_free(&fs);
	return rc;
}

/* ---- Restore -------------------------------------------------------------------- */

static enum fs_err_code restore_into(fs_obj *cur, fs_obj *old, fs_err *e);

/* Properties of old onto cur: changed ones set, missing ones removed. */
static enum fs_err_code restore_props(fs_obj *cur, fs_obj *old, fs_err *e)
{
	const fs_prop *pv;
	size_t n = fs_obj_props(cur, &pv);
	char **drop = NULL;
	size_t ndrop = 0;
	for (size_t i = 0; i < n; i++)
		if (!pv[i].complex && !fs_obj_prop(old, pv[i].key))
			fs_gs_strs_add(&drop, &ndrop, "%s", pv[i].key);
	int rc = 0;
	for (size_t i = 0; !rc && i < ndrop; i++)
		rc = fs_obj_set_prop(cur, drop[i], NULL, e);
	fs_gs_strs_free(drop, ndrop);
	n = fs_obj_props(old, &pv);
	for (size_t i = 0; !rc && i < n; i++) {
		if (pv[i].complex || (cur->kind == FS_K_DDOC && !strcmp(pv[i].key, "docdata")))
			continue;
		const char *now = fs_obj_prop(cur, pv[i].key);
		if (!now || strcmp(now, pv[i].value))
			rc = fs_obj_set_prop(cur, pv[i].key, pv[i].value, e);
	}
	return rc;
}

static fs_obj *kid_named(fs_obj *o, fs_kind k, const char *name)
{
	for (size_t i = 0; i < o->nkids; i++)
		if (o->kids[i]->kind == k && !strcmp(o->kids[i]->name, name))
			return o->kids[i];
	return NULL;
}

static const char *variant_of(const fs_obj *o)
{
	return o->kind == FS_K_FUNCTION ? fs_fn_name(o->fn) : o->cls;
}

static enum fs_err_code create_like(fs_obj *parent, fs_obj *old, fs_err *e)
{
	fs_obj *n = NULL;
	int rc = fs_obj_new(parent, old->kind, old->name, variant_of(old), &n, e);
	return rc ? rc : restore_into(n, old, e);
}

static enum fs_err_code restore_kids(fs_obj *cur, fs_obj *old, fs_err *e)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < old->nkids; i++) {
		fs_obj *k = kid_named(cur, old->kids[i]->kind, old->kids[i]->name);
		rc = k ? restore_into(k, old->kids[i], e) : create_like(cur, old->kids[i], e);
	}
	for (size_t i = cur->nkids; !rc && i-- > 0;)
		if (!kid_named(old, cur->kids[i]->kind, cur->kids[i]->name))
			rc = fs_obj_delete(cur->kids[i], e);
	return rc;
}

static enum fs_err_code restore_into(fs_obj *cur, fs_obj *old, fs_err *e)
{
	char *a = obj_signature(cur), *b = obj_signature(old);
	int same = !strcmp(a, b), rc = 0;
	free(a);
	free(b);
	if (same)
		return 0;
	switch (cur->kind) {
	case FS_K_FUNCTION:
		return fs_fn_set_text(cur, fs_fn_text(old), e);
	case FS_K_DDOC:
		rc = fs_ddoc_set_json(cur, fs_ddoc_json(old), e);
		return rc ? rc : restore_props(cur, old, e);
	case FS_K_VIEW:
		return restore_kids(cur, old, e);
	default:
		if (!fs_obj_editable(cur))
			return fs_err_set(e, FS_E_INVALID, "%s: this kind of object cannot be restored alone; "
					  "restore its file's owner or the whole project", cur->name);
		rc = restore_props(cur, old, e);
		return rc ? rc : restore_kids(cur, old, e);
	}
}

/* An object with a file of its own (a connector, a sequence) comes back as
 * that file, byte for byte. */
static int owns_file(const fs_obj *o)
{
	return o->parent && fs_obj_file(o) && fs_obj_file(o->parent) &&
	       strcmp(fs_obj_file(o), fs_obj_file(o->parent));
}

/* The file rel as it was at c, written in place, or into txn (a
 * multi-file restore switches its files in at once). */
static enum fs_err_code write_rev_file_txn(fs_repo *r, git_commit *c, const char *rel, fs_txn *txn, fs_err *e);

static enum fs_err_code write_rev_file(fs_repo *r, git_commit *c, const char *rel, fs_err *e)
{
	return write_rev_file_txn(r, c, rel, NULL, e);
}

static enum fs_err_code write_rev_file_txn(fs_repo *r, git_commit *c, const char *rel, fs_txn *txn, fs_err *e)
{
	tree_src s = { r, NULL, "", NULL, 0 };
	git_oid_tostr(s.label, 8, git_commit_id(c));
	if (git_commit_tree(&s.tree, c) < 0)
		return git_fail(e, s.label);
	char *data = NULL;
	size_t len = 0;
	int rc = read_blob(&s, rel, &data, &len, e);
	if (!rc && txn) {
		rc = fs_txn_write(txn, rel, data, len, 0644, e);
	} else if (!rc) {
		char *full = fs_path_join(r->projdir, rel);
		char *dir = parent_path(full);
		rc = fs_mkdir_p(dir, 0755, e);
		if (!rc)
			rc = fs_write_file_atomic(full, data, len, 0644, e);
		free(dir);
		free(full);
	}
	free(data);
	git_tree_free(s.tree);
	return rc;
}

static int uncommitted(fs_project *head, fs_project *work, const char *obj)
{
	fs_obj *h = head ? fs_gs_find_obj(head, obj) : NULL;
	fs_obj *w = fs_gs_find_obj(work, obj);
	if (!h || !w)
		return !h != !w;
	char *a = obj_signature(h), *b = obj_signature(w);
	int diff = strcmp(a, b) != 0;
	free(a);
	free(b);
	return diff;
}

/* The path obj had at commit c, following the renames made since (the
 * renames of its history whose commit descends from c). */
static char *path_at(fs_repo *r, git_commit *c, const char *obj)
{
	fs_history h;
	char *path = fs_xstrdup(obj);
	if (fs_git_log(r, NULL, obj, 0, &h, NULL))
		return path;
	for (size_t i = 0; i < h.n; i++) {
		git_oid id;
		if (h.v[i].ch.change != FS_CH_RENAMED || git_oid_fromstr(&id, h.v[i].id) < 0 ||
		    git_graph_descendant_of(r->repo, &id, git_commit_id(c)) != 1)
			continue;
		free(path);
		path = fs_xstrdup(h.v[i].ch.old_path);
	}
	fs_history_free(&h);
	return path;
}

static enum fs_err_code restore_object(fs_repo *r, git_commit *c, fs_project *old, fs_project *work,
			  const char *obj, fs_err *e)
{
	fs_obj *o = fs_gs_find_obj(old, obj), *w = fs_gs_find_obj(work, obj);
	if (!o) {
		char *was = path_at(r, c, obj);
		o = fs_gs_find_obj(old, was);
		free(was);
	}
	if (!o && !w)
		return fs_err_set(e, FS_E_NOTFOUND, "%s: no such object", obj);
	if (!o) {
		int rc = fs_obj_delete(w, e);
		return rc ? rc : fs_project_save(work, e);
	}
	if (!w) {
		char *pp = parent_path(obj);
		fs_obj *parent = fs_gs_find_obj(work, pp);
		int rc = parent ? fs_obj_new(parent, o->kind, o->name, variant_of(o), &w, e)
				: fs_err_set(e, FS_E_NOTFOUND, "%s: restore %s first", obj, pp);
		free(pp);
		if (rc)
			return rc;
	}
	if (owns_file(o)) {
		/* Save first so that the parent names the file, then put it back. */
		int rc = fs_project_save(work, e);
		return rc ? rc : write_rev_file(r, c, fs_obj_file(o), e);
	}
	int rc = restore_into(w, o, e);
	return rc ? rc : fs_project_save(work, e);
}

/* Whole project: every file of the project folder as at c; project files
 * that c does not have are removed. */
typedef struct all_ctx {
	fs_repo *r;
	git_commit *c;
	pathset seen;
	fs_err *e;
	int rc;
	fs_txn *txn;     /* every file of the restore switches in at once */
} all_ctx;

static int write_entry(const char *root, const git_tree_entry *te, void *payload)
{
	all_ctx *a = payload;
	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB)
		return 0;
	size_t pl = strlen(a->r->prefix);
	char *rel = fs_xasprintf("%s%s", root, git_tree_entry_name(te));
	if (!strncmp(rel, a->r->prefix, pl)) {
		fs_gs_pathset_add(&a->seen, rel + pl);
		a->rc = write_rev_file_txn(a->r, a->c, rel + pl, a->txn, a->e);
	}
	free(rel);
	return a->rc ? -1 : 0;
}

static enum fs_err_code restore_all(fs_repo *r, git_commit *c, fs_project *head, fs_project *work, fs_err *e)
{
	all_ctx a = { r, c, { 0 }, e, 0, NULL };
	git_tree *tree = NULL;
	if (git_commit_tree(&tree, c) < 0)
		return git_fail(e, "restore");
	/* a crash or a full disk leaves the old project or the restored one,
	 * never a mix (the journal of src/model/journal.h) */
	a.txn = fs_txn_begin(r->projdir);
	git_tree_walk(tree, GIT_TREEWALK_PRE, write_entry, &a);
	fs_project *sides[2] = { head, work };
	for (int s = 0; s < 2 && !a.rc; s++) {
		fs_files f = { 0 };
		if (!sides[s] || fs_project_render(sides[s], &f, NULL))
			continue;
		for (size_t i = 0; i < f.n; i++)
			if (!pathset_has(&a.seen, f.v[i].relpath))
				fs_txn_remove(a.txn, f.v[i].relpath);
		fs_files_free(&f);
	}
	if (a.rc)
		fs_txn_abort(a.txn);
	else
		a.rc = fs_txn_commit(a.txn, e);
	git_tree_free(tree);
	fs_gs_strs_free(a.seen.v, a.seen.n);
	return a.rc;
}

enum fs_err_code fs_git_restore(fs_repo *r, const char *obj, const char *rev, int force, fs_err *e)
{
	git_commit *c = NULL;
	fs_project *old = NULL, *head = NULL, *work = NULL;
	if (obj && *obj == '/')
		obj++;
	int rc = fs_gs_resolve(r, rev, &c, e);
	if (!rc && !c)
		rc = fs_err_set(e, FS_E_NOTFOUND, "nothing to restore: no commit yet");
	if (!rc)
		head_model(r, &head, NULL);
	if (!rc && obj) {
		rc = fs_gs_open_commit(r, c, &old, e);
		if (!rc)
			rc = fs_project_open(&work, r->projdir, e);
		if (!rc && !force && uncommitted(head, work, obj))
			rc = fs_err_set(e, FS_E_CONFLICT, "%s has uncommitted changes "
					"(commit them, or restore with --force to drop them)", obj);
		if (!rc)
			rc = restore_object(r, c, old, work, obj, e);
	} else if (!rc) {
		file_sts fs;
		rc = file_status(r, &fs, e);
		for (size_t i = 0; !rc && !force && i < fs.n; i++)
			if (file_change(fs.v[i].flags) != FS_CH_UNTRACKED)
				rc = fs_err_set(e, FS_E_CONFLICT, "%s has uncommitted changes "
						"(commit them, or restore with --force to drop them)",
						fs.v[i].path);
		file_sts_free(&fs);
		if (!rc && fs_project_open(&work, r->projdir, NULL))
			work = NULL;
		if (!rc)
			rc = restore_all(r, c, head, work, e);
	}
	fs_project_free(old);
	fs_project_free(work);
	git_commit_free(c);
	return rc;
}

/* ---- JSON -------------------------------------------------------------------------- */

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

cJSON *fs_gs_change_json(const fs_change *c)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "path", c->path);
	add_str(o, "old_path", c->old_path);
	add_str(o, "file", c->file);
	cJSON_AddStringToObject(o, "kind", c->path ? fs_kind_name(c->kind) : "file");
	cJSON_AddStringToObject(o, "change", fs_change_name(c->change));
	if (c->old_text || c->new_text) {
		add_str(o, "old_text", c->old_text);
		add_str(o, "new_text", c->new_text);
		cJSON_AddItemToObject(o, "hunks", fs_hunks_json(&c->hunks));
	}
	return o;
}

cJSON *fs_gs_strs_json(char **v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

cJSON *fs_gs_changes_array(const fs_changes *c)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < c->n; i++)
		cJSON_AddItemToArray(a, fs_gs_change_json(&c->v[i]));
	return a;
}

cJSON *fs_changes_json(const fs_changes *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "changes", fs_gs_changes_array(c));
	cJSON_AddItemToObject(o, "notes", fs_gs_strs_json(c->notes, c->nnotes));
	return o;
}

/* ---- For the deploy history (src/git/notes.c, src/deploy/deployed.c) ------ */

git_repository *fs_repo_git(fs_repo *r)
{
	return r->repo;
}

enum fs_err_code fs_git_open_rev(fs_repo *r, const char *rev, fs_project **out, fs_err *e)
{
	int rc = open_rev(r, rev, out, e);
	if (!rc && !*out)
		rc = fs_err_set(e, FS_E_NOTFOUND, "HEAD: no commit yet");
	return rc;
}

int fs_repo_reaches(fs_repo *r, const char *rev, const char *ancestor)
{
	git_commit *a = NULL, *b = NULL;
	int rc = -1;
	if (!fs_gs_resolve(r, rev, &b, NULL) && b && !fs_gs_resolve(r, ancestor, &a, NULL) && a)
		rc = git_oid_equal(git_commit_id(a), git_commit_id(b)) ||
		     git_graph_descendant_of(r->repo, git_commit_id(b), git_commit_id(a)) == 1;
	git_commit_free(a);
	git_commit_free(b);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum fs_err_code fs_git_revlist(fs_repo *r, const char *rev, const char *hide, char ***ids, size_t *n, fs_err *e)
{
	git_commit *from = NULL, *h = NULL;
	git_revwalk *w = NULL;
	git_oid oid;
	*ids = NULL;
	*n = 0;
	int rc = fs_gs_resolve(r, rev, &from, e);
	if (!rc && hide)
		rc = fs_gs_resolve(r, hide, &h, e);
	if (!rc && (!from || git_revwalk_new(&w, r->repo) < 0 || git_revwalk_push(w, git_commit_id(from)) < 0 ||
		    (h && git_revwalk_hide(w, git_commit_id(h)) < 0)))
		rc = git_fail(e, "walking the history");
	while (!rc && git_revwalk_next(&oid, w) == 0) {
		char id[41];
		git_oid_tostr(id, sizeof id, &oid);
		fs_gs_strs_add(ids, n, "%s", id);
	}
	if (*n)
		qsort(*ids, *n, sizeof **ids, cmp_str);
	git_revwalk_free(w);
	git_commit_free(from);
	git_commit_free(h);
	return rc;
}

int fs_git_revlist_has(char *const *ids, size_t n, const char *id)
{
	return n && bsearch(&id, ids, n, sizeof *ids, cmp_str) != NULL;
}
