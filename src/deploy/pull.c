/* Pull of design documents from a live database (see pull.h). */
#include <stdlib.h>
#include <string.h>
#include "deploy/pull.h"
#include "base/buf.h"
#include "base/json.h"

const char *fs_pull_action_name(fs_pull_action a)
{
	static const char *const names[] = {
#define FS_PA_NAME(k, n) n,
		FS_PA_LIST(FS_PA_NAME)
#undef FS_PA_NAME
	};
	return a < FS_PA_COUNT ? names[a] : "?";
}

static fs_obj *find_connector(fs_project *p, const char *name)
{
	fs_obj *root = fs_project_root(p);
	for (size_t i = 0; i < root->nkids; i++)
		if (root->kids[i]->kind == FS_K_CONNECTOR && !strcmp(root->kids[i]->name, name))
			return root->kids[i];
	return NULL;
}

static fs_obj *find_ddoc(fs_obj *conn, const char *id)
{
	if (strncmp(id, "_design/", 8))
		return NULL;
	for (size_t i = 0; i < conn->nkids; i++)
		if (conn->kids[i]->kind == FS_K_DDOC && !strcmp(conn->kids[i]->name, id + 8))
			return conn->kids[i];
	return NULL;
}

static fs_pull_doc *add_doc(fs_pull_plan *p, const char *id, fs_pull_action a)
{
	p->docs = fs_xrealloc(p->docs, (p->n + 1) * sizeof *p->docs);
	fs_pull_doc *d = &p->docs[p->n++];
	memset(d, 0, sizeof *d);
	d->id = fs_xstrdup(id);
	d->action = a;
	p->count[a]++;
	return d;
}

/* Why a server design document is not imported, or NULL. */
static const char *skip_reason(const char *id, const cJSON *doc)
{
	const char *lang = fs_json_str(doc, "language");
	size_t n = strlen(id), m = strlen(FS_DEPLOY_STAGING_SUFFIX);
	if (!strcmp(id, "_design/c8o"))
		return "Convertigo's own design document";
	if (lang && !strcmp(lang, "query"))
		return "Mango index";
	if (n >= m && !strcmp(id + n - m, FS_DEPLOY_STAGING_SUFFIX))
		return "staging copy of a staged deploy";
	if (n <= 8 || strchr(id + 8, '/'))
		return "name not usable as a design document of the project";
	return NULL;
}

static void plan_remote(fs_pull_plan *p, fs_obj *conn, cJSON *row)
{
	const char *id = fs_json_str(row, "id");
	cJSON *doc = fs_json_obj(row, "doc");
	if (!id || !doc)
		return;
	const char *why = skip_reason(id, doc);
	if (why) {
		add_doc(p, id, FS_PA_SKIP)->reason = fs_xstrdup(why);
		return;
	}
	cJSON *d = cJSON_DetachItemFromObjectCaseSensitive(row, "doc");
	cJSON_DeleteItemFromObjectCaseSensitive(d, "_rev");
	cJSON_DeleteItemFromObjectCaseSensitive(d, FS_DEPLOY_MARKER);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "_revisions");
	fs_obj *local = find_ddoc(conn, id);
	const cJSON *ld = local ? fs_ddoc_json(local) : NULL;
	fs_pull_action a = !local ? FS_PA_ADD : fs_json_equal(ld, d, fs_deploy_ignore) ? FS_PA_UNCHANGED :
		FS_PA_UPDATE;
	fs_pull_doc *x = add_doc(p, id, a);
	x->doc = d;
	if (a != FS_PA_UNCHANGED)
		fs_deploy_diff_docs(ld, d, &x->diffs, &x->ndiffs);
}

enum fs_err_code fs_pull_fetch(fs_couch *c, const char *db, cJSON **out, fs_err *e)
{
	return fs_couch_design_docs(c, db, 1, out, e);
}

static fs_obj *connector_or_fail(fs_project *proj, const char *connector, fs_err *e)
{
	fs_obj *conn = find_connector(proj, connector);
	if (!conn)
		fs_err_set(e, FS_E_NOTFOUND, "%s: no FullSync connector named '%s' in the project",
			fs_project_dir(proj) ? fs_project_dir(proj) : "project", connector);
	return conn;
}

enum fs_err_code fs_pull_plan_from(fs_project *proj, const char *connector, const fs_couch *c, cJSON *fetched,
		      fs_pull_plan **out, fs_err *e)
{
	*out = NULL;
	fs_obj *conn = connector_or_fail(proj, connector, e);
	if (!conn)
		return FS_E_NOTFOUND;
	fs_pull_plan *p = fs_xcalloc(1, sizeof *p);
	p->connector = fs_xstrdup(connector);
	p->db = fs_xstrdup(fs_connector_db(conn));
	p->server = fs_xstrdup(fs_couch_name(c));
	p->url = fs_xstrdup(fs_couch_url(c));
	cJSON *rows = fs_json_arr(fetched, "rows");
	for (cJSON *r = rows ? rows->child : NULL; r; r = r->next)
		plan_remote(p, conn, r);
	for (size_t i = 0; i < conn->nkids; i++) {
		if (conn->kids[i]->kind != FS_K_DDOC)
			continue;
		char *id = fs_xasprintf("_design/%s", conn->kids[i]->name);
		size_t k = 0;
		while (k < p->n && strcmp(p->docs[k].id, id))
			k++;
		if (k == p->n)
			add_doc(p, id, FS_PA_LOCAL);
		free(id);
	}
	*out = p;
	return 0;
}

