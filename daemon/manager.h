/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon: one manager owns the event loop, the kernel filter file, the
 * engine, the uinput stick, udev discovery and the control socket.
 *
 * Threads.  A reader thread always has a JSKF_IOC_READ pended in the kernel;
 * when a batch returns it feeds the engine and writes the stick itself, so
 * an event reaches the stick with no hop through another thread or a
 * queue (lowest latency; while the reader is busy the kernel queues, and
 * sums motion once its ring is full, so nothing is lost).  The main
 * thread runs sd-event: the engine's tick timer (spring return, velocity
 * decay), signals (SIGHUP reload, SIGTERM/SIGINT), the watchdog, udev and
 * the control socket.  Both take manager.lock around every use of the
 * engine, the stick and the device map.  The reader never touches sd-event
 * (it is not thread-safe): it asks the main loop for work through an
 * eventfd and the wake_* flags.
 */
#ifndef JSD_MANAGER_H
#define JSD_MANAGER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sysexits.h>
#include <systemd/sd-event.h>

#include "devmap.h"
#include "engine/engine.h"
#include "joystickd_kfilter.h"
#include "kfilter.h"
#include "ratelimit.h"

struct control;
struct discovery;
struct stick;

struct manager_options {
	const char *config_path;
	const char *socket_path;
	const char *device_path;
	const char *group;	/* control socket group */
};

/* What `joystickctl status` and STATUS= report; under manager.lock. */
struct manager_counters {
	uint64_t batches;	/* reads that returned records */
	uint64_t records;
	uint64_t seq_gaps;	/* batches whose first_seq was not the next */
	uint64_t seq_lost;	/* records skipped by those gaps */
	uint64_t coalesced;	/* sum of the batches' coalesced counts */
	uint64_t dropped;	/* sum of the batches' dropped counts */
	uint64_t stick_errors;	/* failed writes to the uinput stick */
	uint64_t reloads, reload_failures;
};

struct manager {
	struct manager_options opt;

	/* Main thread only. */
	sd_event *event;
	sd_event_source *tick_timer;	/* engine_tick(); disabled while idle */
	sd_event_source *wake_source;	/* wake_fd */
	sd_event_source *status_timer;	/* refreshes STATUS= */
	sd_event_source *resync_timer;	/* writes a stale stick whole again */
	struct control *control;
	struct discovery *discovery;
	gid_t group;			/* of the control socket; (gid_t)-1: root only */
	struct manager_mouse *mice;	/* pointers as last logged */
	size_t n_mice;

	/* Set up before the reader starts, then read-only. */
	int kf_fd;
	struct jskf_info info;
	int wake_fd;			/* eventfd: reader -> main loop */
	pthread_t reader;
	bool reader_running;
	atomic_bool stopping;		/* the reader exits at its next wake-up */

	/*
	 * lock protects everything below, and every call into the engine and
	 * the stick (the engine's output callbacks run with it held).  Only
	 * the main thread replaces cfg, engine and stick (a reload, under
	 * lock), so the main thread may read cfg without it.  Nothing slow
	 * runs under it: no logging, sd_notify(), udev or uinput set-up.
	 */
	pthread_mutex_t lock;
	struct jsd_config *cfg;		/* the running configuration */
	struct engine *engine;
	struct stick *stick;
	struct devmap devmap;
	uint32_t capture_ids[JSKF_MAX_CAPTURE_IDS];	/* last JSKF_IOC_CAPTURE */
	struct kf_capture_req capture;	/* last JSKF_IOC_CAPTURE sent */
	bool captured;			/* a capture was sent */
	bool active;			/* the kernel's active flag, last state record */
	bool want_active;		/* what we last asked the kernel for */
	int pending_profile;		/* profile request of a button, or -1 */
	int switched_profile;		/* profile switched to, not yet logged, or -1 */
	uint64_t tick_at;		/* armed tick time, ENGINE_IDLE if none */
	uint64_t next_seq;		/* first_seq expected from the next batch */
	struct manager_counters counters;
	struct ratelimit rl_dropped;	/* "kernel filter dropped" warnings */
	struct ratelimit rl_seq_gap;	/* "record sequence gap" warnings */
	struct ratelimit rl_stick;	/* "writing the virtual stick failed" warnings */
	bool wake_timer;		/* the reader wants an earlier tick */
	bool wake_devlist;		/* the kernel's device list changed */
	bool wake_status;		/* STATUS= is stale */
	int reader_error;		/* the reader died with this -errno */
};

