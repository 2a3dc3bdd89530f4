/* Enum name maps: see enummap.h. */
#include <string.h>
#include <strings.h>
#include "base/enummap.h"

const char *fs_enum_name(const fs_enum_map *m, int value, const char *def)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].value == value)
			return m->v[i].name;
	return def;
}

int fs_enum_value(const fs_enum_map *m, const char *name, int nocase, int *value)
{
	for (size_t i = 0; name && i < m->n; i++)
		if (!(nocase ? strcasecmp : strcmp)(m->v[i].name, name)) {
			*value = m->v[i].value;
			return 1;
		}
	return 0;
}
