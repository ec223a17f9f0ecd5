// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether joystickd can use the module that answered JSKF_IOC_INFO
 * (daemon/capture/backend-kfilter.c): the ABI version it was written for,
 * and every behaviour it needs announced in jskf_info.features; a module
 * too old for it is refused with the names of what it lacks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capture/backend.h"

/* What this module announces: every feature the header knows. */
#define ALL_FEATURES	(JSKF_FEAT_DEADMAN | JSKF_FEAT_RELEASE_PASSES | JSKF_FEAT_CAPTURE_KEYS | \
			 JSKF_FEAT_STICKY_CANCEL | JSKF_FEAT_GRAB_RESYNC | JSKF_FEAT_LATCHED_FRAMES | \
			 JSKF_FEAT_FAULT_KEEPS | JSKF_FEAT_SATURATED_REST | JSKF_FEAT_EXCLUDE_OWNER | \
			 JSKF_FEAT_KEYBOARD_ROOT | JSKF_FEAT_LAZY_OPEN | JSKF_FEAT_ONE_READ | \
			 JSKF_FEAT_POLL | JSKF_FEAT_KEYS_FLAGS)

static void test_current_module(void **state)
{
	struct jskf_info info = { .abi_version = JSKF_ABI_VERSION, .features = ALL_FEATURES };
	char missing[200] = "untouched";

	assert_int_equal(backend_kfilter_check(&info, missing, sizeof(missing)), 0);
	assert_string_equal(missing, "");
	/* Bits it does not know about are no reason to refuse. */
	info.features |= 1ull << 63;
	assert_int_equal(backend_kfilter_check(&info, NULL, 0), 0);
}

/* Version 1 before the bits: features reads 0. */
static void test_module_without_features(void **state)
{
	struct jskf_info info = { .abi_version = JSKF_ABI_VERSION };
	char missing[400];

	assert_int_equal(backend_kfilter_check(&info, missing, sizeof(missing)), -EPROTONOSUPPORT);
	assert_non_null(strstr(missing, "the dead-man switch"));
	assert_non_null(strstr(missing, "capturing only the keys it names"));
	assert_non_null(strstr(missing, "sticky cancel"));
	assert_int_equal(backend_kfilter_check(&info, NULL, 0), -EPROTONOSUPPORT);
}

/* One behaviour missing: named alone. */
static void test_one_missing(void **state)
{
	struct jskf_info info = { .abi_version = JSKF_ABI_VERSION,
				  .features = ALL_FEATURES & ~JSKF_FEAT_KEYS_FLAGS };
	char missing[200];

	assert_int_equal(backend_kfilter_check(&info, missing, sizeof(missing)), -EPROTONOSUPPORT);
	assert_string_equal(missing, "JSKF_IOC_CAPTURE_KEYS with flags");
	/* What joystickd does not use may be missing. */
	info.features = ALL_FEATURES & ~(JSKF_FEAT_LAZY_OPEN | JSKF_FEAT_POLL);
	assert_int_equal(backend_kfilter_check(&info, missing, sizeof(missing)), 0);
}

/* Another version is another protocol, whatever its bits say. */
static void test_other_version(void **state)
{
	struct jskf_info info = { .abi_version = JSKF_ABI_VERSION + 1, .features = ALL_FEATURES };

	assert_int_equal(backend_kfilter_check(&info, NULL, 0), -EPROTO);
}

/* A short buffer is cut, never overrun. */
static void test_short_buffer(void **state)
{
	struct jskf_info info = { .abi_version = JSKF_ABI_VERSION };
	char missing[8 + 1] = { 0 };

	memset(missing, 'x', sizeof(missing));
	assert_int_equal(backend_kfilter_check(&info, missing, 8), -EPROTONOSUPPORT);
	assert_int_equal(strlen(missing), 7);
	assert_int_equal(missing[8], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_current_module),
		cmocka_unit_test(test_module_without_features),
		cmocka_unit_test(test_one_missing),
		cmocka_unit_test(test_other_version),
		cmocka_unit_test(test_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