/*
 * Exit statuses of joystickd, one per kind of fault (joystickd(8), EXIT
 * STATUS): the LSB codes of systemd.exec(5) and BSD's <sysexits.h>, both of
 * which systemctl names ("status=6/NOTCONFIGURED").  EXIT_SUCCESS is a stop
 * by signal, EXIT_FAILURE anything unexpected.
 */
#define EXIT_INVALIDARGUMENT	2	/* bad command line */
#define EXIT_NOPERMISSION	4	/* a file or device is not permitted */
#define EXIT_NOTINSTALLED	5	/* the module or uinput is missing, or the module is another ABI */
#define EXIT_NOTCONFIGURED	6	/* no readable configuration file */
/* EX_CANTCREAT (73): the control socket; EX_TEMPFAIL (75): capture is busy;
 * EX_CONFIG (78): the configuration is invalid. */

/* One pointer, as last logged. */
struct manager_mouse {
	uint32_t id;
	bool captured;
	char name[JSKF_NAME_LEN];
};

/* A STATUS= line, formatted under lock and sent after it ("" sends nothing). */
struct manager_status {
	char line[256];
};

/* Per-batch warnings of the reader: at most one line of each kind per interval. */
#define MANAGER_WARN_INTERVAL_NS	(5 * 1000000000ull)

/*
 * Loads the configuration, binds the control socket, opens the kernel
 * filter, creates the stick, captures and starts the reader.  Logs one line
 * for a failure and returns the exit status it calls for (manager_stop()
 * then leaves nothing behind), or 0.
 */
int manager_start(struct manager *m, const struct manager_options *opt);

/* Runs the event loop until SIGTERM/SIGINT or a fatal error; returns an exit status. */
int manager_run(struct manager *m);

/* Stops the reader, releases capture, destroys the stick; safe after a failed start. */
void manager_stop(struct manager *m);

/*
 * Re-reads the configuration file and, if it is valid and everything it
 * needs (stick, capture) could be set up, swaps all of it in; else
 * changes nothing (SIGHUP, and the control command "reload").  Logs what
 * happened; returns 0, or -errno with the reason ("file:line: message"
 * for a rejected file) in @why.
 */
#define JSD_RELOAD_WHY_MAX	600
int manager_reload(struct manager *m, char *why, size_t why_size);

/* CLOCK_MONOTONIC now, in nanoseconds (the clock of the kernel records). */
uint64_t manager_now_ns(void);

/*
 * Main thread, without the lock (it takes it for the capture only).
 * Re-reads the kernel's device list, re-matches it to the configuration
 * and sends JSKF_IOC_CAPTURE when the selection, classes, hotkey or @force
 * changed it; logs the mice captured or released.  Returns 0 or -errno.
 */
int manager_refresh_devices(struct manager *m, bool force);

/*
 * Under lock.  Carries out a profile request a button made; the switch is
 * logged by manager_log_switch() once the lock is dropped.
 */
void manager_apply_requests(struct manager *m);
/* Without the lock, any thread: logs the profile switch made last, if any. */
void manager_log_switch(struct manager *m);

/* Under lock.  Asks the kernel to switch capture on or off. */
int manager_set_active(struct manager *m, bool active);

/* Any thread, under lock: asks the main loop to look at the wake_* flags. */
void manager_wake(struct manager *m);

/* The reader thread (reader.c). */
int reader_start(struct manager *m);
void reader_stop(struct manager *m);
/* Main thread: a summary of the reader's warnings held back, once their interval is over. */
void reader_log_suppressed(struct manager *m);

/* The control socket handler (commands.c). */
int manager_command(void *userdata, uid_t uid, int argc, char **argv, FILE *out, char *err,
		    size_t err_size);

#endif
