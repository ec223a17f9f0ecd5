// SPDX-License-Identifier: GPL-2.0
/*
 * joystickd_kfilter: the capture owner's queue.
 *
 * A ring of records numbered by sequence: next_seq - read_seq records are
 * queued, record s sits at ring[s & (size - 1)].  A frame goes into the
 * ring whole or not at all.  When it does not fit, or while older state is
 * still waiting, the frame goes to its device's backlog instead: relative
 * motion is summed per axis, key events are dropped and remembered for a
 * resync.  The backlog is a FIFO of devices (plus one slot for a STATE
 * record) that is flushed into the ring, device by device and each device
 * whole, as soon as there is room: before every frame and after every read.
 * The filter's own records (STATE, DEV_ADDED, DEV_REMOVED) take the same
 * path, so none of them is ever lost.
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "jskf.h"

static void jskf_queue_release(struct kref *kref)
{
	struct jskf_queue *q = container_of(kref, struct jskf_queue, kref);

	kvfree(q->ring);
	kfree(q);
}

struct jskf_queue *jskf_queue_alloc(u32 size, struct jskf_file *owner,
				    u64 gen)
{
	struct jskf_queue *q;

	/* The largest backlog entry must fit in an empty ring. */
	BUILD_BUG_ON(JSKF_RING_MIN < 3 + REL_CNT + KEY_CNT);

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;

	q->ring = kvcalloc(size, sizeof(*q->ring), GFP_KERNEL);
	if (!q->ring) {
		kfree(q);
		return NULL;
	}

	kref_init(&q->kref);
	q->gen = gen;
	q->owner = owner;
	q->size = size;
	q->deadman_ns = (u64)JSKF_DEADMAN_DEFAULT_MS * NSEC_PER_MSEC;
	bitmap_set(q->keys, JSKF_POINTER_BUTTONS_FIRST,
		   JSKF_POINTER_BUTTONS_LAST - JSKF_POINTER_BUTTONS_FIRST + 1);
	init_waitqueue_head(&q->wait);
	spin_lock_init(&q->lock);
	q->next_seq = 1;
	q->read_seq = 1;
	INIT_LIST_HEAD(&q->backlog);
	INIT_LIST_HEAD(&q->state_node);
	return q;
}

/* Process context only: the last reference frees the ring with kvfree(). */
void jskf_queue_put(struct jskf_queue *q)
{
	kref_put(&q->kref, jskf_queue_release);
}

static u32 __jskf_room(const struct jskf_queue *q)
{
	return q->size - (u32)(q->next_seq - q->read_seq);
}

/* Records wait for the owner from now on, unless some did already. */
static void __jskf_waiting(struct jskf_queue *q)
{
	if (!q->stall_since)
		WRITE_ONCE(q->stall_since, ktime_get_ns());
}

static void __jskf_put(struct jskf_queue *q, const struct jskf_record *rec)
{
	u32 used;

	__jskf_waiting(q);
	q->ring[q->next_seq & (q->size - 1)] = *rec;
	q->next_seq++;

	used = q->next_seq - q->read_seq;
	if (used > q->high_water)
		q->high_water = used;
}

static void __jskf_put_own(struct jskf_queue *q, u64 time_ns, u32 dev_id,
			   u16 type)
{
	struct jskf_record rec = {
		.time_ns = time_ns,
		.dev_id = dev_id,
		.type = type,
	};

	__jskf_put(q, &rec);
}

static void __jskf_put_syn(struct jskf_queue *q, u64 time_ns, u32 dev_id,
			   u32 flags)
{
	struct jskf_record rec = {
		.time_ns = time_ns,
		.dev_id = dev_id,
		.type = EV_SYN,
		.code = SYN_REPORT,
		.flags = flags,
	};

	__jskf_put(q, &rec);
}

