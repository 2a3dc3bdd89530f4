/* Keymaps and key names. */
#include <curses.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <wchar.h>
#include <stdlib.h>
#include "keys.h"
#include "termkeys.h"

static const char *keymap_names[] = {
#define FS_KM_NAME(id, name) name,
	FS_KEYMAP_LIST(FS_KM_NAME)
#undef FS_KM_NAME
};

/* Named keys: the first name of a key is the one shown in the help. */
#define FS_KEYNAME_LIST(_) \
	_("Up", FS_KEY_FN + KEY_UP) \
	_("Down", FS_KEY_FN + KEY_DOWN) \
	_("Left", FS_KEY_FN + KEY_LEFT) \
	_("Right", FS_KEY_FN + KEY_RIGHT) \
	_("PgUp", FS_KEY_FN + KEY_PPAGE) \
	_("PageUp", FS_KEY_FN + KEY_PPAGE) \
	_("PgDown", FS_KEY_FN + KEY_NPAGE) \
	_("PageDown", FS_KEY_FN + KEY_NPAGE) \
	_("Home", FS_KEY_FN + KEY_HOME) \
	_("End", FS_KEY_FN + KEY_END) \
	_("Insert", FS_KEY_FN + KEY_IC) \
	_("Delete", FS_KEY_FN + KEY_DC) \
	_("Del", FS_KEY_FN + KEY_DC) \
	_("Backspace", FS_KEY_FN + KEY_BACKSPACE) \
	_("BackTab", FS_KEY_FN + KEY_BTAB) \
	_("S-Left", FS_KEY_FN + KEY_SLEFT) \
	_("S-Right", FS_KEY_FN + KEY_SRIGHT) \
	_("S-Up", FS_KEY_FN + KEY_SR) \
	_("S-Down", FS_KEY_FN + KEY_SF) \
	_("S-Home", FS_KEY_FN + KEY_SHOME) \
	_("S-End", FS_KEY_FN + KEY_SEND) \
	_("C-Left", FS_KEY_FN + FS_TK_CLEFT) \
	_("C-Right", FS_KEY_FN + FS_TK_CRIGHT) \
	_("C-Up", FS_KEY_FN + FS_TK_CUP) \
	_("C-Down", FS_KEY_FN + FS_TK_CDOWN) \
	_("C-Home", FS_KEY_FN + FS_TK_CHOME) \
	_("C-End", FS_KEY_FN + FS_TK_CEND) \
	_("Enter", '\r') \
	_("Return", '\r') \
	_("Tab", '\t') \
	_("Esc", 27) \
	_("Escape", 27) \
	_("Space", ' ') \
	_("Lt", '<')

static const struct { const char *name; int key; } key_names[] = {
#define FS_KEYNAME(n, k) { n, k },
	FS_KEYNAME_LIST(FS_KEYNAME)
#undef FS_KEYNAME
};

struct binding {
	int key;
	fs_req req;
};

static struct keymap {
	struct binding *v;
	size_t n, cap;
} keymaps[FS_KM_COUNT];

int fs_keymap_by_name(const char *name)
{
	for (int i = 0; i < FS_KM_COUNT; i++)
		if (!strcmp(keymap_names[i], name))
			return i;
	return -1;
}

const char *fs_keymap_name(int km)
{
	return km >= 0 && km < FS_KM_COUNT ? keymap_names[km] : "?";
}

static int parse_char(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2 || s[n])
		return -1;
	return wc;
}

static int ctrl_of(int c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 1;
	if (c >= '[' && c <= '_')       /* C-[ is Esc, C-] 29, C-_ 31 */
		return c - '[' + 27;
	if (c == '?')                   /* DEL, the Backspace of many terminals */
		return 127;
	return -1;
}

static int parse_bracket(const char *s, size_t len)
{
	char name[32];
	if (len >= sizeof name)
		return -1;
	memcpy(name, s, len);
	name[len] = 0;
	if (!strncasecmp(name, "C-", 2) && len == 3)
		return ctrl_of(name[2]);
	if (!strncasecmp(name, "Ctrl-", 5) && len == 6)
		return ctrl_of(name[5]);
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '0' && name[1] <= '9') {
		int n = atoi(name + 1);
		return n >= 1 && n <= 24 ? FS_KEY_FN + KEY_F(n) : -1;
	}
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (!strcasecmp(key_names[i].name, name))
			return key_names[i].key;
	return -1;
}

int fs_key_parse(const char *s)
{
	size_t len = strlen(s);
	if (!len)
		return -1;
	if (s[0] == '<' && len > 2 && s[len - 1] == '>')
		return parse_bracket(s + 1, len - 2);
	if (s[0] == '^' && len == 2)
		return ctrl_of(s[1]);
	return parse_char(s);
}

void fs_key_name(int key, fs_buf *out)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key) {
			fs_buf_printf(out, "<%s>", key_names[i].name);
			return;
		}
	if (key >= FS_KEY_FN + KEY_F(1) && key <= FS_KEY_FN + KEY_F(24)) {
		fs_buf_printf(out, "<F%d>", key - FS_KEY_FN - KEY_F(0));
	} else if (key >= 1 && key <= 26) {
		fs_buf_printf(out, "<C-%c>", 'a' + key - 1);
	} else if (key >= 28 && key <= 31) {
		fs_buf_printf(out, "<C-%c>", '[' + key - 27);
	} else if (key == 127) {
		fs_buf_adds(out, "<C-?>");
	} else if (key > 0 && key < FS_KEY_FN) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		if (n != (size_t)-1)
			fs_buf_add(out, mb, n);
	} else {
		fs_buf_printf(out, "<key-%d>", key);
	}
}

void fs_keys_bind(int km, int key, fs_req r)
{
	struct keymap *m = &keymaps[km];
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].key == key) {
			m->v[i].req = r;
			return;
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 32;
		m->v = fs_xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n++] = (struct binding){ key, r };
}

static int find(int km, int key, fs_req *r)
{
	struct keymap *m = &keymaps[km];
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].key == key) {
			*r = m->v[i].req;
			return 1;
		}
	return 0;
}

fs_req fs_keys_lookup_own(int km, int key)
{
	fs_req r;
	return find(km, key, &r) ? r : FS_REQ_NONE;
}

fs_req fs_keys_lookup(int km, int key)
{
	fs_req r;
	if (km != FS_KM_GENERIC && find(km, key, &r))
		return r;
	if (find(FS_KM_GENERIC, key, &r))
		return r;
	return FS_REQ_NONE;
}

static void add_keys(int km, fs_req r, int skip_km, fs_buf *out)
{
	struct keymap *m = &keymaps[km];
	fs_req other;
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].req != r)
			continue;
		/* a key the pane rebinds does not reach the generic request */
		if (skip_km >= 0 && find(skip_km, m->v[i].key, &other))
			continue;
		if (out->len)
			fs_buf_adds(out, ", ");
		fs_key_name(m->v[i].key, out);
	}
}

void fs_keys_for(int km, fs_req r, fs_buf *out)
{
	add_keys(km, r, -1, out);
	if (km != FS_KM_GENERIC)
		add_keys(FS_KM_GENERIC, r, km, out);
}

void fs_keys_own(int km, fs_req r, fs_buf *out)
{
	add_keys(km, r, -1, out);
}

void fs_keys_reset(void)
{
	for (int i = 0; i < FS_KM_COUNT; i++) {
		free(keymaps[i].v);
		keymaps[i] = (struct keymap){ 0 };
	}
}
