// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live changes; see live.h.  Numbers are written in the C locale, in the
 * fewest digits that read back as the same double.
 */
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "engine/escape.h"
#include "engine/ini-edit.h"
#include "engine/live.h"

/* The keys that shape the stick device: they cannot change while it exists. */
static const char *const stick_keys[] = { "target", "min", "max" };

bool live_key_settable(const char *key)
{
	for (size_t i = 0; i < sizeof(stick_keys) / sizeof(stick_keys[0]); i++)
		if (strcmp(key, stick_keys[i]) == 0)
			return false;
	return true;
}

void live_settable_keys(char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; jsd_axis_key(i) && at < size; i++) {
		if (!live_key_settable(jsd_axis_key(i)))
			continue;
		at += snprintf(buf + at, size - at, "%s%s", at ? ", " : "", jsd_axis_key(i));
	}
}

void live_change_done(struct live_change *c)
{
	for (unsigned int i = 0; i < c->n_values; i++)
		free(c->values[i]);
	free(c->values);
	c->values = NULL;
	c->n_values = 0;
}

void live_changes_clear(struct live_changes *ch)
{
	for (unsigned int i = 0; i < ch->n; i++)
		live_change_done(&ch->v[i]);
	free(ch->v);
	ch->v = NULL;
	ch->n = 0;
}

/* "X,Y" as the point of a command line: written "X, Y", as the manual writes it. */
static bool point_pair(const char *key, const char *v)
{
	const char *comma = strchr(v, ',');

	return strcmp(key, "point") == 0 && comma && comma != v && comma[1] &&
	       !strchr(comma + 1, ',') && !strpbrk(v, " \t");
}

/* A change of @key with @n values (copied). */
static int change_init(struct live_change *c, const char *profile, const char *axis,
		       const char *key, unsigned int n, char *const *values)
{
	*c = (struct live_change){ 0 };
	snprintf(c->profile, sizeof(c->profile), "%s", profile);
	snprintf(c->axis, sizeof(c->axis), "%s", axis);
	snprintf(c->key, sizeof(c->key), "%s", key);
	if (n == 0)
		return 0;
	c->values = calloc(n, sizeof(*c->values));
	if (!c->values)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++, c->n_values++) {
		const char *v = values[i];
		int len = (int)strcspn(v, ",");

		if (!point_pair(key, v))
			c->values[i] = strdup(v);
		else if (asprintf(&c->values[i], "%.*s, %s", len, v, v + len + 1) < 0)
			c->values[i] = NULL;
		if (!c->values[i]) {
			live_change_done(c);
			return -ENOMEM;
		}
	}
	return 0;
}

int live_parse(const char *profile, const char *axis, const char *key, bool unset,
	       unsigned int n_values, char *const *values, struct live_change ret[2],
	       char *why, size_t why_size)
{
	char shown[ESCAPE_SIZE(64)], cut[65];
	bool points = false;
	int n = 1, r;

	snprintf(cut, sizeof(cut), "%s", key);
	escape_string(cut, shown, sizeof(shown));
	if (strlen(key) >= LIVE_KEY_MAX || ini_edit_check_value(key) < 0 || strpbrk(key, "=: ")) {
		snprintf(why, why_size, "unknown key '%s' in [axis %s]", shown, axis);
		return -EINVAL;
	}
	if (!live_key_settable(key)) {
		char keys[400];

		live_settable_keys(keys, sizeof(keys));
		snprintf(why, why_size,
			 "%s cannot change while joystickd runs: it shapes the stick device, which games hold open; edit the file and reload. Settable: %s",
			 key, keys);
		return -EPERM;
	}
	if (unset ? n_values != 0 : n_values == 0) {
		snprintf(why, why_size, unset ? "unset takes a key, no value" : "%s needs a value", key);
		return -EINVAL;
	}
	if (n_values > LIVE_MAX_VALUES) {
		snprintf(why, why_size, "%s: more than %d values", key, LIVE_MAX_VALUES);
		return -EINVAL;
	}
	if (strcmp(key, "curve") == 0 && !unset) {
		points = strcmp(values[0], "points") == 0;
		if (!points && n_values > 1) {
			snprintf(why, why_size,
				 "curve takes one value; a points curve takes its points after it: curve points X,Y X,Y ...");
			return -EINVAL;
		}
	} else if (strcmp(key, "point") != 0 && n_values > 1) {
		snprintf(why, why_size, "%s takes one value", key);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n_values; i++) {
		if (ini_edit_check_value(values[i]) < 0) {
			snprintf(cut, sizeof(cut), "%s", values[i]);
			snprintf(why, why_size, "%s: '%s' cannot be written as an ini value", key,
				 escape_string(cut, shown, sizeof(shown)));
			return -EINVAL;
		}
	}

	if (strcmp(key, "curve") == 0) {
		/* The point list belongs to the curve: it goes or comes with it. */
		r = change_init(&ret[0], profile, axis, "curve", unset ? 0 : 1, values);
		if (r == 0)
			r = change_init(&ret[1], profile, axis, "point",
					points ? n_values - 1 : 0, values + 1);
		if (r < 0) {
			live_change_done(&ret[0]);
			return r;
		}
		/* "curve points" alone keeps the point lines the section has. */
		n = points && n_values == 1 ? 1 : 2;
	} else {
		r = change_init(&ret[0], profile, axis, key, n_values, values);
		if (r < 0)
			return r;
	}
	return n;
}

