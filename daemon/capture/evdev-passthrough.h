/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The passthrough of one grabbed device: a uinput copy of it that carries
 * to the desktop what the device does and the capture does not swallow
 * (the wheel and buttons with swallow = motion, a combo keyboard's keys,
 * everything while hold-to-look swallows nothing).  As input-remapper and
 * evsieve do, one per source device, cloned from it: its name with
 * EVDEV_PASSTHROUGH_SUFFIX, its input id and phys, its properties
 * (INPUT_PROP_POINTING_STICK ...) and every event code it has (buttons 9
 * to 16, KEY_MICMUTE, EV_ABS, EV_MSC, LEDs, hi-res wheels only if it has
 * them), so the desktop sees the same mouse, with its own button state.
 * Force feedback is left out: nobody would answer an upload.
 *
 * The backend never attaches to a device whose name ends with the suffix
 * (its own passthroughs, or another joystickd's), so their events never
 * come back to it.
 */
#ifndef JSD_EVDEV_PASSTHROUGH_H
#define JSD_EVDEV_PASSTHROUGH_H

#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <stdbool.h>
#include <stddef.h>

#define EVDEV_PASSTHROUGH_SUFFIX	" (joystickd passthrough)"

struct passthrough;

/* A copy of @src on uinput; 0 or -errno. */
int passthrough_new(const struct libevdev *src, struct passthrough **ret);
struct passthrough *passthrough_free(struct passthrough *p);

/* Writes @n events (not EV_SYN), then a SYN_REPORT if @syn, in one write; 0 or -errno. */
int passthrough_write(struct passthrough *p, const struct input_event *ev, size_t n, bool syn);

/* Whether a device called @name is a passthrough (ours, or another joystickd's). */
bool passthrough_named(const char *name);

#endif
