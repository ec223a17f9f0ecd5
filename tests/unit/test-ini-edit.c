// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ini rewriter (ini-edit.h): the file comes back byte for byte, but
 * for the values that changed.  Every shipped file round-trips; a change
 * touches only its value's bytes (comments, spacing, CRLF line ends, a
 * missing final newline, other sections and profiles stay); a new key
 * goes after its section's last key line, spaced like it; a point list
 * is replaced as a block; and every result is what the loader reads back.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/ini-edit.h"

/* One edit of @n values (NULL-terminated list after @key). */
static struct ini_edit edit(const char *profile, const char *axis, const char *key,
			    const char *const *values, unsigned int n)
{
	return (struct ini_edit){ .profile = profile, .axis = axis, .key = key,
				  .values = values, .n_values = n };
}

/* Applies @edits to @text and returns the new text (asserting success). */
static char *apply(const char *text, const struct ini_edit *edits, size_t n)
{
	char *out = NULL;
	size_t len = 0, failed = 99;
	int r = ini_edit_apply(text, strlen(text), edits, n, &out, &len, &failed);

	if (r < 0)
		fail_msg("ini_edit_apply: %s (edit %zu)", strerror(-r), failed);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static char *apply1(const char *text, const char *profile, const char *axis, const char *key,
		    const char *value)
{
	const char *values[] = { value };
	struct ini_edit e = edit(profile, axis, key, values, value ? 1 : 0);

	return apply(text, &e, 1);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The loader takes @text; returns the configuration. */
static struct jsd_config *load(const char *text)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char msg[600];

	if (jsd_config_parse_string("edited.ini", text, &cfg, &err) < 0)
		fail_msg("%s\n---\n%s---", jsd_error_format(&err, msg, sizeof(msg)), text);
	return cfg;
}

/* Lines of @a and @b that differ, by line number; both must have as many lines. */
static unsigned int lines_differing(const char *a, const char *b, unsigned int *ret_line)
{
	unsigned int n = 0, line = 1;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0) {
			n++;
			*ret_line = line;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
		line++;
	}
	return n;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Every shipped file, unchanged by no edit and by an edit to the value it has. */
static void test_round_trip_shipped(void **state)
{
	glob_t g;

	assert_int_equal(glob(SRCDIR "/config/*.ini", 0, NULL, &g), 0);
	assert_int_equal(glob(SRCDIR "/config/examples/*.ini", GLOB_APPEND, NULL, &g), 0);
	assert_int_equal(glob(SRCDIR "/tests/vm/daemon/*.ini", GLOB_APPEND, NULL, &g), 0);
	assert_true(g.gl_pathc >= 8);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = read_file(g.gl_pathv[i]), *out;

		out = apply(text, NULL, 0);
		if (strcmp(out, text) != 0)
			fail_msg("%s: no edit changed the text", g.gl_pathv[i]);
		free(out);
		free(text);
	}
	globfree(&g);

	{
		char *text = read_file(SRCDIR "/config/joystickd.ini");
		char *out = apply1(text, "default", "aileron", "sensitivity", "800");

		assert_string_equal(out, text);
		free(out);
		free(text);
	}
}

/* One value in the shipped file: that line, and in it only the value. */
static void test_one_line_differs(void **state)
{
	char *text = read_file(SRCDIR "/config/joystickd.ini");
	char *out = apply1(text, "default", "aileron", "sensitivity", "400");
	struct jsd_config *cfg = load(out);
	unsigned int line = 0;
	const char *at;

	assert_int_equal(lines_differing(text, out, &line), 1);
	assert_int_equal(strlen(out), strlen(text));
	at = strstr(out, "sensitivity = 400\n");
	assert_non_null(at);
	/* The elevator, the next section, keeps its 800. */
	assert_non_null(strstr(at, "[axis elevator]"));
	assert_non_null(strstr(strstr(at, "[axis elevator]"), "sensitivity = 800\n"));
	assert_true(cfg->profiles[0].axes[0].sensitivity == 400);
	assert_true(cfg->profiles[0].axes[1].sensitivity == 800);
	assert_int_equal(line, cfg->profiles[0].axes[0].line + 4);
	jsd_config_free(cfg);
	free(out);
	free(text);
}

