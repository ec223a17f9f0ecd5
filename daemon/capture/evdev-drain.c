// SPDX-License-Identifier: GPL-2.0-or-later
/* Budgeted reads of one evdev device; see evdev-drain.h. */
#include <errno.h>

#include "evdev-drain.h"

int evdev_drain(struct libevdev *dev, bool *syncing, unsigned int budget, evdev_event_fn fn,
		void *ctx)
{
	struct input_event ev;
	unsigned int n;
	int r;

	for (n = 0; n < budget;) {
		r = libevdev_next_event(dev, *syncing ? LIBEVDEV_READ_FLAG_SYNC
						      : LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (r == -EAGAIN && *syncing) {
			*syncing = false;	/* in sync again */
			continue;
		}
		if (r == -EAGAIN)
			return EVDEV_DRAIN_EMPTY;
		if (r == LIBEVDEV_READ_STATUS_SYNC && !*syncing) {
			*syncing = true;	/* ev is the SYN_DROPPED: the gap's events are lost */
			fn(ctx, &ev, false);
		} else if (r == LIBEVDEV_READ_STATUS_SYNC || r == LIBEVDEV_READ_STATUS_SUCCESS) {
			fn(ctx, &ev, *syncing);
		} else {
			return r < 0 ? r : -EIO;
		}
		n++;
	}
	return EVDEV_DRAIN_MORE;
}
