// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's start-up, event loop, reload and shutdown; see manager.h.
 *
 * Start-up order matters: the configuration is loaded and checked before
 * anything is touched (a bad file changes nothing); the control socket is
 * bound next, so that a second joystickd stops there, before it touches
 * the kernel filter or makes a stick; the stick's input id is excluded from
 * the kernel filter before the stick exists (so the filter never attaches
 * to it and its events never loop back); the stick exists before the
 * capture starts swallowing the mice; READY=1 comes last.  A failure logs
 * one line and returns the exit status for it; manager_stop() undoes the
 * rest (the kernel also ends capture and uinput destroys the stick when
 * their files close).
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "discovery.h"
#include "log.h"
#include "manager.h"
#include "stick.h"

#define STATUS_PERIOD_USEC	(10 * 1000000ull)

uint64_t manager_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- engine output: runs under lock, in whichever thread fed the engine */

static void out_axis(void *ctx, uint16_t code, int32_t value)
{
	struct manager *m = ctx;

	if (stick_axis(m->stick, code, value) < 0)
		m->counters.stick_errors++;
}

static void out_button(void *ctx, uint16_t code, int32_t value)
{
	struct manager *m = ctx;

	if (stick_button(m->stick, code, value) < 0)
		m->counters.stick_errors++;
}

static void out_sync(void *ctx)
{
	struct manager *m = ctx;

	if (stick_sync(m->stick) < 0)
		m->counters.stick_errors++;
}

/*
 * Toggles go to the kernel at once (the state record that follows tells
 * the engine); a profile switch must wait until the engine has returned.
 */
static void out_request(void *ctx, const struct engine_request *req)
{
	struct manager *m = ctx;

	switch (req->kind) {
	case ENGINE_REQ_TOGGLE_CAPTURE:
		manager_set_active(m, !m->want_active);
		break;
	case ENGINE_REQ_PROFILE:
		m->pending_profile = req->profile;
		break;
	}
}

static const struct engine_output manager_output = {
	.axis = out_axis,
	.button = out_button,
	.sync = out_sync,
	.request = out_request,
};

/* ---- helpers called under lock */

int manager_set_active(struct manager *m, bool active)
{
	int r = kf_set_active(m->kf_fd, active);

	if (r < 0)
		return r;
	m->want_active = active;
	return 0;
}

void manager_apply_requests(struct manager *m)
{
	int p = m->pending_profile;

	if (p < 0)
		return;
	m->pending_profile = -1;
	if (engine_set_profile(m->engine, p, manager_now_ns()) == 0) {
		log_info("profile %s", m->cfg->profiles[p].name);
		m->wake_status = true;
	}
}

void manager_wake(struct manager *m)
{
	uint64_t one = 1;

	/* Fails only when the counter is saturated: a wake-up is pending then. */
	if (write(m->wake_fd, &one, sizeof(one)) < 0)
		return;
}

static bool capture_equal(const struct kf_capture_req *a, const struct kf_capture_req *b)
{
	return a->all_pointers == b->all_pointers && a->n_ids == b->n_ids &&
	       a->swallow == b->swallow && a->toggle_code == b->toggle_code &&
	       a->active == b->active &&
	       memcmp(a->ids, b->ids, a->n_ids * sizeof(a->ids[0])) == 0;
}

static bool mouse_listed(const struct manager_mouse *mice, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (mice[i].id == id)
			return true;
	return false;
}

/*
 * Under lock, after a capture: one info line for each mouse that is now
 * captured, or no longer (unplugged, or not wanted since a reload).  Ids
 * are never reused, so a replugged mouse is logged again.
 */
static void log_mice(struct manager *m)
{
	const struct devmap *dm = &m->devmap;
	struct manager_mouse *now;
	size_t n = 0, i;

	now = calloc(dm->n ? dm->n : 1, sizeof(*now));
	if (!now)
		return;	/* only log lines are lost; the next change compares again */
	for (i = 0; i < dm->n; i++) {
		if (!devmap_wanted(dm, m->cfg, i))
			continue;
		now[n].id = dm->devs[i].id;
		memcpy(now[n].name, dm->devs[i].name, sizeof(now[n].name));
		n++;
	}
	for (i = 0; i < m->n_mice; i++) {
		const struct manager_mouse *old = &m->mice[i];

		if (mouse_listed(now, n, old->id))
			continue;
		if (devmap_find(dm, old->id) < 0)
			log_info("mouse '%s' (id %u) removed", old->name, old->id);
		else
			log_info("mouse '%s' (id %u) no longer captured", old->name, old->id);
	}
	for (i = 0; i < n; i++)
		if (!mouse_listed(m->mice, m->n_mice, now[i].id))
			log_info("capturing mouse '%s' (id %u)", now[i].name, now[i].id);
	free(m->mice);
	m->mice = now;
	m->n_mice = n;
}