static const char spaced[] =
	"; head\n"
	"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
	"[button u]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
	"[ axis   aileron ]   ; the roll\n"
	"  target=ABS_X\n"
	"  source =REL_X\n"
	"\tsensitivity   :   800    ; one inch\n"
	"  rate = 0.5\n"
	"curve = expo: 0.3 \t; tab before\n"
	"\n"
	"; about the elevator\n"
	"[axis elevator]\n"
	"target = ABS_Y\n"
	"source = REL_Y\n";

/* Inline comments, blanks, ':' and a ';' without a blank before it all stay. */
static void test_value_bytes_only(void **state)
{
	char *out;

	out = apply1(spaced, "default", "aileron", "sensitivity", "1200");
	assert_non_null(strstr(out, "\tsensitivity   :   1200    ; one inch\n"));
	assert_int_equal(strlen(out), strlen(spaced) + 1);
	free(out);

	out = apply1(spaced, "default", "aileron", "rate", "2");
	assert_non_null(strstr(out, "  rate = 2\n"));
	jsd_config_free(load(out));
	free(out);

	/* "0.5;x" is all value: inih cuts only at a ';' after a blank. */
	out = apply1("[axis a]\nrate = 0.5;x ; y\n", "default", "a", "rate", "2");
	assert_string_equal(out, "[axis a]\nrate = 2 ; y\n");
	free(out);

	out = apply1(spaced, "default", "aileron", "curve", "power:2");
	assert_non_null(strstr(out, "curve = power:2 \t; tab before\n"));
	free(out);

	out = apply1(spaced, "default", "aileron", "target", "ABS_RX");
	assert_non_null(strstr(out, "  target=ABS_RX\n"));
	free(out);
}

/*
 * A new key: after the section's last key line, before the blank and
 * comment lines that lead to the next section, indented and spaced like
 * that line.
 */
static void test_insert_place(void **state)
{
	char *out = apply1(spaced, "default", "aileron", "deadzone", "0.05");

	assert_non_null(strstr(out, "curve = expo: 0.3 \t; tab before\ndeadzone = 0.05\n\n; about the elevator\n"));
	assert_int_equal(count_lines(out), count_lines(spaced) + 1);
	jsd_config_free(load(out));
	free(out);

	/* In the shipped file: after "curve = expo:0.3" of the aileron. */
	{
		char *text = read_file(SRCDIR "/config/joystickd.ini");
		struct jsd_config *cfg;

		out = apply1(text, "default", "aileron", "smoothing", "0.05");
		assert_non_null(strstr(out, "deadzone = 0.02\ncurve = expo:0.3\nsmoothing = 0.05\n\n"
					    "; Mouse Y: elevator."));
		cfg = load(out);
		assert_true(cfg->profiles[0].axes[0].response.curve.kind == CURVE_EXPO);
		assert_true(cfg->profiles[0].axes[0].smoothing == 0.05);
		assert_true(cfg->profiles[0].axes[1].smoothing == 0);
		jsd_config_free(cfg);
		free(out);
		free(text);
	}

	/* Indented with a tab, "key:value": a new line looks the same. */
	{
		const char text[] = "[axis a]\n\ttarget:ABS_X\n\tsource:REL_X\n[button b]\n";

		out = apply1(text, "default", "a", "rate", "3");
		assert_string_equal(out, "[axis a]\n\ttarget:ABS_X\n\tsource:REL_X\n\trate:3\n[button b]\n");
		free(out);
	}
}

/* A key with an @after hint goes after that key's line when the section has it. */
static void test_insert_after(void **state)
{
	const char text[] = "[axis a]\ntarget = ABS_X\ncurve = points\nsource = REL_X\n";
	const char *points[] = { "0, 0", "1, 1" };
	struct ini_edit e = edit("default", "a", "point", points, 2);
	char *out;

	e.after = "curve";
	out = apply(text, &e, 1);
	assert_string_equal(out, "[axis a]\ntarget = ABS_X\ncurve = points\npoint = 0, 0\n"
				 "point = 1, 1\nsource = REL_X\n");
	free(out);

	e.after = "nosuchkey";
	out = apply(text, &e, 1);
	assert_string_equal(out, "[axis a]\ntarget = ABS_X\ncurve = points\nsource = REL_X\n"
				 "point = 0, 0\npoint = 1, 1\n");
	free(out);
}

