// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers of single values: numbers (the same in every locale), booleans,
 * event code names, curves, ids and lists.  Each reports its own error,
 * naming the key, and returns -EINVAL.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "config-int.h"

static size_t span_digits(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* [+-] digits [. digits] [e [+-] digits], or [+-] . digits [...]: no hex, inf or nan. */
static bool is_decimal(const char *s)
{
	size_t ints, fracs = 0;

	if (*s == '+' || *s == '-')
		s++;
	ints = span_digits(s);
	s += ints;
	if (*s == '.') {
		fracs = span_digits(++s);
		s += fracs;
	}
	if (ints + fracs == 0)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (span_digits(s) == 0)
			return false;
		s += span_digits(s);
	}
	return *s == '\0';
}

int value_double(struct parser *p, const char *key, const char *v,
		 double min, double max, double *ret)
{
	double d;

	if (!is_decimal(v))
		goto invalid;
	d = strtod_l(v, NULL, p->c_locale);
	if (!(d >= min && d <= max))
		goto invalid;
	*ret = d;
	return 0;

invalid:
	parser_error(p, p->line, "%s: expected a number from %g to %g, got '%s'",
		     key, min, max, v);
	return -EINVAL;
}

int value_int(struct parser *p, const char *key, const char *v,
	      long long min, long long max, long long *ret)
{
	const char *s = v;
	bool hex = s[0] == '0' && s[1] == 'x';
	long long n;
	char *end;

	if (hex) {
		if (!isxdigit((unsigned char)s[2]))
			goto invalid;
	} else {
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			goto invalid;
	}
	errno = 0;
	n = strtoll(v, &end, hex ? 16 : 10);	/* never octal */
	if (errno || *end || n < min || n > max)
		goto invalid;
	*ret = n;
	return 0;

invalid:
	parser_error(p, p->line, "%s: expected an integer from %lld to %lld, got '%s'",
		     key, min, max, v);
	return -EINVAL;
}

int value_bool(struct parser *p, const char *key, const char *v, bool *ret)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	parser_error(p, p->line, "%s: expected yes or no, got '%s'", key, v);
	return -EINVAL;
}

int value_code(struct parser *p, const char *key, const char *v,
	       uint16_t type, uint16_t *ret)
{
	const char *what = type == EV_KEY ? "a KEY_* or BTN_*" :
			   type == EV_REL ? "a REL_*" : "an ABS_*";
	uint16_t t, code;

	if (codes_from_name(v, &t, &code) < 0) {
		parser_error(p, p->line, "%s: unknown event code '%s', expected %s name",
			     key, v, what);
		return -EINVAL;
	}
	if (t != type) {
		parser_error(p, p->line, "%s: expected %s code, got %s", key, what, v);
		return -EINVAL;
	}
	*ret = code;
	return 0;
}

bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= JSD_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.-") == n;
}

/* "kind" or "kind:param", blanks allowed around the colon. */
int value_curve(struct parser *p, const char *key, const char *v,
		struct curve *ret)
{
	const char *colon = strchr(v, ':');
	size_t len = colon ? (size_t)(colon - v) : strlen(v);
	const char *param = colon ? colon + 1 : NULL;

	while (len > 0 && isblank((unsigned char)v[len - 1]))
		len--;
	if (param)
		param += strspn(param, " \t");

	if (len == 6 && strncmp(v, "linear", len) == 0 && !param) {
		ret->kind = CURVE_LINEAR;
		return 0;
	}
	if (len == 6 && strncmp(v, "points", len) == 0 && !param) {
		ret->kind = CURVE_POINTS;
		return 0;
	}
	if (len == 4 && strncmp(v, "expo", len) == 0 && param) {
		ret->kind = CURVE_EXPO;
		return value_double(p, "curve = expo", param, 0, 1, &ret->param);
	}
	if (len == 5 && strncmp(v, "power", len) == 0 && param) {
		ret->kind = CURVE_POWER;
		return value_double(p, "curve = power", param, 0.1, 10, &ret->param);
	}
	parser_error(p, p->line,
		     "%s: expected linear, expo:FACTOR, power:EXPONENT or points, got '%s'",
		     key, v);
	return -EINVAL;
}

/* "x, y", "x,y" or "x y": appended to the curve's points. */
int value_point(struct parser *p, const char *key, const char *v,
		struct curve *curve)
{
	char buf[64], *x, *y, *save = NULL;

	if (curve->n >= CURVE_MAX_POINTS) {
		parser_error(p, p->line, "%s: more than %d points", key, CURVE_MAX_POINTS);
		return -EINVAL;
	}
	if (strlen(v) >= sizeof(buf))
		goto invalid;
	strcpy(buf, v);
	x = strtok_r(buf, ", \t", &save);
	y = strtok_r(NULL, ", \t", &save);
	if (!x || !y || strtok_r(NULL, ", \t", &save))
		goto invalid;
	if (value_double(p, "point x", x, -1, 1, &curve->x[curve->n]) < 0 ||
	    value_double(p, "point y", y, -1, 1, &curve->y[curve->n]) < 0)
		return -EINVAL;
	curve->n++;
	return 0;

invalid:
	parser_error(p, p->line, "%s: expected X, Y (two numbers from -1 to 1), got '%s'",
		     key, v);
	return -EINVAL;
}

static bool hex16(const char *s, size_t len, uint16_t *ret)
{
	unsigned int v = 0;

	if (len < 1 || len > 4)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		v = v * 16 + (unsigned int)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
					     tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*ret = (uint16_t)v;
	return true;
}

int value_usb_id(struct parser *p, const char *key, const char *v,
		 uint16_t *ret_vendor, uint16_t *ret_product)
{
	const char *colon = strchr(v, ':');

	if (!colon || !hex16(v, (size_t)(colon - v), ret_vendor) ||
	    !hex16(colon + 1, strlen(colon + 1), ret_product)) {
		parser_error(p, p->line,
			     "%s: expected VENDOR:PRODUCT in hex as lsusb shows it (046d:c077), got '%s'",
			     key, v);
		return -EINVAL;
	}
	return 0;
}

int value_swallow(struct parser *p, const char *key, const char *v, uint32_t *ret)
{
	static const struct { const char *name; uint32_t bits; } classes[] = {
		{ "motion", JSKF_CLASS_MOTION },
		{ "wheel", JSKF_CLASS_WHEEL },
		{ "buttons", JSKF_CLASS_BUTTONS },
	};
	char buf[128], *word, *save = NULL;
	uint32_t bits = 0;

	if (strcmp(v, "all") == 0) {
		*ret = JSKF_CLASS_ALL;
		return 0;
	}
	if (strcmp(v, "none") == 0) {
		*ret = 0;
		return 0;
	}
	if (!*v || strlen(v) >= sizeof(buf))
		goto invalid;
	strcpy(buf, v);
	for (word = strtok_r(buf, ", \t", &save); word; word = strtok_r(NULL, ", \t", &save)) {
		size_t i;

		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			if (strcmp(word, classes[i].name) == 0)
				break;
		if (i == sizeof(classes) / sizeof(classes[0]))
			goto invalid;
		bits |= classes[i].bits;
	}
	*ret = bits;
	return 0;

invalid:
	parser_error(p, p->line,
		     "%s: expected all, none or a list of motion, wheel and buttons, got '%s'",
		     key, v);
	return -EINVAL;
}
