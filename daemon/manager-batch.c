// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a batch of kernel records does to the manager (manager_take_batch(),
 * called by the reader thread): counters and the sequence check, the
 * capture state, devices learnt early, the engine fed and the stick
 * written as one frame, and the main loop woken for the rest.  And the
 * engine's ticks, which the reader runs too, when a read's deadline passes
 * (manager_tick()); the main thread moves that deadline earlier only by
 * cancelling the read (manager_retick_locked()).
 *
 * Nothing slow runs under the lock: what a batch has to say is noted in
 * struct batch_notes and logged by the reader once the lock is dropped.
 * The per-batch warnings (events dropped, sequence gaps, stick write
 * errors) are rate-limited (one line of each kind per
 * MANAGER_WARN_INTERVAL_NS); the line that goes out counts those held back
 * before it, and the main loop logs a summary of the rest when a flood
 * stops (manager_log_suppressed()).  The totals are in `joystickctl status`.
 */
#include <stdio.h>

#include "log.h"
#include "manager-int.h"
#include "stick.h"

/*
 * The time for the rate limits of the batch's warnings, read once and only
 * when a batch has something to warn about: a batch that has not costs no
 * clock_gettime() (a system call where the vDSO cannot read the clock
 * source, as under QEMU/TCG with the HPET).
 */
static uint64_t batch_now(uint64_t *now)
{
	if (!*now)
		*now = manager_now_ns();
	return *now;
}

/* Under lock: bookkeeping of one batch, counters and the sequence check. */
static void batch_account_locked(struct manager *m, const struct jskf_read *rd, uint64_t *now,
				 struct batch_notes *notes)
{
	struct manager_counters *c = &m->counters;

	manager_assert_locked(m);
	c->batches++;
	c->records += rd->count;
	c->coalesced += rd->coalesced;
	c->dropped += rd->dropped;
	if (rd->dropped) {
		m->wake_status = true;
		notes->dropped = ratelimit_allow(&m->rl_dropped, batch_now(now),
						 &notes->held_dropped);
		notes->n_dropped = rd->dropped;
		notes->total_dropped = c->dropped;
	}
	if (m->next_seq && rd->first_seq != m->next_seq) {
		c->seq_gaps++;
		c->seq_lost += rd->first_seq > m->next_seq ? rd->first_seq - m->next_seq : 0;
		notes->gap = ratelimit_allow(&m->rl_seq_gap, batch_now(now), &notes->held_gap);
		notes->gap_expected = m->next_seq;
		notes->gap_got = rd->first_seq;
		notes->total_gaps = c->seq_gaps;
	}
	m->next_seq = rd->first_seq + rd->count;
}

/* Under lock: a device captured before the main loop re-listed (hotplug with mice = all). */
static void batch_learn_device_locked(struct manager *m, uint32_t id)
{
	struct devmap dm;

	manager_assert_locked(m);
	if (devmap_find(&m->devmap, id) >= 0)
		return;
	if (devmap_build(m->backend, m->cfg, &dm) < 0)
		return;	/* the main loop's refresh will retry */
	devmap_done(&m->devmap);
	m->devmap = dm;
}

/* Under lock: a note of the evdev backend (backend.h, BACKEND_REC_NOTE), for the log. */
static void batch_note_locked(struct manager *m, const struct jskf_record *rec, uint64_t *now,
			      struct batch_notes *notes)
{
	ssize_t i;

	manager_assert_locked(m);
	switch (rec->code) {
	case BACKEND_NOTE_OVERFLOW:
		m->counters.overflows++;
		m->wake_status = true;
		if (notes->overflow ||
		    !ratelimit_allow(&m->rl_overflow, batch_now(now), &notes->held_overflow))
			break;
		notes->overflow = true;
		notes->overflow_dev = rec->dev_id;
		notes->total_overflows = m->counters.overflows;
		i = devmap_find(&m->devmap, rec->dev_id);
		snprintf(notes->overflow_name, sizeof(notes->overflow_name), "%s",
			 i >= 0 ? m->devmap.devs[i].name : "?");
		break;
	case BACKEND_NOTE_UNOPENED:
		notes->unopened = true;
		notes->n_unopened = rec->value;
		notes->unopened_error = (int)rec->flags;
		break;
	}
}

