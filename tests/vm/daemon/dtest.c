// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers of the daemon VM tests; see dtest.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/joystick.h>
#include <linux/uinput.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dtest.h"
#include "joystickd_kfilter.h"

int dt_failed;

/* The plan: its names, and whether each was reported. */
static const char *const *plan;
static bool *plan_reported;
static size_t plan_len;

void dt_plan(const char *const *names, size_t n)
{
	plan = names;
	plan_len = n;
	plan_reported = calloc(n, sizeof(*plan_reported));
	printf("PLAN %zu\n", n);
	fflush(stdout);
}

/* Marks @name reported; false if it is not in the plan. */
static bool plan_mark(const char *name)
{
	for (size_t i = 0; i < plan_len; i++)
		if (!strcmp(plan[i], name)) {
			if (plan_reported)
				plan_reported[i] = true;
			return true;
		}
	return false;
}

int dt_done(void)
{
	for (size_t i = 0; i < plan_len; i++)
		if (plan_reported && !plan_reported[i])
			dt_fail(plan[i], "not reached (an earlier step failed or the test was skipped)");
	return dt_failed ? 1 : 0;
}

void dt_pass(const char *name)
{
	printf("PASS %s\n", name);
	fflush(stdout);
	if (!plan_mark(name))
		dt_fail(name, "reported, but not in the plan (vmt-daemon.c, checks[])");
}

/*
 * One line each, and no control character on the console: a reason that
 * quotes a program's output has its newlines folded to '|' and any other
 * control byte shown as \xNN.
 */
void dt_fail(const char *name, const char *fmt, ...)
{
	static char why[8192];
	size_t n;
	va_list ap;

	plan_mark(name);
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	n = strlen(why);
	while (n > 0 && why[n - 1] == '\n')
		why[--n] = '\0';
	printf("FAIL %s: ", name);
	for (const unsigned char *p = (const unsigned char *)why; *p; p++) {
		if (*p == '\n')
			putchar('|');
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	printf("\n");
	fflush(stdout);
	dt_failed++;
}

void dt_info(const char *fmt, ...)
{
	va_list ap;

	printf("INFO ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

uint64_t dt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- uinput */

int vdev_create(struct vdev *v, const char *name, uint16_t bus, uint16_t vendor, uint16_t product)
{
	struct uinput_setup us = { .id = { bus, vendor, product, 1 } };

	snprintf(us.name, sizeof(us.name), "%s", name);
	snprintf(v->name, sizeof(v->name), "%s", name);
	if (ioctl(v->fd, UI_DEV_SETUP, &us) < 0 || ioctl(v->fd, UI_DEV_CREATE) < 0) {
		int r = -errno;

		close(v->fd);
		v->fd = -1;
		return r;
	}
	return 0;
}

int vdev_mouse(struct vdev *v, const char *name, uint16_t vendor, uint16_t product)
{
	static const uint16_t rels[] = { REL_X, REL_Y, REL_WHEEL, REL_HWHEEL };
	static const uint16_t btns[] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA };
	size_t i;

	v->fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);
	if (v->fd < 0)
		return -errno;
	ioctl(v->fd, UI_SET_EVBIT, EV_REL);
	ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
	for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++)
		ioctl(v->fd, UI_SET_RELBIT, rels[i]);
	for (i = 0; i < sizeof(btns) / sizeof(btns[0]); i++)
		ioctl(v->fd, UI_SET_KEYBIT, btns[i]);
	return vdev_create(v, name, BUS_USB, vendor, product);
}

int vdev_keyboard(struct vdev *v, const char *name)
{
	int k;

	v->fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);
	if (v->fd < 0)
		return -errno;
	ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
	for (k = KEY_ESC; k <= KEY_F12; k++)
		ioctl(v->fd, UI_SET_KEYBIT, k);
	for (k = KEY_SCROLLLOCK; k <= KEY_PAUSE; k++)
		ioctl(v->fd, UI_SET_KEYBIT, k);
	return vdev_create(v, name, BUS_USB, 0x1209, 0x0002);
}

void vdev_destroy(struct vdev *v)
{
	if (v->fd < 0)
		return;
	ioctl(v->fd, UI_DEV_DESTROY);
	close(v->fd);
	v->fd = -1;
}

