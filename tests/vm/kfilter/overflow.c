// SPDX-License-Identifier: GPL-2.0
/*
 * Test 7: overflow.  A small ring, nobody reading, 200,000 motion events and
 * about 200 button events; then everything is read.  Motion is never lost (the
 * sums match exactly), only button events are dropped, the counts agree
 * with the batches and the statistics, and RESYNC records keep the reader's
 * idea of the buttons right.  Also: a sum beyond the __s32 range saturates.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define FRAMES 100000		/* REL_X + REL_Y each: 200,000 motion events */
#define RING 1024		/* ring_min, as kfilter/README.md documents it */
#define CLICK_EVERY 1000	/* then a click every N frames, dropped */

static char why[512];

/* Never 0: the input core drops zero REL events. */
static int32_t delta_x(size_t i)
{
	int32_t v = (int32_t)(i % 9) - 4;

	return v ? v : 5;
}

static int32_t delta_y(size_t i)
{
	int32_t v = (int32_t)(i % 5) - 2;

	return v ? v : -3;
}

static uint16_t click_button(size_t k)
{
	return k % 2 ? BTN_RIGHT : BTN_LEFT;
}

static void key_frame(struct evbuf *b, uint16_t code, int32_t value, size_t *n_keys)
{
	evbuf_add(b, EV_KEY, code, value);
	evbuf_syn(b);
	(*n_keys)++;
}

/*
 * The buttons around frame i.  While the ring has room (the first ~340
 * frames): a LEFT click and a RIGHT press, delivered as they are.  The
 * RIGHT release comes when the ring is full and is dropped, so the reader
 * needs a RESYNC to 0; so does the LEFT press in the last frame (to 1).
 * Every CLICK_EVERY frames in between, a click that is dropped whole.
 */
static void buttons_after(struct evbuf *b, size_t i, size_t *n_keys)
{
	if (i == 100) {
		key_frame(b, BTN_LEFT, 1, n_keys);
		key_frame(b, BTN_LEFT, 0, n_keys);
	} else if (i == 300) {
		key_frame(b, BTN_RIGHT, 1, n_keys);
	} else if (i == 400) {
		key_frame(b, BTN_RIGHT, 0, n_keys);
	} else if (i > CLICK_EVERY && i % CLICK_EVERY == CLICK_EVERY / 2) {
		key_frame(b, click_button(i / CLICK_EVERY), 1, n_keys);
		key_frame(b, click_button(i / CLICK_EVERY), 0, n_keys);
	}
	if (i == FRAMES - 1)
		key_frame(b, BTN_LEFT, 1, n_keys);
}

