/* `fsstudio db ls|info|docs|get|put|rm|revs|query|changes`: what a server
 * holds, for scripts. Every subcommand takes --server (a profile or a URL)
 * and most take --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "couch/browse.h"
#include "couch/browse_acl.h"
#include "cli/cli.h"
#include "model/fullsync.h"
#include "base/json.h"
#include "couch/security.h"
#include "couch/servers.h"

#define DB_TIMEOUT_MS 30000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The options every subcommand shares come first in each table. */
#define COMMON_OPTS { "--server", "NAME|URL", 0, NULL }, { "--json", NULL, 0, NULL }

static int want_json(fs_cli_opt *o)
{
	return fs_cli_opt_get(o, "--json")->set;
}

static int fail(const fs_err *e)
{
	return fs_cli_error(e);
}

static int cmd_ls(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	cJSON *dbs = NULL, *it;
	if (fs_couch_all_dbs(c, &dbs, &e))
		return fail(&e);
	if (want_json(o))
		return fs_cli_json(dbs);
	cJSON_ArrayForEach(it, dbs)
		if (cJSON_IsString(it))
			printf("%s\n", it->valuestring);
	cJSON_Delete(dbs);
	return 0;
}

static void print_summary(const cJSON *s)
{
	cJSON *sizes = fs_json_obj(s, "sizes"), *rl = cJSON_GetObjectItemCaseSensitive(s, "revs_limit");
	char *seq = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(s, "update_seq"));
	cJSON *sec = cJSON_GetObjectItemCaseSensitive(s, "security");
	printf("name:          %s\n", fs_json_str(s, "db_name") ? fs_json_str(s, "db_name") : "?");
	printf("documents:     %lld\n", fs_json_int(s, "doc_count", 0));
	printf("deleted:       %lld\n", fs_json_int(s, "doc_del_count", 0));
	printf("file size:     %lld bytes\n", fs_json_int(sizes, "file", 0));
	printf("active size:   %lld bytes\n", fs_json_int(sizes, "active", 0));
	printf("update seq:    %s\n", seq ? seq : "?");
	if (cJSON_IsNumber(rl))
		printf("revs_limit:    %lld\n", fs_json_int(s, "revs_limit", 0));
	else
		printf("revs_limit:    (not available on this server)\n");
	if (cJSON_IsObject(sec)) {
		char *t = cJSON_PrintUnformatted(sec);
		printf("security:      %s\n", t);
		free(t);
	} else {
		printf("security:      (not readable)\n");
	}
	free(seq);
}

static int cmd_info(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	cJSON *s = NULL;
	if (fs_browse_db_summary(c, pos[0], &s, &e))
		return fail(&e);
	if (want_json(o))
		return fs_cli_json(s);
	print_summary(s);
	cJSON_Delete(s);
	return 0;
}

/* View as user: --cursor pages the server's _find; --after, --before,
 * --from, --last and --scan filter here (every document read); on request,
 * --create-index makes the json index on ~c8oAcl first. */
static int as_user_opts(fs_couch *c, const char *db, fs_cli_opt *o, fs_docs_query *q, fs_err *e)
{
	if ((q->cursor = fs_cli_opt_get(o, "--cursor")->value))
		q->dir = FS_PAGE_NEXT;
	else if (q->dir != FS_PAGE_FIRST || fs_cli_opt_get(o, "--scan")->set)
		q->scan = 1;
	if (!fs_cli_opt_get(o, "--create-index")->set)
		return 0;
	if (fs_acl_index_create(c, db, e))
		return e->code;
	fprintf(stderr, "fsstudio: index %s on ~c8oAcl ready in '%s'\n", FS_ACL_INDEX_NAME, db);
	return 0;
}

