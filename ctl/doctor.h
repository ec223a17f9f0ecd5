/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `joystickctl doctor`: will a game see the stick?  Each check adds lines
 * (ok, note, warn, fail), a failing line with its fix; the verdict and
 * the exit status come from them.  The checks run in order and leave
 * what the later ones need in struct doctor: the configuration, the
 * daemon's answers, the stick's node.  None of them blocks: D-Bus calls
 * and the control socket have timeouts, everything else is sysfs, /proc
 * and udev's database.
 */
#ifndef JSD_CTL_DOCTOR_H
#define JSD_CTL_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define DOCTOR_TIMEOUT_MS	5000	/* per D-Bus call and socket request: PID 1 under load is slow */

enum doctor_level {
	DOCTOR_OK,
	DOCTOR_NOTE,	/* worth knowing, not a problem */
	DOCTOR_WARN,	/* a problem, but the game still sees the stick */
	DOCTOR_FAIL,	/* the game does not see, or cannot use, the stick */
};

struct doctor_line {
	enum doctor_level level;
	char check[16];
	char *message;
	char *fix;		/* NULL for ok and note lines without one */
};

/* What the daemon answered (status, devices), when it could be asked. */
struct doctor_daemon {
	bool asked;		/* the control socket answered */
	bool active;		/* capture on */
	char backend[16];	/* "kfilter", "evdev" */
	char config[256];
	char stick[64];		/* /dev/input/eventN, or "" */
	unsigned int mice_captured;
	char *devices;		/* the `devices` table, or NULL */
};

struct doctor {
	const char *socket_path;
	const char *config_path;
	struct jsd_config *cfg;		/* NULL when it did not load */
	bool service_down;		/* systemd says joystickd is not running */
	struct doctor_daemon daemon;
	char stick_node[64];		/* the stick's event node, "" if none was found */
	char stick_syspath[256];	/* /sys/.../inputN of the stick */
	char js_node[64];		/* its js node, "" if none */
	bool stick_uaccess;		/* udev tagged it uaccess */
	uid_t seat_uids[8];		/* users of the active sessions at seats */
	unsigned int n_seat_uids;
	struct doctor_line *lines;
	size_t n_lines;
};

/* doctor-report.c */
void doctor_add(struct doctor *d, enum doctor_level level, const char *check, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The text report, or with @json one JSON object; returns the exit status (0 or 1). */
int doctor_print(const struct doctor *d, FILE *out, bool json);
/* @s as a JSON string, quotes included: control characters as \u00XX. */
void doctor_json_string(FILE *out, const char *s);
void doctor_free(struct doctor *d);

/* The checks, in the order doctor.c runs them. */
void doctor_check_config(struct doctor *d);
void doctor_check_service(struct doctor *d);
void doctor_check_daemon(struct doctor *d);
void doctor_check_module(struct doctor *d);
void doctor_check_stick(struct doctor *d);
void doctor_check_seat(struct doctor *d);
void doctor_check_grabs(struct doctor *d);
void doctor_check_env(struct doctor *d);

/* doctor-stick.c: a udev rules file of @name that overrides systemd's (/etc, /run), or NULL. */
const char *doctor_rule_override(const char *name, char *buf, size_t size);

/* doctor-access.c: whether @uid (with groups @gids) may read @path (mode, owner, ACL). */
bool doctor_can_read(const char *path, uid_t uid, const gid_t *gids, int n_gids);
/*
 * The same from the file's owner, group, mode and its system.posix_acl_access
 * xattr (@acl of @acl_size bytes, NULL: none): pure, for the unit tests.
 */
bool doctor_acl_allows_read(uid_t owner, gid_t group, mode_t mode, const void *acl,
			    size_t acl_size, uid_t uid, const gid_t *gids, int n_gids);

/* doctor-env.c: what an environment variable does to a stick of @vendor:@product. */
struct doctor_env_verdict {
	enum doctor_level level;
	const char *why;	/* static text */
};
/* Returns false when @name is none of the variables doctor looks at. */
bool doctor_env_judge(const char *name, const char *value, uint16_t vendor, uint16_t product,
		      struct doctor_env_verdict *ret);

/* ctl entry point: joystickctl doctor [--json] [-c FILE]. */
int ctl_doctor(int argc, char **argv, const char *socket_path);

#endif
