// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the mapping engine fed random record streams.
 *
 * The configurations are the shipped ones (config/ and config/examples/),
 * loaded once.  Each input is a sequence of 8-byte steps: a record (REL, KEY,
 * SYN, capture state, device removed), a timer tick, a profile switch or a
 * reload.  The time of a step moves forward, or (one step in eight) back
 * by up to 65 ms: a record older than the last tick, as the daemon's
 * reader and timer can deliver them.  Invariants: every axis value sent
 * lies in the stick's range for that code, every button is one of the
 * stick's and is 0 or 1, positions and outputs stay finite inside [-1, 1],
 * time never runs backwards for the engine (a tick is never asked for at
 * or before the latest time it was given, whatever time it was given
 * since), and ticks are never asked for in the past.
 */
#include <linux/input-event-codes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "fuzz-check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CONFIGS 8

static const char *const config_files[] = {
	"config/joystickd.ini",
	"config/examples/hold-stick.ini",
	"config/examples/velocity-stick.ini",
	"config/examples/rudder-on-button.ini",
	"config/examples/two-mice.ini",
	"config/examples/profiles.ini",
};

static struct jsd_config *configs[MAX_CONFIGS];
static unsigned int n_configs;

static const uint16_t rel_codes[] = {
	REL_X, REL_Y, REL_WHEEL, REL_HWHEEL, REL_WHEEL_HI_RES, REL_HWHEEL_HI_RES, REL_Z,
};

static const uint16_t key_codes[] = {
	BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA, BTN_FORWARD, BTN_BACK,
	BTN_TASK, KEY_SCROLLLOCK, KEY_F12, KEY_A, KEY_Q, KEY_E, KEY_LEFTSHIFT,
};

struct sink {
	const struct jsd_config *cfg;
};

static const struct jsd_stick_axis *stick_axis(const struct jsd_config *cfg, uint16_t code)
{
	for (unsigned int i = 0; i < cfg->stick.n_axes; i++)
		if (cfg->stick.axes[i].code == code)
			return &cfg->stick.axes[i];
	return NULL;
}

static void sink_axis(void *ctx, uint16_t code, int32_t value)
{
	const struct sink *s = ctx;
	const struct jsd_stick_axis *axis = stick_axis(s->cfg, code);

	FUZZ_CHECK(axis, "axis the stick does not have");
	FUZZ_CHECK(value >= axis->min && value <= axis->max, "axis value out of range");
}

static void sink_button(void *ctx, uint16_t code, int32_t value)
{
	const struct sink *s = ctx;
	bool known = false;

	for (unsigned int i = 0; i < s->cfg->stick.n_buttons; i++)
		known |= s->cfg->stick.buttons[i] == code;
	FUZZ_CHECK(known, "button the stick does not have");
	FUZZ_CHECK(value == 0 || value == 1, "button value not 0 or 1");
}

static void sink_sync(void *ctx)
{
}

static void sink_request(void *ctx, const struct engine_request *req)
{
	const struct sink *s = ctx;

	if (req->kind == ENGINE_REQ_PROFILE)
		FUZZ_CHECK(req->profile < s->cfg->n_profiles, "request for a profile that does not exist");
}

static const struct engine_output sink_output = {
	.axis = sink_axis,
	.button = sink_button,
	.sync = sink_sync,
	.request = sink_request,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *srcdir = getenv("JSD_SRCDIR");

	for (size_t i = 0; i < sizeof(config_files) / sizeof(config_files[0]); i++) {
		struct jsd_error err;
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", srcdir ? srcdir : ".", config_files[i]);
		if (jsd_config_load(path, &configs[n_configs], &err) < 0) {
			char buf[600];

			fprintf(stderr, "fuzz-engine: %s\n", jsd_error_format(&err, buf, sizeof(buf)));
			exit(1);
		}
		n_configs++;
	}
	return 0;
}

/* The engine was given @now (a record, a tick, a profile switch that took). */
static void gave(uint64_t *latest, uint64_t now)
{
	if (now > *latest)
		*latest = now;
}

