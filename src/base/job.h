/* Background jobs: worker threads that run blocking work (HTTP, git, a
 * deploy) while the screen keeps drawing, and a pipe that says when a job
 * has news for the UI thread.
 *
 *   fs_jobs *q = fs_jobs_new(1);
 *   poll fs_jobs_fd(q) (POLLIN) with the UI's other fds; when readable:
 *   fs_jobs_dispatch(q);                  // note() and done() run here
 *
 *   struct copy *c = ...;                 // copies of what work reads
 *   fs_job *j = fs_job_start(q, &(fs_job_spec){ .work = work, .done = done,
 *                      .note = note, .arg = c, .free = copy_free, .owner = pane });
 *
 * Ownership: a job owns its arg. It holds copies of every input the work
 * function reads, never pointers into state the UI thread changes or frees;
 * what the work produces goes into the arg too, and done (on the UI thread)
 * takes it over. The arg is freed with spec.free after done returns, or
 * when the job is dropped without its done (fs_jobs_wait_owner,
 * fs_jobs_free). When a job must share something with its owner (a
 * connection with its own lock, say), the owner calls fs_jobs_wait_owner()
 * before it frees or replaces that thing.
 *
 * Progress: the work function posts messages with fs_job_post(); they reach
 * spec.note on the UI thread in the order posted, all before done.
 *
 * Cancellation: fs_job_cancel() (UI thread) sets the job's flag; the work
 * function looks at fs_job_cancelled(). Blocking layers look at
 * fs_job_current_cancelled() (the job running on the calling thread): the
 * HTTP layer aborts a cancelled job's requests within ~100 ms through it, so
 * cancelling needs no plumbing through every call.
 *
 * Every fs_jobs_ and fs_job_ function but fs_job_post, fs_job_cancelled and
 * fs_job_current_cancelled is for the thread that made the fs_jobs (the UI
 * thread). A job handle is valid until its done callback returns or it is
 * dropped. */
#ifndef FS_JOB_H
#define FS_JOB_H

#include "base/err.h"

typedef struct fs_jobs fs_jobs;
typedef struct fs_job fs_job;

/* Runs on a worker; returns an fs_err code (sets *e on failure). */
typedef enum fs_err_code (*fs_job_work_fn)(fs_job *job, void *arg, fs_err *e);
/* Runs in fs_jobs_dispatch(); rc and e are the work's result
 * (FS_E_CANCELLED when the job was cancelled before it started). */
typedef void (*fs_job_done_fn)(fs_job *job, void *arg, int rc, const fs_err *e);
/* Runs in fs_jobs_dispatch() for each posted message; takes msg over. */
typedef void (*fs_job_note_fn)(fs_job *job, void *arg, void *msg);

typedef struct fs_job_spec {
	fs_job_work_fn work;
	fs_job_done_fn done;      /* may be NULL */
	fs_job_note_fn note;      /* may be NULL: posted messages are freed */
	void *arg;                /* the job's own data */
	void (*free)(void *arg);  /* frees arg at the job's end; may be NULL */
	const void *owner;        /* for fs_jobs_wait_owner(); may be NULL */
} fs_job_spec;

fs_jobs *fs_jobs_new(int workers);
/* Cancels every job, joins the workers, frees the jobs (their done
 * callbacks do not run; their args are freed). */
void fs_jobs_free(fs_jobs *q);
int fs_jobs_fd(const fs_jobs *q);
/* Queues a job (FIFO; as many run at once as there are workers). */
fs_job *fs_job_start(fs_jobs *q, const fs_job_spec *spec);
/* The short form for a job with only work and done, whose arg the caller
 * keeps (CLI, tests). */
fs_job *fs_job_submit(fs_jobs *q, fs_job_work_fn work, fs_job_done_fn done, void *arg);
/* Safe on a job that finished but whose done has not run yet. */
void fs_job_cancel(fs_job *job);
/* 1 once the job was cancelled (any thread). */
int fs_job_cancelled(const fs_job *job);
/* 1 when the job running on the calling thread was cancelled; 0 outside
 * jobs. */
int fs_job_current_cancelled(void);
/* From the work function: msg (one malloc'd block, say a string) goes to
 * spec.note on the UI thread, which takes it over. */
void fs_job_post(fs_job *job, void *msg);
/* Runs the notes and done callbacks of the jobs that have news; returns
 * how many jobs ended. */
int fs_jobs_dispatch(fs_jobs *q);
/* Jobs started and not yet ended (for the spinner). */
int fs_jobs_pending(const fs_jobs *q);
/* Blocks, dispatching, until every job started so far has ended (CLI,
 * tests). */
void fs_jobs_wait_all(fs_jobs *q);
/* "Wait for my jobs": cancels the jobs of owner, waits until none of them
 * runs, and drops them (their done callbacks do not run; their notes are
 * freed, their args freed). Afterwards nothing of owner's runs: it may free
 * what they read. */
void fs_jobs_wait_owner(fs_jobs *q, const void *owner);

#endif