/* A point list is replaced as a block, where its first line was. */
static void test_points_block(void **state)
{
	const char text[] =
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button u]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
		"[axis a]\n"
		"target = ABS_X\n"
		"source = REL_X\n"
		"curve = points\n"
		"  point = 0, 0     ; start\n"
		"; the middle\n"
		"  point = 0.5, 0.2\n"
		"  point = 1, 1\n"
		"invert = no\n";
	const char *points[] = { "0, 0", "0.3, 0.1", "0.6, 0.5", "1, 1" };
	struct ini_edit e = edit("default", "a", "point", points, 4);
	char *out = apply(text, &e, 1);
	struct jsd_config *cfg = load(out);

	assert_non_null(strstr(out, "curve = points\n"
				    "  point = 0, 0\n"
				    "  point = 0.3, 0.1\n"
				    "  point = 0.6, 0.5\n"
				    "  point = 1, 1\n"
				    "; the middle\n"
				    "invert = no\n"));
	assert_int_equal(cfg->profiles[0].axes[0].response.curve.n, 4);
	assert_true(cfg->profiles[0].axes[0].response.curve.y[2] == 0.5);
	jsd_config_free(cfg);
	free(out);

	/* No points: the lines go, and the curve with them (two edits, in order). */
	{
		struct ini_edit two[] = {
			edit("default", "a", "point", NULL, 0),
			edit("default", "a", "curve", (const char *const[]){ "expo:0.2" }, 1),
		};

		out = apply(text, two, 2);
		assert_non_null(strstr(out, "curve = expo:0.2\n; the middle\ninvert = no\n"));
		assert_null(strstr(out, "point"));
		jsd_config_free(load(out));
		free(out);
	}
}

/* A key removed takes its default; only its line goes. */
static void test_remove(void **state)
{
	char *text = read_file(SRCDIR "/config/joystickd.ini");
	char *out = apply1(text, "default", "aileron", "deadzone", NULL);
	struct jsd_config *cfg = load(out);

	assert_int_equal(count_lines(out), count_lines(text) - 1);
	assert_int_equal(strlen(out), strlen(text) - strlen("deadzone = 0.02\n"));
	assert_true(cfg->profiles[0].axes[0].response.deadzone == 0);
	assert_true(cfg->profiles[0].axes[1].response.deadzone == 0.02);
	jsd_config_free(cfg);
	free(out);
	free(text);

	/* Removing a key that is not there changes nothing. */
	out = apply1(spaced, "default", "aileron", "smoothing", NULL);
	assert_string_equal(out, spaced);
	free(out);
}

/* CRLF line ends stay CRLF, on changed, new and untouched lines alike. */
static void test_crlf(void **state)
{
	const char text[] =
		"; crlf\r\n[button t]\r\ninput = BTN_LEFT\r\noutput = BTN_TRIGGER\r\n"
		"[button u]\r\ninput = BTN_RIGHT\r\noutput = BTN_THUMB\r\n"
		"[axis a]\r\ntarget = ABS_X\r\nsource = REL_X\r\nsensitivity = 800 ; x\r\n"
		"\r\n[axis b]\r\ntarget = ABS_Y\r\nsource = REL_Y\r\n";
	struct ini_edit e[] = {
		edit("default", "a", "sensitivity", (const char *const[]){ "400" }, 1),
		edit("default", "a", "rate", (const char *const[]){ "2" }, 1),
		edit("default", "b", "curve", (const char *const[]){ "points" }, 1),
		edit("default", "b", "point", (const char *const[]){ "0, 0", "1, 1" }, 2),
	};
	char *out = apply(text, e, 4);
	struct jsd_config *cfg = load(out);

	assert_string_equal(out,
		"; crlf\r\n[button t]\r\ninput = BTN_LEFT\r\noutput = BTN_TRIGGER\r\n"
		"[button u]\r\ninput = BTN_RIGHT\r\noutput = BTN_THUMB\r\n"
		"[axis a]\r\ntarget = ABS_X\r\nsource = REL_X\r\nsensitivity = 400 ; x\r\nrate = 2\r\n"
		"\r\n[axis b]\r\ntarget = ABS_Y\r\nsource = REL_Y\r\ncurve = points\r\n"
		"point = 0, 0\r\npoint = 1, 1\r\n");
	assert_true(cfg->profiles[0].axes[0].sensitivity == 400);
	jsd_config_free(cfg);
	free(out);

	out = apply(text, NULL, 0);
	assert_string_equal(out, text);
	free(out);
}

