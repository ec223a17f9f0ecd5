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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
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

/* Mouse @id in @mice, or NULL. */
static const struct manager_mouse *mouse_find(const struct manager_mouse *mice, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (mice[i].id == id)
			return &mice[i];
	return NULL;
}

/* Whether mouse @id is in @mice (and captured, with @captured). */
static bool mouse_listed(const struct manager_mouse *mice, size_t n, uint32_t id, bool captured)
{
	const struct manager_mouse *mouse = mouse_find(mice, n, id);

	return mouse && (!captured || mouse->captured);
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
		pl->mice[n].grab = backend_device_grab(&pl->dm.devs[i]);
		pl->mice[n].grab_detail = backend_device_detail(&pl->dm.devs[i]);
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
 * A line about a mouse, rate-limited (a hotplug storm of mice is summed up
 * by manager_log_suppressed()): the first after a held-back stretch says
 * how many it stands for.  Main thread.
 */
static void mouse_line(struct manager *m, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void mouse_line(struct manager *m, int prio, const char *fmt, ...)
{
	uint64_t held;
	char line[400];
	va_list ap;

	if (!ratelimit_allow(&m->rl_mice, manager_now_ns(), &held))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (held)
		log_msg(prio, "%s (%llu lines about mice held back before)", line,
			(unsigned long long)held);
	else
		log_msg(prio, "%s", line);
}

static const char *key_name(uint32_t code, char *buf, size_t size)
{
	const char *name = codes_name(EV_KEY, code);

	if (name)
		return name;
	snprintf(buf, size, code ? "key 0x%x" : "a key", code);
	return buf;
}

/* What the evdev backend's grab of a mouse became, when it has news. */
static void capture_log_grab(struct manager *m, const struct manager_mouse *old,
			     const struct manager_mouse *now, const char *name)
{
	enum backend_grab was = old ? old->grab : BACKEND_GRAB_NONE;
	char key[24];

	if (old && was == now->grab && old->grab_detail == now->grab_detail)
		return;
	switch (now->grab) {
	case BACKEND_GRAB_NONE:
		break;
	case BACKEND_GRAB_ON:
		if (was != BACKEND_GRAB_NONE)
			mouse_line(m, LOG_INFO, "mouse '%s' (id %u) grabbed", name, now->id);
		break;
	case BACKEND_GRAB_WAITING:
		/* A mouse-button hotkey's own release is expected: no news. */
		if (now->grab_detail != m->cfg->capture.toggle_key)
			mouse_line(m, LOG_INFO,
				   "mouse '%s' (id %u): waiting for buttons to be released before the grab (%s is down, the desktop saw it pressed)",
				   name, now->id, key_name(now->grab_detail, key, sizeof(key)));
		break;
	case BACKEND_GRAB_HELD:
		mouse_line(m, LOG_WARNING,
			   "mouse '%s' (id %u) not captured: %s stayed down for %d s (the desktop must get its release from the mouse); release it and turn capture on again",
			   name, now->id, key_name(now->grab_detail, key, sizeof(key)),
			   BACKEND_GRAB_WAIT_S);
		break;
	case BACKEND_GRAB_BUSY:
		mouse_line(m, LOG_WARNING,
			   "mouse '%s' (id %u) not captured: another program grabbed it (EVIOCGRAB); trying again every second",
			   name, now->id);
		break;
	case BACKEND_GRAB_FAILED:
		mouse_line(m, LOG_WARNING,
			   "mouse '%s' (id %u) not captured: grabbing it failed: %s; trying again every second",
			   name, now->id, strerror(now->grab_detail));
		break;
	case BACKEND_GRAB_NO_PASSTHROUGH:
		mouse_line(m, LOG_WARNING,
			   "mouse '%s' (id %u) not captured: making its passthrough device failed: %s; trying again every second",
			   name, now->id, strerror(now->grab_detail));
		break;
	}
}

/*
 * Main thread, no lock (m->mice is the main thread's): one info line for
 * each mouse that is now captured, or no longer (unplugged, or not wanted
 * since a reload), and for the news of its grab (evdev backend).  Ids are
 * never reused, so a replugged mouse is logged again.  Takes the plan's
 * list of mice.
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
			mouse_line(m, LOG_INFO, "mouse '%s' (id %u) removed", name, old->id);
		else
			mouse_line(m, LOG_INFO, "mouse '%s' (id %u) no longer captured", name, old->id);
	}
	for (i = 0; i < pl->n_mice; i++) {
		const struct manager_mouse *now = &pl->mice[i];

		escape_string(now->name, name, sizeof(name));
		if (now->captured && !mouse_listed(m->mice, m->n_mice, now->id, true))
			mouse_line(m, LOG_INFO, "capturing mouse '%s' (id %u)", name, now->id);
		capture_log_grab(m, mouse_find(m->mice, m->n_mice, now->id), now, name);
	}
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
	struct jskf_info info;
	int r, tries = 0;
	uint64_t gen;

	/* udev and the reader both report a hotplug: the list is read once per change. */
	if (!force && m->refreshed && backend_info(m->backend, &info) == 0 &&
	    info.devlist_gen == m->refreshed_gen)
		return 0;
	do {
		r = capture_plan_build(m, m->cfg, &pl);
		if (r < 0)
			return r;
		gen = pl.dm.gen;	/* the list moves to m->devmap */
		manager_lock(m);
		r = capture_apply_locked(m, &pl, force);
		manager_unlock(m);
		log_debug("device list: %zu pointers; capture %s: %s", pl.n_mice,
			  pl.req.all_pointers ? "all pointers" : "by id", r < 0 ? strerror(-r) : "ok");
		if (r == 0) {
			m->refreshed = true;
			m->refreshed_gen = gen;
			capture_log(m, &pl);
		}
		capture_plan_done(&pl);
	} while (r == -ENODEV && ++tries < REFRESH_TRIES);
	return r;
}
