// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Curves, deadzones and scaling: values computed by hand from the formulas
 * of joystickd.ini(5), section RESPONSE (the working is in the comments),
 * plus symmetry, monotonicity and endpoints over a fine sampling.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "engine/curve.h"

#define EPS	1e-12

static struct curve curve(enum curve_kind kind, double param)
{
	struct curve c = { .kind = kind, .param = param };
	const char *why = NULL;

	assert_int_equal(curve_prepare(&c, &why), 0);
	return c;
}

static struct curve points(unsigned int n, const double *xy)
{
	struct curve c = { .kind = CURVE_POINTS, .n = n };
	const char *why = NULL;

	for (unsigned int i = 0; i < n; i++) {
		c.x[i] = xy[2 * i];
		c.y[i] = xy[2 * i + 1];
	}
	assert_int_equal(curve_prepare(&c, &why), 0);
	return c;
}

static void test_linear(void **state)
{
	struct curve c = curve(CURVE_LINEAR, 0);

	assert_float_equal(curve_eval(&c, -1), -1, EPS);
	assert_float_equal(curve_eval(&c, -0.5), -0.5, EPS);
	assert_float_equal(curve_eval(&c, 0), 0, EPS);
	assert_float_equal(curve_eval(&c, 0.3), 0.3, EPS);
	assert_float_equal(curve_eval(&c, 1), 1, EPS);
	/* x is clamped to [-1, 1] */
	assert_float_equal(curve_eval(&c, 1.7), 1, EPS);
	assert_float_equal(curve_eval(&c, -3), -1, EPS);
}

static void test_expo(void **state)
{
	/* y = (1 - k) x + k x^3, k = 0.3 */
	struct curve c = curve(CURVE_EXPO, 0.3);

	/* 0.7 * 0.5 + 0.3 * 0.125 = 0.35 + 0.0375 */
	assert_float_equal(curve_eval(&c, 0.5), 0.3875, EPS);
	assert_float_equal(curve_eval(&c, -0.5), -0.3875, EPS);
	/* 0.7 * 0.2 + 0.3 * 0.008 = 0.14 + 0.0024 */
	assert_float_equal(curve_eval(&c, 0.2), 0.1424, EPS);
	assert_float_equal(curve_eval(&c, 0), 0, EPS);
	assert_float_equal(curve_eval(&c, 1), 1, EPS);
	assert_float_equal(curve_eval(&c, -1), -1, EPS);
	/* k = 1: pure cube */
	c = curve(CURVE_EXPO, 1);
	assert_float_equal(curve_eval(&c, 0.5), 0.125, EPS);
}

static void test_power(void **state)
{
	/* y = sign(x) |x|^p */
	struct curve c = curve(CURVE_POWER, 2);

	assert_float_equal(curve_eval(&c, 0.5), 0.25, EPS);
	assert_float_equal(curve_eval(&c, -0.5), -0.25, EPS);
	assert_float_equal(curve_eval(&c, 0), 0, EPS);
	assert_float_equal(curve_eval(&c, 1), 1, EPS);
	c = curve(CURVE_POWER, 3);
	assert_float_equal(curve_eval(&c, 0.2), 0.008, EPS);
	c = curve(CURVE_POWER, 0.5);
	assert_float_equal(curve_eval(&c, -0.25), -0.5, EPS);
}

