/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e2e-input: the test's hands and eyes inside the systemd guest.
 *
 * It creates a uinput mouse and a uinput keyboard, then reads commands from
 * stdin, one per line, and answers each with one line on stdout (run it as a
 * bash coprocess).  Answers start with "ok" or "err <message>".
 *
 *   nodes                      ok MOUSE_EVENT_NODE KEYBOARD_EVENT_NODE
 *   move DX DY                 one mouse frame with REL_X and REL_Y
 *   wheel N                    one mouse frame with REL_WHEEL
 *   btn CODE 0|1               a mouse button (BTN_LEFT is 272)
 *   key CODE 0|1               a keyboard key
 *   drain                      forget what the mouse's event node queued
 *   seen MS                    ok N: REL events the mouse's own event node
 *                              got within MS ms (the desktop's view: 0 while
 *                              joystickd swallows the mouse)
 *   stick VENDOR PRODUCT       ok EVENT_NODE JS_NODE of the input device
 *                              with those ids (hex), waiting up to 10 s
 *   wait-abs NODE CODE VALUE MS
 *                              ok VALUE once the axis (EVIOCGABS) has VALUE,
 *                              else after MS ms: err VALUE
 *   first-abs NODE CODE DX DY MS
 *                              moves the mouse by DX DY and answers "ok
 *                              VALUE" with the first value of axis CODE that
 *                              NODE then reports (within MS ms)
 *   fly SECONDS                flies a pattern for `make demo`: circles
 *                              at 100 Hz, the wheel up then down, the left
 *                              button pressed every other second
 *   gone NODE MS               ok once NODE is gone, else err
 *   grab 1|0                   EVIOCGRAB on the mouse's event node, as
 *                              another program may: the mouse's events
 *                              go to that node alone; 0 lets go
 *   kill-move PID DX DY MS     SIGKILL to PID, wait for it to be gone
 *                              (pidfd), then at once a mouse frame; answers
 *                              "ok N ELAPSED_US": the REL events the mouse's
 *                              node got within MS ms, and the time from the
 *                              exit to the first one
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SYSFS_INPUT	"/sys/class/input"

struct vdev {
	int fd;			/* uinput */
	char event[PATH_MAX];	/* /dev/input/eventN */
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int emit(int fd, int type, int code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	return write(fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -errno;
}

/* The eventN name under /sys/class/input/inputM of a uinput device. */
static int vdev_find_event(struct vdev *v)
{
	char sysname[64], path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if (ioctl(v->fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		return -errno;
	snprintf(path, sizeof(path), SYSFS_INPUT "/%s", sysname);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "event", 5) == 0) {
			snprintf(v->event, sizeof(v->event), "/dev/input/%s", de->d_name);
			closedir(dir);
			return 0;
		}
	}
	closedir(dir);
	return -ENOENT;
}

static int vdev_create(struct vdev *v, const char *name, bool mouse)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_USB, .vendor = 0x6a74,
			.product = mouse ? 0x0001 : 0x0002, .version = 1 },
	};
	int i;

	v->fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (v->fd < 0)
		return -errno;
	snprintf(setup.name, sizeof(setup.name), "%s", name);
	if (mouse) {
		ioctl(v->fd, UI_SET_EVBIT, EV_REL);
		ioctl(v->fd, UI_SET_RELBIT, REL_X);
		ioctl(v->fd, UI_SET_RELBIT, REL_Y);
		ioctl(v->fd, UI_SET_RELBIT, REL_WHEEL);
		ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
		for (i = BTN_LEFT; i <= BTN_TASK; i++)
			ioctl(v->fd, UI_SET_KEYBIT, i);
	} else {
		ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
		for (i = KEY_ESC; i < BTN_MISC; i++)
			ioctl(v->fd, UI_SET_KEYBIT, i);
	}
	if (ioctl(v->fd, UI_DEV_SETUP, &setup) < 0 || ioctl(v->fd, UI_DEV_CREATE) < 0)
		return -errno;
	/* Early in boot evdev may not be loaded yet: udev loads it for us. */
	for (i = 0; i < 200; i++) {
		int r = vdev_find_event(v);

		if (r != -ENOENT)
			return r;
		sleep_ms(50);
	}
	return -ENOENT;
}