static void check_axes(const struct engine *e)
{
	struct engine_axis_state st;

	for (unsigned int i = 0; engine_axis_state(e, i, &st) == 0; i++) {
		FUZZ_CHECK(isfinite(st.position) && fabs(st.position) <= 1.0, "position out of [-1, 1]");
		FUZZ_CHECK(isfinite(st.trim) && fabs(st.trim) <= 1.0, "trim out of [-1, 1]");
		FUZZ_CHECK(isfinite(st.output) && fabs(st.output) <= 1.0, "output out of [-1, 1]");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink sink;
	struct engine *e = NULL;
	/* 1000 s: no input is long enough to step back below 0. */
	uint64_t now = 1000000000000ull;
	uint64_t latest = 0;	/* the latest time the engine was given (gave()) */

	if (size < 1 || n_configs == 0)
		return 0;
	sink.cfg = configs[data[0] % n_configs];
	if (engine_new(sink.cfg, &sink_output, &sink, &e) < 0)
		return 0;
	engine_emit_state(e, true);
	data++;
	size--;

	for (; size >= 8; data += 8, size -= 8) {
		struct jskf_record rec = { 0 };
		int mouse = (int)(data[6] % 3) - 1;
		int16_t value = (int16_t)(data[2] | data[3] << 8);

		/* Up to 65 ms forward, or back when the top 3 bits of data[6] are set. */
		if ((data[6] & 0xe0) == 0xe0)
			now -= (uint64_t)(data[4] | data[5] << 8) * 1000;
		else
			now += (uint64_t)(data[4] | data[5] << 8) * 1000;
		rec.time_ns = now;
		rec.dev_id = 1 + data[7] % 3;

		switch (data[0] % 8) {
		case 0:
		case 1:
			rec.type = EV_REL;
			rec.code = rel_codes[data[1] % (sizeof(rel_codes) / sizeof(rel_codes[0]))];
			rec.value = value;
			engine_feed(e, mouse, &rec);
			gave(&latest, now);
			break;
		case 2:
			rec.type = EV_KEY;
			rec.code = key_codes[data[1] % (sizeof(key_codes) / sizeof(key_codes[0]))];
			rec.value = data[2] % 3;
			engine_feed(e, mouse, &rec);
			gave(&latest, now);
			break;
		case 3:
			rec.type = EV_SYN;
			rec.code = SYN_REPORT;
			engine_feed(e, mouse, &rec);
			gave(&latest, now);
			break;
		case 4:
			rec.type = JSKF_REC_STATE;
			rec.code = data[1] & 1;
			rec.value = (data[2] & 1) ? JSKF_STATE_OWNER | JSKF_STATE_ACTIVE : JSKF_STATE_OWNER;
			engine_feed(e, mouse, &rec);
			gave(&latest, now);
			break;
		case 5: {
			uint64_t next = engine_tick(e, now);

			gave(&latest, now);
			FUZZ_CHECK(next == ENGINE_IDLE || next > now, "tick asked for in the past");
			FUZZ_CHECK(next == ENGINE_IDLE || next > latest,
				   "tick asked for before the latest time given: time ran backwards");
			break;
		}
		case 6:
			if (data[1] & 0x80) {
				rec.type = JSKF_REC_DEV_REMOVED;
				engine_feed(e, mouse, &rec);
				gave(&latest, now);
			} else if (engine_set_profile(e, data[1] % (sink.cfg->n_profiles + 1), now) == 0) {
				gave(&latest, now);
			}
			break;
		case 7: {
			/* Reload into the same or another shipped configuration. */
			struct engine *next = NULL;
			const struct jsd_config *cfg = configs[data[1] % n_configs];

			if (engine_new_from(cfg, e, &next) == 0) {
				bool same = jsd_stick_equal(&cfg->stick, &sink.cfg->stick);

				engine_free(e);
				e = next;
				sink.cfg = cfg;
				engine_emit_state(e, !same);
			}
			break;
		}
		}
		check_axes(e);
	}
	engine_free(e);
	return 0;
}
