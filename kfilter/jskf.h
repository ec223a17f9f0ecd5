/* SPDX-License-Identifier: GPL-2.0 */
/*
 * joystickd_kfilter: the state shared by the module's parts.
 *
 * handler.c  the input handler: device table, filter, connect/disconnect
 * queue.c    the capture owner's ring, its backlog and coalescing
 * capture.c  capture, release, the active flag and the pended read
 * chardev.c  /dev/joystickd_kfilter: open/release/poll, the other ioctls
 * output.c   the device a read's output goes to, and the sends
 * main.c     the globals below, module init and exit
 *
 * Locks, and the order they nest in:
 *
 *   jskf_mutex       the device table, ids, devlist generation, which
 *                    devices are open, the owner, the open files and their
 *                    exclusion lists; taken by connect() and disconnect()
 *                    under the input core's input_mutex, so never call the
 *                    input core's (un)registration functions while holding
 *                    it.  Never taken by a read (see jskf_read_begin()).
 *   dev->mutex       (input core) input_open_device() and
 *                    input_close_device() take it under jskf_mutex
 *   dev->event_lock  (input core) held around the filter, taken with
 *                    spin_lock_irqsave(); protects the filter state of
 *                    struct jskf_dev; a capture call takes it (under
 *                    jskf_mutex) to hand over a leaving device's buttons
 *   jskf_queue.lock  the owner's ring and every device's backlog state;
 *                    nests inside any of the above
 *   wait queues      their own locks nest inside any of the above: the
 *                    filter wakes them under dev->event_lock
 *   jskf_out.lock    an output device's: a read's sends against its
 *                    disconnect(); taken under input_mutex by that, under
 *                    nothing of ours by a read; dev->event_lock of the
 *                    output device nests inside it (input_event())
 *
 * The filter runs under rcu_read_lock() (input_pass_values()), which is
 * what keeps the owner queue alive while it uses it: ending a capture
 * clears jskf_owner and waits with synchronize_rcu() before tearing the
 * queue down.  A read finds its file's queue under RCU too, and a device
 * by id (for its counters): a device is freed only after a grace period.
 *
 * Two kinds of kernel, one code (6.1 to 7.2 call the filter the same way):
 * without PREEMPT_RT the filter runs with interrupts off, in process,
 * softirq or hardirq context, so q->lock is taken with spin_lock_irq()
 * everywhere else.  With PREEMPT_RT, spinlock_t is a sleeping lock that
 * leaves interrupts on: the filter runs in a task (a threaded interrupt,
 * a softirq thread or the writer of a uinput device), preemptible with
 * migration disabled, and taking q->lock or waking jskf_wait in it may
 * block briefly but never sleeps in any other way.  Either way the filter
 * must not allocate, wait for anything but these locks, or take a mutex;
 * and no raw_spinlock_t is held around any of these locks.
 */
#ifndef _JSKF_H
#define _JSKF_H

#include <linux/atomic.h>
#include <linux/input.h>
#include <linux/lockdep.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "joystickd_kfilter.h"

/*
 * Ring bounds, in records.  A device's backlog (DEV_ADDED, one sum per
 * axis, one resync record per key, SYN_REPORT, DEV_REMOVED) must always
 * fit in an empty ring, or it could never be flushed: see queue.c.
 */
#define JSKF_RING_MIN		1024
#define JSKF_RING_MAX		65536
#define JSKF_RING_DEFAULT	4096
#define JSKF_MAX_BATCH		1024

enum jskf_ctr {
	JSKF_CTR_SEEN,
	JSKF_CTR_SWALLOWED,
	JSKF_CTR_DELIVERED,
	JSKF_CTR_COALESCED,
	JSKF_CTR_DROPPED,
	JSKF_CTR_SATURATED,
	JSKF_CTR_N
};

/*
 * Statistics, one set per CPU, added to from any context without a lock or
 * an atomic instruction (this_cpu_add()) and summed when read.  (On a
 * 32-bit kernel a sum may read a counter mid-update: statistics only.)
 */
struct jskf_ctrs {
	u64 v[JSKF_CTR_N];
};

/* One attached input device (pointer or keyboard). */
struct jskf_dev {
	struct input_handle handle;
	struct kref kref;		/* the handle's, plus one while in a backlog */
	struct rcu_head rcu;		/* freed after a grace period: readers count by id */
	u32 id;				/* set once at attach, never reused */
	u32 flags;			/* JSKF_DEVF_POINTER and/or _KEYBOARD, fixed */
	bool opened;			/* input_open_device() is in force; jskf_mutex */
	/*
	 * No capture needs it, but a press it swallowed is still held: it
	 * stays open, so that the press's repeats stay swallowed, until the
	 * filter sees the release and jskf_close_work closes it.  Written
	 * under jskf_mutex and dev->event_lock, read by the filter.
	 */
	bool linger;

