/* The object-edit log and its rebase: the studio's project (p) edits with a
 * log while another writer (q, as a CLI run or another studio would) saves
 * the same folder; the log re-applied to the folder read again keeps both.
 * (That the save refuses a file changed since it was read is the model's
 * check, FS_E_STALE.) */
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
#include "model/edits.h"
#include "model/project.h"
#include "testlib.h"
#include "testproj.h"

#define CONN "_c8oProject/connectors/inspections.yaml"
#define MAP "inspections/visits/by_site/map"
#define OTHER_MAP "inspections/visits/by_status/map"
#define MINE "function (doc) { emit('mine', 1); }"
#define THEIRS "function (doc) { emit('theirs', 1); }"

/* Another writer sets a function's text and saves. */
static void outside_set(const char *dir, const char *path, const char *text)
{
	fs_project *q = fs_test_open(dir);
	fs_err e = { 0 };
	assert_int_equal(fs_fn_set_text(fs_test_find(q, path), text, &e), 0);
	assert_int_equal(fs_project_save(q, &e), 0);
	fs_project_free(q);
}

/* The studio's state: p, its log and the fingerprints of what it read. */
struct studio {
	char *dir;
	fs_project *p;
	fs_edits log;
	cJSON *fp;
};

static void studio_open(struct studio *s)
{
	s->dir = fs_test_sample();
	s->p = fs_test_open(s->dir);
	s->fp = fs_project_fingerprints(s->p);
	memset(&s->log, 0, sizeof s->log);
}

static void studio_close(struct studio *s)
{
	fs_project_free(s->p);
	fs_edits_clear(&s->log);
	cJSON_Delete(s->fp);
	free(s->dir);
}

/* Reads the folder again and rebases the log onto it. */
static fs_project *rebase(struct studio *s, fs_edits *kept, fs_conflicts *c, size_t *applied)
{
	fs_project *fresh = fs_test_open(s->dir);
	memset(kept, 0, sizeof *kept);
	memset(c, 0, sizeof *c);
	*applied = fs_edits_rebase(&s->log, fresh, kept, c);
	return fresh;
}

/* Two different functions: both edits survive; the save check sees the
 * outside write, and nothing else. */
static void test_no_conflict(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept;
	fs_conflicts c;
	fs_err e = { 0 };
	fs_buf names = FS_BUF_INIT;
	size_t applied;
	studio_open(&s);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, MAP), "function (doc) { emit(1", &e), 0);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, MAP), MINE, &e), 0);
	assert_int_equal(s.log.n, 1);   /* typing on: one operation */
	assert_int_equal(fs_fingerprints_moved(s.fp, s.dir, NULL), 0);
	outside_set(s.dir, OTHER_MAP, THEIRS);
	assert_int_equal(fs_fingerprints_moved(s.fp, s.dir, &names), 1);
	assert_string_equal(fs_buf_str(&names), CONN);
	assert_int_equal(fs_project_save(s.p, &e), FS_E_STALE);   /* the model's own check */
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(applied, 1);
	assert_int_equal(c.n, 0);
	assert_int_equal(kept.n, 1);
	assert_int_equal(fs_project_save(fresh, &e), 0);
	fs_project *back = fs_test_open(s.dir);
	assert_string_equal(fs_fn_text(fs_test_find(back, MAP)), MINE);
	assert_string_equal(fs_fn_text(fs_test_find(back, OTHER_MAP)), THEIRS);
	fs_project_free(back);
	fs_project_free(fresh);
	fs_edits_clear(&kept);
	fs_buf_free(&names);
	studio_close(&s);
}

/* The same function on both sides: a conflict with both texts, nothing
 * applied; keep-mine applies ours over theirs, on purpose. */
static void test_conflict(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept;
	fs_conflicts c;
	fs_err e = { 0 };
	size_t applied;
	studio_open(&s);
	assert_int_equal(fs_edit_set_prop(&s.log, fs_test_find(s.p, "inspections/SubmittedInspections"),
					  "comment", "ours", &e), 0);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, MAP), MINE, &e), 0);
	outside_set(s.dir, MAP, THEIRS);
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(applied, 1);   /* the property went through */
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].op.path, MAP);
	assert_string_equal(c.v[0].mine, MINE);
	assert_string_equal(c.v[0].theirs, THEIRS);
	/* take theirs: the model is the disk's */
	assert_string_equal(fs_fn_text(fs_test_find(fresh, MAP)), THEIRS);
	assert_string_equal(fs_obj_prop(fs_test_find(fresh, "inspections/SubmittedInspections"), "comment"), "ours");
	assert_int_equal(fs_conflict_keep_mine(&c.v[0], fresh, &kept, &e), 0);
	assert_string_equal(fs_fn_text(fs_test_find(fresh, MAP)), MINE);
	assert_int_equal(kept.n, 2);
	assert_string_equal(kept.v[1].base, THEIRS);
	fs_conflicts_free(&c);
	fs_edits_clear(&kept);
	fs_project_free(fresh);
	studio_close(&s);
}

