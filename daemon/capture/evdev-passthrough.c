// SPDX-License-Identifier: GPL-2.0-or-later
/* The passthrough pointer of the evdev backend; see evdev-passthrough.h. */
#include <errno.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <stdlib.h>

#include "evdev-passthrough.h"

struct passthrough {
	struct libevdev_uinput *uinput;
};

/* Every relative axis, the keyboard keys and the pointer buttons. */
static int passthrough_describe(struct libevdev *dev)
{
	const struct jskf_input_id id = EVDEV_PASSTHROUGH_ID;
	unsigned int code;
	int r = 0;

	libevdev_set_name(dev, EVDEV_PASSTHROUGH_NAME);
	libevdev_set_id_bustype(dev, id.bustype);
	libevdev_set_id_vendor(dev, id.vendor);
	libevdev_set_id_product(dev, id.product);
	libevdev_set_id_version(dev, id.version);
	for (code = 0; code <= REL_MAX && r == 0; code++)
		r = libevdev_enable_event_code(dev, EV_REL, code, NULL);
	for (code = KEY_ESC; code <= BTN_TASK && r == 0; code++)
		if (code < KEY_MICMUTE || code >= BTN_MISC)
			r = libevdev_enable_event_code(dev, EV_KEY, code, NULL);
	return r < 0 ? -EINVAL : 0;
}

int passthrough_new(struct passthrough **ret)
{
	struct passthrough *p;
	struct libevdev *dev;
	int r;

	p = calloc(1, sizeof(*p));
	dev = libevdev_new();
	if (!p || !dev) {
		r = -ENOMEM;
		goto out;
	}
	r = passthrough_describe(dev);
	if (r == 0)
		r = libevdev_uinput_create_from_device(dev, LIBEVDEV_UINPUT_OPEN_MANAGED, &p->uinput);
	if (r == 0) {
		*ret = p;
		p = NULL;
	}
 out:
	libevdev_free(dev);
	free(p);
	return r;
}

struct passthrough *passthrough_free(struct passthrough *p)
{
	if (!p)
		return NULL;
	libevdev_uinput_destroy(p->uinput);
	free(p);
	return NULL;
}

int passthrough_write(struct passthrough *p, const struct input_event *ev, size_t n)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++)
		r = libevdev_uinput_write_event(p->uinput, ev[i].type, ev[i].code, ev[i].value);
	if (r == 0)
		r = libevdev_uinput_write_event(p->uinput, EV_SYN, SYN_REPORT, 0);
	return r;
}
