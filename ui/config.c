/* Config lines: bind, set, color. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "colors.h"
#include "config.h"
#include "keys.h"

enum opt_type { BOOL, INT, TEXT };

static const struct {
	const char *name;
	enum opt_type type;
	const char *help;
} options[] = {
#define FS_OPT_INFO(id, name, type, help) { name, type, help },
	FS_OPTION_LIST(FS_OPT_INFO)
#undef FS_OPT_INFO
};

static struct {
	int n;
	char *text;
} values[FS_OPT_COUNT];

static char **errors;
static size_t nerrors;

int fs_opt_int(fs_option o) { return values[o].n; }
const char *fs_opt_text(fs_option o) { return values[o].text ? values[o].text : ""; }
const char *fs_opt_name(fs_option o) { return options[o].name; }
const char *fs_opt_help(fs_option o) { return options[o].help; }

#define MAX_WORDS 16

/* Splits a line into words; quotes group words, '#' outside quotes starts a
 * comment. Returns the number of words or -1 on an unclosed quote. */
static int split(char *s, char **w)
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			break;
		if (n == MAX_WORDS)
			return n;
		if (*s == '"' || *s == '\'') {
			char q = *s++;
			char *end = strchr(s, q);
			if (!end)
				return -1;
			*end = 0;
			w[n++] = s;
			s = end + 1;
			continue;
		}
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = 0;
	}
	return n;
}

static int parse_bool(const char *v, int *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" }, *no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = 1, 0;
		if (!strcasecmp(v, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

static enum fs_err_code do_set(int argc, char **argv, fs_err *e)
{
	fs_buf val = FS_BUF_INIT;
	int o, rc = 0;
	if (argc < 3 || strcmp(argv[1], "="))
		return fs_err_set(e, FS_E_INVALID, "expected: set OPTION = VALUE");
	for (o = 0; o < FS_OPT_COUNT; o++)
		if (!strcmp(options[o].name, argv[0]))
			break;
	if (o == FS_OPT_COUNT)
		return fs_err_set(e, FS_E_INVALID, "unknown option '%s'", argv[0]);
	for (int i = 2; i < argc; i++) {
		if (i > 2)
			fs_buf_addc(&val, ' ');
		fs_buf_adds(&val, argv[i]);
	}
	const char *v = fs_buf_str(&val);
	if (options[o].type == BOOL) {
		if (parse_bool(v, &values[o].n))
			rc = fs_err_set(e, FS_E_INVALID, "%s takes yes or no, not '%s'", argv[0], v);
	} else if (options[o].type == INT) {
		char *end;
		long n = strtol(v, &end, 10);
		if (!*v || *end || n < 0 || n > 100000)
			rc = fs_err_set(e, FS_E_INVALID, "%s takes a number, not '%s'", argv[0], v);
		else
			values[o].n = n;
	} else {
		free(values[o].text);
		values[o].text = fs_xstrdup(v);
	}
	fs_buf_free(&val);
	return rc;
}

static enum fs_err_code do_bind(int argc, char **argv, fs_err *e)
{
	int km, key;
	fs_req r;
	if (argc != 3)
		return fs_err_set(e, FS_E_INVALID, "expected: bind KEYMAP KEY REQUEST");
	km = fs_keymap_by_name(argv[0]);
	if (km < 0)
		return fs_err_set(e, FS_E_INVALID, "unknown keymap '%s'", argv[0]);
	key = fs_key_parse(argv[1]);
	if (key < 0)
		return fs_err_set(e, FS_E_INVALID, "unknown key '%s'", argv[1]);
	r = fs_req_by_name(argv[2]);
	if (r == FS_REQ_NONE && strcmp(argv[2], "none"))
		return fs_err_set(e, FS_E_INVALID, "unknown request '%s'", argv[2]);
	fs_keys_bind(km, key, r);
	return 0;
}

static enum fs_err_code do_line(char *line, fs_err *e)
{
	char *w[MAX_WORDS];
	int n = split(line, w);
	if (n < 0)
		return fs_err_set(e, FS_E_PARSE, "unclosed quote");
	if (n == 0)
		return 0;
	if (!strcmp(w[0], "bind"))
		return do_bind(n - 1, w + 1, e);
	if (!strcmp(w[0], "set"))
		return do_set(n - 1, w + 1, e);
	if (!strcmp(w[0], "color"))
		return fs_color_set(n - 1, w + 1, e);
	return fs_err_set(e, FS_E_PARSE, "unknown command '%s' (bind, set or color)", w[0]);
}

static void add_error(const char *label, int lineno, const char *msg)
{
	errors = fs_xrealloc(errors, (nerrors + 1) * sizeof *errors);
	errors[nerrors++] = fs_xasprintf("%s:%d: %s", label, lineno, msg);
}

void fs_config_load_text(const char *label, const char *text)
{
	int lineno = 0;
	while (*text) {
		size_t len = strcspn(text, "\n");
		char *line = fs_xstrndup(text, len);
		fs_err e = { 0 };
		lineno++;
		if (len && line[len - 1] == '\r')
			line[len - 1] = 0;
		if (do_line(line, &e))
			add_error(label, lineno, e.msg);
		free(line);
		text += len;
		if (*text)
			text++;
	}
}

static char *user_config_path(void)
{
	const char *p = getenv("FSSTUDIO_CONFIG"), *xdg, *home;
	if (p)
		return *p ? fs_xstrdup(p) : NULL;
	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg)
		return fs_xasprintf("%s/fsstudio/config", xdg);
	home = getenv("HOME");
	return home && *home ? fs_xasprintf("%s/.config/fsstudio/config", home) : NULL;
}

void fs_config_load(void)
{
	char *path, *text;
	fs_err e = { 0 };

	fs_colors_reset();
	/* every default key binding is a line of the built-in config */
	fs_config_load_text("fsstudiorc (built in)", fs_builtin_config);
	path = user_config_path();
	if (path && fs_is_file(path)) {
		if (fs_read_file(path, &text, NULL, &e))
			add_error(path, 0, e.msg);
		else
			fs_config_load_text(path, text), free(text);
	}
	free(path);
}

size_t fs_config_errors(const char *const **out)
{
	*out = (const char *const *)errors;
	return nerrors;
}

void fs_config_free(void)
{
	for (size_t i = 0; i < nerrors; i++)
		free(errors[i]);
	free(errors);
	errors = NULL;
	nerrors = 0;
	for (int o = 0; o < FS_OPT_COUNT; o++) {
		free(values[o].text);
		values[o].text = NULL;
		values[o].n = 0;
	}
	fs_keys_reset();
	fs_colors_reset();
}
