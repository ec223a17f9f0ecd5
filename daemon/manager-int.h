/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the manager-*.c files: the manager's state, who owns each
 * part of it, and the helpers the files share.  Everyone else goes
 * through manager.h.
 */
#ifndef JSD_MANAGER_INT_H
#define JSD_MANAGER_INT_H

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "capture/backend.h"
#include "capture/devmap.h"
#include "engine/engine.h"
#include "engine/ini-file.h"
#include "engine/live.h"
#include "joystickd_kfilter.h"
#include "capture/kfilter.h"
#include "games/session.h"
#include "games/watch.h"
#include "manager.h"
#include "ratelimit.h"
#include "reader.h"

struct control;
struct discovery;
struct stick;

/* One pointer, as last logged. */
struct manager_mouse {
	uint32_t id;
	bool captured;
	enum backend_grab grab;		/* the evdev backend's grab of it, and its detail */
	uint32_t grab_detail;
	char name[JSKF_NAME_LEN];
};

/*
 * What the running configuration was made from (manager-live.c): the
 * bytes of the file as the last load read them, and the live changes made
 * since.  The text that runs is the one, rewritten with the other.
 */
struct manager_source {
	struct ini_file file;		/* the baseline: what the last load read */
	struct live_changes changes;	/* made with `set` since, not saved */
	char *running;			/* file.text with the changes: what runs */
	size_t running_len;
	uint64_t generation;		/* +1 whenever the text that runs changes */
};

struct manager {
	struct manager_options opt;

	/* Main thread only. */
	sd_event *event;
	sd_event_source *wake_source;	/* wake_fd */
	sd_event_source *status_timer;	/* refreshes STATUS= */
	sd_event_source *resync_timer;	/* writes a stale stick whole again */
	struct control *control;
	struct discovery *discovery;
	gid_t group;			/* of the control socket; (gid_t)-1: root only */
	struct manager_mouse *mice;	/* pointers as last logged */
	size_t n_mice;
	struct ratelimit rl_mice;	/* lines about mice: captured, removed, grabs */
	bool refreshed;			/* manager_refresh_devices() listed the devices at: */
	uint64_t refreshed_gen;		/* this devlist_gen */
	char backend_choice[300];	/* the line saying which backend runs and why */
	struct manager_source source;	/* the file and the live changes */
	struct games_watch *games;	/* NULL when no profile has games */
	bool keys_unsupported_logged;	/* the module has no JSKF_IOC_CAPTURE_KEYS; said once */

	/* Set up before the reader starts, then read-only. */
	struct backend *backend;	/* kfilter or evdev (backend.h) */
	struct jskf_info info;
	int wake_fd;			/* eventfd: reader -> main loop */
	struct reader reader;

	/*
	 * lock protects everything below, and every call into the engine and
	 * the stick (the engine's output callbacks run with it held).  Only
	 * the main thread replaces cfg, engine and stick (a reload, under
	 * lock), so the main thread may read cfg without it.  The thread
	 * holding it knows so (manager_holds_lock(), manager-state.c).
	 */
	pthread_mutex_t lock;
	struct jsd_config *cfg;		/* the running configuration */
	struct engine *engine;
	struct stick *stick;
	int out_slot;			/* the stick's output slot (its frames go out in
					 * reads: stick_defer()), or -1 (write()) */
	struct devmap devmap;
	uint32_t capture_ids[JSKF_MAX_CAPTURE_IDS];	/* last JSKF_IOC_CAPTURE */
	struct kf_capture_req capture;	/* last JSKF_IOC_CAPTURE sent */
	bool captured;			/* a capture was sent */
	bool active;			/* the kernel's active flag, last state record */
	bool want_active;		/* what we last asked the kernel for */
	bool looking;			/* a look button is held: the capture swallows nothing */
	int look_error;			/* sending a look's capture failed with this, to log */
	int pending_profile;		/* profile request of a button, or -1 */
	int switched_profile;		/* profile switched to, not yet logged, or -1 */
	uint64_t tick_at;		/* the deadline of the reader's read: the engine's
					 * next tick when the reader last looked,
					 * ENGINE_IDLE if none */
	uint64_t next_seq;		/* first_seq expected from the next batch */
	struct manager_counters counters;
	struct ratelimit rl_dropped;	/* "kernel filter dropped" warnings */
	struct ratelimit rl_seq_gap;	/* "record sequence gap" warnings */
	struct ratelimit rl_stick;	/* "writing the virtual stick failed" warnings */
	struct ratelimit rl_overflow;	/* "events of ... were lost" warnings (evdev's SYN_DROPPED) */
	bool wake_pending;		/* wake_fd written, on_wake() not yet run */
	bool wake_devlist;		/* the kernel's device list changed */
	bool wake_status;		/* STATUS= is stale */
	int reader_error;		/* the reader died with this -errno */
	struct game_session session;	/* the games running, and the profile before them */
};