/* How the page was filtered, and where the next one starts (stderr). */
static void as_user_note(const fs_docs_page *p)
{
	if (p->no_find)
		fprintf(stderr, "fsstudio: this server has no _find: the documents were filtered here\n");
	else if (p->on_server)
		fprintf(stderr, "fsstudio: filtered by the server (_find), %s\n", p->index_used ?
			"the user's own documents by the index on ~c8oAcl" :
			"no index used (--create-index makes one on ~c8oAcl)");
	if (p->cursor)
		fprintf(stderr, "fsstudio: next page: --cursor '%s'\n", p->cursor);
}

static int cmd_docs(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	fs_docs_query q = { 0 };
	fs_docs_page p;
	fs_strv groups = { 0 };
	const char *v;
	q.limit = 50;
	if ((v = fs_cli_opt_get(o, "--limit")->value) && (q.limit = atol(v)) <= 0)
		return fs_cli_usage("db", "--limit takes a positive number");
	if ((v = fs_cli_opt_get(o, "--after")->value))
		q.dir = FS_PAGE_NEXT, q.from = v;
	else if ((v = fs_cli_opt_get(o, "--before")->value))
		q.dir = FS_PAGE_PREV, q.from = v;
	else if ((v = fs_cli_opt_get(o, "--from")->value))
		q.dir = FS_PAGE_FROM, q.from = v;
	else if (fs_cli_opt_get(o, "--last")->set)
		q.dir = FS_PAGE_LAST;
	q.kind = fs_cli_opt_get(o, "--design")->set ? FS_DOCS_DESIGN :
		 fs_cli_opt_get(o, "--all")->set ? FS_DOCS_ALL : FS_DOCS_PLAIN;
	q.conflicts_only = fs_cli_opt_get(o, "--conflicts")->set;
	if ((q.as_user = fs_cli_opt_get(o, "--as-user")->value)) {
		const char *gdb = fs_cli_opt_get(o, "--groups-db")->value;
		if (gdb && fs_fullsync_user_groups(c, gdb, q.as_user, &groups, &e))
			return fail(&e);
		q.as_groups = &groups;
		if (as_user_opts(c, pos[0], o, &q, &e)) {
			fs_strv_free(&groups);
			return fail(&e);
		}
	}
	int rc = fs_browse_docs(c, pos[0], &q, &p, &e);
	fs_strv_free(&groups);
	if (rc)
		return fail(&e);
	if (want_json(o)) {
		cJSON *j = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(j, "rows");
		for (size_t i = 0; i < p.n; i++) {
			cJSON *r = cJSON_CreateObject();
			cJSON_AddStringToObject(r, "id", p.v[i].id);
			cJSON_AddStringToObject(r, "rev", p.v[i].rev);
			if (q.conflicts_only || q.as_user)
				cJSON_AddNumberToObject(r, "conflicts", p.v[i].nconflicts);
			cJSON_AddItemToArray(rows, r);
		}
		cJSON_AddBoolToObject(j, "has_prev", p.has_prev);
		cJSON_AddBoolToObject(j, "has_next", p.has_next);
		if (p.truncated)
			cJSON_AddBoolToObject(j, "truncated", 1);
		if (q.as_user) {
			cJSON_AddStringToObject(j, "filtered", p.on_server ? "server" : "here");
			cJSON_AddBoolToObject(j, "index_used", p.index_used);
			if (p.cursor)
				cJSON_AddStringToObject(j, "cursor", p.cursor);
		}
		fs_docs_page_free(&p);
		return fs_cli_json(j);
	}
	for (size_t i = 0; i < p.n; i++)
		printf("%s\t%s%s\n", p.v[i].id, p.v[i].rev, p.v[i].nconflicts ? "\tconflicts" : "");
	if (p.truncated)
		fprintf(stderr, "fsstudio: stopped after reading %ld documents; page further with --after\n", p.scanned);
	if (q.as_user)
		as_user_note(&p);
	fs_docs_page_free(&p);
	return 0;
}

