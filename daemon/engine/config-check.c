// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks that need more than one value: at the end of each section (while
 * the line of every key is known) and at the end of the file (names used
 * before their section, the stick all profiles together need).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "config-int.h"

/* The line of @key if given, else the section line: where to point an error. */
static unsigned int where(const struct parser *p, const char *key)
{
	unsigned int line = parser_key_line(p, key);

	return line ? line : p->section_line;
}

static bool is_wheel(uint16_t code)
{
	return code == REL_WHEEL || code == REL_HWHEEL ||
	       code == REL_WHEEL_HI_RES || code == REL_HWHEEL_HI_RES;
}

static void check_axis_keys(struct parser *p, struct jsd_axis_cfg *a)
{
	bool keys = a->key_increase || a->key_decrease;
	const char *why;

	if (!parser_key_line(p, "target"))
		parser_error(p, p->section_line, "%s needs a target (ABS_X, ABS_Y, ...)",
			     p->section);
	else if (!a->has_source && !keys)
		parser_error(p, p->section_line, "%s needs a source or increase/decrease keys",
			     p->section);
	else if (a->modifier && !a->has_source)
		parser_error(p, where(p, "modifier"),
			     "modifier: only with a source (it selects which motion drives the axis)");
	else if (parser_key_line(p, "sensitivity") && !a->has_source)
		parser_error(p, where(p, "sensitivity"), "sensitivity: only with a source");
	else if (parser_key_line(p, "key_rate") && !keys)
		parser_error(p, where(p, "key_rate"), "key_rate: only with increase or decrease");
	else if (parser_key_line(p, "rate") && a->model != JSD_MODEL_SPRING)
		parser_error(p, where(p, "rate"), "rate: only with model = spring");
	else if (parser_key_line(p, "time_constant") && a->model != JSD_MODEL_VELOCITY)
		parser_error(p, where(p, "time_constant"),
			     "time_constant: only with model = velocity");
	else if (a->response.curve.n > 0 && a->response.curve.kind != CURVE_POINTS)
		parser_error(p, where(p, "point"), "point: only with curve = points");
	else if (a->response.curve.kind == CURVE_POINTS && a->response.curve.n == 0)
		parser_error(p, where(p, "curve"), "curve = points needs point lines");
	else if (curve_prepare(&a->response.curve, &why) < 0)
		parser_error(p, where(p, "curve"), "curve: %s", why);
	else if (a->response.deadzone + a->response.outer_deadzone >= 1.0)
		parser_error(p, where(p, "outer_deadzone"),
			     "deadzone + outer_deadzone must be below 1");
	else if (a->min >= a->max)
		parser_error(p, where(p, "max"), "min (%d) must be below max (%d)",
			     a->min, a->max);

	if (!parser_key_line(p, "sensitivity"))
		a->sensitivity = a->has_source && is_wheel(a->source) ? 10 : 800;
}

/* One target per profile; one range per target in every profile. */
static void check_axis_target(struct parser *p, const struct jsd_axis_cfg *a)
{
	const struct jsd_config *cfg = p->cfg;
	const char *name = codes_name(EV_ABS, a->target);

	for (unsigned int i = 0; i < cfg->n_profiles && !p->failed; i++) {
		const struct jsd_profile *profile = &cfg->profiles[i];

		for (unsigned int j = 0; j < profile->n_axes; j++) {
			const struct jsd_axis_cfg *b = &profile->axes[j];

			if (b == a)
				break;
			if (b->target != a->target)
				continue;
			if (profile == parser_profile(p)) {
				parser_error(p, where(p, "target"),
					     "target: %s is already the target of [axis %s] (line %u)",
					     name, b->name, b->line);
				break;
			}
			if (b->min != a->min || b->max != a->max) {
				parser_error(p, where(p, "target"),
					     "%s has the range %d ... %d in [axis %s] (line %u) of profile '%s'; an axis of the stick has one range",
					     name, b->min, b->max, b->name, b->line, profile->name);
				break;
			}
		}
	}
}

void check_section_end(struct parser *p)
{
	const struct jsd_stick_cfg *stick = &p->cfg->stick;
	const struct jsd_button_cfg *b;
	const struct jsd_mouse_cfg *m;

	switch (p->kind) {
	case SECTION_AXIS:
		check_axis_keys(p, parser_axis(p));
		if (!p->failed)
			check_axis_target(p, parser_axis(p));
		break;
	case SECTION_BUTTON:
		b = parser_button(p);
		if (!b->input)
			parser_error(p, p->section_line, "%s needs an input (BTN_LEFT, ...)",
				     p->section);
		else if (!parser_key_line(p, "output") && !parser_key_line(p, "action"))
			parser_error(p, p->section_line, "%s needs an output or an action",
				     p->section);
		else if (parser_key_line(p, "output") && parser_key_line(p, "action"))
			parser_error(p, where(p, "action"),
				     "action: a button has either an output or an action, not both");
		break;
	case SECTION_MOUSE:
		m = parser_mouse(p);
		if (!m->match && !m->has_id && !m->phys)
			parser_error(p, p->section_line, "%s needs match, id or phys", p->section);
		break;
	case SECTION_STICK:
		if (stick->min >= stick->max)
			parser_error(p, where(p, "max"), "min (%d) must be below max (%d)",
				     stick->min, stick->max);
		break;
	case SECTION_NONE:
	case SECTION_CAPTURE:
	case SECTION_PROFILE:
		break;
	}
}

