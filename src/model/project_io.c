/* The project and its folder: reading files safely, remembering what was
 * read (stamps), and checking before a save that nothing changed on disk
 * since: a save never writes over, or removes, what it did not read. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "model/journal.h"
#include "model/project_int.h"

#define DEFAULT_MAX_FILE (64LL << 20)
/* A file modified less than this before it was read may be modified again
 * within the same timestamp tick: its stat alone cannot say it is unchanged. */
#define RACY_NS 200000000LL
#define MAX_NAMED 3

static long long max_file(void)
{
	const char *s = getenv("FSSTUDIO_MAX_FILE");
	char *end;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 ? v : DEFAULT_MAX_FILE;
}

static const char *type_name(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
	     : S_ISSOCK(m) ? "a socket" : S_ISDIR(m) ? "a folder" : "not a regular file";
}

static long long ns_of(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return ns_of(&t);
}

/* The file a project path names, refused when it is not a regular file or
 * leaves the project folder (through a symlink of the path). *real is the
 * path to open (caller frees). */
static enum fs_err_code resolve(const char *dir, const char *relpath, char **real, struct stat *st, fs_err *e)
{
	char *path = fs_path_join(dir, relpath);
	char rdir[PATH_MAX], rfile[PATH_MAX];
	int rc = 0;
	if (lstat(path, st) < 0) {
		rc = fs_err_set(e, errno == ENOENT ? FS_E_NOTFOUND : FS_E_IO, "%s: %s", path, strerror(errno));
	} else if (!realpath(dir, rdir) || !realpath(path, rfile)) {
		rc = fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
	} else if (strncmp(rfile, rdir, strlen(rdir)) || rfile[strlen(rdir)] != '/') {
		rc = fs_err_set(e, FS_E_INVALID, "%s: a symbolic link to %s, outside the project: refused",
				relpath, rfile);
	} else if (S_ISLNK(st->st_mode) && stat(rfile, st) < 0) {
		rc = fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st->st_mode)) {
		rc = fs_err_set(e, FS_E_INVALID, "%s: %s, not a regular file: refused", relpath,
				type_name(st->st_mode));
	} else if (st->st_size > max_file()) {
		rc = fs_err_set(e, FS_E_INVALID, "%s: %lld bytes, over the limit of %lld (FSSTUDIO_MAX_FILE): refused",
				relpath, (long long)st->st_size, max_file());
	}
	*real = rc ? NULL : fs_xstrdup(rfile);
	free(path);
	return rc;
}

/* Reads what resolve() approved; O_NOFOLLOW and O_NONBLOCK so that a file
 * swapped meanwhile for a symlink or a FIFO cannot make us follow or hang,
 * and fstat to be sure it is still the regular file we checked. */
