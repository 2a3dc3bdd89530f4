/* `fsstudio listen test|run`: replay which changed documents would fire a
 * listener and what its sequence would receive; run listeners headless,
 * delivering to a Convertigo server or a command, one per chunk or one kept
 * running (see listen_run.h). */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/json.h"
#include "cli/cli.h"
#include "couch/servers.h"
#include "listen/listen_run.h"

/* A listener by name (any connector) or by path ("connector/name"). */
static fs_obj *find_listener(fs_project *p, const char *name)
{
	fs_obj *root = fs_project_root(p), *o = fs_project_find(p, name);
	if (o && o->kind == FS_K_LISTENER)
		return o;
	for (size_t i = 0; i < root->nkids; i++)
		for (size_t j = 0; j < root->kids[i]->nkids; j++) {
			o = root->kids[i]->kids[j];
			if (o->kind == FS_K_LISTENER && !strcmp(o->name, name))
				return o;
		}
	fs_cli_errorf("%s: no such listener", name);
	return NULL;
}

static int load(fs_project *p, const char *name, fs_listener *l)
{
	fs_obj *o = find_listener(p, name);
	fs_err e = { 0 };
	if (!o)
		return FS_EXIT_ERROR;
	if (fs_listener_load(o, l, &e))
		return fs_cli_error(&e);
	return FS_EXIT_OK;
}

/* A seq as typed: a number stays a number (pouchdb), else a string. */
static cJSON *parse_seq(const char *s)
{
	char *end;
	double d = strtod(s, &end);
	return *s && !*end ? cJSON_CreateNumber(d) : cJSON_CreateString(s);
}

/* ---- listen test ---- */

static cJSON *chunk_json(const fs_listen_chunk *k)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "seq", cJSON_Duplicate(k->seq, 1));
	cJSON_AddItemToObject(j, "ids", cJSON_Duplicate(k->ids, 1));
	cJSON_AddItemToObject(j, "docs", cJSON_Duplicate(k->docs, 1));
	cJSON *miss = cJSON_AddArrayToObject(j, "unmatched");
	for (size_t i = 0; i < k->nmiss; i++) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "id", k->miss[i].id);
		cJSON_AddStringToObject(m, "reason", k->miss[i].reason);
		cJSON_AddItemToArray(miss, m);
	}
	return j;
}

static size_t count_docs(const fs_listen_chunks *cs)
{
	size_t n = 0;
	for (size_t i = 0; i < cs->n; i++)
		n += cJSON_GetArraySize(cs->v[i].docs);
	return n;
}

/* The ids asked for with --ids that the feed does not know. */
static cJSON *missing_ids(const fs_listen_range *r, const fs_listen_batch *b)
{
	cJSON *m = cJSON_CreateArray();
	for (size_t i = 0; i < r->nids; i++) {
		size_t k = 0;
		while (k < b->n && strcmp(b->v[k].id, r->ids[i]))
			k++;
		if (k == b->n)
			cJSON_AddItemToArray(m, cJSON_CreateString(r->ids[i]));
	}
	return m;
}

static int print_json(const fs_listener *l, const fs_listen_batch *b, const fs_listen_chunks *cs,
		      cJSON *missing)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "listener", l->name);
	cJSON_AddStringToObject(j, "class", fs_listen_class_name(l->cls));
	cJSON_AddStringToObject(j, "database", l->db);
	cJSON_AddStringToObject(j, "sequence", l->sequence);
	cJSON_AddNumberToObject(j, "chunk", l->chunk);
	cJSON_AddNumberToObject(j, "changes", b->n);
	cJSON_AddNumberToObject(j, "documents", count_docs(cs));
	cJSON_AddItemToObject(j, "missing", missing);
	cJSON *arr = cJSON_AddArrayToObject(j, "chunks");
	for (size_t i = 0; i < cs->n; i++)
		cJSON_AddItemToArray(arr, chunk_json(&cs->v[i]));
	return fs_cli_json(j);
}

static void print_chunk(const fs_listen_chunk *k, size_t i, size_t n)
{
	char *seq = cJSON_PrintUnformatted(k->seq);
	printf("chunk %zu/%zu: %zu changes up to seq %s: %d documents\n", i + 1, n, k->n, seq,
		cJSON_GetArraySize(k->docs));
	free(seq);
	const cJSON *d;
	cJSON_ArrayForEach(d, k->docs) {
		char *t = cJSON_PrintUnformatted(d);
		printf("  + %s %s\n", fs_json_str(d, "_id"), t);
		free(t);
	}
	for (size_t m = 0; m < k->nmiss; m++)
		printf("  - %s: %s\n", k->miss[m].id, k->miss[m].reason);
}

