/* The server menu: see servermenu.h. */
#include <string.h>
#include "servermenu.h"

#define MENU_MAX 32

fs_modal *fs_server_menu(fs_app *a, const fs_servers *sv, const char *question, fs_modal_fn done)
{
	struct fs_menu_item items[MENU_MAX];
	size_t n = 0;
	for (size_t i = 0; i < sv->n && n < MENU_MAX; i++)
		items[n++] = (struct fs_menu_item){ FS_REQ_NONE, sv->v[i].name };
	return fs_modal_menu(a, question, items, n, done);
}

fs_modal *fs_server_menu_load(fs_app *a, fs_servers *sv, const char *question, fs_modal_fn done)
{
	fs_err e = { 0 };
	fs_servers_free(sv);
	memset(sv, 0, sizeof *sv);
	if (fs_servers_load(sv, NULL, &e)) {
		fs_app_error(a, "Server profiles: %s", e.msg);
		return NULL;
	}
	return fs_server_menu(a, sv, question, done);
}
