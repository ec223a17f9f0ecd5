/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One /dev/input/eventN of the evdev backend: its file (read-only,
 * non-blocking, CLOCK_MONOTONIC stamps), its libevdev, what the device
 * list says of it (struct jskf_device, as the kernel filter would list it)
 * and its filter state.  EVIOCGRAB works on a read-only file, so the
 * backend needs only read access to /dev/input.
 */
#ifndef JSD_EVDEV_DEVICE_H
#define JSD_EVDEV_DEVICE_H

#include <libevdev/libevdev.h>
#include <stdbool.h>

#include "evdev-filter.h"
#include "joystickd_kfilter.h"

struct evdev_device {
	char *syspath;			/* of the eventN device: hotplug identity */
	int fd;
	struct libevdev *evdev;
	struct jskf_device info;	/* id, flags, ids, names, capabilities */
	struct evf_dev filter;
	bool grab_waiting;		/* to grab once no key is held */
};

/*
 * Opens @devnode and describes it.  -ENOTTY: neither a pointer (REL_X and
 * REL_Y) nor a keyboard, so the backend leaves it alone, as the kernel
 * filter does.  0 or -errno.
 */
int evdev_device_open(const char *syspath, const char *devnode, struct evdev_device **ret);
void evdev_device_free(struct evdev_device *d);

/* Whether any key of the device is down now (EVIOCGKEY); errors count as down. */
bool evdev_device_keys_down(const struct evdev_device *d);

/* EVIOCGRAB on or off; 0 or -errno (-EBUSY: another program holds it). */
int evdev_device_grab(struct evdev_device *d, bool grab);

/* Whether @id is the device's input id (bus, vendor, product, version). */
bool evdev_device_has_id(const struct evdev_device *d, const struct jskf_input_id *id);

#endif
