// SPDX-License-Identifier: GPL-2.0
/*
 * Test 9: bad input.  Every documented error of every command, 200,000
 * random ioctl calls from several threads ($VMTEST_IOCTL_CALLS),
 * open/close/read/cancel races, and finally 50 unload/load cycles of the
 * module ($VMTEST_RELOADS), first with no file open, then with owners
 * coming and going.  A kernel oops or warning shows up in the kernel log,
 * which the host checks.
 *
 * The same source built with -m32 is badinput32 (in /usr/bin of the
 * guest): a 32-bit caller, through compat_ioctl.  badinput runs its error
 * cases (compat32-errors), and a quarter of the random calls come from it,
 * at the same time as the 64-bit ones (ioctl-fuzz); the expected answers
 * are the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define MS 1000000LL

/* badinput is a 64-bit caller, badinput32 a 32-bit one. */
#define CALLER64 (UINTPTR_MAX > 0xffffffffu)

#if CALLER64
#define KERNEL_ADDR ((void *)0xffff888000000000UL)
#define SUFFIX ""
/* A __u64 user pointer with one bit set above TASK_SIZE_MAX (47 ... 63). */
#define HIGH_BIT(r) (1ULL << (47 + (r) % 17))
#else
/* The top page: above a 32-bit process's TASK_SIZE, never mapped. */
#define KERNEL_ADDR ((void *)0xfffff000UL)
#define SUFFIX "32"
/* A __u64 user pointer with bits a 32-bit pointer cannot have (32 ... 63). */
#define HIGH_BIT(r) (1ULL << (32 + (r) % 32))
#endif


/*
 * An address every access to faults.  The page stays reserved (PROT_NONE,
 * never unmapped), so no later allocation of another thread can land there
 * and turn an expected -EFAULT into a success.
 */
static void *faulting_page(void)
{
	static void *hole;

	if (!hole)
		hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return hole;
}

static int ioc(int fd, unsigned long cmd, void *arg)
{
	return kf_ioctl(fd, cmd, arg);
}

/* ---- every documented error ------------------------------------------- */

/* Version 1's CAPTURE_KEYS (bits[] alone), still served. */
#define JSKF_IOC_CAPTURE_KEYS_V1 _IOC(_IOC_WRITE, JSKF_IOC_MAGIC, 0x09, JSKF_KEY_WORDS * 8)

static const unsigned long known_cmds[] = {
	JSKF_IOC_INFO, JSKF_IOC_LIST_DEVICES, JSKF_IOC_CAPTURE, JSKF_IOC_RELEASE,
	JSKF_IOC_SET_ACTIVE, JSKF_IOC_READ, JSKF_IOC_CANCEL, JSKF_IOC_EXCLUDE,
	JSKF_IOC_STATS, JSKF_IOC_CAPTURE_KEYS, JSKF_IOC_CAPTURE_KEYS_V1, JSKF_IOC_SET_OUTPUT,
};

static bool is_known(unsigned long cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_cmds); i++)
		if (cmd == known_cmds[i])
			return true;
	return false;
}

/* Unknown numbers, known numbers with another size or direction: ENOTTY. */
static int test_enotty(void)
{
	char buf[512] = { 0 };
	int fd = kf_open(0), n = 0;

	CHECK_OK(fd);
	for (size_t i = 0; i < ARRAY_SIZE(known_cmds); i++) {
		unsigned long c = known_cmds[i];
		unsigned int dir = _IOC_DIR(c), nr = _IOC_NR(c), size = _IOC_SIZE(c);
		unsigned long variants[] = {
			_IOC(dir, JSKF_IOC_MAGIC, nr, size + 1),
			_IOC(dir, JSKF_IOC_MAGIC, nr, size ? size - 1 : 8),
			_IOC(dir, JSKF_IOC_MAGIC, nr, size + 8),
			_IOC(dir ^ _IOC_READ, JSKF_IOC_MAGIC, nr, size),
			_IOC(dir ^ _IOC_WRITE, JSKF_IOC_MAGIC, nr, size),
			_IOC(dir, JSKF_IOC_MAGIC - 1, nr, size),
			_IOC(dir, JSKF_IOC_MAGIC + 1, nr, size),
		};

		for (size_t v = 0; v < ARRAY_SIZE(variants); v++, n++)
			CHECK(ioc(fd, variants[v], buf) == -ENOTTY,
			      "%#lx (variant %zu of %#lx) did not give ENOTTY", variants[v], v, c);
	}
	for (unsigned int nr = 0x0b; nr < 0x100; nr++, n += 2) {
		CHECK_ERR(ioc(fd, _IOWR(JSKF_IOC_MAGIC, nr, struct jskf_read), buf), ENOTTY);
		CHECK_ERR(ioc(fd, _IO(JSKF_IOC_MAGIC, nr), buf), ENOTTY);
	}
	vmt_info("ioctl-enotty%s: %d unknown commands", SUFFIX, n);
	return 0;
}