static int print_text(const fs_listener *l, const fs_listen_batch *b, const fs_listen_chunks *cs,
		      cJSON *missing)
{
	printf("listener %s (%s %s/%s, chunk %ld) on database %s: %zu changes, %zu chunks, "
	       "%zu documents for %s.%s\n", l->name, fs_listen_class_name(l->cls), l->ddoc, l->fn,
	       l->chunk, l->db, b->n, cs->n, count_docs(cs), l->project, l->sequence);
	if (!l->chunk)
		printf("chunk is 0: the listener is disabled\n");
	const cJSON *m;
	cJSON_ArrayForEach(m, missing)
		printf("%s: no such document\n", m->valuestring);
	cJSON_Delete(missing);
	for (size_t i = 0; i < cs->n; i++)
		print_chunk(&cs->v[i], i, cs->n);
	return fflush(stdout) ? FS_EXIT_ERROR : FS_EXIT_OK;
}

static int range_from(fs_cli_opt *opts, char **pos, int npos, fs_listen_range *r, cJSON **since)
{
	const fs_cli_opt *last = fs_cli_opt_get(opts, "--last"), *sn = fs_cli_opt_get(opts, "--since");
	int ids = fs_cli_opt_get(opts, "--ids")->set;
	if (last->set + sn->set + ids > 1)
		return fs_cli_usage("listen", "--last, --since and --ids go alone");
	if (ids != (npos > 2))
		return fs_cli_usage("listen", ids ? "--ids needs document ids" : "too many arguments");
	r->last = last->set ? atol(last->value) : sn->set || ids ? 0 : 100;
	if (last->set && r->last <= 0)
		return fs_cli_usage("listen", "--last takes a number of changes");
	r->ids = (const char *const *)pos + 2;
	r->nids = ids ? npos - 2 : 0;
	if (sn->set && !strcmp(sn->value, "now"))
		r->since_now = 1;
	else if (sn->set)
		r->since = *since = parse_seq(sn->value);
	return FS_EXIT_OK;
}

static int listen_test(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--server", "S", 0, NULL }, { "--last", "N", 0, NULL },
		{ "--since", "SEQ", 0, NULL }, { "--ids", NULL, 0, NULL }, { "--json", NULL, 0, NULL },
		{ NULL, NULL, 0, NULL } };
	char *pos[256] = { NULL };
	int npos = fs_cli_parse(argc, argv, opts, pos, 2, 256);
	if (npos < 0)
		return FS_EXIT_USAGE;
	fs_listen_range r = { 0 };
	cJSON *since = NULL;
	int rc = range_from(opts, pos, npos, &r, &since);
	fs_project *p = NULL;
	fs_listener l = { 0 };
	if (!rc)
		rc = fs_cli_open(pos[0], &p);
	if (!rc)
		rc = load(p, pos[1], &l);
	fs_err e = { 0 };
	fs_couch *c = rc ? NULL : fs_server_open(fs_cli_opt_get(opts, "--server")->value, &e);
	fs_listen_batch b = { 0 };
	fs_listen_chunks cs = { 0 };
	if (!rc && (!c || fs_listen_read(c, l.db, &r, &b, &e) ||
		    fs_listen_match(c, &l, &b, r.last || r.nids ? NULL : since, &cs, &e)))
		rc = fs_cli_error(&e);
	if (!rc)
		rc = fs_cli_opt_get(opts, "--json")->set ? print_json(&l, &b, &cs, missing_ids(&r, &b))
							   : print_text(&l, &b, &cs, missing_ids(&r, &b));
	fs_listen_chunks_free(&cs);
	fs_listen_batch_free(&b);
	fs_couch_free(c);
	fs_listener_free(&l);
	fs_project_free(p);
	cJSON_Delete(since);
	return rc;
}

/* ---- listen run ---- */

static fs_listen_runner *running;

static void on_signal(int sig)
{
	(void)sig;
	if (running)
		fs_listen_runner_stop(running);
}

static void handle_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The named listeners, or every enabled one of the project. */
static int load_all(fs_project *p, char **names, int n, fs_listener **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	fs_obj *root = fs_project_root(p);
	for (size_t i = 0; !n && i < root->nkids; i++)
		for (size_t j = 0; j < root->kids[i]->nkids; j++)
			if (root->kids[i]->kids[j]->kind == FS_K_LISTENER && n < 255)
				names[n++] = root->kids[i]->kids[j]->name;
	if (!n)
		return fs_cli_errorf("the project has no listener");
	*out = fs_xcalloc(n, sizeof **out);
	for (int i = 0; i < n; i++) {
		fs_listener *l = &(*out)[*nout];
		if (load(p, names[i], l))
			return FS_EXIT_ERROR;
		if (l->chunk) {
			(*nout)++;
			continue;
		}
		fprintf(stderr, "fsstudio: listener %s: chunk is 0, the listener is disabled\n", names[i]);
		fs_listener_free(l);
	}
	return *nout ? FS_EXIT_OK : fs_cli_errorf("no enabled listener to run");
}

