// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's log rate limit (daemon/ratelimit.c): one line per interval
 * for a flood of per-batch warnings, and the lines held back are counted
 * for the next line or a summary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratelimit.h"

#define SEC	1000000000ull

/* A thousand warnings a second for three seconds: one line per 5 s window. */
static void test_flood(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(5 * SEC, 1);
	uint64_t held = 99, t;
	unsigned int shown = 0;

	for (t = 1; t <= 3 * SEC; t += SEC / 1000) {
		if (ratelimit_allow(&rl, 100 * SEC + t, &held)) {
			shown++;
			assert_int_equal(held, 0);
		}
	}
	assert_int_equal(shown, 1);
	/* the next window: one line, which counts what was held back */
	assert_true(ratelimit_allow(&rl, 106 * SEC, &held));
	assert_int_equal(held, 2999);
	assert_false(ratelimit_allow(&rl, 106 * SEC + 1, &held));
}

static void test_burst(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(SEC, 3);
	uint64_t held;

	assert_true(ratelimit_allow(&rl, 10 * SEC, &held));
	assert_true(ratelimit_allow(&rl, 10 * SEC, &held));
	assert_true(ratelimit_allow(&rl, 10 * SEC, &held));
	assert_false(ratelimit_allow(&rl, 10 * SEC, &held));
	assert_true(ratelimit_allow(&rl, 11 * SEC, &held));
	assert_int_equal(held, 1);
}

/* When the flood stops, the summary reports what was held back, once. */
static void test_flush(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(5 * SEC, 1);
	uint64_t held = 0;

	assert_false(ratelimit_flush(&rl, 1 * SEC, &held));
	assert_true(ratelimit_allow(&rl, 1 * SEC, &held));
	assert_false(ratelimit_allow(&rl, 2 * SEC, &held));
	assert_false(ratelimit_allow(&rl, 3 * SEC, &held));
	assert_false(ratelimit_flush(&rl, 4 * SEC, &held));	/* window still open */
	assert_true(ratelimit_flush(&rl, 6 * SEC, &held));
	assert_int_equal(held, 2);
	assert_false(ratelimit_flush(&rl, 7 * SEC, &held));
	/* and the next warning goes out at once */
	assert_true(ratelimit_allow(&rl, 7 * SEC, &held));
	assert_int_equal(held, 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_flush),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
