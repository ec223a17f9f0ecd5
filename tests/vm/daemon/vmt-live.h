/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live changes in the daemon VM tests (vmt-live.c): `joystickctl set`,
 * get, diff, save, and who may use them, against the real daemon with the
 * kernel filter or the evdev backend.
 */
#ifndef VMT_LIVE_H
#define VMT_LIVE_H

#include "dtest.h"

/* The checks test_live() reports, for the plan (checks[] of vmt-daemon.c). */
#define LIVE_CHECKS \
	"live-motion", "live-set", "live-diff", "live-set-refused", "live-save-denied", \
	"live-stranger", "live-save", "live-save-changed-on-disk", "live-reload-keeps", \
	"live-trim", "live-tune-needs-tty"

/*
 * Runs its own daemon on a copy of the shipped configuration with a
 * `joystickd` control group (gid 1234; /etc/group is written and removed
 * again), flown by @mouse; stops it at the end.
 */
void test_live(struct vdev *mouse);

#endif