/* Under lock: a JSKF_REC_STATE record. */
static void batch_state_locked(struct manager *m, const struct jskf_record *rec,
			       struct batch_notes *notes)
{
	manager_assert_locked(m);
	m->active = rec->value & JSKF_STATE_ACTIVE;
	m->want_active = m->active;
	if (rec->code == JSKF_STATE_BY_DEADMAN) {
		notes->deadman = true;
		notes->deadman_ms = m->capture.deadman_ms ? m->capture.deadman_ms
							  : JSKF_DEADMAN_DEFAULT_MS;
	}
}

/* Under lock: the stick's queued frames, for the reader's next read. */
static void take_output_locked(struct manager *m, struct reader_output *out)
{
	int n;

	manager_assert_locked(m);
	if (out->n || !stick_pending(m->stick))
		return;
	n = stick_take_output(m->stick, out->ev, JSKF_OUTPUT_MAX);
	if (n < 0) {
		m->counters.stick_errors++;
		return;
	}
	out->n = n;
	out->slot = m->out_slot;
}

/*
 * Under lock, the reader's thread, after a batch or a tick: the stick's
 * frames for the next read, the stick's write failed (the main loop
 * writes it whole again), and the deadline of the next read.
 */
static uint64_t batch_end_locked(struct manager *m, uint64_t before, uint64_t *now,
				 struct batch_notes *notes, struct reader_output *out)
{
	manager_assert_locked(m);
	take_output_locked(m, out);
	if (m->counters.stick_errors != before) {
		notes->stick_failed = ratelimit_allow(&m->rl_stick, batch_now(now),
						      &notes->held_stick);
		notes->n_stick_errors = m->counters.stick_errors - before;
		notes->total_stick_errors = m->counters.stick_errors;
		manager_wake_locked(m);	/* the main loop writes it whole again */
	}
	if (m->wake_devlist || m->wake_status)
		manager_wake_locked(m);
	if (m->switched_profile >= 0)
		notes->switched = manager_take_switch_locked(m, notes->profile,
							     sizeof(notes->profile));
	m->tick_at = engine_next_tick(m->engine);
	return m->tick_at;
}

uint64_t manager_take_batch(struct manager *m, const struct jskf_read *rd,
			    const struct jskf_record *recs, struct batch_notes *notes,
			    struct reader_output *out)
{
	uint64_t before, next, now = 0;
	bool was_active, mouse_known = false;
	uint32_t i, dev_id = 0;
	int mouse = -1;

	manager_lock(m);
	before = m->counters.stick_errors;
	was_active = m->active;
	if (rd->count)
		batch_account_locked(m, rd, &now, notes);
	/* A batch reaches the stick as its latest state, in one write. */
	stick_hold(m->stick, true);
	for (i = 0; i < rd->count; i++) {
		const struct jskf_record *rec = &recs[i];

		switch (rec->type) {
		case JSKF_REC_STATE:
			batch_state_locked(m, rec, notes);
			break;
		case JSKF_REC_DEV_ADDED:
			batch_learn_device_locked(m, rec->dev_id);
			m->wake_devlist = true;
			mouse_known = false;	/* the map may have changed */
			break;
		case JSKF_REC_DEV_REMOVED:
			m->wake_devlist = true;
			break;
		case BACKEND_REC_NOTE:
			batch_note_locked(m, rec, &now, notes);
			break;
		}
		/* Records come in runs of one device, a frame at least: one look-up a run. */
		if (!mouse_known || rec->dev_id != dev_id) {
			dev_id = rec->dev_id;
			mouse = devmap_mouse_of(&m->devmap, dev_id);
			mouse_known = true;
		}
		engine_feed(m->engine, mouse, rec);
	}
	manager_apply_requests_locked(m);
	if (stick_hold(m->stick, false) < 0)
		m->counters.stick_errors++;