	/*
	 * Written under jskf_mutex (and under the owner queue's lock when
	 * there is an owner), read locklessly by the filter.  gone: not in
	 * the device table (not yet attached, excluded or disconnected); the
	 * filter ignores the device.  Its clearing is a release that
	 * publishes id, and the filter's read an acquire.  captured: selected
	 * by the capture.
	 */
	bool gone;
	bool captured;

	struct jskf_ctrs __percpu *ctrs;

	/* Filter state: dev->event_lock. */
	u64 filter_gen;			/* capture that delivered_down belongs to */
	bool frame_open;		/* a frame has begun: the latch is set */
	u64 frame_gen;			/* the capture its first event saw, 0: none */
	bool frame_capturing;		/* latched at its first event ... */
	u32 frame_swallow;		/* ... with the classes it swallows */
	bool frame_passed;		/* this frame passed a value to the others */
	bool frame_swallowed;		/* this frame swallowed a value */
	u32 stage_n;			/* records staged for this frame */
	u32 stage_cap;			/* dev->max_vals for pointers, else 0 */
	u32 stage_lost;			/* values that found the stage full */
	struct jskf_record *stage;
	DECLARE_BITMAP(swallowed_down, KEY_CNT);	/* press was swallowed */
	DECLARE_BITMAP(delivered_down, KEY_CNT);	/* press was queued */

	/* Reader-side state: the owner queue's lock. */
	DECLARE_BITMAP(reader_down, KEY_CNT);	/* keys the reader sees down */
	struct list_head backlog;	/* in jskf_queue.backlog, or empty */
	bool added_pending;		/* owes a DEV_ADDED record */
	bool removed_pending;		/* owes a DEV_REMOVED record */
	u64 added_ns;
	u64 removed_ns;
	u64 acc_ns;			/* time of the latest backlogged frame */
	DECLARE_BITMAP(acc_mask, REL_CNT);	/* axes with a sum in acc[] */
	u64 acc_events;			/* REL events summed into acc[] */
	s64 acc[REL_CNT];
	DECLARE_BITMAP(resync, KEY_CNT);	/* keys whose events were dropped */
	DECLARE_BITMAP(resync_down, KEY_CNT);	/* their latest state */
};

/* jskf_file.flags */
#define JSKF_FILE_READING	0	/* a read is in flight: another gets -EBUSY */

/*
 * An output slot of a file: the device wanted next (jskf_mutex), and the
 * one bound, written under jskf_mutex and read under RCU by a read.
 */
struct jskf_out_slot {
	bool wanted;
	struct jskf_input_id id;
	char name[JSKF_NAME_LEN];
	struct jskf_out __rcu *bound;
};

/* One open file of /dev/joystickd_kfilter. */
struct jskf_file {
	struct list_head node;		/* in jskf_files; jskf_mutex */
	/* The capture it owns: written under jskf_mutex, read under RCU. */
	struct jskf_queue __rcu *queue;
	unsigned long flags;		/* JSKF_FILE_*, atomic bit operations */
	/*
	 * Sticky cancel: JSKF_IOC_CANCEL bumps cancel_gen; a read that sees
	 * it differ from cancel_done as it was when the read began returns
	 * -ECANCELED and sets cancel_done to it.  Only the file's one read
	 * writes cancel_done, so it never goes back.
	 */
	atomic_t cancel_gen;
	atomic_t cancel_done;
	bool root;			/* opened by uid 0; fixed */
	atomic64_t devlist_seen;	/* the newest generation it was told */
	u32 n_excludes;			/* jskf_mutex */
	struct jskf_input_id excludes[JSKF_MAX_EXCLUDES];
	/* JSKF_IOC_SET_OUTPUT, one per slot. */
	struct jskf_out_slot out[JSKF_OUTPUT_SLOTS];
};


/* The capture owner's queue. */
struct jskf_queue {
	struct kref kref;		/* the capture's, plus one per read in flight */
	u64 gen;			/* tells captures apart; fixed */
	struct jskf_file *owner;	/* fixed */
	u32 size;			/* ring entries, a power of two; fixed */
	struct jskf_record *ring;

