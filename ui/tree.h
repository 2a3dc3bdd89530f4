/* The tree pane's helpers shared with the other panes. */
#ifndef FS_UI_TREE_H
#define FS_UI_TREE_H

#include "base/buf.h"
#include "model/project.h"

typedef struct fs_app fs_app;

/* The label of an object in the tree ("map", "filters/byOwner", "reduce _count"). */
void fs_tree_label(const fs_obj *o, fs_buf *out);
/* 1 when the object is shown (other beans hide with show-other-beans = no). */
int fs_tree_shown(const fs_obj *o);
/* After a rename: what was expanded under the old path stays expanded
 * under the object's new one. */
void fs_tree_renamed(fs_app *a, int proj, const char *was, const fs_obj *o);
/* 1 for the beans the studio does not edit. */
int fs_tree_greyed(const fs_obj *o);

#endif
