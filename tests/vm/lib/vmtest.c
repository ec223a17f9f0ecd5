// SPDX-License-Identifier: GPL-2.0
/* Helpers for the VM tests; see vmtest.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <linux/uhid.h>
#include <linux/uinput.h>

#include "vmtest.h"

/* ---- runner ---------------------------------------------------------- */

/* The current case's first failure (each case runs in its own process). */
static char fail_msg[1024];
static bool failed;

/* One line per write(), so lines from several processes never mix. */
static void emit(const char *fmt, va_list ap)
{
	char line[1200];
	int len = vsnprintf(line, sizeof(line) - 1, fmt, ap);

	if (len < 0)
		return;
	if ((size_t)len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	if (write(STDOUT_FILENO, line, len) < 0)
		_exit(2);
}

static void emitf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(fmt, ap);
	va_end(ap);
}

int vmt_fail(const char *file, int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	va_list ap;
	int len;

	if (failed)
		return -1;
	failed = true;
	len = snprintf(fail_msg, sizeof(fail_msg), "%s:%d: ", base ? base + 1 : file, line);
	va_start(ap, fmt);
	vsnprintf(fail_msg + len, sizeof(fail_msg) - len, fmt, ap);
	va_end(ap);
	return -1;
}

void vmt_info(const char *fmt, ...)
{
	char text[1000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	emitf("INFO %s", text);
}

/* Whether name is one of the space separated words of list. */
static bool listed(const char *name, const char *list)
{
	size_t len = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return true;
	return false;
}

/* Cases named on the command line, else in $VMTEST_CASES, else all. */
static bool selected(const char *name, int argc, char **argv)
{
	const char *list = getenv("VMTEST_CASES");

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (!strcmp(argv[i], name))
				return true;
		return false;
	}
	return !list || !*list || listed(name, list);
}

/*
 * The program's own limit: init.sh kills it with SIGKILL after
 * $VMTEST_PROGRAM_LIMIT seconds (mkinitramfs.sh -T).  A case gets its own
 * limit or what the program has left, whichever is less, minus this
 * margin, so that a case that hangs is reported by name before the
 * program is killed.
 */
#define PROGRAM_MARGIN_S 5

static int64_t program_end_ns;	/* 0: no program limit */

static bool run_case(const struct vmt_case *c)
{
	unsigned int limit = c->timeout_s ? c->timeout_s : 60;
	int status;
	pid_t pid;

	if (program_end_ns) {
		int64_t left = (program_end_ns - now_ns()) / 1000000000 - PROGRAM_MARGIN_S;

		if (left < 1) {
			emitf("FAIL %s: not run: the program's %lu s (VMTEST_PROGRAM_LIMIT, mkinitramfs.sh -T) ran out",
			      c->name, vmt_env_ulong("VMTEST_PROGRAM_LIMIT", 0));
			return false;
		}
		if ((int64_t)limit > left)
			limit = (unsigned int)left;
	}
	pid = fork();
	if (pid < 0) {
		emitf("FAIL %s: fork: %s", c->name, strerror(errno));
		return false;
	}
	if (pid == 0) {
		alarm(limit);
		if (c->fn() == 0 && !failed) {
			emitf("PASS %s", c->name);
			_exit(0);
		}
		emitf("FAIL %s: %s", c->name, failed ? fail_msg : "failed without a reason");
		_exit(1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			emitf("FAIL %s: waitpid: %s", c->name, strerror(errno));
			return false;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1)
		return WEXITSTATUS(status) == 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		emitf("FAIL %s: timed out after %u s", c->name, limit);
	else if (WIFSIGNALED(status))
		emitf("FAIL %s: killed by signal %d (%s)", c->name, WTERMSIG(status),
		      strsignal(WTERMSIG(status)));
	else
		emitf("FAIL %s: exit status %d", c->name, WEXITSTATUS(status));
	return false;
}

static bool is_case(const struct vmt_case *cases, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cases[i].name, name))
			return true;
	return false;
}

/*
 * "PLAN n" first: the host (tests/vm/tally.sh) fails a program that
 * reports fewer PASS/FAIL lines than it planned.  A name on the command
 * line that is not a case of this program is a FAIL of its own.  Names in
 * $VMTEST_CASES are shared by every program of the run: the host checks
 * that each of them ran somewhere.
 */
