// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live changes (issue 18), against the real daemon and the kernel filter
 * or the evdev backend: the shipped configuration (aileron: spring,
 * sensitivity 800, deadzone 0.02, expo:0.3), a daemon whose control
 * group is `joystickd`, a member (uid 1000, supplementary group 1234) and
 * a stranger (uid 1001).
 *
 * Expected axis values from joystickd.ini(5): s = counts / sensitivity,
 * D(s) = sign(s) (|s| - dz) / (1 - dz), y = (1 - k) D + k D^3,
 * V = lround(-32767 + (y + 1) 32767).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmt-live.h"

#define JOYSTICKD	"/usr/bin/joystickd"
#define JOYSTICKCTL	"/usr/bin/joystickctl"
#define SHIPPED_INI	"/etc/jsd-test/joystickd.ini"
#define LIVE_DIR	"/tmp/jsd-live"
#define LIVE_INI	LIVE_DIR "/joystickd.ini"
#define CHECK_INI	LIVE_DIR "/check.ini"
#define LIVE_SOCKET	"/run/jsd-live/control.sock"
#define STICK		"joystickd virtual flight stick"
#define GID		1234
#define MEMBER		1000
#define STRANGER	1001
#define ROOT		(-1)
#define WAIT_MS		10000

/* The shipped aileron. */
#define SENS		800.0
#define DZ		0.02
#define EXPO		0.3

static struct daemon live_jsd;
static struct vdev *mouse;
static char out[65536];
static char original[65536];

/* The value the stick reports for the aileron at @counts from the centre. */
static int32_t aileron(double counts, double sens)
{
	double s = counts / sens, d;

	s = s < -1 ? -1 : s > 1 ? 1 : s;
	d = fabs(s) <= DZ ? 0 : (s < 0 ? -1 : 1) * (fabs(s) - DZ) / (1 - DZ);
	return (int32_t)lround(-32767 + ((1 - EXPO) * d + EXPO * d * d * d + 1) * 32767);
}

/* joystickctl --socket LIVE_SOCKET ARGS... as @uid (ROOT, MEMBER, STRANGER): its exit status. */
static int ctl(int uid, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { JOYSTICKCTL, "--socket", LIVE_SOCKET, (char *)a1, (char *)a2,
			 (char *)a3, (char *)a4, NULL };

	if (uid == MEMBER)
		return dt_run_as(argv, MEMBER, MEMBER, GID, out, sizeof(out), WAIT_MS);
	return dt_run(argv, uid, out, sizeof(out), WAIT_MS);
}

static bool status_has(const char *needle)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	do {
		if (ctl(ROOT, "status", NULL, NULL, NULL) == 0 && strstr(out, needle))
			return true;
		dt_sleep_ms(20);
	} while (dt_now_ms() < deadline);
	return false;
}

/* The first ABS_X the stick reports after REL_X @counts. */
static int first_x(int fd, int32_t counts, int32_t *ret)
{
	evdev_drain(fd);
	vdev_rel(mouse, REL_X, counts);
	return evdev_wait(fd, EV_ABS, ABS_X, true, 0, WAIT_MS, ret);
}

/* Waits until ABS_X is @want (the spring returns to the trim ...). */
static bool settles(int fd, int32_t want)
{
	return evdev_settles(fd, ABS_X, want, WAIT_MS);
}

/* Lines of @a and @b that differ (both as many lines), the last one in @line. */
static int lines_differing(const char *a, const char *b, char *line, size_t size)
{
	int n = 0;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0) {
			snprintf(line, size, "'%.*s' -> '%.*s'", (int)la, a, (int)lb, b);
			n++;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	return n;
}

/* @text with the first @from replaced by @to, written to @path. */
static int write_edited(const char *text, const char *from, const char *to, const char *path)
{
	static char buf[65536];
	const char *at = strstr(text, from);

	if (!at)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return dt_write(path, buf);
}

static bool start(void)
{
	char *argv[] = { JOYSTICKD, "-c", LIVE_INI, "--socket", LIVE_SOCKET, NULL };

	mkdir(LIVE_DIR, 0755);
	if (dt_copy(SHIPPED_INI, LIVE_INI) < 0 || chmod(LIVE_INI, 0644) < 0 ||
	    dt_read(LIVE_INI, original, sizeof(original)) < 0 ||
	    dt_write("/etc/group", "root:x:0:\njoystickd:x:1234:\n") < 0)
		return false;
	if (daemon_spawn(&live_jsd, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&live_jsd, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&live_jsd);
		return false;
	}
	/* The shipped file starts with capture off. */
	return ctl(ROOT, "toggle", NULL, NULL, NULL) == 0 && status_has("active: yes\n");
}

/* What check-config says of the file with @from replaced by @to, after "FILE:". */
static const char *check_config_says(const char *from, const char *to)
{
	char *argv[] = { JOYSTICKCTL, "check-config", CHECK_INI, NULL };
	const char *colon;

	if (write_edited(original, from, to, CHECK_INI) < 0 ||
	    dt_run(argv, ROOT, out, sizeof(out), WAIT_MS) != 78)
		return NULL;
	colon = strstr(out, CHECK_INI ":");
	return colon ? colon + strlen(CHECK_INI ":") : NULL;
}

