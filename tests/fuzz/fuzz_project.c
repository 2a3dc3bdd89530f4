/* libFuzzer target for the whole project loader: the input is a bundle of
 * files separated by lines "---8<---" (c8oProject.yaml first; every included
 * file takes the next section). Properties: loading never crashes; what
 * loads renders unchanged, also once its lazy files are read into lines; after every function is edited and the checks
 * run, the rendered files load again with the same functions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/project_int.h"

#define SEP "\n---8<---\n"

typedef struct bundle {
	const char *data;
	size_t len;
	size_t next;         /* section served to the next read */
	fs_files *files;     /* set: serve these instead */
} bundle;

static int section(const bundle *b, size_t k, const char **s, size_t *n)
{
	const char *p = b->data, *end = b->data + b->len;
	for (size_t i = 0; i < k; i++) {
		const char *q = memmem(p, end - p, SEP, strlen(SEP));
		if (!q)
			return -1;
		p = q + strlen(SEP);
	}
	const char *q = memmem(p, end - p, SEP, strlen(SEP));
	*s = p;
	*n = (q ? q : end) - p;
	return 0;
}

static enum fs_err_code rd(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	bundle *b = ctx;
	const char *s = NULL;
	size_t n = 0;
	if (b->files) {
		for (size_t i = 0; i < b->files->n && !s; i++)
			if (!strcmp(b->files->v[i].relpath, relpath)) {
				s = b->files->v[i].data;
				n = b->files->v[i].len;
			}
	} else if (section(b, strcmp(relpath, "c8oProject.yaml") ? ++b->next : 0, &s, &n) < 0) {
		s = NULL;
	}
	if (!s)
		return fs_err_set(e, FS_E_NOTFOUND, "%s: no such file", relpath);
	*data = fs_xstrndup(s, n);
	*len = n;
	return 0;
}

static void edit_all(fs_obj *o, char ***texts, size_t *n)
{
	if (o->kind == FS_K_FUNCTION && fs_fn_text(o)) {
		char *t = fs_xasprintf("%s\n// edited '\t\\n", fs_fn_text(o));
		if (fs_fn_set_text(o, t, NULL))
			abort();
		*texts = fs_xrealloc(*texts, (*n + 1) * sizeof **texts);
		(*texts)[(*n)++] = fs_obj_path(o);
		free(t);
	}
	for (size_t i = 0; i < o->nkids; i++)
		edit_all(o->kids[i], texts, n);
}

/* b is a once written by Convertigo's rules: tabs became four spaces. */
static int same_but_tabs(const char *a, const char *b)
{
	for (; *a; a++) {
		if (*a == '\t') {
			if (strncmp(b, "    ", 4))
				return 0;
			b += 4;
		} else if (*b++ != *a) {
			return 0;
		}
	}
	return !*b;
}

static void render_unchanged(fs_project *p)
{
	fs_files fl;
	fs_project_render(p, &fl, NULL);
	for (size_t i = 0; i < fl.n; i++)
		if (fl.v[i].changed)
			abort();
	fs_files_free(&fl);
}

/* The files kept as bytes at load (lazy.c) read into lines, one by one as
 * the studio asks: they still render as read (a damaged one stays bytes). */
static void read_lazy_files(fs_project *p)
{
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	for (size_t i = 0; i < n; i++)
		if (fs_lfile_unlazy(files[i], NULL) && !files[i]->lazy_bad)
			abort();
	free(files);
	render_unchanged(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bundle b = { (const char *)data, size, 0, NULL };
	fs_project *p;
	if (fs_project_open_with(&p, "fuzz", rd, &b, NULL))
		return 0;
	render_unchanged(p);
	if (size % 2) /* half the inputs edit with their lazy files still bytes */
		read_lazy_files(p);
	fs_files fl;
	char **paths = NULL;
	size_t n = 0;
	edit_all(fs_project_root(p), &paths, &n);
	fs_issues is;
	fs_project_check(p, &is);
	fs_issues_free(&is);
	fs_project_render(p, &fl, NULL);
	b.files = &fl;
	fs_project *q;
	if (fs_project_open_with(&q, "again", rd, &b, NULL))
		abort();
	for (size_t i = 0; i < n; i++) {
		fs_obj *a = fs_project_find(p, paths[i]), *c = fs_project_find(q, paths[i]);
		/* tabs become four spaces in docdata, as in Convertigo */
		if (!a || !c || !same_but_tabs(fs_fn_text(a), fs_fn_text(c))) {
			fprintf(stderr, "%s:\n[%s]\n[%s]\n", paths[i], a ? fs_fn_text(a) : "-", c ? fs_fn_text(c) : "-");
			abort();
		}
		free(paths[i]);
	}
	free(paths);
	fs_project_free(q);
	fs_files_free(&fl);
	fs_project_free(p);
	return 0;
}