/* Lists the devices and sends the capture they call for; see manager_refresh_devices(). */
static int refresh_once(struct manager *m, bool force)
{
	const struct jsd_capture_cfg *cc = &m->cfg->capture;
	uint32_t ids[JSKF_MAX_CAPTURE_IDS];
	struct kf_capture_req req = {
		.all_pointers = cc->all_mice,
		.ids = ids,
		.swallow = cc->swallow,
		.toggle_code = cc->toggle_key,
		.active = m->want_active,
	};
	struct devmap dm;
	size_t left_out = 0;
	int r;

	r = devmap_build(m->kf_fd, m->cfg, &dm);
	if (r < 0)
		return r;
	devmap_done(&m->devmap);
	m->devmap = dm;

	if (!req.all_pointers)
		req.n_ids = devmap_capture_ids(&m->devmap, m->cfg, ids, JSKF_MAX_CAPTURE_IDS,
					       &left_out);
	if (left_out)
		log_warning("%zu more mice match; the kernel filter captures at most %d",
			    left_out, JSKF_MAX_CAPTURE_IDS);
	if (!force && m->captured && capture_equal(&req, &m->capture))
		return 0;

	r = kf_capture(m->kf_fd, &req);
	if (r < 0)
		return r;
	memcpy(m->capture_ids, ids, req.n_ids * sizeof(ids[0]));
	m->capture = req;
	m->capture.ids = m->capture_ids;
	m->captured = true;
	m->wake_status = true;
	return 0;
}

/* Mice unplugged between the listing and the capture give -ENODEV: list again. */
#define REFRESH_TRIES	5

int manager_refresh_devices(struct manager *m, bool force)
{
	int r, tries = 0;

	do
		r = refresh_once(m, force);
	while (r == -ENODEV && ++tries < REFRESH_TRIES);
	if (r == 0)
		log_mice(m);
	return r;
}

