/* Enum name maps, as tig's enum_map: one table of name/value pairs, made
 * from an X-macro list, answers both "the name of this value" and "the value
 * of this name", instead of a loop written again for every table. */
#ifndef FS_ENUMMAP_H
#define FS_ENUMMAP_H

#include <stddef.h>

typedef struct fs_enum_entry {
	const char *name;
	int value;
} fs_enum_entry;

typedef struct fs_enum_map {
	const fs_enum_entry *v;
	size_t n;
} fs_enum_map;

/* A map over a static array of entries:
 *   static const fs_enum_entry err_entries[] = { FS_ERR_LIST(ENTRY) };
 *   static const fs_enum_map errs = FS_ENUM_MAP(err_entries); */
#define FS_ENUM_MAP(entries) { (entries), sizeof(entries) / sizeof((entries)[0]) }

/* The name of the first entry with value, or def when none has it. */
const char *fs_enum_name(const fs_enum_map *m, int value, const char *def);
/* The value of the first entry named name (ASCII case ignored when
 * nocase) in *value; returns 0 when none is (any int may be a value). */
int fs_enum_value(const fs_enum_map *m, const char *name, int nocase, int *value);

#endif
