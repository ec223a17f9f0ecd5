/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `joystickctl tune [AXIS]`: a full-screen tuner (ncurses).  The axis'
 * response curve with the stick's live position moving on it, the live
 * values, and the axis' parameters, changed with keys while flying.
 * Every change is a `set` to the daemon, and what the screen shows is
 * read back from it: the screen shows what runs.
 */
#ifndef JSD_CTL_TUNE_H
#define JSD_CTL_TUNE_H

#include "ctl-client.h"

/*
 * Runs the tuner on @axis of the current profile (NULL: its first axis)
 * until q, Ctrl-C, SIGTERM or SIGHUP, or the daemon is lost; the terminal
 * is restored on each.  stdin and stdout must be terminals.  Returns an
 * exit status.
 */
int ctl_tune(struct ctl_conn *c, const char *axis);

#endif
