/* The project commands: tree, show, new, rm, mv, cp, set, save. Each one opens
 * the project, does one thing through the model (which validates), and saves
 * only when that thing succeeded, so a refused edit writes nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "cli/cli.h"
#include "js/js.h"
#include "base/fsutil.h"

/* ---- Helpers shared with other commands (declared in cli.h) -------------- */

int fs_cli_open(const char *dir, fs_project **out)
{
	fs_err e = { 0 };
	if (!dir || !*dir)
		dir = ".";
	if (fs_project_open(out, dir, &e) != FS_E_OK) {
		*out = NULL;
		return fs_cli_error(&e);
	}
	return FS_EXIT_OK;
}

fs_obj *fs_cli_find(fs_project *p, const char *path)
{
	char *clean = fs_xstrdup(path + strspn(path, "/"));
	size_t n = strlen(clean);
	while (n && clean[n - 1] == '/')
		clean[--n] = '\0';
	fs_obj *o = n ? fs_project_find(p, clean) : fs_project_root(p);
	if (!o)
		fs_cli_errorf("%s: no such object (see fsstudio tree)", path);
	free(clean);
	return o;
}

/* ---- Local helpers ------------------------------------------------------ */

/* Class without its package ("transactions.couchdb.PostDocumentTransaction"
 * -> "PostDocumentTransaction"), for display. */
static const char *short_class(const char *cls)
{
	const char *dot = cls ? strrchr(cls, '.') : NULL;
	return dot ? dot + 1 : cls;
}

static int same_issue(const fs_issue *a, const fs_issue *b)
{
	return a->warning == b->warning && !strcmp(a->message, b->message) &&
	       !strcmp(a->path ? a->path : "", b->path ? b->path : "");
}

/* Opens the project for an edit and notes the checks' findings before it. */
static int open_edit(const char *dir, fs_project **p, fs_issues *before)
{
	if (fs_cli_open(dir, p))
		return FS_EXIT_ERROR;
	fs_project_check(*p, before);
	return FS_EXIT_OK;
}

/* Saves after an edit, then prints on stderr what the checks find now and
 * did not find before: the edit is valid, so this does not fail the command,
 * but it tells what the edit left to fix (a listener whose view is gone...).
 * Frees before. */
static int save_edit(fs_project *p, fs_issues *before)
{
	fs_err e = { 0 };
	fs_issues after = { 0 };
	int rc = FS_EXIT_OK;
	if (fs_project_save(p, &e) != FS_E_OK) {
		rc = fs_cli_error(&e);
	} else {
		fs_project_check(p, &after);
		for (size_t i = 0; i < after.n; i++) {
			const fs_issue *is = &after.v[i];
			size_t j = 0;
			while (j < before->n && !same_issue(is, &before->v[j]))
				j++;
			if (j == before->n)
				fprintf(stderr, "fsstudio: %s: %s: %s\n", is->warning ? "warning" : "error",
					is->path && *is->path ? is->path : "(project)", is->message);
		}
	}
	fs_issues_free(&after);
	fs_issues_free(before);
	return rc;
}

/* The members every JSON object of these commands starts with. */
static cJSON *obj_json(const fs_obj *o)
{
	cJSON *j = cJSON_CreateObject();
	char *path = fs_obj_path(o);
	cJSON_AddStringToObject(j, "kind", fs_kind_name(o->kind));
	cJSON_AddStringToObject(j, "name", o->name);
	cJSON_AddStringToObject(j, "path", path);
	if (o->cls)
		cJSON_AddStringToObject(j, "class", o->cls);
	if (o->kind == FS_K_FUNCTION)
		cJSON_AddStringToObject(j, "function", fs_fn_name(o->fn));
	free(path);
	return j;
}

/* Prints the path of an object the command produced (text or JSON). */
static int print_result(const fs_obj *o, int json)
{
	if (json)
		return fs_cli_json(obj_json(o));
	char *path = fs_obj_path(o);
	puts(path);
	free(path);
	return FS_EXIT_OK;
}

/* ---- tree --------------------------------------------------------------- */

/* The kind and, for beans other than the project, connectors and design
 * documents, the short class: "listener FullSyncListener". */