/* Main loop, under lock: the timer follows what the engine wants. */
static void arm_tick(struct manager *m)
{
	uint64_t next = engine_next_tick(m->engine);

	m->tick_at = next;
	m->wake_timer = false;
	if (next == ENGINE_IDLE) {
		sd_event_source_set_enabled(m->tick_timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(m->tick_timer, next / 1000);
	sd_event_source_set_enabled(m->tick_timer, SD_EVENT_ONESHOT);
}

/* ---- status */

static void notify_status(struct manager *m)
{
	size_t n_captured = 0, i;

	for (i = 0; i < m->devmap.n; i++)
		n_captured += devmap_wanted(&m->devmap, m->cfg, i);
	sd_notifyf(0, "STATUS=%s, profile %s, %zu mice captured, kernel coalesced %llu dropped %llu",
		   m->active ? "Active" : "Inactive",
		   m->cfg->profiles[engine_profile(m->engine)].name, n_captured,
		   (unsigned long long)m->counters.coalesced,
		   (unsigned long long)m->counters.dropped);
	m->wake_status = false;
}

/* ---- event loop callbacks */

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;

	pthread_mutex_lock(&m->lock);
	engine_tick(m->engine, manager_now_ns());
	manager_apply_requests(m);
	arm_tick(m);
	if (m->wake_status)
		notify_status(m);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static int on_wake(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	uint64_t count;
	int r;

	if (read(fd, &count, sizeof(count)) < 0)
		return 0;

	pthread_mutex_lock(&m->lock);
	if (m->reader_error) {
		r = m->reader_error;
		pthread_mutex_unlock(&m->lock);
		if (r == -ENODEV) {
			/* The module cannot be unloaded while we hold the file; only a forced one. */
			log_error("%s: %s (the joystickd_kfilter module went away: modprobe joystickd_kfilter, then restart joystickd)",
				  m->opt.device_path, strerror(-r));
			return sd_event_exit(sd_event_source_get_event(s), EXIT_NOTINSTALLED);
		}
		log_error("%s: reading failed: %s", m->opt.device_path, strerror(-r));
		return sd_event_exit(sd_event_source_get_event(s), EXIT_FAILURE);
	}
	if (m->wake_devlist) {
		m->wake_devlist = false;
		r = manager_refresh_devices(m, false);
		if (r < 0)
			log_warning("updating the captured mice failed: %s", strerror(-r));
	}
	if (m->wake_timer)
		arm_tick(m);
	if (m->wake_status)
		notify_status(m);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static int on_status_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;

	pthread_mutex_lock(&m->lock);
	notify_status(m);
	pthread_mutex_unlock(&m->lock);
	sd_event_source_set_time(s, usec + STATUS_PERIOD_USEC);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	manager_reload(userdata);
	return 0;
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	sd_notify(0, "STOPPING=1");
	return sd_event_exit(sd_event_source_get_event(s), EXIT_SUCCESS);
}

/* udev saw an input device come or go: re-list at once. */
static void on_udev_change(void *userdata)
{
	struct manager *m = userdata;
	int r;

	pthread_mutex_lock(&m->lock);
	r = manager_refresh_devices(m, false);
	if (r < 0)
		log_warning("updating the captured mice failed: %s", strerror(-r));
	if (m->wake_status)
		notify_status(m);
	pthread_mutex_unlock(&m->lock);
}

/* ---- reload */

/* Under lock.  Replaces the stick when the new configuration describes another one. */
static int replace_stick(struct manager *m, const struct jsd_stick_cfg *sc)
{
	struct jskf_input_id ids[2] = { m->cfg->stick.id, sc->id };
	struct stick *s;
	int r;

	/* Both ids stay excluded until the old stick is gone. */
	r = kf_exclude(m->kf_fd, ids, 2);
	if (r < 0)
		return r;
	r = stick_new(sc, &s);
	if (r < 0) {
		kf_exclude(m->kf_fd, ids, 1);
		return r;
	}
	stick_free(m->stick);
	m->stick = s;
	return kf_exclude(m->kf_fd, &ids[1], 1);
}

void manager_reload(struct manager *m)
{
	struct jsd_config *cfg, *old_cfg;
	struct engine *e, *old_engine;
	struct jsd_error err;
	char line[600];
	bool new_stick;
	int r;

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)(manager_now_ns() / 1000));
	r = jsd_config_load(m->opt.config_path, &cfg, &err);
	if (r < 0) {
		log_raw(LOG_ERR, "%s", jsd_error_format(&err, line, sizeof(line)));
		log_error("reload failed; keeping the running configuration");
		pthread_mutex_lock(&m->lock);
		m->counters.reload_failures++;
		pthread_mutex_unlock(&m->lock);
		sd_notify(0, "READY=1");
		return;
	}

	pthread_mutex_lock(&m->lock);
	r = engine_new_from(cfg, m->engine, &e);
	if (r < 0)
		goto out_fail;
	new_stick = !jsd_stick_equal(&cfg->stick, &m->cfg->stick);
	if (new_stick) {
		r = replace_stick(m, &cfg->stick);
		if (r < 0) {
			engine_free(e);
			goto out_fail;
		}
	}
	old_engine = m->engine;
	old_cfg = m->cfg;
	m->engine = e;
	m->cfg = cfg;
	engine_free(old_engine);
	jsd_config_free(old_cfg);
	engine_emit_state(m->engine, new_stick);
	m->pending_profile = -1;

	r = manager_refresh_devices(m, true);
	if (r < 0)
		log_warning("capturing with the new configuration failed: %s", strerror(-r));
	m->counters.reloads++;
	arm_tick(m);
	notify_status(m);
	pthread_mutex_unlock(&m->lock);
	log_info("reloaded %s%s", m->opt.config_path, new_stick ? " (new virtual stick)" : "");
	sd_notify(0, "READY=1");
	return;

 out_fail:
	m->counters.reload_failures++;
	pthread_mutex_unlock(&m->lock);
	jsd_config_free(cfg);
	log_error("reload failed: %s; keeping the running configuration", strerror(-r));
	sd_notify(0, "READY=1");
}

/* ---- start, run, stop */

/*
 * A device node that is missing, or whose driver is not loaded (a static
 * node from kmod's static-nodes gives ENODEV or ENXIO then).
 */
static bool no_device(int r)
{
	return r == -ENOENT || r == -ENODEV || r == -ENXIO;
}

