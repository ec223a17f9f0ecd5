// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The main thread's event loop: every sd-event callback (the reader's
 * wake-ups, STATUS= refreshes, stick resyncs, signals, udev) and
 * manager_run().  Each callback takes manager.lock for the state it needs
 * and does its slow parts (logging, sd_notify(), device refresh) after.
 */
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "log.h"
#include "manager-int.h"
#include "stick.h"

#define STATUS_PERIOD_USEC	(10 * 1000000ull)
#define RESYNC_RETRY_USEC	(100 * 1000ull)	/* a stale stick is written again after */

/* ---- status */

void status_format_locked(struct manager *m, struct manager_status *st)
{
	size_t n_captured = 0, i;

	manager_assert_locked(m);
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

void status_send(const struct manager_status *st)
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

	manager_lock(m);
	if (stick_resync(m->stick) < 0)
		m->counters.stick_errors++;
	stale = stick_stale(m->stick);
	manager_unlock(m);
	if (stale)
		arm_resync(m);
	return 0;
}

static int on_wake(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	struct manager_status st = { "" };
	bool devlist, stale, looking;
	int r, look_error;
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0)
		return 0;

	manager_lock(m);
	m->wake_pending = false;	/* what is flagged from now on writes again */
	r = m->reader_error;
	devlist = m->wake_devlist;
	m->wake_devlist = false;
	look_error = m->look_error;
	m->look_error = 0;
	looking = m->looking;
	manager_unlock(m);
	if (look_error)
		log_warning("hold-to-look: %s failed: %s", looking ?
			    "giving the pointer back" : "capturing the pointer again", strerror(-look_error));
	if (r) {
		if (r == -ENODEV) {
			/* The module cannot be unloaded while we hold the file; only a forced one. */
			log_error("%s: %s (the joystickd_kfilter module went away: modprobe joystickd_kfilter, then restart joystickd)",
				  m->opt.device_path, strerror(-r));
			return sd_event_exit(sd_event_source_get_event(s), EXIT_NOTINSTALLED);
		}
		log_error("%s: reading failed: %s", manager_capture_source(m), strerror(-r));
		return sd_event_exit(sd_event_source_get_event(s), EXIT_FAILURE);
	}
	if (devlist) {
		r = manager_refresh_devices(m, false);
		if (r < 0)
			log_warning("updating the captured mice failed: %s", strerror(-r));
	}
	manager_lock(m);
	manager_retick_locked(m);	/* a refresh may have changed what moves */
	if (m->wake_status)
		status_format_locked(m, &st);
	stale = stick_stale(m->stick);
	manager_unlock(m);
	status_send(&st);
	if (stale)
		arm_resync(m);
	return 0;
}

static int on_status_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	struct manager_status st;

	manager_lock(m);
	status_format_locked(m, &st);
	manager_unlock(m);
	status_send(&st);
	manager_log_suppressed(m);
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
void loop_on_udev_change(void *userdata)
{
	struct manager *m = userdata;
	struct manager_status st = { "" };
	int r;

	r = manager_refresh_devices(m, false);
	if (r < 0)
		log_warning("updating the captured mice failed: %s", strerror(-r));
	manager_lock(m);
	if (m->wake_status)
		status_format_locked(m, &st);
	manager_unlock(m);
	status_send(&st);
}

/* ---- set-up and run */

int loop_setup(struct manager *m)
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
	manager_lock(m);
	n_devices = m->devmap.n;
	active = m->active;
	profile = engine_profile(m->engine);
	manager_retick_locked(m);
	status_format_locked(m, &st);
	manager_unlock(m);
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
