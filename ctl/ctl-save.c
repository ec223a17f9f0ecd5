// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `joystickctl save`; see ctl-save.h.  The daemon says which file it
 * loaded, what that file held (size and hash) and its changes
 * (save-info); the file is read, refused if it is not what the daemon
 * loaded, rewritten with the changes, checked by the loader and replaced
 * atomically (live_save_file()); then "adopt" makes the daemon take it as
 * its baseline, so that `diff` is empty and `status` shows no unsaved
 * change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl-save.h"
#include "engine/live.h"

struct save_info {
	char path[4096];
	struct ini_file_id loaded;
	struct live_changes changes;
};

/* Parses the answer to save-info. */
static int parse_info(char *payload, struct save_info *info)
{
	char *line, *save = NULL;
	bool have_path = false, have_id = false;

	for (line = strtok_r(payload, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long size, hash;
		struct live_change c;
		int r;

		if (strncmp(line, "path ", 5) == 0) {
			snprintf(info->path, sizeof(info->path), "%s", line + 5);
			have_path = true;
		} else if (sscanf(line, "loaded %llu %llx", &size, &hash) == 2) {
			info->loaded.size = size;
			info->loaded.hash = hash;
			have_id = true;
		} else if ((r = live_parse_wire(line, &c)) == 0) {
			r = live_changes_add(&info->changes, &c);
			live_change_done(&c);
			if (r < 0)
				return r;
		} else {
			return r;
		}
	}
	return have_path && have_id ? 0 : -EBADMSG;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Asks @line; the daemon's error, or the transport's, in @msg.  0 or 1. */
static int ask(struct ctl_conn *c, const char *line, char **payload, char *msg, size_t size)
{
	int r = ctl_request(c, line, payload);

	if (r == -EREMOTEIO) {
		snprintf(msg, size, "%s", *payload);
		free(*payload);
		return 1;
	}
	if (r < 0) {
		snprintf(msg, size, "lost joystickd: %s", strerror(-r));
		return 1;
	}
	return 0;
}

int ctl_save(struct ctl_conn *c, const char *file, char *msg, size_t size)
{
	struct save_info info = { 0 };
	char why[LIVE_WHY_MAX], *payload;
	const char *target, *base;
	bool own;
	unsigned int n;
	int r;

	if (ask(c, "save-info", &payload, msg, size))
		return 1;
	r = parse_info(payload, &info);
	free(payload);
	if (r < 0) {
		snprintf(msg, size, "joystickd's save-info answer makes no sense: %s", strerror(-r));
		goto fail;
	}
	n = info.changes.n;
	own = !file || same_file(file, info.path);
	target = own ? info.path : file;
	if (n == 0 && own) {
		snprintf(msg, size, "nothing to save: joystickd runs %s as it is", info.path);
		live_changes_clear(&info.changes);
		return 0;
	}
	/* A new FILE gets the daemon's file with the changes; an existing one, the changes. */
	base = own || access(target, F_OK) < 0 ? info.path : target;
	r = live_save_file(target, base, strcmp(base, info.path) == 0 ? &info.loaded : NULL,
			   &info.changes, why, sizeof(why));
	if (r == -ESTALE) {
		snprintf(msg, size,
			 "%s; nothing saved: `joystickctl diff` shows the running changes (edit them in, then reload), or `joystickctl save FILE` writes them to another file",
			 why);
		goto fail;
	}
	if (r == -EACCES || r == -EPERM || r == -EROFS) {
		snprintf(msg, size,
			 "%s; nothing saved: as root, `sudo joystickctl save`, or to a file of your own, `joystickctl save FILE`",
			 why);
		goto fail;
	}
	if (r < 0) {
		snprintf(msg, size, "%s; nothing saved", why);
		goto fail;
	}
	live_changes_clear(&info.changes);
	if (!own) {
		snprintf(msg, size,
			 "saved %u change%s to %s; joystickd runs them unsaved in %s (a reload drops them)",
			 n, n == 1 ? "" : "s", target, info.path);
		return 0;
	}
	if (ask(c, "adopt", &payload, why, sizeof(why))) {
		snprintf(msg, size, "saved %u change%s to %s, but joystickd did not take it: %s",
			 n, n == 1 ? "" : "s", target, why);
		return 1;
	}
	free(payload);
	snprintf(msg, size, "saved %u change%s to %s", n, n == 1 ? "" : "s", target);
	return 0;

 fail:
	live_changes_clear(&info.changes);
	return 1;
}
