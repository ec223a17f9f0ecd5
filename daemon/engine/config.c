// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading joystickd.ini with libinih.
 *
 * Debian's libinih has no INI_HANDLER_LINENO, so the file is read through
 * ini_parse_stream() with our own reader: it counts lines (inih calls the
 * handler for a line right after the reader returned it), sees every
 * section line (so a section without keys is still checked), rejects lines
 * inih would mangle (too long, no '='), and strips leading blanks so inih
 * never takes an indented line for a continuation of the previous value.
 * The first error stops the parse.
 */
#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/escape.h"
#include "config-int.h"

void parser_error(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	if (p->errno_code == 0)
		p->errno_code = -EINVAL;
	p->err->line = line;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
}

void parser_warning(struct parser *p, unsigned int line, const char *fmt, ...)
{
	struct jsd_config *cfg = p->cfg;
	struct jsd_warning *w;
	va_list ap;

	if (p->failed)
		return;
	w = reallocarray(cfg->warnings, cfg->n_warnings + 1, sizeof(*w));
	if (!w) {
		parser_oom(p);
		return;
	}
	cfg->warnings = w;
	w = &w[cfg->n_warnings++];
	w->line = line;
	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
}

struct jsd_profile *parser_profile(struct parser *p)
{
	return &p->cfg->profiles[p->cfg->n_profiles - 1];
}

struct jsd_axis_cfg *parser_axis(struct parser *p)
{
	return &parser_profile(p)->axes[p->item];
}

struct jsd_button_cfg *parser_button(struct parser *p)
{
	return &parser_profile(p)->buttons[p->item];
}

struct jsd_mouse_cfg *parser_mouse(struct parser *p)
{
	return &p->cfg->mice[p->item];
}

unsigned int parser_key_line(const struct parser *p, const char *key)
{
	unsigned int n;
	const struct key_desc *keys = section_keys(p->kind, &n);

	for (unsigned int i = 0; i < n; i++)
		if (strcmp(keys[i].name, key) == 0)
			return p->key_line[i];
	return 0;
}

void parser_oom(struct parser *p)
{
	p->errno_code = -ENOMEM;
	parser_error(p, p->line, "out of memory");
}

int parser_add_ref(struct parser *p, enum ref_kind kind, unsigned int profile,
		   unsigned int index, const char *text)
{
	struct ref *refs = reallocarray(p->refs, p->n_refs + 1, sizeof(*refs));

	if (!refs) {
		parser_oom(p);
		return -ENOMEM;
	}
	p->refs = refs;
	refs[p->n_refs] = (struct ref){
		.kind = kind, .profile = profile, .index = index,
		.line = p->line, .text = strdup(text),
	};
	if (!refs[p->n_refs].text) {
		parser_oom(p);
		return -ENOMEM;
	}
	p->n_refs++;
	return 0;
}

/* Appends one zeroed element to *array of *n elements; false when out of memory. */
static bool grow(struct parser *p, void **array, unsigned int *n, size_t size)
{
	char *a = reallocarray(*array, *n + 1, size);

	if (!a) {
		parser_oom(p);
		return false;
	}
	memset(a + *n * size, 0, size);
	*array = a;
	(*n)++;
	return true;
}

static bool new_profile(struct parser *p, const char *name, unsigned int line)
{
	struct jsd_config *cfg = p->cfg;

	if (jsd_config_find_profile(cfg, name) >= 0) {
		parser_error(p, p->line, "profile '%s' is defined twice%s", name,
			     strcmp(name, "default") == 0 ?
			     " (the sections before the first [profile] form 'default')" : "");
		return false;
	}
	if (!grow(p, (void **)&cfg->profiles, &cfg->n_profiles, sizeof(*cfg->profiles)))
		return false;
	strcpy(parser_profile(p)->name, name);
	parser_profile(p)->line = line;
	return true;
}

/* The profile an [axis] or [button] goes to: "default" if none was opened. */
static struct jsd_profile *mapping_profile(struct parser *p)
{
	p->profiles_started = true;
	if (p->cfg->n_profiles == 0 && !new_profile(p, "default", 0))
		return NULL;
	return parser_profile(p);
}