/* set refused: the message check-config gives for the file it would write; nothing changed. */
static void test_refused(void)
{
	const char *test = "live-set-refused";
	char want[600];
	const char *says = check_config_says("sensitivity = 800", "sensitivity = 0");

	if (!says)
		return dt_fail(test, "check-config of the edited file: %s", out);
	snprintf(want, sizeof(want), "joystickctl: " LIVE_INI ":%s", says);
	if (ctl(MEMBER, "set", "aileron", "sensitivity", "0") != 1)
		return dt_fail(test, "set aileron sensitivity 0: not refused: %s", out);
	if (strcmp(out, want) != 0)
		return dt_fail(test, "set says '%s', check-config '%s'", out, want);
	if (ctl(MEMBER, "set", "aileron", "target", "ABS_RX") != 1 ||
	    !strstr(out, "target cannot change while joystickd runs"))
		return dt_fail(test, "set aileron target ABS_RX: %s", out);
	if (ctl(MEMBER, "get", "aileron", "sensitivity", NULL) != 0 ||
	    strcmp(out, "sensitivity = 400\n") != 0)
		return dt_fail(test, "after the refusals get says %s", out);
	dt_pass(test);
}

/* save: the caller's rights; refused for a member (root's file), done for root. */
static void test_save(void)
{
	char *check[] = { JOYSTICKCTL, "check-config", LIVE_INI, NULL };
	char now[65536], line[300];
	struct stat st;

	if (ctl(MEMBER, "save", NULL, NULL, NULL) != 1 || !strstr(out, "Permission denied") ||
	    !strstr(out, "sudo joystickctl save") || !strstr(out, "joystickctl save FILE") ||
	    dt_read(LIVE_INI, now, sizeof(now)) < 0 || strcmp(now, original) != 0)
		dt_fail("live-save-denied", "a member's save: %s", out);
	else
		dt_pass("live-save-denied");

	if (ctl(STRANGER, "set", "aileron", "sensitivity", "500") != 1 ||
	    !strstr(out, "permission denied"))
		dt_fail("live-stranger", "a stranger's set: %s", out);
	else if (ctl(STRANGER, "save", NULL, NULL, NULL) != 1 || !strstr(out, "permission denied"))
		dt_fail("live-stranger", "a stranger's save: %s", out);
	else if (ctl(ROOT, "get", "aileron", "sensitivity", NULL) != 0 ||
		 strcmp(out, "sensitivity = 400\n") != 0)
		dt_fail("live-stranger", "after the stranger: %s", out);
	else
		dt_pass("live-stranger");

	if (ctl(ROOT, "save", NULL, NULL, NULL) != 0 ||
	    strcmp(out, "saved 1 change to " LIVE_INI "\n") != 0)
		return dt_fail("live-save", "root's save: %s", out);
	if (dt_read(LIVE_INI, now, sizeof(now)) < 0 ||
	    lines_differing(original, now, line, sizeof(line)) != 1 ||
	    strcmp(line, "'sensitivity = 800' -> 'sensitivity = 400'") != 0 ||
	    strstr(now, "sensitivity = 400") > strstr(now, "[axis elevator]"))
		return dt_fail("live-save", "the file differs from the original: %s", line);
	if (dt_run(check, ROOT, out, sizeof(out), WAIT_MS) != 0)
		return dt_fail("live-save", "check-config of the saved file: %s", out);
	if (stat(LIVE_INI, &st) < 0 || st.st_uid != 0 || (st.st_mode & 07777) != 0644)
		return dt_fail("live-save", "the saved file is %o, uid %u", st.st_mode & 07777,
			       st.st_uid);
	if (ctl(MEMBER, "diff", NULL, NULL, NULL) != 0 || out[0])
		return dt_fail("live-save", "diff after the save: %s", out);
	if (!status_has("unsaved changes: none\n"))
		return dt_fail("live-save", "status: %s", out);
	dt_pass("live-save");
}

/* A file edited on disk since the daemon loaded it is not overwritten. */
static void test_changed_on_disk(void)
{
	const char *test = "live-save-changed-on-disk";
	char saved[65536], edited[65600], now[65600];

	if (dt_read(LIVE_INI, saved, sizeof(saved)) < 0 ||
	    ctl(MEMBER, "set", "aileron", "rate", "2") != 0)
		return dt_fail(test, "set aileron rate 2: %s", out);
	snprintf(edited, sizeof(edited), "%s; edited meanwhile\n", saved);
	dt_write(LIVE_INI, edited);
	if (ctl(ROOT, "save", NULL, NULL, NULL) != 1 ||
	    !strstr(out, LIVE_INI " changed on disk since joystickd loaded it"))
		dt_fail(test, "save: %s", out);
	else if (dt_read(LIVE_INI, now, sizeof(now)) < 0 || strcmp(now, edited) != 0)
		dt_fail(test, "the file was written");
	else
		dt_pass(test);
	dt_write(LIVE_INI, saved);
	ctl(MEMBER, "revert", "aileron", NULL, NULL);
}