static void tree_kind(const fs_obj *o, fs_buf *out)
{
	fs_buf_printf(out, "  %s", fs_kind_name(o->kind));
	if (o->cls && o->kind != FS_K_PROJECT && o->kind != FS_K_CONNECTOR && o->kind != FS_K_DDOC)
		fs_buf_printf(out, " %s", short_class(o->cls));
	fs_buf_addc(out, '\n');
}

/* --indent: one line per object, its last path segment ("by_site",
 * "filters/NAME") indented by depth, found after the parent's path (plen
 * characters and a slash). */
static void tree_indent(const fs_obj *o, int depth, size_t plen, fs_buf *out)
{
	char *path = fs_obj_path(o);
	const char *seg = !o->parent ? o->name : plen ? path + plen + 1 : path;
	fs_buf_printf(out, "%*s%s", depth * 2, "", seg);
	tree_kind(o, out);
	for (size_t i = 0; i < o->nkids; i++)
		tree_indent(o->kids[i], depth + 1, strlen(path), out);
	free(path);
}

/* The default: one object per line by its slash path, the name that every
 * other command takes, so that `tree | grep` gives arguments for show/set.
 * The project itself is the first line, by its name. */
static void tree_paths(const fs_obj *o, fs_buf *out)
{
	char *path = o->parent ? fs_obj_path(o) : NULL;
	fs_buf_adds(out, path ? path : o->name);
	tree_kind(o, out);
	free(path);
	for (size_t i = 0; i < o->nkids; i++)
		tree_paths(o->kids[i], out);
}

static cJSON *tree_json(const fs_obj *o)
{
	cJSON *j = obj_json(o);
	cJSON *kids = cJSON_AddArrayToObject(j, "children");
	for (size_t i = 0; i < o->nkids; i++)
		cJSON_AddItemToArray(kids, tree_json(o->kids[i]));
	return j;
}

int fs_cmd_tree(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { "--indent", NULL, 0, NULL },
		{ NULL, NULL, 0, NULL } };
	char *pos[1] = { NULL };
	fs_project *p;
	if (fs_cli_parse(argc, argv, opts, pos, 0, 1) < 0)
		return FS_EXIT_USAGE;
	if (fs_cli_open(pos[0], &p))
		return FS_EXIT_ERROR;
	int rc = FS_EXIT_OK;
	if (opts[0].set) {
		rc = fs_cli_json(tree_json(fs_project_root(p)));
	} else {
		fs_buf out = FS_BUF_INIT;
		if (opts[1].set)
			tree_indent(fs_project_root(p), 0, 0, &out);
		else
			tree_paths(fs_project_root(p), &out);
		fwrite(out.data, 1, out.len, stdout);
		fs_buf_free(&out);
	}
	fs_project_free(p);
	return rc;
}

/* ---- show --------------------------------------------------------------- */

static cJSON *props_json(const fs_obj *o)
{
	const fs_prop *props;
	size_t n = fs_obj_props(o, &props);
	cJSON *j = cJSON_CreateObject();
	for (size_t i = 0; i < n; i++)
		cJSON_AddStringToObject(j, props[i].key, props[i].value ? props[i].value : "");
	return j;
}

static int show_json(const fs_obj *o)
{
	cJSON *j = obj_json(o);
	if (fs_obj_file(o))
		cJSON_AddStringToObject(j, "file", fs_obj_file(o));
	cJSON_AddBoolToObject(j, "editable", fs_obj_editable(o));
	if (o->kind == FS_K_FUNCTION) {
		cJSON_AddStringToObject(j, "text", fs_fn_text(o) ? fs_fn_text(o) : "");
	} else if (o->kind == FS_K_DDOC && fs_ddoc_json(o)) {
		cJSON_AddItemToObject(j, "doc", cJSON_Duplicate(fs_ddoc_json(o), 1));
	}
	if (o->kind != FS_K_FUNCTION && o->kind != FS_K_VIEW)
		cJSON_AddItemToObject(j, "properties", props_json(o));
	return fs_cli_json(j);
}

/* Prints text with exactly one final newline. */
static void put_text(const char *s)
{
	size_t n = strlen(s);
	fwrite(s, 1, n, stdout);
	if (!n || s[n - 1] != '\n')
		putchar('\n');
}