	/* Written under lock, read locklessly by the filter. */
	u32 capture_flags;		/* JSKF_CAPTURE_ALL_POINTERS */
	u32 swallow;			/* JSKF_CLASS_* */
	u16 toggle_code;
	bool active;
	u64 deadman_ns;			/* the dead-man bound */
	u64 stall_since;		/* oldest uncollected record waits since; 0 */
	DECLARE_BITMAP(keys, KEY_CNT);	/* EV_KEY codes captured from pointers */

	/*
	 * The owner's read (its file has one at a time) waits here: records,
	 * a cancel, the end of the capture and device list changes wake it.
	 * It copies records straight from the ring to user space and takes
	 * them off only once the copy succeeded: the filter never writes the
	 * slots between read_seq and next_seq, and only that read moves
	 * read_seq.
	 */
	wait_queue_head_t wait;

	spinlock_t lock;		/* protects the ring and all below */
	bool dead;			/* capture ended: reads get -ECANCELED */
	u64 next_seq;			/* sequence number of the next record */
	u64 read_seq;			/* sequence number of the oldest record */
	u64 batch_seq;			/* of the last batch read */
	u64 coalesced;			/* since the last batch */
	u64 dropped;			/* since the last batch */
	u64 overflows;			/* times the backlog was used ... */
	u64 overflows_told;		/* ... as of the last batch */
	u32 high_water;
	struct list_head backlog;	/* FIFO of jskf_dev.backlog and state_node */
	struct list_head state_node;	/* in backlog while a STATE record waits */
	struct jskf_record state_rec;	/* the latest such STATE record */
};

/* main.c */
extern struct mutex jskf_mutex;
extern struct xarray jskf_devs;
extern u32 jskf_n_devices;
extern u32 jskf_last_id;
extern u64 jskf_last_gen;
extern atomic64_t jskf_devlist_gen;
extern struct jskf_queue __rcu *jskf_owner;
extern wait_queue_head_t jskf_wait;
DECLARE_PER_CPU(struct jskf_ctrs, jskf_totals);
extern atomic64_t jskf_reads_pended;

static inline void jskf_count(struct jskf_dev *jd, enum jskf_ctr c, u64 n)
{
	if (jd)
		this_cpu_add(jd->ctrs->v[c], n);
	this_cpu_add(jskf_totals.v[c], n);
}

/*
 * New records for @q: its pended read, and pollers, if any wait
 * (wq_has_sleeper() spares the wait queues' locks when nobody does).  Any
 * context the filter runs in.
 */
static inline void jskf_wake_records(struct jskf_queue *q)
{
	if (wq_has_sleeper(&q->wait))
		wake_up_interruptible(&q->wait);
	if (wq_has_sleeper(&jskf_wait))
		wake_up_interruptible_poll(&jskf_wait, EPOLLIN | EPOLLRDNORM);
}

/*
 * Everything else a waiter may wait for (the device list, a cancel, the
 * capture's state): every pended read and poller, the owner's included.
 */
static inline void jskf_wake(void)
{
	struct jskf_queue *q;

	rcu_read_lock();
	q = rcu_dereference(jskf_owner);
	if (q)
		wake_up_interruptible_all(&q->wait);
	rcu_read_unlock();
	wake_up_interruptible_all(&jskf_wait);
}

/* The current owner's queue; the caller holds jskf_mutex. */
static inline struct jskf_queue *jskf_owner_locked(void)
{
	return rcu_dereference_protected(jskf_owner,
					 lockdep_is_held(&jskf_mutex));
}

/* The queue of the capture @jf owns, if any; the caller holds jskf_mutex. */
static inline struct jskf_queue *jskf_file_queue(struct jskf_file *jf)
{
	return rcu_dereference_protected(jf->queue,
					 lockdep_is_held(&jskf_mutex));
}

/*
 * Whether a capture selecting @jd (@captured) with the hotkey @toggle
 * needs its events, so that it must be open: devices are opened only
 * while a capture needs them (mousedev opens lazily too).  Caller holds
 * jskf_mutex.
 */
static inline bool jskf_dev_needed(const struct jskf_dev *jd, bool captured,
				   u16 toggle)
{
	return captured || (toggle && test_bit(toggle, jd->handle.dev->keybit));
}

/*
 * The read path takes no global lock, so that a read's latency owes
 * nothing to hotplug or to other files' ioctls.  Under lockdep this is
 * checked: every read holds jskf_read_map, which module init orders
 * inside jskf_mutex, so a read that took jskf_mutex would close a cycle
 * that lockdep reports (the debug-kernel tier runs the suite so).
 */
