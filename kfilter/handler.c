// SPDX-License-Identifier: GPL-2.0
/*
 * joystickd_kfilter: the input handler.
 *
 * It attaches with .filter to every pointer (REL_X and REL_Y) and every
 * keyboard (keyboard keys, for the toggle hotkey only), and opens a device
 * only while a capture needs it: selected, or carrying the hotkey.  The
 * filter runs under dev->event_lock and RCU (interrupts off without
 * PREEMPT_RT, a preemptible task with it: jskf.h): it never sleeps or
 * allocates, stages a frame's records in the device and commits them at
 * SYN_REPORT under one lock.
 */

#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "jskf.h"

/* Whether @keys (a KEY_CNT bitmap) has a keyboard key: jskf_key_is_button(). */
bool jskf_has_keyboard_key(const unsigned long *keys)
{
	unsigned int code;

	for_each_set_bit(code, keys, KEY_CNT)
		if (!jskf_key_is_button(code))
			return true;
	return false;
}

/* What a device is to the filter: a pointer, a keyboard, both or neither. */
static u32 jskf_classify(const struct input_dev *dev)
{
	u32 flags = 0;

	if (test_bit(EV_REL, dev->evbit) && test_bit(REL_X, dev->relbit) &&
	    test_bit(REL_Y, dev->relbit))
		flags |= JSKF_DEVF_POINTER;
	if (test_bit(EV_KEY, dev->evbit) && jskf_has_keyboard_key(dev->keybit))
		flags |= JSKF_DEVF_KEYBOARD;
	return flags;
}

static void jskf_dev_free(struct rcu_head *rcu)
{
	struct jskf_dev *jd = container_of(rcu, struct jskf_dev, rcu);

	free_percpu(jd->ctrs);
	kfree(jd->stage);
	kfree(jd);
}

/* A read may still be counting for it by id (jskf_count_records()). */
static void jskf_dev_release(struct kref *kref)
{
	struct jskf_dev *jd = container_of(kref, struct jskf_dev, kref);

	call_rcu(&jd->rcu, jskf_dev_free);
}

/* Any context: the last reference only frees memory, after a grace period. */
void jskf_dev_put(struct jskf_dev *jd)
{
	kref_put(&jd->kref, jskf_dev_release);
}

/* A frame ends, or never happened: the latch and the stage are free. */
static void jskf_frame_reset(struct jskf_dev *jd)
{
	jd->stage_n = 0;
	jd->stage_lost = 0;
	jd->frame_open = false;
	jd->frame_passed = false;
	jd->frame_swallowed = false;
}

/*
 * Opens @jd for a capture (input_open_device(): its driver starts, a USB
 * mouse begins to poll), unless it is open.  The filter state of a closed
 * device is stale: what it did meanwhile went on without the filter.
 * Caller holds jskf_mutex.
 */
int jskf_dev_open(struct jskf_dev *jd)
{
	struct input_dev *dev = jd->handle.dev;
	int error;

	lockdep_assert_held(&jskf_mutex);
	if (jd->opened) {
		spin_lock_irq(&dev->event_lock);
		WRITE_ONCE(jd->linger, false);
		spin_unlock_irq(&dev->event_lock);
		return 0;
	}

	spin_lock_irq(&dev->event_lock);
	jskf_frame_reset(jd);
	bitmap_zero(jd->swallowed_down, KEY_CNT);
	bitmap_zero(jd->delivered_down, KEY_CNT);
	spin_unlock_irq(&dev->event_lock);

	error = input_open_device(&jd->handle);
	if (!error)
		jd->opened = true;
	return error;
}

/*
 * Closes @jd if it is open, no capture needing it; no filter call for it
 * is in flight after.  Unless @now, a device that still holds a press it
 * swallowed lingers until the press is released (jskf_close_work).
 * Caller holds jskf_mutex.
 */
