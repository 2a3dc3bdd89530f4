/* The history of an object (following its renames and those of its
 * ancestors) or of the whole project across commits: one walk over the
 * commit graph, newest first, that skips a commit without reading blobs
 * when its key (the tree entry of the object's file) equals its parent's.
 * Versions are read and compared with gitstore.c's internals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <git2.h>
#include "base/array.h"
#include "base/buf.h"
#include "git/gitstore.h"
#include "git/gitstore_int.h"

/* An open-addressing map from object ids to pointers. */
typedef struct oidmap {
	git_oid *keys;
	void **vals;
	size_t cap, n;
} oidmap;

static size_t oid_slot(const oidmap *m, const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	size_t i = h & (m->cap - 1);
	while (m->vals[i] && !git_oid_equal(&m->keys[i], id))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void *oidmap_get(const oidmap *m, const git_oid *id)
{
	return m->cap ? m->vals[oid_slot(m, id)] : NULL;
}

static void oidmap_put(oidmap *m, const git_oid *id, void *val)
{
	if (2 * (m->n + 1) > m->cap) {
		oidmap old = *m;
		m->cap = m->cap ? 2 * m->cap : 256;
		m->keys = fs_xcalloc(m->cap, sizeof *m->keys);
		m->vals = fs_xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.vals[i])
				oidmap_put(m, &old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	size_t i = oid_slot(m, id);
	if (!m->vals[i])
		m->n++;
	m->keys[i] = *id;
	m->vals[i] = val;
}

static void oidmap_free(oidmap *m, void (*fr)(void *))
{
	for (size_t i = 0; fr && i < m->cap; i++)
		if (m->vals[i])
			fr(m->vals[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* What is followed down the history: an object path and the file holding
 * it (NULL when not known yet: then the project folder's tree id is the key). */
typedef struct track {
	char *path;
	char *file;
	char **parts;         /* the key's path in a commit's tree, by folder */
	size_t nparts;        /* 0: the key is the root tree's id */
	oidmap below;         /* tree id on that path -> index + 1 in keys */
	git_oid *keys;        /* the keys found below those trees */
	size_t nkeys;
	struct track *next;   /* all tracks, for freeing */
} track;

/* Per commit: the track it is reached with and its key for that track. */
typedef struct cstate {
	track *t;
	git_oid key;
} cstate;

/* One version of an object, cached by the key (blob or tree id) + path. */
typedef struct version {
	char *path;
	int state;            /* 0 absent, 1 present, 2 the project does not parse */
	char *text;
	char *file;
	fs_kind kind;
	char *err;
	struct version *next;
} version;

typedef struct walk {
	fs_repo *r;
	track *tracks;
	oidmap states;        /* commit id -> cstate */
	oidmap versions;      /* key -> version list */
	fs_history *out;
} walk;

/* The path of the key in a commit's tree, split at slashes: the object's
 * file, or the project folder when the file is not known (none: the whole
 * tree). */
static void key_parts(track *t, const fs_repo *r)
{
	char *p = t->file ? fs_xasprintf("%s%s", r->prefix, t->file) : fs_xstrdup(r->prefix), *save = NULL;
	for (char *tok = strtok_r(p, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
		FS_ARRAY_ADD(t->parts, t->nparts) = fs_xstrdup(tok);
	free(p);
}

static track *track_new(walk *w, const char *path, const char *file)
{
	track *t = fs_xcalloc(1, sizeof *t);
	t->path = path ? fs_xstrdup(path) : NULL;
	t->file = file ? fs_xstrdup(file) : NULL;
	key_parts(t, w->r);
	t->next = w->tracks;
	w->tracks = t;
	return t;
}

static void track_free(track *t)
{
	free(t->path);
	free(t->file);
	fs_gs_strs_free(t->parts, t->nparts);
	oidmap_free(&t->below, NULL);
	free(t->keys);
	free(t);
}

/* The id of the entry called name in tree id; zero when absent (or when id
 * is not a tree). */
static void entry_id(git_repository *repo, const git_oid *id, const char *name, git_oid *out)
{
	git_tree *tree = NULL;
	memset(out, 0, sizeof *out);
	if (git_tree_lookup(&tree, repo, id) < 0)
		return;
	const git_tree_entry *te = git_tree_entry_byname(tree, name);
	if (te)
		git_oid_cpy(out, git_tree_entry_id(te));
	git_tree_free(tree);
}

/* The tree id of the project folder, or the blob id of the object's file;
 * zero when absent. Read down the path one folder at a time, as git log
 * -- FILE does, and remembered per folder tree: a commit that changed
 * nothing under a folder of the path reads no tree below it. */
static void key_of(const git_commit *c, track *t, git_oid *key)
{
	git_repository *repo = git_commit_owner(c);
	git_oid *ids = fs_xcalloc(t->nparts + 1, sizeof *ids);
	size_t n = 0, known = 0;
	git_oid_cpy(&ids[0], git_commit_tree_id(c));
	while (n < t->nparts && !git_oid_is_zero(&ids[n]) &&
	       !(known = (size_t)oidmap_get(&t->below, &ids[n]))) {
		entry_id(repo, &ids[n], t->parts[n], &ids[n + 1]);
		n++;
	}
	git_oid_cpy(key, known ? &t->keys[known - 1] : &ids[n]);
	if (n) {
		FS_ARRAY_ADD(t->keys, t->nkeys) = *key;
		for (size_t i = 0; i < n; i++)
			oidmap_put(&t->below, &ids[i], (void *)t->nkeys);
	}
	free(ids);
}

static void version_free(void *p)
{
	for (version *v = p, *n; v; v = n) {
		n = v->next;
		free(v->path);
		free(v->text);
		free(v->file);
		free(v->err);
		free(v);
	}
}

/* The object of track t in commit c; parsed once per (key, path). */
static version *version_at(walk *w, git_commit *c, const track *t, const git_oid *key)
{
	version *head = oidmap_get(&w->versions, key);
	for (version *v = head; v; v = v->next)
		if (!strcmp(v->path, t->path))
			return v;
	version *v = fs_xcalloc(1, sizeof *v);
	v->path = fs_xstrdup(t->path);
	v->next = head;
	oidmap_put(&w->versions, key, v);
	if (git_oid_is_zero(key) || !c)
		return v;
	fs_project *p = NULL;
	fs_err e = { 0 };
	/* The object's file alone first; the whole project when that does not
	 * load (then the error names the file that is really broken). */
	const char *only[1] = { t->file };
	if (t->file && fs_gs_open_commit_only(w->r, c, only, 1, &p, NULL))
		p = NULL;
	if (!p && fs_gs_open_commit(w->r, c, &p, &e)) {
		v->state = 2;
		v->err = fs_xstrdup(e.msg);
		return v;
	}
	fs_obj *o = fs_gs_find_obj(p, t->path);
	if (o) {
		v->state = 1;
		v->kind = o->kind;
		v->text = fs_gs_obj_text(o);
		v->file = fs_obj_file(o) ? fs_xstrdup(fs_obj_file(o)) : NULL;
	}
	fs_project_free(p);
	return v;
}

static void entry_header(fs_hist_entry *h, git_commit *c)
{
	const git_signature *a = git_commit_author(c);
	git_oid_tostr(h->id, sizeof h->id, git_commit_id(c));
	h->author = fs_xstrdup(a->name ? a->name : "");
	h->email = fs_xstrdup(a->email ? a->email : "");
	h->time = (long long)a->when.time;
	h->tz = a->when.offset;
	const char *s = git_commit_summary(c);
	h->summary = fs_xstrdup(s ? s : "");
}

static fs_hist_entry *entry_push(walk *w, git_commit *c)
{
	fs_history *o = w->out;
	o->v = fs_xrealloc(o->v, (o->n + 1) * sizeof *o->v);
	fs_hist_entry *h = &o->v[o->n++];
	memset(h, 0, sizeof *h);
	entry_header(h, c);
	return h;
}

/* The files of the project folder that differ between two commits
 * (relative to the project folder). */
static void changed_files(fs_repo *r, git_commit *a, git_commit *b, pathset *out)
{
	git_tree *ta = NULL, *tb = NULL;
	git_diff *d = NULL;
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	size_t plen = strlen(r->prefix);
	char *spec = fs_xstrndup(r->prefix, plen ? plen - 1 : 0);
	char *specs[1] = { spec };
	if (plen) {
		o.pathspec.strings = specs;
		o.pathspec.count = 1;
	}
	if ((!a || git_commit_tree(&ta, a) == 0) && git_commit_tree(&tb, b) == 0 &&
	    git_diff_tree_to_tree(&d, r->repo, ta, tb, &o) == 0) {
		for (size_t i = 0; i < git_diff_num_deltas(d); i++) {
			const git_diff_delta *x = git_diff_get_delta(d, i);
			const char *paths[2] = { x->old_file.path, x->new_file.path };
			for (int k = 0; k < 2; k++)
				if (paths[k] && !strncmp(paths[k], r->prefix, plen))
					fs_gs_pathset_add(out, paths[k] + plen);
		}
	}
	git_diff_free(d);
	git_tree_free(ta);
	git_tree_free(tb);
	free(spec);
}

/* The object changes of c against its parent (NULL: a first commit), reading
 * only the files c changed: objects of other files read empty on both
 * sides, so they cannot differ. The whole project when that does not load;
 * *broken tells whether c itself (1) or its parent (2) does not parse. */
static enum fs_err_code commit_changes(fs_repo *r, git_commit *c, git_commit *parent, fs_changes *out,
			  int *broken, fs_err *e)
{
	pathset files = { 0 };
	fs_project *a = NULL, *b = NULL;
	changed_files(r, parent, c, &files);
	const char *const *only = (const char *const *)files.v;
	int rc = fs_gs_open_commit_only(r, c, only, files.n, &b, NULL);
	if (!rc && parent)
		rc = fs_gs_open_commit_only(r, parent, only, files.n, &a, NULL);
	if (rc) {
		fs_project_free(b);
		a = b = NULL;
		rc = fs_gs_open_commit(r, c, &b, e);
		*broken = rc ? 1 : 0;
		if (!rc && parent && (rc = fs_gs_open_commit(r, parent, &a, e)) != 0)
			*broken = 2;
	}
	if (!rc) {
		renames rn;
		fs_gs_renames_from_message(git_commit_message(c), &rn);
		fs_gs_diff_models(a, b, NULL, &rn, 0, out);
		fs_gs_renames_free(&rn);
	}
	fs_project_free(a);
	fs_project_free(b);
	fs_gs_strs_free(files.v, files.n);
	return rc;
}

/* The rename (of the object or of an ancestor) that made path appear in c:
 * the object's path in the parent, or NULL. */
static char *renamed_from(walk *w, git_commit *c, git_commit *parent, const char *path)
{
	fs_changes ch = { 0 };
	char *old = NULL;
	int broken = 0;
	if (commit_changes(w->r, c, parent, &ch, &broken, NULL) == 0)
		for (size_t i = 0; i < ch.n && !old; i++)
			if (ch.v[i].change == FS_CH_RENAMED && fs_gs_starts_with_dir(path, ch.v[i].path))
				old = fs_xasprintf("%s%s", ch.v[i].old_path, path + strlen(ch.v[i].path));
	fs_changes_free(&ch);
	return old;
}

/* Object history: the entry of c (changed against its first parent, whose
 * key for t is pkey), and the track its parents continue with (a rename
 * switches paths). */
static track *object_entry(walk *w, git_commit *c, git_commit *parent, track *t, const git_oid *key,
			   git_oid pkey)
{
	version *now = version_at(w, c, t, key);
	version *was = parent ? version_at(w, parent, t, &pkey) : NULL;
	track *next = t;
	/* Once the object is seen, its file gives the fast key (a deleted
	 * object is first seen in the parent). */
	if (!t->file && now->state == 1)
		next = track_new(w, t->path, now->file);
	else if (!t->file && was && was->state == 1)
		next = track_new(w, t->path, was->file);
	if (now->state == 2) {
		fs_hist_entry *h = entry_push(w, c);
		h->error = fs_xstrdup(now->err);
		h->ch.change = FS_CH_BROKEN;
		h->ch.path = fs_xstrdup(t->path);
		return next;
	}
	int had = was && was->state != 0;
	if (now->state == 0 && !had)
		return next;
	if (now->state == 1 && was && was->state == 1 && !strcmp(now->text, was->text))
		return next;
	fs_change_type type = now->state == 0 ? FS_CH_DELETED : had ? FS_CH_MODIFIED : FS_CH_ADDED;
	char *old_path = NULL;
	if (type == FS_CH_ADDED && parent && (old_path = renamed_from(w, c, parent, t->path))) {
		track *probe = track_new(w, old_path, NULL);
		key_of(parent, probe, &pkey);
		was = version_at(w, parent, probe, &pkey);
		next = track_new(w, old_path, was->file);
		type = FS_CH_RENAMED;
	}
	fs_hist_entry *h = entry_push(w, c);
	h->ch.change = type;
	h->ch.kind = now->state == 1 ? now->kind : was->kind;
	h->ch.path = fs_xstrdup(t->path);
	h->ch.old_path = old_path;
	h->ch.file = fs_xstrdup(now->file ? now->file : was && was->file ? was->file : "");
	h->ch.old_text = was && was->state == 1 ? fs_xstrdup(was->text) : NULL;
	h->ch.new_text = now->state == 1 ? fs_xstrdup(now->text) : NULL;
	fs_textdiff_str(h->ch.old_text, h->ch.new_text, FS_DIFF_CONTEXT, &h->ch.hunks);
	return next;
}

/* Project history: the object changes of c against its first parent. A
 * version that does not parse is an entry with its error (marked BROKEN);
 * the commit after it says what it could not be compared with. */
static void project_entry(walk *w, git_commit *c, git_commit *parent)
{
	fs_err e = { 0 };
	fs_hist_entry *h = entry_push(w, c);
	int broken = 0;
	commit_changes(w->r, c, parent, &h->changes, &broken, &e);
	if (broken == 1) {
		h->error = fs_xstrdup(e.msg);
		h->ch.change = FS_CH_BROKEN;
	} else if (broken == 2) {
		h->error = fs_xasprintf("not compared with its parent: %s", e.msg);
	}
}

static cstate *state_of(walk *w, const git_commit *c, track *t)
{
	cstate *s = oidmap_get(&w->states, git_commit_id(c));
	if (s)
		return s;
	s = fs_xcalloc(1, sizeof *s);
	s->t = t;
	key_of(c, t, &s->key);
	oidmap_put(&w->states, git_commit_id(c), s);
	return s;
}

/* One commit of the walk: skipped when its key equals a parent's key for
 * the same track (no blob read at all), else compared with its first parent. */
static void walk_commit(walk *w, git_commit *c, int *missing_parent)
{
	cstate *s = state_of(w, c, w->tracks);
	track *t = s->t;
	size_t np = git_commit_parentcount(c);
	git_commit *first = NULL;
	git_oid first_key = { { 0 } };
	int same = np == 0 && git_oid_is_zero(&s->key);
	for (size_t i = 0; i < np; i++) {
		git_commit *p = NULL;
		if (git_commit_parent(&p, c, (unsigned)i) < 0) {
			*missing_parent = 1;
			continue;
		}
		cstate *ps = state_of(w, p, t);
		git_oid pk;
		if (ps->t == t)
			pk = ps->key;
		else
			key_of(p, t, &pk);
		if (git_oid_equal(&pk, &s->key))
			same = 1;
		if (!first) {
			first = p;
			first_key = pk;
		} else {
			git_commit_free(p);
		}
	}
	if (!same) {
		if (t->path) {
			track *next = object_entry(w, c, first, t, &s->key, first_key);
			if (next != t && first) {
				/* Parents continue with the renamed path. */
				for (size_t i = 0; i < np; i++) {
					git_commit *p = NULL;
					if (git_commit_parent(&p, c, (unsigned)i) < 0)
						continue;
					cstate *ps = oidmap_get(&w->states, git_commit_id(p));
					if (ps && ps->t == t) {
						ps->t = next;
						key_of(p, next, &ps->key);
					}
					git_commit_free(p);
				}
			}
		} else {
			project_entry(w, c, first);
		}
	}
	git_commit_free(first);
}

/* The file of path in c as read with only the files of `only` (NULL when
 * path is not there then); caller frees. */
static char *file_with_only(fs_repo *r, git_commit *c, const char *path, const char *only)
{
	fs_project *p = NULL;
	const char *files[1] = { only };
	char *file = NULL;
	if (!fs_gs_open_commit_only(r, c, files, only ? 1 : 0, &p, NULL)) {
		fs_obj *o = fs_gs_find_obj(p, path);
		const char *f = o ? fs_obj_file(o) : NULL;
		file = f ? fs_xstrdup(f) : NULL;
	}
	fs_project_free(p);
	return file;
}

/* The object's file in the newest version, for a fast first key. Read from
 * the project file and the file of the object's top object alone (a big
 * project has many other files); the whole project when the object is not
 * found that way (a deeper include, or no such object at the start). */
static track *first_track(walk *w, git_commit *start, const char *obj)
{
	if (!obj)
		return track_new(w, NULL, NULL);
	char *top = fs_xstrndup(obj, strcspn(obj, "/"));
	char *top_file = file_with_only(w->r, start, top, NULL);
	char *file = top_file ? file_with_only(w->r, start, obj, top_file) : NULL;
	if (!file) {
		fs_project *p = NULL;
		if (!fs_gs_open_commit(w->r, start, &p, NULL)) {
			fs_obj *o = fs_gs_find_obj(p, obj);
			file = o && fs_obj_file(o) ? fs_xstrdup(fs_obj_file(o)) : NULL;
		}
		fs_project_free(p);
	}
	track *t = track_new(w, obj, file);
	free(top);
	free(top_file);
	free(file);
	return t;
}

/* The commits reachable from a start, in an order where children come
 * before parents and, among commits that are ready, the newest first. Our
 * own walk rather than git_revwalk: a shallow clone's missing parents must
 * end the history there, not fail it. */
typedef struct gnode {
	git_commit *c;
	size_t pending;       /* children not walked yet */
} gnode;

typedef struct graph {
	gnode *v;
	size_t n;
	oidmap idx;           /* commit id -> index + 1 */
	size_t *heap;
	size_t nheap;
} graph;

static size_t graph_add(graph *g, git_commit *c)
{
	g->v = fs_xrealloc(g->v, (g->n + 1) * sizeof *g->v);
	g->v[g->n] = (gnode){ c, 0 };
	oidmap_put(&g->idx, git_commit_id(c), (void *)(g->n + 1));
	return g->n++;
}

static void graph_load(fs_repo *r, git_commit *start, graph *g, int *missing)
{
	git_commit *s = NULL;
	git_commit_dup(&s, start);
	graph_add(g, s);
	for (size_t i = 0; i < g->n; i++) {
		git_commit *c = g->v[i].c;
		for (unsigned k = 0; k < git_commit_parentcount(c); k++) {
			const git_oid *pid = git_commit_parent_id(c, k);
			size_t j = (size_t)oidmap_get(&g->idx, pid);
			git_commit *p = NULL;
			if (!j && git_commit_lookup(&p, r->repo, pid) < 0) {
				*missing = 1;
				continue;
			}
			j = j ? j - 1 : graph_add(g, p);
			g->v[j].pending++;
		}
	}
}

static int newer(const graph *g, size_t a, size_t b)
{
	git_time_t ta = git_commit_time(g->v[a].c), tb = git_commit_time(g->v[b].c);
	return ta != tb ? ta > tb : a < b;
}

static void heap_push(graph *g, size_t x)
{
	g->heap = fs_xrealloc(g->heap, (g->nheap + 1) * sizeof *g->heap);
	size_t i = g->nheap++;
	for (; i && newer(g, x, g->heap[(i - 1) / 2]); i = (i - 1) / 2)
		g->heap[i] = g->heap[(i - 1) / 2];
	g->heap[i] = x;
}

static size_t heap_pop(graph *g)
{
	size_t top = g->heap[0], last = g->heap[--g->nheap], i = 0;
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= g->nheap)
			break;
		if (k + 1 < g->nheap && newer(g, g->heap[k + 1], g->heap[k]))
			k++;
		if (!newer(g, g->heap[k], last))
			break;
		g->heap[i] = g->heap[k];
		i = k;
	}
	if (g->nheap)
		g->heap[i] = last;
	return top;
}

static void graph_free(graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		git_commit_free(g->v[i].c);
	free(g->v);
	free(g->heap);
	oidmap_free(&g->idx, NULL);
}

static void walk_graph(walk *w, graph *g, size_t max, int *missing)
{
	heap_push(g, 0);
	while (g->nheap && (!max || w->out->n < max)) {
		git_commit *c = g->v[heap_pop(g)].c;
		walk_commit(w, c, missing);
		for (unsigned k = 0; k < git_commit_parentcount(c); k++) {
			size_t j = (size_t)oidmap_get(&g->idx, git_commit_parent_id(c, k));
			if (j && --g->v[j - 1].pending == 0)
				heap_push(g, j - 1);
		}
	}
}

enum fs_err_code fs_git_log(fs_repo *r, const char *rev, const char *obj, size_t max,
	       fs_history *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	git_commit *start = NULL;
	int rc = fs_gs_resolve(r, rev, &start, e);
	if (rc)
		return rc;
	fs_gs_state_notes(r, &out->notes, &out->nnotes);
	if (!start)
		return 0;
	if (obj && *obj == '/')
		obj++;
	walk w = { r, NULL, { 0 }, { 0 }, out };
	graph g = { 0 };
	int missing = 0;
	cstate *s0 = fs_xcalloc(1, sizeof *s0);
	s0->t = first_track(&w, start, obj);
	key_of(start, s0->t, &s0->key);
	oidmap_put(&w.states, git_commit_id(start), s0);
	graph_load(r, start, &g, &missing);
	walk_graph(&w, &g, max, &missing);
	if (missing || git_repository_is_shallow(r->repo) == 1)
		fs_gs_strs_add(&out->notes, &out->nnotes,
			 "shallow or incomplete history: older commits are not available");
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].error && out->v[i].ch.change == FS_CH_BROKEN)
			fs_gs_strs_add(&out->notes, &out->nnotes, "a version does not parse: %s",
				 out->v[i].error);
	graph_free(&g);
	oidmap_free(&w.states, free);
	oidmap_free(&w.versions, version_free);
	for (track *t = w.tracks, *n; t; t = n) {
		n = t->next;
		track_free(t);
	}
	git_commit_free(start);
	return rc;
}

void fs_history_free(fs_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		fs_hist_entry *x = &h->v[i];
		free(x->author);
		free(x->email);
		free(x->summary);
		free(x->error);
		fs_gs_change_free(&x->ch);
		fs_changes_free(&x->changes);
	}
	free(h->v);
	fs_gs_strs_free(h->notes, h->nnotes);
	memset(h, 0, sizeof *h);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void iso_date(long long t, int tz, char out[32])
{
	time_t local = (time_t)(t + tz * 60LL);
	struct tm tm;
	gmtime_r(&local, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	int a = tz < 0 ? -tz : tz;
	snprintf(out + n, 32 - n, "%c%02d:%02d", tz < 0 ? '-' : '+', a / 60, a % 60);
}

cJSON *fs_history_json(const fs_history *h)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "entries");
	for (size_t i = 0; i < h->n; i++) {
		const fs_hist_entry *x = &h->v[i];
		cJSON *j = cJSON_CreateObject();
		char date[32];
		iso_date(x->time, x->tz, date);
		cJSON_AddStringToObject(j, "id", x->id);
		cJSON_AddStringToObject(j, "author", x->author);
		cJSON_AddStringToObject(j, "email", x->email);
		cJSON_AddStringToObject(j, "date", date);
		cJSON_AddNumberToObject(j, "time", (double)x->time);
		cJSON_AddStringToObject(j, "summary", x->summary);
		if (x->error)
			cJSON_AddStringToObject(j, "error", x->error);
		if (x->ch.path)
			cJSON_AddItemToObject(j, "change", fs_gs_change_json(&x->ch));
		else if (!x->error)
			cJSON_AddItemToObject(j, "changes", fs_gs_changes_array(&x->changes));
		cJSON_AddItemToArray(arr, j);
	}
	cJSON_AddItemToObject(o, "notes", fs_gs_strs_json(h->notes, h->nnotes));
	return o;
}
