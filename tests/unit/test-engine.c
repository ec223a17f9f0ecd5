// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine through its API: model maths over many events checked
 * against closed forms, reload carrying state, profile switch errors,
 * the re-entry guard, capture state, time never running backwards.
 * Frame-by-frame behaviour is in the scenario files (test-scenario.c).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake-output.h"
#include "unit-config.h"

#define EPS	1e-12
#define MS	1000000ull

/* Two hold/velocity/spring axes, two buttons, range -1000 ... 1000, 100 Hz. */
static const char base_ini[] =
	"[capture]\nactive_at_start = yes\n"
	"[stick]\nmin = -1000\nmax = 1000\nupdate_rate = 100\n"
	"[profile one]\n"
	"[axis h]\ntarget = ABS_X\nsource = REL_X\nmodel = hold\nsensitivity = 100\n"
	"[axis v]\ntarget = ABS_Y\nsource = REL_Y\nmodel = velocity\nsensitivity = 100\n"
	"time_constant = 0.1\n"
	"[axis s]\ntarget = ABS_RX\nsource = REL_WHEEL\nmodel = spring\nsensitivity = 10\nrate = 0.8\n"
	"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
	"[button n]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
	"[button p]\ninput = BTN_EXTRA\naction = profile-next\n"
	"[profile two]\n"
	"[axis h2]\ntarget = ABS_X\nsource = REL_Y\nmodel = hold\nsensitivity = 100\n"
	"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n";

struct env {
	struct jsd_config *cfg;
	struct engine *e;
	struct fake fake;
};

static struct env *env_new(const char *text)
{
	struct env *env = calloc(1, sizeof(*env));

	assert_non_null(env);
	env->cfg = unit_config(text);
	env->fake.cfg = env->cfg;
	assert_int_equal(engine_new(env->cfg, &fake_output, &env->fake, &env->e), 0);
	return env;
}

static void env_free(struct env *env)
{
	engine_free(env->e);
	jsd_config_free(env->cfg);
	free(env);
}

static void feed(struct env *env, uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	struct jskf_record rec = {
		.time_ns = t, .dev_id = 7, .type = type, .code = code, .value = value,
		.flags = JSKF_RECF_SWALLOWED,	/* as a capture that swallows delivers it */
	};

	engine_feed(env->e, -1, &rec);
}

static void frame(struct env *env, uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	feed(env, t, type, code, value);
	feed(env, t, EV_SYN, SYN_REPORT, 0);
}

static double position(struct env *env, unsigned int axis)
{
	struct engine_axis_state st;

	assert_int_equal(engine_axis_state(env->e, axis, &st), 0);
	return st.position;
}

static int32_t st_value(struct env *env, unsigned int axis)
{
	struct engine_axis_state st;

	assert_int_equal(engine_axis_state(env->e, axis, &st), 0);
	return st.value;
}

static void test_velocity_closed_form(void **state)
{
	/*
	 * One count every 10 ms: s <- s q + a with a = 1/100, q = e^-0.1, so
	 * after n events s = a (1 - q^n) / (1 - q), tending to
	 * a / (1 - q) = 0.105083 (the steady deflection at 100 counts/s).
	 */
	struct env *env = env_new(base_ini);
	double a = 0.01, q = exp(-0.1);

	for (int n = 1; n <= 50; n++) {
		frame(env, (uint64_t)n * 10 * MS, EV_REL, REL_Y, 1);
		assert_float_equal(position(env, 1), a * (1 - pow(q, n)) / (1 - q), EPS);
	}
	/* n = 50: 0.1050833 * (1 - e^-5) = 0.1050833 * 0.9932621 = 0.1043753 */
	assert_float_equal(position(env, 1), 0.1043753, 1e-7);
	assert_int_equal(st_value(env, 1), 104);
	env_free(env);
}

