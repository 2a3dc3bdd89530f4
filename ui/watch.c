/* The studio and the disk: fingerprints of what was read, the edit log of
 * each project, the inotify watch, the rebase after an outside change and
 * the conflicts it leaves (see watch.h).
 *
 * Our own writes wake the watch too; they are no change: the files are what
 * the fingerprints say after a save, and the git state is what the status
 * last saw. So only somebody else's writes reload or speak. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include "base/fsutil.h"
#include "config.h"
#include "gitui.h"
#include "watch.h"

/* Changes come in bursts (a checkout writes many files, a save a temp file
 * then a rename): look once the burst is over, well within a second. */
#define SETTLE_MS 200

#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

struct track {
	fs_edits log;
	cJSON *fp;           /* what the project was read from */
	fs_conflicts cf;     /* waiting for the user */
	int opaque;          /* unsaved changes the log does not hold (a recovery
				file of an older fsstudio): never rebased */
};

/* What a watched folder is. */
enum wkind {
	W_ROOT,      /* the project folder: c8oProject.yaml, _c8oProject */
	W_SPLIT,     /* _c8oProject and its subfolders */
	W_GITDIR,    /* the repository folder: HEAD, index, packed-refs */
	W_REFS       /* refs/heads and its subfolders */
};

struct wdent {
	int wd, proj;
	enum wkind kind;
	char *path;
};

struct fs_sync {
	struct track *t;
	size_t n;
	int ino;
	struct wdent *w;
	size_t nw;
	char **gitdir;       /* per project, NULL when not in a repository */
	char *gitsig;        /* the git state the status last saw */
	long long due;       /* monotonic ms of the pending look; 0: none */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static struct track *T(fs_app *a, int proj)
{
	return a->sync && (size_t)proj < a->sync->n ? &a->sync->t[proj] : NULL;
}

fs_edits *fs_sync_log(fs_app *a, int proj)
{
	struct track *t = T(a, proj);
	return t ? &t->log : NULL;
}

/* The fingerprints of what the project was read from. At start they are
 * computed on first need (the recovery file), not before the first frame:
 * hashing every file was a quarter of the studio's start-up on a big
 * project. Until then nothing replaced the bytes read (a save, a reload or
 * a recovery sets them at once), so the result is the same. */
const cJSON *fs_sync_fp(fs_app *a, int proj)
{
	struct track *t = T(a, proj);
	if (t && !t->fp)
		t->fp = fs_project_fingerprints(a->projects[proj]);
	return t ? t->fp : NULL;
}

void fs_sync_reset(fs_app *a, int proj)
{
	struct track *t = T(a, proj);
	if (!t)
		return;
	fs_edits_clear(&t->log);
	fs_conflicts_free(&t->cf);
	cJSON_Delete(t->fp);
	t->fp = fs_project_fingerprints(a->projects[proj]);
	t->opaque = 0;
}

void fs_sync_adopt(fs_app *a, int proj, fs_edits *log, cJSON *fp)
{
	struct track *t = T(a, proj);
	if (!t) {
		fs_edits_clear(log);
		cJSON_Delete(fp);
		return;
	}
	fs_edits_clear(&t->log);
	t->log = *log;
	memset(log, 0, sizeof *log);
	cJSON_Delete(t->fp);
	t->fp = fp;
	t->opaque = !t->log.n && fs_project_dirty(a->projects[proj]);
}

/* ---- git state ------------------------------------------------------------- */

/* The repository folder above dir: .git, or where a .git file points. */
static char *find_gitdir(const char *dir)
{
	char *d = realpath(dir, NULL), *slash;
	while (d) {
		char *g = fs_path_join(d, ".git"), *text = NULL;
		if (fs_is_dir(g))
			return free(d), g;
		if (fs_is_file(g) && !fs_read_file(g, &text, NULL, NULL) && !strncmp(text, "gitdir: ", 8)) {
			char *p = text + 8, *r;
			p[strcspn(p, "\r\n")] = 0;
			r = p[0] == '/' ? fs_xstrdup(p) : fs_path_join(d, p);
			free(text), free(g), free(d);
			return r;
		}
		free(text);
		free(g);
		slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = 0;
	}
	free(d);
	return NULL;
}

static char *read_small(const char *dir, const char *name)
{
	char *path = fs_path_join(dir, name), *text = NULL;
	if (fs_read_file(path, &text, NULL, NULL))
		text = NULL;
	free(path);
	return text;
}

static void add_stat(fs_buf *b, const char *dir, const char *name)
{
	char *path = fs_path_join(dir, name);
	struct stat st;
	if (!stat(path, &st))
		fs_buf_printf(b, "%s %lld %lld.%09ld\n", name, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			      st.st_mtim.tv_nsec);
	free(path);
}

/* HEAD, the branch it names and the index, of every repository: what an
 * outside commit, checkout or add changes. */
static char *git_sig(struct fs_sync *s)
{
	fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < s->n; i++) {
		char *head;
		if (!s->gitdir[i])
			continue;
		head = read_small(s->gitdir[i], "HEAD");
		fs_buf_printf(&b, "%s\n", head ? head : "");
		if (head && !strncmp(head, "ref: ", 5)) {
			char *ref = head + 5, *target;
			ref[strcspn(ref, "\r\n")] = 0;
			target = read_small(s->gitdir[i], ref);
			fs_buf_printf(&b, "%s\n", target ? target : "");
			free(target);
		}
		free(head);
		add_stat(&b, s->gitdir[i], "index");
		add_stat(&b, s->gitdir[i], "packed-refs");
	}
	return fs_buf_steal(&b);
}

