// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the CPU goes: `perf record -a -g` (cpu-clock: TCG has no hardware
 * counters) around a workload, then two views of it as PERF lines:
 *
 *	PERF label self  pct  dso  symbol	% of the command's own samples in
 *						the symbol itself (callees not
 *						included: TCG's frame-pointer call
 *						chains double-count children)
 *	PERF label share pct  comm		% of all samples per command
 *
 * Profiles run after the measured phases (or on a workload of their own),
 * so perf's own cost touches no figure.  Skipped when the image has no perf
 * (the host lacks linux-perf).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bvm.h"

#define PROF_FRAMES	3000		/* BVM_PROF_FRAMES=N in the environment: N */
#define PROF_RATE_NS	1000000ull	/* 1 kHz */

/* Runs `perf report` with @args on @data and prints its rows as "PERF @label @kind row". */
static int bvm_perf_report(const char *label, const char *kind, const char *data, char **args)
{
	char *argv[24] = { BVM_PERF, "report", "-i", (char *)data, "--stdio", "-g", "none" };
	char out[65536], *line, *save = NULL;
	unsigned int n = 7;
	int rows = 0;

	while (*args && n < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (bvm_run(argv, out, sizeof(out)) != 0)
		return -EIO;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !strchr(line, '%'))
			continue;
		bvm_line("PERF %s %s %s", label, kind, line + strspn(line, " "));
		rows++;
	}
	return rows;
}

static void bvm_perf_paths(const char *tag, char *data, size_t dsize, char *log, size_t lsize)
{
	snprintf(data, dsize, "/tmp/perf-%s.data", tag);
	snprintf(log, lsize, "/tmp/perf-%s.log", tag);
}

pid_t bvm_perf_start(const char *tag)
{
	char data[64], log[64];
	char *record[] = { BVM_PERF, "record", "-e", "cpu-clock", "-F", "2000", "-a", "-g",
			   "-o", data, NULL };
	pid_t pid;

	if (access(BVM_PERF, X_OK) < 0)
		return -1;
	bvm_perf_paths(tag, data, sizeof(data), log, sizeof(log));
	pid = bvm_spawn(record, -1, -1, log);
	sleep_ms(1500);	/* perf is up and sampling */
	return pid;
}

void bvm_perf_finish(pid_t pid, const char *tag, char *const labels[], char *const comms[],
		     unsigned int n)
{
	char data[64], log[64];
	char *share[] = { "--no-children", "--sort", "comm", "--percent-limit", "0.5", NULL };
	int r;

	if (pid <= 0)
		return;
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	bvm_perf_paths(tag, data, sizeof(data), log, sizeof(log));
	r = bvm_perf_report(tag, "share", data, share);
	for (unsigned int i = 0; r >= 0 && i < n; i++) {
		const char *limit = getenv("BVM_PROF_LIMIT");
		char *self[] = { "--no-children", "--comms", comms[i], "--percentage", "relative",
				 "--sort", "dso,sym", "--percent-limit",
				 (char *)(limit ? limit : "2"), NULL };

		r = bvm_perf_report(labels[i], "self", data, self);
	}
	if (r < 0) {
		vmt_info("profile %s: perf report failed", tag);
		bvm_dump_file(log);
	}
}

/* Joystickd, then the floor, carrying the stream at 1 kHz. */
void bvm_profile(struct bvm_bench *b)
{
	static const unsigned int paths[] = { BVM_JSD, BVM_FLOOR_PATH };
	static char *const comms[] = { "joystickd", "jsd-floor" };
	const char *env = getenv("BVM_PROF_FRAMES");
	unsigned int frames = env ? (unsigned int)strtoul(env, NULL, 10) : PROF_FRAMES;

	if (access(BVM_PERF, X_OK) < 0) {
		vmt_info("profile: no %s in the image, skipped", BVM_PERF);
		return;
	}
	for (unsigned int p = 0; p < 2; p++) {
		struct bvm_mouse *mouse = b->paths[paths[p]].mouse;
		char *label = (char *)b->paths[paths[p]].name;
		pid_t pid = bvm_perf_start(label);
		uint64_t t0 = bvm_now();

		for (unsigned int i = 0; i < frames; i++) {
			bvm_sleep_until(t0 + i * PROF_RATE_NS);
			bvm_mouse_frame(mouse);
		}
		sleep_ms(200);
		bvm_perf_finish(pid, label, &label, &comms[p], 1);
	}
}
