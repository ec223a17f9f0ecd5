/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event code names (KEY_*, BTN_*, REL_*, ABS_*), from a table generated at
 * build time from <linux/input-event-codes.h>.
 */
#ifndef JSD_CODES_H
#define JSD_CODES_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Looks up a code by its exact name ("BTN_LEFT", "REL_WHEEL_HI_RES",
 * "ABS_THROTTLE").  Every alias of the header is accepted (BTN_TRIGGER and
 * BTN_JOYSTICK are both 0x120).  Returns 0 and sets *ret_type (EV_KEY,
 * EV_REL or EV_ABS) and *ret_code, or -ENOENT.
 */
int codes_from_name(const char *name, uint16_t *ret_type, uint16_t *ret_code);

/*
 * The preferred name of a code (the last name the header defines with a
 * number for that value: BTN_TRIGGER rather than BTN_JOYSTICK, BTN_SOUTH
 * rather than BTN_A), or NULL when the code has no name.
 */
const char *codes_name(uint16_t type, uint16_t code);

/*
 * True for the buttons udev counts as joystick buttons (kernel-facts.md
 * §5): BTN_JOYSTICK..BTN_DIGI-1, BTN_TRIGGER_HAPPY1..40, BTN_DPAD_*.
 */
bool codes_is_joystick_button(uint16_t code);

/* True for the axes udev counts as joystick axes: ABS_RX..ABS_PRESSURE-1. */
bool codes_is_joystick_axis(uint16_t code);

#endif
