// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event code names, from the table gen-codes.awk makes out of the kernel's
 * <linux/input-event-codes.h>.  Only the configuration loader and the plots
 * look names up, so a linear search is plenty.  Not libevdev's
 * libevdev_event_code_from_name(): engine.mk says why.
 */
#include <errno.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "engine/codes.h"

struct code_name {
	const char *name;
	uint16_t type;
	uint16_t code;
	bool preferred;
};

static const struct code_name code_names[] = {
#include "codes-table.h"
};

#define N_CODE_NAMES	(sizeof(code_names) / sizeof(code_names[0]))

int codes_from_name(const char *name, uint16_t *ret_type, uint16_t *ret_code)
{
	for (size_t i = 0; i < N_CODE_NAMES; i++) {
		if (strcmp(code_names[i].name, name) == 0) {
			*ret_type = code_names[i].type;
			*ret_code = code_names[i].code;
			return 0;
		}
	}
	return -ENOENT;
}

const char *codes_name(uint16_t type, uint16_t code)
{
	for (size_t i = 0; i < N_CODE_NAMES; i++) {
		if (code_names[i].preferred && code_names[i].type == type &&
		    code_names[i].code == code)
			return code_names[i].name;
	}
	return NULL;
}

bool codes_is_joystick_button(uint16_t code)
{
	return (code >= BTN_JOYSTICK && code < BTN_DIGI) ||
	       (code >= BTN_TRIGGER_HAPPY1 && code <= BTN_TRIGGER_HAPPY40) ||
	       (code >= BTN_DPAD_UP && code <= BTN_DPAD_RIGHT);
}

bool codes_is_joystick_axis(uint16_t code)
{
	return code >= ABS_RX && code < ABS_PRESSURE;
}
