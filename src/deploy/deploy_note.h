/* The record of a deploy in git (src/git/notes.h), made from a plan that
 * ran: what the CLI and the studio call after fs_deploy_run. */
#ifndef FS_DEPLOY_NOTE_H
#define FS_DEPLOY_NOTE_H

#include "base/err.h"
#include "deploy/deploy.h"
#include "git/gitstore.h"

/* Appends the record of the run plan to the note of the commit it deployed
 * (plan->opts.commit). Nothing is recorded, and 0 returned, when the plan
 * names no commit or wrote nothing (no database created, no document
 * written or deleted). *recorded (may be NULL) says whether it was. */
enum fs_err_code fs_deploy_note(fs_repo *r, const fs_deploy_plan *plan, int *recorded, fs_err *e);

#endif