/* Every *_locked() function starts with this. */
#define manager_assert_locked(m)	assert(manager_holds_lock(m))

/* ---- manager-state.c */

/* The engine's output: the stick, and the requests only the daemon can do. */
extern const struct engine_output manager_engine_output;

/*
 * No lock, main thread, before the stick of @cfg is made: names it as the
 * device of output slot @slot, so that its frames go out in the reader's
 * reads.  Returns @slot, or -1 where they cannot (the evdev backend, an
 * older module): then it is written with write().
 */
int manager_name_output(struct manager *m, int slot, const struct jsd_stick_cfg *cfg);

/* Under lock.  Asks the kernel to switch capture on or off. */
int manager_set_active_locked(struct manager *m, bool active);

/*
 * Under lock.  Carries out a profile request a button made; the switch is
 * logged once the lock is dropped: by the reader from its batch notes, or
 * by manager_log_switch().
 */
void manager_apply_requests_locked(struct manager *m);

/*
 * Under lock.  Takes the profile switch not yet logged, if any: true and
 * its name in @name.
 */
bool manager_take_switch_locked(struct manager *m, char *name, size_t size);

/* What the records come from, for log lines: the kernel filter's device, or "/dev/input". */
const char *manager_capture_source(struct manager *m);

/* Any thread, under lock: asks the main loop to look at the wake_* flags. */
void manager_wake_locked(struct manager *m);

/* ---- manager-capture.c */

/*
 * What a capture with one configuration would be: the kernel's device
 * list matched to it, the request, the keys it takes, and the mice it
 * captures (for the log).
 */
struct capture_plan {
	struct devmap dm;
	struct kf_capture_req req;
	uint32_t ids[JSKF_MAX_CAPTURE_IDS];
	uint64_t keys[JSKF_KEY_WORDS];	/* for JSKF_IOC_CAPTURE_KEYS */
	size_t left_out;		/* matching mice beyond JSKF_MAX_CAPTURE_IDS */
	struct manager_mouse *mice;	/* every pointer, and whether it is captured */
	size_t n_mice;
	int keys_error;			/* JSKF_IOC_CAPTURE_KEYS failed with this, to log */
};

/* No lock: it reads only @cfg and the kernel's list.  0 or -errno. */
int capture_plan_build(struct manager *m, const struct jsd_config *cfg, struct capture_plan *pl);
void capture_plan_done(struct capture_plan *pl);

/*
 * Under lock.  Sends the plan's capture (unless the kernel has it already
 * and @force is false) and then its keys, and makes its device list the
 * running one.  On failure nothing changed, here or in the kernel.
 * 0 or -errno.
 */
int capture_apply_locked(struct manager *m, struct capture_plan *pl, bool force);

/*
 * Main thread, no lock: logs what applying @pl changed (mice captured or
 * released, keys the module does not take) and takes its list of mice.
 */
void capture_log(struct manager *m, struct capture_plan *pl);