/* --attachment NAME -o FILE: its bytes to FILE ("-": standard output). */
static int get_attachment(fs_couch *c, fs_cli_opt *o, char **pos, const char *name)
{
	fs_err e = { 0 };
	const char *out = fs_cli_opt_get(o, "-o")->value, *rev = fs_cli_opt_get(o, "--rev")->value;
	size_t len = 0;
	if (!out)
		return fs_cli_usage("db", "--attachment needs -o FILE (- for standard output)");
	if (strcmp(out, "-")) {
		if (fs_browse_attachment_save(c, pos[0], pos[1], rev, name, out, &len, &e))
			return fail(&e);
		fprintf(stderr, "%s: %zu bytes\n", out, len);
		return 0;
	}
	fs_buf data = FS_BUF_INIT;
	if (fs_browse_attachment(c, pos[0], pos[1], rev, name, &data, &e)) {
		fs_buf_free(&data);
		return fail(&e);
	}
	int bad = fwrite(data.data ? data.data : "", 1, data.len, stdout) != data.len || fflush(stdout);
	fs_buf_free(&data);
	return bad ? fs_cli_errorf("standard output: write failed") : 0;
}

static int cmd_get(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	const char *att = fs_cli_opt_get(o, "--attachment")->value;
	if (att)
		return get_attachment(c, o, pos, att);
	if (fs_cli_opt_get(o, "-o")->set)
		return fs_cli_usage("db", "-o is for --attachment; a document goes to standard output");
	fs_couch_get_opts g = { .rev = fs_cli_opt_get(o, "--rev")->value,
				.conflicts = fs_cli_opt_get(o, "--conflicts")->set };
	cJSON *doc = NULL;
	if (fs_couch_doc_get(c, pos[0], pos[1], &g, &doc, &e))
		return fail(&e);
	return fs_cli_json(doc);
}

static int read_doc(const char *src, cJSON **out)
{
	fs_err e = { 0 };
	fs_buf b = FS_BUF_INIT;
	char buf[65536];
	size_t n;
	FILE *f = !src || !strcmp(src, "-") ? stdin : fopen(src, "r");
	if (!f)
		return fs_cli_errorf("%s: cannot open", src);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fs_buf_add(&b, buf, n);
	if (f != stdin)
		fclose(f);
	*out = fs_json_parse(b.data ? b.data : "", b.len, src && strcmp(src, "-") ? src : "stdin", &e);
	fs_buf_free(&b);
	return *out ? 0 : fail(&e);
}

/* "a,b,c" split into v (pointing into a copy held by *hold). */
static size_t split_list(const char *s, char **hold, const char **v, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	*hold = fs_xstrdup(s);
	for (char *t = strtok_r(*hold, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		v[n++] = t;
	return n;
}

static int cmd_put(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	fs_post_opts po = { 0 };
	fs_merge_rules rules = { 0 };
	const char *groups[64], *v;
	char *hold = NULL, *id = NULL, *rev = NULL;
	cJSON *doc = NULL, *rj = NULL;
	int rc;
	po.policy = FS_POLICY_NONE;
	if ((v = fs_cli_opt_get(o, "--policy")->value) && (int)(po.policy = fs_policy_by_name(v)) < 0)
		return fs_cli_usage("db", "--policy is none, create, override or merge, not '%s'", v);
	if ((rc = read_doc(npos > 1 ? pos[1] : NULL, &doc)))
		return rc;
	if ((v = fs_cli_opt_get(o, "--id")->value)) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "_id");
		cJSON_AddStringToObject(doc, "_id", v);
	}
	if ((v = fs_cli_opt_get(o, "--merge-rules")->value)) {
		const char *sep = fs_cli_opt_get(o, "--separator")->value;
		if (!(rj = fs_json_parse(v, strlen(v), "--merge-rules", &e)) ||
		    fs_merge_rules_parse(rj, sep ? sep[0] : 0, &rules, &e)) {
			cJSON_Delete(rj);
			cJSON_Delete(doc);
			return fail(&e);
		}
		po.rules = &rules;
	}
	po.owner = fs_cli_opt_get(o, "--owner")->value;
	po.acl = po.owner || fs_cli_opt_get(o, "--anonymous")->set;
	if ((v = fs_cli_opt_get(o, "--group")->value)) {
		po.ngroups = split_list(v, &hold, groups, 64);
		po.groups = groups;
		po.acl = 1;
	}
	rc = fs_fullsync_post(c, pos[0], doc, &po, &id, &rev, &e);
	cJSON_Delete(doc);
	cJSON_Delete(rj);
	fs_merge_rules_free(&rules);
	free(hold);
	if (rc)
		return fail(&e);
	if (want_json(o)) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", id ? id : "");
		cJSON_AddStringToObject(j, "rev", rev ? rev : "");
		free(id);
		free(rev);
		return fs_cli_json(j);
	}
	printf("%s\t%s\n", id ? id : "", rev ? rev : "");
	free(id);
	free(rev);
	return 0;
}

