// SPDX-License-Identifier: GPL-2.0-or-later
/* The uinput flight stick, through libevdev; see stick.h. */
#include <errno.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <stdlib.h>
#include <unistd.h>

#include "stick.h"

/* A frame never holds more than every axis and button once, plus its SYN. */
#define STICK_FRAME_MAX	(ABS_CNT + JSD_STICK_MAX_BUTTONS + 1)

struct stick {
	struct jsd_stick_cfg cfg;
	struct libevdev_uinput *uidev;
	int32_t abs[ABS_CNT];		/* last value written per ABS_* code */
	unsigned char btn[KEY_CNT];	/* last state written per BTN_* code */
	/* The frame being built; stick_sync() writes it with one write(). */
	unsigned int n_frame;
	struct input_event frame[STICK_FRAME_MAX];
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
			/* The engine sends every axis before the first sync. */
			.value = a->min + (a->max - a->min) / 2,
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

/* Queues one event of the current frame (uinput ignores the time field). */
static int stick_queue(struct stick *s, uint16_t type, uint16_t code, int32_t value)
{
	if (s->n_frame == STICK_FRAME_MAX)
		return -ENOBUFS;
	s->frame[s->n_frame++] = (struct input_event){
		.type = type, .code = code, .value = value,
	};
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

/*
 * The whole frame and its SYN_REPORT in one write() to the uinput device
 * (libevdev_uinput_write_event() would make one system call per event).
 */
int stick_sync(struct stick *s)
{
	size_t size;
	ssize_t n;
	int r;

	r = stick_queue(s, EV_SYN, SYN_REPORT, 0);
	size = s->n_frame * sizeof(s->frame[0]);
	s->n_frame = 0;
	if (r < 0)
		return r;
	do
		n = write(libevdev_uinput_get_fd(s->uidev), s->frame, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EIO;
}
