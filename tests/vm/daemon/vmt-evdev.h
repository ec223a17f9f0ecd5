/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evdev backend's own checks of the daemon VM suite (vmt-evdev.c),
 * run by the module-absent run (vmt-daemon.c, main_evdev()) after the
 * checks it shares with the kernel filter's run.
 */
#ifndef VMT_EVDEV_H
#define VMT_EVDEV_H

#include <stddef.h>

#include "dtest.h"

/* Their names, for the plan. */
extern const char *const vmt_evdev_checks[];
extern const size_t vmt_evdev_n_checks;

/*
 * Runs them, each with a joystickd of its own; @mouse ("jsd-test mouse",
 * 046d:c077) and @kbd ("jsd-test keyboard") are main()'s devices, replugged
 * by some checks and there again at the end.
 */
void vmt_evdev_tests(struct vdev *mouse, struct vdev *kbd);

#endif
