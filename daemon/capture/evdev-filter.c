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
	d->frame_capturing = c->owner && c->active && d->selected &&
			     (d->flags & JSKF_DEVF_POINTER);
	d->frame_swallow = d->frame_capturing ? c->swallow : 0;
}

static void stage(struct evf_dev *d, const struct input_event *ev, bool swallowed)
{
	struct jskf_record *rec;

	if (d->stage_n == EVF_STAGE_MAX) {
		d->stage_lost++;
		return;
	}
	rec = &d->stage[d->stage_n++];
	*rec = (struct jskf_record){
		.dev_id = d->id,
		.type = ev->type,
		.code = ev->code,
		.value = ev->value,
		.flags = (swallowed ? JSKF_RECF_SWALLOWED : 0) | (d->resync ? JSKF_RECF_RESYNC : 0),
	};
}

static void forward(struct evf_dev *d, const struct input_event *ev)
{
	if (d->fwd_n < EVF_STAGE_MAX)
		d->fwd[d->fwd_n++] = *ev;
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

static enum evf_result filter_key(struct evf_dev *d, const struct evf_capture *c,
				  const struct input_event *ev, bool *swallowed)
{
	unsigned int code = ev->code;
	bool capturing, swallow;

	*swallowed = false;
	if (code >= KEY_CNT)
		return EVF_NOTHING;
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
		return EVF_NOTHING;
	}
	if (c->owner && c->toggle_code && code == c->toggle_code) {
		*swallowed = d->grabbed;
		return ev->value == 1 ? EVF_TOGGLE : EVF_NOTHING;
	}
	capturing = d->frame_capturing && evf_key_test(c->keys, code);
	swallow = capturing && (d->frame_swallow & JSKF_CLASS_BUTTONS);
	if (capturing) {
		if (ev->value == 1)
			key_assign(d->given_down, code, true);
		stage(d, ev, swallow);
	}
	if (!swallow && d->grabbed) {
		if (ev->value == 1)
			key_assign(d->fwd_down, code, true);
		if (ev->value == 1 || evf_key_test(d->fwd_down, code))
			forward(d, ev);
	}
	*swallowed = swallow;
	return EVF_NOTHING;
}

enum evf_result evf_event(struct evf_dev *d, const struct evf_capture *c,
			  const struct input_event *ev)
{
	enum evf_result res = EVF_NOTHING;
	bool swallow = false;

	if (ev->type == EV_SYN) {
		if (ev->code != SYN_REPORT)
			return EVF_NOTHING;	/* SYN_DROPPED: the caller resyncs */
		d->frame_open = false;
		return d->stage_n || d->stage_lost || d->fwd_n ? EVF_FRAME : EVF_NOTHING;
	}
	if (!d->frame_open)
		frame_latch(d, c);

	switch (ev->type) {
	case EV_REL:
		if (ev->value == 0)
			return EVF_NOTHING;	/* the input core drops these too */
		swallow = filter_rel(d, ev);
		break;
	case EV_KEY:
		res = filter_key(d, c, ev, &swallow);
		break;
	default:
		/* EV_MSC goes with the buttons; the passthrough carries none of it. */
		swallow = d->grabbed;
		break;
	}
	if ((d->flags & JSKF_DEVF_POINTER) && ev->type != EV_MSC &&
	    (ev->type != EV_KEY || (ev->code < KEY_CNT && evf_key_test(c->keys, ev->code)))) {
		d->seen++;
		d->swallowed += swallow;
	}
	if (swallow)
		d->frame_swallowed = true;
	else
		d->frame_passed = true;
	return res;
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
	d->stage_lost = 0;
	d->fwd_n = 0;
	d->frame_swallowed = false;
	d->frame_passed = false;
}

void evf_forget_given(struct evf_dev *d)
{
	memset(d->given_down, 0, sizeof(d->given_down));
}
