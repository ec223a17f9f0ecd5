// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Start-up and shutdown, and the exit status of every start-up fault.
 *
 * Start-up order matters: the configuration is loaded and checked before
 * anything is touched (a bad file changes nothing); the control socket is
 * bound next, so that a second joystickd stops there, before it touches
 * the kernel filter or makes a stick; the stick's input id is excluded from
 * the kernel filter before the stick exists (so the filter never attaches
 * to it and its events never loop back); the stick exists before the
 * capture starts swallowing the mice; READY=1 comes last (manager_run()).
 * A failure logs one line and returns the exit status for it;
 * manager_free() undoes the rest (the kernel also ends capture and uinput
 * destroys the stick when their files close).
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/backend-choice.h"
#include "capture/backend.h"
#include "control/commands.h"
#include "control/control.h"
#include "capture/discovery.h"
#include "log.h"
#include "manager-int.h"
#include "stick.h"

/* ---- the fault table */

/* What start-up was doing when a system call failed. */
enum startup_step {
	STEP_CONFIG,		/* reading the configuration file */
	STEP_SOCKET,		/* binding the control socket */
	STEP_KFILTER,		/* opening the kernel filter's device */
	STEP_EVDEV,		/* starting the evdev backend (udev, epoll) */
	STEP_EXCLUDE,		/* excluding the stick from the filter (JSKF_IOC_EXCLUDE) */
	STEP_UINPUT,		/* creating the virtual stick */
	STEP_CAPTURE,		/* the first JSKF_IOC_CAPTURE */
};

/*
 * One fault: a step and its -errno (0: any other), the exit status it
 * calls for, and the fix the log line names.  The line is "SUBJECT:
 * strerror (FIX)", where SUBJECT is the step's file unless the row names
 * another, and a row with @fix_end puts the file between @fix and it.
 * The first matching row wins.
 */
struct startup_fault {
	enum startup_step step;
	int error;
	int status;
	const char *subject;
	const char *fix;
	const char *fix_end;
};

#define ANY_ERROR	0