static void begin_axis(struct parser *p, const char *name)
{
	struct jsd_profile *profile = mapping_profile(p);
	struct jsd_axis_cfg *a;

	if (!profile)
		return;
	if (jsd_profile_find_axis(profile, name) >= 0) {
		parser_error(p, p->line, "[axis %s] is defined twice in profile '%s'",
			     name, profile->name);
		return;
	}
	if (!grow(p, (void **)&profile->axes, &profile->n_axes, sizeof(*profile->axes)))
		return;
	p->item = profile->n_axes - 1;
	a = parser_axis(p);
	strcpy(a->name, name);
	a->line = p->line;
	a->mouse = JSD_MOUSE_ANY;
	a->key_rate = 1.0;
	a->model = JSD_MODEL_SPRING;
	a->rate = 1.0;
	a->time_constant = 0.1;
	a->min = p->cfg->stick.min;
	a->max = p->cfg->stick.max;
	a->all_actions = true;
	a->response.curve.kind = CURVE_LINEAR;
}

static void begin_button(struct parser *p, const char *name)
{
	struct jsd_profile *profile = mapping_profile(p);

	if (!profile)
		return;
	for (unsigned int i = 0; i < profile->n_buttons; i++) {
		if (strcmp(profile->buttons[i].name, name) == 0) {
			parser_error(p, p->line, "[button %s] is defined twice in profile '%s'",
				     name, profile->name);
			return;
		}
	}
	if (!grow(p, (void **)&profile->buttons, &profile->n_buttons,
		  sizeof(*profile->buttons)))
		return;
	p->item = profile->n_buttons - 1;
	strcpy(parser_button(p)->name, name);
	parser_button(p)->line = p->line;
	parser_button(p)->mouse = JSD_MOUSE_ANY;
}

static void begin_mouse(struct parser *p, const char *name)
{
	struct jsd_config *cfg = p->cfg;

	if (strcmp(name, "any") == 0 || strcmp(name, "all") == 0) {
		parser_error(p, p->line, "a mouse cannot be called '%s'", name);
		return;
	}
	for (unsigned int i = 0; i < cfg->n_mice; i++) {
		if (strcmp(cfg->mice[i].name, name) == 0) {
			parser_error(p, p->line, "[mouse %s] is defined twice", name);
			return;
		}
	}
	if (!grow(p, (void **)&cfg->mice, &cfg->n_mice, sizeof(*cfg->mice)))
		return;
	p->item = cfg->n_mice - 1;
	strcpy(parser_mouse(p)->name, name);
	parser_mouse(p)->line = p->line;
}

/* A global section ([capture], [stick], [mouse]) must precede the profiles. */
static bool global_section(struct parser *p, bool *seen)
{
	if (p->profiles_started) {
		parser_error(p, p->line,
			     "%s must come before the first [profile], [axis] or [button] section",
			     p->section);
		return false;
	}
	if (seen && *seen) {
		parser_error(p, p->line, "%s is given twice", p->section);
		return false;
	}
	if (seen)
		*seen = true;
	return true;
}

/* A "[...]" line: @inner is the text between the brackets. */
static void section_begin(struct parser *p, char *inner)
{
	static const struct { const char *word; enum section_kind kind; bool named; } kinds[] = {
		{ "capture", SECTION_CAPTURE, false },
		{ "stick", SECTION_STICK, false },
		{ "mouse", SECTION_MOUSE, true },
		{ "profile", SECTION_PROFILE, true },
		{ "axis", SECTION_AXIS, true },
		{ "button", SECTION_BUTTON, true },
	};
	char *word, *name;
	size_t len, i;

	word = inner + strspn(inner, " \t");
	len = strlen(word);
	while (len > 0 && (word[len - 1] == ' ' || word[len - 1] == '\t'))
		word[--len] = '\0';
	name = word + strcspn(word, " \t");
	if (*name)
		*name++ = '\0';
	name += strspn(name, " \t");

	snprintf(p->section, sizeof(p->section), "[%s%s%.*s]", word, *name ? " " : "",
		 JSD_NAME_MAX, name);
	p->section_line = p->line;
	memset(p->key_line, 0, sizeof(p->key_line));
	p->kind = SECTION_NONE;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(word, kinds[i].word) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		parser_error(p, p->line,
			     "unknown section %s; expected [capture], [stick], [mouse NAME], [profile NAME], [axis NAME] or [button NAME]",
			     p->section);
		return;
	}
	if (kinds[i].named && !*name) {
		parser_error(p, p->line, "[%s] needs a name: [%s NAME]", word, word);
		return;
	}
	if (!kinds[i].named && *name) {
		parser_error(p, p->line, "[%s] takes no name", word);
		return;
	}
	if (kinds[i].named && !valid_name(name)) {
		parser_error(p, p->line,
			     "invalid name in %s: use up to %d letters, digits, '_', '.' and '-'",
			     p->section, JSD_NAME_MAX - 1);
		return;
	}
	p->kind = kinds[i].kind;

	switch (p->kind) {
	case SECTION_CAPTURE:
		global_section(p, &p->seen_capture);
		break;
	case SECTION_STICK:
		global_section(p, &p->seen_stick);
		break;
	case SECTION_MOUSE:
		if (global_section(p, NULL))
			begin_mouse(p, name);
		break;
	case SECTION_PROFILE:
		p->profiles_started = true;
		new_profile(p, name, p->line);
		break;
	case SECTION_AXIS:
		begin_axis(p, name);
		break;
	case SECTION_BUTTON:
		begin_button(p, name);
		break;
	case SECTION_NONE:
		break;
	}
}

