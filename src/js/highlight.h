/* Syntax highlighting with tree-sitter queries.
 *
 * Our queries live in share/queries/LANG.scm; they are compiled into the
 * program (so it runs uninstalled) and a file of the same name in the user
 * config folder ($XDG_CONFIG_HOME/fsstudio/queries/, else
 * ~/.config/fsstudio/queries/) overrides them.
 *
 * The C library leaves predicates to its clients: we evaluate #eq?,
 * #match? (POSIX extended regex, with \d \w \s translated) and #any-of?,
 * each with its #not- variant. When several patterns capture one node the
 * last pattern wins; an inner node wins over the node around it.
 *
 * A node named by several drawn captures in one pattern takes the last
 * one whose predicates hold: there a failing predicate drops its capture
 * only, not the match ("(identifier) @variable @constant (#match?
 * @constant ...)" paints every identifier, the constants as constants).
 * Elsewhere, as in tree-sitter, a failing predicate drops the match.
 */
#ifndef FS_HIGHLIGHT_H
#define FS_HIGHLIGHT_H

#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>
#include "base/buf.h"
#include "base/err.h"

/* Capture names, in the order the UI's color config lists them. A capture
 * "a.b" counts as "a"; captures starting with '_' only feed predicates. */
#define FS_HL_LIST(_) \
	_(NONE,      "none") \
	_(KEYWORD,   "keyword") \
	_(FUNCTION,  "function") \
	_(METHOD,    "method") \
	_(PROPERTY,  "property") \
	_(VARIABLE,  "variable") \
	_(PARAMETER, "parameter") \
	_(STRING,    "string") \
	_(NUMBER,    "number") \
	_(COMMENT,   "comment") \
	_(OPERATOR,  "operator") \
	_(CONSTANT,  "constant") \
	_(BUILTIN,   "builtin")

typedef enum fs_hl {
#define FS_HL_ENUM(k, n) FS_HL_##k,
	FS_HL_LIST(FS_HL_ENUM)
#undef FS_HL_ENUM
	FS_HL_COUNT
} fs_hl;

const char *fs_hl_name(fs_hl h);
/* The capture for a name, -1 when unknown. */
int fs_hl_from_name(const char *name);

/* A run of bytes [start, end) of one capture. Spans come sorted, never
 * overlap, and bytes without a span are plain text. */
typedef struct fs_span {
	uint32_t start;
	uint32_t end;
	fs_hl hl;
} fs_span;
typedef struct fs_spans {
	fs_span *v;
	size_t n;
	size_t cap;
} fs_spans;
void fs_spans_free(fs_spans *s);

/* How predicates read the text of a node: returns a pointer to bytes
 * [start, end) (not NUL-terminated), possibly copied into scratch. */
typedef struct fs_hl_text {
	const char *(*get)(void *ctx, uint32_t start, uint32_t end, fs_buf *scratch);
	void *ctx;
} fs_hl_text;

typedef struct fs_hl_query fs_hl_query;

/* Compiles a query; label names it in errors ("javascript.scm:3:7: ..."). */
enum fs_err_code fs_hl_query_new(fs_hl_query **out, const TSLanguage *lang, const char *src,
		    size_t len, const char *label, fs_err *e);
/* The query of a language ("javascript", "json"): the user's file when
 * there is one, else the compiled-in one. */
enum fs_err_code fs_hl_query_load(fs_hl_query **out, const char *lang_name, fs_err *e);
/* The compiled-in query source of a language (NULL when unknown). */
const char *fs_hl_builtin_source(const char *lang_name);
void fs_hl_query_free(fs_hl_query *q);

/* Spans of bytes [start, end) of tree, clipped to that range; out is reset
 * first. Only the nodes in the range and the nodes across its ends are
 * visited, so a row of a large block costs what a small block does. */
void fs_hl_spans(fs_hl_query *q, const TSTree *tree, fs_hl_text text,
		 uint32_t start, uint32_t end, fs_spans *out);
/* Same over a flat string holding the parsed text. */
void fs_hl_spans_str(fs_hl_query *q, const TSTree *tree, const char *s,
		     uint32_t start, uint32_t end, fs_spans *out);
/* The capture covering byte off, FS_HL_NONE when none (for tests). */
fs_hl fs_spans_at(const fs_spans *s, uint32_t off);

#endif
