/* The project in git: real repositories in temp folders, scripted histories
 * made through the model (edits, renames, deletes) and the git command
 * (merges, detached HEAD, shallow clones, broken files); statuses, logs,
 * diffs and restores are checked exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "git/gitstore.h"
#include "testlib.h"

/* One repository per test: REPO/proj holds a copy of a project, REPO/outside
 * a file that must never be committed by fsstudio. */
typedef struct fx {
	char *repo;
	char *proj;
	fs_repo *r;
} fx;

static int git(fx *f, char **out, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int git(fx *f, char **out, const char *fmt, ...)
{
	va_list ap;
	fs_buf b = FS_BUF_INIT;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int rc = fs_test_sh(out, 1, "cd '%s' && %s", f->repo, b.data);
	fs_buf_free(&b);
	return rc;
}

static void identity(fx *f)
{
	assert_int_equal(git(f, NULL, "git config user.name Tester && git config user.email tester@example.com"), 0);
}

/* A repository holding a copy of src in proj/, not committed yet. */
static void fx_new(fx *f, const char *src)
{
	fs_err e = { 0 };
	f->repo = fs_test_tmpdir();
	f->proj = fs_path_join(f->repo, "proj");
	assert_int_equal(fs_test_copy_tree(src, f->proj), 0);
	assert_int_equal(fs_repo_init(f->repo, &e), 0);
	assert_int_equal(fs_repo_open(&f->r, f->proj, &e), 0);
	assert_string_equal(fs_repo_prefix(f->r), "proj/");
	char *outside = fs_path_join(f->repo, "outside.txt");
	assert_int_equal(fs_write_file_atomic(outside, "x\n", 2, 0644, &e), 0);
	free(outside);
}

static char *sample_dir(void)
{
	return fs_xasprintf("%s/projects/sample", fs_test_srcdir());
}

static void fx_sample(fx *f)
{
	char *s = sample_dir();
	fx_new(f, s);
	free(s);
	identity(f);
}

static void fx_free(fx *f)
{
	fs_repo_free(f->r);
	free(f->proj);
	memset(f, 0, sizeof *f);
}

static char *commit(fx *f, const char *msg, const char *const *objs, size_t n)
{
	char id[41];
	fs_err e = { 0 };
	int rc = fs_git_commit(f->r, msg, objs, n, id, &e);
	if (rc)
		fail_msg("commit %s: %s", msg, e.msg);
	return fs_xstrdup(id);
}

/* ---- Edits through the model ---------------------------------------------- */

static fs_project *open_proj(fx *f)
{
	fs_project *p = NULL;
	fs_err e = { 0 };
	if (fs_project_open(&p, f->proj, &e))
		fail_msg("open: %s", e.msg);
	return p;
}

static void save_proj(fs_project *p)
{
	fs_err e = { 0 };
	if (fs_project_save(p, &e))
		fail_msg("save: %s", e.msg);
	fs_project_free(p);
}

static fs_obj *find(fs_project *p, const char *path)
{
	fs_obj *o = fs_project_find(p, path);
	if (!o)
		fail_msg("%s: no such object", path);
	return o;
}

static void set_fn(fx *f, const char *path, const char *js)
{
	fs_project *p = open_proj(f);
	fs_err e = { 0 };
	if (fs_fn_set_text(find(p, path), js, &e))
		fail_msg("set %s: %s", path, e.msg);
	save_proj(p);
}

static void rename_obj(fx *f, const char *path, const char *name)
{
	fs_project *p = open_proj(f);
	fs_err e = { 0 };
	if (fs_obj_rename(find(p, path), name, &e))
		fail_msg("rename %s: %s", path, e.msg);
	save_proj(p);
}

static void delete_obj(fx *f, const char *path)
{
	fs_project *p = open_proj(f);
	fs_err e = { 0 };
	if (fs_obj_delete(find(p, path), &e))
		fail_msg("delete %s: %s", path, e.msg);
	save_proj(p);
}

static char *fn_text(fx *f, const char *path)
{
	fs_project *p = open_proj(f);
	char *t = fs_xstrdup(fs_fn_text(find(p, path)));
	fs_project_free(p);
	return t;
}

/* ---- Results as text, to compare exactly ---------------------------------- */

static void change_line(fs_buf *b, const fs_change *c)
{
	fs_buf_printf(b, "%c %s %s", fs_change_char(c->change), c->path ? fs_kind_name(c->kind) : "file",
		      c->path ? c->path : c->file);
	if (c->old_path)
		fs_buf_printf(b, " <- %s", c->old_path);
	fs_buf_addc(b, '\n');
}

static char *changes_str(const fs_changes *ch)
{
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < ch->n; i++)
		change_line(&b, &ch->v[i]);
	return fs_buf_steal(&b);
}

static char *status_str(fx *f)
{
	fs_changes ch;
	fs_err e = { 0 };
	if (fs_git_status(f->r, &ch, &e))
		fail_msg("status: %s", e.msg);
	char *s = changes_str(&ch);
	fs_changes_free(&ch);
	return s;
}

static void check_status(fx *f, const char *want)
{
	char *got = status_str(f);
	assert_string_equal(got, want);
	free(got);
}

/* "summary: C kind path" per entry, newest first. */
static char *log_str(fx *f, const char *obj, size_t max)
{
	fs_history h;
	fs_err e = { 0 };
	if (fs_git_log(f->r, NULL, obj, max, &h, &e))
		fail_msg("log: %s", e.msg);
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < h.n; i++) {
		fs_buf_printf(&b, "%s: ", h.v[i].summary);
		if (h.v[i].error)
			fs_buf_adds(&b, "! unreadable\n");
		else if (obj)
			change_line(&b, &h.v[i].ch);
		else
			fs_buf_printf(&b, "%zu changes\n", h.v[i].changes.n);
	}
	fs_history_free(&h);
	return fs_buf_steal(&b);
}

static void check_log(fx *f, const char *obj, const char *want)
{
	char *got = log_str(f, obj, 0);
	assert_string_equal(got, want);
	free(got);
}

