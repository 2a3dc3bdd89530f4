/* `fsstudio check [DIR] [--json]`: syntax and domain checks of every design
 * function of the project, then the model's own checks. Prints
 * "path:line:col: error|warning: message"; exits 1 when anything is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "js/js.h"

struct report {
	cJSON *issues;       /* --json: the list; NULL: print lines */
	size_t errors, warnings;
	size_t functions;    /* checked */
};

static void issue(struct report *r, const char *path, const fs_js_diag *d,
		  int warning, const char *message)
{
	const char *sev = warning ? "warning" : "error";
	if (warning)
		r->warnings++;
	else
		r->errors++;
	if (!r->issues) {
		if (d)
			printf("%s:%u:%u: %s: %s\n", path, d->line, d->col, sev, message);
		else
			printf("%s: %s: %s\n", path, sev, message);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "path", path);
	if (d) {
		cJSON_AddNumberToObject(j, "line", d->line);
		cJSON_AddNumberToObject(j, "column", d->col);
	}
	cJSON_AddStringToObject(j, "severity", sev);
	cJSON_AddStringToObject(j, "message", message);
	cJSON_AddItemToArray(r->issues, j);
}

static void check_obj(fs_obj *o, struct report *r)
{
	if (o->kind == FS_K_FUNCTION) {
		const char *text = fs_fn_text(o);
		char *path = fs_obj_path(o);
		fs_js_diags d = { 0 };
		r->functions++;
		fs_js_check(o->fn, text ? text : "", &d);
		for (size_t i = 0; i < d.n; i++)
			issue(r, path, &d.v[i], d.v[i].warning, d.v[i].message);
		fs_js_diags_free(&d);
		free(path);
	}
	for (size_t i = 0; i < o->nkids; i++)
		check_obj(o->kids[i], r);
}

int fs_cmd_check(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[1] = { NULL };
	if (fs_cli_parse(argc, argv, opts, pos, 0, 1) < 0)
		return FS_EXIT_USAGE;
	fs_project *p;
	if (fs_cli_open(pos[0], &p) != FS_EXIT_OK)
		return FS_EXIT_ERROR;
	struct report r = { 0 };
	if (fs_cli_opt_get(opts, "--json")->set)
		r.issues = cJSON_CreateArray();
	check_obj(fs_project_root(p), &r);
	fs_issues is = { 0 };
	fs_project_check(p, &is);
	for (size_t i = 0; i < is.n; i++)
		issue(&r, is.v[i].path, NULL, is.v[i].warning, is.v[i].message);
	fs_issues_free(&is);
	fs_project_free(p);
	int status = r.errors ? FS_EXIT_ERROR : FS_EXIT_OK;
	if (r.issues) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "functions", r.functions);
		cJSON_AddNumberToObject(j, "errors", r.errors);
		cJSON_AddNumberToObject(j, "warnings", r.warnings);
		cJSON_AddItemToObject(j, "issues", r.issues);
		if (fs_cli_json(j) != FS_EXIT_OK)
			return FS_EXIT_ERROR;
		return status;
	}
	/* Always a summary, on stderr so that stdout stays one finding a line:
	 * a silent success read like nothing had been checked. */
	fprintf(stderr, "%zu function%s checked: %zu error%s, %zu warning%s\n",
		r.functions, r.functions == 1 ? "" : "s", r.errors, r.errors == 1 ? "" : "s",
		r.warnings, r.warnings == 1 ? "" : "s");
	return status;
}
