/* Keys whatever TERM says. Inside tmux or screen people run with TERM set to
 * xterm-256color, tmux-256color or screen-256color, and the multiplexer sends
 * its own sequences (End as ESC [4~ where xterm's terminfo says ESC OF):
 * curses then returns ESC and the rest as typed keys, so End closed the
 * editor and typed "[4~" into the tree. We teach curses the common variants
 * it does not know for this TERM, and read any other escape sequence as a
 * whole and drop it, never as Esc plus letters. */
#include <curses.h>
#include <wchar.h>
#include "termkeys.h"

static const struct { const char *seq; int code; } variants[] = {
	{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
	{ "\033[4~", KEY_END }, { "\033[8~", KEY_END }, { "\033[F", KEY_END }, { "\033OF", KEY_END },
	{ "\033[2~", KEY_IC }, { "\033[3~", KEY_DC },
	{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
	{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN }, { "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
	{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN }, { "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
	{ "\033[1;2A", KEY_SR }, { "\033[1;2B", KEY_SF },
	{ "\033[1;2C", KEY_SRIGHT }, { "\033[1;2D", KEY_SLEFT },
	{ "\033[1;2H", KEY_SHOME }, { "\033[1;2F", KEY_SEND }, { "\033[Z", KEY_BTAB },
	{ "\033[1;5A", FS_TK_CUP }, { "\033[1;5B", FS_TK_CDOWN },
	{ "\033[1;5C", FS_TK_CRIGHT }, { "\033[1;5D", FS_TK_CLEFT },
	{ "\033[1;5H", FS_TK_CHOME }, { "\033[1;5F", FS_TK_CEND },
	{ "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) }, { "\033OR", KEY_F(3) }, { "\033OS", KEY_F(4) },
	{ "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) }, { "\033[13~", KEY_F(3) },
	{ "\033[14~", KEY_F(4) }, { "\033[15~", KEY_F(5) }, { "\033[17~", KEY_F(6) },
	{ "\033[18~", KEY_F(7) }, { "\033[19~", KEY_F(8) }, { "\033[20~", KEY_F(9) },
	{ "\033[21~", KEY_F(10) }, { "\033[23~", KEY_F(11) }, { "\033[24~", KEY_F(12) },
};

void fs_termkeys_init(void)
{
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
		if (key_defined(variants[i].seq) == 0)   /* terminfo's own wins */
			define_key(variants[i].seq, variants[i].code);
}

/* The rest of an escape sequence curses did not know: CSI (ESC [) runs to a
 * final byte in 0x40..0x7e, SS3 (ESC O) is one more character. A sequence
 * arrives in one write, so its bytes are already waiting (stdscr is in
 * nodelay mode); the count bounds a runaway. */
static void drop_sequence(wint_t intro)
{
	wint_t c;
	int n = 0;
	if (intro == 'O') {
		get_wch(&c);
		return;
	}
	while (n++ < 32 && get_wch(&c) != ERR)
		if (c >= 0x40 && c <= 0x7e)
			return;
}

int fs_termkeys_after_esc(void)
{
	wint_t c;
	int rc = get_wch(&c);
	if (rc == ERR)
		return 27;                   /* Esc alone */
	if (rc == OK && (c == '[' || c == 'O')) {
		drop_sequence(c);
		return -1;
	}
	/* Alt+key and the like: Esc, then the key as typed. */
	if (rc == KEY_CODE_YES)
		ungetch((int)c);
	else
		unget_wch((wchar_t)c);
	return 27;
}
