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
#include "engine/escape.h"
#include "log.h"
#include "manager.h"
#include "stick.h"

#define STATUS_PERIOD_USEC	(10 * 1000000ull)
#define RESYNC_RETRY_USEC	(100 * 1000ull)	/* a stale stick is written again after */

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
		m->switched_profile = p;
		m->wake_status = true;
	}
}

void manager_log_switch(struct manager *m)
{
	char name[JSD_NAME_MAX];
	int p;

	pthread_mutex_lock(&m->lock);
	p = m->switched_profile;
	m->switched_profile = -1;
	if (p >= 0)
		snprintf(name, sizeof(name), "%s", m->cfg->profiles[p].name);
	pthread_mutex_unlock(&m->lock);
	if (p >= 0)
		log_info("profile %s", name);
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

/* Whether mouse @id is in @mice (and captured, with @captured). */
static bool mouse_listed(const struct manager_mouse *mice, size_t n, uint32_t id, bool captured)
{
	for (size_t i = 0; i < n; i++)
		if (mice[i].id == id)
			return !captured || mice[i].captured;
	return false;
}

/*
 * What a capture with one configuration would be: the kernel's device
 * list matched to it, the request, and the mice it captures (for the log).
 */
struct capture_plan {
	struct devmap dm;
	struct kf_capture_req req;
	uint32_t ids[JSKF_MAX_CAPTURE_IDS];
	size_t left_out;		/* matching mice beyond JSKF_MAX_CAPTURE_IDS */
	struct manager_mouse *mice;	/* every pointer, and whether it is captured */
	size_t n_mice;
};

static void capture_plan_done(struct capture_plan *pl)
{
	devmap_done(&pl->dm);
	free(pl->mice);
	pl->mice = NULL;
}

/* No lock: it reads only @cfg and the kernel's list.  0 or -errno. */
static int capture_plan_build(struct manager *m, const struct jsd_config *cfg,
			      struct capture_plan *pl)
{
	const struct jsd_capture_cfg *cc = &cfg->capture;
	size_t i, n = 0;
	int r;

	memset(pl, 0, sizeof(*pl));
	r = devmap_build(m->kf_fd, cfg, &pl->dm);
	if (r < 0)
		return r;
	pl->req = (struct kf_capture_req){
		.all_pointers = cc->all_mice,
		.ids = pl->ids,
		.swallow = cc->swallow,
		.toggle_code = cc->toggle_key,
	};
	if (!pl->req.all_pointers)
		pl->req.n_ids = devmap_capture_ids(&pl->dm, cfg, pl->ids, JSKF_MAX_CAPTURE_IDS,
						   &pl->left_out);
	pl->mice = calloc(pl->dm.n ? pl->dm.n : 1, sizeof(*pl->mice));
	if (!pl->mice) {
		capture_plan_done(pl);
		return -ENOMEM;
	}
	for (i = 0; i < pl->dm.n; i++) {
		if (!(pl->dm.devs[i].flags & JSKF_DEVF_POINTER))
			continue;
		pl->mice[n].captured = devmap_wanted(&pl->dm, cfg, i);
		pl->mice[n].id = pl->dm.devs[i].id;
		memcpy(pl->mice[n].name, pl->dm.devs[i].name, sizeof(pl->mice[n].name));
		pl->mice[n].name[sizeof(pl->mice[n].name) - 1] = '\0';
		n++;
	}
	pl->n_mice = n;
	return 0;
}

/*
 * Under lock.  Sends the plan's capture (unless the kernel has it already
 * and @force is false), then makes its device list the running one.  On
 * failure nothing changed, here or in the kernel.  0 or -errno.
 */
static int capture_apply(struct manager *m, struct capture_plan *pl, bool force)
{
	int r;

	pl->req.active = m->want_active;
	if (force || !m->captured || !capture_equal(&pl->req, &m->capture)) {
		r = kf_capture(m->kf_fd, &pl->req);
		if (r < 0)
			return r;
		memcpy(m->capture_ids, pl->ids, pl->req.n_ids * sizeof(pl->ids[0]));
		m->capture = pl->req;
		m->capture.ids = m->capture_ids;
		m->captured = true;
		m->wake_status = true;
	}
	devmap_done(&m->devmap);
	m->devmap = pl->dm;
	pl->dm = (struct devmap){ 0 };
	return 0;
}

/*
 * Main thread, no lock (m->mice is the main thread's): one info line for
 * each mouse that is now captured, or no longer (unplugged, or not wanted
 * since a reload).  Ids are never reused, so a replugged mouse is logged
 * again.  Takes the plan's list of mice.
 */
static void log_mice(struct manager *m, struct capture_plan *pl)
{
	char name[JSD_ESCAPED_SIZE(JSKF_NAME_LEN)];
	size_t i;

	if (pl->left_out)
		log_warning("%zu more mice match; the kernel filter captures at most %d",
			    pl->left_out, JSKF_MAX_CAPTURE_IDS);
	for (i = 0; i < m->n_mice; i++) {
		const struct manager_mouse *old = &m->mice[i];

		if (!old->captured || mouse_listed(pl->mice, pl->n_mice, old->id, true))
			continue;
		jsd_escape(old->name, name, sizeof(name));
		if (!mouse_listed(pl->mice, pl->n_mice, old->id, false))
			log_info("mouse '%s' (id %u) removed", name, old->id);
		else
			log_info("mouse '%s' (id %u) no longer captured", name, old->id);
	}
	for (i = 0; i < pl->n_mice; i++)
		if (pl->mice[i].captured && !mouse_listed(m->mice, m->n_mice, pl->mice[i].id, true))
			log_info("capturing mouse '%s' (id %u)",
				 jsd_escape(pl->mice[i].name, name, sizeof(name)), pl->mice[i].id);
	free(m->mice);
	m->mice = pl->mice;
	m->n_mice = pl->n_mice;
	pl->mice = NULL;
}

/* Mice unplugged between the listing and the capture give -ENODEV: list again. */
#define REFRESH_TRIES	5

int manager_refresh_devices(struct manager *m, bool force)
{
	struct capture_plan pl;
	int r, tries = 0;

	do {
		r = capture_plan_build(m, m->cfg, &pl);
		if (r < 0)
			return r;
		pthread_mutex_lock(&m->lock);
		r = capture_apply(m, &pl, force);
		pthread_mutex_unlock(&m->lock);
		log_debug("device list: %zu pointers; capture %s: %s", pl.n_mice,
			  pl.req.all_pointers ? "all pointers" : "by id", r < 0 ? strerror(-r) : "ok");
		if (r == 0)
			log_mice(m, &pl);
		capture_plan_done(&pl);
	} while (r == -ENODEV && ++tries < REFRESH_TRIES);
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

/* Under lock: the STATUS= line, for sd_notify() once the lock is dropped. */
static void status_format(struct manager *m, struct manager_status *st)
{
	size_t n_captured = 0, i;

	for (i = 0; i < m->devmap.n; i++)
		n_captured += devmap_wanted(&m->devmap, m->cfg, i);
	snprintf(st->line, sizeof(st->line),
		 "STATUS=%s, profile %s, %zu mice captured, kernel coalesced %llu dropped %llu",
		 m->active ? "Active" : "Inactive",
		 m->cfg->profiles[engine_profile(m->engine)].name, n_captured,
		 (unsigned long long)m->counters.coalesced,
		 (unsigned long long)m->counters.dropped);
	m->wake_status = false;
}

/* No lock: sd_notify() is a system call that may block on a full socket. */
static void status_send(const struct manager_status *st)
{
	if (st->line[0])
		sd_notify(0, st->line);
}

/* ---- event loop callbacks */

/* Main loop: a stale stick is written whole again until a write succeeds. */
static void arm_resync(struct manager *m)
{
	sd_event_source_set_time_relative(m->resync_timer, RESYNC_RETRY_USEC);
	sd_event_source_set_enabled(m->resync_timer, SD_EVENT_ONESHOT);
}

static int on_resync(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	bool stale;

	pthread_mutex_lock(&m->lock);
	if (stick_resync(m->stick) < 0)
		m->counters.stick_errors++;
	stale = stick_stale(m->stick);
	pthread_mutex_unlock(&m->lock);
	if (stale)
		arm_resync(m);
	return 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	struct manager_status st = { "" };
	bool stale;

	pthread_mutex_lock(&m->lock);
	engine_tick(m->engine, manager_now_ns());
	manager_apply_requests(m);
	arm_tick(m);
	if (m->wake_status)
		status_format(m, &st);
	stale = stick_stale(m->stick);
	pthread_mutex_unlock(&m->lock);
	manager_log_switch(m);
	status_send(&st);
	if (stale)
		arm_resync(m);
	return 0;
}

static int on_wake(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	struct manager_status st = { "" };
	bool devlist, stale;
	uint64_t count;
	int r;

	if (read(fd, &count, sizeof(count)) < 0)
		return 0;

	pthread_mutex_lock(&m->lock);
	r = m->reader_error;
	devlist = m->wake_devlist;
	m->wake_devlist = false;
	pthread_mutex_unlock(&m->lock);
	if (r) {
		if (r == -ENODEV) {
			/* The module cannot be unloaded while we hold the file; only a forced one. */
			log_error("%s: %s (the joystickd_kfilter module went away: modprobe joystickd_kfilter, then restart joystickd)",
				  m->opt.device_path, strerror(-r));
			return sd_event_exit(sd_event_source_get_event(s), EXIT_NOTINSTALLED);
		}
		log_error("%s: reading failed: %s", m->opt.device_path, strerror(-r));
		return sd_event_exit(sd_event_source_get_event(s), EXIT_FAILURE);
	}
	if (devlist) {
		r = manager_refresh_devices(m, false);
		if (r < 0)
			log_warning("updating the captured mice failed: %s", strerror(-r));
	}
	pthread_mutex_lock(&m->lock);
	if (m->wake_timer)
		arm_tick(m);
	if (m->wake_status)
		status_format(m, &st);
	stale = stick_stale(m->stick);
	pthread_mutex_unlock(&m->lock);
	status_send(&st);
	if (stale)
		arm_resync(m);
	return 0;
}

static int on_status_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	struct manager_status st;

	pthread_mutex_lock(&m->lock);
	status_format(m, &st);
	pthread_mutex_unlock(&m->lock);
	status_send(&st);
	reader_log_suppressed(m);
	sd_event_source_set_time(s, usec + STATUS_PERIOD_USEC);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	char why[JSD_RELOAD_WHY_MAX];

	manager_reload(userdata, why, sizeof(why));
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
	struct manager_status st = { "" };
	int r;

	r = manager_refresh_devices(m, false);
	if (r < 0)
		log_warning("updating the captured mice failed: %s", strerror(-r));
	pthread_mutex_lock(&m->lock);
	if (m->wake_status)
		status_format(m, &st);
	pthread_mutex_unlock(&m->lock);
	status_send(&st);
}

/* ---- reload */

/*
 * All or nothing: the new configuration, and when it describes another
 * stick the new uinput device, and the capture it calls for are built
 * first, beside the running ones; the slow parts (parsing, creating a
 * uinput device) without the lock.  Under the lock a new engine takes
 * over the old one's state and the capture is sent: if that fails nothing
 * changed and the new pieces are thrown away, else all of them replace
 * the running ones at once.  The old ones are freed after the lock.
 */
int manager_reload(struct manager *m, char *why, size_t why_size)
{
	struct jskf_input_id ids[2] = { m->cfg->stick.id };
	struct manager_status st = { "" };
	struct stick *stick = NULL, *old_stick = NULL;
	struct engine *e = NULL, *old_engine;
	struct jsd_config *cfg, *old_cfg;
	struct capture_plan pl;
	struct jsd_error err;
	bool new_stick;
	int r;

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)(manager_now_ns() / 1000));
	r = jsd_config_load(m->opt.config_path, &cfg, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		log_raw(LOG_ERR, "%s", why);
		goto out_failed;
	}

	new_stick = !jsd_stick_equal(&cfg->stick, &m->cfg->stick);
	if (new_stick) {
		/* Both ids stay excluded until the old stick is gone. */
		ids[1] = cfg->stick.id;
		r = kf_exclude(m->kf_fd, ids, 2);
		if (r < 0) {
			snprintf(why, why_size, "excluding the new stick from the kernel filter: %s",
				 strerror(-r));
			goto out_free_cfg;
		}
		r = stick_new(&cfg->stick, &stick);
		if (r < 0) {
			snprintf(why, why_size, "creating the new stick: %s", strerror(-r));
			goto out_unexclude;
		}
	}
	r = capture_plan_build(m, cfg, &pl);
	if (r < 0) {
		snprintf(why, why_size, "listing the devices: %s", strerror(-r));
		goto out_free_stick;
	}

	pthread_mutex_lock(&m->lock);
	r = engine_new_from(cfg, m->engine, &e);
	if (r < 0) {
		snprintf(why, why_size, "creating the engine: %s", strerror(-r));
		goto out_unlock;
	}
	r = capture_apply(m, &pl, true);
	if (r < 0) {
		snprintf(why, why_size, "capturing with the new configuration: %s", strerror(-r));
		goto out_unlock;
	}
	/* Commit: nothing below can fail. */
	old_engine = m->engine;
	old_cfg = m->cfg;
	m->engine = e;
	m->cfg = cfg;
	if (new_stick) {
		old_stick = m->stick;
		m->stick = stick;
	}
	engine_emit_state(m->engine, new_stick);
	m->pending_profile = -1;
	m->counters.reloads++;
	arm_tick(m);
	status_format(m, &st);
	pthread_mutex_unlock(&m->lock);

	status_send(&st);
	log_mice(m, &pl);
	capture_plan_done(&pl);
	engine_free(old_engine);
	jsd_config_free(old_cfg);
	stick_free(old_stick);
	if (new_stick && kf_exclude(m->kf_fd, &ids[1], 1) < 0)
		log_warning("the old stick's input id stays excluded from the kernel filter");
	log_info("reloaded %s%s", m->opt.config_path, new_stick ? " (new virtual stick)" : "");
	sd_notify(0, "READY=1");
	return 0;

 out_unlock:
	pthread_mutex_unlock(&m->lock);
	engine_free(e);
	capture_plan_done(&pl);
 out_free_stick:
	stick_free(stick);
 out_unexclude:
	if (new_stick)
		kf_exclude(m->kf_fd, ids, 1);
 out_free_cfg:
	jsd_config_free(cfg);
	log_error("reload failed: %s; keeping the running configuration", why);
	goto out_count;
 out_failed:
	log_error("reload failed; keeping the running configuration");
 out_count:
	pthread_mutex_lock(&m->lock);
	m->counters.reload_failures++;
	pthread_mutex_unlock(&m->lock);
	sd_notify(0, "READY=1");
	return r;
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
	if (r >= 0)
		r = sd_event_add_time_relative(m->event, &m->resync_timer, CLOCK_MONOTONIC,
					       RESYNC_RETRY_USEC, 0, on_resync, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->resync_timer, SD_EVENT_OFF);
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
	m->switched_profile = -1;
	m->tick_at = ENGINE_IDLE;
	m->group = (gid_t)-1;
	m->rl_dropped = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
	m->rl_seq_gap = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
	m->rl_stick = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
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
	/* The main thread owns the stick pointer; the devnode is a sysfs walk. */
	const char *node = stick_devnode(m->stick);
	struct manager_status st;
	size_t n_devices;
	bool active;
	int profile;
	int r;

	if (m->group == (gid_t)-1)
		log_info("group '%s' does not exist: the control socket is for root only",
			 m->opt.group);
	pthread_mutex_lock(&m->lock);
	n_devices = m->devmap.n;
	active = m->active;
	profile = engine_profile(m->engine);
	arm_tick(m);
	status_format(m, &st);
	pthread_mutex_unlock(&m->lock);
	log_info("running: stick %s, %zu devices known, capture %s, profile %s",
		 node ? node : "(no node)", n_devices, active ? "active" : "inactive",
		 m->cfg->profiles[profile].name);
	status_send(&st);
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
	sd_event_source_disable_unref(m->resync_timer);
	sd_event_source_disable_unref(m->wake_source);
	if (m->wake_fd >= 0)
		close(m->wake_fd);
	m->event = sd_event_unref(m->event);
	pthread_mutex_destroy(&m->lock);
}