/* Puts @jd at the tail of the backlog unless it is there already. */
static void __jskf_backlog_add(struct jskf_queue *q, struct jskf_dev *jd)
{
	__jskf_waiting(q);
	if (!list_empty(&jd->backlog))
		return;

	kref_get(&jd->kref);
	list_add_tail(&jd->backlog, &q->backlog);
}

/* Forgets what @jd owes the reader and takes it off the backlog. */
static void __jskf_backlog_drop(struct jskf_dev *jd)
{
	memset(jd->acc, 0, sizeof(jd->acc));
	bitmap_zero(jd->acc_mask, REL_CNT);
	jd->acc_events = 0;
	bitmap_zero(jd->resync, KEY_CNT);
	jd->added_pending = false;
	jd->removed_pending = false;

	list_del_init(&jd->backlog);
	/* May free @jd: a detached device waits here for its DEV_REMOVED. */
	jskf_dev_put(jd);
}

/* A resync record is needed where the reader's idea of a key is wrong. */
static u32 __jskf_resync_count(const struct jskf_dev *jd)
{
	unsigned int code;
	u32 n = 0;

	for_each_set_bit(code, jd->resync, KEY_CNT)
		if (test_bit(code, jd->resync_down) !=
		    test_bit(code, jd->reader_down))
			n++;
	return n;
}

/*
 * Moves what @jd owes the reader into the ring, if all of it fits:
 * DEV_ADDED, the per-axis sums, the key resyncs and a SYN_REPORT after
 * them, DEV_REMOVED.  A sum beyond the __s32 range goes out clamped
 * (JSKF_RECF_SATURATED) and its remainder stays behind for the next
 * record: @jd then keeps its place at the head of the backlog, and only
 * its DEV_REMOVED, if any, waits for the last of it.  Returns true when
 * @jd owes nothing more.
 */
static bool __jskf_flush_dev(struct jskf_queue *q, struct jskf_dev *jd)
{
	bool rest = false;
	u32 n_sums = bitmap_weight(jd->acc_mask, REL_CNT);
	u32 n_keys = __jskf_resync_count(jd);
	u32 n_saturated = 0;
	unsigned int code;
	u32 need;

	need = jd->added_pending + n_sums + n_keys + jd->removed_pending;
	if (n_sums + n_keys)
		need++;
	if (need > __jskf_room(q))
		return false;

	if (jd->added_pending) {
		__jskf_put_own(q, jd->added_ns, jd->id, JSKF_REC_DEV_ADDED);
		jd->added_pending = false;
	}

	for_each_set_bit(code, jd->acc_mask, REL_CNT) {
		struct jskf_record rec = {
			.time_ns = jd->acc_ns,
			.dev_id = jd->id,
			.type = EV_REL,
			.code = code,
			.value = clamp_t(s64, jd->acc[code], S32_MIN, S32_MAX),
			.flags = JSKF_RECF_COALESCED,
		};

		jd->acc[code] -= rec.value;
		if (jd->acc[code]) {
			rec.flags |= JSKF_RECF_SATURATED;
			n_saturated++;
			rest = true;
		} else {
			__clear_bit(code, jd->acc_mask);
		}
		__jskf_put(q, &rec);
	}

	for_each_set_bit(code, jd->resync, KEY_CNT) {
		struct jskf_record rec = {
			.time_ns = jd->acc_ns,
			.dev_id = jd->id,
			.type = EV_KEY,
			.code = code,
			.value = test_bit(code, jd->resync_down),
			.flags = JSKF_RECF_RESYNC,
		};

		if (rec.value == test_bit(code, jd->reader_down))
			continue;
		__assign_bit(code, jd->reader_down, rec.value);
		__jskf_put(q, &rec);
	}

	if (n_sums + n_keys)
		__jskf_put_syn(q, jd->acc_ns, jd->id, 0);
	bitmap_zero(jd->resync, KEY_CNT);

	/* Every event summed is counted once, with the first record. */
	if (jd->acc_events > n_sums) {
		q->coalesced += jd->acc_events - n_sums;
		jskf_count(jd, JSKF_CTR_COALESCED, jd->acc_events - n_sums);
	}
	jd->acc_events = 0;
	if (n_saturated)
		jskf_count(jd, JSKF_CTR_SATURATED, n_saturated);
	if (rest)
		return false;

	if (jd->removed_pending)
		__jskf_put_own(q, jd->removed_ns, jd->id, JSKF_REC_DEV_REMOVED);

	__jskf_backlog_drop(jd);
	return true;
}

