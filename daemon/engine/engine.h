/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mapping engine: kernel filter records in, virtual stick events out.
 *
 * Pure C: no I/O, no logging, no allocation after engine_new(), no clock.
 * Time comes only from record timestamps and the @now given to
 * engine_tick(), all CLOCK_MONOTONIC nanoseconds.  Output goes through a
 * struct engine_output of callbacks, so the tests plug in a fake.
 *
 * An engine is not thread-safe: call it from one thread at a time.
 *
 * Stick state lives per output axis code (ABS_*), not per profile axis:
 * switching profiles or reloading the configuration keeps the position and
 * trim of every axis code.  joystickd.ini(5) gives the exact maths.
 *
 * Hold-to-look (action = look): from the press of a look button to its
 * release every axis is frozen (time passes without moving anything),
 * motion is ignored and presses are left to the desktop (they are not
 * held: their releases do nothing either); the releases of inputs held
 * before still come up.  The engine asks the daemon to stop and resume
 * swallowing (ENGINE_REQ_LOOK_START, _END); a look ends at its release,
 * when capture goes off or when its device goes away.  What the capture
 * lets through until it hears of the end is the desktop's, not the stick's
 * as well (engine_feed()).
 *
 * Typical use in the daemon:
 *
 *	engine_new(cfg, &output, ctx, &e);
 *	... create the uinput stick from cfg->stick ...
 *	engine_emit_state(e, true);
 *	for each batch: for each record: engine_feed(e, mouse_of(rec->dev_id), rec);
 *	                arm the timer at engine_next_tick(e) (ENGINE_IDLE: disarm)
 *	on the timer:   arm the timer at engine_tick(e, now)
 *	on reload:      engine_new_from(new_cfg, e, &e2); engine_free(e);
 *	                engine_emit_state(e2, stick changed);  (then free the old cfg)
 */
#ifndef JSD_ENGINE_H
#define JSD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "joystickd_kfilter.h"
#include "engine/config.h"

/* engine_tick() and engine_next_tick(): nothing moves, no timer needed. */
#define ENGINE_IDLE	UINT64_MAX

enum engine_request_kind {
	ENGINE_REQ_TOGGLE_CAPTURE,	/* flip the kernel's active flag (JSKF_IOC_SET_ACTIVE) */
	ENGINE_REQ_PROFILE,		/* switch to profile `profile` (engine_set_profile) */
	ENGINE_REQ_LOOK_START,		/* a look began: swallow nothing (the pointer is the desktop's) */
	ENGINE_REQ_LOOK_END,		/* the look ended: swallow as configured again */
};

/* Something only the daemon can do, asked for by a button or engine_run_action(). */
struct engine_request {
	enum engine_request_kind kind;
	unsigned int profile;		/* ENGINE_REQ_PROFILE: index in cfg->profiles */
};

/*
 * Output callbacks, all called synchronously from engine_feed(),
 * engine_tick(), engine_set_profile(), engine_run_action() and
 * engine_emit_state().  Events come in frames: axis() and button() calls,
 * then one sync().  A frame is sent only when a value changed, and only
 * the changed values are in it.  Callbacks must not call back into the
 * engine (engine_set_profile() then returns -EBUSY): defer requests, e.g.
 * until engine_feed() returned.
 */
struct engine_output {
	void (*axis)(void *ctx, uint16_t code, int32_t value);	/* ABS_* */
	void (*button)(void *ctx, uint16_t code, int32_t value);	/* BTN_*, 0 or 1 */
	void (*sync)(void *ctx);					/* SYN_REPORT */
	void (*request)(void *ctx, const struct engine_request *req);
};

struct engine;

/* What joystickctl status shows for one axis of the current profile. */
struct engine_axis_state {
	const struct jsd_axis_cfg *cfg;
	double position;	/* stick model position, [-1, 1] */
	double trim;		/* trim point, [-1, 1] */
	double output;		/* normalised output after response and smoothing */
	int32_t value;		/* last value sent */
};

/*
 * A new engine for @cfg, which must stay valid until engine_free().  The
 * first profile is active, capture is active if cfg->capture.active_at_start
 * and every axis sits at its trim.  Nothing is emitted: call
 * engine_emit_state() once the stick exists.  Returns 0 or -ENOMEM.
 */
int engine_new(const struct jsd_config *cfg, const struct engine_output *out,
	       void *ctx, struct engine **ret);

