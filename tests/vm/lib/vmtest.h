/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the VM tests: a tiny test runner, uinput mice and keyboards,
 * evdev readers and wrappers around the joystickd_kfilter ioctls.
 *
 * Every helper that can fail returns a negative errno (or a valid fd) and
 * never prints; the test functions report.  Tests run one per forked child
 * (see vmt_main), so they may exit without cleaning up: the kernel closes
 * their files, which also destroys their uinput devices and ends capture.
 */
#ifndef VMTEST_H
#define VMTEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <linux/input.h>

#include "joystickd_kfilter.h"
#include "kmodule.h"

/* ---- runner ---------------------------------------------------------- */

struct vmt_case {
	const char *name;
	int (*fn)(void);	/* 0: pass; else vmt_fail() was called */
	unsigned int timeout_s;	/* 0: 60 s; never more than the program has left */
};

/*
 * Runs each case (or those named in argv, else in $VMTEST_CASES, a space
 * separated list) in a child process.  Prints "PLAN n" (the cases it will
 * report, for the host's count), then "PASS name" or "FAIL name: why" per
 * case; a name in argv that is no case here is a FAIL.  Each case gets
 * its timeout_s, cut to what is left of $VMTEST_PROGRAM_LIMIT (init.sh's
 * kill).  Returns the exit status: 0 if all passed, else 1.
 */
int vmt_main(const struct vmt_case *cases, size_t n, int argc, char **argv);

