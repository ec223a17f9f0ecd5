// SPDX-License-Identifier: GPL-2.0
/*
 * Overflow soak.  The capture owner, a child process that keeps a read
 * pended and sums what it gets, is stopped with SIGSTOP for at least
 * $VMTEST_SOAK_SECONDS (default 3), and on until the mice have made enough
 * frames to show a leak (LEAK_FRAMES), while 8 virtual mice are driven at
 * up to 8 kHz each (a paced generator thread per mouse) with motion and a
 * known number of clicks; then SIGCONT, and it drains the queue.  The
 * rate the guest reached is reported, not checked.
 *
 * Checked: per mouse, the motion sums delivered equal those generated
 * exactly; the dropped count the batches report equals the button events
 * generated minus those delivered; the statistics agree; the sequence
 * numbers continue from batch to batch with no gap; every key record
 * changes the reader's idea of the key and all end up released; and the
 * kernel's unreclaimable slab memory stays flat during the stop and after
 * (SOAK_SLAB_BOUND, below).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define MICE 8
#define RATE_HZ 8000		/* frames per second and mouse */
#define CLICK_EVERY 2000	/* a press every N frames, released N/2 later */
#define MAX_PER_WRITE 64	/* frames one write() may carry when behind */
#define SAMPLES 5		/* memory samples during the stop */
#define LIVE_MS 500		/* generating before the stop and after it */
#define BATCH 1024		/* records per read: info.max_batch */

/*
 * How much unreclaimable slab memory (and the kmalloc caches' objects in
 * use) may grow from the moment the owner stops to any later sample, and
 * from before the capture to after it.  The filter never allocates
 * (kfilter/README.md): the ring is allocated by the capture, before the
 * stop, and the backlog lives in the per-device state.  What moves is the
 * rest of the kernel: per-CPU partial slabs and the sampling's own /proc
 * and /sys files, measured at up to 100 kB (SUnreclaim, in 4 kB pages)
 * and 53 kB (kmalloc objects) on Debian's kernel, 16 kB and 0 kB on the
 * debug kernel.  A leak of one 8-byte
 * object per frame would grow them by 8 B * 8 mice * 8 kHz = 500 kB per
 * second of stop; the test checks that the frames it made while stopped
 * would have shown such a leak at least twice over the bound.
 */
#define SOAK_SLAB_BOUND_KB 256
/* Frames made while stopped that an 8-byte leak each would show twice over the bound. */
#define LEAK_FRAMES (2 * SOAK_SLAB_BOUND_KB * 1024 / 8 + 1)
/* The stop ends after this much longer at the latest: a guest this slow fails. */
#define STOP_EXTRA_S 60

static unsigned long soak_seconds(void)
{
	return vmt_env_ulong("VMTEST_SOAK_SECONDS", 3);
}

/* ---- the owner: a child process --------------------------------------- */

/* What the owner found, in memory shared with the parent. */
struct owner_result {
	int ready;		/* capturing, about to pend its first read */
	int failed;
	char why[256];
	uint32_t ids[MICE];	/* in: the mice's device ids */
	int64_t sum_x[MICE], sum_y[MICE];
	uint64_t keys_plain;	/* KEY records as they happened */
	uint64_t resyncs;	/* KEY records flagged RESYNC */
	uint64_t records, batches, dropped, coalesced, sums;
	uint64_t overflow_batches;	/* batches with JSKF_STATE_OVERFLOW */
	uint64_t last_seq;
	uint64_t delivered_before;	/* records read when the parent stopped it */
	int keys_down;		/* keys the reader thinks down at the end */
};

