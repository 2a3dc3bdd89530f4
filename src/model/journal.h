/* Multi-file saves as transactions.
 *
 * A save that changes several files (mv, cp, new, rm of a connector...)
 * writes every new file to a temp file beside its target
 * (NAME.fsstudio-XXXXXX), fsyncs it, then writes the intent journal (the
 * list of renames and removals to do; see lock.h for where). The journal is
 * the commit point: once it is on disk, the switch is rolled forward by
 * whoever comes next; before, the temp files are leftovers and the project
 * is the old one. So a crash at any moment leaves, after the next load,
 * exactly the old project or exactly the new one.
 *
 * All of this runs under the project's exclusive lock. A save of one file
 * needs no journal: its rename is atomic by itself.
 */
#ifndef FS_JOURNAL_H
#define FS_JOURNAL_H

#include <stddef.h>
#include "base/err.h"

typedef struct fs_txn fs_txn;

fs_txn *fs_txn_begin(const char *projdir);
/* Writes data to a temp file beside relpath (folders created), fsynced.
 * mode is for a new file; a replaced file keeps its mode. */
enum fs_err_code fs_txn_write(fs_txn *t, const char *relpath, const void *data, size_t len, int mode, fs_err *e);
/* Notes a file to remove at commit. */
void fs_txn_remove(fs_txn *t, const char *relpath);
/* Switches everything in (see above) and frees t. On failure before the
 * journal is written, nothing changed on disk (the temps are gone). */
enum fs_err_code fs_txn_commit(fs_txn *t, fs_err *e);
/* Removes the temp files and frees t. */
void fs_txn_abort(fs_txn *t);

/* 1 when a journal waits to be rolled forward (a writer died). */
int fs_journal_pending(const char *projdir);
/* Rolls a pending journal forward (caller holds the exclusive lock). */
enum fs_err_code fs_journal_recover(const char *projdir, fs_err *e);
/* Removes leftover temp files of ours in the project folder (c8oProject.yaml's
 * folder and _c8oProject/); returns how many. Caller holds the lock. */
int fs_temps_sweep(const char *projdir);

/* 1 for a file of ours in the project folder that is never part of the
 * project nor of a commit: a temp file, the journal of a non-git project. */
int fs_is_our_file(const char *relpath);

#endif
