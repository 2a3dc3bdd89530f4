/* Deploy history as git notes (see notes.h). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include "base/buf.h"
#include "base/json.h"
#include "git/notes.h"

/* ---- Records -------------------------------------------------------------- */

static void strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void fs_deploy_record_free(fs_deploy_record *rec)
{
	free(rec->server);
	free(rec->url);
	free(rec->at);
	free(rec->user);
	strs_free(rec->dbs, rec->ndbs);
	strs_free(rec->written, rec->nwritten);
	strs_free(rec->deleted, rec->ndeleted);
	memset(rec, 0, sizeof *rec);
}

void fs_deploy_records_free(fs_deploy_records *l)
{
	for (size_t i = 0; i < l->n; i++)
		fs_deploy_record_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void fs_deploy_record_add(char ***list, size_t *n, const char *s)
{
	*list = fs_xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = fs_xstrdup(s);
}

/* A value never spans lines (names come from servers and profiles):
 * control characters become '?'. */
static void put_value(fs_buf *b, const char *value)
{
	for (const unsigned char *s = (const unsigned char *)(value ? value : ""); *s; s++)
		fs_buf_addc(b, *s < 0x20 || *s == 0x7f ? '?' : (char)*s);
	fs_buf_addc(b, '\n');
}

static void put_line(fs_buf *b, const char *key, const char *value)
{
	fs_buf_printf(b, "%s: ", key);
	put_value(b, value);
}

static void put_lines(fs_buf *b, const char *key, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_line(b, key, v[i]);
}

char *fs_deploy_record_text(const fs_deploy_record *rec)
{
	fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, "deploy to ");
	put_value(&b, rec->server);
	put_line(&b, "url", rec->url);
	put_line(&b, "at", rec->at);
	put_line(&b, "user", rec->user);
	put_lines(&b, "database", rec->dbs, rec->ndbs);
	put_lines(&b, "written", rec->written, rec->nwritten);
	put_lines(&b, "deleted", rec->deleted, rec->ndeleted);
	if (rec->failed)
		fs_buf_printf(&b, "failed: %ld\n", rec->failed);
	return fs_buf_steal(&b);
}

static char **field(fs_deploy_record *r, const char *key)
{
	if (!strcmp(key, "url"))
		return &r->url;
	if (!strcmp(key, "at"))
		return &r->at;
	if (!strcmp(key, "user"))
		return &r->user;
	return NULL;
}

static void parse_line(fs_deploy_record *r, const char *line)
{
	const char *colon = strstr(line, ": ");
	if (!colon)
		return;
	char *key = fs_xstrndup(line, (size_t)(colon - line));
	const char *v = colon + 2;
	char **f = field(r, key);
	if (f) {
		free(*f);
		*f = fs_xstrdup(v);
	} else if (!strcmp(key, "database")) {
		fs_deploy_record_add(&r->dbs, &r->ndbs, v);
	} else if (!strcmp(key, "written")) {
		fs_deploy_record_add(&r->written, &r->nwritten, v);
	} else if (!strcmp(key, "deleted")) {
		fs_deploy_record_add(&r->deleted, &r->ndeleted, v);
	} else if (!strcmp(key, "failed")) {
		r->failed = strtol(v, NULL, 10);
	}
	free(key);
}

