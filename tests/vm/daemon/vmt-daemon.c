// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Daemon VM tests: the real joystickd_kfilter module, the real joystickd
 * and joystickctl, a uinput virtual mouse and keyboard.
 *
 * The tests run in order and share one daemon where they build on each
 * other (motion, then reload, then replug ...); each prints PASS or FAIL.
 * Expected axis values are computed here from the formulas of
 * joystickd.ini(5) and the numbers of the configuration under test:
 *
 *	position  s = clamp(counts / sensitivity, -1, 1)   (from the trim, 0)
 *	expo:k    y = (1 - k) s + k s^3
 *	power:p   y = sign(s) |s|^p
 *	value     v = lround(min + (y + 1) (max - min) / 2)
 *
 * and joydev's correction for /dev/input/jsN (drivers/input/joydev.c,
 * joydev_connect and joydev_correct with flat 0): c = (min + max) / 2,
 * k = 2^29 / ((max - min) / 2), js = clamp((k (v - c)) >> 14, -32767, 32767).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/joystick.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dtest.h"
#include "joystickd_kfilter.h"
#include "kmodule.h"
#include "vmt-evdev.h"
#include "vmt-live.h"
#include "vmt-shape.h"

#define JOYSTICKD	"/usr/bin/joystickd"
#define JOYSTICKD_ASAN	"/usr/bin/joystickd-asan"
#define JOYSTICKCTL	"/usr/bin/joystickctl"
#define UDEVADM		"/usr/bin/udevadm"
#define TEST_INI	"/etc/jsd-test/test.ini"
#define BAD_INI		"/etc/jsd-test/bad.ini"
#define SHIPPED_INI	"/etc/jsd-test/joystickd.ini"
#define MICE_INI	"/etc/jsd-test/mice.ini"
#define RUN_INI		"/tmp/jsd.ini"	/* the running daemon's file, rewritten to reload */
#define KFILTER_INI	"/tmp/jsd-kfilter.ini"	/* test.ini with capture_backend = kfilter */
#define SOCKET		"/run/joystickd/control.sock"
#define GROUP_SOCKET	"/run/jsd-group/control.sock"	/* test_control_group() */
#define GROUP_GID	1234
#define GROUP_GID_STR	"1234"

#define STICK_NAME	"jsd-test stick"
#define MOUSE_NAME	"jsd-test mouse"
#define KBD_NAME	"jsd-test keyboard"
#define OTHER_NAME	"jsd-other mouse"	/* matches no [mouse] section */
#define OTHER_STICK	"jsd-othr stick"	/* as long as STICK_NAME */
/* A mouse whose name would forge a journal line and colour a terminal. */
#define EVIL_NAME	"evil\n<0>FORGED line \033[31mred"
#define EVIL_ESCAPED	"evil\\n<0>FORGED line \\e[31mred"
#define AXIS_MIN	(-32767)
#define AXIS_MAX	32767

/* test.ini */
#define ROLL_SENS	400.0
#define ROLL_EXPO	0.3
#define ROLL_POWER	2.0	/* the curve after the reload */
#define PITCH_SENS	400.0
#define THROTTLE_SENS	20.0

/* config/joystickd.ini, as shipped */
#define SHIPPED_STICK	"joystickd virtual flight stick"
#define SHIPPED_SENS	800.0	/* aileron and elevator: spring */
#define SHIPPED_DZ	0.02
#define SHIPPED_EXPO	0.3
#define SHIPPED_THR_SENS 10.0	/* throttle: hold, trim -1 */

#define WAIT_MS		10000	/* generous: QEMU without KVM on shared cores */

static struct vdev mouse, kbd;
static struct daemon jsd;
static char out[65536];

static double clamp1(double x)
{
	return x < -1 ? -1 : x > 1 ? 1 : x;
}

static int32_t scale(double y)
{
	return (int32_t)lround(AXIS_MIN + (clamp1(y) + 1) * (AXIS_MAX - AXIS_MIN) / 2.0);
}

static int32_t expo(double counts, double sens, double k)
{
	double s = clamp1(counts / sens);

	return scale((1 - k) * s + k * s * s * s);
}

static int32_t power(double counts, double sens, double p)
{
	double s = clamp1(counts / sens);

	return scale(s < 0 ? -pow(-s, p) : pow(s, p));
}

/* deadzone @dz (outer 0), then expo:k */
static int32_t dz_expo(double counts, double sens, double dz, double k)
{
	double s = clamp1(counts / sens);
	double d = fabs(s) <= dz ? 0 : (s < 0 ? -1 : 1) * (fabs(s) - dz) / (1 - dz);

	return scale((1 - k) * d + k * d * d * d);
}

static int32_t linear(double counts, double sens)
{
	return scale(counts / sens);
}

static int16_t joydev(int32_t v)
{
	long c = (AXIS_MIN + AXIS_MAX) / 2;
	long k = (1L << 29) / ((AXIS_MAX - AXIS_MIN) / 2);
	long js = (k * (v - c)) >> 14;

	return js < -32767 ? -32767 : js > 32767 ? 32767 : js;
}

/* joystickctl ARGS... into out[]; returns its exit status. */
static int ctl(int uid, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { JOYSTICKCTL, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };

	return dt_run(argv, uid, out, sizeof(out), WAIT_MS);
}

/* Polls `joystickctl status` until it contains @needle. */
static bool status_has(const char *needle)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	do {
		if (ctl(-1, "status", NULL, NULL, NULL) == 0 && strstr(out, needle))
			return true;
		dt_sleep_ms(20);
	} while (dt_now_ms() < deadline);
	return false;
}

/* The first value of @code the stick reports after a motion. */
static int stick_next(int fd, uint16_t code, int32_t *ret)
{
	return evdev_wait(fd, EV_ABS, code, true, 0, WAIT_MS, ret);
}

/* Waits until the stick reports @want for @code (the spring returns ...). */
static bool stick_settles(int fd, uint16_t code, int32_t want)
{
	return evdev_settles(fd, code, want, WAIT_MS);
}

/* ---- faults: one clear line, the right exit status, nothing left */

/* joystickd(8), EXIT STATUS */
#define EXIT_NOPERMISSION	4
#define EXIT_NOTINSTALLED	5
#define EXIT_NOTCONFIGURED	6
#define EX_CANTCREAT		73
#define EX_TEMPFAIL		75
#define EX_CONFIG		78

#define KFILTER		"joystickd_kfilter"
#define KFILTER_DEV	"/dev/joystickd_kfilter"
#define KFILTER_KO	"/lib/modules/extra/joystickd_kfilter.ko"

enum run_as { AS_ROOT, AS_ROOT_NOCAPS };

/*
 * Runs joystickd with @argv and checks that it exits with @status, that
 * its output is exactly the one line @line, and that it left nothing: no
 * socket file at @sock (NULL: the caller checks), no stick, no capture.
 */
static bool fault_run(const char *test, char *const argv[], enum run_as as, int status,
		      const char *line, const char *sock)
{
	char want[600];
	int st, n, ring;

	st = as == AS_ROOT_NOCAPS ? dt_run_nocaps(argv, out, sizeof(out), WAIT_MS) :
				    dt_run(argv, -1, out, sizeof(out), WAIT_MS);
	snprintf(want, sizeof(want), "%s\n", line);
	if (st != status)
		dt_fail(test, "exit status %d, want %d; output: %s", st, status, out);
	else if (strcmp(out, want) != 0)
		dt_fail(test, "output '%s', want the one line '%s'", out, line);
	else if (sock && access(sock, F_OK) == 0)
		dt_fail(test, "%s was left behind", sock);
	else if ((n = dt_count_input(STICK_NAME)) != 0)
		dt_fail(test, "%d sticks were left behind", n);
	else if ((ring = dt_capture_ring()) != 0)
		dt_fail(test, "capture was left owned (JSKF_IOC_STATS ring %d)", ring);
	else
		return true;
	return false;
}

/* After a fault: a normal start (READY=1) and stop (exit 0, socket gone) work. */
static bool normal_start(const char *test, const char *sock)
{
	char *argv[] = { JOYSTICKD, "-c", RUN_INI, "--socket", (char *)sock, NULL };
	struct daemon d;
	int st;

	if (daemon_spawn(&d, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&d, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&d);
		daemon_close(&d);
		dt_fail(test, "the next normal start gave no READY=1 (log on the console)");
		return false;
	}
	st = daemon_stop(&d, SIGTERM, WAIT_MS);
	daemon_close(&d);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || access(sock, F_OK) == 0) {
		dt_fail(test, "the next normal start ended with wait status %d", st);
		return false;
	}
	return true;
}

static void fault_case(const char *test, char *const argv[], enum run_as as, int status,
		       const char *line)
{
	if (fault_run(test, argv, as, status, line, SOCKET) && normal_start(test, SOCKET))
		dt_pass(test);
}

static void test_config_error(void)
{
	char *argv[] = { JOYSTICKD, "-c", BAD_INI, NULL };

	fault_case("fault-config-invalid", argv, AS_ROOT, EX_CONFIG,
		   BAD_INI ":3: unknown key 'frobnicate' in [capture]");
}

static void test_config_missing(void)
{
	char *argv[] = { JOYSTICKD, "-c", "/etc/jsd-test/none.ini", NULL };

	fault_case("fault-config-missing", argv, AS_ROOT, EXIT_NOTCONFIGURED,
		   "joystickd: /etc/jsd-test/none.ini: No such file or directory "
		   "(write one, see joystickd.ini(5), or name another with -c FILE)");
}

/* Another user's 0600 file, for root without CAP_DAC_OVERRIDE (as in the unit). */
static void test_config_unreadable(void)
{
	char *argv[] = { JOYSTICKD, "-c", "/tmp/secret.ini", NULL };

	if (dt_copy(RUN_INI, "/tmp/secret.ini") < 0 || chown("/tmp/secret.ini", 1000, 1000) < 0 ||
	    chmod("/tmp/secret.ini", 0600) < 0)
		return dt_fail("fault-config-unreadable", "cannot make /tmp/secret.ini");
	fault_case("fault-config-unreadable", argv, AS_ROOT_NOCAPS, EXIT_NOPERMISSION,
		   "joystickd: /tmp/secret.ini: Permission denied (joystickd runs without "
		   "CAP_DAC_OVERRIDE: make it readable, chmod 0644 /tmp/secret.ini)");
	unlink("/tmp/secret.ini");
}

/* A listener owns the path: left alone.  Once it is gone, the stale file is replaced. */
static void test_socket_taken(void)
{
	const char *test = "fault-socket-taken";
	char *argv[] = { JOYSTICKD, "-c", RUN_INI, "--socket", "/tmp/taken.sock", NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/tmp/taken.sock" };
	int lfd, cfd;

	unlink(sa.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0)
		return dt_fail(test, "cannot listen on %s: %s", sa.sun_path, strerror(errno));
	if (!fault_run(test, argv, AS_ROOT, EX_CANTCREAT,
		       "joystickd: /tmp/taken.sock: Address already in use (another joystickd or "
		       "another program listens there: stop it, or use --socket PATH)", NULL))
		goto out;
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		dt_fail(test, "the listener's socket was taken over: %s", strerror(errno));
		if (cfd >= 0)
			close(cfd);
		goto out;
	}
	close(cfd);
	close(lfd);
	lfd = -1;
	if (access(sa.sun_path, F_OK) < 0) {
		dt_fail(test, "no stale socket file to replace");
		goto out;
	}
	if (normal_start(test, sa.sun_path))
		dt_pass(test);
out:
	if (lfd >= 0)
		close(lfd);
	unlink(sa.sun_path);
}

static void test_socket_not_socket(void)
{
	char *argv[] = { JOYSTICKD, "-c", RUN_INI, "--socket", "/tmp/plain", NULL };

	if (dt_write("/tmp/plain", "mine\n") < 0)
		return dt_fail("fault-socket-not-socket", "cannot write /tmp/plain");
	if (fault_run("fault-socket-not-socket", argv, AS_ROOT, EX_CANTCREAT,
		      "joystickd: /tmp/plain: File exists (and it is not a socket: remove it, "
		      "or use --socket PATH)", NULL)) {
		if (dt_read("/tmp/plain", out, sizeof(out)) < 0 || strcmp(out, "mine\n") != 0)
			dt_fail("fault-socket-not-socket", "/tmp/plain was changed");
		else if (normal_start("fault-socket-not-socket", SOCKET))
			dt_pass("fault-socket-not-socket");
	}
	unlink("/tmp/plain");
}

/*
 * The kernel filter's faults need capture_backend = kfilter: auto would
 * run the evdev backend instead (the evdev run, main_evdev()).
 */
static int write_kfilter_config(void)
{
	static char text[16384];
	const char *at = "[capture]\n";
	char *p;

	if (dt_read(TEST_INI, text, sizeof(text)) < 0 || !(p = strstr(text, at)))
		return -EINVAL;
	p += strlen(at);
	memmove(p + strlen("capture_backend = kfilter\n"), p, strlen(p) + 1);
	memcpy(p, "capture_backend = kfilter\n", strlen("capture_backend = kfilter\n"));
	return dt_write(KFILTER_INI, text);
}

