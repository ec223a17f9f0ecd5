// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Profiles that follow the game: the game watcher (games/watch.h) tells
 * the main loop when a process matching a profile's `games` starts and
 * exits, the game session (games/session.h) says which profile that makes
 * current, and the switch is made here, under the lock, then logged after
 * it.  Switches by hand (joystickctl profile, a profile button) are told
 * to the session, under the lock: they win until the game exits.
 */
#include <stdio.h>
#include <string.h>

#include "engine/escape.h"
#include "log.h"
#include "manager-int.h"

/* Under lock: makes profile @name current (the first if it is gone); whether it changed. */
static bool switch_to_locked(struct manager *m, const char *name)
{
	int profile;

	manager_assert_locked(m);
	if (!name)
		return false;
	profile = jsd_config_find_profile(m->cfg, name);
	if (profile < 0)
		profile = 0;	/* the profile before the game left with a reload */
	if ((unsigned int)profile == engine_profile(m->engine) ||
	    engine_set_profile(m->engine, (unsigned int)profile, manager_now_ns()) < 0)
		return false;
	m->wake_status = true;
	manager_retick_locked(m);
	return true;
}

/* What the log says after a start or an exit of game @name, @pid. */
static void log_game(const char *name, pid_t pid, const char *what, bool manual, const char *profile)
{
	char shown[ESCAPE_SIZE(GAME_NAME_MAX)];

	escape_string(name, shown, sizeof(shown));
	if (manual)
		log_info("game %s (pid %d) %s; profile %s stays (chosen by hand)", shown, (int)pid,
			 what, profile);
	else
		log_info("profile %s: game %s (pid %d) %s", profile, shown, (int)pid, what);
}

static void on_game_started(void *userdata, pid_t pid, const char *name, unsigned int profile)
{
	struct manager *m = userdata;
	struct manager_status st = { "" };
	char current[JSD_NAME_MAX];
	const char *want;
	bool manual;

	manager_lock(m);
	want = game_session_start(&m->session, m->cfg->profiles[engine_profile(m->engine)].name,
				  pid, name, m->cfg->profiles[profile].name);
	if (switch_to_locked(m, want))
		status_format_locked(m, &st);
	manual = m->session.manual;
	snprintf(current, sizeof(current), "%s", m->cfg->profiles[engine_profile(m->engine)].name);
	manager_unlock(m);
	status_send(&st);
	log_game(name, pid, "started", manual, current);
}

static void on_game_exited(void *userdata, pid_t pid)
{
	struct manager *m = userdata;
	struct manager_status st = { "" };
	char current[JSD_NAME_MAX], name[GAME_NAME_MAX] = "";
	const struct game_proc *proc;
	const char *want;
	bool manual;

	manager_lock(m);
	for (unsigned int i = 0; i < m->session.n; i++) {
		proc = &m->session.procs[i];
		if (proc->pid == pid)
			snprintf(name, sizeof(name), "%s", proc->name);
	}
	want = game_session_exit(&m->session, pid);
	if (switch_to_locked(m, want))
		status_format_locked(m, &st);
	manual = !want && name[0];
	snprintf(current, sizeof(current), "%s", m->cfg->profiles[engine_profile(m->engine)].name);
	manager_unlock(m);
	status_send(&st);
	if (name[0])
		log_game(name, pid, "exited", manual, current);
}

static const struct games_watch_events games_events = {
	.started = on_game_started,
	.exited = on_game_exited,
};

int manager_games_start(struct manager *m)
{
	game_session_init(&m->session);
	if (!jsd_config_has_games(m->cfg))
		return 0;
	return games_watch_new(m->event, m->cfg, &games_events, m, &m->games);
}

/* No game is watched any more: the session ends, the profile before it returns. */
static void end_session(struct manager *m)
{
	struct manager_status st = { "" };

	manager_lock(m);
	if (game_session_newest(&m->session) && switch_to_locked(m, m->session.base))
		status_format_locked(m, &st);
	game_session_init(&m->session);
	manager_unlock(m);
	status_send(&st);
}

void manager_games_reload(struct manager *m)
{
	int r;

	if (!jsd_config_has_games(m->cfg)) {
		if (m->games)
			log_info("no profile has games any more: processes are not watched");
		m->games = games_watch_free(m->games);
		end_session(m);
		return;
	}
	if (m->games) {
		games_watch_reload(m->games, m->cfg);
		return;
	}
	r = games_watch_new(m->event, m->cfg, &games_events, m, &m->games);
	if (r < 0) {
		log_warning("watching processes for games failed: %s; profiles do not follow the game",
			    strerror(-r));
		end_session(m);
	}
}

void manager_games_stop(struct manager *m)
{
	m->games = games_watch_free(m->games);
}

void manager_games_manual_locked(struct manager *m)
{
	manager_assert_locked(m);
	game_session_manual(&m->session);
}

void manager_game_status_locked(struct manager *m, char *buf, size_t size)
{
	const struct game_proc *proc = game_session_newest(&m->session);
	char shown[ESCAPE_SIZE(GAME_NAME_MAX)];

	manager_assert_locked(m);
	if (!jsd_config_has_games(m->cfg))
		snprintf(buf, size, "- (no profile has games)");
	else if (!proc)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s (pid %d)%s", escape_string(proc->name, shown, sizeof(shown)),
			 (int)proc->pid, m->session.manual ? ", profile chosen by hand" : "");
}