enum fs_err_code fs_pull_plan_make(fs_project *proj, fs_couch *c, const char *connector,
		      fs_pull_plan **out, fs_err *e)
{
	*out = NULL;
	fs_obj *conn = connector_or_fail(proj, connector, e);
	if (!conn)
		return FS_E_NOTFOUND;
	cJSON *ans = NULL;
	int rc = fs_pull_fetch(c, fs_connector_db(conn), &ans, e);
	if (!rc)
		rc = fs_pull_plan_from(proj, connector, c, ans, out, e);
	cJSON_Delete(ans);
	return rc;
}

void fs_pull_plan_free(fs_pull_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		fs_pull_doc *d = &p->docs[i];
		free(d->id);
		free(d->reason);
		free(d->error);
		cJSON_Delete(d->doc);
		fs_deploy_fdiffs_free(d->diffs, d->ndiffs);
	}
	free(p->docs);
	free(p->connector);
	free(p->db);
	free(p->server);
	free(p->url);
	free(p);
}

size_t fs_pull_changes(const fs_pull_plan *p)
{
	return p->count[FS_PA_ADD] + p->count[FS_PA_UPDATE];
}

static enum fs_err_code apply_one(fs_obj *conn, fs_pull_doc *d, fs_err *e)
{
	fs_obj *o = find_ddoc(conn, d->id);
	int rc = 0;
	if (!o)
		rc = fs_obj_new(conn, FS_K_DDOC, d->id + 8, NULL, &o, e);
	if (!rc)
		rc = fs_ddoc_set_json(o, d->doc, e);
	if (rc)
		fs_err_prefix(e, "%s", d->id);
	return rc;
}

int fs_pull_apply(fs_project *proj, fs_pull_plan *p, fs_err *e)
{
	fs_obj *conn = find_connector(proj, p->connector);
	if (!conn)
		return fs_err_set(e, FS_E_NOTFOUND, "no FullSync connector named '%s' in the project", p->connector);
	int first = 0;
	for (size_t i = 0; i < p->n; i++) {
		fs_pull_doc *d = &p->docs[i];
		if (d->action != FS_PA_ADD && d->action != FS_PA_UPDATE)
			continue;
		fs_err de = { 0 };
		int rc = apply_one(conn, d, &de);
		if (rc) {
			d->error = fs_xstrdup(de.msg);
			if (!first && e)
				*e = de;
			first = first ? first : rc;
		}
	}
	return first;
}

void fs_pull_format(const fs_pull_plan *p, int diffs, fs_buf *out)
{
	fs_buf_printf(out, "server %s (%s), database %s -> connector %s\n", p->server, p->url, p->db, p->connector);
	for (size_t i = 0; i < p->n; i++) {
		const fs_pull_doc *d = &p->docs[i];
		fs_buf_printf(out, "  %-15s %s", fs_pull_action_name(d->action), d->id);
		if (d->reason)
			fs_buf_printf(out, ": %s", d->reason);
		if (d->error)
			fs_buf_printf(out, ": FAILED: %s", d->error);
		fs_buf_addc(out, '\n');
		if (diffs)
			fs_deploy_fdiffs_format(d->id, d->diffs, d->ndiffs, out);
	}
	fs_buf_adds(out, "pull:");
	for (int a = 0; a < FS_PA_COUNT; a++)
		if (p->count[a])
			fs_buf_printf(out, " %zu %s,", p->count[a], fs_pull_action_name(a));
	if (out->data[out->len - 1] == ',')
		out->data[--out->len] = 0;
	fs_buf_addc(out, '\n');
}

cJSON *fs_pull_json(const fs_pull_plan *p, int diffs)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "server", p->server);
	cJSON_AddStringToObject(j, "url", p->url);
	cJSON_AddStringToObject(j, "database", p->db);
	cJSON_AddStringToObject(j, "connector", p->connector);
	cJSON *docs = cJSON_AddArrayToObject(j, "docs");
	for (size_t i = 0; i < p->n; i++) {
		const fs_pull_doc *d = &p->docs[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", d->id);
		cJSON_AddStringToObject(x, "action", fs_pull_action_name(d->action));
		if (d->reason)
			cJSON_AddStringToObject(x, "reason", d->reason);
		if (d->error)
			cJSON_AddStringToObject(x, "error", d->error);
		if (diffs)
			cJSON_AddItemToObject(x, "diffs", fs_deploy_fdiffs_json(d->diffs, d->ndiffs));
		cJSON_AddItemToArray(docs, x);
	}
	cJSON *sum = cJSON_AddObjectToObject(j, "summary");
	for (int a = 0; a < FS_PA_COUNT; a++)
		cJSON_AddNumberToObject(sum, fs_pull_action_name(a), (double)p->count[a]);
	return j;
}
