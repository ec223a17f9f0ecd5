// SPDX-License-Identifier: GPL-2.0-or-later
/* ioctl wrappers for /dev/joystickd_kfilter; see kfilter.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kfilter.h"

static int kf_ioctl(int fd, unsigned long cmd, void *arg)
{
	int r;

	do {
		r = ioctl(fd, cmd, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int kf_open(const char *path, int *ret_fd)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int kf_info(int fd, struct jskf_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	return kf_ioctl(fd, JSKF_IOC_INFO, ret);
}

int kf_list(int fd, struct jskf_device **ret_devs, size_t *ret_n, uint64_t *ret_gen)
{
	struct jskf_device *devs = NULL;
	uint32_t capacity = 0;

	for (;;) {
		struct jskf_list l;
		int r;

		memset(&l, 0, sizeof(l));
		l.devices_ptr = (uintptr_t)devs;
		l.capacity = capacity;
		r = kf_ioctl(fd, JSKF_IOC_LIST_DEVICES, &l);
		if (r < 0) {
			free(devs);
			return r;
		}
		if (l.total <= capacity) {
			*ret_devs = devs;
			*ret_n = l.count;
			*ret_gen = l.devlist_gen;
			return 0;
		}
		/* Room for a few hotplugged extra so one retry is enough. */
		capacity = l.total + 4;
		free(devs);
		devs = calloc(capacity, sizeof(*devs));
		if (!devs)
			return -ENOMEM;
	}
}

int kf_capture(int fd, const struct kf_capture_req *req)
{
	struct jskf_capture c;

	if (req->n_ids > JSKF_MAX_CAPTURE_IDS)
		return -E2BIG;
	memset(&c, 0, sizeof(c));
	c.ids_ptr = (uintptr_t)req->ids;
	c.n_ids = req->n_ids;
	c.flags = (req->active ? JSKF_CAPTURE_ACTIVE : 0) |
		  (req->all_pointers ? JSKF_CAPTURE_ALL_POINTERS : 0);
	c.swallow = req->swallow;
	c.toggle_code = req->toggle_code;
	c.deadman_ms = req->deadman_ms;
	return kf_ioctl(fd, JSKF_IOC_CAPTURE, &c);
}

int kf_capture_keys(int fd, const uint64_t bits[JSKF_KEY_WORDS])
{
	struct jskf_capture_keys k;

	memset(&k, 0, sizeof(k));
	memcpy(k.bits, bits, sizeof(k.bits));
	return kf_ioctl(fd, JSKF_IOC_CAPTURE_KEYS, &k);
}

int kf_set_active(int fd, int active)
{
	struct jskf_active a = { .active = active ? 1 : 0 };

	return kf_ioctl(fd, JSKF_IOC_SET_ACTIVE, &a);
}

int kf_exclude(int fd, const struct jskf_input_id *ids, size_t n)
{
	struct jskf_exclude e;

	if (n > JSKF_MAX_EXCLUDES)
		return -E2BIG;
	memset(&e, 0, sizeof(e));
	e.n = n;
	memcpy(e.ids, ids, n * sizeof(*ids));
	return kf_ioctl(fd, JSKF_IOC_EXCLUDE, &e);
}

int kf_set_output(int fd, unsigned int slot, const struct jskf_input_id *id, const char *name)
{
	struct jskf_output o;

	memset(&o, 0, sizeof(o));
	o.slot = slot;
	o.id = *id;
	if (strlen(name) >= sizeof(o.name))
		return -ENAMETOOLONG;
	strcpy(o.name, name);
	return kf_ioctl(fd, JSKF_IOC_SET_OUTPUT, &o);
}

int kf_cancel(int fd)
{
	return kf_ioctl(fd, JSKF_IOC_CANCEL, NULL);
}

int kf_release(int fd)
{
	return kf_ioctl(fd, JSKF_IOC_RELEASE, NULL);
}

int kf_stats(int fd, uint32_t dev_id, struct jskf_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->dev_id = dev_id;
	return kf_ioctl(fd, JSKF_IOC_STATS, ret);
}

/* No EINTR loop here: the caller decides what a signal means. */
int kf_read(int fd, struct jskf_read *rd)
{
	return ioctl(fd, JSKF_IOC_READ, rd) < 0 ? -errno : 0;
}