/* The first inputN whose id/vendor and id/product match; its event and js nodes. */
static int find_stick(unsigned int vendor, unsigned int product, char *event, char *js,
		      size_t size)
{
	struct dirent *de, *sub;
	DIR *dir, *in;
	int r = -ENOENT;

	dir = opendir(SYSFS_INPUT);
	if (!dir)
		return -errno;
	while (r < 0 && (de = readdir(dir))) {
		char path[PATH_MAX];
		unsigned int v = 0, p = 0;
		FILE *f;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		snprintf(path, sizeof(path), SYSFS_INPUT "/%s/id/vendor", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%x", &v) != 1)
			v = 0;
		fclose(f);
		snprintf(path, sizeof(path), SYSFS_INPUT "/%s/id/product", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%x", &p) != 1)
			p = 0;
		fclose(f);
		if (v != vendor || p != product)
			continue;
		snprintf(path, sizeof(path), SYSFS_INPUT "/%s", de->d_name);
		in = opendir(path);
		if (!in)
			continue;
		event[0] = js[0] = '\0';
		while ((sub = readdir(in))) {
			if (strncmp(sub->d_name, "event", 5) == 0)
				snprintf(event, size, "/dev/input/%s", sub->d_name);
			else if (strncmp(sub->d_name, "js", 2) == 0)
				snprintf(js, size, "/dev/input/%s", sub->d_name);
		}
		closedir(in);
		if (event[0] && js[0] && access(event, R_OK) == 0 && access(js, R_OK) == 0)
			r = 0;
	}
	closedir(dir);
	return r;
}

static int abs_value(const char *node, int code, int *ret)
{
	struct input_absinfo ai;
	int fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, EVIOCGABS(code), &ai) < 0)
		r = -errno;
	else
		*ret = ai.value;
	close(fd);
	return r;
}

/* REL events readable on @fd within @ms; *first_us: when the first came. */
static int count_rel(int fd, int ms, int64_t *first_us)
{
	int64_t end = now_us() + (int64_t)ms * 1000;
	struct input_event ev[64];
	int n = 0;

	*first_us = -1;
	for (;;) {
		int64_t left = end - now_us();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t len;

		if (left <= 0 || poll(&pfd, 1, (int)((left + 999) / 1000)) <= 0)
			return n;
		len = read(fd, ev, sizeof(ev));
		if (len < 0)
			return errno == EAGAIN ? n : -errno;
		for (size_t i = 0; i < (size_t)len / sizeof(ev[0]); i++) {
			if (ev[i].type != EV_REL)
				continue;
			if (*first_us < 0)
				*first_us = now_us();
			n++;
		}
	}
}

static int move(const struct vdev *m, int dx, int dy)
{
	int r = 0;

	if (dx)
		r = emit(m->fd, EV_REL, REL_X, dx);
	if (!r && dy)
		r = emit(m->fd, EV_REL, REL_Y, dy);
	return r ? r : emit(m->fd, EV_SYN, SYN_REPORT, 0);
}

/* Moves the mouse; the first value of axis @code that @node reports after it. */
static int first_abs(const struct vdev *m, const char *node, int code, int dx, int dy, int ms,
		     int *ret)
{
	int64_t end = now_us() + (int64_t)ms * 1000;
	struct input_event ev;
	int fd, r;

	fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (read(fd, &ev, sizeof(ev)) > 0)
		;
	r = move(m, dx, dy);
	while (r == 0) {
		int64_t left = end - now_us();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (left <= 0 || poll(&pfd, 1, (int)((left + 999) / 1000)) <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		while (read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
			if (ev.type == EV_ABS && ev.code == code) {
				*ret = ev.value;
				close(fd);
				return 0;
			}
		}
	}
	close(fd);
	return r;
}

/* make demo's pattern: one circle every 2 s, throttle up then down. */
static int fly(const struct vdev *m, int seconds)
{
	int steps = seconds * 100, r = 0;

	for (int i = 0; i < steps && r == 0; i++) {
		double a = 2 * M_PI * i / 200.0;

		r = emit(m->fd, EV_REL, REL_X, (int)lround(14 * cos(a)));
		if (r == 0)
			r = emit(m->fd, EV_REL, REL_Y, (int)lround(14 * sin(a)));
		if (r == 0 && i % 50 == 25)
			r = emit(m->fd, EV_REL, REL_WHEEL, i < steps / 2 ? 1 : -1);
		if (r == 0 && i % 100 == 0)
			r = emit(m->fd, EV_KEY, BTN_LEFT, (i / 100) % 2 == 0);
		if (r == 0)
			r = emit(m->fd, EV_SYN, SYN_REPORT, 0);
		sleep_ms(10);
	}
	if (r == 0)
		r = emit(m->fd, EV_KEY, BTN_LEFT, 0);
	return r ? r : emit(m->fd, EV_SYN, SYN_REPORT, 0);
}

static void drain(int fd)
{
	struct input_event ev[64];

	while (read(fd, ev, sizeof(ev)) > 0)
		;
}

/* SIGKILL @pid, wait until it is gone, move the mouse at once. */
static int kill_move(const struct vdev *m, int seen_fd, pid_t pid, int dx, int dy, int ms,
		     int *ret_n, int64_t *ret_us)
{
	struct pollfd pfd = { .events = POLLIN };
	int64_t gone, first;
	int r;

	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd.fd < 0)
		return -errno;
	drain(seen_fd);
	if (kill(pid, SIGKILL) < 0)
		r = -errno;
	else if ((r = poll(&pfd, 1, 5000)) != 1)
		r = r < 0 ? -errno : -ETIMEDOUT;
	close(pfd.fd);
	if (r < 0)
		return r;
	gone = now_us();
	r = move(m, dx, dy);
	if (r < 0)
		return r;
	r = count_rel(seen_fd, ms, &first);
	if (r < 0)
		return r;
	*ret_n = r;
	*ret_us = first < 0 ? -1 : first - gone;
	return 0;
}