/* Records the failure message (the first one wins) and returns -1. */
int vmt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "INFO name: text" on the result channel. */
void vmt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...) do {						\
		if (!(cond))						\
			return vmt_fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define CHECK_EQ(got, want) do {					\
		long long got_ = (long long)(got);			\
		long long want_ = (long long)(want);			\
		CHECK(got_ == want_, "%s is %lld, want %lld (%s)",	\
		      #got, got_, want_, #want);			\
	} while (0)

/* expr returns 0/fd or -errno. */
#define CHECK_OK(expr) do {						\
		int r_ = (expr);					\
		CHECK(r_ >= 0, "%s: %s", #expr, strerror(-r_));		\
	} while (0)

/* expr returns -errno; want is a positive errno. */
#define CHECK_ERR(expr, want) do {					\
		int r_ = (expr);					\
		CHECK(r_ == -(want), "%s gave %d (%s), want -%s",	\
		      #expr, r_, r_ < 0 ? strerror(-r_) : "success", #want); \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- time, threads -------------------------------------------------- */

int64_t now_ns(void);
void sleep_ms(unsigned int ms);
/*
 * Waits until thread tid (of this process) sleeps inside ioctl(cmd).
 * 0, or -ETIMEDOUT after timeout_ms.
 */
int wait_blocked_in_ioctl(pid_t tid, unsigned long cmd, unsigned int timeout_ms);

/* ---- pended reads in a thread ---------------------------------------- */

struct pender {
	pthread_t thread;
	int fd;
	struct jskf_read rd;		/* the request; the answer after join */
	struct jskf_record buf[64];
	int ret;			/* kf_read()'s result */
	int64_t t_end;			/* CLOCK_MONOTONIC when it returned */
	pid_t tid;			/* set before the read starts */
	int done;			/* set (atomically) when it returned */
};

/* Starts a thread doing one kf_read(fd) with these flags, deadline, gen. */
int pender_start(struct pender *p, int fd, uint32_t flags, int64_t deadline_ns,
		 uint64_t devlist_gen);
/* Waits until that thread sleeps in the read; 0 or -ETIMEDOUT. */
int pender_wait_blocked(struct pender *p, unsigned int timeout_ms);
bool pender_done(struct pender *p);
/* Joins the thread; -ETIMEDOUT if it has not returned by then. */
int pender_join(struct pender *p, unsigned int timeout_ms);

/* ---- uinput devices and event injection ----------------------------- */

#define VMT_VENDOR	0x4a53	/* "JS": every test device */

struct vmt_dev {
	int fd;			/* /dev/uinput */
	char name[64];
	uint16_t product;
	char evdev[64];		/* /dev/input/eventN */
};

/*
 * A mouse: REL_X/Y, REL_DIAL, wheels (with hi-res), BTN_LEFT ... BTN_EXTRA,
 * MSC_SCAN.  A keyboard: KEY_ESC ... KEY_F12 (no autorepeat).
 */
int vmt_mouse_create(struct vmt_dev *d, const char *name, uint16_t product);
int vmt_keyboard_create(struct vmt_dev *d, const char *name, uint16_t product);
/* Both in one device: a keyboard with a touchpad, a wireless combo. */
int vmt_combo_create(struct vmt_dev *d, const char *name, uint16_t product);
int vmt_dev_destroy(struct vmt_dev *d);

/* The mouse's capabilities, as JSKF_IOC_LIST_DEVICES must report them. */
#define VMT_MOUSE_REL_BITS ((1u << REL_X) | (1u << REL_Y) | (1u << REL_DIAL) | \
			    (1u << REL_WHEEL) | (1u << REL_HWHEEL) | \
			    (1u << REL_WHEEL_HI_RES) | (1u << REL_HWHEEL_HI_RES))
#define VMT_MOUSE_BUTTON_BITS 0x1fu	/* BTN_LEFT ... BTN_EXTRA */
#define VMT_MOUSE_N_KEYS 5u

/* Events to inject, written with as few write()s as possible. */
struct evbuf {
	struct input_event *ev;
	size_t n, cap;
};

void evbuf_add(struct evbuf *b, uint16_t type, uint16_t code, int32_t value);
void evbuf_syn(struct evbuf *b);
/* Writes and empties the buffer; -errno on a failed or short write. */
int evbuf_flush(struct evbuf *b, int uinput_fd);
void evbuf_free(struct evbuf *b);
/* One frame (events then SYN_REPORT), written at once. */
int vmt_frame(struct vmt_dev *d, const struct input_event *ev, size_t n);

/*
 * A HID device made with uhid: unlike uinput, its driver's open and close
 * (what starts and stops a USB mouse's polling) are seen by the creator,
 * as UHID_OPEN and UHID_CLOSE events.  Needs the uhid and hid-generic
 * modules.
 */
struct vmt_uhid {
	int fd;			/* /dev/uhid */
	char name[64];
	int opened;		/* as of the last event read: 1 after UHID_OPEN */
	unsigned int opens, closes;	/* UHID_OPEN and UHID_CLOSE seen */
};

/* A HID mouse: three buttons, X and Y (report: buttons, x, y). */
int vmt_uhid_mouse(struct vmt_uhid *u, const char *name, uint16_t product);
/* A remote: Consumer Control Menu Pick and Data On Screen (KEY_SELECT, KEY_INFO). */
int vmt_uhid_remote(struct vmt_uhid *u, const char *name, uint16_t product);
int vmt_uhid_input(struct vmt_uhid *u, const void *report, size_t size);
/*
 * Reads the device's events for @ms (or until @until_open is what
 * u->opened says, if it is 0 or 1; -1: the whole time), counting opens
 * and closes.  0, or -ETIMEDOUT if @until_open was not reached.
 */
int vmt_uhid_events(struct vmt_uhid *u, int until_open, unsigned int ms);
void vmt_uhid_destroy(struct vmt_uhid *u);

/* ---- evdev readers --------------------------------------------------- */

/* O_NONBLOCK, EVIOCSCLOCKID(CLOCK_MONOTONIC).  fd or -errno. */
int evdev_open(const char *path);
/* Reads what is queued (never waits); count or -errno. */
int evdev_read_all(int fd, struct input_event *ev, size_t max);

/* ---- joystickd_kfilter ------------------------------------------------ */

/* fd or -errno; flags are added to O_RDWR | O_CLOEXEC. */
int kf_open(int flags);
/* The module's reference count (/sys/module/.../refcnt), or -1. */
long kf_module_refcnt(void);
/* 0 or -errno. */
int kf_ioctl(int fd, unsigned long cmd, void *arg);
int kf_info(int fd, struct jskf_info *info);
int kf_stats(int fd, uint32_t dev_id, struct jskf_stats *st);
int kf_capture(int fd, const uint32_t *ids, uint32_t n_ids, uint32_t flags,
	       uint32_t swallow, uint32_t ring_size, uint16_t toggle_code);
int kf_set_active(int fd, uint32_t active);
/* The attached device with this name; -ENOENT if none. */
int kf_find(int fd, const char *name, struct jskf_device *out);

/* A fresh mouse, and a fresh kfilter file that captured it by id. */
struct vmt_cap {
	struct vmt_dev mouse;
	int kfd;
	uint32_t id;
};

int vmt_capture_mouse(struct vmt_cap *c, const char *name, uint16_t product,
		      uint32_t flags, uint32_t swallow, uint32_t ring_size,
		      uint16_t toggle_code);

/* Fills a read request: buffer, capacity, flags, deadline. */
void kf_read_init(struct jskf_read *rd, struct jskf_record *buf, uint32_t capacity,
		  uint32_t flags, int64_t deadline_ns);
int kf_read(int fd, struct jskf_read *rd);

/* Records collected over several batches, with the batches' bookkeeping. */
struct recbuf {
	struct jskf_record *r;
	size_t n, cap;
	uint64_t next_seq;	/* first_seq the next batch must have */
	uint64_t next_batch;	/* batch_seq the next batch must have */
	uint64_t coalesced, dropped;	/* sums over the batches */
	uint32_t state_or;	/* OR of every batch's state */
	uint32_t first_state;	/* state of the first batch */
	uint64_t first_seq0;	/* first_seq of the first batch */
	uint64_t first_batch0;	/* batch_seq of the first batch */
	size_t batches;
};

void recbuf_init(struct recbuf *rb);
void recbuf_free(struct recbuf *rb);
/*
 * Appends a batch after checking that it continues the previous one
 * (first_seq and batch_seq); -EPROTO if it does not.
 */
int recbuf_add_batch(struct recbuf *rb, const struct jskf_read *rd,
		     const struct jskf_record *recs);
/*
 * Reads batches of at most `capacity` records into rb until `want` records
 * are there (waiting up to timeout_ms for each), or, with want 0, until a
 * read waits timeout_ms for nothing.  0 or -errno.
 */
int kf_collect(int fd, struct recbuf *rb, size_t want, uint32_t capacity,
	       unsigned int timeout_ms);

/* Reads (without waiting) whatever is queued. */
int kf_drain(int fd, struct recbuf *rb);

/* strerror(-r), with kf_collect()'s -EPROTO spelled out. */
const char *vmt_strerror(int r);

/* An expected record; flags are compared exactly. */
struct exp_rec {
	uint32_t dev_id;
	uint16_t type, code;
	int32_t value;
	uint32_t flags;
};

/*
 * Compares records (all but time_ns) with the expected ones; on a
 * difference writes a description to why and returns -1.
 */
int recs_compare(const struct jskf_record *got, size_t n_got,
		 const struct exp_rec *want, size_t n_want, char *why, size_t len);

/* Compares evdev events (type, code, value) likewise. */
int events_compare(const struct input_event *got, size_t n_got,
		   const struct input_event *want, size_t n_want, char *why, size_t len);

const char *rec_str(const struct jskf_record *r, char *buf, size_t len);

/* ---- checks: unlike the helpers above, these report (vmt_fail()) ------ */

/* What evdev fd has queued is exactly want[]; when names the moment. */
int vmt_expect_evdev(int fd, const struct input_event *want, size_t n_want,
		     const char *when);
/* What kfilter file kfd has queued (read without waiting) is exactly want[]. */
int vmt_expect_recs(int kfd, const struct exp_rec *want, size_t n_want);

/* ---- environment, kernel memory ------------------------------------- */

/* $name as a positive decimal number, else fallback. */
unsigned long vmt_env_ulong(const char *name, unsigned long fallback);

/* Writes a string to a /proc or /sys file; 0 or -errno. */
int vmt_write_file(const char *path, const char *s);

/* A field of /proc/meminfo ("Slab", "SUnreclaim"), in KiB; -errno. */
long vmt_meminfo_kb(const char *field);

struct vmt_slab {
	char name[64];
	long active;		/* objects in use */
	long objsize;		/* bytes per object */
	long per_slab;		/* objects in one slab: the granularity of "active" */
};

struct vmt_slabs {
	struct vmt_slab s[512];
	size_t n;
};

/*
 * /proc/slabinfo; with shrink, first flushes the per-CPU slabs of every
 * cache (/sys/kernel/slab/NAME/shrink), so that their free objects stop
 * counting as active.  0 or -errno.
 */
int vmt_slab_read(struct vmt_slabs *out, bool shrink);
/* Objects in use in the cache of that name (0 if none). */
long vmt_slab_active(const struct vmt_slabs *ss, const char *name);
/*
 * A quiet count: frees unused dentries and inodes, then keeps per cache the
 * smallest of three shrunk reads (noise is always an over-count).
 */
int vmt_slab_snapshot(struct vmt_slabs *out);
/* Caches the module allocates from: kmalloc-* and any named after it. */
bool vmt_slab_module_may_use(const char *name);
/* Bytes in use in those caches. */
long long vmt_slab_module_bytes(const struct vmt_slabs *ss);

#endif /* VMTEST_H */