static int cmd_rm(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	const char *rev = fs_cli_opt_get(o, "--rev")->value;
	cJSON *doc = NULL;
	char *new_rev = NULL;
	if (!rev) {
		if (fs_couch_doc_get(c, pos[0], pos[1], NULL, &doc, &e))
			return fail(&e);
		rev = fs_json_str(doc, "_rev");
	}
	int rc = fs_couch_doc_delete(c, pos[0], pos[1], rev, &new_rev, &e);
	cJSON_Delete(doc);
	if (rc)
		return fail(&e);
	if (!want_json(o))
		printf("deleted %s (%s)\n", pos[1], new_rev ? new_rev : "");
	free(new_rev);
	return 0;
}

static void print_tree(const fs_revtree *t)
{
	printf("winner: %s\n", t->winner ? t->winner : "(none: deleted)");
	for (size_t i = 0; i < t->n; i++) {
		const fs_rev_node *nd = &t->v[i];
		printf("%s\t%s%s%s%s\n", nd->rev,
		       nd->status == FS_REV_MISSING ? "compacted away" : fs_rev_status_name(nd->status),
		       nd->leaf ? "\tleaf" : "", nd->winner ? "\twinner" : "", nd->conflict ? "\tconflict" : "");
	}
}

static int revs_diff(fs_couch *c, fs_cli_opt *o, char **pos)
{
	fs_err e = { 0 };
	fs_hunks h = { 0 };
	if (fs_browse_rev_diff(c, pos[0], pos[1], pos[2], pos[3], &h, &e))
		return fail(&e);
	if (want_json(o)) {
		cJSON *j = fs_hunks_json(&h);
		fs_hunks_free(&h);
		return fs_cli_json(j);
	}
	fs_buf b = FS_BUF_INIT;
	fs_hunks_format(&h, pos[2], pos[3], &b);
	fputs(fs_buf_str(&b), stdout);
	fs_buf_free(&b);
	fs_hunks_free(&h);
	return 0;
}

static int revs_resolve(fs_couch *c, fs_cli_opt *o, char **pos, const char *winner)
{
	fs_err e = { 0 };
	cJSON *merged = NULL;
	char *rev = NULL;
	const char *mf = fs_cli_opt_get(o, "--merged")->value;
	int rc;
	if (mf && (rc = read_doc(mf, &merged)))
		return rc;
	rc = fs_browse_resolve(c, pos[0], pos[1], winner, merged, &rev, &e);
	cJSON_Delete(merged);
	if (rc)
		return fail(&e);
	printf("resolved %s: %s\n", pos[1], rev);
	free(rev);
	return 0;
}

