/* "View as user" filtered on the server: the documents a FullSync user
 * receives (the rule of fs_acl_visible) found by POST /{db}/_find, paged with
 * CouchDB 3 bookmarks, instead of reading every document of the database.
 *
 * A page reads two disjoint streams in turn, so that the first can use an
 * index: 1. the user's own documents ({"~c8oAcl": user}, served by a json
 * index on ~c8oAcl when the database has one); 2. the others the user
 * receives: anonymous documents (neither ~c8oAcl nor c8oGrp) and those of
 * the user's groups. No index can serve stream 2 (it asks for missing
 * fields), so the server scans for it. Rows come in each stream's order (by
 * id for both), stream 1 first. Design documents are not listed (_find
 * leaves them out). Selectors are cJSON values: user and group names are
 * never pasted into JSON text. fs_browse_docs calls this for q->as_user. */
#ifndef FS_BROWSE_ACL_H
#define FS_BROWSE_ACL_H

#include "couch/browse.h"

/* The index fsstudio offers to create (design document _design/NAME). */
#define FS_ACL_INDEX_NAME "fsstudio-acl"

/* One page of what q->as_user receives (q->as_groups may be NULL): FIRST,
 * or NEXT from q->cursor (a page's out->cursor). PREV, LAST and FROM are
 * FS_E_INVALID: bookmarks only go forward (the studio keeps the cursors of
 * the pages it showed). A server without _find (400 or 404 on an existing
 * database) is FS_E_UNSUPPORTED and nothing is listed. */
enum fs_err_code fs_acl_find_docs(fs_couch *c, const char *db, const fs_docs_query *q,
				  fs_docs_page *out, fs_err *e);

/* The selectors of the two streams (caller frees); tests and the CLI print
 * them. stream is 1 or 2. */
cJSON *fs_acl_selector(const char *user, const fs_strv *groups, int stream);

/* The name of a json index of db whose first field is ~c8oAcl into *name
 * (caller frees; NULL when there is none). */
enum fs_err_code fs_acl_index_find(fs_couch *c, const char *db, char **name, fs_err *e);
/* Creates the json index FS_ACL_INDEX_NAME on ~c8oAcl (a design document:
 * it replicates to devices like any other). Only on the user's request. */
enum fs_err_code fs_acl_index_create(fs_couch *c, const char *db, fs_err *e);

#endif
