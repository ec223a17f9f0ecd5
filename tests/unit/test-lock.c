// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Nothing slow runs under manager.lock (manager.h, "Locking"; issue 12).
 *
 * The real manager (manager-*.c), reader thread (reader.c) and control
 * commands (commands.c) are linked with fakes of what they call that is
 * slow or needs a device: the kernel filter's ioctls (kfilter.h), the
 * uinput stick (stick.h), udev (discovery.h), the control socket
 * (control.h) and the log (log.h); sd_notify() and sd_notifyf() are
 * wrapped (-Wl,--wrap).  Every slow call the fakes see is recorded with
 * whether manager.lock was held at that moment, and each test ends by
 * failing on any that was, naming it:
 *
 * - uinput create and destroy: stick_new(), stick_free() of a stick;
 * - sd_notify(), sd_notifyf();
 * - logging: log_msg(), log_raw(), from either thread;
 * - udev look-ups: discovery_lookup(), discovery_count().
 *
 * "Held" is manager_holds_lock() (the calling thread, by the lock's own
 * bookkeeping) or pthread_mutex_trylock() failing (anyone, even code that
 * took the mutex behind manager_lock()'s back).  The second is exact only
 * while no other thread holds the lock, so the reader thread and the test
 * take turns: the fake JSKF_IOC_READ hands the reader one batch at a time,
 * and the test waits until the reader is back in it before going on.
 * Nothing here waits for a time or measures one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "control/commands.h"
#include "engine/live.h"
#include "control/control.h"
#include "capture/discovery.h"
#include "capture/kfilter.h"
#include "log.h"
#include "manager-int.h"
#include "stick.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* The manager under test, for the lock probe. */
static struct manager *the_manager;

/* ---- the record of slow calls */

struct slow_call {
	const char *what;		/* "stick_new", "sd_notify", "log", "udev" */
	bool under_lock;
	bool reader;			/* made by the reader thread */
	char detail[160];
};

#define MAX_CALLS	512

static pthread_mutex_t calls_mu = PTHREAD_MUTEX_INITIALIZER;
static struct slow_call calls[MAX_CALLS];
static size_t n_calls;
static pthread_t main_thread;

/* Whether manager.lock is held: see the top of the file. */
static bool lock_held(void)
{
	struct manager *m = the_manager;

	if (!m)
		return false;
	if (manager_holds_lock(m))
		return true;
	if (pthread_mutex_trylock(&m->lock) != 0)
		return true;
	pthread_mutex_unlock(&m->lock);
	return false;
}

static void record(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void record(const char *what, const char *fmt, ...)
{
	bool held = lock_held();
	struct slow_call *c;
	va_list ap;

	pthread_mutex_lock(&calls_mu);
	if (n_calls < MAX_CALLS) {
		c = &calls[n_calls++];
		c->what = what;
		c->under_lock = held;
		c->reader = !pthread_equal(pthread_self(), main_thread);
		va_start(ap, fmt);
		vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&calls_mu);
}

/* Calls of @what (and, with @needle, whose detail holds it), and of them by the reader. */
static size_t count_calls(const char *what, const char *needle, size_t *ret_by_reader)
{
	size_t i, n = 0, by_reader = 0;

	pthread_mutex_lock(&calls_mu);
	for (i = 0; i < n_calls; i++) {
		if (strcmp(calls[i].what, what) != 0)
			continue;
		if (needle && !strstr(calls[i].detail, needle))
			continue;
		n++;
		by_reader += calls[i].reader;
	}
	pthread_mutex_unlock(&calls_mu);
	if (ret_by_reader)
		*ret_by_reader = by_reader;
	return n;
}

/* Fails, naming each one, if any slow call so far ran under manager.lock. */
static void assert_nothing_slow_under_lock(void)
{
	size_t i, bad = 0;

	pthread_mutex_lock(&calls_mu);
	assert_true(n_calls < MAX_CALLS);
	for (i = 0; i < n_calls; i++) {
		if (!calls[i].under_lock)
			continue;
		print_error("%s under manager.lock (%s thread): %s\n", calls[i].what,
			    calls[i].reader ? "reader" : "main", calls[i].detail);
		bad++;
	}
	pthread_mutex_unlock(&calls_mu);
	assert_int_equal(bad, 0);
}

/* ---- log.h: the sink every line goes through */

void log_setup(const char *progname, bool verbose) {}

static void log_record(int prio, const char *fmt, va_list ap)
{
	char line[160];

	vsnprintf(line, sizeof(line), fmt, ap);
	record("log", "<%d>%s", prio, line);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_record(prio, fmt, ap);
	va_end(ap);
}

void log_raw(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_record(prio, fmt, ap);
	va_end(ap);
}

/* ---- sd_notify(): wrapped (-Wl,--wrap=sd_notify,--wrap=sd_notifyf) */

int __wrap_sd_notify(int unset_environment, const char *state);
int __wrap_sd_notifyf(int unset_environment, const char *format, ...);

int __wrap_sd_notify(int unset_environment, const char *state)
{
	record("sd_notify", "%s", state);
	return 0;
}

int __wrap_sd_notifyf(int unset_environment, const char *format, ...)
{
	char state[160];
	va_list ap;

	va_start(ap, format);
	vsnprintf(state, sizeof(state), format, ap);
	va_end(ap);
	record("sd_notify", "%s", state);
	return 0;
}

/* ---- stick.h: uinput create and destroy are slow; writes are not recorded */

struct stick {
	struct jsd_stick_cfg cfg;
};

static bool stick_writes_fail;	/* stick_hold(s, false) fails: a warning to log */

int stick_new(const struct jsd_stick_cfg *cfg, struct stick **ret)
{
	struct stick *s;

	record("stick_new", "uinput device '%s'", cfg->name);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	*ret = s;
	return 0;
}

struct stick *stick_free(struct stick *s)
{
	if (s)
		record("stick_free", "uinput device '%s'", s->cfg.name);
	free(s);
	return NULL;
}

const struct jsd_stick_cfg *stick_cfg(const struct stick *s) { return &s->cfg; }
const char *stick_devnode(const struct stick *s) { return "/dev/input/event9"; }
int32_t stick_axis_value(const struct stick *s, uint16_t code) { return 0; }
int stick_button_value(const struct stick *s, uint16_t code) { return 0; }
int stick_axis(struct stick *s, uint16_t code, int32_t value) { return 0; }
int stick_button(struct stick *s, uint16_t code, int value) { return 0; }
int stick_sync(struct stick *s) { return 0; }
bool stick_stale(const struct stick *s) { return false; }
void stick_defer(struct stick *s, bool defer) { }
bool stick_pending(const struct stick *s) { return false; }
int stick_take_output(struct stick *s, struct jskf_out_event *ev, unsigned int max) { return 0; }
int stick_write_output(struct stick *s, const struct jskf_out_event *ev, unsigned int n) { return 0; }
int stick_resync(struct stick *s) { return 0; }

int stick_hold(struct stick *s, bool hold)
{
	return !hold && stick_writes_fail ? -EIO : 0;
}

/* ---- discovery.h: udev look-ups are slow */

struct discovery {
	int dummy;
};

static struct discovery the_discovery;

int discovery_new(sd_event *event, discovery_changed_t changed, void *userdata,
		  struct discovery **ret)
{
	*ret = &the_discovery;
	return 0;
}

struct discovery *discovery_free(struct discovery *d)
{
	return NULL;
}

size_t discovery_count(const struct discovery *d)
{
	record("udev", "discovery_count");
	return 1;
}

int discovery_lookup(const struct discovery *d, const struct jskf_device *dev,
		     const char **ret_devnode, const char **ret_id_path)
{
	record("udev", "discovery_lookup of device %u", dev->id);
	*ret_devnode = "/dev/input/event3";
	*ret_id_path = "pci-0000:00:14.0-usb-0:1:1.0";
	return 0;
}

/* ---- control.h: no socket; the tests call commands_run() themselves */

struct control {
	int dummy;
};

static struct control the_control;

int control_new(sd_event *event, const char *path, gid_t group, const char *group_name,
		control_handler_t handler, void *userdata, struct control **ret)
{
	*ret = &the_control;
	return 0;
}

struct control *control_free(struct control *c)
{
	return NULL;
}

/* ---- kfilter.h: two devices, and JSKF_IOC_READ handing out one batch at a time */

/* auto picks the (fake) kernel filter; the evdev backend is never opened here. */
int backend_evdev_open(struct backend **ret, struct jskf_info *ret_info)
{
	return -ENOTSUP;
}

static int kf_capture_error;	/* what kf_capture() fails with, or 0 */
static uint64_t kf_gen = 1;	/* the device list's devlist_gen */
static unsigned int kf_lists;	/* kf_list() calls */

int kf_open(const char *path, int *ret_fd)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int kf_info(int fd, struct jskf_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->abi_version = JSKF_ABI_VERSION;
	ret->features = ~0ull;
	ret->max_batch = 16;
	ret->max_capture_ids = JSKF_MAX_CAPTURE_IDS;
	ret->devlist_gen = kf_gen;
	ret->n_devices = 2;
	return 0;
}

int kf_list(int fd, struct jskf_device **ret_devs, size_t *ret_n, uint64_t *ret_gen)
{
	struct jskf_device *d = calloc(2, sizeof(*d));

	kf_lists++;
	if (!d)
		return -ENOMEM;
	d[0] = (struct jskf_device){ .id = 1, .flags = JSKF_DEVF_POINTER, .bustype = 3,
				     .vendor = 0x046d, .product = 0xc077 };
	snprintf(d[0].name, sizeof(d[0].name), "Logitech USB Optical Mouse");
	d[1] = (struct jskf_device){ .id = 2, .flags = JSKF_DEVF_KEYBOARD, .bustype = 3,
				     .vendor = 0x04d9, .product = 0x1603 };
	snprintf(d[1].name, sizeof(d[1].name), "USB Keyboard");
	*ret_devs = d;
	*ret_n = 2;
	*ret_gen = kf_gen;
	return 0;
}

int kf_capture(int fd, const struct kf_capture_req *req) { return kf_capture_error; }
int kf_capture_keys(int fd, const uint64_t bits[JSKF_KEY_WORDS]) { return 0; }
int kf_set_active(int fd, int active) { return 0; }
int kf_exclude(int fd, const struct jskf_input_id *ids, size_t n) { return 0; }
int kf_set_output(int fd, unsigned int slot, const struct jskf_input_id *id, const char *name)
{
	return 0;
}
int kf_release(int fd) { return 0; }
int kf_stats(int fd, uint32_t dev_id, struct jskf_stats *ret) { return -ENOTTY; }

/* The reader's side: one batch queued by the test at a time. */
static pthread_mutex_t kr_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kr_cv = PTHREAD_COND_INITIALIZER;
static struct jskf_read kr_batch;
static struct jskf_record kr_recs[8];
static bool kr_queued;		/* a batch waits for the reader */
static bool kr_parked;		/* the reader is in kf_read(), waiting */
static unsigned int kr_reads;	/* kf_read() calls so far */
static unsigned int kr_cancels;	/* kf_cancel() calls not yet seen by a read */

int kf_read(int fd, struct jskf_read *rd)
{
	struct jskf_record *out = (struct jskf_record *)(uintptr_t)rd->records_ptr;
	int r;

	pthread_mutex_lock(&kr_mu);
	kr_reads++;
	kr_parked = true;
	pthread_cond_broadcast(&kr_cv);
	while (!kr_queued && !kr_cancels)
		pthread_cond_wait(&kr_cv, &kr_mu);
	kr_parked = false;
	if (kr_queued) {
		uint64_t gen = rd->devlist_gen;

		*rd = kr_batch;
		rd->devlist_gen = gen;
		memcpy(out, kr_recs, kr_batch.count * sizeof(*out));
		kr_queued = false;
		r = 0;
	} else {
		kr_cancels = 0;
		r = -ECANCELED;
	}
	pthread_mutex_unlock(&kr_mu);
	return r;
}

int kf_cancel(int fd)
{
	pthread_mutex_lock(&kr_mu);
	kr_cancels++;
	pthread_cond_broadcast(&kr_cv);
	pthread_mutex_unlock(&kr_mu);
	return 0;
}

/* Waits until the reader has made @n reads and waits in the next one. */
static void reader_wait_parked(unsigned int n)
{
	pthread_mutex_lock(&kr_mu);
	while (kr_reads < n || !kr_parked)
		pthread_cond_wait(&kr_cv, &kr_mu);
	pthread_mutex_unlock(&kr_mu);
}

/*
 * Hands the reader one batch and waits until it has dealt with it (taken
 * it under the lock, logged after) and is back waiting for the next.
 */
static void reader_feed(const struct jskf_read *rd, const struct jskf_record *recs)
{
	unsigned int n;

	assert_true(rd->count <= sizeof(kr_recs) / sizeof(kr_recs[0]));
	pthread_mutex_lock(&kr_mu);
	kr_batch = *rd;
	memcpy(kr_recs, recs, rd->count * sizeof(*recs));
	kr_queued = true;
	n = kr_reads + 1;
	pthread_cond_broadcast(&kr_cv);
	pthread_mutex_unlock(&kr_mu);
	reader_wait_parked(n);
}

/* ---- the manager, started on a copy of the shipped configuration */

static char tmpdir[64];
static char config_path[96];

/* Writes the shipped joystickd.ini to config_path, [stick] name replaced by @stick_name. */
static void write_config(const char *stick_name)
{
	static const char key[] = "name = joystickd virtual flight stick\n";
	char buf[16384];
	const char *at;
	size_t len;
	FILE *f;

	f = fopen(SRCDIR "/config/joystickd.ini", "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	assert_true(len < sizeof(buf) - 1);
	buf[len] = '\0';
	at = strstr(buf, key);
	assert_non_null(at);
	f = fopen(config_path, "w");
	assert_non_null(f);
	fwrite(buf, 1, at - buf, f);
	fprintf(f, "name = %s\n", stick_name);
	fputs(at + strlen(key), f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct manager_options opt = {
		.config_path = config_path,
		.socket_path = "/nonexistent/joystickd.sock",	/* control.h is faked */
		.device_path = "/dev/joystickd_kfilter",	/* kfilter.h is faked */
		.group = "joystickd",
	};
	struct manager *m;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-lock.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(config_path, sizeof(config_path), "%s/joystickd.ini", tmpdir);
	write_config("joystickd virtual flight stick");

	n_calls = 0;
	kf_capture_error = 0;
	kf_gen = 1;
	stick_writes_fail = false;
	kr_queued = kr_parked = false;
	kr_reads = kr_cancels = 0;
	main_thread = pthread_self();

	m = manager_new();
	if (!m)
		return -1;
	the_manager = m;
	if (manager_start(m, &opt) != 0) {
		manager_free(m);
		the_manager = NULL;
		return -1;
	}
	reader_wait_parked(1);	/* from here on the test and the reader take turns */
	*state = m;
	return 0;
}

static void stop(void)
{
	manager_free(the_manager);
	the_manager = NULL;
}

static int teardown(void **state)
{
	if (the_manager)
		stop();
	unlink(config_path);
	rmdir(tmpdir);
	return 0;
}

/* Runs control command @line (words separated by one space) as root. */
static int command(struct manager *m, const char *line, char *out, size_t out_size)
{
	char words[256], *argv[CONTROL_MAX_ARGS], *save = NULL, *w;
	char err[JSD_RELOAD_WHY_MAX] = "";
	int argc = 0, r;
	FILE *f;

	snprintf(words, sizeof(words), "%s", line);
	out[0] = '\0';
	for (w = strtok_r(words, " ", &save); w && argc < CONTROL_MAX_ARGS;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	f = fmemopen(out, out_size, "w");
	assert_non_null(f);
	r = commands_run(m, 0, argc, argv, f, err, sizeof(err));
	fclose(f);
	return r;
}

/* ---- the tests */

/* The probe itself: a slow call made while the lock is held is caught. */
static void test_probe_sees_the_lock(void **state)
{
	struct manager *m = *state;

	manager_lock(m);
	log_info("a line logged under the lock");
	manager_unlock(m);
	pthread_mutex_lock(&m->lock);	/* behind manager_lock()'s back */
	log_info("a line logged under the bare mutex");
	pthread_mutex_unlock(&m->lock);
	log_info("a line logged after it");

	assert_int_equal(calls[n_calls - 3].under_lock, true);
	assert_int_equal(calls[n_calls - 2].under_lock, true);
	assert_int_equal(calls[n_calls - 1].under_lock, false);
	n_calls -= 3;
	stop();
	assert_nothing_slow_under_lock();
}

/* Start-up and shutdown: the stick made and destroyed, the lines logged. */
static void test_start_and_stop(void **state)
{
	stop();
	assert_int_equal(count_calls("stick_new", NULL, NULL), 1);
	assert_int_equal(count_calls("stick_free", NULL, NULL), 1);
	assert_true(count_calls("log", NULL, NULL) > 0);
	assert_nothing_slow_under_lock();
}

/* A reload to another [stick]: the new uinput device is made, the old one destroyed. */
static void test_reload_swaps_stick(void **state)
{
	struct manager *m = *state;
	char out[512];

	write_config("joystickd reloaded stick");
	assert_int_equal(command(m, "reload", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "reloaded "));
	assert_string_equal(stick_cfg(m->stick)->name,
			    "joystickd reloaded stick");
	assert_int_equal(count_calls("stick_new", "reloaded stick", NULL), 1);
	assert_int_equal(count_calls("stick_free", "virtual flight stick", NULL), 1);
	assert_int_equal(count_calls("sd_notify", "RELOADING=1", NULL), 1);
	assert_int_equal(count_calls("sd_notify", "READY=1", NULL), 1);
	assert_true(count_calls("sd_notify", "STATUS=", NULL) >= 1);
	assert_int_equal(count_calls("log", "reloaded ", NULL), 1);
	stop();
	assert_nothing_slow_under_lock();
}

/*
 * Reloads that fail: a new stick made and then thrown away because the
 * capture failed, and a file refused (its error logged).
 */
static void test_failed_reloads(void **state)
{
	struct manager *m = *state;
	const struct jsd_config *running = manager_config(m);
	struct stick *stick = m->stick;
	char out[512];

	write_config("joystickd short-lived stick");
	kf_capture_error = -EIO;
	assert_int_equal(command(m, "reload", out, sizeof(out)), -EIO);
	kf_capture_error = 0;
	assert_int_equal(count_calls("stick_new", "short-lived", NULL), 1);
	assert_int_equal(count_calls("stick_free", "short-lived", NULL), 1);
	/* All or nothing: the running configuration and stick, together. */
	assert_ptr_equal(manager_config(m), running);
	assert_ptr_equal(m->stick, stick);
	assert_string_equal(stick_cfg(m->stick)->name, "joystickd virtual flight stick");

	write_config("bad\nname");	/* "bad" alone is no key = value line */
	assert_true(command(m, "reload", out, sizeof(out)) < 0);
	assert_true(count_calls("log", "reload failed", NULL) >= 2);
	assert_int_equal(count_calls("sd_notify", "READY=1", NULL), 2);
	stop();
	assert_nothing_slow_under_lock();
}

/* `joystickctl devices`: a udev look-up for every device. */
static void test_devices_looks_up_udev(void **state)
{
	struct manager *m = *state;
	char out[2048];

	assert_int_equal(command(m, "devices", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/dev/input/event3"));
	assert_int_equal(count_calls("udev", "discovery_lookup", NULL), 2);
	stop();
	assert_nothing_slow_under_lock();
}

/* The other commands, each of which takes the lock and may log or notify. */
static void test_other_commands(void **state)
{
	struct manager *m = *state;
	char out[4096], line[128];

	assert_int_equal(command(m, "status", out, sizeof(out)), 0);
	assert_int_equal(command(m, "state", out, sizeof(out)), 0);
	assert_int_equal(command(m, "toggle", out, sizeof(out)), 0);
	assert_int_equal(command(m, "recenter", out, sizeof(out)), 0);
	snprintf(line, sizeof(line), "profile %s", manager_config(m)->profiles[0].name);
	assert_int_equal(command(m, line, out, sizeof(out)), 0);
	snprintf(line, sizeof(line), "curve %s ascii 40 12",
		 manager_config(m)->profiles[0].axes[0].name);
	assert_int_equal(command(m, line, out, sizeof(out)), 0);
	assert_true(command(m, "no-such-command", out, sizeof(out)) < 0);
	stop();
	assert_nothing_slow_under_lock();
}

/*
 * The reader thread's warnings: events dropped, capture switched on, then
 * a sequence gap, failed stick writes and the dead-man switch.  Each is
 * logged by the reader, after the lock.
 */
static void test_batch_warnings(void **state)
{
	const struct jskf_record first[] = {
		{ .dev_id = 1, .type = JSKF_REC_STATE, .code = JSKF_STATE_BY_HOTKEY,
		  .value = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE },
		{ .dev_id = 1, .type = EV_REL, .code = REL_X, .value = 40 },
		{ .dev_id = 1, .type = EV_KEY, .code = BTN_LEFT, .value = 1 },
	};
	const struct jskf_record second[] = {
		{ .dev_id = 1, .type = EV_KEY, .code = BTN_LEFT, .value = 0 },
		{ .dev_id = 1, .type = JSKF_REC_STATE, .code = JSKF_STATE_BY_DEADMAN,
		  .value = JSKF_STATE_OWNER },
	};
	struct jskf_read rd = { .batch_seq = 1, .first_seq = 1, .count = 3, .dropped = 7,
				.state = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE };
	size_t by_reader;

	reader_feed(&rd, first);
	rd = (struct jskf_read){ .batch_seq = 2, .first_seq = 9, .count = 2,
				 .state = JSKF_STATE_OWNER };
	stick_writes_fail = true;
	reader_feed(&rd, second);

	assert_int_equal(count_calls("log", "kernel filter dropped 7", &by_reader), 1);
	assert_int_equal(by_reader, 1);
	assert_int_equal(count_calls("log", "capture active", &by_reader), 1);
	assert_int_equal(by_reader, 1);
	assert_int_equal(count_calls("log", "sequence gap", &by_reader), 1);
	assert_int_equal(by_reader, 1);
	assert_int_equal(count_calls("log", "writing the virtual stick failed", &by_reader), 1);
	assert_int_equal(by_reader, 1);
	assert_int_equal(count_calls("log", "dead-man switch", &by_reader), 1);
	assert_int_equal(by_reader, 1);
	stop();
	assert_nothing_slow_under_lock();
}

/*
 * A hotplug is reported twice, by udev's monitor and by the reader (the
 * device list's generation moved): the list is read once.
 */
static void test_one_refresh_per_change(void **state)
{
	struct manager *m = *state;

	kf_gen = 2;
	kf_lists = 0;
	loop_on_udev_change(m);
	assert_int_equal(manager_refresh_devices(m, false), 0);
	assert_int_equal(kf_lists, 1);
	kf_gen = 3;
	assert_int_equal(manager_refresh_devices(m, false), 0);
	loop_on_udev_change(m);
	assert_int_equal(kf_lists, 2);
	stop();
	assert_nothing_slow_under_lock();
}

/*
 * STATUS= updates: the reader's batch marks the status stale and wakes the
 * main loop, which sends STATUS= (on_wake); manager_run() sends STATUS=
 * and READY=1, and SIGTERM STOPPING=1.
 */
static void test_status_updates(void **state)
{
	const struct jskf_record recs[] = {
		{ .dev_id = 1, .type = JSKF_REC_STATE, .code = JSKF_STATE_BY_HOTKEY,
		  .value = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE },
	};
	struct jskf_read rd = { .batch_seq = 1, .first_seq = 1, .count = 1, .dropped = 1,
				.state = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE };
	struct manager *m = *state;
	int i, r = 1;

	reader_feed(&rd, recs);
	/* The wake-up is pending on the eventfd: dispatch what is ready now. */
	for (i = 0; i < 100 && r > 0 && !count_calls("sd_notify", "STATUS=Active", NULL); i++)
		r = sd_event_run(m->event, 0);
	assert_int_equal(count_calls("sd_notify", "STATUS=Active", NULL), 1);

	assert_int_equal(raise(SIGTERM), 0);	/* blocked: it waits for the event loop */
	assert_int_equal(manager_run(m), EXIT_SUCCESS);
	assert_int_equal(count_calls("sd_notify", "STATUS=Active", NULL), 2);
	assert_int_equal(count_calls("sd_notify", "READY=1", NULL), 1);
	assert_int_equal(count_calls("sd_notify", "STOPPING=1", NULL), 1);
	stop();
	assert_nothing_slow_under_lock();
}

/* ---- live changes (manager-live.c, commands-live.c): set, get, diff, revert, adopt */

/* Runs @line and asserts its result @want; the answer in @out, the error in @err. */
static int command_err(struct manager *m, const char *line, char *out, size_t out_size,
		       char *err, size_t err_size)
{
	char words[512], *argv[64], *save = NULL, *w;
	int argc = 0, r;
	FILE *f;

	snprintf(words, sizeof(words), "%s", line);
	for (w = strtok_r(words, " ", &save); w && argc < 64; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	err[0] = '\0';
	out[0] = '\0';
	f = fmemopen(out, out_size, "w");
	assert_non_null(f);
	r = commands_run(m, 1000, argc, argv, f, err, err_size);
	fclose(f);
	return r;
}

/* The position and trim of the throttle (axis 2: hold, wheel, 10 notches, trim -1). */
static struct engine_axis_state throttle_state(struct manager *m)
{
	struct engine_axis_state st;

	manager_lock(m);
	manager_axis_state_locked(m, 2, &st);
	manager_unlock(m);
	return st;
}

/* What check-config says of the file with "sensitivity = 0" on line 63, named as the daemon's file. */
static void check_config_message(const char *from, const char *to, char *msg, size_t size)
{
	char text[16384], edited[128];
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	FILE *f = fopen(config_path, "r");
	size_t len;
	char *at;

	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	at = strstr(text, from);
	assert_non_null(at);
	snprintf(edited, sizeof(edited), "%s/edited.ini", tmpdir);
	f = fopen(edited, "w");
	fwrite(text, 1, at - text, f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	assert_int_equal(jsd_config_load(edited, &cfg, &err), -EINVAL);
	unlink(edited);
	snprintf(err.file, sizeof(err.file), "%s", config_path);
	jsd_error_format(&err, msg, size);
}

/*
 * set: the running mapping changes at once, on the same stick, positions
 * kept; a refused value changes nothing and says what check-config says;
 * get, diff and status show it; trim moves the running trim.
 */
static void test_set(void **state)
{
	const struct jskf_record recs[] = {
		/* swallowed, as a capture that swallows the wheel delivers it */
		{ .dev_id = 1, .type = EV_REL, .code = REL_WHEEL, .value = 5,
		  .flags = JSKF_RECF_SWALLOWED },
		{ .dev_id = 1, .type = EV_SYN, .code = SYN_REPORT },
	};
	struct jskf_read rd = { .batch_seq = 1, .first_seq = 1, .count = 2,
				.state = JSKF_STATE_OWNER | JSKF_STATE_ACTIVE };
	struct manager *m = *state;
	struct stick *stick = m->stick;
	const struct jsd_config *before;
	char out[4096], err[JSD_RELOAD_WHY_MAX], want[700];

	reader_feed(&rd, recs);		/* throttle: s = -1 + 5 / 10 = -0.5 */
	assert_float_equal(throttle_state(m).position, -0.5, 1e-12);

	assert_int_equal(command_err(m, "set aileron sensitivity 400", out, sizeof(out), err,
				     sizeof(err)), 0);
	assert_string_equal(out, "sensitivity = 400\n");
	assert_true(manager_config(m)->profiles[0].axes[0].sensitivity == 400);
	assert_ptr_equal(m->stick, stick);
	assert_int_equal(count_calls("stick_new", NULL, NULL), 1);
	assert_float_equal(throttle_state(m).position, -0.5, 1e-12);

	assert_int_equal(command_err(m, "get aileron sensitivity", out, sizeof(out), err,
				     sizeof(err)), 0);
	assert_string_equal(out, "sensitivity = 400\n");
	assert_int_equal(command_err(m, "diff", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "[axis aileron]\nsensitivity = 400\n");
	assert_int_equal(command_err(m, "status", out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "\nunsaved changes: 1 (joystickctl diff)\n"));

	/* Refused: check-config's message for the file it would be, nothing changed. */
	before = manager_config(m);
	assert_int_equal(command_err(m, "set aileron sensitivity 0", out, sizeof(out), err,
				     sizeof(err)), -EINVAL);
	check_config_message("sensitivity = 800", "sensitivity = 0", want, sizeof(want));
	assert_string_equal(err, want);
	assert_ptr_equal(manager_config(m), before);
	assert_true(manager_config(m)->profiles[0].axes[0].sensitivity == 400);
	assert_int_equal(command_err(m, "set aileron target ABS_RX", out, sizeof(out), err,
				     sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "target cannot change while joystickd runs"));
	assert_int_equal(command_err(m, "set rudder rate 2", out, sizeof(out), err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "no axis 'rudder' in profile default");

	/* trim: the running trim moves to it; the (hold) position stays. */
	assert_int_equal(command_err(m, "set throttle trim 0.25", out, sizeof(out), err,
				     sizeof(err)), 0);
	assert_float_equal(throttle_state(m).trim, 0.25, 1e-12);
	assert_float_equal(throttle_state(m).position, -0.5, 1e-12);
	assert_int_equal(command_err(m, "set throttle sensitivity 20", out, sizeof(out), err,
				     sizeof(err)), 0);
	assert_float_equal(throttle_state(m).trim, 0.25, 1e-12);
	assert_float_equal(throttle_state(m).position, -0.5, 1e-12);
	assert_int_equal(command_err(m, "revert throttle", out, sizeof(out), err, sizeof(err)), 0);
	assert_float_equal(throttle_state(m).trim, -1, 1e-12);

	/* A points curve with its list in one command. */
	assert_int_equal(command_err(m, "set aileron curve points 0,0 0.5,0.3 1,1", out,
				     sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "curve = points\npoint = 0, 0\npoint = 0.5, 0.3\npoint = 1, 1\n");
	assert_int_equal(manager_config(m)->profiles[0].axes[0].response.curve.n, 3);
	assert_int_equal(command_err(m, "unset aileron deadzone", out, sizeof(out), err,
				     sizeof(err)), 0);
	assert_int_equal(command_err(m, "diff", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "[axis aileron]\nsensitivity = 400\n"
				 "curve = points\npoint = 0, 0\npoint = 0.5, 0.3\npoint = 1, 1\n"
				 "; deadzone removed: its default applies\n");
	assert_int_equal(count_calls("log", "set [axis aileron] sensitivity = 400", NULL), 1);

	/* Back to the file. */
	assert_int_equal(command_err(m, "revert aileron", out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(command_err(m, "diff", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "");
	assert_true(manager_config(m)->profiles[0].axes[0].sensitivity == 800);
	assert_int_equal(count_calls("stick_new", NULL, NULL), 1);
	stop();
	assert_nothing_slow_under_lock();
}

/* A reload drops the changes not saved, and says so. */
static void test_reload_drops_changes(void **state)
{
	struct manager *m = *state;
	char out[4096], err[JSD_RELOAD_WHY_MAX];

	assert_int_equal(command_err(m, "set elevator rate 2", out, sizeof(out), err,
				     sizeof(err)), 0);
	assert_int_equal(command(m, "reload", out, sizeof(out)), 0);
	assert_int_equal(command_err(m, "diff", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "");
	assert_true(manager_config(m)->profiles[0].axes[1].rate == 0.5);
	assert_int_equal(count_calls("log", "the reload dropped 1 unsaved change", NULL), 1);
	assert_int_equal(command_err(m, "status", out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "\nunsaved changes: none\n"));
	stop();
	assert_nothing_slow_under_lock();
}

/*
 * What save needs (save-info), and adopt: the file saved with the changes
 * becomes the new baseline only when it is what runs.
 */
static void test_save_and_adopt(void **state)
{
	struct manager *m = *state;
	struct live_changes ch = { 0 };
	struct ini_file_id loaded = { 0 };
	char out[8192], err[JSD_RELOAD_WHY_MAX], why[LIVE_WHY_MAX], *line, *save = NULL;
	unsigned long long size, hash;
	FILE *f;

	assert_int_equal(command_err(m, "set aileron rate 2", out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(command_err(m, "adopt", out, sizeof(out), err, sizeof(err)), -ESTALE);
	assert_non_null(strstr(err, "does not hold what runs"));
	assert_int_equal(command_err(m, "save-info", out, sizeof(out), err, sizeof(err)), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct live_change c;

		if (sscanf(line, "loaded %llu %llx", &size, &hash) == 2) {
			loaded.size = size;
			loaded.hash = hash;
		} else if (strncmp(line, "path ", 5) == 0) {
			assert_string_equal(line + 5, config_path);
		} else {
			assert_int_equal(live_parse_wire(line, &c), 0);
			assert_int_equal(live_changes_add(&ch, &c), 0);
		}
	}
	assert_int_equal(ch.n, 1);
	assert_int_equal(live_save_file(config_path, config_path, &loaded, &ch, why, sizeof(why)), 0);
	live_changes_clear(&ch);
	assert_int_equal(command_err(m, "adopt", out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(command_err(m, "diff", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "");
	assert_int_equal(command_err(m, "status", out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "\nunsaved changes: none\n"));
	assert_true(manager_config(m)->profiles[0].axes[0].rate == 2);

	/* The running text is the file's now. */
	assert_int_equal(command_err(m, "running-config", out, sizeof(out), err, sizeof(err)), 0);
	f = fopen(config_path, "r");
	{
		char file[8192];
		size_t n = fread(file, 1, sizeof(file) - 1, f);

		file[n] = '\0';
		assert_string_equal(out, file);
	}
	fclose(f);
	stop();
	assert_nothing_slow_under_lock();
}

/* axis-state: what joystickctl tune polls. */
static void test_axis_state_command(void **state)
{
	struct manager *m = *state;
	char out[4096], err[JSD_RELOAD_WHY_MAX];

	assert_int_equal(command_err(m, "axis-state aileron", out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "generation 1\n"));
	assert_non_null(strstr(out, "profile default\n"));
	assert_non_null(strstr(out, "position 0\n"));
	assert_non_null(strstr(out, "value 0\n"));
	assert_non_null(strstr(out, "counts_per_s 0\n"));
	assert_non_null(strstr(out, "unsaved 0\n"));
	assert_int_equal(command_err(m, "set aileron rate 2", out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(command_err(m, "axis-state aileron", out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "generation 2\n"));
	assert_non_null(strstr(out, "unsaved 1\n"));
	assert_int_equal(command_err(m, "axis-state rudder", out, sizeof(out), err, sizeof(err)),
			 -ENOENT);
	stop();
	assert_nothing_slow_under_lock();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_sees_the_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_swaps_stick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_reloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices_looks_up_udev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_drops_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_and_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_axis_state_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_refresh_per_change, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