static int cmd_revs(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	fs_revtree t;
	const char *winner = fs_cli_opt_get(o, "--resolve")->value;
	if (npos == 3)
		return fs_cli_usage("db", "a diff needs two revisions");
	if (npos == 4)
		return revs_diff(c, o, pos);
	if (winner)
		return revs_resolve(c, o, pos, winner);
	if (fs_browse_revs(c, pos[0], pos[1], &t, &e))
		return fail(&e);
	if (want_json(o)) {
		cJSON *j = fs_revtree_json(&t);
		fs_revtree_free(&t);
		return fs_cli_json(j);
	}
	print_tree(&t);
	fs_revtree_free(&t);
	return 0;
}

static int cmd_query(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	fs_view_args a;
	fs_view_page p;
	const char *view = strcmp(pos[1], "_all_docs") ? pos[1] : NULL, *v;
	long size = 0;
	fs_view_args_init(&a);
	for (int i = 2; i < npos; i++) {
		char *eq = strchr(pos[i], '=');
		if (!eq) {
			fs_view_args_free(&a);
			return fs_cli_usage("db", "view options are NAME=VALUE, not '%s'", pos[i]);
		}
		*eq = 0;
		if (fs_view_args_set(&a, pos[i], eq + 1, &e)) {
			fs_view_args_free(&a);
			return fail(&e);
		}
	}
	if ((v = fs_cli_opt_get(o, "--page")->value))
		size = atol(v);
	/* the next page: after the edge row printed by the previous one */
	cJSON *edge = NULL;
	if ((v = fs_cli_opt_get(o, "--after")->value) &&
	    !(edge = fs_json_parse(v, strlen(v), "--after", &e))) {
		fs_view_args_free(&a);
		return fail(&e);
	}
	int rc = fs_browse_view(c, pos[0], view, &a, size, edge ? FS_PAGE_NEXT : FS_PAGE_FIRST, edge, &p, &e);
	fs_view_args_free(&a);
	cJSON_Delete(edge);
	if (rc)
		return fail(&e);
	cJSON *last = cJSON_GetArrayItem(p.rows, cJSON_GetArraySize(p.rows) - 1);
	cJSON *next = NULL;
	if (p.has_next && last) {
		next = cJSON_CreateObject();
		cJSON_AddItemToObject(next, "key", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(last, "key"), 1));
		if (fs_json_str(last, "id"))
			cJSON_AddStringToObject(next, "id", fs_json_str(last, "id"));
	}
	if (want_json(o)) {
		cJSON *j = cJSON_CreateObject();
		if (p.total_rows)
			cJSON_AddItemToObject(j, "total_rows", cJSON_Duplicate(p.total_rows, 1));
		cJSON_AddItemToObject(j, "rows", p.rows);
		cJSON_AddBoolToObject(j, "has_next", p.has_next);
		if (next)
			cJSON_AddItemToObject(j, "next", next);
		p.rows = NULL;
		fs_view_page_free(&p);
		return fs_cli_json(j);
	}
	cJSON *row;
	cJSON_ArrayForEach(row, p.rows) {
		char *k = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "key"));
		char *val = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "value"));
		const char *id = fs_json_str(row, "id");
		printf("%s%s%s\t%s\n", id ? id : "", id ? "\t" : "", k ? k : "null", val ? val : "null");
		free(k);
		free(val);
	}
	if (next) {
		/* where the next page starts, ready for --after */
		char *t = cJSON_PrintUnformatted(next);
		fprintf(stderr, "fsstudio: more rows: --after '%s'\n", t);
		free(t);
		cJSON_Delete(next);
	}
	fs_view_page_free(&p);
	return 0;
}

static void print_changes(const cJSON *res, int json)
{
	cJSON *it;
	cJSON_ArrayForEach(it, fs_json_arr(res, "results")) {
		if (json) {
			char *t = cJSON_PrintUnformatted(it);
			printf("%s\n", t);
			free(t);
			continue;
		}
		char *seq = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(it, "seq"));
		cJSON *ch = cJSON_GetArrayItem(fs_json_arr(it, "changes"), 0);
		printf("%s\t%s\t%s%s\n", seq, fs_json_str(it, "id") ? fs_json_str(it, "id") : "",
		       fs_json_str(ch, "rev") ? fs_json_str(ch, "rev") : "",
		       fs_json_bool(it, "deleted", 0) ? "\tdeleted" : "");
		free(seq);
	}
	fflush(stdout);
}

