// SPDX-License-Identifier: GPL-2.0-or-later
/* The uinput flight stick, through libevdev; see stick.h. */
#include <errno.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stick.h"

/* Events waiting for one write(): a frame, or a held batch's frames. */
#define STICK_BUF_MAX	1024

struct stick {
	struct jsd_stick_cfg cfg;
	struct libevdev_uinput *uidev;
	int32_t abs[ABS_CNT];		/* last value written per ABS_* code */
	unsigned char btn[KEY_CNT];	/* last state written per BTN_* code */

	bool held;			/* stick_hold(): frames are merged */
	bool deferred;			/* stick_defer(): complete frames wait in buf */
	bool stale;			/* a write failed: the device may not be abs[]/btn[] */
	unsigned int n_buf;		/* events in buf */
	unsigned int frame_start;	/* first event of the open frame */
	struct input_event buf[STICK_BUF_MAX];
};

static int stick_describe(struct stick *s, struct libevdev *dev)
{
	const struct jsd_stick_cfg *cfg = &s->cfg;
	unsigned int i;
	int r;

	libevdev_set_name(dev, cfg->name);
	libevdev_set_id_bustype(dev, cfg->id.bustype);
	libevdev_set_id_vendor(dev, cfg->id.vendor);
	libevdev_set_id_product(dev, cfg->id.product);
	libevdev_set_id_version(dev, cfg->id.version);

	for (i = 0; i < cfg->n_axes; i++) {
		const struct jsd_stick_axis *a = &cfg->axes[i];
		struct input_absinfo ai = {
			.minimum = a->min,
			.maximum = a->max,
			/*
			 * The engine sends every axis before the first sync.
			 * In 64 bits: max - min overflows int32 for the full range.
			 */
			.value = (int32_t)((int64_t)a->min + ((int64_t)a->max - a->min) / 2),
		};

		if (a->code >= ABS_CNT)
			return -EINVAL;
		s->abs[a->code] = ai.value;
		r = libevdev_enable_event_code(dev, EV_ABS, a->code, &ai);
		if (r < 0)
			return r;
	}
	for (i = 0; i < cfg->n_buttons; i++) {
		if (cfg->buttons[i] >= KEY_CNT)
			return -EINVAL;
		r = libevdev_enable_event_code(dev, EV_KEY, cfg->buttons[i], NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

int stick_new(const struct jsd_stick_cfg *cfg, struct stick **ret)
{
	struct libevdev *dev;
	struct stick *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;

	dev = libevdev_new();
	if (!dev) {
		r = -ENOMEM;
		goto out_free_stick;
	}
	r = stick_describe(s, dev);
	if (r < 0)
		goto out_free_dev;
	r = libevdev_uinput_create_from_device(dev, LIBEVDEV_UINPUT_OPEN_MANAGED, &s->uidev);
	if (r < 0)
		goto out_free_dev;

	/* The uinput device has what it needs; the description can go. */
	libevdev_free(dev);
	/*
	 * libevdev finds the node by walking sysfs once and keeps it: do it
	 * here, where no lock is held, not in the first `status`.
	 */
	libevdev_uinput_get_devnode(s->uidev);
	*ret = s;
	return 0;

 out_free_dev:
	libevdev_free(dev);
 out_free_stick:
	free(s);
	return r;
}

struct stick *stick_free(struct stick *s)
{
	if (!s)
		return NULL;
	if (s->uidev)
		libevdev_uinput_destroy(s->uidev);
	free(s);
	return NULL;
}

const struct jsd_stick_cfg *stick_cfg(const struct stick *s)
{
	return &s->cfg;
}

const char *stick_devnode(const struct stick *s)
{
	return libevdev_uinput_get_devnode(s->uidev);
}

int32_t stick_axis_value(const struct stick *s, uint16_t code)
{
	return code < ABS_CNT ? s->abs[code] : 0;
}

int stick_button_value(const struct stick *s, uint16_t code)
{
	return code < KEY_CNT ? s->btn[code] : 0;
}

/* Closes the open frame with a SYN_REPORT (buf always has room for it). */
static void stick_end_frame(struct stick *s)
{
	if (s->n_buf == s->frame_start)
		return;
	s->buf[s->n_buf++] = (struct input_event){ .type = EV_SYN, .code = SYN_REPORT };
	s->frame_start = s->n_buf;
}

/*
 * The buffer in one write() to the uinput device
 * (libevdev_uinput_write_event() would make one system call per event).
 * A failed write leaves the device behind abs[] and btn[]: stale.
 */
static int stick_write_events(struct stick *s, const struct input_event *ev, size_t count)
{
	size_t size = count * sizeof(ev[0]);
	ssize_t n;

	if (!size)
		return 0;
	do
		n = write(libevdev_uinput_get_fd(s->uidev), ev, size);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != size) {
		s->stale = true;
		return n < 0 ? -errno : -EIO;
	}
	return 0;
}

/* While deferred, the complete frames stay for stick_take_output(). */
static int stick_write_buf(struct stick *s)
{
	unsigned int n = s->n_buf;

	if (s->deferred)
		return 0;
	s->n_buf = s->frame_start = 0;
	return stick_write_events(s, s->buf, n);
}

/* Every axis and button of the stick as one frame: what a stale device needs. */
static void stick_queue_state(struct stick *s)
{
	const struct jsd_stick_cfg *cfg = &s->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_axes; i++)
		s->buf[s->n_buf++] = (struct input_event){
			.type = EV_ABS, .code = cfg->axes[i].code,
			.value = s->abs[cfg->axes[i].code],
		};
	for (i = 0; i < cfg->n_buttons; i++)
		s->buf[s->n_buf++] = (struct input_event){
			.type = EV_KEY, .code = cfg->buttons[i], .value = s->btn[cfg->buttons[i]],
		};
	stick_end_frame(s);
}

/*
 * Everything queued, as complete frames; after a failed write, followed
 * by the whole state, so that a lost release cannot leave a button down.
 */
static int stick_write(struct stick *s)
{
	size_t state_size = s->cfg.n_axes + s->cfg.n_buttons + 1;
	int r;

	stick_end_frame(s);
	if (!s->stale)
		return stick_write_buf(s);
	if (s->n_buf + state_size > STICK_BUF_MAX) {
		if (s->deferred) {
			s->n_buf = s->frame_start = 0;	/* the state frame says it all */
		} else {
			r = stick_write_buf(s);
			if (r < 0)
				return r;
		}
	}
	stick_queue_state(s);
	s->stale = false;
	return stick_write_buf(s);
}

/*
 * Queues one event of the open frame (uinput ignores the time field).  An
 * axis already in the frame takes the new value; a button already in it
 * with the other value closes the frame first, so that no press or
 * release is lost when frames are merged.
 */
static int stick_queue(struct stick *s, uint16_t type, uint16_t code, int32_t value)
{
	int r;

	for (unsigned int i = s->frame_start; i < s->n_buf; i++) {
		struct input_event *ev = &s->buf[i];

		if (ev->type != type || ev->code != code)
			continue;
		if (type == EV_ABS || ev->value == value) {
			ev->value = value;
			return 0;
		}
		stick_end_frame(s);
		break;
	}
	if (s->n_buf + 2 > STICK_BUF_MAX) {	/* keep room for the SYN */
		if (s->deferred) {
			/* Frames nobody takes: the next one carries everything. */
			s->n_buf = s->frame_start = 0;
			s->stale = true;
			return -ENOBUFS;
		}
		r = stick_write(s);
		if (r < 0)
			return r;
	}
	s->buf[s->n_buf++] = (struct input_event){ .type = type, .code = code, .value = value };
	return 0;
}

int stick_axis(struct stick *s, uint16_t code, int32_t value)
{
	if (code >= ABS_CNT)
		return -EINVAL;
	s->abs[code] = value;
	return stick_queue(s, EV_ABS, code, value);
}

int stick_button(struct stick *s, uint16_t code, int value)
{
	if (code >= KEY_CNT)
		return -EINVAL;
	s->btn[code] = !!value;
	return stick_queue(s, EV_KEY, code, !!value);
}

int stick_sync(struct stick *s)
{
	return s->held ? 0 : stick_write(s);
}

int stick_hold(struct stick *s, bool hold)
{
	s->held = hold;
	return hold ? 0 : stick_write(s);
}

bool stick_stale(const struct stick *s)
{
	return s->stale;
}

int stick_resync(struct stick *s)
{
	if (!s->stale || s->held)
		return 0;
	return stick_write(s);
}

void stick_defer(struct stick *s, bool defer)
{
	s->deferred = defer;
	if (!defer && !s->held)
		stick_write_buf(s);	/* a failure leaves the stick stale */
}

bool stick_pending(const struct stick *s)
{
	return s->deferred && s->frame_start > 0;
}

int stick_take_output(struct stick *s, struct jskf_out_event *ev, unsigned int max)
{
	unsigned int n = s->frame_start;	/* complete frames only */
	int r;

	if (!n)
		return 0;
	if (n > max) {
		r = stick_write_events(s, s->buf, n);
		n = 0;
	} else {
		for (unsigned int i = 0; i < n; i++)
			ev[i] = (struct jskf_out_event){
				.type = s->buf[i].type, .code = s->buf[i].code,
				.value = s->buf[i].value,
			};
		r = 0;
	}
	/* An open frame (held) moves to the front. */
	if (s->n_buf > s->frame_start)
		memmove(s->buf, s->buf + s->frame_start,
			(s->n_buf - s->frame_start) * sizeof(s->buf[0]));
	s->n_buf -= s->frame_start;
	s->frame_start = 0;
	return r < 0 ? r : (int)n;
}

int stick_write_output(struct stick *s, const struct jskf_out_event *ev, unsigned int n)
{
	struct input_event buf[JSKF_OUTPUT_MAX];

	if (n > JSKF_OUTPUT_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		buf[i] = (struct input_event){ .type = ev[i].type, .code = ev[i].code,
					       .value = ev[i].value };
	return stick_write_events(s, buf, n);
}