static int show_text(const fs_obj *o)
{
	if (o->kind == FS_K_FUNCTION) {
		/* Always one newline more, which set --file takes off again, so
		 * that show > F; set --file F changes nothing. */
		printf("%s\n", fs_fn_text(o) ? fs_fn_text(o) : "");
	} else if (o->kind == FS_K_DDOC && fs_ddoc_json(o)) {
		char *s = cJSON_Print(fs_ddoc_json(o));
		put_text(s ? s : "");
		free(s);
	} else {
		char *s = fs_obj_text(o);
		if (s && *s)
			put_text(s);
		free(s);
	}
	return FS_EXIT_OK;
}

int fs_cmd_show(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[2];
	fs_project *p;
	if (fs_cli_parse(argc, argv, opts, pos, 2, 2) < 0)
		return FS_EXIT_USAGE;
	if (fs_cli_open(pos[0], &p))
		return FS_EXIT_ERROR;
	fs_obj *o = fs_cli_find(p, pos[1]);
	int rc = !o ? FS_EXIT_ERROR : opts[0].set ? show_json(o) : show_text(o);
	fs_project_free(p);
	return rc;
}

/* ---- new, rm, mv, cp ---------------------------------------------------- */

static int kind_parse(const char *s, fs_kind *out)
{
	for (int k = 0; k < FS_K_COUNT; k++)
		if (!strcmp(s, fs_kind_name(k))) {
			*out = k;
			return 1;
		}
	return 0;
}

/* Short listener variants, for typing. */
#define LISTENER_ALIASES(_) \
	_("view",          "couchdb.FullSyncListener") \
	_("filter",        "couchdb.FullSyncFilterListener") \
	_("delete-view",   "couchdb.FullSyncDeleteViewListener") \
	_("delete-filter", "couchdb.FullSyncDeleteFilterListener")

/* The class for a variant given without its package: a listener alias or
 * "FullSyncListener" -> couchdb.FullSyncListener, "GetView" or
 * "GetViewTransaction" -> transactions.couchdb.GetViewTransaction. Other
 * variants pass unchanged (the model validates them). Caller frees. */
static char *variant_class(fs_kind kind, const char *v)
{
	if (!v || strchr(v, '.'))
		return v ? fs_xstrdup(v) : NULL;
	if (kind == FS_K_LISTENER) {
#define ALIAS(a, cls) if (!strcmp(v, a)) return fs_xstrdup(cls);
		LISTENER_ALIASES(ALIAS)
#undef ALIAS
		return fs_xasprintf("couchdb.%s", v);
	}
	if (kind == FS_K_TRANSACTION) {
		size_t n = strlen(v), k = strlen("Transaction");
		int has = n > k && !strcmp(v + n - k, "Transaction");
		return fs_xasprintf("transactions.couchdb.%s%s", v, has ? "" : "Transaction");
	}
	return fs_xstrdup(v);
}

/* A function named as tree shows it needs no --variant: "filters/NAME" and
 * "updates/NAME" carry their type, "validate_doc_update" and "reduce" are
 * their own type. Moves *name past the type prefix; returns the type or v. */
static const char *function_variant(const char **name, const char *v)
{
	static const char *const types[] = { "filters", "updates", NULL };
	if (v)
		return v;
	for (int i = 0; types[i]; i++) {
		size_t n = strlen(types[i]);
		if (!strncmp(*name, types[i], n) && (*name)[n] == '/') {
			*name += n + 1;
			return types[i];
		}
	}
	if (!strcmp(*name, "validate_doc_update") || !strcmp(*name, "reduce"))
		return *name;
	return NULL;
}

/* One edit: changes o, sets *out to the object to print (or leaves it NULL
 * to print nothing). On failure e holds the message, or is left empty when
 * the failure was already reported (a lookup that printed its own error). */
typedef int edit_fn(fs_obj *o, void *arg, fs_obj **out, fs_err *e);

/* What new, rm, mv, cp and set share: open, find PATH, apply the edit, save
 * and tell what the checks find now, print the result. */
