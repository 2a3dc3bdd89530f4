/* The history pane (ui/history.c): its entry points for the other panes. */
#ifndef FS_UI_HISTORY_H
#define FS_UI_HISTORY_H

#include "app.h"

/* Asks, then restores the object o of project proj to revision rev (NULL:
 * HEAD) through the core, and reads the project again. */
void fs_history_restore(fs_app *a, int proj, const fs_obj *o, const char *rev);

#endif
