/* What is deployed where: for each server and each design document of the
 * project, the commit the server runs (from the fsstudio marker, see
 * deploy.h) and how far behind it is.
 *
 *   fs_deployed_new()      the design documents of a model (no network);
 *   fs_deployed_add()      a server column;
 *   fs_deployed_fetch()    reads one server: one request per database. Fills
 *                          only its own column and does not touch the model:
 *                          columns may be fetched on threads, one client each;
 *   fs_deployed_behind()   counts, with git, the commits since each deployed
 *                          commit that changed that design document.
 *
 * A cell is one of the states below. "behind" is only known for DEPLOYED
 * cells whose marker names a commit of this repository that HEAD (or the
 * given revision) reaches; else it is -1.
 */
#ifndef FS_DEPLOYED_H
#define FS_DEPLOYED_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/err.h"
#include "model/project.h"
#include "couch/couch.h"
#include "git/gitstore.h"

#define FS_DS_LIST(_) \
	_(DEPLOYED,    "deployed") \
	_(DRIFTED,     "drifted") \
	_(MISSING,     "missing") \
	_(FOREIGN,     "foreign") \
	_(UNREACHABLE, "unreachable") \
	_(ERROR,       "error")

typedef enum fs_deployed_state {
#define FS_DS_ENUM(k, n) FS_DS_##k,
	FS_DS_LIST(FS_DS_ENUM)
#undef FS_DS_ENUM
	FS_DS_COUNT
} fs_deployed_state;
const char *fs_deployed_state_name(fs_deployed_state s);

typedef struct fs_deployed_cell {
	fs_deployed_state state;
	char *commit;             /* the marker's commit; NULL: none */
	char *at;                 /* the marker's time */
	char *rev;                /* the server copy's _rev */
	long behind;              /* -1: unknown */
} fs_deployed_cell;

typedef struct fs_deployed_row {
	char *connector;
	char *db;
	char *ddoc;               /* _design/NAME */
	char *path;               /* object path: CONNECTOR/NAME */
} fs_deployed_row;

typedef struct fs_deployed_server {
	char *name;
	char *url;                /* display URL, never credentials */
	char *error;              /* unreachable or failed: the sentence */
} fs_deployed_server;

typedef struct fs_deployed {
	fs_deployed_row *rows;
	size_t nrows;
	fs_deployed_server *servers;
	size_t nservers;
	fs_deployed_cell **cells; /* cells[server][row] */
} fs_deployed;

/* The design documents of every FullSync connector of p (copied). */
fs_deployed *fs_deployed_new(fs_project *p);
void fs_deployed_free(fs_deployed *d);
/* Adds a server column (all cells missing until fetched); its index. */
size_t fs_deployed_add(fs_deployed *d, const char *name, const char *url);
/* Marks the column failed before any request (could not connect). */
void fs_deployed_fail(fs_deployed *d, size_t server, int code, const char *msg);
/* Reads the server of column `server`. A server that does not answer makes
 * its column UNREACHABLE (other errors: ERROR); the sentence is kept in
 * servers[server].error and returned. */
enum fs_err_code fs_deployed_fetch(fs_deployed *d, size_t server, fs_couch *c, fs_err *e);
/* Fills `behind` of every DEPLOYED cell against rev (NULL: HEAD). */
void fs_deployed_behind(fs_deployed *d, fs_repo *r, const char *rev);
/* The one commit the column's server runs: the newest marker commit, when
 * every other marker commit is one of its ancestors and no design document
 * changed between its own marker commit and it (so the server holds that
 * commit's design documents exactly). Refusals (FS_E_CONFLICT) name the
 * document that disagrees; a column without any marker is FS_E_NOTFOUND.
 * Caller frees *commit. */
enum fs_err_code fs_deployed_commit(fs_deployed *d, size_t server, fs_repo *r, char **commit, fs_err *e);

/* Promotion: the project as committed at the one commit the server of c
 * runs (fs_deployed_commit over the design documents at HEAD), read from
 * git, never from the working tree; refused (FS_E_CONFLICT) also when a
 * design document of that commit is not on the server. */
enum fs_err_code fs_deployed_promotion(fs_repo *r, fs_couch *from, fs_project **out, char **commit, fs_err *e);

/* The table, servers as columns; one line per design document. */
void fs_deployed_format(const fs_deployed *d, fs_buf *out);
/* One entry per server and design document: server, url, connector,
 * database, designdoc, commit, behind, state, at, rev. */
cJSON *fs_deployed_json(const fs_deployed *d);

#endif
