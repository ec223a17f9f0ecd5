// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control commands of live changes and of `joystickctl tune`
 * (joystickctl(1)); commands.c hands them here.  Members of the control
 * group may use them all: they change the running mapping only, as
 * `profile` does.  The file is written by joystickctl itself, with its
 * caller's rights (`save`); the daemon only tells it what to write
 * (save-info) and takes the saved file as its new baseline (adopt).
 *
 *	set AXIS KEY VALUE...	the key's new lines, as get prints them
 *	unset AXIS KEY		the same, the key back at its default
 *	revert [AXIS]		drops the changes of AXIS, or all
 *	get AXIS [KEY]		"key = value" lines of the running values
 *	diff			the changes against the loaded file, as ini lines
 *	running-config		the text that runs: the file with the changes
 *	save-info		"path P", "loaded SIZE HASH", one "change\t..." per change
 *	adopt			the file holds what runs: no change is unsaved now
 *	axis-state AXIS		what tune polls: "name value" lines
 */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "engine/escape.h"
#include "manager.h"

/* The current profile and the index of @axis in it; -ENOENT with @err. */
static int find_axis(struct manager *m, const char *axis, const struct jsd_profile **ret_profile,
		     char *err, size_t err_size)
{
	const struct jsd_profile *p;
	char cut[65], name[ESCAPE_SIZE(64)];
	int a;

	manager_lock(m);
	p = &manager_config(m)->profiles[manager_profile_locked(m)];
	manager_unlock(m);
	a = jsd_profile_find_axis(p, axis);
	if (a < 0) {
		snprintf(cut, sizeof(cut), "%s", axis);
		snprintf(err, err_size, "no axis '%s' in profile %s",
			 escape_string(cut, name, sizeof(name)), p->name);
		return -ENOENT;
	}
	*ret_profile = p;
	return a;
}

static int cmd_get(struct manager *m, const char *axis, const char *key, FILE *out, char *err,
		   size_t err_size)
{
	const struct jsd_profile *p;
	size_t len;
	const char *text = manager_running_text(m, &len);
	int a = find_axis(m, axis, &p, err, err_size);

	if (a < 0)
		return a;
	return live_write_values(out, manager_config(m), p->name, &p->axes[a], text, len, key,
				 err, err_size);
}

/* set and unset answer with the key's lines as they run now. */
static int cmd_set(struct manager *m, bool unset, int argc, char **argv, FILE *out, char *err,
		   size_t err_size)
{
	int r = manager_set(m, argv[1], argv[2], unset, (unsigned int)argc - 3, argv + 3, err,
			    err_size);

	if (r < 0)
		return r;
	/* A key removed may not apply any more (point): then there is nothing to show. */
	cmd_get(m, argv[1], argv[2], out, err, err_size);
	if (strcmp(argv[2], "curve") == 0)
		cmd_get(m, argv[1], "point", out, err, err_size);
	err[0] = '\0';
	return 0;
}

static int cmd_axis_state(struct manager *m, const char *axis, FILE *out, char *err,
			  size_t err_size)
{
	const struct jsd_profile *p;
	struct engine_axis_state st;
	double rate;
	bool active;
	int a = find_axis(m, axis, &p, err, err_size);

	if (a < 0)
		return a;
	manager_lock(m);
	manager_axis_state_locked(m, (unsigned int)a, &st);
	rate = manager_axis_counts_rate_locked(m, (unsigned int)a);
	active = manager_active_locked(m);
	manager_unlock(m);
	fprintf(out, "generation %llu\nprofile %s\nactive %s\nunsaved %u\n",
		(unsigned long long)manager_generation(m), p->name, active ? "yes" : "no",
		manager_changes(m)->n);
	fprintf(out, "position %.6g\ntrim %.6g\noutput %.6g\nvalue %d\ncounts_per_s %.6g\n",
		st.position, st.trim, st.output, st.value, rate);
	return 0;
}

static int cmd_running_config(struct manager *m, FILE *out)
{
	size_t len;
	const char *text = manager_running_text(m, &len);

	if (text)
		fwrite(text, 1, len, out);
	return 0;
}

static int cmd_save_info(struct manager *m, FILE *out)
{
	const struct ini_file_id *id = manager_loaded_id(m);

	fprintf(out, "path %s\nloaded %llu %llx\n", manager_config_path(m),
		(unsigned long long)id->size, (unsigned long long)id->hash);
	live_write_wire(out, manager_changes(m));
	return 0;
}

int commands_live_run(struct manager *m, uid_t uid, int argc, char **argv, FILE *out,
		      char *err, size_t err_size)
{
	const char *cmd = argv[0];

	if (strcmp(cmd, "set") == 0 && argc >= 4)
		return cmd_set(m, false, argc, argv, out, err, err_size);
	if (strcmp(cmd, "unset") == 0 && argc == 3)
		return cmd_set(m, true, argc, argv, out, err, err_size);
	if (strcmp(cmd, "revert") == 0 && argc <= 2)
		return manager_revert(m, argc == 2 ? argv[1] : NULL, err, err_size);
	if (strcmp(cmd, "get") == 0 && (argc == 2 || argc == 3))
		return cmd_get(m, argv[1], argc == 3 ? argv[2] : NULL, out, err, err_size);
	if (strcmp(cmd, "diff") == 0 && argc == 1) {
		live_write_diff(out, manager_changes(m), manager_config(m));
		return 0;
	}
	if (strcmp(cmd, "running-config") == 0 && argc == 1)
		return cmd_running_config(m, out);
	if (strcmp(cmd, "save-info") == 0 && argc == 1)
		return cmd_save_info(m, out);
	if (strcmp(cmd, "adopt") == 0 && argc == 1)
		return manager_adopt(m, err, err_size);
	if (strcmp(cmd, "axis-state") == 0 && argc == 2)
		return cmd_axis_state(m, argv[1], out, err, err_size);
	return COMMANDS_NOT_LIVE;
}