static bool same_key(const struct live_change *a, const struct live_change *b)
{
	return strcmp(a->profile, b->profile) == 0 && strcmp(a->axis, b->axis) == 0 &&
	       strcmp(a->key, b->key) == 0;
}

int live_changes_add(struct live_changes *ch, struct live_change *c)
{
	struct live_change *grown;

	for (unsigned int i = 0; i < ch->n; i++) {
		if (same_key(&ch->v[i], c)) {
			live_change_done(&ch->v[i]);
			ch->v[i] = *c;
			*c = (struct live_change){ 0 };
			return 0;
		}
	}
	grown = reallocarray(ch->v, ch->n + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ch->v = grown;
	ch->v[ch->n++] = *c;
	*c = (struct live_change){ 0 };
	return 0;
}

int live_changes_copy(struct live_changes *to, const struct live_changes *from)
{
	live_changes_clear(to);
	for (unsigned int i = 0; i < from->n; i++) {
		const struct live_change *c = &from->v[i];
		struct live_change copy;
		int r;

		r = change_init(&copy, c->profile, c->axis, c->key, 0, NULL);
		copy.values = c->n_values ? calloc(c->n_values, sizeof(*copy.values)) : NULL;
		if (r < 0 || (c->n_values && !copy.values))
			goto oom;
		for (; copy.n_values < c->n_values; copy.n_values++) {
			copy.values[copy.n_values] = strdup(c->values[copy.n_values]);
			if (!copy.values[copy.n_values]) {
				live_change_done(&copy);
				goto oom;
			}
		}
		if (live_changes_add(to, &copy) < 0) {
			live_change_done(&copy);
			goto oom;
		}
	}
	return 0;
 oom:
	live_changes_clear(to);
	return -ENOMEM;
}

static void remove_at(struct live_changes *ch, unsigned int i)
{
	live_change_done(&ch->v[i]);
	memmove(&ch->v[i], &ch->v[i + 1], (ch->n - i - 1) * sizeof(ch->v[0]));
	ch->n--;
}

void live_changes_drop(struct live_changes *ch, const char *profile, const char *axis)
{
	for (unsigned int i = ch->n; i-- > 0;)
		if (!axis || (strcmp(ch->v[i].profile, profile) == 0 &&
			      strcmp(ch->v[i].axis, axis) == 0))
			remove_at(ch, i);
}

void live_changes_prune(struct live_changes *ch, const char *base, size_t len)
{
	for (unsigned int i = ch->n; i-- > 0;) {
		const struct live_change *c = &ch->v[i];
		bool same;
		char **v;
		unsigned int n;

		if (ini_edit_values(base, len, c->profile, c->axis, c->key, &v, &n) < 0)
			continue;	/* kept: applying it says what is wrong */
		same = n == c->n_values;
		for (unsigned int j = 0; same && j < n; j++)
			same = strcmp(v[j], c->values[j]) == 0;
		ini_edit_values_free(v);
		if (same)
			remove_at(ch, i);
	}
}

int live_apply(const char *base, size_t len, const struct live_changes *ch,
	       char **ret, size_t *ret_len, unsigned int *ret_failed)
{
	struct ini_edit *edits = calloc(ch->n + 1, sizeof(*edits));
	size_t failed = 0;
	int r;

	if (!edits)
		return -ENOMEM;
	for (unsigned int i = 0; i < ch->n; i++) {
		const struct live_change *c = &ch->v[i];

		edits[i] = (struct ini_edit){
			.profile = c->profile, .axis = c->axis, .key = c->key,
			.values = (const char *const *)c->values, .n_values = c->n_values,
			/* New point lines follow the curve line. */
			.after = strcmp(c->key, "point") == 0 ? "curve" : NULL,
		};
	}
	r = ini_edit_apply(base, len, edits, ch->n, ret, ret_len, &failed);
	free(edits);
	if (r < 0 && ret_failed)
		*ret_failed = (unsigned int)failed;
	return r;
}

/* Whether profile @name of @cfg has a [profile] line (the implicit "default" has none). */
static bool profile_has_line(const struct jsd_config *cfg, const char *name)
{
	int p = cfg ? jsd_config_find_profile(cfg, name) : -ENOENT;

	return p < 0 || cfg->profiles[p].line != 0;
}

/* Whether a change before @i has the same profile (and, with @axis, the same axis). */
static bool seen_before(const struct live_changes *ch, unsigned int i, bool axis)
{
	for (unsigned int j = 0; j < i; j++)
		if (strcmp(ch->v[j].profile, ch->v[i].profile) == 0 &&
		    (!axis || strcmp(ch->v[j].axis, ch->v[i].axis) == 0))
			return true;
	return false;
}

void live_write_diff(FILE *f, const struct live_changes *ch, const struct jsd_config *cfg)
{
	bool first = true;

	/* Per profile, then per axis, each in the order it was first changed. */
	for (unsigned int p = 0; p < ch->n; p++) {
		const char *profile = ch->v[p].profile;
		bool header = profile_has_line(cfg, profile);

		if (seen_before(ch, p, false))
			continue;
		for (unsigned int a = p; a < ch->n; a++) {
			const char *axis = ch->v[a].axis;

			if (strcmp(ch->v[a].profile, profile) != 0 || seen_before(ch, a, true))
				continue;
			if (!first)
				fputc('\n', f);
			first = false;
			if (header)
				fprintf(f, "[profile %s]\n", profile);
			header = false;
			fprintf(f, "[axis %s]\n", axis);
			for (unsigned int i = a; i < ch->n; i++) {
				const struct live_change *c = &ch->v[i];

				if (strcmp(c->profile, profile) != 0 || strcmp(c->axis, axis) != 0)
					continue;
				if (c->n_values == 0)
					fprintf(f, "; %s removed: its default applies\n", c->key);
				for (unsigned int k = 0; k < c->n_values; k++)
					fprintf(f, "%s = %s\n", c->key, c->values[k]);
			}
		}
	}
}

/*
 * @v in the fewest significant digits that read back as @v, but never
 * fewer than its integer part has (800, not 8e+02).
 */
static const char *number(double v, char *buf, size_t size)
{
	int digits = 1;

	for (double m = v < 0 ? -v : v; m >= 10 && digits < 17; m /= 10)
		digits++;
	for (; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

/* The name of an event code, or its number. */
static void code(uint16_t type, uint16_t c, char *buf, size_t size)
{
	const char *n = codes_name(type, c);

	if (n)
		snprintf(buf, size, "%s", n);
	else
		snprintf(buf, size, "0x%x", c);
}

static const char *curve_text(const struct curve *c, char *buf, size_t size)
{
	char n[32];

	switch (c->kind) {
	case CURVE_EXPO:
		snprintf(buf, size, "expo:%s", number(c->param, n, sizeof(n)));
		break;
	case CURVE_POWER:
		snprintf(buf, size, "power:%s", number(c->param, n, sizeof(n)));
		break;
	case CURVE_POINTS:
		snprintf(buf, size, "points");
		break;
	case CURVE_LINEAR:
		snprintf(buf, size, "linear");
		break;
	}
	return buf;
}

/* Formats one key's running value of @a into @buf; false when it does not apply to @a. */
typedef bool (*format_fn)(const struct jsd_config *cfg, const struct jsd_axis_cfg *a,
			  char *buf, size_t size);

static bool fmt_target(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	code(EV_ABS, a->target, buf, size);
	return true;
}

static bool fmt_source(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	code(EV_REL, a->source, buf, size);
	return a->has_source;
}

static bool fmt_mouse(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s", a->mouse >= 0 ? cfg->mice[a->mouse].name : "any");
	return true;
}

static bool fmt_key_code(uint16_t c, char *buf, size_t size)
{
	code(EV_KEY, c, buf, size);
	return c != 0;
}

static bool fmt_modifier(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	return fmt_key_code(a->modifier, buf, size);
}

static bool fmt_increase(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	return fmt_key_code(a->key_increase, buf, size);
}

static bool fmt_decrease(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	return fmt_key_code(a->key_decrease, buf, size);
}

static bool fmt_key_rate(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->key_rate, buf, size);
	return a->key_increase || a->key_decrease;
}

static bool fmt_model(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s", a->model == JSD_MODEL_SPRING ? "spring" :
		 a->model == JSD_MODEL_HOLD ? "hold" : "velocity");
	return true;
}

static bool fmt_sensitivity(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->sensitivity, buf, size);
	return a->has_source;
}

