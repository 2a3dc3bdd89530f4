/* The Convertigo line dialect: a reader that turns a file into a tree of
 * line nodes keeping the exact bytes of every node, and a writer that emits
 * those bytes for untouched nodes and regenerates only the edited ones.
 *
 *   ↑attr: value          attribute of the enclosing bean
 *   ↓Name [class]: 🗏 p    child bean (its body in _c8oProject/p, or inline)
 *   key: value            property; an empty value may open children
 *   - key: value          array element (nests like any other line)
 *   →: value              CDATA text
 *   →→: value             text node inside an array
 *
 * Values are plain, quoted '...' ('' for '), or a `|` block whose lines are
 * indented two more spaces than the line that opens it.
 */
#ifndef FS_LINES_H
#define FS_LINES_H

#include <stddef.h>
#include "base/buf.h"
#include "base/err.h"

/* type, marker written before the key */
#define FS_LN_LIST(_) \
	_(ROOT,  "") \
	_(BLANK, "") \
	_(ATTR,  "\xe2\x86\x91") \
	_(BEAN,  "\xe2\x86\x93") \
	_(PROP,  "") \
	_(CDATA, "\xe2\x86\x92") \
	_(TEXT,  "\xe2\x86\x92\xe2\x86\x92")

typedef enum fs_ln_type {
#define FS_LN_ENUM(k, m) FS_LN_##k,
	FS_LN_LIST(FS_LN_ENUM)
#undef FS_LN_ENUM
	FS_LN_COUNT
} fs_ln_type;

#define FS_INCLUDE_MARK "\xf0\x9f\x97\x8f"  /* 🗏 */

typedef struct fs_lfile fs_lfile;
typedef struct fs_line fs_line;

struct fs_line {
	fs_ln_type type;
	int indent;          /* spaces before the line (or the dash) */
	int dash;            /* "- " array element */
	char *key;           /* property key, attribute name, bean name */
	char *cls;           /* bean class as written (with -priority) */
	char *value;         /* decoded text; NULL when the line opens children */
	char *include;       /* bean body file, relative to _c8oProject/ */
	fs_lfile *file;      /* that file once loaded (owned) */
	char *raw;           /* original text (lines joined by \n); NULL once edited */
	int lineno;          /* 1-based line in the file it was read from */
	fs_lfile *in;        /* roots only: the file they are the top of */
	fs_line *parent;
	fs_line **kids;
	size_t nkids;
};

struct fs_lfile {
	char *relpath;       /* where it is written now */
	char *loaded;        /* where it was read from (NULL when new) */
	int crlf;            /* every line break was CRLF */
	int final_eol;       /* the last line ended with a line break */
	fs_line *root;       /* kids at indent 0 */
	char *orig;          /* bytes read (NULL when new) */
	size_t origlen;
	/* A file that holds no object the studio edits (a sequence, the mobile
	 * application) is kept as the bytes read (orig) until something needs
	 * its lines (lazy.c): loading a big project builds no line for it. */
	int lazy;            /* its lines are not read: root is empty, orig is written */
	int lazy_bad;        /* they cannot be (damaged file): stays bytes for good */
	fs_lfile **subs;     /* while lazy: the files its bean lines include */
	size_t nsubs;
};

/* Parses data; errors read "relpath:line: message" (code FS_E_PARSE). */
enum fs_err_code fs_lines_parse(fs_lfile **out, const char *relpath, const char *data, size_t len, fs_err *e);
/* The checks of bytes fs_lines_parse starts with: no NUL byte, valid UTF-8. */
enum fs_err_code fs_lines_check_text(const char *relpath, const char *data, size_t len, fs_err *e);
/* An empty file that will be written at relpath. */
fs_lfile *fs_lfile_new(const char *relpath, int crlf);
void fs_lfile_free(fs_lfile *f);
/* The bytes of the file as it would be written now. */
void fs_lines_render(const fs_lfile *f, fs_buf *out);

fs_line *fs_line_new(fs_ln_type type, const char *key, const char *value);
void fs_line_free(fs_line *l);
/* Inserts kid at position at (SIZE_MAX: at the end) and indents it. */
void fs_line_insert(fs_line *parent, size_t at, fs_line *kid);
/* Detaches l from its parent (does not free it). */
void fs_line_detach(fs_line *l);
size_t fs_line_index(const fs_line *l);
/* Deep copy (included files are copied too, with the same relpaths). */
fs_line *fs_line_clone(const fs_line *l);
/* Moves a subtree to another indentation, keeping its bytes otherwise. */
void fs_line_reindent(fs_line *l, int indent);
/* Edits: the line is written anew; the rest of the file is untouched. */
void fs_line_set_value(fs_line *l, const char *value);
void fs_line_set_key(fs_line *l, const char *key);
void fs_line_set_include(fs_line *l, const char *include);
void fs_line_touch(fs_line *l);
/* First kid of the given type (and key when not NULL). */
fs_line *fs_line_kid(const fs_line *l, fs_ln_type type, const char *key);
/* True when l has kids other than blank lines. */
int fs_line_has_kids(const fs_line *l);
/* Indentation of the kids of l (0 for a root). */
int fs_line_kid_indent(const fs_line *l);
/* The text of l's kids as written, with l's kid indentation removed. */
char *fs_line_kids_text(const fs_line *l);
/* True when a text must be quoted '...' to be read back as itself. */
int fs_lines_needs_quote(const char *s);

/* ---- lazy.c: files kept as bytes ---------------------------------------- */

/* A bean line that includes a file, as a scan of the bytes finds it. */
typedef struct fs_incl {
	char *include;       /* the path after the mark, relative to _c8oProject/ */
	int lineno;
} fs_incl;
/* The includes of data's bean lines, in file order, as fs_lines_parse would
 * read them from a well-formed file: lines of `|` blocks are text, not beans.
 * Only indentation and the bean lines are looked at. Caller frees (each
 * include, then the array). */
size_t fs_lines_scan_includes(const char *data, size_t len, fs_incl **out);
/* A lazy file of data (taken over: malloc'd, len bytes). */
fs_lfile *fs_lfile_lazy(const char *relpath, char *data, size_t len);
/* Hangs a file included by f's lines on lazy f (taken over). */
void fs_lfile_add_sub(fs_lfile *f, fs_lfile *sub);
/* f's lines, read from its bytes the first time (the included files it
 * holds go to their bean lines). A file that does not read stays its bytes
 * (lazy_bad) and shows an empty root; it is still written as read. */
fs_line *fs_lfile_root(fs_lfile *f);
/* Reads f's lines now (and nothing under it): 0, or the parse error. */
enum fs_err_code fs_lfile_unlazy(fs_lfile *f, fs_err *e);
/* Calls fn for f and for every file included under it, without reading
 * any lazy file's lines. */
typedef void (*fs_lfile_visit)(fs_lfile *f, void *ctx);
void fs_lfile_walk_files(fs_lfile *f, fs_lfile_visit fn, void *ctx);

#endif