void jskf_dev_close(struct jskf_dev *jd, bool now)
{
	struct input_dev *dev = jd->handle.dev;
	bool held = false;

	lockdep_assert_held(&jskf_mutex);
	if (!jd->opened)
		return;

	spin_lock_irq(&dev->event_lock);
	if (!now)
		held = !bitmap_empty(jd->swallowed_down, KEY_CNT);
	WRITE_ONCE(jd->linger, held);
	spin_unlock_irq(&dev->event_lock);
	if (held)
		return;

	jd->opened = false;
	input_close_device(&jd->handle);
}

/* Closes the lingering devices whose swallowed presses were released. */
static void jskf_close_lingering(struct work_struct *work)
{
	struct jskf_dev *jd;
	unsigned long id;

	mutex_lock(&jskf_mutex);
	xa_for_each(&jskf_devs, id, jd)
		if (READ_ONCE(jd->linger))
			jskf_dev_close(jd, false);
	mutex_unlock(&jskf_mutex);
}

DECLARE_WORK(jskf_close_work, jskf_close_lingering);

/*
 * Enters @jd in the device table unless an open file excludes its input
 * id, captures it if the owner takes every pointer, and opens it if the
 * capture needs it.
 */
static int jskf_dev_attach(struct jskf_dev *jd)
{
	struct jskf_queue *q;
	bool capture;
	int error;

	mutex_lock(&jskf_mutex);

	if (jskf_excluded(&jd->handle.dev->id)) {
		error = -ENODEV;
		goto out;
	}
	if (jskf_last_id == U32_MAX) {
		error = -ENOSPC;
		goto out;
	}

	jd->id = jskf_last_id + 1;
	error = xa_insert(&jskf_devs, jd->id, jd, GFP_KERNEL);
	if (error)
		goto out;
	jskf_last_id = jd->id;
	jskf_n_devices++;
	atomic64_inc(&jskf_devlist_gen);

	q = jskf_owner_locked();
	capture = q && (q->capture_flags & JSKF_CAPTURE_ALL_POINTERS) &&
		  (jd->flags & JSKF_DEVF_POINTER);
	/* A device that will not open stays listed, not captured. */
	if (q && jskf_dev_needed(jd, capture, q->toggle_code) &&
	    jskf_dev_open(jd))
		capture = false;
	if (capture) {
		spin_lock_irq(&q->lock);
		WRITE_ONCE(jd->captured, true);
		__jskf_queue_dev(q, jd, JSKF_REC_DEV_ADDED, ktime_get_ns());
		spin_unlock_irq(&q->lock);
	}
	/* Publishes jd->id (and the rest) to the filter: see jskf_filter(). */
	smp_store_release(&jd->gone, false);

out:
	mutex_unlock(&jskf_mutex);
	if (!error)
		jskf_wake();
	return error;
}

/*
 * Takes @jd out of the device table (it is excluded or disconnected) and
 * closes it; the filter ignores it from now on.  If it was captured, the
 * owner gets its DEV_REMOVED record.  Caller holds jskf_mutex and wakes
 * jskf_wait.
 */
void jskf_dev_detach(struct jskf_dev *jd)
{
	struct jskf_queue *q = jskf_owner_locked();

	lockdep_assert_held(&jskf_mutex);

	xa_erase(&jskf_devs, jd->id);
	jskf_n_devices--;
	atomic64_inc(&jskf_devlist_gen);

	if (!q) {
		WRITE_ONCE(jd->gone, true);
	} else {
		spin_lock_irq(&q->lock);
		WRITE_ONCE(jd->gone, true);
		if (jd->captured) {
			WRITE_ONCE(jd->captured, false);
			__jskf_queue_dev(q, jd, JSKF_REC_DEV_REMOVED,
					 ktime_get_ns());
		}
		spin_unlock_irq(&q->lock);
	}
	jskf_dev_close(jd, true);
}

/*
 * Adds @n of counter @c to each record's device, by id, and the totals.
 * The read path: no lock, RCU keeps a device found here alive.
 */
