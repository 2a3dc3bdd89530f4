/* What `fsstudio check --run` takes from `fsstudio run`: every map, filter
 * and validate_doc_update of the project run over the samples of its
 * connector (runner/source.h), each exception reported as a warning. */
#ifndef FS_CLI_RUN_H
#define FS_CLI_RUN_H

#include <stddef.h>
#include "model/project.h"

/* line 0: no position (the whole run failed, or a thrown value). */
typedef void (*fs_cli_run_warn)(void *ctx, const char *path, int line, int col, const char *message);
/* Returns the number of connectors that have samples. */
size_t fs_cli_run_samples(fs_project *p, fs_cli_run_warn warn, void *ctx);

#endif
