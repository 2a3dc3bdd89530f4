/* Deploy history in git: every deploy appends a record to the git note of
 * the commit it deployed, in a notes ref of our own (so that it never mixes
 * with the user's refs/notes/commits, and travels only when asked:
 * `git push origin refs/notes/fsstudio-deploys`).
 *
 * A note holds one block per deploy, blank-line separated, plain text that
 * `git notes --ref fsstudio-deploys show COMMIT` prints as it is:
 *
 *   deploy to staging
 *   url: https://couch.staging.example.com
 *   at: 2026-12-06T10:00:00Z
 *   user: Ana <ana@example.com>
 *   database: inspections
 *   written: inspections _design/visits 3-1a2b...
 *   deleted: sites _design/old
 *   failed: 1
 *
 * Never credentials: the URL is the profile's display URL.
 */
#ifndef FS_NOTES_H
#define FS_NOTES_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "git/gitstore.h"

#define FS_NOTES_REF "refs/notes/fsstudio-deploys"

typedef struct fs_deploy_record {
	char commit[41];          /* the deployed commit (filled when read) */
	char *server;             /* profile name (or display URL) */
	char *url;                /* display URL */
	char *at;                 /* ISO 8601, UTC */
	char *user;               /* "Name <email>" from git config, else $USER */
	char **dbs;               /* databases of the deploy */
	size_t ndbs;
	char **written;           /* "DB _design/NAME REV" */
	size_t nwritten;
	char **deleted;           /* "DB _design/NAME" */
	size_t ndeleted;
	long failed;              /* documents and databases that failed */
	size_t order;             /* 1, 2...: its place in its note (when read) */
} fs_deploy_record;

typedef struct fs_deploy_records {
	fs_deploy_record *v;
	size_t n;
} fs_deploy_records;

void fs_deploy_record_free(fs_deploy_record *rec);
void fs_deploy_records_free(fs_deploy_records *l);
/* Adds a line to one of the lists of rec (copies s). */
void fs_deploy_record_add(char ***list, size_t *n, const char *s);

/* The block of rec, as above. Caller frees. */
char *fs_deploy_record_text(const fs_deploy_record *rec);
/* The blocks of one note; commit is copied into each record. */
void fs_deploy_records_parse(const char *note, const char *commit, fs_deploy_records *out);

/* Appends rec (user filled from git config when NULL) to the note of
 * commit, creating it or the notes ref when needed. */
enum fs_err_code fs_notes_record(fs_repo *r, const char *commit, const fs_deploy_record *rec, fs_err *e);
/* The deploys recorded on one commit (none: n 0, not an error). */
enum fs_err_code fs_notes_of(fs_repo *r, const char *commit, fs_deploy_records *out, fs_err *e);
/* Every deploy recorded, newest first (by time). */
enum fs_err_code fs_notes_all(fs_repo *r, fs_deploy_records *out, fs_err *e);
/* "staging, production": the servers one commit was deployed to, each
 * once, in the order it first reached them (l newest first, as
 * fs_notes_all gives it); NULL when none. Caller frees. */
char *fs_notes_servers(const fs_deploy_records *l, const char *commit);
/* The same as a list: out (room for l->n names) points into l. */
size_t fs_notes_servers_of(const fs_deploy_records *l, const char *commit, const char **out);

cJSON *fs_deploy_records_json(const fs_deploy_records *l);

#endif
