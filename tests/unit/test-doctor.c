// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pure parts of `joystickctl doctor`: read access from mode and POSIX
 * ACL (as logind's uaccess ACL grants it), what each environment variable
 * does to the stick, and the report: exit status and a JSON object that
 * stays valid whatever the text holds (control characters, quotes,
 * backslashes from device names).  The checks against a real system run in
 * the systemd guest (tests/e2e/doctor-steps.sh).
 */
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "doctor.h"

/* An ACL xattr: version 2, then (tag, perm, id) entries, little-endian. */
struct acl {
	unsigned char bytes[4 + 8 * 8];
	size_t size;
};

static void acl_init(struct acl *a)
{
	uint32_t v = htole32(2);

	memcpy(a->bytes, &v, 4);
	a->size = 4;
}

static void acl_add(struct acl *a, uint16_t tag, uint16_t perm, uint32_t id)
{
	uint16_t t = htole16(tag), p = htole16(perm);
	uint32_t i = htole32(id);

	memcpy(a->bytes + a->size, &t, 2);
	memcpy(a->bytes + a->size + 2, &p, 2);
	memcpy(a->bytes + a->size + 4, &i, 4);
	a->size += 8;
}

/* root:input 0660 with "user:1000:rw-" from logind, as udev's uaccess leaves a joystick. */
static void test_acl_uaccess(void **state)
{
	const gid_t user_groups[] = { 1000 }, input[] = { 1000, 104 };
	struct acl a;

	acl_init(&a);
	acl_add(&a, 0x01, 6, 0xffffffff);	/* user:: rw- */
	acl_add(&a, 0x02, 6, 1000);		/* user:1000: rw- */
	acl_add(&a, 0x04, 6, 0xffffffff);	/* group:: rw- */
	acl_add(&a, 0x10, 6, 0xffffffff);	/* mask:: rw- */
	acl_add(&a, 0x20, 0, 0xffffffff);	/* other:: --- */
	assert_true(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, a.bytes, a.size, 1000,
					   user_groups, 1));
	assert_false(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, a.bytes, a.size, 1001,
					    user_groups, 1));
	/* Another user in the input group reads through the owning group. */
	assert_true(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, a.bytes, a.size, 1001, input, 2));
	assert_true(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, a.bytes, a.size, 0, NULL, 0));
}

/* The mask limits named entries; a matching group without read denies, others do not count. */
static void test_acl_mask_and_groups(void **state)
{
	const gid_t g[] = { 50, 60 };
	struct acl a;

	acl_init(&a);
	acl_add(&a, 0x01, 6, 0xffffffff);
	acl_add(&a, 0x02, 6, 1000);		/* user:1000: rw- ... */
	acl_add(&a, 0x04, 0, 0xffffffff);	/* group:: --- */
	acl_add(&a, 0x08, 4, 60);		/* group:60: r-- */
	acl_add(&a, 0x10, 2, 0xffffffff);	/* ... but mask:: -w- */
	acl_add(&a, 0x20, 4, 0xffffffff);	/* other:: r-- */
	assert_false(doctor_acl_allows_read(0, 50, S_IFCHR | 0624, a.bytes, a.size, 1000, g, 2));
	/* uid 1001 is in group 60, whose read the mask takes away: denied, other is not asked. */
	assert_false(doctor_acl_allows_read(0, 50, S_IFCHR | 0624, a.bytes, a.size, 1001, g + 1, 1));
	/* In no group of the ACL: other. */
	assert_true(doctor_acl_allows_read(0, 50, S_IFCHR | 0624, a.bytes, a.size, 1002, NULL, 0));
}

/* Without an ACL: the mode bits; a malformed ACL is not trusted beyond them. */
static void test_mode_only(void **state)
{
	const gid_t input[] = { 104 };
	unsigned char junk[7] = { 2 };

	assert_false(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, NULL, 0, 1000, NULL, 0));
	assert_true(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, NULL, 0, 1000, input, 1));
	assert_true(doctor_acl_allows_read(1000, 104, S_IFCHR | 0600, NULL, 0, 1000, NULL, 0));
	assert_true(doctor_acl_allows_read(0, 0, S_IFCHR | 0644, NULL, 0, 1000, NULL, 0));
	assert_false(doctor_acl_allows_read(0, 104, S_IFCHR | 0660, junk, sizeof(junk), 1000, NULL, 0));
}

