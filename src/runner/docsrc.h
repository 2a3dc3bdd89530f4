/* Documents read one at a time from a JSON array or NDJSON file, so that
 * the memory of a run does not grow with the number of documents. */
#ifndef FS_DOCSRC_H
#define FS_DOCSRC_H

#include <stdio.h>
#include "base/buf.h"
#include "base/err.h"

typedef struct fs_docsrc {
	FILE *f;
	int own;              /* fclose at the end */
	int mode;             /* 0 not started, 1 JSON array, 2 NDJSON */
	int done;
	long n;               /* documents read */
	fs_buf doc;           /* the current document's JSON text */
	char *label;
} fs_docsrc;

/* path "-" reads the standard input. */
enum fs_err_code fs_docsrc_open(fs_docsrc *s, const char *path, fs_err *e);
/* The next document in s->doc: 1, 0 at the end, or an error code (a value
 * that is not an object, a truncated file). */
int fs_docsrc_next(fs_docsrc *s, fs_err *e);
void fs_docsrc_close(fs_docsrc *s);

#endif
