// SPDX-License-Identifier: GPL-2.0-or-later
/* One evdev event to records and passthrough events; see evdev-filter.h. */
#include <string.h>

#include "evdev-filter.h"

static void key_assign(uint64_t *bits, unsigned int code, bool on)
{
	if (on)
		bits[code / 64] |= 1ull << (code % 64);
	else
		bits[code / 64] &= ~(1ull << (code % 64));
}

/* The first event of a frame decides whether the frame is captured and what it swallows. */
static void frame_latch(struct evf_dev *d, const struct evf_capture *c)
{
	d->frame_open = true;
	d->frame_capturing = c->owner && c->active && d->selected && !d->desktop_only &&
			     (d->flags & JSKF_DEVF_POINTER);
	d->frame_swallow = d->frame_capturing ? c->swallow : 0;
}

/* The caller takes stage[] and fwd[] when either is full (EVF_FULL), so both have room. */
static void stage(struct evf_dev *d, const struct input_event *ev, bool swallowed)
{
	if (d->stage_n == EVF_STAGE_MAX)
		return;
	d->stage[d->stage_n++] = (struct jskf_record){
		.dev_id = d->id,
		.type = ev->type,
		.code = ev->code,
		.value = ev->value,
		.flags = (swallowed ? JSKF_RECF_SWALLOWED : 0) | (d->resync ? JSKF_RECF_RESYNC : 0),
	};
	d->frame_staged = true;
}

static void forward(struct evf_dev *d, const struct input_event *ev)
{
	if (d->fwd_n == EVF_STAGE_MAX)
		return;
	d->fwd[d->fwd_n++] = *ev;
	d->frame_forwarded = true;
}

/* Returns whether the event was swallowed (kept from the desktop). */
static bool filter_rel(struct evf_dev *d, const struct input_event *ev)
{
	bool swallow = d->frame_swallow & jskf_rel_class(ev->code);

	if (d->frame_capturing)
		stage(d, ev, swallow);
	if (!swallow && d->grabbed)
		forward(d, ev);
	return swallow;
}

static bool filter_key(struct evf_dev *d, const struct evf_capture *c, const struct input_event *ev)
{
	unsigned int code = ev->code;
	bool capturing, swallow;

	if (code >= KEY_CNT)
		return false;
	if (ev->value == 0) {
		/* A release goes wherever its press went, capture or not. */
		if (evf_key_test(d->given_down, code)) {
			key_assign(d->given_down, code, false);
			stage(d, ev, false);
		}
		if (evf_key_test(d->fwd_down, code)) {
			key_assign(d->fwd_down, code, false);
			forward(d, ev);
		}
		return false;
	}
	if (c->owner && c->toggle_code && code == c->toggle_code) {
		if (ev->value == 1)
			d->toggle = true;
		return d->grabbed;
	}
	capturing = d->frame_capturing && evf_key_test(c->keys, code);
	swallow = capturing && (d->frame_swallow & JSKF_CLASS_BUTTONS);
	if (capturing) {
		if (ev->value == 1)
			key_assign(d->given_down, code, true);
		stage(d, ev, swallow);
	}
	/* The passthrough repeats a held key itself, as its source does. */
	if (!swallow && d->grabbed && ev->value == 1) {
		key_assign(d->fwd_down, code, true);
		forward(d, ev);
	}
	return swallow;
}

/*
 * The other event types the device makes go to the desktop as they are
 * (EV_ABS, EV_SW ...), but MSC_SCAN and friends, which go with the buttons
 * of a plain pointer, as in the kernel filter.  Output types (LEDs,
 * sound, force feedback) flow the other way and are never forwarded.
 */
static bool filter_other(struct evf_dev *d, const struct input_event *ev)
{
	bool swallow = ev->type == EV_MSC && (d->frame_swallow & JSKF_CLASS_BUTTONS) &&
		       !(d->flags & JSKF_DEVF_KEYBOARD);

	switch (ev->type) {
	case EV_LED:
	case EV_SND:
	case EV_REP:
	case EV_FF:
	case EV_PWR:
	case EV_FF_STATUS:
		return d->grabbed;
	}
	if (!swallow && d->grabbed)
		forward(d, ev);
	return swallow;
}

enum evf_result evf_event(struct evf_dev *d, const struct evf_capture *c,
			  const struct input_event *ev)
{
	bool swallow, counted;

	if (ev->type == EV_SYN) {
		if (ev->code != SYN_REPORT)
			return EVF_NOTHING;	/* SYN_DROPPED: the caller resyncs */
		d->frame_open = false;
		return d->frame_staged || d->frame_forwarded || d->toggle ? EVF_FRAME : EVF_NOTHING;
	}
	if (!d->frame_open)
		frame_latch(d, c);

	switch (ev->type) {
	case EV_REL:
		if (ev->value == 0)
			return EVF_NOTHING;	/* the input core drops these too */
		swallow = filter_rel(d, ev);
		counted = true;
		break;
	case EV_KEY:
		swallow = filter_key(d, c, ev);
		counted = ev->code < KEY_CNT && evf_key_test(c->keys, ev->code);
		break;
	default:
		swallow = filter_other(d, ev);
		counted = false;
		break;
	}
	if (counted && (d->flags & JSKF_DEVF_POINTER) && !d->desktop_only) {
		d->seen++;
		d->swallowed += swallow;
	}
	if (swallow)
		d->frame_swallowed = true;
	else
		d->frame_passed = true;
	return d->stage_n == EVF_STAGE_MAX || d->fwd_n == EVF_STAGE_MAX ? EVF_FULL : EVF_NOTHING;
}

void evf_flushed(struct evf_dev *d)
{
	d->stage_n = 0;
	d->fwd_n = 0;
}

struct jskf_record evf_frame_syn(const struct evf_dev *d, uint64_t time_ns)
{
	return (struct jskf_record){
		.time_ns = time_ns,
		.dev_id = d->id,
		.type = EV_SYN,
		.code = SYN_REPORT,
		.flags = d->frame_swallowed && !d->frame_passed ? JSKF_RECF_SWALLOWED : 0,
	};
}

void evf_frame_done(struct evf_dev *d)
{
	d->stage_n = 0;
	d->fwd_n = 0;
	d->frame_staged = false;
	d->frame_forwarded = false;
	d->frame_swallowed = false;
	d->frame_passed = false;
	d->toggle = false;
}

void evf_forget_given(struct evf_dev *d)
{
	memset(d->given_down, 0, sizeof(d->given_down));
}

bool evf_holds_given(const struct evf_dev *d)
{
	size_t i;

	for (i = 0; i < EVF_KEY_WORDS; i++)
		if (d->given_down[i])
			return true;
	return false;
}

bool evf_removal_owed(const struct evf_dev *d)
{
	return d->selected || evf_holds_given(d);
}
