/* Undo and redo of tree operations (new, rename, delete, copy, paste,
 * property change): a session-long stack, one entry per operation, named
 * for the message line ("rename view by_site → by_place").
 *
 * An entry holds the operations that did it and those that undo it, as
 * object operations (model/edits.h), run through the recorded fs_edit_*
 * functions: an undo or a redo is one more unsaved edit in the project's
 * log, so a save writes it and a rebase onto a changed disk treats it as
 * any edit. This holds whether the operation was saved or not. A deleted
 * object comes back as a copy from the project as it was just before the
 * delete (written to a private folder, removed when the studio ends). */
#ifndef FS_UI_UNDO_H
#define FS_UI_UNDO_H

#include "app.h"
#include "model/edits.h"

/* Runs op on project proj, records it in the project's log and pushes an
 * undo entry named name (the redo entries are dropped). op->path names the
 * object (NEW: the parent; COPY: the source, op->key the destination; a
 * source in another project is that project's folder in op->from). *out
 * gets the object made (NEW, COPY), may be NULL. */
int fs_undo_run(fs_app *a, int proj, const char *name, const fs_op *op, fs_obj **out, fs_err *e);
/* Runs one more operation as part of the last entry (a new listener's
 * targetView): redo runs it again, undo of the entry is unchanged. */
int fs_undo_also(fs_app *a, int proj, const fs_op *op, fs_err *e);

/* The undo and redo requests: the message line names the operation. */
void fs_undo(fs_app *a);
void fs_redo(fs_app *a);
void fs_undo_free(fs_app *a);

#endif