/* Whether HEAD or its branch moved between two signatures: the index's and
 * packed-refs' stat lines left out. `git status` in another terminal
 * refreshes the index's stat cache, and `git add` stages: the marks are read
 * again for those, but only a commit or a checkout is worth a message. */
static int head_moved(const char *a, const char *b)
{
	fs_buf x = FS_BUF_INIT, y = FS_BUF_INIT;
	const char *src[2] = { a ? a : "", b ? b : "" };
	fs_buf *dst[2] = { &x, &y };
	for (int k = 0; k < 2; k++)
		for (const char *p = src[k], *nl; *p; p = nl) {
			nl = p + strcspn(p, "\n");
			nl += *nl == '\n';
			if (strncmp(p, "index ", 6) && strncmp(p, "packed-refs ", 12))
				fs_buf_add(dst[k], p, (size_t)(nl - p));
		}
	int moved = strcmp(fs_buf_str(&x), fs_buf_str(&y)) != 0;
	fs_buf_free(&x);
	fs_buf_free(&y);
	return moved;
}

/* "main", or the commit of a detached HEAD. */
static char *head_name(const char *gitdir)
{
	char *head = read_small(gitdir, "HEAD"), *name;
	if (!head)
		return fs_xstrdup("?");
	head[strcspn(head, "\r\n")] = 0;
	if (!strncmp(head, "ref: refs/heads/", 16))
		name = fs_xstrdup(head + 16);
	else
		name = fs_xasprintf("%.7s (detached)", head);
	free(head);
	return name;
}

void fs_sync_git_seen(fs_app *a)
{
	struct fs_sync *s = a->sync;
	if (!s)
		return;
	free(s->gitsig);
	s->gitsig = git_sig(s);
}

/* ---- the inotify watch ----------------------------------------------------- */

static void add_watch(struct fs_sync *s, const char *path, int proj, enum wkind kind)
{
	int wd = inotify_add_watch(s->ino, path, FILE_EVENTS);
	if (wd < 0)
		return;   /* a folder too many for the limit: F5 still works */
	for (size_t i = 0; i < s->nw; i++)
		if (s->w[i].wd == wd)
			return;
	s->w = fs_xrealloc(s->w, (s->nw + 1) * sizeof *s->w);
	s->w[s->nw++] = (struct wdent){ wd, proj, kind, fs_xstrdup(path) };
}

/* A folder and its subfolders (a project's _c8oProject, a refs folder). */
static void watch_tree(struct fs_sync *s, const char *path, int proj, enum wkind kind)
{
	DIR *d = opendir(path);
	struct dirent *de;
	if (!d)
		return;
	add_watch(s, path, proj, kind);
	while ((de = readdir(d))) {
		char *sub;
		if (de->d_name[0] == '.')
			continue;
		sub = fs_path_join(path, de->d_name);
		if (fs_is_dir(sub))
			watch_tree(s, sub, proj, kind);
		free(sub);
	}
	closedir(d);
}

