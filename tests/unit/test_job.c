/* The background-job layer: notes in order before done, cancellation seen
 * by the work and by fs_job_current_cancelled, "wait for my jobs" that
 * drops an owner's jobs without their done and frees their args. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/job.h"
#include "testlib.h"

struct arg {
	int count;                /* notes to post */
	atomic_int started;
	int saw_current;          /* fs_job_current_cancelled() at the end */
	char log[256];            /* notes and done, as the UI thread saw them */
	int done_calls, rc;
	int *freed;               /* set by arg_free */
};

static enum fs_err_code post_work(fs_job *job, void *arg, fs_err *e)
{
	struct arg *a = arg;
	for (int i = 0; i < a->count; i++)
		fs_job_post(job, fs_xasprintf("%d ", i));
	return 0;
}

/* Spins until cancelled (the way an HTTP request waits on its socket). */
static enum fs_err_code spin_work(fs_job *job, void *arg, fs_err *e)
{
	struct arg *a = arg;
	atomic_store(&a->started, 1);
	while (!fs_job_current_cancelled())
		usleep(1000);
	a->saw_current = fs_job_cancelled(job);
	return fs_err_set(e, FS_E_CANCELLED, "stopped");
}

static void note(fs_job *job, void *arg, void *msg)
{
	struct arg *a = arg;
	strncat(a->log, msg, sizeof a->log - strlen(a->log) - 1);
	free(msg);
}

static void done(fs_job *job, void *arg, int rc, const fs_err *e)
{
	struct arg *a = arg;
	a->done_calls++;
	a->rc = rc;
	strncat(a->log, "done", sizeof a->log - strlen(a->log) - 1);
}

static void arg_free(void *arg)
{
	struct arg *a = arg;
	(*a->freed)++;
}

static void notes_come_in_order_before_done(void **state)
{
	fs_jobs *q = fs_jobs_new(2);
	int freed = 0;
	struct arg a = { .count = 5, .freed = &freed };
	fs_job_start(q, &(fs_job_spec){ .work = post_work, .done = done, .note = note,
					.arg = &a, .free = arg_free });
	assert_int_equal(fs_jobs_pending(q), 1);
	fs_jobs_wait_all(q);
	assert_string_equal(a.log, "0 1 2 3 4 done");
	assert_int_equal(a.done_calls, 1);
	assert_int_equal(a.rc, 0);
	assert_int_equal(freed, 1);
	assert_int_equal(fs_jobs_pending(q), 0);
	fs_jobs_free(q);
}

static void cancel_reaches_the_work(void **state)
{
	fs_jobs *q = fs_jobs_new(1);
	int freed = 0;
	struct arg a = { .freed = &freed }, queued = { .count = 1, .freed = &freed };
	fs_job *j = fs_job_start(q, &(fs_job_spec){ .work = spin_work, .done = done, .arg = &a,
						    .free = arg_free });
	/* queued behind the spinning one on the only worker: cancelled before
	 * it starts, its work never runs */
	fs_job *k = fs_job_start(q, &(fs_job_spec){ .work = post_work, .done = done, .note = note,
						    .arg = &queued, .free = arg_free });
	while (!atomic_load(&a.started))
		usleep(1000);
	assert_int_equal(fs_job_current_cancelled(), 0);
	fs_job_cancel(k);
	fs_job_cancel(j);
	fs_jobs_wait_all(q);
	assert_int_equal(a.rc, FS_E_CANCELLED);
	assert_int_equal(a.saw_current, 1);
	assert_int_equal(queued.rc, FS_E_CANCELLED);
	assert_string_equal(queued.log, "done");
	assert_int_equal(freed, 2);
	fs_jobs_free(q);
}

static void wait_owner_drops_only_its_jobs(void **state)
{
	fs_jobs *q = fs_jobs_new(2);
	int freed = 0, other_freed = 0;
	struct arg mine = { .freed = &freed }, queued = { .count = 3, .freed = &freed };
	struct arg other = { .count = 2, .freed = &other_freed };
	int me, you;
	fs_job_start(q, &(fs_job_spec){ .work = spin_work, .done = done, .arg = &mine,
					.free = arg_free, .owner = &me });
	fs_job_start(q, &(fs_job_spec){ .work = post_work, .done = done, .note = note,
					.arg = &other, .free = arg_free, .owner = &you });
	fs_job_start(q, &(fs_job_spec){ .work = post_work, .done = done, .note = note,
					.arg = &queued, .free = arg_free, .owner = &me });
	while (!atomic_load(&mine.started))
		usleep(1000);
	fs_jobs_wait_owner(q, &me);
	/* the running one stopped and both are gone: no done, args freed */
	assert_int_equal(mine.saw_current, 1);
	assert_int_equal(mine.done_calls + queued.done_calls, 0);
	assert_int_equal(freed, 2);
	assert_int_equal(fs_jobs_pending(q), 1);
	fs_jobs_wait_all(q);
	assert_string_equal(other.log, "0 1 done");
	assert_int_equal(other_freed, 1);
	fs_jobs_free(q);
}

static void free_drops_running_jobs(void **state)
{
	fs_jobs *q = fs_jobs_new(1);
	int freed = 0;
	struct arg a = { .freed = &freed };
	fs_job_start(q, &(fs_job_spec){ .work = spin_work, .done = done, .arg = &a, .free = arg_free });
	while (!atomic_load(&a.started))
		usleep(1000);
	fs_jobs_free(q);
	assert_int_equal(a.done_calls, 0);
	assert_int_equal(freed, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(notes_come_in_order_before_done),
		cmocka_unit_test(cancel_reaches_the_work),
		cmocka_unit_test(wait_owner_drops_only_its_jobs),
		cmocka_unit_test(free_drops_running_jobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
