/* Multi-file saves as transactions (see journal.h).
 *
 * The journal is a small JSON file:
 *   {"fsstudio-journal": 1, "renames": [[TEMP, TARGET], ...], "removes": [P, ...]}
 * with paths relative to the project folder. Rolling forward is idempotent:
 * a rename whose temp is gone was done, a removal of a missing file was done,
 * so a crash during a recovery is recovered by the next one. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "model/journal.h"
#include "model/lock.h"

#define JOURNAL_TAG "fsstudio-journal"

typedef struct rn {
	char *tmp;           /* relative to the project folder */
	char *target;
} rn;

struct fs_txn {
	char *dir;
	rn *renames;
	size_t nrenames;
	char **removes;
	size_t nremoves;
};

fs_txn *fs_txn_begin(const char *projdir)
{
	fs_txn *t = fs_xcalloc(1, sizeof *t);
	t->dir = fs_xstrdup(projdir);
	return t;
}

static void txn_free(fs_txn *t)
{
	for (size_t i = 0; i < t->nrenames; i++) {
		free(t->renames[i].tmp);
		free(t->renames[i].target);
	}
	for (size_t i = 0; i < t->nremoves; i++)
		free(t->removes[i]);
	free(t->renames);
	free(t->removes);
	free(t->dir);
	free(t);
}

enum fs_err_code fs_txn_write(fs_txn *t, const char *relpath, const void *data, size_t len, int mode, fs_err *e)
{
	char *path = fs_path_join(t->dir, relpath), *tmp = NULL;
	char *slash = strrchr(path, '/');
	int rc = 0;
	if (slash) {
		*slash = 0;
		rc = fs_mkdir_p(path, 0755, e);
		*slash = '/';
	}
	if (!rc)
		rc = fs_write_temp(path, data, len, mode, &tmp, e);
	free(path);
	if (rc)
		return rc;
	t->renames = fs_xrealloc(t->renames, (t->nrenames + 1) * sizeof *t->renames);
	t->renames[t->nrenames].target = fs_xstrdup(relpath);
	t->renames[t->nrenames].tmp = fs_xstrdup(tmp + strlen(t->dir) + (t->dir[strlen(t->dir) - 1] != '/'));
	t->nrenames++;
	free(tmp);
	return 0;
}

void fs_txn_remove(fs_txn *t, const char *relpath)
{
	t->removes = fs_xrealloc(t->removes, (t->nremoves + 1) * sizeof *t->removes);
	t->removes[t->nremoves++] = fs_xstrdup(relpath);
}

void fs_txn_abort(fs_txn *t)
{
	for (size_t i = 0; i < t->nrenames; i++) {
		char *p = fs_path_join(t->dir, t->renames[i].tmp);
		unlink(p);
		free(p);
	}
	txn_free(t);
}

/* ---- the switch ------------------------------------------------------------ */

static enum fs_err_code do_rename(const char *dir, const rn *r, fs_err *e)
{
	char *from = fs_path_join(dir, r->tmp), *to = fs_path_join(dir, r->target);
	int rc = 0;
	if (rename(from, to) < 0 && errno != ENOENT)
		rc = fs_err_set(e, FS_E_IO, "%s: rename failed: %s", to, strerror(errno));
	else
		fs_fsync_dir_of(to);
	free(from);
	free(to);
	return rc;
}

static enum fs_err_code do_remove(const char *dir, const char *rel, fs_err *e)
{
	char *p = fs_path_join(dir, rel);
	int rc = 0;
	if (unlink(p) < 0 && errno != ENOENT)
		rc = fs_err_set(e, FS_E_IO, "%s: cannot remove: %s", p, strerror(errno));
	else
		fs_fsync_dir_of(p);
	free(p);
	return rc;
}

/* Renames, then removals (a crash in between, rolled forward, ends the same). */
static enum fs_err_code apply(const char *dir, const rn *rns, size_t nr, char **rms, size_t nrm, fs_err *e)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < nr; i++)
		rc = do_rename(dir, &rns[i], e);
	for (size_t i = 0; !rc && i < nrm; i++)
		rc = do_remove(dir, rms[i], e);
	return rc;
}

static char *journal_text(const fs_txn *t)
{
	cJSON *j = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(j, "renames");
	cJSON_AddNumberToObject(j, JOURNAL_TAG, 1);
	for (size_t i = 0; i < t->nrenames; i++) {
		cJSON *pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateString(t->renames[i].tmp));
		cJSON_AddItemToArray(pair, cJSON_CreateString(t->renames[i].target));
		cJSON_AddItemToArray(a, pair);
	}
	a = cJSON_AddArrayToObject(j, "removes");
	for (size_t i = 0; i < t->nremoves; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(t->removes[i]));
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

static void journal_gone(const char *jpath)
{
	unlink(jpath);
	fs_fsync_dir_of(jpath);
}

