// SPDX-License-Identifier: GPL-2.0-or-later
/* Child processes and what /proc says about them; see bvm.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bvm.h"

pid_t bvm_spawn(char *const argv[], int in, int out, const char *log)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;

	/* The child: normal scheduling, whatever the bench runs at. */
	bvm_realtime(0);
	int null = open("/dev/null", O_RDWR);
	int err = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	dup2(in >= 0 ? in : null, 0);
	dup2(out >= 0 ? out : null, 1);
	dup2(err >= 0 ? err : null, 2);
	execv(argv[0], argv);
	_exit(127);
}

int bvm_kill(pid_t pid)
{
	int status = -1;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

bool bvm_alive(pid_t pid)
{
	return pid > 0 && waitpid(pid, NULL, WNOHANG) == 0;
}

/*
 * Opens file @name of every thread of the path's processes
 * (/proc/PID/task/TID/@name) and hands it to @fn.
 */
static void bvm_each_thread(const struct bvm_path *p, const char *name,
			    void (*fn)(FILE *f, uint64_t *sums), uint64_t *sums)
{
	for (unsigned int i = 0; i < p->n_pids; i++) {
		char dir[64];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "/proc/%d/task", (int)p->pids[i]);
		d = opendir(dir);
		while (d && (de = readdir(d))) {
			char path[128];
			FILE *f;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%.32s/%s", dir, de->d_name, name);
			f = fopen(path, "re");
			if (!f)
				continue;
			fn(f, sums);
			fclose(f);
		}
		if (d)
			closedir(d);
	}
}

/* schedstat: time on the CPU (ns), time waiting, timeslices. */
static void bvm_add_schedstat(FILE *f, uint64_t *sums)
{
	unsigned long long ns;

	if (fscanf(f, "%llu", &ns) == 1)
		sums[0] += ns;
}

uint64_t bvm_path_cpu(const struct bvm_path *p)
{
	uint64_t sum = 0;

	bvm_each_thread(p, "schedstat", bvm_add_schedstat, &sum);
	return sum;
}

/* stat: after "pid (comm)", state and ten more fields, then utime and stime (ticks). */
static void bvm_add_stat_times(FILE *f, uint64_t *sums)
{
	char line[512], *end;
	unsigned long long ut, st;

	if (fgets(line, sizeof(line), f) && (end = strrchr(line, ')')) &&
	    sscanf(end + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &ut, &st) == 2) {
		sums[0] += ut;
		sums[1] += st;
	}
}

void bvm_path_times(const struct bvm_path *p, uint64_t *ret_user_ns, uint64_t *ret_sys_ns)
{
	uint64_t ns_per_tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
	uint64_t ticks[2] = { 0, 0 };

	bvm_each_thread(p, "stat", bvm_add_stat_times, ticks);
	*ret_user_ns = ticks[0] * ns_per_tick;
	*ret_sys_ns = ticks[1] * ns_per_tick;
}

static void bvm_add_switches(FILE *f, uint64_t *sums)
{
	char line[128];
	unsigned long long v;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1)
			sums[0] += v;
		else if (sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
			sums[1] += v;
	}
}

void bvm_path_switches(const struct bvm_path *p, uint64_t *ret_vol, uint64_t *ret_invol)
{
	uint64_t n[2] = { 0, 0 };

	bvm_each_thread(p, "status", bvm_add_switches, n);
	*ret_vol = n[0];
	*ret_invol = n[1];
}

void bvm_path_io(const struct bvm_path *p, uint64_t *ret_syscr, uint64_t *ret_syscw)
{
	*ret_syscr = *ret_syscw = 0;
	for (unsigned int i = 0; i < p->n_pids; i++) {
		char path[64], key[32];
		unsigned long long v;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/io", (int)p->pids[i]);
		f = fopen(path, "re");
		while (f && fscanf(f, "%31s %llu", key, &v) == 2) {
			if (!strcmp(key, "syscr:"))
				*ret_syscr += v;
			else if (!strcmp(key, "syscw:"))
				*ret_syscw += v;
		}
		if (f)
			fclose(f);
	}
}

long bvm_vmhwm(pid_t pid)
{
	char path[64], line[128];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

int bvm_run(char *const argv[], char *buf, size_t size)
{
	int p[2], status = -1;
	size_t len = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = bvm_spawn(argv, -1, p[1], "/dev/null");
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	buf[len] = '\0';
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

void bvm_dump_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	fprintf(stderr, "---- %s\n", path);
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fprintf(stderr, "----\n");
	fclose(f);
}