/* Moves as much of the backlog into the ring as fits, in order. */
static void __jskf_flush(struct jskf_queue *q)
{
	struct list_head *pos, *next;

	lockdep_assert_held(&q->lock);

	list_for_each_safe(pos, next, &q->backlog) {
		if (pos == &q->state_node) {
			if (!__jskf_room(q))
				return;
			__jskf_put(q, &q->state_rec);
			list_del_init(&q->state_node);
		} else if (!__jskf_flush_dev(q, list_entry(pos, struct jskf_dev,
							   backlog))) {
			return;
		}
	}
}

/* True when @need records may go straight into the ring. */
static bool __jskf_fits(struct jskf_queue *q, u32 need)
{
	__jskf_flush(q);
	return list_empty(&q->backlog) && need <= __jskf_room(q);
}

/* Sums the frame's motion into the backlog and drops its keys. */
static void __jskf_backlog_frame(struct jskf_queue *q, struct jskf_dev *jd,
				 u64 time_ns)
{
	const struct jskf_record *rec, *end = jd->stage + jd->stage_n;
	u32 dropped = 0;

	for (rec = jd->stage; rec != end; rec++) {
		if (rec->type == EV_REL) {
			/* At the limit, the sum stays there: reported as saturated. */
			if (check_add_overflow(jd->acc[rec->code], (s64)rec->value,
					       &jd->acc[rec->code]))
				jd->acc[rec->code] = rec->value < 0 ? S64_MIN : S64_MAX;
			__set_bit(rec->code, jd->acc_mask);
			jd->acc_events++;
		} else {
			__set_bit(rec->code, jd->resync);
			__assign_bit(rec->code, jd->resync_down, rec->value);
			dropped++;
		}
	}

	jd->acc_ns = time_ns;
	q->overflows++;
	q->dropped += dropped;
	if (dropped)
		jskf_count(jd, JSKF_CTR_DROPPED, dropped);
	__jskf_backlog_add(q, jd);
}

/*
 * The filter's commit of one frame: the records staged in @jd followed by
 * a SYN_REPORT.  Runs in the filter, under dev->event_lock.
 */
void jskf_queue_frame(struct jskf_queue *q, struct jskf_dev *jd,
		      u64 time_ns, bool syn_swallowed)
{
	struct jskf_record *rec, *end = jd->stage + jd->stage_n;

	/* As in jskf_toggle(): interrupts are off unless PREEMPT_RT. */
	spin_lock(&q->lock);

	/* Detached meanwhile: its DEV_REMOVED must stay its last record. */
	if (jd->gone)
		goto out;

	if (jd->stage_lost) {
		q->dropped += jd->stage_lost;
		jskf_count(jd, JSKF_CTR_DROPPED, jd->stage_lost);
	}

	if (!__jskf_fits(q, jd->stage_n + 1)) {
		__jskf_backlog_frame(q, jd, time_ns);
		goto out;
	}

	for (rec = jd->stage; rec != end; rec++) {
		rec->time_ns = time_ns;
		if (rec->type == EV_KEY)
			__assign_bit(rec->code, jd->reader_down, rec->value);
		__jskf_put(q, rec);
	}
	__jskf_put_syn(q, time_ns, jd->id,
		       syn_swallowed ? JSKF_RECF_SWALLOWED : 0);
out:
	spin_unlock(&q->lock);
	jskf_wake_records(q);
}

