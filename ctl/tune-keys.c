// SPDX-License-Identifier: GPL-2.0-or-later
/* The keys of `joystickctl tune`; see tune-keys.h. */
#include <curses.h>

#include "tune-keys.h"

enum tune_key tune_key_read(int *ret_char)
{
	int ch = getch();

	*ret_char = ch >= 0x20 && ch < 0x7f ? ch : 0;
	switch (ch) {
	case ERR:
		return TUNE_KEY_NONE;
	case 'q':
	case 'Q':
		return TUNE_KEY_QUIT;
	case KEY_UP:
	case 'k':
		return TUNE_KEY_PREV;
	case KEY_DOWN:
	case 'j':
		return TUNE_KEY_NEXT;
	case KEY_RIGHT:
	case 'l':
	case '+':
		return TUNE_KEY_INC;
	case KEY_LEFT:
	case 'h':
	case '-':
		return TUNE_KEY_DEC;
	case ']':
	case KEY_PPAGE:
	case KEY_SRIGHT:
		return TUNE_KEY_INC_BIG;
	case '[':
	case KEY_NPAGE:
	case KEY_SLEFT:
		return TUNE_KEY_DEC_BIG;
	case '=':
		return TUNE_KEY_TYPE;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return TUNE_KEY_ENTER;
	case 27:
		return TUNE_KEY_ESCAPE;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		return TUNE_KEY_BACKSPACE;
	case '\t':
		return TUNE_KEY_AXIS_NEXT;
	case KEY_BTAB:
		return TUNE_KEY_AXIS_PREV;
	case 'c':
		return TUNE_KEY_CENTRE;
	case 'u':
		return TUNE_KEY_UNDO;
	case 'r':
		return TUNE_KEY_REVERT;
	case 's':
		return TUNE_KEY_SAVE;
	case KEY_RESIZE:
		return TUNE_KEY_RESIZE;
	default:
		return TUNE_KEY_OTHER;
	}
}
