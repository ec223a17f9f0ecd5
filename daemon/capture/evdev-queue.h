/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evdev backend's record queue: what reads hand over, oldest first,
 * each record with its sequence number (1, 2, 3 ... for the queue's life).
 *
 * A ring: taking a batch moves nothing.  Input records beyond the
 * queue's input limit are dropped and counted (reads report them), as the
 * kernel filter's ring drops what it cannot sum; the backend's own
 * records (STATE, DEV_ADDED, DEV_REMOVED, notes) are never dropped: the
 * ring grows for them, so an owner always learns that capture flipped or
 * that a device whose buttons it holds went away.  Pure (it allocates,
 * nothing else), for tests/unit/test-evdev-backend.c.
 */
#ifndef JSD_EVDEV_QUEUE_H
#define JSD_EVDEV_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "joystickd_kfilter.h"

struct evq {
	struct jskf_record *ring;
	size_t cap;			/* a power of two, or 0 */
	size_t head;			/* index of the oldest record */
	size_t n;			/* records queued */
	size_t input_max;		/* input records are dropped once this many are queued */
	uint64_t taken;			/* records taken or discarded so far */
	uint32_t dropped;		/* input records dropped since the last take */
	size_t high_water;		/* most records queued at once */
};

void evq_init(struct evq *q, size_t input_max);
void evq_free(struct evq *q);

/*
 * Queues a copy of @rec; @own: the backend's own record, never dropped.
 * 0; -ENOBUFS: an input record was dropped (the queue is full); -ENOMEM:
 * out of memory (the record is dropped and counted too).
 */
int evq_push(struct evq *q, const struct jskf_record *rec, bool own);

/*
 * Moves the oldest records, at most @max, to @out; the sequence number of
 * the first is *ret_first_seq.  Returns how many.
 */
size_t evq_take(struct evq *q, struct jskf_record *out, size_t max, uint64_t *ret_first_seq);

/* Forgets what is queued (a release); the sequence numbers go on. */
void evq_discard(struct evq *q);

#endif
