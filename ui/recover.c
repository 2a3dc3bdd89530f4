/* Recovery files, as JSON: {"dir": ..., "time": ..., "files": {relpath: text},
 * "removed": [relpath...], "edits": [operation...], "base": {relpath:
 * fingerprint}}: the state and, for a folder that moved on, the edits. A recovered state loads as the project's unsaved
 * state: nothing is written until the user saves. ("removed" is kept for
 * readers: the files it names are those the recovered project no longer
 * includes, which the model finds by itself.) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "recover.h"

static char *state_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return fs_xasprintf("%s/fsstudio", xdg);
	return home && *home ? fs_xasprintf("%s/.local/state/fsstudio", home) : NULL;
}

char *fs_recover_path(const char *dir)
{
	char real[PATH_MAX], *sd = state_dir(), *path;
	fs_buf name = FS_BUF_INIT;
	if (!sd || !dir)
		return free(sd), NULL;
	if (!realpath(dir, real))
		snprintf(real, sizeof real, "%s", dir);
	/* the folder's absolute path, flattened into one file name */
	for (const char *c = real; *c; c++) {
		if (*c == '/')
			fs_buf_addc(&name, '%');
		else if (*c == '%')
			fs_buf_adds(&name, "%%");
		else
			fs_buf_addc(&name, *c);
	}
	path = fs_xasprintf("%s/%s.json", sd, fs_buf_str(&name));
	fs_buf_free(&name);
	free(sd);
	return path;
}

enum fs_err_code fs_recover_write(fs_project *p, const fs_edits *log, const cJSON *fp, fs_err *e)
{
	const char *dir = fs_project_dir(p);
	char *path = fs_recover_path(dir), *text, *sd;
	fs_files files = { 0 };
	cJSON *doc, *fl, *rm;
	int rc;
	if (!path)
		return 0;
	if ((rc = fs_project_render(p, &files, e)))
		goto out;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "dir", dir);
	cJSON_AddNumberToObject(doc, "time", (double)time(NULL));
	fl = cJSON_AddObjectToObject(doc, "files");
	for (size_t i = 0; i < files.n; i++)
		if (files.v[i].changed)
			cJSON_AddStringToObject(fl, files.v[i].relpath, files.v[i].data);
	rm = cJSON_AddArrayToObject(doc, "removed");
	for (size_t i = 0; i < files.nremoved; i++)
		cJSON_AddItemToArray(rm, cJSON_CreateString(files.removed[i]));
	if (log)
		cJSON_AddItemToObject(doc, "edits", fs_edits_json(log));
	if (fp)
		cJSON_AddItemToObject(doc, "base", cJSON_Duplicate(fp, 1));
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	sd = state_dir();
	rc = fs_mkdir_p(sd, 0700, e);
	free(sd);
	if (!rc)
		rc = fs_write_file_atomic(path, text, strlen(text), 0600, e);
	free(text);
	fs_files_free(&files);
out:
	free(path);
	return rc;
}

int fs_recover_pending(const char *dir, time_t *when)
{
	char *path = fs_recover_path(dir);
	struct stat st;
	int r = path && !stat(path, &st);
	if (r && when)
		*when = st.st_mtime;
	free(path);
	return r;
}

/* A relative path that stays inside the project folder. */
static int safe_relpath(const char *p)
{
	if (!*p || p[0] == '/')
		return 0;
	for (const char *s = p; s; s = strchr(s, '/')) {
		if (*s == '/')
			s++;
		if (!strncmp(s, "..", 2) && (s[2] == '/' || !s[2]))
			return 0;
	}
	return 1;
}

/* The reader of a recovered project: the recovered text of a file, else
 * the folder's. */
struct overlay {
	const char *dir;
	cJSON *files;
};

static enum fs_err_code read_recovered(void *ctx, const char *rel, char **data, size_t *len, fs_err *e)
{
	struct overlay *o = ctx;
	cJSON *it = cJSON_GetObjectItemCaseSensitive(o->files, rel);
	char *full;
	int rc;
	if (cJSON_IsString(it)) {
		*data = fs_xstrdup(it->valuestring);
		*len = strlen(*data);
		return 0;
	}
	full = fs_path_join(o->dir, rel);
	rc = fs_read_file(full, data, len, e);
	free(full);
	return rc;
}

/* The recovery file of dir, parsed into *doc (NULL when it does not
 * parse); *path is its path (caller frees both). Nonzero when it could not
 * be read. */
static enum fs_err_code recovery_read(const char *dir, char **path, cJSON **doc, fs_err *e)
{
	char *text = NULL;
	int rc;
	*doc = NULL;
	if (!(*path = fs_recover_path(dir)))
		return fs_err_set(e, FS_E_NOTFOUND, "no recovery folder (HOME is not set)");
	if ((rc = fs_read_file(*path, &text, NULL, e)))
		return rc;
	*doc = cJSON_Parse(text);
	free(text);
	return 0;
}

enum fs_err_code fs_recover_load(const char *dir, fs_project **out, fs_err *e)
{
	char *path = NULL;
	cJSON *doc = NULL, *it;
	struct overlay o = { dir, NULL };
	int rc;
	*out = NULL;
	if ((rc = recovery_read(dir, &path, &doc, e)))
		goto out;
	o.files = doc ? cJSON_GetObjectItem(doc, "files") : NULL;
	if (!cJSON_IsObject(o.files)) {
		rc = fs_err_set(e, FS_E_PARSE, "%s: not a recovery file", path);
		goto out;
	}
	/* a hostile name never reaches the folder: it is left out */
	for (it = o.files->child; it; ) {
		cJSON *next = it->next;
		if (!safe_relpath(it->string))
			cJSON_Delete(cJSON_DetachItemViaPointer(o.files, it));
		it = next;
	}
	rc = fs_project_open_overlay(out, dir, read_recovered, &o, e);
	if (rc)
		fs_err_prefix(e, "%s", path);
out:
	cJSON_Delete(doc);
	free(path);
	return rc;
}

enum fs_err_code fs_recover_edits(const char *dir, fs_edits *log, cJSON **fp, fs_err *e)
{
	char *path = NULL;
	cJSON *doc = NULL, *edits, *base;
	int rc;
	*fp = NULL;
	if ((rc = recovery_read(dir, &path, &doc, e)))
		goto out;
	edits = cJSON_GetObjectItemCaseSensitive(doc, "edits");
	base = cJSON_GetObjectItemCaseSensitive(doc, "base");
	if (!edits || !cJSON_IsObject(base)) {
		rc = fs_err_set(e, FS_E_NOTFOUND, "%s: no edits recorded", path);
		goto out;
	}
	if ((rc = fs_edits_from_json(log, edits, e))) {
		fs_edits_clear(log);   /* all or nothing */
		fs_err_prefix(e, "%s", path);
		goto out;
	}
	*fp = cJSON_DetachItemViaPointer(doc, base);
out:
	cJSON_Delete(doc);
	free(path);
	return rc;
}

void fs_recover_discard(const char *dir)
{
	char *path = fs_recover_path(dir);
	if (path)
		unlink(path);
	free(path);
}