static bool fmt_rate(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->rate, buf, size);
	return a->model == JSD_MODEL_SPRING;
}

static bool fmt_time_constant(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->time_constant, buf, size);
	return a->model == JSD_MODEL_VELOCITY;
}

static bool fmt_smoothing(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->smoothing, buf, size);
	return true;
}

static bool fmt_curve(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	curve_text(&a->response.curve, buf, size);
	return true;
}

static bool fmt_deadzone(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->response.deadzone, buf, size);
	return true;
}

static bool fmt_outer_deadzone(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->response.outer_deadzone, buf, size);
	return true;
}

static bool fmt_yes_no(bool v, char *buf, size_t size)
{
	snprintf(buf, size, "%s", v ? "yes" : "no");
	return true;
}

static bool fmt_invert(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	return fmt_yes_no(a->response.invert, buf, size);
}

static bool fmt_all_actions(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	return fmt_yes_no(a->all_actions, buf, size);
}

static bool fmt_trim(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	number(a->trim, buf, size);
	return true;
}

static bool fmt_min(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	snprintf(buf, size, "%d", a->min);
	return true;
}

static bool fmt_max(const struct jsd_config *cfg, const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	snprintf(buf, size, "%d", a->max);
	return true;
}

/* The keys this code formats from the parsed axis ("point" is written apart). */
static const struct {
	const char *key;
	format_fn fmt;
} formats[] = {
	{ "target", fmt_target }, { "source", fmt_source }, { "mouse", fmt_mouse },
	{ "modifier", fmt_modifier }, { "increase", fmt_increase },
	{ "decrease", fmt_decrease }, { "key_rate", fmt_key_rate }, { "model", fmt_model },
	{ "sensitivity", fmt_sensitivity }, { "rate", fmt_rate },
	{ "time_constant", fmt_time_constant }, { "smoothing", fmt_smoothing },
	{ "curve", fmt_curve }, { "deadzone", fmt_deadzone },
	{ "outer_deadzone", fmt_outer_deadzone }, { "invert", fmt_invert },
	{ "trim", fmt_trim }, { "min", fmt_min }, { "max", fmt_max },
	{ "all_actions", fmt_all_actions },
};

