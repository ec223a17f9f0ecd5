// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs every .t file of tests/unit/scenarios, one test each.
 *
 * A scenario names a configuration, lists inputs with their times, then,
 * after a line "---", the output the engine must produce, in order:
 *
 *	# comment
 *	config models.ini		(relative to the .t file)
 *	0ms emit			engine_emit_state(all)
 *	10ms main REL_X 50		a record of mouse "main" ("-": no [mouse]),
 *					swallowed (JSKF_RECF_SWALLOWED)
 *	10ms main REL_X 50 desktop	one the desktop got too (no flag); also
 *					"coalesced", "resync": that flag alone
 *	10ms main SYN			its SYN_REPORT
 *	10ms main removed		JSKF_REC_DEV_REMOVED of that device
 *	20ms capture off		JSKF_REC_STATE (on: ACTIVE)
 *	20ms tick			engine_tick(); logs "next TIME" or "next idle"
 *	20ms next			logs engine_next_tick()
 *	30ms action recenter		engine_run_action()
 *	30ms profile NAME		engine_set_profile()
 *	---
 *	ABS_X 500
 *	SYN
 *	next 20ms
 *
 * Times are integers or decimals with ns, us, ms or s.  The device id of
 * mouse number i is i + 1, of "-" 100.
 */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/codes.h"
#include "fake-output.h"

struct run {
	const char *path;
	unsigned int line;
	struct jsd_config *cfg;
	struct engine *engine;
	struct fake fake;
	char expected[16384];
	size_t expected_len;
	bool in_expected;
};

static void run_fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void run_fail(struct run *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s:%u: %s", r->path, r->line, msg);
}

static uint64_t parse_time(struct run *r, const char *s)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	char *end;
	double v = strtod_l(s, &end, c);

	freelocale(c);
	for (size_t i = 0; end != s && i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0 && v >= 0)
			return (uint64_t)llround(v * units[i].ns);
	run_fail(r, "bad time '%s'", s);
	return 0;
}

static void log_time(struct run *r, uint64_t t)
{
	if (t == ENGINE_IDLE)
		fake_printf(&r->fake, "next idle\n");
	else if (t % 1000000 == 0)
		fake_printf(&r->fake, "next %llums\n", (unsigned long long)(t / 1000000));
	else if (t % 1000 == 0)
		fake_printf(&r->fake, "next %lluus\n", (unsigned long long)(t / 1000));
	else
		fake_printf(&r->fake, "next %lluns\n", (unsigned long long)t);
}

static void load_config(struct run *r, const char *name)
{
	char dir[1024], path[2048], msg[600];
	struct jsd_error err;

	snprintf(dir, sizeof(dir), "%s", r->path);
	snprintf(path, sizeof(path), "%s/%s", dirname(dir), name);
	if (jsd_config_load(path, &r->cfg, &err) < 0)
		run_fail(r, "%s", jsd_error_format(&err, msg, sizeof(msg)));
	r->fake.cfg = r->cfg;
	if (engine_new(r->cfg, &fake_output, &r->fake, &r->engine) < 0)
		run_fail(r, "engine_new failed");
}

static int mouse_index(struct run *r, const char *name)
{
	if (strcmp(name, "-") == 0)
		return -1;
	for (unsigned int i = 0; i < r->cfg->n_mice; i++)
		if (strcmp(r->cfg->mice[i].name, name) == 0)
			return (int)i;
	run_fail(r, "no [mouse %s] in the configuration", name);
	return -1;
}

static void feed(struct run *r, uint64_t t, int mouse, uint16_t type, uint16_t code, int32_t value,
		 uint32_t flags)
{
	struct jskf_record rec = {
		.time_ns = t,
		.dev_id = mouse < 0 ? 100 : (uint32_t)mouse + 1,
		.type = type,
		.code = code,
		.value = value,
		.flags = flags,
	};

	engine_feed(r->engine, mouse, &rec);
}

/* The flags of an input record: swallowed, unless its line says otherwise. */
static uint32_t record_flags(struct run *r, char **w, int n)
{
	if (n == 3)
		return JSKF_RECF_SWALLOWED;
	if (strcmp(w[3], "desktop") == 0)
		return 0;
	if (strcmp(w[3], "coalesced") == 0)
		return JSKF_RECF_COALESCED;
	if (strcmp(w[3], "resync") == 0)
		return JSKF_RECF_RESYNC;
	run_fail(r, "unknown record flag %s", w[3]);
	return 0;
}

