// SPDX-License-Identifier: GPL-2.0-or-later
/* joystickctl: control and inspect joystickd.  See joystickctl(1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control-proto.h"
#include "ctl-client.h"
#include "ctl-curve.h"
#include "ctl-monitor.h"
#include "ctl-save.h"
#include "ctl-tune.h"
#include "doctor.h"

#define EXIT_USAGE	2

static const char *socket_path = CONTROL_SOCKET_PATH;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: joystickctl [--socket PATH] COMMAND [ARGUMENT]...\n"
		"\n"
		"Commands (talking to joystickd):\n"
		"  status                 capture state, profile, mice, counters\n"
		"  devices                devices the kernel filter sees\n"
		"  toggle                 switch capture on or off\n"
		"  recenter [AXIS]        centre one axis, or every axis\n"
		"  profile [NAME]         show or switch the profile\n"
		"  monitor [--once | --frames N]\n"
		"                         live view of every axis and button (q quits)\n"
		"  curve AXIS [--svg FILE] [--size COLSxROWS]\n"
		"                         response curve of AXIS of the current profile\n"
		"  tune [AXIS]            tune the axes on their curves while flying (q quits)\n"
		"  set AXIS KEY VALUE     change a key of an [axis] of the current profile now\n"
		"  set AXIS curve points X,Y X,Y ...\n"
		"                         a points curve and its points in one\n"
		"  unset AXIS KEY         the key back at its default\n"
		"  get AXIS [KEY]         the running values, as ini lines\n"
		"  diff                   the changes against the loaded file, as ini lines\n"
		"  revert [AXIS]          drop the changes (of AXIS)\n"
		"  save [FILE]            write the changes into the loaded file (or FILE)\n"
		"Commands working from a file:\n"
		"  curve AXIS -c FILE [--profile NAME] [--svg FILE] [--size COLSxROWS]\n"
		"  check-config FILE      validate a configuration (exit 0 or 78)\n"
		"Checking the whole system:\n"
		"  doctor [--json] [-c FILE]\n"
		"                         will a game see the stick? each problem with its fix\n"
		"\n"
		"  --socket PATH          control socket (default %s)\n",
		CONTROL_SOCKET_PATH);
}

static int connect_daemon(struct ctl_conn *c)
{
	int r = ctl_connect(socket_path, c);

	if (r == -EACCES || r == -EPERM)
		fprintf(stderr, "joystickctl: %s: permission denied (root or group '%s' needed)\n",
			socket_path, CONTROL_GROUP);
	else if (r == -ENOENT || r == -ECONNREFUSED)
		fprintf(stderr, "joystickctl: cannot reach joystickd at %s: %s (is it running?)\n",
			socket_path, strerror(-r));
	else if (r < 0)
		fprintf(stderr, "joystickctl: %s: %s\n", socket_path, strerror(-r));
	return r;
}

/*
 * Sends one request.  On an OK answer, returns 0 with the payload in
 * *@payload (the caller frees it); else says why and returns an exit status.
 */
static int ask(struct ctl_conn *c, const char *line, char **payload)
{
	int r = ctl_request(c, line, payload);

	if (r == -EREMOTEIO) {
		fprintf(stderr, "joystickctl: %s\n", *payload);
		free(*payload);
		return 1;
	}
	if (r == -ECONNRESET || r == -EPIPE) {
		fprintf(stderr, "joystickctl: joystickd at %s closed the connection without an answer (it may be stopping; try again)\n",
			socket_path);
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "joystickctl: %s: %s\n", socket_path, strerror(-r));
		return 1;
	}
	return 0;
}

/* Sends one request; the payload goes to @out.  Returns an exit status. */
static int request(struct ctl_conn *c, const char *line, FILE *out)
{
	char *payload;
	int status = ask(c, line, &payload);

	if (status)
		return status;
	fputs(payload, out);
	free(payload);
	return 0;
}

static int simple_command(int argc, char **argv)
{
	struct ctl_conn c;
	char line[CONTROL_MAX_LINE];
	size_t len = 0;
	int i, r;

	if (argc > CONTROL_MAX_ARGS) {
		fprintf(stderr, "joystickctl: too many arguments: a request holds at most %d words\n",
			CONTROL_MAX_ARGS);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n")) {
			fprintf(stderr, "joystickctl: arguments cannot contain blanks: '%s'\n",
				argv[i]);
			return EXIT_USAGE;
		}
		r = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);
		if (r < 0 || (size_t)r >= sizeof(line) - len) {
			fprintf(stderr, "joystickctl: request too long (at most %d bytes)\n",
				CONTROL_MAX_LINE - 1);
			return EXIT_USAGE;
		}
		len += r;
	}
	if (connect_daemon(&c) < 0)
		return 1;
	r = request(&c, line, stdout);
	ctl_close(&c);
	return r;
}

/* save [FILE]: written by joystickctl with the caller's rights (ctl-save.c). */
static int cmd_save(int argc, char **argv)
{
	struct ctl_conn c;
	char msg[1200];
	int r;

	if (connect_daemon(&c) < 0)
		return 1;
	r = ctl_save(&c, argc == 2 ? argv[1] : NULL, msg, sizeof(msg));
	ctl_close(&c);
	fprintf(r ? stderr : stdout, "%s%s\n", r ? "joystickctl: " : "", msg);
	return r;
}

