// SPDX-License-Identifier: GPL-2.0
/*
 * joystickd_kfilter: capture ownership, the active flag and the pended
 * read.  Capture belongs to one open file; its queue is published in
 * jskf_owner for the filter.
 */

#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "jskf.h"

static int jskf_capture_check(const struct jskf_capture *req)
{
	if (req->flags & ~(JSKF_CAPTURE_ALL_POINTERS | JSKF_CAPTURE_ACTIVE) ||
	    req->swallow & ~JSKF_CLASS_ALL || req->reserved0 ||
	    (req->deadman_ms && (req->deadman_ms < JSKF_DEADMAN_MIN_MS ||
				 req->deadman_ms > JSKF_DEADMAN_MAX_MS)) ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)) ||
	    req->n_ids > JSKF_MAX_CAPTURE_IDS ||
	    ((req->flags & JSKF_CAPTURE_ALL_POINTERS) && req->n_ids) ||
	    req->toggle_code >= KEY_CNT)
		return -EINVAL;

	if (req->ring_size &&
	    (!is_power_of_2(req->ring_size) ||
	     req->ring_size < JSKF_RING_MIN || req->ring_size > JSKF_RING_MAX))
		return -EINVAL;

	return 0;
}

/* Every id must name an attached pointer.  Caller holds jskf_mutex. */
static int jskf_capture_check_ids(const u32 *ids, u32 n)
{
	struct jskf_dev *jd;
	u32 i;

	for (i = 0; i < n; i++) {
		jd = xa_load(&jskf_devs, ids[i]);
		if (!jd)
			return -ENODEV;
		if (!(jd->flags & JSKF_DEVF_POINTER))
			return -EINVAL;
	}
	return 0;
}