/* Indented with spaces: Convertigo writes a tab in docdata as four spaces. */
static const char *MAP1 = "function (doc) {\n  if (doc.type === \"site\")\n    emit(doc.region, doc.name);\n}";
static const char *MAP2 = "function (doc) {\n  if (doc.type === \"site\" && doc.region)\n    emit(doc.region, doc.name);\n}";
static const char *MAP3 = "function (doc) {\n  if (doc.type === \"site\" && doc.region)\n    emit(doc.region, 1);\n}";

/* ---- Tests ------------------------------------------------------------------ */

static void repository_discovery(void **state)
{
	fs_err e = { 0 };
	char *lone = fs_test_tmpdir();
	fs_repo *r = NULL;
	assert_int_equal(fs_repo_open(&r, lone, &e), FS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "fsstudio init"));
	assert_null(r);

	fx f;
	fx_sample(&f);
	assert_int_equal(fs_repo_init(f.proj, &e), FS_E_EXISTS);
	assert_non_null(strstr(e.msg, "already in the git repository"));
	char *head = fs_repo_head_name(f.r);
	assert_string_equal(head, "master (no commit yet)");
	free(head);
	fx_free(&f);
}

static void first_commit_and_scope(void **state)
{
	fx f;
	char *s = sample_dir();
	fx_new(&f, s);
	free(s);
	fs_err e = { 0 };
	char *notes = fs_path_join(f.proj, "NOTES.txt");
	assert_int_equal(fs_write_file_atomic(notes, "n\n", 2, 0644, &e), 0);
	free(notes);

	/* Unborn branch: the whole project is new; a stranger file is untracked;
	 * nothing outside the project folder shows. */
	check_status(&f, "A project \n? file NOTES.txt\n");

	/* No history yet: said, not an error. */
	fs_history h;
	assert_int_equal(fs_git_log(f.r, NULL, NULL, 0, &h, &e), 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(h.nnotes, 1);
	assert_string_equal(h.notes[0], "master (no commit yet)");
	fs_history_free(&h);

	/* No author configured anywhere (HOME is a temp folder). */
	assert_int_equal(fs_git_commit(f.r, "first", NULL, 0, NULL, &e), FS_E_GIT);
	assert_non_null(strstr(e.msg, "user.name"));

	/* Something staged outside the project is not committed by fsstudio. */
	identity(&f);
	assert_int_equal(git(&f, NULL, "git add outside.txt"), 0);
	free(commit(&f, "first", NULL, 0));
	check_status(&f, "");
	char *files = NULL;
	git(&f, &files, "git ls-tree -r --name-only HEAD");
	assert_string_equal(files, "proj/NOTES.txt\nproj/_c8oProject/connectors/inspections.yaml\n"
			    "proj/_c8oProject/connectors/sites.yaml\n"
			    "proj/_c8oProject/sequences/OnDefectChanged.yaml\n"
			    "proj/_c8oProject/sequences/OnInspectionSubmitted.yaml\n"
			    "proj/c8oProject.yaml\n");
	free(files);
	/* Still staged, as the user left it. */
	git(&f, &files, "git status --porcelain");
	assert_string_equal(files, "A  outside.txt\n");
	free(files);

	assert_int_equal(fs_git_commit(f.r, "again", NULL, 0, NULL, &e), FS_E_INVALID);
	assert_string_equal(e.msg, "nothing to commit");
	assert_int_equal(fs_git_commit(f.r, "", NULL, 0, NULL, &e), FS_E_USAGE);
	fx_free(&f);
}

static void status_in_objects(void **state)
{
	fx f;
	fx_sample(&f);
	free(commit(&f, "first", NULL, 0));
	set_fn(&f, "sites/catalog/by_region/map", MAP1);
	delete_obj(&f, "inspections/DefectChanges");
	check_status(&f, "D listener inspections/DefectChanges\n"
			 "M designdoc sites/catalog\n"
			 "M view sites/catalog/by_region\n"
			 "M function sites/catalog/by_region/map\n");

	/* The studio's model with an unsaved edit: marked, nothing written. */
	fs_project *p = open_proj(&f);
	fs_err e = { 0 };
	assert_int_equal(fs_obj_set_prop(find(p, "inspections/SubmittedInspections"), "chunk", "25", &e), 0);
	fs_changes ch;
	assert_int_equal(fs_git_status_model(f.r, p, &ch, &e), 0);
	char *s = changes_str(&ch);
	assert_string_equal(s, "D listener inspections/DefectChanges\n"
			    "M listener inspections/SubmittedInspections\n"
			    "M designdoc sites/catalog\n"
			    "M view sites/catalog/by_region\n"
			    "M function sites/catalog/by_region/map\n");
	free(s);
	fs_changes_free(&ch);
	fs_project_free(p);

	/* Commit one object: only its file goes in. */
	const char *one[] = { "sites/catalog/by_region/map" };
	free(commit(&f, "by_region: sites only", one, 1));
	check_status(&f, "D listener inspections/DefectChanges\n");
	char *files = NULL;
	git(&f, &files, "git show --name-only --format= HEAD");
	assert_string_equal(files, "proj/_c8oProject/connectors/sites.yaml\n");
	free(files);

	/* A rename is one entry. */
	rename_obj(&f, "sites/catalog/checklist_items", "items");
	check_status(&f, "D listener inspections/DefectChanges\n"
			 "M transaction sites/ChecklistItems\n"
			 "M designdoc sites/catalog\n"
			 "R view sites/catalog/items <- sites/catalog/checklist_items\n");
	fx_free(&f);
}

/* A clean tree is known clean from git's file status alone (no model is
 * built); what git does not show must still count: a project file hidden by
 * an ignore rule is compared as objects, and a stranger file is listed. */
static void status_of_clean_and_ignored(void **state)
{
	fx f;
	fx_sample(&f);
	free(commit(&f, "first", NULL, 0));
	check_status(&f, "");
	fs_err e = { 0 };
	char *notes = fs_path_join(f.proj, "NOTES.txt");
	assert_int_equal(fs_write_file_atomic(notes, "n\n", 2, 0644, &e), 0);
	free(notes);
	check_status(&f, "? file NOTES.txt\n");
	/* the sequences' files ignored, then removed from git: the project
	 * still reads them, HEAD no longer has them (and says so) */
	char *ign = fs_path_join(f.repo, ".gitignore");
	assert_int_equal(fs_write_file_atomic(ign, "sequences/\nNOTES.txt\n", 22, 0644, &e), 0);
	free(ign);
	assert_int_equal(git(&f, NULL, "git rm -q -r --cached proj/_c8oProject/sequences && "
			     "git add .gitignore && git commit -q -m untrack"), 0);
	fs_changes ch;
	assert_int_equal(fs_git_status(f.r, &ch, &e), 0);
	assert_int_equal(ch.nnotes, 1);
	assert_non_null(strstr(ch.notes[0], "cannot read the included file: _c8oProject/sequences/"));
	fs_changes_free(&ch);
	fx_free(&f);
}

/* c1 first, c2 map edit, c3 other view, c4 map edit, c5 rename (fsstudio
 * commit: trailer), c6 map edit of the renamed view. */
static void scripted_history(fx *f, char **ids)
{
	ids[0] = commit(f, "c1 first", NULL, 0);
	set_fn(f, "sites/catalog/by_region/map", MAP1);
	ids[1] = commit(f, "c2 map", NULL, 0);
	set_fn(f, "sites/catalog/checklist_items/map", "function (doc) {}");
	ids[2] = commit(f, "c3 other view", NULL, 0);
	set_fn(f, "sites/catalog/by_region/map", MAP2);
	ids[3] = commit(f, "c4 map again", NULL, 0);
	rename_obj(f, "sites/catalog/by_region", "regions");
	ids[4] = commit(f, "c5 rename", NULL, 0);
	set_fn(f, "sites/catalog/regions/map", MAP3);
	ids[5] = commit(f, "c6 renamed map", NULL, 0);
}

static void history_of_objects(void **state)
{
	fx f;
	char *ids[6];
	fx_sample(&f);
	scripted_history(&f, ids);

	char *msg = NULL;
	git(&f, &msg, "git log -1 --format=%%B %s", ids[4]);
	assert_string_equal(msg, "c5 rename\n\nFsstudio-Rename: sites/catalog/by_region -> sites/catalog/regions\n\n");
	free(msg);

	check_log(&f, "sites/catalog/regions",
		  "c6 renamed map: M view sites/catalog/regions\n"
		  "c5 rename: R view sites/catalog/regions <- sites/catalog/by_region\n"
		  "c4 map again: M view sites/catalog/by_region\n"
		  "c2 map: M view sites/catalog/by_region\n"
		  "c1 first: A view sites/catalog/by_region\n");
	/* The function follows the rename of its view. */
	check_log(&f, "sites/catalog/regions/map",
		  "c6 renamed map: M function sites/catalog/regions/map\n"
		  "c5 rename: R function sites/catalog/regions/map <- sites/catalog/by_region/map\n"
		  "c4 map again: M function sites/catalog/by_region/map\n"
		  "c2 map: M function sites/catalog/by_region/map\n"
		  "c1 first: A function sites/catalog/by_region/map\n");
	/* Design document, view, function; for the rename, the design document,
	 * the view and the GetView transaction that names it. */
	check_log(&f, NULL, "c6 renamed map: 3 changes\nc5 rename: 3 changes\nc4 map again: 3 changes\n"
		  "c3 other view: 3 changes\nc2 map: 3 changes\nc1 first: 1 changes\n");
	char *two = log_str(&f, "sites/catalog/regions", 2);
	assert_string_equal(two, "c6 renamed map: M view sites/catalog/regions\n"
			    "c5 rename: R view sites/catalog/regions <- sites/catalog/by_region\n");
	free(two);

	/* The diff of one function in one commit is a diff of its JavaScript. */
	fs_history h;
	fs_err e = { 0 };
	assert_int_equal(fs_git_log(f.r, NULL, "sites/catalog/regions/map", 0, &h, &e), 0);
	fs_buf b = FS_BUF_INIT;
	fs_hunks_format(&h.v[2].ch.hunks, "a", "b", &b);
	assert_string_equal(b.data, "--- a\n+++ b\n@@ -1,4 +1,4 @@\n function (doc) {\n"
			    "-  if (doc.type === \"site\")\n+  if (doc.type === \"site\" && doc.region)\n"
			    "     emit(doc.region, doc.name);\n }\n\\ No newline at end of file\n");
	assert_string_equal(h.v[0].ch.new_text, MAP3);
	assert_string_equal(h.v[0].author, "Tester");
	assert_string_equal(h.v[0].id, ids[5]);
	fs_buf_free(&b);
	fs_history_free(&h);

	/* A rename made outside fsstudio (no trailer) is still followed when
	 * the content did not change. */
	rename_obj(&f, "sites/catalog/regions", "zones");
	assert_int_equal(git(&f, NULL, "git add -A proj && git commit -qm 'c7 git rename'"), 0);
	char *got = log_str(&f, "sites/catalog/zones", 3);
	assert_string_equal(got, "c7 git rename: R view sites/catalog/zones <- sites/catalog/regions\n"
			    "c6 renamed map: M view sites/catalog/regions\n"
			    "c5 rename: R view sites/catalog/regions <- sites/catalog/by_region\n");
	free(got);
	for (int i = 0; i < 6; i++)
		free(ids[i]);
	fx_free(&f);
}

static void diffs_between_revisions(void **state)
{
	fx f;
	char *ids[6];
	fx_sample(&f);
	scripted_history(&f, ids);
	fs_changes ch;
	fs_err e = { 0 };

	assert_int_equal(fs_git_diff(f.r, ids[1], ids[3], NULL, &ch, &e), 0);
	char *s = changes_str(&ch);
	assert_string_equal(s, "M designdoc sites/catalog\n"
			    "M view sites/catalog/by_region\n"
			    "M function sites/catalog/by_region/map\n"
			    "M view sites/catalog/checklist_items\n"
			    "M function sites/catalog/checklist_items/map\n");
	free(s);
	fs_changes_free(&ch);

	/* One object across its rename (the trailer pairs the two paths even
	 * though the content changed too). */
	assert_int_equal(fs_git_diff(f.r, ids[3], ids[5], "sites/catalog/regions", &ch, &e), 0);
	s = changes_str(&ch);
	assert_string_equal(s, "R view sites/catalog/regions <- sites/catalog/by_region\n"
			    "M function sites/catalog/regions/map <- sites/catalog/by_region/map\n");
	assert_string_equal(ch.v[1].old_text, MAP2);
	assert_string_equal(ch.v[1].new_text, MAP3);
	assert_int_equal(ch.v[0].hunks.n, 1);
	free(s);
	fs_changes_free(&ch);
	assert_int_equal(fs_git_diff(f.r, ids[0], ids[5], "sites/catalog/by_region/reduce", &ch, &e), 0);
	assert_int_equal(ch.n, 0);
	fs_changes_free(&ch);

	/* One object, old revision against the working tree. */
	set_fn(&f, "sites/catalog/regions/map", MAP1);
	assert_int_equal(fs_git_diff(f.r, ids[0], NULL, "sites/catalog/checklist_items", &ch, &e), 0);
	s = changes_str(&ch);
	assert_string_equal(s, "M view sites/catalog/checklist_items\n"
			    "M function sites/catalog/checklist_items/map\n");
	assert_string_equal(ch.v[1].new_text, "function (doc) {}");
	assert_int_equal(ch.v[1].hunks.n, 1);
	assert_int_equal(ch.v[1].hunks.added, 1);
	free(s);
	fs_changes_free(&ch);

	/* HEAD against the working tree, one object. */
	assert_int_equal(fs_git_diff(f.r, NULL, NULL, "sites/catalog/regions/map", &ch, &e), 0);
	assert_int_equal(ch.n, 1);
	assert_string_equal(ch.v[0].old_text, MAP3);
	assert_string_equal(ch.v[0].new_text, MAP1);
	fs_changes_free(&ch);

	assert_int_equal(fs_git_diff(f.r, ids[0], NULL, "sites/nope", &ch, &e), FS_E_NOTFOUND);
	assert_int_equal(fs_git_diff(f.r, "nosuchrev", NULL, NULL, &ch, &e), FS_E_NOTFOUND);
	for (int i = 0; i < 6; i++)
		free(ids[i]);
	fx_free(&f);
}

static void restores(void **state)
{
	fx f;
	char *ids[6];
	fx_sample(&f);
	scripted_history(&f, ids);
	fs_err e = { 0 };

	/* A function back to c2, before its view was renamed: only it changes. */
	assert_int_equal(fs_git_restore(f.r, "sites/catalog/regions/map", ids[1], 0, &e), 0);
	char *t = fn_text(&f, "sites/catalog/regions/map");
	assert_string_equal(t, MAP1);
	free(t);
	check_status(&f, "M designdoc sites/catalog\nM view sites/catalog/regions\n"
			 "M function sites/catalog/regions/map\n");
	assert_int_equal(fs_git_restore(f.r, "sites/catalog/regions/map", "HEAD", 1, &e), 0);
	check_status(&f, "");

	delete_obj(&f, "inspections/DefectChanges");
	free(commit(&f, "c7 delete listener", NULL, 0));
	set_fn(&f, "sites/catalog/checklist_items/map", "function (doc) { emit(1); }");
	assert_int_equal(fs_git_restore(f.r, "sites/catalog/checklist_items/map", ids[0], 0, &e), FS_E_CONFLICT);
	assert_non_null(strstr(e.msg, "uncommitted"));
	assert_int_equal(fs_git_restore(f.r, "sites/catalog/checklist_items/map", ids[0], 1, &e), 0);
	check_status(&f, "M designdoc sites/catalog\nM view sites/catalog/checklist_items\n"
			 "M function sites/catalog/checklist_items/map\n");
	fs_changes ch;
	assert_int_equal(fs_git_diff(f.r, ids[0], NULL, "sites/catalog/checklist_items", &ch, &e), 0);
	assert_int_equal(ch.n, 0);
	fs_changes_free(&ch);
	free(commit(&f, "c8 items as in c1", NULL, 0));

	/* A deleted listener comes back as it was; nothing else moves. */
	assert_int_equal(fs_git_restore(f.r, "inspections/DefectChanges", ids[5], 0, &e), 0);
	check_status(&f, "A listener inspections/DefectChanges\n");
	assert_int_equal(fs_git_diff(f.r, ids[5], NULL, "inspections", &ch, &e), 0);
	assert_int_equal(ch.n, 0);
	fs_changes_free(&ch);

	/* A view restored to a revision where it had another text. */
	set_fn(&f, "sites/catalog/regions/map", MAP2);
	free(commit(&f, "c9 back", NULL, 0));
	assert_int_equal(fs_git_restore(f.r, "sites/catalog/regions", ids[5], 0, &e), 0);
	t = fn_text(&f, "sites/catalog/regions/map");
	assert_string_equal(t, MAP3);
	free(t);
	check_status(&f, "M designdoc sites/catalog\nM view sites/catalog/regions\n"
			 "M function sites/catalog/regions/map\n");

	/* The whole project back to c1, byte for byte. */
	assert_int_equal(fs_git_restore(f.r, NULL, ids[0], 0, &e), FS_E_CONFLICT);
	assert_int_equal(fs_git_restore(f.r, NULL, ids[0], 1, &e), 0);
	assert_int_equal(git(&f, NULL, "git diff --quiet %s -- proj", ids[0]), 0);
	char *s = sample_dir();
	assert_true(fs_test_trees_equal(s, f.proj));
	free(s);
	for (int i = 0; i < 6; i++)
		free(ids[i]);
	fx_free(&f);
}

static void unusual_repositories(void **state)
{
	fx f;
	char *ids[6];
	fx_sample(&f);
	scripted_history(&f, ids);
	fs_err e = { 0 };

	/* Detached HEAD. */
	assert_int_equal(git(&f, NULL, "git checkout -q --detach %s", ids[3]), 0);
	char *head = fs_repo_head_name(f.r);
	char want[64];
	snprintf(want, sizeof want, "detached HEAD at %.7s", ids[3]);
	assert_string_equal(head, want);
	free(head);
	check_log(&f, "sites/catalog/by_region",
		  "c4 map again: M view sites/catalog/by_region\n"
		  "c2 map: M view sites/catalog/by_region\n"
		  "c1 first: A view sites/catalog/by_region\n");
	set_fn(&f, "sites/catalog/by_region/map", MAP3);
	free(commit(&f, "d1 detached", NULL, 0));
	assert_int_equal(git(&f, NULL, "git checkout -q master"), 0);

	/* A file that does not parse at one revision: said, and the rest of the
	 * history is still there. */
	char *conn = fs_path_join(f.proj, "_c8oProject/connectors/sites.yaml");
	char *good = NULL;
	assert_int_equal(fs_read_file(conn, &good, NULL, &e), 0);
	const char *junk = "no colon here\n";
	assert_int_equal(fs_write_file_atomic(conn, junk, strlen(junk), 0644, &e), 0);
	assert_int_equal(git(&f, NULL, "git commit -qam 'b1 broken'"), 0);
	assert_int_equal(fs_write_file_atomic(conn, good, strlen(good), 0644, &e), 0);
	assert_int_equal(git(&f, NULL, "git commit -qam 'b2 fixed'"), 0);
	char *got = log_str(&f, "sites/catalog/regions", 0);
	assert_string_equal(got, "b2 fixed: M view sites/catalog/regions\n"
			    "b1 broken: ! unreadable\n"
			    "c6 renamed map: M view sites/catalog/regions\n"
			    "c5 rename: R view sites/catalog/regions <- sites/catalog/by_region\n"
			    "c4 map again: M view sites/catalog/by_region\n"
			    "c2 map: M view sites/catalog/by_region\n"
			    "c1 first: A view sites/catalog/by_region\n");
	free(got);
	fs_history h;
	assert_int_equal(fs_git_log(f.r, NULL, NULL, 0, &h, &e), 0);
	assert_non_null(h.v[1].error);
	assert_non_null(strstr(h.v[1].error, "sites.yaml:1: "));
	assert_int_equal(h.v[1].ch.change, FS_CH_BROKEN);
	assert_non_null(strstr(h.v[0].error, "not compared with its parent"));
	assert_int_equal(h.v[2].changes.n, 3);
	assert_int_equal(h.nnotes, 1);
	fs_history_free(&h);
	free(good);
	free(conn);

	/* A merge with a conflict: listed, and commit refuses. */
	assert_int_equal(git(&f, NULL, "git checkout -q -b side %s", ids[5]), 0);
	set_fn(&f, "sites/catalog/regions/map", "function (doc) { emit('side'); }");
	free(commit(&f, "s1 side", NULL, 0));
	assert_int_equal(git(&f, NULL, "git checkout -q master"), 0);
	set_fn(&f, "sites/catalog/regions/map", "function (doc) { emit('main'); }");
	free(commit(&f, "m1 main", NULL, 0));
	assert_int_not_equal(git(&f, NULL, "git merge -q side"), 0);
	fs_changes ch;
	assert_int_equal(fs_git_status(f.r, &ch, &e), 0);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.v[0].change, FS_CH_CONFLICTED);
	assert_string_equal(ch.v[0].file, "_c8oProject/connectors/sites.yaml");
	int merging = 0;
	for (size_t i = 0; i < ch.nnotes; i++)
		merging |= !strcmp(ch.notes[i], "merge in progress");
	assert_true(merging);
	fs_changes_free(&ch);
	assert_int_equal(fs_git_commit(f.r, "merge", NULL, 0, NULL, &e), FS_E_CONFLICT);
	/* Resolved: fsstudio finishes the merge with both parents. */
	assert_int_equal(git(&f, NULL, "git checkout -q --theirs proj && git add proj"), 0);
	free(commit(&f, "merge side", NULL, 0));
	char *parents = NULL;
	git(&f, &parents, "git log -1 --format=%%P | wc -w");
	assert_string_equal(parents, "2\n");
	free(parents);
	/* The merge took the side's version: the side commit shows, the merge
	 * does not (same as one parent). Both branches are dated alike, so
	 * their order is not checked. */
	got = log_str(&f, "sites/catalog/regions/map", 3);
	assert_non_null(strstr(got, "s1 side: M function sites/catalog/regions/map\n"));
	assert_non_null(strstr(got, "m1 main: M function sites/catalog/regions/map\n"));
	assert_non_null(strstr(got, "b2 fixed: M function sites/catalog/regions/map\n"));
	assert_null(strstr(got, "merge side"));
	free(got);

	/* A shallow clone: the history it has, and a note. */
	char *clone = fs_xasprintf("%s-clone", f.repo);
	assert_int_equal(fs_test_sh(NULL, 1, "git clone -q --depth 3 file://%s '%s'", f.repo, clone), 0);
	char *cproj = fs_path_join(clone, "proj");
	fs_repo *cr = NULL;
	assert_int_equal(fs_repo_open(&cr, cproj, &e), 0);
	assert_int_equal(fs_git_log(cr, NULL, "sites/catalog/regions/map", 0, &h, &e), 0);
	assert_true(h.n >= 1);
	int shallow = 0;
	for (size_t i = 0; i < h.nnotes; i++)
		shallow |= strstr(h.notes[i], "shallow") != NULL;
	assert_true(shallow);
	fs_history_free(&h);
	fs_repo_free(cr);
	fs_rm_rf(clone);
	free(cproj);
	free(clone);
	for (int i = 0; i < 6; i++)
		free(ids[i]);
	fx_free(&f);
}