/* inih's rule: a comment starts at ';' after a blank, or at the line start. */
static bool has_assignment(const char *s)
{
	bool was_space = false;

	for (; *s; s++) {
		if (*s == '=' || *s == ':')
			return true;
		if (was_space && *s == ';')
			return false;
		was_space = *s == ' ' || *s == '\t';
	}
	return false;
}

/* A "[section]" line, with only blanks or a comment after the ']'. */
static void section_line(struct parser *p, const char *s)
{
	const char *end = strchr(s, ']');
	const char *rest;

	if (!end) {
		parser_error(p, p->line, "expected ']' at the end of the section line");
		return;
	}
	rest = end + 1 + strspn(end + 1, " \t");
	if (*rest && *rest != ';' && *rest != '#') {
		parser_error(p, p->line, "unexpected text after ']'");
		return;
	}
	check_section_end(p);
	if (!p->failed) {
		char inner[INI_MAX_LINE];

		snprintf(inner, sizeof(inner), "%.*s", (int)(end - s - 1), s + 1);
		section_begin(p, inner);
	}
}

/* The ini_reader: one line per call, as fgets() would, or NULL to stop. */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	ssize_t len;
	char *s;

	if (p->failed)
		return NULL;
	errno = 0;
	len = getline(&p->buf, &p->buf_size, p->file);
	if (len < 0) {
		if (ferror(p->file)) {
			p->errno_code = errno ? -errno : -EIO;
			parser_error(p, 0, "read error: %s", strerror(-p->errno_code));
		}
		return NULL;
	}
	p->line++;
	while (len > 0 && (p->buf[len - 1] == '\n' || p->buf[len - 1] == '\r'))
		p->buf[--len] = '\0';
	if (strlen(p->buf) != (size_t)len) {
		parser_error(p, p->line, "the line contains a NUL byte");
		return NULL;
	}
	s = p->buf;
	if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;		/* a UTF-8 byte order mark */
	s += strspn(s, " \t");
	if (*s == ';' || *s == '#' || *s == '\0')
		return strcpy(str, "\n");	/* comments may be of any length */
	if (escape_has_control(s)) {
		char shown[ESCAPE_SIZE(80)];

		/* Names end up in the stick's name, logs and terminals. */
		parser_error(p, p->line,
			     "control characters and invalid UTF-8 are not allowed: '%s'",
			     escape_string(s, shown, sizeof(shown)));
		return NULL;
	}
	if (strlen(s) + 2 > (size_t)num) {
		parser_error(p, p->line, "the line is longer than %d characters", num - 2);
		return NULL;
	}
	if (*s == '[')
		section_line(p, s);
	else if (!has_assignment(s))
		parser_error(p, p->line, "expected 'key = value', a [section] or a comment");
	if (p->failed)
		return NULL;
	snprintf(str, (size_t)num, "%s\n", s);
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const struct key_desc *keys;
	unsigned int n, i;

	if (p->failed)
		return 0;
	if (p->kind == SECTION_NONE) {
		parser_error(p, p->line, "'%s' is outside of any section", name);
		return 0;
	}
	keys = section_keys(p->kind, &n);
	for (i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			break;
	if (i == n) {
		parser_error(p, p->line, "unknown key '%s' in %s", name, p->section);
		return 0;
	}
	if (p->key_line[i] && !keys[i].repeat) {
		parser_error(p, p->line, "'%s' is given twice in %s (first on line %u)",
			     name, p->section, p->key_line[i]);
		return 0;
	}
	if (!p->key_line[i])
		p->key_line[i] = p->line;
	keys[i].set(p, name, value);
	return !p->failed;
}

