/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What games make of a stick's shape: the rules by which SDL and Wine (so
 * Proton) take a set of axes and buttons for a gamepad, or read it in a
 * way that breaks some games.  Pure: no I/O.
 *
 * The configuration loader refuses a stick that breaks a SHAPE_REFUSE
 * rule and warns for a SHAPE_WARN one (joystickd.ini(5), GAMES AND THE
 * STICK'S SHAPE); `joystickctl doctor` runs the same rules on the stick it
 * finds.  Udev's own classification (ID_INPUT_JOYSTICK) is checked apart:
 * config-check.c for a file, the udev property for a live device.
 */
#ifndef JSD_SHAPE_H
#define JSD_SHAPE_H

#include <stdint.h>

enum shape_level {
	SHAPE_REFUSE,		/* games take it for a gamepad: never built */
	SHAPE_WARN,		/* some games misread it: built, with a warning */
};

/* A stick's shape: the codes it advertises. */
struct shape {
	const uint16_t *axes;		/* ABS_* codes */
	unsigned int n_axes;
	const uint16_t *buttons;	/* EV_KEY codes */
	unsigned int n_buttons;
};

#define SHAPE_MAX_FINDINGS	6

struct shape_finding {
	enum shape_level level;
	uint16_t button;	/* the gamepad button a finding is about, else 0 */
	char message[200];	/* what games make of it, and why (no line, no file) */
	char fix[120];		/* what to change */
};

/*
 * Every rule @s breaks, refusals first, into @out; returns how many.
 * Messages name codes by their preferred name (codes.h).
 */
unsigned int shape_check(const struct shape *s, struct shape_finding out[SHAPE_MAX_FINDINGS]);

/* Whether @code is in the kernel's gamepad button block, BTN_SOUTH ... BTN_THUMBR. */
int shape_is_gamepad_button(uint16_t code);

#endif
