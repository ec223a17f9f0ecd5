// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of each section kind and how each stores its value.  Checks
 * that involve several keys run when the section ends (config-check.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/codes.h"
#include "config-int.h"

#define KEY(n, fn)	{ .name = (n), .set = (fn) }

static int one_of(struct parser *p, const char *key, const char *v,
		  const char *const *words, const char *expected)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return i;
	parser_error(p, p->line, "%s: expected %s, got '%s'", key, expected, v);
	return -EINVAL;
}

/* A string kept as given (a glob or the stick name): allocated copy. */
static int value_string(struct parser *p, const char *key, const char *v,
			size_t max, char **ret)
{
	char *s;

	if (!*v || strlen(v) > max) {
		parser_error(p, p->line, "%s: expected 1 to %zu characters", key, max);
		return -EINVAL;
	}
	s = strdup(v);
	if (!s) {
		parser_oom(p);
		return -ENOMEM;
	}
	free(*ret);
	*ret = s;
	return 0;
}

static int value_mouse_ref(struct parser *p, const char *key, const char *v, int *ret)
{
	const struct jsd_config *cfg = p->cfg;

	if (strcmp(v, "any") == 0) {
		*ret = JSD_MOUSE_ANY;
		return 0;
	}
	for (unsigned int i = 0; i < cfg->n_mice; i++) {
		if (strcmp(cfg->mice[i].name, v) == 0) {
			*ret = (int)i;
			return 0;
		}
	}
	parser_error(p, p->line, "%s: no [mouse %s] section (mice are defined before the profiles)",
		     key, v);
	return -EINVAL;
}

/* [capture] */

static int capture_mice(struct parser *p, const char *key, const char *v)
{
	char *copy, *word, *save = NULL;
	unsigned int n = 0;
	int r = 0;

	if (strcmp(v, "all") == 0) {
		p->cfg->capture.all_mice = true;
		return 0;
	}
	p->cfg->capture.all_mice = false;
	copy = strdup(v);
	if (!copy) {
		parser_oom(p);
		return -ENOMEM;
	}
	for (word = strtok_r(copy, ", \t", &save); word && r == 0;
	     word = strtok_r(NULL, ", \t", &save), n++)
		r = parser_add_ref(p, REF_CAPTURE_MOUSE, 0, 0, word);
	free(copy);
	if (r == 0 && n == 0) {
		parser_error(p, p->line, "%s: expected all or names of [mouse] sections", key);
		return -EINVAL;
	}
	return r;
}

static int capture_swallow(struct parser *p, const char *key, const char *v)
{
	return value_swallow(p, key, v, &p->cfg->capture.swallow);
}

static int capture_toggle_key(struct parser *p, const char *key, const char *v)
{
	if (strcmp(v, "none") == 0) {
		p->cfg->capture.toggle_key = 0;
		return 0;
	}
	return value_code(p, key, v, EV_KEY, &p->cfg->capture.toggle_key);
}

static int capture_on_toggle_off(struct parser *p, const char *key, const char *v)
{
	static const char *const words[] = { "hold", "recenter", NULL };
	int i = one_of(p, key, v, words, "hold or recenter");

	if (i < 0)
		return i;
	p->cfg->capture.on_toggle_off = i == 0 ? JSD_TOGGLE_OFF_HOLD : JSD_TOGGLE_OFF_RECENTER;
	return 0;
}

static int capture_active_at_start(struct parser *p, const char *key, const char *v)
{
	return value_bool(p, key, v, &p->cfg->capture.active_at_start);
}