/* A reload of the saved file keeps the change, on the same stick. */
static void test_reload(int fd, const char *node)
{
	const char *test = "live-reload-keeps";
	char node2[64];
	int32_t v;

	kill(live_jsd.pid, SIGHUP);
	if (daemon_wait_notify(&live_jsd, "RELOADING=1", WAIT_MS) < 0 ||
	    daemon_wait_notify(&live_jsd, "READY=1", WAIT_MS) < 0)
		return dt_fail(test, "no RELOADING=1 / READY=1");
	if (ctl(ROOT, "get", "aileron", "sensitivity", NULL) != 0 ||
	    strcmp(out, "sensitivity = 400\n") != 0)
		return dt_fail(test, "get after the reload: %s", out);
	if (dt_find_event(STICK, node2, sizeof(node2)) < 0 || strcmp(node, node2) != 0)
		return dt_fail(test, "the stick moved from %s to %s", node, node2);
	if (first_x(fd, 200, &v) < 0 || v != aileron(200, 400))
		return dt_fail(test, "REL_X 200 gave ABS_X %d, want %d", v, aileron(200, 400));
	settles(fd, 0);
	dt_pass(test);
}

/* A new trim moves the running trim: the spring brings the stick there. */
static void test_trim(int fd)
{
	const char *test = "live-trim";

	if (ctl(MEMBER, "set", "aileron", "trim", "0.5") != 0)
		return dt_fail(test, "set aileron trim 0.5: %s", out);
	if (!settles(fd, aileron(0.5 * 400, 400)))
		return dt_fail(test, "ABS_X did not settle at %d (trim 0.5)", aileron(200, 400));
	if (ctl(MEMBER, "revert", NULL, NULL, NULL) != 0 || !settles(fd, 0))
		return dt_fail(test, "after revert ABS_X did not return to 0: %s", out);
	dt_pass(test);
}

/* Without a terminal, tune refuses, saying so. */
static void test_tune_tty(void)
{
	if (ctl(MEMBER, "tune", "aileron", NULL, NULL) != 2 ||
	    !strstr(out, "tune is a full-screen program: run it in a terminal"))
		dt_fail("live-tune-needs-tty", "tune without a terminal: %s", out);
	else
		dt_pass("live-tune-needs-tty");
}

void test_live(struct vdev *m)
{
	struct input_id before, after;
	char node[64], node2[64];
	int32_t v;
	int fd = -1;

	mouse = m;
	if (!start() || dt_find_event(STICK, node, sizeof(node)) < 0 ||
	    (fd = evdev_open(node)) < 0) {
		dt_fail("live-motion", "the daemon with %s did not start and fly: %s", LIVE_INI, out);
		goto out;
	}
	ioctl(fd, EVIOCGID, &before);
	if (first_x(fd, 200, &v) < 0 || v != aileron(200, SENS) || !settles(fd, 0)) {
		dt_fail("live-motion", "REL_X 200 gave ABS_X %d, want %d", v, aileron(200, SENS));
		goto out;
	}
	dt_pass("live-motion");

	if (ctl(MEMBER, "set", "aileron", "sensitivity", "400") != 0 ||
	    strcmp(out, "sensitivity = 400\n") != 0)
		dt_fail("live-set", "a member's set aileron sensitivity 400: %s", out);
	else if (dt_find_event(STICK, node2, sizeof(node2)) < 0 || strcmp(node, node2) != 0 ||
		 ioctl(fd, EVIOCGID, &after) < 0 || memcmp(&before, &after, sizeof(before)) != 0)
		dt_fail("live-set", "the stick was replaced (%s -> %s)", node, node2);
	else if (first_x(fd, 200, &v) < 0 || v != aileron(200, 400))
		dt_fail("live-set", "REL_X 200 gave ABS_X %d, want %d", v, aileron(200, 400));
	else
		dt_pass("live-set");
	settles(fd, 0);

	if (ctl(MEMBER, "diff", NULL, NULL, NULL) != 0 ||
	    strcmp(out, "[axis aileron]\nsensitivity = 400\n") != 0)
		dt_fail("live-diff", "diff: %s", out);
	else if (!status_has("unsaved changes: 1 (joystickctl diff)\n"))
		dt_fail("live-diff", "status: %s", out);
	else
		dt_pass("live-diff");

	test_refused();
	test_save();
	test_changed_on_disk();
	test_reload(fd, node);
	test_trim(fd);
	test_tune_tty();
out:
	if (fd >= 0)
		close(fd);
	daemon_stop(&live_jsd, SIGTERM, WAIT_MS);
	daemon_close(&live_jsd);
	unlink("/etc/group");
}
