/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evdev backend's passthrough pointer: a uinput mouse that carries to
 * the desktop what a grabbed mouse does and the capture does not swallow
 * (the wheel with swallow = motion, buttons with swallow = motion, wheel,
 * the keys of a keyboard with a touchpad).  Its input id is
 * EVDEV_PASSTHROUGH_ID, which the backend never attaches to.
 */
#ifndef JSD_EVDEV_PASSTHROUGH_H
#define JSD_EVDEV_PASSTHROUGH_H

#include <linux/input.h>
#include <stddef.h>

#include "joystickd_kfilter.h"

#define EVDEV_PASSTHROUGH_NAME	"joystickd passthrough pointer"
#define EVDEV_PASSTHROUGH_ID	{ .bustype = BUS_VIRTUAL, .vendor = 0x6a73, .product = 0x7074, .version = 1 }

struct passthrough;

int passthrough_new(struct passthrough **ret);
struct passthrough *passthrough_free(struct passthrough *p);

/* Writes @n events (EV_REL, EV_KEY) and a SYN_REPORT; 0 or -errno. */
int passthrough_write(struct passthrough *p, const struct input_event *ev, size_t n);

#endif
