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
#include "buf.h"
#include "fsutil.h"
#include "project.h"
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
		assert_int_equal(fs_fn_set_text(find_ok(p, "shop/orders/by_customer/map"), js, &e), 0);
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

static int teardown(void **state)
{
	fs_test_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(tree_and_paths, teardown),
		cmocka_unit_test_teardown(props_and_text, teardown),
		cmocka_unit_test_teardown(edit_one_map, teardown),
		cmocka_unit_test_teardown(edit_fixture_map, teardown),
		cmocka_unit_test_teardown(bad_input, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
