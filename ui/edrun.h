/* The editor's results panel (ui/edrun.c): the function being edited run
 * on its connector's samples (_fsstudio/samples/CONNECTOR.ndjson) by the
 * local runner, about 300 ms after typing pauses.
 *
 * The run is the runner's child process (runner/run.h); the studio only
 * watches its pipe from the main loop, so a keystroke never waits for it.
 * A new change cancels the run under way (the child is killed and reaped),
 * as does closing the panel. A view runs twice in a row when it reduces:
 * once with reduce=false for the emitted rows, then for the reduce result. */
#ifndef FS_UI_EDRUN_H
#define FS_UI_EDRUN_H

#include "app.h"
#include "pane.h"

typedef struct fs_edrun fs_edrun;

fs_edrun *fs_edrun_new(void);
/* Cancels the run under way and frees the panel. */
void fs_edrun_free(fs_app *a, fs_edrun *r);
/* The function (or its text) changed: a run after the pause. */
void fs_edrun_soon(fs_app *a, fs_edrun *r, int proj, const fs_obj *fn);
/* What the panel shows, the first line a summary. */
const fs_lines *fs_edrun_lines(const fs_edrun *r);
/* The first exception thrown at line (1-based) of the edited function, as
 * "on sample ID: MESSAGE"; NULL when none. */
const char *fs_edrun_exc_at(const fs_edrun *r, unsigned line);

#endif