void jskf_count_records(const struct jskf_record *recs, u32 n,
			enum jskf_ctr c)
{
	u32 i, run;

	rcu_read_lock();
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n; run++)
			if (recs[i + run].dev_id != recs[i].dev_id)
				break;
		jskf_count(xa_load(&jskf_devs, recs[i].dev_id), c, run);
	}
	rcu_read_unlock();
}

/* ---------------------------------------------------------------------- */
/* The filter: dev->event_lock held, under RCU (see jskf.h for PREEMPT_RT)*/
/* ---------------------------------------------------------------------- */

static bool jskf_capturing(const struct jskf_dev *jd,
			   const struct jskf_queue *q)
{
	return q && READ_ONCE(jd->captured) && READ_ONCE(q->active);
}

/*
 * A key the capture takes from its pointers: a pointer button, or a code
 * the owner named (JSKF_IOC_CAPTURE_KEYS).  Any other key of a pointer (a
 * keyboard with a touchpad is one device) is the desktop's alone.
 */
static bool jskf_captured_key(const struct jskf_queue *q, unsigned int code)
{
	if (q)
		return test_bit(code, q->keys);
	return code >= JSKF_POINTER_BUTTONS_FIRST &&
	       code <= JSKF_POINTER_BUTTONS_LAST;
}

static u64 jskf_frame_time(struct jskf_dev *jd)
{
	return ktime_to_ns(input_get_timestamp(jd->handle.dev)[INPUT_CLK_MONO]);
}

/*
 * At a frame's first event: whether the frame is captured, and what it
 * swallows, is decided once for the whole frame, so that a capture state
 * changed meanwhile (the hotkey, or an ioctl on another CPU) never splits
 * a frame between the desktop and the owner.
 */
static void jskf_frame_latch(struct jskf_dev *jd, struct jskf_queue *q)
{
	bool capturing = jskf_capturing(jd, q);

	if (capturing)
		capturing = jskf_deadman_check(q, jd, jskf_frame_time(jd));
	jd->frame_open = true;
	jd->frame_gen = q ? q->gen : 0;
	jd->frame_capturing = capturing;
	jd->frame_swallow = capturing ? READ_ONCE(q->swallow) : 0;
}

/*
 * The capture that latched the frame has ended in its middle (or another
 * filter ate a SYN_REPORT and a new capture began): the frame cannot go
 * to that owner, so its rest goes to the desktop, as after the end.
 */
static void jskf_frame_orphaned(struct jskf_dev *jd, struct jskf_queue *q)
{
	if (!jd->frame_capturing || (q && q->gen == jd->frame_gen))
		return;
	jd->frame_capturing = false;
	jd->frame_swallow = 0;
	jd->stage_n = 0;
	jd->stage_lost = 0;
}

/* Adds a record to the frame being staged; time is set at commit. */
static void jskf_stage(struct jskf_dev *jd, unsigned int type,
		       unsigned int code, int value, bool swallowed)
{
	struct jskf_record *rec;

	/* Only when another filter ate a SYN_REPORT. */
	if (jd->stage_n == jd->stage_cap) {
		jd->stage_lost++;
		return;
	}

	rec = &jd->stage[jd->stage_n++];
	rec->dev_id = jd->id;
	rec->type = type;
	rec->code = code;
	rec->value = value;
	rec->flags = swallowed ? JSKF_RECF_SWALLOWED : 0;
}

static bool jskf_filter_rel(struct jskf_dev *jd, unsigned int code,
			    int value)
{
	bool swallow;

	if (!jd->frame_capturing)
		return false;

	swallow = jd->frame_swallow & jskf_rel_class(code);
	jskf_stage(jd, EV_REL, code, value, swallow);
	return swallow;
}

static bool jskf_is_toggle(const struct jskf_queue *q, unsigned int code)
{
	u16 toggle = READ_ONCE(q->toggle_code);

	return toggle && code == toggle;
}