static void test_spring_steps_compose(void **state)
{
	/* s = 0.9 returns at 0.8/s: after 0.5 s, 0.5 in any number of steps */
	struct env *env = env_new(base_ini);

	frame(env, 1000 * MS, EV_REL, REL_WHEEL, 9);
	assert_float_equal(position(env, 2), 0.9, EPS);
	engine_tick(env->e, 1070 * MS);
	engine_tick(env->e, 1333 * MS);
	engine_tick(env->e, 1500 * MS);
	assert_float_equal(position(env, 2), 0.5, 1e-15);
	assert_int_equal(engine_next_tick(env->e), 1510 * MS);
	/* 0.5 more than enough: exactly at trim, idle */
	engine_tick(env->e, 2200 * MS);
	assert_float_equal(position(env, 2), 0, 0);
	assert_int_equal(engine_next_tick(env->e), ENGINE_IDLE);
	env_free(env);
}

static void test_time_never_backwards(void **state)
{
	/* A record stamped before the last tick neither undoes nor repeats decay. */
	struct env *env = env_new(base_ini);

	frame(env, 1000 * MS, EV_REL, REL_WHEEL, 5);
	engine_tick(env->e, 1100 * MS);			/* 0.5 - 0.08 = 0.42 */
	frame(env, 1050 * MS, EV_REL, REL_WHEEL, 1);	/* + 0.1, no decay */
	assert_float_equal(position(env, 2), 0.52, EPS);
	engine_tick(env->e, 1200 * MS);			/* 0.52 - 0.08 */
	assert_float_equal(position(env, 2), 0.44, EPS);
	env_free(env);
}

static void test_axis_state(void **state)
{
	struct env *env = env_new(base_ini);
	struct engine_axis_state st;

	frame(env, 10 * MS, EV_REL, REL_X, -25);
	assert_int_equal(engine_axis_state(env->e, 0, &st), 0);
	assert_string_equal(st.cfg->name, "h");
	assert_float_equal(st.position, -0.25, EPS);
	assert_float_equal(st.trim, 0, EPS);
	assert_float_equal(st.output, -0.25, EPS);
	assert_int_equal(st.value, -250);
	assert_int_equal(engine_axis_state(env->e, 3, &st), -EINVAL);
	assert_ptr_equal(engine_config(env->e), env->cfg);
	env_free(env);
}

static void test_capture_state(void **state)
{
	struct env *env = env_new(base_ini);

	assert_true(engine_capture_active(env->e));
	frame(env, 0, EV_REL, REL_X, 50);
	fake_clear(&env->fake);
	feed(env, 10 * MS, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, JSKF_STATE_OWNER);
	assert_false(engine_capture_active(env->e));
	/* on_toggle_off = hold (the default): the hold axis stays */
	assert_float_equal(position(env, 0), 0.5, EPS);
	assert_string_equal(env->fake.log, "");
	feed(env, 20 * MS, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL,
	     JSKF_STATE_OWNER | JSKF_STATE_ACTIVE);
	assert_true(engine_capture_active(env->e));
	env_free(env);
}

static void test_ignored_records(void **state)
{
	struct env *env = env_new(base_ini);

	engine_emit_state(env->e, true);
	fake_clear(&env->fake);
	feed(env, 0, EV_MSC, MSC_SCAN, 90001);
	feed(env, 0, EV_SYN, SYN_DROPPED, 0);
	feed(env, 0, JSKF_REC_DEV_ADDED, 0, 0);
	feed(env, 0, EV_REL, REL_HWHEEL, 3);
	feed(env, 0, EV_KEY, BTN_MIDDLE, 1);
	feed(env, 0, EV_SYN, SYN_REPORT, 0);
	assert_string_equal(env->fake.log, "");
	/* emit_state(true) repeats everything */
	engine_emit_state(env->e, true);
	assert_string_equal(env->fake.log,
			    "ABS_X 0\nABS_Y 0\nABS_RX 0\nBTN_TRIGGER 0\nBTN_THUMB 0\nSYN\n");
	env_free(env);
}

static void test_set_profile_errors(void **state)
{
	struct env *env = env_new(base_ini);
	const char *why = NULL;

	assert_int_equal(engine_set_profile(env->e, 2, 0), -EINVAL);
	assert_int_equal(engine_profile(env->e), 0);
	assert_int_equal(engine_set_profile(env->e, 1, 0), 0);
	assert_int_equal(engine_profile(env->e), 1);
	assert_int_equal(engine_run_action(env->e, "recenter:h", 0, &why), -EINVAL);
	assert_string_equal(why, "no axis of that name in the profile");
	assert_int_equal(engine_run_action(env->e, "recenter:h2", 0, &why), 0);
	env_free(env);
}

