/* Pull: import the design documents of a live database into a FullSync
 * connector of the project, as Convertigo's "Import design documents" does:
 * _design/c8o (Convertigo's own), Mango indexes ("language": "query") and
 * staging copies of a staged deploy are skipped; _rev and the deploy marker
 * are stripped. Planned as data (with member-level diffs, project -> server)
 * so that the caller can show it and ask before writing; fs_pull_apply
 * changes the model only (the caller saves). */
#ifndef FS_PULL_H
#define FS_PULL_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"
#include "model/project.h"
#include "couch/couch.h"
#include "deploy/deploy.h"

#define FS_PA_LIST(_) \
	_(ADD,       "add") \
	_(UPDATE,    "update") \
	_(UNCHANGED, "unchanged") \
	_(SKIP,      "skipped") \
	_(LOCAL,     "only-in-project")

typedef enum fs_pull_action {
#define FS_PA_ENUM(k, n) FS_PA_##k,
	FS_PA_LIST(FS_PA_ENUM)
#undef FS_PA_ENUM
	FS_PA_COUNT
} fs_pull_action;
const char *fs_pull_action_name(fs_pull_action a);

typedef struct fs_pull_doc {
	char *id;                 /* _design/NAME */
	fs_pull_action action;
	char *reason;             /* skipped: why */
	cJSON *doc;               /* the server copy, stripped; NULL: only in project */
	fs_deploy_fdiff *diffs;   /* project -> server */
	size_t ndiffs;
	char *error;              /* apply failed for this one */
} fs_pull_doc;

typedef struct fs_pull_plan {
	char *connector;
	char *db;
	char *server;             /* display name and URL, no credentials */
	char *url;
	fs_pull_doc *docs;
	size_t n;
	size_t count[FS_PA_COUNT];
} fs_pull_plan;

/* The network part (safe on a worker): the design documents of a database
 * with their bodies, in one GET. */
enum fs_err_code fs_pull_fetch(fs_couch *c, const char *db, cJSON **out, fs_err *e);
/* The model part (UI thread): compares what fs_pull_fetch returned (moved
 * out of `fetched`) with the connector. c only names the server. */
enum fs_err_code fs_pull_plan_from(fs_project *p, const char *connector, const fs_couch *c, cJSON *fetched,
		      fs_pull_plan **out, fs_err *e);
/* Both at once, for the CLI. */
enum fs_err_code fs_pull_plan_make(fs_project *p, fs_couch *c, const char *connector,
		      fs_pull_plan **out, fs_err *e);
void fs_pull_plan_free(fs_pull_plan *plan);
/* Documents that apply would change (add + update). */
size_t fs_pull_changes(const fs_pull_plan *plan);
/* Adds and updates the design documents in the model. Returns the first
 * failure (each failed document keeps its error); the others are applied. */
int fs_pull_apply(fs_project *p, fs_pull_plan *plan, fs_err *e);
void fs_pull_format(const fs_pull_plan *plan, int diffs, fs_buf *out);
cJSON *fs_pull_json(const fs_pull_plan *plan, int diffs);

#endif
