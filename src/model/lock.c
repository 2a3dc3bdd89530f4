/* The per-project lock (see lock.h for where and why). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "model/lock.h"

#define DEFAULT_TIMEOUT_MS 10000L

/* The locks this process holds, by lock file: a second take of the same
 * lock (the CLI's command, then the model's save) counts instead of
 * deadlocking on itself (flock locks of two descriptors exclude each other
 * even in one process). */
typedef struct held {
	char *path;
	int fd;
	int excl;
	int refs;
	struct held *next;
} held;

struct fs_lock {
	held *h;
	int upgraded;        /* this take turned a shared lock exclusive */
};

static held *helds;
static pthread_mutex_t helds_mu = PTHREAD_MUTEX_INITIALIZER;
static char owner[128] = "";

void fs_lock_set_owner(const char *what)
{
	snprintf(owner, sizeof owner, "%s", what ? what : "");
}

long fs_lock_timeout_ms(void)
{
	const char *s = getenv("FSSTUDIO_LOCK_TIMEOUT");
	char *end;
	double v = s && *s ? strtod(s, &end) : -1;
	if (!s || !*s || *end || v < 0)
		return DEFAULT_TIMEOUT_MS;
	return (long)(v * 1000);
}

/* ---- where ---------------------------------------------------------------- */

/* The git folder of the work tree holding real (a real path), or NULL: the
 * first ancestor with a .git folder, or a .git file ("gitdir: X", worktrees). */
static char *git_dir_of(const char *real)
{
	char *d = fs_xstrdup(real);
	for (;;) {
		char *g = fs_path_join(d, ".git");
		struct stat st;
		int found = lstat(g, &st) == 0;
		if (found && S_ISDIR(st.st_mode)) {
			free(d);
			return g;
		}
		char *txt = NULL;
		if (found && S_ISREG(st.st_mode) && fs_read_file(g, &txt, NULL, NULL) == 0 &&
		    !strncmp(txt, "gitdir: ", 8)) {
			txt[strcspn(txt, "\r\n")] = 0;
			char *to = txt[8] == '/' ? fs_xstrdup(txt + 8) : fs_path_join(d, txt + 8);
			free(txt);
			free(g);
			free(d);
			return to;
		}
		free(txt);
		free(g);
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = 0;
	}
	free(d);
	return NULL;
}

/* A private folder of ours: created 0700 when missing, refused when it is
 * not a folder we own (a planted symlink in /tmp...). */
static int own_dir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return 0;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
	       access(dir, W_OK) == 0;
}

static char *runtime_dir(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	char *d = x && *x && x[0] == '/' ? fs_path_join(x, "fsstudio")
					  : fs_xasprintf("/tmp/fsstudio-%u", (unsigned)getuid());
	if (own_dir(d))
		return d;
	free(d);
	return NULL;
}

typedef struct place {
	char *state;         /* folder of the lock (and of the journal in git) */
	int in_git;
	char key[17];
	char *real;
} place;

static int place_of(const char *projdir, place *pl)
{
	char real[PATH_MAX], hex[65];
	memset(pl, 0, sizeof *pl);
	if (!realpath(projdir, real))
		return -1;
	pl->real = fs_xstrdup(real);
	fs_sha256_hex(real, strlen(real), hex);
	memcpy(pl->key, hex, 16);
	char *g = git_dir_of(real);
	if (g) {
		char *st = fs_path_join(g, "fsstudio");
		free(g);
		if (own_dir(st) || (fs_is_dir(st) && access(st, W_OK) == 0)) {
			pl->state = st;
			pl->in_git = 1;
			return 0;
		}
		free(st);
	}
	pl->state = runtime_dir();
	return pl->state ? 0 : -1;
}

static void place_free(place *pl)
{
	free(pl->state);
	free(pl->real);
}

char *fs_lock_path(const char *projdir)
{
	place pl;
	char *r = NULL;
	if (place_of(projdir, &pl) == 0)
		r = fs_xasprintf("%s/%s.lock", pl.state, pl.key);
	place_free(&pl);
	return r;
}

char *fs_journal_path(const char *projdir)
{
	place pl;
	char *r = NULL;
	if (place_of(projdir, &pl) == 0)
		r = pl.in_git ? fs_xasprintf("%s/%s.journal", pl.state, pl.key)
			      : fs_path_join(pl.real, FS_JOURNAL_NAME);
	else if (pl.real)
		r = fs_path_join(pl.real, FS_JOURNAL_NAME);
	place_free(&pl);
	return r;
}