static void test_points_mirrored(void **state)
{
	/*
	 * (0,0) (0.5,0.2) (1,1).  Secants d0 = 0.2/0.5 = 0.4, d1 = 0.8/0.5 =
	 * 1.6; tangents m0 = d0 = 0.4, m2 = d1 = 1.6, m1 = (0.4 + 1.6)/2 = 1.
	 * Limiter: (1, 2.5) and (0.625, 1): both alpha^2 + beta^2 <= 9.
	 * At t = 0.5 the Hermite basis is h00 = 0.5, h10 = 0.125,
	 * h01 = 0.5, h11 = -0.125, and h = 0.5:
	 * y(0.25) = 0.125*0.5*0.4 + 0.5*0.2 - 0.125*0.5*1 = 0.025 + 0.1 - 0.0625
	 * y(0.75) = 0.5*0.2 + 0.125*0.5*1 + 0.5*1 - 0.125*0.5*1.6
	 *         = 0.1 + 0.0625 + 0.5 - 0.1
	 */
	static const double xy[] = { 0, 0, 0.5, 0.2, 1, 1 };
	struct curve c = points(3, xy);

	assert_true(c.mirrored);
	assert_float_equal(c.m[0], 0.4, EPS);
	assert_float_equal(c.m[1], 1.0, EPS);
	assert_float_equal(c.m[2], 1.6, EPS);
	assert_float_equal(curve_eval(&c, 0.25), 0.0625, EPS);
	assert_float_equal(curve_eval(&c, -0.25), -0.0625, EPS);
	assert_float_equal(curve_eval(&c, 0.75), 0.5625, EPS);
	assert_float_equal(curve_eval(&c, -0.75), -0.5625, EPS);
	/* through the points */
	assert_float_equal(curve_eval(&c, 0.5), 0.2, EPS);
	assert_float_equal(curve_eval(&c, -0.5), -0.2, EPS);
	assert_float_equal(curve_eval(&c, 1), 1, EPS);
	assert_float_equal(curve_eval(&c, 0), 0, EPS);
}

static void test_points_full_range(void **state)
{
	/*
	 * (-1,-1) (0,0.2) (1,1): not mirrored.  d0 = 1.2, d1 = 0.8; m0 = 1.2,
	 * m1 = 1.0, m2 = 0.8.  h = 1, t = 0.5:
	 * y(0.5)  = 0.5*0.2 + 0.125*1 + 0.5*1 - 0.125*0.8 = 0.625
	 * y(-0.5) = 0.5*-1 + 0.125*1.2 + 0.5*0.2 - 0.125*1 = -0.375
	 */
	static const double xy[] = { -1, -1, 0, 0.2, 1, 1 };
	struct curve c = points(3, xy);

	assert_false(c.mirrored);
	assert_float_equal(curve_eval(&c, 0), 0.2, EPS);
	assert_float_equal(curve_eval(&c, 0.5), 0.625, EPS);
	assert_float_equal(curve_eval(&c, -0.5), -0.375, EPS);
	assert_float_equal(curve_eval(&c, -1), -1, EPS);
	assert_float_equal(curve_eval(&c, 1), 1, EPS);
}

static void test_points_limiter(void **state)
{
	/*
	 * (0,0) (0.1,0.9) (1,1): a steep rise then a plateau.  d0 = 9,
	 * d1 = 0.1/0.9 = 1/9; m1 = (9 + 1/9)/2 = 41/9.  On segment 1,
	 * alpha = m1/d1 = 41 and beta = m2/d1 = 1: 41^2 + 1 = 1682 > 9, so
	 * tau = 3/sqrt(1682), m1 = tau*41/9, m2 = tau/9.  Plain averages would
	 * overshoot y = 1; the limited curve never decreases and stays <= 1.
	 */
	static const double xy[] = { 0, 0, 0.1, 0.9, 1, 1 };
	struct curve c = points(3, xy);
	double tau = 3.0 / sqrt(1682.0), prev = -2;

	assert_float_equal(c.m[1], tau * 41.0 / 9.0, EPS);
	assert_float_equal(c.m[2], tau / 9.0, EPS);
	assert_float_equal(c.m[0], 9.0, EPS);
	for (int i = 0; i <= 2000; i++) {
		double y = curve_eval(&c, -1.0 + i / 1000.0);

		assert_true(y >= prev);
		assert_true(y <= 1.0 + EPS);
		prev = y;
	}
}

static void test_points_flat(void **state)
{
	/* a flat segment (0.5,0.5)-(0.8,0.5) stays exactly flat: m = 0 at both ends */
	static const double xy[] = { 0, 0, 0.5, 0.5, 0.8, 0.5, 1, 1 };
	struct curve c = points(4, xy);

	assert_float_equal(c.m[1], 0, EPS);
	assert_float_equal(c.m[2], 0, EPS);
	assert_float_equal(curve_eval(&c, 0.6), 0.5, EPS);
	assert_float_equal(curve_eval(&c, 0.75), 0.5, EPS);
}

static void check_invalid(struct curve c, const char *expected)
{
	const char *why = NULL;

	assert_int_equal(curve_prepare(&c, &why), -EINVAL);
	assert_string_equal(why, expected);
}

