// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mapping engine; see engine.h.
 *
 * Every record first advances the whole stick to the record's time, then
 * applies the record; changes go out at the end of the frame (SYN_REPORT)
 * or at once for the filter's own records.  The engine has one clock, the
 * latest time it was given, and it never goes backwards.
 *
 * The hot path is a mouse frame: REL records then SYN_REPORT.  So that it
 * costs little more than the axes it moves, use_profile() indexes the
 * profile's axes by source and time, and the engine marks what may have
 * changed (the stale mask, buttons_stale) for emit() to look at only that.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/axis.h"
#include "engine/engine.h"

/* Input buttons held at once that the engine tracks; more are ignored. */
#define ENGINE_MAX_HELD	64

#define NS_PER_SEC	1000000000ull

/*
 * Source counts reaching one axis code per second, for `joystickctl
 * tune`: the counts since @start, and the rate of the window before.
 */
struct rate_meter {
	bool started;
	uint64_t start;		/* ns, the first record of the window */
	double sum;		/* counts since then */
	double rate;		/* counts per second of the last full window */
};

/* An input button held now, and the device it is held on. */
struct held {
	uint32_t dev_id;
	int mouse;
	uint16_t code;
	bool look;		/* it started the look: it drives nothing else */
};

struct engine {
	const struct jsd_config *cfg;
	struct engine_output out;
	void *ctx;
	bool busy;			/* inside a callback: no re-entry */

	unsigned int profile;
	bool capture_active;
	bool looking;			/* a held input (its held.look) started a look */
	bool time_known;		/* time was given once */
	uint64_t time;			/* ns, the latest time given */

	/* Per ABS_* code: the current profile's axis driving it, and its state. */
	const struct jsd_axis_cfg *driver[ABS_CNT];
	struct axis_state axes[ABS_CNT];
	struct rate_meter meters[ABS_CNT];

	/*
	 * Indexes of the current profile, rebuilt by use_profile() (at
	 * engine_new(), engine_new_from() and every profile switch):
	 * driven holds the bit of every target (ABS_CNT is 64); timed lists
	 * the axes time changes (axis_timed()), timed_mask has their targets.
	 */
	uint64_t driven;
	const struct jsd_axis_cfg *timed[ABS_CNT];
	unsigned int n_timed;
	uint64_t timed_mask;

	/*
	 * The current profile's axes with a source, listed per REL code and
	 * mouse slot (slot_of()) in profile order: list k = code * n_slots +
	 * slot is rel_axes[i] for i from rel_first[k] to rel_first[k + 1]
	 * (excluded).  An axis of any mouse is in every slot of its source:
	 * the arrays are sized for the configuration at engine_new() and
	 * engine_new_from() (a profile has at most ABS_CNT axes, one per
	 * target); use_profile() fills them.
	 */
	unsigned int n_slots;		/* cfg->n_mice + 1 */
	unsigned int *rel_first;	/* REL_CNT * n_slots + 1 */
	const struct jsd_axis_cfg **rel_axes;	/* ABS_CNT * n_slots */

	/*
	 * Bit per ABS_* code whose value may differ from the one sent: its
	 * axis' output or driver changed since emit() last looked (a superset
	 * is fine, emit() compares).  Cleared by emit().
	 */
	uint64_t stale;

	struct held held[ENGINE_MAX_HELD];
	unsigned int n_held;

	bool button_sent[KEY_CNT];	/* what the stick shows, per BTN_* code */
	bool buttons_known;		/* button_sent is valid */
	bool buttons_stale;		/* held inputs or profile changed since emit() */
};

static const struct jsd_profile *current(const struct engine *e)
{
	return &e->cfg->profiles[e->profile];
}

static uint64_t code_bit(uint16_t abs_code)
{
	return UINT64_C(1) << abs_code;
}

static bool mouse_matches(int filter, int mouse)
{
	return filter == JSD_MOUSE_ANY || filter == mouse;
}

/* A look button's input is held for the look alone: it drives no mapping. */
static bool is_held(const struct engine *e, uint16_t code, int filter)
{
	if (!code)
		return false;
	for (unsigned int i = 0; i < e->n_held; i++)
		if (e->held[i].code == code && !e->held[i].look &&
		    mouse_matches(filter, e->held[i].mouse))
			return true;
	return false;
}

