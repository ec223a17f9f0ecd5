// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Capture bookkeeping: what JSKF_IOC_CAPTURE (and JSKF_IOC_CAPTURE_KEYS)
 * to send for a configuration and the kernel's device list, sending it
 * only when it changed, and one log line per mouse captured or released.
 *
 * A plan is built without the lock (it reads only a configuration and the
 * kernel's list), applied under it, and logged after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/escape.h"
#include "log.h"
#include "manager-int.h"

static bool capture_equal(const struct kf_capture_req *a, const struct kf_capture_req *b)
{
	return a->all_pointers == b->all_pointers && a->n_ids == b->n_ids &&
	       a->swallow == b->swallow && a->toggle_code == b->toggle_code &&
	       a->active == b->active && a->deadman_ms == b->deadman_ms &&
	       memcmp(a->ids, b->ids, a->n_ids * sizeof(a->ids[0])) == 0;
}

/* Whether mouse @id is in @mice (and captured, with @captured). */
static bool mouse_listed(const struct manager_mouse *mice, size_t n, uint32_t id, bool captured)
{
	for (size_t i = 0; i < n; i++)
		if (mice[i].id == id)
			return !captured || mice[i].captured;
	return false;
}

void capture_plan_done(struct capture_plan *pl)
{
	devmap_done(&pl->dm);
	free(pl->mice);
	pl->mice = NULL;
}

int capture_plan_build(struct manager *m, const struct jsd_config *cfg, struct capture_plan *pl)
{
	const struct jsd_capture_cfg *cc = &cfg->capture;
	size_t i, n = 0;
	int r;

	memset(pl, 0, sizeof(*pl));
	r = devmap_build(m->backend, cfg, &pl->dm);
	if (r < 0)
		return r;
	pl->req = (struct kf_capture_req){
		.all_pointers = cc->all_mice,
		.ids = pl->ids,
		.swallow = cc->swallow,
		.toggle_code = cc->toggle_key,
		.deadman_ms = cc->deadman_ms,
	};
	if (!pl->req.all_pointers)
		pl->req.n_ids = devmap_capture_ids(&pl->dm, cfg, pl->ids, JSKF_MAX_CAPTURE_IDS,
						   &pl->left_out);
	jsd_config_capture_keys(cfg, pl->keys);
	pl->mice = calloc(pl->dm.n ? pl->dm.n : 1, sizeof(*pl->mice));
	if (!pl->mice) {
		capture_plan_done(pl);
		return -ENOMEM;
	}
	for (i = 0; i < pl->dm.n; i++) {
		if (!(pl->dm.devs[i].flags & JSKF_DEVF_POINTER))
			continue;
		pl->mice[n].captured = devmap_wanted(&pl->dm, cfg, i);
		pl->mice[n].id = pl->dm.devs[i].id;
		memcpy(pl->mice[n].name, pl->dm.devs[i].name, sizeof(pl->mice[n].name));
		pl->mice[n].name[sizeof(pl->mice[n].name) - 1] = '\0';
		n++;
	}
	pl->n_mice = n;
	return 0;
}

/*
 * Under lock: sends @req, then @keys (a new capture takes the pointer
 * buttons only until it is told the keys; a failure leaves it at that,
 * and is left in *ret_keys_error), and keeps @req as the capture in force.
 */
static int capture_send_locked(struct manager *m, const struct kf_capture_req *req,
			       const uint64_t keys[JSKF_KEY_WORDS], int *ret_keys_error)
{
	int r;

	manager_assert_locked(m);
	r = backend_capture(m->backend, req);
	if (r < 0)
		return r;
	if (req->ids != m->capture_ids)
		memcpy(m->capture_ids, req->ids, req->n_ids * sizeof(req->ids[0]));
	m->capture = *req;
	m->capture.ids = m->capture_ids;
	m->captured = true;
	m->wake_status = true;
	*ret_keys_error = backend_capture_keys(m->backend, keys);
	return 0;
}

int capture_apply_locked(struct manager *m, struct capture_plan *pl, bool force)
{
	int r;

	manager_assert_locked(m);
	pl->req.active = m->want_active;
	if (m->looking)
		pl->req.swallow = 0;	/* the look's, until its release */
	if (force || !m->captured || !capture_equal(&pl->req, &m->capture)) {
		r = capture_send_locked(m, &pl->req, pl->keys, &pl->keys_error);
		if (r < 0)
			return r;
	}
	devmap_done(&m->devmap);
	m->devmap = pl->dm;
	pl->dm = (struct devmap){ 0 };
	return 0;
}

/*
 * A look changes only the classes swallowed.  Each backend keeps across a
 * capture sent again by its owner what matters to a look (backend.h).
 */
int capture_look_locked(struct manager *m, bool look)
{
	struct kf_capture_req req;
	uint64_t keys[JSKF_KEY_WORDS];
	int keys_error;

	manager_assert_locked(m);
	m->looking = look;
	if (!m->captured)
		return 0;
	req = m->capture;
	req.swallow = look ? 0 : m->cfg->capture.swallow;
	req.active = m->want_active;
	jsd_config_capture_keys(m->cfg, keys);
	return capture_send_locked(m, &req, keys, &keys_error);
}

/* The keys the capture was told, or why not. */
static void capture_log_keys(struct manager *m, const struct capture_plan *pl)
{
	if (pl->keys_error == -ENOTTY) {
		if (!m->keys_unsupported_logged)
			log_debug("%s has no JSKF_IOC_CAPTURE_KEYS (an older module): it captures the pointer buttons only",
				  m->opt.device_path);
		m->keys_unsupported_logged = true;
	} else if (pl->keys_error < 0) {
		log_warning("telling the kernel filter which keys to capture failed: %s; it captures the pointer buttons only",
			    strerror(-pl->keys_error));
	}
}

/*
 * Main thread, no lock (m->mice is the main thread's): one info line for
 * each mouse that is now captured, or no longer (unplugged, or not wanted
 * since a reload).  Ids are never reused, so a replugged mouse is logged
 * again.  Takes the plan's list of mice.
 */
void capture_log(struct manager *m, struct capture_plan *pl)
{
	char name[ESCAPE_SIZE(JSKF_NAME_LEN)];
	size_t i;

	capture_log_keys(m, pl);
	if (pl->left_out)
		log_warning("%zu more mice match; the kernel filter captures at most %d",
			    pl->left_out, JSKF_MAX_CAPTURE_IDS);
	for (i = 0; i < m->n_mice; i++) {
		const struct manager_mouse *old = &m->mice[i];

		if (!old->captured || mouse_listed(pl->mice, pl->n_mice, old->id, true))
			continue;
		escape_string(old->name, name, sizeof(name));
		if (!mouse_listed(pl->mice, pl->n_mice, old->id, false))
			log_info("mouse '%s' (id %u) removed", name, old->id);
		else
			log_info("mouse '%s' (id %u) no longer captured", name, old->id);
	}
	for (i = 0; i < pl->n_mice; i++)
		if (pl->mice[i].captured && !mouse_listed(m->mice, m->n_mice, pl->mice[i].id, true))
			log_info("capturing mouse '%s' (id %u)",
				 escape_string(pl->mice[i].name, name, sizeof(name)), pl->mice[i].id);
	free(m->mice);
	m->mice = pl->mice;
	m->n_mice = pl->n_mice;
	pl->mice = NULL;
}

/* Mice unplugged between the listing and the capture give -ENODEV: list again. */
#define REFRESH_TRIES	5

int manager_refresh_devices(struct manager *m, bool force)
{
	struct capture_plan pl;
	int r, tries = 0;

	do {
		r = capture_plan_build(m, m->cfg, &pl);
		if (r < 0)
			return r;
		manager_lock(m);
		r = capture_apply_locked(m, &pl, force);
		manager_unlock(m);
		log_debug("device list: %zu pointers; capture %s: %s", pl.n_mice,
			  pl.req.all_pointers ? "all pointers" : "by id", r < 0 ? strerror(-r) : "ok");
		if (r == 0)
			capture_log(m, &pl);
		capture_plan_done(&pl);
	} while (r == -ENODEV && ++tries < REFRESH_TRIES);
	return r;
}
