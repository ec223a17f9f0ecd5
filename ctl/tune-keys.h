/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keys of `joystickctl tune`, read by ncurses (keypad mode: it parses
 * the terminal's escape sequences).  A file of its own: ncurses' KEY_*
 * names clash with those of <linux/input-event-codes.h>, which the engine's
 * headers bring in, so no file includes both.
 */
#ifndef JSD_TUNE_KEYS_H
#define JSD_TUNE_KEYS_H

enum tune_key {
	TUNE_KEY_NONE,		/* nothing waiting */
	TUNE_KEY_QUIT,		/* q */
	TUNE_KEY_PREV,		/* up, k: the parameter above */
	TUNE_KEY_NEXT,		/* down, j */
	TUNE_KEY_INC,		/* right, l, +: a fine step up */
	TUNE_KEY_DEC,		/* left, h, - */
	TUNE_KEY_INC_BIG,	/* ], Page Up, shift-right: a coarse step up */
	TUNE_KEY_DEC_BIG,	/* [, Page Down, shift-left */
	TUNE_KEY_TYPE,		/* =: type a value */
	TUNE_KEY_ENTER,		/* Enter: type a value, or take the one typed */
	TUNE_KEY_ESCAPE,	/* Esc: drop the value typed */
	TUNE_KEY_BACKSPACE,
	TUNE_KEY_AXIS_NEXT,	/* Tab */
	TUNE_KEY_AXIS_PREV,	/* shift-Tab */
	TUNE_KEY_CENTRE,	/* c */
	TUNE_KEY_UNDO,		/* u */
	TUNE_KEY_REVERT,	/* r */
	TUNE_KEY_SAVE,		/* s */
	TUNE_KEY_RESIZE,	/* the terminal changed size */
	TUNE_KEY_OTHER,		/* any other key */
};

/*
 * The next key waiting, or TUNE_KEY_NONE; *@ret_char is the character
 * typed (for a value being typed: printable ASCII), or 0.
 */
enum tune_key tune_key_read(int *ret_char);

#endif