/* Scripted history over each real project: every function and every
 * listener edited once. */
static void edit_objects(fs_obj *o, int *nfn, int *nlis)
{
	fs_err e = { 0 };
	if (o->kind == FS_K_FUNCTION && fs_fn_text(o) && fs_fn_text(o)[0] != '_') {
		char *t = fs_xasprintf("%s\n// edited %d", fs_fn_text(o), (*nfn)++);
		if (fs_fn_set_text(o, t, &e))
			fail_msg("%s", e.msg);
		free(t);
	} else if (o->kind == FS_K_LISTENER) {
		if (fs_obj_set_prop(o, "comment", "edited by it_git", &e))
			fail_msg("%s", e.msg);
		(*nlis)++;
	}
	for (size_t i = 0; i < o->nkids; i++)
		edit_objects(o->kids[i], nfn, nlis);
}

static fs_obj *first_of(fs_obj *o, fs_kind k)
{
	if (o->kind == k)
		return o;
	for (size_t i = 0; i < o->nkids; i++) {
		fs_obj *x = first_of(o->kids[i], k);
		if (x)
			return x;
	}
	return NULL;
}

/* After "import" and "edit every function": rename the first view, then
 * delete the first listener, and read their histories back. Returns how
 * many of the two it did (a project may have no view or no listener). */
