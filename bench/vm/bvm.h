/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM half of `make bench`: virtual mice, the paths under test
 * (joystickd with the kernel filter, joystickd with its evdev backend, the
 * floor, interception-tools), and what the bench measures of them.  Runs as a test program
 * of the tests/vm harness; every result is one line on stdout (the
 * harness's result channel), parsed on the host by bench/report.sh.  It
 * uses the harness's helpers (tests/vm/lib/vmtest.h) for what the tests do
 * alike: evdev readers, the module's ioctls, INFO lines, sleeping.
 *
 *
 *	PLAN n				the PASS/FAIL lines this program will send
 *	PASS name / FAIL name: why	correctness checks (paths up, every output
 *					frame is one the input can give); never speed
 *	INFO text			progress and context
 *	CAL rate p50 p10 p90 n		write-to-input-stamp offset, ns
 *	LAT path rate n p50 p90 p99 max merged lost damaged untimed
 *					added latency over every measured input frame
 *					(merged ones included), ns; merged: carried by
 *					a later frame's output frame; lost: by none;
 *					untimed: see ROUND
 *	CDF path rate q ns		its distribution, q = 0.000 ... 1.000
 *	ROUND path rate round frames cpu_ns n p50 p90 p99 max merged lost untimed
 *					one round's chunk of that path: its frames
 *					(warm-up included), CPU and latency; untimed:
 *					measured frames of a chunk in which the evdev
 *					backend lost motion (its hold axes are off by
 *					the lost counts, so no frame of it is timed)
 *	CPU path rate frames cpu_ns syscr syscw lost damaged user_ns sys_ns vcsw ivcsw
 *					the path's processes (vcsw, ivcsw: context switches)
 *	SYSC path rate frames calls|-	every system call of the path's processes
 *					(perf stat, raw_syscalls:sys_enter); -: not measured
 *	SYSCN path rate frames call n	those of one call (its syscalls:sys_enter_
 *					tracepoint), or "other": the rest of the total
 *	TPUT rate_per_mouse frames achieved_hz delivered coalesced dropped writes
 *	     cpu_ns on_schedule lossless reader_frames reader_drops	eight mice, joystickd
 *	TPUTEND rate_per_mouse loss|generator|loss+generator
 *					why the rate stopped rising (loss+generator:
 *					a step lost frames with the generator behind)
 *	READ reader events wall_ns cpu_ns calls lost	pended read vs evdev read()
 *	RCALL reader ns				CPU of one read of an empty queue
 *	MEM what value			peak RSS (KiB), the module's ring
 *	STATUS tag line			joystickctl status after a phase
 *	PERF label self|share row	perf report (profile.c)
 */
#ifndef JSD_BENCH_VM_H
#define JSD_BENCH_VM_H

#include <linux/input.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "joystickd_kfilter.h"
#include "vmtest.h"

#define BVM_MICE		8	/* joystickd's mice: "jsd-bench mouse 0..7" */
#define BVM_MOUSE_NAME		"jsd-bench mouse %u"
#define BVM_FLOOR_MOUSE		"jsd-bench floor mouse"
#define BVM_ICPT_MOUSE		"jsd-bench icpt mouse"
#define BVM_EVDEV_MOUSE		"jsd-bench evdev mouse"	/* bench-evdev.ini */
#define BVM_STICK_NAME		"jsd-bench stick"	/* bench.ini */
#define BVM_EVDEV_STICK		"jsd-bench evdev stick"	/* bench-evdev.ini */
#define BVM_FLOOR_OUT		"jsd-bench floor out"	/* jsd-floor */

#define BVM_JOYSTICKD		"/usr/bin/joystickd"
#define BVM_JOYSTICKCTL		"/usr/bin/joystickctl"
#define BVM_FLOOR		"/usr/bin/jsd-floor"
#define BVM_INTERCEPT		"/usr/bin/interception"
#define BVM_UINPUT		"/usr/bin/uinput"
#define BVM_PERF		"/usr/bin/perf"
#define BVM_CONFIG		"/etc/jsd-bench/bench.ini"
#define BVM_SOCKET		"/tmp/jsd-bench.sock"
#define BVM_EVDEV_CONFIG	"/etc/jsd-bench/bench-evdev.ini"
#define BVM_EVDEV_SOCKET	"/tmp/jsd-bench-evdev.sock"

/* ---- results (main.c) */
void bvm_pass(const char *name);
void bvm_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bvm_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- time (clock.c) */
uint64_t bvm_now(void);				/* CLOCK_MONOTONIC, ns */
void bvm_sleep_until(uint64_t t);		/* absolute CLOCK_MONOTONIC, ns */
uint64_t bvm_event_ns(const struct input_event *ev);
uint64_t bvm_thread_cpu(void);			/* this thread's CPU time, ns */
/* SCHED_FIFO at @prio with 1 ns timer slack; 0: SCHED_OTHER, default slack. */
int bvm_realtime(int prio);
#define BVM_PRIO_GEN		50	/* the generator plays the mouse hardware: first */
#define BVM_PRIO_COLLECT	40	/* the reader of the outputs plays the game */

/* ---- virtual mice and input nodes (dev.c) */
struct bvm_mouse {
	int fd;			/* uinput */
	char name[64];
	char node[32];		/* /dev/input/eventN */
	uint64_t k;		/* next frame index of the stream (bench/stream.h) */
};

int bvm_mouse_new(struct bvm_mouse *m, const char *name, uint16_t product);
void bvm_mouse_free(struct bvm_mouse *m);
/* Writes frame m->k of the stream in one write() and advances k. */
int bvm_mouse_frame(struct bvm_mouse *m);
/*
 * Writes @n frames to @mice[i % n_mice] at @rate in all, at BVM_PRIO_GEN,
 * with each write's CLOCK_MONOTONIC time in @tw (NULL: not kept) and the
 * p99 of its lateness in @ret_late99 (NULL: not wanted).  After a stall
 * the stream resumes at its rate, as a mouse does (gen.c).
 */
int bvm_generate(struct bvm_mouse *const *mice, unsigned int n_mice, size_t n,
		 unsigned int rate, uint64_t *tw, uint64_t *ret_late99);
/* Frames m->k ... m->k + n - 1 (n <= BVM_MAX_FRAMES_PER_WRITE), one write(). */
#define BVM_MAX_FRAMES_PER_WRITE	64
int bvm_mouse_frames(struct bvm_mouse *m, unsigned int n);
/* The event node of the device called @name other than @not (NULL: any). */
int bvm_find_node(const char *name, const char *not, char *node, size_t size, int timeout_ms);
/* An evdev reader: O_NONBLOCK, EVIOCSCLOCKID(CLOCK_MONOTONIC), drained. */
int bvm_evdev_open(const char *node);

/* Waits until the device called @name has all of @flags. */
int bvm_kf_wait_flags(int kf, const char *name, uint32_t flags, int timeout_ms);

/* ---- output frames: a reader thread collects them (collect.c) */
struct bvm_frame {
	uint64_t t;		/* the output frame's evdev timestamp, ns */
	int32_t x, y;		/* REL_X/ABS_X and REL_Y/ABS_Y values, 0 if absent */
};

#define BVM_MAX_SOURCES	4

struct bvm_collector;

/*
 * Starts a thread that reads every frame of the given evdev readers
 * (bvm_evdev_open) at SCHED_FIFO @prio.  With @capacity > 0 each source
 * keeps its first @capacity frames (bvm_collector_frames); counting goes on
 * regardless.
 */
int bvm_collector_start(struct bvm_collector **ret, const int *fds, unsigned int n,
			size_t capacity, int prio);
/* Frames of source @i since the last reset, and SYN_DROPPED seen. */
uint64_t bvm_collector_count(struct bvm_collector *c, unsigned int i);
uint64_t bvm_collector_dropped(struct bvm_collector *c, unsigned int i);
/*
 * Frames before the first SYN_DROPPED (all of them without one).  After a
 * SYN_DROPPED the reader discards the events up to the next SYN_REPORT,
 * as evdev's protocol says, so every frame it keeps is whole.
 */
uint64_t bvm_collector_valid(struct bvm_collector *c, unsigned int i);
const struct bvm_frame *bvm_collector_frames(struct bvm_collector *c, unsigned int i);
/* Forgets the frames of source @i (the thread must be idle for it). */
void bvm_collector_reset(struct bvm_collector *c, unsigned int i);
/*
 * Waits until source @i has @capacity frames, @done (NULL: none) says the
 * last frame kept is the last one expected, or it has had none for @quiet_ms.
 */
void bvm_collector_settle(struct bvm_collector *c, unsigned int i,
			  bool (*done)(const struct bvm_frame *last, void *ctx), void *ctx,
			  unsigned int quiet_ms);
void bvm_collector_stop(struct bvm_collector *c);

/* ---- processes (proc.c) */
struct bvm_path {
	const char *name;		/* "joystickd", "floor", "interception", "joystickd-evdev" */
	pid_t pids[2];			/* its processes (interception is two) */
	unsigned int n_pids;
	struct bvm_mouse *mouse;	/* its mouse (joystickd: mouse 0 of 8) */
	char out_node[32];		/* the output device's event node */
};

/* Starts @argv with stdin/stdout as given (-1: /dev/null), stderr to @log. */
pid_t bvm_spawn(char *const argv[], int in, int out, const char *log);
/* SIGTERM, then waits up to 2 s (then SIGKILL); returns the wait status. */
int bvm_kill(pid_t pid);
bool bvm_alive(pid_t pid);
/* CPU time of every thread of the path's processes, ns. */
uint64_t bvm_path_cpu(const struct bvm_path *p);
/*
 * User and kernel CPU time of every thread of the path's processes, ns:
 * the kernel's utime and stime, which split the exact total (schedstat) by
 * where the scheduler ticks landed, so only a sum over many ticks is exact.
 */
void bvm_path_times(const struct bvm_path *p, uint64_t *ret_user_ns, uint64_t *ret_sys_ns);
/* Voluntary and involuntary context switches of every thread of the path's processes. */
void bvm_path_switches(const struct bvm_path *p, uint64_t *ret_vol, uint64_t *ret_invol);
/* Read and write system calls of the path's processes (/proc/PID/io). */
void bvm_path_io(const struct bvm_path *p, uint64_t *ret_syscr, uint64_t *ret_syscw);
/* VmHWM of one process, KiB. */
long bvm_vmhwm(pid_t pid);
/* Runs @argv to completion with stdout into @buf; returns the exit status. */
int bvm_run(char *const argv[], char *buf, size_t size);
void bvm_dump_file(const char *path);

/* ---- matching output frames to input frames (match.c) */
struct bvm_match {
	size_t next;		/* the first input frame no output frame carried yet */
	uint64_t merged;	/* measured input frames carried by a later frame's output */
	uint64_t lost;		/* measured input frames no output frame carries */
	uint64_t damaged;	/* output frames no input frame can give */
};

/*
 * Gives every input frame from @warmup on of the @n written at @tw (frames
 * @k0 ... of the stream) the latency of the first of the @n_out output
 * frames @f that carries its effect, less @offset, into @lat (appending at
 * *@n_lat); see match.c.  @integrates: the path's output is a position
 * (joystickd's hold axes), so one output frame carries every input frame
 * up to its own; else it is a copy of one input frame's motion.
 */
/* Whether output frame @f is what frame @k of the stream gives (names frame @k). */
bool bvm_frame_is(bool integrates, const struct bvm_frame *f, uint64_t k);
void bvm_match(const struct bvm_frame *f, size_t n_out, uint64_t k0, const uint64_t *tw,
	       size_t n, size_t warmup, int64_t offset, bool integrates, int64_t *lat,
	       size_t *n_lat, struct bvm_match *ret);

/* ---- statistics (stats.c) */
void bvm_sort(int64_t *v, size_t n);
/* The q-quantile (0 ... 1) of sorted @v: nearest rank. */
int64_t bvm_quantile(const int64_t *v, size_t n, double q);

/* ---- the phases */
#define BVM_JSD		0	/* joystickd */
#define BVM_FLOOR_PATH	1	/* jsd-floor */
#define BVM_ICPT	2	/* interception | uinput */
#define BVM_EVDEV	3	/* joystickd, capture_backend = evdev */
#define BVM_PATHS	4

/* joystickd's paths: hold axes, so an output frame is a position (match.c). */
static inline bool bvm_integrates(unsigned int path)
{
	return path == BVM_JSD || path == BVM_EVDEV;
}

struct bvm_bench {
	int kf;				/* /dev/joystickd_kfilter, for stats and lists */
	struct bvm_mouse mice[BVM_MICE];
	struct bvm_mouse floor_mouse, icpt_mouse, evdev_mouse;
	struct bvm_path paths[BVM_PATHS];
	int64_t cal_offset[2];		/* per rate: median write-to-stamp, ns */
};

extern const unsigned int bvm_rates[2];	/* latency runs: 1 kHz, 8 kHz */

/*
 * The PASS/FAIL lines each phase sends, whatever happens (main.c's PLAN);
 * a phase that cannot run sends FAIL lines for its checks.
 */
#define BVM_CHECKS_SETUP	2	/* calibrate, start-paths */
#define BVM_CHECKS_THROUGHPUT	1	/* throughput */
#define BVM_CHECKS_DAEMON	2	/* joystickd, joystickd-evdev: alive after the runs */
#define BVM_CHECKS_READERS	1	/* readers (readers.c) */

int bvm_calibrate(struct bvm_bench *b);		/* calibrate.c, before the paths start */
int bvm_start_paths(struct bvm_bench *b);	/* paths.c */
void bvm_stop_path(struct bvm_bench *b, unsigned int path);
int bvm_latency(struct bvm_bench *b);		/* latency.c */
void bvm_syscalls(struct bvm_bench *b);		/* syscalls.c: SYSC lines, after the latency */
int bvm_throughput(struct bvm_bench *b);	/* throughput.c, joystickd alone */
int bvm_readers(struct bvm_bench *b);		/* readers.c, without joystickd */
/*
 * BVM_ONLY=readers in the environment (make bench-vm BENCH_ONLY=readers):
 * the mice and the readers phase alone, for a focused, repeatable run.
 * BVM_ONLY=latency: the latency phase alone (then the daemons' checks),
 * which BVM_LAT_RATES=1 narrows to 1 kHz and BVM_LAT_PATHS=2 to the first
 * two paths, joystickd and the floor, in turns: a comparison of two
 * builds of joystickd against the floor in three minutes a boot.
 */
#define BVM_LAT_RATES_ENV	"BVM_LAT_RATES"	/* the first N of bvm_rates[] */
#define BVM_LAT_PATHS_ENV	"BVM_LAT_PATHS"	/* the first N paths (BVM_JSD, BVM_FLOOR_PATH ...) */
/* latency.c: @name in the environment if it is 1 .. @max, else @max. */
unsigned int bvm_env_upto(const char *name, unsigned int max);
/*
 * latency.c: how many of bvm_rates[] the latency phase runs (BVM_LAT_RATES),
 * and how many paths, the first ones (BVM_LAT_PATHS): a latency-PATH-RATE
 * check for each path run at each rate.
 */
unsigned int bvm_lat_rates(void);
unsigned int bvm_lat_paths(void);
void bvm_daemon_status(const char *tag);	/* paths.c: joystickctl status as STATUS */
/*
 * paths.c: the evdev instance's "kernel seen" (REL events its filter saw)
 * and "kernel dropped" (records its queue dropped), from joystickctl status.
 */
int bvm_evdev_counts(uint64_t *ret_seen, uint64_t *ret_dropped);
void bvm_profile(struct bvm_bench *b);		/* profile.c: perf, after the latency */
/* perf record -a around a workload (-1 without perf), then PERF lines for @comms. */
pid_t bvm_perf_start(const char *tag);
void bvm_perf_finish(pid_t pid, const char *tag, char *const labels[], char *const comms[],
		     unsigned int n);

#endif
