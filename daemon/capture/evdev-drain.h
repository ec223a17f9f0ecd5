/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading one device of the evdev backend with libevdev, at most a budget
 * of events at a time: a device that never runs dry (a flood written as
 * fast as uinput takes it) then cannot keep the reader, and the backend's
 * lock, from the other devices: the hotkey keyboard, the real mouse.
 *
 * After a SYN_DROPPED (evdev's buffer of ours overflowed: the events of
 * the gap are lost) libevdev's sync mode hands over the events that bring
 * its view of the device up to date (a button released meanwhile); a
 * budget spent in the middle of a sync resumes it next time.
 */
#ifndef JSD_EVDEV_DRAIN_H
#define JSD_EVDEV_DRAIN_H

#include <libevdev/libevdev.h>
#include <stdbool.h>

/* Events read from one device per call; fair among devices, bounded under the lock. */
#define EVDEV_DRAIN_BUDGET	128

enum evdev_drain_status {
	EVDEV_DRAIN_EMPTY,	/* read until the device had nothing more */
	EVDEV_DRAIN_MORE,	/* the budget is spent: the device (or libevdev) holds more */
};

/*
 * Called for each event: the SYN_DROPPED that starts a gap too (@resync
 * false), then the sync events (@resync true).
 */
typedef void (*evdev_event_fn)(void *ctx, const struct input_event *ev, bool resync);

/*
 * Reads up to @budget events of @dev (libevdev_next_event()), handing
 * each to @fn.  *@syncing is the device's sync state between calls (false
 * at first).  Returns EVDEV_DRAIN_EMPTY or _MORE, or -errno of the read
 * (-ENODEV: the device is gone).
 */
int evdev_drain(struct libevdev *dev, bool *syncing, unsigned int budget, evdev_event_fn fn,
		void *ctx);

#endif