/* A bad argument pointer: EFAULT. */
static int test_efault(void)
{
	static const unsigned long cmds[] = {
		JSKF_IOC_INFO, JSKF_IOC_LIST_DEVICES, JSKF_IOC_CAPTURE,
		JSKF_IOC_SET_ACTIVE, JSKF_IOC_READ, JSKF_IOC_EXCLUDE, JSKF_IOC_STATS,
		JSKF_IOC_CAPTURE_KEYS, JSKF_IOC_SET_OUTPUT,
	};
	void *bad[] = { NULL, (void *)1, faulting_page(), KERNEL_ADDR };
	struct jskf_record rec[4];
	struct jskf_device dev[4];
	struct jskf_list l = { .capacity = 4 };
	struct jskf_capture cap = { .n_ids = 1 };
	struct jskf_stats t0, t1;
	struct jskf_read rd;
	struct vmt_cap c;
	int r;

	/* The owner, so that SET_ACTIVE and READ get as far as the copy. */
	CHECK_OK(vmt_capture_mouse(&c, "vmtest efault", 0x0601, JSKF_CAPTURE_ACTIVE, 0, 0, 0));
	CHECK_OK(kf_stats(c.kfd, 0, &t0));
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		for (size_t b = 0; b < ARRAY_SIZE(bad); b++)
			CHECK(ioc(c.kfd, cmds[i], bad[b]) == -EFAULT, "cmd %#lx arg %p: not EFAULT",
			      cmds[i], bad[b]);

	/* Pointers inside the argument. */
	for (size_t b = 0; b < ARRAY_SIZE(bad); b++) {
		l.devices_ptr = (uintptr_t)bad[b];
		CHECK(ioc(c.kfd, JSKF_IOC_LIST_DEVICES, &l) == -EFAULT, "devices_ptr %p", bad[b]);
		cap.ids_ptr = (uintptr_t)bad[b];
		CHECK(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap) == -EFAULT, "ids_ptr %p", bad[b]);
		/* DEV_ADDED and STATE are queued, so the copy-out is attempted. */
		kf_read_init(&rd, bad[b], 4, JSKF_READ_DEADLINE, 0);
		CHECK(ioc(c.kfd, JSKF_IOC_READ, &rd) == -EFAULT, "records_ptr %p", bad[b]);
		CHECK_OK(kf_set_active(c.kfd, b % 2));	/* queue another record */
	}
	/*
	 * Valid buffers behind __u64 pointers with a bit set that no user
	 * pointer of this caller can have (HIGH_BIT; through compat_ioctl in
	 * badinput32): the kernel must not drop the upper half.  Records are
	 * queued, so READ gets as far as the copy-out and takes nothing.
	 */
	for (unsigned int k = 0; k < 64; k += 5) {
		uint64_t high = HIGH_BIT(k);

		l.devices_ptr = (uintptr_t)dev | high;
		CHECK(ioc(c.kfd, JSKF_IOC_LIST_DEVICES, &l) == -EFAULT, "devices_ptr %#llx",
		      (unsigned long long)l.devices_ptr);
		cap.ids_ptr = (uintptr_t)&c.id | high;
		CHECK(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap) == -EFAULT, "ids_ptr %#llx",
		      (unsigned long long)cap.ids_ptr);
		kf_read_init(&rd, rec, 4, JSKF_READ_DEADLINE, 0);
		rd.records_ptr = (uintptr_t)rec | high;
		r = ioc(c.kfd, JSKF_IOC_READ, &rd);
		CHECK(r == -EFAULT, "READ, records_ptr %#llx: %d (%s), want -EFAULT",
		      (unsigned long long)rd.records_ptr, r, r ? strerror(-r) : "success");
	}
	/* The failed calls changed nothing: valid ones still work. */
	l.devices_ptr = (uintptr_t)dev;
	CHECK_OK(ioc(c.kfd, JSKF_IOC_LIST_DEVICES, &l));
	cap.ids_ptr = (uintptr_t)&c.id;
	CHECK_OK(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap));
	kf_read_init(&rd, rec, 4, JSKF_READ_DEADLINE, 0);
	CHECK_OK(kf_read(c.kfd, &rd));
	/*
	 * Queued: DEV_ADDED, STATE, a STATE per SET_ACTIVE, and one for the
	 * CAPTURE above (it made capture inactive).  The four failed reads
	 * took nothing: this batch is the first one, from the first record,
	 * and nothing was dropped.
	 */
	CHECK_EQ(rd.count, 4);
	CHECK_EQ(rd.first_seq, 1);
	CHECK_EQ(rd.batch_seq, 1);
	CHECK_EQ(rd.dropped, 0);
	CHECK_EQ(rec[0].type, JSKF_REC_DEV_ADDED);
	CHECK_EQ(rec[1].type, JSKF_REC_STATE);
	kf_read_init(&rd, rec, 4, JSKF_READ_DEADLINE, 0);
	CHECK_OK(kf_read(c.kfd, &rd));
	CHECK_EQ(rd.count, 3);
	CHECK_EQ(rd.first_seq, 5);
	CHECK_EQ(rd.batch_seq, 2);
	CHECK_OK(kf_stats(c.kfd, 0, &t1));
	CHECK_EQ(t1.counters.dropped - t0.counters.dropped, 0);
	return 0;
}

/* Reserved fields, unknown bits, out-of-range counts: EINVAL; and friends. */
static int test_einval(void)
{
	struct jskf_device devs[64];
	struct jskf_record recs[1024];
	struct jskf_capture cap;
	struct jskf_active act;
	struct jskf_exclude ex;
	struct jskf_stats st;
	struct jskf_list l;
	struct jskf_read rd;
	struct jskf_info info;
	struct jskf_device kd;
	struct vmt_dev k;
	struct vmt_cap c;
	uint32_t ids[65];
	struct evbuf b = { 0 };
	int other, evfd, n;

	CHECK_OK(vmt_keyboard_create(&k, "vmtest einval keyboard", 0x0602));
	CHECK_OK(vmt_capture_mouse(&c, "vmtest einval", 0x0603, JSKF_CAPTURE_ACTIVE,
				   JSKF_CLASS_MOTION, 0, 0));
	CHECK_OK(kf_find(c.kfd, k.name, &kd));
	CHECK_OK(kf_info(c.kfd, &info));
	other = kf_open(0);
	CHECK_OK(other);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = c.id;

#define LIST_CASE(field, v) do {						\
		memset(&l, 0, sizeof(l));					\
		l.devices_ptr = (uintptr_t)devs;				\
		l.capacity = 64;						\
		field = (v);							\
	} while (0)
	LIST_CASE(l.reserved0, 1);
	CHECK_ERR(ioc(other, JSKF_IOC_LIST_DEVICES, &l), EINVAL);
	LIST_CASE(l.reserved[3], 0x80000000u);
	CHECK_ERR(ioc(other, JSKF_IOC_LIST_DEVICES, &l), EINVAL);
	/* Out-only fields are ignored on input; a huge capacity is fine. */
	LIST_CASE(l.count, 77);
	l.total = 5;
	l.devlist_gen = 99;
	CHECK_OK(ioc(other, JSKF_IOC_LIST_DEVICES, &l));
	CHECK_EQ(l.count, l.total);
	LIST_CASE(l.capacity, 0xffffffffu);
	CHECK_OK(ioc(other, JSKF_IOC_LIST_DEVICES, &l));
	CHECK_EQ(l.count, l.total);

	/* CAPTURE by the owner: every EINVAL leaves the capture as it was. */
