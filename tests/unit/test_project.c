/* The project model: navigation, properties, edits, operations, checks and
 * bad input, on real files in temp folders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "model/project.h"
#include "testlib.h"
#include "format_data.h"

static fs_project *open_ok(const char *dir)
{
	fs_project *p;
	fs_err e;
	if (fs_project_open(&p, dir, &e))
		fail_msg("%s", e.msg);
	return p;
}

static fs_obj *find_ok(fs_project *p, const char *path)
{
	fs_obj *o = fs_project_find(p, path);
	if (!o)
		fail_msg("no object at %s", path);
	return o;
}

static void ok(int rc, const fs_err *e)
{
	if (rc)
		fail_msg("%s", e->msg);
}

static void save_ok(fs_project *p)
{
	fs_err e;
	ok(fs_project_save(p, &e), &e);
}

static void tree_and_paths(void **state)
{
	char *dir = fmt_layout("features", 0);
	fs_project *p = open_ok(dir);
	fs_obj *root = fs_project_root(p);
	assert_int_equal(root->kind, FS_K_PROJECT);
	assert_string_equal(root->name, "features");
	char *path = fs_obj_path(root);
	assert_string_equal(path, "");
	free(path);
	assert_ptr_equal(fs_project_find(p, ""), root);

	fs_obj *shop = find_ok(p, "shop");
	assert_int_equal(shop->kind, FS_K_CONNECTOR);
	assert_string_equal(shop->cls, "connectors.FullSyncConnector");
	assert_string_equal(fs_obj_file(shop), "_c8oProject/connectors/shop.yaml");
	assert_string_equal(fs_connector_db(shop), "shop");
	assert_int_equal(find_ok(p, "shop/GetByCustomer")->kind, FS_K_TRANSACTION);
	assert_int_equal(find_ok(p, "shop/OnOrder")->kind, FS_K_LISTENER);
	assert_int_equal(find_ok(p, "OnOrder")->kind, FS_K_SEQUENCE);
	assert_int_equal(find_ok(p, "Inline")->kind, FS_K_SEQUENCE);
	assert_int_equal(find_ok(p, "MobileApplication")->kind, FS_K_BEAN);
	assert_false(fs_obj_editable(find_ok(p, "Inline")));
	assert_true(fs_obj_editable(shop));

	fs_obj *ddoc = find_ok(p, "shop/orders");
	assert_int_equal(ddoc->kind, FS_K_DDOC);
	/* views first, then validate_doc_update, filters, updates */
	assert_int_equal(ddoc->nkids, 7);
	assert_string_equal(ddoc->kids[0]->name, "by_customer");
	assert_int_equal(ddoc->kids[4]->fn, FS_FN_VALIDATE);
	fs_obj *map = find_ok(p, "shop/orders/by_customer/map");
	assert_int_equal(map->kind, FS_K_FUNCTION);
	assert_int_equal(map->fn, FS_FN_MAP);
	assert_string_equal(fs_fn_text(map),
			    "function (doc) {\r\n    if (doc.type == \"order\")\r\n        emit(doc._id, doc.customer);\r\n}");
	assert_string_equal(fs_fn_text(find_ok(p, "shop/orders/totals/reduce")), "_sum");
	fs_obj *filter = find_ok(p, "shop/orders/filters/mine");
	assert_int_equal(filter->fn, FS_FN_FILTER);
	path = fs_obj_path(filter);
	assert_string_equal(path, "shop/orders/filters/mine");
	free(path);
	path = fs_obj_path(map);
	assert_string_equal(path, "shop/orders/by_customer/map");
	free(path);
	assert_non_null(find_ok(p, "shop/orders/updates/stamp"));
	assert_non_null(find_ok(p, "shop/orders/validate_doc_update"));
	assert_null(fs_project_find(p, "shop/orders/nope"));
	assert_null(fs_project_find(p, "shop/orders/filters/nope"));
	assert_ptr_equal(fs_obj_up(map, FS_K_CONNECTOR), shop);
	assert_string_equal(fs_obj_file(map), "_c8oProject/connectors/shop.yaml");
	const cJSON *doc = fs_ddoc_json(ddoc);
	assert_string_equal(cJSON_GetObjectItem(doc, "_id")->valuestring, "_design/orders");
	assert_string_equal(fs_kind_name(FS_K_DDOC), "designdoc");
	assert_string_equal(fs_fn_name(FS_FN_VALIDATE), "validate_doc_update");
	fs_project_free(p);
	free(dir);
}