static struct jsd_config *config_new(const char *path)
{
	struct jsd_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->path = strdup(path);
	if (!cfg->path) {
		free(cfg);
		return NULL;
	}
	cfg->capture = (struct jsd_capture_cfg){
		.backend = JSD_BACKEND_AUTO,
		.all_mice = true,
		.swallow = JSKF_CLASS_ALL,
		.toggle_key = KEY_SCROLLLOCK,
		.on_toggle_off = JSD_TOGGLE_OFF_HOLD,
		.active_at_start = false,
	};
	strcpy(cfg->stick.name, JSD_STICK_DEFAULT_NAME);
	cfg->stick.id = (struct jskf_input_id){
		.bustype = JSD_STICK_DEFAULT_BUS,
		.vendor = JSD_STICK_DEFAULT_VENDOR,
		.product = JSD_STICK_DEFAULT_PRODUCT,
		.version = JSD_STICK_DEFAULT_VERSION,
	};
	cfg->stick.min = JSD_STICK_DEFAULT_MIN;
	cfg->stick.max = JSD_STICK_DEFAULT_MAX;
	cfg->stick.update_rate = JSD_STICK_DEFAULT_UPDATE_RATE;
	return cfg;
}

/* Parses @file into a new configuration; the caller closes @file. */
static int parse_file(FILE *file, const char *name, struct jsd_config **ret,
		      struct jsd_error *err)
{
	struct parser p = { .err = err, .file = file };
	int r;

	p.cfg = config_new(name);
	p.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!p.cfg || !p.c_locale) {
		parser_oom(&p);
		goto out;
	}

	r = ini_parse_stream(reader, &p, handler, &p);
	if (r != 0)
		parser_error(&p, r > 0 ? (unsigned int)r : 0, "syntax error");
	if (!p.failed)
		check_section_end(&p);
	if (!p.failed)
		check_file_end(&p);

out:
	for (unsigned int i = 0; i < p.n_refs; i++)
		free(p.refs[i].text);
	free(p.refs);
	free(p.buf);
	if (p.c_locale)
		freelocale(p.c_locale);
	if (p.failed) {
		jsd_config_free(p.cfg);
		return p.errno_code;
	}
	*ret = p.cfg;
	return 0;
}

static void error_init(struct jsd_error *err, const char *name)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
}

int jsd_config_load(const char *path, struct jsd_config **ret, struct jsd_error *err)
{
	FILE *f;
	int r;

	error_init(err, path);
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		snprintf(err->message, sizeof(err->message), "cannot open: %s", strerror(-r));
		return r;
	}
	r = parse_file(f, path, ret, err);
	fclose(f);
	return r;
}

int jsd_config_parse_string(const char *name, const char *text,
			    struct jsd_config **ret, struct jsd_error *err)
{
	return jsd_config_parse_buffer(name, text, strlen(text), ret, err);
}

int jsd_config_parse_buffer(const char *name, const char *text, size_t len,
			    struct jsd_config **ret, struct jsd_error *err)
{
	FILE *f;
	int r;

	error_init(err, name);
	f = fmemopen((void *)text, len, "r");
	if (!f) {
		r = -errno;
		snprintf(err->message, sizeof(err->message), "cannot read: %s", strerror(-r));
		return r;
	}
	r = parse_file(f, name, ret, err);
	fclose(f);
	return r;
}