#define CAP_CASE(field, v) do {							\
		memset(&cap, 0, sizeof(cap));					\
		cap.ids_ptr = (uintptr_t)ids;					\
		cap.n_ids = 1;							\
		cap.flags = JSKF_CAPTURE_ACTIVE;				\
		field = (v);							\
	} while (0)
	CAP_CASE(cap.flags, 1u << 2);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.flags, 1u << 31);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.swallow, 1u << 3);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.reserved0, 1);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.reserved[3], 1);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.deadman_ms, JSKF_DEADMAN_MIN_MS - 1);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.deadman_ms, JSKF_DEADMAN_MAX_MS + 1);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.deadman_ms, 0xffffffffu);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.n_ids, JSKF_MAX_CAPTURE_IDS + 1);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.n_ids, 0xffffffffu);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.flags, JSKF_CAPTURE_ALL_POINTERS);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);	/* ids too */
	CAP_CASE(cap.toggle_code, KEY_CNT);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.toggle_code, 0xffff);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.ring_size, info.ring_min + 1);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.ring_size, info.ring_min / 2);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.ring_size, info.ring_max * 2);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.ring_size, 0x80000000u);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.ring_size, info.ring_max);	/* valid, but not the ring's size */
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(ids[0], kd.id);		/* a keyboard */
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(ids[0], 0xfffffff0u);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), ENODEV);
	CAP_CASE(ids[0], 0);
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_CAPTURE, &cap), ENODEV);
	ids[0] = c.id;
	/* ... and by another file: EINVAL comes before EBUSY. */
	CAP_CASE(cap.reserved0, 1);
	CHECK_ERR(ioc(other, JSKF_IOC_CAPTURE, &cap), EINVAL);
	CAP_CASE(cap.flags, JSKF_CAPTURE_ACTIVE);
	CHECK_ERR(ioc(other, JSKF_IOC_CAPTURE, &cap), EBUSY);

	/* Still captured, active, swallowing motion, from the first call. */
	evfd = evdev_open(c.mouse.evdev);
	CHECK_OK(evfd);
	{
		static const struct input_event move[] = { { .type = EV_REL, .code = REL_X, .value = 1 } };
		struct input_event got[8];

		CHECK_OK(vmt_frame(&c.mouse, move, 1));
		n = evdev_read_all(evfd, got, 8);
		CHECK_EQ(n, 0);
	}

	memset(&act, 0, sizeof(act));
	act.active = 2;
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_SET_ACTIVE, &act), EINVAL);
	act.active = 1;
	act.reserved = 1;
	CHECK_ERR(ioc(c.kfd, JSKF_IOC_SET_ACTIVE, &act), EINVAL);
	act.reserved = 0;
	CHECK_ERR(ioc(other, JSKF_IOC_SET_ACTIVE, &act), EPERM);
	CHECK_ERR(ioc(other, JSKF_IOC_RELEASE, NULL), EPERM);

	kf_read_init(&rd, recs, 0, 0, 0);
	CHECK_ERR(kf_read(c.kfd, &rd), EINVAL);
	kf_read_init(&rd, recs, 4, 1u << 3, 0);
	CHECK_ERR(kf_read(c.kfd, &rd), EINVAL);
	kf_read_init(&rd, recs, 4, 1u << 31, 0);
	CHECK_ERR(kf_read(c.kfd, &rd), EINVAL);
	kf_read_init(&rd, recs, 4, 0, 0);
	rd.reserved = 1;
	CHECK_ERR(kf_read(c.kfd, &rd), EINVAL);
	kf_read_init(&rd, recs, 4, 0, 0);
	rd.output_count = 1;		/* output without JSKF_READ_OUTPUT */
	CHECK_ERR(kf_read(c.kfd, &rd), EINVAL);
	kf_read_init(&rd, recs, 4, JSKF_READ_OUTPUT, 0);	/* count 0 */
	CHECK_ERR(kf_read(c.kfd, &rd), EINVAL);
	kf_read_init(&rd, recs, 4, JSKF_READ_DEADLINE, 0);
	CHECK_ERR(kf_read(other, &rd), EPERM);

	/* Out-only fields are ignored; a huge capacity is clamped to max_batch. */
	for (uint32_t i = 0; i < info.max_batch; i++) {
		evbuf_add(&b, EV_REL, REL_Y, 1);
		evbuf_syn(&b);
	}
	CHECK_OK(evbuf_flush(&b, c.mouse.fd));
	evbuf_free(&b);
	kf_read_init(&rd, recs, 0xffffffffu, JSKF_READ_DEADLINE, 0);
	rd.batch_seq = rd.first_seq = 12345;
	rd.count = 7;
	rd.coalesced = rd.dropped = 3;
	rd.state = 0xff;
	CHECK_OK(kf_read(c.kfd, &rd));
	CHECK_EQ(rd.count, info.max_batch);
	CHECK_EQ(rd.first_seq, 1);
	CHECK_EQ(rd.batch_seq, 1);
	CHECK_EQ(rd.dropped, 0);

	memset(&ex, 0, sizeof(ex));
	ex.n = JSKF_MAX_EXCLUDES + 1;
	CHECK_ERR(ioc(other, JSKF_IOC_EXCLUDE, &ex), EINVAL);
	ex.n = 0xffffffffu;
	CHECK_ERR(ioc(other, JSKF_IOC_EXCLUDE, &ex), EINVAL);
	ex.n = 0;
	ex.reserved = 1;
	CHECK_ERR(ioc(other, JSKF_IOC_EXCLUDE, &ex), EINVAL);
	ex.reserved = 0;
	/* A valid list: the owner's alone while it owns capture. */
	CHECK_ERR(ioc(other, JSKF_IOC_EXCLUDE, &ex), EBUSY);
	CHECK_OK(ioc(c.kfd, JSKF_IOC_EXCLUDE, &ex));

	memset(&st, 0, sizeof(st));
	st.reserved0 = 1;
	CHECK_ERR(ioc(other, JSKF_IOC_STATS, &st), EINVAL);
	memset(&st, 0, sizeof(st));
	st.reserved[2] = 1;
	CHECK_ERR(ioc(other, JSKF_IOC_STATS, &st), EINVAL);
	memset(&st, 0, sizeof(st));
	st.dev_id = 0xfffffff0u;
	CHECK_ERR(ioc(other, JSKF_IOC_STATS, &st), ENODEV);
	/* Out-only fields ignored, and overwritten. */
	memset(&st, 0xff, sizeof(st));
	st.dev_id = c.id;
	st.reserved0 = 0;
	memset(st.reserved, 0, sizeof(st.reserved));
	CHECK_OK(ioc(other, JSKF_IOC_STATS, &st));
	CHECK_EQ(st.counters.saturated, 0);
	CHECK_EQ(st.counters.seen, 2 + 2 * (uint64_t)info.max_batch);
	return 0;
}

/* ---- random calls ------------------------------------------------------ */

#define FUZZ_THREADS 4

/*
 * How much of it: $VMTEST_IOCTL_CALLS in all (default 200,000) keeps make
 * vmtest quick; the debug-kernel tier asks for more.  badinput makes
 * three quarters of them and has badinput32 make the rest at the same
 * time; badinput32 makes what its $VMTEST_IOCTL_CALLS says.
 */
static unsigned long total_calls(void)
{
	return vmt_env_ulong("VMTEST_IOCTL_CALLS", 200000);
}

#if CALLER64
static unsigned long compat_calls(void)
{
	return total_calls() / 4;
}

static unsigned long own_calls(void)
{
	return total_calls() - compat_calls();
}
#else
static unsigned long own_calls(void)
{
	return total_calls();
}
#endif

/* Calls per thread. */
static unsigned long fuzz_calls(void)
{
	return own_calls() / FUZZ_THREADS;
}

struct fuzzer {
	pthread_t thread;
	uint64_t seed;
	unsigned long n_calls;
	uint32_t mouse_id;
	const char *error;	/* the first unexpected result, or NULL */
	char text[256];
	unsigned long calls, enotty, exact, high;
};