/* A request callback that calls back into the engine, as it must not. */
static struct engine *reentry_engine;
static int reentry_result;

static void reentry_request(void *ctx, const struct engine_request *req)
{
	const char *why = NULL;

	reentry_result = engine_set_profile(reentry_engine, req->profile, 0);
	assert_int_equal(engine_run_action(reentry_engine, "recenter", 0, &why), -EBUSY);
	assert_string_equal(why, "called from an engine callback");
}

static void test_reentry_refused(void **state)
{
	struct env *env = env_new(base_ini);
	struct engine_output out = fake_output;

	engine_free(env->e);
	out.request = reentry_request;
	assert_int_equal(engine_new(env->cfg, &out, &env->fake, &env->e), 0);
	reentry_engine = env->e;
	reentry_result = 1;
	frame(env, 0, EV_KEY, BTN_EXTRA, 1);
	assert_int_equal(reentry_result, -EBUSY);
	assert_int_equal(engine_profile(env->e), 0);
	env_free(env);
}

static void test_reload_keeps_state(void **state)
{
	/*
	 * The new file renames everything, drops ABS_Y, adds ABS_RZ and
	 * gives ABS_X a power:2 curve; profile "two" is now the first.  Per
	 * code the state carries over: ABS_X s = 0.5 now reports 0.25; the
	 * spring's trim stays 0.3.  The held BTN_LEFT is forgotten: released.
	 */
	static const char new_ini[] =
		"[capture]\nactive_at_start = yes\n"
		"[stick]\nmin = -1000\nmax = 1000\nupdate_rate = 100\n"
		"[profile two]\n"
		"[axis x]\ntarget = ABS_X\nsource = REL_Y\nmodel = hold\nsensitivity = 100\n"
		"curve = power:2\n"
		"[axis r]\ntarget = ABS_RZ\nsource = REL_X\nmodel = hold\nsensitivity = 100\n"
		"trim = 0.2\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button n]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
		"[profile one]\n"
		"[axis s2]\ntarget = ABS_RX\nsource = REL_WHEEL\nmodel = spring\nsensitivity = 10\n"
		"rate = 0.8\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n";
	struct env *env = env_new(base_ini);
	struct jsd_config *cfg2;
	struct jsd_error err;
	struct engine *e2;
	const char *why = NULL;

	engine_emit_state(env->e, true);
	frame(env, 0, EV_REL, REL_X, 50);			/* one/h: ABS_X 0.5 */
	frame(env, 0, EV_REL, REL_WHEEL, 3);			/* one/s: ABS_RX 0.3 */
	assert_int_equal(engine_run_action(env->e, "trim:s", 0, &why), 0);
	frame(env, 0, EV_KEY, BTN_LEFT, 1);
	assert_int_equal(engine_set_profile(env->e, 1, 0), 0);	/* two */
	fake_clear(&env->fake);

	assert_int_equal(jsd_config_parse_string("new.ini", new_ini, &cfg2, &err), 0);
	assert_int_equal(engine_new_from(cfg2, env->e, &e2), 0);
	assert_int_equal(engine_profile(e2), 0);		/* "two" by name */
	assert_true(engine_capture_active(e2));
	engine_emit_state(e2, false);
	assert_string_equal(env->fake.log, "ABS_X 250\nABS_RZ 200\nBTN_TRIGGER 0\nSYN\n");

	/* profile one of the new file finds the spring at its trim 0.3 */
	fake_clear(&env->fake);
	assert_int_equal(engine_set_profile(e2, 1, 0), 0);
	assert_float_equal(position(&(struct env){ .e = e2 }, 0), 0.3, EPS);
	assert_int_equal(engine_next_tick(e2), ENGINE_IDLE);
	assert_string_equal(env->fake.log, "");
	engine_free(e2);
	jsd_config_free(cfg2);
	env_free(env);
}