static int rename_and_delete(fx *f)
{
	fs_project *p = open_proj(f);
	fs_obj *view = first_of(fs_project_root(p), FS_K_VIEW);
	fs_obj *lis = first_of(fs_project_root(p), FS_K_LISTENER);
	char *vpath = view ? fs_obj_path(view) : NULL, *lpath = lis ? fs_obj_path(lis) : NULL;
	fs_project_free(p);
	char *want = NULL;
	if (vpath) {
		rename_obj(f, vpath, "renamed_by_test");
		char *np = fs_xasprintf("%.*s/renamed_by_test", (int)(strrchr(vpath, '/') - vpath), vpath);
		free(commit(f, "rename a view", NULL, 0));
		want = fs_xasprintf("rename a view: R view %s <- %s\n"
				    "edit every function: M view %s\nimport: A view %s\n", np, vpath, vpath, vpath);
		check_log(f, np, want);
		free(want);
		free(np);
	} else {
		assert_int_equal(git(f, NULL, "git commit -q --allow-empty -m 'no view'"), 0);
	}
	if (lpath) {
		delete_obj(f, lpath);
		free(commit(f, "delete a listener", NULL, 0));
		want = fs_xasprintf("delete a listener: D listener %s\n"
				    "edit every function: M listener %s\nimport: A listener %s\n", lpath, lpath, lpath);
		check_log(f, lpath, want);
		free(want);
	} else {
		assert_int_equal(git(f, NULL, "git commit -q --allow-empty -m 'no listener'"), 0);
	}
	int done = !!vpath + !!lpath;
	free(vpath);
	free(lpath);
	return done;
}

