/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the daemon VM tests: virtual input devices made with raw
 * uinput ioctls, evdev and joydev readers, the daemon as a child process
 * with a sd_notify socket, and joystickctl runs.  Static, no libraries.
 */
#ifndef DTEST_H
#define DTEST_H

#include <linux/input.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- results: one line per test on stdout, as the harness reads them */
extern int dt_failed;
/*
 * "PLAN n" for the host (tests/vm/tally.sh): the checks main() will
 * report, by name.  dt_done() reports each one that was not as a FAIL and
 * returns the exit status; a PASS for a name not in the plan is a FAIL too.
 */
void dt_plan(const char *const *names, size_t n);
int dt_done(void);
void dt_pass(const char *name);
void dt_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

uint64_t dt_now_ms(void);
void dt_sleep_ms(unsigned int ms);

/* ---- virtual devices (uinput) */
struct vdev {
	int fd;			/* the uinput file; -1 once destroyed */
	char name[80];
};

/* A mouse: REL_X, REL_Y, REL_WHEEL, REL_HWHEEL, BTN_LEFT/RIGHT/MIDDLE/SIDE/EXTRA. */
int vdev_mouse(struct vdev *v, const char *name, uint16_t vendor, uint16_t product);
/* A keyboard with KEY_ESC..KEY_F12 and KEY_SCROLLLOCK..KEY_PAUSE. */
int vdev_keyboard(struct vdev *v, const char *name);
/* Creates the device whose bits were set on v->fd (an open /dev/uinput); 0 or -errno. */
int vdev_create(struct vdev *v, const char *name, uint16_t bus, uint16_t vendor, uint16_t product);
void vdev_destroy(struct vdev *v);
/* One frame: the events, then SYN_REPORT, in one write(). */
int vdev_frame(struct vdev *v, const struct input_event *ev, size_t n);
int vdev_rel(struct vdev *v, uint16_t code, int32_t value);
/* @n frames of one REL event each, values from @values, in one write(). */
int vdev_rel_burst(struct vdev *v, uint16_t code, const int32_t *values, size_t n);
int vdev_key(struct vdev *v, uint16_t code, int32_t value);

/* ---- finding devices by name in sysfs */
/* /dev/input/eventN of the input device called @name; 0 or -ENOENT. */
int dt_find_event(const char *name, char *path, size_t size);
/* /dev/input/jsN of the same device; 0 or -ENOENT. */
int dt_find_js(const char *name, char *path, size_t size);

/* ---- readers */
int evdev_open(const char *path);	/* O_NONBLOCK, EVIOCSCLOCKID(CLOCK_MONOTONIC) */
/* Reads events until one of @type/@code arrives with @value (or any value
 * if @any), up to @timeout_ms.  Returns 0 with *ret_value, or -ETIMEDOUT. */
int evdev_wait(int fd, uint16_t type, uint16_t code, bool any, int32_t value,
	       int timeout_ms, int32_t *ret_value);
/* Counts the events of @type waiting within @timeout_ms (drains). */
int evdev_count(int fd, uint16_t type, int timeout_ms);
int evdev_abs(int fd, uint16_t code, int32_t *ret);	/* EVIOCGABS value */
/* Waits until axis @code has @want (EVIOCGABS, every 20 ms), up to @timeout_ms. */
bool evdev_settles(int fd, uint16_t code, int32_t want, int timeout_ms);
/*
 * Whether another file holds EVIOCGRAB on the device of @fd (ours gets
 * EBUSY) within @timeout_ms.  It grabs for an instant when nobody does: a
 * grab tried meanwhile fails with EBUSY.
 */
bool dt_grabbed_by_another(int fd, int timeout_ms);
void evdev_drain(int fd);

/*
 * /dev/input/jsN.  joydev queues no event for a reader until it has read
 * every JS_EVENT_INIT event, so js_init() reads them all first and returns
 * the initial value of axis @number.
 */
int js_init(int fd, uint8_t number, int16_t *ret);
/* Waits for axis @number to report @value; the last value seen in *ret. */
int js_wait_axis(int fd, uint8_t number, int16_t value, int timeout_ms, int16_t *ret);

/* ---- processes */
/*
 * systemd reads its notify socket at once; so must we, else the daemon's
 * sd_notify() blocks once the socket's queue of datagrams is full (10).
 * A thread collects every notify line; waits consume them in order.
 */
struct daemon {
	pid_t pid;
	int notify_fd;		/* our NOTIFY_SOCKET */
	char log[128];		/* its stderr */
	pthread_t notify_thread;
	bool notify_running;
	volatile bool notify_stop;
	volatile bool notify_paused;	/* set: the socket is not read, its queue fills */
	pthread_mutex_t lock;	/* protects lines, n_lines, seen, status */
	pthread_cond_t cond;
	char **lines;		/* every notify line received */
	size_t n_lines, seen;	/* seen: lines consumed by daemon_wait_notify() */
	char status[256];	/* last STATUS= */
};

/*
 * Starts @argv[0] with NOTIFY_SOCKET, @extra_env, and stderr to a log file
 * which, with @journal, $JOURNAL_STREAM names as if it were the journal.
 * Returns 0 or -errno.
 */
int daemon_spawn(struct daemon *d, char *const argv[], char *const extra_env[], bool journal);
/*
 * Waits for the next notify line @what (e.g. "READY=1") after those a
 * previous wait consumed; 0 or -ETIMEDOUT.
 */
int daemon_wait_notify(struct daemon *d, const char *what, int timeout_ms);
/* Sends @sig and waits for the exit; returns the wait status or -ETIMEDOUT. */
int daemon_stop(struct daemon *d, int sig, int timeout_ms);
/* Kills the daemon if it still runs; VMT_VERBOSE=1 dumps its log to the console. */
void daemon_close(struct daemon *d);
/* Whether the daemon's log contains @needle. */
bool daemon_log_has(const struct daemon *d, const char *needle);
void daemon_dump_log(const struct daemon *d);

/*
 * Runs a program, optionally as @uid (>= 0), capturing stdout and stderr
 * (together, truncated to @size) into @out.  Returns the exit status, or
 * -1 when it did not exit normally within @timeout_ms.  dt_run() runs as
 * uid:gid @uid:@uid with no supplementary group.
 */
int dt_run(char *const argv[], int uid, char *out, size_t size, int timeout_ms);
/* The same as @uid:@gid, with the supplementary group @supp if >= 0. */
int dt_run_as(char *const argv[], int uid, int gid, int supp, char *out, size_t size,
	      int timeout_ms);
/*
 * The same as root with an empty capability bounding set, as
 * joystickd.service runs it (CapabilityBoundingSet=): file modes apply.
 */
int dt_run_nocaps(char *const argv[], char *out, size_t size, int timeout_ms);

/* ---- what a daemon may leave behind */
/* How many input devices called @name /proc/bus/input/devices lists. */
int dt_count_input(const char *name);
/* The capture owner's ring size from JSKF_IOC_STATS (0: no owner), or -errno. */
int dt_capture_ring(void);
/* Lines in the daemon's log so far; the last one (without newline) in @last. */
int daemon_log_lines(const struct daemon *d, char *last, size_t size);

/* Copies a file; 0 or -errno. */
int dt_copy(const char *from, const char *to);
/* Writes @text to @path; 0 or -errno. */
int dt_write(const char *path, const char *text);
/* Reads a whole small file; 0 or -errno. */
int dt_read(const char *path, char *buf, size_t size);

#endif
