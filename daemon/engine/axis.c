// SPDX-License-Identifier: GPL-2.0-or-later
/* The stick models, trim and output smoothing of one axis; see axis.h. */
#include <math.h>

#include "engine/axis.h"

static double clamp1(double x)
{
	return x < -1.0 ? -1.0 : x > 1.0 ? 1.0 : x;
}

static double response(const struct jsd_axis_cfg *a, double pos)
{
	return curve_response_eval(&a->response, pos);
}

static int32_t value_of(const struct jsd_axis_cfg *a, double y)
{
	return curve_scale(y, a->min, a->max);
}

bool axis_timed(const struct jsd_axis_cfg *a)
{
	return a->model != JSD_MODEL_HOLD || a->smoothing != 0.0 ||
	       a->key_increase || a->key_decrease;
}

void axis_init(const struct jsd_axis_cfg *a, struct axis_state *st)
{
	st->initialized = true;
	st->pos = a->trim;
	st->trim = a->trim;
	st->out = response(a, st->pos);
	st->out_stale = false;
}

/*
 * Without smoothing the output follows the position at once.  It is
 * worked out when asked for (axis_output()): once per stick frame, not at
 * every record and tick that moves the position.
 */
static void follow(const struct jsd_axis_cfg *a, struct axis_state *st)
{
	if (a->smoothing == 0.0)
		st->out_stale = true;
}

double axis_output(const struct jsd_axis_cfg *a, const struct axis_state *st)
{
	return st->out_stale ? response(a, st->pos) : st->out;
}

void axis_settle(const struct jsd_axis_cfg *a, struct axis_state *st)
{
	st->out = axis_output(a, st);
	st->out_stale = false;
}

void axis_add(const struct jsd_axis_cfg *a, struct axis_state *st, double counts)
{
	st->pos = clamp1(st->pos + counts / a->sensitivity);
	follow(a, st);
}

void axis_set_pos(const struct jsd_axis_cfg *a, struct axis_state *st, double pos)
{
	st->pos = clamp1(pos);
	follow(a, st);
}

/* The model's return to trim over @dt seconds while no key is held. */
static void axis_return(const struct jsd_axis_cfg *a, struct axis_state *st, double dt)
{
	double d = st->trim - st->pos;
	double step;

	switch (a->model) {
	case JSD_MODEL_HOLD:
		break;
	case JSD_MODEL_SPRING:
		step = a->rate * dt;
		st->pos = fabs(d) <= step ? st->trim : st->pos + (d > 0 ? step : -step);
		break;
	case JSD_MODEL_VELOCITY:
		st->pos = st->trim - d * exp(-dt / a->time_constant);
		/* The decay ends where it no longer changes the reported value. */
		if (value_of(a, response(a, st->pos)) == value_of(a, response(a, st->trim)))
			st->pos = st->trim;
		break;
	}
}

void axis_advance(const struct jsd_axis_cfg *a, struct axis_state *st, double dt,
		  struct axis_keys keys)
{
	double r;

	if (dt <= 0.0)
		return;
	if (keys.held)
		st->pos = clamp1(st->pos + keys.dir * a->key_rate * dt);
	else
		axis_return(a, st, dt);

	if (a->smoothing == 0.0) {
		st->out_stale = true;
		return;
	}
	r = response(a, st->pos);
	st->out = r + (st->out - r) * exp(-dt / a->smoothing);
	if (value_of(a, st->out) == value_of(a, r))
		st->out = r;
}

bool axis_moving(const struct jsd_axis_cfg *a, const struct axis_state *st,
		 struct axis_keys keys)
{
	/* Without smoothing the output is response(pos) (axis_output()). */
	if (a->smoothing != 0.0 && st->out != response(a, st->pos))
		return true;
	if (keys.held)
		return (keys.dir > 0 && st->pos < 1.0) || (keys.dir < 0 && st->pos > -1.0);
	return a->model != JSD_MODEL_HOLD && st->pos != st->trim;
}

int32_t axis_value(const struct jsd_axis_cfg *a, const struct axis_state *st)
{
	return value_of(a, axis_output(a, st));
}