static enum fs_err_code read_checked(const char *real, const char *relpath, const struct stat *want, char **data,
			size_t *len, struct stat *st, fs_err *e)
{
	int fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fs_err_set(e, FS_E_IO, "%s: %s", relpath, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_ino != want->st_ino || st->st_dev != want->st_dev) {
		close(fd);
		return fs_err_set(e, FS_E_STALE, "%s: replaced while being read; try again", relpath);
	}
	long long cap = max_file();
	/* the file's size and a byte to see the end: grown only if the file
	 * grew (the bytes stay in memory for the session, see lazy.c) */
	fs_buf b = FS_BUF_INIT;
	b.cap = (size_t)st->st_size + 2;
	b.data = fs_xmalloc(b.cap);
	for (;;) {
		if (b.cap - b.len - 1 == 0)
			fs_buf_grow(&b, 65536);
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (long long)(b.len + (size_t)(n > 0 ? n : 0)) > cap) {
			int err = n < 0 ? errno : EFBIG;
			close(fd);
			fs_buf_free(&b);
			return fs_err_set(e, FS_E_IO, "%s: %s", relpath, strerror(err));
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	close(fd);
	b.data[b.len] = 0;
	*data = b.data;
	*len = b.len;
	return 0;
}

static enum fs_err_code read_safe(const char *dir, const char *relpath, char **data, size_t *len, struct stat *st, fs_err *e)
{
	char *real;
	struct stat first;
	int rc = resolve(dir, relpath, &real, &first, e);
	if (!rc)
		rc = read_checked(real, relpath, &first, data, len, st, e);
	free(real);
	return rc;
}

/* ---- stamps ---------------------------------------------------------------- */

static fs_stamp *stamp_find(fs_project *p, const char *relpath)
{
	for (size_t i = 0; i < p->nstamps; i++)
		if (!strcmp(p->stamps[i].relpath, relpath))
			return &p->stamps[i];
	return NULL;
}

static void stamp_set(fs_project *p, const char *relpath, const struct stat *st, const char *data, size_t len)
{
	fs_stamp *s = stamp_find(p, relpath);
	if (!s) {
		p->stamps = fs_xrealloc(p->stamps, (p->nstamps + 1) * sizeof *p->stamps);
		s = &p->stamps[p->nstamps++];
		memset(s, 0, sizeof *s);
		s->relpath = fs_xstrdup(relpath);
	}
	s->size = st->st_size;
	s->mtime_ns = ns_of(&st->st_mtim);
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->racy = s->mtime_ns + RACY_NS > now_ns();
	/* The bytes stay in the file's fs_lfile while it is part of the
	 * project; the hash is only needed for a racy file removed later. */
	s->have_sha = s->racy;
	if (s->racy)
		fs_sha256_hex(data, len, s->sha);
}

void fs_stamps_free(fs_project *p)
{
	for (size_t i = 0; i < p->nstamps; i++)
		free(p->stamps[i].relpath);
	free(p->stamps);
	p->stamps = NULL;
	p->nstamps = 0;
}

/* The bytes read from relpath, while a file of the project holds them. */
static const fs_lfile *read_from(fs_project *p, const char *relpath)
{
	fs_lfile **files;
	size_t n = fs_project_lfiles(p, &files);
	const fs_lfile *f = NULL;
	for (size_t i = 0; i < n && !f; i++)
		if (files[i]->loaded && files[i]->orig && !strcmp(files[i]->loaded, relpath))
			f = files[i];
	free(files);
	return f;
}

void fs_stamp_adopt(fs_project *to, fs_project *from, const char *relpath)
{
	fs_stamp *s = stamp_find(from, relpath);
	const fs_lfile *f = read_from(from, relpath);
	if (!s || stamp_find(to, relpath))
		return;
	to->stamps = fs_xrealloc(to->stamps, (to->nstamps + 1) * sizeof *to->stamps);
	fs_stamp *t = &to->stamps[to->nstamps++];
	*t = *s;
	t->relpath = fs_xstrdup(relpath);
	if (f) {
		fs_sha256_hex(f->orig, f->origlen, t->sha);
		t->have_sha = 1;
	}
}

enum fs_err_code fs_project_read_dir(void *ctx, const char *relpath, char **data, size_t *len, fs_err *e)
{
	fs_project *p = ctx;
	struct stat st;
	int rc = read_safe(p->dir, relpath, data, len, &st, e);
	if (!rc)
		stamp_set(p, relpath, &st, *data, *len);
	return rc;
}

/* 1 when the file at relpath is not what was read: content compared when the
 * stat says nothing (or always, with deep), else the stat. 0 unchanged. */
static int changed(fs_project *p, const fs_stamp *s, int deep)
{
	char *path = fs_path_join(p->dir, s->relpath);
	struct stat st;
	int r = lstat(path, &st) < 0;
	free(path);
	if (r)
		return 1;
	int same_stat = st.st_size == s->size && ns_of(&st.st_mtim) == s->mtime_ns && st.st_ino == s->ino &&
			st.st_dev == s->dev;
	if (same_stat && !s->racy && !deep)
		return 0;
	const fs_lfile *f = read_from(p, s->relpath);
	if (!f && !s->have_sha)
		return !same_stat || s->racy;
	char *data = NULL;
	size_t len = 0;
	if (read_safe(p->dir, s->relpath, &data, &len, &st, NULL))
		return 1;
	if (f) {
		r = len != f->origlen || memcmp(data, f->orig, len);
	} else {
		char sha[65];
		fs_sha256_hex(data, len, sha);
		r = strcmp(sha, s->sha) != 0;
	}
	free(data);
	return r;
}

int fs_project_changed_files(fs_project *p, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; p->dir && i < p->nstamps; i++)
		if (changed(p, &p->stamps[i], 0)) {
			*out = fs_xrealloc(*out, (*n + 1) * sizeof **out);
			(*out)[(*n)++] = fs_xstrdup(p->stamps[i].relpath);
		}
	return (int)*n;
}