/* The toggle hotkey's press: flip the active flag, tell the owner. */
static void jskf_toggle(struct jskf_dev *jd, struct jskf_queue *q)
{
	u64 time_ns = jskf_frame_time(jd);

	/*
	 * Plain spin_lock(): without PREEMPT_RT interrupts are already off
	 * (dev->event_lock); with it, they need not be.
	 */
	spin_lock(&q->lock);
	__jskf_set_active(q, !q->active, JSKF_STATE_BY_HOTKEY, jd->id,
			  time_ns);
	spin_unlock(&q->lock);
	jskf_wake_records(q);
}

/*
 * No stuck buttons, on either side:
 * - the owner gets a release or a repeat if it got the press, whatever
 *   the capture state is now (a repeat only while capturing);
 * - a release is never swallowed.  The input core has recorded a
 *   swallowed press in the device's key state all the same, and a client
 *   that resyncs from that state (EVIOCGKEY after SYN_DROPPED) believes
 *   the button down: the release frees it.  A client that never saw the
 *   press ignores the release (libinput does);
 * - a repeat is swallowed when its press was.
 */
static bool jskf_filter_key(struct jskf_dev *jd, struct jskf_queue *q,
			    unsigned int code, int value)
{
	bool capturing;
	bool swallow;

	if (value == 0) {
		/* The last held press of a device no capture needs: close it. */
		if (__test_and_clear_bit(code, jd->swallowed_down) &&
		    READ_ONCE(jd->linger) &&
		    bitmap_empty(jd->swallowed_down, KEY_CNT))
			schedule_work(&jskf_close_work);
		if (__test_and_clear_bit(code, jd->delivered_down) && q)
			jskf_stage(jd, EV_KEY, code, value, false);
		return false;
	}

	if (value == 2) {
		swallow = test_bit(code, jd->swallowed_down);
		if (jd->frame_capturing && test_bit(code, jd->delivered_down))
			jskf_stage(jd, EV_KEY, code, value, swallow);
		return swallow;
	}

	if (q && jskf_is_toggle(q, code)) {
		__set_bit(code, jd->swallowed_down);
		jskf_toggle(jd, q);
		return true;
	}

	capturing = jd->frame_capturing && jskf_captured_key(q, code);
	swallow = capturing && (jd->frame_swallow & JSKF_CLASS_BUTTONS);
	__assign_bit(code, jd->swallowed_down, swallow);
	if (capturing) {
		__set_bit(code, jd->delivered_down);
		jskf_stage(jd, EV_KEY, code, value, swallow);
	}
	return swallow;
}

/* SYN_REPORT: commit the staged frame; swallow the SYN if all else was. */
static bool jskf_frame_end(struct jskf_dev *jd, struct jskf_queue *q)
{
	bool swallow = jd->frame_swallowed && !jd->frame_passed;

	if (q && (jd->stage_n || jd->stage_lost))
		jskf_queue_frame(q, jd, jskf_frame_time(jd), swallow);

	jskf_frame_reset(jd);
	return swallow;
}

/*
 * What the statistics may count: a pointer's motion, wheel, buttons and
 * frames.  Keys that are not captured, and a keyboard's scan codes, are
 * never counted, so that no counter tells when someone types.
 */
static bool jskf_countable(const struct jskf_dev *jd,
			   const struct jskf_queue *q, unsigned int type,
			   unsigned int code)
{
	if (!(jd->flags & JSKF_DEVF_POINTER))
		return false;
	if (type == EV_KEY)
		return jskf_captured_key(q, code);
	if (type == EV_MSC)
		return !(jd->flags & JSKF_DEVF_KEYBOARD);
	return true;
}

