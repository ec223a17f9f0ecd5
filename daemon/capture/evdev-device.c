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
	if (evdev_is_remapper(info->name, &(struct jskf_input_id){ info->bustype, info->vendor,
								   info->product, info->version }))
		info->flags |= BACKEND_DEVF_REMAPPER;
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

/*
 * The virtual devices other remappers make: keyd's ("keyd virtual
 * keyboard", "keyd virtual pointer", vendor 0x0fac), input-remapper's
 * (named "input-remapper ..."), evsieve's unless renamed, ydotoold's.
 */
static const char *const remapper_prefixes[] = {
	"keyd virtual ", "input-remapper ", "Evsieve Virtual Device", "ydotoold virtual device",
};
#define KEYD_VENDOR	0x0fac

bool evdev_is_remapper(const char *name, const struct jskf_input_id *id)
{
	size_t i;

	if (id->vendor == KEYD_VENDOR && (id->product == 0x0ade || id->product == 0x1ade))
		return true;
	for (i = 0; i < sizeof(remapper_prefixes) / sizeof(remapper_prefixes[0]); i++)
		if (strncmp(name, remapper_prefixes[i], strlen(remapper_prefixes[i])) == 0)
			return true;
	return false;
}

/* The first key set in @keys, in *ret_code; whether there is one. */
static bool first_key(const uint64_t *keys, uint16_t *ret_code)
{
	unsigned int w;

	for (w = 0; w < EVF_KEY_WORDS; w++) {
		if (keys[w]) {
			*ret_code = w * 64 + __builtin_ctzll(keys[w]);
			return true;
		}
	}
	return false;
}

/*
 * The key events the witness got, applied to @keys; -EOVERFLOW when its
 * buffer overflowed (the key state is not known then).
 */
static int witness_replay(int witness, uint64_t *keys)
{
	struct input_event ev[64];
	ssize_t n, i;

	while ((n = read(witness, ev, sizeof(ev))) > 0) {
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED)
				return -EOVERFLOW;
			if (ev[i].type != EV_KEY || ev[i].code >= KEY_CNT)
				continue;
			if (ev[i].value)
				keys[ev[i].code / 64] |= 1ull << (ev[i].code % 64);
			else
				keys[ev[i].code / 64] &= ~(1ull << (ev[i].code % 64));
		}
	}
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

static int grab_ioctl(int fd, bool grab)
{
	int r;

	do {
		r = ioctl(fd, EVIOCGRAB, grab ? (void *)1 : (void *)0);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int evdev_device_grab(struct evdev_device *d, uint16_t *ret_code)
{
	uint64_t keys[EVF_KEY_WORDS] = { 0 }, sw[(SW_CNT + 63) / 64];
	char path[40];
	int witness, r;

	*ret_code = 0;
	/* A second file of the same device (not its node: that may be another device now). */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->fd);
	witness = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (witness < 0)
		return -errno;
	/*
	 * The key state now, which holds every press the desktop got so far;
	 * the witness's own queue keeps what comes after it.
	 */
	if (ioctl(witness, EVIOCGKEY(sizeof(keys)), keys) < 0) {
		r = -errno;
		goto out_close;
	}
	if (first_key(keys, ret_code)) {
		r = EVDEV_KEYS_DOWN;
		goto out_close;
	}
	r = grab_ioctl(d->fd, true);
	if (r < 0)
		goto out_close;
	/*
	 * Events the desktop got between that read and the grab are in the
	 * witness's queue, once a delivery under way has ended: EVIOCGSW takes
	 * the device's event lock, which a delivery holds.
	 */
	ioctl(witness, EVIOCGSW(sizeof(sw)), sw);
	r = witness_replay(witness, keys);
	/*
	 * Its buffer overflowed (a flood): the key state now stands in for the
	 * lost events.  Only a press before the grab released in the
	 * microseconds since then would escape it.
	 */
	if (r == -EOVERFLOW)
		r = ioctl(witness, EVIOCGKEY(sizeof(keys)), keys) < 0 ? -errno : 0;
	if (r < 0 || first_key(keys, ret_code)) {
		grab_ioctl(d->fd, false);
		r = EVDEV_KEYS_DOWN;
		goto out_close;
	}
	r = EVDEV_GRABBED;
 out_close:
	close(witness);
	return r;
}

void evdev_device_ungrab(struct evdev_device *d)
{
	grab_ioctl(d->fd, false);	/* fails only for a device that is gone: no grab left */
}

bool evdev_device_has_id(const struct evdev_device *d, const struct jskf_input_id *id)
{
	return d->info.bustype == id->bustype && d->info.vendor == id->vendor &&
	       d->info.product == id->product && d->info.version == id->version;
}
