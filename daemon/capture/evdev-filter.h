/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evdev backend's filter: what one input event of one device becomes.
 * It is the user-space twin of the kernel filter's .filter callback
 * (kfilter/handler.c; the rules are kfilter/README.md's "Capture,
 * swallowing and the hotkey"), and it is pure: no file, no clock, no
 * allocation, so tests/unit/test-evdev-backend.c drives it with events.
 *
 * A frame's records are staged and committed at its SYN_REPORT, followed
 * by a SYN record, exactly as the kernel queues them.  What the capture
 * does not swallow from a grabbed device is staged for the device's
 * passthrough (its copy on the desktop while it is grabbed): every event
 * type the device has, but the repeats of held keys (the passthrough
 * repeats them itself) and the hotkey.  A frame bigger than the stage is
 * handed over in parts (EVF_FULL): nothing is ever dropped.
 *
 * Held buttons: the owner is given the release of every press it was
 * given, even once capture is off; the passthrough gets the release of
 * every press it carried, even once the grab is gone; the toggle key's
 * press and repeats are taken, its release is left alone.  The hotkey
 * takes effect at the end of its frame, after the frame's records.
 */
#ifndef JSD_EVDEV_FILTER_H
#define JSD_EVDEV_FILTER_H

#include <linux/input.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "joystickd_kfilter.h"

/* Most records (and passthrough events) staged before the caller must take them. */
#define EVF_STAGE_MAX	64
#define EVF_KEY_WORDS	((KEY_CNT + 63) / 64)

/* What the capture is, as the filter needs it. */
struct evf_capture {
	bool owner;			/* a capture was set and not released */
	bool active;
	uint32_t swallow;		/* JSKF_CLASS_* */
	uint16_t toggle_code;		/* 0: none */
	uint64_t keys[JSKF_KEY_WORDS];	/* EV_KEY codes the capture takes */
};

/* One device's filter state. */
struct evf_dev {
	uint32_t id;
	uint32_t flags;			/* JSKF_DEVF_POINTER, _KEYBOARD */
	bool selected;			/* chosen by the capture */
	bool grabbed;			/* we hold EVIOCGRAB: the desktop sees only the passthrough */
	bool desktop_only;		/* a grab is wanted but not held: the desktop has it all, we take nothing */
	bool resync;			/* events are libevdev's sync: records get JSKF_RECF_RESYNC */

	bool frame_open, frame_capturing, frame_swallowed, frame_passed;
	bool frame_staged, frame_forwarded;	/* this frame staged / forwarded something */
	bool toggle;			/* the hotkey was pressed in this frame */
	uint32_t frame_swallow;		/* classes swallowed in this frame */
	struct jskf_record stage[EVF_STAGE_MAX];
	size_t stage_n;
	struct input_event fwd[EVF_STAGE_MAX];	/* for the passthrough, no SYN */
	size_t fwd_n;

	uint64_t given_down[EVF_KEY_WORDS];	/* presses the owner was given */
	uint64_t fwd_down[EVF_KEY_WORDS];	/* presses the passthrough carried */
	uint64_t seen, swallowed;		/* JSKF_IOC_STATS counters */
};

enum evf_result {
	EVF_NOTHING,		/* staged, or ignored */
	EVF_FULL,		/* stage[] or fwd[] is full: take both (evf_flushed()) before the next event */
	EVF_FRAME,		/* SYN_REPORT: commit the frame (below), then evf_frame_done() */
};

/* Feeds one event (records are stamped when they are taken). */
enum evf_result evf_event(struct evf_dev *d, const struct evf_capture *c,
			  const struct input_event *ev);

/* After EVF_FULL: stage[] and fwd[] were taken; the frame goes on. */
void evf_flushed(struct evf_dev *d);

/*
 * After EVF_FRAME the caller queues stage[] and, if the frame staged
 * anything, its SYN record (what the kernel queues after a frame's
 * records); writes fwd[] and, if the frame forwarded anything, a
 * SYN_REPORT to the passthrough; then flips capture if d->toggle; then
 * calls evf_frame_done().
 */
struct jskf_record evf_frame_syn(const struct evf_dev *d, uint64_t time_ns);
void evf_frame_done(struct evf_dev *d);

/* A new capture (or a release): the owner has been given no key. */
void evf_forget_given(struct evf_dev *d);

/* Whether the owner holds a key of the device (its release is still owed). */
bool evf_holds_given(const struct evf_dev *d);

/*
 * Whether the owner must be told that the device went away (a
 * DEV_REMOVED record): it is selected, or the owner holds a key of it
 * (deselected by a reload with a button down).
 */
bool evf_removal_owed(const struct evf_dev *d);

static inline bool evf_key_test(const uint64_t *bits, unsigned int code)
{
	return bits[code / 64] >> (code % 64) & 1;
}

#endif
