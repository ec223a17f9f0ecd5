/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `joystickctl curve` and `joystickctl check-config`: they work from a file too. */
#ifndef JSD_CTL_CURVE_H
#define JSD_CTL_CURVE_H

#define CTL_CURVE_DEFAULT_COLS	61
#define CTL_CURVE_DEFAULT_ROWS	21
#define CTL_CURVE_SVG_WIDTH		640
#define CTL_CURVE_SVG_HEIGHT	480

struct ctl_curve_opts {
	const char *axis;
	const char *config;	/* NULL: ask the running daemon */
	const char *profile;	/* with config: NULL is the first profile */
	const char *svg;	/* write an SVG here instead of the terminal plot */
	unsigned int cols, rows;
};

/* Plots from the configuration file; returns an exit status. */
int ctl_curve_from_file(const struct ctl_curve_opts *o);

/*
 * Checks a configuration file; prints "file:line: message" (78), or its
 * warnings on stderr and a summary (0).
 */
int ctl_check_config(const char *path);

#endif
