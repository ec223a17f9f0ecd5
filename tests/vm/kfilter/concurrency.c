// SPDX-License-Identifier: GPL-2.0
/*
 * Test 3: one thread keeps a read pended on the owner's file during a
 * 100,000-event burst, while a second thread reads the same file without
 * waiting (an expired deadline) as fast as it can: the file has one read
 * at a time, so the second gets -EBUSY while the first is in flight, and
 * a batch when it slips in between.  Every record arrives exactly once,
 * and the batches sorted by first_seq give back the injected order.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define READERS 2			/* reader 0 waits; reader 1 probes */
#define FRAMES 50000			/* REL_X + REL_Y each: 100,000 events */
#define CAPACITY 97			/* odd, so batches cut frames anywhere */
#define FRAMES_PER_WRITE 341		/* 1023 events per write() */

struct batch {
	uint64_t first_seq, batch_seq;
	uint32_t count;
	size_t offset;			/* into its reader's records */
};

struct reader {
	pthread_t thread;
	pid_t tid;
	int fd;
	struct jskf_record *recs;
	size_t n_recs, cap_recs;
	struct batch *batches;
	size_t n_batches, cap_batches;
	int err;			/* first error other than -ECANCELED */
	bool probe;			/* reads with an expired deadline */
	unsigned long busy, empty;	/* probes: -EBUSY, -ETIMEDOUT */
	int *stop;
};

/* Records taken by all readers together. */
static size_t taken;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *n;

	if (need <= *cap)
		return 0;
	n = realloc(*p, 2 * need * size);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = 2 * need;
	return 0;
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	struct jskf_record buf[CAPACITY];
	struct jskf_read req;

	__atomic_store_n(&rd->tid, gettid(), __ATOMIC_RELEASE);
	for (;;) {
		int r;

		kf_read_init(&req, buf, CAPACITY, rd->probe ? JSKF_READ_DEADLINE : 0, 0);
		r = kf_read(rd->fd, &req);
		if (rd->probe && __atomic_load_n(rd->stop, __ATOMIC_ACQUIRE))
			return NULL;
		if (rd->probe && (r == -EBUSY || r == -ETIMEDOUT || r == -ECANCELED)) {
			*(r == -EBUSY ? &rd->busy : &rd->empty) += 1;
			continue;
		}
		/* The prober's read is in flight: the file's one read. */
		if (r == -EBUSY) {
			rd->busy++;
			sched_yield();
			continue;
		}
		if (r) {
			if (r != -ECANCELED)
				rd->err = r;
			return NULL;
		}
		if (req.count > CAPACITY) {
			rd->err = -EOVERFLOW;
			return NULL;
		}
		if (grow((void **)&rd->recs, &rd->cap_recs, rd->n_recs + req.count, sizeof(*buf)) ||
		    grow((void **)&rd->batches, &rd->cap_batches, rd->n_batches + 1,
			 sizeof(struct batch))) {
			rd->err = -ENOMEM;
			return NULL;
		}
		rd->batches[rd->n_batches++] = (struct batch){
			req.first_seq, req.batch_seq, req.count, rd->n_recs };
		memcpy(rd->recs + rd->n_recs, buf, req.count * sizeof(*buf));
		rd->n_recs += req.count;
		__atomic_add_fetch(&taken, req.count, __ATOMIC_RELEASE);
	}
}

/* A batch and the reader that took it, for sorting. */
struct taken_batch {
	const struct batch *b;
	const struct reader *rd;
};

static int by_first_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct taken_batch *)a)->b->first_seq;
	uint64_t y = ((const struct taken_batch *)b)->b->first_seq;

	return x < y ? -1 : x > y;
}

/* The injected frame i: its REL_X and REL_Y encode i. */
static int32_t frame_x(size_t i)
{
	return (int32_t)(i % 1000) + 1;
}

static int32_t frame_y(size_t i)
{
	return -(int32_t)(i / 1000) - 1;
}

/* Waits until the ring has room for `need` more records. */
static int wait_for_room(int fd, uint32_t need)
{
	struct jskf_stats st;

	for (;;) {
		int r = kf_stats(fd, 0, &st);

		if (r)
			return r;
		if (st.ring_size - st.ring_used >= need)
			return 0;
		usleep(200);
	}
}

