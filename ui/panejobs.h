/* A pane's queue of background jobs (base/job.h) tied to the main loop:
 * made and watched, then unwatched, cancelled and waited for, the same way
 * in every pane that runs jobs. */
#ifndef FS_UI_PANEJOBS_H
#define FS_UI_PANEJOBS_H

#include "app.h"
#include "base/job.h"

/* One worker; ready(a, fd, revents, ctx) runs when a job posts or ends
 * (it calls fs_jobs_dispatch). NULL when no worker could start. */
fs_jobs *fs_pane_jobs_new(fs_app *a, fs_watch_fn ready, void *ctx);
/* Unwatches q, cancels its jobs and waits for them (their done callbacks
 * do not run; their args are freed), frees q. running: a job of q was
 * counted in a->busy. q may be NULL. */
void fs_pane_jobs_free(fs_app *a, fs_jobs *q, int running);

#endif