/* A file without a final newline has none after an insertion or removal at its end. */
static void test_no_final_newline(void **state)
{
	const char text[] = "[axis a]\ntarget = ABS_X\nsource = REL_X";
	char *out;

	out = apply1(text, "default", "a", "rate", "2");
	assert_string_equal(out, "[axis a]\ntarget = ABS_X\nsource = REL_X\nrate = 2");
	free(out);

	out = apply1(text, "default", "a", "source", "REL_Y");
	assert_string_equal(out, "[axis a]\ntarget = ABS_X\nsource = REL_Y");
	free(out);

	out = apply1(text, "default", "a", "source", NULL);
	assert_string_equal(out, "[axis a]\ntarget = ABS_X");
	free(out);

	{
		const char crlf[] = "[axis a]\r\ntarget = ABS_X";

		out = apply1(crlf, "default", "a", "rate", "2");
		assert_string_equal(out, "[axis a]\r\ntarget = ABS_X\r\nrate = 2");
		free(out);
	}
	{
		/* A last line ended by a '\r' and no '\n': the loader reads it as CR-less. */
		const char cr[] = "[axis a]\r\ntarget = ABS_X\r";

		out = apply1(cr, "default", "a", "target", "ABS_X");
		assert_string_equal(out, cr);
		free(out);
		out = apply1(cr, "default", "a", "rate", "2");
		assert_string_equal(out, "[axis a]\r\ntarget = ABS_X\r\r\nrate = 2");
		free(out);
	}
	{
		const char bare[] = "[axis a]";

		out = apply1(bare, "default", "a", "target", "ABS_X");
		assert_string_equal(out, "[axis a]\ntarget = ABS_X");
		free(out);
	}
}

/* The same axis name in the implicit default profile and in named profiles. */
static void test_profiles(void **state)
{
	const char text[] =
		"[stick]\nname = s\n"
		"[axis aileron]\ntarget = ABS_X\nsource = REL_X\nsensitivity = 800\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button u]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
		"[profile combat]\n"
		"[axis aileron]\ntarget = ABS_X\nsource = REL_X\nsensitivity = 900\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[profile taxi]\n"
		"[axis aileron]\ntarget = ABS_X\nsource = REL_X\n";
	struct jsd_config *cfg;
	char *out;

	out = apply1(text, "default", "aileron", "sensitivity", "100");
	cfg = load(out);
	assert_true(cfg->profiles[0].axes[0].sensitivity == 100);
	assert_true(cfg->profiles[1].axes[0].sensitivity == 900);
	assert_true(cfg->profiles[2].axes[0].sensitivity == 800);
	jsd_config_free(cfg);
	free(out);

	out = apply1(text, "combat", "aileron", "sensitivity", "200");
	cfg = load(out);
	assert_true(cfg->profiles[0].axes[0].sensitivity == 800);
	assert_true(cfg->profiles[1].axes[0].sensitivity == 200);
	jsd_config_free(cfg);
	free(out);

	/* The last section of the file: the key is appended at its end. */
	out = apply1(text, "taxi", "aileron", "sensitivity", "300");
	assert_non_null(strstr(out, "[profile taxi]\n[axis aileron]\ntarget = ABS_X\nsource = REL_X\n"
				    "sensitivity = 300\n"));
	cfg = load(out);
	assert_true(cfg->profiles[2].axes[0].sensitivity == 300);
	jsd_config_free(cfg);
	free(out);
}