static int test_one_read_at_a_time(void)
{
	const size_t want = 2 + 3 * (size_t)FRAMES;	/* DEV_ADDED, STATE, frames */
	struct reader readers[READERS] = { 0 };
	int stop = 0;
	struct taken_batch *all;
	struct jskf_stats s0, s1;
	struct jskf_info info;
	struct vmt_cap c;
	struct evbuf b = { 0 };
	size_t n_all = 0, seq_i = 0;
	int64_t t0, t_end;
	char counts[128];
	int len = 0;

	c.kfd = kf_open(0);
	CHECK_OK(c.kfd);
	CHECK_OK(kf_info(c.kfd, &info));
	close(c.kfd);
	CHECK_OK(vmt_capture_mouse(&c, "vmtest one read at a time", 0x0301, JSKF_CAPTURE_ACTIVE, 0,
				   info.ring_max, 0));
	CHECK_OK(kf_stats(c.kfd, 0, &s0));

	for (int i = 0; i < READERS; i++) {
		readers[i].fd = c.kfd;
		readers[i].probe = i == 1;
		readers[i].stop = &stop;
	}
	/* DEV_ADDED and STATE are taken by the first read; then it waits. */
	CHECK_OK(-pthread_create(&readers[0].thread, NULL, reader_main, &readers[0]));
	while (!__atomic_load_n(&readers[0].tid, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK(!wait_blocked_in_ioctl(readers[0].tid, JSKF_IOC_READ, 5000),
	      "reader 0 is not waiting in JSKF_IOC_READ");
	CHECK_EQ(__atomic_load_n(&taken, __ATOMIC_ACQUIRE), 2);
	CHECK_OK(-pthread_create(&readers[1].thread, NULL, reader_main, &readers[1]));

	t0 = now_ns();
	for (size_t i = 0; i < FRAMES; i++) {
		evbuf_add(&b, EV_REL, REL_X, frame_x(i));
		evbuf_add(&b, EV_REL, REL_Y, frame_y(i));
		evbuf_syn(&b);
		if (b.n >= 3 * FRAMES_PER_WRITE || i == FRAMES - 1) {
			/* Never overflow: "exactly once" needs every frame in the ring. */
			CHECK_OK(wait_for_room(c.kfd, b.n));
			CHECK_OK(evbuf_flush(&b, c.mouse.fd));
		}
	}
	evbuf_free(&b);

	t_end = now_ns() + 60 * 1000000000LL;
	while (__atomic_load_n(&taken, __ATOMIC_ACQUIRE) < want && now_ns() < t_end)
		usleep(1000);
	sleep_ms(50);	/* anything extra would show up now */
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	CHECK_OK(-pthread_join(readers[1].thread, NULL));
	/* The prober may have taken a cancel meant for the reader: again. */
	while (pthread_tryjoin_np(readers[0].thread, NULL) == EBUSY) {
		CHECK_OK(kf_ioctl(c.kfd, JSKF_IOC_CANCEL, NULL));
		sleep_ms(5);
	}
	for (int i = 0; i < READERS; i++) {
		CHECK(!readers[i].err, "reader %d: %s", i, strerror(-readers[i].err));
		len += snprintf(counts + len, sizeof(counts) - len, " %zu", readers[i].n_batches);
	}
	vmt_info("one-read-at-a-time-100k: %zu records in %.2f s; batches per thread:%s; the prober's reads: %lu -EBUSY, %lu found nothing; the reader's: %lu -EBUSY",
		 taken, (now_ns() - t0) / 1e9, counts, readers[1].busy, readers[1].empty,
		 readers[0].busy);
	CHECK_EQ(taken, want);
	CHECK(readers[1].busy > 0, "the prober never met the pended read (no -EBUSY in %lu reads)",
	      readers[1].empty + readers[1].n_batches);

	/* Sort every batch by first_seq: consecutive, batch_seq 1, 2, 3 ... */
	for (int i = 0; i < READERS; i++)
		n_all += readers[i].n_batches;
	all = calloc(n_all, sizeof(*all));
	CHECK(all, "out of memory");
	n_all = 0;
	for (int i = 0; i < READERS; i++)
		for (size_t j = 0; j < readers[i].n_batches; j++)
			all[n_all++] = (struct taken_batch){ &readers[i].batches[j], &readers[i] };
	qsort(all, n_all, sizeof(*all), by_first_seq);

	for (size_t k = 0; k < n_all; k++) {
		const struct batch *bt = all[k].b;
		const struct jskf_record *r = all[k].rd->recs + bt->offset;

		CHECK(bt->first_seq == seq_i + 1, "batch %zu starts at seq %llu, want %zu",
		      k, (unsigned long long)bt->first_seq, seq_i + 1);
		CHECK(bt->batch_seq == k + 1, "batch with first_seq %llu has batch_seq %llu, want %zu",
		      (unsigned long long)bt->first_seq, (unsigned long long)bt->batch_seq, k + 1);
		for (uint32_t j = 0; j < bt->count; j++, seq_i++, r++) {
			struct exp_rec w;
			char g[96];

			if (seq_i == 0) {
				w = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
			} else if (seq_i == 1) {
				w = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL,
						      JSKF_STATE_OWNER | JSKF_STATE_ACTIVE, 0 };
			} else {
				size_t f = (seq_i - 2) / 3;

				switch ((seq_i - 2) % 3) {
				case 0:
					w = (struct exp_rec){ c.id, EV_REL, REL_X, frame_x(f), 0 };
					break;
				case 1:
					w = (struct exp_rec){ c.id, EV_REL, REL_Y, frame_y(f), 0 };
					break;
				default:
					w = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
					break;
				}
			}
			CHECK(r->dev_id == w.dev_id && r->type == w.type && r->code == w.code &&
			      r->value == w.value && r->flags == w.flags,
			      "seq %zu: got %s, want type %#x code %#x value %d", seq_i + 1,
			      rec_str(r, g, sizeof(g)), w.type, w.code, w.value);
		}
	}
	CHECK_EQ(seq_i, want);

	CHECK_OK(kf_stats(c.kfd, 0, &s1));
	CHECK_EQ(s1.counters.dropped - s0.counters.dropped, 0);
	CHECK_EQ(s1.counters.coalesced - s0.counters.coalesced, 0);
	CHECK_EQ(s1.counters.delivered - s0.counters.delivered, want);
	CHECK_EQ(s1.ring_used, 0);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "one-read-at-a-time-100k", test_one_read_at_a_time, 180 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