int vdev_frame(struct vdev *v, const struct input_event *ev, size_t n)
{
	struct input_event buf[16];
	ssize_t w;

	if (n >= sizeof(buf) / sizeof(buf[0]))
		return -E2BIG;
	memcpy(buf, ev, n * sizeof(*ev));
	memset(&buf[n], 0, sizeof(buf[n]));
	buf[n].type = EV_SYN;
	buf[n].code = SYN_REPORT;
	w = write(v->fd, buf, (n + 1) * sizeof(buf[0]));
	if (w < 0)
		return -errno;
	return w == (ssize_t)((n + 1) * sizeof(buf[0])) ? 0 : -EIO;
}

int vdev_rel(struct vdev *v, uint16_t code, int32_t value)
{
	struct input_event ev = { .type = EV_REL, .code = code, .value = value };

	return vdev_frame(v, &ev, 1);
}

int vdev_rel_burst(struct vdev *v, uint16_t code, const int32_t *values, size_t n)
{
	struct input_event *ev = calloc(2 * n, sizeof(*ev));
	ssize_t w, len = 2 * n * sizeof(*ev);
	size_t i;

	if (!ev)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ev[2 * i].type = EV_REL;
		ev[2 * i].code = code;
		ev[2 * i].value = values[i];
		ev[2 * i + 1].type = EV_SYN;
		ev[2 * i + 1].code = SYN_REPORT;
	}
	w = write(v->fd, ev, len);
	free(ev);
	if (w < 0)
		return -errno;
	return w == len ? 0 : -EIO;
}

int vdev_key(struct vdev *v, uint16_t code, int32_t value)
{
	struct input_event ev = { .type = EV_KEY, .code = code, .value = value };

	return vdev_frame(v, &ev, 1);
}

/* ---- sysfs */

/* The child of /sys/class/input/inputN called PREFIX* whose input is @name. */
static int find_child(const char *name, const char *prefix, char *path, size_t size)
{
	DIR *d = opendir("/sys/class/input");
	struct dirent *de;
	int r = -ENOENT;

	if (!d)
		return -errno;
	while (r < 0 && (de = readdir(d))) {
		char p[300], n[128] = "";
		DIR *sub;
		struct dirent *se;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		snprintf(p, sizeof(p), "/sys/class/input/%s/name", de->d_name);
		if (dt_read(p, n, sizeof(n)) < 0)
			continue;
		n[strcspn(n, "\n")] = '\0';
		if (strcmp(n, name) != 0)
			continue;
		snprintf(p, sizeof(p), "/sys/class/input/%s", de->d_name);
		sub = opendir(p);
		if (!sub)
			continue;
		while ((se = readdir(sub))) {
			if (strncmp(se->d_name, prefix, strlen(prefix)) == 0) {
				snprintf(path, size, "/dev/input/%s", se->d_name);
				r = 0;
				break;
			}
		}
		closedir(sub);
	}
	closedir(d);
	return r;
}

int dt_find_event(const char *name, char *path, size_t size)
{
	return find_child(name, "event", path, size);
}

int dt_find_js(const char *name, char *path, size_t size)
{
	return find_child(name, "js", path, size);
}

/* ---- evdev and joydev */

int evdev_open(const char *path)
{
	int clk = CLOCK_MONOTONIC;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	ioctl(fd, EVIOCSCLOCKID, &clk);
	return fd;
}

static int wait_readable(int fd, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t now = dt_now_ms();

	if (now >= deadline)
		return 0;
	return poll(&p, 1, (int)(deadline - now));
}

int evdev_wait(int fd, uint16_t type, uint16_t code, bool any, int32_t value,
	       int timeout_ms, int32_t *ret_value)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;
	struct input_event ev;

	for (;;) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		if (n == sizeof(ev)) {
			if (ev.type == type && ev.code == code) {
				if (ret_value)
					*ret_value = ev.value;
				if (any || ev.value == value)
					return 0;
			}
			continue;
		}
		if (wait_readable(fd, deadline) <= 0)
			return -ETIMEDOUT;
	}
}

int evdev_count(int fd, uint16_t type, int timeout_ms)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;
	struct input_event ev;
	int count = 0;

	for (;;) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		if (n == sizeof(ev)) {
			count += ev.type == type;
			continue;
		}
		if (wait_readable(fd, deadline) <= 0)
			return count;
	}
}

bool dt_grabbed_by_another(int fd, int timeout_ms)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;

	while (dt_now_ms() < deadline) {
		if (ioctl(fd, EVIOCGRAB, (void *)1) < 0)
			return errno == EBUSY;
		ioctl(fd, EVIOCGRAB, (void *)0);
		dt_sleep_ms(10);
	}
	return false;
}