static uint64_t next_rand(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static const int allowed[][8] = {
	/* by _IOC_NR */
	[0x00] = { EFAULT },
	[0x01] = { EINVAL, EFAULT, ENOMEM },
	[0x02] = { EINVAL, EFAULT, EBUSY, ENODEV, ENOMEM },
	[0x03] = { EPERM },
	[0x04] = { EINVAL, EPERM, EFAULT },
	[0x05] = { EINVAL, EPERM, EFAULT, EAGAIN, ETIMEDOUT, ECANCELED, EBUSY, ENODEV },
	[0x06] = { 0 },
	[0x07] = { EINVAL, EFAULT, EBUSY },
	[0x08] = { EINVAL, ENODEV, EFAULT },
	[0x09] = { EINVAL, EPERM, EFAULT },
	[0x0a] = { EINVAL, EPERM, EFAULT },
};

static bool is_allowed(unsigned long cmd, int r)
{
	if (!r)
		return true;
	for (int i = 0; i < 8 && allowed[_IOC_NR(cmd)][i]; i++)
		if (-r == allowed[_IOC_NR(cmd)][i])
			return true;
	return false;
}

/* Command types the VFS handles itself (FIONBIO, FIGETBSZ, FS_IOC_*, ...). */
static bool vfs_magic(unsigned int type)
{
	return type == 'T' || type == 'X' || type == 'f' || type == 0x94 || type == 0;
}

/* A READ whose records_ptr has a high bit: see fuzz_main(). */
#define WANT_HIGH_READ 2

static void *fuzz_main(void *arg)
{
	struct fuzzer *fz = arg;
	static __thread struct jskf_record recs[1024];
	static __thread struct jskf_device devs[64];
	uint32_t ids[JSKF_MAX_CAPTURE_IDS];
	uint64_t s = fz->seed;
	int fds[2];

	for (int i = 0; i < 2; i++) {
		fds[i] = kf_open(O_NONBLOCK);
		if (fds[i] < 0) {
			fz->error = "open failed";
			return NULL;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = i % 2 ? fz->mouse_id : (uint32_t)i;

	for (fz->calls = 0; fz->calls < fz->n_calls; fz->calls++) {
		uint64_t rnd = next_rand(&s);
		unsigned long cmd = known_cmds[rnd % ARRAY_SIZE(known_cmds)];
		unsigned int pick = (rnd >> 8) % 100;
		union {
			struct jskf_list l;
			struct jskf_capture c;
			struct jskf_active a;
			struct jskf_read r;
			struct jskf_exclude e;
			struct jskf_stats st;
			unsigned char raw[512];
		} u;
		void *argp = &u;
		/* 1: any allowed result; WANT_HIGH_READ; else this exact one */
		int want = 1;
		int fd = fds[(rnd >> 16) & 1];
		int r;

		memset(&u, 0, sizeof(u));
		if (pick < 20) {
			/* Unknown numbers and sizes (else a known command, zeroed). */
			unsigned int type = pick < 10 ? JSKF_IOC_MAGIC : (rnd >> 20) & 0xff;
			unsigned long other = _IOC((rnd >> 28) & 3, type, (rnd >> 32) & 0xff,
						   (rnd >> 40) & 0x3fff);

			if (!is_known(other) && !vfs_magic(type)) {
				cmd = other;
				want = -ENOTTY;
			}
		} else if (pick < 30) {
			/* A bad argument. */
			static void *const bad[] = { NULL, (void *)1, KERNEL_ADDR };

			argp = pick < 28 ? bad[(rnd >> 20) % 3] : faulting_page();
			if (cmd == JSKF_IOC_INFO || cmd == JSKF_IOC_LIST_DEVICES ||
			    cmd == JSKF_IOC_EXCLUDE || cmd == JSKF_IOC_STATS ||
			    cmd == JSKF_IOC_CAPTURE)
				want = -EFAULT;
		} else if (pick < 44) {
			/*
			 * A valid buffer, but the __u64 pointer to it has a bit
			 * set that no user pointer of this caller can have: the
			 * kernel must not drop the upper half.
			 */
			uint64_t high = HIGH_BIT(rnd >> 44);

			switch (_IOC_NR(cmd)) {
			case 0x01:
				fz->high++;
				u.l.devices_ptr = (uintptr_t)devs | high;
				u.l.capacity = 1 + (rnd >> 50) % 64;	/* the fuzz mouse is there */
				want = -EFAULT;
				break;
			case 0x02:
				fz->high++;
				u.c.ids_ptr = (uintptr_t)ids | high;
				u.c.n_ids = 1 + (rnd >> 50) % 4;
				u.c.flags = (rnd >> 45) & 2;
				want = -EFAULT;	/* reading the ids comes before EBUSY */
				break;
			case 0x05:
				/*
				 * Not the owner (EPERM), nothing queued
				 * (EAGAIN: the files are O_NONBLOCK), a
				 * cancel not yet taken (ECANCELED), or the
				 * copy-out faults (EFAULT): never a success.
				 */
				fz->high++;
				u.r.records_ptr = (uintptr_t)recs | high;
				u.r.capacity = 1 + (rnd >> 50) % 64;
				u.r.flags = JSKF_READ_DEADLINE;
				u.r.deadline_ns = now_ns();
				want = WANT_HIGH_READ;
				break;
			}
		} else if (pick < 50) {
			/* Random bytes. */
			for (size_t i = 0; i < sizeof(u.raw); i += 8) {
				uint64_t v = next_rand(&s);

				memcpy(u.raw + i, &v, 8);
			}
		} else {
			/* A plausible request with one field made random. */
			uint64_t v = next_rand(&s);
			unsigned int which = (v >> 40) % 4;

			switch (_IOC_NR(cmd)) {
			case 0x01:
				u.l.devices_ptr = (uintptr_t)devs;
				u.l.capacity = which ? (uint32_t)v : 64;
				if (!which) {
					u.l.reserved[(v >> 50) % 4] = (uint32_t)v | 1;
					want = -EINVAL;
				}
				break;
			case 0x02:
				u.c.ids_ptr = (uintptr_t)ids;
				u.c.n_ids = which == 1 ? (uint32_t)v : 1 + (v >> 50) % 4;
				u.c.flags = which == 2 ? (uint32_t)v : (v >> 45) & 2;
				u.c.swallow = (v >> 52) & 7;
				u.c.toggle_code = which == 3 ? (uint16_t)v : 0;
				if (!which) {
					u.c.reserved[(v >> 50) % 4] = (uint32_t)v | 1;
					want = -EINVAL;
				}
				break;
			case 0x04:
				u.a.active = which ? (v >> 50) & 1 : (uint32_t)v;
				break;
			case 0x05:
				u.r.records_ptr = (uintptr_t)recs;
				u.r.capacity = which == 1 ? (uint32_t)v : 1 + (v >> 50) % 2000;
				u.r.flags = which == 2 ? (uint32_t)v : (v >> 45) & 3;
				u.r.deadline_ns = now_ns() + (int64_t)((v >> 20) % 1000);
				if (!which)
					u.r.reserved = (uint32_t)v | 1;
				break;
			case 0x07:
				u.e.n = which == 1 ? (uint32_t)v : (v >> 50) % 17;
				for (int i = 0; i < JSKF_MAX_EXCLUDES; i++)
					u.e.ids[i] = (struct jskf_input_id){ 0x99, 0x4242, (uint16_t)i, 7 };
				if (!which) {
					u.e.reserved = (uint32_t)v | 1;
					want = -EINVAL;
				}
				break;
			case 0x08:
				u.st.dev_id = which == 1 ? (uint32_t)v : 0;
				if (!which) {
					u.st.reserved[(v >> 50) % 3] = (uint32_t)v | 1;
					want = -EINVAL;
				}
				break;
			}
		}

		r = ioc(fd, cmd, argp);
		if (r == -ENOTTY)
			fz->enotty++;
		if (want == WANT_HIGH_READ) {
			if (r == 0 || !is_allowed(cmd, r)) {
				snprintf(fz->text, sizeof(fz->text),
					 "READ, records_ptr %#llx: %d (%s), want -EFAULT (or EPERM, EAGAIN, ECANCELED), seed %#llx call %lu",
					 (unsigned long long)u.r.records_ptr, r,
					 r ? strerror(-r) : "success",
					 (unsigned long long)fz->seed, fz->calls);
				fz->error = fz->text;
				break;
			}
		} else if (want != 1) {
			fz->exact++;
			if (r != want) {
				snprintf(fz->text, sizeof(fz->text),
					 "cmd %#lx: %d (%s), want %d (%s), seed %#llx call %lu",
					 cmd, r, strerror(-r), want, strerror(-want),
					 (unsigned long long)fz->seed, fz->calls);
				fz->error = fz->text;
				break;
			}
		} else if (!is_known(cmd) || !is_allowed(cmd, r)) {
			snprintf(fz->text, sizeof(fz->text), "cmd %#lx: unexpected %d (%s), seed %#llx call %lu",
				 cmd, r, strerror(-r), (unsigned long long)fz->seed, fz->calls);
			fz->error = fz->text;
			break;
		}
	}
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

/* ---- races -------------------------------------------------------------- */

#define RACE_LOOPS 400

struct racer {
	pthread_t thread;
	int (*fn)(struct racer *);
	int shared;		/* the owner's fd, read and cancelled by many */
	struct vmt_dev *mouse;
	uint32_t mouse_id;
	unsigned long ops;
	char error[200];
};

static int race_fail(struct racer *rc, const char *what, int r)
{
	snprintf(rc->error, sizeof(rc->error), "%s: unexpected %d (%s)", what, r, strerror(-r));
	return -1;
}

#if CALLER64
/* Short pended reads on the shared file. */
static int race_reader(struct racer *rc)
{
	struct jskf_record recs[16];
	struct jskf_read rd;

	for (int i = 0; i < RACE_LOOPS * 4; i++, rc->ops++) {
		int r;

		kf_read_init(&rd, recs, 16, JSKF_READ_DEADLINE, now_ns() + 2 * MS);
		r = kf_read(rc->shared, &rd);
		/* Two of these share the file, which reads one at a time. */
		if (r && r != -ETIMEDOUT && r != -ECANCELED && r != -EPERM && r != -EBUSY)
			return race_fail(rc, "read", r);
	}
	return 0;
}

static int race_canceller(struct racer *rc)
{
	for (int i = 0; i < RACE_LOOPS * 4; i++, rc->ops++) {
		int r = kf_ioctl(rc->shared, JSKF_IOC_CANCEL, NULL);

		if (r)
			return race_fail(rc, "cancel", r);
		usleep(500);
	}
	return 0;
}

/* Release and take capture again on the shared file. */
static int race_owner(struct racer *rc)
{
	for (int i = 0; i < RACE_LOOPS; i++, rc->ops++) {
		int r = kf_ioctl(rc->shared, JSKF_IOC_RELEASE, NULL);

		if (r && r != -EPERM)
			return race_fail(rc, "release", r);
		r = kf_capture(rc->shared, &rc->mouse_id, 1, JSKF_CAPTURE_ACTIVE,
			       JSKF_CLASS_ALL, 0, 0);
		if (r && r != -EBUSY)
			return race_fail(rc, "capture", r);
		usleep(300);
	}
	return 0;
}

#endif

/* Files opened, used (capture attempts, reads) and closed. */
static int race_opener(struct racer *rc)
{
	struct jskf_record recs[4];
	struct jskf_info info;
	struct jskf_read rd;

	for (int i = 0; i < RACE_LOOPS; i++, rc->ops++) {
		int fd = kf_open(0);
		int r;

		if (fd < 0)
			return race_fail(rc, "open", fd);
		r = kf_info(fd, &info);
		if (r)
			return race_fail(rc, "info", r);
		r = kf_capture(fd, &rc->mouse_id, 1, 0, JSKF_CLASS_MOTION, 0, 0);
		if (r && r != -EBUSY)
			return race_fail(rc, "capture", r);
		kf_read_init(&rd, recs, 4, JSKF_READ_DEADLINE, now_ns() + MS);
		r = kf_read(fd, &rd);
		if (r && r != -ETIMEDOUT && r != -EPERM)
			return race_fail(rc, "read", r);
		close(fd);
	}
	return 0;
}

/*
 * close() while another thread's read is pended on the same file: release
 * waits for the read, which still ends at its deadline; the fd is gone.
 */
static int race_closer(struct racer *rc)
{
	for (int i = 0; i < RACE_LOOPS / 4; i++, rc->ops++) {
		struct jskf_info info;
		struct pender p;
		int fd = kf_open(0);
		int r;

		if (fd < 0)
			return race_fail(rc, "open", fd);
		r = kf_info(fd, &info);
		if (!r)
			r = pender_start(&p, fd, JSKF_READ_DEVLIST | JSKF_READ_DEADLINE,
					 now_ns() + 20 * MS, info.devlist_gen);
		if (r)
			return race_fail(rc, "info/pthread_create", r);
		/* Close once it waits (a plugged mouse may end it first). */
		pender_wait_blocked(&p, 20);
		close(fd);
		pthread_join(p.thread, NULL);
		/* The DEVLIST answer (count 0) or the deadline; close wakes nothing. */
		if (p.ret && p.ret != -ETIMEDOUT)
			return race_fail(rc, "read during close", p.ret);
	}
	return 0;
}

static void *racer_main(void *arg)
{
	struct racer *rc = arg;

	rc->fn(rc);
	return NULL;
}

#if CALLER64
/* Devices plugged and unplugged: DEVLIST wake-ups, DEV_ADDED/REMOVED. */
static int race_plugger(struct racer *rc)
{
	for (int i = 0; i < RACE_LOOPS / 8; i++, rc->ops++) {
		struct vmt_dev m;
		int r = vmt_mouse_create(&m, "vmtest race plug", 0x0622);

		if (r)
			return race_fail(rc, "uinput", r);
		for (int j = 0; j < 10; j++) {
			struct input_event ev = { .type = EV_REL, .code = REL_Y, .value = 1 };

			vmt_frame(&m, &ev, 1);
			vmt_frame(rc->mouse, &ev, 1);
		}
		vmt_dev_destroy(&m);
	}
	return 0;
}

static int test_races(void)
{
	static int (*const fns[])(struct racer *) = {
		race_reader, race_reader, race_canceller, race_owner, race_opener,
		race_opener, race_closer, race_plugger,
	};
	struct racer rc[ARRAY_SIZE(fns)];
	struct vmt_cap c;
	unsigned long ops = 0;
	int fd;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest races", 0x0621, JSKF_CAPTURE_ACTIVE,
				   JSKF_CLASS_ALL, 0, 0));
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		rc[i] = (struct racer){ .fn = fns[i], .shared = c.kfd, .mouse = &c.mouse,
					.mouse_id = c.id };
		CHECK_OK(-pthread_create(&rc[i].thread, NULL, racer_main, &rc[i]));
	}
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		CHECK_OK(-pthread_join(rc[i].thread, NULL));
		ops += rc[i].ops;
	}
	vmt_info("open-close-races: %lu operations", ops);
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++)
		CHECK(!rc[i].error[0], "racer %zu: %s", i, rc[i].error);

	/* The shared file closes; capture is free for a new file. */
	close(c.kfd);
	fd = kf_open(0);
	CHECK_OK(fd);
	CHECK_OK(kf_capture(fd, &c.id, 1, 0, 0, 0, 0));
	return 0;
}