static void answer(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void answer(int r, const char *fmt, ...)
{
	va_list ap;

	if (r < 0) {
		printf("err %s\n", strerror(-r));
	} else {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
}

int main(void)
{
	struct vdev mouse = { .fd = -1 }, kbd = { .fd = -1 };
	char line[256], node[128], event[PATH_MAX], js[PATH_MAX];
	int seen_fd, r;

	r = vdev_create(&mouse, "joystickd-e2e mouse", true);
	if (r == 0)
		r = vdev_create(&kbd, "joystickd-e2e keyboard", false);
	if (r < 0) {
		fprintf(stderr, "e2e-input: cannot create the uinput devices or find their event nodes: %s\n",
			strerror(-r));
		return 1;
	}
	/* udev may still be setting the node up: wait for it to open. */
	for (int i = 0; i < 100; i++) {
		seen_fd = open(mouse.event, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (seen_fd >= 0)
			break;
		sleep_ms(50);
	}
	if (seen_fd < 0) {
		fprintf(stderr, "e2e-input: cannot open %s: %m\n", mouse.event);
		return 1;
	}

	while (fgets(line, sizeof(line), stdin)) {
		int a, b, c, d;
		unsigned int v, p;
		int64_t us;

		if (strncmp(line, "nodes", 5) == 0) {
			answer(0, "ok %s %s", mouse.event, kbd.event);
		} else if (sscanf(line, "move %d %d", &a, &b) == 2) {
			answer(move(&mouse, a, b), "ok");
		} else if (sscanf(line, "wheel %d", &a) == 1) {
			r = emit(mouse.fd, EV_REL, REL_WHEEL, a);
			answer(r ? r : emit(mouse.fd, EV_SYN, SYN_REPORT, 0), "ok");
		} else if (sscanf(line, "btn %d %d", &a, &b) == 2) {
			r = emit(mouse.fd, EV_KEY, a, b);
			answer(r ? r : emit(mouse.fd, EV_SYN, SYN_REPORT, 0), "ok");
		} else if (sscanf(line, "key %d %d", &a, &b) == 2) {
			r = emit(kbd.fd, EV_KEY, a, b);
			answer(r ? r : emit(kbd.fd, EV_SYN, SYN_REPORT, 0), "ok");
		} else if (strncmp(line, "drain", 5) == 0) {
			drain(seen_fd);
			answer(0, "ok");
		} else if (sscanf(line, "seen %d", &a) == 1) {
			r = count_rel(seen_fd, a, &us);
			answer(r, "ok %d", r);
		} else if (sscanf(line, "stick %x %x", &v, &p) == 2) {
			for (int i = 0; i < 200; i++) {
				r = find_stick(v, p, event, js, sizeof(event));
				if (r == 0)
					break;
				sleep_ms(50);
			}
			answer(r, "ok %s %s", event, js);
		} else if (sscanf(line, "wait-abs %127s %d %d %d", node, &a, &b, &c) == 4) {
			int64_t end = now_us() + (int64_t)c * 1000;
			int val = 0;

			while ((r = abs_value(node, a, &val)) == 0 && val != b && now_us() < end)
				sleep_ms(10);
			answer(r, "%s %d", val == b ? "ok" : "err", val);
		} else if (sscanf(line, "first-abs %127s %d %d %d %d", node, &a, &b, &c, &d) == 5) {
			int val = 0;

			r = first_abs(&mouse, node, a, b, c, d, &val);
			answer(r, "ok %d", val);
		} else if (sscanf(line, "fly %d", &a) == 1) {
			answer(fly(&mouse, a), "ok");
		} else if (sscanf(line, "gone %127s %d", node, &a) == 2) {
			int64_t end = now_us() + (int64_t)a * 1000;

			while (access(node, F_OK) == 0 && now_us() < end)
				sleep_ms(10);
			answer(access(node, F_OK) == 0 ? -EEXIST : 0, "ok");
		} else if (sscanf(line, "grab %d", &a) == 1) {
			answer(ioctl(seen_fd, EVIOCGRAB, (void *)(long)a) < 0 ? -errno : 0, "ok");
		} else if (sscanf(line, "kill-move %d %d %d %d", &a, &b, &c, &d) == 4) {
			int n = 0;

			r = kill_move(&mouse, seen_fd, a, b, c, d, &n, &us);
			answer(r, "ok %d %lld", n, (long long)us);
		} else {
			answer(-EINVAL, "unknown command");
		}
	}
	close(seen_fd);
	close(kbd.fd);
	close(mouse.fd);
	return 0;
}