static void fixture_histories(void **state)
{
	static const char *const names[] = { "c8oprj-lib-fullsync-grp", "c8oprj-lib-user-manager",
					     "c8oprj-sample-resolveconflicts" };
	int ran = 0, renamed_or_deleted = 0;
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		char *src = fs_test_fixture(names[k]);
		if (!src)
			continue;
		fx f;
		fx_new(&f, src);
		identity(&f);
		free(commit(&f, "import", NULL, 0));
		check_status(&f, "");
		fs_project *p = open_proj(&f);
		int n = 0, nlis = 0;
		edit_objects(fs_project_root(p), &n, &nlis);
		save_proj(p);
		assert_true(n + nlis > 0);
		free(commit(&f, "edit every function", NULL, 0));
		fs_history h;
		fs_err e = { 0 };
		assert_int_equal(fs_git_log(f.r, NULL, NULL, 0, &h, &e), 0);
		assert_int_equal(h.n, 2);
		size_t fns = 0, lis = 0;
		for (size_t i = 0; i < h.v[0].changes.n; i++) {
			fns += h.v[0].changes.v[i].kind == FS_K_FUNCTION;
			lis += h.v[0].changes.v[i].kind == FS_K_LISTENER;
		}
		assert_int_equal(fns, (size_t)n);
		assert_int_equal(lis, (size_t)nlis);
		/* Every changed function gains two lines (an empty one and the
		 * comment); a last line without newline also changes. */
		fs_changes ch;
		assert_int_equal(fs_git_diff(f.r, "HEAD~1", "HEAD", NULL, &ch, &e), 0);
		for (size_t i = 0; i < ch.n; i++) {
			if (ch.v[i].kind != FS_K_FUNCTION)
				continue;
			const char *old = ch.v[i].old_text;
			int eol = old[strlen(old) - 1] == '\n';
			assert_int_equal(ch.v[i].hunks.added, 2);
			assert_int_equal(ch.v[i].hunks.removed, eol ? 0 : 1);
		}
		fs_changes_free(&ch);
		fs_history_free(&h);
		renamed_or_deleted += rename_and_delete(&f);
		assert_int_equal(fs_git_restore(f.r, NULL, "HEAD~3", 0, &e), 0);
		assert_true(fs_test_trees_equal(src, f.proj));
		fx_free(&f);
		free(src);
		ran++;
	}
	if (!ran)
		skip();
	/* a fixture without views or listeners checks neither: some must have them */
	assert_true(renamed_or_deleted >= 2);
}