static int owner_fail(struct owner_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int owner_fail(struct owner_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	__atomic_store_n(&res->failed, 1, __ATOMIC_RELEASE);
	return 1;
}

static int mouse_index(const struct owner_result *res, uint32_t id)
{
	for (int m = 0; m < MICE; m++)
		if (res->ids[m] == id)
			return m;
	return -1;
}

/*
 * One batch: sums per mouse, the reader's idea of BTN_LEFT per mouse, and
 * the end markers (REL_DIAL, sent once per mouse after everything else).
 */
static int owner_batch(struct owner_result *res, const struct jskf_read *rd,
		       const struct jskf_record *recs, bool *down, int *dials)
{
	char g[96];

	for (uint32_t i = 0; i < rd->count; i++) {
		const struct jskf_record *r = &recs[i];
		int m = mouse_index(res, r->dev_id);

		if (r->type == JSKF_REC_DEV_ADDED || r->type == JSKF_REC_STATE)
			continue;	/* the capture's own, first */
		if (m < 0)
			return owner_fail(res, "record %llu: %s", (unsigned long long)rd->first_seq + i,
					  rec_str(r, g, sizeof(g)));
		switch (r->type) {
		case EV_REL:
			if (r->flags & ~(JSKF_RECF_SWALLOWED | JSKF_RECF_COALESCED))
				return owner_fail(res, "record %llu: %s",
						  (unsigned long long)rd->first_seq + i,
						  rec_str(r, g, sizeof(g)));
			if (r->flags & JSKF_RECF_COALESCED)
				res->sums++;
			if (r->code == REL_X)
				res->sum_x[m] += r->value;
			else if (r->code == REL_Y)
				res->sum_y[m] += r->value;
			else if (r->code == REL_DIAL)
				dials[m] += r->value;
			else
				return owner_fail(res, "record %llu: %s",
						  (unsigned long long)rd->first_seq + i,
						  rec_str(r, g, sizeof(g)));
			break;
		case EV_KEY:
			if (r->code != BTN_LEFT || (r->value != 0 && r->value != 1) ||
			    r->value == down[m] ||
			    (r->flags & ~(JSKF_RECF_SWALLOWED | JSKF_RECF_RESYNC)))
				return owner_fail(res, "record %llu: %s, the key is %s",
						  (unsigned long long)rd->first_seq + i,
						  rec_str(r, g, sizeof(g)), down[m] ? "down" : "up");
			down[m] = r->value;
			if (r->flags & JSKF_RECF_RESYNC)
				res->resyncs++;
			else
				res->keys_plain++;
			break;
		case EV_SYN:
			break;
		default:
			return owner_fail(res, "record %llu: %s", (unsigned long long)rd->first_seq + i,
					  rec_str(r, g, sizeof(g)));
		}
	}
	return 0;
}

/*
 * Captures the mice, then reads until every mouse's end marker came and
 * nothing more arrives for 500 ms.  Never returns.
 */
static void owner_main(struct owner_result *res)
{
	static struct jskf_record recs[BATCH];
	bool down[MICE] = { false };
	int dials[MICE] = { 0 }, all = 0;
	uint64_t next_seq = 1, next_batch = 1;
	struct jskf_read rd;
	int fd, r;

	fd = kf_open(0);
	if (fd < 0)
		_exit(owner_fail(res, "open: %s", strerror(-fd)));
	/* Stopped on purpose, longer than the default dead-man bound. */
	r = kf_ioctl(fd, JSKF_IOC_CAPTURE, &(struct jskf_capture){
		.ids_ptr = (uintptr_t)res->ids, .n_ids = MICE, .flags = JSKF_CAPTURE_ACTIVE,
		.swallow = JSKF_CLASS_ALL, .deadman_ms = JSKF_DEADMAN_MAX_MS,
	});
	if (r)
		_exit(owner_fail(res, "capture: %s", strerror(-r)));
	__atomic_store_n(&res->ready, 1, __ATOMIC_RELEASE);

	for (;;) {
		kf_read_init(&rd, recs, ARRAY_SIZE(recs), all == MICE ? JSKF_READ_DEADLINE : 0,
			     now_ns() + 500 * 1000000LL);
		r = kf_read(fd, &rd);
		if (r == -ETIMEDOUT && all == MICE)
			break;
		if (r)
			_exit(owner_fail(res, "read: %s", strerror(-r)));
		/* No gap: each batch starts where the previous one ended. */
		if (rd.first_seq != next_seq || rd.batch_seq != next_batch)
			_exit(owner_fail(res, "batch %llu starts at %llu, want batch %llu at %llu",
					 (unsigned long long)rd.batch_seq,
					 (unsigned long long)rd.first_seq,
					 (unsigned long long)next_batch,
					 (unsigned long long)next_seq));
		if (owner_batch(res, &rd, recs, down, dials))
			_exit(1);
		next_seq += rd.count;
		next_batch++;
		res->batches++;
		res->dropped += rd.dropped;
		res->coalesced += rd.coalesced;
		res->overflow_batches += !!(rd.state & JSKF_STATE_OVERFLOW);
		__atomic_store_n(&res->records, res->records + rd.count, __ATOMIC_RELEASE);
		all = 0;
		for (int m = 0; m < MICE; m++)
			all += dials[m] == 1;
	}
	res->last_seq = next_seq - 1;
	for (int m = 0; m < MICE; m++)
		res->keys_down += down[m];
	_exit(0);
}

/* ---- the generators ----------------------------------------------------- */

struct generator {
	pthread_t thread;
	struct vmt_dev mouse;
	int stop;
	uint64_t frames, writes, key_events;
	int64_t sum_x, sum_y;
	bool down;
	int err;
};

/* Never 0: the input core drops zero REL events. */
static int32_t delta_x(uint64_t i)
{
	int32_t v = (int32_t)(i % 7) - 3;

	return v ? v : 4;
}

static int32_t delta_y(uint64_t i)
{
	int32_t v = (int32_t)(i % 11) - 5;

	return v ? v : -6;
}

/* Frame i of a mouse: motion, and a press or a release now and then. */
static void gen_frame(struct generator *gn, struct evbuf *b, uint64_t i)
{
	evbuf_add(b, EV_REL, REL_X, delta_x(i));
	evbuf_add(b, EV_REL, REL_Y, delta_y(i));
	gn->sum_x += delta_x(i);
	gn->sum_y += delta_y(i);
	if (i % CLICK_EVERY == 0 || i % CLICK_EVERY == CLICK_EVERY / 2) {
		gn->down = i % CLICK_EVERY == 0;
		evbuf_add(b, EV_KEY, BTN_LEFT, gn->down);
		gn->key_events++;
	}
	evbuf_syn(b);
}

/*
 * Paced: frame n is due at start + n / RATE_HZ.  When behind, one write()
 * carries up to MAX_PER_WRITE due frames; each is still its own frame for
 * the input core (its own SYN_REPORT, its own call of the filter).
 */
static void *gen_main(void *arg)
{
	struct generator *gn = arg;
	struct evbuf b = { 0 };
	int64_t start = now_ns();

	while (!__atomic_load_n(&gn->stop, __ATOMIC_ACQUIRE)) {
		uint64_t due = (uint64_t)(now_ns() - start) * RATE_HZ / 1000000000;
		uint64_t n = due > gn->frames ? due - gn->frames : 0;

		if (!n) {
			struct timespec ts = { 0, 1000000000 / RATE_HZ };

			nanosleep(&ts, NULL);
			continue;
		}
		if (n > MAX_PER_WRITE)
			n = MAX_PER_WRITE;
		for (uint64_t k = 0; k < n; k++)
			gen_frame(gn, &b, gn->frames + k);
		gn->err = evbuf_flush(&b, gn->mouse.fd);
		if (gn->err)
			break;
		gn->frames += n;
		gn->writes++;
	}
	/* Release the button, then the end marker, its own frame. */
	if (!gn->err && gn->down) {
		evbuf_add(&b, EV_KEY, BTN_LEFT, 0);
		evbuf_syn(&b);
		gn->key_events++;
		gn->down = false;
	}
	evbuf_add(&b, EV_REL, REL_DIAL, 1);
	evbuf_syn(&b);
	if (!gn->err)
		gn->err = evbuf_flush(&b, gn->mouse.fd);
	evbuf_free(&b);
	return NULL;
}

/* ---- memory -------------------------------------------------------------- */

struct mem_sample {
	long slab_kb, sunreclaim_kb;
	long long module_bytes;	/* kmalloc-* caches, in use */
};

static int mem_sample(struct mem_sample *s)
{
	static struct vmt_slabs ss;
	int r = vmt_slab_read(&ss, true);

	if (r)
		return r;
	s->module_bytes = vmt_slab_module_bytes(&ss);
	s->slab_kb = vmt_meminfo_kb("Slab");
	s->sunreclaim_kb = vmt_meminfo_kb("SUnreclaim");
	return s->slab_kb < 0 ? (int)s->slab_kb : s->sunreclaim_kb < 0 ? (int)s->sunreclaim_kb : 0;
}

static void mem_info(const char *when, const struct mem_sample *s, const struct mem_sample *base)
{
	vmt_info("overflow-soak: %s: Slab %ld kB, SUnreclaim %ld kB (%+ld), kmalloc caches %lld kB (%+lld)",
		 when, s->slab_kb, s->sunreclaim_kb, s->sunreclaim_kb - base->sunreclaim_kb,
		 s->module_bytes / 1024, (s->module_bytes - base->module_bytes) / 1024);
}

/* ---- the test ------------------------------------------------------------ */

static int wait_child(pid_t pid, int *status, unsigned int timeout_ms)
{
	int64_t end = now_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0)
			return -errno;
		if (now_ns() > end)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
}