/* 0: the kernel's default (JSKF_DEADMAN_DEFAULT_MS); else MIN..MAX_MS. */
static int capture_deadman_ms(struct parser *p, const char *key, const char *v)
{
	long long n;

	if (value_int(p, key, v, 0, JSKF_DEADMAN_MAX_MS, &n) < 0)
		return -EINVAL;
	if (n != 0 && n < JSKF_DEADMAN_MIN_MS) {
		parser_error(p, p->line, "%s: expected 0 (the default, %d) or %d to %d milliseconds, got '%s'",
			     key, JSKF_DEADMAN_DEFAULT_MS, JSKF_DEADMAN_MIN_MS,
			     JSKF_DEADMAN_MAX_MS, v);
		return -EINVAL;
	}
	p->cfg->capture.deadman_ms = (uint32_t)n;
	return 0;
}

static int capture_backend(struct parser *p, const char *key, const char *v)
{
	static const char *const words[] = { "auto", "kfilter", "evdev", NULL };
	static const enum jsd_backend backends[] = {
		JSD_BACKEND_AUTO, JSD_BACKEND_KFILTER, JSD_BACKEND_EVDEV,
	};
	int i = one_of(p, key, v, words, "auto, kfilter or evdev");

	if (i < 0)
		return i;
	p->cfg->capture.backend = backends[i];
	return 0;
}

static const struct key_desc capture_keys[] = {
	KEY("capture_backend", capture_backend),
	KEY("mice", capture_mice),
	KEY("swallow", capture_swallow),
	KEY("toggle_key", capture_toggle_key),
	KEY("on_toggle_off", capture_on_toggle_off),
	KEY("active_at_start", capture_active_at_start),
	KEY("deadman_ms", capture_deadman_ms),
};

/* [stick] */

static int stick_name(struct parser *p, const char *key, const char *v)
{
	if (!*v || strlen(v) >= JSD_STICK_NAME_MAX) {
		parser_error(p, p->line, "%s: expected 1 to %d characters", key,
			     JSD_STICK_NAME_MAX - 1);
		return -EINVAL;
	}
	strcpy(p->cfg->stick.name, v);
	return 0;
}

static int stick_bus(struct parser *p, const char *key, const char *v)
{
	static const struct { const char *name; uint16_t bus; } buses[] = {
		{ "usb", 0x03 }, { "bluetooth", 0x05 }, { "virtual", 0x06 },
	};
	long long n;

	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]); i++) {
		if (strcmp(v, buses[i].name) == 0) {
			p->cfg->stick.id.bustype = buses[i].bus;
			return 0;
		}
	}
	if (value_int(p, key, v, 0, 0xffff, &n) < 0)
		return -EINVAL;
	p->cfg->stick.id.bustype = (uint16_t)n;
	return 0;
}

static int stick_u16(struct parser *p, const char *key, const char *v, uint16_t *ret)
{
	long long n;

	if (value_int(p, key, v, 0, 0xffff, &n) < 0)
		return -EINVAL;
	*ret = (uint16_t)n;
	return 0;
}

static int stick_vendor(struct parser *p, const char *key, const char *v)
{
	return stick_u16(p, key, v, &p->cfg->stick.id.vendor);
}

static int stick_product(struct parser *p, const char *key, const char *v)
{
	return stick_u16(p, key, v, &p->cfg->stick.id.product);
}

static int stick_version(struct parser *p, const char *key, const char *v)
{
	return stick_u16(p, key, v, &p->cfg->stick.id.version);
}

static int value_s32(struct parser *p, const char *key, const char *v, int32_t *ret)
{
	long long n;

	if (value_int(p, key, v, INT32_MIN, INT32_MAX, &n) < 0)
		return -EINVAL;
	*ret = (int32_t)n;
	return 0;
}

static int stick_min(struct parser *p, const char *key, const char *v)
{
	return value_s32(p, key, v, &p->cfg->stick.min);
}

static int stick_max(struct parser *p, const char *key, const char *v)
{
	return value_s32(p, key, v, &p->cfg->stick.max);
}

static int stick_update_rate(struct parser *p, const char *key, const char *v)
{
	long long n;

	if (value_int(p, key, v, 1, 1000, &n) < 0)
		return -EINVAL;
	p->cfg->stick.update_rate = (unsigned int)n;
	return 0;
}