/* ---- What the history of one object lists, exactly ---------------------------
 * The walk skips a commit when the object's file is the same blob as in a
 * parent, and parses the file only when it differs: these commits check
 * that neither a real change is dropped nor a non-change listed. */

/* Everything changed in proj/ (and outside.txt) committed at second n of a
 * fixed clock, so that the order of the walk does not depend on the speed
 * of the test. */
static void commit_at(fx *f, int n, const char *msg)
{
	assert_int_equal(git(f, NULL, "git add -A proj outside.txt && GIT_AUTHOR_DATE='@%d +0000' "
			     "GIT_COMMITTER_DATE='@%d +0000' git commit -qm '%s'", 1700000000 + n,
			     1700000000 + n, msg), 0);
}

static void merge_at(fx *f, int n, const char *branch, const char *msg)
{
	assert_int_equal(git(f, NULL, "GIT_AUTHOR_DATE='@%d +0000' GIT_COMMITTER_DATE='@%d +0000' "
			     "git merge -q --no-ff -m '%s' %s", 1700000000 + n, 1700000000 + n, msg, branch), 0);
}

static void set_comment(fx *f, const char *path, const char *text)
{
	fs_project *p = open_proj(f);
	fs_err e = { 0 };
	if (fs_obj_set_prop(find(p, path), "comment", text, &e))
		fail_msg("%s: %s", path, e.msg);
	save_proj(p);
}