static struct axis_keys keys_of(const struct engine *e, const struct jsd_axis_cfg *a)
{
	bool inc = is_held(e, a->key_increase, a->mouse);
	bool dec = is_held(e, a->key_decrease, a->mouse);

	return (struct axis_keys){ .held = inc || dec, .dir = (int)inc - (int)dec };
}

/*
 * The mouse slot of a record's @mouse: 1 + its index in cfg->mice, or 0
 * when it matched no [mouse] section (only axes of any mouse take it).
 */
static unsigned int slot_of(const struct engine *e, int mouse)
{
	return mouse >= 0 && (unsigned int)mouse + 1 < e->n_slots ? (unsigned int)mouse + 1 : 0;
}

/*
 * Fills rel_first and rel_axes for @profile, list by list: those of the
 * axes with the list's source whose mouse filter takes the slot's mouse.
 */
static void index_sources(struct engine *e, const struct jsd_profile *profile)
{
	unsigned int n = 0;

	for (unsigned int code = 0; code < REL_CNT; code++) {
		for (unsigned int slot = 0; slot < e->n_slots; slot++) {
			e->rel_first[code * e->n_slots + slot] = n;
			for (unsigned int i = 0; i < profile->n_axes; i++) {
				const struct jsd_axis_cfg *a = &profile->axes[i];

				if (a->has_source && a->source == code &&
				    mouse_matches(a->mouse, (int)slot - 1))
					e->rel_axes[n++] = a;
			}
		}
	}
	e->rel_first[REL_CNT * e->n_slots] = n;
}

/*
 * Fixes in @axes the output each axis @by drives has under its driver's
 * response (axis_settle()), before other drivers take the codes: a
 * profile switch, a reload.
 */
static void settle_outputs(const struct engine *by, struct axis_state *axes)
{
	for (uint64_t m = by->driven; m; m &= m - 1) {
		uint16_t code = (uint16_t)__builtin_ctzll(m);

		axis_settle(by->driver[code], &axes[code]);
	}
}

/*
 * Makes profile @index current: drivers per code and the indexes, first-time
 * codes at trim.  Every target and the buttons are stale: a new axis' range
 * and response may differ, so may the buttons the held inputs map to.
 */
static void use_profile(struct engine *e, unsigned int index)
{
	const struct jsd_profile *profile = &e->cfg->profiles[index];

	settle_outputs(e, e->axes);
	e->profile = index;
	memset(e->driver, 0, sizeof(e->driver));
	e->driven = 0;
	e->n_timed = 0;
	e->timed_mask = 0;
	for (unsigned int i = 0; i < profile->n_axes; i++) {
		const struct jsd_axis_cfg *a = &profile->axes[i];
		struct axis_state *st = &e->axes[a->target];

		e->driver[a->target] = a;
		e->driven |= code_bit(a->target);
		if (axis_timed(a)) {
			e->timed[e->n_timed++] = a;
			e->timed_mask |= code_bit(a->target);
		}
		if (!st->initialized)
			axis_init(a, st);
		else
			axis_set_pos(a, st, st->pos);	/* output follows the new response */
	}
	index_sources(e, profile);
	e->stale |= e->driven;
	e->buttons_stale = true;
}

/* @counts at @now: a window of ENGINE_RATE_WINDOW_NS or more is closed first. */
static void meter_add(struct rate_meter *m, uint64_t now, double counts)
{
	if (!m->started) {
		*m = (struct rate_meter){ .started = true, .start = now };
	} else if (now > m->start && now - m->start >= ENGINE_RATE_WINDOW_NS) {
		m->rate = m->sum * 1e9 / (double)(now - m->start);
		m->start = now;
		m->sum = 0;
	}
	m->sum += counts;
}

static void advance(struct engine *e, uint64_t now)
{
	double dt;

	if (!e->time_known) {
		e->time = now;
		e->time_known = true;
		return;
	}
	if (now <= e->time)
		return;		/* never backwards: a record older than a tick */
	dt = e->n_timed ? (double)(now - e->time) / NS_PER_SEC : 0.0;
	e->time = now;
	if (e->looking)
		return;		/* frozen: the time of the look is not made up for after it */
	e->stale |= e->timed_mask;
	for (unsigned int i = 0; i < e->n_timed; i++) {
		const struct jsd_axis_cfg *a = e->timed[i];

		axis_advance(a, &e->axes[a->target], dt, keys_of(e, a));
	}
}

