/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A game session: from the start of the first process that matches a
 * profile's `games` until the last such process exits.  Pure: the
 * manager (manager-games.c) feeds it the starts and exits the watcher
 * sees and the switches the user makes by hand, and switches to the
 * profile it names.
 *
 * While a session runs, the newest game's profile is current; when the
 * last game exits, the profile current before the session returns.  A
 * manual switch (joystickctl profile, a profile button) during a session
 * wins until the session ends: no game switches meanwhile.  Profiles go
 * by name, so that a session outlives a reload.
 */
#ifndef JSD_GAMES_SESSION_H
#define JSD_GAMES_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/config.h"

#define GAME_SESSION_MAX	32	/* game processes tracked; more are left out */
#define GAME_NAME_MAX		64	/* of a name shown, NUL included (longer ones are cut) */

struct game_proc {
	pid_t pid;
	char name[GAME_NAME_MAX];	/* the name that matched */
	char profile[JSD_NAME_MAX];
};

struct game_session {
	struct game_proc procs[GAME_SESSION_MAX];	/* oldest first */
	unsigned int n;
	char base[JSD_NAME_MAX];	/* the profile before the session; "" outside one */
	bool manual;			/* switched by hand during the session */
};

void game_session_init(struct game_session *s);

/*
 * Process @pid, called @name, matches @profile (@current is the profile
 * current now).  A process known already takes the new profile (its match
 * changed with a reload).  Returns the profile the session wants current
 * (perhaps the current one), or NULL when it leaves the choice alone (a
 * manual switch wins, or the process is one too many to track).
 */
const char *game_session_start(struct game_session *s, const char *current, pid_t pid,
			       const char *name, const char *profile);

/*
 * Process @pid exited (or matches no more): the profile the session wants
 * current (the one before the session, after the last game), or NULL.
 */
const char *game_session_exit(struct game_session *s, pid_t pid);

/* The user switched profiles by hand. */
void game_session_manual(struct game_session *s);

/* The newest game process, or NULL outside a session. */
const struct game_proc *game_session_newest(const struct game_session *s);

#endif
