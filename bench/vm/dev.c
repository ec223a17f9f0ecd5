// SPDX-License-Identifier: GPL-2.0-or-later
/* Virtual mice, input nodes and the kernel filter's device list; see bvm.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../stream.h"
#include "bvm.h"

static int bvm_ioctl_int(int fd, unsigned long req, int arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

/* A USB mouse: REL_X, REL_Y, REL_WHEEL and three buttons. */
int bvm_mouse_new(struct bvm_mouse *m, const char *name, uint16_t product)
{
	static const int rels[] = { REL_X, REL_Y, REL_WHEEL };
	static const int keys[] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE };
	struct uinput_setup setup = {
		.id = { .bustype = BUS_USB, .vendor = 0x1209, .product = product, .version = 1 },
	};
	char sysname[64], dir[128];
	int r = 0;

	memset(m, 0, sizeof(*m));
	m->fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(setup.name, sizeof(setup.name), "%s", name);

	r = bvm_ioctl_int(m->fd, UI_SET_EVBIT, EV_REL);
	for (size_t i = 0; r == 0 && i < sizeof(rels) / sizeof(rels[0]); i++)
		r = bvm_ioctl_int(m->fd, UI_SET_RELBIT, rels[i]);
	if (r == 0)
		r = bvm_ioctl_int(m->fd, UI_SET_EVBIT, EV_KEY);
	for (size_t i = 0; r == 0 && i < sizeof(keys) / sizeof(keys[0]); i++)
		r = bvm_ioctl_int(m->fd, UI_SET_KEYBIT, keys[i]);
	if (r == 0 && ioctl(m->fd, UI_DEV_SETUP, &setup) < 0)
		r = -errno;
	if (r == 0 && ioctl(m->fd, UI_DEV_CREATE) < 0)
		r = -errno;
	if (r == 0 && ioctl(m->fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		r = -errno;
	if (r == 0) {
		snprintf(dir, sizeof(dir), "/sys/devices/virtual/input/%s", sysname);
		r = -ENOENT;
		for (int tries = 0; tries < 200 && r < 0; tries++) {
			DIR *d = opendir(dir);
			struct dirent *de;

			while (d && (de = readdir(d)))
				if (!strncmp(de->d_name, "event", 5)) {
					snprintf(m->node, sizeof(m->node), "/dev/input/%.16s", de->d_name);
					r = access(m->node, R_OK) == 0 ? 0 : -ENOENT;
				}
			if (d)
				closedir(d);
			if (r < 0)
				sleep_ms(10);
		}
	}
	if (r < 0)
		bvm_mouse_free(m);
	return r;
}

void bvm_mouse_free(struct bvm_mouse *m)
{
	if (m->fd >= 0)
		close(m->fd);	/* destroys the device */
	m->fd = -1;
}

int bvm_mouse_frames(struct bvm_mouse *m, unsigned int n)
{
	struct input_event ev[3 * BVM_MAX_FRAMES_PER_WRITE] = { 0 };
	size_t size = 3 * n * sizeof(ev[0]);

	if (n > BVM_MAX_FRAMES_PER_WRITE)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++, m->k++) {
		int32_t dx = bench_dx(m->k);

		ev[3 * i] = (struct input_event){ .type = EV_REL, .code = REL_X, .value = dx };
		ev[3 * i + 1] = (struct input_event){ .type = EV_REL, .code = REL_Y, .value = -dx };
		ev[3 * i + 2] = (struct input_event){ .type = EV_SYN, .code = SYN_REPORT };
	}
	return write(m->fd, ev, size) == (ssize_t)size ? 0 : -errno;
}

int bvm_mouse_frame(struct bvm_mouse *m)
{
	return bvm_mouse_frames(m, 1);
}

int bvm_find_node(const char *name, const char *not, char *node, size_t size, int timeout_ms)
{
	uint64_t deadline = bvm_now() + (uint64_t)timeout_ms * 1000000;

	do {
		DIR *d = opendir("/sys/class/input");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[300], got[128] = "";
			FILE *f;

			if (strncmp(de->d_name, "event", 5))
				continue;
			snprintf(path, sizeof(path), "/sys/class/input/%s/device/name", de->d_name);
			f = fopen(path, "re");
			if (!f)
				continue;
			if (!fgets(got, sizeof(got), f))
				got[0] = '\0';
			fclose(f);
			got[strcspn(got, "\n")] = '\0';
			snprintf(path, sizeof(path), "/dev/input/%.16s", de->d_name);
			if (strcmp(got, name) || (not && !strcmp(path, not)) || access(path, R_OK))
				continue;
			snprintf(node, size, "%s", path);
			closedir(d);
			return 0;
		}
		if (d)
			closedir(d);
		sleep_ms(10);
	} while (bvm_now() < deadline);
	return -ETIMEDOUT;
}

int bvm_evdev_open(const char *node)
{
	struct input_event ev[64];
	int fd = evdev_open(node);

	while (fd >= 0 && evdev_read_all(fd, ev, ARRAY_SIZE(ev)) == (int)ARRAY_SIZE(ev))
		;
	return fd;
}

int bvm_kf_wait_flags(int kf, const char *name, uint32_t flags, int timeout_ms)
{
	uint64_t deadline = bvm_now() + (uint64_t)timeout_ms * 1000000;

	do {
		struct jskf_device dev;

		if (kf_find(kf, name, &dev) == 0 && (dev.flags & flags) == flags)
			return 0;
		sleep_ms(20);
	} while (bvm_now() < deadline);
	return -ETIMEDOUT;
}
