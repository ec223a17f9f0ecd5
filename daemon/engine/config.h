/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The joystickd.ini configuration: parsing (libinih), validation, and the
 * parsed form the engine and the daemon read.
 *
 * A configuration is loaded and checked whole; nothing is changed until a
 * load succeeded, so a reload can keep the old configuration on error.
 * joystickd.ini(5) documents every section and key.
 *
 * Shape of a file: global sections ([capture], [stick], [mouse NAME]) and
 * one or more profiles.  [axis NAME] and [button NAME] sections belong to
 * the profile opened by the last [profile NAME] line above them; those
 * before the first [profile] line form the profile "default".  Global
 * sections must come before the first [profile], [axis] or [button].
 */
#ifndef JSD_CONFIG_H
#define JSD_CONFIG_H

#include <linux/input-event-codes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "joystickd_kfilter.h"
#include "engine/curve.h"

#define JSD_NAME_MAX		48	/* section names (profile, axis, ...), NUL included */
#define JSD_STICK_NAME_MAX	80	/* UINPUT_MAX_NAME_SIZE, NUL included */
#define JSD_STICK_MAX_BUTTONS	80	/* joystick buttons the stick can have */
#define JSD_MOUSE_ANY		(-1)	/* axis/button mouse filter: every captured device */

/* Defaults of [stick]; see joystickd.ini(5). */
#define JSD_STICK_DEFAULT_NAME	"joystickd virtual flight stick"
#define JSD_STICK_DEFAULT_BUS	0x06	/* BUS_VIRTUAL */
#define JSD_STICK_DEFAULT_VENDOR 0x6a73	/* "js" */
#define JSD_STICK_DEFAULT_PRODUCT 0x0001
#define JSD_STICK_DEFAULT_VERSION 0x0001
#define JSD_STICK_DEFAULT_MIN	(-32767)
#define JSD_STICK_DEFAULT_MAX	32767
#define JSD_STICK_DEFAULT_UPDATE_RATE 250	/* Hz */

/* A load error, printed as "file:line: message" ("file: message" if line is 0). */
struct jsd_error {
	char file[256];
	unsigned int line;
	char message[256];
};

/*
 * A warning: the file loads, but part of it works badly in some games
 * (shape.h).  Printed as "file:line: warning: message" ("file: warning:
 * message" if line is 0) by check-config, and logged by the daemon at
 * start and reload.
 */
struct jsd_warning {
	unsigned int line;
	char message[256];
};

enum jsd_model {
	JSD_MODEL_SPRING,	/* deltas accumulate; returns to trim at `rate` */
	JSD_MODEL_HOLD,		/* deltas accumulate; stays */
	JSD_MODEL_VELOCITY,	/* leaky integrator: decays to trim with `time_constant` */
};

enum jsd_toggle_off {
	JSD_TOGGLE_OFF_HOLD,	/* positions stay (spring/velocity still return) */
	JSD_TOGGLE_OFF_RECENTER,/* axes with all_actions jump to their trim */
};

enum jsd_action_kind {
	JSD_ACTION_NONE,
	JSD_ACTION_RECENTER,		/* position := trim */
	JSD_ACTION_TRIM,		/* trim := position ("set trim here") */
	JSD_ACTION_RESET_TRIM,		/* trim := the configured trim */
	JSD_ACTION_TOGGLE_CAPTURE,	/* request to the daemon */
	JSD_ACTION_PROFILE_NEXT,	/* request to the daemon */
	JSD_ACTION_PROFILE,		/* request to the daemon: profile arg */
	JSD_ACTION_LOOK,		/* while held: axes frozen, the pointer given back */
};

struct jsd_action {
	enum jsd_action_kind kind;
	/*
	 * RECENTER, TRIM, RESET_TRIM: index of the axis in the profile, or -1
	 * for every axis of the profile with all_actions.  PROFILE: index in
	 * jsd_config.profiles.  Otherwise 0.
	 */
	int arg;
};

