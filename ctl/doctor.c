// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `joystickctl doctor` (joystickctl(1), DOCTOR): runs the checks in order,
 * each leaving what the next ones need (doctor.h), then prints the lines
 * and the verdict.  The service and the daemon first: the daemon names the
 * configuration it runs, which names the stick.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "engine/config.h"

int ctl_doctor(int argc, char **argv, const char *socket_path)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ 0 }
	};
	struct doctor d = { .socket_path = socket_path };
	bool json = false;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "c:", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			d.config_path = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "joystickctl: doctor takes no arguments, only --json and -c FILE\n");
		return 2;
	}
	doctor_check_service(&d);
	doctor_check_daemon(&d);
	doctor_check_config(&d);
	doctor_check_module(&d);
	doctor_check_stick(&d);
	doctor_check_seat(&d);
	doctor_check_grabs(&d);
	doctor_check_env(&d);
	r = doctor_print(&d, stdout, json);
	doctor_free(&d);
	return r;
}