/* The point lines of a points curve: how many. */
static int write_points(FILE *f, const struct jsd_axis_cfg *a)
{
	const struct curve *c = &a->response.curve;
	char x[32], y[32];

	if (c->kind != CURVE_POINTS)
		return 0;
	for (unsigned int i = 0; i < c->n; i++)
		fprintf(f, "point = %s, %s\n", number(c->x[i], x, sizeof(x)),
			number(c->y[i], y, sizeof(y)));
	return (int)c->n;
}

/* The lines of @key; how many were written (0: it does not apply to @a). */
static int write_key(FILE *f, const struct jsd_config *cfg, const char *profile,
		     const struct jsd_axis_cfg *a, const char *text, size_t len, const char *key)
{
	char buf[128], **v;
	unsigned int n;

	if (strcmp(key, "point") == 0)
		return write_points(f, a);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].key, key) != 0)
			continue;
		if (!formats[i].fmt(cfg, a, buf, sizeof(buf)))
			return 0;
		fprintf(f, "%s = %s\n", key, buf);
		return 1;
	}
	/* A key of the loader this code does not format: as the running text has it. */
	if (!text || ini_edit_values(text, len, profile, a->name, key, &v, &n) < 0)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		fprintf(f, "%s = %s\n", key, v[i]);
	ini_edit_values_free(v);
	return (int)n;
}