struct jsd_axis_cfg {
	char name[JSD_NAME_MAX];
	unsigned int line;		/* of the [axis NAME] line */
	uint16_t target;		/* ABS_* */
	bool has_source;
	uint16_t source;		/* REL_* when has_source */
	int mouse;			/* index in jsd_config.mice or JSD_MOUSE_ANY */
	uint16_t modifier;		/* EV_KEY code that must be held, 0: none */
	uint16_t key_increase;		/* EV_KEY codes moving the axis, 0: none */
	uint16_t key_decrease;
	double key_rate;		/* full deflections per second while a key is held */
	enum jsd_model model;
	double sensitivity;		/* counts (wheel: notches) from centre to full */
	double rate;			/* SPRING: return speed, deflections per second */
	double time_constant;		/* VELOCITY: decay time constant, seconds */
	double smoothing;		/* output low-pass time constant, seconds; 0: off */
	double trim;			/* initial trim point, [-1, 1] */
	int32_t min, max;		/* output range */
	bool all_actions;		/* recenter/trim/reset-trim without a name apply */
	struct curve_response response;
};

struct jsd_button_cfg {
	char name[JSD_NAME_MAX];
	unsigned int line;
	uint16_t input;			/* EV_KEY code (BTN_LEFT, KEY_F1, ...) */
	int mouse;			/* index in jsd_config.mice or JSD_MOUSE_ANY */
	uint16_t output;		/* joystick button, or 0 with an action */
	struct jsd_action action;	/* JSD_ACTION_NONE with an output */
};

struct jsd_profile {
	char name[JSD_NAME_MAX];
	unsigned int line;		/* 0 for the implicit "default" */
	char **games;			/* `games` patterns (games.h), malloc'ed */
	unsigned int n_games;
	unsigned int games_line;	/* of the `games` key, 0 without one */
	struct jsd_axis_cfg *axes;
	unsigned int n_axes;
	struct jsd_button_cfg *buttons;
	unsigned int n_buttons;
};

/* A [mouse NAME] section: a device matches when every given test matches. */
struct jsd_mouse_cfg {
	char name[JSD_NAME_MAX];
	unsigned int line;
	char *match;			/* fnmatch() glob on the device name, or NULL */
	bool has_id;
	uint16_t vendor, product;
	char *phys;			/* fnmatch() glob on phys, or NULL */
	bool captured;			/* listed in [capture] mice (or mice = all) */
};

/* [capture] capture_backend: where the mice are read from (joystickd(8), BACKENDS). */
enum jsd_backend {
	JSD_BACKEND_AUTO,		/* the kernel filter if it opens, else evdev */
	JSD_BACKEND_KFILTER,		/* /dev/joystickd_kfilter only */
	JSD_BACKEND_EVDEV,		/* /dev/input/event* with EVIOCGRAB, no module */
};

struct jsd_capture_cfg {
	enum jsd_backend backend;	/* read at start-up only; a reload keeps the running one */
	bool all_mice;			/* mice = all: JSKF_CAPTURE_ALL_POINTERS */
	uint32_t swallow;		/* JSKF_CLASS_* */
	uint16_t toggle_key;		/* EV_KEY code for jskf_capture.toggle_code, 0: none */
	enum jsd_toggle_off on_toggle_off;
	bool active_at_start;
	uint32_t deadman_ms;		/* jskf_capture.deadman_ms; 0: the kernel's default */
};

struct jsd_stick_axis {
	uint16_t code;			/* ABS_* */
	int32_t min, max;
};

/*
 * The virtual stick.  axes and buttons are derived at load: the union of
 * every profile's targets and outputs, sorted by code, so switching
 * profiles never needs a new device.
 */
struct jsd_stick_cfg {
	char name[JSD_STICK_NAME_MAX];
	struct jskf_input_id id;
	int32_t min, max;		/* default axis range */
	unsigned int update_rate;	/* Hz of engine ticks while something moves */
	unsigned int n_axes;
	struct jsd_stick_axis axes[ABS_CNT];
	unsigned int n_buttons;
	uint16_t buttons[JSD_STICK_MAX_BUTTONS];
};

