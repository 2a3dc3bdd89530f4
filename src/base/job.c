/* Background jobs: see job.h.
 *
 * One lock guards the queue, the job list and each job's state and notes;
 * workers write a byte to the pipe whenever a job posts or ends, and the UI
 * thread drains the pipe before it looks, so no news is lost. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include "base/job.h"
#include "base/buf.h"

enum state { QUEUED, RUNNING, ENDED };

struct note {
	void *msg;
	struct note *next;
};

struct fs_job {
	fs_job_spec s;
	fs_jobs *q;
	unsigned long seq;        /* start order */
	enum state state;
	int rc;
	fs_err err;
	atomic_int cancel;
	struct note *notes, *notes_tail;
	fs_job *qnext;            /* in the queue */
	fs_job *next;             /* in the list of every job, start order */
};

struct fs_jobs {
	pthread_t *threads;
	int nthreads;
	pthread_mutex_t lock;
	pthread_cond_t work;      /* a job was queued, or stop */
	pthread_cond_t ended;     /* a job ended */
	fs_job *queue, *queue_tail;
	fs_job *all, *all_tail;
	unsigned long seq;
	int pending;
	int stop;
	int pipe[2];
};

/* The job whose work runs on this thread (for fs_job_current_cancelled). */
static _Thread_local fs_job *current;

static void wake(fs_jobs *q)
{
	ssize_t w = write(q->pipe[1], "x", 1);
	(void)w; /* a full pipe already says "there is news" */
}

static void run(fs_job *j)
{
	fs_err_clear(&j->err);
	if (atomic_load(&j->cancel)) {
		j->rc = fs_err_set(&j->err, FS_E_CANCELLED, "cancelled");
		return;
	}
	current = j;
	j->rc = j->s.work(j, j->s.arg, &j->err);
	current = NULL;
	if (j->rc && !j->err.msg[0])
		fs_err_set(&j->err, j->rc, "%s", fs_err_name(j->rc));
}

static void *worker(void *arg)
{
	fs_jobs *q = arg;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->queue && !q->stop)
			pthread_cond_wait(&q->work, &q->lock);
		if (q->stop)
			break;
		fs_job *j = q->queue;
		q->queue = j->qnext;
		if (!q->queue)
			q->queue_tail = NULL;
		j->state = RUNNING;
		pthread_mutex_unlock(&q->lock);
		run(j);
		pthread_mutex_lock(&q->lock);
		j->state = ENDED;
		pthread_cond_broadcast(&q->ended);
		wake(q);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