/* The same edit made on both sides is no conflict: it is already there. */
static void test_same_edit(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept;
	fs_conflicts c;
	fs_err e = { 0 };
	size_t applied;
	studio_open(&s);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, MAP), MINE, &e), 0);
	outside_set(s.dir, MAP, MINE);
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(applied, 0);
	assert_int_equal(c.n, 0);
	fs_project_free(fresh);
	studio_close(&s);
}

/* Deleted on disk: our edit of it is a conflict whose disk side is gone;
 * our deletion of an object the disk changed is a conflict too. */
static void test_deleted_on_disk(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept;
	fs_conflicts c;
	fs_err e = { 0 };
	size_t applied;
	studio_open(&s);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, MAP), MINE, &e), 0);
	assert_int_equal(fs_edit_delete(&s.log, fs_test_find(s.p, "inspections/visits/by_status"), &e), 0);
	fs_project *q = fs_test_open(s.dir);
	assert_int_equal(fs_obj_delete(fs_test_find(q, "inspections/visits/by_site"), &e), 0);
	assert_int_equal(fs_fn_set_text(fs_test_find(q, OTHER_MAP), THEIRS, &e), 0);
	assert_int_equal(fs_project_save(q, &e), 0);
	fs_project_free(q);
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(applied, 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].mine, MINE);
	assert_null(c.v[0].theirs);
	assert_int_not_equal(fs_conflict_keep_mine(&c.v[0], fresh, &kept, &e), 0);
	assert_null(c.v[1].mine);       /* we deleted it */
	assert_non_null(strstr(c.v[1].theirs, THEIRS));
	assert_non_null(fs_project_find(fresh, "inspections/visits/by_status"));
	/* keep mine deletes it after all */
	assert_int_equal(fs_conflict_keep_mine(&c.v[1], fresh, &kept, &e), 0);
	assert_null(fs_project_find(fresh, "inspections/visits/by_status"));
	fs_conflicts_free(&c);
	fs_edits_clear(&kept);
	fs_project_free(fresh);
	studio_close(&s);
}

/* Renamed on disk: our edit follows the object under its new name. Our
 * renames go through while the disk changed something else (even inside
 * the renamed object), and the edits made after one under the new name
 * follow. */
static void test_renamed(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept;
	fs_conflicts c;
	fs_err e = { 0 };
	size_t applied;
	studio_open(&s);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, MAP), MINE, &e), 0);
	assert_int_equal(fs_edit_rename(&s.log, fs_test_find(s.p, "inspections/visits/score_stats"), "scores", &e), 0);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, "inspections/visits/scores/map"), MINE, &e), 0);
	assert_int_equal(fs_edit_rename(&s.log, fs_test_find(s.p, "inspections/visits/submitted"), "sent", &e), 0);
	fs_project *q = fs_test_open(s.dir);
	assert_int_equal(fs_obj_rename(fs_test_find(q, "inspections/visits/by_site"), "by_place", &e), 0);
	assert_int_equal(fs_fn_set_text(fs_test_find(q, "inspections/visits/submitted/map"), THEIRS, &e), 0);
	assert_int_equal(fs_fn_set_text(fs_test_find(q, OTHER_MAP), THEIRS, &e), 0);
	assert_int_equal(fs_project_save(q, &e), 0);
	fs_project_free(q);
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(c.n, 0);
	assert_int_equal(applied, 4);
	/* our rename of a view whose map changed on disk: both */
	assert_string_equal(fs_fn_text(fs_test_find(fresh, "inspections/visits/sent/map")), THEIRS);
	assert_string_equal(fs_fn_text(fs_test_find(fresh, "inspections/visits/by_place/map")), MINE);
	assert_string_equal(fs_fn_text(fs_test_find(fresh, "inspections/visits/scores/map")), MINE);
	assert_string_equal(fs_fn_text(fs_test_find(fresh, OTHER_MAP)), THEIRS);
	assert_null(fs_project_find(fresh, "inspections/visits/score_stats"));
	assert_string_equal(kept.v[0].path, "inspections/visits/by_place/map");
	fs_edits_clear(&kept);
	fs_project_free(fresh);
	studio_close(&s);
}