static bool button_wanted(const struct engine *e, uint16_t code)
{
	const struct jsd_profile *profile = current(e);

	for (unsigned int i = 0; i < profile->n_buttons; i++) {
		const struct jsd_button_cfg *b = &profile->buttons[i];

		if (b->output == code && is_held(e, b->input, b->mouse))
			return true;
	}
	return false;
}

/* Sends @value for axis @code unless (without @all) it is the one sent. */
static bool emit_axis(struct engine *e, uint16_t code, int32_t value, bool all)
{
	struct axis_state *st = &e->axes[code];

	if (!all && st->sent && st->value == value)
		return false;
	st->sent = true;
	st->value = value;
	e->out.axis(e->ctx, code, value);
	return true;
}

/*
 * Every axis of the stick with @all; else the stale driven ones, in
 * ascending code order, which is the stick's (config.h).  An axis no
 * profile drives keeps its value: sent only with @all, at the middle of
 * its range if never sent before.
 */
static bool emit_axes(struct engine *e, bool all)
{
	const struct jsd_stick_cfg *stick = &e->cfg->stick;
	bool changed = false;

	if (all) {
		for (unsigned int i = 0; i < stick->n_axes; i++) {
			const struct jsd_stick_axis *sa = &stick->axes[i];
			const struct axis_state *st = &e->axes[sa->code];
			int32_t value;

			if (e->driver[sa->code])
				value = axis_value(e->driver[sa->code], st);
			else if (st->sent)
				value = st->value;
			else
				value = curve_scale(0.0, sa->min, sa->max);
			changed |= emit_axis(e, sa->code, value, true);
		}
	} else {
		for (uint64_t m = e->stale & e->driven; m; m &= m - 1) {
			uint16_t code = (uint16_t)__builtin_ctzll(m);

			changed |= emit_axis(e, code, axis_value(e->driver[code], &e->axes[code]),
					     false);
		}
	}
	e->stale = 0;
	return changed;
}

/* Every button of the stick with @all; else all of them if any may have changed. */
static bool emit_buttons(struct engine *e, bool all)
{
	const struct jsd_stick_cfg *stick = &e->cfg->stick;
	bool changed = false;

	if (!all && !e->buttons_stale)
		return false;
	for (unsigned int i = 0; i < stick->n_buttons; i++) {
		uint16_t code = stick->buttons[i];
		bool wanted = button_wanted(e, code);

		if (all || !e->buttons_known || e->button_sent[code] != wanted) {
			e->button_sent[code] = wanted;
			e->out.button(e->ctx, code, wanted);
			changed = true;
		}
	}
	e->buttons_known = true;
	e->buttons_stale = false;
	return changed;
}

/* Sends what changed (everything with @all) as one frame. */
static void emit(struct engine *e, bool all)
{
	bool changed;

	e->busy = true;
	changed = emit_axes(e, all);
	changed |= emit_buttons(e, all);
	if (changed)
		e->out.sync(e->ctx);
	e->busy = false;
}

static void request(struct engine *e, enum engine_request_kind kind, unsigned int profile)
{
	struct engine_request req = { .kind = kind, .profile = profile };

	e->busy = true;
	e->out.request(e->ctx, &req);
	e->busy = false;
}

/* recenter, trim, reset-trim on one axis of the profile or on all_actions ones. */
static void axis_action(struct engine *e, enum jsd_action_kind kind, int index)
{
	const struct jsd_profile *profile = current(e);

	for (unsigned int i = 0; i < profile->n_axes; i++) {
		const struct jsd_axis_cfg *a = &profile->axes[i];
		struct axis_state *st = &e->axes[a->target];

		if (index >= 0 ? (int)i != index : !a->all_actions)
			continue;
		if (kind == JSD_ACTION_RECENTER) {
			axis_set_pos(a, st, st->trim);
			e->stale |= code_bit(a->target);
		} else if (kind == JSD_ACTION_TRIM)
			st->trim = st->pos;
		else
			st->trim = a->trim;
	}
}

