// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench-games, the guest's half (bench/games/README.md): what
 * watching processes for games costs the daemon, per mechanism, with no
 * process starting and with GB_RATE (500) processes started and ended
 * per second.
 *
 * Five joystickd run at once on the evdev backend (capturing no mouse),
 * so that every one of them sees the same load at the same moments:
 *
 *   base	joystickd, a configuration without games: the watcher is off
 *   scan	joystickd as shipped: every 500 ms, /proc listed from the highest pid on
 *   scan250	joystickd-scan250: the same every 250 ms
 *   scanall	joystickd-scanall: every 500 ms, all of /proc listed
 *   netlink	joystickd-netlink: the kernel's process connector (CAP_NET_ADMIN)
 *
 * Before the rounds, GB_SLEEPERS processes that sleep make /proc look like
 * a desktop's.  The churn is GB_SPAWNERS processes each starting its share
 * of GB_RATE tiny processes a second (jsd-nop: exec, exit), without waiting
 * for them; how many it started in each window is measured, not assumed.  Each of GB_ROUNDS rounds measures a GB_WINDOW_S window
 * with no load and one with the churn (their order alternates by round):
 * for every daemon the CPU time it used in the window, user + system from
 * /proc/PID/stat (clock ticks) and the sum of its threads' run time from
 * /proc/PID/task/TID/schedstat (ns).  One line per daemon and window:
 *
 *   GW <name> <idle|churn> <round> <wall_ns> <stat_ticks> <sched_ns> <spawned>
 *
 * plus "GI key value" facts.  Then a check that the mechanisms work at
 * all: a process named DCS.exe makes each watching daemon switch to its
 * "dcs" profile (a mechanism that saw nothing would look cheap).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dtest.h"

#define JOYSTICKCTL	"/usr/bin/joystickctl"
#define NOP		"/usr/bin/jsd-nop"
#define GAME_EXE	"/tmp/gb/DCS.exe"
#define N_DAEMONS	5
#define WAIT_MS		20000

struct variant {
	const char *name;
	const char *exe;
	const char *ini;
	bool games;		/* watches for games */
	struct daemon d;
	char socket[64];
};

static struct variant variants[N_DAEMONS] = {
	{ .name = "base", .exe = "/usr/bin/joystickd", .ini = "/etc/jsd-bench/games-base.ini" },
	{ .name = "scan", .exe = "/usr/bin/joystickd", .ini = "/etc/jsd-bench/games.ini", .games = true },
	{ .name = "scan250", .exe = "/usr/bin/joystickd-scan250", .ini = "/etc/jsd-bench/games.ini",
	  .games = true },
	{ .name = "scanall", .exe = "/usr/bin/joystickd-scanall", .ini = "/etc/jsd-bench/games.ini",
	  .games = true },
	{ .name = "netlink", .exe = "/usr/bin/joystickd-netlink", .ini = "/etc/jsd-bench/games.ini",
	  .games = true },
};