/* Creations and copies are re-applied; a name the disk took meanwhile is a
 * conflict. The log survives a trip through JSON (the recovery file). */
static void test_new_copy_json(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept, back = { 0 };
	fs_conflicts c;
	fs_err e = { 0 };
	fs_obj *out;
	size_t applied;
	studio_open(&s);
	assert_int_equal(fs_edit_new(&s.log, fs_test_find(s.p, "inspections/visits"), FS_K_VIEW, "fresh", NULL, &out, &e), 0);
	assert_int_equal(fs_edit_fn_text(&s.log, fs_test_find(s.p, "inspections/visits/fresh/map"), MINE, &e), 0);
	assert_int_equal(fs_edit_copy(&s.log, fs_test_find(s.p, "inspections/visits/by_site"), fs_test_find(s.p, "inspections/visits"),
				      "by_site2", &out, &e), 0);
	cJSON *j = fs_edits_json(&s.log);
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	j = cJSON_Parse(text);
	assert_int_equal(fs_edits_from_json(&back, j, &e), 0);
	cJSON_Delete(j);
	free(text);
	assert_int_equal(back.n, 3);
	fs_edits_clear(&s.log);
	s.log = back;
	fs_project *q = fs_test_open(s.dir);
	assert_int_equal(fs_obj_new(fs_test_find(q, "inspections/visits"), FS_K_VIEW, "by_site2", NULL, &out, &e), 0);
	assert_int_equal(fs_project_save(q, &e), 0);
	fs_project_free(q);
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(applied, 2);
	assert_string_equal(fs_fn_text(fs_test_find(fresh, "inspections/visits/fresh/map")), MINE);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].op.kind, FS_OP_COPY);
	assert_non_null(strstr(c.v[0].why, "by_site2"));
	assert_int_equal(fs_edits_from_json(&back, NULL, &e), FS_E_PARSE);
	fs_conflicts_free(&c);
	fs_edits_clear(&kept);
	fs_project_free(fresh);
	studio_close(&s);
}

/* A paste from another project is re-applied from that project's folder. */
static void test_copy_from_other(void **state)
{
	(void)state;
	struct studio s;
	fs_edits kept, back = { 0 };
	fs_conflicts c;
	fs_err e = { 0 };
	fs_obj *out;
	size_t applied;
	char *src = fs_path_join(fs_test_srcdir(), "projects/sample"), *other = fs_path_join(fs_test_tmpdir(), "other");
	studio_open(&s);
	assert_int_equal(fs_test_copy_tree(src, other), 0);
	fs_project *o = fs_test_open(other);
	assert_int_equal(fs_edit_copy(&s.log, fs_test_find(o, "inspections/visits/by_site"), fs_test_find(s.p, "inspections/visits"),
				      "from_other", &out, &e), 0);
	assert_string_equal(s.log.v[0].from, other);
	cJSON *j = fs_edits_json(&s.log);
	assert_int_equal(fs_edits_from_json(&back, j, &e), 0);
	cJSON_Delete(j);
	assert_string_equal(back.v[0].from, other);
	fs_edits_clear(&back);
	outside_set(s.dir, OTHER_MAP, THEIRS);
	fs_project *fresh = rebase(&s, &kept, &c, &applied);
	assert_int_equal(c.n, 0);
	assert_int_equal(applied, 1);
	assert_string_equal(fs_fn_text(fs_test_find(fresh, "inspections/visits/from_other/map")),
			    fs_fn_text(fs_test_find(o, "inspections/visits/by_site/map")));
	assert_string_equal(fs_fn_text(fs_test_find(fresh, OTHER_MAP)), THEIRS);
	fs_edits_clear(&kept);
	fs_project_free(fresh);
	fs_project_free(o);
	free(src);
	free(other);
	studio_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_conflict, fs_test_teardown),
		cmocka_unit_test_teardown(test_conflict, fs_test_teardown),
		cmocka_unit_test_teardown(test_same_edit, fs_test_teardown),
		cmocka_unit_test_teardown(test_deleted_on_disk, fs_test_teardown),
		cmocka_unit_test_teardown(test_renamed, fs_test_teardown),
		cmocka_unit_test_teardown(test_new_copy_json, fs_test_teardown),
		cmocka_unit_test_teardown(test_copy_from_other, fs_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
