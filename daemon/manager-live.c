// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live changes to the running mapping (`joystickctl set`, `unset`,
 * `revert`, and `save`'s adopt), and the file they change.
 *
 * One truth for parsing: the daemon keeps the bytes of the file it loaded
 * (manager_source).  A change is added to the changes made so far, the
 * file's bytes are rewritten with all of them (live.h, ini-edit.h), and
 * the loader parses the result as it parses any file: a refused value
 * gets the loader's "file:line: message", exactly what check-config says
 * of the file `save` would write.  The new configuration then takes the
 * path of a reload, manager_swap(), as a live change: on the same stick,
 * positions, trims and held buttons kept, all or nothing.
 *
 * Everything here runs on the main thread, which owns the configuration
 * and the source; only manager_swap() takes the lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/escape.h"
#include "log.h"
#include "manager-int.h"

int source_read(const char *path, struct ini_file *file, struct jsd_config **ret_cfg,
		struct jsd_error *err)
{
	int r = ini_file_read(path, file, err);

	if (r < 0)
		return r;
	r = jsd_config_parse_buffer(path, file->text, file->len, ret_cfg, err);
	if (r < 0)
		ini_file_done(file);
	return r;
}

void source_log_warnings(const struct jsd_config *cfg)
{
	char line[600];

	for (unsigned int i = 0; i < cfg->n_warnings; i++)
		log_raw(LOG_WARNING, "%s", jsd_warning_format(cfg, &cfg->warnings[i], line,
							       sizeof(line)));
}

/* The text that runs becomes @text (taken). */
static void set_running(struct manager *m, char *text, size_t len)
{
	free(m->source.running);
	m->source.running = text;
	m->source.running_len = len;
	m->source.generation++;
}

unsigned int source_reset(struct manager *m, struct ini_file *file)
{
	unsigned int dropped = m->source.changes.n;
	char *copy = malloc(file->len + 1);

	live_changes_clear(&m->source.changes);
	ini_file_done(&m->source.file);
	m->source.file = *file;
	*file = (struct ini_file){ 0 };
	if (copy) {
		memcpy(copy, m->source.file.text, m->source.file.len + 1);
		set_running(m, copy, m->source.file.len);
	} else {
		/* Out of memory: no text to show, but nothing runs that is not the file. */
		set_running(m, NULL, 0);
	}
	return dropped;
}

void source_free(struct manager *m)
{
	live_changes_clear(&m->source.changes);
	ini_file_done(&m->source.file);
	free(m->source.running);
	m->source.running = NULL;
}

/*
 * The current profile (the lock only to ask the engine).  It belongs to
 * the running configuration: a swap frees it.
 */
static const struct jsd_profile *current_profile(struct manager *m)
{
	unsigned int p;

	manager_lock(m);
	p = manager_profile_locked(m);
	manager_unlock(m);
	return &m->cfg->profiles[p];
}

/* A client's word, escaped for a message. */
static const char *shown(const char *word, char *buf, size_t size)
{
	char cut[65];

	snprintf(cut, sizeof(cut), "%s", word);
	return escape_string(cut, buf, size);
}

/*
 * Makes the file with @next (taken) what runs: rewritten, parsed as the
 * file, swapped in as a live change.  On failure nothing changed.
 */
static int apply_changes(struct manager *m, struct live_changes *next,
			 const char *const *reset_trim, char *why, size_t why_size)
{
	const struct ini_file *file = &m->source.file;
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	unsigned int failed = 0;
	char *text = NULL;
	size_t len = 0;
	int r;

	live_changes_prune(next, file->text, file->len);
	r = live_apply(file->text, file->len, next, &text, &len, &failed);
	if (r < 0) {
		snprintf(why, why_size, "rewriting %s: %s", m->opt.config_path,
			 r == -ENOENT ? "a section is gone" : strerror(-r));
		goto out;
	}
	r = jsd_config_parse_buffer(m->opt.config_path, text, len, &cfg, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		goto out;
	}
	r = manager_swap(m, cfg, &(struct swap_opts){ .keep_stick = true, .reset_trim = reset_trim },
			 NULL, why, why_size);
	if (r < 0)
		goto out;
	live_changes_clear(&m->source.changes);
	m->source.changes = *next;
	*next = (struct live_changes){ 0 };
	set_running(m, text, len);
	text = NULL;
 out:
	free(text);
	live_changes_clear(next);
	return r;
}

/* "sensitivity = 400", "curve = points (3 points)", "deadzone removed": for the log. */
static void describe(const struct live_change *c, unsigned int n, char *buf, size_t size)
{
	if (c[0].n_values == 0)
		snprintf(buf, size, "%s removed", c[0].key);
	else if (n == 2 && c[1].n_values)
		snprintf(buf, size, "%s = %s (%u points)", c[0].key, c[0].values[0], c[1].n_values);
	else if (c[0].n_values > 1)
		snprintf(buf, size, "%s: %u values", c[0].key, c[0].n_values);
	else
		snprintf(buf, size, "%s = %s", c[0].key, c[0].values[0]);
}