/* Queues DEV_ADDED or DEV_REMOVED for @jd. */
void __jskf_queue_dev(struct jskf_queue *q, struct jskf_dev *jd, u16 type,
		      u64 time_ns)
{
	lockdep_assert_held(&q->lock);

	if (__jskf_fits(q, 1)) {
		__jskf_put_own(q, time_ns, jd->id, type);
		return;
	}

	q->overflows++;
	if (type == JSKF_REC_DEV_ADDED) {
		jd->added_pending = true;
		jd->added_ns = time_ns;
	} else {
		jd->removed_pending = true;
		jd->removed_ns = time_ns;
	}
	__jskf_backlog_add(q, jd);
}

/* Sets the active flag and queues the STATE record that says so. */
void __jskf_set_active(struct jskf_queue *q, bool active, u16 code,
		       u32 dev_id, u64 time_ns)
{
	struct jskf_record rec = {
		.time_ns = time_ns,
		.dev_id = dev_id,
		.type = JSKF_REC_STATE,
		.code = code,
		.value = JSKF_STATE_OWNER | (active ? JSKF_STATE_ACTIVE : 0),
	};

	lockdep_assert_held(&q->lock);

	WRITE_ONCE(q->active, active);

	if (__jskf_fits(q, 1)) {
		__jskf_put(q, &rec);
		return;
	}

	/*
	 * A STATE record still waiting is replaced by the newer one, which
	 * takes the newer one's place: after what the backlog took since.
	 */
	q->overflows++;
	q->state_rec = rec;
	list_move_tail(&q->state_node, &q->backlog);
}

/* Adds each record's device, by id, to counter @c: the ring's @n from @first. */
static void jskf_count_ring(struct jskf_queue *q, u64 first, u32 n,
			    enum jskf_ctr c)
{
	u32 mask = q->size - 1;
	u32 at = first & mask;
	u32 part = min(n, q->size - at);

	jskf_count_records(q->ring + at, part, c);
	jskf_count_records(q->ring, n - part, c);
}

/*
 * Copies @n records of the ring from slot @at on (wrapping to its start)
 * to @dst, in one user access: @n is at most the ring's own size, so the
 * object checks of copy_to_user() (hardened usercopy: 8.5 % of joystickd's
 * samples in a profile of the bench) would check what is known.
 */