static void watch_project(struct fs_sync *s, const char *dir, int proj)
{
	char *split = fs_path_join(dir, "_c8oProject"), *refs;
	add_watch(s, dir, proj, W_ROOT);
	watch_tree(s, split, proj, W_SPLIT);
	free(split);
	if (!s->gitdir[proj])
		return;
	add_watch(s, s->gitdir[proj], proj, W_GITDIR);
	refs = fs_path_join(s->gitdir[proj], "refs/heads");
	watch_tree(s, refs, proj, W_REFS);
	free(refs);
}

static struct wdent *wdent_of(struct fs_sync *s, int wd)
{
	for (size_t i = 0; i < s->nw; i++)
		if (s->w[i].wd == wd)
			return &s->w[i];
	return NULL;
}

/* Whether an event names something that matters: the project's files and
 * folders (not our temp files), the git files that say HEAD, branch, index. */
static int matters(const struct wdent *w, const struct inotify_event *ev)
{
	const char *name = ev->len ? ev->name : "";
	size_t l = strlen(name);
	if (l > 5 && !strcmp(name + l - 5, ".lock"))
		return 0;
	switch (w->kind) {
	case W_ROOT:
		return !strcmp(name, "c8oProject.yaml") || !strcmp(name, "_c8oProject");
	case W_SPLIT:
		return !fs_is_temp_name(name);   /* our temp files: the rename that follows counts */
	case W_GITDIR:
		return !strcmp(name, "HEAD") || !strcmp(name, "index") || !strcmp(name, "packed-refs");
	default:
		return 1;
	}
}