static bool jskf_id_listed(u32 id, const u32 *ids, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * Whether @jf may name keyboard keys (jskf_key_is_button()), which tell
 * their owner when someone types: only when root opened the file and root
 * asks.  A root process that dropped its privileges, or that was handed a
 * file someone else opened, may not.
 */
static bool jskf_may_take_keys(const struct jskf_file *jf)
{
	return jf->root && uid_eq(current_euid(), GLOBAL_ROOT_UID);
}

/* A new capture's queue.  Caller holds jskf_mutex, no capture exists. */
static struct jskf_queue *jskf_capture_begin(struct jskf_file *jf,
					     u32 ring_size)
{
	struct jskf_queue *q;
	struct jskf_dev *jd;
	unsigned long id;

	q = jskf_queue_alloc(ring_size ?: JSKF_RING_DEFAULT, jf,
			     jskf_last_gen + 1);
	if (!q)
		return NULL;
	jskf_last_gen++;

	/*
	 * The new reader has been given no key.  No filter or read touches
	 * this state now: the previous queue is dead and unreachable.
	 */
	xa_for_each(&jskf_devs, id, jd)
		bitmap_zero(jd->reader_down, KEY_CNT);
	return q;
}

/* Whether the request selects @jd. */
static bool jskf_capture_selects(const struct jskf_dev *jd,
				 const struct jskf_capture *req, const u32 *ids)
{
	return (jd->flags & JSKF_DEVF_POINTER) &&
	       ((req->flags & JSKF_CAPTURE_ALL_POINTERS) ||
		jskf_id_listed(jd->id, ids, req->n_ids));
}

/*
 * Opens every device the request needs that is not open yet, before
 * anything changes: a device that cannot open (a signal while waiting for
 * its mutex, its driver's error) fails the call, and the caller closes
 * what was opened.  A device already on its way out (-ENODEV) is left to
 * its disconnect.  Caller holds jskf_mutex.
 */
static int jskf_capture_open(const struct jskf_capture *req, const u32 *ids)
{
	struct jskf_dev *jd;
	unsigned long id;
	int error;

	xa_for_each(&jskf_devs, id, jd) {
		if (!jskf_dev_needed(jd, jskf_capture_selects(jd, req, ids),
				     req->toggle_code))
			continue;
		error = jskf_dev_open(jd);
		if (error && error != -ENODEV)
			return error;
	}
	return 0;
}

/* Closes every device the capture @q (NULL: none) no longer needs. */
static void jskf_capture_close(struct jskf_queue *q)
{
	struct jskf_dev *jd;
	unsigned long id;

	xa_for_each(&jskf_devs, id, jd)
		if (!q || !jskf_dev_needed(jd, jd->captured, q->toggle_code))
			jskf_dev_close(jd, false);
}

/*
 * Applies a checked request.  In id order, a newly captured device gets
 * DEV_ADDED, a device the capture no longer selects hands over its held
 * buttons (jskf_dev_deselect()); then the STATE record of a changed
 * active flag.  Caller holds jskf_mutex.
 */
static void jskf_capture_apply(struct jskf_queue *q,
			       const struct jskf_capture *req, const u32 *ids)
{
	bool active = req->flags & JSKF_CAPTURE_ACTIVE;
	u64 now = ktime_get_ns();
	struct jskf_dev *jd;
	unsigned long id;
	bool want;

	spin_lock_irq(&q->lock);
	WRITE_ONCE(q->capture_flags, req->flags & JSKF_CAPTURE_ALL_POINTERS);
	WRITE_ONCE(q->swallow, req->swallow);
	WRITE_ONCE(q->toggle_code, req->toggle_code);
	WRITE_ONCE(q->deadman_ns, (u64)(req->deadman_ms ?:
					 JSKF_DEADMAN_DEFAULT_MS) * NSEC_PER_MSEC);
	spin_unlock_irq(&q->lock);

	xa_for_each(&jskf_devs, id, jd) {
		want = jskf_capture_selects(jd, req, ids) && jd->opened;
		if (want == jd->captured)
			continue;
		if (!want) {
			jskf_dev_deselect(jd, q);
			continue;
		}
		/* Set before DEV_ADDED is queued, both under the lock. */
		spin_lock_irq(&q->lock);
		WRITE_ONCE(jd->captured, true);
		__jskf_queue_dev(q, jd, JSKF_REC_DEV_ADDED, now);
		spin_unlock_irq(&q->lock);
	}

	spin_lock_irq(&q->lock);
	if (active != q->active)
		__jskf_set_active(q, active, JSKF_STATE_BY_IOCTL, 0, now);
	spin_unlock_irq(&q->lock);
}

long jskf_ioctl_capture(struct jskf_file *jf, void __user *uarg)
{
	u32 ids[JSKF_MAX_CAPTURE_IDS];
	struct jskf_capture req;
	struct jskf_queue *q;
	bool new_capture;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = jskf_capture_check(&req);
	if (ret)
		return ret;
	if (req.toggle_code && !jskf_key_is_button(req.toggle_code) &&
	    !jskf_may_take_keys(jf))
		return -EPERM;
	if (copy_from_user(ids, u64_to_user_ptr(req.ids_ptr),
			   req.n_ids * sizeof(ids[0])))
		return -EFAULT;

	mutex_lock(&jskf_mutex);

	q = jskf_owner_locked();
	if (q && q != jskf_file_queue(jf)) {
		ret = -EBUSY;
		goto out;
	}
	if (q && req.ring_size && req.ring_size != q->size) {
		ret = -EINVAL;
		goto out;
	}
	ret = jskf_capture_check_ids(ids, req.n_ids);
	if (ret)
		goto out;

	new_capture = !q;
	if (new_capture) {
		q = jskf_capture_begin(jf, req.ring_size);
		if (!q) {
			ret = -ENOMEM;
			goto out;
		}
	}

	ret = jskf_capture_open(&req, ids);
	if (ret) {
		/* Back to what the capture was: nothing, or as it stands. */
		jskf_capture_close(new_capture ? NULL : q);
		if (new_capture)
			jskf_queue_put(q);
		goto out;
	}

	jskf_capture_apply(q, &req, ids);

	if (new_capture) {
		rcu_assign_pointer(jf->queue, q);
		rcu_assign_pointer(jskf_owner, q);
	}
	jskf_capture_close(q);
out:
	mutex_unlock(&jskf_mutex);
	jskf_wake();
	return ret;
}

/*
 * Ends @jf's capture: swallowing stops for the next event, the read
 * pended on the queue returns -ECANCELED, its devices are closed.  Caller
 * holds jskf_mutex, which keeps a new capture from starting before the
 * devices have left this one's backlog.
 */
void jskf_capture_end(struct jskf_file *jf)
{
	struct jskf_queue *q = jskf_file_queue(jf);
	struct jskf_dev *jd;
	unsigned long id;

	lockdep_assert_held(&jskf_mutex);

	RCU_INIT_POINTER(jskf_owner, NULL);
	RCU_INIT_POINTER(jf->queue, NULL);
	xa_for_each(&jskf_devs, id, jd)
		WRITE_ONCE(jd->captured, false);

	/* No filter call, and no read finding it, still uses the queue after this. */
	synchronize_rcu();

	jskf_queue_kill(q);
	wake_up_interruptible_all(&q->wait);
	jskf_wake();
	jskf_queue_put(q);
	jskf_capture_close(NULL);
}

long jskf_ioctl_release(struct jskf_file *jf)
{
	long ret = 0;

	mutex_lock(&jskf_mutex);
	if (jskf_file_queue(jf))
		jskf_capture_end(jf);
	else
		ret = -EPERM;
	mutex_unlock(&jskf_mutex);
	return ret;
}

long jskf_ioctl_set_active(struct jskf_file *jf, void __user *uarg)
{
	struct jskf_active req;
	struct jskf_queue *q;
	long ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.active > 1 || req.reserved)
		return -EINVAL;

	mutex_lock(&jskf_mutex);
	q = jskf_file_queue(jf);
	if (q) {
		spin_lock_irq(&q->lock);
		if (q->active != req.active)
			__jskf_set_active(q, req.active, JSKF_STATE_BY_IOCTL, 0,
					  ktime_get_ns());
		spin_unlock_irq(&q->lock);
	} else {
		ret = -EPERM;
	}
	mutex_unlock(&jskf_mutex);
	jskf_wake();
	return ret;
}