static void write_outside(fx *f, const char *text)
{
	char *path = fs_path_join(f->repo, "outside.txt");
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
	free(path);
}

/* One line of sites.yaml replaced (the connector file of the view). */
static void edit_sites(fx *f, const char *from, const char *to)
{
	char *path = fs_path_join(f->proj, "_c8oProject/connectors/sites.yaml"), *data = NULL;
	assert_int_equal(fs_read_file(path, &data, NULL, NULL), 0);
	char *at = strstr(data, from);
	assert_non_null(at);
	char *out = fs_xasprintf("%.*s%s%s", (int)(at - data), data, to, at + strlen(from));
	assert_int_equal(fs_write_file_atomic(path, out, strlen(out), 0644, NULL), 0);
	free(out);
	free(data);
	free(path);
}

static void history_lists_exactly(void **state)
{
	fx f;
	fx_sample(&f);
	const char *view = "sites/catalog/by_region", *other = "sites/catalog/checklist_items/map";
	commit_at(&f, 1, "c1 import");
	set_fn(&f, other, "function (doc) { emit(2); }");
	commit_at(&f, 2, "c2 other view, same file");
	set_comment(&f, "inspections/SaveInspection", "three");
	commit_at(&f, 3, "c3 other file");
	set_fn(&f, "sites/catalog/by_region/map", MAP1);
	commit_at(&f, 4, "c4 map");
	write_outside(&f, "five\n");
	commit_at(&f, 5, "c5 outside the project");
	set_fn(&f, "sites/catalog/by_region/reduce", "_sum");
	commit_at(&f, 6, "c6 reduce");
	set_comment(&f, "sites/SaveSite", "seven");
	commit_at(&f, 7, "c7 other object, same file");

	/* Merge A: both sides changed the file, the view on the side only; the
	 * merge differs from both parents and, against the first, in the view. */
	assert_int_equal(git(&f, NULL, "git checkout -qb side"), 0);
	set_fn(&f, "sites/catalog/by_region/map", MAP2);
	commit_at(&f, 8, "s1 side map");
	set_fn(&f, other, "function (doc) { emit(9); }");
	commit_at(&f, 9, "s2 side other view");
	assert_int_equal(git(&f, NULL, "git checkout -q master"), 0);
	set_comment(&f, "sites/SaveSite", "ten");
	commit_at(&f, 10, "m1 other object");
	merge_at(&f, 11, "side", "merge A");

	/* Merge B: the file as in the first parent (the side changed another
	 * file). Merge C: as in the second parent only (the side changed the
	 * view, the main line nothing since). Neither is a change. */
	assert_int_equal(git(&f, NULL, "git checkout -qb side2"), 0);
	set_comment(&f, "inspections/SaveInspection", "twelve");
	commit_at(&f, 12, "s3 side2 other file");
	assert_int_equal(git(&f, NULL, "git checkout -q master"), 0);
	set_fn(&f, "sites/catalog/by_region/map", MAP3);
	commit_at(&f, 13, "m2 map");
	merge_at(&f, 14, "side2", "merge B");
	assert_int_equal(git(&f, NULL, "git checkout -qb side3"), 0);
	set_fn(&f, "sites/catalog/by_region/map", MAP1);
	commit_at(&f, 15, "s4 side3 map");
	assert_int_equal(git(&f, NULL, "git checkout -q master"), 0);
	merge_at(&f, 16, "side3", "merge C");

	/* Another object of the file broken, then fixed: the file does not
	 * parse, which the view's history says. */
	edit_sites(&f, "  policy: override\n", "  policy override\n");
	commit_at(&f, 17, "b1 other object broken");
	edit_sites(&f, "  policy override\n", "  policy: override\n");
	commit_at(&f, 18, "b2 fixed");

	check_log(&f, view, "b2 fixed: M view sites/catalog/by_region\n"
		  "b1 other object broken: ! unreadable\n"
		  "s4 side3 map: M view sites/catalog/by_region\n"
		  "m2 map: M view sites/catalog/by_region\n"
		  "merge A: M view sites/catalog/by_region\n"
		  "s1 side map: M view sites/catalog/by_region\n"
		  "c6 reduce: M view sites/catalog/by_region\n"
		  "c4 map: M view sites/catalog/by_region\n"
		  "c1 import: A view sites/catalog/by_region\n");
	check_log(&f, "sites/catalog/by_region/map", "b2 fixed: M function sites/catalog/by_region/map\n"
		  "b1 other object broken: ! unreadable\n"
		  "s4 side3 map: M function sites/catalog/by_region/map\n"
		  "m2 map: M function sites/catalog/by_region/map\n"
		  "merge A: M function sites/catalog/by_region/map\n"
		  "s1 side map: M function sites/catalog/by_region/map\n"
		  "c4 map: M function sites/catalog/by_region/map\n"
		  "c1 import: A function sites/catalog/by_region/map\n");
	check_log(&f, "sites/catalog/checklist_items", "b2 fixed: M view sites/catalog/checklist_items\n"
		  "b1 other object broken: ! unreadable\n"
		  "merge A: M view sites/catalog/checklist_items\n"
		  "s2 side other view: M view sites/catalog/checklist_items\n"
		  "c2 other view, same file: M view sites/catalog/checklist_items\n"
		  "c1 import: A view sites/catalog/checklist_items\n");
	check_log(&f, "inspections/SaveInspection", "s3 side2 other file: M transaction inspections/SaveInspection\n"
		  "c3 other file: M transaction inspections/SaveInspection\n"
		  "c1 import: A transaction inspections/SaveInspection\n");

	/* The texts are those of each commit against its first parent. */
	fs_history h;
	fs_err e = { 0 };
	assert_int_equal(fs_git_log(f.r, NULL, "sites/catalog/by_region/map", 0, &h, &e), 0);
	assert_int_equal(h.n, 8);
	const char *olds[] = { NULL, NULL, MAP3, MAP2, MAP1, MAP1 };
	const char *news[] = { MAP1, NULL, MAP1, MAP3, MAP2, MAP2, MAP1 };
	for (size_t i = 0; i < 7; i++) {
		if (i == 1)
			continue; /* the broken version: no texts */
		if (i < 6 && olds[i])
			assert_string_equal(h.v[i].ch.old_text, olds[i]);
		assert_string_equal(h.v[i].ch.new_text, news[i]);
	}
	/* After the broken version, nothing to compare with. */
	assert_null(h.v[0].ch.old_text);
	assert_null(h.v[1].ch.new_text);
	assert_non_null(strstr(h.v[1].error, "sites.yaml:11: expected 'key: value'"));
	fs_history_free(&h);
	fx_free(&f);
}

