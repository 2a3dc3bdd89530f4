/* Colors: `color` lines, curses pairs, monochrome fallback. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "colors.h"
#include "base/enummap.h"

static const struct {
	const char *name;
	int mono;
} areas[] = {
#define FS_COLOR_INFO(id, name, mono) { name, mono },
	FS_COLOR_LIST(FS_COLOR_INFO)
#undef FS_COLOR_INFO
};

struct area_color {
	short fg, bg;   /* -1: terminal default */
	int attr;
};
static struct area_color colors[FS_C_COUNT];
static int attrs[FS_C_COUNT];
static int active;

#define FS_COLOR_NAME_LIST(_) \
	_("default", -1) _("black", 0) _("red", 1) _("green", 2) _("yellow", 3) \
	_("blue", 4) _("magenta", 5) _("cyan", 6) _("white", 7) \
	_("bright-black", 8) _("gray", 8) _("grey", 8) _("bright-red", 9) \
	_("bright-green", 10) _("bright-yellow", 11) _("bright-blue", 12) \
	_("bright-magenta", 13) _("bright-cyan", 14) _("bright-white", 15)

static const fs_enum_entry color_entries[] = {
#define FS_CN(n, v) { n, v },
	FS_COLOR_NAME_LIST(FS_CN)
#undef FS_CN
};
static const fs_enum_map color_names = FS_ENUM_MAP(color_entries);

#define FS_ATTR_LIST(_) \
	_("normal", A_NORMAL) _("bold", A_BOLD) _("dim", A_DIM) \
	_("reverse", A_REVERSE) _("underline", A_UNDERLINE) \
	_("standout", A_STANDOUT) _("blink", A_BLINK) _("italic", A_ITALIC)

static const fs_enum_entry attr_entries[] = {
#define FS_AN(n, v) { n, v },
	FS_ATTR_LIST(FS_AN)
#undef FS_AN
};
static const fs_enum_map attr_names = FS_ENUM_MAP(attr_entries);

int fs_color_by_name(const char *name)
{
	for (int i = 0; i < FS_C_COUNT; i++)
		if (!strcmp(areas[i].name, name))
			return i;
	return -1;
}

const char *fs_color_name(int c)
{
	return c >= 0 && c < FS_C_COUNT ? areas[c].name : "?";
}

static int parse_color(const char *s, short *out)
{
	char *end;
	long n;
	int named;
	if (fs_enum_value(&color_names, s, 1, &named)) {
		*out = (short)named;
		return 0;
	}
	if (!strncasecmp(s, "color", 5))
		s += 5;
	n = strtol(s, &end, 10);
	if (!*s || *end || n < 0 || n > 255)
		return -1;
	*out = n;
	return 0;
}

static int parse_attr(const char *s, int *out)
{
	int attr;
	if (!fs_enum_value(&attr_names, s, 1, &attr))
		return -1;
	*out |= attr;
	return 0;
}

enum fs_err_code fs_color_set(int argc, char **argv, fs_err *e)
{
	struct area_color c = { -1, -1, 0 };
	int area;
	if (argc < 3)
		return fs_err_set(e, FS_E_INVALID, "color needs an area, a foreground and a background");
	area = fs_color_by_name(argv[0]);
	if (area < 0)
		return fs_err_set(e, FS_E_INVALID, "unknown color area '%s'", argv[0]);
	if (parse_color(argv[1], &c.fg) || parse_color(argv[2], &c.bg))
		return fs_err_set(e, FS_E_INVALID, "unknown color '%s'",
				  parse_color(argv[1], &c.fg) ? argv[1] : argv[2]);
	for (int i = 3; i < argc; i++)
		if (parse_attr(argv[i], &c.attr))
			return fs_err_set(e, FS_E_INVALID, "unknown attribute '%s'", argv[i]);
	colors[area] = c;
	return 0;
}

/* A color the terminal lacks: bright colors become bold base colors on
 * 8-color terminals, 256-color indexes the default. */
static short fit(short c, int *attr)
{
	if (c < COLORS)
		return c;
	if (c >= 8 && c < 16) {
		*attr |= A_BOLD;
		return c - 8;
	}
	return -1;
}

void fs_colors_init(void)
{
	const char *no = getenv("NO_COLOR");
	active = has_colors() && !(no && *no);
	if (active) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < FS_C_COUNT; i++) {
		int attr = colors[i].attr;
		if (!active) {
			attrs[i] = areas[i].mono | attr;
			continue;
		}
		short fg = fit(colors[i].fg, &attr), bg = fit(colors[i].bg, &attr);
		if (i + 1 < COLOR_PAIRS)
			init_pair(i + 1, fg, bg);
		attrs[i] = COLOR_PAIR(i + 1) | attr;
	}
}

int fs_color_attr(int c)
{
	return c >= 0 && c < FS_C_COUNT ? attrs[c] : 0;
}

int fs_color_of_capture(const char *capture)
{
	char name[64];
	size_t n = strcspn(capture, ".");
	int c;
	if (!strcmp(capture, "function") || !strncmp(capture, "function.", 9))
		return FS_C_FUNCTION_JS;
	if (n >= sizeof name)
		return FS_C_DEFAULT;
	memcpy(name, capture, n);
	name[n] = 0;
	c = fs_color_by_name(name);
	return c >= FS_C_KEYWORD ? c : FS_C_DEFAULT;
}

void fs_colors_reset(void)
{
	for (int i = 0; i < FS_C_COUNT; i++)
		colors[i] = (struct area_color){ -1, -1, 0 };
}

int fs_colors_active(void)
{
	return active;
}
