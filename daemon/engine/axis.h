/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the engine: the state of one stick axis code and the maths of
 * the three stick models.  Formulas: joystickd.ini(5), section STICK MODELS.
 *
 * Whether the output changed is the engine's to track: axis_init(),
 * axis_add(), axis_set_pos() and axis_advance() may change it, nothing
 * else does.
 */
#ifndef JSD_AXIS_H
#define JSD_AXIS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/config.h"

struct axis_state {
	bool initialized;	/* some profile drove this code already */
	double pos;		/* stick position s, [-1, 1] */
	double trim;		/* trim point t, [-1, 1] */
	double out;		/* normalised output y (smoothed response), [-1, 1] */
	bool out_stale;		/* no smoothing: y is the response of pos (axis_output()) */
	bool sent;		/* value holds what the stick shows */
	int32_t value;
};

/* How the increase/decrease keys of an axis are held right now. */
struct axis_keys {
	bool held;		/* either key is held: the model's return pauses */
	int dir;		/* +1 increase, -1 decrease, 0 both or none */
};

/*
 * Whether time changes the axis at all: a model that moves by itself,
 * keys that move it, or smoothing.  Otherwise its output is always the
 * response of its position, and axis_advance() and axis_moving() have
 * nothing to do.
 */
bool axis_timed(const struct jsd_axis_cfg *a);

/* Puts the axis at its configured trim, settled (first use of the code). */
void axis_init(const struct jsd_axis_cfg *a, struct axis_state *st);

/* Adds @counts of the source (wheel: notches) to the position. */
void axis_add(const struct jsd_axis_cfg *a, struct axis_state *st, double counts);

/* Moves the position to @pos (recenter), the output follows per smoothing. */
void axis_set_pos(const struct jsd_axis_cfg *a, struct axis_state *st, double pos);

/* Lets @dt seconds pass: keys, return to trim, smoothing. */
void axis_advance(const struct jsd_axis_cfg *a, struct axis_state *st, double dt,
		  struct axis_keys keys);

/* Whether time changes the axis' output: the engine then wants ticks. */
bool axis_moving(const struct jsd_axis_cfg *a, const struct axis_state *st,
		 struct axis_keys keys);

/* The normalised output y, [-1, 1]. */
double axis_output(const struct jsd_axis_cfg *a, const struct axis_state *st);

/*
 * Keeps the output the axis has under @a before another configuration
 * drives the code (a profile switch, a reload): without smoothing it is
 * worked out only when asked for, and must be under the response it had.
 */
void axis_settle(const struct jsd_axis_cfg *a, struct axis_state *st);

/* The integer the stick reports for the current output. */
int32_t axis_value(const struct jsd_axis_cfg *a, const struct axis_state *st);

#endif
