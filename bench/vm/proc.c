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
		bvm_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

bool bvm_alive(pid_t pid)
{
	return pid > 0 && waitpid(pid, NULL, WNOHANG) == 0;
}

static uint64_t bvm_pid_cpu(pid_t pid)
{
	char dir[64];
	uint64_t sum = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char path[128];
		unsigned long long ns;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		/* schedstat: time on the CPU (ns), time waiting, timeslices. */
		snprintf(path, sizeof(path), "%s/%.32s/schedstat", dir, de->d_name);
		f = fopen(path, "re");
		if (f && fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return sum;
}

uint64_t bvm_path_cpu(const struct bvm_path *p)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < p->n_pids; i++)
		sum += bvm_pid_cpu(p->pids[i]);
	return sum;
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