static int run_edit(const char *dir, const char *path, edit_fn *fn, void *arg, int json)
{
	fs_project *p;
	fs_issues before = { 0 };
	fs_err e = { 0 };
	if (open_edit(dir, &p, &before))
		return FS_EXIT_ERROR;
	fs_obj *o = fs_cli_find(p, path), *out = NULL;
	int rc = FS_EXIT_ERROR;
	if (o && fn(o, arg, &out, &e) != FS_E_OK) {
		if (e.msg[0])
			fs_cli_error(&e);
	} else if (o && !(rc = save_edit(p, &before)) && out) {
		rc = print_result(out, json);
	}
	fs_issues_free(&before);
	fs_project_free(p);
	return rc;
}

typedef struct new_arg {
	fs_kind kind;
	const char *name;
	char *variant;
} new_arg;

static int new_edit(fs_obj *parent, void *arg, fs_obj **out, fs_err *e)
{
	new_arg *a = arg;
	return fs_obj_new(parent, a->kind, a->name, a->variant, out, e);
}

int fs_cmd_new(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--variant", "V", 0, NULL }, { "--json", NULL, 0, NULL },
			      { NULL, NULL, 0, NULL } };
	char *pos[4];
	new_arg a = { .name = NULL };
	if (fs_cli_parse(argc, argv, opts, pos, 4, 4) < 0)
		return FS_EXIT_USAGE;
	if (!kind_parse(pos[2], &a.kind))
		return fs_cli_usage(argv[0], "'%s' is not a kind (connector, designdoc, view, "
				    "function, listener, transaction)", pos[2]);
	const char *v = opts[0].value;
	a.name = pos[3];
	if (a.kind == FS_K_FUNCTION)
		v = function_variant(&a.name, v);
	a.variant = variant_class(a.kind, v);
	int rc = run_edit(pos[0], pos[1], new_edit, &a, opts[1].set);
	free(a.variant);
	return rc;
}

static int rm_edit(fs_obj *o, void *arg, fs_obj **out, fs_err *e)
{
	(void)arg;
	(void)out;
	if (!o->parent)
		return fs_err_set(e, FS_E_INVALID, "the project itself cannot be removed");
	return fs_obj_delete(o, e);
}

int fs_cmd_rm(int argc, char **argv)
{
	char *pos[2];
	if (fs_cli_parse(argc, argv, NULL, pos, 2, 2) < 0)
		return FS_EXIT_USAGE;
	return run_edit(pos[0], pos[1], rm_edit, NULL, 0);
}

static int mv_edit(fs_obj *o, void *name, fs_obj **out, fs_err *e)
{
	*out = o;
	return fs_obj_rename(o, name, e);
}

int fs_cmd_mv(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--json", NULL, 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[3];
	if (fs_cli_parse(argc, argv, opts, pos, 3, 3) < 0)
		return FS_EXIT_USAGE;
	return run_edit(pos[0], pos[1], mv_edit, pos[2], opts[0].set);
}

typedef struct cp_arg {
	const char *into;    /* NULL: next to the original */
	const char *name;
} cp_arg;

static int cp_edit(fs_obj *o, void *arg, fs_obj **out, fs_err *e)
{
	cp_arg *a = arg;
	fs_obj *parent = a->into ? fs_cli_find(o->project, a->into) : o->parent;
	if (!o->parent)
		return fs_err_set(e, FS_E_INVALID, "the project itself cannot be copied");
	if (!parent)
		return FS_E_NOTFOUND;   /* fs_cli_find said so */
	return fs_obj_copy(o, parent, a->name, out, e);
}

int fs_cmd_cp(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--into", "PARENT", 0, NULL }, { "--json", NULL, 0, NULL },
			      { NULL, NULL, 0, NULL } };
	char *pos[3];
	if (fs_cli_parse(argc, argv, opts, pos, 3, 3) < 0)
		return FS_EXIT_USAGE;
	cp_arg a = { opts[0].set ? opts[0].value : NULL, pos[2] };
	return run_edit(pos[0], pos[1], cp_edit, &a, opts[1].set);
}

/* ---- set ---------------------------------------------------------------- */

