/* The details pane (ui/details.c): its entry points for the other panes. */
#ifndef FS_UI_DETAILS_H
#define FS_UI_DETAILS_H

#include "app.h"

/* The function under the details cursor when the pane has the focus (the
 * edit requests work on it), else NULL. */
fs_obj *fs_details_function(fs_app *a);

#endif
