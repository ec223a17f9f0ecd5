/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon: one manager owns the event loop, the kernel filter file, the
 * engine, the uinput stick, udev discovery and the control socket.  This
 * header is what the rest of the daemon may call; the manager's own state
 * is private to the manager-*.c files (manager-int.h).
 *
 * Threads.  A reader thread (reader.c) always has a JSKF_IOC_READ pended in
 * the kernel; when a batch returns it hands it to manager_take_batch(),
 * which feeds the engine and writes the stick itself, so an event reaches
 * the stick with no hop through another thread or a queue (lowest latency;
 * while the reader is busy the kernel queues, and sums motion once its
 * ring is full, so nothing is lost).  The reader also runs the engine's
 * ticks (spring return, velocity decay, smoothing): its read carries the
 * time of the next tick as its deadline, and a read that times out is a
 * tick (manager_tick()).  With the kernel filter the stick frame a batch
 * makes goes out inside the next read (JSKF_READ_OUTPUT: the stick is
 * deferred, stick.h), so a batch costs one system call, as does a tick;
 * the evdev backend's stick is written with write().  A frame the main
 * thread makes cancels the pended read, so that the next one sends it.  A
 * tick that falls due while batches come is folded into them (the engine
 * advances on the records' time), and moving the next
 * tick costs nothing: it is the next read's deadline.  Only a change made
 * by the main thread that wants a tick earlier than the pended read's
 * deadline cancels that read, once (manager_retick_locked()).  The main
 * thread runs sd-event: signals (SIGHUP reload, SIGTERM/SIGINT), the
 * watchdog, udev, STATUS=, stick resyncs and the control socket
 * (commands.c).
 *
 * Locking.  manager.lock guards the engine, the stick, the device map,
 * the capture state and the counters.  It is taken with manager_lock()
 * and dropped with manager_unlock(); every function whose name ends in
 * _locked must be called with it held, and asserts so.  The other
 * functions here take it themselves, or (main thread only) need none.
 * Nothing slow runs under it: no logging, sd_notify(), udev or uinput
 * set-up (tests/unit/test-lock.c fails on any of them).  The reader
 * never touches sd-event (it is not thread-safe): it asks the main loop
 * for work through an eventfd.
 *
 * Files: manager-start.c (start-up, its exit statuses, shutdown),
 * manager-loop.c (the sd-event callbacks, ticks, STATUS=),
 * manager-capture.c (the capture request and the captured mice),
 * manager-reload.c (all-or-nothing reload, and the swap a live change
 * shares), manager-live.c (live changes: set, revert, the file they
 * change), manager-batch.c (what a batch of records does),
 * manager-state.c (the lock, the engine's output, the accessors below).
 */
#ifndef JSD_MANAGER_H
#define JSD_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

#include "capture/devmap.h"
#include "engine/engine.h"
#include "engine/live.h"
#include "joystickd_kfilter.h"

struct discovery;
struct manager;
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
	uint64_t overflows;	/* evdev backend: buffers that overflowed (SYN_DROPPED) */
	uint64_t reloads, reload_failures;
};

/*
 * Exit statuses of joystickd, one per kind of fault (joystickd(8), EXIT
 * STATUS): the LSB codes of systemd.exec(5) and BSD's <sysexits.h>, both of
 * which systemctl names ("status=6/NOTCONFIGURED").  EXIT_SUCCESS is a stop
 * by signal, EXIT_FAILURE anything unexpected.  manager-start.c maps each
 * start-up fault to one of them, in one table.
 */
#define EXIT_INVALIDARGUMENT	2	/* bad command line */
#define EXIT_NOPERMISSION	4	/* a file or device is not permitted */
#define EXIT_NOTINSTALLED	5	/* the module or uinput is missing, or the module is another ABI */
#define EXIT_NOTCONFIGURED	6	/* no readable configuration file */
/* EX_CANTCREAT (73): the control socket; EX_TEMPFAIL (75): capture is busy;
 * EX_CONFIG (78): the configuration is invalid. */

/* Per-batch warnings of the reader: at most one line of each kind per interval. */
#define MANAGER_WARN_INTERVAL_NS	(5 * 1000000000ull)
/* Lines about mice (captured, removed, grabs) per interval: a hotplug storm is summed up. */
#define MANAGER_MICE_BURST		10

/* ---- life cycle (main.c) */

/* A zeroed manager for manager_start(), or NULL when out of memory. */
struct manager *manager_new(void);

/*
 * Loads the configuration, binds the control socket, opens the kernel
 * filter, creates the stick, captures and starts the reader.  Logs one line
 * for a failure and returns the exit status it calls for (manager_free()
 * then leaves nothing behind), or 0.
 */
int manager_start(struct manager *m, const struct manager_options *opt);

/* Runs the event loop until SIGTERM/SIGINT or a fatal error; returns an exit status. */
int manager_run(struct manager *m);

/* Stops the reader, releases capture, destroys the stick, frees @m; safe
 * after a failed start, and with NULL. */
void manager_free(struct manager *m);

/*
 * Main thread.  Re-reads the configuration file and, if it is valid and
 * everything it needs (stick, capture) could be set up, swaps all of it
 * in; else changes nothing (SIGHUP, and the control command "reload").
 * Logs what happened; returns 0, or -errno with the reason ("file:line:
 * message" for a rejected file) in @why.
 */
#define JSD_RELOAD_WHY_MAX	600
int manager_reload(struct manager *m, char *why, size_t why_size);

/* CLOCK_MONOTONIC now, in nanoseconds (the clock of the kernel records). */
uint64_t manager_now_ns(void);

/* ---- the lock */

void manager_lock(struct manager *m);
void manager_unlock(struct manager *m);
/* Whether the calling thread holds manager.lock (for assertions). */
bool manager_holds_lock(struct manager *m);

/* Without the lock, any thread: logs the profile switch made last, if any. */
void manager_log_switch(struct manager *m);

/* ---- the reader thread (reader.c) */

/*
 * What one batch has to log, noted under the lock and logged after it.
 * Each flag says a line is due; the fields that line reads (below) are set
 * only with it.  `any` tests and clears the flags at once: the reader
 * clears eight bytes after a batch that noted something and nothing after
 * one that did not, where zeroing the whole struct for every batch was a
 * 328-byte `rep stos`, one pass a word under QEMU/TCG.
 */
struct batch_notes {
	union {
		struct {
			bool dropped;		/* events lost (queue full) */
			bool gap;		/* a sequence gap */
			bool stick_failed;	/* stick writes failed */
			bool overflow;		/* evdev backend: a device's buffer overflowed */
			bool unopened;		/* evdev backend: devices could not be opened
						 * (or all are again) */
			bool active_changed;	/* capture went on or off: @active */
			bool deadman;		/* the kernel's dead-man switch turned capture off */
			bool switched;		/* a button switched the profile to @profile */
		};
		uint64_t any;
	};
	uint32_t n_dropped;
	uint64_t gap_expected, gap_got;
	uint64_t n_stick_errors;
	uint32_t overflow_dev;
	char overflow_name[JSKF_NAME_LEN];
	int32_t n_unopened;
	int unopened_error;
	uint64_t held_dropped, held_gap, held_stick, held_overflow;	/* lines held back before these */
	uint64_t total_dropped, total_gaps, total_stick_errors, total_overflows;
	bool active;
	uint32_t deadman_ms;	/* after this many milliseconds */
	char profile[JSD_NAME_MAX];
};

_Static_assert(offsetof(struct batch_notes, n_dropped) == sizeof(uint64_t),
	       "struct batch_notes: `any` covers every flag (eight at most)");

/*
 * The stick frames the reader's next read sends (JSKF_READ_OUTPUT), and
 * the output slot of the stick they are for.  The functions that take the
 * lock for the reader below move the stick's queued frames here.
 */
struct reader_output {
	uint16_t n;
	uint16_t slot;
	struct jskf_out_event ev[JSKF_OUTPUT_MAX];
};

/* Takes the lock: the devlist_gen of the device map the reader starts from. */
uint64_t manager_devlist_gen(struct manager *m);

/*
 * Takes the lock: feeds a batch the kernel returned to the engine (which
 * writes the stick), keeps the counters and the capture state, and wakes
 * the main loop for what it must do.  What to log is left in @notes.
 * Returns the time of the engine's next tick, the deadline of the next
 * read (ENGINE_IDLE: none).
 */
uint64_t manager_take_batch(struct manager *m, const struct jskf_read *rd,
			    const struct jskf_record *recs, struct batch_notes *notes,
			    struct reader_output *out);

/*
 * Takes the lock: the read's deadline passed with nothing to read: the
 * engine's tick now (one stick frame if anything moved; the time is read
 * then, so a reader that was held up steps once, not once per tick
 * missed).  What to log is left in @notes.  Returns the time of the next
 * tick, as manager_take_batch().
 */
uint64_t manager_tick(struct manager *m, struct batch_notes *notes, struct reader_output *out);

/* Takes the lock: the time of the engine's next tick, for a read that starts afresh. */
uint64_t manager_next_tick(struct manager *m, struct reader_output *out);

/*
 * Takes the lock: the read could not send @out (-ENODEV: its device is
 * gone or was never made), or the reader stops with it unsent.  The
 * current stick's frames are written with write() and the stick is no
 * longer deferred (1); an old stick's go with it (0); or -errno.
 */
int manager_output_failed(struct manager *m, const struct reader_output *out);

/* Takes the lock: the reader died with @error (-errno); the main loop exits. */
void manager_reader_failed(struct manager *m, int error);

/* ---- the control socket commands (commands.c), main thread */

/* No lock: the main thread owns these. */
const struct jsd_config *manager_config(struct manager *m);
const char *manager_config_path(struct manager *m);
struct backend *manager_backend(struct manager *m);
struct discovery *manager_discovery(struct manager *m);	/* NULL without udev */

/* Under lock: the state `status`, `state` and `curve` show. */
bool manager_active_locked(struct manager *m);
bool manager_looking_locked(struct manager *m);	/* a look button is held */
unsigned int manager_profile_locked(struct manager *m);	/* index in the config's profiles */
const struct manager_counters *manager_counters_locked(struct manager *m);
const struct stick *manager_stick_locked(struct manager *m);
const struct devmap *manager_devmap_locked(struct manager *m);
void manager_axis_state_locked(struct manager *m, unsigned int axis,
			       struct engine_axis_state *ret);

/* Under lock: flips capture; the new wish in *ret_active.  0 or -errno. */
int manager_toggle_locked(struct manager *m, bool *ret_active);

/* Under lock: runs an engine action ("recenter:roll"); -errno with *ret_why. */
int manager_run_action_locked(struct manager *m, const char *action, const char **ret_why);

/*
 * Under lock: the game that chose the profile ("DCS.exe (pid 1234)"), or
 * "-"; @buf of MANAGER_GAME_STATUS_SIZE holds it whole.
 */
#define MANAGER_GAME_STATUS_SIZE	320
void manager_game_status_locked(struct manager *m, char *buf, size_t size);

/* Under lock: switches to profile index @profile (a switch by hand).  0 or -errno. */
int manager_set_profile_locked(struct manager *m, unsigned int profile);

/*
 * ---- live changes (manager-live.c), main thread, no lock
 *
 * `set` changes one key of [axis @axis] of the current profile in the
 * running mapping: the file as loaded, with every change so far and this
 * one, is parsed as a file and swapped in like a reload (manager_swap()),
 * on the same stick.  Each returns 0, or -errno with the reason in @why
 * (the loader's "file:line: message" for a refused value).
 */
int manager_set(struct manager *m, const char *axis, const char *key, bool unset,
		unsigned int n_values, char *const *values, char *why, size_t why_size);
/* Drops the changes of [axis @axis] of the current profile (NULL: all of them). */
int manager_revert(struct manager *m, const char *axis, char *why, size_t why_size);
/*
 * After `joystickctl save`: if the file now holds exactly the text that
 * runs, it becomes the baseline and no change is left unsaved; else
 * -ESTALE and the changes stay.
 */
int manager_adopt(struct manager *m, char *why, size_t why_size);
const struct live_changes *manager_changes(struct manager *m);
const char *manager_running_text(struct manager *m, size_t *ret_len);
const struct ini_file_id *manager_loaded_id(struct manager *m);
/* +1 whenever the text that runs changes (a set, a reload). */
uint64_t manager_generation(struct manager *m);
/* Under lock: the counts per second reaching axis @axis of the current profile now. */
double manager_axis_counts_rate_locked(struct manager *m, unsigned int axis);

#endif
