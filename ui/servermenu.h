/* The menu that asks which server profile to use (deploy, the listener
 * pane, running a view in the browser): one shape for all. */
#ifndef FS_UI_SERVERMENU_H
#define FS_UI_SERVERMENU_H

#include "app.h"
#include "couch/servers.h"

/* A menu of the profile names of sv under question; done gets m->sel, the
 * index in sv. The labels point into sv: keep it until the menu is done. */
fs_modal *fs_server_menu(fs_app *a, const fs_servers *sv, const char *question, fs_modal_fn done);
/* The same after reading the profiles into *sv again (one added with
 * `fsstudio servers add` meanwhile shows); NULL, the reason on the message
 * line, when they cannot be read. */
fs_modal *fs_server_menu_load(fs_app *a, fs_servers *sv, const char *question, fs_modal_fn done);

#endif
