/* Keys whatever TERM says (termkeys.c). */
#ifndef FS_TERMKEYS_H
#define FS_TERMKEYS_H

#include <curses.h>

/* Codes of our own for ctrl+arrows (no standard curses code): beyond
 * KEY_MAX, seen by the key map as FS_KEY_FN + code (<C-Left>...). */
enum {
	FS_TK_CLEFT = KEY_MAX + 1, FS_TK_CRIGHT, FS_TK_CUP, FS_TK_CDOWN,
	FS_TK_CHOME, FS_TK_CEND
};

/* Teaches curses the usual sequences of Home, End, PgUp/PgDn, arrows with
 * shift and ctrl, and F1-F12 that this TERM's terminfo lacks. After keypad(). */
void fs_termkeys_init(void);
/* Called when curses returned a lone Esc: 27 for Esc (the next key, if any,
 * is put back), -1 when it began an unknown escape sequence, read whole and
 * dropped. */
int fs_termkeys_after_esc(void);

#endif
