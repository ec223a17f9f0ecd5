/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The game watcher: tells when a process that matches a profile's `games`
 * (engine/games.h) starts, and when it exits.  It runs on the daemon's
 * event loop (sd-event, main thread) and never logs.
 *
 * How (bench/games/ measured the choice; bench/results/games-watch.md):
 * every GAMES_SCAN_MS it lists /proc from the highest pid it knows on and
 * reads the comm and command line of the processes started since
 * (watch-scan.c); a process that matched nothing is looked at again while
 * it is young (its comm changes when it execs, or when Wine renames it),
 * for GAMES_YOUNG_MS.  A matching process is held by a pidfd, whose
 * readiness tells its exit at once.  At start, and with a new
 * configuration, every process is looked at.
 *
 * What it needs: /proc with the other users' processes visible and their
 * comm and cmdline readable, so not ProtectProc=invisible, noaccess or
 * ptraceable for a daemon without CAP_SYS_PTRACE (joystickd.service has
 * ProtectProc=default); ProcSubset=pid is fine; pidfd_open(2) (Linux 5.3,
 * in @system-service), else exits are seen at the next scan.
 */
#ifndef JSD_GAMES_WATCH_H
#define JSD_GAMES_WATCH_H

#include <sys/types.h>
#include <systemd/sd-event.h>

#include "engine/config.h"

#ifndef GAMES_SCAN_MS
#define GAMES_SCAN_MS	500	/* period of the /proc scan: a game is seen within it */
#endif
#ifndef GAMES_FULL_MS
#define GAMES_FULL_MS	60000	/* period of a whole listing of /proc (pids wrap around) */
#endif
#define GAMES_YOUNG_MS	5000	/* a new process that matched nothing is looked at again meanwhile */

struct games_watch;

struct games_watch_events {
	/*
	 * Process @pid, called @name, matches profile @profile of the
	 * configuration: it started, or a new configuration matches it to
	 * another profile.
	 */
	void (*started)(void *userdata, pid_t pid, const char *name, unsigned int profile);
	/* A process started() named exited, or matches nothing any more. */
	void (*exited)(void *userdata, pid_t pid);
};

/*
 * Starts watching for @cfg's games (which must stay valid until the next
 * games_watch_reload() or games_watch_free()): looks at every process
 * now, calling started() for each match, then every GAMES_SCAN_MS.
 * 0 or -errno.
 */
int games_watch_new(sd_event *event, const struct jsd_config *cfg,
		    const struct games_watch_events *events, void *userdata,
		    struct games_watch **ret);

/* A new configuration: every process is looked at again against it, now. */
void games_watch_reload(struct games_watch *w, const struct jsd_config *cfg);

/* Stops; NULL is fine.  Returns NULL. */
struct games_watch *games_watch_free(struct games_watch *w);

#endif