/* The module really unloaded (the mice stay; they are attached again on load). */
static void test_no_module(void)
{
	const char *test = "fault-no-module";
	char *argv[] = { JOYSTICKD, "-c", KFILTER_INI, NULL };
	char want[300];
	int r, st;

	r = kf_module_unload();
	if (r < 0)
		return dt_fail(test, "delete_module: %s", strerror(-r));
	st = dt_run(argv, -1, out, sizeof(out), WAIT_MS);
	snprintf(want, sizeof(want), "joystickd: %s: No such file or directory (is the "
		 "joystickd_kfilter module loaded? modprobe joystickd_kfilter)\n", KFILTER_DEV);
	r = kf_module_load(KFILTER_KO);
	if (r < 0)
		return dt_fail(test, "finit_module: %s", strerror(-r));
	if (st != EXIT_NOTINSTALLED || strcmp(out, want) != 0)
		return dt_fail(test, "exit %d, want %d and the one line '%s': %s",
			       st, EXIT_NOTINSTALLED, want, out);
	if (access(SOCKET, F_OK) == 0 || dt_count_input(STICK_NAME) != 0 || dt_capture_ring() != 0)
		return dt_fail(test, "something was left behind");
	if (normal_start(test, SOCKET))
		dt_pass(test);
}

/* chmod 000 on a device node, for root without CAP_DAC_OVERRIDE. */
static void test_device_denied(const char *test, const char *node, const char *line)
{
	char *argv[] = { JOYSTICKD, "-c", KFILTER_INI, NULL };
	struct stat st;

	if (stat(node, &st) < 0 || chmod(node, 0) < 0)
		return dt_fail(test, "cannot chmod %s", node);
	if (!fault_run(test, argv, AS_ROOT_NOCAPS, EXIT_NOPERMISSION, line, SOCKET)) {
		chmod(node, st.st_mode & 07777);
		return;
	}
	chmod(node, st.st_mode & 07777);
	if (normal_start(test, SOCKET))
		dt_pass(test);
}

static void test_uinput_missing(void)
{
	const char *test = "fault-uinput-missing";
	char *argv[] = { JOYSTICKD, "-c", RUN_INI, NULL };
	struct stat st;
	bool ok;

	if (stat("/dev/uinput", &st) < 0 || unlink("/dev/uinput") < 0)
		return dt_fail(test, "cannot remove /dev/uinput");
	ok = fault_run(test, argv, AS_ROOT, EXIT_NOTINSTALLED,
		       "joystickd: /dev/uinput: No such file or directory "
		       "(is the uinput module loaded? modprobe uinput)", SOCKET);
	if (mknod("/dev/uinput", st.st_mode, st.st_rdev) < 0)
		return dt_fail(test, "cannot make /dev/uinput again: %s", strerror(errno));
	if (ok && normal_start(test, SOCKET))
		dt_pass(test);
}

/* The faults at start-up, before the daemon of the later tests runs. */
static void test_startup_faults(void)
{
	test_config_error();
	test_config_missing();
	test_config_unreadable();
	test_socket_taken();
	test_socket_not_socket();
	if (write_kfilter_config() < 0)
		dt_info("cannot write %s", KFILTER_INI);
	test_no_module();
	test_device_denied("fault-kfilter-denied", KFILTER_DEV,
			   "joystickd: " KFILTER_DEV ": Permission denied (joystickd must run as "
			   "root; under systemd, DeviceAllow=" KFILTER_DEV " rw)");
	test_uinput_missing();
	test_device_denied("fault-uinput-denied", "/dev/uinput",
			   "joystickd: /dev/uinput: Permission denied (joystickd must run as root; "
			   "under systemd, DeviceAllow=/dev/uinput rw)");
}

static void test_check_config(void)
{
	int st = ctl(-1, "check-config", TEST_INI, NULL, NULL);

	if (st != 0)
		return dt_fail("ctl-check-config", "good file: exit %d: %s", st, out);
	st = ctl(-1, "check-config", BAD_INI, NULL, NULL);
	if (st != 78 || !strstr(out, BAD_INI ":3: "))
		return dt_fail("ctl-check-config", "bad file: exit %d, want 78 and file:line: %s",
			       st, out);
	dt_pass("ctl-check-config");
}

/* The tail every file below shares: two axes and two buttons, a joystick. */
#define JOYSTICK_TAIL	"[axis pitch]\ntarget = ABS_Y\nsource = REL_Y\n" \
			"[button trigger]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n" \
			"[button thumb]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"

/* check-config refuses what cannot work, naming file:line, exit 78. */
static void check_refused(const char *test, const char *text, const char *want)
{
	const char *path = "/tmp/refused.ini";
	int st;

	if (dt_write(path, text) < 0)
		return dt_fail(test, "cannot write %s", path);
	st = ctl(-1, "check-config", path, NULL, NULL);
	if (st != EX_CONFIG || strcmp(out, want) != 0)
		return dt_fail(test, "exit %d, want %d and '%s': '%s'", st, EX_CONFIG, want, out);
	dt_pass(test);
}

static void test_check_config_refusals(void)
{
	check_refused("config-points-too-close",
		      "[axis roll]\ntarget = ABS_X\nsource = REL_X\ncurve = points\n"
		      "point = 0, 0\npoint = 1e-310, 0.5\npoint = 1, 1\n" JOYSTICK_TAIL,
		      "/tmp/refused.ini:4: curve: points closer than 0.000001 in x cannot be evaluated\n");
	check_refused("config-control-in-name",
		      "[stick]\nname = evil\033[31m stick\n"
		      "[axis roll]\ntarget = ABS_X\nsource = REL_X\n" JOYSTICK_TAIL,
		      "/tmp/refused.ini:2: control characters and invalid UTF-8 are not allowed: "
		      "'name = evil\\e[31m stick'\n");
}

/*
 * [stick] min and max at the int32 limits: the sanitizer build starts (no
 * signed overflow) and the stick's axes sit at the centre, -1.
 */
static void test_full_range_stick(void)
{
	char *argv[] = { JOYSTICKD_ASAN, "-c", "/tmp/full-range.ini", "--socket",
			 "/tmp/full-range.sock", NULL };
	char *env[] = { "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99",
			"UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98", NULL };
	struct daemon d;
	char node[64];
	int32_t v = 0;
	int fd = -1, st;

	if (dt_write("/tmp/full-range.ini",
		     "[capture]\nmice = all\n[stick]\nname = jsd-full stick\n"
		     "min = -2147483648\nmax = 2147483647\n"
		     "[axis roll]\ntarget = ABS_X\nsource = REL_X\n" JOYSTICK_TAIL) < 0)
		return dt_fail("stick-int32-range", "cannot write the file");
	if (daemon_spawn(&d, argv, env, false) < 0 ||
	    daemon_wait_notify(&d, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&d);
		daemon_close(&d);
		return dt_fail("stick-int32-range", "no READY=1 (log on the console)");
	}
	if (dt_find_event("jsd-full stick", node, sizeof(node)) < 0 ||
	    (fd = evdev_open(node)) < 0 || evdev_abs(fd, ABS_X, &v) < 0 || v != -1)
		dt_fail("stick-int32-range", "ABS_X is %d at start, want -1", v);
	if (fd >= 0)
		close(fd);
	st = daemon_stop(&d, SIGTERM, 4 * WAIT_MS);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    daemon_log_has(&d, "runtime error") || daemon_log_has(&d, "Sanitizer")) {
		daemon_dump_log(&d);
		dt_fail("stick-int32-range", "wait status %d; sanitizer report on the console", st);
	} else if (v == -1) {
		dt_pass("stick-int32-range");
	}
	daemon_close(&d);
}

/* VMT_BACKEND=evdev: the module is absent and the daemon runs its evdev backend (main_evdev()). */
static bool evdev_mode;

/* ---- the running daemon */

static bool start_daemon(const char *exe, char *const env[], bool journal)
{
	char *argv[] = { (char *)exe, "-c", RUN_INI, NULL };

	if (daemon_spawn(&jsd, argv, env, journal) < 0 || daemon_wait_notify(&jsd, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&jsd);
		return false;
	}
	return true;
}

/* false when the daemon did not start: the steps after it need one */
static bool test_ready(void)
{
	char *env[] = { "WATCHDOG_USEC=400000", NULL };
	struct stat st;

	if (!start_daemon(JOYSTICKD, env, false)) {
		dt_fail("daemon-ready", "no READY=1 (log on the console)");
		return false;
	}
	pthread_mutex_lock(&jsd.lock);
	if (!strstr(jsd.status, "Active") || !strstr(jsd.status, "1 mice captured")) {
		pthread_mutex_unlock(&jsd.lock);
		dt_fail("daemon-ready", "STATUS=%s", jsd.status);
		return false;
	}
	pthread_mutex_unlock(&jsd.lock);
	if (stat(SOCKET, &st) < 0 || !S_ISSOCK(st.st_mode) || (st.st_mode & 0777) != 0600) {
		dt_fail("daemon-ready", "%s: want a socket of mode 0600 (no joystickd group)", SOCKET);
		return false;
	}
	dt_pass("daemon-ready");

	/* sd-event pings at half the period: several within 2 s. */
	if (daemon_wait_notify(&jsd, "WATCHDOG=1", 2000) < 0 ||
	    daemon_wait_notify(&jsd, "WATCHDOG=1", 2000) < 0)
		dt_fail("daemon-watchdog", "no WATCHDOG=1 with WATCHDOG_USEC=400000");
	else
		dt_pass("daemon-watchdog");
	return true;
}

/* With the module loaded, auto runs the kernel filter and says so. */
static void test_kfilter_chosen(void)
{
	const char *line = "capture backend: kfilter (auto: " KFILTER_DEV " opened)";

	if (!daemon_log_has(&jsd, line))
		return dt_fail("kfilter-backend-chosen", "no line '%s' in the log", line);
	if (ctl(-1, "status", NULL, NULL, NULL) != 0 || !strstr(out, "backend: kfilter\n"))
		return dt_fail("kfilter-backend-chosen", "status: %s", out);
	dt_pass("kfilter-backend-chosen");
}

/* udev's input_id builtin calls the stick a joystick, and joydev gives it a jsN. */
static void test_joystick_class(const char *test, const char *stick)
{
	char node[64], js[64], sys[96];
	char *argv[] = { UDEVADM, "test-builtin", "input_id", sys, NULL };
	int st;

	if (dt_find_event(stick, node, sizeof(node)) < 0)
		return dt_fail(test, "no event node named '%s'", stick);
	snprintf(sys, sizeof(sys), "/sys/class/input/%s", node + strlen("/dev/input/"));
	st = dt_run(argv, -1, out, sizeof(out), WAIT_MS);
	if (st != 0 || !strstr(out, "ID_INPUT_JOYSTICK=1"))
		return dt_fail(test, "udevadm exit %d: %s", st, out);
	if (strstr(out, "ID_INPUT_MOUSE=1") || strstr(out, "ID_INPUT_KEY=1"))
		return dt_fail(test, "also classified as something else: %s", out);
	if (dt_find_js(stick, js, sizeof(js)) < 0 || access(js, R_OK) < 0)
		return dt_fail(test, "no /dev/input/jsN for the stick");
	dt_pass(test);
}

/* Motion, wheel and buttons reach the stick with the predicted values. */
static void test_motion(void)
{
	int32_t roll = expo(100, ROLL_SENS, ROLL_EXPO), pitch = linear(200, PITCH_SENS);
	int32_t throttle = linear(5, THROTTLE_SENS);
	char node[64], js[64];
	int16_t jsv;
	int32_t v;
	int fd, jfd;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || dt_find_js(STICK_NAME, js, sizeof(js)) < 0)
		return dt_fail("motion-roll", "stick nodes missing");
	fd = evdev_open(node);
	jfd = open(js, O_RDONLY | O_NONBLOCK);
	if (fd < 0 || jfd < 0)
		return dt_fail("motion-roll", "cannot open %s or %s", node, js);
	/* The initial state of every axis: roll (axis 0) at the centre. */
	if (js_init(jfd, 0, &jsv) < 0 || jsv != 0)
		dt_fail("motion-roll", "js axis 0 starts at %d, want 0", jsv);

	vdev_rel(&mouse, REL_X, 100);
	if (stick_next(fd, ABS_X, &v) < 0 || v != roll)
		dt_fail("motion-roll", "REL_X 100 gave ABS_X %d, want %d", v, roll);
	else if (js_wait_axis(jfd, 0, joydev(roll), WAIT_MS, &jsv) < 0)
		dt_fail("motion-roll", "js axis 0 is %d, want %d", jsv, joydev(roll));
	else
		dt_pass("motion-roll");

	/* Spring: back to the centre by itself (rate 2/s: within 0.5 s). */
	if (!stick_settles(fd, ABS_X, 0))
		dt_fail("spring-return", "ABS_X did not return to 0");
	else
		dt_pass("spring-return");

	vdev_rel(&mouse, REL_Y, 200);
	if (stick_next(fd, ABS_Y, &v) < 0 || v != pitch || !stick_settles(fd, ABS_Y, pitch))
		dt_fail("motion-pitch-hold", "REL_Y 200 gave ABS_Y %d, want %d and staying", v, pitch);
	else
		dt_pass("motion-pitch-hold");

	vdev_rel(&mouse, REL_WHEEL, 5);
	if (stick_next(fd, ABS_THROTTLE, &v) < 0 || v != throttle)
		dt_fail("wheel-throttle", "5 notches gave ABS_THROTTLE %d, want %d", v, throttle);
	else
		dt_pass("wheel-throttle");

	/* joydev numbers the axes in code order: ABS_X 0, ABS_Y 1, ABS_THROTTLE 2. */
	if (js_wait_axis(jfd, 1, joydev(pitch), WAIT_MS, &jsv) < 0)
		dt_fail("js-axes", "js axis 1 is %d, want %d", jsv, joydev(pitch));
	else if (js_wait_axis(jfd, 2, joydev(throttle), WAIT_MS, &jsv) < 0)
		dt_fail("js-axes", "js axis 2 is %d, want %d", jsv, joydev(throttle));
	else
		dt_pass("js-axes");

	vdev_key(&mouse, BTN_LEFT, 1);
	if (evdev_wait(fd, EV_KEY, BTN_TRIGGER, false, 1, WAIT_MS, &v) < 0) {
		dt_fail("button-trigger", "BTN_LEFT press: no BTN_TRIGGER 1");
	} else {
		vdev_key(&mouse, BTN_LEFT, 0);
		if (evdev_wait(fd, EV_KEY, BTN_TRIGGER, false, 0, WAIT_MS, &v) < 0)
			dt_fail("button-trigger", "BTN_LEFT release: no BTN_TRIGGER 0");
		else
			dt_pass("button-trigger");
	}
	close(jfd);
	close(fd);
}