static const struct key_desc stick_keys[] = {
	KEY("name", stick_name),
	KEY("bus", stick_bus),
	KEY("vendor", stick_vendor),
	KEY("product", stick_product),
	KEY("version", stick_version),
	KEY("min", stick_min),
	KEY("max", stick_max),
	KEY("update_rate", stick_update_rate),
};

/* [mouse NAME] */

static int mouse_match(struct parser *p, const char *key, const char *v)
{
	return value_string(p, key, v, JSKF_NAME_LEN - 1, &parser_mouse(p)->match);
}

static int mouse_id(struct parser *p, const char *key, const char *v)
{
	struct jsd_mouse_cfg *m = parser_mouse(p);

	if (value_usb_id(p, key, v, &m->vendor, &m->product) < 0)
		return -EINVAL;
	m->has_id = true;
	return 0;
}

static int mouse_phys(struct parser *p, const char *key, const char *v)
{
	return value_string(p, key, v, JSKF_PHYS_LEN - 1, &parser_mouse(p)->phys);
}

static const struct key_desc mouse_keys[] = {
	KEY("match", mouse_match),
	KEY("id", mouse_id),
	KEY("phys", mouse_phys),
};

/* [axis NAME] */

static int axis_target(struct parser *p, const char *key, const char *v)
{
	uint16_t code;

	if (value_code(p, key, v, EV_ABS, &code) < 0)
		return -EINVAL;
	if (code > ABS_BRAKE && !(code >= ABS_HAT0X && code <= ABS_HAT3Y)) {
		parser_error(p, p->line,
			     "%s: %s cannot be a stick axis; use ABS_X ... ABS_BRAKE or ABS_HAT0X ... ABS_HAT3Y",
			     key, v);
		return -EINVAL;
	}
	parser_axis(p)->target = code;
	return 0;
}

static int axis_source(struct parser *p, const char *key, const char *v)
{
	struct jsd_axis_cfg *a = parser_axis(p);

	if (value_code(p, key, v, EV_REL, &a->source) < 0)
		return -EINVAL;
	a->has_source = true;
	return 0;
}

static int axis_mouse(struct parser *p, const char *key, const char *v)
{
	return value_mouse_ref(p, key, v, &parser_axis(p)->mouse);
}

static int axis_modifier(struct parser *p, const char *key, const char *v)
{
	return value_code(p, key, v, EV_KEY, &parser_axis(p)->modifier);
}

static int axis_increase(struct parser *p, const char *key, const char *v)
{
	return value_code(p, key, v, EV_KEY, &parser_axis(p)->key_increase);
}

static int axis_decrease(struct parser *p, const char *key, const char *v)
{
	return value_code(p, key, v, EV_KEY, &parser_axis(p)->key_decrease);
}

static int axis_key_rate(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0.001, 1000, &parser_axis(p)->key_rate);
}

static int axis_model(struct parser *p, const char *key, const char *v)
{
	static const char *const words[] = { "spring", "hold", "velocity", NULL };
	static const enum jsd_model models[] = {
		JSD_MODEL_SPRING, JSD_MODEL_HOLD, JSD_MODEL_VELOCITY,
	};
	int i = one_of(p, key, v, words, "spring, hold or velocity");

	if (i < 0)
		return i;
	parser_axis(p)->model = models[i];
	return 0;
}

static int axis_sensitivity(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0.001, 1e6, &parser_axis(p)->sensitivity);
}

static int axis_rate(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0.001, 1000, &parser_axis(p)->rate);
}

static int axis_time_constant(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0.001, 60, &parser_axis(p)->time_constant);
}

static int axis_smoothing(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0, 10, &parser_axis(p)->smoothing);
}

static int axis_curve(struct parser *p, const char *key, const char *v)
{
	return value_curve(p, key, v, &parser_axis(p)->response.curve);
}

static int axis_point(struct parser *p, const char *key, const char *v)
{
	return value_point(p, key, v, &parser_axis(p)->response.curve);
}