static void run_action(struct engine *e, const struct jsd_action *action)
{
	switch (action->kind) {
	case JSD_ACTION_NONE:
		break;
	case JSD_ACTION_RECENTER:
	case JSD_ACTION_TRIM:
	case JSD_ACTION_RESET_TRIM:
		axis_action(e, action->kind, action->arg);
		break;
	case JSD_ACTION_TOGGLE_CAPTURE:
		request(e, ENGINE_REQ_TOGGLE_CAPTURE, 0);
		break;
	case JSD_ACTION_PROFILE_NEXT:
		request(e, ENGINE_REQ_PROFILE, (e->profile + 1) % e->cfg->n_profiles);
		break;
	case JSD_ACTION_PROFILE:
		request(e, ENGINE_REQ_PROFILE, (unsigned int)action->arg);
		break;
	case JSD_ACTION_LOOK:
		break;		/* a held input's: feed_key() starts it */
	}
}

/*
 * Motion goes to the axes with this source whose modifier is held; only
 * when there is none, to the axes with this source and no modifier.
 */
static void feed_rel(struct engine *e, int mouse, uint16_t code, int32_t value)
{
	bool hi_res = code == REL_WHEEL_HI_RES || code == REL_HWHEEL_HI_RES;
	double counts = hi_res ? value / 120.0 : value;
	unsigned int k, first, end;
	bool modified = false;

	if (code >= REL_CNT || e->looking)
		return;		/* no axis has it as source, or the desktop's motion */
	k = code * e->n_slots + slot_of(e, mouse);
	first = e->rel_first[k];
	end = e->rel_first[k + 1];
	for (unsigned int i = first; i < end && !modified; i++) {
		const struct jsd_axis_cfg *a = e->rel_axes[i];

		modified = is_held(e, a->modifier, a->mouse);
	}
	for (unsigned int i = first; i < end; i++) {
		const struct jsd_axis_cfg *a = e->rel_axes[i];

		if (modified ? is_held(e, a->modifier, a->mouse) : !a->modifier) {
			axis_add(a, &e->axes[a->target], counts);
			meter_add(&e->meters[a->target], e->time, counts);
			e->stale |= code_bit(a->target);
		}
	}
}

static int find_held(const struct engine *e, uint32_t dev_id, uint16_t code)
{
	for (unsigned int i = 0; i < e->n_held; i++)
		if (e->held[i].dev_id == dev_id && e->held[i].code == code)
			return (int)i;
	return -1;
}

/* Forgets held input @i; the look it started, if any, ends. */
static void drop_held(struct engine *e, unsigned int i)
{
	bool look = e->held[i].look;

	e->held[i] = e->held[--e->n_held];
	e->buttons_stale = true;
	if (look) {
		e->looking = false;
		request(e, ENGINE_REQ_LOOK_END, 0);
	}
}

/* Whether a button of the current profile makes this press a look. */
static bool starts_look(const struct engine *e, int mouse, uint16_t code)
{
	const struct jsd_profile *profile = current(e);

	for (unsigned int b = 0; b < profile->n_buttons; b++) {
		const struct jsd_button_cfg *button = &profile->buttons[b];

		if (button->input == code && mouse_matches(button->mouse, mouse) &&
		    button->action.kind == JSD_ACTION_LOOK)
			return true;
	}
	return false;
}

/*
 * A press during a look is the desktop's: it is not held, so its release
 * is nothing to the engine either.  A look press does nothing else.
 */
static void feed_key(struct engine *e, int mouse, const struct jskf_record *rec)
{
	const struct jsd_profile *profile = current(e);
	int i = find_held(e, rec->dev_id, rec->code);
	bool look;

	if (rec->value == 0) {
		if (i >= 0)
			drop_held(e, (unsigned int)i);
		return;
	}
	if (rec->value != 1 || i >= 0 || e->n_held == ENGINE_MAX_HELD || e->looking)
		return;		/* a repeat, a press we know already, or the desktop's */
	look = starts_look(e, mouse, rec->code);
	e->held[e->n_held++] = (struct held){
		.dev_id = rec->dev_id, .mouse = mouse, .code = rec->code, .look = look,
	};
	if (look) {
		e->looking = true;
		request(e, ENGINE_REQ_LOOK_START, 0);
		return;
	}
	e->buttons_stale = true;
	for (unsigned int b = 0; b < profile->n_buttons; b++) {
		const struct jsd_button_cfg *button = &profile->buttons[b];

		if (button->input == rec->code && mouse_matches(button->mouse, mouse))
			run_action(e, &button->action);
	}
}

