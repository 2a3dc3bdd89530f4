/* The `docdata` codec: the JSON text of a design document as Convertigo
 * stores it in a DesignDocument bean.
 *
 * Convertigo pretty-prints the document with 2-space indentation (every
 * non-empty object and array expanded, one member per line), escapes `/` as
 * `\/`, then inserts a real newline after every `\n` escape and turns every
 * `\t` escape into four spaces. Decoding drops the real newlines and parses
 * the JSON; member order is kept. The quoting of the whole text and its `|`
 * block belong to the line dialect (lines.h). */
#ifndef FS_DOCDATA_H
#define FS_DOCDATA_H

#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/err.h"

/* Parses the text of a docdata value into a JSON object. On error *errline
 * (may be NULL) is the 0-based line of the text where parsing stopped. */
enum fs_err_code fs_docdata_decode(const char *text, cJSON **out, int *errline, fs_err *e);
/* The text Convertigo writes for doc. Caller frees. */
char *fs_docdata_encode(const cJSON *doc);
/* Plain 2-space pretty JSON (no Convertigo passes), for display and diffs. */
char *fs_docdata_print(const cJSON *doc);

#endif
