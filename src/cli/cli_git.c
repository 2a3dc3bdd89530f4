/* The git commands: init, status, commit, log, diff, restore. Each one opens
 * the repository holding the project, asks gitstore for data, and prints it
 * as text or, with --json, as the same data in JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/buf.h"
#include "cli/cli.h"
#include "git/gitstore.h"
#include "git/notes.h"

static int open_repo(const char *dir, fs_repo **r)
{
	fs_err e = { 0 };
	if (fs_repo_open(r, dir, &e))
		return fs_cli_error(&e);
	return FS_EXIT_OK;
}

static int fail(fs_repo *r, const fs_err *e)
{
	fs_repo_free(r);
	return e->code == FS_E_CONFLICT ? (fs_cli_error(e), FS_EXIT_REFUSED) : fs_cli_error(e);
}

static const char *clean_obj(const char *p)
{
	return p ? p + strspn(p, "/") : NULL;
}

static void print_notes(char **notes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("note: %s\n", notes[i]);
}

static void print_change(const fs_change *c)
{
	if (!c->path) {
		printf("  %c %-11s %s\n", fs_change_char(c->change), "file", c->file);
	} else if (c->change == FS_CH_RENAMED) {
		printf("  %c %-11s %s -> %s\n", fs_change_char(c->change), fs_kind_name(c->kind),
		       *c->old_path ? c->old_path : "/", c->path);
	} else {
		printf("  %c %-11s %s\n", fs_change_char(c->change), fs_kind_name(c->kind),
		       *c->path ? c->path : "/");
	}
}

static void print_hunks(const fs_change *c)
{
	if (!c->hunks.n)
		return;
	fs_buf b = FS_BUF_INIT;
	char *a = c->old_text ? fs_xasprintf("a/%s", c->old_path ? c->old_path : c->path)
			      : fs_xstrdup("/dev/null");
	char *n = c->new_text ? fs_xasprintf("b/%s", c->path) : fs_xstrdup("/dev/null");
	fs_hunks_format(&c->hunks, a, n, &b);
	fputs(fs_buf_str(&b), stdout);
	fs_buf_free(&b);
	free(a);
	free(n);
}

/* ---- init, status ------------------------------------------------------------ */

int fs_cmd_init(int argc, char **argv)
{
	char *pos[1];
	if (fs_cli_parse(argc, argv, NULL, pos, 1, 1) < 0)
		return FS_EXIT_USAGE;
	fs_err e = { 0 };
	if (fs_repo_init(pos[0], &e))
		return fs_cli_error(&e);
	printf("Initialized a git repository in %s\n", pos[0]);
	return FS_EXIT_OK;
}

int fs_cmd_status(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[1] = { "." };
	fs_repo *r;
	if (fs_cli_parse(argc, argv, opts, pos, 0, 1) < 0)
		return FS_EXIT_USAGE;
	if (open_repo(pos[0], &r))
		return FS_EXIT_ERROR;
	fs_changes ch;
	fs_err e = { 0 };
	if (fs_git_status(r, &ch, &e))
		return fail(r, &e);
	int rc = FS_EXIT_OK;
	if (opts[0].set) {
		cJSON *j = fs_changes_json(&ch);
		char *head = fs_repo_head_name(r);
		cJSON_AddStringToObject(j, "head", head);
		free(head);
		rc = fs_cli_json(j);
	} else {
		char *head = fs_repo_head_name(r);
		printf("On %s\n", head);
		free(head);
		print_notes(ch.notes, ch.nnotes);
		for (size_t i = 0; i < ch.n; i++)
			print_change(&ch.v[i]);
		if (!ch.n)
			printf("nothing to commit\n");
	}
	fs_changes_free(&ch);
	fs_repo_free(r);
	return rc;
}

/* ---- commit -------------------------------------------------------------------- */

int fs_cmd_commit(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "-m", "MSG", 0, NULL }, { "--message", "MSG", 0, NULL },
			      { NULL, NULL, 0, NULL } };
	char **pos = fs_xcalloc(argc + 1, sizeof *pos);
	fs_repo *r = NULL;
	int n = fs_cli_parse(argc, argv, opts, pos, 1, argc), rc = FS_EXIT_USAGE;
	const char *msg = opts[0].set ? opts[0].value : opts[1].value;
	if (n >= 0 && !msg)
		fs_cli_usage(argv[0], "a commit needs a message (-m MSG)");
	else if (n >= 0 && open_repo(pos[0], &r))
		rc = FS_EXIT_ERROR;
	else if (n >= 0) {
		const char **objs = fs_xcalloc(n, sizeof *objs);
		for (int i = 1; i < n; i++)
			objs[i - 1] = clean_obj(pos[i]);
		char id[41];
		fs_err e = { 0 };
		fs_lock *lk = NULL;
		/* shared: no fsstudio writer is half way through a save meanwhile */
		int failed = fs_cli_lock(pos[0], FS_LOCK_SHARED, &lk) ||
			     (fs_git_commit(r, msg, objs, n - 1, id, &e) ? (fs_cli_error(&e), 1) : 0);
		fs_lock_drop(lk);
		if (failed) {
			rc = FS_EXIT_ERROR;
			if (e.code == FS_E_CONFLICT)
				rc = FS_EXIT_REFUSED;
		} else {
			char *after = fs_repo_head_name(r);
			size_t ml = strcspn(msg, "\n");
			printf("[%s %.7s] %.*s\n", after, id, (int)ml, msg);
			free(after);
			rc = FS_EXIT_OK;
		}
		free(objs);
	}
	fs_repo_free(r);
	free(pos);
	return rc;
}

