/* Database permissions in the studio (ui/security.c): the admins and members
 * of a database, edited in $EDITOR, written after the same confirmations as
 * `fsstudio db security` (the change shown, y to write; a database left
 * without members only after a second, explicit y). */
#ifndef FS_UI_SECURITY_H
#define FS_UI_SECURITY_H

#include "app.h"
#include "couch/couch.h"

/* Starts on database db of the server c (copied: the caller keeps c). */
void fs_secui_open(fs_app *a, const fs_couch *c, const char *db);
/* Stops a running request and frees what the last session left. */
void fs_secui_close(fs_app *a);

#endif