/* Waits until every thread of @pid is stopped (state T). */
static bool wait_stopped(pid_t pid)
{
	for (int tries = 0; tries < 200; tries++) {
		char path[320], stat[512];
		bool all = true;
		DIR *d;
		struct dirent *de;

		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		d = opendir(path);
		if (!d)
			return false;
		while ((de = readdir(d))) {
			char *state;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, de->d_name);
			if (dt_read(path, stat, sizeof(stat)) < 0 || !(state = strrchr(stat, ')')) ||
			    state[2] != 'T')
				all = false;
		}
		closedir(d);
		if (all)
			return true;
		dt_sleep_ms(10);
	}
	return false;
}

/* What the stick sent after a SIGCONT (stick_watch()). */
struct stick_seen {
	int frames;		/* SYN_REPORTs */
	int32_t x, y;		/* the last ABS_X and ABS_Y, INT32_MIN before one */
	int presses, releases;	/* of BTN_TRIGGER */
};

/*
 * Reads the stick @fd until @done says so (or WAIT_MS), then 100 ms more
 * for frames that must not follow; what it sent is in @seen.
 */
static void stick_watch(int fd, struct stick_seen *seen, bool (*done)(const struct stick_seen *))
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	*seen = (struct stick_seen){ .x = INT32_MIN, .y = INT32_MIN };
	while (dt_now_ms() < deadline && !done(seen)) {
		struct input_event ev;

		if (read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
			dt_sleep_ms(5);
			continue;
		}
		if (ev.type == EV_SYN && ev.code == SYN_REPORT)
			seen->frames++;
		else if (ev.type == EV_ABS && ev.code == ABS_X)
			seen->x = ev.value;
		else if (ev.type == EV_ABS && ev.code == ABS_Y)
			seen->y = ev.value;
		else if (ev.type == EV_KEY && ev.code == BTN_TRIGGER)
			ev.value ? seen->presses++ : seen->releases++;
	}
	dt_sleep_ms(100);
	seen->frames += evdev_count(fd, EV_SYN, 0);
}

static bool batch_merged(const struct stick_seen *seen)
{
	return seen->y == linear(300, PITCH_SENS) && seen->releases;
}

/*
 * Frames that reach the daemon in one batch (it is stopped while they are
 * made) are merged: the stick gets the batch's final pitch in fewer frames
 * than were made, and still the trigger's press and its release.  Pitch is
 * a hold axis at 200 counts (test_motion); ten frames add 100.
 */
static void test_batch_merge(void)
{
	int32_t want = linear(300, PITCH_SENS);
	struct stick_seen seen;
	char node[64];
	int fd;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("batch-merge", "stick node missing");
	evdev_drain(fd);
	kill(jsd.pid, SIGSTOP);
	if (!wait_stopped(jsd.pid)) {
		kill(jsd.pid, SIGCONT);
		close(fd);
		return dt_fail("batch-merge", "the daemon did not stop");
	}
	for (int i = 0; i < 10; i++) {
		vdev_rel(&mouse, REL_Y, 10);
		if (i == 3)
			vdev_key(&mouse, BTN_LEFT, 1);
		if (i == 6)
			vdev_key(&mouse, BTN_LEFT, 0);
	}
	kill(jsd.pid, SIGCONT);
	stick_watch(fd, &seen, batch_merged);
	close(fd);
	if (seen.y != want || seen.presses != 1 || seen.releases != 1 || seen.frames > 3)
		return dt_fail("batch-merge", "ABS_Y %d (want %d), %d presses, %d releases, "
			       "%d frames for 12 input frames (want 1 press, 1 release, <= 3)",
			       seen.y, want, seen.presses, seen.releases, seen.frames);
	dt_info("batch-merge: 12 input frames in one batch became %d stick frames", seen.frames);
	dt_pass("batch-merge");
}

/* The write() calls process @pid made so far (/proc/PID/io syscw), or -1. */
static long long write_calls(pid_t pid)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "syscw: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

#define IN_READ_FRAMES 100

/*
 * With the kernel filter the stick's frames go out inside the reader's
 * next pended read (JSKF_READ_OUTPUT): frames reach the stick, one batch
 * at a time, and joystickd makes no write() for them.  Pitch (hold) goes
 * up and down by 10 counts a frame and ends where it started.
 */
static void test_stick_in_read(void)
{
	long long w0, w1;
	int frames;
	char node[64];
	int fd;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("stick-in-read", "stick node missing");
	evdev_drain(fd);
	w0 = write_calls(jsd.pid);
	for (int i = 0; i < IN_READ_FRAMES; i++) {
		vdev_rel(&mouse, REL_Y, i % 2 ? -10 : 10);
		dt_sleep_ms(2);
	}
	dt_sleep_ms(300);
	w1 = write_calls(jsd.pid);
	frames = evdev_count(fd, EV_SYN, 0);
	close(fd);
	if (w0 < 0 || w1 < 0)
		return dt_fail("stick-in-read", "/proc/%d/io has no syscw", (int)jsd.pid);
	/* Frames of one batch merge (+10 and -10 cancel): fewer stick frames than input frames. */
	if (frames < IN_READ_FRAMES / 10 || w1 - w0 > 5)
		return dt_fail("stick-in-read", "%d input frames: %d stick frames (want >= %d) and %lld write() calls by joystickd (want <= 5: the frames go out in its reads)",
			       IN_READ_FRAMES, frames, IN_READ_FRAMES / 10, w1 - w0);
	dt_info("stick-in-read: %d input frames, %d stick frames, %lld write() calls by joystickd",
		IN_READ_FRAMES, frames, w1 - w0);
	dt_pass("stick-in-read");
}

static bool roll_centred(const struct stick_seen *seen)
{
	return seen->x == 0;
}

/*
 * A daemon held up mid-return (stopped: its reader's read timed out long
 * ago) moves the spring once when it runs again, a tick for all the time
 * it lost, not a burst of one frame per tick it missed.  Roll is a spring
 * axis at rate 2/s: from full deflection 0.5 s, 125 ticks at 250 Hz.
 */
static void test_spring_after_stop(void)
{
	const char *test = "spring-after-stop";
	struct stick_seen seen;
	int32_t x, stopped_at;
	char node[64];
	int fd;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail(test, "stick node missing");
	vdev_rel(&mouse, REL_X, 2 * (int)ROLL_SENS);
	if (stick_next(fd, ABS_X, &x) < 0 || x == 0) {
		close(fd);
		return dt_fail(test, "REL_X %d did not move ABS_X", 2 * (int)ROLL_SENS);
	}
	kill(jsd.pid, SIGSTOP);
	if (!wait_stopped(jsd.pid) || evdev_abs(fd, ABS_X, &stopped_at) < 0) {
		kill(jsd.pid, SIGCONT);
		close(fd);
		return dt_fail(test, "the daemon did not stop");
	}
	dt_sleep_ms(1000);	/* twice the whole return */
	evdev_drain(fd);
	kill(jsd.pid, SIGCONT);
	stick_watch(fd, &seen, roll_centred);
	close(fd);
	if (stopped_at == 0)
		return dt_fail(test, "the spring was back at 0 before the daemon stopped");
	if (seen.x != 0 || seen.frames > 2)
		return dt_fail(test, "after SIGCONT ABS_X went from %d to %d in %d frames (want 0 in <= 2)",
			       stopped_at, seen.x, seen.frames);
	dt_info("%s: ABS_X %d to 0 in %d frame(s) after a 1 s stop", test, stopped_at, seen.frames);
	dt_pass(test);
}

