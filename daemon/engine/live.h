/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live changes: what `joystickctl set` changed in the running mapping,
 * and what that makes of the file joystickd loaded.
 *
 * A change names a profile, an [axis NAME] and a key, and the values the
 * key now has (none: the key is removed and takes its default).  joystickd
 * keeps the changes made since it loaded its file.  The text it runs is
 * that file with the changes applied by the ini rewriter (ini-edit.h),
 * parsed by the loader like any file: a change is checked exactly as the
 * file would be, and refused with the loader's own message.  `joystickctl
 * save` applies the same changes to the file on disk (live_save_file()),
 * so the file it writes is the text joystickd runs.
 *
 * Only keys that leave the stick device as it is can change while the
 * daemon runs: every key of [axis] but target, min and max.
 */
#ifndef JSD_LIVE_H
#define JSD_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/config.h"
#include "engine/ini-file.h"

#define LIVE_KEY_MAX		32
#define LIVE_MAX_VALUES		64	/* values of one change (the loader allows 32 points) */
#define LIVE_WHY_MAX		600	/* room for a loader message and the file name */

struct live_change {
	char profile[JSD_NAME_MAX];
	char axis[JSD_NAME_MAX];
	char key[LIVE_KEY_MAX];
	char **values;			/* n_values strings, as written into the file */
	unsigned int n_values;		/* 0: the key is removed */
};

struct live_changes {
	struct live_change *v;
	unsigned int n;
};

/* Frees every change; the list is empty after. */
void live_changes_clear(struct live_changes *ch);
void live_change_done(struct live_change *c);

/* Whether `set` may change @key of an [axis] (not target, min, max). */
bool live_key_settable(const char *key);

/* "model, sensitivity, ...": the keys `set` may change, for messages. */
void live_settable_keys(char *buf, size_t size);

/*
 * The changes `set AXIS KEY VALUE...` (with @unset: `unset AXIS KEY`, no
 * value) makes to [axis @axis] of @profile, in @ret: one, or for curve
 * two, the curve and its point list (`curve points X,Y X,Y ...` sets both;
 * any other curve, and `unset curve`, removes the point lines, which
 * would be refused without it).  A point "X,Y" is written "X, Y".
 * Returns how many changes (1 or 2), or -EPERM for a key that cannot
 * change live, -EINVAL for a value missing, extra or that no ini line
 * can hold, -ENOMEM; @why says which.
 */
int live_parse(const char *profile, const char *axis, const char *key, bool unset,
	       unsigned int n_values, char *const *values, struct live_change ret[2],
	       char *why, size_t why_size);

/* Adds @c (taking its values) to @ch, in place of a change of the same key.  0 or -ENOMEM. */
int live_changes_add(struct live_changes *ch, struct live_change *c);

/* A copy of @from in @to (empty first): 0 or -ENOMEM. */
int live_changes_copy(struct live_changes *to, const struct live_changes *from);

/* Removes the changes of [axis @axis] of @profile (NULL: every axis of every profile). */
void live_changes_drop(struct live_changes *ch, const char *profile, const char *axis);

/*
 * Drops the changes that change nothing: a key set to the very values
 * @base has for it, or removed where @base does not give it.
 */
void live_changes_prune(struct live_changes *ch, const char *base, size_t len);

/*
 * @base with @ch applied: 0 with the text in *ret (the caller frees it),
 * or ini_edit_apply()'s -ENOENT (*ret_failed: the change whose section
 * is not there), -EINVAL or -ENOMEM.
 */
int live_apply(const char *base, size_t len, const struct live_changes *ch,
	       char **ret, size_t *ret_len, unsigned int *ret_failed);

/*
 * What `joystickctl diff` prints: per profile ("[profile NAME]", but not
 * for the mappings before the first [profile] line of @cfg) and axis, the
 * section line and the changed keys as ini lines; a removed key as a
 * comment.  Nothing when there is no change.
 */
void live_write_diff(FILE *f, const struct live_changes *ch, const struct jsd_config *cfg);

/*
 * What `joystickctl get` prints: "key = value" lines of the running
 * values of [axis] @a of profile @profile: every key that applies to it
 * (defaults too, so the lines make a valid section), or @key's alone.
 * @text is the running text, for keys this code does not know.  0, or
 * -ENOENT with @why (a key that does not apply, or an unknown one).
 */
int live_write_values(FILE *f, const struct jsd_config *cfg, const char *profile,
		      const struct jsd_axis_cfg *a, const char *text, size_t len,
		      const char *key, char *why, size_t why_size);

/* Changes as lines for joystickctl save: "change\tPROFILE\tAXIS\tKEY\tVALUE...". */
void live_write_wire(FILE *f, const struct live_changes *ch);
/* One such line back into @ret: 0, or -EINVAL for a line that is not one. */
int live_parse_wire(const char *line, struct live_change *ret);

/*
 * `joystickctl save`, with the caller's rights: reads @base_path (@path
 * itself, or the daemon's file when @path is a new file), refuses if it
 * no longer holds what @loaded saw (-ESTALE; @loaded NULL: no check),
 * applies @ch, checks the result with the loader as check-config would
 * (-EINVAL, the loader's "path:line: message"), and replaces @path
 * atomically (ini_file_replace(): -EACCES without write access, -ESTALE
 * when written meanwhile).  0, or -errno with @why.
 */
int live_save_file(const char *path, const char *base_path, const struct ini_file_id *loaded,
		   const struct live_changes *ch, char *why, size_t why_size);

#endif
