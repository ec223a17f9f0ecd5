// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsd-engine-ipe: the daemon's work per input frame, for `valgrind
 * --tool=callgrind --toggle-collect=manager_take_batch`: the instructions
 * counted, divided by the frames fed, are the instructions joystickd's
 * reader thread runs per mouse frame once the pended read has returned.
 *
 *   jsd-engine-ipe CONFIG FRAMES
 *
 * Each frame of bench/stream.h (mouse 0, 8 kHz timestamps) is one batch,
 * as at 1 kHz where every pended read returns one frame, handed to the
 * daemon's own manager_take_batch(): bookkeeping under manager.lock,
 * engine_feed() of its three records (REL_X, REL_Y, SYN_REPORT), the
 * daemon's output adapter (manager_engine_output) and the real stick code
 * (daemon/stick.c), down to the stick frame the reader's next read sends
 * (JSKF_READ_OUTPUT: the stick is deferred, as with the kernel filter).
 * Only the uinput device is not made: ipe-uinput.c stands in for
 * libevdev's uinput calls.  Capture is switched on first with the state
 * record the module sends, as the hotkey would.
 *
 * Prints "frames N records N stick_frames N config PATH" (a frame whose
 * motion changes no stick value, e.g. inside a deadzone, sends nothing);
 * exits 1 if a stick frame failed or none was made.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "engine/engine.h"
#include "ipe-uinput.h"
#include "manager-int.h"
#include "stick.h"
#include "stream.h"

#define FRAME_NS	125000	/* 8 kHz */

static struct reader_output out;
static unsigned long stick_frames;

/* One batch of @n records, as the reader thread hands it over; its frame goes out. */
static void ipe_batch(struct manager *m, struct jskf_record *recs, uint32_t n, uint64_t *seq)
{
	struct jskf_read rd = {
		.count = n,
		.first_seq = *seq,
		.state = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE,
	};
	struct batch_notes notes = { 0 };

	*seq += n;
	manager_take_batch(m, &rd, recs, &notes, &out);
	stick_frames += out.n != 0;
	out.n = 0;
}

static int ipe_manager(struct manager *m, const char *config)
{
	struct jsd_error err;
	char buf[600];
	int r;

	m->pending_profile = m->switched_profile = -1;
	m->tick_at = ENGINE_IDLE;
	m->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->wake_fd < 0 || pthread_mutex_init(&m->lock, NULL))
		return -1;
	r = jsd_config_load(config, &m->cfg, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", jsd_error_format(&err, buf, sizeof(buf)));
		return r;
	}
	r = engine_new(m->cfg, &manager_engine_output, m, &m->engine);
	if (r == 0)
		r = stick_new(&m->cfg->stick, &m->stick);
	if (r < 0)
		return r;
	m->out_slot = 0;
	stick_defer(m->stick, true);
	manager_lock(m);
	engine_emit_state(m->engine, true);
	manager_unlock(m);
	return 0;
}

int main(int argc, char *argv[])
{
	static struct manager m;
	struct jskf_record on = {
		.type = JSKF_REC_STATE, .code = JSKF_STATE_BY_HOTKEY,
		.value = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE, .time_ns = 999000000ull,
	};
	unsigned long frames;
	uint64_t seq = 1;

	if (argc != 3 || (frames = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: jsd-engine-ipe CONFIG FRAMES\n");
		return 2;
	}
	if (ipe_manager(&m, argv[1]) < 0) {
		fprintf(stderr, "jsd-engine-ipe: setting up the manager failed\n");
		return 1;
	}
	ipe_batch(&m, &on, 1, &seq);
	stick_frames = 0;

	for (unsigned long k = 0; k < frames; k++) {
		struct jskf_record rec[3] = {
			{ .type = EV_REL, .code = REL_X, .value = bench_dx(k) },
			{ .type = EV_REL, .code = REL_Y, .value = -bench_dx(k) },
			{ .type = EV_SYN, .code = SYN_REPORT },
		};

		for (unsigned int i = 0; i < 3; i++) {
			rec[i].time_ns = 1000000000ull + k * FRAME_NS;
			rec[i].dev_id = 1;
			rec[i].flags = JSKF_RECF_SWALLOWED;
		}
		ipe_batch(&m, rec, 3, &seq);
	}
	printf("frames %lu records %lu stick_frames %lu config %s\n", frames, 3 * frames,
	       stick_frames, argv[1]);
	stick_free(m.stick);
	engine_free(m.engine);
	jsd_config_free(m.cfg);
	return stick_frames && stick_frames <= frames && !ipe_uinput_writes() &&
	       !m.counters.stick_errors ? 0 : 1;
}