/* The commands, through the real binary. */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
	va_list ap;
	fs_buf b = FS_BUF_INIT;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int rc = fs_test_sh(out, 1, "'%s' %s", fs_test_bin(), b.data);
	fs_buf_free(&b);
	return rc;
}

static void cli_commands(void **state)
{
	char *dir = fs_test_tmpdir(), *out = NULL, *s = sample_dir();
	char *proj = fs_path_join(dir, "p");
	assert_int_equal(fs_test_copy_tree(s, proj), 0);
	assert_int_equal(run(&out, "status '%s'", proj), 1);
	assert_non_null(strstr(out, "no git repository holds"));
	free(out);
	assert_int_equal(run(NULL, "init '%s'", proj), 0);
	assert_int_equal(fs_test_sh(NULL, 1, "cd '%s' && git config user.name Cli && git config user.email c@example.com",
				    proj), 0);
	assert_int_equal(run(&out, "commit '%s'", proj), 2);
	free(out);
	assert_int_equal(run(&out, "commit '%s' -m first", proj), 0);
	assert_non_null(strstr(out, "[master "));
	free(out);
	assert_int_equal(run(NULL, "mv '%s' sites/catalog/by_region regions", proj), 0);
	assert_int_equal(run(&out, "status '%s'", proj), 0);
	assert_string_equal(out, "On master\n"
			    "  M transaction sites/SitesByRegion\n"
			    "  M designdoc   sites/catalog\n"
			    "  R view        sites/catalog/by_region -> sites/catalog/regions\n");
	free(out);
	assert_int_equal(run(&out, "status '%s' --json", proj), 0);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	cJSON *ch = cJSON_GetObjectItem(j, "changes");
	assert_int_equal(cJSON_GetArraySize(ch), 3);
	cJSON *r = cJSON_GetArrayItem(ch, 2);
	assert_string_equal(cJSON_GetObjectItem(r, "change")->valuestring, "renamed");
	assert_string_equal(cJSON_GetObjectItem(r, "old_path")->valuestring, "sites/catalog/by_region");
	assert_string_equal(cJSON_GetObjectItem(j, "head")->valuestring, "master");
	cJSON_Delete(j);
	free(out);
	assert_int_equal(run(&out, "commit '%s' -m rename sites/catalog/regions", proj), 0);
	free(out);

	assert_int_equal(run(&out, "log '%s' sites/catalog/regions -n 1 --json", proj), 0);
	j = cJSON_Parse(out);
	cJSON *en = cJSON_GetObjectItem(j, "entries");
	assert_int_equal(cJSON_GetArraySize(en), 1);
	cJSON *c = cJSON_GetObjectItem(cJSON_GetArrayItem(en, 0), "change");
	assert_string_equal(cJSON_GetObjectItem(c, "change")->valuestring, "renamed");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(en, 0), "summary")->valuestring, "rename");
	cJSON_Delete(j);
	free(out);

	/* Edit a function: diff shows its JavaScript; restore refuses, then
	 * forced puts it back. */
	char *js = fs_path_join(dir, "map.js");
	assert_int_equal(fs_write_file_atomic(js, MAP1, strlen(MAP1), 0644, NULL), 0);
	assert_int_equal(run(NULL, "set '%s' sites/catalog/regions/map --file '%s'", proj, js), 0);
	assert_int_equal(run(&out, "diff '%s' sites/catalog/regions/map", proj), 0);
	assert_string_equal(out, "  M function    sites/catalog/regions/map\n"
			    "--- a/sites/catalog/regions/map\n+++ b/sites/catalog/regions/map\n"
			    "@@ -1,5 +1,4 @@\n function (doc) {\n-    if (doc.type === \"site\") {\n"
			    "-        emit(doc.region, doc.name);\n-    }\n+  if (doc.type === \"site\")\n"
			    "+    emit(doc.region, doc.name);\n }\n\\ No newline at end of file\n");
	free(out);
	assert_int_equal(run(&out, "diff '%s' HEAD~1 HEAD sites/catalog/regions/map", proj), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(run(&out, "restore '%s' sites/catalog/regions/map", proj), 3);
	assert_non_null(strstr(out, "uncommitted changes"));
	free(out);
	assert_int_equal(run(&out, "restore '%s' sites/catalog/regions/map --force", proj), 0);
	free(out);
	assert_int_equal(run(&out, "status '%s'", proj), 0);
	assert_string_equal(out, "On master\nnothing to commit\n");
	free(out);
	assert_int_equal(run(&out, "restore '%s' --all --rev HEAD~1", proj), 0);
	free(out);
	assert_true(fs_test_trees_equal(s, proj));
	free(js);
	free(proj);
	free(s);
}

int main(void)
{
	/* No user or system git configuration: the tests set what they need. */
	char *home = fs_test_tmpdir();
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(repository_discovery),
		cmocka_unit_test(first_commit_and_scope),
		cmocka_unit_test(status_in_objects),
		cmocka_unit_test(status_of_clean_and_ignored),
		cmocka_unit_test(history_of_objects),
		cmocka_unit_test(diffs_between_revisions),
		cmocka_unit_test(restores),
		cmocka_unit_test(unusual_repositories),
		cmocka_unit_test(fixture_histories),
		cmocka_unit_test(history_lists_exactly),
		cmocka_unit_test(cli_commands),
	};
	int rc = cmocka_run_group_tests(tests, NULL, fs_test_teardown);
	return rc;
}
