// SPDX-License-Identifier: GPL-2.0
/*
 * Test 8: hotplug.  200 virtual mice come and go, in groups of 1 to 4,
 * while a read is pended on a capture of all pointers: every mouse gets a
 * new, larger id, a DEV_ADDED and a DEV_REMOVED record; the module's
 * reference count returns to its baseline; and no slab cache the module
 * allocates from grows with the number of mice.
 *
 * hotplug-storm: several threads create and destroy mice and keyboards as
 * fast as they can, each mouse moving, each keyboard typing, while one
 * thread stays pended in JSKF_IOC_READ on an active capture of all
 * pointers and the main thread cancels that read now and then and lists
 * the devices.  Every record must be consistent with the protocol (see
 * check_storm()), keyboards are never captured, and the reference count
 * and slab caches come back to their baselines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define MICE 200
#define WARMUP 40		/* mice before the first slab snapshot */
#define MAX_GROUP 4

static char why[512];

/* ---- the reader ------------------------------------------------------- */

/* One thread keeps a read pended and collects the records. */
struct collector {
	pthread_t thread;
	int fd;
	struct recbuf rb;
	size_t n;		/* rb.n, published for the main thread */
	int err;
	int stop;		/* set before the last CANCEL */
	unsigned long cancels;	/* reads that ended with -ECANCELED */
	pid_t tid;		/* the reading thread */
	int done;		/* set when the thread returns */
};

static void *collector_main(void *arg)
{
	struct collector *co = arg;
	struct jskf_record buf[64];
	struct jskf_read rd;

	__atomic_store_n(&co->tid, gettid(), __ATOMIC_RELEASE);
	for (;;) {
		int r;

		kf_read_init(&rd, buf, ARRAY_SIZE(buf), 0, 0);
		r = kf_read(co->fd, &rd);
		if (!r)
			r = recbuf_add_batch(&co->rb, &rd, buf);
		if (r == -ECANCELED && !__atomic_load_n(&co->stop, __ATOMIC_ACQUIRE)) {
			co->cancels++;
			continue;
		}
		if (r) {
			if (r != -ECANCELED)
				co->err = r;
			__atomic_store_n(&co->done, 1, __ATOMIC_RELEASE);
			return NULL;
		}
		__atomic_store_n(&co->n, co->rb.n, __ATOMIC_RELEASE);
	}
}