/* One input line: the words after the time. */
static void input(struct run *r, uint64_t t, char **w, int n)
{
	const char *why = NULL;
	uint16_t type, code;
	int mouse, profile;

	if (n == 1 && strcmp(w[0], "tick") == 0) {
		log_time(r, engine_tick(r->engine, t));
	} else if (n == 1 && strcmp(w[0], "next") == 0) {
		log_time(r, engine_next_tick(r->engine));
	} else if (n >= 1 && strcmp(w[0], "emit") == 0) {
		engine_emit_state(r->engine, n == 2 && strcmp(w[1], "all") == 0);
	} else if (n == 2 && strcmp(w[0], "capture") == 0) {
		feed(r, t, -1, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, JSKF_STATE_OWNER |
		     (strcmp(w[1], "on") == 0 ? JSKF_STATE_ACTIVE : 0), 0);
	} else if (n == 2 && strcmp(w[0], "action") == 0) {
		if (engine_run_action(r->engine, w[1], t, &why) < 0)
			run_fail(r, "action %s: %s", w[1], why);
	} else if (n == 2 && strcmp(w[0], "profile") == 0) {
		profile = jsd_config_find_profile(r->cfg, w[1]);
		if (profile < 0 || engine_set_profile(r->engine, (unsigned int)profile, t) < 0)
			run_fail(r, "cannot switch to profile %s", w[1]);
	} else if (n == 2 && strcmp(w[1], "SYN") == 0) {
		feed(r, t, mouse_index(r, w[0]), EV_SYN, SYN_REPORT, 0, 0);
	} else if (n == 2 && strcmp(w[1], "removed") == 0) {
		feed(r, t, mouse_index(r, w[0]), JSKF_REC_DEV_REMOVED, 0, 0, 0);
	} else if (n == 3 || n == 4) {
		mouse = mouse_index(r, w[0]);
		if (codes_from_name(w[1], &type, &code) < 0 || type == EV_ABS)
			run_fail(r, "unknown input code %s", w[1]);
		feed(r, t, mouse, type, code, (int32_t)strtol(w[2], NULL, 10), record_flags(r, w, n));
	} else {
		run_fail(r, "cannot read this input line");
	}
}

static void line(struct run *r, char *s)
{
	char *w[8], *save = NULL;
	int n = 0;

	s[strcspn(s, "\r\n")] = '\0';
	s += strspn(s, " \t");
	if (*s == '#' || *s == '\0')
		return;
	if (r->in_expected) {
		size_t len = strlen(s);

		if (r->expected_len + len + 2 > sizeof(r->expected))
			run_fail(r, "expected output too long");
		memcpy(r->expected + r->expected_len, s, len);
		r->expected_len += len;
		r->expected[r->expected_len++] = '\n';
		r->expected[r->expected_len] = '\0';
		return;
	}
	if (strcmp(s, "---") == 0) {
		r->in_expected = true;
		return;
	}
	for (char *t = strtok_r(s, " \t", &save); t && n < 8; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n == 2 && strcmp(w[0], "config") == 0) {
		load_config(r, w[1]);
		return;
	}
	if (!r->engine)
		run_fail(r, "the first line must be: config FILE");
	if (n < 2)
		run_fail(r, "cannot read this input line");
	input(r, parse_time(r, w[0]), w + 1, n - 1);
}

/* Fails naming the first output line that differs; both outputs go to stderr. */
static void output_differs(struct run *r)
{
	const char *e = r->expected, *g = r->fake.log;
	unsigned int n = 1;

	while (*e && *e == *g) {
		if (*e == '\n')
			n++;
		e++;
		g++;
	}
	while (e > r->expected && e[-1] != '\n' && g > r->fake.log && g[-1] != '\n') {
		e--;
		g--;
	}
	print_error("%s: output line %u: expected '%.*s', got '%.*s'\n", r->path, n,
		    (int)strcspn(e, "\n"), e, (int)strcspn(g, "\n"), g);
	print_error("expected output:\n%soutput:\n%s", r->expected, r->fake.log);
	fail();
}

static int scenario_setup(void **state)
{
	struct run *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	r->path = *state;
	*state = r;
	return 0;
}

/* Runs after a failure too, so nothing leaks either way. */
static int scenario_teardown(void **state)
{
	struct run *r = *state;

	engine_free(r->engine);
	jsd_config_free(r->cfg);
	free(r);
	return 0;
}

static void scenario(void **state)
{
	struct run *r = *state;
	char buf[512];
	FILE *f;

	f = fopen(r->path, "re");
	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		r->line++;
		line(r, buf);
	}
	fclose(f);
	if (!r->in_expected)
		run_fail(r, "no '---' line before the expected output");
	if (r->fake.overflow)
		run_fail(r, "output log overflow");
	if (strcmp(r->fake.log, r->expected) != 0)
		output_differs(r);
}

int main(void)
{
	struct CMUnitTest *tests;
	glob_t g;
	int r;

	if (glob(SRCDIR "/tests/unit/scenarios/*.t", 0, NULL, &g) != 0) {
		fprintf(stderr, "no scenario files in %s/tests/unit/scenarios\n", SRCDIR);
		return 1;
	}
	tests = calloc(g.gl_pathc, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		tests[i] = (struct CMUnitTest){
			.name = strrchr(g.gl_pathv[i], '/') + 1,
			.test_func = scenario,
			.setup_func = scenario_setup,
			.teardown_func = scenario_teardown,
			.initial_state = g.gl_pathv[i],
		};
	}
	r = _cmocka_run_group_tests("scenarios", tests, g.gl_pathc, NULL, NULL);
	free(tests);
	globfree(&g);
	return r;
}
