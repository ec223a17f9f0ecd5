// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader thread: keeps a JSKF_IOC_READ pended in the kernel at all
 * times and hands each batch to manager_take_batch(), which feeds the
 * engine and writes the stick under manager.lock.  See manager.h for why
 * this thread writes the stick itself.
 *
 * Nothing slow runs under the lock: manager_take_batch() notes what a
 * batch has to say and this thread logs it once the lock is dropped
 * (manager-batch.c rate-limits the per-batch warnings).
 *
 * The read's deadline is the engine's next tick (spring return, velocity
 * decay, smoothing): a read that times out runs that tick
 * (manager_tick()), and one the main thread cancelled because it wants a
 * tick earlier starts again with the new deadline.
 *
 * Stopping: JSKF_IOC_CANCEL wakes only the reads pended at that moment, so
 * reader_stop() sets `stopping` and repeats the cancel until the thread
 * has left (it may be between two reads when the first cancel lands).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/backend.h"
#include "engine/escape.h"
#include "log.h"
#include "manager.h"
#include "reader.h"

/* After the lock: the lines a batch noted; @evdev: the evdev backend's words. */
static void reader_log(const struct batch_notes *n, bool evdev)
{
	char name[ESCAPE_SIZE(JSKF_NAME_LEN)];

	if (n->dropped)
		log_warning("%s dropped %u %s (queue full); %llu warnings like this held back before, %llu events dropped in all",
			    evdev ? "the evdev backend" : "kernel filter", n->n_dropped,
			    evdev ? "events" : "button events", (unsigned long long)n->held_dropped,
			    (unsigned long long)n->total_dropped);
	if (n->overflow)
		log_warning("events of '%s' (id %u) were lost: its evdev buffer overflowed (SYN_DROPPED) while joystickd fell behind; its buttons were resynced; %llu warnings like this held back before, %llu overflows in all",
			    escape_string(n->overflow_name, name, sizeof(name)), n->overflow_dev,
			    (unsigned long long)n->held_overflow, (unsigned long long)n->total_overflows);
	if (n->unopened && n->n_unopened)
		log_warning("input devices could not be opened: %s; joystickd tries again every second and whenever a device goes away",
			    strerror(n->unopened_error));
	else if (n->unopened)
		log_info("every input device is open again");
	if (n->gap)
		log_warning("record sequence gap: expected %llu, got %llu; %llu warnings like this held back before, %llu gaps in all",
			    (unsigned long long)n->gap_expected, (unsigned long long)n->gap_got,
			    (unsigned long long)n->held_gap, (unsigned long long)n->total_gaps);
	if (n->stick_failed)
		log_warning("writing the virtual stick failed %llu times; %llu warnings like this held back before, %llu failures in all",
			    (unsigned long long)n->n_stick_errors, (unsigned long long)n->held_stick,
			    (unsigned long long)n->total_stick_errors);
	if (n->deadman)
		log_warning("the kernel filter turned capture off: joystickd left its records uncollected for more than %u ms (dead-man switch, [capture] deadman_ms)",
			    n->deadman_ms);
	if (n->active_changed)
		log_info("capture %s", n->active ? "active" : "inactive");
	if (n->switched)
		log_info("profile %s", n->profile);
}

static void *reader_main(void *userdata)
{
	struct reader *rd = userdata;
	struct manager *m = rd->manager;
	bool evdev = strcmp(backend_name(rd->backend), "evdev") == 0;
	struct batch_notes notes = { 0 };
	struct reader_output *out;
	struct jskf_record *recs;
	uint64_t gen, deadline;
	int r = 0;

	recs = calloc(rd->capacity, sizeof(*recs));
	out = calloc(1, sizeof(*out));
	if (!recs || !out)
		r = -ENOMEM;
	gen = manager_devlist_gen(m);
	deadline = r ? ENGINE_IDLE : manager_next_tick(m, out);

	while (r == 0 && !atomic_load(&rd->stopping)) {
		struct jskf_read req;

		memset(&req, 0, sizeof(req));
		req.records_ptr = (uintptr_t)recs;
		req.capacity = rd->capacity;
		req.flags = JSKF_READ_DEVLIST;
		req.devlist_gen = gen;
		if (deadline != ENGINE_IDLE) {
			req.flags |= JSKF_READ_DEADLINE;
			req.deadline_ns = (int64_t)deadline;
		}
		if (out->n) {
			req.flags |= JSKF_READ_OUTPUT;
			req.output_ptr = (uintptr_t)out->ev;
			req.output_count = out->n;
			req.output_slot = out->slot;
		}
		r = backend_read(rd->backend, &req);
		if (r == -ENODEV && out->n) {
			/* Not sent, and nothing read: its stick may be gone. */
			r = manager_output_failed(m, out);
			out->n = 0;
			if (r > 0)
				log_warning("the kernel filter could not send the stick's frames (its device is not the module's output); joystickd writes them itself from now on");
			r = 0;
			deadline = manager_next_tick(m, out);
			continue;
		}
		out->n = 0;	/* sent, whatever the read answered */
		if (r == -ETIMEDOUT) {
			r = 0;
			deadline = manager_tick(m, &notes, out);
		} else if (r == -EINTR || r == -ECANCELED) {
			/* A stop, an earlier tick, a frame of the main thread, a signal: look again. */
			r = 0;
			deadline = manager_next_tick(m, out);
			continue;
		} else if (r == 0) {
			gen = req.devlist_gen;
			deadline = manager_take_batch(m, &req, recs, &notes, out);
		} else {
			break;
		}
		if (notes.any) {
			reader_log(&notes, evdev);
			notes.any = 0;
		}
	}

	/* Frames taken for a read that will not come: written as they are. */
	if (out && out->n)
		manager_output_failed(m, out);
	if (r < 0)
		manager_reader_failed(m, r);
	free(out);
	free(recs);
	return NULL;
}

int reader_start(struct reader *rd, struct manager *m, struct backend *backend,
		 uint32_t max_batch)
{
	int r;

	rd->manager = m;
	rd->backend = backend;
	rd->capacity = max_batch ? max_batch : 256;
	atomic_store(&rd->stopping, false);
	r = pthread_create(&rd->thread, NULL, reader_main, rd);
	if (r != 0)
		return -r;
	rd->running = true;
	return 0;
}

void reader_stop(struct reader *rd)
{
	if (!rd->running)
		return;
	atomic_store(&rd->stopping, true);
	for (;;) {
		struct timespec deadline;

		backend_cancel(rd->backend);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += 20 * 1000 * 1000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
		if (pthread_timedjoin_np(rd->thread, NULL, &deadline) == 0)
			break;
	}
	rd->running = false;
}