static int run_opts(fs_cli_opt *opts, fs_listen_run_opts *o, cJSON **since, fs_couch **target)
{
	const char *url = fs_cli_opt_get(opts, "--target")->value, *cmd = fs_cli_opt_get(opts, "--exec")->value,
		*stream = fs_cli_opt_get(opts, "--stream")->value;
	if (!!url + !!cmd + !!stream != 1)
		return fs_cli_usage("listen", "run needs one of --target URL, --exec CMD and --stream CMD");
	o->target.url = url;
	o->target.exec = cmd;
	o->target.stream = stream;
	/* A profile name: its URL and credentials, which then appear in no
	 * process argument. */
	if (url && !strstr(url, "://")) {
		fs_err e = { 0 };
		if (!(*target = fs_server_open(url, &e)))
			return fs_cli_error(&e);
		o->target.http = fs_couch_http(*target);
		o->target.url = fs_couch_url(*target);
	}
	const fs_cli_opt *s = fs_cli_opt_get(opts, "--since");
	o->since_now = !s->set || !strcmp(s->value, "now");
	if (!o->since_now)
		o->since = *since = parse_seq(s->value);
	o->json = fs_cli_opt_get(opts, "--json")->set;
	const fs_cli_opt *t = fs_cli_opt_get(opts, "--timeout"), *rm = fs_cli_opt_get(opts, "--retry-max");
	o->target.timeout_ms = t->set ? atol(t->value) : 0;
	o->retry_max_ms = rm->set ? atol(rm->value) : 0;
	if ((t->set && o->target.timeout_ms <= 0) || (rm->set && o->retry_max_ms <= 0))
		return fs_cli_usage("listen", "--timeout and --retry-max take milliseconds");
	const fs_cli_opt *ck = fs_cli_opt_get(opts, "--checkpoint-ms");
	o->checkpoint_ms = ck->set ? atol(ck->value) : 0;
	if (ck->set && (o->checkpoint_ms < 0 || !isdigit((unsigned char)*ck->value)))
		return fs_cli_usage("listen", "--checkpoint-ms takes milliseconds");
	const fs_cli_opt *par = fs_cli_opt_get(opts, "--parallel");
	o->parallel = par->set ? atol(par->value) : 1;
	if (o->parallel < 1 || o->parallel > 64)
		return fs_cli_usage("listen", "--parallel takes a number of chunks from 1 to 64");
	return FS_EXIT_OK;
}

static int listen_run(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--server", "S", 0, NULL }, { "--target", "URL", 0, NULL },
		{ "--exec", "CMD", 0, NULL }, { "--stream", "CMD", 0, NULL }, { "--since", "SEQ", 0, NULL }, { "--json", NULL, 0, NULL },
		{ "--timeout", "MS", 0, NULL }, { "--retry-max", "MS", 0, NULL }, { "--parallel", "N", 0, NULL },
		{ "--checkpoint-ms", "MS", 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[256] = { NULL };
	int npos = fs_cli_parse(argc, argv, opts, pos, 1, 255);
	if (npos < 0)
		return FS_EXIT_USAGE;
	fs_listen_run_opts o = { 0 };
	cJSON *since = NULL;
	fs_project *p = NULL;
	fs_listener *ls = NULL;
	size_t n = 0;
	fs_couch *target = NULL;
	int rc = run_opts(opts, &o, &since, &target);
	if (!rc)
		rc = fs_cli_open(pos[0], &p);
	if (!rc)
		rc = load_all(p, pos + 1, npos - 1, &ls, &n);
	fs_err e = { 0 };
	fs_couch *c = rc ? NULL : fs_server_open(fs_cli_opt_get(opts, "--server")->value, &e);
	if (!rc && !c)
		rc = fs_cli_error(&e);
	if (!rc) {
		o.project = fs_project_root(p)->name;
		running = fs_listen_runner_new(c, ls, n, &o);
		handle_signals();
		if (fs_listen_runner_run(running, &e))
			rc = fs_cli_error(&e);
		fs_listen_runner_free(running);
		running = NULL;
	}
	for (size_t i = 0; i < n; i++)
		fs_listener_free(&ls[i]);
	free(ls);
	fs_couch_free(c);
	fs_couch_free(target);
	fs_project_free(p);
	cJSON_Delete(since);
	return rc;
}

int fs_cmd_listen(int argc, char **argv)
{
	int (*sub)(int, char **) = NULL;
	if (argc >= 2 && !strcmp(argv[1], "test"))
		sub = listen_test;
	else if (argc >= 2 && !strcmp(argv[1], "run"))
		sub = listen_run;
	if (sub) {
		argv[1] = argv[0];     /* usage messages name the command */
		return sub(argc - 1, argv + 1);
	}
	return fs_cli_usage("listen", argc < 2 ? "test or run?" : "unknown subcommand %s", argv[1]);
}