/* The exit status for a device that could not be opened. */
static int open_status(int r)
{
	if (r == -EACCES || r == -EPERM)
		return EXIT_NOPERMISSION;
	return no_device(r) ? EXIT_NOTINSTALLED : EXIT_FAILURE;
}

static int load_config(struct manager *m)
{
	const char *path = m->opt.config_path;
	struct jsd_error err;
	char line[600];
	int r;

	r = jsd_config_load(path, &m->cfg, &err);
	switch (r) {
	case 0:
		return 0;
	case -EINVAL:	/* the content: "file:line: message" */
		log_raw(LOG_ERR, "%s", jsd_error_format(&err, line, sizeof(line)));
		return EX_CONFIG;
	case -ENOENT:
		log_error("%s: %s (write one, see joystickd.ini(5), or name another with -c FILE)",
			  path, strerror(-r));
		return EXIT_NOTCONFIGURED;
	case -EACCES:
	case -EPERM:
		log_error("%s: %s (joystickd runs without CAP_DAC_OVERRIDE: make it readable, chmod 0644 %s)",
			  path, strerror(-r), path);
		return EXIT_NOPERMISSION;
	default:
		log_error("%s: %s", path, strerror(-r));
		return r == -ENOMEM ? EXIT_FAILURE : EXIT_NOTCONFIGURED;
	}
}

static int open_control(struct manager *m)
{
	const char *path = m->opt.socket_path;
	struct group *g = getgrnam(m->opt.group);
	int r;

	m->group = g ? g->gr_gid : (gid_t)-1;
	r = control_new(m->event, path, m->group, m->opt.group, manager_command, m, &m->control);
	switch (r) {
	case 0:
		return 0;
	case -EADDRINUSE:
		log_error("%s: %s (another joystickd or another program listens there: stop it, or use --socket PATH)",
			  path, strerror(-r));
		return EX_CANTCREAT;
	case -EEXIST:
		log_error("%s: %s (and it is not a socket: remove it, or use --socket PATH)",
			  path, strerror(-r));
		return EX_CANTCREAT;
	case -EACCES:
	case -EPERM:
		log_error("%s: %s (joystickd must run as root to create its control socket)",
			  path, strerror(-r));
		return EXIT_NOPERMISSION;
	default:
		log_error("%s: %s", path, strerror(-r));
		return r == -ENOMEM ? EXIT_FAILURE : EX_CANTCREAT;
	}
}

static int open_kfilter(struct manager *m)
{
	const char *path = m->opt.device_path;
	int r;

	r = kf_open(path, &m->kf_fd);
	if (no_device(r))
		log_error("%s: %s (is the joystickd_kfilter module loaded? modprobe joystickd_kfilter)",
			  path, strerror(-r));
	else if (r == -EACCES || r == -EPERM)
		log_error("%s: %s (joystickd must run as root; under systemd, DeviceAllow=%s rw)",
			  path, strerror(-r), path);
	else if (r < 0)
		log_error("%s: %s", path, strerror(-r));
	if (r < 0)
		return open_status(r);

	r = kf_info(m->kf_fd, &m->info);
	if (r < 0) {
		log_error("%s: JSKF_IOC_INFO: %s (not the joystickd_kfilter device?)",
			  path, strerror(-r));
		return EXIT_NOTINSTALLED;
	}
	if (m->info.abi_version != JSKF_ABI_VERSION) {
		log_error("%s speaks ABI %u, joystickd needs %u: install matching versions",
			  path, m->info.abi_version, JSKF_ABI_VERSION);
		return EXIT_NOTINSTALLED;
	}
	return 0;
}

