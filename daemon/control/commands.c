// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket commands (joystickctl(1)).  They run on the event
 * loop and reach the manager only through manager.h: they take
 * manager.lock (manager_lock()) only while they look at or change the
 * engine, the stick or the counters, through the *_locked() accessors,
 * which assert it; the main thread owns the configuration, so reading it
 * needs no lock, and the slow parts (udev look-ups, plots, a reload) run
 * without it.  Names a client sent are escaped before they are echoed
 * (escape.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "capture/discovery.h"
#include "capture/backend.h"
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
	const char *n = codes_name(type, code);

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
	return escape_string(cut, buf, size);
}

#define SHOWN_SIZE	ESCAPE_SIZE(64)

/* Under lock. */
static int cmd_status_locked(struct manager *m, FILE *out)
{
	const struct manager_counters *c = manager_counters_locked(m);
	const struct jsd_config *cfg = manager_config(m);
	const struct devmap *dm = manager_devmap_locked(m);
	const struct stick *stick = manager_stick_locked(m);
	char game[MANAGER_GAME_STATUS_SIZE];
	struct jskf_stats st;
	size_t i, n = 0;
	int r;

	fprintf(out, "active: %s\n", manager_active_locked(m) ? "yes" : "no");
	fprintf(out, "look: %s\n", manager_looking_locked(m) ? "held" : "no");
	fprintf(out, "backend: %s\n", backend_name(manager_backend(m)));
	fprintf(out, "profile: %s\n", cfg->profiles[manager_profile_locked(m)].name);
	manager_game_status_locked(m, game, sizeof(game));
	fprintf(out, "game: %s\n", game);
	fprintf(out, "profiles:");
	for (i = 0; i < cfg->n_profiles; i++)
		fprintf(out, " %s", cfg->profiles[i].name);
	fprintf(out, "\nconfig: %s\n", manager_config_path(m));
	if (manager_changes(m)->n)
		fprintf(out, "unsaved changes: %u (joystickctl diff)\n", manager_changes(m)->n);
	else
		fprintf(out, "unsaved changes: none\n");
	fprintf(out, "stick: %s\n", stick_devnode(stick) ? stick_devnode(stick) : "-");
	fprintf(out, "stick name: %s\n", stick_cfg(stick)->name);
	fprintf(out, "captured:");
	for (i = 0; i < dm->n; i++) {
		if (!devmap_wanted(dm, cfg, i))
			continue;
		fprintf(out, " %u", dm->devs[i].id);
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
	if (strcmp(backend_name(manager_backend(m)), "evdev") == 0)
		fprintf(out, "evdev overflows: %llu (SYN_DROPPED: the events of each gap were lost)\n",
			(unsigned long long)c->overflows);
	fprintf(out, "reloads: %llu (%llu failed)\n",
		(unsigned long long)c->reloads, (unsigned long long)c->reload_failures);
	r = backend_stats(manager_backend(m), 0, &st);
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

/* The CAPTURE column, and the evdev backend's grab states that need a word below. */
enum device_note {
	NOTE_WAITING = 1 << 0,
	NOTE_HELD = 1 << 1,
	NOTE_FAILED = 1 << 2,
	NOTE_REMAPPER = 1 << 3,
};

static const char *device_state(const struct devmap *dm, const struct jsd_config *cfg, size_t i,
				unsigned int *notes)
{
	const struct jskf_device *d = &dm->devs[i];

	if (d->flags & JSKF_DEVF_GRABBED)
		return "grabbed";
	switch (backend_device_grab(d)) {
	case BACKEND_GRAB_WAITING:
		*notes |= NOTE_WAITING;
		return "waiting";
	case BACKEND_GRAB_HELD:
		*notes |= NOTE_HELD;
		return "held";
	case BACKEND_GRAB_FAILED:
	case BACKEND_GRAB_NO_PASSTHROUGH:
		*notes |= NOTE_FAILED;
		return "failed";
	default:
		break;
	}
	if (d->flags & JSKF_DEVF_CAPTURED)
		return "yes";
	if (devmap_wanted(dm, cfg, i))
		return "pending";
	if ((d->flags & BACKEND_DEVF_REMAPPER) && cfg->capture.all_mice) {
		*notes |= NOTE_REMAPPER;
		return "remapper";
	}
	return "-";
}

/* One line per device the kernel filter attached to.  No lock: its own list, udev. */
static int cmd_devices(struct manager *m, FILE *out)
{
	const struct jsd_config *cfg = manager_config(m);
	struct discovery *discovery = manager_discovery(m);
	char name[ESCAPE_SIZE(JSKF_NAME_LEN)];
	unsigned int notes = 0;
	struct devmap dm;
	size_t i;
	int r;

	r = devmap_build(manager_backend(m), cfg, &dm);
	if (r < 0)
		return r;
	fprintf(out, "%-4s %-8s %-8s %-9s %-12s %-18s %s\n",
		"ID", "KIND", "CAPTURE", "VID:PID", "MOUSE", "NODE", "NAME");
	for (i = 0; i < dm.n; i++) {
		const struct jskf_device *d = &dm.devs[i];
		const char *node = NULL, *id_path = NULL;
		const char *state = device_state(&dm, cfg, i, &notes);

		if (discovery)
			discovery_lookup(discovery, d, &node, &id_path);
		fprintf(out, "%-4u %-8s %-8s %04x:%04x %-12s %-18s %s\n", d->id, device_kind(d),
			state, d->vendor, d->product,
			dm.mouse[i] >= 0 ? cfg->mice[dm.mouse[i]].name : "-",
			node ? node : "-", escape_string(d->name, name, sizeof(name)));
	}
	if (notes & NOTE_WAITING)
		fprintf(out, "waiting: waiting for buttons to be released before the grab (the desktop saw them pressed)\n");
	if (notes & NOTE_HELD)
		fprintf(out, "held: a button stayed down %d s: not captured until capture is turned on again\n",
			BACKEND_GRAB_WAIT_S);
	if (notes & NOTE_FAILED)
		fprintf(out, "failed: the grab failed (the journal says why); tried again every second\n");
	if (notes & NOTE_REMAPPER)
		fprintf(out, "remapper: another remapper's virtual device: mice = all leaves it out, a [mouse] section takes it\n");
	devmap_done(&dm);
	return 0;
}

/* Under lock.  What `joystickctl monitor` draws: every axis and button of the stick. */
static int cmd_state_locked(struct manager *m, FILE *out)
{
	const struct stick *stick = manager_stick_locked(m);
	const struct jsd_stick_cfg *sc = stick_cfg(stick);
	char buf[16];
	unsigned int i;

	fprintf(out, "active %s\n", manager_active_locked(m) ? "yes" : "no");
	fprintf(out, "profile %s\n", manager_config(m)->profiles[manager_profile_locked(m)].name);
	for (i = 0; i < sc->n_axes; i++)
		fprintf(out, "axis %s %d %d %d\n", code_name(EV_ABS, sc->axes[i].code, buf, sizeof(buf)),
			sc->axes[i].min, sc->axes[i].max, stick_axis_value(stick, sc->axes[i].code));
	for (i = 0; i < sc->n_buttons; i++)
		fprintf(out, "button %s %d\n", code_name(EV_KEY, sc->buttons[i], buf, sizeof(buf)),
			stick_button_value(stick, sc->buttons[i]));
	return 0;
}

/* Under lock. */
static int cmd_toggle_locked(struct manager *m, FILE *out, char *err, size_t err_size)
{
	bool want;
	int r = manager_toggle_locked(m, &want);

	if (r < 0) {
		snprintf(err, err_size, "switching capture failed: %s", strerror(-r));
		return r;
	}
	fprintf(out, "active: %s\n", want ? "yes" : "no");
	return 0;
}

/* Under lock. */
static int cmd_action_locked(struct manager *m, const char *action, char *err, size_t err_size)
{
	const char *why = NULL;
	int r;

	r = manager_run_action_locked(m, action, &why);
	if (r < 0) {
		snprintf(err, err_size, "%s", why ? why : strerror(-r));
		return r;
	}
	return 0;
}

/* Under lock. */
static int cmd_recenter_locked(struct manager *m, const char *axis, char *err, size_t err_size)
{
	char action[80];

	snprintf(action, sizeof(action), axis ? "recenter:%s" : "recenter", axis);
	return cmd_action_locked(m, action, err, err_size);
}

/* Under lock. */
static int cmd_profile_locked(struct manager *m, const char *name, FILE *out, char *err,
			      size_t err_size)
{
	const struct jsd_config *cfg = manager_config(m);
	char buf[SHOWN_SIZE];
	int p, r;

	if (name) {
		p = jsd_config_find_profile(cfg, name);
		if (p < 0) {
			snprintf(err, err_size, "no profile '%s' in %s",
				 shown(name, buf, sizeof(buf)), manager_config_path(m));
			return p;
		}
		r = manager_set_profile_locked(m, p);
		if (r < 0) {
			snprintf(err, err_size, "switching profile failed: %s", strerror(-r));
			return r;
		}
	}
	fprintf(out, "profile: %s\n", cfg->profiles[manager_profile_locked(m)].name);
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

	manager_lock(m);
	p = &manager_config(m)->profiles[manager_profile_locked(m)];
	manager_unlock(m);

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
		return plot_svg(out, &p->axes[a], w, h);
	}
	if (w < PLOT_MIN_COLS || h < PLOT_MIN_ROWS || w > CURVE_MAX_COLS ||
	    h > CURVE_MAX_ROWS) {
		snprintf(err, err_size, "plot size out of range");
		return -EINVAL;
	}
	manager_lock(m);
	manager_axis_state_locked(m, a, &st);
	manager_unlock(m);
	return plot_ascii(out, &p->axes[a], w, h, st.position);
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
	fprintf(out, "reloaded %s\n", manager_config_path(m));
	return 0;
}

/* A command that runs entirely under the lock. */
static int locked(struct manager *m, int (*fn)(struct manager *, FILE *), FILE *out)
{
	int r;

	manager_lock(m);
	r = fn(m, out);
	manager_unlock(m);
	return r;
}

int commands_run(void *userdata, uid_t uid, int argc, char **argv, FILE *out, char *err,
		 size_t err_size)
{
	struct manager *m = userdata;
	const char *cmd = argv[0];
	char name[SHOWN_SIZE];
	int r;

	log_debug("control request from uid %u: %s (%d arguments)", (unsigned int)uid,
		  shown(cmd, name, sizeof(name)), argc - 1);
	if (strcmp(cmd, "status") == 0 && argc == 1)
		return locked(m, cmd_status_locked, out);
	if (strcmp(cmd, "devices") == 0 && argc == 1)
		return cmd_devices(m, out);
	if (strcmp(cmd, "state") == 0 && argc == 1)
		return locked(m, cmd_state_locked, out);
	if (strcmp(cmd, "curve") == 0)
		return cmd_curve(m, argc, argv, out, err, err_size);
	if (strcmp(cmd, "reload") == 0 && argc == 1)
		return cmd_reload(m, uid, out, err, err_size);
	r = commands_live_run(m, uid, argc, argv, out, err, err_size);
	if (r != COMMANDS_NOT_LIVE)
		return r;

	manager_lock(m);
	if (strcmp(cmd, "toggle") == 0 && argc == 1)
		r = cmd_toggle_locked(m, out, err, err_size);
	else if (strcmp(cmd, "recenter") == 0 && argc <= 2)
		r = cmd_recenter_locked(m, argc == 2 ? argv[1] : NULL, err, err_size);
	else if (strcmp(cmd, "profile") == 0 && argc <= 2)
		r = cmd_profile_locked(m, argc == 2 ? argv[1] : NULL, out, err, err_size);
	else
		r = -EINVAL;
	manager_unlock(m);
	manager_log_switch(m);
	if (r == -EINVAL && !err[0])
		snprintf(err, err_size, "unknown command or wrong arguments: %s",
			 shown(cmd, name, sizeof(name)));
	return r;
}
