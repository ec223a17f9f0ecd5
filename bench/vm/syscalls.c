// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * System calls per frame, every one of them: `perf stat -e
 * raw_syscalls:sys_enter -p PIDS` counts each system call any thread of
 * the path's processes enters (joystickd's pended-read ioctls, its epoll
 * and eventfd traffic, the floor's read() and write(), intercept's and
 * uinput's pipe I/O alike) while the path carries SYSC_FRAMES frames.
 * The same perf run also counts the calls an input path is made of one by
 * one (sysc_calls[], a syscalls:sys_enter_NAME tracepoint each), so the
 * table can say what every call per frame is for; what none of them
 * counted is "other" (total minus their sum), never left out.
 * perf starts with its counter disabled (-D -1) and is switched on and off
 * through its control fifo, so the count covers those frames and nothing
 * of perf's own start-up.  Runs after the latency phase: the tracepoint
 * costs every system call a little.  Without perf, or if it fails, the
 * line says "-": not measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bvm.h"

#define SYSC_FRAMES	2000
#define SYSC_CTL	"/tmp/jsd-bench-perf.ctl"
#define SYSC_ACK	"/tmp/jsd-bench-perf.ack"
#define SYSC_OUT	"/tmp/jsd-bench-perf.txt"
#define SYSC_LOG	"/tmp/jsd-bench-perf.log"
#define SYSC_WAIT_MS	30000	/* perf under TCG takes seconds to start */

/*
 * The calls counted one by one: those of an input path's loop (read,
 * write, the pended-read ioctl, waiting, timers, locks, the clock when the
 * vDSO cannot serve it), and pipe I/O for interception-tools.
 */
static const char *const sysc_calls[] = {
	"ioctl", "read", "write", "readv", "writev", "epoll_wait", "epoll_pwait",
	"poll", "ppoll", "select", "pselect6", "futex", "clock_gettime",
	"clock_nanosleep", "nanosleep", "timerfd_settime", "timerfd_gettime",
	"recvmsg", "sendmsg", "sched_yield", "getpid", "gettid", "rt_sigprocmask",
};

#define SYSC_N_CALLS	(sizeof(sysc_calls) / sizeof(sysc_calls[0]))

/* What one perf run counted: every call, and the calls of sysc_calls[]. */
struct sysc_count {
	uint64_t total;
	uint64_t calls[SYSC_N_CALLS];
};

/* Opens the control fifo once perf has it open (ENXIO until then). */
static int sysc_open_ctl(pid_t perf)
{
	for (int waited = 0; waited < SYSC_WAIT_MS; waited += 50) {
		int fd = open(SYSC_CTL, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (errno != ENXIO || !bvm_alive(perf))
			return -errno;
		sleep_ms(50);
	}
	return -ETIMEDOUT;
}

/* Sends @cmd ("enable", "disable") and waits for perf's "ack". */
static int sysc_command(int ctl, int ack, const char *cmd)
{
	struct pollfd pfd = { .fd = ack, .events = POLLIN };
	char buf[16];
	ssize_t n;

	if (dprintf(ctl, "%s\n", cmd) < 0)
		return -EIO;
	if (poll(&pfd, 1, SYSC_WAIT_MS) <= 0)
		return -ETIMEDOUT;
	n = read(ack, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return strncmp(buf, "ack", 3) ? -EPROTO : 0;
}

/* The counts from `perf stat -x,` output: "COUNT,UNIT,EVENT,...". */
static int sysc_parse(struct sysc_count *ret)
{
	char line[256], event[128];
	unsigned long long v;
	int r = -ENODATA;
	FILE *f = fopen(SYSC_OUT, "re");

	memset(ret, 0, sizeof(*ret));
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu,%*[^,],%127[^,]", &v, event) != 2 &&
		    sscanf(line, "%llu,,%127[^,]", &v, event) != 2)
			continue;
		if (strcmp(event, "raw_syscalls:sys_enter") == 0) {
			ret->total = v;
			r = 0;
			continue;
		}
		for (size_t i = 0; i < SYSC_N_CALLS; i++)
			if (strncmp(event, "syscalls:sys_enter_", 19) == 0 &&
			    strcmp(event + 19, sysc_calls[i]) == 0)
				ret->calls[i] = v;
	}
	if (f)
		fclose(f);
	return r;
}

static int sysc_measure(struct bvm_bench *b, unsigned int path, unsigned int rate,
			struct sysc_count *ret)
{
	const struct bvm_path *p = &b->paths[path];
	char pids[64] = "", events[1024] = "raw_syscalls:sys_enter";
	char *argv[] = { BVM_PERF, "stat", "-e", events, "-x", ",", "-o",
			 SYSC_OUT, "-D", "-1", "--control", "fifo:" SYSC_CTL "," SYSC_ACK,
			 "-p", pids, NULL };
	struct bvm_mouse *mouse = p->mouse;
	int ctl = -1, ack = -1, r;
	pid_t perf;

	for (unsigned int i = 0; i < p->n_pids; i++)
		snprintf(pids + strlen(pids), sizeof(pids) - strlen(pids), "%s%d", i ? "," : "",
			 (int)p->pids[i]);
	for (size_t i = 0; i < SYSC_N_CALLS; i++)
		snprintf(events + strlen(events), sizeof(events) - strlen(events),
			 ",syscalls:sys_enter_%s", sysc_calls[i]);
	unlink(SYSC_CTL);
	unlink(SYSC_ACK);
	unlink(SYSC_OUT);
	if (mkfifo(SYSC_CTL, 0600) < 0 || mkfifo(SYSC_ACK, 0600) < 0)
		return -errno;
	perf = bvm_spawn(argv, -1, -1, SYSC_LOG);
	r = perf < 0 ? -errno : sysc_open_ctl(perf);
	if (r >= 0) {
		ctl = r;
		ack = open(SYSC_ACK, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		r = ack < 0 ? -errno : 0;
	}
	if (r == 0)
		r = sysc_command(ctl, ack, "enable");
	if (r == 0) {
		r = bvm_generate(&mouse, 1, SYSC_FRAMES, rate, NULL, NULL);
		sleep_ms(200);	/* the path finishes the last frames */
	}
	if (r == 0)
		r = sysc_command(ctl, ack, "disable");
	if (perf > 0) {
		kill(perf, SIGINT);
		waitpid(perf, NULL, 0);
	}
	if (r == 0)
		r = sysc_parse(ret);
	if (r < 0)
		bvm_dump_file(SYSC_LOG);
	if (ctl >= 0)
		close(ctl);
	if (ack >= 0)
		close(ack);
	return r;
}

void bvm_syscalls(struct bvm_bench *b)
{
	bool perf = access(BVM_PERF, X_OK) == 0;

	if (!perf)
		vmt_info("syscalls: no %s in the image: not measured", BVM_PERF);
	for (unsigned int ri = 0; ri < 2; ri++)
		for (unsigned int i = 0; i < BVM_PATHS; i++) {
			const char *name = b->paths[i].name;
			struct sysc_count n;
			uint64_t listed = 0;
			int r = perf ? sysc_measure(b, i, bvm_rates[ri], &n) : -ENOENT;

			if (r < 0) {
				if (perf)
					vmt_info("syscalls of %s at %u Hz: perf stat: %s: not measured",
						 name, bvm_rates[ri], strerror(-r));
				bvm_line("SYSC %s %u %u -", name, bvm_rates[ri], SYSC_FRAMES);
				continue;
			}
			bvm_line("SYSC %s %u %u %llu", name, bvm_rates[ri], SYSC_FRAMES,
				 (unsigned long long)n.total);
			for (size_t k = 0; k < SYSC_N_CALLS; k++) {
				listed += n.calls[k];
				if (n.calls[k])
					bvm_line("SYSCN %s %u %u %s %llu", name, bvm_rates[ri],
						 SYSC_FRAMES, sysc_calls[k],
						 (unsigned long long)n.calls[k]);
			}
			if (n.total > listed)
				bvm_line("SYSCN %s %u %u other %llu", name, bvm_rates[ri],
					 SYSC_FRAMES, (unsigned long long)(n.total - listed));
		}
}
