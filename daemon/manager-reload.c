// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A new configuration replaces the running one, all or nothing: a reload
 * (SIGHUP, the control command "reload") or a live change (`joystickctl
 * set`, manager-live.c).  Both take this one path, manager_swap().
 *
 * The new configuration, and when it describes another stick the new
 * uinput device (a reload only), and the capture it calls for are built
 * first, beside the running ones; the slow parts (parsing, creating a
 * uinput device) without the lock (swap_prepare()).  Under the lock a new
 * engine takes over the old one's state and the capture is sent: if that
 * fails nothing changed and the new pieces are thrown away (swap_abort()),
 * else all of them replace the running ones at once
 * (swap_commit_locked()).  The old ones are freed after the lock
 * (swap_finish()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "manager-int.h"
#include "stick.h"

/* The pieces of a swap: the new ones, then (after the commit) the old ones. */
struct swap {
	const struct swap_opts *opts;
	struct jsd_config *cfg;
	struct stick *stick;		/* NULL when the stick stays */
	struct engine *engine;
	struct capture_plan plan;
	bool new_stick;
	bool have_plan;
	bool same_keys;			/* the capture takes the same keys as before */
	struct jskf_input_id ids[2];	/* the running stick's id, and the new one's */
	int out_slot;			/* the new stick's output slot, or -1 */
};

/* Undoes what swap_prepare() and a failed commit built. */
static void swap_abort(struct manager *m, struct swap *sw)
{
	sw->engine = engine_free(sw->engine);
	if (sw->have_plan)
		capture_plan_done(&sw->plan);
	sw->have_plan = false;
	sw->stick = stick_free(sw->stick);
	if (sw->new_stick)
		backend_exclude(m->backend, sw->ids, 1);
	sw->cfg = jsd_config_free(sw->cfg);
}

static bool same_capture_keys(const struct jsd_config *a, const struct jsd_config *b)
{
	uint64_t ka[JSKF_KEY_WORDS], kb[JSKF_KEY_WORDS];

	jsd_config_capture_keys(a, ka);
	jsd_config_capture_keys(b, kb);
	return memcmp(ka, kb, sizeof(ka)) == 0;
}

/*
 * No lock: excludes and creates a new stick if the configuration needs
 * one (and may have one), and plans the capture.  On failure the reason
 * is in @why, anything built is undone, and the running configuration is
 * untouched.
 */
static int swap_prepare(struct manager *m, struct swap *sw, char *why, size_t why_size)
{
	int r;

	sw->new_stick = !jsd_stick_equal(&sw->cfg->stick, &m->cfg->stick);
	if (sw->new_stick && sw->opts->keep_stick) {
		snprintf(why, why_size, "the change would make another stick device");
		sw->new_stick = false;
		r = -EPERM;
		goto out_abort;
	}
	if (sw->new_stick) {
		/* Both ids stay excluded until the old stick is gone. */
		sw->ids[1] = sw->cfg->stick.id;
		r = backend_exclude(m->backend, sw->ids, 2);
		if (r < 0) {
			snprintf(why, why_size, "excluding the new stick from the kernel filter: %s",
				 strerror(-r));
			sw->new_stick = false;	/* nothing to un-exclude */
			goto out_abort;
		}
		/* The slot the running stick does not use: its last frames still go out. */
		manager_lock(m);
		sw->out_slot = m->out_slot == 0 ? 1 : 0;
		manager_unlock(m);
		sw->out_slot = manager_name_output(m, sw->out_slot, &sw->cfg->stick);
		r = stick_new(&sw->cfg->stick, &sw->stick);
		if (r < 0) {
			snprintf(why, why_size, "creating the new stick: %s", strerror(-r));
			goto out_abort;
		}
	}
	sw->same_keys = same_capture_keys(sw->cfg, m->cfg);
	r = capture_plan_build(m, sw->cfg, &sw->plan);
	if (r < 0) {
		snprintf(why, why_size, "listing the devices: %s", strerror(-r));
		goto out_abort;
	}
	sw->have_plan = true;
	return 0;

 out_abort:
	swap_abort(m, sw);
	return r;
}

/*
 * Under lock: the new engine, the capture, then the swap.  On failure
 * nothing changed (the caller aborts); on success @sw holds the old
 * configuration, engine and (if replaced) stick, for swap_finish().
 *
 * A reload sends the capture again whatever it is; a live change only
 * when it changed, and then keeps the buttons held as they are (a capture
 * of other keys may never report their release).
 */
static int swap_commit_locked(struct manager *m, struct swap *sw,
			      struct manager_status *st, char *why, size_t why_size)
{
	const struct swap_opts *o = sw->opts;
	bool live = o->keep_stick;
	struct jsd_config *old_cfg;
	struct engine *old_engine;
	struct stick *old_stick;
	const char *ignored;
	char action[JSD_NAME_MAX + 16];
	int r;

	manager_assert_locked(m);
	r = engine_new_from(sw->cfg, m->engine, &sw->engine);
	if (r < 0) {
		snprintf(why, why_size, "creating the engine: %s", strerror(-r));
		return r;
	}
	if (live && sw->same_keys)
		engine_keep_held(sw->engine, m->engine);
	r = capture_apply_locked(m, &sw->plan, !live || !sw->same_keys);
	if (r < 0) {
		snprintf(why, why_size, "capturing with the new configuration: %s", strerror(-r));
		return r;
	}
	/* Commit: nothing below can fail. */
	old_engine = m->engine;
	old_cfg = m->cfg;
	old_stick = NULL;
	m->engine = sw->engine;
	m->cfg = sw->cfg;
	if (sw->new_stick) {
		/* What the old stick still has queued goes with it. */
		old_stick = m->stick;
		m->stick = sw->stick;
		m->out_slot = sw->out_slot;
		stick_defer(m->stick, m->out_slot >= 0);
	}
	sw->engine = old_engine;
	sw->cfg = old_cfg;
	sw->stick = old_stick;
	engine_emit_state(m->engine, sw->new_stick);
	for (const char *const *axis = o->reset_trim; axis && *axis; axis++) {
		/* A new trim moves the running trim point: spring and velocity axes go there. */
		snprintf(action, sizeof(action), "reset-trim:%s", *axis);
		engine_run_action(m->engine, action, manager_now_ns(), &ignored);
	}
	m->pending_profile = -1;
	if (!live)
		m->counters.reloads++;
	manager_retick_locked(m);
	status_format_locked(m, st);
	return 0;
}

/* After a commit, no lock: logs, frees the old pieces, un-excludes the old stick. */
static void swap_finish(struct manager *m, struct swap *sw, const struct manager_status *st)
{
	status_send(st);
	/* The games watcher reads the configuration: the new one now (a live change too). */
	manager_games_reload(m);
	capture_log(m, &sw->plan);
	capture_plan_done(&sw->plan);
	engine_free(sw->engine);
	jsd_config_free(sw->cfg);
	stick_free(sw->stick);
	if (sw->new_stick && backend_exclude(m->backend, &sw->ids[1], 1) < 0)
		log_warning("the old stick's input id stays excluded from the kernel filter");
}

int manager_swap(struct manager *m, struct jsd_config *cfg, const struct swap_opts *o,
		 bool *ret_new_stick, char *why, size_t why_size)
{
	struct swap sw = { .opts = o, .cfg = cfg, .ids = { m->cfg->stick.id } };
	struct manager_status st = { "" };
	int r;

	r = swap_prepare(m, &sw, why, why_size);
	if (r < 0)
		return r;
	manager_lock(m);
	r = swap_commit_locked(m, &sw, &st, why, why_size);
	manager_unlock(m);
	if (r < 0) {
		swap_abort(m, &sw);
		return r;
	}
	if (ret_new_stick)
		*ret_new_stick = sw.new_stick;
	swap_finish(m, &sw, &st);
	return 0;
}

int manager_reload(struct manager *m, char *why, size_t why_size)
{
	struct ini_file file = { 0 };
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	bool new_stick = false, rejected = false;
	unsigned int dropped;
	int r;

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)(manager_now_ns() / 1000));
	r = source_read(m->opt.config_path, &file, &cfg, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		log_raw(LOG_ERR, "%s", why);
		rejected = true;
	} else {
		source_log_warnings(cfg);
		r = manager_swap(m, cfg, &(struct swap_opts){ 0 }, &new_stick, why, why_size);
	}
	if (r == 0) {
		dropped = source_reset(m, &file);
		log_info("reloaded %s%s", m->opt.config_path, new_stick ? " (new virtual stick)" : "");
		if (dropped)
			log_warning("the reload dropped %u unsaved change%s made with joystickctl set",
				    dropped, dropped == 1 ? "" : "s");
		sd_notify(0, "READY=1");
		return 0;
	}

	ini_file_done(&file);
	if (rejected)
		log_error("reload failed; keeping the running configuration");
	else
		log_error("reload failed: %s; keeping the running configuration", why);
	manager_lock(m);
	m->counters.reload_failures++;
	manager_unlock(m);
	sd_notify(0, "READY=1");
	return r;
}