static int test_overflow(void)
{
	int64_t sum_x = 0, sum_y = 0, got_x = 0, got_y = 0;
	size_t n_values = 0, n_keys = 0, rel_plain = 0, rel_sums = 0, keys_plain = 0, resyncs = 0;
	int key_state[2] = { 0, 0 };	/* the reader's idea of BTN_LEFT, BTN_RIGHT */
	struct jskf_stats t0, t1, dev;
	struct jskf_info info;
	struct evbuf b = { 0 };
	struct recbuf rb;
	struct vmt_cap c;
	int r;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest overflow", 0x0401, JSKF_CAPTURE_ACTIVE, 0, RING, 0));
	CHECK_OK(kf_info(c.kfd, &info));
	CHECK_EQ(info.ring_min, RING);
	CHECK_OK(kf_stats(c.kfd, 0, &t0));

	for (size_t i = 0; i < FRAMES; i++) {
		evbuf_add(&b, EV_REL, REL_X, delta_x(i));
		evbuf_add(&b, EV_REL, REL_Y, delta_y(i));
		evbuf_syn(&b);
		sum_x += delta_x(i);
		sum_y += delta_y(i);
		buttons_after(&b, i, &n_keys);
		if (b.n >= 1000) {
			n_values += b.n;
			CHECK_OK(evbuf_flush(&b, c.mouse.fd));
		}
	}
	n_values += b.n;
	CHECK_OK(evbuf_flush(&b, c.mouse.fd));

	CHECK_OK(kf_stats(c.kfd, 0, &t1));
	CHECK_EQ(t1.ring_size, RING);
	CHECK(t1.ring_high_water <= RING && t1.ring_high_water + 2 >= RING,
	      "ring_high_water %u with a ring of %u", t1.ring_high_water, RING);

	recbuf_init(&rb);
	r = kf_collect(c.kfd, &rb, 0, info.max_batch, 300);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	/* The ring is empty again: the last LEFT release is delivered as is. */
	key_frame(&b, BTN_LEFT, 0, &n_keys);
	n_values += b.n;
	CHECK_OK(evbuf_flush(&b, c.mouse.fd));
	evbuf_free(&b);
	r = kf_collect(c.kfd, &rb, rb.n + 2, info.max_batch, 2000);
	CHECK(!r, "reading the last release: %s", vmt_strerror(r));
	CHECK_EQ(rb.first_seq0, 1);
	CHECK(rb.first_state & JSKF_STATE_OVERFLOW, "the first batch's state %#x lacks OVERFLOW",
	      rb.first_state);
	CHECK(rb.n >= 2 && rb.r[0].type == JSKF_REC_DEV_ADDED && rb.r[1].type == JSKF_REC_STATE,
	      "the first records are not DEV_ADDED, STATE");

	for (size_t i = 2; i < rb.n; i++) {
		const struct jskf_record *rec = &rb.r[i];
		char g[96];

		CHECK(rec->dev_id == c.id, "record %zu: %s", i, rec_str(rec, g, sizeof(g)));
		CHECK(rec->time_ns >= rb.r[i - 1].time_ns, "record %zu: time goes back", i);
		switch (rec->type) {
		case EV_REL:
			CHECK(rec->code == REL_X || rec->code == REL_Y, "record %zu: %s", i,
			      rec_str(rec, g, sizeof(g)));
			CHECK(rec->flags == 0 || rec->flags == JSKF_RECF_COALESCED,
			      "record %zu: %s", i, rec_str(rec, g, sizeof(g)));
			*(rec->code == REL_X ? &got_x : &got_y) += rec->value;
			if (rec->flags)
				rel_sums++;
			else
				rel_plain++;
			break;
		case EV_KEY: {
			int *state = &key_state[rec->code == BTN_RIGHT];

			CHECK((rec->code == BTN_LEFT || rec->code == BTN_RIGHT) &&
			      (rec->flags == 0 || rec->flags == JSKF_RECF_RESYNC) &&
			      (rec->value == 0 || rec->value == 1), "record %zu: %s", i,
			      rec_str(rec, g, sizeof(g)));
			/* Every record changes the reader's idea of the key. */
			CHECK(rec->value != *state, "record %zu: %s, the key is already %s", i,
			      rec_str(rec, g, sizeof(g)), *state ? "down" : "up");
			*state = rec->value;
			if (rec->flags)
				resyncs++;
			else
				keys_plain++;
			break;
		}
		case EV_SYN:
			CHECK(rec->code == SYN_REPORT && rec->flags == 0, "record %zu: %s", i,
			      rec_str(rec, g, sizeof(g)));
			break;
		default:
			CHECK(0, "record %zu: %s", i, rec_str(rec, g, sizeof(g)));
		}
		/* Sums and resyncs are followed by their SYN_REPORT. */
		if (rec->flags && i + 1 < rb.n) {
			const struct jskf_record *next = &rb.r[i + 1];

			CHECK(next->type == EV_SYN || next->flags,
			      "record %zu %s after a sum or resync", i + 1,
			      rec_str(next, g, sizeof(g)));
		}
	}

	vmt_info("overflow: %zu records, %zu sums, %zu plain REL, %zu plain KEY, %zu resyncs, coalesced %llu, dropped %llu",
		 rb.n, rel_sums, rel_plain, keys_plain, resyncs,
		 (unsigned long long)rb.coalesced, (unsigned long long)rb.dropped);
	CHECK_EQ(got_x, sum_x);
	CHECK_EQ(got_y, sum_y);
	CHECK(rel_sums > 0, "nothing was coalesced: the ring never overflowed");
	CHECK_EQ(rb.coalesced, 2 * FRAMES - rel_plain - rel_sums);
	CHECK_EQ(keys_plain, 4);	/* LEFT click, RIGHT press, the last LEFT release */
	CHECK_EQ(resyncs, 2);		/* RIGHT up, LEFT down */
	CHECK_EQ(rb.dropped, n_keys - keys_plain);
	CHECK_EQ(key_state[0], 0);
	CHECK_EQ(key_state[1], 0);

	CHECK_OK(kf_stats(c.kfd, 0, &t1));
	CHECK_OK(kf_stats(c.kfd, c.id, &dev));
	CHECK_EQ(t1.counters.dropped - t0.counters.dropped, rb.dropped);
	CHECK_EQ(t1.counters.coalesced - t0.counters.coalesced, rb.coalesced);
	CHECK_EQ(t1.counters.delivered - t0.counters.delivered, rb.n);
	CHECK_EQ(t1.counters.saturated - t0.counters.saturated, 0);
	CHECK_EQ(dev.counters.seen, n_values);
	CHECK_EQ(dev.counters.dropped, rb.dropped);
	CHECK_EQ(dev.counters.coalesced, rb.coalesced);
	CHECK_EQ(dev.counters.delivered, rb.n - 1);	/* all but the STATE record */
	CHECK_EQ(t1.ring_used, 0);
	recbuf_free(&rb);
	return 0;
}