/* ---- log ------------------------------------------------------------------------ */

static void print_date(long long t, int tz)
{
	time_t local = (time_t)(t + tz * 60LL);
	struct tm tm;
	char buf[64];
	gmtime_r(&local, &tm);
	strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
	int a = tz < 0 ? -tz : tz;
	printf("Date:   %s %c%02d%02d\n", buf, tz < 0 ? '-' : '+', a / 60, a % 60);
}

static void print_entry(const fs_hist_entry *h, int patch, const fs_deploy_records *deploys)
{
	char *to = fs_notes_servers(deploys, h->id);
	printf("commit %s%s%s%s\nAuthor: %s <%s>\n", h->id, to ? " (deployed to " : "", to ? to : "",
	       to ? ")" : "", h->author, h->email);
	free(to);
	print_date(h->time, h->tz);
	printf("\n    %s\n\n", h->summary);
	if (h->error)
		printf("  ! %s\n", h->error);
	else if (h->ch.change != FS_CH_NONE)
		print_change(&h->ch);
	for (size_t i = 0; i < h->changes.n; i++)
		print_change(&h->changes.v[i]);
	if (patch)
		print_hunks(&h->ch);
	putchar('\n');
}

/* "deployed_to" of each JSON entry, from the deploy notes. */
static void json_deploys(cJSON *j, const fs_deploy_records *deploys)
{
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "entries")) {
		cJSON *to = cJSON_AddArrayToObject(e, "deployed_to");
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "id"));
		const char **names = fs_xcalloc(deploys->n + 1, sizeof *names);
		size_t n = id ? fs_notes_servers_of(deploys, id, names) : 0;
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(to, cJSON_CreateString(names[i]));
		free(names);
	}
}

/* The deploys recorded in git, newest first, for one server or all. */
static int print_deploys(fs_deploy_records *l, const char *server, int json)
{
	fs_deploy_records keep = { 0 };
	for (size_t i = 0; i < l->n; i++) {
		fs_deploy_record *x = &l->v[i];
		if (server && strcmp(x->server, server) && (!x->url || strcmp(x->url, server)))
			continue;
		keep.v = fs_xrealloc(keep.v, (keep.n + 1) * sizeof *keep.v);
		keep.v[keep.n++] = *x;
	}
	int rc = FS_EXIT_OK;
	if (json)
		rc = fs_cli_json(fs_deploy_records_json(&keep));
	for (size_t i = 0; !json && i < keep.n; i++) {
		fs_deploy_record *x = &keep.v[i];
		printf("deploy to %s (%s)\nCommit: %s\nDate:   %s\nBy:     %s\n", x->server,
		       x->url ? x->url : "?", x->commit, x->at ? x->at : "?", x->user ? x->user : "?");
		for (size_t k = 0; k < x->nwritten; k++)
			printf("  written %s\n", x->written[k]);
		for (size_t k = 0; k < x->ndeleted; k++)
			printf("  deleted %s\n", x->deleted[k]);
		if (x->failed)
			printf("  %ld failed\n", x->failed);
		putchar('\n');
	}
	if (!json && !keep.n)
		printf("no deploy recorded%s%s in %s\n", server ? " for " : "", server ? server : "", FS_NOTES_REF);
	free(keep.v); /* the records belong to l */
	return rc;
}