static void test_env(void **state)
{
	struct doctor_env_verdict v;

	assert_true(doctor_env_judge("SDL_GAMECONTROLLER_IGNORE_DEVICES",
				     "0x045e/0x028e,0x6A73/0x0001", 0x6a73, 1, &v));
	assert_int_equal(v.level, DOCTOR_WARN);
	assert_true(doctor_env_judge("SDL_GAMECONTROLLER_IGNORE_DEVICES", "0x045e/0x028e,0x6a73/0x0002",
				     0x6a73, 1, &v));
	assert_int_equal(v.level, DOCTOR_NOTE);
	assert_true(doctor_env_judge("SDL_GAMECONTROLLER_IGNORE_DEVICES", "junk/0x6a73/0x0001x", 0x6a73,
				     1, &v));
	assert_int_equal(v.level, DOCTOR_WARN);
	assert_true(doctor_env_judge("SDL_JOYSTICK_BLACKLIST_DEVICES", "0x6a73/0x0001", 0x6a73, 1, &v));
	assert_int_equal(v.level, DOCTOR_FAIL);
	assert_true(doctor_env_judge("SDL_GAMECONTROLLER_IGNORE_DEVICES_EXCEPT", "0x1/0x2", 0x6a73, 1, &v));
	assert_int_equal(v.level, DOCTOR_NOTE);
	assert_true(doctor_env_judge("SDL_JOYSTICK_DISABLE_UDEV", "1", 0x6a73, 1, &v));
	assert_int_equal(v.level, DOCTOR_NOTE);
	assert_true(doctor_env_judge("SDL_JOYSTICK_HIDAPI", "0", 0x6a73, 1, &v));
	assert_false(doctor_env_judge("SDL_VIDEODRIVER", "x11", 0x6a73, 1, &v));
	assert_false(doctor_env_judge("PATH", "/bin", 0x6a73, 1, &v));
}

/* The report of @d into a string (freed by the caller); its exit status in *ret. */
static char *report(const struct doctor *d, bool json, int *ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	*ret = doctor_print(d, f, json);
	fclose(f);
	return buf;
}

static void test_report(void **state)
{
	struct doctor d = { 0 };
	char *text;
	int r;

	doctor_add(&d, DOCTOR_OK, "stick", NULL, "'x' is /dev/input/event3");
	doctor_add(&d, DOCTOR_NOTE, "capture", "press Scroll Lock", "capture is off");
	text = report(&d, false, &r);
	assert_int_equal(r, 0);
	assert_string_equal(text, "ok    stick    'x' is /dev/input/event3\n"
				  "note  capture  capture is off\n"
				  "               fix: press Scroll Lock\n"
				  "A game will see the stick: all is well.\n");
	free(text);
	doctor_add(&d, DOCTOR_WARN, "module", "modprobe", "not loaded");
	text = report(&d, true, &r);
	assert_int_equal(r, 1);
	assert_non_null(strstr(text, "{\"game_sees_stick\": true, \"problems\": 1, \"checks\": ["));
	free(text);
	doctor_add(&d, DOCTOR_FAIL, "grab", "stop it", "mouse 'a\"b\\c\033[31m\n' is grabbed");
	text = report(&d, true, &r);
	assert_int_equal(r, 1);
	assert_non_null(strstr(text, "\"game_sees_stick\": false, \"problems\": 2"));
	assert_non_null(strstr(text, "\"message\": \"mouse 'a\\\"b\\\\c\\u001b[31m\\u000a' is grabbed\""));
	assert_non_null(strstr(text, "\"fix\": null"));
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20)
			assert_int_equal(*p, '\n');
	free(text);
	d.cfg = NULL;
	doctor_free(&d);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_uaccess),
		cmocka_unit_test(test_acl_mask_and_groups),
		cmocka_unit_test(test_mode_only),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