fs_jobs *fs_jobs_new(int workers)
{
	fs_jobs *q = fs_xcalloc(1, sizeof *q);
	if (workers < 1)
		workers = 1;
	if (pipe(q->pipe) < 0) {
		free(q);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(q->pipe[i], F_SETFL, fcntl(q->pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(q->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->ended, NULL);
	q->threads = fs_xcalloc((size_t)workers, sizeof *q->threads);
	for (int i = 0; i < workers; i++)
		if (pthread_create(&q->threads[q->nthreads], NULL, worker, q) == 0)
			q->nthreads++;
	return q;
}

static void free_notes(struct note *n)
{
	while (n) {
		struct note *next = n->next;
		free(n->msg);
		free(n);
		n = next;
	}
}

/* A job off every list: its notes and arg freed with it. */
static void job_free(fs_job *j)
{
	free_notes(j->notes);
	if (j->s.free)
		j->s.free(j->s.arg);
	free(j);
}

/* Takes j out of the list of every job and, when queued, out of the queue
 * (lock held). */
static void unlink_job(fs_jobs *q, fs_job *j)
{
	fs_job *prev = NULL;
	for (fs_job **p = &q->all; *p; prev = *p, p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			if (q->all_tail == j)
				q->all_tail = prev;
			break;
		}
	prev = NULL;
	for (fs_job **p = &q->queue; *p; prev = *p, p = &(*p)->qnext)
		if (*p == j) {
			*p = j->qnext;
			if (q->queue_tail == j)
				q->queue_tail = prev;
			break;
		}
	q->pending--;
}

void fs_jobs_free(fs_jobs *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	for (fs_job *j = q->all; j; j = j->next)
		atomic_store(&j->cancel, 1);
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->lock);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	for (fs_job *j = q->all, *next; j; j = next) {
		next = j->next;
		job_free(j);
	}
	close(q->pipe[0]);
	close(q->pipe[1]);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->ended);
	free(q->threads);
	free(q);
}

int fs_jobs_fd(const fs_jobs *q)
{
	return q->pipe[0];
}

fs_job *fs_job_start(fs_jobs *q, const fs_job_spec *spec)
{
	fs_job *j = fs_xcalloc(1, sizeof *j);
	j->s = *spec;
	j->q = q;
	pthread_mutex_lock(&q->lock);
	j->seq = ++q->seq;
	if (q->all_tail)
		q->all_tail->next = j;
	else
		q->all = j;
	q->all_tail = j;
	if (q->queue_tail)
		q->queue_tail->qnext = j;
	else
		q->queue = j;
	q->queue_tail = j;
	q->pending++;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	return j;
}

fs_job *fs_job_submit(fs_jobs *q, fs_job_work_fn work, fs_job_done_fn done, void *arg)
{
	return fs_job_start(q, &(fs_job_spec){ .work = work, .done = done, .arg = arg });
}

void fs_job_cancel(fs_job *job)
{
	if (job)
		atomic_store(&job->cancel, 1);
}

int fs_job_cancelled(const fs_job *job)
{
	return job && atomic_load(&((fs_job *)job)->cancel);
}

int fs_job_current_cancelled(void)
{
	return current && atomic_load(&current->cancel);
}

void fs_job_post(fs_job *job, void *msg)
{
	fs_jobs *q = job->q;
	struct note *n = fs_xcalloc(1, sizeof *n);
	n->msg = msg;
	pthread_mutex_lock(&q->lock);
	if (job->notes_tail)
		job->notes_tail->next = n;
	else
		job->notes = n;
	job->notes_tail = n;
	wake(q);
	pthread_mutex_unlock(&q->lock);
}

/* The next job after seq with news: its notes taken, and, when it ended,
 * the job taken off the lists (lock taken here). */
static fs_job *next_news(fs_jobs *q, unsigned long seq, struct note **notes, int *ended)
{
	fs_job *j;
	pthread_mutex_lock(&q->lock);
	for (j = q->all; j; j = j->next)
		if (j->seq > seq && (j->notes || j->state == ENDED))
			break;
	if (j) {
		*notes = j->notes;
		j->notes = j->notes_tail = NULL;
		*ended = j->state == ENDED;
		if (*ended)
			unlink_job(q, j);
	}
	pthread_mutex_unlock(&q->lock);
	return j;
}

/* Each job once per call, looked up again each time: a callback may start,
 * cancel or drop jobs. */
int fs_jobs_dispatch(fs_jobs *q)
{
	char drain[64];
	unsigned long seq = 0;
	struct note *notes;
	int ended, n = 0;
	fs_job *j;
	while (read(q->pipe[0], drain, sizeof drain) > 0)
		;
	while ((j = next_news(q, seq, &notes, &ended))) {
		seq = j->seq;
		while (notes) {
			struct note *next = notes->next;
			if (j->s.note)
				j->s.note(j, j->s.arg, notes->msg);
			else
				free(notes->msg);
			free(notes);
			notes = next;
		}
		if (!ended)
			continue;
		if (j->s.done)
			j->s.done(j, j->s.arg, j->rc, &j->err);
		job_free(j);
		n++;
	}
	return n;
}

int fs_jobs_pending(const fs_jobs *q)
{
	return q->pending;
}

void fs_jobs_wait_all(fs_jobs *q)
{
	while (q->pending > 0) {
		struct pollfd p = { q->pipe[0], POLLIN, 0 };
		poll(&p, 1, 200);
		fs_jobs_dispatch(q);
	}
}

static int owner_running(fs_jobs *q, const void *owner)
{
	for (fs_job *j = q->all; j; j = j->next)
		if (j->s.owner == owner && j->state == RUNNING)
			return 1;
	return 0;
}

void fs_jobs_wait_owner(fs_jobs *q, const void *owner)
{
	fs_job *dropped = NULL;
	pthread_mutex_lock(&q->lock);
	for (fs_job *j = q->all; j; j = j->next)
		if (j->s.owner == owner)
			atomic_store(&j->cancel, 1);
	while (owner_running(q, owner))
		pthread_cond_wait(&q->ended, &q->lock);
	for (fs_job *j = q->all, *next; j; j = next) {
		next = j->next;
		if (j->s.owner == owner) {
			unlink_job(q, j);
			j->next = dropped;
			dropped = j;
		}
	}
	pthread_mutex_unlock(&q->lock);
	while (dropped) {
		fs_job *next = dropped->next;
		job_free(dropped);
		dropped = next;
	}
}
