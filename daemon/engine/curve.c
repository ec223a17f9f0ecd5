// SPDX-License-Identifier: GPL-2.0-or-later
/* Response curves and deadzones; the formulas are in joystickd.ini(5). */
#include <errno.h>
#include <math.h>

#include "engine/curve.h"

static double clamp1(double x)
{
	return x < -1.0 ? -1.0 : x > 1.0 ? 1.0 : x;
}

static double sign(double x)
{
	return x < 0.0 ? -1.0 : 1.0;
}

/*
 * (int)lround(x) for x within int's range, without the call into libm
 * (two a frame): the fraction x - trunc(x) is exact in a double, so halves
 * round away from zero as lround() rounds them, 0.49999999999999994
 * included.
 */
static int round_half_away(double x)
{
	int t = (int)x;
	double frac = x - t;

	return t + (frac >= 0.5) - (frac <= -0.5);
}

static int points_check(const struct curve *c, const char **ret_why)
{
	if (c->n < 2 || c->n > CURVE_MAX_POINTS) {
		*ret_why = "a points curve needs 2 to 32 points";
		return -EINVAL;
	}
	if (c->x[0] != 0.0 && c->x[0] != -1.0) {
		*ret_why = "the first point must have x = 0 (mirrored curve) or x = -1";
		return -EINVAL;
	}
	if (c->x[0] == 0.0 && c->y[0] != 0.0) {
		*ret_why = "a mirrored curve must start at the point 0,0";
		return -EINVAL;
	}
	if (c->x[c->n - 1] != 1.0) {
		*ret_why = "the last point must have x = 1";
		return -EINVAL;
	}
	for (unsigned int i = 0; i < c->n; i++) {
		if (!(c->y[i] >= -1.0 && c->y[i] <= 1.0)) {
			*ret_why = "point y values must be within [-1, 1]";
			return -EINVAL;
		}
		if (i > 0 && !(c->x[i] > c->x[i - 1])) {
			*ret_why = "point x values must increase strictly";
			return -EINVAL;
		}
		if (i > 0 && !(c->x[i] - c->x[i - 1] >= CURVE_MIN_SPACING)) {
			*ret_why = "points closer than 0.000001 in x cannot be evaluated";
			return -EINVAL;
		}
		if (i > 0 && c->y[i] < c->y[i - 1]) {
			*ret_why = "point y values must not decrease";
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Fritsch-Carlson tangents: the three-point average of the neighbouring
 * secants (zero at a flat spot), then each segment's pair scaled down so
 * that alpha^2 + beta^2 <= 9, which keeps the Hermite cubic monotone.
 */
static void points_tangents(struct curve *c)
{
	double d[CURVE_MAX_POINTS];
	unsigned int n = c->n;

	for (unsigned int k = 0; k + 1 < n; k++)
		d[k] = (c->y[k + 1] - c->y[k]) / (c->x[k + 1] - c->x[k]);
	c->m[0] = d[0];
	c->m[n - 1] = d[n - 2];
	for (unsigned int k = 1; k + 1 < n; k++)
		c->m[k] = d[k - 1] * d[k] <= 0.0 ? 0.0 : (d[k - 1] + d[k]) / 2.0;
	for (unsigned int k = 0; k + 1 < n; k++) {
		double a, b, s, t;

		if (d[k] == 0.0) {
			c->m[k] = 0.0;
			c->m[k + 1] = 0.0;
			continue;
		}
		a = c->m[k] / d[k];
		b = c->m[k + 1] / d[k];
		s = a * a + b * b;
		if (s > 9.0) {
			t = 3.0 / sqrt(s);
			c->m[k] = t * a * d[k];
			c->m[k + 1] = t * b * d[k];
		}
	}
}

static int curve_check(struct curve *c, const char **ret_why)
{
	int r;

	switch (c->kind) {
	case CURVE_LINEAR:
		return 0;
	case CURVE_EXPO:
		if (!(c->param >= 0.0 && c->param <= 1.0)) {
			*ret_why = "expo needs a factor in [0, 1]";
			return -EINVAL;
		}
		return 0;
	case CURVE_POWER:
		if (!(c->param >= 0.1 && c->param <= 10.0)) {
			*ret_why = "power needs an exponent in [0.1, 10]";
			return -EINVAL;
		}
		return 0;
	case CURVE_POINTS:
		r = points_check(c, ret_why);
		if (r < 0)
			return r;
		c->mirrored = c->x[0] == 0.0;
		points_tangents(c);
		return 0;
	}
	*ret_why = "unknown curve kind";
	return -EINVAL;
}

static bool finite_in_range(double y)
{
	return isfinite(y) && y >= -1.0 - 1e-9 && y <= 1.0 + 1e-9;
}

/*
 * Whatever the checks above missed: the prepared curve must give a finite
 * value in [-1, 1] on a grid, at every point and halfway between points.
 */
static bool curve_evaluates(const struct curve *c)
{
	for (int i = 0; i <= 200; i++)
		if (!finite_in_range(curve_eval(c, -1.0 + i / 100.0)))
			return false;
	if (c->kind != CURVE_POINTS)
		return true;
	for (unsigned int k = 0; k < c->n; k++) {
		if (!isfinite(c->m[k]) || !finite_in_range(curve_eval(c, c->x[k])))
			return false;
		if (k + 1 < c->n &&
		    !finite_in_range(curve_eval(c, c->x[k] + (c->x[k + 1] - c->x[k]) / 2)))
			return false;
	}
	return true;
}

int curve_prepare(struct curve *c, const char **ret_why)
{
	int r = curve_check(c, ret_why);

	if (r < 0)
		return r;
	if (!curve_evaluates(c)) {
		*ret_why = "the curve does not evaluate to finite values within [-1, 1]";
		return -EINVAL;
	}
	return 0;
}

/* Cubic Hermite interpolation on the segment holding x (x within the points). */
static double points_eval(const struct curve *c, double x)
{
	unsigned int k = 0;
	double h, t, t2, t3;

	while (k + 2 < c->n && x > c->x[k + 1])
		k++;
	h = c->x[k + 1] - c->x[k];
	t = (x - c->x[k]) / h;
	t2 = t * t;
	t3 = t2 * t;
	return (2 * t3 - 3 * t2 + 1) * c->y[k] +
	       (t3 - 2 * t2 + t) * h * c->m[k] +
	       (-2 * t3 + 3 * t2) * c->y[k + 1] +
	       (t3 - t2) * h * c->m[k + 1];
}

double curve_eval(const struct curve *c, double x)
{
	x = clamp1(x);
	switch (c->kind) {
	case CURVE_LINEAR:
		return x;
	case CURVE_EXPO:
		return (1.0 - c->param) * x + c->param * x * x * x;
	case CURVE_POWER:
		return sign(x) * pow(fabs(x), c->param);
	case CURVE_POINTS:
		if (c->mirrored)
			return sign(x) * points_eval(c, fabs(x));
		return points_eval(c, x);
	}
	return x;
}

double curve_deadzone(double x, double dz, double odz)
{
	double a;

	x = clamp1(x);
	a = fabs(x);
	if (a <= dz)
		return 0.0;
	if (a >= 1.0 - odz)
		return sign(x);
	return sign(x) * (a - dz) / (1.0 - dz - odz);
}

double curve_response_eval(const struct curve_response *r, double x)
{
	double y = curve_eval(&r->curve,
			      curve_deadzone(x, r->deadzone, r->outer_deadzone));

	return r->invert ? -y : y;
}

int curve_scale(double v, int min, int max)
{
	v = isnan(v) ? 0.0 : clamp1(v);	/* so the result is in [min, max] */
	return round_half_away(min + (v + 1.0) * ((double)max - min) / 2.0);
}