#endif

/* Motion and clicks while the fuzzers run, so reads find records. */
struct injector {
	pthread_t thread;
	struct vmt_dev *mouse;
	int stop;
};

static void *inject_main(void *arg)
{
	struct injector *in = arg;
	int i = 0;

	while (!__atomic_load_n(&in->stop, __ATOMIC_ACQUIRE)) {
		struct input_event ev[2] = {
			{ .type = EV_REL, .code = REL_X, .value = 1 + i % 3 },
			{ .type = EV_KEY, .code = BTN_LEFT, .value = i % 2 },
		};

		vmt_frame(in->mouse, ev, 2);
		i++;
		usleep(200);
	}
	return NULL;
}

#if CALLER64
/*
 * Starts "badinput32 CASE..." making `calls` random calls; its PASS and
 * FAIL lines join ours.  Call it before starting threads.
 */
static pid_t run32(unsigned long calls, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char n[32];

		snprintf(n, sizeof(n), "%lu", calls);
		setenv("VMTEST_IOCTL_CALLS", n, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid < 0 ? -errno : pid;
}

static int wait32(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "badinput32 failed (status %#x): see its FAIL lines", status);
	return 0;
}

/* Every documented error, from a 32-bit caller. */
static int test_compat32_errors(void)
{
	static char *const argv[] = { "badinput32", "ioctl-enotty32", "ioctl-efault32",
				      "ioctl-einval32", NULL };
	pid_t pid = run32(0, argv);

	CHECK(pid > 0, "fork: %s", strerror(-pid));
	return wait32(pid);
}
#endif

