// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket commands (joystickctl(1)).  They run on the event
 * loop and take manager.lock only while they look at or change the
 * engine, the stick or the counters; the main thread owns cfg, so reading
 * it needs no lock, and the slow parts (udev look-ups, plots, a reload)
 * run without it.  Names a client sent are escaped before they are
 * echoed (escape.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "log.h"
#include "engine/codes.h"
#include "engine/escape.h"
#include "engine/plot.h"
#include "manager.h"
#include "stick.h"

#define CURVE_MAX_COLS	400
#define CURVE_MAX_ROWS	200
#define CURVE_MAX_SVG	4000

static const char *code_name(uint16_t type, uint16_t code, char *buf, size_t size)
{
	const char *n = jsd_code_name(type, code);

	if (n)
		return n;
	snprintf(buf, size, "0x%x", code);
	return buf;
}

/* A client's word, escaped for an error message: at most 64 bytes of it. */
static const char *shown(const char *word, char *buf, size_t size)
{
	char cut[65];

	snprintf(cut, sizeof(cut), "%s", word);
	return jsd_escape(cut, buf, size);
}

#define SHOWN_SIZE	JSD_ESCAPED_SIZE(64)

/* Under lock. */
static int cmd_status(struct manager *m, FILE *out)
{
	const struct manager_counters *c = &m->counters;
	const struct jsd_config *cfg = m->cfg;
	struct jskf_stats st;
	size_t i, n = 0;
	int r;

	fprintf(out, "active: %s\n", m->active ? "yes" : "no");
	fprintf(out, "profile: %s\n", cfg->profiles[engine_profile(m->engine)].name);
	fprintf(out, "profiles:");
	for (i = 0; i < cfg->n_profiles; i++)
		fprintf(out, " %s", cfg->profiles[i].name);
	fprintf(out, "\nconfig: %s\n", m->opt.config_path);
	fprintf(out, "stick: %s\n", stick_devnode(m->stick) ? stick_devnode(m->stick) : "-");
	fprintf(out, "stick name: %s\n", stick_cfg(m->stick)->name);
	fprintf(out, "captured:");
	for (i = 0; i < m->devmap.n; i++) {
		if (!devmap_wanted(&m->devmap, cfg, i))
			continue;
		fprintf(out, " %u", m->devmap.devs[i].id);
		n++;
	}
	fprintf(out, "%s\nmice captured: %zu\n", n ? "" : " none", n);
	fprintf(out, "batches: %llu\nrecords: %llu\n",
		(unsigned long long)c->batches, (unsigned long long)c->records);
	fprintf(out, "sequence gaps: %llu (%llu records)\n",
		(unsigned long long)c->seq_gaps, (unsigned long long)c->seq_lost);
	fprintf(out, "kernel coalesced: %llu\nkernel dropped: %llu\n",
		(unsigned long long)c->coalesced, (unsigned long long)c->dropped);
	fprintf(out, "stick write errors: %llu\n", (unsigned long long)c->stick_errors);
	fprintf(out, "reloads: %llu (%llu failed)\n",
		(unsigned long long)c->reloads, (unsigned long long)c->reload_failures);
	r = kf_stats(m->kf_fd, 0, &st);
	if (r < 0)
		return 0;	/* the daemon's own view is still worth showing */
	fprintf(out, "kernel seen: %llu\nkernel swallowed: %llu\nkernel delivered: %llu\n",
		(unsigned long long)st.counters.seen, (unsigned long long)st.counters.swallowed,
		(unsigned long long)st.counters.delivered);
	fprintf(out, "kernel ring: %u of %u used, high water %u\n",
		st.ring_used, st.ring_size, st.ring_high_water);
	fprintf(out, "kernel reads pended: %llu\n", (unsigned long long)st.reads_pended);
	return 0;
}

static const char *device_kind(const struct jskf_device *d)
{
	if (d->flags & JSKF_DEVF_POINTER)
		return "pointer";
	if (d->flags & JSKF_DEVF_KEYBOARD)
		return "keyboard";
	return "other";
}

/* One line per device the kernel filter attached to.  No lock: its own list, udev. */
static int cmd_devices(struct manager *m, FILE *out)
{
	const struct jsd_config *cfg = m->cfg;
	char name[JSD_ESCAPED_SIZE(JSKF_NAME_LEN)];
	struct devmap dm;
	size_t i;
	int r;

	r = devmap_build(m->kf_fd, cfg, &dm);
	if (r < 0)
		return r;
	fprintf(out, "%-4s %-8s %-8s %-9s %-12s %-18s %s\n",
		"ID", "KIND", "CAPTURE", "VID:PID", "MOUSE", "NODE", "NAME");
	for (i = 0; i < dm.n; i++) {
		const struct jskf_device *d = &dm.devs[i];
		const char *node = NULL, *id_path = NULL;
		const char *state = "-";

		if (d->flags & JSKF_DEVF_GRABBED)
			state = "grabbed";
		else if (d->flags & JSKF_DEVF_CAPTURED)
			state = "yes";
		else if (devmap_wanted(&dm, cfg, i))
			state = "pending";
		if (m->discovery)
			discovery_lookup(m->discovery, d, &node, &id_path);
		fprintf(out, "%-4u %-8s %-8s %04x:%04x %-12s %-18s %s\n", d->id, device_kind(d),
			state, d->vendor, d->product,
			dm.mouse[i] >= 0 ? cfg->mice[dm.mouse[i]].name : "-",
			node ? node : "-", jsd_escape(d->name, name, sizeof(name)));
	}
	devmap_done(&dm);
	return 0;
}

/* Under lock.  What `joystickctl monitor` draws: every axis and button of the stick. */
static int cmd_state(struct manager *m, FILE *out)
{
	const struct jsd_stick_cfg *sc = stick_cfg(m->stick);
	char buf[16];
	unsigned int i;

	fprintf(out, "active %s\n", m->active ? "yes" : "no");
	fprintf(out, "profile %s\n", m->cfg->profiles[engine_profile(m->engine)].name);
	for (i = 0; i < sc->n_axes; i++)
		fprintf(out, "axis %s %d %d %d\n", code_name(EV_ABS, sc->axes[i].code, buf, sizeof(buf)),
			sc->axes[i].min, sc->axes[i].max, stick_axis_value(m->stick, sc->axes[i].code));
	for (i = 0; i < sc->n_buttons; i++)
		fprintf(out, "button %s %d\n", code_name(EV_KEY, sc->buttons[i], buf, sizeof(buf)),
			stick_button_value(m->stick, sc->buttons[i]));
	return 0;
}

/* Under lock. */
static int cmd_toggle(struct manager *m, FILE *out, char *err, size_t err_size)
{
	bool want = !m->want_active;
	int r = manager_set_active(m, want);

	if (r < 0) {
		snprintf(err, err_size, "switching capture failed: %s", strerror(-r));
		return r;
	}
	fprintf(out, "active: %s\n", want ? "yes" : "no");
	return 0;
}

/* Under lock. */
static int cmd_action(struct manager *m, const char *action, char *err, size_t err_size)
{
	const char *why = NULL;
	int r;

	r = engine_run_action(m->engine, action, manager_now_ns(), &why);
	manager_apply_requests(m);
	if (r < 0) {
		snprintf(err, err_size, "%s", why ? why : strerror(-r));
		return r;
	}
	if (engine_next_tick(m->engine) < m->tick_at) {
		m->wake_timer = true;
		manager_wake(m);
	}
	return 0;
}

static int cmd_recenter(struct manager *m, const char *axis, char *err, size_t err_size)
{
	char action[80];

	snprintf(action, sizeof(action), axis ? "recenter:%s" : "recenter", axis);
	return cmd_action(m, action, err, err_size);
}

/* Under lock. */
static int cmd_profile(struct manager *m, const char *name, FILE *out, char *err,
		       size_t err_size)
{
	char buf[SHOWN_SIZE];
	int p, r;

	if (name) {
		p = jsd_config_find_profile(m->cfg, name);
		if (p < 0) {
			snprintf(err, err_size, "no profile '%s' in %s",
				 shown(name, buf, sizeof(buf)), m->opt.config_path);
			return p;
		}
		r = engine_set_profile(m->engine, p, manager_now_ns());
		if (r < 0) {
			snprintf(err, err_size, "switching profile failed: %s", strerror(-r));
			return r;
		}
		m->wake_status = true;
		manager_wake(m);
	}
	fprintf(out, "profile: %s\n", m->cfg->profiles[engine_profile(m->engine)].name);
	return 0;
}

/*
 * curve AXIS ascii COLS ROWS | curve AXIS svg WIDTH HEIGHT.  The lock only
 * for the profile and the axis position; the plot is drawn without it.
 */
static int cmd_curve(struct manager *m, int argc, char **argv, FILE *out, char *err,
		     size_t err_size)
{
	const struct jsd_profile *p;
	struct engine_axis_state st;
	char name[SHOWN_SIZE];
	unsigned long w, h;
	int a;

	pthread_mutex_lock(&m->lock);
	p = &m->cfg->profiles[engine_profile(m->engine)];
	pthread_mutex_unlock(&m->lock);

	if (argc != 5 || (strcmp(argv[2], "ascii") != 0 && strcmp(argv[2], "svg") != 0)) {
		snprintf(err, err_size, "usage: curve AXIS ascii COLS ROWS | curve AXIS svg W H");
		return -EINVAL;
	}
	a = jsd_profile_find_axis(p, argv[1]);
	if (a < 0) {
		snprintf(err, err_size, "no axis '%s' in profile %s",
			 shown(argv[1], name, sizeof(name)), p->name);
		return a;
	}
	w = strtoul(argv[3], NULL, 10);
	h = strtoul(argv[4], NULL, 10);
	if (argv[2][0] == 's') {
		if (w < 100 || h < 100 || w > CURVE_MAX_SVG || h > CURVE_MAX_SVG) {
			snprintf(err, err_size, "SVG size must be 100 to %d pixels", CURVE_MAX_SVG);
			return -EINVAL;
		}
		return jsd_plot_svg(out, &p->axes[a], w, h);
	}
	if (w < JSD_PLOT_MIN_COLS || h < JSD_PLOT_MIN_ROWS || w > CURVE_MAX_COLS ||
	    h > CURVE_MAX_ROWS) {
		snprintf(err, err_size, "plot size out of range");
		return -EINVAL;
	}
	pthread_mutex_lock(&m->lock);
	engine_axis_state(m->engine, a, &st);
	pthread_mutex_unlock(&m->lock);
	return jsd_plot_ascii(out, &p->axes[a], w, h, st.position);
}

/*
 * Reload the configuration and answer with the verdict: what
 * `joystickd --reload` (ExecReload= of the unit) waits for.  Root only: a
 * member of the control group may look and steer, not re-read /etc.
 */
static int cmd_reload(struct manager *m, uid_t uid, FILE *out, char *err, size_t err_size)
{
	int r;

	if (uid != 0) {
		snprintf(err, err_size, "permission denied: only root may reload");
		return -EPERM;
	}
	r = manager_reload(m, err, err_size);
	if (r < 0)
		return r;
	fprintf(out, "reloaded %s\n", m->opt.config_path);
	return 0;
}

/* A command that runs entirely under the lock. */
static int locked(struct manager *m, int (*fn)(struct manager *, FILE *), FILE *out)
{
	int r;

	pthread_mutex_lock(&m->lock);
	r = fn(m, out);
	pthread_mutex_unlock(&m->lock);
	return r;
}

int manager_command(void *userdata, uid_t uid, int argc, char **argv, FILE *out, char *err,
		    size_t err_size)
{
	struct manager *m = userdata;
	const char *cmd = argv[0];
	char name[SHOWN_SIZE];
	int r;

	log_debug("control request from uid %u: %s (%d arguments)", (unsigned int)uid,
		  shown(cmd, name, sizeof(name)), argc - 1);
	if (strcmp(cmd, "status") == 0 && argc == 1)
		return locked(m, cmd_status, out);
	if (strcmp(cmd, "devices") == 0 && argc == 1)
		return cmd_devices(m, out);
	if (strcmp(cmd, "state") == 0 && argc == 1)
		return locked(m, cmd_state, out);
	if (strcmp(cmd, "curve") == 0)
		return cmd_curve(m, argc, argv, out, err, err_size);
	if (strcmp(cmd, "reload") == 0 && argc == 1)
		return cmd_reload(m, uid, out, err, err_size);

	pthread_mutex_lock(&m->lock);
	if (strcmp(cmd, "toggle") == 0 && argc == 1)
		r = cmd_toggle(m, out, err, err_size);
	else if (strcmp(cmd, "recenter") == 0 && argc <= 2)
		r = cmd_recenter(m, argc == 2 ? argv[1] : NULL, err, err_size);
	else if (strcmp(cmd, "profile") == 0 && argc <= 2)
		r = cmd_profile(m, argc == 2 ? argv[1] : NULL, out, err, err_size);
	else
		r = -EINVAL;
	pthread_mutex_unlock(&m->lock);
	manager_log_switch(m);
	if (r == -EINVAL && !err[0])
		snprintf(err, err_size, "unknown command or wrong arguments: %s",
			 shown(cmd, name, sizeof(name)));
	return r;
}
