// SPDX-License-Identifier: GPL-2.0-or-later
/* The evdev backend's record queue; see evdev-queue.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evdev-queue.h"

#define EVQ_MIN_CAP	256

void evq_init(struct evq *q, size_t input_max)
{
	*q = (struct evq){ .input_max = input_max };
}

void evq_free(struct evq *q)
{
	free(q->ring);
	q->ring = NULL;
	q->cap = q->head = q->n = 0;
}

/* Twice the room, the records unwrapped to the start. */
static int grow(struct evq *q)
{
	size_t cap = q->cap ? q->cap * 2 : EVQ_MIN_CAP, first;
	struct jskf_record *ring;

	if (cap < q->cap)
		return -ENOMEM;
	ring = malloc(cap * sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	first = q->cap - q->head < q->n ? q->cap - q->head : q->n;
	if (q->n) {
		memcpy(ring, q->ring + q->head, first * sizeof(*ring));
		memcpy(ring + first, q->ring, (q->n - first) * sizeof(*ring));
	}
	free(q->ring);
	q->ring = ring;
	q->cap = cap;
	q->head = 0;
	return 0;
}

int evq_push(struct evq *q, const struct jskf_record *rec, bool own)
{
	if (!own && q->n >= q->input_max) {
		q->dropped++;
		return -ENOBUFS;
	}
	if (q->n == q->cap && grow(q) < 0) {
		q->dropped++;
		return -ENOMEM;
	}
	q->ring[(q->head + q->n) & (q->cap - 1)] = *rec;
	q->n++;
	if (q->n > q->high_water)
		q->high_water = q->n;
	return 0;
}

size_t evq_take(struct evq *q, struct jskf_record *out, size_t max, uint64_t *ret_first_seq)
{
	size_t n = q->n < max ? q->n : max;
	size_t first = q->cap - q->head < n ? q->cap - q->head : n;

	if (n) {
		memcpy(out, q->ring + q->head, first * sizeof(*out));
		memcpy(out + first, q->ring, (n - first) * sizeof(*out));
		q->head = (q->head + n) & (q->cap - 1);
	}
	q->n -= n;
	*ret_first_seq = q->taken + 1;
	q->taken += n;
	q->dropped = 0;
	return n;
}

void evq_discard(struct evq *q)
{
	q->taken += q->n;
	q->head = 0;
	q->n = 0;
}
