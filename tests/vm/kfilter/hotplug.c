// SPDX-License-Identifier: GPL-2.0
/*
 * Test 8: hotplug.  200 virtual mice come and go, in groups of 1 to 4,
 * while a read is pended on a capture of all pointers: every mouse gets a
 * new, larger id, a DEV_ADDED and a DEV_REMOVED record; the module's
 * reference count returns to its baseline; and no slab cache the module
 * allocates from grows with the number of mice.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define MICE 200
#define WARMUP 40		/* mice before the first slab snapshot */
#define MAX_GROUP 4

static char why[512];

/* ---- slab accounting -------------------------------------------------- */

struct slab {
	char name[64];
	long active;
	long per_slab;		/* objects in one slab: the granularity of "active" */
};

struct slabs {
	struct slab s[512];
	size_t n;
};

/* Writes a string to a /proc or /sys file. */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/*
 * Flushes the per-CPU slabs of every cache, so that their free objects stop
 * counting as active, then reads /proc/slabinfo.
 */
static int slab_read(struct slabs *out)
{
	char line[512];
	struct dirent *de;
	DIR *d;
	FILE *f;

	d = opendir("/sys/kernel/slab");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[300];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		/* A cache that cannot shrink is counted as it is. */
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", de->d_name);
		write_file(path, "1");
	}
	closedir(d);

	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -errno;
	out->n = 0;
	while (fgets(line, sizeof(line), f) && out->n < ARRAY_SIZE(out->s)) {
		struct slab *s = &out->s[out->n];
		long num, size;

		if (sscanf(line, "%63s %ld %ld %ld %ld", s->name, &s->active, &num, &size,
			   &s->per_slab) == 5)
			out->n++;
	}
	fclose(f);
	return 0;
}

static long slab_active(const struct slabs *ss, const char *name)
{
	for (size_t i = 0; i < ss->n; i++)
		if (!strcmp(ss->s[i].name, name))
			return ss->s[i].active;
	return 0;
}

/*
 * Objects in use per cache.  First frees unused dentries and inodes (sysfs
 * lookups of removed devices keep their kernfs nodes and names alive);
 * then takes the smallest count of three reads, because an allocation
 * right after the flush makes a whole slab's free objects count as active
 * again (noise is always an over-count).
 */
static int slab_snapshot(struct slabs *out)
{
	static struct slabs again;
	int r;

	/* Twice, with time for the RCU-deferred frees in between. */
	for (int i = 0; i < 2; i++) {
		r = write_file("/proc/sys/vm/drop_caches", "2");
		if (r)
			return r;
		sleep_ms(300);
	}
	r = slab_read(out);
	for (int i = 0; !r && i < 2; i++) {
		r = slab_read(&again);
		for (size_t k = 0; !r && k < out->n; k++) {
			long a = slab_active(&again, out->s[k].name);

			if (a < out->s[k].active)
				out->s[k].active = a;
		}
	}
	return r;
}

/* Where the module's objects can be: kmalloc caches and its own. */
static bool module_may_use(const char *name)
{
	return !strncmp(name, "kmalloc-", 8) || strstr(name, "jskf") ||
	       strstr(name, "joystickd");
}

/* ---- the reader ------------------------------------------------------- */

/* One thread keeps a read pended and collects the records. */
struct collector {
	pthread_t thread;
	int fd;
	struct recbuf rb;
	size_t n;		/* rb.n, published for the main thread */
	int err;
	int done;		/* set when the thread returns */
};

static void *collector_main(void *arg)
{
	struct collector *co = arg;
	struct jskf_record buf[64];
	struct jskf_read rd;

	for (;;) {
		int r;

		kf_read_init(&rd, buf, ARRAY_SIZE(buf), 0, 0);
		r = kf_read(co->fd, &rd);
		if (!r)
			r = recbuf_add_batch(&co->rb, &rd, buf);
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

static int test_hotplug(void)
{
	static struct slabs before, after;
	struct exp_rec *want = calloc(64 + 2 * MICE, sizeof(*want));
	struct vmt_dev group[MAX_GROUP];
	struct jskf_info info0, info1;
	struct jskf_device devs[64];
	struct jskf_list l = { .devices_ptr = (uintptr_t)devs, .capacity = 64 };
	struct collector co = { 0 };
	uint32_t last_id = 0;
	size_t made = 0, n_want = 0, n_pre;
	long ref0, worst = 0;
	const char *worst_name = "none";
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
			CHECK_OK(slab_snapshot(&before));
		}
	}
	CHECK(!wait_records(&co, n_want), "%zu records after %zu mice, want %zu (reader: %s)",
	      __atomic_load_n(&co.n, __ATOMIC_ACQUIRE), made, n_want,
	      co.err ? strerror(-co.err) : "waiting");
	sleep_ms(100);
	CHECK_OK(slab_snapshot(&after));
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

	/*
	 * A leak of one object per mouse grows its cache by MICE - WARMUP.
	 * Allow half of that, or one slab's worth where a slab holds more
	 * (there a leak shows only if larger than a slab).
	 */
	for (size_t i = 0; i < after.n; i++) {
		const struct slab *sl = &after.s[i];
		long grew = sl->active - slab_active(&before, sl->name);
		long limit = sl->per_slab > (MICE - WARMUP) / 2 ? sl->per_slab : (MICE - WARMUP) / 2;

		if (!module_may_use(sl->name))
			continue;
		if (grew > worst) {
			worst = grew;
			worst_name = sl->name;
		}
		CHECK(grew < limit, "%s grew by %ld objects over %d mice (%ld per slab): a leak?",
		      sl->name, grew, MICE - WARMUP, sl->per_slab);
	}
	vmt_info("hotplug: %zu mice, largest growth over the last %d: %s +%ld objects",
		 made, MICE - WARMUP, worst_name, worst);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "hotplug-200", test_hotplug, 180 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
