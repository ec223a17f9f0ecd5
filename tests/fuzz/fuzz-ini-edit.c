// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the ini rewriter (ini-edit.h) on any text.
 *
 * For any input: no edit gives the same bytes back, and an edit either
 * applies or says why.  For a text the loader accepts, for every [axis]
 * of every profile: setting a key to the value it has gives the same
 * bytes back; a new value of a key it has changes exactly one line, and
 * the loader reads that value there and nothing else changed; a key it
 * does not have goes into that section and no other (the loader reads it
 * there); and removing it again gives the text back.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/config.h"
#include "engine/ini-edit.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *apply1(const char *text, size_t len, const char *profile, const char *axis,
		    const char *key, const char *value, size_t *ret_len)
{
	const char *values[] = { value };
	struct ini_edit e = { .profile = profile, .axis = axis, .key = key, .values = values,
			      .n_values = value ? 1 : 0 };
	char *out = NULL;

	FUZZ_CHECK(ini_edit_apply(text, len, &e, 1, &out, ret_len, NULL) == 0,
		   "an edit of a section the loader read failed");
	return out;
}

static unsigned int lines_differing(const char *a, size_t la, const char *b, size_t lb)
{
	const char *ea = a + la, *eb = b + lb;
	unsigned int n = 0;

	while (a < ea || b < eb) {
		const char *na = memchr(a, '\n', ea - a), *nb = memchr(b, '\n', eb - b);
		size_t sa = na ? (size_t)(na - a) : (size_t)(ea - a);
		size_t sb = nb ? (size_t)(nb - b) : (size_t)(eb - b);

		n += sa != sb || memcmp(a, b, sa) != 0;
		a += sa + (na != NULL);
		b += sb + (nb != NULL);
	}
	return n;
}

/* The sensitivity of every axis of @cfg, in order, to compare two loads. */
static void sensitivities(const struct jsd_config *cfg, double *out, unsigned int *n)
{
	*n = 0;
	for (unsigned int p = 0; p < cfg->n_profiles; p++)
		for (unsigned int a = 0; a < cfg->profiles[p].n_axes && *n < 256; a++)
			out[(*n)++] = cfg->profiles[p].axes[a].sensitivity;
}

static void check_axis(const char *text, size_t len, const struct jsd_config *cfg,
		       unsigned int p, unsigned int a)
{
	const struct jsd_profile *profile = &cfg->profiles[p];
	const struct jsd_axis_cfg *axis = &profile->axes[a];
	double before[256], after[256];
	unsigned int n_before, n_after, n, self = a;
	struct jsd_config *cfg2 = NULL;
	struct jsd_error err;
	char **v, *out, *back;
	size_t out_len, back_len;

	/* Every key it has, set to the value it has: the same bytes. */
	for (unsigned int k = 0; jsd_axis_key(k); k++) {
		FUZZ_CHECK(ini_edit_values(text, len, profile->name, axis->name, jsd_axis_key(k),
					   &v, &n) == 0, "a section the loader read is not found");
		if (n == 1) {
			out = apply1(text, len, profile->name, axis->name, jsd_axis_key(k), v[0],
				     &out_len);
			FUZZ_CHECK(out_len == len && memcmp(out, text, len) == 0,
				   "a key set to its own value changed the text");
			free(out);
		}
		ini_edit_values_free(v);
	}
	if (!axis->has_source)
		return;

	/* sensitivity: a new value is one line, read back in this axis alone. */
	for (unsigned int q = 0; q < p; q++)
		self += cfg->profiles[q].n_axes;
	sensitivities(cfg, before, &n_before);
	out = apply1(text, len, profile->name, axis->name, "sensitivity", "123.5", &out_len);
	FUZZ_CHECK(jsd_config_parse_buffer("fuzz.ini", out, out_len, &cfg2, &err) == 0,
		   "the loader refuses a file it read with a valid sensitivity written in");
	sensitivities(cfg2, after, &n_after);
	FUZZ_CHECK(n_after == n_before, "the edit changed the axes");
	for (unsigned int i = 0; i < n_after && i < 256; i++)
		FUZZ_CHECK(i == self ? after[i] == 123.5 : after[i] == before[i],
			   "the new sensitivity is not where it was written");
	jsd_config_free(cfg2);
	if (ini_edit_values(text, len, profile->name, axis->name, "sensitivity", &v, &n) == 0) {
		if (n == 1)
			FUZZ_CHECK(lines_differing(text, len, out, out_len) == 1,
				   "a new value changed more than its line");
		ini_edit_values_free(v);
	}
	/* A key taken out: the text it was before it came in. */
	if (n == 0) {
		back = apply1(out, out_len, profile->name, axis->name, "sensitivity", NULL,
			      &back_len);
		FUZZ_CHECK(back_len == len && memcmp(back, text, len) == 0,
			   "a key added and removed again changed the text");
		free(back);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	const char *text = (const char *)data;
	char *out = NULL;
	size_t out_len = 0;

	FUZZ_CHECK(ini_edit_apply(text, size, NULL, 0, &out, &out_len, NULL) == 0,
		   "no edit failed");
	FUZZ_CHECK(out_len == size && memcmp(out, text, size) == 0, "no edit changed the text");
	free(out);

	if (jsd_config_parse_buffer("fuzz.ini", text, size, &cfg, &err) < 0)
		return 0;
	for (unsigned int p = 0; p < cfg->n_profiles; p++)
		for (unsigned int a = 0; a < cfg->profiles[p].n_axes; a++)
			check_axis(text, size, cfg, p, a);
	jsd_config_free(cfg);
	return 0;
}