static int read_stdin(char **out, fs_err *e)
{
	fs_buf b = FS_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		fs_buf_add(&b, chunk, n);
	if (ferror(stdin)) {
		fs_buf_free(&b);
		return fs_err_set(e, FS_E_IO, "standard input: %s", strerror(errno));
	}
	*out = fs_buf_steal(&b);
	return FS_E_OK;
}

/* Sets a function's text from a file or "-" (stdin). */
static int set_text(fs_obj *o, const char *file, fs_err *e)
{
	char *text = NULL;
	int rc;
	if (o->kind != FS_K_FUNCTION) {
		char *path = fs_obj_path(o);
		fs_err_set(e, FS_E_INVALID, "%s: --file sets the text of a function; "
			   "this is a %s", path, fs_kind_name(o->kind));
		free(path);
		return FS_E_INVALID;
	}
	rc = !strcmp(file, "-") ? read_stdin(&text, e) : fs_read_file(file, &text, NULL, e);
	if (rc == FS_E_OK) {
		/* Editors end files with a newline that is not part of the
		 * function (show prints one more, see show_text). */
		size_t n = strlen(text);
		if (n && text[n - 1] == '\n')
			text[n - 1] = '\0';
		rc = fs_fn_set_text(o, text, e);
	}
	free(text);
	return rc;
}

typedef struct set_arg {
	const char *file;    /* --file F, or NULL for KEY VALUE */
	const char *key, *value;
	int strict;          /* --strict: a syntax error refuses the edit */
} set_arg;

/* The syntax errors of a function just set, on stderr as "path:line:col"
 * (the editor marks them; a script deserves the same word). Returns their
 * count. */
static size_t syntax_errors(fs_obj *o)
{
	fs_js_diags d = { 0 };
	size_t n = 0;
	char *path = fs_obj_path(o);
	fs_js_check(o->fn, fs_fn_text(o) ? fs_fn_text(o) : "", &d);
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].warning) {
			fprintf(stderr, "fsstudio: %s:%u:%u: syntax error: %s\n", path,
				d.v[i].line, d.v[i].col, d.v[i].message);
			n++;
		}
	fs_js_diags_free(&d);
	free(path);
	return n;
}

static int set_edit(fs_obj *o, void *arg, fs_obj **out, fs_err *e)
{
	set_arg *a = arg;
	(void)out;
	if (!a->file)
		return fs_obj_set_prop(o, a->key, a->value, e);
	int rc = set_text(o, a->file, e);
	if (rc == FS_E_OK && o->kind == FS_K_FUNCTION && syntax_errors(o) && a->strict)
		return fs_err_set(e, FS_E_INVALID, "not written (--strict): the JavaScript has syntax errors");
	return rc;
}

int fs_cmd_set(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--file", "F", 0, NULL }, { "--strict", NULL, 0, NULL },
			      { NULL, NULL, 0, NULL } };
	char *pos[4];
	int n = fs_cli_parse(argc, argv, opts, pos, 2, 4);
	if (n < 0)
		return FS_EXIT_USAGE;
	if (opts[0].set ? n != 2 : n != 4)
		return fs_cli_usage(argv[0], opts[0].set ? "--file takes no KEY VALUE"
				    : "give KEY VALUE, or --file F for a function");
	set_arg a = { opts[0].set ? opts[0].value : NULL, n == 4 ? pos[2] : NULL,
		       n == 4 ? pos[3] : NULL, opts[1].set };
	return run_edit(pos[0], pos[1], set_edit, &a, 0);
}

/* ---- save --------------------------------------------------------------- */

int fs_cmd_save(int argc, char **argv)
{
	fs_cli_opt opts[] = { { "--to", "OUT", 0, NULL }, { NULL, NULL, 0, NULL } };
	char *pos[1] = { NULL };
	fs_project *p;
	fs_err e = { 0 };
	if (fs_cli_parse(argc, argv, opts, pos, 0, 1) < 0)
		return FS_EXIT_USAGE;
	if (fs_cli_open(pos[0], &p))
		return FS_EXIT_ERROR;
	int rc = opts[0].set ? fs_project_save_to(p, opts[0].value, &e) : fs_project_save(p, &e);
	fs_project_free(p);
	return rc ? fs_cli_error(&e) : FS_EXIT_OK;
}
