/* JavaScript of design documents: parsing, syntax errors and the checks a
 * function of each kind should pass.
 *
 * Convertigo stores a function as a bare `function (doc) {...}`. The
 * tree-sitter grammar takes a lone anonymous function expression as an
 * expression statement, so the text is parsed as it is and every position
 * is already one of the user's text.
 */
#ifndef FS_JS_H
#define FS_JS_H

#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>
#include "model/project.h"

const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_json(void);
/* "javascript" or "json"; NULL for anything else. */
const TSLanguage *fs_lang(const char *name);

/* One finding in a function text. */
typedef struct fs_js_diag {
	int warning;         /* 0 error (syntax), 1 warning (domain) */
	uint32_t line, col;  /* 1-based; col counts characters */
	uint32_t start, end; /* byte range in the text (for the editor) */
	char *message;       /* "missing ')'", "unexpected 'x'", ... */
} fs_js_diag;

typedef struct fs_js_diags {
	fs_js_diag *v;
	size_t n;
	size_t nerrors;
} fs_js_diags;
void fs_js_diags_free(fs_js_diags *d);

/* Parses a JavaScript text with a fresh parser. Caller deletes the tree. */
TSTree *fs_js_parse(const char *text, size_t len);
/* Syntax errors of a parsed text: ERROR and MISSING nodes, in text order,
 * appended to out. text is the parsed text (for the messages). */
void fs_js_syntax(const TSTree *tree, const char *text, fs_js_diags *out);
/* Domain checks of a function of the given kind (warnings), appended. */
void fs_js_domain(const TSTree *tree, const char *text, fs_fn_type type, fs_js_diags *out);
/* Both, on a function text as stored (a reduce may be a built-in name). */
void fs_js_check(fs_fn_type type, const char *text, fs_js_diags *out);

/* Built-in reduces (_count, _sum, _stats, _approx_count_distinct). */
int fs_js_builtin_reduce(const char *name);
/* 1 when the map function emits doc._id (doc being its first parameter) as
 * the key of some emit() call; for the listener checks of the model. */
int fs_js_map_emits_id(const char *text);

#endif