/*
 * Under lock, in whichever thread fed the engine (a look button's
 * request).  Hold-to-look: sends the running capture again swallowing
 * nothing (@look) or the configured classes, the rest unchanged; every
 * capture sent while @look holds swallows nothing.  0 or -errno (the
 * capture in force is then the one before).
 */
int capture_look_locked(struct manager *m, bool look);

/*
 * Main thread, without the lock (it takes it for the capture only).
 * Re-reads the kernel's device list, re-matches it to the configuration
 * and sends JSKF_IOC_CAPTURE when the selection, classes, hotkey or @force
 * changed it; logs the mice captured or released.  Returns 0 or -errno.
 */
int manager_refresh_devices(struct manager *m, bool force);

/* ---- manager-loop.c */

/* A STATUS= line, formatted under lock and sent after it ("" sends nothing). */
struct manager_status {
	char line[256];
};

/* Sets up sd-event: signals, watchdog, timers, the reader's eventfd. */
int loop_setup(struct manager *m);
/* Under lock: the STATUS= line, for status_send() once the lock is dropped. */
void status_format_locked(struct manager *m, struct manager_status *st);
/* No lock: sd_notify() is a system call that may block on a full socket. */
void status_send(const struct manager_status *st);
/* udev saw an input device come or go (discovery.h callback). */
void loop_on_udev_change(void *userdata);

/* ---- manager-reload.c */

/* How manager_swap() treats a new configuration. */
struct swap_opts {
	/*
	 * A live change, not a reload: refused if it needs another stick
	 * device; the capture is sent again only if it changed, and then
	 * held buttons are kept.
	 */
	bool keep_stick;
	/* Axes of the current profile whose trim key changed (NULL-terminated): their running trim follows. */
	const char *const *reset_trim;
};

/*
 * Main thread, without the lock (it takes it for the commit).  Makes @cfg
 * (taken: freed on failure) the running configuration, with the stick
 * and capture it needs, all or nothing (the top of manager-reload.c).
 * Whether a new stick was made goes to *@ret_new_stick (may be NULL).
 * Returns 0, or -errno with the reason in @why (nothing logged).
 */
int manager_swap(struct manager *m, struct jsd_config *cfg, const struct swap_opts *o,
		 bool *ret_new_stick, char *why, size_t why_size);

/* ---- manager-live.c */

/*
 * Reads @path and parses exactly those bytes: 0 with both, or -errno
 * with the loader's error in @err (-EINVAL: the contents).
 */
int source_read(const char *path, struct ini_file *file, struct jsd_config **ret_cfg,
		struct jsd_error *err);
/*
 * Main thread: @file (taken), just loaded and now running, is the new
 * baseline; the live changes are dropped.  Returns how many there were.
 */
unsigned int source_reset(struct manager *m, struct ini_file *file);
void source_free(struct manager *m);
/* Logs the warnings of a configuration just loaded (check-config's, issue 19). */
void source_log_warnings(const struct jsd_config *cfg);

/* ---- manager-games.c: profiles that follow the game */

/* Main thread, no lock.  Watches for games if a profile has some; 0 or -errno. */
int manager_games_start(struct manager *m);
/* Main thread, no lock, after a swap (a reload, a live change): games of the new configuration. */
void manager_games_reload(struct manager *m);
void manager_games_stop(struct manager *m);
/* Under lock: the user switched profiles by hand. */
void manager_games_manual_locked(struct manager *m);

/* ---- manager-batch.c */

/* Main thread: a summary of the reader's warnings held back, once their interval is over. */
void manager_log_suppressed(struct manager *m);

/*
 * Under lock, main thread, after anything that may have changed when the
 * engine wants its next tick: if that is earlier than the deadline the
 * reader's pended read has, that read is cancelled, and the reader reads
 * again with the new one (manager.h, Threads).  Cheap when nothing moved
 * earlier: no system call.
 */
void manager_retick_locked(struct manager *m);

#endif