struct jsd_config *jsd_config_free(struct jsd_config *cfg)
{
	if (!cfg)
		return NULL;
	for (unsigned int i = 0; i < cfg->n_mice; i++) {
		free(cfg->mice[i].match);
		free(cfg->mice[i].phys);
	}
	free(cfg->mice);
	for (unsigned int i = 0; i < cfg->n_profiles; i++) {
		free(cfg->profiles[i].axes);
		free(cfg->profiles[i].buttons);
		for (unsigned int j = 0; j < cfg->profiles[i].n_games; j++)
			free(cfg->profiles[i].games[j]);
		free(cfg->profiles[i].games);
	}
	free(cfg->profiles);
	free(cfg->warnings);
	free(cfg->path);
	free(cfg);
	return NULL;
}

char *jsd_error_format(const struct jsd_error *err, char *buf, size_t size)
{
	if (err->line)
		snprintf(buf, size, "%s:%u: %s", err->file, err->line, err->message);
	else
		snprintf(buf, size, "%s: %s", err->file, err->message);
	return buf;
}

char *jsd_warning_format(const struct jsd_config *cfg, const struct jsd_warning *w,
			 char *buf, size_t size)
{
	if (w->line)
		snprintf(buf, size, "%s:%u: warning: %s", cfg->path, w->line, w->message);
	else
		snprintf(buf, size, "%s: warning: %s", cfg->path, w->message);
	return buf;
}

int jsd_config_match_mouse(const struct jsd_config *cfg, const char *name,
			   uint16_t vendor, uint16_t product, const char *phys)
{
	for (unsigned int i = 0; i < cfg->n_mice; i++) {
		const struct jsd_mouse_cfg *m = &cfg->mice[i];

		if (m->match && (!name || fnmatch(m->match, name, 0) != 0))
			continue;
		if (m->has_id && (m->vendor != vendor || m->product != product))
			continue;
		if (m->phys && (!phys || fnmatch(m->phys, phys, 0) != 0))
			continue;
		return (int)i;
	}
	return -1;
}

bool jsd_config_has_games(const struct jsd_config *cfg)
{
	for (unsigned int i = 0; i < cfg->n_profiles; i++)
		if (cfg->profiles[i].n_games)
			return true;
	return false;
}

bool jsd_config_captures(const struct jsd_config *cfg, int mouse)
{
	if (cfg->capture.all_mice)
		return true;
	return mouse >= 0 && (unsigned int)mouse < cfg->n_mice && cfg->mice[mouse].captured;
}

int jsd_config_find_profile(const struct jsd_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_profiles; i++)
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int jsd_profile_find_axis(const struct jsd_profile *profile, const char *name)
{
	for (unsigned int i = 0; i < profile->n_axes; i++)
		if (strcmp(profile->axes[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

bool jsd_stick_equal(const struct jsd_stick_cfg *a, const struct jsd_stick_cfg *b)
{
	if (strcmp(a->name, b->name) != 0 || memcmp(&a->id, &b->id, sizeof(a->id)) != 0 ||
	    a->n_axes != b->n_axes || a->n_buttons != b->n_buttons)
		return false;
	for (unsigned int i = 0; i < a->n_axes; i++)
		if (a->axes[i].code != b->axes[i].code || a->axes[i].min != b->axes[i].min ||
		    a->axes[i].max != b->axes[i].max)
			return false;
	for (unsigned int i = 0; i < a->n_buttons; i++)
		if (a->buttons[i] != b->buttons[i])
			return false;
	return true;
}

static void key_set(uint64_t bits[JSKF_KEY_WORDS], uint16_t code)
{
	if (code && code < JSKF_KEY_WORDS * 64)
		bits[code / 64] |= 1ull << (code % 64);
}

void jsd_config_capture_keys(const struct jsd_config *cfg, uint64_t bits[JSKF_KEY_WORDS])
{
	unsigned int i, j;

	memset(bits, 0, JSKF_KEY_WORDS * sizeof(bits[0]));
	for (i = JSKF_POINTER_BUTTONS_FIRST; i <= JSKF_POINTER_BUTTONS_LAST; i++)
		key_set(bits, i);
	for (i = 0; i < cfg->n_profiles; i++) {
		const struct jsd_profile *p = &cfg->profiles[i];

		for (j = 0; j < p->n_buttons; j++)
			key_set(bits, p->buttons[j].input);
		for (j = 0; j < p->n_axes; j++) {
			key_set(bits, p->axes[j].modifier);
			key_set(bits, p->axes[j].key_increase);
			key_set(bits, p->axes[j].key_decrease);
		}
	}
}
