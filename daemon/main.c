// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * joystickd: flies a flight simulator's virtual stick with a mouse.
 * See joystickd(8).  It always runs in the foreground (systemd Type=notify).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control-proto.h"
#include "ctl-client.h"
#include "joystickd_kfilter.h"
#include "log.h"
#include "manager.h"

#define DEFAULT_CONFIG	SYSCONFDIR "/joystickd/joystickd.ini"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: joystickd [OPTION]...\n"
		"Turn mouse motion captured by the joystickd_kfilter module into a virtual flight stick.\n"
		"\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"      --socket PATH   control socket (default %s)\n"
		"      --group NAME    group allowed on the control socket (default %s)\n"
		"      --device PATH   kernel filter device (default %s)\n"
		"      --foreground    stay in the foreground (always the case)\n"
		"      --reload        ask the running joystickd to reload its configuration\n"
		"                      and wait for the verdict (exit 0, or 1 with the reason)\n"
		"  -v, --verbose       debug messages\n"
		"  -h, --help          this help\n",
		DEFAULT_CONFIG, CONTROL_SOCKET_PATH, CONTROL_GROUP, JSKF_DEVICE_PATH);
}

/*
 * --reload: the unit's ExecReload=.  systemd 252 has no Type=notify-reload,
 * and `kill -HUP` returns before the daemon has read the file; this waits
 * for the daemon's answer, so `systemctl reload` fails for a rejected file.
 */
static int reload_daemon(const char *socket_path)
{
	struct ctl_conn c;
	char *answer;
	int r;

	r = ctl_connect(socket_path, &c);
	if (r < 0) {
		fprintf(stderr, "joystickd: cannot reach the running joystickd at %s: %s\n",
			socket_path, strerror(-r));
		return EXIT_FAILURE;
	}
	r = ctl_request(&c, "reload", &answer);
	ctl_close(&c);
	if (r == -EREMOTEIO) {
		fprintf(stderr, "joystickd: reload refused: %s\n", answer);
		free(answer);
		return EXIT_FAILURE;
	}
	if (r < 0) {
		fprintf(stderr, "joystickd: %s: %s\n", socket_path, strerror(-r));
		return EXIT_FAILURE;
	}
	fputs(answer, stdout);
	free(answer);
	return EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	enum { OPT_SOCKET = 256, OPT_GROUP, OPT_DEVICE, OPT_FOREGROUND, OPT_RELOAD };
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "foreground", no_argument, NULL, OPT_FOREGROUND },
		{ "reload", no_argument, NULL, OPT_RELOAD },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct manager_options opt = {
		.config_path = DEFAULT_CONFIG,
		.socket_path = CONTROL_SOCKET_PATH,
		.device_path = JSKF_DEVICE_PATH,
		.group = CONTROL_GROUP,
	};
	struct manager *m;
	bool verbose = false, reload = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:vh", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.config_path = optarg;
			break;
		case OPT_SOCKET:
			opt.socket_path = optarg;
			break;
		case OPT_GROUP:
			opt.group = optarg;
			break;
		case OPT_DEVICE:
			opt.device_path = optarg;
			break;
		case OPT_FOREGROUND:
			break;
		case OPT_RELOAD:
			reload = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_INVALIDARGUMENT;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "joystickd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_INVALIDARGUMENT;
	}

	if (reload)
		return reload_daemon(opt.socket_path);
	log_setup("joystickd", verbose);
	m = manager_new();
	if (!m) {
		log_error("%s", strerror(ENOMEM));
		return EXIT_FAILURE;
	}
	r = manager_start(m, &opt);
	if (r == 0)
		r = manager_run(m);
	manager_free(m);
	return r;
}
