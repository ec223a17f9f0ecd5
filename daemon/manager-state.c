// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manager's locked state: manager.lock itself, the engine's output
 * (the stick, and the requests only the daemon can carry out), and the
 * narrow accessors the reader and the control commands use (manager.h).
 * Every *_locked() function asserts that its caller holds the lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "manager-int.h"
#include "stick.h"

uint64_t manager_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- the lock */

/*
 * The manager whose lock this thread holds, for manager_assert_locked():
 * a thread-local variable is one load, where asking for the thread's id
 * at every assertion was a call into libc (seven a batch).
 */
static _Thread_local const struct manager *lock_held;

void manager_lock(struct manager *m)
{
	pthread_mutex_lock(&m->lock);
	lock_held = m;
}

/*
 * A frame the main thread queued on a deferred stick goes out in the
 * reader's next read: cancel the one pended, so that it starts again with
 * the frame at once (the reader takes what is queued whenever it holds the
 * lock, so its own unlocks find nothing).
 */
void manager_unlock(struct manager *m)
{
	bool nudge;

	manager_assert_locked(m);
	nudge = m->backend && m->stick && stick_pending(m->stick);
	lock_held = NULL;
	pthread_mutex_unlock(&m->lock);
	if (nudge)
		backend_cancel(m->backend);
}

int manager_name_output(struct manager *m, int slot, const struct jsd_stick_cfg *cfg)
{
	return backend_set_output(m->backend, slot, &cfg->id, cfg->name) == 0 ? slot : -1;
}

bool manager_holds_lock(struct manager *m)
{
	return lock_held == m;
}

/* ---- engine output: runs under lock, in whichever thread fed the engine */

static void out_axis(void *ctx, uint16_t code, int32_t value)
{
	struct manager *m = ctx;

	if (stick_axis(m->stick, code, value) < 0)
		m->counters.stick_errors++;
}

static void out_button(void *ctx, uint16_t code, int32_t value)
{
	struct manager *m = ctx;

	if (stick_button(m->stick, code, value) < 0)
		m->counters.stick_errors++;
}

static void out_sync(void *ctx)
{
	struct manager *m = ctx;

	if (stick_sync(m->stick) < 0)
		m->counters.stick_errors++;
}

/*
 * Toggles go to the kernel at once (the state record that follows tells
 * the engine), and so does a look's capture, so that the pointer is the
 * desktop's from the next frame on; a profile switch must wait until the
 * engine has returned.  A look's failure is logged by the main loop
 * (which, for a mouse gone meanwhile, lists the devices and sends the
 * capture again, look and all).
 */
static void out_request(void *ctx, const struct engine_request *req)
{
	struct manager *m = ctx;
	int r;

	manager_assert_locked(m);
	switch (req->kind) {
	case ENGINE_REQ_TOGGLE_CAPTURE:
		manager_set_active_locked(m, !m->want_active);
		break;
	case ENGINE_REQ_PROFILE:
		m->pending_profile = req->profile;
		break;
	case ENGINE_REQ_LOOK_START:
	case ENGINE_REQ_LOOK_END:
		r = capture_look_locked(m, req->kind == ENGINE_REQ_LOOK_START);
		if (r < 0) {
			m->look_error = r;
			m->wake_devlist |= r == -ENODEV;
			manager_wake_locked(m);
		}
		m->wake_status = true;
		break;
	}
}

const struct engine_output manager_engine_output = {
	.axis = out_axis,
	.button = out_button,
	.sync = out_sync,
	.request = out_request,
};

/* ---- requests */

int manager_set_active_locked(struct manager *m, bool active)
{
	int r;

	manager_assert_locked(m);
	r = backend_set_active(m->backend, active);
	if (r < 0)
		return r;
	m->want_active = active;
	return 0;
}

void manager_apply_requests_locked(struct manager *m)
{
	int p = m->pending_profile;

	manager_assert_locked(m);
	if (p < 0)
		return;
	m->pending_profile = -1;
	if (engine_set_profile(m->engine, p, manager_now_ns()) == 0) {
		m->switched_profile = p;
		m->wake_status = true;
		manager_games_manual_locked(m);
	}
}

bool manager_take_switch_locked(struct manager *m, char *name, size_t size)
{
	int p = m->switched_profile;

	manager_assert_locked(m);
	if (p < 0)
		return false;
	m->switched_profile = -1;
	snprintf(name, size, "%s", m->cfg->profiles[p].name);
	return true;
}

void manager_log_switch(struct manager *m)
{
	char name[JSD_NAME_MAX];
	bool switched;

	manager_lock(m);
	switched = manager_take_switch_locked(m, name, sizeof(name));
	manager_unlock(m);
	if (switched)
		log_info("profile %s", name);
}

void manager_wake_locked(struct manager *m)
{
	uint64_t one = 1;

	manager_assert_locked(m);
	if (m->wake_pending)
		return;		/* on_wake() has not read the eventfd yet */
	m->wake_pending = true;
	/* Fails only when the counter is saturated: a wake-up is pending then. */
	if (write(m->wake_fd, &one, sizeof(one)) < 0)
		return;
}

/* ---- for the control commands: main thread, no lock */

const struct jsd_config *manager_config(struct manager *m)
{
	return m->cfg;
}

const char *manager_config_path(struct manager *m)
{
	return m->opt.config_path;
}

const char *manager_capture_source(struct manager *m)
{
	return m->backend && strcmp(backend_name(m->backend), "evdev") == 0 ? "/dev/input"
									     : m->opt.device_path;
}

struct backend *manager_backend(struct manager *m)
{
	return m->backend;
}

struct discovery *manager_discovery(struct manager *m)
{
	return m->discovery;
}

/* ---- for the control commands: under lock */

bool manager_active_locked(struct manager *m)
{
	manager_assert_locked(m);
	return m->active;
}

bool manager_looking_locked(struct manager *m)
{
	manager_assert_locked(m);
	return m->looking;
}

unsigned int manager_profile_locked(struct manager *m)
{
	manager_assert_locked(m);
	return engine_profile(m->engine);
}

const struct manager_counters *manager_counters_locked(struct manager *m)
{
	manager_assert_locked(m);
	return &m->counters;
}

const struct stick *manager_stick_locked(struct manager *m)
{
	manager_assert_locked(m);
	return m->stick;
}

const struct devmap *manager_devmap_locked(struct manager *m)
{
	manager_assert_locked(m);
	return &m->devmap;
}

void manager_axis_state_locked(struct manager *m, unsigned int axis,
			       struct engine_axis_state *ret)
{
	manager_assert_locked(m);
	engine_axis_state(m->engine, axis, ret);
}

int manager_toggle_locked(struct manager *m, bool *ret_active)
{
	bool want;
	int r;

	manager_assert_locked(m);
	want = !m->want_active;
	r = manager_set_active_locked(m, want);
	if (r < 0)
		return r;
	*ret_active = want;
	return 0;
}

int manager_run_action_locked(struct manager *m, const char *action, const char **ret_why)
{
	int r;

	manager_assert_locked(m);
	r = engine_run_action(m->engine, action, manager_now_ns(), ret_why);
	manager_apply_requests_locked(m);
	if (r < 0)
		return r;
	manager_retick_locked(m);
	return 0;
}

int manager_set_profile_locked(struct manager *m, unsigned int profile)
{
	int r;

	manager_assert_locked(m);
	r = engine_set_profile(m->engine, profile, manager_now_ns());
	if (r < 0)
		return r;
	manager_games_manual_locked(m);
	manager_retick_locked(m);
	m->wake_status = true;
	manager_wake_locked(m);
	return 0;
}
