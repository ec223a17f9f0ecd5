// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reload, all or nothing (SIGHUP, and the control command "reload").
 *
 * The new configuration, and when it describes another stick the new
 * uinput device, and the capture it calls for are built first, beside the
 * running ones; the slow parts (parsing, creating a uinput device) without
 * the lock (reload_prepare()).  Under the lock a new engine takes over the
 * old one's state and the capture is sent: if that fails nothing changed
 * and the new pieces are thrown away (reload_abort()), else all of them
 * replace the running ones at once (reload_commit_locked()).  The old ones
 * are freed after the lock (reload_finish()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "manager-int.h"
#include "stick.h"

/* The pieces of a reload: the new ones, then (after the commit) the old ones. */
struct reload {
	struct jsd_config *cfg;
	struct stick *stick;		/* NULL when the stick stays */
	struct engine *engine;
	struct capture_plan plan;
	bool new_stick;
	bool have_plan;
	bool rejected;			/* the file itself was refused (logged with its line) */
	struct jskf_input_id ids[2];	/* the running stick's id, and the new one's */
};

/* Undoes what reload_prepare() and a failed commit built. */
static void reload_abort(struct manager *m, struct reload *rl)
{
	rl->engine = engine_free(rl->engine);
	if (rl->have_plan)
		capture_plan_done(&rl->plan);
	rl->have_plan = false;
	rl->stick = stick_free(rl->stick);
	if (rl->new_stick)
		backend_exclude(m->backend, rl->ids, 1);
	rl->cfg = jsd_config_free(rl->cfg);
}

/*
 * No lock: loads the file, excludes and creates a new stick if it needs
 * one, and plans the capture.  On failure the reason is in @why, anything
 * built is undone, and the running configuration is untouched.
 */
static int reload_prepare(struct manager *m, struct reload *rl, char *why, size_t why_size)
{
	struct jsd_error err;
	int r;

	r = jsd_config_load(m->opt.config_path, &rl->cfg, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		log_raw(LOG_ERR, "%s", why);
		rl->rejected = true;
		return r;
	}
	for (unsigned int i = 0; i < rl->cfg->n_warnings; i++) {
		char line[600];

		log_raw(LOG_WARNING, "%s",
			jsd_warning_format(rl->cfg, &rl->cfg->warnings[i], line, sizeof(line)));
	}
	rl->new_stick = !jsd_stick_equal(&rl->cfg->stick, &m->cfg->stick);
	if (rl->new_stick) {
		/* Both ids stay excluded until the old stick is gone. */
		rl->ids[1] = rl->cfg->stick.id;
		r = backend_exclude(m->backend, rl->ids, 2);
		if (r < 0) {
			snprintf(why, why_size, "excluding the new stick from the kernel filter: %s",
				 strerror(-r));
			rl->new_stick = false;	/* nothing to un-exclude */
			goto out_abort;
		}
		r = stick_new(&rl->cfg->stick, &rl->stick);
		if (r < 0) {
			snprintf(why, why_size, "creating the new stick: %s", strerror(-r));
			goto out_abort;
		}
	}
	r = capture_plan_build(m, rl->cfg, &rl->plan);
	if (r < 0) {
		snprintf(why, why_size, "listing the devices: %s", strerror(-r));
		goto out_abort;
	}
	rl->have_plan = true;
	return 0;

 out_abort:
	reload_abort(m, rl);
	return r;
}

/*
 * Under lock: the new engine, the capture, then the swap.  On failure
 * nothing changed (the caller aborts); on success @rl holds the old
 * configuration, engine and (if replaced) stick, for reload_finish().
 */
static int reload_commit_locked(struct manager *m, struct reload *rl,
				struct manager_status *st, char *why, size_t why_size)
{
	struct jsd_config *old_cfg;
	struct engine *old_engine;
	struct stick *old_stick;
	int r;

	manager_assert_locked(m);
	r = engine_new_from(rl->cfg, m->engine, &rl->engine);
	if (r < 0) {
		snprintf(why, why_size, "creating the engine: %s", strerror(-r));
		return r;
	}
	r = capture_apply_locked(m, &rl->plan, true);
	if (r < 0) {
		snprintf(why, why_size, "capturing with the new configuration: %s", strerror(-r));
		return r;
	}
	/* Commit: nothing below can fail. */
	old_engine = m->engine;
	old_cfg = m->cfg;
	old_stick = NULL;
	m->engine = rl->engine;
	m->cfg = rl->cfg;
	if (rl->new_stick) {
		old_stick = m->stick;
		m->stick = rl->stick;
	}
	rl->engine = old_engine;
	rl->cfg = old_cfg;
	rl->stick = old_stick;
	engine_emit_state(m->engine, rl->new_stick);
	m->pending_profile = -1;
	m->counters.reloads++;
	loop_arm_tick_locked(m);
	status_format_locked(m, st);
	return 0;
}

/* After a commit, no lock: logs, frees the old pieces, un-excludes the old stick. */
static void reload_finish(struct manager *m, struct reload *rl, const struct manager_status *st)
{
	status_send(st);
	manager_games_reload(m);
	capture_log(m, &rl->plan);
	capture_plan_done(&rl->plan);
	engine_free(rl->engine);
	jsd_config_free(rl->cfg);
	stick_free(rl->stick);
	if (rl->new_stick && backend_exclude(m->backend, &rl->ids[1], 1) < 0)
		log_warning("the old stick's input id stays excluded from the kernel filter");
	log_info("reloaded %s%s", m->opt.config_path, rl->new_stick ? " (new virtual stick)" : "");
}

int manager_reload(struct manager *m, char *why, size_t why_size)
{
	struct reload rl = { .ids = { m->cfg->stick.id } };
	struct manager_status st = { "" };
	int r;

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)(manager_now_ns() / 1000));
	r = reload_prepare(m, &rl, why, why_size);
	if (r == 0) {
		manager_lock(m);
		r = reload_commit_locked(m, &rl, &st, why, why_size);
		manager_unlock(m);
		if (r < 0)
			reload_abort(m, &rl);
	}
	if (r == 0) {
		reload_finish(m, &rl, &st);
		sd_notify(0, "READY=1");
		return 0;
	}

	if (rl.rejected)
		log_error("reload failed; keeping the running configuration");
	else
		log_error("reload failed: %s; keeping the running configuration", why);
	manager_lock(m);
	m->counters.reload_failures++;
	manager_unlock(m);
	sd_notify(0, "READY=1");
	return r;
}
