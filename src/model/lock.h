/* The per-project advisory lock and the place of our own files.
 *
 * Every writer of a project (a CLI command, a studio save) holds the
 * project's lock exclusively from the load it edits to the end of its save,
 * so two writers never lose each other's work: the second one waits (up to
 * FSSTUDIO_LOCK_TIMEOUT seconds, default 10) and then loads what the first
 * one wrote. Readers hold it shared while they read the files, so they never
 * see a multi-file save half done.
 *
 * Where our files go (never a file that git or Convertigo would see):
 *  - in a git work tree: GITDIR/fsstudio/KEY.lock and KEY.journal (git never
 *    tracks what is inside its own folder, Convertigo never reads it);
 *  - elsewhere: the lock in $XDG_RUNTIME_DIR/fsstudio/KEY.lock (or
 *    /tmp/fsstudio-UID/), a lock needs no disk; the journal, which must
 *    survive a crash on the project's disk, as PROJECT/.fsstudio-journal,
 *    which exists only during a multi-file save (or after a crash, until the
 *    next load) and which fsstudio never commits.
 * KEY is derived from the real path of the project folder, so one repository
 * can hold several projects.
 *
 * Locks are flock(2) locks: released by the kernel when the holder dies, so
 * a crash never leaves a project locked. A process may take a lock it
 * already holds (counted): the CLI holds it around a command whose parts
 * (load, save, git restore) take it again.
 */
#ifndef FS_LOCK_H
#define FS_LOCK_H

#include "base/err.h"

typedef struct fs_lock fs_lock;

#define FS_JOURNAL_NAME ".fsstudio-journal"

enum { FS_LOCK_SHARED = 0, FS_LOCK_EXCL = 1 };

/* Takes the lock of the project in projdir, waiting at most the timeout.
 * On timeout: FS_E_LOCKED and a message naming the holder when known. */
enum fs_err_code fs_lock_take(const char *projdir, int excl, fs_lock **out, fs_err *e);
void fs_lock_drop(fs_lock *l);
/* What a waiting process is told about the holder ("fsstudio set"); the CLI
 * sets the command, the studio "fsstudio (studio)". */
void fs_lock_set_owner(const char *what);
/* Milliseconds to wait for a lock: FSSTUDIO_LOCK_TIMEOUT (seconds) or 10 s. */
long fs_lock_timeout_ms(void);

/* Paths of our files for the project in projdir; caller frees. NULL when the
 * folder does not exist. */
char *fs_lock_path(const char *projdir);
char *fs_journal_path(const char *projdir);

#endif
