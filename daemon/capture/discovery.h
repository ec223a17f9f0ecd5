/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mouse discovery through libudev: hotplug notification and the extra
 * properties udev knows (event node, ID_PATH).
 *
 * The kernel filter's device list is what the daemon captures from; udev
 * adds a prompt "something changed" and names for `joystickctl devices`.
 * As libinput does, the monitor is enabled before the enumeration, so no
 * device slips in between, and devices udev has not initialised yet are
 * skipped (their "add" event follows).  Without udevd (an initramfs, a
 * container) the monitor stays silent and no device is initialised: the
 * daemon then works from the kernel list alone.
 */
#ifndef JSD_DISCOVERY_H
#define JSD_DISCOVERY_H

#include <stddef.h>
#include <systemd/sd-event.h>

#include "joystickd_kfilter.h"

struct discovery;

/* Called on the event loop after an input device was added or removed. */
typedef void (*discovery_changed_t)(void *userdata);

int discovery_new(sd_event *event, discovery_changed_t changed, void *userdata,
		  struct discovery **ret);
struct discovery *discovery_free(struct discovery *d);

/* Number of initialised pointer devices udev knows now. */
size_t discovery_count(const struct discovery *d);

/*
 * The event node and ID_PATH of the udev device that is @dev (same name,
 * phys and ids).  Returns 0, or -ENOENT when udev does not know it.  The
 * strings live until the next change.
 */
int discovery_lookup(const struct discovery *d, const struct jskf_device *dev,
		     const char **ret_devnode, const char **ret_id_path);

#endif
