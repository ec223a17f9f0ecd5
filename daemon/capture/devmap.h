/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device map: the kernel filter's device list, each device matched to
 * the configuration's [mouse] sections.
 *
 * Identity comes from JSKF_IOC_LIST_DEVICES (name, phys, bus/vendor/
 * product ids), which works with or without udevd.  A device id is never
 * reused while the module is loaded, so a replugged mouse is a new id that
 * simply matches its [mouse] section again.
 */
#ifndef JSD_DEVMAP_H
#define JSD_DEVMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/config.h"
#include "joystickd_kfilter.h"

struct devmap {
	struct jskf_device *devs;	/* in id order, as the kernel lists them */
	int *mouse;			/* per device: [mouse] index, or -1 */
	size_t n;
	uint64_t gen;			/* devlist_gen the list describes */
};

struct backend;

/* Lists the devices of @b and matches them against @cfg; 0 or -errno. */
int devmap_build(struct backend *b, const struct jsd_config *cfg, struct devmap *ret);
void devmap_done(struct devmap *dm);

/* The entry of kernel id @id, or -1. */
ssize_t devmap_find(const struct devmap *dm, uint32_t id);

/* The [mouse] index of kernel id @id, or -1 (unknown or unmatched). */
int devmap_mouse_of(const struct devmap *dm, uint32_t id);

/*
 * Whether entry @i is a pointer the configuration captures (mice = all
 * leaves out what the evdev backend flags BACKEND_DEVF_REMAPPER).
 */
bool devmap_wanted(const struct devmap *dm, const struct jsd_config *cfg, size_t i);

/*
 * The ids to name in JSKF_IOC_CAPTURE, at most @max of them (the first in
 * id order; the rest are counted in *ret_left_out).  Returns how many.
 */
size_t devmap_capture_ids(const struct devmap *dm, const struct jsd_config *cfg,
			  uint32_t *ids, size_t max, size_t *ret_left_out);

#endif
