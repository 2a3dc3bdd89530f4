/* A pane's job queue: see panejobs.h. */
#include <poll.h>
#include "panejobs.h"

fs_jobs *fs_pane_jobs_new(fs_app *a, fs_watch_fn ready, void *ctx)
{
	fs_jobs *q = fs_jobs_new(1);
	if (q)
		fs_app_watch(a, fs_jobs_fd(q), POLLIN, ready, ctx);
	return q;
}

void fs_pane_jobs_free(fs_app *a, fs_jobs *q, int running)
{
	if (!q)
		return;
	fs_app_unwatch(a, fs_jobs_fd(q));
	if (running)
		a->busy--;
	fs_jobs_free(q);
}