/* While active, the desktop (an evdev reader of the mouse) sees nothing. */
static void test_swallow(void)
{
	char node[64];
	int fd, n;

	if (dt_find_event(MOUSE_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("swallow-active", "no mouse node");
	vdev_rel(&mouse, REL_X, 7);
	vdev_rel(&mouse, REL_WHEEL, 1);
	vdev_key(&mouse, BTN_RIGHT, 1);
	vdev_key(&mouse, BTN_RIGHT, 0);
	n = evdev_count(fd, EV_REL, 300);
	close(fd);
	if (n != 0)
		return dt_fail("swallow-active", "the mouse's evdev reader got %d REL events", n);
	dt_pass("swallow-active");
}

static void test_ctl(void)
{
	int st;

	st = ctl(-1, "status", NULL, NULL, NULL);
	if (st != 0 || !strstr(out, "active: yes\n") || !strstr(out, "mice captured: 1\n") ||
	    !strstr(out, "kernel coalesced: 0\n") || !strstr(out, "kernel dropped: 0\n") ||
	    !strstr(out, "sequence gaps: 0 (0 records)\n"))
		dt_fail("ctl-status", "exit %d: %s", st, out);
	else
		dt_pass("ctl-status");

	st = ctl(-1, "devices", NULL, NULL, NULL);
	if (st != 0 || !strstr(out, "pointer  yes") || !strstr(out, MOUSE_NAME) ||
	    !strstr(out, "keyboard"))
		dt_fail("ctl-devices", "exit %d: %s", st, out);
	else
		dt_pass("ctl-devices");

	st = ctl(1000, "status", NULL, NULL, NULL);
	if (st != 1 || !strstr(out, "permission denied"))
		dt_fail("ctl-permission", "uid 1000: exit %d: %s", st, out);
	else
		dt_pass("ctl-permission");

	st = ctl(-1, "profile", "default", NULL, NULL);
	if (st != 0 || strcmp(out, "profile: default\n") != 0)
		dt_fail("ctl-profile", "profile default: exit %d: %s", st, out);
	else
		dt_pass("ctl-profile");

	st = ctl(-1, "profile", "nosuch", NULL, NULL);
	if (st != 1 || !strstr(out, "no profile 'nosuch'"))
		dt_fail("ctl-errors", "profile nosuch: exit %d: %s", st, out);
	else
		dt_pass("ctl-errors");
}

/*
 * 60 frames, numbered 1 to 60, each drawing every axis and button.  The
 * monitor paces itself at MONITOR_HZ (100); the rate it reports depends on
 * how fast the emulated guest runs, so it is shown, not asserted (speed is
 * measured by make bench, not by timed tests).
 */
static void test_monitor(void)
{
	int st = ctl(-1, "monitor", "--frames", "60", NULL);
	const char *last = strstr(out, "frame 60 ");
	double rate = 0;

	if (st != 0 || !strstr(out, "frame 1 ") || !last ||
	    sscanf(last, "frame 60 %lf/s", &rate) != 1 || strstr(out, "frame 61 ") ||
	    !strstr(last, "ABS_X ") || !strstr(last, "ABS_THROTTLE ") ||
	    !strstr(last, "BTN_TRIGGER "))
		return dt_fail("ctl-monitor", "exit %d: %.300s", st, out);
	dt_info("ctl-monitor: %.0f frames per second in the guest (paced at 100)", rate);
	dt_pass("ctl-monitor");
}

static void test_curve(void)
{
	char svg[16384];
	int st;

	st = ctl(-1, "curve", "roll", "--svg", "/tmp/roll.svg");
	if (st != 0 || dt_read("/tmp/roll.svg", svg, sizeof(svg)) < 0 ||
	    strncmp(svg, "<?xml", 5) != 0 || !strstr(svg, "</svg>") || !strstr(svg, "<polyline"))
		return dt_fail("ctl-curve", "--svg: exit %d: %s", st, out);
	st = ctl(-1, "curve", "roll", NULL, NULL);
	if (st != 0 || !strstr(out, "axis roll -> ABS_X: expo:0.3"))
		return dt_fail("ctl-curve", "ascii: exit %d: %s", st, out);
	st = ctl(-1, "curve", "roll", "-c", TEST_INI);
	if (st != 0 || !strstr(out, "axis roll -> ABS_X: expo:0.3"))
		return dt_fail("ctl-curve", "-c: exit %d: %s", st, out);
	dt_pass("ctl-curve");
}

/* A typo must not truncate the SVG file; a negative size is refused. */
static void test_curve_args(void)
{
	char keep[64] = "", why[1024] = "";
	size_t n;
	int st;

	/* Both checks run; one FAIL line gives every reason. */
	dt_write("/tmp/keep.svg", "keep me\n");
	st = ctl(-1, "curve", "typo", "--svg", "/tmp/keep.svg");
	if (st != 1 || dt_read("/tmp/keep.svg", keep, sizeof(keep)) < 0 ||
	    strcmp(keep, "keep me\n") != 0)
		snprintf(why, sizeof(why), "curve typo --svg: exit %d, file now '%s': %.300s; ", st, keep,
			 out);
	st = ctl(-1, "curve", "roll", "--size", "-5x-5");
	n = strlen(why);
	if (st != 2 || !strstr(out, "--size wants COLSxROWS"))
		snprintf(why + n, sizeof(why) - n, "--size -5x-5: exit %d: %.300s", st, out);
	if (why[0])
		dt_fail("ctl-curve-args", "%s", why);
	else
		dt_pass("ctl-curve-args");
}

/* The kernel hotkey flips capture; held joystick buttons are let go. */
static void test_hotkey(void)
{
	char snode[64], mnode[64];
	int sfd, mfd, n;
	int32_t v;

	if (dt_find_event(STICK_NAME, snode, sizeof(snode)) < 0 ||
	    dt_find_event(MOUSE_NAME, mnode, sizeof(mnode)) < 0)
		return dt_fail("hotkey-toggle", "nodes missing");
	sfd = evdev_open(snode);
	mfd = evdev_open(mnode);

	vdev_key(&mouse, BTN_LEFT, 1);
	if (evdev_wait(sfd, EV_KEY, BTN_TRIGGER, false, 1, WAIT_MS, &v) < 0) {
		dt_fail("hotkey-toggle", "trigger not pressed");
		goto out;
	}
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	if (!status_has("active: no\n")) {
		dt_fail("hotkey-toggle", "status still says: %s", out);
		goto out;
	}
	if (evdev_wait(sfd, EV_KEY, BTN_TRIGGER, false, 0, WAIT_MS, &v) < 0) {
		dt_fail("toggle-off-releases", "BTN_TRIGGER still pressed after capture off");
		goto out;
	}
	dt_pass("toggle-off-releases");
	/* on_toggle_off = recenter: pitch (hold, at 200 counts) goes to its trim. */
	if (!stick_settles(sfd, ABS_Y, 0))
		dt_fail("toggle-off-recenter", "ABS_Y did not go to 0");
	else
		dt_pass("toggle-off-recenter");
	vdev_key(&mouse, BTN_LEFT, 0);

	evdev_drain(mfd);
	evdev_drain(sfd);
	vdev_rel(&mouse, REL_X, 9);
	if (evdev_wait(mfd, EV_REL, REL_X, false, 9, WAIT_MS, &v) < 0) {
		dt_fail("hotkey-toggle", "inactive: the desktop did not get REL_X 9");
		goto out;
	}
	n = evdev_count(sfd, EV_ABS, 300);
	if (n != 0) {
		dt_fail("hotkey-toggle", "inactive: the stick moved (%d events)", n);
		goto out;
	}
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	if (!status_has("active: yes\n")) {
		dt_fail("hotkey-toggle", "not active again: %s", out);
		goto out;
	}
	evdev_drain(mfd);
	vdev_rel(&mouse, REL_X, 9);
	n = evdev_count(mfd, EV_REL, 300);
	if (n != 0)
		dt_fail("hotkey-toggle", "active again but the desktop got %d REL events", n);
	else
		dt_pass("hotkey-toggle");
out:
	close(sfd);
	close(mfd);
}

static int write_config(const char *from_curve, const char *to_curve)
{
	static char text[16384];
	char *p;

	if (dt_read(TEST_INI, text, sizeof(text)) < 0 || !(p = strstr(text, from_curve)))
		return -EINVAL;
	if (to_curve) {
		size_t fl = strlen(from_curve), tl = strlen(to_curve);

		memmove(p + tl, p + fl, strlen(p + fl) + 1);
		memcpy(p, to_curve, tl);
	}
	return dt_write(RUN_INI, text);
}

/* test.ini with the roll curve power:2 and another [stick] name, OTHER_STICK */
static int write_other_stick_config(void)
{
	static char text[16384];
	char *name;

	if (write_config("curve = expo:0.3", "curve = power:2") < 0 ||
	    dt_read(RUN_INI, text, sizeof(text)) < 0 || !(name = strstr(text, "name = " STICK_NAME)))
		return -EINVAL;
	memcpy(name, "name = " OTHER_STICK, strlen("name = " OTHER_STICK));
	return dt_write(RUN_INI, text);
}

static bool reload(void)
{
	kill(jsd.pid, SIGHUP);
	return daemon_wait_notify(&jsd, "RELOADING=1", WAIT_MS) == 0 &&
	       daemon_wait_notify(&jsd, "READY=1", WAIT_MS) == 0;
}

/* The same device (node, input id) with the new curve; positions stay. */
static void test_reload(void)
{
	int32_t want = power(100, ROLL_SENS, ROLL_POWER), pitch = linear(200, PITCH_SENS), v;
	struct input_id before, after;
	char node[64], node2[64];
	int fd;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("reload-curve", "no stick");
	ioctl(fd, EVIOCGID, &before);
	vdev_rel(&mouse, REL_Y, 200);
	if (!stick_settles(fd, ABS_Y, pitch)) {
		close(fd);
		return dt_fail("reload-curve", "pitch did not reach %d before the reload", pitch);
	}
	if (write_config("curve = expo:0.3", "curve = power:2") < 0 || !reload()) {
		close(fd);
		return dt_fail("reload-curve", "no RELOADING=1 / READY=1");
	}
	if (dt_find_event(STICK_NAME, node2, sizeof(node2)) < 0 || strcmp(node, node2) != 0 ||
	    ioctl(fd, EVIOCGID, &after) < 0 || memcmp(&before, &after, sizeof(before)) != 0) {
		close(fd);
		return dt_fail("reload-curve", "the stick was replaced (%s -> %s)", node, node2);
	}
	if (evdev_abs(fd, ABS_Y, &v) < 0 || v != pitch)
		dt_fail("reload-keeps-position", "ABS_Y is %d after reload, want %d", v, pitch);
	else
		dt_pass("reload-keeps-position");
	evdev_drain(fd);
	vdev_rel(&mouse, REL_X, 100);
	if (stick_next(fd, ABS_X, &v) < 0 || v != want)
		dt_fail("reload-curve", "REL_X 100 gave ABS_X %d, want %d (power:2)", v, want);
	else
		dt_pass("reload-curve");
	stick_settles(fd, ABS_X, 0);

	/* A broken file: file:line logged, the power:2 mapping stays. */
	if (dt_write(RUN_INI, "[axis roll]\ntarget = ABS_X\ncurve = sideways\n") < 0 || !reload()) {
		dt_fail("reload-bad-keeps", "no READY=1 after a bad reload");
	} else {
		evdev_drain(fd);
		vdev_rel(&mouse, REL_X, 100);
		if (!daemon_log_has(&jsd, RUN_INI ":3: "))
			dt_fail("reload-bad-keeps", "the log has no '%s:3: ' line", RUN_INI);
		else if (stick_next(fd, ABS_X, &v) < 0 || v != want)
			dt_fail("reload-bad-keeps", "REL_X 100 gave ABS_X %d, want %d", v, want);
		else
			dt_pass("reload-bad-keeps");
		stick_settles(fd, ABS_X, 0);
	}
	close(fd);
}

/* CPU time (user + system, in clock ticks) the daemon used so far. */
static long daemon_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long utime, stime;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (dt_read(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* after "pid (comm)": state, then fields 4 ... 13, then utime stime */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &utime, &stime) != 2)
		return -1;
	return (long)(utime + stime);
}

static int connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A client sends 1000 requests and shuts down its side without reading:
 * the daemon must not spin on the readable EOF while the answers wait, and
 * must then deliver every answer and close.
 */
static void test_half_closed(void)
{
	static char req[1000 * 7 + 1], answer[4 << 20];
	long before, after;
	size_t i, len = 0, answers = 0;
	int fd = connect_socket(SOCKET);
	ssize_t n;
	char *p;

	if (fd < 0)
		return dt_fail("ctl-half-closed", "cannot connect to %s", SOCKET);
	for (i = 0; i < 1000; i++)
		memcpy(req + 7 * i, "status\n", 7);
	if (write(fd, req, 7 * 1000) != 7 * 1000 || shutdown(fd, SHUT_WR) < 0) {
		close(fd);
		return dt_fail("ctl-half-closed", "cannot send the requests");
	}
	dt_sleep_ms(500);	/* the daemon reads them all and blocks on output */
	before = daemon_cpu_ticks(jsd.pid);
	dt_sleep_ms(1500);
	after = daemon_cpu_ticks(jsd.pid);
	/* Every answer, then EOF: count the "OK n" heads. */
	while ((n = recv(fd, answer + len, sizeof(answer) - 1 - len, 0)) > 0)
		len += (size_t)n;
	answer[len] = '\0';
	for (p = answer; p; p = strstr(p, "\nOK ")) {
		p += *p == '\n';
		answers += strncmp(p, "OK ", 3) == 0;
		p++;
	}
	close(fd);
	if (before < 0 || after < 0)
		return dt_fail("ctl-half-closed", "cannot read /proc/%d/stat", (int)jsd.pid);
	dt_info("ctl-half-closed: the daemon used %ld ticks of CPU in 1.5 s while the answers waited",
		after - before);
	if (after - before > 40)
		return dt_fail("ctl-half-closed", "the daemon spun: %ld ticks of CPU in 1.5 s",
			       after - before);
	if (n < 0)
		return dt_fail("ctl-half-closed", "the answers ended with %s", strerror(errno));
	if (answers != 1000)
		return dt_fail("ctl-half-closed", "%zu answers came, want 1000", answers);
	dt_pass("ctl-half-closed");
}

/*
 * A flood of dropped events: the daemon stopped while 10,000 button
 * events arrive, ten times.  Ten batches report drops; the journal gets
 * one warning (the next would come after 5 s) and the counter has them all.
 */
static void test_log_flood(void)
{
	static struct input_event ev[20000];
	static char log[262144];
	int lines = 0, i, j;
	char *p;

	for (j = 0; j < 10000; j++) {
		ev[2 * j] = (struct input_event){ .type = EV_KEY, .code = BTN_SIDE, .value = !(j % 2) };
		ev[2 * j + 1] = (struct input_event){ .type = EV_SYN, .code = SYN_REPORT };
	}
	for (i = 0; i < 10; i++) {
		kill(jsd.pid, SIGSTOP);
		dt_sleep_ms(50);
		if (write(mouse.fd, ev, sizeof(ev)) != (ssize_t)sizeof(ev)) {
			kill(jsd.pid, SIGCONT);
			return dt_fail("log-flood-ratelimit", "cannot write the button flood");
		}
		kill(jsd.pid, SIGCONT);
		dt_sleep_ms(300);
	}
	if (!status_has("kernel dropped: ") || strstr(out, "kernel dropped: 0\n"))
		return dt_fail("log-flood-ratelimit", "nothing was dropped: %s", out);
	dt_read(jsd.log, log, sizeof(log));
	for (p = log; (p = strstr(p, "kernel filter dropped")); p++)
		lines++;
	dt_info("log-flood-ratelimit: %d warning lines for 10 batches with drops", lines);
	if (lines < 1 || lines > 2)
		return dt_fail("log-flood-ratelimit", "%d 'kernel filter dropped' lines, want 1 or 2",
			       lines);
	if (!daemon_log_has(&jsd, "events dropped in all"))
		return dt_fail("log-flood-ratelimit", "the warning does not count the total");
	dt_pass("log-flood-ratelimit");
}

/*
 * The kernel's dead-man switch: a record the stopped daemon leaves
 * uncollected for longer than deadman_ms (the default, 2000 ms) turns
 * capture off with a STATE record of code JSKF_STATE_BY_DEADMAN; once it
 * runs again the daemon logs one warning saying so and shows capture off.
 */
static void test_deadman(void)
{
	if (!status_has("active: ") ||
	    (strstr(out, "active: no\n") && ctl(-1, "toggle", NULL, NULL, NULL) != 0) ||
	    !status_has("active: yes\n"))
		return dt_fail("deadman-warning", "capture is not active: %s", out);
	kill(jsd.pid, SIGSTOP);
	if (!wait_stopped(jsd.pid)) {
		kill(jsd.pid, SIGCONT);
		return dt_fail("deadman-warning", "the daemon did not stop");
	}
	vdev_rel(&mouse, REL_X, 5);
	dt_sleep_ms(2300);
	vdev_rel(&mouse, REL_X, 5);	/* the filter looks at the oldest record's age */
	dt_sleep_ms(50);
	kill(jsd.pid, SIGCONT);
	if (!status_has("active: no\n"))
		return dt_fail("deadman-warning", "capture still on after 2.3 s stopped: %s", out);
	for (uint64_t deadline = dt_now_ms() + WAIT_MS;
	     !daemon_log_has(&jsd, "dead-man switch") && dt_now_ms() < deadline;)
		dt_sleep_ms(20);
	if (!daemon_log_has(&jsd, "dead-man switch")) {
		daemon_dump_log(&jsd);
		return dt_fail("deadman-warning", "no warning in the log");
	}
	if (ctl(-1, "toggle", NULL, NULL, NULL) != 0 || !status_has("active: yes\n"))
		return dt_fail("deadman-warning", "capture does not come back: %s", out);
	dt_pass("deadman-warning");
}

/*
 * `joystickd --reload` (the unit's ExecReload=) waits for the verdict: a
 * rejected file is a failure with its file:line, a stick that cannot be
 * made leaves everything as it was, a good file succeeds.
 */
static void test_reload_verdict(void)
{
	char *argv[] = { JOYSTICKD, "--reload", NULL };
	char node[64];
	int32_t v, want = power(100, ROLL_SENS, ROLL_POWER);
	int st, fd;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("reload-verdict", "no stick");
	dt_write(RUN_INI, "[axis roll]\ntarget = ABS_X\ncurve = sideways\n");
	st = dt_run(argv, -1, out, sizeof(out), WAIT_MS);
	if (st != 1 || !strstr(out, "reload refused: " RUN_INI ":3: curve: ")) {
		dt_fail("reload-verdict", "bad file: exit %d, want 1 and %s:3: %s", st, RUN_INI, out);
		goto out;
	}
	/* Another stick, but no /dev/uinput to make it with: nothing changes. */
	write_other_stick_config();
	rename("/dev/uinput", "/dev/uinput.away");
	st = dt_run(argv, -1, out, sizeof(out), WAIT_MS);
	rename("/dev/uinput.away", "/dev/uinput");
	if (st != 1 || !strstr(out, "creating the new stick")) {
		dt_fail("reload-rollback", "no uinput: exit %d, want 1: %s", st, out);
		goto out;
	}
	evdev_drain(fd);
	vdev_rel(&mouse, REL_X, 100);
	if (dt_count_input(STICK_NAME) != 1 || dt_count_input(OTHER_STICK) != 0 ||
	    stick_next(fd, ABS_X, &v) < 0 || v != want) {
		dt_fail("reload-rollback", "the old stick and mapping did not stay (ABS_X %d, want %d)",
			v, want);
		goto out;
	}
	stick_settles(fd, ABS_X, 0);
	dt_pass("reload-rollback");
	write_config("curve = expo:0.3", "curve = power:2");
	st = dt_run(argv, -1, out, sizeof(out), WAIT_MS);
	if (st != 0 || !strstr(out, "reloaded " RUN_INI))
		dt_fail("reload-verdict", "good file: exit %d: %s", st, out);
	else
		dt_pass("reload-verdict");
out:
	close(fd);
}

/*
 * -v logs a debug line per control request, naming its sender and
 * command.  Without -v there is none: @quiet_log_line is NULL, or a
 * line of that kind from the log of the run that just ended (started without
 * -v, it answered many requests).
 */
static void test_verbose(const char *quiet_log_line)
{
	char *argv[] = { JOYSTICKD, "-v", "-c", RUN_INI, NULL };
	const char *line = "control request from uid 0: status (0 arguments)";
	struct daemon d;

	if (quiet_log_line)
		return dt_fail("daemon-verbose", "without -v the log has '%s'", quiet_log_line);
	if (daemon_spawn(&d, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&d, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&d);
		daemon_close(&d);
		return dt_fail("daemon-verbose", "joystickd -v: no READY=1 (log on the console)");
	}
	if (ctl(-1, "status", NULL, NULL, NULL) != 0)
		dt_fail("daemon-verbose", "joystickctl status: %s", out);
	else if (daemon_stop(&d, SIGTERM, WAIT_MS) < 0 || !daemon_log_has(&d, line))
		dt_fail("daemon-verbose", "joystickd -v logged no '%s'", line);
	else
		dt_pass("daemon-verbose");
	daemon_close(&d);
}

/*
 * A service manager that stops reading the notify socket stalls the main
 * loop (sd_notify() blocks once the socket's queue is full), never the
 * reader thread: nothing slow runs under manager.lock, so motion still
 * reaches the stick.  Hotkey toggles, 100 ms apart, each make a STATUS=
 * until the queue is full; `joystickctl status`, which the main loop
 * answers, then gets no answer: the stall is real.
 */
static void test_notify_stall(void)
{
	int32_t v = 0, want = expo(100, ROLL_SENS, ROLL_EXPO);
	char *status[] = { JOYSTICKCTL, "status", NULL };
	int fd, i, st, r;
	char node[64];

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("notify-stall-flies", "no stick");
	jsd.notify_paused = true;
	for (i = 0; i < 32; i++) {	/* an even count: capture ends on */
		vdev_key(&kbd, KEY_SCROLLLOCK, 1);
		vdev_key(&kbd, KEY_SCROLLLOCK, 0);
		dt_sleep_ms(100);
	}
	st = dt_run(status, -1, out, sizeof(out), 2000);
	evdev_drain(fd);
	vdev_rel(&mouse, REL_X, 100);
	r = stick_next(fd, ABS_X, &v);
	jsd.notify_paused = false;
	if (st != -1)
		dt_fail("notify-stall-flies", "the main loop did not stall: status exit %d: %s", st,
			out);
	else if (r < 0 || v != want)
		dt_fail("notify-stall-flies", "REL_X 100 with the main loop stalled: ABS_X %d, want %d",
			v, want);
	else
		dt_pass("notify-stall-flies");
	stick_settles(fd, ABS_X, 0);
	close(fd);
}

#define FAULT_LIB	"/usr/lib/jsd-fault-ioctl.so"	/* fault-ioctl.c */
#define FAULT_FILE	"/tmp/jsd-fault"

/* Fails the @nth call of the module's ioctl number @nr with @err (fault-ioctl.c). */
static int arm_fault(unsigned int nr, unsigned int nth, int err)
{
	char text[64];

	snprintf(text, sizeof(text), "%u %u %d\n", nr, nth, err);
	if (dt_write(FAULT_FILE ".new", text) < 0)
		return -errno;
	return rename(FAULT_FILE ".new", FAULT_FILE) < 0 ? -errno : 0;
}

/*
 * After a reload, exactly one stick exists and REL_X 100 moves it as the
 * file that named it says (expo:0.3 for STICK_NAME, power:2 for
 * OTHER_STICK): a new device never runs on the old mapping.  @name gets
 * the stick found; false with a reason in @why.
 */
static bool reload_consistent(const char **name, char *why, size_t size)
{
	int n_old = dt_count_input(STICK_NAME), n_new = dt_count_input(OTHER_STICK);
	char node[64];
	int32_t v = 0, want;
	bool ok;
	int fd;

	if (n_old + n_new != 1) {
		snprintf(why, size, "%d '%s' and %d '%s' devices, want one stick", n_old,
			 STICK_NAME, n_new, OTHER_STICK);
		return false;
	}
	*name = n_new ? OTHER_STICK : STICK_NAME;
	want = n_new ? power(100, ROLL_SENS, ROLL_POWER) : expo(100, ROLL_SENS, ROLL_EXPO);
	if (dt_find_event(*name, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0) {
		snprintf(why, size, "cannot open '%s'", *name);
		return false;
	}
	evdev_drain(fd);
	vdev_rel(&mouse, REL_X, 100);
	ok = stick_next(fd, ABS_X, &v) == 0 && v == want;
	if (!ok)
		snprintf(why, size, "'%s' moved to ABS_X %d for REL_X 100, want %d (%s)", *name, v,
			 want, n_new ? "power:2, its file" : "expo:0.3, its file");
	stick_settles(fd, ABS_X, 0);
	close(fd);
	return ok;
}

/*
 * A reload is all or nothing when the kernel filter refuses a step, in
 * the real daemon (run with FAULT_LIB preloaded) on the real module.  The
 * file asks for another stick and another roll curve.
 * - reload-capture-fails: the capture fails after the new stick was made.
 *   The old stick and mapping stay, and the log says the reload failed.
 * - reload-exclude-fails: un-excluding the old stick's id, the last step,
 *   fails.  The stick that exists runs the mapping of its own file.
 */
static void test_reload_faults(void)
{
	const char *name = "";
	char why[256];

	if (write_other_stick_config() < 0 ||
	    arm_fault(_IOC_NR(JSKF_IOC_CAPTURE), 1, EIO) < 0 || !reload())
		return dt_fail("reload-capture-fails", "no RELOADING=1 / READY=1");
	if (access(FAULT_FILE, F_OK) == 0)
		dt_fail("reload-capture-fails", "the reload made no JSKF_IOC_CAPTURE call");
	else if (!reload_consistent(&name, why, sizeof(why)))
		dt_fail("reload-capture-fails", "%s", why);
	else if (strcmp(name, STICK_NAME) != 0)
		dt_fail("reload-capture-fails", "the new stick '%s' stayed after the capture failed",
			name);
	else if (!daemon_log_has(&jsd, "reload failed: capturing with the new configuration: "
				 "Input/output error; keeping the running configuration"))
		dt_fail("reload-capture-fails", "the log does not say the reload failed");
	else
		dt_pass("reload-capture-fails");

	/* From the first stick again, whatever the first case left. */
	unlink(FAULT_FILE);
	if (write_config("curve = expo:0.3", NULL) < 0 || !reload() ||
	    dt_count_input(STICK_NAME) != 1 || write_other_stick_config() < 0)
		return dt_fail("reload-exclude-fails", "no way back to '%s'", STICK_NAME);
	if (arm_fault(_IOC_NR(JSKF_IOC_EXCLUDE), 2, EIO) < 0 || !reload())
		return dt_fail("reload-exclude-fails", "no RELOADING=1 / READY=1");
	if (access(FAULT_FILE, F_OK) == 0)
		dt_fail("reload-exclude-fails", "the reload made fewer than 2 JSKF_IOC_EXCLUDE calls");
	else if (!reload_consistent(&name, why, sizeof(why)))
		dt_fail("reload-exclude-fails", "%s", why);
	else
		dt_pass("reload-exclude-fails");
	unlink(FAULT_FILE);
}

/*
 * A mouse with a newline and an ESC sequence in its name: the journal gets
 * no forged line (every line keeps its own <N>), the name appears escaped
 * in the log and in `joystickctl devices`.
 */
static void test_evil_name(void)
{
	static char log[65536];
	struct vdev evil = { .fd = -1 };
	char *line, *save = NULL;

	if (vdev_mouse(&evil, EVIL_NAME, 0x1234, 0x6666) < 0)
		return dt_fail("log-escaped-names", "cannot create the mouse");
	if (!status_has("mice captured: 2\n")) {
		vdev_destroy(&evil);
		return dt_fail("log-escaped-names", "the mouse was not captured: %s", out);
	}
	if (ctl(-1, "devices", NULL, NULL, NULL) != 0 || !strstr(out, EVIL_ESCAPED "\n") ||
	    strchr(out, '\033')) {
		vdev_destroy(&evil);
		return dt_fail("log-escaped-names", "devices: %s", out);
	}
	vdev_destroy(&evil);
	status_has("mice captured: 1\n");
	dt_read(jsd.log, log, sizeof(log));
	if (strchr(log, '\033'))
		return dt_fail("log-escaped-names", "an ESC reached the log");
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "<0>", 3) == 0 || strstr(line, "FORGED") == line)
			return dt_fail("log-escaped-names", "forged line in the log: %s", line);
	if (!daemon_log_has(&jsd, "<6>capturing mouse '" EVIL_ESCAPED "'"))
		return dt_fail("log-escaped-names", "no escaped 'capturing mouse' line");
	dt_pass("log-escaped-names");
}