static unsigned int env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 10) : dflt;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* user + system clock ticks of @pid (all its threads), or -1. */
static long long stat_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (dt_read(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* after ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/* The run time of every thread of @pid, in ns (schedstat), or -1. */
static long long sched_ns(pid_t pid)
{
	char path[300], buf[128];
	long long sum = 0, v;
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", (int)pid, de->d_name);
		if (dt_read(path, buf, sizeof(buf)) == 0 && sscanf(buf, "%lld", &v) == 1)
			sum += v;
	}
	closedir(dir);
	return sum;
}

/* ---- the churn: GB_SPAWNERS processes that start GB_RATE processes a second together */

static _Atomic unsigned long *spawned;	/* shared with the spawners */
static pid_t spawners[16];
static unsigned int n_spawners;

/*
 * Starts jsd-nop every 1/@rate s and lets the kernel reap it (SIGCHLD
 * ignored), so that a slow exec does not hold the next start; a late start
 * does not catch up (no bursts).
 */
static void spawner_main(double rate)
{
	uint64_t period = (uint64_t)(1e9 / rate), next = now_ns();
	char *argv[] = { NOP, NULL }, *env[] = { NULL };

	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		struct timespec ts;
		pid_t pid;

		if (posix_spawn(&pid, NOP, NULL, NULL, argv, env) == 0)
			atomic_fetch_add(spawned, 1);
		next += period;
		if (now_ns() > next + 2 * period)
			next = now_ns();
		ts.tv_sec = (time_t)(next / 1000000000ull);
		ts.tv_nsec = (long)(next % 1000000000ull);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

static void churn_start(unsigned int rate, unsigned int n)
{
	for (n_spawners = 0; n_spawners < n && n_spawners < 16; n_spawners++) {
		pid_t pid = fork();

		if (pid == 0) {
			spawner_main((double)rate / n);
			_exit(0);
		}
		spawners[n_spawners] = pid;
	}
}

static void churn_stop(void)
{
	for (unsigned int i = 0; i < n_spawners; i++)
		kill(spawners[i], SIGKILL);
	for (unsigned int i = 0; i < n_spawners; i++)
		waitpid(spawners[i], NULL, 0);
	n_spawners = 0;
}

/* ---- processes that sleep: a desktop's /proc */

static pid_t *sleepers;
static unsigned int n_sleepers;

static void sleepers_start(unsigned int n)
{
	sleepers = calloc(n, sizeof(*sleepers));
	for (n_sleepers = 0; sleepers && n_sleepers < n; n_sleepers++) {
		pid_t pid = fork();

		if (pid == 0) {
			for (;;)
				pause();
		}
		if (pid < 0)
			break;
		sleepers[n_sleepers] = pid;
	}
}

static void sleepers_stop(void)
{
	for (unsigned int i = 0; i < n_sleepers; i++)
		kill(sleepers[i], SIGKILL);
	for (unsigned int i = 0; i < n_sleepers; i++)
		waitpid(sleepers[i], NULL, 0);
}

static unsigned int count_processes(void)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *dir = opendir("/proc");

	while (dir && (de = readdir(dir)))
		n += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	if (dir)
		closedir(dir);
	return n;
}

/* Lines of file @path that contain @needle. */
static int count_lines(const char *path, const char *needle)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* ---- the daemons */

static bool daemons_start(void)
{
	for (int i = 0; i < N_DAEMONS; i++) {
		struct variant *v = &variants[i];
		char *argv[] = { (char *)v->exe, "-c", (char *)v->ini, "--socket", v->socket, NULL };

		snprintf(v->socket, sizeof(v->socket), "/run/jsd-gb-%s.sock", v->name);
		if (daemon_spawn(&v->d, argv, NULL, false) < 0 ||
		    daemon_wait_notify(&v->d, "READY=1", WAIT_MS) < 0) {
			daemon_dump_log(&v->d);
			dt_fail("games-bench-daemons", "%s (%s) did not start", v->name, v->exe);
			return false;
		}
	}
	dt_pass("games-bench-daemons");
	return true;
}

static void daemons_stop(void)
{
	for (int i = 0; i < N_DAEMONS; i++) {
		daemon_stop(&variants[i].d, SIGTERM, WAIT_MS);
		daemon_close(&variants[i].d);
	}
}

/* One window of @window_s: a GW line per daemon. */
static void measure(const char *load, unsigned int round, unsigned int window_s)
{
	long long ticks[N_DAEMONS], ns[N_DAEMONS];
	unsigned long spawned0 = atomic_load(spawned);
	uint64_t t0 = now_ns(), wall;
	int i;

	for (i = 0; i < N_DAEMONS; i++) {
		ticks[i] = stat_ticks(variants[i].d.pid);
		ns[i] = sched_ns(variants[i].d.pid);
	}
	dt_sleep_ms(window_s * 1000);
	wall = now_ns() - t0;
	for (i = 0; i < N_DAEMONS; i++)
		printf("GW %s %s %u %llu %lld %lld %lu\n", variants[i].name, load, round,
		       (unsigned long long)wall, stat_ticks(variants[i].d.pid) - ticks[i],
		       sched_ns(variants[i].d.pid) - ns[i], atomic_load(spawned) - spawned0);
	fflush(stdout);
}

/* A process named DCS.exe: every watching daemon switches to "dcs", and back. */
static void check_mechanisms(void)
{
	char out[8192], self[64] = "/proc/self/exe";
	char *argv[] = { GAME_EXE, NULL }, *env[] = { "JSD_GAME_CHILD=1", NULL };
	int fd_in, fd_out;
	char buf[65536];
	ssize_t n;
	pid_t pid;

	mkdir("/tmp/gb", 0755);
	fd_in = open(self, O_RDONLY | O_CLOEXEC);
	fd_out = open(GAME_EXE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	while (fd_in >= 0 && fd_out >= 0 && (n = read(fd_in, buf, sizeof(buf))) > 0)
		if (write(fd_out, buf, (size_t)n) != n)
			break;
	if (fd_in >= 0)
		close(fd_in);
	if (fd_out >= 0)
		close(fd_out);
	if (posix_spawn(&pid, GAME_EXE, NULL, NULL, argv, env) != 0)
		return dt_fail("games-bench-mechanisms-work", "cannot start %s", GAME_EXE);
	for (int i = 0; i < N_DAEMONS; i++) {
		struct variant *v = &variants[i];
		char *ctl[] = { JOYSTICKCTL, "--socket", v->socket, "status", NULL };
		uint64_t deadline = dt_now_ms() + WAIT_MS;
		bool dcs;

		do {
			dcs = dt_run(ctl, -1, out, sizeof(out), WAIT_MS) == 0 &&
			      strstr(out, "profile: dcs\n");
			if (!dcs)
				dt_sleep_ms(50);
		} while (!dcs && v->games && dt_now_ms() < deadline);
		if (dcs != v->games) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return dt_fail("games-bench-mechanisms-work", "%s: %s", v->name, out);
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	dt_pass("games-bench-mechanisms-work");
}

static const char *const checks[] = {
	"games-bench-daemons", "games-bench-rounds", "games-bench-mechanisms-work",
};

int main(void)
{
	unsigned int rounds = env_uint("GB_ROUNDS", 5), window_s = env_uint("GB_WINDOW_S", 10);
	unsigned int rate = env_uint("GB_RATE", 500), n_sleep = env_uint("GB_SLEEPERS", 400);
	unsigned int n_spawn = env_uint("GB_SPAWNERS", 4);

	if (getenv("JSD_GAME_CHILD")) {
		for (;;)
			pause();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	dt_plan(checks, sizeof(checks) / sizeof(checks[0]));
	mkdir("/run", 0755);
	spawned = mmap(NULL, sizeof(*spawned), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (spawned == MAP_FAILED)
		return dt_done();
	sleepers_start(n_sleep);
	printf("GI processes %u\nGI sleepers %u\nGI rounds %u\nGI window_s %u\nGI rate %u\nGI spawners %u\nGI cpus %ld\nGI clk_tck %ld\n",
	       count_processes(), n_sleepers, rounds, window_s, rate, n_spawn,
	       sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_CLK_TCK));
	if (daemons_start()) {
		dt_sleep_ms(2000);	/* the start-up's scans are not measured */
		for (unsigned int r = 1; r <= rounds; r++) {
			for (int k = 0; k < 2; k++) {
				bool churn = (k == 0) == (r % 2 == 0);

				if (churn) {
					churn_start(rate, n_spawn);
					dt_sleep_ms(1000);	/* the churn runs at its pace */
				}
				measure(churn ? "churn" : "idle", r, window_s);
				churn_stop();
			}
		}
		dt_pass("games-bench-rounds");
		check_mechanisms();
		for (int i = 0; i < N_DAEMONS; i++)
			printf("GI lost_events_%s %d\n", variants[i].name,
			       count_lines(variants[i].d.log, "events lost"));
	}
	daemons_stop();
	sleepers_stop();
	return dt_done();
}
