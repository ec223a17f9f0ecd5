// SPDX-License-Identifier: GPL-2.0-or-later
/* `joystickctl doctor`'s lines and its report, as text or JSON; see doctor.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "engine/config.h"

static const char *const level_words[] = {
	[DOCTOR_OK] = "ok", [DOCTOR_NOTE] = "note", [DOCTOR_WARN] = "warn", [DOCTOR_FAIL] = "fail",
};

void doctor_add(struct doctor *d, enum doctor_level level, const char *check, const char *fix,
		const char *fmt, ...)
{
	struct doctor_line *lines = reallocarray(d->lines, d->n_lines + 1, sizeof(*lines));
	struct doctor_line *l;
	va_list ap;
	int r;

	if (!lines)
		abort();	/* a few hundred bytes: nothing sensible to do without them */
	d->lines = lines;
	l = &lines[d->n_lines++];
	*l = (struct doctor_line){ .level = level };
	snprintf(l->check, sizeof(l->check), "%s", check);
	va_start(ap, fmt);
	r = vasprintf(&l->message, fmt, ap);
	va_end(ap);
	if (r < 0 || (fix && !(l->fix = strdup(fix))))
		abort();
}

void doctor_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void count(const struct doctor *d, size_t *fails, size_t *warns)
{
	*fails = *warns = 0;
	for (size_t i = 0; i < d->n_lines; i++) {
		*fails += d->lines[i].level == DOCTOR_FAIL;
		*warns += d->lines[i].level == DOCTOR_WARN;
	}
}

static void print_json(const struct doctor *d, FILE *out, size_t fails, size_t warns)
{
	fprintf(out, "{\"game_sees_stick\": %s, \"problems\": %zu, \"checks\": [",
		fails ? "false" : "true", fails + warns);
	for (size_t i = 0; i < d->n_lines; i++) {
		const struct doctor_line *l = &d->lines[i];

		fprintf(out, "%s\n  {\"check\": ", i ? "," : "");
		doctor_json_string(out, l->check);
		fprintf(out, ", \"level\": \"%s\", \"message\": ", level_words[l->level]);
		doctor_json_string(out, l->message);
		fputs(", \"fix\": ", out);
		if (l->fix)
			doctor_json_string(out, l->fix);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputs("\n]}\n", out);
}

int doctor_print(const struct doctor *d, FILE *out, bool json)
{
	size_t fails, warns;

	count(d, &fails, &warns);
	if (json) {
		print_json(d, out, fails, warns);
		return fails + warns ? 1 : 0;
	}
	for (size_t i = 0; i < d->n_lines; i++) {
		const struct doctor_line *l = &d->lines[i];

		fprintf(out, "%-4s  %-8s %s\n", level_words[l->level], l->check, l->message);
		if (l->fix)
			fprintf(out, "      %-8s fix: %s\n", "", l->fix);
	}
	if (fails)
		fprintf(out, "A game will not see the stick, or cannot use it: %zu failing line%s%s.\n",
			fails, fails == 1 ? "" : "s", warns ? ", and warnings" : "");
	else if (warns)
		fprintf(out, "A game will see the stick, but %zu warning%s above need%s a look.\n",
			warns, warns == 1 ? "" : "s", warns == 1 ? "s" : "");
	else
		fprintf(out, "A game will see the stick: all is well.\n");
	return fails + warns ? 1 : 0;
}

void doctor_free(struct doctor *d)
{
	for (size_t i = 0; i < d->n_lines; i++) {
		free(d->lines[i].message);
		free(d->lines[i].fix);
	}
	free(d->lines);
	free(d->daemon.devices);
	jsd_config_free(d->cfg);
}