static int axis_deadzone(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0, 0.99, &parser_axis(p)->response.deadzone);
}

static int axis_outer_deadzone(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, 0, 0.99, &parser_axis(p)->response.outer_deadzone);
}

static int axis_invert(struct parser *p, const char *key, const char *v)
{
	return value_bool(p, key, v, &parser_axis(p)->response.invert);
}

static int axis_trim(struct parser *p, const char *key, const char *v)
{
	return value_double(p, key, v, -1, 1, &parser_axis(p)->trim);
}

static int axis_min(struct parser *p, const char *key, const char *v)
{
	return value_s32(p, key, v, &parser_axis(p)->min);
}

static int axis_max(struct parser *p, const char *key, const char *v)
{
	return value_s32(p, key, v, &parser_axis(p)->max);
}

static int axis_all_actions(struct parser *p, const char *key, const char *v)
{
	return value_bool(p, key, v, &parser_axis(p)->all_actions);
}

static const struct key_desc axis_keys[] = {
	KEY("target", axis_target),
	KEY("source", axis_source),
	KEY("mouse", axis_mouse),
	KEY("modifier", axis_modifier),
	KEY("increase", axis_increase),
	KEY("decrease", axis_decrease),
	KEY("key_rate", axis_key_rate),
	KEY("model", axis_model),
	KEY("sensitivity", axis_sensitivity),
	KEY("rate", axis_rate),
	KEY("time_constant", axis_time_constant),
	KEY("smoothing", axis_smoothing),
	KEY("curve", axis_curve),
	{ .name = "point", .set = axis_point, .repeat = true },
	KEY("deadzone", axis_deadzone),
	KEY("outer_deadzone", axis_outer_deadzone),
	KEY("invert", axis_invert),
	KEY("trim", axis_trim),
	KEY("min", axis_min),
	KEY("max", axis_max),
	KEY("all_actions", axis_all_actions),
};

/* [profile NAME] */

/*
 * One word of a `games` list at *@s: blanks and commas separate words,
 * double quotes keep a name with blanks whole.  Returns its length (0 at
 * the end of the list), the word in *@ret_word, or -EINVAL.
 */
static int games_word(struct parser *p, const char *key, const char **s, const char **ret_word)
{
	const char *w = *s + strspn(*s, ", \t"), *end;

	if (*w != '"') {
		end = w + strcspn(w, ", \t");
		*ret_word = w;
		*s = end;
		return (int)(end - w);
	}
	end = strchr(w + 1, '"');
	if (!end) {
		parser_error(p, p->line, "%s: a quote is not closed", key);
		return -EINVAL;
	}
	if (end == w + 1) {
		parser_error(p, p->line, "%s: an empty name (\"\")", key);
		return -EINVAL;
	}
	*ret_word = w + 1;
	*s = end + 1;
	return (int)(end - w - 1);
}