static void test_invalid(void **state)
{
	check_invalid((struct curve){ .kind = CURVE_EXPO, .param = 1.5 },
		      "expo needs a factor in [0, 1]");
	check_invalid((struct curve){ .kind = CURVE_POWER, .param = 0.05 },
		      "power needs an exponent in [0.1, 10]");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 1, .x = { 0 },
					  .y = { 0 } },
		      "a points curve needs 2 to 32 points");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 2, .x = { 0.2, 1 },
					  .y = { 0, 1 } },
		      "the first point must have x = 0 (mirrored curve) or x = -1");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 2, .x = { 0, 1 },
					  .y = { 0.1, 1 } },
		      "a mirrored curve must start at the point 0,0");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 2, .x = { 0, 0.9 },
					  .y = { 0, 1 } },
		      "the last point must have x = 1");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 3,
					  .x = { 0, 0.5, 0.5, 1 }, .y = { 0, 0.2, 0.3, 1 } },
		      "the last point must have x = 1");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 4,
					  .x = { 0, 0.5, 0.5, 1 }, .y = { 0, 0.2, 0.3, 1 } },
		      "point x values must increase strictly");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 3,
					  .x = { 0, 0.5, 1 }, .y = { 0, 0.6, 0.5 } },
		      "point y values must not decrease");
	check_invalid((struct curve){ .kind = CURVE_POINTS, .n = 3,
					  .x = { -1, 0, 1 }, .y = { -1.5, 0, 1 } },
		      "point y values must be within [-1, 1]");
}

static struct curve sample_curves(int i)
{
	static const double xy[] = { 0, 0, 0.3, 0.05, 0.6, 0.4, 1, 1 };

	switch (i) {
	case 0: return curve(CURVE_LINEAR, 0);
	case 1: return curve(CURVE_EXPO, 0.6);
	case 2: return curve(CURVE_POWER, 2.5);
	case 3: return curve(CURVE_POWER, 0.4);
	default: return points(4, xy);
	}
}

static void test_symmetry_monotonicity_endpoints(void **state)
{
	for (int k = 0; k < 5; k++) {
		struct curve c = sample_curves(k);
		double prev = -2;

		assert_float_equal(curve_eval(&c, 1), 1, EPS);
		assert_float_equal(curve_eval(&c, -1), -1, EPS);
		assert_float_equal(curve_eval(&c, 0), 0, EPS);
		for (int i = 0; i <= 2000; i++) {
			double x = -1.0 + i / 1000.0;
			double y = curve_eval(&c, x);

			assert_float_equal(curve_eval(&c, -x), -y, EPS);
			assert_true(y >= prev);
			prev = y;
		}
	}
}

static void test_deadzone(void **state)
{
	/* dz = 0.1, odz = 0.2: sign(x) (|x| - 0.1) / 0.7 between 0.1 and 0.8 */
	assert_float_equal(curve_deadzone(0.05, 0.1, 0.2), 0, EPS);
	assert_float_equal(curve_deadzone(0.1, 0.1, 0.2), 0, EPS);
	assert_float_equal(curve_deadzone(-0.1, 0.1, 0.2), 0, EPS);
	assert_float_equal(curve_deadzone(0.5, 0.1, 0.2), 0.4 / 0.7, EPS);
	assert_float_equal(curve_deadzone(-0.5, 0.1, 0.2), -0.4 / 0.7, EPS);
	assert_float_equal(curve_deadzone(0.45, 0.1, 0.2), 0.5, EPS);
	assert_float_equal(curve_deadzone(0.8, 0.1, 0.2), 1, EPS);
	assert_float_equal(curve_deadzone(0.9, 0.1, 0.2), 1, EPS);
	assert_float_equal(curve_deadzone(-0.85, 0.1, 0.2), -1, EPS);
	assert_float_equal(curve_deadzone(2, 0.1, 0.2), 1, EPS);
	/* none: the identity */
	assert_float_equal(curve_deadzone(0.37, 0, 0), 0.37, EPS);
	/* continuous at both edges, monotone */
	assert_float_equal(curve_deadzone(0.1 + 1e-9, 0.1, 0.2), 1e-9 / 0.7, 1e-15);
	assert_float_equal(curve_deadzone(0.8 - 7e-10, 0.1, 0.2), 1 - 1e-9, 1e-15);
}