static int jskf_copy_ring(struct jskf_queue *q, u32 at, u32 n,
			  void __user *dst)
{
	size_t len = n * sizeof(*q->ring);
	size_t part = min(n, q->size - at) * sizeof(*q->ring);

	if (!user_access_begin(dst, len))
		return -EFAULT;
	/* void *: x86's macro takes bytes */
	unsafe_copy_to_user(dst, (const void *)(q->ring + at), part, efault);
	if (len > part)
		unsafe_copy_to_user(dst + part, (const void *)q->ring,
				    len - part, efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/*
 * Copies the oldest records, up to @cap, straight from the ring to the
 * caller's records_ptr, then the batch header @out to @uarg, and only then
 * takes them off the ring: a fault leaves every record queued, whole, for
 * the next read.  Returns the number of records, 0 if there were none (the
 * caller goes on waiting; @out is untouched), -ECANCELED once the capture
 * has ended, or -EFAULT.  The owner file's one read (JSKF_FILE_READING)
 * is the only caller at a time: nothing else moves read_seq, and no lock
 * but q->lock is taken.
 */
int jskf_queue_read(struct jskf_queue *q, u32 cap, struct jskf_read *out,
		    void __user *uarg)
{
	struct jskf_record __user *dst = u64_to_user_ptr(out->records_ptr);
	u32 mask = q->size - 1;
	u64 first, coalesced, dropped, overflows;
	bool more;
	u32 n;
	int ret;

	spin_lock_irq(&q->lock);
	ret = q->dead ? -ECANCELED : 0;
	first = q->read_seq;
	n = min_t(u64, q->next_seq - q->read_seq, cap);
	coalesced = q->coalesced;
	dropped = q->dropped;
	overflows = q->overflows;
	spin_unlock_irq(&q->lock);
	if (ret || !n)
		return ret;

	out->first_seq = first;
	out->batch_seq = q->batch_seq + 1;
	out->count = n;
	out->coalesced = min_t(u64, coalesced, U32_MAX);
	out->dropped = min_t(u64, dropped, U32_MAX);
	if (overflows != q->overflows_told)
		out->state |= JSKF_STATE_OVERFLOW;

	/* The filter writes no slot from read_seq on until read_seq moves. */
	if (jskf_copy_ring(q, first & mask, n, dst) ||
	    copy_to_user(uarg, out, sizeof(*out)))
		return -EFAULT;
	jskf_count_ring(q, first, n, JSKF_CTR_DELIVERED);

	spin_lock_irq(&q->lock);
	q->read_seq += n;
	q->batch_seq++;
	q->coalesced -= min_t(u64, coalesced, U32_MAX);
	q->dropped -= min_t(u64, dropped, U32_MAX);
	q->overflows_told = overflows;
	__jskf_flush(q);
	more = q->next_seq != q->read_seq;
	/* The owner is alive: what is left waits from now on. */
	WRITE_ONCE(q->stall_since, more ? ktime_get_ns() : 0);
	spin_unlock_irq(&q->lock);
	return n;
}

/* 1: records are queued, 0: none, -ECANCELED: the capture has ended. */
int jskf_queue_ready(struct jskf_queue *q)
{
	int ret;

	spin_lock_irq(&q->lock);
	ret = q->dead ? -ECANCELED : q->next_seq != q->read_seq;
	spin_unlock_irq(&q->lock);
	return ret;
}

/*
 * The dead-man switch, at a captured frame's first event (in the filter):
 * when the owner has left records uncollected for longer than the bound
 * while capture swallows, capture turns off here, so that this frame and
 * every later one reach the desktop, and the owner finds a STATE record
 * saying why (at the frame's time).  The age is taken on the clock that
 * stamped stall_since, not from the frame's time, which a driver may set
 * from its hardware.  Returns whether capture is still active.
 */
bool jskf_deadman_check(struct jskf_queue *q, struct jskf_dev *jd,
			u64 frame_ns)
{
	u64 since = READ_ONCE(q->stall_since);
	bool fired;
	u64 now;

	if (!since)
		return true;
	now = ktime_get_ns();
	if (now <= since || now - since <= READ_ONCE(q->deadman_ns))
		return true;

	spin_lock(&q->lock);
	since = q->stall_since;
	fired = q->active && q->swallow && since && now > since &&
		now - since > q->deadman_ns;
	if (fired)
		__jskf_set_active(q, false, JSKF_STATE_BY_DEADMAN, jd->id,
				  frame_ns);
	spin_unlock(&q->lock);

	if (fired)
		jskf_wake_records(q);
	return !fired && READ_ONCE(q->active);
}

void jskf_queue_usage(struct jskf_queue *q, struct jskf_stats *st)
{
	spin_lock_irq(&q->lock);
	st->ring_size = q->size;
	st->ring_used = q->next_seq - q->read_seq;
	st->ring_high_water = q->high_water;
	spin_unlock_irq(&q->lock);
}

/*
 * Ends the queue once no filter can reach it any more (jskf_owner cleared,
 * then synchronize_rcu()): reads in flight get -ECANCELED and the backlog
 * lets go of its devices.
 */
void jskf_queue_kill(struct jskf_queue *q)
{
	struct list_head *pos, *next;

	spin_lock_irq(&q->lock);
	q->dead = true;
	list_for_each_safe(pos, next, &q->backlog) {
		if (pos == &q->state_node)
			list_del_init(pos);
		else
			__jskf_backlog_drop(list_entry(pos, struct jskf_dev,
						       backlog));
	}
	spin_unlock_irq(&q->lock);
}