static int cmd_tune(int argc, char **argv)
{
	struct ctl_conn c;
	int r;

	if (argc > 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "joystickctl: tune is a full-screen program: run it in a terminal (`joystickctl get` and `set` work without one)\n");
		return EXIT_USAGE;
	}
	if (connect_daemon(&c) < 0)
		return 1;
	r = ctl_tune(&c, argc == 2 ? argv[1] : NULL);
	ctl_close(&c);
	return r;
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct option options[] = {
		{ "once", no_argument, NULL, '1' },
		{ "frames", required_argument, NULL, 'n' },
		{ 0 }
	};
	struct ctl_conn c;
	long frames = 0;
	char *end;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case '1':
			frames = 1;
			break;
		case 'n':
			frames = strtol(optarg, &end, 10);
			if (*end || frames <= 0) {
				fprintf(stderr, "joystickctl: --frames needs a positive number\n");
				return EXIT_USAGE;
			}
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (connect_daemon(&c) < 0)
		return 1;
	r = ctl_monitor(&c, frames);
	ctl_close(&c);
	return r;
}

/* "COLSxROWS", each a plain positive decimal: no sign, no blank, no junk. */
static int parse_size(const char *s, unsigned int *ret_cols, unsigned int *ret_rows)
{
	unsigned long v[2];
	char *end;

	for (int i = 0; i < 2; i++) {
		if (*s < '1' || *s > '9')
			return -EINVAL;
		errno = 0;
		v[i] = strtoul(s, &end, 10);
		if (errno || v[i] > 100000 || *end != (i == 0 ? 'x' : '\0'))
			return -EINVAL;
		s = end + 1;
	}
	*ret_cols = (unsigned int)v[0];
	*ret_rows = (unsigned int)v[1];
	return 0;
}

/*
 * The daemon's SVG, written to @path only once it answered OK: a typo in
 * the axis name must not truncate the file.
 */
static int curve_svg_from_daemon(struct ctl_conn *c, const char *line, const char *path)
{
	char *payload;
	int status = ask(c, line, &payload);
	FILE *f;

	if (status)
		return status;
	f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "joystickctl: %s: %s\n", path, strerror(errno));
		free(payload);
		return 1;
	}
	fputs(payload, f);
	free(payload);
	if (fclose(f) != 0) {
		fprintf(stderr, "joystickctl: writing %s failed\n", path);
		return 1;
	}
	return 0;
}

/* With -c: from the file; else the daemon draws it from the running configuration. */
static int cmd_curve(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, 'p' },
		{ "svg", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ 0 }
	};
	struct ctl_curve_opts o = { .cols = CTL_CURVE_DEFAULT_COLS, .rows = CTL_CURVE_DEFAULT_ROWS };
	struct ctl_conn c;
	char line[CONTROL_MAX_LINE];
	int opt, r;

	while ((opt = getopt_long(argc, argv, "c:", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o.config = optarg;
			break;
		case 'p':
			o.profile = optarg;
			break;
		case 's':
			o.svg = optarg;
			break;
		case 'z':
			if (parse_size(optarg, &o.cols, &o.rows) < 0) {
				fprintf(stderr, "joystickctl: --size wants COLSxROWS, two positive numbers, e.g. 61x21; got '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	o.axis = argv[optind];
	if (o.config)
		return ctl_curve_from_file(&o);
	if (o.profile) {
		fprintf(stderr, "joystickctl: --profile needs -c FILE (the daemon plots its current profile)\n");
		return EXIT_USAGE;
	}
	if (strpbrk(o.axis, " \t\r\n")) {
		fprintf(stderr, "joystickctl: no axis is called '%s'\n", o.axis);
		return 1;
	}

	if (o.svg)
		snprintf(line, sizeof(line), "curve %s svg %u %u", o.axis, CTL_CURVE_SVG_WIDTH,
			 CTL_CURVE_SVG_HEIGHT);
	else
		snprintf(line, sizeof(line), "curve %s ascii %u %u", o.axis, o.cols, o.rows);
	if (connect_daemon(&c) < 0)
		return 1;
	r = o.svg ? curve_svg_from_daemon(&c, line, o.svg) : request(&c, line, stdout);
	ctl_close(&c);
	return r;
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *cmd;
	int opt;

	/* Options before the command only; each command parses its own. */
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			socket_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;	/* 0: glibc restarts its scan for the command's options */

	if (strcmp(cmd, "monitor") == 0)
		return cmd_monitor(argc, argv);
	if (strcmp(cmd, "curve") == 0)
		return cmd_curve(argc, argv);
	if (strcmp(cmd, "doctor") == 0)
		return ctl_doctor(argc, argv, socket_path);
	if (strcmp(cmd, "check-config") == 0) {
		if (argc != 2) {
			usage(stderr);
			return EXIT_USAGE;
		}
		return ctl_check_config(argv[1]);
	}
	if ((strcmp(cmd, "status") == 0 || strcmp(cmd, "devices") == 0 ||
	     strcmp(cmd, "toggle") == 0) && argc == 1)
		return simple_command(argc, argv);
	if ((strcmp(cmd, "recenter") == 0 || strcmp(cmd, "profile") == 0) && argc <= 2)
		return simple_command(argc, argv);
	/* Live changes (commands-live.c in the daemon). */
	if ((strcmp(cmd, "set") == 0 && argc >= 4) || (strcmp(cmd, "unset") == 0 && argc == 3) ||
	    (strcmp(cmd, "get") == 0 && (argc == 2 || argc == 3)) ||
	    (strcmp(cmd, "diff") == 0 && argc == 1) || (strcmp(cmd, "revert") == 0 && argc <= 2))
		return simple_command(argc, argv);
	if (strcmp(cmd, "save") == 0 && argc <= 2)
		return cmd_save(argc, argv);
	if (strcmp(cmd, "tune") == 0)
		return cmd_tune(argc, argv);
	usage(stderr);
	return EXIT_USAGE;
}