static int create_stick(struct manager *m)
{
	int r;

	r = kf_exclude(m->kf_fd, &m->cfg->stick.id, 1);
	if (r < 0) {
		log_error("excluding the virtual stick from the kernel filter failed: %s",
			  strerror(-r));
		return EXIT_FAILURE;
	}
	r = stick_new(&m->cfg->stick, &m->stick);
	if (no_device(r))
		log_error("/dev/uinput: %s (is the uinput module loaded? modprobe uinput)",
			  strerror(-r));
	else if (r == -EACCES || r == -EPERM)
		log_error("/dev/uinput: %s (joystickd must run as root; under systemd, DeviceAllow=/dev/uinput rw)",
			  strerror(-r));
	else if (r < 0)
		log_error("creating the virtual stick failed: %s", strerror(-r));
	if (r < 0)
		return open_status(r);

	r = engine_new(m->cfg, &manager_output, m, &m->engine);
	if (r < 0) {
		log_error("creating the engine failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	engine_emit_state(m->engine, true);
	return 0;
}

static int capture(struct manager *m)
{
	int r;

	m->want_active = m->cfg->capture.active_at_start;
	r = manager_refresh_devices(m, true);
	if (r == -EBUSY) {
		log_error("%s: %s (another joystickd, or another program, owns the capture: stop it first)",
			  m->opt.device_path, strerror(-r));
		return EX_TEMPFAIL;
	}
	if (r < 0) {
		log_error("capturing the mice failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	/* The capture call queues a state record; until it is read: */
	m->active = m->want_active;
	return 0;
}

static int setup_loop(struct manager *m)
{
	sigset_t mask;
	int r;

	/* Blocked in every thread: the reader is created after this. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	r = sd_event_default(&m->event);
	if (r < 0)
		return r;
	r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGTERM, on_sigterm, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGINT, on_sigterm, m);
	if (r >= 0)
		r = sd_event_set_watchdog(m->event, true);
	if (r >= 0)
		r = sd_event_add_time(m->event, &m->tick_timer, CLOCK_MONOTONIC, 0, 1,
				      on_tick, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->tick_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_time_relative(m->event, &m->status_timer, CLOCK_MONOTONIC,
					       STATUS_PERIOD_USEC, 0, on_status_timer, m);
	if (r < 0)
		return r;
	m->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->wake_fd < 0)
		return -errno;
	return sd_event_add_io(m->event, &m->wake_source, m->wake_fd, EPOLLIN, on_wake, m);
}

int manager_start(struct manager *m, const struct manager_options *opt)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->opt = *opt;
	m->kf_fd = -1;
	m->wake_fd = -1;
	m->pending_profile = -1;
	m->tick_at = ENGINE_IDLE;
	m->group = (gid_t)-1;
	pthread_mutex_init(&m->lock, NULL);

	r = load_config(m);
	if (r)
		return r;
	r = setup_loop(m);
	if (r < 0) {
		log_error("setting up the event loop failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	r = open_control(m);
	if (r == 0)
		r = open_kfilter(m);
	if (r == 0)
		r = create_stick(m);
	if (r == 0)
		r = capture(m);
	if (r)
		return r;

	r = discovery_new(m->event, on_udev_change, m, &m->discovery);
	if (r < 0)
		log_warning("udev monitor unavailable (%s), relying on the kernel's device list",
			    strerror(-r));
	r = reader_start(m);
	if (r < 0) {
		log_error("starting the reader thread failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	return 0;
}

int manager_run(struct manager *m)
{
	int r;

	if (m->group == (gid_t)-1)
		log_info("group '%s' does not exist: the control socket is for root only",
			 m->opt.group);
	pthread_mutex_lock(&m->lock);
	log_info("running: stick %s, %zu devices known, capture %s, profile %s",
		 stick_devnode(m->stick) ? stick_devnode(m->stick) : "(no node)",
		 m->devmap.n, m->active ? "active" : "inactive",
		 m->cfg->profiles[engine_profile(m->engine)].name);
	arm_tick(m);
	notify_status(m);
	pthread_mutex_unlock(&m->lock);
	sd_notify(0, "READY=1");

	r = sd_event_loop(m->event);
	if (r < 0) {
		log_error("event loop failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	return r;
}

void manager_stop(struct manager *m)
{
	reader_stop(m);
	m->control = control_free(m->control);
	m->discovery = discovery_free(m->discovery);
	if (m->kf_fd >= 0) {
		if (m->captured)
			kf_release(m->kf_fd);
		close(m->kf_fd);
	}
	m->stick = stick_free(m->stick);
	m->engine = engine_free(m->engine);
	m->cfg = jsd_config_free(m->cfg);
	devmap_done(&m->devmap);
	free(m->mice);
	m->mice = NULL;
	m->n_mice = 0;
	sd_event_source_disable_unref(m->tick_timer);
	sd_event_source_disable_unref(m->status_timer);
	sd_event_source_disable_unref(m->wake_source);
	if (m->wake_fd >= 0)
		close(m->wake_fd);
	m->event = sd_event_unref(m->event);
	pthread_mutex_destroy(&m->lock);
}