static bool jskf_filter(struct input_handle *handle, unsigned int type,
			unsigned int code, int value)
{
	struct jskf_dev *jd = handle->private;
	struct jskf_queue *q;
	bool swallow;

	lockdep_assert_held(&handle->dev->event_lock);

	/* Pairs with jskf_dev_attach(): jd->id is set once it is seen. */
	if (smp_load_acquire(&jd->gone))
		return false;

	q = rcu_dereference(jskf_owner);
	if (q && jd->filter_gen != q->gen) {
		/* A new capture: its reader has been given no key. */
		bitmap_zero(jd->delivered_down, KEY_CNT);
		jd->filter_gen = q->gen;
	}
	if (!jd->frame_open)
		jskf_frame_latch(jd, q);
	else
		jskf_frame_orphaned(jd, q);

	switch (type) {
	case EV_SYN:
		swallow = code == SYN_REPORT && jskf_frame_end(jd, q);
		break;
	case EV_REL:
		swallow = jskf_filter_rel(jd, code, value);
		break;
	case EV_KEY:
		swallow = jskf_filter_key(jd, q, code, value);
		break;
	case EV_MSC:
		/*
		 * MSC_SCAN and friends go with a mouse's buttons; a keyboard's
		 * scan codes go to the desktop with its keys.
		 */
		swallow = (jd->frame_swallow & JSKF_CLASS_BUTTONS) &&
			  !(jd->flags & JSKF_DEVF_KEYBOARD);
		break;
	default:
		swallow = false;
		break;
	}

	if (jskf_countable(jd, q, type, code)) {
		jskf_count(jd, JSKF_CTR_SEEN, 1);
		if (swallow)
			jskf_count(jd, JSKF_CTR_SWALLOWED, 1);
	}

	if (type != EV_SYN || code != SYN_REPORT) {
		if (swallow)
			jd->frame_swallowed = true;
		else
			jd->frame_passed = true;
	}
	return swallow;
}

/*
 * Hands the owner the release of each button it was given as pressed and
 * that is not in @down (NULL: every one), flagged JSKF_RECF_RESYNC, in
 * frames of their own.  Caller holds dev->event_lock; @q is the capture
 * @jd's presses belong to.
 */
static void jskf_release_buttons(struct jskf_dev *jd, struct jskf_queue *q,
				 const unsigned long *down)
{
	unsigned int code;

	if (jd->filter_gen != q->gen || jd->frame_open)
		return;
	for_each_set_bit(code, jd->delivered_down, KEY_CNT) {
		if (down && test_bit(code, down))
			continue;
		if (jd->stage_n == jd->stage_cap) {
			if (!jd->stage_n)
				break;	/* no stage: not a pointer, given nothing */
			jskf_queue_frame(q, jd, ktime_get_ns(), false);
			jd->stage_n = 0;
		}
		__clear_bit(code, jd->delivered_down);
		jskf_stage(jd, EV_KEY, code, 0, false);
		jd->stage[jd->stage_n - 1].flags |= JSKF_RECF_RESYNC;
	}
	if (jd->stage_n)
		jskf_queue_frame(q, jd, ktime_get_ns(), false);
	jskf_frame_reset(jd);
}

/*
 * Another handle's EVIOCGRAB has ended (the input core calls .start then,
 * for open handles, and when the handle is registered).  While it lasted
 * the filter saw nothing, so a button the owner was given as pressed may
 * have been released meanwhile: the device's key state says.  Each such
 * button gets its release now, and a swallowed press released meanwhile
 * has no repeats left to swallow.
 */
static void jskf_start(struct input_handle *handle)
{
	struct jskf_dev *jd = handle->private;
	struct input_dev *dev = handle->dev;
	struct jskf_queue *q;

	/* Pairs with jskf_dev_attach(), as in jskf_filter(). */
	if (smp_load_acquire(&jd->gone))
		return;

	spin_lock_irq(&dev->event_lock);
	rcu_read_lock();
	q = rcu_dereference(jskf_owner);
	if (q)
		jskf_release_buttons(jd, q, dev->key);
	rcu_read_unlock();
	bitmap_and(jd->swallowed_down, jd->swallowed_down, dev->key, KEY_CNT);
	if (READ_ONCE(jd->linger) && bitmap_empty(jd->swallowed_down, KEY_CNT))
		schedule_work(&jskf_close_work);
	spin_unlock_irq(&dev->event_lock);
}

