/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One /dev/input/eventN of the evdev backend: its file (read-only,
 * non-blocking, CLOCK_MONOTONIC stamps), its libevdev, what the device
 * list says of it (struct jskf_device, as the kernel filter would list it)
 * its filter state, its grab and, while grabbed, its passthrough.
 * EVIOCGRAB works on a read-only file, so the backend needs only read
 * access to /dev/input.
 */
#ifndef JSD_EVDEV_DEVICE_H
#define JSD_EVDEV_DEVICE_H

#include <libevdev/libevdev.h>
#include <stdbool.h>

#include "backend.h"
#include "evdev-filter.h"
#include "joystickd_kfilter.h"

struct passthrough;

struct evdev_device {
	char *syspath;			/* of the eventN device: hotplug identity */
	int fd;
	struct libevdev *evdev;
	struct jskf_device info;	/* id, flags, ids, names, capabilities */
	struct evf_dev filter;
	bool syncing;			/* libevdev's sync after a SYN_DROPPED, across reads */
	bool backlog;			/* the last read spent its budget: more is waiting */
	uint64_t turn;			/* the reader's turn that read it last */
	enum backend_grab grab;		/* how its grab stands (backend.h) */
	uint32_t grab_detail;		/* a key held, or an errno */
	uint64_t grab_since;		/* WAITING: when the wait began (CLOCK_MONOTONIC ns) */
	uint64_t grab_retry;		/* BUSY, FAILED, NO_PASSTHROUGH: when to try again */
	struct passthrough *passthrough;	/* while grabbed: its copy on the desktop */
	uint64_t overflows;		/* SYN_DROPPED seen */
};

/*
 * Opens @devnode and describes it.  -ENOTTY: neither a pointer (REL_X and
 * REL_Y) nor a keyboard, so the backend leaves it alone, as the kernel
 * filter does.  0 or -errno (-EMFILE ...).
 */
int evdev_device_open(const char *syspath, const char *devnode, struct evdev_device **ret);
void evdev_device_free(struct evdev_device *d);

/*
 * Whether @name and @id are another remapper's virtual device (keyd,
 * input-remapper, evsieve, ydotool): capturing one with mice = all could
 * feed our passthrough's events back to us through that program.
 */
bool evdev_is_remapper(const char *name, const struct jskf_input_id *id);

enum evdev_grab_result {
	EVDEV_GRABBED,		/* we hold EVIOCGRAB, and the desktop holds no key of the device */
	EVDEV_KEYS_DOWN,	/* not grabbed: a key the desktop saw pressed is still down */
};

/*
 * Grabs the device unless the desktop saw a key of it pressed that is
 * still down: its release must reach the desktop from this device, which a
 * grab would take.  Race-free: a witness file, opened before the grab,
 * gets every event the desktop gets until the grab, so a press that lands
 * between the key-state read and the grab is seen, and the grab undone
 * (only its release within the microseconds the grab then lasted would
 * still come to us alone: a click no hand makes that fast).
 * EVDEV_GRABBED, or EVDEV_KEYS_DOWN with one such key in *ret_code (0: not
 * known), or -errno (-EBUSY: another program holds the grab).
 */
int evdev_device_grab(struct evdev_device *d, uint16_t *ret_code);
void evdev_device_ungrab(struct evdev_device *d);

/* Whether @id is the device's input id (bus, vendor, product, version). */
bool evdev_device_has_id(const struct evdev_device *d, const struct jskf_input_id *id);

#endif