/* An edit whose section does not exist, or whose value cannot be written. */
static void test_errors(void **state)
{
	static const char *const bad[] = { "", " 400", "400 ", "4 ;00", "4\t;00", "4\n00", "4\r",
					   "\x1b[31m" };
	const char *value = "1";
	struct ini_edit e[] = {
		edit("default", "aileron", "sensitivity", &value, 1),
		edit("combat", "aileron", "sensitivity", &value, 1),
	};
	char *out = (char *)"untouched";
	size_t len = 7, failed = 9;

	assert_int_equal(ini_edit_apply(spaced, strlen(spaced), e, 2, &out, &len, &failed), -ENOENT);
	assert_int_equal(failed, 1);
	assert_string_equal(out, "untouched");
	assert_int_equal(len, 7);
	e[0].axis = "rudder";
	assert_int_equal(ini_edit_apply(spaced, strlen(spaced), e, 1, &out, &len, &failed), -ENOENT);
	assert_int_equal(failed, 0);
	/* [button t] is no [axis t]. */
	e[0].axis = "t";
	assert_int_equal(ini_edit_apply(spaced, strlen(spaced), e, 1, &out, &len, &failed), -ENOENT);

	e[0].axis = "aileron";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e[0].values = &bad[i];
		assert_int_equal(ini_edit_check_value(bad[i]), -EINVAL);
		assert_int_equal(ini_edit_apply(spaced, strlen(spaced), e, 1, &out, &len, &failed),
				 -EINVAL);
	}
	assert_int_equal(ini_edit_check_value("expo:0.3"), 0);
	assert_int_equal(ini_edit_check_value("0.5, 0.3"), 0);
	assert_int_equal(ini_edit_check_value("a;b"), 0);
	e[0].values = &value;
	e[0].key = "sens itivity";
	assert_int_equal(ini_edit_apply(spaced, strlen(spaced), e, 1, &out, &len, &failed), -EINVAL);
	e[0].key = "rate=";
	assert_int_equal(ini_edit_apply(spaced, strlen(spaced), e, 1, &out, &len, &failed), -EINVAL);
	assert_string_equal(out, "untouched");
}

/* The values a key has, as written. */
static void test_values(void **state)
{
	const char text[] =
		"[axis a]\ntarget = ABS_X\ncurve = points ; c\npoint = 0, 0\npoint = 1 , 1   ; end\n"
		"[profile p]\n[axis a]\ntarget = ABS_Y\n";
	char **v;
	unsigned int n;

	assert_int_equal(ini_edit_values(text, strlen(text), "default", "a", "point", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "0, 0");
	assert_string_equal(v[1], "1 , 1");
	assert_null(v[2]);
	ini_edit_values_free(v);

	assert_int_equal(ini_edit_values(text, strlen(text), "default", "a", "curve", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "points");
	ini_edit_values_free(v);

	assert_int_equal(ini_edit_values(text, strlen(text), "p", "a", "target", &v, &n), 0);
	assert_string_equal(v[0], "ABS_Y");
	ini_edit_values_free(v);

	assert_int_equal(ini_edit_values(text, strlen(text), "p", "a", "curve", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	ini_edit_values_free(v);

	assert_int_equal(ini_edit_values(text, strlen(text), "q", "a", "curve", &v, &n), -ENOENT);
}

/* A byte order mark, and a section on the first line. */
static void test_bom(void **state)
{
	const char text[] = "\xef\xbb\xbf[axis a]\ntarget = ABS_X\nsource = REL_X\n";
	char *out = apply1(text, "default", "a", "source", "REL_Y");

	assert_string_equal(out, "\xef\xbb\xbf[axis a]\ntarget = ABS_X\nsource = REL_Y\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_shipped),
		cmocka_unit_test(test_one_line_differs),
		cmocka_unit_test(test_value_bytes_only),
		cmocka_unit_test(test_insert_place),
		cmocka_unit_test(test_insert_after),
		cmocka_unit_test(test_points_block),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