/* Forgets held inputs: the joystick buttons they drive come up at the next emit(). */
static void release_held(struct engine *e, bool all, uint32_t dev_id)
{
	for (unsigned int i = e->n_held; i-- > 0;)
		if (all || e->held[i].dev_id == dev_id)
			drop_held(e, i);
}

/*
 * Capture switched off releases every joystick button at once; the
 * physical releases that follow are then ignored, as for any input the
 * engine does not hold.
 */
static void capture_changed(struct engine *e, bool active)
{
	if (e->capture_active && !active) {
		release_held(e, true, 0);
		if (e->cfg->capture.on_toggle_off == JSD_TOGGLE_OFF_RECENTER)
			axis_action(e, JSD_ACTION_RECENTER, -1);
	}
	e->capture_active = active;
}

/*
 * Whether @rec reached the desktop although the configuration swallows its
 * class: the motion, wheel and presses of a look, and those the capture
 * let through before it heard of the look's end (a frame begun before, or
 * all a stopped daemon missed).  They are the desktop's, not the stick's
 * as well.  A sum of a full queue or a resync carries no verdict, and
 * counts; so do releases, which go wherever their press went.
 */
static bool desktops(const struct engine *e, const struct jskf_record *rec)
{
	uint32_t class;

	if (rec->flags & (JSKF_RECF_SWALLOWED | JSKF_RECF_COALESCED | JSKF_RECF_RESYNC))
		return false;
	if (rec->type == EV_REL)
		class = jskf_rel_class(rec->code);
	else if (rec->type == EV_KEY && rec->value == 1)
		class = JSKF_CLASS_BUTTONS;
	else
		return false;
	return e->cfg->capture.swallow & class;
}

void engine_feed(struct engine *e, int mouse, const struct jskf_record *rec)
{
	/* The records of a frame share its time: only its first moves the clock. */
	if (rec->time_ns > e->time || !e->time_known)
		advance(e, rec->time_ns);
	switch (rec->type) {
	case EV_REL:
		if (!desktops(e, rec))
			feed_rel(e, mouse, rec->code, rec->value);
		break;
	case EV_KEY:
		if (!desktops(e, rec))
			feed_key(e, mouse, rec);
		break;
	case EV_SYN:
		if (rec->code == SYN_REPORT)
			emit(e, false);
		break;
	case JSKF_REC_STATE:
		capture_changed(e, rec->value & JSKF_STATE_ACTIVE);
		emit(e, false);
		break;
	case JSKF_REC_DEV_REMOVED:
		release_held(e, false, rec->dev_id);
		emit(e, false);
		break;
	default:
		break;
	}
}

uint64_t engine_next_tick(const struct engine *e)
{
	uint64_t period = NS_PER_SEC / e->cfg->stick.update_rate;

	if (e->looking)
		return ENGINE_IDLE;	/* frozen */
	for (unsigned int i = 0; i < e->n_timed; i++) {
		const struct jsd_axis_cfg *a = e->timed[i];

		if (axis_moving(a, &e->axes[a->target], keys_of(e, a)))
			return e->time + period;
	}
	return ENGINE_IDLE;
}

uint64_t engine_tick(struct engine *e, uint64_t now_ns)
{
	advance(e, now_ns);
	emit(e, false);
	return engine_next_tick(e);
}

void engine_emit_state(struct engine *e, bool all)
{
	emit(e, all);
}

int engine_set_profile(struct engine *e, unsigned int profile, uint64_t now_ns)
{
	if (e->busy)
		return -EBUSY;
	if (profile >= e->cfg->n_profiles)
		return -EINVAL;
	advance(e, now_ns);
	use_profile(e, profile);
	emit(e, false);
	return 0;
}

unsigned int engine_profile(const struct engine *e)
{
	return e->profile;
}

