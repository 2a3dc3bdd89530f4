/* What is deployed where (see deployed.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "deploy/deployed.h"
#include "deploy/deploy.h"
#include "base/json.h"

const char *fs_deployed_state_name(fs_deployed_state s)
{
	static const char *const names[] = {
#define FS_DS_NAME(k, n) n,
		FS_DS_LIST(FS_DS_NAME)
#undef FS_DS_NAME
	};
	return s < FS_DS_COUNT ? names[s] : "?";
}

/* ---- Building ------------------------------------------------------------- */

static void add_row(fs_deployed *d, const fs_obj *conn, const fs_obj *ddoc)
{
	d->rows = fs_xrealloc(d->rows, (d->nrows + 1) * sizeof *d->rows);
	fs_deployed_row *r = &d->rows[d->nrows++];
	r->connector = fs_xstrdup(conn->name);
	r->db = fs_xstrdup(fs_connector_db(conn));
	r->ddoc = fs_xasprintf("_design/%s", ddoc->name);
	r->path = fs_obj_path(ddoc);
}

fs_deployed *fs_deployed_new(fs_project *p)
{
	fs_deployed *d = fs_xcalloc(1, sizeof *d);
	fs_obj *root = fs_project_root(p);
	for (size_t i = 0; i < root->nkids; i++) {
		const fs_obj *conn = root->kids[i];
		if (conn->kind != FS_K_CONNECTOR)
			continue;
		for (size_t k = 0; k < conn->nkids; k++)
			if (conn->kids[k]->kind == FS_K_DDOC)
				add_row(d, conn, conn->kids[k]);
	}
	return d;
}

static void cell_clear(fs_deployed_cell *c)
{
	free(c->commit);
	free(c->at);
	free(c->rev);
	memset(c, 0, sizeof *c);
	c->behind = -1;
}

void fs_deployed_free(fs_deployed *d)
{
	if (!d)
		return;
	for (size_t s = 0; s < d->nservers; s++) {
		for (size_t i = 0; i < d->nrows; i++)
			cell_clear(&d->cells[s][i]);
		free(d->cells[s]);
		free(d->servers[s].name);
		free(d->servers[s].url);
		free(d->servers[s].error);
	}
	for (size_t i = 0; i < d->nrows; i++) {
		free(d->rows[i].connector);
		free(d->rows[i].db);
		free(d->rows[i].ddoc);
		free(d->rows[i].path);
	}
	free(d->cells);
	free(d->servers);
	free(d->rows);
	free(d);
}

size_t fs_deployed_add(fs_deployed *d, const char *name, const char *url)
{
	d->servers = fs_xrealloc(d->servers, (d->nservers + 1) * sizeof *d->servers);
	d->cells = fs_xrealloc(d->cells, (d->nservers + 1) * sizeof *d->cells);
	fs_deployed_server *s = &d->servers[d->nservers];
	s->name = fs_xstrdup(name);
	s->url = fs_xstrdup(url ? url : name);
	s->error = NULL;
	d->cells[d->nservers] = fs_xcalloc(d->nrows + 1, sizeof **d->cells);
	for (size_t i = 0; i < d->nrows; i++)
		cell_clear(&d->cells[d->nservers][i]);
	return d->nservers++;
}

/* Transport failures: the server is not there (as opposed to refusing). */
static int unreachable(int code)
{
	return code == FS_E_HTTP || code == FS_E_TIMEOUT;
}

void fs_deployed_fail(fs_deployed *d, size_t s, int code, const char *msg)
{
	free(d->servers[s].error);
	d->servers[s].error = fs_xstrdup(msg);
	for (size_t i = 0; i < d->nrows; i++) {
		cell_clear(&d->cells[s][i]);
		d->cells[s][i].state = unreachable(code) ? FS_DS_UNREACHABLE : FS_DS_ERROR;
	}
}

/* ---- Reading a server ------------------------------------------------------ */