/*
 * Random calls from FUZZ_THREADS threads, with motion and clicks on a
 * mouse, files opened, read, captured and closed, and pended reads ended
 * by close, all at once; in badinput, badinput32 does the same meanwhile.
 */
static int test_fuzz(void)
{
	static int (*const churn[])(struct racer *) = { race_opener, race_closer };
	struct fuzzer fz[FUZZ_THREADS];
	struct racer rc[ARRAY_SIZE(churn)];
	struct injector in = { 0 };
	struct jskf_device d;
	struct vmt_dev m;
	unsigned long calls = 0, enotty = 0, exact = 0, high = 0, ops = 0;
	uint64_t seed = (uint64_t)now_ns() | 1;
	int fd;
#if CALLER64
	static char *const argv[] = { "badinput32", "ioctl-fuzz32", NULL };
	pid_t pid32 = run32(compat_calls(), argv);

	CHECK(pid32 > 0, "fork: %s", strerror(-pid32));
#endif

	CHECK_OK(vmt_mouse_create(&m, "vmtest fuzz" SUFFIX, 0x0611));
	fd = kf_open(0);
	CHECK_OK(fd);
	CHECK_OK(kf_find(fd, m.name, &d));
	close(fd);
	in.mouse = &m;
	CHECK_OK(-pthread_create(&in.thread, NULL, inject_main, &in));
	for (size_t i = 0; i < ARRAY_SIZE(churn); i++) {
		rc[i] = (struct racer){ .fn = churn[i], .mouse = &m, .mouse_id = d.id };
		CHECK_OK(-pthread_create(&rc[i].thread, NULL, racer_main, &rc[i]));
	}
	for (int i = 0; i < FUZZ_THREADS; i++) {
		fz[i] = (struct fuzzer){ .seed = seed + 0x9e3779b97f4a7c15ULL * (i + 1),
					 .n_calls = fuzz_calls(), .mouse_id = d.id };
		CHECK_OK(-pthread_create(&fz[i].thread, NULL, fuzz_main, &fz[i]));
	}
	for (int i = 0; i < FUZZ_THREADS; i++) {
		CHECK_OK(-pthread_join(fz[i].thread, NULL));
		calls += fz[i].calls;
		enotty += fz[i].enotty;
		exact += fz[i].exact;
		high += fz[i].high;
	}
	__atomic_store_n(&in.stop, 1, __ATOMIC_RELEASE);
	CHECK_OK(-pthread_join(in.thread, NULL));
	for (size_t i = 0; i < ARRAY_SIZE(churn); i++) {
		CHECK_OK(-pthread_join(rc[i].thread, NULL));
		ops += rc[i].ops;
	}
	vmt_info("ioctl-fuzz%s: %lu calls (%lu ENOTTY, %lu with one exact answer, %lu with a high pointer), %lu open/close/read operations meanwhile, seed %#llx",
		 SUFFIX, calls, enotty, exact, high, ops, (unsigned long long)seed);
	for (int i = 0; i < FUZZ_THREADS; i++)
		CHECK(!fz[i].error, "thread %d: %s", i, fz[i].error);
	for (size_t i = 0; i < ARRAY_SIZE(churn); i++)
		CHECK(!rc[i].error[0], "racer %zu: %s", i, rc[i].error);
	CHECK_EQ(calls, FUZZ_THREADS * fuzz_calls());
#if CALLER64
	CHECK_OK(wait32(pid32));
#endif

	/*
	 * Still sane afterwards (capture only once badinput32 is done: its
	 * files may hold it until then).
	 */
	fd = kf_open(0);
	CHECK_OK(fd);
	CHECK_OK(kf_find(fd, m.name, &d));
#if CALLER64
	CHECK_OK(kf_capture(fd, &d.id, 1, JSKF_CAPTURE_ACTIVE, 0, 0, 0));
#endif
	return 0;
}

#if CALLER64
/* ---- unload and load ---------------------------------------------------- */

static char why[512];

/*
 * Loads the module again and checks that it attached the test's mouse @m
 * and keyboard @k; returns an open file (-1 after a failed check).
 */