static int cmd_changes(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	fs_changes_query q = { 0 };
	cJSON *since = NULL, *ids = NULL, *res = NULL;
	const char *v;
	int json = want_json(o), rc = 0;
	long timeout = 10000;
	if ((v = fs_cli_opt_get(o, "--since")->value))
		since = !strcmp(v, "now") ? (q.since_now = 1, NULL) : fs_json_parse(v, strlen(v), "--since", NULL);
	if (v && !since && !q.since_now)
		since = cJSON_CreateString(v);   /* CouchDB sequences are strings */
	q.since = since;
	if ((v = fs_cli_opt_get(o, "--limit")->value))
		q.limit = atol(v);
	if ((v = fs_cli_opt_get(o, "--latest")->value)) {
		q.limit = atol(v);
		q.descending = 1;
	}
	q.view = fs_cli_opt_get(o, "--view")->value;
	if ((v = fs_cli_opt_get(o, "--doc-id")->value)) {
		const char *vv[256];
		char *hold;
		size_t n = split_list(v, &hold, vv, 256);
		ids = cJSON_CreateStringArray(vv, (int)n);
		free(hold);
		q.doc_ids = ids;
	}
	if ((v = fs_cli_opt_get(o, "--timeout")->value))
		timeout = atol(v);
	if (!fs_cli_opt_get(o, "--follow")->set) {
		rc = fs_browse_changes(c, pos[0], &q, &res, &e);
		if (!rc)
			print_changes(res, json);
	} else {
		/* follow until our own deadline: each longpoll waits what is left */
		long long end = now_ms() + timeout;
		cJSON *last = since ? cJSON_Duplicate(since, 1) : NULL;
		if (!last && !q.since_now) {
			rc = fs_browse_changes(c, pos[0], &q, &res, &e);
			if (!rc) {
				print_changes(res, json);
				last = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(res, "last_seq"), 1);
			}
		}
		while (!rc && now_ms() < end) {
			cJSON_Delete(res);
			res = NULL;
			q.since = last;
			q.since_now = last ? 0 : q.since_now;
			rc = fs_browse_changes_wait(c, pos[0], &q, (long)(end - now_ms()), &res, &e);
			if (rc)
				break;
			print_changes(res, json);
			cJSON *ls = cJSON_GetObjectItemCaseSensitive(res, "last_seq");
			if (ls) {
				cJSON_Delete(last);
				last = cJSON_Duplicate(ls, 1);
			}
		}
		cJSON_Delete(last);
	}
	cJSON_Delete(res);
	cJSON_Delete(since);
	cJSON_Delete(ids);
	return rc ? fail(&e) : 0;
}

/* ---- security ---- */

/* The --add-/--rm- flags: each takes NAME[,NAME...]. */
static const struct sec_flag {
	const char *opt, *who, *kind;
	int add;
} sec_flags[] = {
	{ "--add-admin-name", "admins", "names", 1 }, { "--rm-admin-name", "admins", "names", 0 },
	{ "--add-admin-role", "admins", "roles", 1 }, { "--rm-admin-role", "admins", "roles", 0 },
	{ "--add-member-name", "members", "names", 1 }, { "--rm-member-name", "members", "names", 0 },
	{ "--add-member-role", "members", "roles", 1 }, { "--rm-member-role", "members", "roles", 0 },
	{ NULL, NULL, NULL, 0 },
};

/* The object asked for: the --set file, or the current one with the flags
 * applied. NULL (after printing why) on a bad file or value. */