static const cJSON *find_doc(const cJSON *rows, const char *id)
{
	for (const cJSON *r = rows ? rows->child : NULL; r; r = r->next) {
		const char *rid = fs_json_str(r, "id");
		if (rid && !strcmp(rid, id))
			return fs_json_obj(r, "doc");
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? fs_xstrdup(s) : NULL;
}

/* The state of one server copy, from its marker (see deploy.h). */
static void read_cell(fs_deployed_cell *c, const cJSON *doc)
{
	cell_clear(c);
	if (!doc) {
		c->state = FS_DS_MISSING;
		return;
	}
	const cJSON *m = fs_json_obj(doc, FS_DEPLOY_MARKER);
	const char *mark = fs_json_str(m, "hash");
	c->rev = dup_or_null(fs_json_str(doc, "_rev"));
	if (!mark) {
		c->state = FS_DS_FOREIGN;
		return;
	}
	char hash[65];
	fs_json_hash(doc, fs_deploy_ignore, hash);
	c->state = strcmp(hash, mark) ? FS_DS_DRIFTED : FS_DS_DEPLOYED;
	c->commit = dup_or_null(fs_json_str(m, "commit"));
	c->at = dup_or_null(fs_json_str(m, "at"));
}

/* One request per database, shared by the rows of that database. */
static enum fs_err_code fetch_db(fs_deployed *d, size_t s, fs_couch *c, size_t first, fs_err *e)
{
	cJSON *ans = NULL;
	int rc = fs_couch_design_docs(c, d->rows[first].db, 1, &ans, e);
	if (rc && rc != FS_E_NOTFOUND)
		return rc;
	const cJSON *rows = fs_json_arr(ans, "rows");
	for (size_t i = first; i < d->nrows; i++)
		if (!strcmp(d->rows[i].db, d->rows[first].db))
			read_cell(&d->cells[s][i], find_doc(rows, d->rows[i].ddoc));
	cJSON_Delete(ans);
	return 0;
}

static int db_seen(const fs_deployed *d, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!strcmp(d->rows[k].db, d->rows[i].db))
			return 1;
	return 0;
}

enum fs_err_code fs_deployed_fetch(fs_deployed *d, size_t s, fs_couch *c, fs_err *e)
{
	fs_err le = { 0 };
	for (size_t i = 0; i < d->nrows; i++) {
		if (db_seen(d, i))
			continue;
		int rc = fetch_db(d, s, c, i, &le);
		if (rc) {
			fs_deployed_fail(d, s, rc, le.msg);
			if (e)
				*e = le;
			return rc;
		}
	}
	return 0;
}

/* ---- Behind, with git --------------------------------------------------------- */

/* `git rev-list COMMIT..REV` for each deployed commit met, computed once:
 * a history entry counts as behind when it is in that list. */
typedef struct since {
	char *commit;
	int ok;                   /* 0: not an ancestor of rev, or not in git */
	char **ids;
	size_t n;
} since;

typedef struct sinces {
	fs_repo *r;
	const char *rev;
	since *v;
	size_t n;
} sinces;

static since *since_of(sinces *c, const char *commit)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].commit, commit))
			return &c->v[i];
	c->v = fs_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	since *s = &c->v[c->n++];
	memset(s, 0, sizeof *s);
	s->commit = fs_xstrdup(commit);
	s->ok = fs_repo_reaches(c->r, c->rev, commit) == 1 &&
		!fs_git_revlist(c->r, c->rev, commit, &s->ids, &s->n, NULL);
	return s;
}

static void sinces_free(sinces *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->v[i].n; k++)
			free(c->v[i].ids[k]);
		free(c->v[i].ids);
		free(c->v[i].commit);
	}
	free(c->v);
}

/* Commits of the history h (the commits that changed the document, up to
 * the target revision) that came after the deployed commit. */
static long count_behind(sinces *c, const fs_history *h, const char *commit)
{
	since *s = commit ? since_of(c, commit) : NULL;
	if (!s || !s->ok)
		return -1;
	long n = 0;
	for (size_t i = 0; i < h->n; i++)
		n += fs_git_revlist_has(s->ids, s->n, h->v[i].id);
	return n;
}

/* Fills behind for row i, in every column or only in column only. */
static void behind_row(fs_deployed *d, sinces *c, size_t i, size_t only)
{
	fs_history h;
	memset(&h, 0, sizeof h);
	int ok = fs_git_log(c->r, c->rev, d->rows[i].path, 0, &h, NULL) == 0;
	for (size_t s = 0; s < d->nservers; s++) {
		fs_deployed_cell *cell = &d->cells[s][i];
		if ((only == (size_t)-1 || s == only) && cell->state == FS_DS_DEPLOYED)
			cell->behind = ok ? count_behind(c, &h, cell->commit) : -1;
	}
	fs_history_free(&h);
}

void fs_deployed_behind(fs_deployed *d, fs_repo *r, const char *rev)
{
	sinces c = { r, rev, NULL, 0 };
	for (size_t i = 0; i < d->nrows; i++)
		behind_row(d, &c, i, (size_t)-1);
	sinces_free(&c);
}

/* ---- The commit a server runs ------------------------------------------------- */