int manager_set(struct manager *m, const char *axis, const char *key, bool unset,
		unsigned int n_values, char *const *values, char *why, size_t why_size)
{
	const struct jsd_profile *profile = current_profile(m);
	struct live_changes next = { 0 };
	struct live_change c[2];
	char name[ESCAPE_SIZE(64)], what[200], profile_name[JSD_NAME_MAX];
	int n, r;

	if (jsd_profile_find_axis(profile, axis) < 0) {
		snprintf(why, why_size, "no axis '%s' in profile %s", shown(axis, name, sizeof(name)),
			 profile->name);
		return -ENOENT;
	}
	snprintf(profile_name, sizeof(profile_name), "%s", profile->name);
	n = live_parse(profile_name, axis, key, unset, n_values, values, c, why, why_size);
	if (n < 0)
		return n;
	describe(c, (unsigned int)n, what, sizeof(what));
	r = live_changes_copy(&next, &m->source.changes);
	for (int i = 0; i < n; i++)
		if (r == 0)
			r = live_changes_add(&next, &c[i]);
	for (int i = 0; i < n; i++)
		live_change_done(&c[i]);
	if (r < 0) {
		live_changes_clear(&next);
		snprintf(why, why_size, "%s", strerror(-r));
		return r;
	}
	r = apply_changes(m, &next, strcmp(key, "trim") == 0 ? (const char *[]){ axis, NULL } : NULL,
			  why, why_size);
	if (r < 0)
		return r;
	log_info("set [axis %s] %s (profile %s); %u unsaved change%s", axis, what, profile_name,
		 m->source.changes.n, m->source.changes.n == 1 ? "" : "s");
	return 0;
}

int manager_revert(struct manager *m, const char *axis, char *why, size_t why_size)
{
	const struct jsd_profile *profile = current_profile(m);
	struct live_changes next = { 0 };
	char trim_names[ABS_CNT][JSD_NAME_MAX];
	const char *trims[ABS_CNT + 1];
	unsigned int n_trims = 0;
	char name[ESCAPE_SIZE(64)];
	int r, i = axis ? jsd_profile_find_axis(profile, axis) : 0;

	if (i < 0) {
		snprintf(why, why_size, "no axis '%s' in profile %s", shown(axis, name, sizeof(name)),
			 profile->name);
		return -ENOENT;
	}
	r = live_changes_copy(&next, &m->source.changes);
	if (r < 0)
		return r;
	live_changes_drop(&next, profile->name, axis);
	if (next.n == m->source.changes.n) {
		live_changes_clear(&next);
		return 0;	/* nothing to revert */
	}
	/* A trim changed back goes back where the file puts it: the axes of this profile. */
	for (unsigned int c = 0; c < m->source.changes.n && n_trims < ABS_CNT; c++) {
		const struct live_change *ch = &m->source.changes.v[c];

		if (strcmp(ch->key, "trim") != 0 || strcmp(ch->profile, profile->name) != 0 ||
		    (axis && strcmp(ch->axis, axis) != 0))
			continue;
		snprintf(trim_names[n_trims], sizeof(trim_names[n_trims]), "%s", ch->axis);
		trims[n_trims] = trim_names[n_trims];
		n_trims++;
	}
	trims[n_trims] = NULL;
	r = apply_changes(m, &next, trims, why, why_size);
	if (r < 0)
		return r;
	log_info("reverted %s%s to %s; %u unsaved change%s", axis ? "[axis " : "every axis",
		 axis ? axis : "", m->opt.config_path, m->source.changes.n,
		 m->source.changes.n == 1 ? "" : "s");
	return 0;
}

int manager_adopt(struct manager *m, char *why, size_t why_size)
{
	struct ini_file file;
	struct jsd_error err;
	int r;

	r = ini_file_read(m->opt.config_path, &file, &err);
	if (r < 0) {
		jsd_error_format(&err, why, why_size);
		return r;
	}
	if (file.len != m->source.running_len || !m->source.running ||
	    memcmp(file.text, m->source.running, file.len) != 0) {
		snprintf(why, why_size,
			 "%s does not hold what runs; %u unsaved change%s kept (joystickctl diff)",
			 m->opt.config_path, m->source.changes.n, m->source.changes.n == 1 ? "" : "s");
		ini_file_done(&file);
		return -ESTALE;
	}
	source_reset(m, &file);
	log_info("%s saved: it holds what runs, no change is unsaved", m->opt.config_path);
	return 0;
}

const struct live_changes *manager_changes(struct manager *m)
{
	return &m->source.changes;
}

const char *manager_running_text(struct manager *m, size_t *ret_len)
{
	*ret_len = m->source.running_len;
	return m->source.running;
}

const struct ini_file_id *manager_loaded_id(struct manager *m)
{
	return &m->source.file.id;
}

uint64_t manager_generation(struct manager *m)
{
	return m->source.generation;
}

double manager_axis_counts_rate_locked(struct manager *m, unsigned int axis)
{
	manager_assert_locked(m);
	return engine_axis_counts_rate(m->engine, axis, manager_now_ns());
}