/*
 * @jd leaves the selection of the capture @q: the filter takes nothing
 * more from it, and the owner gets at once the release of every button it
 * was given as pressed (the device may be closed before the real ones
 * come); a press that was swallowed keeps its repeats swallowed.  Caller
 * holds jskf_mutex.
 */
void jskf_dev_deselect(struct jskf_dev *jd, struct jskf_queue *q)
{
	struct input_dev *dev = jd->handle.dev;

	lockdep_assert_held(&jskf_mutex);

	spin_lock_irq(&dev->event_lock);
	WRITE_ONCE(jd->captured, false);
	jskf_release_buttons(jd, q, NULL);
	spin_unlock_irq(&dev->event_lock);
}

/* ---------------------------------------------------------------------- */
/* connect / disconnect: under the input core's input_mutex               */
/* ---------------------------------------------------------------------- */

static bool jskf_match(struct input_handler *handler, struct input_dev *dev)
{
	return jskf_classify(dev) != 0;
}

static int jskf_connect(struct input_handler *handler, struct input_dev *dev,
			const struct input_device_id *id)
{
	struct jskf_dev *jd;
	int error;

	jd = kzalloc(sizeof(*jd), GFP_KERNEL);
	if (!jd)
		return -ENOMEM;

	kref_init(&jd->kref);
	INIT_LIST_HEAD(&jd->backlog);
	jd->ctrs = alloc_percpu(struct jskf_ctrs);
	if (!jd->ctrs) {
		error = -ENOMEM;
		goto err_put;
	}
	jd->gone = true;
	jd->flags = jskf_classify(dev);
	if (jd->flags & JSKF_DEVF_POINTER) {
		jd->stage = kcalloc(dev->max_vals, sizeof(*jd->stage),
				    GFP_KERNEL);
		if (!jd->stage) {
			error = -ENOMEM;
			goto err_put;
		}
		jd->stage_cap = dev->max_vals;
	}

	jd->handle.dev = dev;
	jd->handle.handler = handler;
	jd->handle.name = JSKF_DEVICE_NAME;
	jd->handle.private = jd;

	error = input_register_handle(&jd->handle);
	if (error)
		goto err_put;

	/* Not opened here: only while a capture needs it. */
	error = jskf_dev_attach(jd);
	if (error)
		goto err_unregister;

	return 0;

err_unregister:
	input_unregister_handle(&jd->handle);
err_put:
	jskf_dev_put(jd);
	return error;
}

static void jskf_disconnect(struct input_handle *handle)
{
	struct jskf_dev *jd = handle->private;

	/* Detaching closes it; an excluded device was closed then. */
	mutex_lock(&jskf_mutex);
	if (!jd->gone)
		jskf_dev_detach(jd);
	mutex_unlock(&jskf_mutex);
	jskf_wake();

	/* Waits for filter calls in flight (synchronize_rcu()). */
	input_unregister_handle(handle);
	jskf_dev_put(jd);
}

static const struct input_device_id jskf_ids[] = {
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT |
			 INPUT_DEVICE_ID_MATCH_RELBIT,
		.evbit = { BIT_MASK(EV_REL) },
		.relbit = { BIT_MASK(REL_X) | BIT_MASK(REL_Y) },
	},
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT,
		.evbit = { BIT_MASK(EV_KEY) },
	},
	{ }	/* Terminating entry */
};

struct input_handler jskf_handler = {
	.filter		= jskf_filter,
	.start		= jskf_start,
	.match		= jskf_match,
	.connect	= jskf_connect,
	.disconnect	= jskf_disconnect,
	.name		= JSKF_DEVICE_NAME,
	.id_table	= jskf_ids,
};