static void props_and_text(void **state)
{
	char *dir = fmt_layout("features", 0);
	fs_project *p = open_ok(dir);
	fs_obj *post = find_ok(p, "shop/PostOrder");
	const fs_prop *v;
	size_t n = fs_obj_props(post, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].key, "fullSyncAclPolicy");
	assert_string_equal(v[1].value, "{\"type\":\"order\"}");
	assert_string_equal(fs_obj_prop(post, "policy"), "merge");
	assert_null(fs_obj_prop(post, "useHash"));
	assert_string_equal(fs_obj_prop(find_ok(p, "shop"), "\xe2\x86\x91" "default"), "true");
	char *t = fs_obj_text(post);
	assert_string_equal(t, "fullSyncAclPolicy: fromKeyC8oAcl\np_json_base: {\"type\":\"order\"}\npolicy: merge\n");
	free(t);
	fs_obj *root = fs_project_root(p);
	assert_string_equal(fs_obj_prop(root, "comment"),
			    "A project that uses every feature of the line dialect: quoting, blocks, split files.\n\n"
			    "Second paragraph, with a tab\tand unicode: caf\xc3\xa9 \xe2\x9c\x93 \xe2\x80\x93 done.\n");
	t = fs_obj_text(find_ok(p, "shop/orders/totals"));
	assert_string_equal(t, "map:\nfunction (doc) {\n    emit(doc.customer, doc.total); // caf\xc3\xa9 \xe2\x9c\x93\n}\n"
			       "reduce:\n_sum\n");
	free(t);
	t = fs_obj_text(find_ok(p, "shop/orders/by_customer/reduce"));
	assert_string_equal(t, "function (keys, values, rereduce) {\n    return values.length;\n}");
	free(t);
	fs_project_free(p);
	free(dir);
}

/* Editing one map function changes only that function's lines; the result
 * loads back to the same model. */
static void edit_one_map(void **state)
{
	for (int crlf = 0; crlf <= 1; crlf++) {
		char *dir = fmt_layout("features", crlf);
		char *before = fmt_read(dir, "_c8oProject/connectors/shop.yaml");
		char *main_before = fmt_read(dir, "c8oProject.yaml");
		fs_project *p = open_ok(dir);
		fs_err e;
		const char *js = "function (doc) {\n    if (doc.type == 'order' && doc.customer)\n"
				 "        emit(doc._id, doc.customer);\n}";
		fs_obj *map = find_ok(p, "shop/orders/by_customer/map");
		/* an edit put back by hand leaves nothing to save */
		char *orig = fs_xstrdup(fs_fn_text(map));
		assert_int_equal(fs_fn_set_text(map, js, &e), 0);
		assert_true(fs_project_dirty(p));
		assert_int_equal(fs_fn_set_text(map, orig, &e), 0);
		assert_false(fs_project_dirty(p));
		free(orig);
		assert_int_equal(fs_fn_set_text(map, js, &e), 0);
		assert_true(fs_project_dirty(p));
		assert_int_equal(fs_project_save(p, &e), 0);
		assert_false(fs_project_dirty(p));
		fs_project_free(p);
		char *after = fmt_read(dir, "_c8oProject/connectors/shop.yaml");
		char *main_after = fmt_read(dir, "c8oProject.yaml");
		assert_string_equal(main_before, main_after);
		/* 4 lines each; the closing brace line is the same (\r\n became \n on the others) */
		assert_int_equal(fmt_changed_lines(before, after), 3);
		assert_non_null(strstr(after, crlf ? "if (doc.type == ''order'' && doc.customer)\\n\r\n"
						   : "if (doc.type == ''order'' && doc.customer)\\n\n"));
		p = open_ok(dir);
		assert_string_equal(fs_fn_text(find_ok(p, "shop/orders/by_customer/map")), js);
		assert_string_equal(fs_fn_text(find_ok(p, "shop/orders/totals/reduce")), "_sum");
		fs_project_free(p);
		free(before);
		free(after);
		free(main_before);
		free(main_after);
		free(dir);
	}
}

/* docdata as a plain value (hand-written) reads and writes in place. */
static void plain_docdata(void **state)
{
	char *dir = fs_path_join(fs_test_tmpdir(), "plain");
	char *rel = fs_path_join(dir, "c8oProject.yaml");
	assert_int_equal(fs_mkdir_p(dir, 0755, NULL), 0);
	const char *text = "\xe2\x86\x93p [core.Project]: \n  \xe2\x86\x93" "c [connectors.FullSyncConnector]: \n"
			   "    \xe2\x86\x93" "d [couchdb.DesignDocument]: \n"
			   "      docdata: '{\"_id\": \"_design/d\", \"views\": {\"v\": {\"map\": \"function (doc) {}\"}}}'";
	assert_int_equal(fs_write_file_atomic(rel, text, strlen(text), 0644, NULL), 0);
	fs_project *p = open_ok(dir);
	fs_err e;
	fs_obj *map = find_ok(p, "c/d/v/map");
	assert_string_equal(fs_fn_text(map), "function (doc) {}");
	ok(fs_fn_set_text(map, "function (doc) {\n}", &e), &e);
	save_ok(p);
	fs_project_free(p);
	char *after = fmt_read(dir, "c8oProject.yaml");
	assert_non_null(strstr(after, "      docdata: |\n        '{\n          \"_id\": \"_design\\/d\",\n"));
	p = open_ok(dir);
	assert_string_equal(fs_fn_text(find_ok(p, "c/d/v/map")), "function (doc) {\n}");
	fs_project_free(p);
	free(after);
	free(rel);
	free(dir);
}