static const struct startup_fault startup_faults[] = {
	{ .step = STEP_CONFIG, .error = -ENOENT, .status = EXIT_NOTCONFIGURED,
	  .fix = "write one, see joystickd.ini(5), or name another with -c FILE" },
	{ .step = STEP_CONFIG, .error = -EACCES, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd runs without CAP_DAC_OVERRIDE: make it readable, chmod 0644 ", .fix_end = "" },
	{ .step = STEP_CONFIG, .error = -EPERM, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd runs without CAP_DAC_OVERRIDE: make it readable, chmod 0644 ", .fix_end = "" },
	{ .step = STEP_CONFIG, .error = -ENOMEM, .status = EXIT_FAILURE },
	{ .step = STEP_CONFIG, .error = ANY_ERROR, .status = EXIT_NOTCONFIGURED },

	{ .step = STEP_SOCKET, .error = -EADDRINUSE, .status = EX_CANTCREAT,
	  .fix = "another joystickd or another program listens there: stop it, or use --socket PATH" },
	{ .step = STEP_SOCKET, .error = -EEXIST, .status = EX_CANTCREAT,
	  .fix = "and it is not a socket: remove it, or use --socket PATH" },
	{ .step = STEP_SOCKET, .error = -EACCES, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd must run as root to create its control socket" },
	{ .step = STEP_SOCKET, .error = -EPERM, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd must run as root to create its control socket" },
	{ .step = STEP_SOCKET, .error = -ENOMEM, .status = EXIT_FAILURE },
	{ .step = STEP_SOCKET, .error = ANY_ERROR, .status = EX_CANTCREAT },

	/* A static node from kmod's static-nodes gives ENODEV or ENXIO without its driver. */
	{ .step = STEP_KFILTER, .error = -ENOENT, .status = EXIT_NOTINSTALLED,
	  .fix = "is the joystickd_kfilter module loaded? modprobe joystickd_kfilter" },
	{ .step = STEP_KFILTER, .error = -ENODEV, .status = EXIT_NOTINSTALLED,
	  .fix = "is the joystickd_kfilter module loaded? modprobe joystickd_kfilter" },
	{ .step = STEP_KFILTER, .error = -ENXIO, .status = EXIT_NOTINSTALLED,
	  .fix = "is the joystickd_kfilter module loaded? modprobe joystickd_kfilter" },
	{ .step = STEP_KFILTER, .error = -EACCES, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd must run as root; under systemd, DeviceAllow=", .fix_end = " rw" },
	{ .step = STEP_KFILTER, .error = -EPERM, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd must run as root; under systemd, DeviceAllow=", .fix_end = " rw" },
	{ .step = STEP_KFILTER, .error = -ENOTTY, .status = EXIT_NOTINSTALLED,
	  .fix = "JSKF_IOC_INFO failed: not the joystickd_kfilter device?" },
	{ .step = STEP_KFILTER, .error = ANY_ERROR, .status = EXIT_FAILURE },

	{ .step = STEP_EVDEV, .error = -EACCES, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd must run as root; under systemd, DeviceAllow=char-input r and /dev/uinput rw" },
	{ .step = STEP_EVDEV, .error = -EPERM, .status = EXIT_NOPERMISSION,
	  .fix = "joystickd must run as root; under systemd, DeviceAllow=char-input r and /dev/uinput rw" },
	{ .step = STEP_EVDEV, .error = ANY_ERROR, .status = EXIT_FAILURE,
	  .subject = "starting the evdev capture backend failed" },

	/* The module refuses EXCLUDE to all but the capture's owner. */
	{ .step = STEP_EXCLUDE, .error = -EBUSY, .status = EX_TEMPFAIL,
	  .fix = "another joystickd, or another program, owns the capture: stop it first" },
	{ .step = STEP_EXCLUDE, .error = ANY_ERROR, .status = EXIT_FAILURE,
	  .subject = "excluding the virtual stick from the kernel filter failed" },

	{ .step = STEP_UINPUT, .error = -ENOENT, .status = EXIT_NOTINSTALLED, .subject = "/dev/uinput",
	  .fix = "is the uinput module loaded? modprobe uinput" },
	{ .step = STEP_UINPUT, .error = -ENODEV, .status = EXIT_NOTINSTALLED, .subject = "/dev/uinput",
	  .fix = "is the uinput module loaded? modprobe uinput" },
	{ .step = STEP_UINPUT, .error = -ENXIO, .status = EXIT_NOTINSTALLED, .subject = "/dev/uinput",
	  .fix = "is the uinput module loaded? modprobe uinput" },
	{ .step = STEP_UINPUT, .error = -EACCES, .status = EXIT_NOPERMISSION, .subject = "/dev/uinput",
	  .fix = "joystickd must run as root; under systemd, DeviceAllow=/dev/uinput rw" },
	{ .step = STEP_UINPUT, .error = -EPERM, .status = EXIT_NOPERMISSION, .subject = "/dev/uinput",
	  .fix = "joystickd must run as root; under systemd, DeviceAllow=/dev/uinput rw" },
	{ .step = STEP_UINPUT, .error = ANY_ERROR, .status = EXIT_FAILURE, .subject = "creating the virtual stick failed" },

	{ .step = STEP_CAPTURE, .error = -EBUSY, .status = EX_TEMPFAIL,
	  .fix = "another joystickd, or another program, owns the capture: stop it first" },
	{ .step = STEP_CAPTURE, .error = ANY_ERROR, .status = EXIT_FAILURE, .subject = "capturing the mice failed" },
};

/* Logs the line for -errno @r at @step on @path and returns its exit status. */
static int startup_fail(enum startup_step step, const char *path, int r)
{
	const struct startup_fault *f = NULL;
	size_t i;

	for (i = 0; i < sizeof(startup_faults) / sizeof(startup_faults[0]); i++) {
		f = &startup_faults[i];
		if (f->step == step && (f->error == r || f->error == ANY_ERROR))
			break;
	}
	if (!f->fix)
		log_error("%s: %s", f->subject ? f->subject : path, strerror(-r));
	else if (!f->fix_end)
		log_error("%s: %s (%s)", f->subject ? f->subject : path, strerror(-r), f->fix);
	else
		log_error("%s: %s (%s%s%s)", f->subject ? f->subject : path, strerror(-r),
			  f->fix, path, f->fix_end);
	return f->status;
}

/* ---- the steps, in order */

/* The file's bytes are kept: live changes rewrite them (manager-live.c). */
static int load_config(struct manager *m)
{
	struct ini_file file;
	struct jsd_error err;
	char line[600];
	int r;

	r = source_read(m->opt.config_path, &file, &m->cfg, &err);
	if (r == -EINVAL) {	/* the content: "file:line: message" */
		log_raw(LOG_ERR, "%s", jsd_error_format(&err, line, sizeof(line)));
		return EX_CONFIG;
	}
	if (r < 0)
		return startup_fail(STEP_CONFIG, m->opt.config_path, r);
	source_log_warnings(m->cfg);
	source_reset(m, &file);
	return 0;
}

static int open_control(struct manager *m)
{
	struct group *g = getgrnam(m->opt.group);
	int r;

	m->group = g ? g->gr_gid : (gid_t)-1;
	r = control_new(m->event, m->opt.socket_path, m->group, m->opt.group, commands_run, m,
			&m->control);
	return r < 0 ? startup_fail(STEP_SOCKET, m->opt.socket_path, r) : 0;
}

/*
 * The capture backend (backend-choice.h): the kernel filter if it opens
 * and the configuration allows, else the evdev backend; one line says
 * which and why.
 */
static int open_backend(struct manager *m)
{
	enum jsd_backend mode = m->cfg->capture.backend;
	const char *path = m->opt.device_path;
	int kfilter_error = 0, r;

	if (backend_choice_tries_kfilter(mode))
		kfilter_error = backend_kfilter_open(path, &m->backend, &m->info);
	switch (backend_choose(mode, kfilter_error)) {
	case BACKEND_KFILTER:
		break;
	case BACKEND_EVDEV:
		r = backend_evdev_open(&m->backend, &m->info);
		if (r < 0)
			return startup_fail(STEP_EVDEV, "/dev/input", r);
		break;
	case BACKEND_NONE:
		if (kfilter_error == -EPROTO) {
			log_error("%s speaks ABI %u, joystickd needs %u: install matching versions",
				  path, m->info.abi_version, JSKF_ABI_VERSION);
			return EXIT_NOTINSTALLED;
		}
		if (kfilter_error == -EPROTONOSUPPORT) {
			char missing[512];

			backend_kfilter_check(&m->info, missing, sizeof(missing));
			log_error("%s: the joystickd_kfilter module is too old for this joystickd, it lacks: %s (install the matching joystickd-dkms, then rmmod joystickd_kfilter; modprobe joystickd_kfilter)",
				  path, missing);
			return EXIT_NOTINSTALLED;
		}
		return startup_fail(STEP_KFILTER, path, kfilter_error);
	}
	/* Logged once start-up succeeded: a fault's output stays its one line. */
	backend_choice_format(mode, kfilter_error, path, m->backend_choice, sizeof(m->backend_choice));
	return 0;
}

static int create_stick(struct manager *m)
{
	int r;

	r = backend_exclude(m->backend, &m->cfg->stick.id, 1);
	if (r < 0)
		return startup_fail(STEP_EXCLUDE, manager_capture_source(m), r);
	m->out_slot = manager_name_output(m, 0, &m->cfg->stick);
	r = stick_new(&m->cfg->stick, &m->stick);
	if (r < 0)
		return startup_fail(STEP_UINPUT, "/dev/uinput", r);
	/* Its first frame, the whole state, is the reader's first read's output. */
	stick_defer(m->stick, m->out_slot >= 0);

	r = engine_new(m->cfg, &manager_engine_output, m, &m->engine);
	if (r < 0) {
		log_error("creating the engine failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	manager_lock(m);	/* the engine writes the stick: under the lock, always */
	engine_emit_state(m->engine, true);
	manager_unlock(m);
	return 0;
}

static int capture(struct manager *m)
{
	int r;

	m->want_active = m->cfg->capture.active_at_start;
	r = manager_refresh_devices(m, true);
	if (r < 0)
		return startup_fail(STEP_CAPTURE, manager_capture_source(m), r);
	/* The capture call queues a state record; until it is read: */
	m->active = m->want_active;
	return 0;
}

/* ---- life cycle */

struct manager *manager_new(void)
{
	return calloc(1, sizeof(struct manager));
}

int manager_start(struct manager *m, const struct manager_options *opt)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->opt = *opt;
	m->wake_fd = -1;
	m->pending_profile = -1;
	m->switched_profile = -1;
	m->out_slot = -1;
	m->tick_at = ENGINE_IDLE;
	m->group = (gid_t)-1;
	m->rl_dropped = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
	m->rl_seq_gap = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
	m->rl_stick = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
	m->rl_overflow = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, 1);
	m->rl_mice = (struct ratelimit)RATELIMIT_INIT(MANAGER_WARN_INTERVAL_NS, MANAGER_MICE_BURST);
	pthread_mutex_init(&m->lock, NULL);

	r = load_config(m);
	if (r)
		return r;
	r = loop_setup(m);
	if (r < 0) {
		log_error("setting up the event loop failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	r = open_control(m);
	if (r == 0)
		r = open_backend(m);
	if (r == 0)
		r = create_stick(m);
	if (r == 0)
		r = capture(m);
	if (r)
		return r;

	r = discovery_new(m->event, loop_on_udev_change, m, &m->discovery);
	if (r < 0)
		log_warning("udev monitor unavailable (%s), relying on the kernel's device list",
			    strerror(-r));
	r = manager_games_start(m);
	if (r < 0)
		log_warning("watching processes for games failed: %s; profiles do not follow the game",
			    strerror(-r));
	r = reader_start(&m->reader, m, m->backend, m->info.max_batch);
	if (r < 0) {
		log_error("starting the reader thread failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	log_info("%s", m->backend_choice);
	return 0;
}

void manager_free(struct manager *m)
{
	if (!m)
		return;
	reader_stop(&m->reader);
	if (m->stick) {
		/* No reader to send them: what the stick has queued is written. */
		manager_lock(m);
		stick_defer(m->stick, false);
		manager_unlock(m);
	}
	manager_games_stop(m);
	m->control = control_free(m->control);
	m->discovery = discovery_free(m->discovery);
	if (m->backend && m->captured)
		backend_release(m->backend);
	m->backend = backend_free(m->backend);
	m->stick = stick_free(m->stick);
	m->engine = engine_free(m->engine);
	m->cfg = jsd_config_free(m->cfg);
	source_free(m);
	devmap_done(&m->devmap);
	free(m->mice);
	m->mice = NULL;
	m->n_mice = 0;
	sd_event_source_disable_unref(m->status_timer);
	sd_event_source_disable_unref(m->resync_timer);
	sd_event_source_disable_unref(m->wake_source);
	if (m->wake_fd >= 0)
		close(m->wake_fd);
	m->event = sd_event_unref(m->event);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
