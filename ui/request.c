/* The request table, generated from FS_REQ_LIST. */
#include <string.h>
#include "request.h"

static const struct fs_req_info table[] = {
#define FS_REQ_GROUP(title) { FS_REQ_NONE, title, "" },
#define FS_REQ_INFO(id, name, help) { FS_REQ_##id, name, help },
	FS_REQ_LIST(FS_REQ_GROUP, FS_REQ_INFO)
#undef FS_REQ_GROUP
#undef FS_REQ_INFO
};

const struct fs_req_info *fs_req_table(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

static const struct fs_req_info *info(fs_req r)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].req == r && r != FS_REQ_NONE)
			return &table[i];
	return NULL;
}

fs_req fs_req_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].req != FS_REQ_NONE && !strcmp(table[i].name, name))
			return table[i].req;
	return FS_REQ_NONE;
}

const char *fs_req_name(fs_req r)
{
	const struct fs_req_info *i = info(r);
	return i ? i->name : "none";
}

const char *fs_req_help(fs_req r)
{
	const struct fs_req_info *i = info(r);
	return i ? i->help : "";
}
