// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader thread: keeps a JSKF_IOC_READ pended in the kernel at all
 * times and feeds each batch to the engine, which writes the stick, all
 * under manager.lock.  See manager.h for why this thread writes the stick
 * itself.
 *
 * Nothing slow runs under the lock: what a batch has to say is noted
 * there and logged once the lock is dropped.  The per-batch warnings
 * (events dropped, sequence gaps, stick write errors) are rate-limited
 * (one line of each kind per MANAGER_WARN_INTERVAL_NS); the line that
 * goes out counts those held back before it, and the main loop logs a
 * summary of the rest when a flood stops.  The totals are in `joystickctl
 * status`.
 *
 * Stopping: JSKF_IOC_CANCEL wakes only the reads pended at that moment, so
 * reader_stop() sets `stopping` and repeats the cancel until the thread
 * has left (it may be between two reads when the first cancel lands).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "manager.h"
#include "stick.h"

/* What one batch has to log, noted under the lock and logged after it. */
struct reader_notes {
	bool dropped;		/* rd.dropped events lost; log it */
	uint32_t n_dropped;
	bool gap;		/* a sequence gap to log */
	uint64_t gap_expected, gap_got;
	bool stick_failed;	/* stick writes failed to log */
	uint64_t n_stick_errors;
	uint64_t held_dropped, held_gap, held_stick;	/* lines held back before these */
	uint64_t total_dropped, total_gaps, total_stick_errors;
	bool active_changed, active;
};

/* Bookkeeping of one batch: counters and the sequence check. */
static void reader_account(struct manager *m, const struct jskf_read *rd, uint64_t now,
			   struct reader_notes *notes)
{
	struct manager_counters *c = &m->counters;

	c->batches++;
	c->records += rd->count;
	c->coalesced += rd->coalesced;
	c->dropped += rd->dropped;
	if (rd->dropped) {
		m->wake_status = true;
		notes->dropped = ratelimit_allow(&m->rl_dropped, now, &notes->held_dropped);
		notes->n_dropped = rd->dropped;
		notes->total_dropped = c->dropped;
	}
	if (m->next_seq && rd->first_seq != m->next_seq) {
		c->seq_gaps++;
		c->seq_lost += rd->first_seq > m->next_seq ? rd->first_seq - m->next_seq : 0;
		notes->gap = ratelimit_allow(&m->rl_seq_gap, now, &notes->held_gap);
		notes->gap_expected = m->next_seq;
		notes->gap_got = rd->first_seq;
		notes->total_gaps = c->seq_gaps;
	}
	m->next_seq = rd->first_seq + rd->count;
}

/* After the lock: the lines a batch noted. */
static void reader_log(const struct reader_notes *n)
{
	if (n->dropped)
		log_warning("kernel filter dropped %u button events (queue full); %llu warnings like this held back before, %llu events dropped in all",
			    n->n_dropped, (unsigned long long)n->held_dropped,
			    (unsigned long long)n->total_dropped);
	if (n->gap)
		log_warning("record sequence gap: expected %llu, got %llu; %llu warnings like this held back before, %llu gaps in all",
			    (unsigned long long)n->gap_expected, (unsigned long long)n->gap_got,
			    (unsigned long long)n->held_gap, (unsigned long long)n->total_gaps);
	if (n->stick_failed)
		log_warning("writing the virtual stick failed %llu times; %llu warnings like this held back before, %llu failures in all",
			    (unsigned long long)n->n_stick_errors, (unsigned long long)n->held_stick,
			    (unsigned long long)n->total_stick_errors);
	if (n->active_changed)
		log_info("capture %s", n->active ? "active" : "inactive");
}

void reader_log_suppressed(struct manager *m)
{
	uint64_t now = manager_now_ns(), dropped = 0, gaps = 0, stick = 0;
	uint64_t total_dropped, total_gaps, total_stick;

	pthread_mutex_lock(&m->lock);
	ratelimit_flush(&m->rl_dropped, now, &dropped);
	ratelimit_flush(&m->rl_seq_gap, now, &gaps);
	ratelimit_flush(&m->rl_stick, now, &stick);
	total_dropped = m->counters.dropped;
	total_gaps = m->counters.seq_gaps;
	total_stick = m->counters.stick_errors;
	pthread_mutex_unlock(&m->lock);
	if (dropped)
		log_warning("%llu more warnings of dropped events were held back; %llu events dropped in all",
			    (unsigned long long)dropped, (unsigned long long)total_dropped);
	if (gaps)
		log_warning("%llu more warnings of sequence gaps were held back; %llu gaps in all",
			    (unsigned long long)gaps, (unsigned long long)total_gaps);
	if (stick)
		log_warning("%llu more warnings of failed stick writes were held back; %llu failures in all",
			    (unsigned long long)stick, (unsigned long long)total_stick);
}

