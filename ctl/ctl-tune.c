// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `joystickctl tune`: its state, its keys and its talk with the daemon;
 * the drawing is tune-draw.c's.
 *
 * 25 times a second the tuner asks the daemon for the axis' live state
 * (axis-state: a few lines, cheap), and when the text that runs changed
 * (its generation, or the profile) it fetches that text (running-config)
 * and parses it with the loader, as the daemon did: the curve and the
 * parameters shown are those of the configuration that runs.  A key that
 * changes a parameter sends `set` and shows the daemon's answer; undo
 * sends the values the text had before.
 *
 * The terminal is restored on every way out: q, Ctrl-C (SIGINT), SIGTERM,
 * SIGHUP, and a lost daemon, which the tuner then names once the screen
 * is the shell's again.  ncurses itself handles SIGWINCH (KEY_RESIZE, a
 * redraw in the new size) and SIGTSTP.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control-proto.h"
#include "ctl-save.h"
#include "ctl-tune.h"
#include "engine/ini-edit.h"
#include "engine/live.h"
#include "tune-draw.h"
#include "tune-keys.h"

#define TUNE_HZ		25
#define MAX_PARAMS	(12 + CURVE_MAX_POINTS)
#define MAX_UNDO	64
#define TYPED_MAX	64

enum param_kind {
	PARAM_NUMBER,		/* a key with a number: sensitivity, rate, ... */
	PARAM_CURVE,		/* the curve's kind: linear, expo, power (points) */
	PARAM_CURVE_PARAM,	/* K of expo:K, P of power:P */
	PARAM_POINT_Y,		/* y of one point of a points curve */
	PARAM_BOOL,		/* invert */
};

struct param {
	enum param_kind kind;
	const char *key;	/* the ini key */
	char label[24];
	double value, min, max;
	double fine, coarse;	/* steps: added, or with @log factors */
	bool log;
	unsigned int point;	/* PARAM_POINT_Y */
	const char *unit;
	const char *help;
};

/* One key's values as the text had them ("" none: the key was not given). */
struct undo_key {
	char key[LIVE_KEY_MAX];
	char **values;		/* NULL-terminated */
	unsigned int n;
};

/* What undo puts back: the keys of one axis as they were. */
struct undo {
	char profile[JSD_NAME_MAX];
	char axis[JSD_NAME_MAX];
	struct undo_key *keys;
	unsigned int n_keys;
};

struct tune {
	struct ctl_conn *c;
	bool utf8, color;
	char path[4096];		/* the daemon's file: its text is parsed under this name */

	/* What runs: the text, parsed, and the axis tuned in it. */
	uint64_t generation;
	char *text;
	size_t len;
	struct jsd_config *cfg;
	char profile[JSD_NAME_MAX];
	char axis[JSD_NAME_MAX];
	const struct jsd_axis_cfg *a;
	unsigned int axis_index, n_axes;

	/* Live, from axis-state. */
	bool active;
	unsigned int unsaved;
	double position, trim, output, counts;
	int value;

	struct param params[MAX_PARAMS];
	struct tune_row rows[MAX_PARAMS];
	unsigned int n_params, selected;

	bool typing;
	char typed[TYPED_MAX];

	char message[1200];
	bool message_error;

	struct undo undo[MAX_UNDO];
	unsigned int n_undo;

	bool lost;			/* the daemon went away: leave */
	char lost_why[200];
};