static cJSON *wanted_security(fs_cli_opt *o, const cJSON *cur, int *changes)
{
	fs_err e = { 0 };
	cJSON *want = NULL, *raw = NULL;
	const char *file = fs_cli_opt_get(o, "--set")->value;
	*changes = file != NULL;
	if (file && read_doc(file, &raw))
		return NULL;
	if (file && fs_security_normalize(raw, file, &want, &e)) {
		cJSON_Delete(raw);
		fail(&e);
		return NULL;
	}
	cJSON_Delete(raw);
	if (!want)
		want = cJSON_Duplicate(cur, 1);
	for (const struct sec_flag *f = sec_flags; f->opt; f++) {
		const char *v = fs_cli_opt_get(o, f->opt)->value, *vv[64];
		char *hold = NULL;
		if (!v)
			continue;
		*changes = 1;
		size_t n = split_list(v, &hold, vv, 64);
		int rc = n ? 0 : fs_security_change(want, f->who, f->kind, "", f->add, &e);
		for (size_t i = 0; i < n && !rc; i++)
			rc = fs_security_change(want, f->who, f->kind, vv[i], f->add, &e);
		free(hold);
		if (rc) {
			cJSON_Delete(want);
			fail(&e);
			return NULL;
		}
	}
	return want;
}

static int confirm_security(const char *db)
{
	if (!isatty(0) || !isatty(2))
		return 0;
	fprintf(stderr, "Change the permissions of database '%s'? [y/N] ", db);
	char line[64];
	return fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y');
}

/* Shows the diff, asks (or takes --yes), refuses a public result without
 * --public, writes. */
static int change_security(fs_couch *c, fs_cli_opt *o, const char *db, const cJSON *cur,
			   const cJSON *want)
{
	fs_err e = { 0 };
	fs_buf d = FS_BUF_INIT;
	fs_security_diff(cur, want, &d);
	if (!d.len) {
		printf("no change: the permissions of '%s' are already so\n", db);
		return 0;
	}
	fputs(fs_buf_str(&d), stdout);
	fs_buf_free(&d);
	fflush(stdout);
	int pub = fs_security_is_public(want), allow = fs_cli_opt_get(o, "--public")->set;
	if (pub && !allow)
		return fs_cli_errorf("refused: this change leaves database '%s' without members, so "
				     "anyone who reaches the server could read it; add --public to make it "
				     "public on purpose", db), FS_EXIT_REFUSED;
	if (!fs_cli_opt_get(o, "--yes")->set && !confirm_security(db)) {
		printf("nothing written (use --yes to write)\n");
		return 0;
	}
	if (fs_security_put(c, db, cur, want, allow, &e))
		return fail(&e);
	printf("permissions of '%s' changed%s\n", db, pub ? " (the database is public)" : "");
	return 0;
}

static int cmd_security(fs_couch *c, fs_cli_opt *o, char **pos, int npos)
{
	fs_err e = { 0 };
	cJSON *cur = NULL;
	int changes = 0, rc;
	if (fs_security_get(c, pos[0], &cur, &e))
		return fail(&e);
	cJSON *want = wanted_security(o, cur, &changes);
	if (!want) {
		rc = FS_EXIT_ERROR;
	} else if (changes) {
		rc = change_security(c, o, pos[0], cur, want);
	} else if (want_json(o)) {
		rc = fs_cli_json(want);
		want = NULL;
	} else {
		fs_buf b = FS_BUF_INIT;
		fs_security_format(cur, &b);
		fputs(fs_buf_str(&b), stdout);
		fs_buf_free(&b);
		rc = 0;
	}
	cJSON_Delete(want);
	cJSON_Delete(cur);
	return rc;
}

typedef int (*sub_fn)(fs_couch *c, fs_cli_opt *o, char **pos, int npos);

struct sub {
	const char *name;
	sub_fn fn;
	int minpos, maxpos;
};

