/* Documents of a run from a server, and the project's samples (see
 * source.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "couch/path.h"
#include "runner/source.h"

char *fs_samples_path(const char *project_dir, const char *connector)
{
	return fs_xasprintf("%s/" FS_SAMPLES_DIR "/%s.ndjson", project_dir, connector);
}

/* Writes doc as one line unless it is a design document; counts it. */
static int put_doc(FILE *f, const cJSON *doc, cJSON *ids, long *n)
{
	const char *id = fs_json_str(doc, "_id");
	if (!cJSON_IsObject(doc) || !id || !strncmp(id, "_design/", 8))
		return 0;
	char *t = cJSON_PrintUnformatted(doc);
	fprintf(f, "%s\n", t);
	free(t);
	if (ids)
		cJSON_AddItemToArray(ids, cJSON_CreateString(id));
	(*n)++;
	return 1;
}

/* The first `limit` documents by id, a page of at most 1,000 at a time. */
static enum fs_err_code fetch_first(fs_couch *c, const char *db, long limit, FILE *f, cJSON *ids, long *n, fs_err *e)
{
	cJSON *after = NULL;
	for (;;) {
		fs_couch_view_opts o;
		cJSON *page = NULL, *row;
		fs_couch_view_opts_init(&o);
		o.include_docs = 1;
		o.limit = limit - *n < 1000 ? limit - *n : 1000;
		o.startkey = after;
		o.skip = after ? 1 : 0;
		int rc = fs_couch_all_docs(c, db, &o, &page, e);
		cJSON_Delete(after);
		after = NULL;
		if (rc)
			return rc;
		long got = 0;
		cJSON_ArrayForEach(row, fs_json_arr(page, "rows")) {
			got++;
			put_doc(f, fs_json_obj(row, "doc"), ids, n);
			cJSON_Delete(after);
			after = cJSON_CreateString(fs_json_str(row, "id") ? fs_json_str(row, "id") : "");
		}
		cJSON_Delete(page);
		if (!got || *n >= limit || got < o.limit) {
			cJSON_Delete(after);
			return 0;
		}
	}
}

static enum fs_err_code fetch_ids(fs_couch *c, const char *db, const cJSON *want, FILE *f, cJSON *ids, long *n, fs_err *e)
{
	fs_couch_view_opts o;
	cJSON *page = NULL, *row;
	fs_buf missing = FS_BUF_INIT;
	fs_couch_view_opts_init(&o);
	o.include_docs = 1;
	o.keys = want;
	int rc = fs_couch_all_docs(c, db, &o, &page, e);
	if (rc)
		return rc;
	cJSON_ArrayForEach(row, fs_json_arr(page, "rows"))
		if (!put_doc(f, fs_json_obj(row, "doc"), ids, n))
			fs_buf_printf(&missing, "%s%s", missing.len ? ", " : "", fs_json_str(row, "key") ? fs_json_str(row, "key") : "?");
	cJSON_Delete(page);
	if (missing.len)
		rc = fs_err_set(e, FS_E_NOTFOUND, "%s: no such document: %s", db, missing.data);
	fs_buf_free(&missing);
	return rc;
}

static enum fs_err_code fetch_selector(fs_couch *c, const char *db, const cJSON *sel, long limit, FILE *f,
			  cJSON *ids, long *n, fs_err *e)
{
	cJSON *body = cJSON_CreateObject(), *out = NULL, *doc;
	fs_buf path = FS_BUF_INIT;
	cJSON_AddItemToObject(body, "selector", cJSON_Duplicate(sel, 1));
	cJSON_AddNumberToObject(body, "limit", limit);
	int rc = fs_path_build(&path, &(fs_path){ .db = db, .endpoint = "_find" }, e);
	if (!rc)
		rc = fs_couch_request(c, "POST", path.data, body, &out, "the selector", e);
	cJSON_ArrayForEach(doc, fs_json_arr(out, "docs"))
		put_doc(f, doc, ids, n);
	cJSON_Delete(body);
	cJSON_Delete(out);
	fs_buf_free(&path);
	return rc;
}

enum fs_err_code fs_fetch_docs(fs_couch *c, const char *db, const fs_fetch *fe, const char *path,
		  cJSON *ids, long *n, fs_err *e)
{
	long limit = fe->limit > 0 ? fe->limit : FS_FETCH_LIMIT;
	FILE *f = fopen(path, "w");
	int rc;
	*n = 0;
	if (!f)
		return fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
	if (fe->ids)
		rc = fetch_ids(c, db, fe->ids, f, ids, n, e);
	else if (fe->selector)
		rc = fetch_selector(c, db, fe->selector, limit, f, ids, n, e);
	else
		rc = fetch_first(c, db, limit, f, ids, n, e);
	if (fclose(f) && !rc)
		rc = fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
	return rc;
}