struct jsd_config {
	char *path;			/* as given to the loader */
	struct jsd_capture_cfg capture;
	struct jsd_stick_cfg stick;
	struct jsd_mouse_cfg *mice;
	unsigned int n_mice;
	struct jsd_profile *profiles;	/* at least one; the first is active at start */
	unsigned int n_profiles;
	struct jsd_warning *warnings;	/* what loaded but some games misread */
	unsigned int n_warnings;
};

/*
 * Loads and validates @path.  Returns 0 and a new configuration in *ret,
 * or a negative errno (-ENOENT etc. when the file cannot be read, -EINVAL
 * for any content error, -ENOMEM) with @err filled in; *ret is untouched on
 * failure.
 */
int jsd_config_load(const char *path, struct jsd_config **ret, struct jsd_error *err);

/* The same from a string; @name stands for the file name in errors. */
int jsd_config_parse_string(const char *name, const char *text,
			    struct jsd_config **ret, struct jsd_error *err);

/* The same from @len bytes (a NUL among them is refused, as in a file). */
int jsd_config_parse_buffer(const char *name, const char *text, size_t len,
			    struct jsd_config **ret, struct jsd_error *err);

/* Frees a configuration; NULL is fine.  Returns NULL. */
struct jsd_config *jsd_config_free(struct jsd_config *cfg);

/* Writes "file:line: message" (or "file: message") into buf; returns buf. */
char *jsd_error_format(const struct jsd_error *err, char *buf, size_t size);

/* Writes "file:line: warning: message" (or "file: warning: message"); returns buf. */
char *jsd_warning_format(const struct jsd_config *cfg, const struct jsd_warning *w,
			 char *buf, size_t size);

/*
 * The [mouse] section a device belongs to: the first in file order whose
 * tests all match.  @name and @phys may be NULL (a glob test on them then
 * fails).  Returns its index, or -1.
 */
int jsd_config_match_mouse(const struct jsd_config *cfg, const char *name,
			   uint16_t vendor, uint16_t product, const char *phys);

/* Whether a device that matched mouse index @mouse (-1: none) is captured. */
bool jsd_config_captures(const struct jsd_config *cfg, int mouse);

/* Whether any profile has `games`: then the daemon watches processes. */
bool jsd_config_has_games(const struct jsd_config *cfg);

/* Index of the profile called @name, or -ENOENT. */
int jsd_config_find_profile(const struct jsd_config *cfg, const char *name);

/* Index of the axis called @name in @profile, or -ENOENT. */
int jsd_profile_find_axis(const struct jsd_profile *profile, const char *name);

/*
 * Parses an action as written after "action =" ("recenter", "recenter:roll",
 * "trim", "reset-trim:roll", "toggle-capture", "profile-next",
 * "profile:NAME", "look"); axis names are looked up in profile @profile.
 * Returns 0, or -EINVAL with *ret_why pointing at a static sentence.
 */
int jsd_action_parse(const struct jsd_config *cfg, unsigned int profile,
		     const char *text, struct jsd_action *ret, const char **ret_why);

/*
 * The EV_KEY codes a capture with @cfg must take from the mice, as the
 * bitmap of JSKF_IOC_CAPTURE_KEYS (bit n of bits[n / 64] is code n): the
 * pointer buttons (JSKF_POINTER_BUTTONS_FIRST..LAST) and every key any
 * profile maps from a mouse ([button] input, [axis] key_increase,
 * key_decrease and modifier).  The toggle key is not in it: the kernel
 * handles it apart.
 */
void jsd_config_capture_keys(const struct jsd_config *cfg, uint64_t bits[JSKF_KEY_WORDS]);

/* The name of the @i-th key of [axis] sections, in the order of joystickd.ini(5), or NULL past the last. */
const char *jsd_axis_key(unsigned int i);

/* True when two sticks need the same uinput device (name, id, axes, buttons). */
bool jsd_stick_equal(const struct jsd_stick_cfg *a, const struct jsd_stick_cfg *b);

#endif