/*
 * A new engine for @cfg that carries over @old's state: per axis code the
 * position, trim and smoothing state and the value last sent; the buttons
 * last sent; the capture flag; the profile of the same name (else the
 * first); a look in progress, which still ends at its release.  Other
 * input buttons held now are forgotten, so engine_emit_state() releases
 * their joystick buttons.  @old is not changed; the new engine uses
 * @old's output and ctx.  Returns 0 or -ENOMEM.
 */
int engine_new_from(const struct jsd_config *cfg, const struct engine *old,
		    struct engine **ret);

/*
 * After engine_new_from() for a configuration that captures the same keys
 * (a live change, not a reload): the input buttons held on @old stay held
 * on @e, so their joystick buttons stay down until they are released.
 */
void engine_keep_held(struct engine *e, const struct engine *old);

/* Frees an engine; NULL is fine.  Returns NULL. */
struct engine *engine_free(struct engine *e);

/*
 * Emits one frame: with @all every axis of the stick and every button
 * (after creating the uinput device: axes not driven by any profile so
 * far are sent at the middle of their range), else only what differs from
 * what was sent last.
 */
void engine_emit_state(struct engine *e, bool all);

/*
 * Processes one record of the kernel filter.  @mouse is the index in
 * cfg->mice of the [mouse] section the record's device matched, or -1.
 * Handles EV_REL, EV_KEY (1 press, 0 release, 2 repeat ignored), EV_SYN
 * SYN_REPORT (ends a frame: changes are emitted), JSKF_REC_STATE (capture
 * on/off, emitted at once) and JSKF_REC_DEV_REMOVED (the device's held
 * buttons are released, emitted at once).  Other records are ignored, and
 * so are motion and presses that reached the desktop (not
 * JSKF_RECF_SWALLOWED) in a class cfg->capture.swallow names: a look's, and
 * those the capture let through before it heard of the look's end.
 */
void engine_feed(struct engine *e, int mouse, const struct jskf_record *rec);

/*
 * Advances every moving axis to @now_ns (spring return, velocity decay,
 * keys held, smoothing), emits what changed and returns the time of the
 * next wanted tick, or ENGINE_IDLE when nothing moves.
 */
uint64_t engine_tick(struct engine *e, uint64_t now_ns);

/* The time engine_tick() wants to be called next, or ENGINE_IDLE. */
uint64_t engine_next_tick(const struct engine *e);

/*
 * Makes profile @profile current, at time @now_ns: axis positions stay per
 * code, joystick buttons follow the new mapping of the input buttons held
 * now.  Returns 0, -EINVAL for a bad index, -EBUSY from a callback.
 */
int engine_set_profile(struct engine *e, unsigned int profile, uint64_t now_ns);

/* Index of the current profile in cfg->profiles. */
unsigned int engine_profile(const struct engine *e);

/*
 * Runs an action written as in the configuration (jsd_action_parse(), axis
 * names of the current profile), as if a button mapped to it was pressed
 * at @now_ns; "look", which lasts while a button is held, is refused.
 * Requests go to the request callback.  Returns 0, or -EINVAL with
 * *ret_why set, -EBUSY from a callback.
 */
int engine_run_action(struct engine *e, const char *action, uint64_t now_ns,
		      const char **ret_why);

/* Whether the kernel filter said capture is active (last state record). */
bool engine_capture_active(const struct engine *e);

/* Whether a look button is held (the axes are frozen). */
bool engine_looking(const struct engine *e);

/* The configuration the engine runs. */
const struct jsd_config *engine_config(const struct engine *e);

/*
 * State of axis @index of the current profile.  Returns 0, or -EINVAL when
 * @index >= the profile's n_axes.
 */
int engine_axis_state(const struct engine *e, unsigned int index,
		      struct engine_axis_state *ret);

/*
 * The source counts per second (signed; wheels in notches) that reached
 * axis @index of the current profile, as of @now_ns: measured over windows
 * of at least ENGINE_RATE_WINDOW_NS of record time, the last one averaged
 * up to @now_ns once it is that long; 0 after two windows without counts,
 * for an axis never moved, and for @index out of range.
 */
#define ENGINE_RATE_WINDOW_NS	(100 * 1000000ull)
double engine_axis_counts_rate(const struct engine *e, unsigned int index, uint64_t now_ns);

#endif
