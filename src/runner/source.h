/* Where the documents of a local run come from, besides a file: a server
 * database (the first N documents, chosen ids, or a Mango selector), and the
 * samples kept with the project.
 *
 * Samples live in _fsstudio/samples/<connector>.ndjson beside
 * c8oProject.yaml: Convertigo loads only c8oProject.yaml and the files it
 * includes (🗏 lines under _c8oProject/), so it never reads that folder,
 * while git commits it with the project (Convertigo's own _private folder
 * is for generated files and is usually ignored by git). */
#ifndef FS_RUN_SOURCE_H
#define FS_RUN_SOURCE_H

#include <cjson/cJSON.h>
#include "base/err.h"
#include "couch/couch.h"

#define FS_SAMPLES_DIR "_fsstudio/samples"
#define FS_FETCH_LIMIT 1000

/* DIR/_fsstudio/samples/CONNECTOR.ndjson. Caller frees. */
char *fs_samples_path(const char *project_dir, const char *connector);

typedef struct fs_fetch {
	long limit;              /* 0: FS_FETCH_LIMIT */
	const cJSON *ids;        /* array of ids, or NULL */
	const cJSON *selector;   /* Mango selector, or NULL */
} fs_fetch;

/* Writes the chosen documents of db as NDJSON to the file path (design
 * documents left out), one page at a time. ids (may be NULL) receives the
 * ids written, n their count. Missing ids are an error naming them. */
enum fs_err_code fs_fetch_docs(fs_couch *c, const char *db, const fs_fetch *f, const char *path,
		  cJSON *ids, long *n, fs_err *e);

#endif
