/* The deploy pane (ui/deploy.c): its entry point for the other panes. */
#ifndef FS_UI_DEPLOY_H
#define FS_UI_DEPLOY_H

#include "app.h"

/* Starts a deploy of the selected project: server menu, connectors menu,
 * then the plan in the deploy pane. */
void fs_deploy_start(fs_app *a);
/* The same with the server chosen already (the servers overview); with
 * from, promotes: deploys the commit that server runs, built from git. */
void fs_deploy_start_on(fs_app *a, int proj, const char *server, const char *from);

#endif
