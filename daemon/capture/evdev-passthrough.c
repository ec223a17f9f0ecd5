// SPDX-License-Identifier: GPL-2.0-or-later
/* The passthrough of a grabbed device; see evdev-passthrough.h. */
#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev-uinput.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "evdev-filter.h"
#include "evdev-passthrough.h"

struct passthrough {
	int fd;				/* /dev/uinput */
	struct libevdev_uinput *uinput;
};

/* Events one write carries at most: a frame's part and its SYN_REPORT. */
#define PASSTHROUGH_WRITE_MAX	(EVF_STAGE_MAX + 1)

/* The source's name, cut to keep the suffix whole in uinput's 80 bytes. */
static void clone_name(const char *src, char *buf, size_t size)
{
	int keep = (int)(size - 1 - strlen(EVDEV_PASSTHROUGH_SUFFIX));

	snprintf(buf, size, "%.*s%s", keep, src ? src : "", EVDEV_PASSTHROUGH_SUFFIX);
}

/* A libevdev description of @src: ids, properties, every event code but force feedback. */
static int clone_describe(const struct libevdev *src, struct libevdev *dev)
{
	char name[UINPUT_MAX_NAME_SIZE];
	unsigned int type, code, prop;
	int r = 0;

	clone_name(libevdev_get_name(src), name, sizeof(name));
	libevdev_set_name(dev, name);
	libevdev_set_id_bustype(dev, libevdev_get_id_bustype(src));
	libevdev_set_id_vendor(dev, libevdev_get_id_vendor(src));
	libevdev_set_id_product(dev, libevdev_get_id_product(src));
	libevdev_set_id_version(dev, libevdev_get_id_version(src));
	for (prop = 0; prop <= INPUT_PROP_MAX && r == 0; prop++)
		if (libevdev_has_property(src, prop))
			r = libevdev_enable_property(dev, prop);
	for (type = EV_KEY; type <= EV_MAX && r == 0; type++) {
		int max = libevdev_event_type_get_max(type);

		if (!libevdev_has_event_type(src, type) || max < 0 ||
		    type == EV_FF || type == EV_FF_STATUS || type == EV_PWR)
			continue;
		for (code = 0; code <= (unsigned int)max && r == 0; code++) {
			const void *data = NULL;
			int rep;

			if (!libevdev_has_event_code(src, type, code))
				continue;
			if (type == EV_ABS)
				data = libevdev_get_abs_info(src, code);
			if (type == EV_REP) {
				rep = libevdev_get_event_value(src, EV_REP, code);
				data = &rep;
			}
			r = libevdev_enable_event_code(dev, type, code, data);
		}
	}
	return r < 0 ? -EINVAL : 0;
}

int passthrough_new(const struct libevdev *src, struct passthrough **ret)
{
	struct passthrough *p;
	struct libevdev *dev;
	const char *phys;
	int r;

	p = calloc(1, sizeof(*p));
	dev = libevdev_new();
	if (!p || !dev) {
		r = -ENOMEM;
		goto out_free;
	}
	r = clone_describe(src, dev);
	if (r < 0)
		goto out_free;
	p->fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		r = -errno;
		goto out_free;
	}
	/* libevdev sets no phys: its [mouse] phys = and libinput's grouping see the source's. */
	phys = libevdev_get_phys(src);
	if (phys && *phys)
		ioctl(p->fd, UI_SET_PHYS, phys);
	r = libevdev_uinput_create_from_device(dev, p->fd, &p->uinput);
	if (r < 0)
		goto out_close;
	libevdev_free(dev);
	*ret = p;
	return 0;

 out_close:
	close(p->fd);
 out_free:
	libevdev_free(dev);
	free(p);
	return r;
}

struct passthrough *passthrough_free(struct passthrough *p)
{
	if (!p)
		return NULL;
	libevdev_uinput_destroy(p->uinput);
	close(p->fd);
	free(p);
	return NULL;
}

int passthrough_write(struct passthrough *p, const struct input_event *ev, size_t n, bool syn)
{
	struct input_event buf[PASSTHROUGH_WRITE_MAX];
	size_t len = 0, i;
	ssize_t w;

	for (i = 0; i < n && len < PASSTHROUGH_WRITE_MAX - 1; i++)
		buf[len++] = (struct input_event){ .type = ev[i].type, .code = ev[i].code,
						   .value = ev[i].value };
	if (syn)
		buf[len++] = (struct input_event){ .type = EV_SYN, .code = SYN_REPORT };
	if (!len)
		return 0;
	w = write(p->fd, buf, len * sizeof(buf[0]));
	if (w < 0)
		return -errno;
	return (size_t)w == len * sizeof(buf[0]) ? 0 : -EIO;
}

bool passthrough_named(const char *name)
{
	size_t n = strlen(name), s = strlen(EVDEV_PASSTHROUGH_SUFFIX);

	return n >= s && strcmp(name + n - s, EVDEV_PASSTHROUGH_SUFFIX) == 0;
}