/* ---- taking --------------------------------------------------------------- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* flock with a deadline: polls (a blocking flock cannot be bounded without
 * signals), starting at 1 ms so that a short command's wait stays short. */
static int flock_wait(int fd, int op, long timeout_ms)
{
	long end = now_ms() + timeout_ms, pause_us = 1000;
	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (now_ms() >= end)
			return errno = EWOULDBLOCK, -1;
		usleep((useconds_t)pause_us);
		if (pause_us < 20000)
			pause_us *= 2;
	}
}

/* The holder writes who it is into the lock file; a waiter reads it. */
static void write_owner(int fd)
{
	char line[256];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	int n = snprintf(line, sizeof line, "%s (pid %ld) since %02d:%02d:%02d\n",
			 owner[0] ? owner : "fsstudio", (long)getpid(), tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (ftruncate(fd, 0) == 0 && n > 0 && pwrite(fd, line, (size_t)n, 0) < 0)
		return;
}

static enum fs_err_code locked_error(const char *path, int fd, long ms, fs_err *e)
{
	char who[256] = "";
	ssize_t n = pread(fd, who, sizeof who - 1, 0);
	if (n > 0) {
		who[n] = 0;
		who[strcspn(who, "\n")] = 0;
	}
	return fs_err_set(e, FS_E_LOCKED, "the project is locked by %s; waited %ld s "
			  "(FSSTUDIO_LOCK_TIMEOUT sets the wait; lock file %s)",
			  n > 0 ? who : "another program", ms / 1000, path);
}

static held *held_find(const char *path)
{
	for (held *h = helds; h; h = h->next)
		if (!strcmp(h->path, path))
			return h;
	return NULL;
}

/* A second take of a lock this process holds; an exclusive take of a
 * shared one converts it. */
static enum fs_err_code retake(held *h, int excl, fs_lock **out, fs_err *e)
{
	int up = excl && !h->excl;
	if (up) {
		long ms = fs_lock_timeout_ms();
		if (flock_wait(h->fd, LOCK_EX, ms) < 0)
			return locked_error(h->path, h->fd, ms, e);
		h->excl = 1;
		write_owner(h->fd);
	}
	h->refs++;
	*out = fs_xcalloc(1, sizeof **out);
	(*out)->h = h;
	(*out)->upgraded = up;
	return 0;
}

static enum fs_err_code first_take(const char *path, int excl, fs_lock **out, fs_err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fs_err_set(e, FS_E_IO, "%s: cannot open the project lock: %s", path, strerror(errno));
	long ms = fs_lock_timeout_ms();
	if (flock_wait(fd, excl ? LOCK_EX : LOCK_SH, ms) < 0) {
		int rc = errno == EWOULDBLOCK ? locked_error(path, fd, ms, e)
					      : fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if (excl)
		write_owner(fd);
	held *h = fs_xcalloc(1, sizeof *h);
	h->path = fs_xstrdup(path);
	h->fd = fd;
	h->excl = excl;
	h->refs = 1;
	h->next = helds;
	helds = h;
	*out = fs_xcalloc(1, sizeof **out);
	(*out)->h = h;
	return 0;
}

enum fs_err_code fs_lock_take(const char *projdir, int excl, fs_lock **out, fs_err *e)
{
	*out = NULL;
	char *path = fs_lock_path(projdir);
	if (!path)
		return fs_err_set(e, FS_E_IO, "%s: no place for the project lock (the folder is missing, "
				  "or neither its .git nor $XDG_RUNTIME_DIR nor /tmp is writable)", projdir);
	pthread_mutex_lock(&helds_mu);
	held *h = held_find(path);
	int rc = h ? retake(h, excl, out, e) : first_take(path, excl, out, e);
	pthread_mutex_unlock(&helds_mu);
	free(path);
	return rc;
}

void fs_lock_drop(fs_lock *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&helds_mu);
	held *h = l->h;
	if (--h->refs == 0) {
		if (h->excl && ftruncate(h->fd, 0) < 0)
			(void)0;     /* only the holder's name goes stale */
		close(h->fd);   /* releases the flock */
		held **pp = &helds;
		while (*pp != h)
			pp = &(*pp)->next;
		*pp = h->next;
		free(h->path);
		free(h);
	} else if (l->upgraded) {
		ftruncate(h->fd, 0);
		flock(h->fd, LOCK_SH);
		h->excl = 0;
	}
	pthread_mutex_unlock(&helds_mu);
	free(l);
}
