/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `joystickctl save [FILE]`: joystickd's running changes written into its
 * file, or FILE, by joystickctl itself with the caller's rights (never the
 * daemon's): live_save_file() does the writing, then the daemon is told
 * to take the saved file as its new baseline.
 */
#ifndef JSD_CTL_SAVE_H
#define JSD_CTL_SAVE_H

#include <stddef.h>

#include "ctl-client.h"

/*
 * Saves; @file NULL is the daemon's own file.  Returns 0 with what was
 * done in @msg, or 1 with why not (and what to do, e.g. without write
 * access).  One line, no newline: the caller prints it, or `tune` shows it.
 */
int ctl_save(struct ctl_conn *c, const char *file, char *msg, size_t size);

#endif
