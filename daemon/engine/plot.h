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
 * The picture plot_ascii() draws, without its frame: @rows rows of @cols
 * characters in @grid (no NUL; @cols and @rows odd, at least the
 * minimums): '*' the curve, 'O' the curve at @mark (NAN: none), '|' and
 * '-' the axes, '+' their crossing, ' ' the rest.  `joystickctl tune`
 * draws it with characters of its own.
 */
void plot_grid(const struct jsd_axis_cfg *axis, unsigned int cols, unsigned int rows,
	       double mark, char *grid);

/* The plot's title: "axis roll -> ABS_X: expo:0.3, deadzone 0.05, ...". */
void plot_title(const struct jsd_axis_cfg *axis, char *buf, size_t size);

/*
 * Writes a standalone SVG document of @width x @height pixels (at least
 * 100 x 100): grid, axes, the curve as a 201-point polyline and a title.
 * Returns 0, -EIO or -ENOMEM.
 */
int plot_svg(FILE *f, const struct jsd_axis_cfg *axis,
	     unsigned int width, unsigned int height);

#endif