static void edit_fixture_map(void **state)
{
	char *fx = fs_test_fixture("c8oprj-lib-user-manager");
	if (!fx)
		skip();
	char *dir = fs_path_join(fs_test_tmpdir(), "um");
	assert_int_equal(fs_test_copy_tree(fx, dir), 0);
	const char *rel = "_c8oProject/connectors/lib_usermanager_fullsync.yaml";
	char *before = fmt_read(dir, rel);
	fs_project *p = open_ok(dir);
	fs_obj *map = find_ok(p, "lib_usermanager_fullsync/Design_document/Users/map");
	char *js = fs_xstrdup(fs_fn_text(map));
	char *at = strstr(js, "status: doc.account.status");
	assert_non_null(at);
	memcpy(at, "STATUS", 6);
	fs_err e;
	assert_int_equal(fs_fn_set_text(map, js, &e), 0);
	assert_int_equal(fs_project_save(p, &e), 0);
	fs_project_free(p);
	char *after = fmt_read(dir, rel);
	assert_int_equal(fmt_changed_lines(before, after), 1);
	free(js);
	free(before);
	free(after);
	free(dir);
	free(fx);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char *path = fs_path_join(dir, rel);
	char *slash = strrchr(path, '/');
	*slash = 0;
	assert_int_equal(fs_mkdir_p(path, 0755, NULL), 0);
	*slash = '/';
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
	free(path);
}

