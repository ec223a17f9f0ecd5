/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rewriting joystickd.ini as its user wrote it: values of [axis NAME]
 * keys changed, inserted or removed, every other byte kept.
 *
 * Pure C: no I/O; the result is allocated.  joystickd uses it to build
 * the text it runs after `joystickctl set`, joystickctl to write the
 * changes back into the file (`joystickctl save`), so both write the same
 * bytes.
 *
 * The file is read line by line as the loader reads it (config.c and
 * libinih): a line ends at '\n' (a '\r' before it is part of the line
 * end, so CRLF files stay CRLF); blanks before a line are skipped; ';'
 * and '#' lines are comments; "[word name]" starts a section; a key line
 * is "key = value" (or "key : value"), and its value ends at a ';' after
 * a blank (an inline comment) or at the end of the line, blanks trimmed.
 * [axis NAME] sections before the first [profile NAME] line belong to the
 * profile "default"; the same axis name may exist in several profiles.
 *
 * What changes:
 *  - a key that is in the section, with one new value: only the bytes of
 *    its value (between the blanks after '=' and the blanks before an
 *    inline comment or the line end);
 *  - a key that is not in the section: a new line after the section's
 *    last key line (or after the line of the edit's @after key, if the
 *    section has it), indented and spaced like that line, with its line
 *    end;
 *  - a repeated key (point) or one with other than one value: its lines
 *    are replaced as a block, where the first of them was;
 *  - no value: the key's lines are removed (the key takes its default).
 * A file without a final newline still has none.
 */
#ifndef JSD_INI_EDIT_H
#define JSD_INI_EDIT_H

#include <stddef.h>

/* The profile the mappings before the first [profile] line belong to. */
#define INI_EDIT_DEFAULT_PROFILE	"default"

/* One change to one key of one [axis NAME] of one profile. */
struct ini_edit {
	const char *profile;		/* the profile's name ("default": see above) */
	const char *axis;		/* NAME of [axis NAME] */
	const char *key;
	const char *const *values;	/* n_values values, each as it is to be written */
	unsigned int n_values;		/* 0: remove the key */
	const char *after;		/* a new key goes after this key's line, if present; or NULL */
};

/*
 * Applies @n edits, in order, to @text of @len bytes.  Returns 0 with the
 * new text in *ret (NUL-terminated, *ret_len bytes without the NUL; the
 * caller frees it), or -ENOENT when an edit's section is not in the text,
 * -EINVAL when a value or key cannot be written as one (empty, blanks at
 * its ends, a control character, a " ;" that would start a comment), or
 * -ENOMEM; then *ret_failed (if not NULL) is the index of the edit that
 * failed and nothing is returned.
 */
int ini_edit_apply(const char *text, size_t len, const struct ini_edit *edits, size_t n,
		   char **ret, size_t *ret_len, size_t *ret_failed);

/*
 * The values @key has in [axis @axis] of profile @profile of @text, as
 * written: 0 with *ret_values (NULL-terminated, free with
 * ini_edit_values_free()) and *ret_n (0 when the key is not given),
 * -ENOENT when there is no such section, or -ENOMEM.
 */
int ini_edit_values(const char *text, size_t len, const char *profile, const char *axis,
		    const char *key, char ***ret_values, unsigned int *ret_n);
void ini_edit_values_free(char **values);

/* Whether @value can be written as the value of a key line (see -EINVAL above). */
int ini_edit_check_value(const char *value);

#endif