/* A mouse unplugged and plugged back is captured again and drives the stick. */
static void test_replug(void)
{
	int32_t v, want = linear(200 - 300, PITCH_SENS);
	char node[64];
	int fd;

	vdev_destroy(&mouse);
	if (!status_has("mice captured: 0\n"))
		return dt_fail("mouse-replug", "unplugged mouse still captured: %s", out);
	if (vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077) < 0)
		return dt_fail("mouse-replug", "cannot create the mouse again");
	if (!status_has("mice captured: 1\n"))
		return dt_fail("mouse-replug", "replugged mouse not captured: %s", out);
	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("mouse-replug", "no stick");
	vdev_rel(&mouse, REL_Y, -300);
	if (stick_next(fd, ABS_Y, &v) < 0 || v != want)
		dt_fail("mouse-replug", "REL_Y -300 gave ABS_Y %d, want %d", v, want);
	else
		dt_pass("mouse-replug");

	/* joystickctl recenter AXIS: the position jumps to the trim (0). */
	if (ctl(-1, "recenter", "pitch", NULL, NULL) != 0 || !stick_settles(fd, ABS_Y, 0))
		dt_fail("ctl-recenter", "ABS_Y did not go to 0: %s", out);
	else if (ctl(-1, "recenter", "nosuch", NULL, NULL) != 1)
		dt_fail("ctl-recenter", "recenter nosuch: %s", out);
	else
		dt_pass("ctl-recenter");

	/*
	 * A burst of 20,000 frames (+1/-1 in turn, then +100) from the centre:
	 * whatever the kernel coalesced, the sum arrives whole and at once.
	 * Not with the evdev backend: evdev's own buffer overflows first
	 * (SYN_DROPPED), and the motion of the gap is lost (joystickd(8)).
	 */
	if (!evdev_mode) {
		static int32_t burst[20001];
		uint64_t t0;
		size_t i;

		for (i = 0; i < 20000; i++)
			burst[i] = i % 2 ? -1 : 1;
		burst[20000] = 100;
		evdev_drain(fd);
		t0 = dt_now_ms();
		if (vdev_rel_burst(&mouse, REL_Y, burst, 20001) < 0 ||
		    !stick_settles(fd, ABS_Y, linear(100, PITCH_SENS)))
			dt_fail("burst-sum", "ABS_Y did not settle at %d", linear(100, PITCH_SENS));
		else if (ctl(-1, "status", NULL, NULL, NULL) != 0 ||
			 !strstr(out, "kernel dropped: 0\n") || !strstr(out, "sequence gaps: 0 "))
			dt_fail("burst-sum", "status: %s", out);
		else
			dt_pass("burst-sum");
		dt_info("burst-sum: 20001 frames reached the stick in %llu ms",
			(unsigned long long)(dt_now_ms() - t0));
	}
	close(fd);
}