static const char *const action_words[] = {
	[JSD_ACTION_RECENTER] = "recenter",
	[JSD_ACTION_TRIM] = "trim",
	[JSD_ACTION_RESET_TRIM] = "reset-trim",
	[JSD_ACTION_TOGGLE_CAPTURE] = "toggle-capture",
	[JSD_ACTION_PROFILE_NEXT] = "profile-next",
	[JSD_ACTION_PROFILE] = "profile",
	[JSD_ACTION_LOOK] = "look",
};

int jsd_action_parse(const struct jsd_config *cfg, unsigned int profile,
		     const char *text, struct jsd_action *ret, const char **ret_why)
{
	const char *colon = strchr(text, ':');
	size_t len = colon ? (size_t)(colon - text) : strlen(text);
	const char *arg = colon ? colon + 1 + strspn(colon + 1, " \t") : NULL;
	enum jsd_action_kind kind;
	int index;

	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	for (kind = JSD_ACTION_RECENTER; kind <= JSD_ACTION_LOOK; kind++)
		if (strlen(action_words[kind]) == len && strncmp(text, action_words[kind], len) == 0)
			break;
	if (kind > JSD_ACTION_LOOK) {
		*ret_why = "expected recenter, trim, reset-trim (each optionally :AXIS), toggle-capture, profile-next, profile:NAME or look";
		return -EINVAL;
	}

	switch (kind) {
	case JSD_ACTION_RECENTER:
	case JSD_ACTION_TRIM:
	case JSD_ACTION_RESET_TRIM:
		index = -1;
		if (arg) {
			if (profile >= cfg->n_profiles)
				index = -ENOENT;
			else
				index = jsd_profile_find_axis(&cfg->profiles[profile], arg);
			if (index < 0) {
				*ret_why = "no axis of that name in the profile";
				return -EINVAL;
			}
		}
		break;
	case JSD_ACTION_PROFILE:
		if (!arg) {
			*ret_why = "profile needs a name: profile:NAME";
			return -EINVAL;
		}
		index = jsd_config_find_profile(cfg, arg);
		if (index < 0) {
			*ret_why = "no profile of that name";
			return -EINVAL;
		}
		break;
	default:
		if (arg) {
			*ret_why = "toggle-capture, profile-next and look take no argument";
			return -EINVAL;
		}
		index = 0;
		break;
	}
	*ret = (struct jsd_action){ .kind = kind, .arg = index };
	return 0;
}

static void resolve_refs(struct parser *p)
{
	struct jsd_config *cfg = p->cfg;
	const char *why;

	for (unsigned int i = 0; i < p->n_refs && !p->failed; i++) {
		const struct ref *ref = &p->refs[i];
		struct jsd_button_cfg *b;
		unsigned int m;

		switch (ref->kind) {
		case REF_CAPTURE_MOUSE:
			for (m = 0; m < cfg->n_mice; m++)
				if (strcmp(cfg->mice[m].name, ref->text) == 0)
					break;
			if (m == cfg->n_mice)
				parser_error(p, ref->line, "mice: no [mouse %s] section", ref->text);
			else
				cfg->mice[m].captured = true;
			break;
		case REF_BUTTON_ACTION:
			b = &cfg->profiles[ref->profile].buttons[ref->index];
			if (jsd_action_parse(cfg, ref->profile, ref->text, &b->action, &why) < 0)
				parser_error(p, ref->line, "action: %s (in '%s')", why, ref->text);
			break;
		}
	}
	if (cfg->capture.all_mice)
		for (unsigned int m = 0; m < cfg->n_mice; m++)
			cfg->mice[m].captured = true;
}

