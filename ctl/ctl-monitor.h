/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef JSD_CTL_MONITOR_H
#define JSD_CTL_MONITOR_H

#include "ctl-client.h"

/*
 * `joystickctl monitor`: draws every axis and button of the stick, polling
 * the daemon's "state" MONITOR_HZ times a second, until q or Ctrl-C, or
 * after @frames frames when @frames > 0.  Returns a process exit status.
 */
#define MONITOR_HZ	100

int ctl_monitor(struct ctl_conn *c, long frames);

#endif
