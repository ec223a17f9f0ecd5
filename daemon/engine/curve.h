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

#define JSD_CURVE_MAX_POINTS	32
/* Closest two points may be in x: closer, the secant slope is too steep to evaluate. */
#define JSD_CURVE_MIN_SPACING	1e-6

enum jsd_curve_kind {
	JSD_CURVE_LINEAR,	/* y = x */
	JSD_CURVE_EXPO,		/* y = (1 - k) x + k x^3, k in [0, 1] */
	JSD_CURVE_POWER,	/* y = sign(x) |x|^p, p in [0.1, 10] */
	JSD_CURVE_POINTS,	/* monotone cubic (Fritsch-Carlson) through points */
};

struct jsd_curve {
	enum jsd_curve_kind kind;
	double param;			/* k of EXPO, p of POWER */
	/*
	 * POINTS only.  x strictly increasing from 0 (mirrored: the curve is
	 * odd, y(-x) = -y(x), and the first point is (0, 0)) or from -1 (the
	 * points cover the whole range) up to 1; y in [-1, 1], never
	 * decreasing.  m holds the tangents jsd_curve_prepare() computes.
	 */
	unsigned int n;
	bool mirrored;
	double x[JSD_CURVE_MAX_POINTS];
	double y[JSD_CURVE_MAX_POINTS];
	double m[JSD_CURVE_MAX_POINTS];
};

/* Deadzones, curve and inversion of one axis. */
struct jsd_response {
	double deadzone;		/* centre deadzone, [0, 1) */
	double outer_deadzone;		/* [0, 1), deadzone + outer_deadzone < 1 */
	bool invert;
	struct jsd_curve curve;
};

/*
 * Checks @c (parameter ranges, point order, range and spacing) and, for
 * POINTS, computes the Fritsch-Carlson tangents; then checks that the
 * prepared curve evaluates to finite values in [-1, 1].  Returns 0, or
 * -EINVAL and points *ret_why at a static English sentence saying what is
 * wrong.
 */
int jsd_curve_prepare(struct jsd_curve *c, const char **ret_why);

/* The curve at x; x is clamped to [-1, 1].  @c must be prepared. */
double jsd_curve_eval(const struct jsd_curve *c, double x);

/*
 * The deadzone mapping: 0 for |x| <= dz, sign(x) for |x| >= 1 - odz, else
 * sign(x) (|x| - dz) / (1 - dz - odz).  x is clamped to [-1, 1].
 */
double jsd_deadzone(double x, double dz, double odz);

/* The whole response at x in [-1, 1]: invert(curve(deadzone(x))). */
double jsd_response_eval(const struct jsd_response *r, double x);

/*
 * The integer an axis with range [min, max] reports for a normalised value
 * v in [-1, 1]: lround(min + (v + 1) (max - min) / 2), v clamped first.
 */
int jsd_scale(double v, int min, int max);

#endif