/*
 * The source counts per second each axis gets (what `joystickctl tune`
 * shows): over windows of 100 ms of record time, signed, per axis, kept
 * across a reload, and 0 once the mouse stopped for two windows.
 */
/*
 * A reload that turns smoothing on starts the glide from what the
 * unsmoothed axis showed: its response of the position under the old
 * configuration, which is worked out only when asked for (axis_settle()).
 */
static void test_reload_smoothing_on(void **state)
{
	static const char *const ini[] = {
		"[capture]\nactive_at_start = yes\n"
		"[stick]\nmin = -1000\nmax = 1000\nupdate_rate = 100\n"
		"[axis x]\ntarget = ABS_X\nsource = REL_X\nmodel = hold\nsensitivity = 100\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button n]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n",
		"[capture]\nactive_at_start = yes\n"
		"[stick]\nmin = -1000\nmax = 1000\nupdate_rate = 100\n"
		"[axis x]\ntarget = ABS_X\nsource = REL_X\nmodel = hold\nsensitivity = 100\n"
		"curve = power:2\nsmoothing = 0.1\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button n]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n",
	};
	struct env *env = env_new(ini[0]);
	struct jsd_config *cfg2 = unit_config(ini[1]);
	struct engine *e2;

	engine_emit_state(env->e, true);
	frame(env, 1000 * MS, EV_REL, REL_X, 50);		/* y = 0.5 */
	assert_int_equal(engine_new_from(cfg2, env->e, &e2), 0);
	fake_clear(&env->fake);
	/* r = 0.25; y = 0.25 + 0.25 e^-0.1 = 0.476209 after 10 ms */
	engine_tick(e2, 1010 * MS);
	assert_string_equal(env->fake.log, "ABS_X 476\nSYN\n");
	engine_free(e2);
	jsd_config_free(cfg2);
	env_free(env);
}

static void test_counts_rate(void **state)
{
	struct env *env = env_new(base_ini);
	struct jsd_config *cfg2;
	struct jsd_error err;
	struct engine *e2;

	assert_float_equal(engine_axis_counts_rate(env->e, 0, 0), 0, EPS);
	/*
	 * 10 counts every 10 ms from 0 to 290 ms: 1000 counts/s on h (REL_X,
	 * ABS_X); -3 counts every 20 ms on v (REL_Y): -150 counts/s.
	 */
	for (uint64_t t = 0; t < 300; t += 10) {
		frame(env, t * MS, EV_REL, REL_X, 10);
		if (t % 20 == 0)
			frame(env, t * MS, EV_REL, REL_Y, -3);
	}
	assert_float_equal(engine_axis_counts_rate(env->e, 0, 295 * MS), 1000, 1e-9);
	assert_float_equal(engine_axis_counts_rate(env->e, 0, 300 * MS), 1000, 1e-9);
	assert_float_equal(engine_axis_counts_rate(env->e, 1, 300 * MS), -150, 1e-9);
	assert_float_equal(engine_axis_counts_rate(env->e, 2, 300 * MS), 0, EPS);
	assert_float_equal(engine_axis_counts_rate(env->e, 0, 399 * MS), 100 / 0.199, 1e-9);
	assert_float_equal(engine_axis_counts_rate(env->e, 0, 400 * MS), 0, EPS);
	assert_float_equal(engine_axis_counts_rate(env->e, 9, 300 * MS), 0, EPS);

	/* A reload keeps it per code. */
	assert_int_equal(jsd_config_parse_string("new.ini", base_ini, &cfg2, &err), 0);
	assert_int_equal(engine_new_from(cfg2, env->e, &e2), 0);
	assert_float_equal(engine_axis_counts_rate(e2, 0, 300 * MS), 1000, 1e-9);
	engine_free(e2);
	jsd_config_free(cfg2);
	env_free(env);
}

/*
 * A live change (engine_keep_held()): the input buttons held go on being
 * held, so their joystick buttons stay down and their release still
 * comes up.
 */
