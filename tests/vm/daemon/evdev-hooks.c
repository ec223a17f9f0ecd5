// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD library for the evdev backend's VM checks (vmt-evdev.c): it
 * puts the real daemon, at a chosen step, where a race or a fault would.
 *
 * JSD_HOOK_DIR names a directory; a file in it arms one hook, which fires
 * once and then removes the file (so a test knows it was reached):
 *
 *   grab-race      the next EVIOCGRAB(1) first creates grab-race.hit and
 *                  waits (20 s at most) for grab-race.go: the test presses a
 *                  button in between, at the one moment a key-state read
 *                  before the grab cannot see (evdev-grab-race)
 *   grab-fail      holds ERRNO: the next EVIOCGRAB(1) fails with it
 *   epoll-fail     holds NTH ERRNO: the NTH epoll_create1() from now fails
 *   udev-new-errno udev_new() leaves errno 0 (a library may change errno
 *                  when it succeeds): a caller that reads errno after it
 *                  gets 0 (evdev-start-errno)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/input.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct udev;

int ioctl(int fd, unsigned long request, ...);
int epoll_create1(int flags);
struct udev *udev_new(void);

/* $JSD_HOOK_DIR/@name, if the hooks are on. */
static const char *hook_path(const char *name, char *buf, size_t size)
{
	const char *dir = getenv("JSD_HOOK_DIR");

	if (!dir)
		return NULL;
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

/* Whether the hook @name is armed; its file's numbers in @v (up to @n). */
static bool armed(const char *name, int *v, int n)
{
	char path[256];
	FILE *f;
	int i;

	if (!hook_path(name, path, sizeof(path)) || !(f = fopen(path, "re")))
		return false;
	for (i = 0; i < n; i++)
		if (fscanf(f, "%d", &v[i]) != 1)
			v[i] = 0;
	fclose(f);
	return true;
}

static void disarm(const char *name)
{
	char path[256];

	if (hook_path(name, path, sizeof(path)))
		unlink(path);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* grab-race: tell the test, wait for its press. */
static void grab_race(void)
{
	char hit[256], go[256];
	FILE *f;
	int i;

	disarm("grab-race");
	if (!hook_path("grab-race.hit", hit, sizeof(hit)) || !hook_path("grab-race.go", go, sizeof(go)))
		return;
	f = fopen(hit, "we");
	if (f)
		fclose(f);
	for (i = 0; i < 4000 && access(go, F_OK) != 0; i++)
		sleep_ms(5);
	unlink(go);
}

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real)(int, unsigned long, void *);
	void *arg;
	va_list ap;
	int err;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	if (request == EVIOCGRAB && arg) {
		if (armed("grab-race", &err, 0))
			grab_race();
		if (armed("grab-fail", &err, 1)) {
			disarm("grab-fail");
			errno = err;
			return -1;
		}
	}
	return real(fd, request, arg);
}

int epoll_create1(int flags)
{
	static int (*real)(int);
	static int seen;	/* calls since the hook was armed */
	int v[2];

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "epoll_create1");
	if (armed("epoll-fail", v, 2) && ++seen == v[0]) {
		disarm("epoll-fail");
		errno = v[1];
		return -1;
	}
	return real(flags);
}

struct udev *udev_new(void)
{
	static struct udev *(*real)(void);
	struct udev *u;
	int unused;

	if (!real)
		real = (struct udev *(*)(void))dlsym(RTLD_NEXT, "udev_new");
	u = real();
	if (u && armed("udev-new-errno", &unused, 0)) {
		disarm("udev-new-errno");
		errno = 0;
	}
	return u;
}
