/* Edits of the project model: properties, functions, create, rename, delete,
 * copy. Every edit keeps the rest of the files byte for byte. */
#include <stdlib.h>
#include <string.h>
#include "docdata.h"
#include "project_int.h"

int fs_obj_set_prop(fs_obj *o, const char *key, const char *value, fs_err *e)
{
	return fs_err_set(e, FS_E_INVALID, "not implemented yet");
}

int fs_fn_set_text(fs_obj *fn, const char *text, fs_err *e)
{
	cJSON *j = fs_fn_json(fn);
	if (!cJSON_IsString(j))
		return fs_err_set(e, FS_E_INVALID, "not a function");
	cJSON_SetValuestring(j, text);
	fs_ddoc_commit(fs_obj_up(fn, FS_K_DDOC));
	return 0;
}

int fs_ddoc_set_json(fs_obj *ddoc, const cJSON *doc, fs_err *e)
{
	return fs_err_set(e, FS_E_INVALID, "not implemented yet");
}

int fs_obj_new(fs_obj *parent, fs_kind kind, const char *name, const char *variant, fs_obj **out, fs_err *e)
{
	return fs_err_set(e, FS_E_INVALID, "not implemented yet");
}

int fs_obj_rename(fs_obj *o, const char *name, fs_err *e)
{
	return fs_err_set(e, FS_E_INVALID, "not implemented yet");
}

int fs_obj_delete(fs_obj *o, fs_err *e)
{
	return fs_err_set(e, FS_E_INVALID, "not implemented yet");
}

int fs_obj_copy(fs_obj *o, fs_obj *parent, const char *name, fs_obj **out, fs_err *e)
{
	return fs_err_set(e, FS_E_INVALID, "not implemented yet");
}
