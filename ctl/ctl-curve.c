// SPDX-License-Identifier: GPL-2.0-or-later
/* Curve plots and configuration checks from a file, without the daemon. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ctl-curve.h"
#include "engine/config.h"
#include "engine/plot.h"

#define EXIT_CONFIG	78

static int load(const char *path, struct jsd_config **ret)
{
	struct jsd_error err;
	char line[600];

	if (jsd_config_load(path, ret, &err) < 0) {
		fprintf(stderr, "%s\n", jsd_error_format(&err, line, sizeof(line)));
		return EXIT_CONFIG;
	}
	return 0;
}

int ctl_check_config(const char *path)
{
	struct jsd_config *cfg;
	int r = load(path, &cfg);

	if (r != 0)
		return r;
	for (unsigned int i = 0; i < cfg->n_warnings; i++) {
		char line[600];

		fprintf(stderr, "%s\n", jsd_warning_format(cfg, &cfg->warnings[i], line, sizeof(line)));
	}
	printf("%s: OK: profiles %u, [mouse] sections %u, stick axes %u, stick buttons %u\n",
	       path, cfg->n_profiles, cfg->n_mice, cfg->stick.n_axes, cfg->stick.n_buttons);
	jsd_config_free(cfg);
	return 0;
}

static int write_svg(const char *path, const struct jsd_axis_cfg *axis)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		fprintf(stderr, "joystickctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (plot_svg(f, axis, CTL_CURVE_SVG_WIDTH, CTL_CURVE_SVG_HEIGHT) < 0 || fclose(f) != 0) {
		fprintf(stderr, "joystickctl: writing %s failed\n", path);
		return 1;
	}
	return 0;
}

int ctl_curve_from_file(const struct ctl_curve_opts *o)
{
	const struct jsd_profile *p;
	struct jsd_config *cfg;
	int r, i;

	r = load(o->config, &cfg);
	if (r != 0)
		return r;
	i = o->profile ? jsd_config_find_profile(cfg, o->profile) : 0;
	if (i < 0) {
		fprintf(stderr, "joystickctl: no profile '%s' in %s\n", o->profile, o->config);
		r = 1;
		goto out;
	}
	p = &cfg->profiles[i];
	i = jsd_profile_find_axis(p, o->axis);
	if (i < 0) {
		fprintf(stderr, "joystickctl: no axis '%s' in profile %s of %s\n", o->axis, p->name,
			o->config);
		r = 1;
		goto out;
	}
	if (o->svg)
		r = write_svg(o->svg, &p->axes[i]);
	else
		r = plot_ascii(stdout, &p->axes[i], o->cols, o->rows, NAN) < 0;
 out:
	jsd_config_free(cfg);
	return r;
}