static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(struct tune *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct tune *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
	/* The daemon's messages are one line; keep the screen's lines so. */
	for (char *p = t->message; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	t->message_error = error;
}

/*
 * Sends @line: 0 with the answer in *@payload (the caller frees it; NULL:
 * not wanted), 1 when the daemon refused (its reason is the message), -1
 * when it is gone (the tuner then leaves).
 */
static int request(struct tune *t, const char *line, char **payload)
{
	char *answer;
	int r = ctl_request(t->c, line, &answer);

	if (r == -EREMOTEIO) {
		say(t, true, "%s", answer);
		free(answer);
		return 1;
	}
	if (r < 0) {
		t->lost = true;
		snprintf(t->lost_why, sizeof(t->lost_why), "%s", strerror(-r));
		return -1;
	}
	if (payload)
		*payload = answer;
	else
		free(answer);
	return 0;
}

/* ---- the parameters */

static struct param *param_add(struct tune *t, enum param_kind kind, const char *key,
			       const char *label, double value)
{
	struct param *p = &t->params[t->n_params++];

	*p = (struct param){ .kind = kind, .key = key, .value = value, .unit = "" };
	snprintf(p->label, sizeof(p->label), "%s", label);
	return p;
}

static void range(struct param *p, double min, double max, double fine, double coarse, bool log)
{
	p->min = min;
	p->max = max;
	p->fine = fine;
	p->coarse = coarse;
	p->log = log;
}

/* The parameters of the axis that runs, in the order of joystickd.ini(5). */
static void params_build(struct tune *t)
{
	const struct jsd_axis_cfg *a = t->a;
	const struct curve *c = &a->response.curve;
	char old[24] = "";
	struct param *p;

	if (t->selected < t->n_params)
		snprintf(old, sizeof(old), "%s", t->params[t->selected].label);
	t->n_params = 0;
	if (a->has_source) {
		p = param_add(t, PARAM_NUMBER, "sensitivity", "sensitivity", a->sensitivity);
		range(p, 0.001, 1e6, 1.05, 1.25, true);
		p->help = "sensitivity: mouse counts from centre to full deflection (800 dpi: 1 inch)";
	}
	if (a->model == JSD_MODEL_SPRING) {
		p = param_add(t, PARAM_NUMBER, "rate", "rate", a->rate);
		range(p, 0.001, 1000, 1.1, 1.5, true);
		p->unit = "/s";
		p->help = "rate: how fast the spring brings the stick back to the trim";
	}
	if (a->model == JSD_MODEL_VELOCITY) {
		p = param_add(t, PARAM_NUMBER, "time_constant", "time_constant", a->time_constant);
		range(p, 0.001, 60, 1.1, 1.5, true);
		p->unit = "s";
		p->help = "time_constant: how long the stick takes to decay back to the trim";
	}
	p = param_add(t, PARAM_NUMBER, "deadzone", "deadzone", a->response.deadzone);
	range(p, 0, 0.99, 0.01, 0.05, false);
	p->help = "deadzone: the part of the travel around the centre that does nothing";
	p = param_add(t, PARAM_NUMBER, "outer_deadzone", "outer_deadzone",
		      a->response.outer_deadzone);
	range(p, 0, 0.99, 0.01, 0.05, false);
	p->help = "outer_deadzone: the part of the travel at its ends that is full deflection";
	p = param_add(t, PARAM_CURVE, "curve", "curve", 0);
	p->help = "curve: linear, expo (softer centre), power, or points";
	if (c->kind == CURVE_EXPO) {
		p = param_add(t, PARAM_CURVE_PARAM, "curve", "expo k", c->param);
		range(p, 0, 1, 0.02, 0.1, false);
		p->help = "expo k: 0 is linear; more is softer around the centre";
	} else if (c->kind == CURVE_POWER) {
		p = param_add(t, PARAM_CURVE_PARAM, "curve", "power p", c->param);
		range(p, 0.1, 10, 0.05, 0.25, false);
		p->help = "power p: above 1 softens the centre, below 1 sharpens it";
	} else if (c->kind == CURVE_POINTS) {
		for (unsigned int i = 0; i < c->n; i++) {
			char label[24];

			snprintf(label, sizeof(label), "point %u y", i + 1);
			p = param_add(t, PARAM_POINT_Y, "point", label, c->y[i]);
			range(p, -1, 1, 0.01, 0.05, false);
			p->point = i;
			p->help = "point y: the output of the curve at this point's x";
		}
	}
	p = param_add(t, PARAM_NUMBER, "smoothing", "smoothing", a->smoothing);
	range(p, 0, 10, 0.01, 0.05, false);
	p->unit = "s";
	p->help = "smoothing: time constant of a low-pass on the output (0: off)";
	p = param_add(t, PARAM_NUMBER, "trim", "trim", a->trim);
	range(p, -1, 1, 0.01, 0.1, false);
	p->help = "trim: where the stick starts and returns to (-1 ... 1)";
	p = param_add(t, PARAM_BOOL, "invert", "invert", a->response.invert);
	p->help = "invert: reverse the axis";
	if (a->key_increase || a->key_decrease) {
		p = param_add(t, PARAM_NUMBER, "key_rate", "key_rate", a->key_rate);
		range(p, 0.001, 1000, 1.1, 1.5, true);
		p->unit = "/s";
		p->help = "key_rate: deflections per second while an increase/decrease key is held";
	}

	/* The same parameter stays selected when the list changes. */
	for (unsigned int i = 0; i < t->n_params; i++)
		if (strcmp(t->params[i].label, old) == 0)
			t->selected = i;
	if (t->selected >= t->n_params)
		t->selected = t->n_params - 1;
}

static const char *curve_kind(const struct curve *c)
{
	switch (c->kind) {
	case CURVE_EXPO:
		return "expo";
	case CURVE_POWER:
		return "power";
	case CURVE_POINTS:
		return "points";
	case CURVE_LINEAR:
		break;
	}
	return "linear";
}

static void rows_build(struct tune *t)
{
	for (unsigned int i = 0; i < t->n_params; i++) {
		const struct param *p = &t->params[i];
		struct tune_row *row = &t->rows[i];

		snprintf(row->label, sizeof(row->label), "%s", p->label);
		if (p->kind == PARAM_CURVE)
			snprintf(row->value, sizeof(row->value), "%s", curve_kind(&t->a->response.curve));
		else if (p->kind == PARAM_BOOL)
			snprintf(row->value, sizeof(row->value), "%s", p->value ? "yes" : "no");
		else
			snprintf(row->value, sizeof(row->value), "%.4g%s%s", p->value,
				 *p->unit ? " " : "", p->unit);
	}
}

/* ---- what runs */

/* The axis @name in the current profile, or its first: 0, or -ENOENT for a profile without axes. */
static int pick_axis(struct tune *t, const char *name)
{
	int p = jsd_config_find_profile(t->cfg, t->profile);
	const struct jsd_profile *profile;
	int i;

	if (p < 0)
		return -ENOENT;
	profile = &t->cfg->profiles[p];
	if (profile->n_axes == 0)
		return -ENOENT;
	i = name ? jsd_profile_find_axis(profile, name) : 0;
	if (i < 0) {
		say(t, true, "profile %s has no axis %s: tuning %s", profile->name, name,
		    profile->axes[0].name);
		i = 0;
	}
	t->a = &profile->axes[i];
	t->axis_index = (unsigned int)i;
	t->n_axes = profile->n_axes;
	snprintf(t->axis, sizeof(t->axis), "%s", t->a->name);
	params_build(t);
	return 0;
}

static void swap_text(struct tune *t, char **text, struct jsd_config **cfg)
{
	char *old_text = t->text;
	struct jsd_config *old_cfg = t->cfg;

	t->text = *text;
	t->len = t->text ? strlen(t->text) : 0;
	t->cfg = *cfg;
	*text = old_text;
	*cfg = old_cfg;
}

/* Fetches the text that runs and parses it as the daemon did: 0, 1, or -1 (lost). */
static int load(struct tune *t)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char msg[600], *text;
	int r;

	r = request(t, "running-config", &text);
	if (r)
		return r;
	r = jsd_config_parse_buffer(t->path, text, strlen(text), &cfg, &err);
	if (r < 0) {
		say(t, true, "%s", jsd_error_format(&err, msg, sizeof(msg)));
		free(text);
		return 1;
	}
	/* The old text stays until the new one has an axis to show. */
	swap_text(t, &text, &cfg);
	if (pick_axis(t, t->axis) < 0) {
		swap_text(t, &text, &cfg);
		say(t, true, "profile %s has no axis to tune", t->profile);
		r = 1;
	}
	free(text);
	jsd_config_free(cfg);
	return r;
}