static int reload_attached(const char *ko, unsigned long cycle, const struct vmt_dev *m,
			   const struct vmt_dev *k, struct jskf_device *d)
{
	int fd, r;

	r = kf_module_load(ko);
	CHECK(!r, "cycle %lu: finit_module(%s): %s", cycle, ko, strerror(-r));
	fd = kf_open(0);
	CHECK(fd >= 0, "cycle %lu: open: %s", cycle, strerror(-fd));
	CHECK_OK(kf_find(fd, k->name, d));
	CHECK_EQ(d->flags, JSKF_DEVF_KEYBOARD);
	CHECK_OK(kf_find(fd, m->name, d));
	CHECK(d->flags & JSKF_DEVF_POINTER, "cycle %lu: the mouse has flags %#x", cycle, d->flags);
	return fd;
}

/*
 * 50 unload/load cycles with a mouse and a keyboard plugged in and no file
 * open; after each load the module attaches them again and captures work.
 */
static int test_reload(void)
{
	static const struct input_event move[] = { { .type = EV_REL, .code = REL_X, .value = 3 } };
	const char *ko = getenv("VMTEST_KFILTER_KO");
	struct vmt_dev m, k;
	struct stat sb;
	int evfd;

	CHECK(ko, "VMTEST_KFILTER_KO is not set");
	CHECK_OK(vmt_mouse_create(&m, "vmtest reload mouse", 0x0631));
	CHECK_OK(vmt_keyboard_create(&k, "vmtest reload keyboard", 0x0632));
	evfd = evdev_open(m.evdev);
	CHECK_OK(evfd);

	unsigned long reloads = vmt_env_ulong("VMTEST_RELOADS", 50);

	vmt_info("rmmod-insmod: %lu cycles", reloads);
	for (unsigned long i = 0; i < reloads; i++) {
		struct jskf_device d;
		struct exp_rec want[4];
		struct input_event got[4];
		struct recbuf rb;
		int fd, r;

		CHECK(kf_module_refcnt() == 0, "cycle %lu: refcnt %ld before unloading", i,
		      kf_module_refcnt());
		r = kf_module_unload();
		CHECK(!r, "cycle %lu: delete_module: %s", i, strerror(-r));
		CHECK(stat(JSKF_DEVICE_PATH, &sb) < 0 && errno == ENOENT,
		      "cycle %lu: %s still exists after unloading", i, JSKF_DEVICE_PATH);
		CHECK_OK(vmt_frame(&m, move, 1));	/* nobody filters it */
		fd = reload_attached(ko, i, &m, &k, &d);
		CHECK_OK(fd);
		CHECK_OK(kf_capture(fd, &d.id, 1, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_ALL, 0, 0));
		CHECK_OK(vmt_frame(&m, move, 1));
		want[0] = (struct exp_rec){ d.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
		want[1] = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL,
					    JSKF_STATE_OWNER | JSKF_STATE_ACTIVE, 0 };
		want[2] = (struct exp_rec){ d.id, EV_REL, REL_X, 3, JSKF_RECF_SWALLOWED };
		want[3] = (struct exp_rec){ d.id, EV_SYN, SYN_REPORT, 0, JSKF_RECF_SWALLOWED };
		recbuf_init(&rb);
		r = kf_drain(fd, &rb);
		CHECK(!r, "cycle %lu: reading: %s", i, vmt_strerror(r));
		CHECK(!recs_compare(rb.r, rb.n, want, 4, why, sizeof(why)), "cycle %lu: %s", i, why);
		recbuf_free(&rb);
		close(fd);

		/* evdev got the frame made while unloaded, not the swallowed one. */
		r = evdev_read_all(evfd, got, 4);
		CHECK(r == 2 && got[0].code == REL_X && got[0].value == 3,
		      "cycle %lu: evdev read %d events", i, r);
	}
	return 0;
}


/*
 * Owners come and go while the module is unloaded and loaded again: a file
 * open pins the module, so delete_module() must fail (EAGAIN, or EBUSY)
 * while one is open and succeed when none is.
 */
#define OWNERS 2

struct owner {
	pthread_t thread;
	struct vmt_dev *mouse;
	int *stop, *pause;
	/*
	 * Published for the unloader (sequentially consistent): maybe is 1
	 * from just before open() to just after close() returned, sure
	 * from just after open() returned to just before close(); gen
	 * counts the maybe periods.  The pended read is over before close().
	 */
	int maybe, sure;
	unsigned long gen;
	unsigned long opens, refused, captures, reads, cancels;
	char error[200];
};

static int owner_fail(struct owner *o, const char *what, int r)
{
	snprintf(o->error, sizeof(o->error), "%s: unexpected %d (%s)", what, r, strerror(-r));
	return -1;
}

/* One open file: capture, a frame, a pended read ended by a cancel, an event or its deadline. */
static int owner_file(struct owner *o, int fd, uint64_t rnd)
{
	static const struct input_event move[] = { { .type = EV_REL, .code = REL_Y, .value = 2 } };
	struct jskf_info info;
	struct pender p;
	int r;

	r = kf_capture(fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS | JSKF_CAPTURE_ACTIVE,
		       JSKF_CLASS_MOTION, 0, 0);
	if (r && r != -EBUSY)
		return owner_fail(o, "capture", r);
	if (!r) {
		o->captures++;
		/* The capture's records are queued; take them, then wait. */
		kf_read_init(&p.rd, p.buf, ARRAY_SIZE(p.buf), JSKF_READ_DEADLINE, 0);
		r = kf_read(fd, &p.rd);
		if (r)
			return owner_fail(o, "read", r);
	}
	r = kf_info(fd, &info);
	if (r)
		return owner_fail(o, "info", r);
	r = pender_start(&p, fd, JSKF_READ_DEADLINE | JSKF_READ_DEVLIST, now_ns() + 10 * MS,
			 info.devlist_gen);
	if (r)
		return owner_fail(o, "pthread_create", r);
	pender_wait_blocked(&p, 20);
	switch (rnd % 3) {
	case 0:
		r = kf_ioctl(fd, JSKF_IOC_CANCEL, NULL);
		o->cancels++;
		break;
	case 1:
		r = vmt_frame(o->mouse, move, 1);
		break;
	default:
		r = 0;	/* the deadline */
	}
	if (r)
		return owner_fail(o, "cancel/frame", r);
	pthread_join(p.thread, NULL);
	o->reads++;
	if (p.ret && p.ret != -ECANCELED && p.ret != -ETIMEDOUT)
		return owner_fail(o, "pended read", p.ret);
	return 0;
}