/*
 * A backlogged sum beyond INT32_MAX goes out clamped, flagged SATURATED
 * and counted, and its remainder follows in the next records: the owner's
 * sum is exact.
 */
static int test_saturation(void)
{
	struct jskf_stats t0, t1;
	struct jskf_info info;
	struct evbuf b = { 0 };
	struct exp_rec want[6];
	struct recbuf rb;
	struct vmt_cap c;
	uint32_t fill;
	int r;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest saturation", 0x0402, JSKF_CAPTURE_ACTIVE, 0, RING, 0));
	CHECK_OK(kf_info(c.kfd, &info));
	CHECK_OK(kf_stats(c.kfd, 0, &t0));
	/* DEV_ADDED and STATE, then (REL_Y, SYN) frames fill the ring exactly. */
	fill = (RING - 2) / 2;
	for (uint32_t i = 0; i < fill; i++) {
		evbuf_add(&b, EV_REL, REL_Y, 1);
		evbuf_syn(&b);
	}
	for (int i = 0; i < 3; i++) {
		evbuf_add(&b, EV_REL, REL_X, INT32_MAX);
		evbuf_syn(&b);
	}
	CHECK_OK(evbuf_flush(&b, c.mouse.fd));
	evbuf_free(&b);

	recbuf_init(&rb);
	r = kf_collect(c.kfd, &rb, 0, info.max_batch, 300);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	/* The three summed: 3 * INT32_MAX, in three records. */
	CHECK_EQ(rb.n, RING + 6);
	want[0] = (struct exp_rec){ c.id, EV_REL, REL_X, INT32_MAX,
				    JSKF_RECF_COALESCED | JSKF_RECF_SATURATED };
	want[1] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
	want[2] = (struct exp_rec){ c.id, EV_REL, REL_X, INT32_MAX,
				    JSKF_RECF_COALESCED | JSKF_RECF_SATURATED };
	want[3] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
	want[4] = (struct exp_rec){ c.id, EV_REL, REL_X, INT32_MAX, JSKF_RECF_COALESCED };
	want[5] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
	CHECK(!recs_compare(rb.r + rb.n - 6, 6, want, 6, why, sizeof(why)), "%s", why);
	CHECK_EQ(rb.coalesced, 2);
	CHECK_EQ(rb.dropped, 0);
	CHECK_OK(kf_stats(c.kfd, 0, &t1));
	CHECK_EQ(t1.counters.saturated - t0.counters.saturated, 2);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "overflow-200k", test_overflow, 180 },
	{ "overflow-sum-remainder-carried", test_saturation, 0 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
