/* The database browser pane (ui/browser.c): servers > databases > documents
 * > a document > revisions, view queries and the changes feed. Every
 * request runs as a background job (base/job.h) with a spinner; Esc cancels. */
#ifndef FS_UI_BROWSER_H
#define FS_UI_BROWSER_H

#include "app.h"

/* Opens the browser on the server list (the `browse` request). */
void fs_browser_open(fs_app *a);
/* Runs the view selected in the project tree (a view or one of its
 * functions) on a server chosen from a menu: the query form, then the
 * result table (the `run-view` request). */
void fs_browser_run_view(fs_app *a);

#endif