/*
 * JSKF_IOC_CAPTURE_KEYS, @size bytes of struct jskf_capture_keys: all of
 * it, or version 1's bits[] alone (the rest reads as zero).
 */
long jskf_ioctl_capture_keys(struct jskf_file *jf, void __user *uarg,
			     unsigned int size)
{
	struct jskf_capture_keys req;
	DECLARE_BITMAP(keys, KEY_CNT);
	struct jskf_queue *q;
	unsigned int word;
	long ret = 0;

	BUILD_BUG_ON(JSKF_KEY_WORDS * 64 != KEY_CNT);
	memset(&req, 0, sizeof(req));
	if (copy_from_user(&req, uarg, size))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	for (word = 0; word < JSKF_KEY_WORDS; word++)
		bitmap_from_u64(keys + word * BITS_TO_LONGS(64), req.bits[word]);
	if (!jskf_may_take_keys(jf) && jskf_has_keyboard_key(keys))
		return -EPERM;

	mutex_lock(&jskf_mutex);
	q = jskf_file_queue(jf);
	if (q) {
		/* Each bit is read on its own by the filter: no tearing. */
		spin_lock_irq(&q->lock);
		for (word = 0; word < BITS_TO_LONGS(KEY_CNT); word++)
			WRITE_ONCE(q->keys[word], keys[word]);
		spin_unlock_irq(&q->lock);
	} else {
		ret = -EPERM;
	}
	mutex_unlock(&jskf_mutex);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* JSKF_IOC_READ                                                          */
/* ---------------------------------------------------------------------- */

/*
 * One read, the only one in flight on its file (JSKF_FILE_READING): it
 * alone moves its queue's read_seq and its file's cancel_done.  It takes
 * no global lock (jskf_read_begin()).
 */
struct jskf_reader {
	struct jskf_file *jf;
	struct jskf_queue *q;		/* referenced; NULL if not the owner */
	u32 cap;
	int cancel_done;		/* jf->cancel_done when the read began */
	u64 devlist_gen;		/* the caller's */
	struct jskf_read *req;		/* the answer is built here */
};

/* The queue of @jf's capture, referenced, or NULL. */
static struct jskf_queue *jskf_queue_of(struct jskf_file *jf)
{
	struct jskf_queue *q;

	/* A queue seen here is put only after a grace period: kref_get() holds. */
	rcu_read_lock();
	q = rcu_dereference(jf->queue);
	if (q)
		kref_get(&q->kref);
	rcu_read_unlock();
	return q;
}

/* A cancel issued since this read began, or before it and not yet taken. */
static bool jskf_read_cancelled(struct jskf_reader *r)
{
	return atomic_read(&r->jf->cancel_gen) != r->cancel_done;
}

static bool jskf_read_devlist(struct jskf_reader *r)
{
	return (r->req->flags & JSKF_READ_DEVLIST) &&
	       atomic64_read(&jskf_devlist_gen) != r->devlist_gen;
}

/*
 * One look at everything the read waits for: 1 when records are there or
 * the device list changed, 0 to go on waiting, or an error.  Must not
 * sleep: the wait helpers call it with the task's state set.
 */
static int jskf_read_try(struct jskf_reader *r)
{
	int ready = 0;

	if (r->q) {
		ready = jskf_queue_ready(r->q);
		if (ready)
			return ready;
	}
	if (jskf_read_cancelled(r))
		return -ECANCELED;
	return jskf_read_devlist(r);
}

/*
 * Waits, with the core's helpers, for something to answer until the
 * absolute CLOCK_MONOTONIC deadline, if any: 0 when there is an answer,
 * or an error.  A signal gives -ERESTARTSYS: the restarted call has the
 * same deadline.  The read is its file's only one, so no wake-up meant for
 * another read of the file can be taken and lost here.
 *
 * The helpers without might_sleep() (the copy of the request checked it
 * on the way in): on a kernel with voluntary preemption it is a
 * preemption point, and the reader the read's output has just woken (a
 * game, on this CPU) would take the CPU there, only to hand it back to a
 * read about to sleep: a context switch away and back for every batch.
 * Without it the read goes to sleep and that reader runs in its place.
 */
static int jskf_read_wait(struct file *file, struct jskf_reader *r)
{
	wait_queue_head_t *wq = r->q ? &r->q->wait : &jskf_wait;
	bool timed = r->req->flags & JSKF_READ_DEADLINE;
	ktime_t left = 0;
	int why, ret;

	why = jskf_read_try(r);
	if (!why && (file->f_flags & O_NONBLOCK))
		return -EAGAIN;
	if (!why && timed) {
		left = ktime_sub(ns_to_ktime(r->req->deadline_ns), ktime_get());
		if (ktime_compare(left, 0) <= 0)
			return -ETIMEDOUT;
	}
	if (!why) {
		atomic64_inc(&jskf_reads_pended);
		if (timed)
			ret = __wait_event_hrtimeout(*wq,
					(why = jskf_read_try(r)) != 0, left,
					TASK_INTERRUPTIBLE);
		else
			ret = __wait_event_interruptible(*wq,
					(why = jskf_read_try(r)) != 0);
		/* What came as the deadline passed still wins over it. */
		if (ret == -ETIME) {
			why = jskf_read_try(r);
			if (!why)
				return -ETIMEDOUT;
		} else if (ret) {
			return ret;
		}
	}
	return why < 0 ? why : 0;
}

/* The state of the answer, as of now (the queue adds OVERFLOW). */
static void jskf_read_state(struct jskf_reader *r)
{
	struct jskf_read *req = r->req;
	u64 gen = atomic64_read(&jskf_devlist_gen);

	req->devlist_gen = gen;
	req->state = 0;
	if ((req->flags & JSKF_READ_DEVLIST) && gen != r->devlist_gen)
		req->state |= JSKF_STATE_DEVLIST;
	if (r->q) {
		req->state |= JSKF_STATE_OWNER;
		if (READ_ONCE(r->q->active))
			req->state |= JSKF_STATE_ACTIVE;
	}
}

/*
 * Waits, then answers: a batch of records (copied out by the queue, which
 * keeps them if the copy faults), or, with JSKF_READ_DEVLIST, a changed
 * device list alone.
 */
static int jskf_read_answer(struct file *file, struct jskf_reader *r,
			    void __user *uarg)
{
	struct jskf_read *req = r->req;
	int n;

	for (;;) {
		n = jskf_read_wait(file, r);
		if (n)
			return n;

		jskf_read_state(r);
		if (r->q) {
			n = jskf_queue_read(r->q, r->cap, req, uarg);
			if (n)
				return n < 0 ? n : 0;
		}
		if (req->state & JSKF_STATE_DEVLIST)
			return copy_to_user(uarg, req, sizeof(*req)) ?
			       -EFAULT : 0;
	}
}

long jskf_ioctl_read(struct file *file, struct jskf_file *jf,
		     void __user *uarg)
{
	struct jskf_reader r = { .jf = jf };
	struct jskf_read req;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!req.capacity || req.reserved ||
	    req.flags & ~(JSKF_READ_DEADLINE | JSKF_READ_DEVLIST |
			  JSKF_READ_OUTPUT))
		return -EINVAL;
	if (req.flags & JSKF_READ_OUTPUT ?
	    !req.output_count || req.output_count > JSKF_OUTPUT_MAX ||
	    req.output_slot >= JSKF_OUTPUT_SLOTS :
	    req.output_ptr || req.output_count || req.output_slot)
		return -EINVAL;
	if (test_and_set_bit_lock(JSKF_FILE_READING, &jf->flags))
		return -EBUSY;
	jskf_read_begin();

	r.req = &req;
	r.cap = min_t(u32, req.capacity, JSKF_MAX_BATCH);
	r.devlist_gen = req.devlist_gen;
	r.cancel_done = atomic_read(&jf->cancel_done);
	r.q = jskf_queue_of(jf);
	if (!r.q && !(req.flags & JSKF_READ_DEVLIST)) {
		ret = -EPERM;
		goto out;
	}

	if (req.flags & JSKF_READ_OUTPUT) {
		ret = jskf_out_send(jf, &req);
		if (ret)
			goto out_put;
	}

	req.batch_seq = 0;
	req.first_seq = 0;
	req.count = 0;
	req.coalesced = 0;
	req.dropped = 0;
	req.state = 0;

	ret = jskf_read_answer(file, &r, uarg);
	/* The output went: a restart would send it again. */
	if (ret == -ERESTARTSYS && (req.flags & JSKF_READ_OUTPUT))
		ret = -EINTR;
	/* The file was told the generation only if the answer got out. */
	if (!ret)
		jskf_told_devlist(jf, req.devlist_gen);
	/* Every cancel issued until now was this read's. */
	if (ret == -ECANCELED)
		atomic_set(&jf->cancel_done, atomic_read(&jf->cancel_gen));

out_put:
	if (r.q)
		jskf_queue_put(r.q);
out:
	jskf_read_end();
	clear_bit_unlock(JSKF_FILE_READING, &jf->flags);
	return ret;
}