int vmt_main(const struct vmt_case *cases, size_t n, int argc, char **argv)
{
	unsigned long program_limit = vmt_env_ulong("VMTEST_PROGRAM_LIMIT", 0);
	size_t planned = 0;
	int nfail = 0;

	if (program_limit)
		program_end_ns = now_ns() + (int64_t)program_limit * 1000000000;
	for (int i = 1; i < argc; i++)
		planned += !is_case(cases, n, argv[i]);
	for (size_t i = 0; i < n; i++)
		planned += selected(cases[i].name, argc, argv);
	emitf("PLAN %zu", planned);
	for (int i = 1; i < argc; i++)
		if (!is_case(cases, n, argv[i])) {
			const char *prog = strrchr(argv[0], '/');

			emitf("FAIL %s: no such case in %s", argv[i], prog ? prog + 1 : argv[0]);
			nfail++;
		}
	for (size_t i = 0; i < n; i++)
		if (selected(cases[i].name, argc, argv) && !run_case(&cases[i]))
			nfail++;
	return nfail ? 1 : 0;
}

/* ---- time, threads -------------------------------------------------- */

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* /proc/self/task/TID/syscall is "NR arg1 arg2 ..." while in a syscall. */
static bool in_ioctl(pid_t tid, unsigned long cmd)
{
	unsigned long nr, fd, arg;
	char path[64], state = 0;
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fscanf(f, "%lu %lx %lx", &nr, &fd, &arg) == 3)
		ok = nr == SYS_ioctl && arg == cmd;
	fclose(f);
	if (!ok)
		return false;

	/* ... and asleep: "pid (comm) S ..." */
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state == 'S' || state == 'D';
}

int wait_blocked_in_ioctl(pid_t tid, unsigned long cmd, unsigned int timeout_ms)
{
	int64_t end = now_ns() + (int64_t)timeout_ms * 1000000;

	while (!in_ioctl(tid, cmd)) {
		if (now_ns() > end)
			return -ETIMEDOUT;
		sleep_ms(1);
	}
	return 0;
}

/* ---- pended reads in a thread ---------------------------------------- */

static void *pender_main(void *arg)
{
	struct pender *p = arg;

	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
	p->ret = kf_read(p->fd, &p->rd);
	p->t_end = now_ns();
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int pender_start(struct pender *p, int fd, uint32_t flags, int64_t deadline_ns,
		 uint64_t devlist_gen)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->fd = fd;
	kf_read_init(&p->rd, p->buf, ARRAY_SIZE(p->buf), flags, deadline_ns);
	p->rd.devlist_gen = devlist_gen;
	r = -pthread_create(&p->thread, NULL, pender_main, p);
	if (r)
		return r;
	while (!__atomic_load_n(&p->tid, __ATOMIC_ACQUIRE))
		sched_yield();
	return 0;
}

int pender_wait_blocked(struct pender *p, unsigned int timeout_ms)
{
	return wait_blocked_in_ioctl(p->tid, JSKF_IOC_READ, timeout_ms);
}

bool pender_done(struct pender *p)
{
	return __atomic_load_n(&p->done, __ATOMIC_ACQUIRE);
}

int pender_join(struct pender *p, unsigned int timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return -pthread_timedjoin_np(p->thread, NULL, &ts);
}

/* ---- uinput devices and event injection ----------------------------- */

static int set_bits(int fd, unsigned long req, const int *codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ioctl(fd, req, codes[i]) < 0)
			return -errno;
	return 0;
}

static int mouse_caps(int fd)
{
	static const int ev[] = { EV_REL, EV_KEY, EV_MSC };
	static const int rel[] = { REL_X, REL_Y, REL_DIAL, REL_WHEEL, REL_HWHEEL,
				   REL_WHEEL_HI_RES, REL_HWHEEL_HI_RES };
	static const int key[] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA };
	static const int msc[] = { MSC_SCAN };
	int r;

	r = set_bits(fd, UI_SET_EVBIT, ev, ARRAY_SIZE(ev));
	if (!r)
		r = set_bits(fd, UI_SET_RELBIT, rel, ARRAY_SIZE(rel));
	if (!r)
		r = set_bits(fd, UI_SET_KEYBIT, key, ARRAY_SIZE(key));
	if (!r)
		r = set_bits(fd, UI_SET_MSCBIT, msc, ARRAY_SIZE(msc));
	return r;
}

