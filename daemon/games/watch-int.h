/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the game watcher: its core (watch.c: looking at a process,
 * holding the ones that match, looking at every process at start and
 * with a new configuration) and its trigger, which says when to look at
 * which process.  The daemon's trigger is the /proc scan (watch-scan.c);
 * bench/games/ builds joystickd with other triggers to measure them, on
 * the same core.
 */
#ifndef JSD_GAMES_WATCH_INT_H
#define JSD_GAMES_WATCH_INT_H

#include <stdbool.h>

#include "games/proc.h"
#include "games/watch.h"

struct tracked;
struct watch_trigger;

struct games_watch {
	sd_event *event;
	const struct jsd_config *cfg;
	struct games_watch_events events;
	void *userdata;
	struct proc_dir proc;
	pid_t *pids;			/* the last whole listing of /proc, ascending */
	size_t n_pids, cap_pids;
	struct tracked **tracked;	/* the processes that match */
	size_t n_tracked, cap_tracked;
	struct proc_text text, again;	/* scratch of watch_examine() */
	struct watch_trigger *trigger;
};

/* watch.c */


/*
 * Looks at process @pid: started() when it matches now and did not, and
 * exited() when it matched and does not.  Returns true when it matches
 * nothing (w->text.comm is then its comm), false otherwise (or gone).
 */
bool watch_examine(struct games_watch *w, pid_t pid);

/* Lists /proc into w->pids and looks at every process (at start, with a new configuration). */
int watch_examine_all(struct games_watch *w);

/* exited() for each process held without a pidfd that @pids (ascending) lacks. */
void watch_exits_unlisted(struct games_watch *w, const pid_t *pids, size_t n);

/* The trigger: every GAMES_SCAN_MS in the daemon (watch-scan.c) */

/* Starts it after the first look at every process (w->pids is that listing). */
int watch_trigger_start(struct games_watch *w);
/* Every process was looked at again (a new configuration); w->pids is that listing. */
void watch_trigger_restart(struct games_watch *w);
void watch_trigger_stop(struct games_watch *w);

#endif
