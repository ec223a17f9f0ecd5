// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escape_string(): untrusted text (a mouse called "evil\n<0>FORGED", an ini
 * value with an ESC sequence) comes out as C-style escapes with no control
 * character left, while printable ASCII and valid UTF-8 stay as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "engine/escape.h"

static const char *esc(const char *s)
{
	static char buf[256];

	return escape_string(s, buf, sizeof(buf));
}

static void test_escape_plain(void **state)
{
	assert_string_equal(esc("Logitech USB Optical Mouse"), "Logitech USB Optical Mouse");
	assert_string_equal(esc(""), "");
	/* valid UTF-8 stays readable */
	assert_string_equal(esc("Logitech\xc2\xae G502 \xe2\x80\x94 \xf0\x9f\x96\xb1"),
			    "Logitech\xc2\xae G502 \xe2\x80\x94 \xf0\x9f\x96\xb1");
}

static void test_escape_forged_line(void **state)
{
	assert_string_equal(esc("evil\n<0>FORGED line"), "evil\\n<0>FORGED line");
	assert_string_equal(esc("a\rb\tc\ad\be\ff\vg"), "a\\rb\\tc\\ad\\be\\ff\\vg");
	assert_string_equal(esc("\033[31mred\033[0m"), "\\e[31mred\\e[0m");
	assert_string_equal(esc("\x01\x7f"), "\\x01\\x7f");
	assert_string_equal(esc("back\\slash"), "back\\\\slash");
}

static void test_escape_bad_utf8(void **state)
{
	/* Latin-1, a lone continuation byte, an overlong '/', a surrogate, C1 CSI */
	assert_string_equal(esc("caf\xe9"), "caf\\xe9");
	assert_string_equal(esc("\x80x"), "\\x80x");
	assert_string_equal(esc("\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(esc("\xc2\x9b" "31m"), "\\xc2\\x9b31m");
	assert_string_equal(esc("\x9b" "31m"), "\\x9b31m");
	/* a sequence cut short by the end of the string */
	assert_string_equal(esc("ab\xe2\x80"), "ab\\xe2\\x80");
}

static void test_escape_truncates_whole(void **state)
{
	char buf[8];

	/* never half an escape, always terminated */
	assert_string_equal(escape_string("abcd\n", buf, 6), "abcd");
	assert_string_equal(escape_string("abcd\n", buf, 7), "abcd\\n");
	assert_string_equal(escape_string("\x01\x02", buf, 8), "\\x01");
	assert_string_equal(escape_string("\xc2\xae\xc2\xae\xc2\xae\xc2\xae", buf, 8),
			    "\xc2\xae\xc2\xae\xc2\xae");
	assert_string_equal(escape_string("x", buf, 1), "");
}

static void test_has_control(void **state)
{
	assert_false(escape_has_control("plain name 1.0"));
	assert_false(escape_has_control("tab\tallowed"));
	assert_false(escape_has_control("Logitech\xc2\xae"));
	assert_false(escape_has_control("back\\slash"));
	assert_true(escape_has_control("evil\n"));
	assert_true(escape_has_control("\033[31m"));
	assert_true(escape_has_control("del\x7f"));
	assert_true(escape_has_control("caf\xe9"));
	assert_true(escape_has_control("\xc2\x9b"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_forged_line),
		cmocka_unit_test(test_escape_bad_utf8),
		cmocka_unit_test(test_escape_truncates_whole),
		cmocka_unit_test(test_has_control),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