static void test_response(void **state)
{
	/* deadzone 0.1, expo 0.5, inverted: x = 0.55 -> d = 0.45/0.9 = 0.5,
	 * expo 0.25 + 0.0625 = 0.3125, inverted -0.3125 */
	struct curve_response r = {
		.deadzone = 0.1, .invert = true, .curve = curve(CURVE_EXPO, 0.5),
	};

	assert_float_equal(curve_response_eval(&r, 0.55), -0.3125, EPS);
	assert_float_equal(curve_response_eval(&r, -0.55), 0.3125, EPS);
	assert_float_equal(curve_response_eval(&r, 0.05), 0, EPS);
	assert_float_equal(curve_response_eval(&r, 1), -1, EPS);
}

static void test_scale(void **state)
{
	/* lround(min + (v + 1) (max - min) / 2) */
	assert_int_equal(curve_scale(0, -32767, 32767), 0);
	assert_int_equal(curve_scale(1, -32767, 32767), 32767);
	assert_int_equal(curve_scale(-1, -32767, 32767), -32767);
	/* -32767 + 1.5 * 32767 = 16383.5: halves round away from zero */
	assert_int_equal(curve_scale(0.5, -32767, 32767), 16384);
	assert_int_equal(curve_scale(-0.5, -32767, 32767), -16384);
	/* 127.5 -> 128; 1.3875 * 127.5 = 176.90625 -> 177 */
	assert_int_equal(curve_scale(0, 0, 255), 128);
	assert_int_equal(curve_scale(-1, 0, 255), 0);
	assert_int_equal(curve_scale(0.3875, 0, 255), 177);
	/* clamped */
	assert_int_equal(curve_scale(2, 0, 255), 255);
	assert_int_equal(curve_scale(-7, -1000, 1000), -1000);
	/* the widest range does not overflow */
	assert_int_equal(curve_scale(1, INT32_MIN, INT32_MAX), INT32_MAX);
	assert_int_equal(curve_scale(-1, INT32_MIN, INT32_MAX), INT32_MIN);
	/* (1 - 2^-53) / 2 = 0.49999999999999994: just below a half, to 0 */
	assert_int_equal(curve_scale(-0x1p-53, 0, 1), 0);
	assert_int_equal(curve_scale(0x1p-52, -1, 0), 0);	/* -0.49999999999999989 */
	/* NaN: the centre, never outside the range */
	assert_int_equal(curve_scale(NAN, -32767, 32767), 0);
	assert_int_equal(curve_scale(NAN, 0, 255), 128);
}

/* curve_scale() rounds without libm: it agrees with lround() everywhere. */
static void test_scale_is_lround(void **state)
{
	static const int ranges[][2] = {
		{ -32767, 32767 }, { 0, 255 }, { -512, 511 }, { 0, 1 },
		{ INT32_MIN, INT32_MAX }, { -100000, -99990 },
	};
	unsigned long checked = 0;

	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		int min = ranges[r][0], max = ranges[r][1];
		double span = (double)max - min;

		/* a sweep, and each half-way value and its neighbours */
		for (int i = -100000; i <= 100000; i++) {
			double v = i / 100000.0;

			assert_int_equal(curve_scale(v, min, max),
					 (int)lround(min + (v + 1.0) * span / 2.0));
			checked++;
		}
		for (double k = 0; k < span && k < 2000; k++) {
			double half = ((k + 0.5) * 2.0 / span) - 1.0;
			double vs[] = { nextafter(half, -2.0), half, nextafter(half, 2.0) };

			for (int j = 0; j < 3; j++) {
				assert_int_equal(curve_scale(vs[j], min, max),
						 (int)lround(min + (vs[j] + 1.0) * span / 2.0));
				checked++;
			}
		}
	}
	assert_true(checked > 1200000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_expo),
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_points_mirrored),
		cmocka_unit_test(test_points_full_range),
		cmocka_unit_test(test_points_limiter),
		cmocka_unit_test(test_points_flat),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_symmetry_monotonicity_endpoints),
		cmocka_unit_test(test_deadzone),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_scale_is_lround),
	};

	return cmocka_run_group_tests_name("curve", tests, NULL, NULL);
}
