// SPDX-License-Identifier: GPL-2.0-or-later
/* libevdev's uinput calls without a device; see ipe-uinput.h. */
#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev-uinput.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipe-uinput.h"

struct libevdev_uinput {
	int fd;			/* /dev/null */
};

static unsigned long ipe_fd_calls;

int libevdev_uinput_create_from_device(const struct libevdev *dev, int uinput_fd,
				       struct libevdev_uinput **ret)
{
	struct libevdev_uinput *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (u->fd < 0) {
		free(u);
		return -errno;
	}
	*ret = u;
	return 0;
}

void libevdev_uinput_destroy(struct libevdev_uinput *u)
{
	if (!u)
		return;
	close(u->fd);
	free(u);
}

int libevdev_uinput_get_fd(const struct libevdev_uinput *u)
{
	ipe_fd_calls++;
	return u->fd;
}

const char *libevdev_uinput_get_devnode(struct libevdev_uinput *u)
{
	return NULL;
}

unsigned long ipe_uinput_writes(void)
{
	return ipe_fd_calls;
}