/* One "name value" line of axis-state. */
static void state_line(struct tune *t, const char *line, uint64_t *generation, char *profile)
{
	unsigned long long u;
	char word[JSD_NAME_MAX];

	if (sscanf(line, "generation %llu", &u) == 1)
		*generation = u;
	else if (sscanf(line, "profile %47s", word) == 1)
		snprintf(profile, JSD_NAME_MAX, "%s", word);
	else if (sscanf(line, "active %3s", word) == 1)
		t->active = strcmp(word, "yes") == 0;
	else if (sscanf(line, "unsaved %llu", &u) == 1)
		t->unsaved = (unsigned int)u;
	else if (sscanf(line, "position %lf", &t->position) == 1 ||
		 sscanf(line, "trim %lf", &t->trim) == 1 ||
		 sscanf(line, "output %lf", &t->output) == 1 ||
		 sscanf(line, "value %d", &t->value) == 1 ||
		 sscanf(line, "counts_per_s %lf", &t->counts) == 1)
		return;
}

/* The live state; the text again when it changed.  0, 1 or -1 (lost). */
static int poll_daemon(struct tune *t)
{
	char line[JSD_NAME_MAX + 16], profile[JSD_NAME_MAX] = "", *state, *l, *save = NULL;
	uint64_t generation = 0;
	int r;

	snprintf(line, sizeof(line), "axis-state %s", t->axis);
	r = request(t, line, &state);
	if (r == 1) {
		/* The axis is gone (another profile, a reload): the current profile's first. */
		r = request(t, "profile", &state);
		if (r)
			return r;
		if (sscanf(state, "profile: %47s", profile) == 1)
			snprintf(t->profile, sizeof(t->profile), "%s", profile);
		free(state);
		t->generation = 0;
		r = load(t);
		return r;
	}
	if (r)
		return r;
	for (l = strtok_r(state, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		state_line(t, l, &generation, profile);
	free(state);
	if (generation != t->generation || strcmp(profile, t->profile) != 0) {
		snprintf(t->profile, sizeof(t->profile), "%s", profile);
		r = load(t);
		if (r == 0)
			t->generation = generation;
	}
	return r;
}

/* ---- changes */

/* A value as one word of a request: "0.5, 0.3" (a point as written) becomes "0.5,0.3". */
static void word_of(const char *value, char *buf, size_t size)
{
	size_t n = 0;
	bool gap = false;

	for (const char *p = value; *p && n + 2 < size; p++) {
		if (*p == ' ' || *p == '\t') {
			gap = true;
			continue;
		}
		if (gap && *p != ',' && n > 0 && buf[n - 1] != ',')
			buf[n++] = ',';
		gap = false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
}

static void undo_free(struct undo *u)
{
	for (unsigned int k = 0; k < u->n_keys; k++)
		ini_edit_values_free(u->keys[k].values);
	free(u->keys);
}

/* Remembers the keys @keys of the axis as the text has them, for undo. */
static void undo_push(struct tune *t, const char *const *keys)
{
	struct undo *u;

	if (t->n_undo == MAX_UNDO) {
		/* The oldest is forgotten. */
		undo_free(&t->undo[0]);
		memmove(&t->undo[0], &t->undo[1], (MAX_UNDO - 1) * sizeof(t->undo[0]));
		t->n_undo--;
	}
	u = &t->undo[t->n_undo];
	*u = (struct undo){ 0 };
	snprintf(u->profile, sizeof(u->profile), "%s", t->profile);
	snprintf(u->axis, sizeof(u->axis), "%s", t->axis);
	for (unsigned int i = 0; keys[i]; i++) {
		struct undo_key *grown = reallocarray(u->keys, u->n_keys + 1, sizeof(*grown));
		struct undo_key *k;

		if (!grown)
			break;
		u->keys = grown;
		k = &u->keys[u->n_keys];
		snprintf(k->key, sizeof(k->key), "%s", keys[i]);
		if (ini_edit_values(t->text, t->len, t->profile, t->axis, keys[i], &k->values,
				    &k->n) < 0)
			break;
		u->n_keys++;
	}
	t->n_undo++;
}

/* Sends "set AXIS ARGS" (or unset); the daemon's answer becomes the message. */
static int send_set(struct tune *t, const char *verb, const char *args)
{
	char line[CONTROL_MAX_LINE], *answer;
	int r;

	snprintf(line, sizeof(line), "%s %s %s", verb, t->axis, args);
	r = request(t, line, &answer);
	if (r)
		return r;
	answer[strcspn(answer, "\n")] = '\0';
	say(t, false, "%s", answer[0] ? answer : args);
	free(answer);
	t->generation = 0;	/* fetch the text at once */
	return 0;
}

/* A change of @keys by "set AXIS @args", undone by u; a refused one leaves nothing to undo. */
static void change(struct tune *t, const char *const *keys, const char *args)
{
	undo_push(t, keys);
	if (send_set(t, "set", args) != 0 && t->n_undo)
		undo_free(&t->undo[--t->n_undo]);
}

/* The value of a key line for a number: no noise in the last digits. */
static void number(double v, char *buf, size_t size)
{
	snprintf(buf, size, "%.6g", v);
}

/* "x,y x,y ...": the points of the curve, point @i at @y. */
static void points_args(const struct curve *c, unsigned int i, double y, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int k = 0; k < c->n && at < size; k++) {
		char x[32], yy[32];

		number(c->x[k], x, sizeof(x));
		number(k == i ? y : c->y[k], yy, sizeof(yy));
		at += snprintf(buf + at, size - at, "%s%s,%s", k ? " " : "", x, yy);
	}
}

/* Sets parameter @p to @v. */
static void set_value(struct tune *t, const struct param *p, double v)
{
	static const char *const curve_keys[] = { "curve", "point", NULL };
	char args[CONTROL_MAX_LINE], num[32];
	const char *keys[2] = { p->key, NULL };

	number(v, num, sizeof(num));
	switch (p->kind) {
	case PARAM_NUMBER:
		snprintf(args, sizeof(args), "%s %s", p->key, num);
		break;
	case PARAM_CURVE_PARAM:
		snprintf(args, sizeof(args), "curve %s:%s", curve_kind(&t->a->response.curve), num);
		break;
	case PARAM_POINT_Y: {
		char pts[CONTROL_MAX_LINE - 16];

		points_args(&t->a->response.curve, p->point, v, pts, sizeof(pts));
		snprintf(args, sizeof(args), "point %s", pts);
		break;
	}
	case PARAM_BOOL:
		snprintf(args, sizeof(args), "%s %s", p->key, v ? "yes" : "no");
		break;
	case PARAM_CURVE:
		return;
	}
	change(t, p->kind == PARAM_NUMBER || p->kind == PARAM_BOOL ? keys : curve_keys, args);
}

/* Three significant digits: 840, 0.605, 1.25e+03. */
static double round3(double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3g", v);
	return strtod(buf, NULL);
}

/* A fine (or coarse) step up (@dir 1) or down (-1) of the selected parameter. */
static void step(struct tune *t, int dir, bool coarse)
{
	static const char *const kinds[] = { "linear", "expo:0.3", "power:2" };
	static const char *const curve_keys[] = { "curve", "point", NULL };
	const struct param *p = &t->params[t->selected];
	char args[64];
	double v;

	if (p->kind == PARAM_BOOL) {
		set_value(t, p, !p->value);
		return;
	}
	if (p->kind == PARAM_CURVE) {
		int k = t->a->response.curve.kind == CURVE_EXPO ? 1 :
			t->a->response.curve.kind == CURVE_POWER ? 2 :
			t->a->response.curve.kind == CURVE_LINEAR ? 0 : dir > 0 ? -1 : 0;

		k = (k + dir + 3) % 3;
		snprintf(args, sizeof(args), "curve %s", kinds[k]);
		change(t, curve_keys, args);
		return;
	}
	if (p->log)
		v = round3(p->value * pow(coarse ? p->coarse : p->fine, dir));
	else
		v = round((p->value + dir * (coarse ? p->coarse : p->fine)) * 1e6) / 1e6;
	v = v < p->min ? p->min : v > p->max ? p->max : v;
	if (v == p->value) {
		say(t, false, "%s is at its %s (%g)", p->label, dir > 0 ? "maximum" : "minimum", v);
		return;
	}
	set_value(t, p, v);
}

/* The typed text as the selected parameter's new value. */
static void submit(struct tune *t)
{
	static const char *const curve_keys[] = { "curve", "point", NULL };
	const struct param *p = &t->params[t->selected];
	const char *keys[2] = { p->key, NULL };
	char args[CONTROL_MAX_LINE];
	char *end;
	double y;

	t->typing = false;
	if (!t->typed[strspn(t->typed, " ")])
		return;
	switch (p->kind) {
	case PARAM_NUMBER:
	case PARAM_BOOL:
		snprintf(args, sizeof(args), "%s %s", p->key, t->typed);
		change(t, keys, args);
		return;
	case PARAM_CURVE:
		snprintf(args, sizeof(args), "curve %s", t->typed);
		break;
	case PARAM_CURVE_PARAM:
		snprintf(args, sizeof(args), "curve %s:%s", curve_kind(&t->a->response.curve),
			 t->typed);
		break;
	case PARAM_POINT_Y:
		y = strtod(t->typed, &end);
		if (*end || end == t->typed) {
			say(t, true, "point y: expected a number from -1 to 1, got '%s'", t->typed);
			return;
		}
		set_value(t, p, y);
		return;
	}
	change(t, curve_keys, args);
}

/* Puts back the keys of the last change as the text had them. */
static void undo(struct tune *t)
{
	struct undo *u;
	char args[CONTROL_MAX_LINE], word[128];
	unsigned int sent = 0;

	if (t->n_undo == 0) {
		say(t, false, "nothing to undo");
		return;
	}
	u = &t->undo[--t->n_undo];
	if (strcmp(u->profile, t->profile) != 0 || strcmp(u->axis, t->axis) != 0) {
		say(t, true, "the last change was to [axis %s] of profile %s: switch there to undo it",
		    u->axis, u->profile);
		t->n_undo++;
		return;
	}
	for (unsigned int i = 0; i < u->n_keys && !t->lost; i++) {
		const struct undo_key *k = &u->keys[i];
		size_t at;

		if (strcmp(k->key, "point") == 0)
			continue;	/* with the curve */
		if (k->n == 0) {
			sent += send_set(t, "unset", k->key) == 0;
			continue;
		}
		at = (size_t)snprintf(args, sizeof(args), "%s", k->key);
		for (unsigned int v = 0; v < k->n && at < sizeof(args); v++) {
			word_of(k->values[v], word, sizeof(word));
			at += snprintf(args + at, sizeof(args) - at, " %s", word);
		}
		/* A points curve comes back with its points. */
		for (unsigned int j = 0; strcmp(k->key, "curve") == 0 && j < u->n_keys; j++) {
			if (strcmp(u->keys[j].key, "point") != 0)
				continue;
			for (unsigned int v = 0; v < u->keys[j].n && at < sizeof(args); v++) {
				word_of(u->keys[j].values[v], word, sizeof(word));
				at += snprintf(args + at, sizeof(args) - at, " %s", word);
			}
		}
		sent += send_set(t, "set", args) == 0;
	}
	undo_free(u);
	if (!sent && !t->message_error) {
		say(t, false, "nothing to undo");
	} else if (!t->message_error) {
		char done[sizeof(t->message)];

		snprintf(done, sizeof(done), "%s", t->message);
		say(t, false, "undone: %s", done);
	}
}

/* r: the axis as the file has it; undo brings the changes back. */
static void revert(struct tune *t)
{
	const char *keys[40];
	char line[JSD_NAME_MAX + 8];
	unsigned int n = 0;

	for (unsigned int i = 0; jsd_axis_key(i) && n + 1 < sizeof(keys) / sizeof(keys[0]); i++)
		if (live_key_settable(jsd_axis_key(i)))
			keys[n++] = jsd_axis_key(i);
	keys[n] = NULL;
	undo_push(t, keys);
	snprintf(line, sizeof(line), "revert %s", t->axis);
	if (request(t, line, NULL) == 0) {
		say(t, false, "[axis %s] is as %s has it", t->axis, t->path);
		t->generation = 0;
	}
}

static void switch_axis(struct tune *t, int dir)
{
	int p = jsd_config_find_profile(t->cfg, t->profile);
	const struct jsd_profile *profile = &t->cfg->profiles[p < 0 ? 0 : p];

	t->axis_index = (t->axis_index + profile->n_axes + dir) % profile->n_axes;
	pick_axis(t, profile->axes[t->axis_index].name);
	t->generation = 0;
	say(t, false, "tuning [axis %s]", t->axis);
}

static void save(struct tune *t)
{
	char msg[1200];
	int r = ctl_save(t->c, NULL, msg, sizeof(msg));

	say(t, r != 0, "%s", msg);
	t->generation = 0;
}

/* ---- keys */

/* A key while a value is typed. */
static void key_typing(struct tune *t, enum tune_key k, int ch)
{
	size_t n = strlen(t->typed);

	if (k == TUNE_KEY_ESCAPE) {
		t->typing = false;
		say(t, false, "not changed");
	} else if (k == TUNE_KEY_ENTER) {
		submit(t);
	} else if (k == TUNE_KEY_BACKSPACE) {
		if (n)
			t->typed[n - 1] = '\0';
	} else if (ch && n + 1 < sizeof(t->typed)) {
		t->typed[n] = (char)ch;
		t->typed[n + 1] = '\0';
	}
}

/* One key: false to quit. */
static bool key(struct tune *t, enum tune_key k, int ch)
{
	char line[JSD_NAME_MAX + 16];

	if (t->typing && k != TUNE_KEY_RESIZE) {
		key_typing(t, k, ch);
		return true;
	}
	switch (k) {
	case TUNE_KEY_QUIT:
		return false;
	case TUNE_KEY_PREV:
		t->selected = t->selected ? t->selected - 1 : t->n_params - 1;
		break;
	case TUNE_KEY_NEXT:
		t->selected = (t->selected + 1) % t->n_params;
		break;
	case TUNE_KEY_INC:
	case TUNE_KEY_DEC:
		step(t, k == TUNE_KEY_INC ? 1 : -1, false);
		break;
	case TUNE_KEY_INC_BIG:
	case TUNE_KEY_DEC_BIG:
		step(t, k == TUNE_KEY_INC_BIG ? 1 : -1, true);
		break;
	case TUNE_KEY_TYPE:
	case TUNE_KEY_ENTER:
		t->typing = true;
		t->typed[0] = '\0';
		break;
	case TUNE_KEY_AXIS_NEXT:
	case TUNE_KEY_AXIS_PREV:
		switch_axis(t, k == TUNE_KEY_AXIS_NEXT ? 1 : -1);
		break;
	case TUNE_KEY_CENTRE:
		snprintf(line, sizeof(line), "recenter %s", t->axis);
		if (request(t, line, NULL) == 0)
			say(t, false, "[axis %s] back to its trim", t->axis);
		break;
	case TUNE_KEY_UNDO:
		undo(t);
		break;
	case TUNE_KEY_REVERT:
		revert(t);
		break;
	case TUNE_KEY_SAVE:
		save(t);
		break;
	case TUNE_KEY_RESIZE:
	case TUNE_KEY_NONE:
	case TUNE_KEY_ESCAPE:
	case TUNE_KEY_BACKSPACE:
	case TUNE_KEY_OTHER:
		break;
	}
	return true;
}

/* ---- the loop */

static void draw(struct tune *t)
{
	char prompt[64];
	struct tune_view v = {
		.utf8 = t->utf8, .color = t->color, .axis = t->a, .profile = t->profile,
		.axis_index = t->axis_index, .n_axes = t->n_axes, .active = t->active,
		.unsaved = t->unsaved, .position = t->position, .trim = t->trim,
		.output = t->output, .value = t->value, .counts_per_s = t->counts,
		.rows = t->rows, .n_rows = t->n_params, .selected = t->selected,
		.help = t->params[t->selected].help,
		.message = t->message[0] ? t->message : NULL, .message_error = t->message_error,
	};

	if (t->typing) {
		const struct param *p = &t->params[t->selected];

		snprintf(prompt, sizeof(prompt), "%s = %s", p->kind == PARAM_CURVE_PARAM ||
			 p->kind == PARAM_CURVE ? "curve" : p->key,
			 p->kind == PARAM_CURVE_PARAM ? curve_kind(&t->a->response.curve) : "");
		if (p->kind == PARAM_CURVE_PARAM)
			strcat(prompt, ":");
		v.prompt = prompt;
		v.typed = t->typed;
	}
	rows_build(t);
	tune_draw(&v);
}

/* Until a quit key or signal, or the daemon is lost: false then. */
static bool run(struct tune *t)
{
	const uint64_t period = 1000 / TUNE_HZ;
	uint64_t next = 0;

	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		uint64_t now = now_ms();
		enum tune_key k;
		int ch;

		if (quit_signal)
			return true;
		if (now >= next) {
			if (poll_daemon(t) < 0)
				return false;
			draw(t);
			next = now + period;
		}
		if (poll(&pfd, 1, (int)(next > now ? next - now : 0)) <= 0)
			continue;	/* time for the next frame, or a signal */
		while ((k = tune_key_read(&ch)) != TUNE_KEY_NONE) {
			if (!key(t, k, ch))
				return true;
			if (t->lost)
				return false;
			draw(t);
		}
	}
}

static void tune_free(struct tune *t)
{
	free(t->text);
	jsd_config_free(t->cfg);
	for (unsigned int u = 0; u < t->n_undo; u++)
		undo_free(&t->undo[u]);
}

/* Before the screen is taken: the daemon's file, the text, the axis.  An exit status, or 0. */
static int start(struct tune *t, const char *axis)
{
	char *info, *state;
	int r;

	if (request(t, "save-info", &info) || request(t, "profile", &state)) {
		fprintf(stderr, "joystickctl: %s\n", t->lost ? t->lost_why : t->message);
		return 1;
	}
	if (strncmp(info, "path ", 5) == 0)
		snprintf(t->path, sizeof(t->path), "%.*s", (int)strcspn(info + 5, "\n"), info + 5);
	sscanf(state, "profile: %47s", t->profile);
	free(info);
	free(state);
	if (axis)
		snprintf(t->axis, sizeof(t->axis), "%s", axis);
	r = load(t);
	if (r == 0 && axis && strcmp(t->axis, axis) != 0)
		r = 1;
	if (r) {
		fprintf(stderr, "joystickctl: %s\n", t->lost ? t->lost_why :
			axis ? "no such axis in the current profile" : t->message);
		return 1;
	}
	t->message[0] = '\0';
	return 0;
}

int ctl_tune(struct ctl_conn *c, const char *axis)
{
	struct sigaction sa = { .sa_handler = on_quit_signal };
	const char *no_color = getenv("NO_COLOR");
	struct tune *t = calloc(1, sizeof(*t));
	bool ok;
	int r;

	if (!t)
		return 1;
	t->c = c;
	/* Characters only: numbers stay in the C locale, as the ini has them. */
	setlocale(LC_CTYPE, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->color = !no_color || !*no_color;
	r = start(t, axis);
	if (r) {
		tune_free(t);
		free(t);
		return r;
	}

	/* Ours before initscr(), so that ncurses leaves them to us. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (tune_screen_start(t->color) < 0) {
		fprintf(stderr, "joystickctl: this terminal cannot be drawn on (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		tune_free(t);
		free(t);
		return 1;
	}

	ok = run(t);

	tune_screen_stop();
	r = 0;
	if (!ok) {
		fprintf(stderr, "joystickctl: lost joystickd (%s): tune ended\n", t->lost_why);
		r = 1;
	} else if (quit_signal && quit_signal != SIGINT) {
		fprintf(stderr, "joystickctl: tune ended by %s\n", strsignal(quit_signal));
		r = 1;
	}
	tune_free(t);
	free(t);
	return r;
}