static void test_keep_held(void **state)
{
	struct env *env = env_new(base_ini);
	struct jsd_config *cfg2;
	struct jsd_error err;
	struct engine *e2;

	engine_emit_state(env->e, true);
	frame(env, 0, EV_KEY, BTN_LEFT, 1);
	fake_clear(&env->fake);
	assert_int_equal(jsd_config_parse_string("new.ini", base_ini, &cfg2, &err), 0);
	assert_int_equal(engine_new_from(cfg2, env->e, &e2), 0);
	engine_keep_held(e2, env->e);
	engine_emit_state(e2, false);
	assert_string_equal(env->fake.log, "");
	fake_clear(&env->fake);
	engine_feed(e2, -1, &(struct jskf_record){ .time_ns = MS, .dev_id = 7, .type = EV_KEY,
						     .code = BTN_LEFT, .value = 0 });
	engine_feed(e2, -1, &(struct jskf_record){ .time_ns = MS, .dev_id = 7, .type = EV_SYN,
						     .code = SYN_REPORT });
	assert_string_equal(env->fake.log, "BTN_TRIGGER 0\nSYN\n");
	engine_free(e2);
	jsd_config_free(cfg2);
	env_free(env);
}

/*
 * A look in progress survives a reload (it ends at its release, in the new
 * engine, whose request says so), unlike other held inputs; "look" is no
 * command (engine_run_action); a looking engine wants no tick.
 */
static void test_look_reload(void **state)
{
	static const char look_ini[] =
		"[capture]\nactive_at_start = yes\n"
		"[stick]\nmin = -1000\nmax = 1000\nupdate_rate = 100\n"
		"[axis s]\ntarget = ABS_X\nsource = REL_X\nmodel = spring\nsensitivity = 100\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button n]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
		"[button l]\ninput = BTN_SIDE\naction = look\n";
	struct env *env = env_new(look_ini);
	struct jsd_config *cfg2;
	struct jsd_error err;
	struct engine *e2;
	const char *why = NULL;

	engine_emit_state(env->e, true);
	frame(env, 0, EV_REL, REL_X, 50);
	frame(env, 0, EV_KEY, BTN_LEFT, 1);
	fake_clear(&env->fake);
	frame(env, 0, EV_KEY, BTN_SIDE, 1);
	assert_true(engine_looking(env->e));
	assert_int_equal(engine_next_tick(env->e), ENGINE_IDLE);
	assert_string_equal(env->fake.log, "request look on\n");
	assert_int_equal(engine_run_action(env->e, "look", 0, &why), -EINVAL);
	assert_string_equal(why, "look needs a held button: map one with action = look");

	assert_int_equal(jsd_config_parse_string("new.ini", look_ini, &cfg2, &err), 0);
	assert_int_equal(engine_new_from(cfg2, env->e, &e2), 0);
	assert_true(engine_looking(e2));
	assert_int_equal(engine_next_tick(e2), ENGINE_IDLE);
	fake_clear(&env->fake);
	/* BTN_LEFT is forgotten: released; the spring stays frozen at 0.5 */
	engine_emit_state(e2, false);
	assert_string_equal(env->fake.log, "BTN_TRIGGER 0\nSYN\n");
	fake_clear(&env->fake);
	engine_tick(e2, 500 * MS);
	assert_string_equal(env->fake.log, "");
	feed(&(struct env){ .e = e2 }, 600 * MS, EV_KEY, BTN_SIDE, 0);
	assert_false(engine_looking(e2));
	assert_string_equal(env->fake.log, "request look off\n");
	assert_int_equal(engine_next_tick(e2), 610 * MS);
	engine_free(e2);
	jsd_config_free(cfg2);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_velocity_closed_form),
		cmocka_unit_test(test_spring_steps_compose),
		cmocka_unit_test(test_time_never_backwards),
		cmocka_unit_test(test_axis_state),
		cmocka_unit_test(test_capture_state),
		cmocka_unit_test(test_ignored_records),
		cmocka_unit_test(test_set_profile_errors),
		cmocka_unit_test(test_reentry_refused),
		cmocka_unit_test(test_reload_keeps_state),
		cmocka_unit_test(test_reload_smoothing_on),
		cmocka_unit_test(test_counts_rate),
		cmocka_unit_test(test_keep_held),
		cmocka_unit_test(test_look_reload),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
