/* The listener pane (ui/listener.c): its entry point for the other panes. */
#ifndef FS_UI_LISTENER_H
#define FS_UI_LISTENER_H

#include "app.h"

/* On the selected listener: asks for the server, then shows its last
 * changes replayed chunk by chunk in the listener pane. */
void fs_listener_pane_start(fs_app *a);

#endif