/* A cell that stops the column from naming one commit, as a sentence. */
static enum fs_err_code bad_cell(const fs_deployed *d, size_t s, size_t i, fs_err *e)
{
	const fs_deployed_cell *c = &d->cells[s][i];
	const char *name = d->servers[s].name, *id = d->rows[i].ddoc, *db = d->rows[i].db;
	if (c->state == FS_DS_DRIFTED)
		return fs_err_set(e, FS_E_CONFLICT, "%s: %s in database '%s' was edited on the server "
			"(drifted): it does not run a commit", name, id, db);
	if (c->state == FS_DS_FOREIGN)
		return fs_err_set(e, FS_E_CONFLICT, "%s: %s in database '%s' has no fsstudio marker "
			"(foreign): it does not run a commit", name, id, db);
	if (c->state == FS_DS_DEPLOYED && !c->commit)
		return fs_err_set(e, FS_E_CONFLICT, "%s: %s in database '%s' was deployed from outside "
			"git (its marker names no commit)", name, id, db);
	return 0;
}

/* The marker commit every other one is an ancestor of. */
static enum fs_err_code newest_commit(const fs_deployed *d, size_t s, fs_repo *r, const char **out, fs_err *e)
{
	*out = NULL;
	const fs_deployed_cell *cells = d->cells[s];
	for (size_t i = 0; i < d->nrows; i++) {
		const char *c = cells[i].state == FS_DS_DEPLOYED ? cells[i].commit : NULL;
		if (!c || (*out && fs_repo_reaches(r, *out, c) == 1))
			continue;
		if (fs_repo_reaches(r, c, c) != 1)
			return fs_err_set(e, FS_E_NOTFOUND, "%s: %s runs commit %.7s, which is not in this "
				"repository (fetch it first)", d->servers[s].name, d->rows[i].ddoc, c);
		if (*out && fs_repo_reaches(r, c, *out) != 1)
			return fs_err_set(e, FS_E_CONFLICT, "%s: the design documents come from commits "
				"on diverging branches (%.7s and %.7s): it does not run one commit",
				d->servers[s].name, *out, c);
		*out = c;
	}
	if (!*out)
		return fs_err_set(e, FS_E_NOTFOUND, "%s: no design document of the project carries an "
			"fsstudio marker there: nothing to promote", d->servers[s].name);
	return 0;
}

enum fs_err_code fs_deployed_commit(fs_deployed *d, size_t s, fs_repo *r, char **commit, fs_err *e)
{
	*commit = NULL;
	if (d->servers[s].error)
		return fs_err_set(e, FS_E_HTTP, "%s: %s", d->servers[s].name, d->servers[s].error);
	for (size_t i = 0; i < d->nrows; i++)
		if (bad_cell(d, s, i, e))
			return e ? e->code : FS_E_CONFLICT;
	const char *top;
	int rc = newest_commit(d, s, r, &top, e);
	if (rc)
		return rc;
	sinces after = { r, top, NULL, 0 };
	for (size_t i = 0; i < d->nrows && !rc; i++) {
		fs_deployed_cell *c = &d->cells[s][i];
		if (c->state != FS_DS_DEPLOYED)
			continue;
		behind_row(d, &after, i, s);
		if (c->behind != 0)
			rc = fs_err_set(e, FS_E_CONFLICT, "%s: %s in database '%s' is from commit %.7s and "
				"changed before %.7s: the server runs a mix of commits",
				d->servers[s].name, d->rows[i].ddoc, d->rows[i].db, c->commit, top);
	}
	sinces_free(&after);
	if (!rc)
		*commit = fs_xstrdup(top);
	return rc;
}

/* ---- Promotion ---------------------------------------------------------------------- */

/* The markers of one server for the design documents of model p. */
static fs_deployed *read_one(fs_project *p, fs_couch *c)
{
	fs_deployed *d = fs_deployed_new(p);
	fs_deployed_add(d, fs_couch_name(c), fs_couch_url(c));
	fs_deployed_fetch(d, 0, c, NULL);
	return d;
}

/* Every design document of the promoted commit must be on the source. */
static enum fs_err_code all_there(const fs_deployed *d, const char *commit, fs_err *e)
{
	for (size_t i = 0; i < d->nrows; i++)
		if (d->cells[0][i].state == FS_DS_MISSING)
			return fs_err_set(e, FS_E_CONFLICT, "%s: %s of database '%s' (in commit %.7s) is not "
				"there: it does not run that commit", d->servers[0].name, d->rows[i].ddoc,
				d->rows[i].db, commit);
	return 0;
}