static int keyboard_caps(int fd)
{
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0)
		return -errno;
	for (int code = KEY_ESC; code <= KEY_F12; code++)
		if (ioctl(fd, UI_SET_KEYBIT, code) < 0)
			return -errno;
	return 0;
}

/* A keyboard with a built-in pointer: one device with both. */
static int combo_caps(int fd)
{
	int r = mouse_caps(fd);

	return r ? r : keyboard_caps(fd);
}

/* /dev/input/eventN of the uinput device: /sys/class/input/inputM/eventN. */
static int find_evdev(int fd, char *path, size_t len)
{
	char sysname[32], dir[96];
	struct dirent *de;
	int r = -ENOENT;
	DIR *d;

	if (ioctl(fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		return -errno;
	snprintf(dir, sizeof(dir), "/sys/class/input/%s", sysname);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "event", 5)) {
			snprintf(path, len, "/dev/input/%.32s", de->d_name);
			r = 0;
			break;
		}
	closedir(d);
	return r;
}

static int dev_create(struct vmt_dev *d, const char *name, uint16_t product,
		      int (*caps)(int fd))
{
	struct uinput_setup us = {
		.id = { .bustype = BUS_USB, .vendor = VMT_VENDOR,
			.product = product, .version = 1 },
	};
	int fd, r;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(us.name, sizeof(us.name), "%s", name);
	r = caps(fd);
	if (!r && ioctl(fd, UI_DEV_SETUP, &us) < 0)
		r = -errno;
	if (!r && ioctl(fd, UI_DEV_CREATE) < 0)
		r = -errno;
	if (!r)
		r = find_evdev(fd, d->evdev, sizeof(d->evdev));
	if (r) {
		close(fd);
		return r;
	}
	d->fd = fd;
	d->product = product;
	snprintf(d->name, sizeof(d->name), "%s", name);
	return 0;
}

int vmt_mouse_create(struct vmt_dev *d, const char *name, uint16_t product)
{
	return dev_create(d, name, product, mouse_caps);
}

int vmt_keyboard_create(struct vmt_dev *d, const char *name, uint16_t product)
{
	return dev_create(d, name, product, keyboard_caps);
}

int vmt_combo_create(struct vmt_dev *d, const char *name, uint16_t product)
{
	return dev_create(d, name, product, combo_caps);
}

int vmt_dev_destroy(struct vmt_dev *d)
{
	int r = 0;

	if (d->fd < 0)
		return 0;
	if (ioctl(d->fd, UI_DEV_DESTROY) < 0)
		r = -errno;
	close(d->fd);
	d->fd = -1;
	return r;
}

void evbuf_add(struct evbuf *b, uint16_t type, uint16_t code, int32_t value)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		struct input_event *ev = realloc(b->ev, cap * sizeof(*ev));

		if (!ev)
			abort();
		b->ev = ev;
		b->cap = cap;
	}
	b->ev[b->n++] = (struct input_event){ .type = type, .code = code, .value = value };
}

void evbuf_syn(struct evbuf *b)
{
	evbuf_add(b, EV_SYN, SYN_REPORT, 0);
}

/* Events per write(): large enough to be cheap, small enough to interleave. */
#define WRITE_CHUNK 1024

int evbuf_flush(struct evbuf *b, int uinput_fd)
{
	size_t done = 0;

	while (done < b->n) {
		size_t n = b->n - done < WRITE_CHUNK ? b->n - done : WRITE_CHUNK;
		ssize_t w = write(uinput_fd, b->ev + done, n * sizeof(*b->ev));

		if (w < 0)
			return -errno;
		if ((size_t)w != n * sizeof(*b->ev))
			return -EIO;
		done += n;
	}
	b->n = 0;
	return 0;
}

void evbuf_free(struct evbuf *b)
{
	free(b->ev);
	memset(b, 0, sizeof(*b));
}

int vmt_frame(struct vmt_dev *d, const struct input_event *ev, size_t n)
{
	struct evbuf b = { 0 };
	int r;

	for (size_t i = 0; i < n; i++)
		evbuf_add(&b, ev[i].type, ev[i].code, ev[i].value);
	evbuf_syn(&b);
	r = evbuf_flush(&b, d->fd);
	evbuf_free(&b);
	return r;
}

