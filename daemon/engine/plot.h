/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pictures of an axis' response curve, for `joystickctl curve AXIS`.
 * Stick position x in [-1, 1] across, output in [-1, 1] up, as computed
 * by curve_response_eval() (deadzones, curve, invert).
 */
#ifndef JSD_PLOT_H
#define JSD_PLOT_H

#include <stdio.h>

#include "engine/config.h"

#define PLOT_MIN_COLS	11
#define PLOT_MIN_ROWS	5

/*
 * Writes an ASCII plot with a plot area of @cols x @rows characters (at
 * least PLOT_MIN_COLS x PLOT_MIN_ROWS; rows and cols are rounded
 * up to odd numbers so the axes have a middle line), framed by a title
 * line naming the axis, its target and curve, and axis labels.  The curve
 * is drawn with '*'; if @mark is within [-1, 1] (pass NAN for none) the
 * point of the curve at x = mark is drawn with 'O'.  Returns 0, -EIO or
 * -ENOMEM.
 */
int plot_ascii(FILE *f, const struct jsd_axis_cfg *axis,
	       unsigned int cols, unsigned int rows, double mark);

/*
 * Writes a standalone SVG document of @width x @height pixels (at least
 * 100 x 100): grid, axes, the curve as a 201-point polyline and a title.
 * Returns 0, -EIO or -ENOMEM.
 */
int plot_svg(FILE *f, const struct jsd_axis_cfg *axis,
	     unsigned int width, unsigned int height);

#endif