int evdev_abs(int fd, uint16_t code, int32_t *ret)
{
	struct input_absinfo ai;

	if (ioctl(fd, EVIOCGABS(code), &ai) < 0)
		return -errno;
	*ret = ai.value;
	return 0;
}

bool evdev_settles(int fd, uint16_t code, int32_t want, int timeout_ms)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;
	int32_t v = 0;

	do {
		if (evdev_abs(fd, code, &v) == 0 && v == want)
			return true;
		dt_sleep_ms(20);
	} while (dt_now_ms() < deadline);
	return false;
}

void evdev_drain(int fd)
{
	struct input_event ev[64];

	while (read(fd, ev, sizeof(ev)) > 0)
		;
}

int js_init(int fd, uint8_t number, int16_t *ret)
{
	struct js_event ev;
	int r = -ENOENT;

	while (read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
		if (ev.type == (JS_EVENT_INIT | JS_EVENT_AXIS) && ev.number == number) {
			*ret = ev.value;
			r = 0;
		}
	}
	return r;
}

int js_wait_axis(int fd, uint8_t number, int16_t value, int timeout_ms, int16_t *ret)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;
	struct js_event ev;

	for (;;) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		if (n == sizeof(ev)) {
			if ((ev.type & ~JS_EVENT_INIT) == JS_EVENT_AXIS && ev.number == number) {
				*ret = ev.value;
				if (ev.value == value)
					return 0;
			}
			continue;
		}
		if (wait_readable(fd, deadline) <= 0)
			return -ETIMEDOUT;
	}
}

/* ---- processes */

static void *notify_main(void *userdata)
{
	struct daemon *d = userdata;

	while (!d->notify_stop) {
		char buf[1024], *line, *save = NULL;
		ssize_t n;

		if (d->notify_paused) {
			dt_sleep_ms(10);
			continue;
		}
		if (wait_readable(d->notify_fd, dt_now_ms() + 50) <= 0)
			continue;
		n = recv(d->notify_fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		pthread_mutex_lock(&d->lock);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char **grown = realloc(d->lines, (d->n_lines + 1) * sizeof(*grown));

			if (!grown || !(grown[d->n_lines] = strdup(line))) {
				d->lines = grown ? grown : d->lines;
				break;
			}
			d->lines = grown;
			d->n_lines++;
			if (strncmp(line, "STATUS=", 7) == 0)
				snprintf(d->status, sizeof(d->status), "%s", line + 7);
		}
		pthread_cond_broadcast(&d->cond);
		pthread_mutex_unlock(&d->lock);
	}
	return NULL;
}

int daemon_spawn(struct daemon *d, char *const argv[], char *const extra_env[], bool journal)
{
	static int serial;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char env_notify[140], env_journal[80];
	struct stat st;
	int logfd;

	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	serial++;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/notify-%d.sock", serial);
	snprintf(d->log, sizeof(d->log), "/tmp/daemon-%d.log", serial);
	unlink(sa.sun_path);
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->notify_fd < 0 || bind(d->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (pthread_create(&d->notify_thread, NULL, notify_main, d) != 0)
		return -EAGAIN;
	d->notify_running = true;
	snprintf(env_notify, sizeof(env_notify), "NOTIFY_SOCKET=%s", sa.sun_path);
	logfd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0 || fstat(logfd, &st) < 0)
		return -errno;
	snprintf(env_journal, sizeof(env_journal), "JOURNAL_STREAM=%llu:%llu",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);

	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (d->pid == 0) {
		size_t i;

		putenv(env_notify);
		if (journal)
			putenv(env_journal);
		for (i = 0; extra_env && extra_env[i]; i++)
			putenv(extra_env[i]);
		dup2(logfd, STDERR_FILENO);
		dup2(logfd, STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(logfd);
	return 0;
}

int daemon_wait_notify(struct daemon *d, const char *what, int timeout_ms)
{
	struct timespec deadline;
	int r = -ETIMEDOUT;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&d->lock);
	for (;;) {
		while (d->seen < d->n_lines) {
			if (strcmp(d->lines[d->seen++], what) == 0) {
				r = 0;
				goto out;
			}
		}
		if (pthread_cond_timedwait(&d->cond, &d->lock, &deadline) != 0)
			break;
	}
out:
	pthread_mutex_unlock(&d->lock);
	return r;
}

int daemon_stop(struct daemon *d, int sig, int timeout_ms)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;
	int status;

	if (d->pid <= 0)
		return -ESRCH;
	kill(d->pid, sig);
	while (dt_now_ms() < deadline) {
		pid_t p = waitpid(d->pid, &status, WNOHANG);

		if (p == d->pid) {
			d->pid = 0;
			return status;
		}
		dt_sleep_ms(10);
	}
	return -ETIMEDOUT;
}