static void *owner_main(void *arg)
{
	struct owner *o = arg;
	uint64_t s = (uintptr_t)o | 1;

	while (!__atomic_load_n(o->stop, __ATOMIC_SEQ_CST)) {
		uint64_t rnd = next_rand(&s);
		int fd, r = 0;

		if (__atomic_load_n(o->pause, __ATOMIC_SEQ_CST)) {
			usleep(500);
			continue;
		}
		__atomic_add_fetch(&o->gen, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&o->maybe, 1, __ATOMIC_SEQ_CST);
		fd = kf_open(0);
		if (fd >= 0) {
			__atomic_store_n(&o->sure, 1, __ATOMIC_SEQ_CST);
			o->opens++;
			r = owner_file(o, fd, rnd);
			__atomic_store_n(&o->sure, 0, __ATOMIC_SEQ_CST);
			close(fd);
		} else if (fd == -ENOENT || fd == -ENODEV || fd == -ENXIO) {
			o->refused++;	/* unloaded, or going */
		} else {
			r = owner_fail(o, "open", fd);
		}
		__atomic_store_n(&o->maybe, 0, __ATOMIC_SEQ_CST);
		if (r)
			break;
		/* Open about half the time: unloads meet files and gaps. */
		usleep((rnd >> 32) % 15000);
	}
	return NULL;
}

struct owners_view {
	int maybe[OWNERS], sure[OWNERS];
	unsigned long gen[OWNERS];
};

static void owners_look(const struct owner *o, struct owners_view *v)
{
	for (int i = 0; i < OWNERS; i++) {
		v->sure[i] = __atomic_load_n(&o[i].sure, __ATOMIC_SEQ_CST);
		v->maybe[i] = __atomic_load_n(&o[i].maybe, __ATOMIC_SEQ_CST);
		v->gen[i] = __atomic_load_n(&o[i].gen, __ATOMIC_SEQ_CST);
	}
}

/* Some owner had a file open during the whole call. */
static bool owners_held(const struct owners_view *a, const struct owners_view *b)
{
	for (int i = 0; i < OWNERS; i++)
		if (a->sure[i] && b->sure[i] && a->gen[i] == b->gen[i])
			return true;
	return false;
}

/* Some owner may have had a file open at some moment of the call. */
static bool owners_maybe(const struct owners_view *a, const struct owners_view *b)
{
	for (int i = 0; i < OWNERS; i++)
		if (a->maybe[i] || b->maybe[i] || a->gen[i] != b->gen[i])
			return true;
	return false;
}

/*
 * One delete_module() while the owners run; its result must match what
 * they were doing.  1 if it unloaded the module, 0 if not, -1 on failure.
 */
static int owners_unload(struct owner *o, unsigned long cycle, unsigned long *busy)
{
	struct owners_view a, b;
	int r;

	owners_look(o, &a);
	r = kf_module_unload();
	owners_look(o, &b);
	if (!r) {
		CHECK(!owners_held(&a, &b), "cycle %lu: unloaded while a file was open", cycle);
		return 1;
	}
	CHECK(r == -EAGAIN || r == -EBUSY, "cycle %lu: delete_module: %s", cycle, strerror(-r));
	CHECK(owners_maybe(&a, &b), "cycle %lu: delete_module gave %s with no file open", cycle,
	      strerror(-r));
	(*busy)++;
	return 0;
}

static int test_reload_owners(void)
{
	const char *ko = getenv("VMTEST_KFILTER_KO");
	unsigned long reloads = vmt_env_ulong("VMTEST_RELOADS", 50), busy = 0, quiet = 0, amid = 0;
	unsigned long opens = 0, refused = 0, captures = 0, reads = 0, cancels = 0;
	struct owner o[OWNERS];
	int stop = 0, pause = 0;
	uint64_t s = (uint64_t)now_ns() | 1;
	struct vmt_dev m, k;
	struct stat sb;

	CHECK(ko, "VMTEST_KFILTER_KO is not set");
	CHECK_OK(vmt_mouse_create(&m, "vmtest owners mouse", 0x0633));
	CHECK_OK(vmt_keyboard_create(&k, "vmtest owners keyboard", 0x0634));
	for (int i = 0; i < OWNERS; i++) {
		o[i] = (struct owner){ .mouse = &m, .stop = &stop, .pause = &pause };
		CHECK_OK(-pthread_create(&o[i].thread, NULL, owner_main, &o[i]));
	}

	for (unsigned long i = 0; i < reloads; i++) {
		struct jskf_device d;
		int r = 0, fd;

		/* A few tries while the owners come and go ... */
		for (int t = 0; t < 4 && !r; t++) {
			usleep(next_rand(&s) % 4000);
			r = owners_unload(o, i, &busy);
			if (r < 0)
				return -1;
		}
		if (r)
			amid++;
		/* ... else once none has a file open: it must succeed. */
		if (!r) {
			__atomic_store_n(&pause, 1, __ATOMIC_SEQ_CST);
			for (int j = 0; j < OWNERS; j++)
				while (__atomic_load_n(&o[j].maybe, __ATOMIC_SEQ_CST))
					usleep(500);
			r = kf_module_unload();
			CHECK(!r, "cycle %lu: delete_module with no file open: %s", i, strerror(-r));
			quiet++;
		}
		CHECK(stat(JSKF_DEVICE_PATH, &sb) < 0 && errno == ENOENT,
		      "cycle %lu: %s still exists after unloading", i, JSKF_DEVICE_PATH);
		/* Opens now fail; the owners keep trying while it loads. */
		__atomic_store_n(&pause, 0, __ATOMIC_SEQ_CST);
		usleep(next_rand(&s) % 2000);
		fd = reload_attached(ko, i, &m, &k, &d);
		CHECK_OK(fd);
		close(fd);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < OWNERS; i++) {
		CHECK_OK(-pthread_join(o[i].thread, NULL));
		opens += o[i].opens;
		refused += o[i].refused;
		captures += o[i].captures;
		reads += o[i].reads;
		cancels += o[i].cancels;
	}
	vmt_info("rmmod-owners: %lu cycles: %lu unloads between the owners' files, %lu after waiting for none open, %lu refused while one was; owners: %lu files, %lu captures, %lu pended reads (%lu cancelled), %lu opens refused",
		 reloads, amid, quiet, busy, opens, captures, reads, cancels, refused);
	for (int i = 0; i < OWNERS; i++)
		CHECK(!o[i].error[0], "owner %d: %s", i, o[i].error);
	CHECK(busy > 0, "delete_module never met an open file");
	CHECK_EQ(kf_module_refcnt(), 0);
	return 0;
}
#endif

/*
 * The 900 s limits are for the debug kernel's scale (tests/debug-kernel:
 * a million calls, 200 reloads, with KASAN and lockdep).  vmt_main gives a
 * case no more than its program has left (mkinitramfs.sh -T, 300 s for
 * make vmtest, 3100 s for the debug kernel), so a case that hangs is
 * reported by name before init.sh kills the program.
 */
static const struct vmt_case cases[] = {
	{ "ioctl-enotty" SUFFIX, test_enotty, 0 },
	{ "ioctl-efault" SUFFIX, test_efault, 0 },
	{ "ioctl-einval" SUFFIX, test_einval, 0 },
#if CALLER64
	{ "compat32-errors", test_compat32_errors, 0 },
#endif
	{ "ioctl-fuzz" SUFFIX, test_fuzz, 900 },
#if CALLER64
	{ "open-close-races", test_races, 120 },
	{ "rmmod-insmod", test_reload, 900 },
	{ "rmmod-owners", test_reload_owners, 900 },
#endif
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