static const struct sub subs[] = {
	{ "ls",      cmd_ls,      0, 0 },
	{ "info",    cmd_info,    1, 1 },
	{ "docs",    cmd_docs,    1, 1 },
	{ "get",     cmd_get,     2, 2 },
	{ "put",     cmd_put,     1, 2 },
	{ "rm",      cmd_rm,      2, 2 },
	{ "revs",    cmd_revs,    2, 4 },
	{ "query",   cmd_query,   2, 64 },
	{ "changes", cmd_changes, 1, 1 },
	{ "security", cmd_security, 1, 1 },
	{ NULL, NULL, 0, 0 },
};

int fs_cmd_db(int argc, char **argv)
{
	fs_cli_opt opts[] = {
		COMMON_OPTS,
		{ "--limit", "N", 0, NULL }, { "--after", "ID", 0, NULL }, { "--before", "ID", 0, NULL },
		{ "--from", "PREFIX", 0, NULL }, { "--last", NULL, 0, NULL }, { "--design", NULL, 0, NULL },
		{ "--all", NULL, 0, NULL }, { "--conflicts", NULL, 0, NULL }, { "--as-user", "USER", 0, NULL },
		{ "--groups-db", "DB", 0, NULL }, { "--cursor", "C", 0, NULL },
		{ "--scan", NULL, 0, NULL }, { "--create-index", NULL, 0, NULL }, { "--rev", "REV", 0, NULL }, { "--id", "ID", 0, NULL },
		{ "--policy", "POLICY", 0, NULL }, { "--owner", "USER", 0, NULL },
		{ "--anonymous", NULL, 0, NULL }, { "--group", "G[,G]", 0, NULL },
		{ "--merge-rules", "JSON", 0, NULL }, { "--separator", "C", 0, NULL },
		{ "--resolve", "REV", 0, NULL }, { "--merged", "FILE", 0, NULL }, { "--page", "N", 0, NULL },
		{ "--since", "SEQ", 0, NULL }, { "--latest", "N", 0, NULL }, { "--follow", NULL, 0, NULL },
		{ "--timeout", "MS", 0, NULL }, { "--view", "DDOC/VIEW", 0, NULL },
		{ "--doc-id", "ID[,ID]", 0, NULL }, { "--attachment", "NAME", 0, NULL },
		{ "-o", "FILE", 0, NULL },
		{ "--set", "FILE", 0, NULL }, { "--public", NULL, 0, NULL }, { "--yes", NULL, 0, NULL },
		{ "--add-admin-name", "N[,N]", 0, NULL }, { "--rm-admin-name", "N[,N]", 0, NULL },
		{ "--add-admin-role", "R[,R]", 0, NULL }, { "--rm-admin-role", "R[,R]", 0, NULL },
		{ "--add-member-name", "N[,N]", 0, NULL }, { "--rm-member-name", "N[,N]", 0, NULL },
		{ "--add-member-role", "R[,R]", 0, NULL }, { "--rm-member-role", "R[,R]", 0, NULL },
		{ NULL, NULL, 0, NULL },
	};
	char *pos[64];
	const struct sub *s;
	fs_err e = { 0 };
	if (argc < 2)
		return fs_cli_usage("db", "missing subcommand");
	for (s = subs; s->name && strcmp(s->name, argv[1]); s++)
		;
	if (!s->name)
		return fs_cli_usage("db", "unknown subcommand '%s'", argv[1]);
	/* argv[1] stands in for the command name so usage errors name `db` */
	char *name = argv[1];
	argv[1] = argv[0];
	int npos = fs_cli_parse(argc - 1, argv + 1, opts, pos, s->minpos, s->maxpos);
	argv[1] = name;
	if (npos < 0)
		return FS_EXIT_USAGE;
	fs_couch *c = fs_server_open(fs_cli_opt_get(opts, "--server")->value, &e);
	if (!c)
		return fail(&e);
	int rc = s->fn(c, opts, pos, npos);
	fs_couch_free(c);
	return rc;
}
