/* The projects of a workspace folder, read when first needed.
 *
 * A folder holding one project opens it at once. A folder of projects
 * shows each one at first as a closed row made from the head of its
 * c8oProject.yaml alone (its name): a stand-in project with only its root
 * object and no folder, so that every `a->projects[i]` stays a project.
 * The whole project is read by a background job (base/job.h) when the
 * user first expands it, filters the tree (all of them), or asks for
 * something that needs it (deploy, history, new...): the job reads the
 * folder into a model of its own, and its done callback puts it in the
 * stand-in's place (fs_app_replace_project), then runs the request that
 * waited for it. A project with a recovery file is read at start: the
 * unsaved work of an earlier run is offered before anything else. */
#ifndef FS_UI_WORKSPACE_H
#define FS_UI_WORKSPACE_H

#include "app.h"

/* Fills a->projects from dir (a project, or a folder of projects); errors
 * gets what could not be opened. Returns -1 when no project is there. */
int fs_ws_open(fs_app *a, const char *dir, fs_buf *errors);
void fs_ws_free(fs_app *a);

/* 1 when project proj is the real one (not a stand-in). */
int fs_ws_loaded(fs_app *a, int proj);
/* Starts reading project proj in the background (nothing when it is read
 * or being read; again after a failure). */
void fs_ws_load(fs_app *a, int proj);
/* The same for every project not read yet; returns how many started. */
int fs_ws_load_all(fs_app *a);
/* What a stand-in's tree row adds to its name: " (loading...)", or the
 * load's error (*error set); nothing for a project read. */
void fs_ws_label(fs_app *a, int proj, fs_buf *out, int *error);
/* A request about the selection that needs the model, while the selected
 * project is a stand-in: its load starts and the request runs once it is
 * read. Returns 1 when the request was kept for then. */
int fs_ws_defer(fs_app *a, fs_req r);
/* The same for a request that may need any project (goto-target): every
 * project not read yet is read, then r runs. Returns 0 when all are read. */
int fs_ws_defer_all(fs_app *a, fs_req r);
/* Scripted mode: waits until the loads started so far are done. */
void fs_ws_wait(fs_app *a);

#endif