int fs_cmd_log(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { "-n", "N", 0, NULL },
			      { "-p", NULL, 0, NULL }, { "--rev", "REV", 0, NULL },
			      { "--deploys", NULL, 0, NULL }, { "--server", "NAME|URL", 0, NULL },
			      { NULL, NULL, 0, NULL } };
	char *pos[2] = { ".", NULL };
	if (fs_cli_parse(argc, argv, opts, pos, 1, 2) < 0)
		return FS_EXIT_USAGE;
	if (opts[5].set && !opts[4].set)
		return fs_cli_usage(argv[0], "--server goes with --deploys");
	char *end = NULL;
	long max = opts[1].set ? strtol(opts[1].value, &end, 10) : 0;
	if (opts[1].set && (*end || max < 0))
		return fs_cli_usage(argv[0], "-n needs a number, not '%s'", opts[1].value);
	fs_repo *r;
	if (open_repo(pos[0], &r))
		return FS_EXIT_ERROR;
	fs_history h;
	fs_deploy_records deploys;
	fs_err e = { 0 };
	if (fs_notes_all(r, &deploys, &e))
		return fail(r, &e);
	if (opts[4].set) {
		int rc = print_deploys(&deploys, opts[5].value, opts[0].set);
		fs_deploy_records_free(&deploys);
		fs_repo_free(r);
		return rc;
	}
	if (fs_git_log(r, opts[3].value, clean_obj(pos[1]), (size_t)max, &h, &e)) {
		fs_deploy_records_free(&deploys);
		return fail(r, &e);
	}
	int rc = FS_EXIT_OK;
	if (opts[0].set) {
		cJSON *j = fs_history_json(&h);
		json_deploys(j, &deploys);
		rc = fs_cli_json(j);
	} else {
		print_notes(h.notes, h.nnotes);
		for (size_t i = 0; i < h.n; i++)
			print_entry(&h.v[i], opts[2].set, &deploys);
		if (!h.n && pos[1])
			printf("no commit changed %s\n", pos[1]);
	}
	fs_deploy_records_free(&deploys);
	fs_history_free(&h);
	fs_repo_free(r);
	return rc;
}

/* ---- diff ---------------------------------------------------------------------- */

/* DIR [REV [REV2]] [OBJECT]: arguments that name a revision are revisions,
 * the first one that does not is the object. */
static int diff_args(fs_repo *r, char **pos, int n, const char **rev1, const char **rev2,
		     const char **obj)
{
	*rev1 = *rev2 = *obj = NULL;
	for (int i = 1; i < n; i++) {
		if (!*obj && !*rev2 && fs_repo_has_rev(r, pos[i])) {
			if (!*rev1)
				*rev1 = pos[i];
			else
				*rev2 = pos[i];
		} else if (!*obj && i == n - 1) {
			*obj = clean_obj(pos[i]);
		} else {
			return fs_cli_usage("diff", "%s: no such revision", pos[i]);
		}
	}
	return 0;
}

/* `diff` speaks of git revisions; with --server it compares the project with
 * a server instead (the deploy issue's `fsstudio diff`), one verb for both. */
static int wants_server(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--server") || !strncmp(argv[i], "--server=", 9))
			return 1;
	}
	return 0;
}

int fs_cmd_diff(int argc, char **argv)
{
	if (wants_server(argc, argv))
		return fs_cmd_srvdiff(argc, argv);
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[4] = { "." };
	int n = fs_cli_parse(argc, argv, opts, pos, 1, 4);
	if (n < 0)
		return FS_EXIT_USAGE;
	fs_repo *r;
	if (open_repo(pos[0], &r))
		return FS_EXIT_ERROR;
	const char *rev1, *rev2, *obj;
	if (diff_args(r, pos, n, &rev1, &rev2, &obj)) {
		fs_repo_free(r);
		return FS_EXIT_USAGE;
	}
	fs_changes ch;
	fs_err e = { 0 };
	if (fs_git_diff(r, rev1, rev2, obj, &ch, &e))
		return fail(r, &e);
	int rc = FS_EXIT_OK;
	if (opts[0].set) {
		rc = fs_cli_json(fs_changes_json(&ch));
	} else {
		print_notes(ch.notes, ch.nnotes);
		for (size_t i = 0; i < ch.n; i++) {
			print_change(&ch.v[i]);
			print_hunks(&ch.v[i]);
		}
	}
	fs_changes_free(&ch);
	fs_repo_free(r);
	return rc;
}

/* ---- restore ------------------------------------------------------------------- */

int fs_cmd_restore(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--rev", "REV", 0, NULL }, { "--all", NULL, 0, NULL },
			      { "--force", NULL, 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[2] = { ".", NULL };
	int n = fs_cli_parse(argc, argv, opts, pos, 1, 2);
	if (n < 0)
		return FS_EXIT_USAGE;
	if ((n == 2) == opts[1].set)
		return fs_cli_usage(argv[0], "name one object, or --all for the whole project");
	fs_repo *r;
	fs_lock *lk;
	if (fs_cli_lock(pos[0], FS_LOCK_EXCL, &lk))
		return FS_EXIT_ERROR;
	if (open_repo(pos[0], &r)) {
		fs_lock_drop(lk);
		return FS_EXIT_ERROR;
	}
	fs_err e = { 0 };
	const char *obj = opts[1].set ? NULL : clean_obj(pos[1]);
	const char *rev = opts[0].set ? opts[0].value : "HEAD";
	int rc = fs_git_restore(r, obj, rev, opts[2].set, &e);
	fs_lock_drop(lk);
	if (rc)
		return fail(r, &e);
	printf("restored %s from %s\n", obj ? (*obj ? obj : "/") : "the project", rev);
	fs_repo_free(r);
	return FS_EXIT_OK;
}