static void on_events(fs_app *a, int fd, int revents, void *ctx)
{
	struct fs_sync *s = a->sync;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;
	(void)revents, (void)ctx;
	while ((len = read(fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			struct wdent *w = wdent_of(s, ev->wd);
			p += sizeof *ev + ev->len;
			/* events lost (queue overflow): look anyway */
			if (!(ev->mask & IN_Q_OVERFLOW) && (!w || !matters(w, ev)))
				continue;
			if (w && (ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				/* a new folder (a checkout made it): watch it too */
				char *path = fs_path_join(w->path, ev->name);
				watch_tree(s, path, w->proj, w->kind == W_ROOT ? W_SPLIT : w->kind);
				free(path);
			}
			if (!s->due)
				s->due = now_ms() + SETTLE_MS;
		}
	}
}

void fs_sync_start(fs_app *a)
{
	struct fs_sync *s = fs_xcalloc(1, sizeof *s);
	a->sync = s;
	s->n = a->nprojects;
	s->t = fs_xcalloc(s->n ? s->n : 1, sizeof *s->t);
	s->gitdir = fs_xcalloc(s->n ? s->n : 1, sizeof *s->gitdir);
	for (size_t i = 0; i < s->n; i++) {
		s->gitdir[i] = fs_project_dir(a->projects[i]) ? find_gitdir(fs_project_dir(a->projects[i])) : NULL;
	}
	s->gitsig = git_sig(s);
	s->ino = fs_opt_int(FS_OPT_WATCH) ? inotify_init1(IN_NONBLOCK | IN_CLOEXEC) : -1;
	if (s->ino < 0)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (fs_project_dir(a->projects[i]))   /* a workspace's stand-in has none yet */
			watch_project(s, fs_project_dir(a->projects[i]), (int)i);
	fs_app_watch(a, s->ino, POLLIN, on_events, NULL);
}

void fs_sync_loaded(fs_app *a, int proj)
{
	struct fs_sync *s = a->sync;
	const char *dir = fs_project_dir(a->projects[proj]);
	if (!s || (size_t)proj >= s->n || !dir)
		return;
	fs_sync_reset(a, proj);
	if (!s->gitdir[proj]) {
		/* its repository joins the git state looked at; a change of
		 * the others not looked at yet stays to be seen */
		char *before = git_sig(s);
		int seen = !strcmp(before, s->gitsig ? s->gitsig : "");
		free(before);
		if ((s->gitdir[proj] = find_gitdir(dir)) && seen)
			fs_sync_git_seen(a);
	}
	if (s->ino >= 0)
		watch_project(s, dir, proj);
}

void fs_sync_free(fs_app *a)
{
	struct fs_sync *s = a->sync;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		fs_edits_clear(&s->t[i].log);
		fs_conflicts_free(&s->t[i].cf);
		cJSON_Delete(s->t[i].fp);
		free(s->gitdir[i]);
	}
	if (s->ino >= 0) {
		fs_app_unwatch(a, s->ino);
		close(s->ino);
	}
	for (size_t i = 0; i < s->nw; i++)
		free(s->w[i].path);
	free(s->t);
	free(s->gitdir);
	free(s->w);
	free(s->gitsig);
	free(s);
	a->sync = NULL;
}

/* ---- rebase ------------------------------------------------------------------ */

static void plural(fs_buf *b, size_t n, const char *one)
{
	fs_buf_printf(b, "%zu %s%s", n, one, n == 1 ? "" : "s");
}

int fs_sync_rebase(fs_app *a, int proj, const fs_edits *log, fs_buf *note)
{
	struct track *t = T(a, proj);
	fs_project *fresh;
	fs_edits kept = { 0 };
	fs_err e = { 0 };
	size_t before = t->cf.n, n = log->n, applied;
	if (t->opaque && log == &t->log) {
		fs_buf_adds(note, "the unsaved changes, from an older recovery file, cannot be re-applied to it: "
			    "nothing read or written (save refuses; quit without saving to drop them)");
		return -1;
	}
	if (fs_project_reload(a->projects[proj], &fresh, &e)) {
		fs_buf_printf(note, "it does not load now (%s): your edits stay, nothing written", e.msg);
		return -1;
	}
	applied = fs_edits_rebase(log, fresh, &kept, &t->cf);
	cJSON_Delete(t->fp);
	t->fp = fs_project_fingerprints(fresh);
	fs_edits_clear(&t->log);   /* log may be t->log: read it before */
	t->log = kept;
	fs_app_replace_project(a, proj, fresh);
	fs_buf_adds(note, "read again");
	if (applied) {
		fs_buf_adds(note, ", ");
		plural(note, applied, "unsaved edit");
		fs_buf_adds(note, " re-applied");
	}
	if (n)
		fs_app_touched(a);   /* the recovery file follows */
	if (t->cf.n > before) {
		fs_buf_adds(note, ", ");
		plural(note, t->cf.n - before, "conflict");
		fs_buf_adds(note, " to settle");
		fs_app_open(a, FS_P_CONFLICT);
	}
	return 0;
}

/* The files of p changed on disk since it read them ("a, b"); how many. */
static size_t changed_names(fs_project *p, fs_buf *names)
{
	char **v;
	size_t n;
	fs_project_changed_files(p, &v, &n);
	for (size_t i = 0; i < n; i++) {
		fs_buf_printf(names, "%s%s", i ? ", " : "", v[i]);
		free(v[i]);
	}
	free(v);
	return n;
}

/* The model refuses, under the project's lock, to write over a file changed
 * since it was read (FS_E_STALE): then the edits are rebased onto the
 * folder as it is and the save tried once more. */
int fs_sync_save(fs_app *a, int proj, fs_buf *note, fs_err *e)
{
	struct track *t = T(a, proj);
	int rc;
	if (t && t->cf.n) {
		fs_app_open(a, FS_P_CONFLICT);
		return 1;
	}
	rc = fs_project_save(a->projects[proj], e);
	if (rc == FS_E_STALE && t) {
		fs_buf names = FS_BUF_INIT;
		changed_names(a->projects[proj], &names);
		fs_buf_printf(note, "%s changed on disk since it was read: ", names.len ? fs_buf_str(&names) : "a file");
		fs_buf_free(&names);
		if (fs_sync_rebase(a, proj, &t->log, note))
			return fs_err_set(e, FS_E_STALE, "%s", fs_buf_str(note));
		if (t->cf.n)
			return 1;
		memset(e, 0, sizeof *e);
		rc = fs_project_save(a->projects[proj], e);
	}
	if (rc)
		return -1;
	fs_sync_reset(a, proj);
	return 0;
}

/* ---- looking at the disk --------------------------------------------------- */

static void look(fs_app *a, int forced)
{
	struct fs_sync *s = a->sync;
	fs_buf msg = FS_BUF_INIT;
	char *sig;
	int error = 0;
	for (size_t i = 0; i < s->n; i++) {
		fs_buf names = FS_BUF_INIT, note = FS_BUF_INIT;
		if (changed_names(a->projects[i], &names)) {
			error |= fs_sync_rebase(a, (int)i, &s->t[i].log, &note) != 0;
			fs_buf_printf(&msg, "%s%s changed outside: %s", msg.len ? "; " : "", fs_buf_str(&names),
				      fs_buf_str(&note));
		}
		fs_buf_free(&names);
		fs_buf_free(&note);
	}
	sig = git_sig(s);
	if (strcmp(sig, s->gitsig ? s->gitsig : "")) {
		char *head = NULL;
		for (size_t i = 0; i < s->n && !head; i++)
			if (s->gitdir[i])
				head = head_name(s->gitdir[i]);
		if (head_moved(sig, s->gitsig))
			fs_buf_printf(&msg, "%sgit changed outside (commit or checkout): on %s, marks refreshed",
				      msg.len ? "; " : "", head ? head : "?");
		free(head);
		free(s->gitsig);
		s->gitsig = sig;   /* seen, even when no status can run */
		sig = NULL;
		fs_gitui_refresh(a);
	}
	free(sig);
	if (msg.len && error)
		fs_app_error(a, "%s", fs_buf_str(&msg));
	else if (msg.len)
		fs_app_msg(a, "%s", fs_buf_str(&msg));
	else if (forced)
		fs_app_msg(a, "Nothing changed on disk");
	fs_buf_free(&msg);
}

void fs_sync_refresh(fs_app *a)
{
	if (!a->sync)
		return;
	a->sync->due = 0;
	look(a, 1);
	/* marks too: whatever F5 is pressed for, the status is run again */
	fs_gitui_refresh(a);
}

int fs_sync_timeout(fs_app *a)
{
	long long left;
	if (!a->sync || !a->sync->due)
		return -1;
	left = a->sync->due - now_ms();
	return left > 0 ? (int)left : 0;
}

void fs_sync_timers(fs_app *a)
{
	if (!a->sync || !a->sync->due || now_ms() < a->sync->due)
		return;
	a->sync->due = 0;
	look(a, 0);
}

/* ---- conflicts --------------------------------------------------------------- */

fs_conflict *fs_sync_conflict(fs_app *a, int *proj, size_t *left)
{
	struct fs_sync *s = a->sync;
	fs_conflict *c = NULL;
	size_t n = 0;
	for (size_t i = 0; s && i < s->n; i++) {
		if (!c && s->t[i].cf.n) {
			c = &s->t[i].cf.v[0];
			if (proj)
				*proj = (int)i;
		}
		n += s->t[i].cf.n;
	}
	if (left)
		*left = n;
	return c;
}

static void drop_first(fs_conflicts *cf)
{
	fs_conflict_free(&cf->v[0]);
	memmove(cf->v, cf->v + 1, (cf->n - 1) * sizeof *cf->v);
	cf->n--;
}

enum fs_err_code fs_sync_settle(fs_app *a, int how, const char *text, fs_err *e)
{
	int proj = 0, rc = 0;
	fs_conflict *c = fs_sync_conflict(a, &proj, NULL);
	struct track *t;
	if (!c)
		return 0;
	t = T(a, proj);
	if (text) {
		fs_conflict mine = *c;
		mine.op.value = (char *)text;
		rc = fs_conflict_keep_mine(&mine, a->projects[proj], &t->log, e);
	} else if (how == 'm') {
		rc = fs_conflict_keep_mine(c, a->projects[proj], &t->log, e);
	}
	if (rc)
		return rc;
	drop_first(&t->cf);
	fs_app_changed(a);
	return 0;
}