#ifdef CONFIG_LOCKDEP
extern struct lockdep_map jskf_read_map;
#define jskf_read_begin()	lock_map_acquire(&jskf_read_map)
#define jskf_read_end()		lock_map_release(&jskf_read_map)
#else
#define jskf_read_begin()	do { } while (0)
#define jskf_read_end()		do { } while (0)
#endif

/* handler.c */
extern struct input_handler jskf_handler;
extern struct work_struct jskf_close_work;
void jskf_dev_put(struct jskf_dev *jd);
void jskf_dev_detach(struct jskf_dev *jd);
int jskf_dev_open(struct jskf_dev *jd);
void jskf_dev_close(struct jskf_dev *jd, bool now);
void jskf_dev_deselect(struct jskf_dev *jd, struct jskf_queue *q);
void jskf_count_records(const struct jskf_record *recs, u32 n,
			enum jskf_ctr c);
bool jskf_has_keyboard_key(const unsigned long *keys);

/* queue.c */
struct jskf_queue *jskf_queue_alloc(u32 size, struct jskf_file *owner,
				    u64 gen);
void jskf_queue_put(struct jskf_queue *q);
void jskf_queue_kill(struct jskf_queue *q);
void jskf_queue_frame(struct jskf_queue *q, struct jskf_dev *jd,
		      u64 time_ns, bool syn_swallowed);
void __jskf_queue_dev(struct jskf_queue *q, struct jskf_dev *jd, u16 type,
		      u64 time_ns);
void __jskf_set_active(struct jskf_queue *q, bool active, u16 code,
		       u32 dev_id, u64 time_ns);
int jskf_queue_read(struct jskf_queue *q, u32 cap, struct jskf_read *out,
		    void __user *uarg);
int jskf_queue_ready(struct jskf_queue *q);
void jskf_queue_usage(struct jskf_queue *q, struct jskf_stats *st);
bool jskf_deadman_check(struct jskf_queue *q, struct jskf_dev *jd,
			u64 frame_ns);

/* capture.c */
long jskf_ioctl_capture(struct jskf_file *jf, void __user *uarg);
long jskf_ioctl_release(struct jskf_file *jf);
long jskf_ioctl_set_active(struct jskf_file *jf, void __user *uarg);
long jskf_ioctl_capture_keys(struct jskf_file *jf, void __user *uarg,
			     unsigned int size);
long jskf_ioctl_read(struct file *file, struct jskf_file *jf,
		     void __user *uarg);
void jskf_capture_end(struct jskf_file *jf);

/* chardev.c */
extern struct miscdevice jskf_misc;
bool jskf_excluded(const struct input_id *id);
struct jskf_out_slot *jskf_out_wanter(const struct input_dev *dev);
void jskf_told_devlist(struct jskf_file *jf, u64 gen);

/* output.c */
struct jskf_out;
extern struct input_handler jskf_out_handler;
int jskf_out_send(struct jskf_file *jf, const struct jskf_read *req);
void jskf_out_put(struct jskf_out *out);

/*
 * Version 1's JSKF_IOC_CAPTURE_KEYS: struct jskf_capture_keys without its
 * flags and room (bits[] alone), still served.
 */
#define JSKF_IOC_CAPTURE_KEYS_V1 \
	_IOC(_IOC_WRITE, JSKF_IOC_MAGIC, 0x09, JSKF_KEY_WORDS * sizeof(__u64))

/* What this module does beyond version 1 (jskf_info.features). */
#define JSKF_FEATURES	(JSKF_FEAT_DEADMAN | JSKF_FEAT_RELEASE_PASSES |	\
			 JSKF_FEAT_CAPTURE_KEYS | JSKF_FEAT_STICKY_CANCEL |	\
			 JSKF_FEAT_GRAB_RESYNC | JSKF_FEAT_LATCHED_FRAMES |	\
			 JSKF_FEAT_FAULT_KEEPS | JSKF_FEAT_SATURATED_REST |	\
			 JSKF_FEAT_EXCLUDE_OWNER | JSKF_FEAT_KEYBOARD_ROOT |	\
			 JSKF_FEAT_LAZY_OPEN | JSKF_FEAT_ONE_READ |		\
			 JSKF_FEAT_POLL | JSKF_FEAT_KEYS_FLAGS |		\
			 JSKF_FEAT_READ_OUTPUT)

#endif /* _JSKF_H */