static int compare_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The stick's axes and buttons: every target and output of every profile. */
static void derive_stick(struct jsd_config *cfg)
{
	struct jsd_stick_cfg *stick = &cfg->stick;
	bool axis[ABS_CNT] = { false };
	bool button[KEY_CNT] = { false };

	stick->n_axes = 0;
	stick->n_buttons = 0;
	for (unsigned int i = 0; i < cfg->n_profiles; i++) {
		const struct jsd_profile *profile = &cfg->profiles[i];

		for (unsigned int j = 0; j < profile->n_axes; j++) {
			const struct jsd_axis_cfg *a = &profile->axes[j];

			if (axis[a->target])
				continue;
			axis[a->target] = true;
			stick->axes[stick->n_axes++] = (struct jsd_stick_axis){
				.code = a->target, .min = a->min, .max = a->max,
			};
		}
		for (unsigned int j = 0; j < profile->n_buttons; j++) {
			uint16_t code = profile->buttons[j].output;

			if (code && !button[code] && stick->n_buttons < JSD_STICK_MAX_BUTTONS) {
				button[code] = true;
				stick->buttons[stick->n_buttons++] = code;
			}
		}
	}
	for (unsigned int i = 1; i < stick->n_axes; i++)
		for (unsigned int j = i; j > 0 && stick->axes[j - 1].code > stick->axes[j].code; j--) {
			struct jsd_stick_axis t = stick->axes[j];

			stick->axes[j] = stick->axes[j - 1];
			stick->axes[j - 1] = t;
		}
	qsort(stick->buttons, stick->n_buttons, sizeof(stick->buttons[0]), compare_u16);
}

static bool stick_has(const struct jsd_stick_cfg *stick, uint16_t code)
{
	for (unsigned int i = 0; i < stick->n_axes; i++)
		if (stick->axes[i].code == code)
			return true;
	return false;
}

/* udev's input_id rules (kernel-facts.md §5): the stick must be a joystick. */
static void check_stick_class(struct parser *p)
{
	const struct jsd_stick_cfg *stick = &p->cfg->stick;
	unsigned int count = stick->n_buttons;

	for (unsigned int i = 0; i < stick->n_axes; i++)
		if (codes_is_joystick_axis(stick->axes[i].code))
			count++;
	if (count < 2) {
		parser_error(p, 0,
			     "udev would not take the stick for a joystick: it needs at least 2 joystick buttons (output = BTN_TRIGGER ...) and axes other than ABS_X, ABS_Y and ABS_Z together, it has %u",
			     count);
		return;
	}
	if (stick->n_buttons == 0 &&
	    ((stick_has(stick, ABS_X) && stick_has(stick, ABS_Y) && stick_has(stick, ABS_Z)) ||
	     (stick_has(stick, ABS_RX) && stick_has(stick, ABS_RY) && stick_has(stick, ABS_RZ))))
		parser_error(p, 0,
			     "without a button, a stick with ABS_X, ABS_Y and ABS_Z (or ABS_RX, ABS_RY and ABS_RZ) is taken for an accelerometer: map at least one button");
}

/* A mapping that listens to a mouse [capture] leaves alone would never fire. */
static void check_uncaptured(struct parser *p)
{
	const struct jsd_config *cfg = p->cfg;

	for (unsigned int i = 0; i < cfg->n_profiles && !p->failed; i++) {
		const struct jsd_profile *profile = &cfg->profiles[i];

		for (unsigned int j = 0; j < profile->n_axes && !p->failed; j++) {
			const struct jsd_axis_cfg *a = &profile->axes[j];

			if (a->mouse >= 0 && !cfg->mice[a->mouse].captured)
				parser_error(p, a->line,
					     "[axis %s]: mouse %s is not captured; add it to mice in [capture]",
					     a->name, cfg->mice[a->mouse].name);
		}
		for (unsigned int j = 0; j < profile->n_buttons && !p->failed; j++) {
			const struct jsd_button_cfg *b = &profile->buttons[j];

			if (b->mouse >= 0 && !cfg->mice[b->mouse].captured)
				parser_error(p, b->line,
					     "[button %s]: mouse %s is not captured; add it to mice in [capture]",
					     b->name, cfg->mice[b->mouse].name);
		}
	}
}

/* The kernel keeps the toggle key to itself: a mapping of it would never fire. */
static void check_toggle_key(struct parser *p)
{
	const struct jsd_config *cfg = p->cfg;
	uint16_t key = cfg->capture.toggle_key;

	for (unsigned int i = 0; key && i < cfg->n_profiles && !p->failed; i++) {
		const struct jsd_profile *profile = &cfg->profiles[i];

		for (unsigned int j = 0; j < profile->n_buttons; j++) {
			if (profile->buttons[j].input == key) {
				parser_error(p, profile->buttons[j].line,
					     "[button %s]: its input is the toggle_key of [capture], which the kernel filter keeps to itself",
					     profile->buttons[j].name);
				break;
			}
		}
	}
}

void check_file_end(struct parser *p)
{
	if (p->cfg->n_profiles == 0) {
		parser_error(p, 0, "no [axis] or [button] section: nothing to map");
		return;
	}
	resolve_refs(p);
	if (p->failed)
		return;
	check_uncaptured(p);
	if (p->failed)
		return;
	check_toggle_key(p);
	if (p->failed)
		return;
	derive_stick(p->cfg);
	check_stick_class(p);
	if (!p->failed)
		check_stick_shape(p);
}