/* Bad input: a clear "file:line: message", code FS_E_PARSE, nothing written. */
static void bad_input(void **state)
{
	static const struct {
		const char *rel, *text, *msg;
	} cases[] = {
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  version 1\n", "c8oProject.yaml:2: expected 'key: value'" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n   version: 1", "c8oProject.yaml:2: bad indentation" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  a: \n      b: 1", "c8oProject.yaml:3: bad indentation" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  comment: 'open", "c8oProject.yaml:2: unterminated" },
		{ "c8oProject.yaml", "\xe2\x86\x93p core.Project: \n", "c8oProject.yaml:1: a bean line" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  comment: |\nx: y", "c8oProject.yaml:2: a '|' value" },
		{ "c8oProject.yaml", "version: 1", "c8oProject.yaml:1: no project bean" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  \xe2\x86\x93" "c [connectors.FullSyncConnector]: \xf0\x9f\x97\x8f connectors/none.yaml",
		  "c8oProject.yaml:2: cannot read the included file" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  \xe2\x86\x93" "c [connectors.FullSyncConnector]: \xf0\x9f\x97\x8f ../../etc/passwd",
		  "c8oProject.yaml:2: bad included file name" },
		{ "c8oProject.yaml", "\xe2\x86\x93p [core.Project]: \n  \xe2\x86\x93" "d [connectors.FullSyncConnector]: \n"
				     "    \xe2\x86\x93" "dd [couchdb.DesignDocument]: \n      docdata: \n        \xe2\x86\x92: |\n"
				     "          '{\n            \"_id\": \"x\",\n            \"views\": {\n          }'",
		  "c8oProject.yaml:9: broken design document JSON" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *dir = fs_path_join(fs_test_tmpdir(), "bad");
		write_file(dir, cases[i].rel, cases[i].text);
		fs_project *p = (fs_project *)1;
		fs_err e;
		assert_int_equal(fs_project_open(&p, dir, &e), FS_E_PARSE);
		assert_null(p);
		if (strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: got '%s', want '%s...'", i, e.msg, cases[i].msg);
		/* nothing was written: the folder holds only what we wrote */
		char *out = NULL;
		fs_test_sh(&out, 0, "cd '%s' && find . -type f | wc -l", dir);
		assert_int_equal(atoi(out), 1);
		free(out);
		free(dir);
	}
	/* an included file that is malformed names itself */
	char *dir = fmt_layout("features", 0);
	write_file(dir, "_c8oProject/connectors/crm.yaml", "databaseName: crm\n\xe2\x86\x93x [a.B]: junk");
	fs_project *p;
	fs_err e;
	assert_int_equal(fs_project_open(&p, dir, &e), FS_E_PARSE);
	assert_string_equal(e.msg, "_c8oProject/connectors/crm.yaml:2: a bean line ends with ': ' or ': \xf0\x9f\x97\x8f file'");
	free(dir);
}



typedef struct mem {
	const char *main;
} mem;

static enum fs_err_code read_mem(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	mem *m = ctx;
	if (strcmp(relpath, "c8oProject.yaml"))
		return fs_err_set(e, FS_E_NOTFOUND, "%s: not in this revision", relpath);
	*data = fs_xstrdup(m->main);
	*len = strlen(m->main);
	return 0;
}

/* Projects read from any store (git blobs): messages carry the label. */
static void open_with_reader(void **state)
{
	mem m = { "\xe2\x86\x93p [core.Project]: \n  \xe2\x86\x93" "c [connectors.FullSyncConnector]: \xf0\x9f\x97\x8f connectors/c.yaml" };
	fs_project *p;
	fs_err e;
	assert_int_equal(fs_project_open_with(&p, "HEAD", read_mem, &m, &e), FS_E_PARSE);
	assert_string_equal(e.msg, "HEAD: c8oProject.yaml:2: cannot read the included file: _c8oProject/connectors/c.yaml: not in this revision");
	m.main = "\xe2\x86\x93p [core.Project]: \n  version: 2\n\n  comment: blank line kept";
	ok(fs_project_open_with(&p, "HEAD", read_mem, &m, &e), &e);
	assert_null(fs_project_dir(p));
	assert_string_equal(fs_obj_prop(fs_project_root(p), "version"), "2");
	ok(fs_obj_set_prop(fs_project_root(p), "version", "3", &e), &e);
	assert_int_equal(fs_project_save(p, &e), FS_E_USAGE);
	char *out = fs_path_join(fs_test_tmpdir(), "out");
	ok(fs_project_save_to(p, out, &e), &e);
	char *text = fmt_read(out, "c8oProject.yaml");
	assert_string_equal(text, "\xe2\x86\x93p [core.Project]: \n  version: 3\n\n  comment: blank line kept");
	free(text);
	free(out);
	fs_project_free(p);
}

static void set_props(void **state)
{
	char *dir = fmt_layout("features", 0);
	char *before = fmt_read(dir, "_c8oProject/connectors/shop.yaml");
	fs_project *p = open_ok(dir);
	fs_err e;
	fs_obj *post = find_ok(p, "shop/PostOrder");
	ok(fs_obj_set_prop(post, "policy", "override", &e), &e);
	assert_string_equal(fs_obj_prop(post, "policy"), "override");
	assert_int_equal(fs_obj_set_prop(post, "policy", "sideways", &e), FS_E_INVALID);
	assert_non_null(strstr(e.msg, "none|create|override|merge"));
	assert_int_equal(fs_obj_set_prop(find_ok(p, "shop/OnOrder"), "chunk", "ten", &e), FS_E_INVALID);
	assert_int_equal(fs_obj_set_prop(find_ok(p, "shop/OnOrder"), "targetView", "a.b", &e), FS_E_INVALID);
	assert_int_equal(fs_obj_set_prop(find_ok(p, "OnOrder"), "comment", "x", &e), FS_E_INVALID);
	assert_int_equal(fs_obj_set_prop(find_ok(p, "shop/orders/count"), "x", "x", &e), FS_E_INVALID);
	assert_int_equal(fs_obj_set_prop(post, "bad key", "x", &e), FS_E_INVALID);
	save_ok(p);
	char *after = fmt_read(dir, "_c8oProject/connectors/shop.yaml");
	assert_int_equal(fmt_changed_lines(before, after), 1);
	assert_non_null(strstr(after, "  p_json_base: '{\"type\":\"order\"}'\n  policy: override\n"));
	free(before);
	before = after;
	/* defaults are not written: the lines go away */
	ok(fs_obj_set_prop(post, "policy", "none", &e), &e);
	assert_null(fs_obj_prop(post, "policy"));
	ok(fs_obj_set_prop(find_ok(p, "shop/OnOrder"), "chunk", "10", &e), &e);
	ok(fs_obj_set_prop(find_ok(p, "shop"), "anonymousReplication", "deny", &e), &e);
	/* a new property goes in alphabetical order, quoted when it must */
	ok(fs_obj_set_prop(post, "useHash", "true", &e), &e);
	ok(fs_obj_set_prop(post, "comment", "note: quoted", &e), &e);
	ok(fs_obj_set_prop(find_ok(p, "shop/OnOrder"), "comment", "two\nlines", &e), &e);
	save_ok(p);
	after = fmt_read(dir, "_c8oProject/connectors/shop.yaml");
	assert_non_null(strstr(after, "PostDocumentTransaction]: \n  comment: 'note: quoted'\n  fullSyncAclPolicy: fromKeyC8oAcl\n"
				      "  p_json_base: '{\"type\":\"order\"}'\n  useHash: true\n  \xe2\x86\x93_id"));
	assert_non_null(strstr(after, "FullSyncListener]: \n  comment: |\n    two\n    lines\n  targetSequence"));
	assert_null(strstr(after, "anonymousReplication"));
	assert_null(strstr(after, "chunk"));
	fs_project_free(p);
	p = open_ok(dir);
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/OnOrder"), "comment"), "two\nlines");
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/PostOrder"), "comment"), "note: quoted");
	fs_project_free(p);
	free(before);
	free(after);
	free(dir);
}

static void rename_view_keeps_references(void **state)
{
	char *dir = fmt_layout("features", 0);
	fs_project *p = open_ok(dir);
	fs_err e;
	fs_obj *view = find_ok(p, "shop/orders/by_customer");
	assert_int_equal(fs_obj_rename(view, "totals", &e), FS_E_EXISTS);
	assert_int_equal(fs_obj_rename(view, "a/b", &e), FS_E_INVALID);
	ok(fs_obj_rename(view, "by_client", &e), &e);
	assert_ptr_equal(find_ok(p, "shop/orders/by_client"), view);
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/OnOrder"), "targetView"), "features.shop.orders.by_client");
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/GetByCustomer"), "viewname"), "orders/by_client");
	assert_int_equal(fs_obj_rename(find_ok(p, "shop/orders/by_client/map"), "x", &e), FS_E_INVALID);
	ok(fs_obj_rename(find_ok(p, "shop/orders/filters/mine"), "own", &e), &e);
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/OnFilter"), "targetFilter"), "orders/own");
	save_ok(p);
	fs_project_free(p);
	p = open_ok(dir);
	fs_obj *ddoc = find_ok(p, "shop/orders");
	assert_string_equal(ddoc->kids[0]->name, "by_client"); /* same place in the JSON */
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/OnOrder"), "targetView"), "features.shop.orders.by_client");
	assert_non_null(find_ok(p, "shop/orders/filters/own"));
	/* the design document and the connector follow too */
	ok(fs_obj_rename(ddoc, "sales", &e), &e);
	assert_string_equal(cJSON_GetObjectItem(fs_ddoc_json(ddoc), "_id")->valuestring, "_design/sales");
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/OnOrder"), "targetView"), "features.shop.sales.by_client");
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/GetByCustomer"), "viewname"), "sales/by_client");
	assert_string_equal(fs_obj_prop(find_ok(p, "shop/OnFilter"), "targetFilter"), "sales/own");
	fs_obj *shop = find_ok(p, "shop");
	assert_int_equal(fs_obj_rename(shop, "Store", &e), FS_E_INVALID);
	assert_int_equal(fs_obj_rename(shop, "crm", &e), FS_E_EXISTS);
	ok(fs_obj_rename(shop, "store", &e), &e);
	assert_string_equal(fs_obj_file(shop), "_c8oProject/connectors/store.yaml");
	assert_string_equal(fs_connector_db(shop), "store");
	assert_string_equal(fs_obj_prop(find_ok(p, "store/OnOrder"), "targetView"), "features.store.sales.by_client");
	fs_files fl;
	ok(fs_project_render(p, &fl, &e), &e);
	assert_int_equal(fl.nremoved, 1);
	assert_string_equal(fl.removed[0], "_c8oProject/connectors/shop.yaml");
	fs_files_free(&fl);
	save_ok(p);
	fs_project_free(p);
	char *path = fs_path_join(dir, "_c8oProject/connectors/shop.yaml");
	assert_false(fs_is_file(path));
	free(path);
	char *main = fmt_read(dir, "c8oProject.yaml");
	assert_non_null(strstr(main, "\n  \xe2\x86\x93store [connectors.FullSyncConnector]: \xf0\x9f\x97\x8f connectors/store.yaml\n"));
	free(main);
	p = open_ok(dir);
	fs_issues is;
	fs_project_check(p, &is);
	for (size_t i = 0; i < is.n; i++)
		assert_null(strstr(is.v[i].path, "store"));
	fs_issues_free(&is);
	fs_project_free(p);
	free(dir);
}

static const char new_conn_file[] =
	"databaseName: fresh\n"
	"\xe2\x86\x93GetServerInfo [transactions.couchdb.GetServerInfoTransaction]: \n"
	"  \xe2\x86\x91" "default: true\n"
	"\xe2\x86\x93PostDoc [transactions.couchdb.PostDocumentTransaction]: \n"
	"  policy: override\n"
	"\xe2\x86\x93OnFresh [couchdb.FullSyncListener]: \n"
	"  targetSequence: features.OnOrder\n"
	"  targetView: features.fresh.dd.v\n"
	"\xe2\x86\x93" "dd [couchdb.DesignDocument]: \n"
	"  docdata: \n"
	"    \xe2\x86\x92: |\n"
	"      '{\n"
	"        \"_id\": \"_design\\/dd\",\n"
	"        \"filters\": {},\n"
	"        \"updates\": {},\n"
	"        \"views\": {\n"
	"          \"v\": {\n"
	"            \"map\": \"function (doc) {\\n\n"
	"          emit(doc._id, null);\\n\n"
	"      }\",\n"
	"            \"reduce\": \"_sum\"\n"
	"          }\n"
	"        }\n"
	"      }'";

static void create_and_delete(void **state)
{
	char *dir = fmt_layout("features", 0);
	fs_project *p = open_ok(dir);
	fs_err e;
	fs_obj *root = fs_project_root(p), *conn, *dd, *v, *o;
	assert_int_equal(fs_obj_new(root, FS_K_CONNECTOR, "Fresh", NULL, &conn, &e), FS_E_INVALID);
	assert_int_equal(fs_obj_new(root, FS_K_CONNECTOR, "1x", NULL, &conn, &e), FS_E_INVALID);
	assert_int_equal(fs_obj_new(root, FS_K_CONNECTOR, "shop", NULL, &conn, &e), FS_E_EXISTS);
	assert_int_equal(fs_obj_new(root, FS_K_VIEW, "v", NULL, &conn, &e), FS_E_INVALID);
	ok(fs_obj_new(root, FS_K_CONNECTOR, "fresh", NULL, &conn, &e), &e);
	assert_int_equal(conn->kind, FS_K_CONNECTOR);
	ok(fs_obj_new(conn, FS_K_DDOC, "dd", NULL, &dd, &e), &e);
	assert_int_equal(fs_obj_new(conn, FS_K_DDOC, "c8o", NULL, &o, &e), FS_E_INVALID);
	ok(fs_obj_new(dd, FS_K_VIEW, "v", NULL, &v, &e), &e);
	assert_int_equal(fs_obj_new(dd, FS_K_VIEW, "v", NULL, &o, &e), FS_E_EXISTS);
	ok(fs_obj_new(v, FS_K_FUNCTION, NULL, "reduce", &o, &e), &e);
	assert_string_equal(fs_fn_text(o), "_count");
	assert_int_equal(fs_obj_new(v, FS_K_FUNCTION, NULL, "reduce", &o, &e), FS_E_EXISTS);
	ok(fs_fn_set_text(find_ok(p, "fresh/dd/v/reduce"), "_sum", &e), &e);
	ok(fs_obj_new(conn, FS_K_LISTENER, "OnFresh", NULL, &o, &e), &e);
	ok(fs_obj_set_prop(o, "targetView", "features.fresh.dd.v", &e), &e);
	ok(fs_obj_set_prop(o, "targetSequence", "features.OnOrder", &e), &e);
	assert_int_equal(fs_obj_new(conn, FS_K_LISTENER, "L2", "couchdb.Nope", &o, &e), FS_E_INVALID);
	ok(fs_obj_new(conn, FS_K_TRANSACTION, "PostDoc", NULL, &o, &e), &e);
	ok(fs_obj_set_prop(o, "policy", "override", &e), &e);
	save_ok(p);
	char *text = fmt_read(dir, "_c8oProject/connectors/fresh.yaml");
	assert_string_equal(text, new_conn_file);
	free(text);
	char *main = fmt_read(dir, "c8oProject.yaml");
	assert_non_null(strstr(main, "connectors/crm.yaml\n  \xe2\x86\x93" "fresh [connectors.FullSyncConnector]: \xf0\x9f\x97\x8f connectors/fresh.yaml\n"));
	free(main);
	fs_issues is;
	fs_project_check(p, &is);
	for (size_t i = 0; i < is.n; i++)
		assert_null(strstr(is.v[i].path, "fresh"));
	fs_issues_free(&is);
	fs_project_free(p);

	/* functions of a design document, then deletions */
	p = open_ok(dir);
	dd = find_ok(p, "fresh/dd");
	ok(fs_obj_new(dd, FS_K_FUNCTION, NULL, "validate_doc_update", &o, &e), &e);
	ok(fs_obj_new(dd, FS_K_FUNCTION, "f1", "filters", &o, &e), &e);
	ok(fs_obj_new(dd, FS_K_FUNCTION, "u1", "updates", &o, &e), &e);
	assert_int_equal(fs_obj_new(dd, FS_K_FUNCTION, "f1", "filters", &o, &e), FS_E_EXISTS);
	assert_int_equal(fs_obj_new(dd, FS_K_FUNCTION, "m", "map", &o, &e), FS_E_INVALID);
	ok(fs_obj_new(dd, FS_K_VIEW, "w", NULL, &o, &e), &e);
	assert_string_equal(dd->kids[1]->name, "w"); /* views come first */
	assert_int_equal(fs_obj_delete(find_ok(p, "fresh/dd/v/map"), &e), FS_E_INVALID);
	ok(fs_obj_delete(find_ok(p, "fresh/dd/v/reduce"), &e), &e);
	assert_int_equal(find_ok(p, "fresh/dd/v")->nkids, 1);
	ok(fs_obj_delete(find_ok(p, "fresh/dd/filters/f1"), &e), &e);
	assert_null(fs_project_find(p, "fresh/dd/filters/f1"));
	save_ok(p);
	fs_project_free(p);
	p = open_ok(dir);
	assert_null(fs_project_find(p, "fresh/dd/v/reduce"));
	assert_non_null(find_ok(p, "fresh/dd/updates/u1"));
	assert_non_null(find_ok(p, "fresh/dd/validate_doc_update"));
	const cJSON *doc = fs_ddoc_json(find_ok(p, "fresh/dd"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "filters")), 0);
	ok(fs_obj_delete(find_ok(p, "fresh/OnFresh"), &e), &e);
	ok(fs_obj_delete(find_ok(p, "fresh"), &e), &e);
	assert_int_equal(fs_obj_delete(fs_project_root(p), &e), FS_E_INVALID);
	save_ok(p);
	fs_project_free(p);
	char *path = fs_path_join(dir, "_c8oProject/connectors/fresh.yaml");
	assert_false(fs_is_file(path));
	free(path);
	/* back to the original bytes */
	char *orig = fmt_layout("features", 0);
	assert_true(fs_test_trees_equal(orig, dir));
	free(orig);
	free(dir);
}

static void first_connector(void **state)
{
	for (int crlf = 0; crlf <= 1; crlf++) {
		char *dir = fmt_layout("minimal", crlf);
		fs_project *p = open_ok(dir);
		fs_err e;
		fs_obj *c;
		ok(fs_obj_new(fs_project_root(p), FS_K_CONNECTOR, "db(1)+x/y", NULL, &c, &e), &e);
		char *path = fs_obj_path(c);
		assert_string_equal(path, "db(1)+x%2Fy");
		assert_ptr_equal(fs_project_find(p, path), c);
		free(path);
		save_ok(p);
		fs_project_free(p);
		const char *nl = crlf ? "\r\n" : "\n";
		char *want = fs_xasprintf("\xe2\x86\x91" "default: true%sdatabaseName: db(1)+x/y%s"
					  "\xe2\x86\x93GetServerInfo [transactions.couchdb.GetServerInfoTransaction]: %s"
					  "  \xe2\x86\x91" "default: true", nl, nl, nl);
		char *text = fmt_read(dir, "_c8oProject/connectors/db(1)+x/y.yaml");
		assert_string_equal(text, want);
		free(text);
		free(want);
		want = fs_xasprintf("\xe2\x86\x91" "convertigo: 8.1.0.m006%s\xe2\x86\x93minimal [core.Project]: %s"
				    "  version: 1.0.0%s  \xe2\x86\x93" "db(1)+x/y [connectors.FullSyncConnector]: "
				    "\xf0\x9f\x97\x8f connectors/db(1)+x/y.yaml", nl, nl, nl);
		text = fmt_read(dir, "c8oProject.yaml");
		assert_string_equal(text, want);
		free(text);
		free(want);
		p = open_ok(dir);
		assert_non_null(find_ok(p, "db(1)+x%2Fy/GetServerInfo"));
		fs_project_free(p);
		free(dir);
	}
}

static void copies(void **state)
{
	char *dir = fmt_layout("features", 0);
	fs_project *p = open_ok(dir);
	fs_err e;
	fs_obj *o;
	ok(fs_obj_copy(find_ok(p, "shop"), NULL, "shop2", &o, &e), &e);
	assert_string_equal(fs_obj_file(o), "_c8oProject/connectors/shop2.yaml");
	assert_string_equal(fs_connector_db(o), "shop2");
	ok(fs_obj_copy(find_ok(p, "shop/orders"), find_ok(p, "crm"), "orders", &o, &e), &e);
	assert_string_equal(fs_obj_file(o), "_c8oProject/connectors/crm.yaml");
	ok(fs_obj_copy(find_ok(p, "shop/orders"), NULL, "orders_v2", &o, &e), &e);
	assert_string_equal(cJSON_GetObjectItem(fs_ddoc_json(o), "_id")->valuestring, "_design/orders_v2");
	ok(fs_obj_copy(find_ok(p, "shop/orders/by_customer"), find_ok(p, "crm/people"), "by_customer", &o, &e), &e);
	assert_int_equal(o->nkids, 2);
	assert_int_equal(fs_obj_copy(find_ok(p, "shop/orders/by_customer"), find_ok(p, "crm"), "x", &o, &e), FS_E_INVALID);
	ok(fs_obj_copy(find_ok(p, "shop/orders/totals/reduce"), find_ok(p, "crm/people/by_name"), NULL, &o, &e), &e);
	ok(fs_obj_copy(find_ok(p, "shop/orders/filters/mine"), NULL, "mine2", &o, &e), &e);
	ok(fs_obj_copy(find_ok(p, "shop/OnOrder"), NULL, "OnOrder2", &o, &e), &e);
	assert_int_equal(fs_obj_copy(find_ok(p, "shop/OnOrder"), NULL, "OnOrder2", &o, &e), FS_E_EXISTS);
	save_ok(p);
	fs_project_free(p);
	p = open_ok(dir);
	assert_string_equal(fs_fn_text(find_ok(p, "crm/people/by_name/reduce")), "_sum");
	assert_string_equal(fs_fn_text(find_ok(p, "crm/orders/by_customer/map")),
			    fs_fn_text(find_ok(p, "shop2/orders/by_customer/map")));
	assert_non_null(find_ok(p, "shop/orders_v2/filters/mine"));
	assert_non_null(find_ok(p, "shop/orders/filters/mine2"));
	assert_non_null(find_ok(p, "shop/OnOrder2"));
	fs_project_free(p);
	char *copy = fmt_read(dir, "_c8oProject/connectors/shop2.yaml");
	char *orig = fmt_layout("features", 0);
	char *shop = fmt_read(orig, "_c8oProject/connectors/shop.yaml");
	free(orig);
	assert_non_null(strstr(copy, "databaseName: shop2\n"));
	assert_int_equal(fmt_changed_lines(copy, shop), 1);
	free(copy);
	free(shop);
	free(dir);
}

static int has_issue(const fs_issues *is, const char *path, int warning, const char *msg)
{
	for (size_t i = 0; i < is->n; i++)
		if (!strcmp(is->v[i].path, path) && is->v[i].warning == warning && strstr(is->v[i].message, msg))
			return 1;
	return 0;
}

static void checks(void **state)
{
	char *dir = fmt_layout("features", 0);
	fs_project *p = open_ok(dir);
	fs_issues is;
	fs_project_check(p, &is);
	/* crm has a dangling listener and GetView; shop is clean */
	assert_true(has_issue(&is, "crm/OnGone", 1, "targetView features.crm.people.missing names no existing view"));
	assert_true(has_issue(&is, "crm/GetPeople", 0, "viewname people/missing names no view of crm"));
	assert_int_equal(is.n, 2);
	fs_issues_free(&is);
	fs_err e;
	ok(fs_fn_set_text(find_ok(p, "shop/orders/by_customer/map"), "function (doc) { emit(doc.customer, 1); }", &e), &e);
	ok(fs_obj_set_prop(find_ok(p, "shop/OnFilter"), "targetFilter", "orders/none", &e), &e);
	ok(fs_obj_set_prop(find_ok(p, "shop/OnFilter"), "targetSequence", "features.Nope", &e), &e);
	ok(fs_fn_set_text(find_ok(p, "shop/orders/count/map"), " \n", &e), &e);
	fs_project_check(p, &is);
	assert_true(has_issue(&is, "shop/OnOrder", 1, "does not emit(doc._id"));
	assert_true(has_issue(&is, "shop/OnFilter", 1, "targetFilter orders/none names no filter"));
	assert_true(has_issue(&is, "shop/OnFilter", 1, "targetSequence features.Nope names no sequence"));
	assert_true(has_issue(&is, "shop/orders/count/map", 0, "empty map function"));
	fs_issues_free(&is);
	/* the listener check reads the JavaScript, not the text: any parameter
	 * name and spacing count, a commented-out emit does not */
	fs_obj *map = find_ok(p, "shop/orders/by_customer/map");
	ok(fs_fn_set_text(map, "function (d) { emit( d._id , 1); }", &e), &e);
	fs_project_check(p, &is);
	assert_false(has_issue(&is, "shop/OnOrder", 1, "does not emit(doc._id"));
	fs_issues_free(&is);
	ok(fs_fn_set_text(map, "function (doc) { // emit(doc._id)\n emit(doc.x); }", &e), &e);
	fs_project_check(p, &is);
	assert_true(has_issue(&is, "shop/OnOrder", 1, "does not emit(doc._id"));
	fs_issues_free(&is);
	/* a fixture: the filter listener has no targetFilter (_doc_ids) and is fine */
	fs_project_free(p);
	free(dir);
	char *fx = fs_test_fixture("c8oprj-sample-resolveconflicts");
	if (!fx)
		return;
	p = open_ok(fx);
	fs_project_check(p, &is);
	assert_int_equal(is.n, 0);
	fs_issues_free(&is);
	fs_project_free(p);
	free(fx);
}

static void set_json_from_server(void **state)
{
	char *dir = fmt_layout("features", 0);
	char *before = fmt_read(dir, "_c8oProject/connectors/crm.yaml");
	fs_project *p = open_ok(dir);
	fs_err e;
	fs_obj *ddoc = find_ok(p, "crm/people");
	cJSON *d = cJSON_Duplicate(fs_ddoc_json(ddoc), 1);
	cJSON_AddStringToObject(d, "_rev", "3-abc");
	ok(fs_ddoc_set_json(ddoc, d, &e), &e);
	assert_false(fs_project_dirty(p)); /* same document: nothing to write */
	cJSON *views = cJSON_GetObjectItem(d, "views");
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "map", "function (doc) {\n    emit(doc.age, null);\n}");
	cJSON_AddStringToObject(v, "reduce", "_stats");
	cJSON_AddItemToObject(views, "by_age", v);
	ok(fs_ddoc_set_json(ddoc, d, &e), &e);
	assert_string_equal(fs_fn_text(find_ok(p, "crm/people/by_age/reduce")), "_stats");
	cJSON_ReplaceItemInObject(d, "_id", cJSON_CreateString("_design/other"));
	assert_int_equal(fs_ddoc_set_json(ddoc, d, &e), FS_E_INVALID);
	cJSON_Delete(d);
	save_ok(p);
	fs_project_free(p);
	char *after = fmt_read(dir, "_c8oProject/connectors/crm.yaml");
	assert_null(strstr(after, "_rev"));
	/* "}" of by_name became "}," and by_age takes 5 lines */
	assert_int_equal(fmt_changed_lines(before, after), 6);
	free(before);
	free(after);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(tree_and_paths, fs_test_teardown),
		cmocka_unit_test_teardown(props_and_text, fs_test_teardown),
		cmocka_unit_test_teardown(edit_one_map, fs_test_teardown),
		cmocka_unit_test_teardown(edit_fixture_map, fs_test_teardown),
		cmocka_unit_test_teardown(plain_docdata, fs_test_teardown),
		cmocka_unit_test_teardown(bad_input, fs_test_teardown),
		cmocka_unit_test_teardown(open_with_reader, fs_test_teardown),
		cmocka_unit_test_teardown(set_props, fs_test_teardown),
		cmocka_unit_test_teardown(rename_view_keeps_references, fs_test_teardown),
		cmocka_unit_test_teardown(create_and_delete, fs_test_teardown),
		cmocka_unit_test_teardown(first_connector, fs_test_teardown),
		cmocka_unit_test_teardown(copies, fs_test_teardown),
		cmocka_unit_test_teardown(checks, fs_test_teardown),
		cmocka_unit_test_teardown(set_json_from_server, fs_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