enum fs_err_code fs_txn_commit(fs_txn *t, fs_err *e)
{
	int rc;
	if (t->nrenames + t->nremoves <= 1) {
		/* one rename or one removal is atomic by itself */
		rc = apply(t->dir, t->renames, t->nrenames, t->removes, t->nremoves, e);
		if (rc)
			fs_txn_abort(t);
		else
			txn_free(t);
		return rc;
	}
	char *jpath = fs_journal_path(t->dir);
	char *text = journal_text(t);
	rc = jpath ? fs_write_file_atomic(jpath, text, strlen(text), 0600, e)
		   : fs_err_set(e, FS_E_IO, "%s: no place for the save journal", t->dir);
	free(text);
	if (rc) {
		free(jpath);
		fs_txn_abort(t);
		return rc;
	}
	/* Committed: from here on, a failure leaves the journal for the next
	 * load to finish the switch. */
	rc = apply(t->dir, t->renames, t->nrenames, t->removes, t->nremoves, e);
	if (!rc)
		journal_gone(jpath);
	else
		fs_err_prefix(e, "the save stopped half way; the next load of the project finishes it");
	free(jpath);
	txn_free(t);
	return rc;
}

/* ---- recovery -------------------------------------------------------------- */

int fs_journal_pending(const char *projdir)
{
	char *j = fs_journal_path(projdir);
	int r = j && access(j, F_OK) == 0;
	free(j);
	return r;
}

/* A journal path must stay inside the project folder. */
static int rel_ok(const char *p)
{
	if (!p || !*p || p[0] == '/')
		return 0;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && !strncmp(s, "..", 2))
			return 0;
		s += n + (s[n] == '/');
	}
	return 1;
}

static enum fs_err_code journal_read(const char *jpath, cJSON **out, fs_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(jpath, &text, &len, e);
	if (rc)
		return rc;
	cJSON *j = fs_json_parse(text, len, jpath, NULL);
	free(text);
	int ok = j && fs_json_int(j, JOURNAL_TAG, 0) == 1;
	const cJSON *x;
	cJSON_ArrayForEach(x, fs_json_arr(j, "renames"))
		ok = ok && cJSON_GetArraySize(x) == 2 && rel_ok(cJSON_GetStringValue(cJSON_GetArrayItem(x, 0))) &&
		     rel_ok(cJSON_GetStringValue(cJSON_GetArrayItem(x, 1)));
	cJSON_ArrayForEach(x, fs_json_arr(j, "removes"))
		ok = ok && rel_ok(cJSON_GetStringValue(x));
	if (!ok) {
		cJSON_Delete(j);
		return fs_err_set(e, FS_E_PARSE, "%s: damaged save journal: check the project's files, "
				  "then remove this file", jpath);
	}
	*out = j;
	return 0;
}

enum fs_err_code fs_journal_recover(const char *projdir, fs_err *e)
{
	char *jpath = fs_journal_path(projdir);
	cJSON *j = NULL;
	if (!jpath || access(jpath, F_OK) < 0) {
		free(jpath);
		return 0;
	}
	int rc = journal_read(jpath, &j, e);
	const cJSON *x, *renames = fs_json_arr(j, "renames"), *removes = fs_json_arr(j, "removes");
	cJSON_ArrayForEach(x, renames) {
		rn r = { cJSON_GetArrayItem(x, 0)->valuestring, cJSON_GetArrayItem(x, 1)->valuestring };
		if (!rc)
			rc = apply(projdir, &r, 1, NULL, 0, e);
	}
	cJSON_ArrayForEach(x, removes) {
		char *p = x->valuestring;
		if (!rc)
			rc = apply(projdir, NULL, 0, &p, 1, e);
	}
	if (!rc)
		journal_gone(jpath);
	cJSON_Delete(j);
	free(jpath);
	return rc;
}

int fs_is_our_file(const char *relpath)
{
	const char *base = strrchr(relpath, '/');
	base = base ? base + 1 : relpath;
	return fs_is_temp_name(base) || !strcmp(base, FS_JOURNAL_NAME);
}

/* ---- leftovers ------------------------------------------------------------- */

static __thread int swept;   /* per thread: a workspace loads in the background */

static int sweep_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode) && fs_is_temp_name(p) && unlink(p) == 0)
		swept++;
	return 0;
}

/* The journal's own temp file, when a writer died writing it (in .git, where
 * the walk of the project folder does not go). */
static void sweep_journal_temps(const char *projdir)
{
	char *j = fs_journal_path(projdir), *slash = j ? strrchr(j, '/') : NULL;
	if (!slash) {
		free(j);
		return;
	}
	*slash = 0;
	DIR *d = opendir(j);
	struct dirent *de;
	size_t n = strlen(slash + 1);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, slash + 1, n) && fs_is_temp_name(de->d_name) &&
		    !strncmp(de->d_name + n, FS_TEMP_MARK, strlen(FS_TEMP_MARK))) {
			char *p = fs_path_join(j, de->d_name);
			swept += unlink(p) == 0;
			free(p);
		}
	if (d)
		closedir(d);
	free(j);
}

int fs_temps_sweep(const char *projdir)
{
	swept = 0;
	sweep_journal_temps(projdir);
	DIR *d = opendir(projdir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!fs_is_temp_name(de->d_name))
			continue;
		char *p = fs_path_join(projdir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && unlink(p) == 0)
			swept++;
		free(p);
	}
	if (d)
		closedir(d);
	char *sub = fs_path_join(projdir, "_c8oProject");
	if (fs_is_dir(sub))
		nftw(sub, sweep_one, 16, FTW_PHYS);
	free(sub);
	return swept;
}