int engine_run_action(struct engine *e, const char *action, uint64_t now_ns,
		      const char **ret_why)
{
	struct jsd_action a;
	int r;

	if (e->busy) {
		*ret_why = "called from an engine callback";
		return -EBUSY;
	}
	r = jsd_action_parse(e->cfg, e->profile, action, &a, ret_why);
	if (r < 0)
		return r;
	if (a.kind == JSD_ACTION_LOOK) {
		*ret_why = "look needs a held button: map one with action = look";
		return -EINVAL;
	}
	advance(e, now_ns);
	run_action(e, &a);
	emit(e, false);
	return 0;
}

bool engine_capture_active(const struct engine *e)
{
	return e->capture_active;
}

bool engine_looking(const struct engine *e)
{
	return e->looking;
}

const struct jsd_config *engine_config(const struct engine *e)
{
	return e->cfg;
}

int engine_axis_state(const struct engine *e, unsigned int index,
		      struct engine_axis_state *ret)
{
	const struct jsd_profile *profile = current(e);
	const struct jsd_axis_cfg *a;
	const struct axis_state *st;

	if (index >= profile->n_axes)
		return -EINVAL;
	a = &profile->axes[index];
	st = &e->axes[a->target];
	*ret = (struct engine_axis_state){
		.cfg = a,
		.position = st->pos,
		.trim = st->trim,
		.output = axis_output(a, st),
		.value = st->sent ? st->value : axis_value(a, st),
	};
	return 0;
}

/* An engine with its source index sized for @cfg, else NULL. */
static struct engine *engine_alloc(const struct jsd_config *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cfg = cfg;
	e->n_slots = cfg->n_mice + 1;
	e->rel_first = calloc(REL_CNT * e->n_slots + 1, sizeof(*e->rel_first));
	e->rel_axes = calloc(ABS_CNT * e->n_slots, sizeof(*e->rel_axes));
	if (!e->rel_first || !e->rel_axes)
		return engine_free(e);
	return e;
}

int engine_new(const struct jsd_config *cfg, const struct engine_output *out,
	       void *ctx, struct engine **ret)
{
	struct engine *e = engine_alloc(cfg);

	if (!e)
		return -ENOMEM;
	e->out = *out;
	e->ctx = ctx;
	e->capture_active = cfg->capture.active_at_start;
	use_profile(e, 0);
	*ret = e;
	return 0;
}

int engine_new_from(const struct jsd_config *cfg, const struct engine *old,
		    struct engine **ret)
{
	struct engine *e = engine_alloc(cfg);
	int profile;

	if (!e)
		return -ENOMEM;
	e->out = old->out;
	e->ctx = old->ctx;
	e->capture_active = old->capture_active;
	e->time_known = old->time_known;
	e->time = old->time;
	memcpy(e->axes, old->axes, sizeof(e->axes));
	settle_outputs(old, e->axes);
	memcpy(e->meters, old->meters, sizeof(e->meters));
	memcpy(e->button_sent, old->button_sent, sizeof(e->button_sent));
	e->buttons_known = old->buttons_known;
	for (unsigned int i = 0; i < old->n_held; i++)
		if (old->held[i].look)
			e->held[e->n_held++] = old->held[i];	/* ends at its release */
	e->looking = old->looking;
	profile = jsd_config_find_profile(cfg, current(old)->name);
	use_profile(e, profile < 0 ? 0 : (unsigned int)profile);
	*ret = e;
	return 0;
}

void engine_keep_held(struct engine *e, const struct engine *old)
{
	memcpy(e->held, old->held, sizeof(e->held));
	e->n_held = old->n_held;
}

struct engine *engine_free(struct engine *e)
{
	if (!e)
		return NULL;
	free(e->rel_first);
	free(e->rel_axes);
	free(e);
	return NULL;
}

double engine_axis_counts_rate(const struct engine *e, unsigned int index, uint64_t now_ns)
{
	const struct jsd_profile *profile = current(e);
	const struct rate_meter *m;

	if (index >= profile->n_axes)
		return 0;
	m = &e->meters[profile->axes[index].target];
	if (!m->started || now_ns <= m->start || now_ns - m->start < ENGINE_RATE_WINDOW_NS)
		return m->rate;
	if (now_ns - m->start >= 2 * ENGINE_RATE_WINDOW_NS)
		return 0;	/* no count since the window's first: none in the last one */
	return m->sum * 1e9 / (double)(now_ns - m->start);
}