/* A pattern must name a file (no path), close its brackets, and be new to the file. */
static int games_check(struct parser *p, const char *key, const char *word)
{
	const char *slash = strpbrk(word, "/\\"), *open = strchr(word, '[');
	const struct jsd_config *cfg = p->cfg;

	if (slash) {
		const char *base = word + strlen(word);

		while (base > word && base[-1] != '/' && base[-1] != '\\')
			base--;
		parser_error(p, p->line, "%s: '%s' is a path: give the program's file name (%s) or a pattern",
			     key, word, *base ? base : "DCS.exe");
		return -EINVAL;
	}
	/* fnmatch() would take it for a '[' to match: a typo, surely */
	if (open && !strchr(open + 2, ']') && !(open[1] == ']' && strchr(open + 2, ']'))) {
		parser_error(p, p->line, "%s: '%s' has a '[' without its ']'", key, word);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->n_profiles; i++) {
		const struct jsd_profile *other = &cfg->profiles[i];

		for (unsigned int j = 0; j < other->n_games; j++) {
			if (strcasecmp(other->games[j], word) == 0) {
				parser_error(p, p->line, "%s: '%s' is a game of profile '%s' already (line %u)",
					     key, word, other->name, other->games_line);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int profile_games(struct parser *p, const char *key, const char *v)
{
	struct jsd_profile *profile = parser_profile(p);
	unsigned int before = profile->n_games;
	const char *s = v, *word;
	char **games;
	char *copy;
	int len;

	if (!profile->games_line)
		profile->games_line = p->line;
	while ((len = games_word(p, key, &s, &word)) > 0) {
		copy = strndup(word, (size_t)len);
		if (!copy) {
			parser_oom(p);
			return -ENOMEM;
		}
		if (games_check(p, key, copy) < 0) {
			free(copy);
			return -EINVAL;
		}
		games = reallocarray(profile->games, profile->n_games + 1, sizeof(*games));
		if (!games) {
			free(copy);
			parser_oom(p);
			return -ENOMEM;
		}
		profile->games = games;
		games[profile->n_games++] = copy;
	}
	if (len < 0)
		return len;
	if (profile->n_games == before) {
		parser_error(p, p->line,
			     "%s: expected one or more executable names or patterns (dcs.exe, *.exe ...)", key);
		return -EINVAL;
	}
	return 0;
}

static const struct key_desc profile_keys[] = {
	{ .name = "games", .set = profile_games, .repeat = true },
};

/* [button NAME] */

static int button_input(struct parser *p, const char *key, const char *v)
{
	return value_code(p, key, v, EV_KEY, &parser_button(p)->input);
}

static int button_mouse(struct parser *p, const char *key, const char *v)
{
	return value_mouse_ref(p, key, v, &parser_button(p)->mouse);
}

static int button_output(struct parser *p, const char *key, const char *v)
{
	uint16_t code;

	if (value_code(p, key, v, EV_KEY, &code) < 0)
		return -EINVAL;
	if (!codes_is_joystick_button(code)) {
		parser_error(p, p->line,
			     "%s: %s is not a joystick button; use BTN_TRIGGER ... BTN_BASE6, BTN_TRIGGER_HAPPY1 ... 40 or BTN_DPAD_*",
			     key, v);
		return -EINVAL;
	}
	parser_button(p)->output = code;
	return 0;
}

static int button_action(struct parser *p, const char *key, const char *v)
{
	const struct jsd_profile *profile = parser_profile(p);

	if (!*v) {
		parser_error(p, p->line, "%s: expected an action", key);
		return -EINVAL;
	}
	return parser_add_ref(p, REF_BUTTON_ACTION, (unsigned int)(profile - p->cfg->profiles),
			      p->item, v);
}

static const struct key_desc button_keys[] = {
	KEY("input", button_input),
	KEY("mouse", button_mouse),
	KEY("output", button_output),
	KEY("action", button_action),
};

#define N(keys)		(sizeof(keys) / sizeof(keys[0]))

_Static_assert(N(axis_keys) <= JSD_MAX_KEYS, "parser.key_line holds every [axis] key");

const struct key_desc *section_keys(enum section_kind kind, unsigned int *ret_n)
{
	switch (kind) {
	case SECTION_CAPTURE:
		*ret_n = N(capture_keys);
		return capture_keys;
	case SECTION_STICK:
		*ret_n = N(stick_keys);
		return stick_keys;
	case SECTION_MOUSE:
		*ret_n = N(mouse_keys);
		return mouse_keys;
	case SECTION_AXIS:
		*ret_n = N(axis_keys);
		return axis_keys;
	case SECTION_BUTTON:
		*ret_n = N(button_keys);
		return button_keys;
	case SECTION_PROFILE:
		*ret_n = N(profile_keys);
		return profile_keys;
	case SECTION_NONE:
		break;
	}
	*ret_n = 0;
	return NULL;
}

const char *jsd_axis_key(unsigned int i)
{
	return i < N(axis_keys) ? axis_keys[i].name : NULL;
}