int live_write_values(FILE *f, const struct jsd_config *cfg, const char *profile,
		      const struct jsd_axis_cfg *a, const char *text, size_t len,
		      const char *key, char *why, size_t why_size)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0), old;
	int r = 0;

	if (!c)
		return -ENOMEM;
	old = uselocale(c);
	if (key) {
		bool known = false;

		for (unsigned int i = 0; jsd_axis_key(i); i++)
			known |= strcmp(jsd_axis_key(i), key) == 0;
		r = known ? write_key(f, cfg, profile, a, text, len, key) : 0;
		if (!known) {
			char cut[65], shown[ESCAPE_SIZE(64)];

			snprintf(cut, sizeof(cut), "%s", key);
			snprintf(why, why_size, "unknown key '%s' in [axis %s]",
				 escape_string(cut, shown, sizeof(shown)), a->name);
		}
		else if (r == 0)
			snprintf(why, why_size, "%s does not apply to [axis %s]", key, a->name);
		if (r == 0)
			r = -ENOENT;
	} else {
		for (unsigned int i = 0; jsd_axis_key(i); i++)
			write_key(f, cfg, profile, a, text, len, jsd_axis_key(i));
	}
	uselocale(old);
	freelocale(c);
	return r < 0 ? r : 0;
}

void live_write_wire(FILE *f, const struct live_changes *ch)
{
	for (unsigned int i = 0; i < ch->n; i++) {
		const struct live_change *c = &ch->v[i];

		fprintf(f, "change\t%s\t%s\t%s", c->profile, c->axis, c->key);
		for (unsigned int j = 0; j < c->n_values; j++)
			fprintf(f, "\t%s", c->values[j]);
		fputc('\n', f);
	}
}

int live_parse_wire(const char *line, struct live_change *ret)
{
	char *copy, *field[4 + LIVE_MAX_VALUES], *save = NULL, *w;
	unsigned int n = 0;
	int r = -EINVAL;

	if (strncmp(line, "change\t", 7) != 0)
		return -EINVAL;
	copy = strdup(line + 7);
	if (!copy)
		return -ENOMEM;
	for (w = strtok_r(copy, "\t", &save); w && n < 4 + LIVE_MAX_VALUES;
	     w = strtok_r(NULL, "\t", &save))
		field[n++] = w;
	if (n >= 3 && !w && strlen(field[0]) < JSD_NAME_MAX && strlen(field[1]) < JSD_NAME_MAX &&
	    strlen(field[2]) < LIVE_KEY_MAX)
		r = change_init(ret, field[0], field[1], field[2], n - 3, field + 3);
	free(copy);
	return r;
}

int live_save_file(const char *path, const char *base_path, const struct ini_file_id *loaded,
		   const struct live_changes *ch, char *why, size_t why_size)
{
	struct jsd_config *cfg = NULL;
	struct ini_file base;
	struct jsd_error err;
	char *text = NULL;
	size_t len;
	unsigned int failed = 0;
	int r;

	r = ini_file_read(base_path, &base, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		return r;
	}
	if (loaded && !ini_file_same_content(&base.id, loaded)) {
		snprintf(why, why_size, "%s changed on disk since joystickd loaded it", base_path);
		r = -ESTALE;
		goto out;
	}
	r = live_apply(base.text, base.len, ch, &text, &len, &failed);
	if (r == -ENOENT) {
		snprintf(why, why_size, "%s has no [axis %s] in profile %s", base_path,
			 ch->v[failed].axis, ch->v[failed].profile);
		goto out;
	}
	if (r < 0) {
		snprintf(why, why_size, "applying the changes to %s: %s", base_path, strerror(-r));
		goto out;
	}
	r = jsd_config_parse_buffer(path, text, len, &cfg, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		goto out;
	}
	jsd_config_free(cfg);
	r = ini_file_replace(path, text, len, strcmp(path, base_path) == 0 ? &base.id : NULL,
			     why, why_size);
 out:
	free(text);
	ini_file_done(&base);
	return r;
}
