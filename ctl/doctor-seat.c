// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Doctor's check of read access for the people at the machine: for the
 * active session of every seat (sd-login), whether its user may read the
 * stick's event and js nodes, as the game they start will.  Udev tags a
 * joystick "uaccess" (70-uaccess.rules) and logind gives the active
 * session's user an ACL on it (73-seat-late.rules runs the uaccess
 * builtin).  With nobody logged in at a seat there is nobody to check:
 * a note.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-login.h>

#include "doctor.h"
#include "engine/escape.h"

#define MAX_GROUPS	256

static void uaccess_fix(const struct doctor *d, const char *session, char *fix, size_t size)
{
	char path[300];

	if (!d->stick_uaccess && doctor_rule_override("70-uaccess.rules", path, sizeof(path)))
		snprintf(fix, size,
			 "%s overrides systemd's 70-uaccess.rules, which tags joysticks uaccess: remove it, then sudo udevadm control --reload && sudo udevadm trigger --action=change %s",
			 path, d->stick_syspath);
	else if (!d->stick_uaccess)
		snprintf(fix, size,
			 "the stick has no uaccess tag (udevadm info %s shows TAGS): it gets one only as ID_INPUT_JOYSTICK=1; see the udev line",
			 d->stick_node);
	else if (doctor_rule_override("73-seat-late.rules", path, sizeof(path)))
		snprintf(fix, size,
			 "%s overrides systemd's 73-seat-late.rules, which applies the uaccess ACL: remove it, then sudo udevadm control --reload && sudo udevadm trigger --action=change %s",
			 path, d->stick_syspath);
	else
		snprintf(fix, size,
			 "logind gives the ACL to the active local session at the seat: loginctl session-status %s; then sudo udevadm trigger --action=change %s",
			 session, d->stick_syspath);
}

static void check_user(struct doctor *d, const char *seat, const char *session, uid_t uid)
{
	char user[ESCAPE_SIZE(64)], denied[160] = "", fix[1024];
	gid_t gids[MAX_GROUPS];
	int n_gids = MAX_GROUPS;
	const char *nodes[] = { d->stick_node, d->js_node };
	struct passwd *pw = getpwuid(uid);

	if (d->n_seat_uids < sizeof(d->seat_uids) / sizeof(d->seat_uids[0]))
		d->seat_uids[d->n_seat_uids++] = uid;
	if (pw) {
		escape_string(pw->pw_name, user, sizeof(user));
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n_gids) < 0)
			n_gids = 0;
	} else {
		snprintf(user, sizeof(user), "uid %u", (unsigned int)uid);
		n_gids = 0;
	}
	for (size_t i = 0; i < 2; i++) {
		if (!nodes[i][0] || doctor_can_read(nodes[i], uid, gids, n_gids))
			continue;
		snprintf(denied + strlen(denied), sizeof(denied) - strlen(denied), "%s%s",
			 denied[0] ? " and " : "", nodes[i]);
	}
	if (!denied[0]) {
		doctor_add(d, DOCTOR_OK, "access", NULL, "%s (%s, session %s) can read %s%s%s", user,
			   seat, session, d->stick_node, d->js_node[0] ? " and " : "", d->js_node);
		return;
	}
	uaccess_fix(d, session, fix, sizeof(fix));
	doctor_add(d, DOCTOR_FAIL, "access", fix,
		   "%s (%s, session %s) cannot read %s: the games they start do not see the stick",
		   user, seat, session, denied);
}

void doctor_check_seat(struct doctor *d)
{
	char **seats = NULL;
	int n = sd_get_seats(&seats);
	bool anyone = false;

	for (int i = 0; i < n; i++) {
		char *session = NULL;
		uid_t uid;

		if (sd_seat_get_active(seats[i], &session, &uid) >= 0) {
			anyone = true;
			if (d->stick_node[0])
				check_user(d, seats[i], session, uid);
		}
		free(session);
		free(seats[i]);
	}
	free(seats);
	if (n < 0)
		doctor_add(d, DOCTOR_NOTE, "access", NULL,
			   "logind cannot be asked about seats (%s): read access is not checked",
			   strerror(-n));
	else if (!anyone)
		doctor_add(d, DOCTOR_NOTE, "access", NULL,
			   "nobody is logged in at a seat: udev's uaccess gives the stick to whoever logs in there, so there is nobody to check");
}