/* A device captured before the main loop re-listed (hotplug with mice = all). */
static void reader_learn_device(struct manager *m, uint32_t id)
{
	struct devmap dm;

	if (devmap_find(&m->devmap, id) >= 0)
		return;
	if (devmap_build(m->kf_fd, m->cfg, &dm) < 0)
		return;	/* the main loop's refresh will retry */
	devmap_done(&m->devmap);
	m->devmap = dm;
}

static void reader_batch(struct manager *m, const struct jskf_read *rd,
			 const struct jskf_record *recs, struct reader_notes *notes)
{
	uint64_t before = m->counters.stick_errors, now = manager_now_ns();
	bool was_active = m->active;
	uint32_t i;

	if (rd->count)
		reader_account(m, rd, now, notes);
	/* A batch reaches the stick as its latest state, in one write. */
	stick_hold(m->stick, true);
	for (i = 0; i < rd->count; i++) {
		const struct jskf_record *rec = &recs[i];

		switch (rec->type) {
		case JSKF_REC_STATE:
			m->active = rec->value & JSKF_STATE_ACTIVE;
			m->want_active = m->active;
			break;
		case JSKF_REC_DEV_ADDED:
			reader_learn_device(m, rec->dev_id);
			m->wake_devlist = true;
			break;
		case JSKF_REC_DEV_REMOVED:
			m->wake_devlist = true;
			break;
		}
		engine_feed(m->engine, devmap_mouse_of(&m->devmap, rec->dev_id), rec);
	}
	manager_apply_requests(m);
	if (stick_hold(m->stick, false) < 0)
		m->counters.stick_errors++;

	if (rd->state & JSKF_STATE_DEVLIST)
		m->wake_devlist = true;
	if (m->active != was_active) {
		notes->active_changed = true;
		notes->active = m->active;
		m->wake_status = true;
	}
	if (m->counters.stick_errors != before) {
		/* The main loop writes the whole state again until it goes through. */
		notes->stick_failed = ratelimit_allow(&m->rl_stick, now, &notes->held_stick);
		notes->n_stick_errors = m->counters.stick_errors - before;
		notes->total_stick_errors = m->counters.stick_errors;
		m->wake_timer = true;
	}
	if (engine_next_tick(m->engine) < m->tick_at)
		m->wake_timer = true;
	if (m->wake_timer || m->wake_devlist || m->wake_status)
		manager_wake(m);
}

static void *reader_main(void *userdata)
{
	struct manager *m = userdata;
	uint32_t capacity = m->info.max_batch ? m->info.max_batch : 256;
	struct jskf_record *recs;
	uint64_t gen;
	int r = 0;

	recs = calloc(capacity, sizeof(*recs));
	if (!recs)
		r = -ENOMEM;
	pthread_mutex_lock(&m->lock);
	gen = m->devmap.gen;
	pthread_mutex_unlock(&m->lock);

	while (r == 0 && !atomic_load(&m->stopping)) {
		struct reader_notes notes = { 0 };
		struct jskf_read rd;

		memset(&rd, 0, sizeof(rd));
		rd.records_ptr = (uintptr_t)recs;
		rd.capacity = capacity;
		rd.flags = JSKF_READ_DEVLIST;
		rd.devlist_gen = gen;
		r = kf_read(m->kf_fd, &rd);
		if (r == -EINTR || r == -ECANCELED) {
			r = 0;	/* a stop, or a stray signal: look at `stopping` */
			continue;
		}
		if (r < 0)
			break;
		gen = rd.devlist_gen;
		pthread_mutex_lock(&m->lock);
		reader_batch(m, &rd, recs, &notes);
		pthread_mutex_unlock(&m->lock);
		reader_log(&notes);
		manager_log_switch(m);
	}

	if (r < 0) {
		pthread_mutex_lock(&m->lock);
		m->reader_error = r;
		manager_wake(m);
		pthread_mutex_unlock(&m->lock);
	}
	free(recs);
	return NULL;
}

int reader_start(struct manager *m)
{
	int r;

	atomic_store(&m->stopping, false);
	r = pthread_create(&m->reader, NULL, reader_main, m);
	if (r != 0)
		return -r;
	m->reader_running = true;
	return 0;
}

void reader_stop(struct manager *m)
{
	if (!m->reader_running)
		return;
	atomic_store(&m->stopping, true);
	for (;;) {
		struct timespec deadline;

		kf_cancel(m->kf_fd);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += 20 * 1000 * 1000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
		if (pthread_timedjoin_np(m->reader, NULL, &deadline) == 0)
			break;
	}
	m->reader_running = false;
}
