/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual flight stick: a uinput device made with libevdev from the
 * [stick] description of the configuration (struct jsd_stick_cfg).
 *
 * Only what the configuration validated is advertised: absolute axes and
 * joystick-class buttons (never mouse buttons), so udev's input_id builtin
 * tags it ID_INPUT_JOYSTICK=1 and joydev gives it a /dev/input/jsN.  The
 * stick remembers what it last reported, for `joystickctl monitor`.
 */
#ifndef JSD_STICK_H
#define JSD_STICK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/config.h"
#include "joystickd_kfilter.h"

struct stick;

/* Creates the uinput device (needs /dev/uinput); 0 or -errno. */
int stick_new(const struct jsd_stick_cfg *cfg, struct stick **ret);
struct stick *stick_free(struct stick *s);

/* The description the device was made from (a copy). */
const struct jsd_stick_cfg *stick_cfg(const struct stick *s);
/* /dev/input/eventN of the stick, or NULL if sysfs could not tell. */
const char *stick_devnode(const struct stick *s);

/* Last reported value of an ABS_* code, and state of a BTN_* code. */
int32_t stick_axis_value(const struct stick *s, uint16_t code);
int stick_button_value(const struct stick *s, uint16_t code);

/*
 * Event writers: 0 or -errno.  Events are collected and stick_sync()
 * writes the frame with its SYN_REPORT in one system call; readers see
 * nothing before it.
 * The first stick_sync() after stick_new() must follow a full state
 * (engine_emit_state(e, true)).
 */
int stick_axis(struct stick *s, uint16_t code, int32_t value);
int stick_button(struct stick *s, uint16_t code, int value);
int stick_sync(struct stick *s);

/*
 * While held, stick_sync() writes nothing and the frames are merged: a
 * batch of many input frames reaches the game as its latest state, in one
 * write() when the hold ends (motion is integrated, never replayed late).
 * A button that changes again within the hold starts a new frame, so every
 * press and release is still seen.  Ending the hold writes: 0 or -errno.
 */
int stick_hold(struct stick *s, bool hold);

/*
 * After a failed write the device may lag behind what the stick
 * remembers (a release lost, a button stuck down): the stick is stale
 * until a write succeeds, and the next write sends every axis and button
 * again after its own frames.  stick_resync() sends them now (nothing if
 * not stale or while held): 0 or -errno.
 */
bool stick_stale(const struct stick *s);
int stick_resync(struct stick *s);

/*
 * Deferred output: with the kernel filter the reader thread sends the
 * stick's frames inside its next pended read (JSKF_READ_OUTPUT), so one
 * system call both writes a batch's frame and waits for the next batch.
 * While deferred, a completed frame stays queued instead of being written
 * (the writers above return 0); stick_take_output() hands the queue over
 * in the read's event format.  The queue holds STICK_BUF_MAX events; a
 * frame that finds it full drops it and makes the stick stale (-ENOBUFS),
 * so the next frame carries the whole state.
 */
void stick_defer(struct stick *s, bool defer);
/* Whether frames wait to be taken. */
bool stick_pending(const struct stick *s);

/*
 * Moves the queued frames to @ev (at most @max events): their number.
 * More than @max are written here with write() instead (0 returned, or
 * -errno): only the reader may call it, so that no frame it still has to
 * send can be overtaken.
 */
int stick_take_output(struct stick *s, struct jskf_out_event *ev, unsigned int max);

/* Writes @n events of frames taken but not sent (the read could not): 0 or -errno. */
int stick_write_output(struct stick *s, const struct jskf_out_event *ev, unsigned int n);

#endif