void fs_deploy_records_parse(const char *note, const char *commit, fs_deploy_records *out)
{
	fs_deploy_record *cur = NULL;
	size_t order = 0;
	for (const char *p = note; p && *p;) {
		size_t n = strcspn(p, "\n");
		char *line = fs_xstrndup(p, n);
		p += n + (p[n] == '\n');
		/* notes come from other people's pushes too: nothing in them may
		 * reach a terminal as a control sequence */
		for (char *c = line; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		if (!strncmp(line, "deploy to ", 10)) {
			out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
			cur = &out->v[out->n++];
			memset(cur, 0, sizeof *cur);
			snprintf(cur->commit, sizeof cur->commit, "%s", commit);
			cur->order = ++order;
			cur->server = fs_xstrdup(line + 10);
		} else if (cur) {
			parse_line(cur, line);
		}
		free(line);
	}
}

/* ---- Notes ------------------------------------------------------------------ */

static enum fs_err_code git_fail(fs_err *e, const char *what)
{
	const git_error *g = git_error_last();
	return fs_err_set(e, FS_E_GIT, "%s: %s", what, g && g->message ? g->message : "git error");
}

/* Who deployed: git's user.name and user.email, else the login name. */
static char *deploy_user(git_repository *repo)
{
	git_signature *sig = NULL;
	if (git_signature_default(&sig, repo) == 0) {
		char *u = fs_xasprintf("%s <%s>", sig->name, sig->email);
		git_signature_free(sig);
		return u;
	}
	const char *u = getenv("USER");
	struct passwd *pw = u ? NULL : getpwuid(getuid());
	return fs_xstrdup(u ? u : pw ? pw->pw_name : "unknown");
}

static git_signature *note_signature(git_repository *repo)
{
	git_signature *sig = NULL;
	if (git_signature_default(&sig, repo) < 0 && git_signature_now(&sig, "fsstudio", "fsstudio@localhost") < 0)
		return NULL;
	return sig;
}

/* The text of the note on oid; "" when there is none. */
static char *note_text(git_repository *repo, const git_oid *oid)
{
	git_note *n = NULL;
	if (git_note_read(&n, repo, FS_NOTES_REF, oid) < 0)
		return fs_xstrdup("");
	char *s = fs_xstrdup(git_note_message(n));
	git_note_free(n);
	return s;
}

static enum fs_err_code commit_oid(git_repository *repo, const char *commit, git_oid *oid, fs_err *e)
{
	git_object *o = NULL;
	if (git_revparse_single(&o, repo, commit) < 0)
		return fs_err_set(e, FS_E_NOTFOUND, "%s: no such commit", commit);
	git_oid_cpy(oid, git_object_id(o));
	git_object_free(o);
	return 0;
}

enum fs_err_code fs_notes_record(fs_repo *r, const char *commit, const fs_deploy_record *rec, fs_err *e)
{
	git_repository *repo = fs_repo_git(r);
	git_oid oid, out;
	int rc = commit_oid(repo, commit, &oid, e);
	if (rc)
		return rc;
	fs_deploy_record tmp = *rec;
	char *user = rec->user ? NULL : deploy_user(repo);
	if (user)
		tmp.user = user;
	char *old = note_text(repo, &oid), *block = fs_deploy_record_text(&tmp);
	size_t ol = strlen(old);
	/* blocks are separated by one blank line */
	char *text = fs_xasprintf("%s%s%s", old, !ol ? "" : old[ol - 1] == '\n' ? "\n" : "\n\n", block);
	git_signature *sig = note_signature(repo);
	if (!sig || git_note_create(&out, repo, FS_NOTES_REF, sig, sig, &oid, text, 1) < 0)
		rc = git_fail(e, "recording the deploy in " FS_NOTES_REF);
	git_signature_free(sig);
	free(text);
	free(block);
	free(old);
	free(user);
	return rc;
}

enum fs_err_code fs_notes_of(fs_repo *r, const char *commit, fs_deploy_records *out, fs_err *e)
{
	git_repository *repo = fs_repo_git(r);
	git_oid oid;
	memset(out, 0, sizeof *out);
	int rc = commit_oid(repo, commit, &oid, e);
	if (rc)
		return rc;
	char id[41], *text = note_text(repo, &oid);
	git_oid_tostr(id, sizeof id, &oid);
	fs_deploy_records_parse(text, id, out);
	free(text);
	return 0;
}

typedef struct each_ctx {
	git_repository *repo;
	fs_deploy_records *out;
} each_ctx;

static int each_note(const git_oid *blob, const git_oid *annotated, void *payload)
{
	each_ctx *x = payload;
	git_blob *b = NULL;
	if (git_blob_lookup(&b, x->repo, blob) < 0)
		return 0;
	char id[41];
	char *text = fs_xstrndup(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_oid_tostr(id, sizeof id, annotated);
	fs_deploy_records_parse(text, id, x->out);
	free(text);
	git_blob_free(b);
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	const fs_deploy_record *x = a, *y = b;
	int c = strcmp(y->at ? y->at : "", x->at ? x->at : "");
	if (!c)
		c = strcmp(x->commit, y->commit);
	/* deploys of one commit within one second: the later block first */
	return c ? c : y->order > x->order ? 1 : y->order < x->order ? -1 : 0;
}

enum fs_err_code fs_notes_all(fs_repo *r, fs_deploy_records *out, fs_err *e)
{
	memset(out, 0, sizeof *out);
	each_ctx x = { fs_repo_git(r), out };
	int rc = git_note_foreach(x.repo, FS_NOTES_REF, each_note, &x);
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return git_fail(e, "reading " FS_NOTES_REF);
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, newest_first);
	return 0;
}

size_t fs_notes_servers_of(const fs_deploy_records *l, const char *commit, const char **out)
{
	size_t n = 0;
	for (size_t i = l->n; i-- > 0;) {
		const fs_deploy_record *x = &l->v[i];
		int seen = strcmp(x->commit, commit) != 0;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(out[k], x->server);
		if (!seen)
			out[n++] = x->server;
	}
	return n;
}

char *fs_notes_servers(const fs_deploy_records *l, const char *commit)
{
	const char **names = fs_xcalloc(l->n + 1, sizeof *names);
	size_t n = fs_notes_servers_of(l, commit, names);
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		fs_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	free(names);
	if (!n) {
		fs_buf_free(&b);
		return NULL;
	}
	return fs_buf_steal(&b);
}

/* ---- JSON ------------------------------------------------------------------- */

static cJSON *strs_json(char **v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

cJSON *fs_deploy_records_json(const fs_deploy_records *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++) {
		const fs_deploy_record *x = &l->v[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "commit", x->commit);
		fs_json_add_str(j, "server", x->server);
		fs_json_add_str(j, "url", x->url);
		fs_json_add_str(j, "at", x->at);
		fs_json_add_str(j, "user", x->user);
		cJSON_AddItemToObject(j, "databases", strs_json(x->dbs, x->ndbs));
		cJSON_AddItemToObject(j, "written", strs_json(x->written, x->nwritten));
		cJSON_AddItemToObject(j, "deleted", strs_json(x->deleted, x->ndeleted));
		cJSON_AddNumberToObject(j, "failed", (double)x->failed);
		cJSON_AddItemToArray(arr, j);
	}
	return arr;
}