int fs_project_file_sha256(fs_project *p, const char *relpath, char out[65])
{
	const fs_lfile *f = read_from(p, relpath);
	fs_stamp *s = stamp_find(p, relpath);
	if (f)
		fs_sha256_hex(f->orig, f->origlen, out);
	else if (s && s->have_sha)
		memcpy(out, s->sha, 65);
	else
		return -1;
	return 0;
}

/* ---- the checks of a save ------------------------------------------------- */

static void name_add(fs_buf *b, int *n, const char *relpath)
{
	if (*n < MAX_NAMED)
		fs_buf_printf(b, "%s%s", *n ? ", " : "", relpath);
	(*n)++;
}

/* A file to write or remove: unchanged since read (or, never read, absent),
 * and not read-only. */
static enum fs_err_code check_one(fs_project *p, const char *relpath, fs_buf *stale, int *nstale, fs_err *e)
{
	fs_stamp *s = stamp_find(p, relpath);
	char *path = fs_path_join(p->dir, relpath);
	struct stat st;
	int exists = lstat(path, &st) == 0, rc = 0;
	free(path);
	if (s ? changed(p, s, 1) : exists)
		name_add(stale, nstale, relpath);
	else if (exists && S_ISREG(st.st_mode) && !(st.st_mode & 0222))
		rc = fs_err_set(e, FS_E_IO, "%s is read-only (mode %04o): not replaced, nothing saved "
				"(make it writable to save)", relpath, (unsigned)(st.st_mode & 07777));
	return rc;
}

enum fs_err_code fs_project_check_disk(fs_project *p, const fs_files *fl, fs_err *e)
{
	fs_buf stale = FS_BUF_INIT;
	int nstale = 0, rc = 0;
	for (size_t i = 0; !rc && i < fl->n; i++)
		if (fl->v[i].changed)
			rc = check_one(p, fl->v[i].relpath, &stale, &nstale, e);
	for (size_t i = 0; !rc && i < fl->nremoved; i++)
		rc = check_one(p, fl->removed[i], &stale, &nstale, e);
	if (!rc && nstale)
		rc = fs_err_set(e, FS_E_STALE, "%s%s changed on disk since the project was read "
				"(by another program): nothing saved; reload the project and redo the edit",
				fs_buf_str(&stale), nstale > MAX_NAMED ? " and others" : "");
	fs_buf_free(&stale);
	return rc;
}

void fs_stamps_saved(fs_project *p, const fs_files *fl)
{
	for (size_t i = 0; i < fl->nremoved; i++) {
		fs_stamp *s = stamp_find(p, fl->removed[i]);
		if (s) {
			free(s->relpath);
			*s = p->stamps[--p->nstamps];
		}
	}
	for (size_t i = 0; i < fl->n; i++) {
		char *path = fs_path_join(p->dir, fl->v[i].relpath);
		struct stat st;
		if (fl->v[i].changed && lstat(path, &st) == 0)
			stamp_set(p, fl->v[i].relpath, &st, fl->v[i].data, fl->v[i].len);
		free(path);
	}
}

/* ---- entering a folder ---------------------------------------------------- */

/* Readers lock shared, so that they never read a multi-file save half done.
 * A journal left by a dead writer is rolled forward under the exclusive
 * lock first, then leftover temp files go. A folder with no place for a
 * lock (read-only media) is read without one. */
enum fs_err_code fs_project_enter(const char *dir, fs_lock **lk, fs_err *e)
{
	*lk = NULL;
	if (!fs_is_dir(dir))
		return 0;   /* the load says what is missing */
	for (int tries = 0; tries < 3; tries++) {
		fs_err le;
		int rc = 0;
		if (fs_journal_pending(dir)) {
			fs_lock *x;
			rc = fs_lock_take(dir, FS_LOCK_EXCL, &x, e);
			if (!rc)
				rc = fs_journal_recover(dir, e);
			fs_lock_drop(x);
			if (rc)
				return rc;
		}
		rc = fs_lock_take(dir, FS_LOCK_SHARED, lk, &le);
		if (rc == FS_E_LOCKED)
			return fs_err_set(e, rc, "%s", le.msg);
		if (!fs_journal_pending(dir)) {
			fs_temps_sweep(dir);
			return 0;
		}
		/* a writer died between our look and our lock */
		fs_lock_drop(*lk);
		*lk = NULL;
	}
	return fs_err_set(e, FS_E_LOCKED, "%s: the save journal keeps coming back; try again", dir);
}