enum fs_err_code fs_deployed_promotion(fs_repo *r, fs_couch *from, fs_project **out, char **commit, fs_err *e)
{
	fs_project *head = NULL;
	*out = NULL;
	*commit = NULL;
	int rc = fs_git_open_rev(r, NULL, &head, e);
	if (!rc) {
		fs_deployed *d = read_one(head, from);
		rc = fs_deployed_commit(d, 0, r, commit, e);
		fs_deployed_free(d);
	}
	fs_project_free(head);
	if (!rc)
		rc = fs_git_open_rev(r, *commit, out, e);
	if (!rc) {
		/* the same markers against the promoted commit's own documents */
		fs_deployed *d = read_one(*out, from);
		char *again = NULL;
		rc = fs_deployed_commit(d, 0, r, &again, e);
		if (!rc)
			rc = all_there(d, *commit, e);
		free(again);
		fs_deployed_free(d);
	}
	if (rc) {
		fs_project_free(*out);
		*out = NULL;
		free(*commit);
		*commit = NULL;
	}
	return rc;
}

/* ---- Output ---------------------------------------------------------------------- */

static char *cell_text(const fs_deployed_cell *c)
{
	if (c->state != FS_DS_DEPLOYED)
		return fs_xstrdup(fs_deployed_state_name(c->state));
	if (!c->commit)
		return fs_xstrdup("no commit");
	if (c->behind < 0)
		return fs_xasprintf("%.7s ?", c->commit);
	if (!c->behind)
		return fs_xasprintf("%.7s current", c->commit);
	return fs_xasprintf("%.7s %ld behind", c->commit, c->behind);
}

static size_t row_width(const fs_deployed *d)
{
	size_t w = strlen("DESIGN DOCUMENT");
	for (size_t i = 0; i < d->nrows; i++) {
		size_t n = strlen(d->rows[i].path);
		if (n > w)
			w = n;
	}
	return w;
}

static size_t col_width(const fs_deployed *d, size_t s)
{
	size_t w = strlen(d->servers[s].name);
	for (size_t i = 0; i < d->nrows; i++) {
		char *t = cell_text(&d->cells[s][i]);
		if (strlen(t) > w)
			w = strlen(t);
		free(t);
	}
	return w;
}

void fs_deployed_format(const fs_deployed *d, fs_buf *out)
{
	size_t rw = row_width(d), *cw = fs_xcalloc(d->nservers + 1, sizeof *cw);
	fs_buf_printf(out, "%-*s", (int)rw, "DESIGN DOCUMENT");
	for (size_t s = 0; s < d->nservers; s++) {
		cw[s] = col_width(d, s);
		fs_buf_printf(out, "  %-*s", s + 1 < d->nservers ? (int)cw[s] : 0, d->servers[s].name);
	}
	fs_buf_addc(out, '\n');
	for (size_t i = 0; i < d->nrows; i++) {
		fs_buf_printf(out, "%-*s", (int)rw, d->rows[i].path);
		for (size_t s = 0; s < d->nservers; s++) {
			char *t = cell_text(&d->cells[s][i]);
			fs_buf_printf(out, "  %-*s", s + 1 < d->nservers ? (int)cw[s] : 0, t);
			free(t);
		}
		fs_buf_addc(out, '\n');
	}
	if (!d->nrows)
		fs_buf_adds(out, "(the project has no design document)\n");
	for (size_t s = 0; s < d->nservers; s++)
		if (d->servers[s].error)
			fs_buf_printf(out, "%s (%s): %s\n", d->servers[s].name, d->servers[s].url,
				d->servers[s].error);
	free(cw);
}

static cJSON *cell_json(const fs_deployed *d, size_t s, size_t i)
{
	const fs_deployed_cell *c = &d->cells[s][i];
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "server", d->servers[s].name);
	cJSON_AddStringToObject(j, "url", d->servers[s].url);
	cJSON_AddStringToObject(j, "connector", d->rows[i].connector);
	cJSON_AddStringToObject(j, "database", d->rows[i].db);
	cJSON_AddStringToObject(j, "designdoc", d->rows[i].ddoc);
	fs_json_add_str(j, "commit", c->commit);
	if (c->state == FS_DS_DEPLOYED && c->behind >= 0)
		cJSON_AddNumberToObject(j, "behind", (double)c->behind);
	else
		cJSON_AddNullToObject(j, "behind");
	cJSON_AddStringToObject(j, "state", fs_deployed_state_name(c->state));
	fs_json_add_str(j, "at", c->at);
	fs_json_add_str(j, "rev", c->rev);
	if (d->servers[s].error)
		cJSON_AddStringToObject(j, "error", d->servers[s].error);
	return j;
}

cJSON *fs_deployed_json(const fs_deployed *d)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t s = 0; s < d->nservers; s++)
		for (size_t i = 0; i < d->nrows; i++)
			cJSON_AddItemToArray(arr, cell_json(d, s, i));
	return arr;
}