static int wait_records(struct collector *co, size_t n)
{
	int64_t end = now_ns() + 10 * 1000000000LL;

	while (__atomic_load_n(&co->n, __ATOMIC_ACQUIRE) < n) {
		if (now_ns() > end || __atomic_load_n(&co->done, __ATOMIC_ACQUIRE))
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

/*
 * A leak of one object per device grows its cache by n.  Allow half of
 * that, or a slab per CPU where that is more: SLUB counts every object of
 * a CPU's active slab as in use, so right after the flush an allocation
 * on each CPU can add a slab's worth (seen: kmalloc-16 +280 objects with
 * 256 per slab, no leak).  There a leak shows only if larger.
 *
 * Returns the first cache over its limit (NULL if none) and, in *worst,
 * the largest growth of a cache the module may use.
 */
static const struct vmt_slab *slab_over(const struct vmt_slabs *before,
					const struct vmt_slabs *after, long n, long *limit,
					long *worst, const char **worst_name)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const struct vmt_slab *over = NULL;

	*worst = 0;
	*worst_name = "none";
	for (size_t i = 0; i < after->n; i++) {
		const struct vmt_slab *sl = &after->s[i];
		long grew = sl->active - vmt_slab_active(before, sl->name);
		long lim = sl->per_slab * cpus > n / 2 ? sl->per_slab * cpus : n / 2;

		if (!vmt_slab_module_may_use(sl->name))
			continue;
		if (grew > *worst) {
			*worst = grew;
			*worst_name = sl->name;
		}
		if (grew >= lim && !over) {
			over = sl;
			*limit = lim;
		}
	}
	return over;
}

#define SLAB_TRIES 4

/*
 * Takes the "after" snapshot and checks it against "before".  A leak stays;
 * what a busy kernel holds for a moment goes (a slab another task filled
 * right after the flush, KASAN's quarantine of a debug kernel: kmalloc-8
 * +252 objects over 208 devices, kmemleak clean, once in a CI run).  So a
 * cache over its limit is counted again a second later, up to SLAB_TRIES
 * snapshots, and fails only if it is over in every one.
 */
static int slab_check(const struct vmt_slabs *before, long n, const char *what,
		      long *worst, const char **worst_name, int *tries)
{
	static struct vmt_slabs after;
	const struct vmt_slab *over;
	long limit = 0, first = 0;
	char first_name[64] = "";

	for (*tries = 1;; (*tries)++) {
		CHECK_OK(vmt_slab_snapshot(&after));
		over = slab_over(before, &after, n, &limit, worst, worst_name);
		if (!over)
			return 0;
		if (*tries == 1) {
			first = over->active - vmt_slab_active(before, over->name);
			snprintf(first_name, sizeof(first_name), "%s", over->name);
		}
		if (*tries == SLAB_TRIES)
			break;
		vmt_info("%s grew by %ld objects over %ld %s (limit %ld); counting again",
			 over->name, over->active - vmt_slab_active(before, over->name), n, what,
			 limit);
		sleep_ms(1000);
	}
	return vmt_fail(__FILE__, __LINE__, "%s grew by %ld objects over %ld %s (%ld per slab, limit %ld), and still %s +%ld after %d snapshots a second apart: a leak?",
			first_name, first, n, what, over->per_slab, limit, over->name,
			over->active - vmt_slab_active(before, over->name), SLAB_TRIES);
}

static int test_hotplug(void)
{
	static struct vmt_slabs before;
	struct exp_rec *want = calloc(64 + 2 * MICE, sizeof(*want));
	struct vmt_dev group[MAX_GROUP];
	struct jskf_info info0, info1;
	struct jskf_device devs[64];
	struct jskf_list l = { .devices_ptr = (uintptr_t)devs, .capacity = 64 };
	struct collector co = { 0 };
	uint32_t last_id = 0;
	size_t made = 0, n_want = 0, n_pre;
	long ref0, worst;
	int tries;
	const char *worst_name;
	int g = 0;

	CHECK(want, "out of memory");
	ref0 = kf_module_refcnt();
	CHECK(ref0 >= 0, "cannot read /sys/module/joystickd_kfilter/refcnt");
	co.fd = kf_open(0);
	CHECK_OK(co.fd);
	CHECK_EQ(kf_module_refcnt(), ref0 + 1);
	CHECK_OK(kf_info(co.fd, &info0));
	CHECK_OK(kf_ioctl(co.fd, JSKF_IOC_LIST_DEVICES, &l));
	/* Pointers already there (a PS/2 mouse) are captured first, in id order. */
	for (uint32_t i = 0; i < l.count; i++) {
		if (devs[i].flags & JSKF_DEVF_POINTER)
			want[n_want++] = (struct exp_rec){ devs[i].id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
		if (devs[i].id > last_id)
			last_id = devs[i].id;
	}
	n_pre = n_want;
	CHECK_OK(kf_capture(co.fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS, 0, 0, 0));
	recbuf_init(&co.rb);
	CHECK_OK(-pthread_create(&co.thread, NULL, collector_main, &co));

	while (made < MICE) {
		int size = 1 + g++ % MAX_GROUP;

		if (size > MICE - (int)made)
			size = MICE - made;
		for (int i = 0; i < size; i++) {
			char name[64];

			snprintf(name, sizeof(name), "vmtest hotplug %zu", made + i);
			CHECK_OK(vmt_mouse_create(&group[i], name, 0x0500 + (made + i) % 256));
			want[n_want++] = (struct exp_rec){ 0, JSKF_REC_DEV_ADDED, 0, 0, 0 };
		}
		for (int i = size - 1; i >= 0; i--) {
			CHECK_OK(vmt_dev_destroy(&group[i]));
			want[n_want++] = (struct exp_rec){ made + i, JSKF_REC_DEV_REMOVED, 0, 0, 0 };
		}
		made += size;
		if (made >= WARMUP && !before.n) {
			CHECK_OK(wait_records(&co, n_want));
			sleep_ms(100);
			CHECK_OK(vmt_slab_snapshot(&before));
		}
	}
	CHECK(!wait_records(&co, n_want), "%zu records after %zu mice, want %zu (reader: %s)",
	      __atomic_load_n(&co.n, __ATOMIC_ACQUIRE), made, n_want,
	      co.err ? strerror(-co.err) : "waiting");
	__atomic_store_n(&co.stop, 1, __ATOMIC_RELEASE);
	CHECK_OK(kf_ioctl(co.fd, JSKF_IOC_CANCEL, NULL));
	CHECK_OK(-pthread_join(co.thread, NULL));
	CHECK(!co.err, "reader: %s", vmt_strerror(co.err));

	/*
	 * Ids: new and increasing in plug order.  want[] holds the mouse's
	 * index in the REMOVED records' dev_id for now; map it to the id.
	 */
	{
		uint32_t *ids = calloc(MICE, sizeof(*ids));
		size_t k = 0;

		CHECK(ids, "out of memory");
		for (size_t i = n_pre; i < co.rb.n && i < n_want; i++) {
			if (want[i].type != JSKF_REC_DEV_ADDED || co.rb.r[i].type != JSKF_REC_DEV_ADDED)
				continue;
			CHECK(co.rb.r[i].dev_id > last_id, "mouse %zu got id %u after id %u", k,
			      co.rb.r[i].dev_id, last_id);
			last_id = ids[k++] = want[i].dev_id = co.rb.r[i].dev_id;
		}
		for (size_t i = n_pre; i < n_want; i++)
			if (want[i].type == JSKF_REC_DEV_REMOVED)
				want[i].dev_id = ids[want[i].dev_id];
		free(ids);
	}
	CHECK(!recs_compare(co.rb.r, co.rb.n, want, n_want, why, sizeof(why)), "%s", why);
	CHECK_EQ(co.rb.first_seq0, 1);

	CHECK_OK(kf_info(co.fd, &info1));
	CHECK_EQ(info1.devlist_gen, info0.devlist_gen + 2 * MICE);
	CHECK_EQ(info1.n_devices, info0.n_devices);
	close(co.fd);
	CHECK_EQ(kf_module_refcnt(), ref0);

	sleep_ms(100);
	CHECK_OK(slab_check(&before, MICE - WARMUP, "mice", &worst, &worst_name, &tries));
	vmt_info("hotplug: %zu mice, largest growth over the last %d: %s +%ld objects (snapshot %d)",
		 made, MICE - WARMUP, worst_name, worst, tries);
	return 0;
}

/* ---- the storm ---------------------------------------------------------- */

#define STORM_THREADS 4
#define STORM_WARMUP 8		/* devices per thread before the first slab snapshot */
#define STORM_FRAMES 4		/* frames each mouse sends */
#define STORM_MAX_DEVICES 4096

/*
 * Devices per thread: $VMTEST_STORM_DEVICES in all (default 240), two
 * mice for every keyboard.
 */
static unsigned long storm_per_thread(void)
{
	return vmt_env_ulong("VMTEST_STORM_DEVICES", 240) / STORM_THREADS;
}

struct stormer {
	pthread_t thread;
	unsigned int index;
	unsigned long from, to;	/* device numbers of this round */
	unsigned long mice, keyboards;
	uint32_t tags[STORM_MAX_DEVICES / STORM_THREADS];	/* one per mouse made */
	size_t n_tags;
	char error[200];
	int done;		/* set (atomically) when the thread returns */
};

/*
 * A mouse's frames say which mouse it is: REL_X = tag, REL_Y = 1, so its
 * sums are STORM_FRAMES * tag and STORM_FRAMES however they are coalesced.
 */
static uint32_t storm_tag(unsigned int thread, unsigned long k)
{
	return thread * 100000 + k + 1;
}

static void *storm_main(void *arg)
{
	struct stormer *st = arg;
	struct evbuf b = { 0 };

	for (unsigned long k = st->from; k < st->to; k++) {
		bool keyboard = k % 3 == 2;
		uint32_t tag = storm_tag(st->index, k);
		struct vmt_dev d;
		char name[64];
		int r;

		snprintf(name, sizeof(name), "vmtest storm %u.%lu", st->index, k);
		r = keyboard ? vmt_keyboard_create(&d, name, 0x0520 + st->index)
			     : vmt_mouse_create(&d, name, 0x0510 + st->index);
		if (r) {
			snprintf(st->error, sizeof(st->error), "%s: %s", name, strerror(-r));
			break;
		}
		if (keyboard) {
			evbuf_add(&b, EV_KEY, KEY_A, 1);
			evbuf_syn(&b);
			evbuf_add(&b, EV_KEY, KEY_A, 0);
			evbuf_syn(&b);
			st->keyboards++;
		} else {
			for (int f = 0; f < STORM_FRAMES; f++) {
				evbuf_add(&b, EV_REL, REL_X, (int32_t)tag);
				evbuf_add(&b, EV_REL, REL_Y, 1);
				evbuf_syn(&b);
			}
			st->tags[st->n_tags++] = tag;
			st->mice++;
		}
		r = evbuf_flush(&b, d.fd);
		if (!r)
			r = vmt_dev_destroy(&d);
		if (r) {
			snprintf(st->error, sizeof(st->error), "%s: write/destroy: %s", name,
				 strerror(-r));
			vmt_dev_destroy(&d);
			break;
		}
	}
	evbuf_free(&b);
	__atomic_store_n(&st->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * While the stormers run: the keyboards in the device list are never
 * captured, every pointer is (ALL_POINTERS); the pended read is cancelled
 * now and then.  Returns the number of lists checked, or -1.
 */
static long storm_watch(struct stormer *st, int fd, unsigned long *cancels)
{
	static struct jskf_device devs[512];
	long lists = 0;

	for (;;) {
		struct jskf_list l = { .devices_ptr = (uintptr_t)devs, .capacity = 512 };
		bool running = false;

		for (int i = 0; i < STORM_THREADS; i++)
			running |= !__atomic_load_n(&st[i].done, __ATOMIC_ACQUIRE);
		if (!running)
			return lists;
		CHECK_OK(kf_ioctl(fd, JSKF_IOC_LIST_DEVICES, &l));
		for (uint32_t i = 0; i < l.count; i++) {
			bool pointer = devs[i].flags & JSKF_DEVF_POINTER;

			CHECK(pointer == !!(devs[i].flags & JSKF_DEVF_CAPTURED),
			      "device %u \"%s\" has flags %#x", devs[i].id, devs[i].name,
			      devs[i].flags);
		}
		lists++;
		if (lists % 4 == 0) {
			CHECK_OK(kf_ioctl(fd, JSKF_IOC_CANCEL, NULL));
			(*cancels)++;
		}
		sleep_ms(5);
	}
}

/* One round: each thread makes devices [from, to). */
static int storm_round(struct stormer *st, unsigned long from, unsigned long to, int fd,
		       unsigned long *cancels, long *lists)
{
	long n;

	for (int i = 0; i < STORM_THREADS; i++) {
		st[i].from = from;
		st[i].to = to;
		st[i].done = 0;
		CHECK_OK(-pthread_create(&st[i].thread, NULL, storm_main, &st[i]));
	}
	n = storm_watch(st, fd, cancels);
	for (int i = 0; i < STORM_THREADS; i++)
		pthread_join(st[i].thread, NULL);
	if (n < 0)
		return -1;
	*lists += n;
	for (int i = 0; i < STORM_THREADS; i++)
		CHECK(!st[i].error[0], "storm thread %d: %s", i, st[i].error);
	return 0;
}

/* What the records said about one device id. */
struct storm_dev {
	uint8_t state;		/* 0 unseen, 1 added, 2 removed */
	int64_t sum_x, sum_y;
};

static int tag_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The protocol, record by record (kfilter/README.md): a device's records
 * come between its DEV_ADDED and its DEV_REMOVED, each once; DEV_ADDED ids
 * are new and increasing; only REL_X/REL_Y and SYN_REPORT from mice, never
 * a key; one STATE (the capture); every mouse removed at the end; per
 * device the sums name exactly one mouse made, each mouse exactly once.
 */
static int check_storm(const struct recbuf *rb, struct stormer *st, const uint32_t *pre,
		       size_t n_pre, uint32_t first_new, uint32_t last_new)
{
	size_t span = last_new - first_new + 1, n_tags = 0, n_states = 0, n_tags_made = 0;
	struct storm_dev *devs = calloc(span, sizeof(*devs));
	uint32_t *tags, *made, last_added = 0;
	char g[96];

	CHECK(devs, "out of memory");
	for (int i = 0; i < STORM_THREADS; i++)
		n_tags_made += st[i].n_tags;
	tags = calloc(span + 1, sizeof(*tags));
	made = calloc(n_tags_made + 1, sizeof(*made));
	CHECK(tags && made, "out of memory");

	for (size_t i = 0; i < rb->n; i++) {
		const struct jskf_record *r = &rb->r[i];
		struct storm_dev *d = NULL;
		bool is_pre = false;

		for (size_t k = 0; k < n_pre; k++)
			is_pre |= r->dev_id == pre[k];
		if (r->type == JSKF_REC_STATE) {
			CHECK(r->dev_id == 0 && r->code == JSKF_STATE_BY_IOCTL &&
			      r->value == (JSKF_STATE_OWNER | JSKF_STATE_ACTIVE) && !n_states++,
			      "record %zu: %s", i, rec_str(r, g, sizeof(g)));
			continue;
		}
		if (is_pre) {
			/* Only its DEV_ADDED, before the STATE. */
			CHECK(r->type == JSKF_REC_DEV_ADDED && !n_states, "record %zu: %s", i,
			      rec_str(r, g, sizeof(g)));
			continue;
		}
		CHECK(r->dev_id >= first_new && r->dev_id <= last_new,
		      "record %zu: %s, from a device that never existed (ids %u..%u)", i,
		      rec_str(r, g, sizeof(g)), first_new, last_new);
		d = &devs[r->dev_id - first_new];
		switch (r->type) {
		case JSKF_REC_DEV_ADDED:
			CHECK(d->state == 0 && r->dev_id > last_added && !r->flags,
			      "record %zu: %s (state %u, last added %u)", i,
			      rec_str(r, g, sizeof(g)), d->state, last_added);
			last_added = r->dev_id;
			d->state = 1;
			break;
		case JSKF_REC_DEV_REMOVED:
			CHECK(d->state == 1 && !r->flags, "record %zu: %s (state %u)", i,
			      rec_str(r, g, sizeof(g)), d->state);
			d->state = 2;
			break;
		case EV_REL:
			CHECK(d->state == 1 && (r->code == REL_X || r->code == REL_Y) &&
			      (r->flags == JSKF_RECF_SWALLOWED || r->flags == JSKF_RECF_COALESCED),
			      "record %zu: %s (state %u)", i, rec_str(r, g, sizeof(g)), d->state);
			*(r->code == REL_X ? &d->sum_x : &d->sum_y) += r->value;
			break;
		case EV_SYN:
			CHECK(d->state == 1 && r->code == SYN_REPORT &&
			      (r->flags == JSKF_RECF_SWALLOWED || r->flags == 0),
			      "record %zu: %s (state %u)", i, rec_str(r, g, sizeof(g)), d->state);
			break;
		default:
			CHECK(0, "record %zu: %s", i, rec_str(r, g, sizeof(g)));
		}
	}
	CHECK_EQ(n_states, 1);
	for (size_t k = 0; k < span; k++) {
		struct storm_dev *d = &devs[k];

		if (d->state == 0)
			continue;	/* a keyboard */
		CHECK(d->state == 2, "device %zu was never removed", first_new + k);
		CHECK(d->sum_y == STORM_FRAMES && d->sum_x % STORM_FRAMES == 0,
		      "device %zu: sums x %lld y %lld, want y %d", first_new + k,
		      (long long)d->sum_x, (long long)d->sum_y, STORM_FRAMES);
		tags[n_tags++] = d->sum_x / STORM_FRAMES;
	}
	for (int i = 0, n = 0; i < STORM_THREADS; i++)
		for (size_t k = 0; k < st[i].n_tags; k++)
			made[n++] = st[i].tags[k];
	qsort(tags, n_tags, sizeof(*tags), tag_cmp);
	qsort(made, n_tags_made, sizeof(*made), tag_cmp);
	CHECK_EQ(n_tags, n_tags_made);
	for (size_t k = 0; k < n_tags; k++)
		CHECK(tags[k] == made[k], "mouse %zu: delivered tag %u, made %u", k, tags[k],
		      made[k]);
	free(devs);
	free(tags);
	free(made);
	return 0;
}

static int test_storm(void)
{
	static struct vmt_slabs before;
	static struct stormer st[STORM_THREADS];
	static struct jskf_device devs[64];
	struct jskf_list l = { .devices_ptr = (uintptr_t)devs, .capacity = 64 };
	unsigned long per = storm_per_thread(), cancels = 0, mice = 0, keyboards = 0;
	uint32_t pre[64], first_new;
	struct collector co = { 0 };
	struct jskf_info info0, info1;
	struct jskf_stats s0, s1;
	size_t n_pre = 0;
	long ref0, lists = 0, worst;
	int tries;
	const char *worst_name;
	int64_t t0;

	CHECK(per > STORM_WARMUP && per <= STORM_MAX_DEVICES / STORM_THREADS,
	      "VMTEST_STORM_DEVICES gives %lu per thread", per);
	ref0 = kf_module_refcnt();
	CHECK(ref0 >= 0, "cannot read /sys/module/joystickd_kfilter/refcnt");
	co.fd = kf_open(0);
	CHECK_OK(co.fd);
	CHECK_OK(kf_ioctl(co.fd, JSKF_IOC_LIST_DEVICES, &l));
	for (uint32_t i = 0; i < l.count; i++)
		if (devs[i].flags & JSKF_DEVF_POINTER)
			pre[n_pre++] = devs[i].id;
	/*
	 * Ids are never reused: the storm's are the ones after a probe
	 * mouse's, one per device, in plug order.
	 */
	{
		struct jskf_device d;
		struct vmt_dev probe;

		CHECK_OK(vmt_mouse_create(&probe, "vmtest storm probe", 0x0530));
		CHECK_OK(kf_find(co.fd, probe.name, &d));
		CHECK_OK(vmt_dev_destroy(&probe));
		first_new = d.id + 1;
	}
	CHECK_OK(kf_info(co.fd, &info0));
	CHECK_OK(kf_stats(co.fd, 0, &s0));
	/* The largest ring: the reader is always there, nothing need be coalesced. */
	CHECK_OK(kf_capture(co.fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS | JSKF_CAPTURE_ACTIVE,
			    JSKF_CLASS_MOTION, info0.ring_max, 0));
	recbuf_init(&co.rb);
	CHECK_OK(-pthread_create(&co.thread, NULL, collector_main, &co));
	for (int i = 0; i < STORM_THREADS; i++)
		st[i].index = i;

	/* The first devices warm the caches up; then the counted storm. */
	CHECK_OK(storm_round(st, 0, STORM_WARMUP, co.fd, &cancels, &lists));
	CHECK_OK(vmt_slab_snapshot(&before));
	t0 = now_ns();
	CHECK_OK(storm_round(st, STORM_WARMUP, per, co.fd, &cancels, &lists));
	t0 = now_ns() - t0;
	for (int i = 0; i < STORM_THREADS; i++) {
		mice += st[i].mice;
		keyboards += st[i].keyboards;
	}
	CHECK_OK(kf_info(co.fd, &info1));
	/* Every device attached once and detached once. */
	CHECK_EQ(info1.devlist_gen - info0.devlist_gen, 2 * (mice + keyboards));
	CHECK_EQ(info1.n_devices, info0.n_devices);
	/* Everything queued reaches the reader, which then waits. */
	{
		int64_t end = now_ns() + 10 * 1000000000LL;
		struct jskf_stats s;

		do {
			sleep_ms(50);
			CHECK_OK(kf_stats(co.fd, 0, &s));
		} while (s.ring_used && now_ns() < end);
		CHECK_EQ(s.ring_used, 0);
	}
	/* The reader is pended again, as it was all along between batches. */
	CHECK_OK(wait_blocked_in_ioctl(__atomic_load_n(&co.tid, __ATOMIC_ACQUIRE),
				       JSKF_IOC_READ, 5000));
	__atomic_store_n(&co.stop, 1, __ATOMIC_RELEASE);
	CHECK_OK(kf_ioctl(co.fd, JSKF_IOC_CANCEL, NULL));
	CHECK_OK(-pthread_join(co.thread, NULL));
	CHECK(!co.err, "reader: %s", vmt_strerror(co.err));
	CHECK_OK(kf_stats(co.fd, 0, &s1));
	CHECK_EQ(s1.counters.dropped - s0.counters.dropped, 0);
	CHECK_EQ(co.rb.dropped, 0);
	CHECK_EQ(co.rb.first_seq0, 1);
	CHECK(co.rb.n > 0, "no records");
	CHECK_OK(check_storm(&co.rb, st, pre, n_pre, first_new,
			     first_new + mice + keyboards - 1));
	close(co.fd);
	CHECK_EQ(kf_module_refcnt(), ref0);

	sleep_ms(100);
	CHECK_OK(slab_check(&before, (per - STORM_WARMUP) * STORM_THREADS, "devices", &worst,
			    &worst_name, &tries));
	vmt_info("hotplug-storm: %d threads, %lu mice and %lu keyboards in %.1f s, %zu records in %zu batches, %lu reads cancelled (%lu cancels), %ld device lists; largest growth: %s +%ld objects (snapshot %d)",
		 STORM_THREADS, mice, keyboards, t0 / 1e9, co.rb.n, co.rb.batches, co.cancels,
		 cancels, lists, worst_name, worst, tries);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "hotplug-200", test_hotplug, 180 },
	{ "hotplug-storm", test_storm, 240 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