void daemon_close(struct daemon *d)
{
	if (getenv("VMT_VERBOSE"))
		daemon_dump_log(d);
	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	if (d->notify_running) {
		d->notify_stop = true;
		pthread_join(d->notify_thread, NULL);
		d->notify_running = false;
	}
	if (d->notify_fd > 0)
		close(d->notify_fd);
	d->notify_fd = -1;
	while (d->n_lines)
		free(d->lines[--d->n_lines]);
	free(d->lines);
	d->lines = NULL;
	d->seen = 0;
}

bool daemon_log_has(const struct daemon *d, const char *needle)
{
	static char buf[65536];

	return dt_read(d->log, buf, sizeof(buf)) == 0 && strstr(buf, needle);
}

void daemon_dump_log(const struct daemon *d)
{
	static char buf[65536];

	if (dt_read(d->log, buf, sizeof(buf)) == 0)
		fprintf(stderr, "--- %s:\n%s--- end of %s\n", d->log, buf, d->log);
}

/* In a child: drops every capability from the bounding set (CAP_SETPCAP last). */
static void drop_bounding_set(void)
{
	char text[16] = "";
	int last = CAP_LAST_CAP;

	if (dt_read("/proc/sys/kernel/cap_last_cap", text, sizeof(text)) == 0)
		last = atoi(text);
	for (int cap = 0; cap <= last; cap++)
		if (cap != CAP_SETPCAP && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			_exit(126);
	if (prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0) < 0)
		_exit(126);
}

/* uid < 0: root; nocaps: with an empty bounding set. */
static int run(char *const argv[], int uid, int gid, int supp, bool nocaps, char *out,
	       size_t size, int timeout_ms)
{
	gid_t groups[1] = { supp };
	uint64_t deadline = dt_now_ms() + timeout_ms;
	size_t len = 0;
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		if (uid >= 0 && (setgroups(supp >= 0, groups) < 0 || setgid(gid) < 0 ||
				 setuid(uid) < 0))
			_exit(126);
		if (nocaps)
			drop_bounding_set();
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t n;

		if (wait_readable(pipefd[0], deadline) <= 0)
			break;
		n = read(pipefd[0], out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (len == size - 1)
			break;
	}
	out[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (dt_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		dt_sleep_ms(5);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int dt_run(char *const argv[], int uid, char *out, size_t size, int timeout_ms)
{
	return run(argv, uid, uid, -1, false, out, size, timeout_ms);
}

int dt_run_as(char *const argv[], int uid, int gid, int supp, char *out, size_t size,
	      int timeout_ms)
{
	return run(argv, uid, gid, supp, false, out, size, timeout_ms);
}

int dt_run_nocaps(char *const argv[], char *out, size_t size, int timeout_ms)
{
	return run(argv, -1, -1, -1, true, out, size, timeout_ms);
}

/* ---- leftovers */

int dt_count_input(const char *name)
{
	static char buf[65536];
	char want[160];
	const char *p;
	int n = 0;

	if (dt_read("/proc/bus/input/devices", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(want, sizeof(want), "N: Name=\"%s\"\n", name);
	for (p = buf; (p = strstr(p, want)); p += strlen(want))
		n++;
	return n;
}

int dt_capture_ring(void)
{
	struct jskf_stats st = { 0 };
	int fd = open(JSKF_DEVICE_PATH, O_RDWR | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, JSKF_IOC_STATS, &st) < 0)
		r = -errno;
	close(fd);
	return r < 0 ? r : (int)st.ring_size;
}

int daemon_log_lines(const struct daemon *d, char *last, size_t size)
{
	static char buf[65536];
	const char *p, *start = buf;
	int n = 0;

	if (dt_read(d->log, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; (p = strchr(p, '\n')); p++) {
		if (p[1])
			start = p + 1;
		n++;
	}
	snprintf(last, size, "%.*s", (int)strcspn(start, "\n"), start);
	return n;
}

/* ---- files */

int dt_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fd);
	return 0;
}

int dt_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	close(fd);
	return r;
}

int dt_copy(const char *from, const char *to)
{
	static char buf[65536];
	int r = dt_read(from, buf, sizeof(buf));

	return r < 0 ? r : dt_write(to, buf);
}
