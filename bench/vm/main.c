// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsd-bench-vm: the benchmark's guest program (bvm.h).  In one boot:
 * the write-to-timestamp calibration, the paths' latency at 1 and 8 kHz
 * (joystickd with the kernel filter and with its evdev backend, the floor,
 * interception-tools),
 * their CPU, system calls and memory, a profile, eight mice through
 * joystickd, and the module's pended read against evdev's read().
 *
 * It first announces how many PASS/FAIL lines it will send (PLAN, counted
 * by tests/vm/tally.sh): the checks are about correctness only, so a
 * slow run sends the same lines as a fast one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bvm.h"

static int bvm_failed;

void bvm_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void bvm_pass(const char *name)
{
	bvm_line("PASS %s", name);
}

void bvm_fail(const char *name, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	bvm_line("FAIL %s: %s", name, why);
	bvm_failed = 1;
}

static int bvm_make_mice(struct bvm_bench *b)
{
	char name[64];
	int r = 0;

	for (unsigned int i = 0; r == 0 && i < BVM_MICE; i++) {
		snprintf(name, sizeof(name), BVM_MOUSE_NAME, i);
		r = bvm_mouse_new(&b->mice[i], name, 0xb000 + i);
	}
	if (r == 0)
		r = bvm_mouse_new(&b->floor_mouse, BVM_FLOOR_MOUSE, 0xb0f0);
	if (r == 0)
		r = bvm_mouse_new(&b->icpt_mouse, BVM_ICPT_MOUSE, 0xb0f1);
	if (r == 0)
		r = bvm_mouse_new(&b->evdev_mouse, BVM_EVDEV_MOUSE, 0xb0f2);
	/* Let the module attach and the nodes settle before anything reads them. */
	sleep_ms(200);
	return r;
}

/* Peak RSS of the paths that are still up, and the module's ring. */
static void bvm_memory(struct bvm_bench *b, unsigned int path)
{
	const struct bvm_path *p = &b->paths[path];
	long sum = 0;

	for (unsigned int i = 0; i < p->n_pids; i++)
		sum += bvm_vmhwm(p->pids[i]);
	bvm_line("MEM %s_vmhwm_kib %ld", p->name, sum);
	if (path == BVM_JSD) {
		struct jskf_stats st;

		if (kf_stats(b->kf, 0, &st) == 0) {
			bvm_line("MEM ring_size %u", st.ring_size);
			bvm_line("MEM ring_high_water %u", st.ring_high_water);
			bvm_line("MEM record_size %zu", sizeof(struct jskf_record));
		}
	}
}

/* One check: the daemon of @path is still running after its phases. */
static void bvm_check_alive(struct bvm_bench *b, unsigned int path, const char *name)
{
	const struct bvm_path *p = &b->paths[path];

	if (!p->n_pids)
		bvm_fail(name, "the daemon was not started");
	else if (!bvm_alive(p->pids[0]))
		bvm_fail(name, "the daemon died");
	else
		bvm_pass(name);
}

int main(void)
{
	static struct bvm_bench b;
	struct utsname u;
	int r;

	const char *only = getenv("BVM_ONLY");
	bool readers_only = only && !strcmp(only, "readers");
	bool latency_only = only && !strcmp(only, "latency");
	int latency_checks = (int)(bvm_lat_rates() * bvm_lat_paths());

	bvm_line("PLAN %d", readers_only ? BVM_CHECKS_READERS :
			    latency_only ? BVM_CHECKS_SETUP + latency_checks + BVM_CHECKS_DAEMON :
			    BVM_CHECKS_SETUP + latency_checks + BVM_CHECKS_THROUGHPUT +
			    BVM_CHECKS_DAEMON + BVM_CHECKS_READERS);
	uname(&u);
	vmt_info("bench guest: %s, %ld CPUs", u.release, sysconf(_SC_NPROCESSORS_ONLN));
	b.kf = open(JSKF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (b.kf < 0) {
		bvm_fail("setup", "%s: %s", JSKF_DEVICE_PATH, strerror(errno));
		return 1;
	}
	r = bvm_make_mice(&b);
	if (r < 0) {
		bvm_fail("setup", "virtual mice: %s", strerror(-r));
		return 1;
	}

	if (readers_only) {
		r = bvm_readers(&b);
		goto out;
	}

	r = bvm_calibrate(&b);
	if (r == 0)
		r = bvm_start_paths(&b);
	if (r == 0)
		r = bvm_latency(&b);
	if (r == 0 && !latency_only) {
		bvm_memory(&b, BVM_FLOOR_PATH);
		bvm_memory(&b, BVM_ICPT);
		bvm_memory(&b, BVM_EVDEV);
		bvm_syscalls(&b);
		bvm_profile(&b);
	}
	bvm_stop_path(&b, BVM_FLOOR_PATH);
	bvm_stop_path(&b, BVM_ICPT);
	bvm_check_alive(&b, BVM_EVDEV, "joystickd-evdev");
	bvm_stop_path(&b, BVM_EVDEV);

	if (r == 0 && !latency_only && bvm_alive(b.paths[BVM_JSD].pids[0]))
		r = bvm_throughput(&b);
	if (r == 0 && !latency_only)
		bvm_memory(&b, BVM_JSD);
	bvm_check_alive(&b, BVM_JSD, "joystickd");
	bvm_stop_path(&b, BVM_JSD);

	if (r == 0 && !latency_only)
		r = bvm_readers(&b);
 out:
	for (unsigned int i = 0; i < BVM_MICE; i++)
		bvm_mouse_free(&b.mice[i]);
	bvm_mouse_free(&b.floor_mouse);
	bvm_mouse_free(&b.icpt_mouse);
	bvm_mouse_free(&b.evdev_mouse);
	close(b.kf);
	return bvm_failed || r < 0;
}
