/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Response curves: the pure maths between a stick position and the value
 * an axis reports.  No I/O, no allocation; every function is deterministic.
 *
 * A response maps a stick position x in [-1, 1] to an output in [-1, 1]:
 *
 *	out = invert(curve(deadzone(x)))
 *
 * The exact formulas are written in joystickd.ini(5), section RESPONSE;
 * tests/unit/test-curve.c checks values computed from them.
 */
#ifndef JSD_CURVE_H
#define JSD_CURVE_H

#include <stdbool.h>

#define CURVE_MAX_POINTS	32
/* Closest two points may be in x: closer, the secant slope is too steep to evaluate. */
#define CURVE_MIN_SPACING	1e-6

enum curve_kind {
	CURVE_LINEAR,	/* y = x */
	CURVE_EXPO,		/* y = (1 - k) x + k x^3, k in [0, 1] */
	CURVE_POWER,	/* y = sign(x) |x|^p, p in [0.1, 10] */
	CURVE_POINTS,	/* monotone cubic (Fritsch-Carlson) through points */
};

struct curve {
	enum curve_kind kind;
	double param;			/* k of EXPO, p of POWER */
	/*
	 * POINTS only.  x strictly increasing from 0 (mirrored: the curve is
	 * odd, y(-x) = -y(x), and the first point is (0, 0)) or from -1 (the
	 * points cover the whole range) up to 1; y in [-1, 1], never
	 * decreasing.  m holds the tangents curve_prepare() computes.
	 */
	unsigned int n;
	bool mirrored;
	double x[CURVE_MAX_POINTS];
	double y[CURVE_MAX_POINTS];
	double m[CURVE_MAX_POINTS];
};

/* Deadzones, curve and inversion of one axis. */
struct curve_response {
	double deadzone;		/* centre deadzone, [0, 1) */
	double outer_deadzone;		/* [0, 1), deadzone + outer_deadzone < 1 */
	bool invert;
	struct curve curve;
};

/*
 * Checks @c (parameter ranges, point order, range and spacing) and, for
 * POINTS, computes the Fritsch-Carlson tangents; then checks that the
 * prepared curve evaluates to finite values in [-1, 1].  Returns 0, or
 * -EINVAL and points *ret_why at a static English sentence saying what is
 * wrong.
 */
int curve_prepare(struct curve *c, const char **ret_why);

/* The curve at x; x is clamped to [-1, 1].  @c must be prepared. */
double curve_eval(const struct curve *c, double x);

/*
 * The deadzone mapping: 0 for |x| <= dz, sign(x) for |x| >= 1 - odz, else
 * sign(x) (|x| - dz) / (1 - dz - odz).  x is clamped to [-1, 1].
 */
double curve_deadzone(double x, double dz, double odz);

/* The whole response at x in [-1, 1]: invert(curve(deadzone(x))). */
double curve_response_eval(const struct curve_response *r, double x);

/*
 * The integer an axis with range [min, max] reports for a normalised value
 * v in [-1, 1]: lround(min + (v + 1) (max - min) / 2), v clamped first
 * (NaN: the centre).
 */
int curve_scale(double v, int min, int max);

#endif
