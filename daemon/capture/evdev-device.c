// SPDX-License-Identifier: GPL-2.0-or-later
/* One evdev node of the evdev backend; see evdev-device.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "evdev-device.h"

static void copy_string(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* The kernel filter's rules (kfilter/README.md, "Devices and ids"). */
static void describe(struct evdev_device *d)
{
	struct libevdev *e = d->evdev;
	struct jskf_device *info = &d->info;
	unsigned int code;

	info->bustype = libevdev_get_id_bustype(e);
	info->vendor = libevdev_get_id_vendor(e);
	info->product = libevdev_get_id_product(e);
	info->version = libevdev_get_id_version(e);
	copy_string(info->name, sizeof(info->name), libevdev_get_name(e));
	copy_string(info->phys, sizeof(info->phys), libevdev_get_phys(e));
	copy_string(info->uniq, sizeof(info->uniq), libevdev_get_uniq(e));
	for (code = 0; code <= REL_MAX && code < 32; code++)
		if (libevdev_has_event_code(e, EV_REL, code))
			info->rel_bits |= 1u << code;
	for (code = BTN_MOUSE; code <= BTN_TASK; code++)
		if (libevdev_has_event_code(e, EV_KEY, code))
			info->button_bits |= 1u << (code - BTN_MOUSE);
	for (code = 0; code < KEY_CNT; code++) {
		if (!libevdev_has_event_code(e, EV_KEY, code))
			continue;
		info->n_keys++;
		if (code >= KEY_ESC && code < BTN_MISC)
			info->flags |= JSKF_DEVF_KEYBOARD;
	}
	if (libevdev_has_event_code(e, EV_REL, REL_X) && libevdev_has_event_code(e, EV_REL, REL_Y))
		info->flags |= JSKF_DEVF_POINTER;
}

int evdev_device_open(const char *syspath, const char *devnode, struct evdev_device **ret)
{
	int clock = CLOCK_MONOTONIC;
	struct evdev_device *d;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->fd = open(devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0) {
		r = -errno;
		goto err_free;
	}
	d->syspath = strdup(syspath);
	if (!d->syspath) {
		r = -ENOMEM;
		goto err_close;
	}
	if (ioctl(d->fd, EVIOCSCLOCKID, &clock) < 0) {
		r = -errno;
		goto err_close;
	}
	r = libevdev_new_from_fd(d->fd, &d->evdev);
	if (r < 0)
		goto err_close;
	describe(d);
	if (!(d->info.flags & (JSKF_DEVF_POINTER | JSKF_DEVF_KEYBOARD))) {
		r = -ENOTTY;
		goto err_close;
	}
	d->filter.flags = d->info.flags;
	*ret = d;
	return 0;

 err_close:
	evdev_device_free(d);
	return r;
 err_free:
	free(d);
	return r;
}

void evdev_device_free(struct evdev_device *d)
{
	if (!d)
		return;
	libevdev_free(d->evdev);
	if (d->fd >= 0)
		close(d->fd);	/* a grab ends with the file */
	free(d->syspath);
	free(d);
}

bool evdev_device_keys_down(const struct evdev_device *d)
{
	uint64_t keys[(KEY_CNT + 63) / 64] = { 0 };
	size_t i;

	if (ioctl(d->fd, EVIOCGKEY(sizeof(keys)), keys) < 0)
		return true;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i])
			return true;
	return false;
}

int evdev_device_grab(struct evdev_device *d, bool grab)
{
	return ioctl(d->fd, EVIOCGRAB, grab ? (void *)1 : (void *)0) < 0 ? -errno : 0;
}

bool evdev_device_has_id(const struct evdev_device *d, const struct jskf_input_id *id)
{
	return d->info.bustype == id->bustype && d->info.vendor == id->vendor &&
	       d->info.product == id->product && d->info.version == id->version;
}