	if (rd->state & JSKF_STATE_DEVLIST)
		m->wake_devlist = true;
	if (m->active != was_active) {
		notes->active_changed = true;
		notes->active = m->active;
		m->wake_status = true;
	}
	next = batch_end_locked(m, before, &now, notes, out);
	manager_unlock(m);
	return next;
}

uint64_t manager_tick(struct manager *m, struct batch_notes *notes, struct reader_output *out)
{
	uint64_t before, next, now = manager_now_ns();

	manager_lock(m);
	before = m->counters.stick_errors;
	stick_hold(m->stick, true);
	engine_tick(m->engine, now);
	manager_apply_requests_locked(m);
	if (stick_hold(m->stick, false) < 0)
		m->counters.stick_errors++;
	next = batch_end_locked(m, before, &now, notes, out);
	manager_unlock(m);
	return next;
}

uint64_t manager_next_tick(struct manager *m, struct reader_output *out)
{
	uint64_t next;

	manager_lock(m);
	take_output_locked(m, out);
	m->tick_at = engine_next_tick(m->engine);
	next = m->tick_at;
	manager_unlock(m);
	return next;
}

int manager_output_failed(struct manager *m, const struct reader_output *out)
{
	int r = 0;

	manager_lock(m);
	if (out->slot == m->out_slot) {
		/* In order: the frames the read had, then those queued since. */
		r = stick_write_output(m->stick, out->ev, out->n);
		if (r < 0)
			m->counters.stick_errors++;
		stick_defer(m->stick, false);
		m->out_slot = -1;
		r = r < 0 ? r : 1;
	}
	manager_unlock(m);
	return r;
}

void manager_retick_locked(struct manager *m)
{
	uint64_t next;

	manager_assert_locked(m);
	next = engine_next_tick(m->engine);
	if (next >= m->tick_at)
		return;
	/*
	 * The reader reads again with the earlier deadline; until it has,
	 * tick_at says what it will be, so this cancels once.  A cancel
	 * while no read is pended is kept for the next (sticky).
	 */
	m->tick_at = next;
	backend_cancel(m->backend);
}

uint64_t manager_devlist_gen(struct manager *m)
{
	uint64_t gen;

	manager_lock(m);
	gen = m->devmap.gen;
	manager_unlock(m);
	return gen;
}

void manager_reader_failed(struct manager *m, int error)
{
	manager_lock(m);
	m->reader_error = error;
	manager_wake_locked(m);
	manager_unlock(m);
}

void manager_log_suppressed(struct manager *m)
{
	uint64_t now = manager_now_ns(), dropped = 0, gaps = 0, stick = 0, overflows = 0, mice = 0;
	uint64_t total_dropped, total_gaps, total_stick, total_overflows;

	manager_lock(m);
	ratelimit_flush(&m->rl_dropped, now, &dropped);
	ratelimit_flush(&m->rl_seq_gap, now, &gaps);
	ratelimit_flush(&m->rl_stick, now, &stick);
	ratelimit_flush(&m->rl_overflow, now, &overflows);
	total_dropped = m->counters.dropped;
	total_gaps = m->counters.seq_gaps;
	total_stick = m->counters.stick_errors;
	total_overflows = m->counters.overflows;
	manager_unlock(m);
	ratelimit_flush(&m->rl_mice, now, &mice);	/* the main thread's */
	if (dropped)
		log_warning("%llu more warnings of dropped events were held back; %llu events dropped in all",
			    (unsigned long long)dropped, (unsigned long long)total_dropped);
	if (gaps)
		log_warning("%llu more warnings of sequence gaps were held back; %llu gaps in all",
			    (unsigned long long)gaps, (unsigned long long)total_gaps);
	if (stick)
		log_warning("%llu more warnings of failed stick writes were held back; %llu failures in all",
			    (unsigned long long)stick, (unsigned long long)total_stick);
	if (overflows)
		log_warning("%llu more warnings of lost events (SYN_DROPPED) were held back; %llu overflows in all",
			    (unsigned long long)overflows, (unsigned long long)total_overflows);
	if (mice)
		log_info("%llu more lines about mice (captured, removed, grabbed) were held back: joystickctl devices lists them",
			 (unsigned long long)mice);
}
