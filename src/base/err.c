#include <stdio.h>
#include <string.h>
#include "base/err.h"
#include "base/enummap.h"

static const fs_enum_entry entries[] = {
#define FS_ERR_ENTRY(code, name) { name, FS_E_##code },
	FS_ERR_LIST(FS_ERR_ENTRY)
#undef FS_ERR_ENTRY
};
static const fs_enum_map names = FS_ENUM_MAP(entries);

int fs_err_vset(fs_err *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	}
	return code;
}

int fs_err_set(fs_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int fs_err_prefix(fs_err *e, const char *fmt, ...)
{
	char pre[512], old[sizeof e->msg];
	va_list ap;
	if (!e)
		return FS_E_OK;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%s: %s", pre, old);
	return e->code;
}

void fs_err_clear(fs_err *e)
{
	if (e) {
		e->code = FS_E_OK;
		e->msg[0] = '\0';
	}
}

const char *fs_err_name(int code)
{
	return fs_enum_name(&names, code, "unknown");
}