/* Under journald every line has its syslog priority: "<6>" for information. */
static void test_journal(void)
{
	static char log[16384];
	char *line, *save = NULL;
	int n = 0;

	dt_read(jsd.log, log, sizeof(log));
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		if (line[0] != '<' || line[1] < '0' || line[1] > '7' || line[2] != '>')
			return dt_fail("daemon-journal-log", "line without <N> prefix: %s", line);
	}
	if (n == 0 || !daemon_log_has(&jsd, "<6>running: stick /dev/input/event"))
		return dt_fail("daemon-journal-log", "no '<6>running: ...' line (%d lines)", n);
	dt_pass("daemon-journal-log");
}

/* SIGKILL: the kernel ends capture with the file; the desktop has the mouse again. */
static void test_kill9(void)
{
	char node[64];
	int32_t v;
	int fd, st;

	if (dt_find_event(MOUSE_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail("kill9-pointer-back", "no mouse node");
	st = daemon_stop(&jsd, SIGKILL, WAIT_MS);
	if (st < 0 || !WIFSIGNALED(st)) {
		close(fd);
		return dt_fail("kill9-pointer-back", "daemon did not die");
	}
	vdev_rel(&mouse, REL_X, 11);
	if (evdev_wait(fd, EV_REL, REL_X, false, 11, WAIT_MS, &v) < 0)
		dt_fail("kill9-pointer-back", "the desktop did not get REL_X 11");
	else
		dt_pass("kill9-pointer-back");
	close(fd);
}

/*
 * A second joystickd while one runs: with the same socket it stops there,
 * before it touches the module or uinput; with another socket it meets
 * the kernel's capture owner.  The first one keeps running either way.
 */
static void test_second_instance(void)
{
	char *same[] = { JOYSTICKD, "-c", TEST_INI, NULL };
	char *other[] = { JOYSTICKD, "-c", TEST_INI, "--socket", "/tmp/second.sock", NULL };
	int st = dt_run(same, -1, out, sizeof(out), WAIT_MS);

	if (st != EX_CANTCREAT ||
	    strcmp(out, "joystickd: " SOCKET ": Address already in use (another joystickd or "
		   "another program listens there: stop it, or use --socket PATH)\n") != 0)
		dt_fail("fault-second-instance", "exit %d, want %d: %s", st, EX_CANTCREAT, out);
	else if (dt_count_input(STICK_NAME) != 1 || !status_has("active: yes\n"))
		dt_fail("fault-second-instance", "the first daemon was disturbed: %s", out);
	else
		dt_pass("fault-second-instance");

	st = dt_run(other, -1, out, sizeof(out), WAIT_MS);
	if (st != EX_TEMPFAIL ||
	    strcmp(out, "joystickd: " KFILTER_DEV ": Device or resource busy (another joystickd, "
		   "or another program, owns the capture: stop it first)\n") != 0)
		dt_fail("fault-capture-busy", "exit %d, want %d: %s", st, EX_TEMPFAIL, out);
	else if (access("/tmp/second.sock", F_OK) == 0 || dt_count_input(STICK_NAME) != 1)
		dt_fail("fault-capture-busy", "its socket or stick was left behind");
	else if (dt_capture_ring() <= 0 || !status_has("mice captured: 1\n"))
		dt_fail("fault-capture-busy", "the first daemon lost the capture: %s", out);
	else
		dt_pass("fault-capture-busy");
}

/*
 * A mouse yanked mid-frame, with a button held: the input core releases
 * the button and flushes the frame (input_disconnect_device), so the motion
 * already written counts, the joystick button comes up, the stick stays,
 * and the daemon says so in one line.
 */
#define YANK_LINE	"joystickd: mouse '" MOUSE_NAME "' (id "	/* N) removed */

static void test_yank(void)
{
	const char *test = "fault-mouse-yanked";
	struct input_event partial = { .type = EV_REL, .code = REL_Y, .value = 50 };
	int32_t v, want = linear(150, PITCH_SENS);
	char node[64], node2[64], last[300];
	int fd, lines, lines2;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail(test, "no stick");
	if (ctl(-1, "recenter", "pitch", NULL, NULL) != 0 || !stick_settles(fd, ABS_Y, 0)) {
		close(fd);
		return dt_fail(test, "pitch did not recentre: %s", out);
	}
	vdev_rel(&mouse, REL_Y, 100);
	vdev_key(&mouse, BTN_LEFT, 1);
	if (!stick_settles(fd, ABS_Y, linear(100, PITCH_SENS)) ||
	    evdev_wait(fd, EV_KEY, BTN_TRIGGER, false, 1, WAIT_MS, &v) < 0) {
		close(fd);
		return dt_fail(test, "the motion or the press before the yank did not arrive");
	}
	lines = daemon_log_lines(&jsd, last, sizeof(last));
	if (write(mouse.fd, &partial, sizeof(partial)) != sizeof(partial)) {
		close(fd);
		return dt_fail(test, "cannot write the half frame");
	}
	vdev_destroy(&mouse);

	if (evdev_wait(fd, EV_KEY, BTN_TRIGGER, false, 0, WAIT_MS, &v) < 0)
		dt_fail(test, "BTN_TRIGGER stays pressed");
	else if (!stick_settles(fd, ABS_Y, want))
		dt_fail(test, "ABS_Y did not settle at %d (100 + the half frame's 50)", want);
	else if (!status_has("mice captured: 0\n"))
		dt_fail(test, "the mouse is still captured: %s", out);
	else if (kill(jsd.pid, 0) < 0 || waitpid(jsd.pid, NULL, WNOHANG) != 0)
		dt_fail(test, "the daemon died");
	else if (dt_find_event(STICK_NAME, node2, sizeof(node2)) < 0 || strcmp(node, node2) != 0)
		dt_fail(test, "the stick was replaced (%s -> %s)", node, node2);
	else if ((lines2 = daemon_log_lines(&jsd, last, sizeof(last))) != lines + 1 ||
		 strncmp(last, YANK_LINE, strlen(YANK_LINE)) != 0 ||
		 strlen(last) < 9 || strcmp(last + strlen(last) - 9, ") removed") != 0)
		dt_fail(test, "%d log lines, want 1: the last is '%s'", lines2 - lines, last);
	else
		dt_pass(test);
	close(fd);
	if (vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077) < 0 || !status_has("mice captured: 1\n"))
		dt_fail(test, "the mouse is not captured again");
}

/*
 * rmmod while the daemon holds the device: the module is in use (the
 * kernel's delete_module() says EWOULDBLOCK, kmod's rmmod "Module
 * joystickd_kfilter is in use"), and the daemon carries on.
 */
static void test_rmmod_busy(void)
{
	const char *test = "fault-rmmod-busy";
	int32_t v, want = linear(250, PITCH_SENS);
	char node[64], last[300];
	int fd, lines, r;

	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail(test, "no stick");
	lines = daemon_log_lines(&jsd, last, sizeof(last));
	r = kf_module_unload();
	if (r != -EWOULDBLOCK) {
		close(fd);
		if (r == 0)
			kf_module_load(KFILTER_KO);
		return dt_fail(test, "delete_module gave %s, want EWOULDBLOCK",
			       r ? strerror(-r) : "success");
	}
	evdev_drain(fd);
	vdev_rel(&mouse, REL_Y, 100);	/* pitch is at 150 (test_yank) */
	if (stick_next(fd, ABS_Y, &v) < 0 || v != want)
		dt_fail(test, "REL_Y 100 gave ABS_Y %d, want %d", v, want);
	else if (access(KFILTER_DEV, F_OK) < 0 || !status_has("active: yes\n"))
		dt_fail(test, "the module or the capture is gone");
	else if (daemon_log_lines(&jsd, last, sizeof(last)) != lines)
		dt_fail(test, "the daemon logged '%s'", last);
	else
		dt_pass(test);
	close(fd);
}

/* SIGTERM: STOPPING=1, exit 0, the stick is gone. */
static void test_sigterm(void)
{
	char node[64];
	int st;

	st = daemon_stop(&jsd, SIGTERM, WAIT_MS);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return dt_fail("daemon-sigterm", "wait status %d", st);
	if (daemon_wait_notify(&jsd, "STOPPING=1", 100) < 0)
		return dt_fail("daemon-sigterm", "no STOPPING=1");
	if (dt_find_event(STICK_NAME, node, sizeof(node)) == 0 || access(SOCKET, F_OK) == 0)
		return dt_fail("daemon-sigterm", "stick or socket left behind");
	dt_pass("daemon-sigterm");
}

/*
 * The shipped configuration: capture starts off, `joystickctl toggle`
 * turns it on, then motion and wheel give what its numbers predict.
 */
static void test_shipped(void)
{
	int32_t roll = dz_expo(200, SHIPPED_SENS, SHIPPED_DZ, SHIPPED_EXPO);
	int32_t pitch = dz_expo(-200, SHIPPED_SENS, SHIPPED_DZ, SHIPPED_EXPO);
	int32_t throttle = scale(-1 + 5 / SHIPPED_THR_SENS), v;
	char *argv[] = { JOYSTICKD, "-c", SHIPPED_INI, NULL };
	char snode[64], mnode[64];
	int sfd = -1, mfd = -1, n;

	if (daemon_spawn(&jsd, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&jsd, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&jsd);
		return dt_fail("shipped-config", "no READY=1 with %s", SHIPPED_INI);
	}
	test_joystick_class("shipped-stick-is-joystick", SHIPPED_STICK);
	if (dt_find_event(SHIPPED_STICK, snode, sizeof(snode)) < 0 ||
	    dt_find_event(MOUSE_NAME, mnode, sizeof(mnode)) < 0 ||
	    (sfd = evdev_open(snode)) < 0 || (mfd = evdev_open(mnode)) < 0) {
		dt_fail("shipped-config", "nodes missing");
		goto out;
	}
	if (evdev_abs(sfd, ABS_THROTTLE, &v) < 0 || v != AXIS_MIN) {
		dt_fail("shipped-config", "throttle starts at %d, want %d (trim -1)", v, AXIS_MIN);
		goto out;
	}
	/* active_at_start = no: the desktop keeps the mouse. */
	vdev_rel(&mouse, REL_X, 200);
	if (evdev_wait(mfd, EV_REL, REL_X, false, 200, WAIT_MS, &v) < 0 ||
	    (n = evdev_count(sfd, EV_ABS, 300)) != 0) {
		dt_fail("shipped-config", "capture is on at start");
		goto out;
	}
	if (ctl(-1, "toggle", NULL, NULL, NULL) != 0 || !strstr(out, "active: yes") ||
	    !status_has("active: yes\n")) {
		dt_fail("shipped-config", "joystickctl toggle: %s", out);
		goto out;
	}
	vdev_rel(&mouse, REL_X, 200);
	if (stick_next(sfd, ABS_X, &v) < 0 || v != roll) {
		dt_fail("shipped-config", "REL_X 200 gave ABS_X %d, want %d", v, roll);
		goto out;
	}
	vdev_rel(&mouse, REL_Y, -200);
	if (stick_next(sfd, ABS_Y, &v) < 0 || v != pitch) {
		dt_fail("shipped-config", "REL_Y -200 gave ABS_Y %d, want %d", v, pitch);
		goto out;
	}
	vdev_rel(&mouse, REL_WHEEL, 5);
	if (stick_next(sfd, ABS_THROTTLE, &v) < 0 || v != throttle) {
		dt_fail("shipped-config", "5 notches gave ABS_THROTTLE %d, want %d", v, throttle);
		goto out;
	}
	dt_pass("shipped-config");
out:
	if (sfd >= 0)
		close(sfd);
	if (mfd >= 0)
		close(mfd);
	daemon_stop(&jsd, SIGTERM, WAIT_MS);
	daemon_close(&jsd);
}

/*
 * A member of the control group opens 64 connections and sits on them.
 * Root still gets in; the member's next joystickctl is refused with a
 * clear line; the idle connections are closed after the idle timeout
 * (10 s), and the member gets in again.  The child reports, by its exit
 * status, how many of its connections were still open at the end.
 */
static void test_connection_limits(void)
{
	char *status[] = { JOYSTICKCTL, "--socket", GROUP_SOCKET, "status", NULL };
	char *reload[] = { JOYSTICKD, "--reload", "--socket", GROUP_SOCKET, NULL };
	int ready[2], go[2], fds[64], st, r, i;
	gid_t supp = GROUP_GID;
	pid_t pid;
	char c;

	if (pipe(ready) < 0 || pipe(go) < 0)
		return dt_fail("ctl-limits", "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		dt_fail("ctl-limits", "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int open_n = 0;

		if (setgroups(1, &supp) < 0 || setgid(1000) < 0 || setuid(1000) < 0)
			_exit(200);
		for (i = 0; i < 64; i++)
			fds[i] = connect_socket(GROUP_SOCKET);
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		for (i = 0; i < 64; i++) {
			char buf[512];
			ssize_t n;

			if (fds[i] < 0)
				continue;
			/* a refused or timed-out connection reads to EOF (or a reset) */
			while ((n = recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
				;
			open_n += n < 0 && errno == EAGAIN;
		}
		_exit(open_n);
	}
	read(ready[0], &c, 1);
	r = dt_run(status, -1, out, sizeof(out), WAIT_MS);
	if (r != 0 || !strstr(out, "active: yes"))
		dt_fail("ctl-limits", "root was locked out by 64 connections of uid 1000: exit %d: %s",
			r, out);
	else if ((r = dt_run_as(status, 1000, 1000, GROUP_GID, out, sizeof(out), WAIT_MS)) != 1 ||
		 !strstr(out, "joystickctl: too many connections: uid 1000 has 8 open"))
		dt_fail("ctl-limits", "the member's 65th connection: exit %d: %s", r, out);
	else
		dt_pass("ctl-limits");

	dt_sleep_ms(13000);	/* the idle timeout is 10 s */
	write(go[1], "g", 1);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		dt_fail("ctl-idle-timeout", "%d idle connections still open after 13 s (status %d)",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1, st);
	else if ((r = dt_run_as(status, 1000, 1000, GROUP_GID, out, sizeof(out), WAIT_MS)) != 0)
		dt_fail("ctl-idle-timeout", "the member is still refused: exit %d: %s", r, out);
	else
		dt_pass("ctl-idle-timeout");
	r = dt_run_as(reload, 1000, 1000, GROUP_GID, out, sizeof(out), WAIT_MS);
	if (r != 1 || !strstr(out, "reload refused: permission denied: only root may reload"))
		dt_fail("reload-root-only", "a member's joystickd --reload: exit %d: %s", r, out);
	else
		dt_pass("reload-root-only");
out:
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/*
 * With a control group: the socket is root:joystickd 0660; members (primary
 * or supplementary group) are served, others refused, by the file mode and,
 * if that is opened up, by the daemon's own SO_PEERCRED check.
 */
static void test_control_group(void)
{
	char *argv[] = { JOYSTICKD, "-c", RUN_INI, "--socket", GROUP_SOCKET, NULL };
	char *status[] = { JOYSTICKCTL, "--socket", GROUP_SOCKET, "status", NULL };
	struct stat st;
	int r;

	if (dt_write("/etc/group", "root:x:0:\njoystickd:x:" GROUP_GID_STR ":\n") < 0 ||
	    daemon_spawn(&jsd, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&jsd, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&jsd);
		dt_fail("ctl-group", "no READY=1");
		goto out;
	}
	if (stat(GROUP_SOCKET, &st) < 0 || (st.st_mode & 0777) != 0660 || st.st_uid != 0 ||
	    st.st_gid != GROUP_GID) {
		dt_fail("ctl-group", "socket mode %o owner %u:%u, want 660 0:%d",
			st.st_mode & 0777, st.st_uid, st.st_gid, GROUP_GID);
		goto out;
	}
	r = dt_run_as(status, 1000, 1000, GROUP_GID, out, sizeof(out), WAIT_MS);
	if (r != 0 || !strstr(out, "active: yes")) {
		dt_fail("ctl-group", "supplementary member: exit %d: %s", r, out);
		goto out;
	}
	r = dt_run_as(status, 1000, GROUP_GID, -1, out, sizeof(out), WAIT_MS);
	if (r != 0 || !strstr(out, "active: yes")) {
		dt_fail("ctl-group", "primary member: exit %d: %s", r, out);
		goto out;
	}
	r = dt_run_as(status, 1001, 1001, -1, out, sizeof(out), WAIT_MS);
	if (r != 1 || !strstr(out, "permission denied")) {
		dt_fail("ctl-group", "non-member: exit %d: %s", r, out);
		goto out;
	}
	test_connection_limits();
	/* Past the file mode, the daemon itself refuses. */
	chmod(GROUP_SOCKET, 0666);
	r = dt_run_as(status, 1001, 1001, -1, out, sizeof(out), WAIT_MS);
	if (r != 1 || !strstr(out, "permission denied: only root and group 'joystickd' may use")) {
		dt_fail("ctl-group", "non-member past the file mode: exit %d: %s", r, out);
		goto out;
	}
	dt_pass("ctl-group");
out:
	daemon_stop(&jsd, SIGTERM, WAIT_MS);
	daemon_close(&jsd);
	unlink("/etc/group");
}

/* The line of `joystickctl devices` naming @name, or NULL. */
static const char *device_line(const char *name, char *line, size_t size)
{
	const char *p = strstr(out, name), *start;

	if (!p)
		return NULL;
	for (start = p; start > out && start[-1] != '\n'; start--)
		;
	snprintf(line, size, "%.*s", (int)(strcspn(start, "\n")), start);
	return line;
}

/*
 * mice = stickmouse: the mouse that matches [mouse stickmouse] is captured
 * by id (and again when replugged), another mouse is left to the desktop.
 */
static void test_mouse_sections(void)
{
	char *argv[] = { JOYSTICKD, "-c", MICE_INI, NULL };
	int32_t pitch = linear(200, PITCH_SENS), v;
	char line[256], snode[64], onode[64];
	struct vdev other = { .fd = -1 };
	int sfd = -1, ofd = -1;

	if (vdev_mouse(&other, OTHER_NAME, 0x1234, 0x0001) < 0)
		return dt_fail("mouse-sections", "cannot create %s", OTHER_NAME);
	if (daemon_spawn(&jsd, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&jsd, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&jsd);
		dt_fail("mouse-sections", "no READY=1 with %s", MICE_INI);
		goto out;
	}
	if (ctl(-1, "devices", NULL, NULL, NULL) != 0 ||
	    !device_line(MOUSE_NAME, line, sizeof(line)) ||
	    !strstr(line, " pointer  yes      046d:c077 stickmouse ")) {
		dt_fail("mouse-sections", "devices: %s", out);
		goto out;
	}
	if (!device_line(OTHER_NAME, line, sizeof(line)) ||
	    !strstr(line, " pointer  -        1234:0001 -            ")) {
		dt_fail("mouse-sections", "the other mouse: %s", line);
		goto out;
	}
	if (dt_find_event(STICK_NAME, snode, sizeof(snode)) < 0 ||
	    dt_find_event(OTHER_NAME, onode, sizeof(onode)) < 0 ||
	    (sfd = evdev_open(snode)) < 0 || (ofd = evdev_open(onode)) < 0) {
		dt_fail("mouse-sections", "nodes missing");
		goto out;
	}
	vdev_rel(&other, REL_Y, 50);
	if (evdev_wait(ofd, EV_REL, REL_Y, false, 50, WAIT_MS, &v) < 0 ||
	    evdev_count(sfd, EV_ABS, 300) != 0) {
		dt_fail("mouse-sections", "the other mouse was captured");
		goto out;
	}
	vdev_rel(&mouse, REL_Y, 200);
	if (stick_next(sfd, ABS_Y, &v) < 0 || v != pitch) {
		dt_fail("mouse-sections", "REL_Y 200 gave ABS_Y %d, want %d", v, pitch);
		goto out;
	}
	dt_pass("mouse-sections");

	vdev_destroy(&mouse);
	if (!status_has("mice captured: 0\n") ||
	    vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077) < 0 || !status_has("mice captured: 1\n")) {
		dt_fail("mouse-sections-replug", "not captured again: %s", out);
		goto out;
	}
	vdev_rel(&mouse, REL_Y, -200);
	if (stick_next(sfd, ABS_Y, &v) < 0 || v != 0)
		dt_fail("mouse-sections-replug", "REL_Y -200 gave ABS_Y %d, want 0", v);
	else
		dt_pass("mouse-sections-replug");
out:
	if (sfd >= 0)
		close(sfd);
	if (ofd >= 0)
		close(ofd);
	vdev_destroy(&other);
	daemon_stop(&jsd, SIGTERM, WAIT_MS);
	daemon_close(&jsd);
}

/* asan_step(): the first functional step of test_asan() that went wrong. */
static char asan_why[512];

static void asan_step(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void asan_step(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok || asan_why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(asan_why, sizeof(asan_why), fmt, ap);
	va_end(ap);
}

/*
 * The whole life of the daemon under AddressSanitizer, LeakSanitizer and
 * UBSan: every step must also do what it does in the tests above (the
 * same expected values), else a sanitizer build that maps nothing, or
 * exits at the first command, would pass.
 */
static void test_asan(void)
{
	char *env[] = { "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99",
			"UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98", NULL };
	int32_t roll = expo(100, ROLL_SENS, ROLL_EXPO), roll2 = power(100, ROLL_SENS, ROLL_POWER);
	int32_t v = 0;
	char node[64];
	int fd, st, r;

	asan_why[0] = '\0';
	write_config("curve = expo:0.3", NULL);
	if (!start_daemon(JOYSTICKD_ASAN, env, false))
		return dt_fail("daemon-asan", "no READY=1");
	if (dt_find_event(STICK_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0) {
		daemon_close(&jsd);
		return dt_fail("daemon-asan", "no stick");
	}
	asan_step(status_has("mice captured: 1\n"), "joystickctl status: %s", out);
	vdev_rel(&mouse, REL_X, 100);
	r = stick_next(fd, ABS_X, &v);
	asan_step(r == 0 && v == roll, "REL_X 100 gave ABS_X %d, want %d", v, roll);
	vdev_key(&mouse, BTN_LEFT, 1);
	asan_step(evdev_wait(fd, EV_KEY, BTN_TRIGGER, false, 1, WAIT_MS, &v) == 0,
		  "BTN_LEFT press: no BTN_TRIGGER 1");
	vdev_key(&mouse, BTN_LEFT, 0);
	asan_step(evdev_wait(fd, EV_KEY, BTN_TRIGGER, false, 0, WAIT_MS, &v) == 0,
		  "BTN_LEFT release: no BTN_TRIGGER 0");
	asan_step(stick_settles(fd, ABS_X, 0), "ABS_X did not return to 0");
	r = ctl(-1, "devices", NULL, NULL, NULL);
	asan_step(r == 0 && strstr(out, "pointer  yes") && strstr(out, MOUSE_NAME),
		  "joystickctl devices: exit %d: %s", r, out);
	r = ctl(-1, "monitor", "--frames", "5", NULL);
	asan_step(r == 0, "joystickctl monitor --frames 5: exit %d: %s", r, out);
	r = ctl(-1, "curve", "roll", "--svg", "/tmp/asan.svg");
	asan_step(r == 0 && dt_read("/tmp/asan.svg", out, sizeof(out)) == 0 && strstr(out, "</svg>"),
		  "joystickctl curve roll --svg: exit %d, no SVG written", r);

	/* A new curve, then a broken file that keeps it. */
	write_config("curve = expo:0.3", "curve = power:2");
	asan_step(reload(), "reload: no RELOADING=1 / READY=1");
	evdev_drain(fd);
	vdev_rel(&mouse, REL_X, 100);
	r = stick_next(fd, ABS_X, &v);
	asan_step(r == 0 && v == roll2, "after the reload REL_X 100 gave ABS_X %d, want %d (power:2)",
		  v, roll2);
	asan_step(stick_settles(fd, ABS_X, 0), "ABS_X did not return to 0 after the reload");
	dt_write(RUN_INI, "[nonsense\n");
	asan_step(reload(), "bad reload: no RELOADING=1 / READY=1");
	asan_step(daemon_log_has(&jsd, RUN_INI ":1: "), "bad reload: the log has no '%s:1: ' line",
		  RUN_INI);
	evdev_drain(fd);
	vdev_rel(&mouse, REL_X, 100);
	r = stick_next(fd, ABS_X, &v);
	asan_step(r == 0 && v == roll2, "after the bad reload REL_X 100 gave ABS_X %d, want %d (kept)",
		  v, roll2);
	asan_step(stick_settles(fd, ABS_X, 0), "ABS_X did not return to 0 after the bad reload");
	close(fd);

	/* Unplugged and back, then the hotkey. */
	vdev_destroy(&mouse);
	asan_step(status_has("mice captured: 0\n"), "the unplugged mouse is still counted");
	vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077);
	asan_step(status_has("mice captured: 1\n"), "the mouse was not captured again: %s", out);
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	asan_step(status_has("active: no\n"), "the hotkey did not turn capture off: %s", out);

	st = daemon_stop(&jsd, SIGTERM, 4 * WAIT_MS);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    daemon_log_has(&jsd, "Sanitizer") || daemon_log_has(&jsd, "runtime error")) {
		daemon_dump_log(&jsd);
		dt_fail("daemon-asan", "wait status %d; sanitizer report on the console%s%s", st,
			asan_why[0] ? "; also: " : "", asan_why);
	} else if (asan_why[0]) {
		daemon_dump_log(&jsd);
		dt_fail("daemon-asan", "%s", asan_why);
	} else {
		dt_pass("daemon-asan");
	}
	daemon_close(&jsd);
}

/*
 * Every check main() reports, in order: the PLAN line counts them, and
 * dt_done() fails each one a run did not reach.  A new check goes here too.
 */
static const char *const checks[] = {
	"fault-config-invalid", "fault-config-missing", "fault-config-unreadable",
	"fault-socket-taken", "fault-socket-not-socket", "fault-no-module",
	"fault-kfilter-denied", "fault-uinput-missing", "fault-uinput-denied",
	"ctl-check-config", "daemon-ready", "daemon-watchdog", "kfilter-backend-chosen",
	"stick-is-joystick",
	"motion-roll", "spring-return", "motion-pitch-hold", "wheel-throttle",
	"js-axes", "button-trigger", "batch-merge", "stick-in-read", "spring-after-stop",
	"swallow-active", "ctl-status",
	"ctl-devices", "ctl-permission", "ctl-profile", "ctl-errors", "ctl-monitor",
	"ctl-curve", "ctl-curve-args", "toggle-off-releases", "toggle-off-recenter",
	"hotkey-toggle", "reload-keeps-position", "reload-curve", "reload-bad-keeps",
	"reload-rollback", "reload-verdict", "reload-capture-fails", "reload-exclude-fails",
	"daemon-verbose", "mouse-replug", "ctl-recenter",
	"burst-sum", "ctl-half-closed", "log-flood-ratelimit", "deadman-warning",
	"fault-second-instance", "fault-capture-busy", "fault-mouse-yanked",
	"fault-rmmod-busy", "daemon-sigterm", "log-escaped-names",
	"daemon-journal-log", "notify-stall-flies", "kill9-pointer-back", "shipped-stick-is-joystick",
	"shipped-config", "mouse-sections", "mouse-sections-replug", "ctl-limits",
	"ctl-idle-timeout", "reload-root-only", "ctl-group", "config-points-too-close",
	"config-control-in-name", "stick-int32-range", "daemon-asan",
	"stick-flat-fuzz-zero", "shape-check-config", "shape-start-refused", "shape-start-warns",
	"stick-flat-fuzz-nine-axes", "shape-reload-refused", "shape-reload-warns", LIVE_CHECKS,
};

/* ---- the evdev backend (the module absent) */

/* The module is not loaded, and auto chose evdev, saying why in one line. */
static void test_evdev_chosen(void)
{
	const char *line = "capture backend: evdev (auto: " KFILTER_DEV
			   ": No such file or directory, the joystickd_kfilter module is not loaded)";

	if (access(KFILTER_DEV, F_OK) == 0)
		return dt_fail("evdev-backend-chosen", "%s exists: the module is loaded", KFILTER_DEV);
	if (!daemon_log_has(&jsd, line)) {
		daemon_dump_log(&jsd);
		return dt_fail("evdev-backend-chosen", "no line '%s' in the log (on the console)", line);
	}
	if (ctl(-1, "status", NULL, NULL, NULL) != 0 || !strstr(out, "backend: evdev\n"))
		return dt_fail("evdev-backend-chosen", "status: %s", out);
	dt_pass("evdev-backend-chosen");
}

/* The desktop (an evdev reader of the mouse) gets the mouse's motion. */
static void pointer_back(const char *test)
{
	char node[64];
	int32_t v;
	int fd;

	if (dt_find_event(MOUSE_NAME, node, sizeof(node)) < 0 || (fd = evdev_open(node)) < 0)
		return dt_fail(test, "no mouse node");
	vdev_rel(&mouse, REL_X, 13);
	if (evdev_wait(fd, EV_REL, REL_X, false, 13, WAIT_MS, &v) < 0)
		dt_fail(test, "the desktop did not get REL_X 13");
	else
		dt_pass(test);
	close(fd);
}

/*
 * A button held on the mouse when capture turns on: the desktop saw its
 * press, so it gets the release from the mouse too (the grab waits), and
 * once the button is up the mouse is captured; the daemon never sees that
 * release (it was never given the press).  Starts and ends with capture on.
 */
static void test_evdev_held_on(void)
{
	const char *test = "evdev-held-at-capture-on";
	char snode[64], mnode[64];
	int sfd = -1, mfd = -1, n;
	int32_t v;

	if (dt_find_event(STICK_NAME, snode, sizeof(snode)) < 0 ||
	    dt_find_event(MOUSE_NAME, mnode, sizeof(mnode)) < 0 ||
	    (sfd = evdev_open(snode)) < 0 || (mfd = evdev_open(mnode)) < 0) {
		dt_fail(test, "nodes missing");
		goto out;
	}
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	if (!status_has("active: no\n")) {
		dt_fail(test, "capture did not turn off: %s", out);
		goto out;
	}
	evdev_drain(mfd);
	evdev_drain(sfd);
	vdev_key(&mouse, BTN_RIGHT, 1);
	if (evdev_wait(mfd, EV_KEY, BTN_RIGHT, false, 1, WAIT_MS, &v) < 0) {
		dt_fail(test, "capture off: the desktop did not get the press");
		goto out;
	}
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	if (!status_has("active: yes\n")) {
		dt_fail(test, "capture did not turn on: %s", out);
		goto out;
	}
	vdev_key(&mouse, BTN_RIGHT, 0);
	if (evdev_wait(mfd, EV_KEY, BTN_RIGHT, false, 0, WAIT_MS, &v) < 0) {
		dt_fail(test, "the desktop never got the release of the press it saw");
		goto out;
	}
	if (!dt_grabbed_by_another(mfd, WAIT_MS)) {
		dt_fail(test, "the mouse was not grabbed once its button was up");
		goto out;
	}
	evdev_drain(mfd);
	vdev_rel(&mouse, REL_X, 5);
	vdev_key(&mouse, BTN_RIGHT, 1);
	vdev_key(&mouse, BTN_RIGHT, 0);
	n = evdev_count(mfd, EV_REL, 300) + evdev_count(mfd, EV_KEY, 0);
	if (n != 0)
		dt_fail(test, "after the release the mouse is not captured: the desktop got %d events", n);
	else if (!stick_settles(sfd, ABS_X, 0))
		dt_fail(test, "the stick did not come back to the centre");
	else
		dt_pass(test);
out:
	if (sfd >= 0)
		close(sfd);
	if (mfd >= 0)
		close(mfd);
}

static const char *const evdev_checks[] = {
	"evdev-backend-chosen", "daemon-ready", "daemon-watchdog", "stick-is-joystick",
	"motion-roll", "spring-return", "motion-pitch-hold", "wheel-throttle", "js-axes",
	"button-trigger", "spring-after-stop", "swallow-active", "ctl-status", "ctl-devices", "ctl-permission",
	"ctl-profile", "ctl-errors", "toggle-off-releases", "toggle-off-recenter",
	"hotkey-toggle", "evdev-held-at-capture-on", "reload-keeps-position", "reload-curve",
	"reload-bad-keeps", "mouse-replug", "ctl-recenter", "daemon-sigterm",
	"evdev-stop-pointer-back", "kill9-pointer-back", "mouse-sections",
	"mouse-sections-replug", "stick-flat-fuzz-zero", LIVE_CHECKS,
};

/*
 * The module-absent run (daemon.mk: vm-run-daemon-evdev): the device and
 * mapping checks of the kernel-backend run, against the evdev backend,
 * then the evdev backend's own (vmt-evdev.c).
 */
static int main_evdev(void)
{
	if (!test_ready()) {
		printf("INFO daemon tests stop here: the daemon did not start\n");
		return dt_done();
	}
	test_evdev_chosen();
	test_joystick_class("stick-is-joystick", STICK_NAME);
	vmt_flat_fuzz_zero("stick-flat-fuzz-zero", STICK_NAME, 3);
	test_motion();
	test_spring_after_stop();
	test_swallow();
	test_ctl();
	test_hotkey();
	test_evdev_held_on();
	test_reload();
	test_replug();
	test_sigterm();
	pointer_back("evdev-stop-pointer-back");
	daemon_close(&jsd);

	write_config("curve = expo:0.3", NULL);
	if (start_daemon(JOYSTICKD, NULL, false))
		test_kill9();
	else
		dt_fail("kill9-pointer-back", "daemon did not start again");
	daemon_close(&jsd);
	test_mouse_sections();
	test_live(&mouse);
	vmt_evdev_tests(&mouse, &kbd);
	return dt_done();
}

/* The plan of the evdev run: the shared checks, then the evdev backend's own. */
static void plan_evdev(void)
{
	size_t n = sizeof(evdev_checks) / sizeof(evdev_checks[0]);
	const char **all = calloc(n + vmt_evdev_n_checks, sizeof(*all));

	if (!all) {
		dt_plan(evdev_checks, n);
		return;
	}
	memcpy(all, evdev_checks, n * sizeof(*all));
	memcpy(all + n, vmt_evdev_checks, vmt_evdev_n_checks * sizeof(*all));
	dt_plan(all, n + vmt_evdev_n_checks);
}

int main(void)
{
	char *fault_env[] = { "LD_PRELOAD=" FAULT_LIB, "JSD_FAULT_FILE=" FAULT_FILE, NULL };
	const char *backend = getenv("VMT_BACKEND"), *quiet;

	setvbuf(stdout, NULL, _IOLBF, 0);
	evdev_mode = backend && strcmp(backend, "evdev") == 0;
	mkdir("/run", 0755);
	/* The initramfs root comes from mktemp -d (0700): let uid 1000 in. */
	chmod("/", 0755);
	if (evdev_mode)
		plan_evdev();
	else
		dt_plan(checks, sizeof(checks) / sizeof(checks[0]));
	if (vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077) < 0 || vdev_keyboard(&kbd, KBD_NAME) < 0 ||
	    write_config("curve = expo:0.3", NULL) < 0) {
		dt_fail("daemon-setup", "uinput devices or %s: %s", RUN_INI, strerror(errno));
		return dt_done();
	}
	if (evdev_mode)
		return main_evdev();

	test_startup_faults();
	test_check_config();

	if (!test_ready()) {
		printf("INFO daemon tests stop here: the daemon did not start\n");
		return dt_done();
	}
	test_kfilter_chosen();
	test_joystick_class("stick-is-joystick", STICK_NAME);
	vmt_flat_fuzz_zero("stick-flat-fuzz-zero", STICK_NAME, 3);
	test_motion();
	test_batch_merge();
	test_stick_in_read();
	test_spring_after_stop();
	test_swallow();
	test_ctl();
	test_monitor();
	test_curve();
	test_curve_args();
	test_hotkey();
	test_reload();
	test_reload_verdict();
	test_replug();
	test_half_closed();
	test_log_flood();
	test_deadman();
	test_second_instance();
	test_yank();
	test_rmmod_busy();
	test_sigterm();
	quiet = daemon_log_has(&jsd, "control request from") ? "control request from" : NULL;
	daemon_close(&jsd);
	write_config("curve = expo:0.3", NULL);
	test_verbose(quiet);
	if (start_daemon(JOYSTICKD, fault_env, false))
		test_reload_faults();
	else
		dt_fail("reload-capture-fails", "daemon with %s did not start", FAULT_LIB);
	daemon_stop(&jsd, SIGTERM, WAIT_MS);
	daemon_close(&jsd);

	write_config("curve = expo:0.3", NULL);
	if (start_daemon(JOYSTICKD, NULL, true)) {
		test_evil_name();
		test_journal();
		test_notify_stall();
		test_kill9();
	} else {
		dt_fail("kill9-pointer-back", "daemon did not start again");
	}
	daemon_close(&jsd);
	test_shipped();
	test_mouse_sections();
	test_control_group();
	test_live(&mouse);
	test_check_config_refusals();
	test_full_range_stick();
	vmt_shape();
	test_asan();

	return dt_done();
}
