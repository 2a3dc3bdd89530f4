/* A line diff of two texts (libgit2's, minimal: a shortest edit script),
 * returned as unified-diff hunks in data form so that the studio can draw
 * them, print them or send them as JSON.
 *
 * A text is split at '\n'; a last line without a newline is marked noeol, so
 * "a" and "a\n" differ (as in diff and git). */
#ifndef FS_TEXTDIFF_H
#define FS_TEXTDIFF_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/buf.h"

#define FS_DL_LIST(_) \
	_(SAME, ' ', "same") \
	_(DEL,  '-', "del") \
	_(ADD,  '+', "add")

typedef enum fs_dl_type {
#define FS_DL_ENUM(k, c, n) FS_DL_##k,
	FS_DL_LIST(FS_DL_ENUM)
#undef FS_DL_ENUM
} fs_dl_type;

typedef struct fs_dline {
	fs_dl_type type;
	int noeol;       /* last line of its text, without a final newline */
	char *text;      /* the line without its newline, NUL-terminated */
	size_t len;
} fs_dline;

/* Line numbers are 1-based as in "@@ -start,count +start,count @@"; when a
 * side has no line in the hunk, its start is the line before (0 at the top). */
typedef struct fs_hunk {
	size_t old_start, old_count;
	size_t new_start, new_count;
	fs_dline *lines;
	size_t n;
} fs_hunk;

typedef struct fs_hunks {
	fs_hunk *v;
	size_t n;
	size_t added, removed;   /* line counts over all hunks */
} fs_hunks;

#define FS_DIFF_CONTEXT 3

/* Diffs a (alen bytes) against b with `context` unchanged lines around each
 * change. Equal texts give no hunk. out is overwritten (free it with
 * fs_hunks_free). Never fails: memory exhaustion aborts as in buf.h. */
void fs_textdiff(const char *a, size_t alen, const char *b, size_t blen,
		 int context, fs_hunks *out);
/* The same for NUL-terminated texts; NULL is the empty text. */
void fs_textdiff_str(const char *a, const char *b, int context, fs_hunks *out);
void fs_hunks_free(fs_hunks *h);

char fs_dl_char(fs_dl_type t);
const char *fs_dl_name(fs_dl_type t);

/* Appends the hunks as unified diff text; the "--- old / +++ new" header is
 * written when both labels are given. */
void fs_hunks_format(const fs_hunks *h, const char *old_label, const char *new_label,
		     fs_buf *out);
/* [{"old_start", "old_count", "new_start", "new_count",
 *   "lines": [{"op": "+", "text": "..."} (, "noeol": true)]}] */
cJSON *fs_hunks_json(const fs_hunks *h);

#endif