/* ---- uhid devices ----------------------------------------------------- */

static int uhid_create(struct vmt_uhid *u, const char *name, uint16_t product,
		       const uint8_t *rdesc, size_t rd_size)
{
	struct uhid_event ev;
	int fd;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	fd = open("/dev/uhid", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ev, 0, sizeof(ev));
	ev.type = UHID_CREATE2;
	snprintf((char *)ev.u.create2.name, sizeof(ev.u.create2.name), "%s", name);
	ev.u.create2.rd_size = rd_size;
	ev.u.create2.bus = BUS_USB;
	ev.u.create2.vendor = VMT_VENDOR;
	ev.u.create2.product = product;
	ev.u.create2.version = 1;
	memcpy(ev.u.create2.rd_data, rdesc, rd_size);
	if (write(fd, &ev, sizeof(ev)) != sizeof(ev)) {
		int r = -errno;

		close(fd);
		return r ? r : -EIO;
	}
	u->fd = fd;
	snprintf(u->name, sizeof(u->name), "%s", name);
	return 0;
}

int vmt_uhid_mouse(struct vmt_uhid *u, const char *name, uint16_t product)
{
	static const uint8_t rdesc[] = {
		0x05, 0x01, 0x09, 0x02, 0xa1, 0x01,	/* Generic Desktop, Mouse, Application */
		0x09, 0x01, 0xa1, 0x00,			/* Pointer, Physical */
		0x05, 0x09, 0x19, 0x01, 0x29, 0x03,	/* Buttons 1 ... 3 */
		0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02,
		0x95, 0x01, 0x75, 0x05, 0x81, 0x01,	/* padding */
		0x05, 0x01, 0x09, 0x30, 0x09, 0x31,	/* X, Y: relative, -127 ... 127 */
		0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06,
		0xc0, 0xc0,
	};

	return uhid_create(u, name, product, rdesc, sizeof(rdesc));
}

int vmt_uhid_remote(struct vmt_uhid *u, const char *name, uint16_t product)
{
	static const uint8_t rdesc[] = {
		0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01,	/* Consumer, Consumer Control, Application */
		0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02,
		0x09, 0x41, 0x09, 0x60, 0x81, 0x02,	/* Menu Pick, Data On Screen */
		0x95, 0x06, 0x81, 0x01,			/* padding */
		0xc0,
	};

	return uhid_create(u, name, product, rdesc, sizeof(rdesc));
}

