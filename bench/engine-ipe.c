// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsd-engine-ipe: feeds the mapping engine the benchmark's stream (the
 * records joystickd's reader gets for bench/stream.h's frames of mouse 0
 * at 8 kHz) under bench.ini, for `valgrind --tool=callgrind
 * --toggle-collect=engine_feed`: the instructions counted, divided by the
 * records fed, are the engine's instructions per event.
 *
 *   jsd-engine-ipe CONFIG FRAMES
 *
 * Prints the records fed and the frames the engine emitted (one per input
 * frame, else the count is meaningless and the exit status is 1).
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "stream.h"

#define FRAME_NS	125000	/* 8 kHz */

struct sink {
	unsigned long axes, buttons, frames;
};

static void sink_axis(void *ctx, uint16_t code, int32_t value)
{
	((struct sink *)ctx)->axes++;
}

static void sink_button(void *ctx, uint16_t code, int32_t value)
{
	((struct sink *)ctx)->buttons++;
}

static void sink_sync(void *ctx)
{
	((struct sink *)ctx)->frames++;
}

static void sink_request(void *ctx, const struct engine_request *req)
{
}

int main(int argc, char *argv[])
{
	static const struct engine_output out = {
		.axis = sink_axis, .button = sink_button, .sync = sink_sync, .request = sink_request,
	};
	struct jsd_config *cfg;
	struct jsd_error err;
	struct engine *e;
	struct sink sink = { 0 };
	unsigned long frames, records = 0;
	char buf[600];
	int r;

	if (argc != 3 || (frames = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: jsd-engine-ipe CONFIG FRAMES\n");
		return 2;
	}
	r = jsd_config_load(argv[1], &cfg, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", jsd_error_format(&err, buf, sizeof(buf)));
		return 1;
	}
	r = engine_new(cfg, &out, &sink, &e);
	if (r < 0) {
		jsd_config_free(cfg);
		return 1;
	}
	engine_emit_state(e, true);
	sink.frames = 0;

	for (unsigned long k = 0; k < frames; k++) {
		struct jskf_record rec[3] = {
			{ .type = EV_REL, .code = REL_X, .value = bench_dx(k) },
			{ .type = EV_REL, .code = REL_Y, .value = -bench_dx(k) },
			{ .type = EV_SYN, .code = SYN_REPORT },
		};

		for (unsigned int i = 0; i < 3; i++, records++) {
			rec[i].time_ns = 1000000000ull + k * FRAME_NS;
			rec[i].dev_id = 1;
			rec[i].flags = JSKF_RECF_SWALLOWED;
			engine_feed(e, 0, &rec[i]);
		}
	}
	printf("records %lu frames_out %lu axis_events %lu\n", records, sink.frames, sink.axes);
	engine_free(e);
	jsd_config_free(cfg);
	return sink.frames == frames ? 0 : 1;
}