static int test_soak(void)
{
	static struct generator gen[MICE];
	struct mem_sample before, at_stop, during[SAMPLES], after;
	struct owner_result *res;
	struct jskf_stats t0, t1;
	unsigned long secs = soak_seconds();
	uint64_t frames = 0, frames_at_stop = 0, frames_at_cont = 0, keys = 0, writes = 0;
	long worst_kb = 0, worst_kmalloc_kb = 0;
	int64_t t_stop, t_cont, t_start;
	int fd, status, r;
	pid_t pid;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(res != MAP_FAILED, "mmap: %s", strerror(errno));
	fd = kf_open(0);
	CHECK_OK(fd);
	for (int m = 0; m < MICE; m++) {
		struct jskf_device d;
		char name[64];

		snprintf(name, sizeof(name), "vmtest soak %d", m);
		CHECK_OK(vmt_mouse_create(&gen[m].mouse, name, 0x0700 + m));
		CHECK_OK(kf_find(fd, name, &d));
		res->ids[m] = d.id;
	}
	CHECK_OK(kf_stats(fd, 0, &t0));
	CHECK_OK(mem_sample(&before));

	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		owner_main(res);
	for (int i = 0; !__atomic_load_n(&res->ready, __ATOMIC_ACQUIRE); i++) {
		CHECK(!__atomic_load_n(&res->failed, __ATOMIC_ACQUIRE), "owner: %s", res->why);
		CHECK(i < 5000, "the owner did not start");
		sleep_ms(1);
	}

	t_start = now_ns();
	for (int m = 0; m < MICE; m++)
		CHECK_OK(-pthread_create(&gen[m].thread, NULL, gen_main, &gen[m]));
	/* Delivered live first, then stopped while the mice go on. */
	sleep_ms(LIVE_MS);
	CHECK(__atomic_load_n(&res->records, __ATOMIC_ACQUIRE) > 0,
	      "nothing delivered before the stop");
	CHECK_OK(kill(pid, SIGSTOP) ? -errno : 0);
	t_stop = now_ns();
	for (int m = 0; m < MICE; m++)
		frames_at_stop += __atomic_load_n(&gen[m].frames, __ATOMIC_RELAXED);
	res->delivered_before = __atomic_load_n(&res->records, __ATOMIC_ACQUIRE);
	CHECK_OK(mem_sample(&at_stop));
	/*
	 * SAMPLES samples over the first `secs`, then one per period until
	 * the mice made LEAK_FRAMES frames (the last sample slot is reused).
	 */
	for (int i = 0;; i++) {
		int slot = i < SAMPLES ? i : SAMPLES - 1;
		uint64_t made = 0;

		sleep_ms(secs * 1000 / SAMPLES);
		CHECK_OK(mem_sample(&during[slot]));
		if (during[slot].sunreclaim_kb - at_stop.sunreclaim_kb > worst_kb)
			worst_kb = during[slot].sunreclaim_kb - at_stop.sunreclaim_kb;
		if ((during[slot].module_bytes - at_stop.module_bytes) / 1024 > worst_kmalloc_kb)
			worst_kmalloc_kb = (during[slot].module_bytes - at_stop.module_bytes) / 1024;
		for (int m = 0; m < MICE; m++)
			made += __atomic_load_n(&gen[m].frames, __ATOMIC_RELAXED);
		if (i + 1 >= SAMPLES && (made - frames_at_stop >= LEAK_FRAMES ||
					 now_ns() - t_stop > (int64_t)(secs + STOP_EXTRA_S) * 1000000000))
			break;
	}
	for (int m = 0; m < MICE; m++)
		frames_at_cont += __atomic_load_n(&gen[m].frames, __ATOMIC_RELAXED);
	CHECK_OK(kf_stats(fd, 0, &t1));
	CHECK_OK(kill(pid, SIGCONT) ? -errno : 0);
	t_cont = now_ns();
	sleep_ms(LIVE_MS);
	for (int m = 0; m < MICE; m++)
		__atomic_store_n(&gen[m].stop, 1, __ATOMIC_RELEASE);
	for (int m = 0; m < MICE; m++) {
		CHECK_OK(-pthread_join(gen[m].thread, NULL));
		CHECK(!gen[m].err, "mouse %d: write: %s", m, strerror(-gen[m].err));
		frames += gen[m].frames;
		keys += gen[m].key_events;
		writes += gen[m].writes;
	}
	r = wait_child(pid, &status, 60000);
	CHECK(!r, "the owner did not finish: %s", strerror(-r));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && !res->failed,
	      "owner: status %#x: %s", status, res->why);

	vmt_info("overflow-soak: %d mice, %.1f s stopped: %llu frames in %.2f s, %.0f frames/s overall, %.0f frames/s while stopped (paced at %d), %llu writes",
		 MICE, (t_cont - t_stop) / 1e9, (unsigned long long)frames, (t_cont + LIVE_MS * 1000000LL - t_start) / 1e9,
		 frames / ((t_cont + LIVE_MS * 1000000LL - t_start) / 1e9),
		 (frames_at_cont - frames_at_stop) / ((t_cont - t_stop) / 1e9), MICE * RATE_HZ,
		 (unsigned long long)writes);
	vmt_info("overflow-soak: %llu records in %llu batches (%llu before the stop), %llu sums, coalesced %llu, dropped %llu of %llu button events, %llu resyncs, %llu batches with OVERFLOW",
		 (unsigned long long)res->records, (unsigned long long)res->batches,
		 (unsigned long long)res->delivered_before, (unsigned long long)res->sums,
		 (unsigned long long)res->coalesced, (unsigned long long)res->dropped,
		 (unsigned long long)keys, (unsigned long long)res->resyncs,
		 (unsigned long long)res->overflow_batches);

	/* The stop did fill the queue: something was coalesced and dropped. */
	CHECK(t1.ring_used + 4 > t1.ring_size, "%u of %u records queued at the end of the stop",
	      t1.ring_used, t1.ring_size);
	CHECK(res->sums > 0 && res->dropped > 0, "the queue never overflowed");
	for (int m = 0; m < MICE; m++) {
		CHECK(res->sum_x[m] == gen[m].sum_x && res->sum_y[m] == gen[m].sum_y,
		      "mouse %d: delivered sums x %lld y %lld, generated x %lld y %lld", m,
		      (long long)res->sum_x[m], (long long)res->sum_y[m],
		      (long long)gen[m].sum_x, (long long)gen[m].sum_y);
	}
	CHECK_EQ(res->dropped, keys - res->keys_plain);
	CHECK_EQ(res->keys_down, 0);
	CHECK_OK(kf_stats(fd, 0, &t1));
	CHECK_EQ(t1.counters.dropped - t0.counters.dropped, res->dropped);
	CHECK_EQ(t1.counters.coalesced - t0.counters.coalesced, res->coalesced);
	/* Every record numbered was delivered, plus the capture's own. */
	CHECK_EQ(t1.counters.delivered - t0.counters.delivered, res->last_seq);
	CHECK_EQ(res->records, res->last_seq);
	close(fd);

	/* Memory: flat during the stop, and back after the capture ended. */
	sleep_ms(200);
	CHECK_OK(mem_sample(&after));
	mem_info("before", &before, &before);
	mem_info("at the stop", &at_stop, &before);
	for (int i = 0; i < SAMPLES; i++) {
		char when[32];

		snprintf(when, sizeof(when), "stopped %d", i + 1);
		mem_info(when, &during[i], &before);
	}
	mem_info("after", &after, &before);
	vmt_info("overflow-soak: during the stop SUnreclaim grew at most %ld kB, the kmalloc caches %ld kB (bound %d kB; 8 bytes per frame would be %llu kB)",
		 worst_kb, worst_kmalloc_kb, SOAK_SLAB_BOUND_KB,
		 (unsigned long long)(frames_at_cont - frames_at_stop) * 8 / 1024);
	CHECK(frames_at_cont - frames_at_stop >= LEAK_FRAMES,
	      "%llu frames in %.1f s while stopped: too few to see a leak (%d)",
	      (unsigned long long)(frames_at_cont - frames_at_stop), (t_cont - t_stop) / 1e9,
	      LEAK_FRAMES);
	CHECK(worst_kb < SOAK_SLAB_BOUND_KB, "SUnreclaim grew by %ld kB during the stop", worst_kb);
	CHECK(worst_kmalloc_kb < SOAK_SLAB_BOUND_KB, "the kmalloc caches grew by %ld kB during the stop",
	      worst_kmalloc_kb);
	CHECK(after.sunreclaim_kb - before.sunreclaim_kb < SOAK_SLAB_BOUND_KB,
	      "SUnreclaim grew by %ld kB over the soak", after.sunreclaim_kb - before.sunreclaim_kb);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "overflow-soak", test_soak, 0 },
};

int main(int argc, char **argv)
{
	struct vmt_case c[ARRAY_SIZE(cases)];

	/* The longest stop, plus the generators' start and end, plus draining. */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		c[i] = cases[i];
		c[i].timeout_s = soak_seconds() + STOP_EXTRA_S + 120;
	}
	return vmt_main(c, ARRAY_SIZE(c), argc, argv);
}