int vmt_uhid_input(struct vmt_uhid *u, const void *report, size_t size)
{
	struct uhid_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = UHID_INPUT2;
	ev.u.input2.size = size;
	memcpy(ev.u.input2.data, report, size);
	return write(u->fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -errno;
}

int vmt_uhid_events(struct vmt_uhid *u, int until_open, unsigned int ms)
{
	int64_t end = now_ns() + (int64_t)ms * 1000000;

	for (;;) {
		struct pollfd p = { .fd = u->fd, .events = POLLIN };
		int64_t left = (end - now_ns()) / 1000000;
		struct uhid_event ev;

		if (until_open >= 0 && u->opened == until_open)
			return 0;
		if (left < 0)
			return until_open >= 0 ? -ETIMEDOUT : 0;
		if (poll(&p, 1, (int)left + 1) < 0 && errno != EINTR)
			return -errno;
		if (!(p.revents & POLLIN))
			continue;
		if (read(u->fd, &ev, sizeof(ev)) < 0)
			return -errno;
		if (ev.type == UHID_OPEN) {
			u->opened = 1;
			u->opens++;
		} else if (ev.type == UHID_CLOSE) {
			u->opened = 0;
			u->closes++;
		}
	}
}

void vmt_uhid_destroy(struct vmt_uhid *u)
{
	if (u->fd >= 0)
		close(u->fd);	/* destroys the device */
	u->fd = -1;
}

/* ---- evdev readers --------------------------------------------------- */

int evdev_open(const char *path)
{
	int clk = CLOCK_MONOTONIC;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, EVIOCSCLOCKID, &clk) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int evdev_read_all(int fd, struct input_event *ev, size_t max)
{
	size_t n = 0;

	while (n < max) {
		ssize_t r = read(fd, ev + n, (max - n) * sizeof(*ev));

		if (r < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n += (size_t)r / sizeof(*ev);
	}
	return (int)n;
}

/* ---- joystickd_kfilter ------------------------------------------------ */

long kf_module_refcnt(void)
{
	FILE *f = fopen("/sys/module/joystickd_kfilter/refcnt", "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int kf_open(int flags)
{
	int fd = open(JSKF_DEVICE_PATH, O_RDWR | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

int kf_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int kf_info(int fd, struct jskf_info *info)
{
	memset(info, 0, sizeof(*info));
	return kf_ioctl(fd, JSKF_IOC_INFO, info);
}

int kf_stats(int fd, uint32_t dev_id, struct jskf_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->dev_id = dev_id;
	return kf_ioctl(fd, JSKF_IOC_STATS, st);
}

int kf_capture(int fd, const uint32_t *ids, uint32_t n_ids, uint32_t flags,
	       uint32_t swallow, uint32_t ring_size, uint16_t toggle_code)
{
	struct jskf_capture c = {
		.ids_ptr = (uintptr_t)ids,
		.n_ids = n_ids,
		.flags = flags,
		.swallow = swallow,
		.ring_size = ring_size,
		.toggle_code = toggle_code,
	};

	return kf_ioctl(fd, JSKF_IOC_CAPTURE, &c);
}

int kf_set_active(int fd, uint32_t active)
{
	struct jskf_active a = { .active = active };

	return kf_ioctl(fd, JSKF_IOC_SET_ACTIVE, &a);
}

int kf_find(int fd, const char *name, struct jskf_device *out)
{
	enum { CAP = 256 };
	struct jskf_device *devs = calloc(CAP, sizeof(*devs));
	struct jskf_list l = { .devices_ptr = (uintptr_t)devs, .capacity = CAP };
	int r;

	if (!devs)
		return -ENOMEM;
	r = kf_ioctl(fd, JSKF_IOC_LIST_DEVICES, &l);
	if (!r) {
		r = -ENOENT;
		for (uint32_t i = 0; i < l.count && i < CAP; i++)
			if (!strncmp(devs[i].name, name, JSKF_NAME_LEN)) {
				*out = devs[i];
				r = 0;
				break;
			}
	}
	free(devs);
	return r;
}

void kf_read_init(struct jskf_read *rd, struct jskf_record *buf, uint32_t capacity,
		  uint32_t flags, int64_t deadline_ns)
{
	memset(rd, 0, sizeof(*rd));
	rd->records_ptr = (uintptr_t)buf;
	rd->capacity = capacity;
	rd->flags = flags;
	rd->deadline_ns = deadline_ns;
}

int kf_read(int fd, struct jskf_read *rd)
{
	return kf_ioctl(fd, JSKF_IOC_READ, rd);
}

void recbuf_init(struct recbuf *rb)
{
	memset(rb, 0, sizeof(*rb));
}

void recbuf_free(struct recbuf *rb)
{
	free(rb->r);
	memset(rb, 0, sizeof(*rb));
}

int recbuf_add_batch(struct recbuf *rb, const struct jskf_read *rd,
		     const struct jskf_record *recs)
{
	if (rb->batches && (rd->first_seq != rb->next_seq || rd->batch_seq != rb->next_batch))
		return -EPROTO;
	if (rb->n + rd->count > rb->cap) {
		size_t cap = rb->cap ? rb->cap : 1024;
		struct jskf_record *r;

		while (cap < rb->n + rd->count)
			cap *= 2;
		r = realloc(rb->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		rb->r = r;
		rb->cap = cap;
	}
	memcpy(rb->r + rb->n, recs, rd->count * sizeof(*recs));
	rb->n += rd->count;
	if (!rb->batches) {
		rb->first_state = rd->state;
		rb->first_seq0 = rd->first_seq;
		rb->first_batch0 = rd->batch_seq;
	}
	rb->batches++;
	rb->next_seq = rd->first_seq + rd->count;
	rb->next_batch = rd->batch_seq + 1;
	rb->coalesced += rd->coalesced;
	rb->dropped += rd->dropped;
	rb->state_or |= rd->state;
	return 0;
}

int kf_collect(int fd, struct recbuf *rb, size_t want, uint32_t capacity,
	       unsigned int timeout_ms)
{
	struct jskf_record *buf = calloc(capacity, sizeof(*buf));
	struct jskf_read rd;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	while (!want || rb->n < want) {
		kf_read_init(&rd, buf, capacity, JSKF_READ_DEADLINE,
			     now_ns() + (int64_t)timeout_ms * 1000000);
		r = kf_read(fd, &rd);
		if (r == -ETIMEDOUT && !want) {
			r = 0;
			break;
		}
		if (r)
			break;
		if (rd.count > capacity) {
			r = -EOVERFLOW;
			break;
		}
		r = recbuf_add_batch(rb, &rd, buf);
		if (r)
			break;
	}
	free(buf);
	return r;
}

int kf_drain(int fd, struct recbuf *rb)
{
	return kf_collect(fd, rb, 0, 64, 0);
}

const char *vmt_strerror(int r)
{
	if (r == -EPROTO)
		return "a batch does not continue the previous one (first_seq/batch_seq)";
	if (r == -EOVERFLOW)
		return "a batch has more records than the capacity asked for";
	return strerror(-r);
}

int vmt_capture_mouse(struct vmt_cap *c, const char *name, uint16_t product,
		      uint32_t flags, uint32_t swallow, uint32_t ring_size,
		      uint16_t toggle_code)
{
	struct jskf_device dev;
	int r;

	c->kfd = -1;
	r = vmt_mouse_create(&c->mouse, name, product);
	if (r)
		return r;
	c->kfd = kf_open(0);
	if (c->kfd < 0)
		return c->kfd;
	r = kf_find(c->kfd, name, &dev);
	if (r)
		return r;
	c->id = dev.id;
	return kf_capture(c->kfd, &c->id, 1, flags, swallow, ring_size, toggle_code);
}

static const char *type_str(unsigned int type)
{
	switch (type) {
	case EV_SYN: return "SYN";
	case EV_KEY: return "KEY";
	case EV_REL: return "REL";
	case EV_MSC: return "MSC";
	case JSKF_REC_STATE: return "STATE";
	case JSKF_REC_DEV_ADDED: return "DEV_ADDED";
	case JSKF_REC_DEV_REMOVED: return "DEV_REMOVED";
	default: return "?";
	}
}

const char *rec_str(const struct jskf_record *r, char *buf, size_t len)
{
	snprintf(buf, len, "{dev %u %s code %#x value %d flags %#x}", r->dev_id,
		 type_str(r->type), r->code, r->value, r->flags);
	return buf;
}

int recs_compare(const struct jskf_record *got, size_t n_got,
		 const struct exp_rec *want, size_t n_want, char *why, size_t len)
{
	size_t n = n_got < n_want ? n_got : n_want;
	char g[96];

	for (size_t i = 0; i < n; i++) {
		const struct exp_rec *w = &want[i];

		if (got[i].dev_id != w->dev_id || got[i].type != w->type || got[i].code != w->code ||
		    got[i].value != w->value || got[i].flags != w->flags) {
			snprintf(why, len, "record %zu of %zu: got %s, want {dev %u %s code %#x value %d flags %#x}",
				 i, n_got, rec_str(&got[i], g, sizeof(g)), w->dev_id,
				 type_str(w->type), w->code, w->value, w->flags);
			return -1;
		}
	}
	if (n_got != n_want) {
		if (n_got > n_want)
			snprintf(why, len, "%zu records, want %zu; first extra: %s", n_got,
				 n_want, rec_str(&got[n], g, sizeof(g)));
		else
			snprintf(why, len, "%zu records, want %zu; first missing: %s code %#x value %d",
				 n_got, n_want, type_str(want[n].type), want[n].code, want[n].value);
		return -1;
	}
	return 0;
}

int events_compare(const struct input_event *got, size_t n_got,
		   const struct input_event *want, size_t n_want, char *why, size_t len)
{
	size_t n = n_got < n_want ? n_got : n_want;

	for (size_t i = 0; i < n; i++)
		if (got[i].type != want[i].type || got[i].code != want[i].code ||
		    got[i].value != want[i].value) {
			snprintf(why, len, "event %zu of %zu: got %s code %#x value %d, want %s code %#x value %d",
				 i, n_got, type_str(got[i].type), got[i].code, got[i].value,
				 type_str(want[i].type), want[i].code, want[i].value);
			return -1;
		}
	if (n_got != n_want) {
		const struct input_event *e = n_got > n_want ? &got[n] : &want[n];

		snprintf(why, len, "%zu events, want %zu; first %s: %s code %#x value %d",
			 n_got, n_want, n_got > n_want ? "extra" : "missing",
			 type_str(e->type), e->code, e->value);
		return -1;
	}
	return 0;
}

/* ---- environment, kernel memory ------------------------------------- */

unsigned long vmt_env_ulong(const char *name, unsigned long fallback)
{
	const char *v = getenv(name);
	unsigned long n;
	char *end;

	if (!v || !*v)
		return fallback;
	n = strtoul(v, &end, 10);
	return *end || !n ? fallback : n;
}

int vmt_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

long vmt_meminfo_kb(const char *field)
{
	size_t len = strlen(field);
	char line[256];
	long v = -ENOENT;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			if (sscanf(line + len + 1, "%ld", &v) != 1)
				v = -EPROTO;
			break;
		}
	fclose(f);
	return v;
}

int vmt_slab_read(struct vmt_slabs *out, bool shrink)
{
	char line[512];
	struct dirent *de;
	DIR *d;
	FILE *f;

	if (shrink) {
		d = opendir("/sys/kernel/slab");
		if (!d)
			return -errno;
		while ((de = readdir(d))) {
			char path[300];

			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			/* A cache that cannot shrink is counted as it is. */
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", de->d_name);
			vmt_write_file(path, "1");
		}
		closedir(d);
	}

	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -errno;
	out->n = 0;
	while (fgets(line, sizeof(line), f) && out->n < ARRAY_SIZE(out->s)) {
		struct vmt_slab *s = &out->s[out->n];
		long num;

		if (sscanf(line, "%63s %ld %ld %ld %ld", s->name, &s->active, &num, &s->objsize,
			   &s->per_slab) == 5)
			out->n++;
	}
	fclose(f);
	return 0;
}

long vmt_slab_active(const struct vmt_slabs *ss, const char *name)
{
	for (size_t i = 0; i < ss->n; i++)
		if (!strcmp(ss->s[i].name, name))
			return ss->s[i].active;
	return 0;
}

/*
 * sysfs lookups of removed devices keep their kernfs nodes and names alive
 * until the dentries go; an allocation right after the flush makes a whole
 * slab's free objects count as active again.
 */
int vmt_slab_snapshot(struct vmt_slabs *out)
{
	static struct vmt_slabs again;
	int r;

	/* Twice, with time for the RCU-deferred frees in between. */
	for (int i = 0; i < 2; i++) {
		r = vmt_write_file("/proc/sys/vm/drop_caches", "2");
		if (r)
			return r;
		sleep_ms(300);
	}
	r = vmt_slab_read(out, true);
	for (int i = 0; !r && i < 2; i++) {
		r = vmt_slab_read(&again, true);
		for (size_t k = 0; !r && k < out->n; k++) {
			long a = vmt_slab_active(&again, out->s[k].name);

			if (a < out->s[k].active)
				out->s[k].active = a;
		}
	}
	return r;
}

bool vmt_slab_module_may_use(const char *name)
{
	return !strncmp(name, "kmalloc-", 8) || strstr(name, "jskf") ||
	       strstr(name, "joystickd");
}

long long vmt_slab_module_bytes(const struct vmt_slabs *ss)
{
	long long sum = 0;

	for (size_t i = 0; i < ss->n; i++)
		if (vmt_slab_module_may_use(ss->s[i].name))
			sum += (long long)ss->s[i].active * ss->s[i].objsize;
	return sum;
}

/* ---- checks ---------------------------------------------------------- */

int vmt_expect_evdev(int fd, const struct input_event *want, size_t n_want,
		     const char *when)
{
	struct input_event got[128];
	char why[512];
	int n = evdev_read_all(fd, got, ARRAY_SIZE(got));

	CHECK_OK(n);
	CHECK(!events_compare(got, n, want, n_want, why, sizeof(why)), "evdev %s: %s", when, why);
	return 0;
}

int vmt_expect_recs(int kfd, const struct exp_rec *want, size_t n_want)
{
	struct recbuf rb;
	char why[512];
	int r;

	recbuf_init(&rb);
	r = kf_drain(kfd, &rb);
	if (!r && recs_compare(rb.r, rb.n, want, n_want, why, sizeof(why)))
		r = -EPROTO;
	recbuf_free(&rb);
	CHECK(r != -EPROTO, "%s", why);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	return 0;
}
