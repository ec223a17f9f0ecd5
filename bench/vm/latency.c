// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Added latency of the three paths on the same stream; see bvm.h and
 * bench/README.md ("Latency") for the method.
 *
 * The input time of a frame is the input core's timestamp of the mouse
 * frame.  Nobody but the grabbing reader (jsd-floor, intercept) or the
 * capturing module (joystickd) sees that frame, so the bench takes, for
 * every path alike, its own CLOCK_MONOTONIC just before the write() that
 * produces the frame, plus the median write-to-timestamp offset measured
 * by bvm_calibrate() at the same rate on identical mice, read by a plain
 * evdev reader, before the paths start.  The output time is the evdev
 * timestamp of the output frame's SYN_REPORT.
 *
 * The paths run in turns on chunks of the stream (round r starts with path
 * r mod BVM_PATHS), so a change of load on the host hits all of them alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../stream.h"
#include "bvm.h"

#define CAL_FRAMES	2000	/* per mouse and rate */
#define LAT_FRAMES	10000	/* measured, per path and rate */
#define LAT_ROUNDS	20
#define LAT_EXTRA	12	/* rounds allowed beyond LAT_ROUNDS to replace lost frames */
#define LAT_WARMUP	50	/* unmeasured frames at the start of each chunk (even) */
#define LAT_CHUNK	(LAT_WARMUP + LAT_FRAMES / LAT_ROUNDS)

const unsigned int bvm_rates[2] = { 1000, 8000 };

/* Writes @n frames to @mice[i % n_mice] at @rate in all, recording each write's time. */
static int bvm_generate(struct bvm_mouse *const *mice, unsigned int n_mice, size_t n,
			unsigned int rate, uint64_t *tw, uint64_t *ret_late99)
{
	uint64_t period = 1000000000ull / rate, t0;
	int64_t *late = calloc(n, sizeof(*late));
	int r = 0;

	if (!late)
		return -ENOMEM;
	bvm_realtime(BVM_PRIO_GEN);
	t0 = bvm_now() + 2000000;
	for (size_t i = 0; i < n && r == 0; i++) {
		uint64_t due = t0 + i * period;

		bvm_sleep_until(due);
		tw[i] = bvm_now();
		late[i] = (int64_t)(tw[i] - due);
		/*
		 * A mouse does not catch up on frames the host's scheduler made
		 * it miss: after a stall the stream goes on at its rate from now
		 * rather than in a burst that would overflow evdev's buffers.
		 */
		if (tw[i] - due > 2 * period)
			t0 += tw[i] - due;
		r = bvm_mouse_frame(mice[i % n_mice]);
	}
	bvm_realtime(0);
	bvm_sort(late, n);
	*ret_late99 = (uint64_t)bvm_quantile(late, n, 0.99);
	free(late);
	return r;
}

/*
 * Three mice of their own, made and destroyed here, so that the paths'
 * mice start their streams at frame 0 (where joystickd's axes start).
 */
int bvm_calibrate(struct bvm_bench *b)
{
	struct bvm_mouse cal[3], *mice[3] = { &cal[0], &cal[1], &cal[2] };
	size_t n = 3 * CAL_FRAMES;
	struct bvm_collector *c = NULL;
	int fds[3] = { -1, -1, -1 };
	uint64_t *tw = calloc(n, sizeof(*tw));
	int64_t *off = calloc(n, sizeof(*off));
	unsigned int made = 0;
	int r = tw && off ? 0 : -ENOMEM;

	for (; r == 0 && made < 3; made++) {
		char name[32];

		snprintf(name, sizeof(name), "jsd-bench calibration %u", made);
		r = bvm_mouse_new(&cal[made], name, 0xb0c0 + made);
	}
	for (unsigned int i = 0; r == 0 && i < 3; i++)
		r = (fds[i] = bvm_evdev_open(mice[i]->node)) < 0 ? fds[i] : 0;
	if (r == 0)
		r = bvm_collector_start(&c, fds, 3, CAL_FRAMES, BVM_PRIO_COLLECT);

	for (unsigned int ri = 0; r == 0 && ri < 2; ri++) {
		uint64_t late99;
		size_t m = 0;

		for (unsigned int i = 0; i < 3; i++)
			bvm_collector_reset(c, i);
		r = bvm_generate(mice, 3, n, bvm_rates[ri], tw, &late99);
		for (unsigned int i = 0; r == 0 && i < 3; i++)
			bvm_collector_settle(c, i, CAL_FRAMES);
		/* Frames after an overflow of a reader cannot be matched: not used. */
		for (size_t i = 0; r == 0 && i < n; i++)
			if (i / 3 < bvm_collector_valid(c, i % 3))
				off[m++] = (int64_t)(bvm_collector_frames(c, i % 3)[i / 3].t - tw[i]);
		if (r == 0 && m < n / 2) {
			bvm_fail("calibrate", "%u Hz: only %zu of %zu frames seen", bvm_rates[ri], m, n);
			r = -EIO;
		}
		if (r < 0)
			break;
		bvm_sort(off, m);
		b->cal_offset[ri] = bvm_quantile(off, m, 0.5);
		bvm_line("CAL %u %lld %lld %lld %zu", bvm_rates[ri], (long long)b->cal_offset[ri],
			 (long long)bvm_quantile(off, m, 0.1), (long long)bvm_quantile(off, m, 0.9), m);
		vmt_info("calibration %u Hz: write to input stamp %lld ns (p10 %lld, p90 %lld) over %zu frames, generator late p99 %llu ns",
			 bvm_rates[ri], (long long)b->cal_offset[ri], (long long)bvm_quantile(off, m, 0.1),
			 (long long)bvm_quantile(off, m, 0.9), m, (unsigned long long)late99);
	}
	if (r == 0)
		bvm_pass("calibrate");
	bvm_collector_stop(c);
	for (unsigned int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	while (made-- > 0)
		bvm_mouse_free(&cal[made]);
	free(tw);
	free(off);
	return r;
}

/* Whether output frame @f is what frame @k of the stream gives on @path. */
static bool bvm_frame_is(unsigned int path, const struct bvm_frame *f, uint64_t k)
{
	/* joystickd's floating point may round a .5 the other way: +-1 (values are 82 apart). */
	if (path == BVM_JSD)
		return abs(f->x - bench_axis_value(bench_pos(k))) <= 1 &&
		       abs(f->y - bench_axis_value(-bench_pos(k))) <= 1;
	return f->x == bench_dx(k) && f->y == -bench_dx(k);
}

struct bvm_acc {
	int64_t *lat;		/* LAT_FRAMES samples */
	size_t n;
	uint64_t frames, cpu, syscr, syscw;
	uint64_t user, sys;	/* cpu split by the scheduler's ticks, ns */
	uint64_t vcsw, ivcsw;	/* voluntary and involuntary context switches */
	uint64_t lost;		/* input frames with no output frame of their own */
	uint64_t bad;		/* output frames that match no input frame (damaged) */
	uint64_t late99;	/* the generator's worst p99 lateness in a chunk, ns */
};

/*
 * One chunk of the stream through one path.  Output frames are matched to
 * the input frames in order by their values (bench/stream.h): input
 * frames skipped over were lost or merged into a later one.
 */
static int bvm_chunk(struct bvm_bench *b, struct bvm_collector *c, unsigned int path,
		     unsigned int ri, unsigned int round, struct bvm_acc *acc, uint64_t *tw)
{
	const struct bvm_path *p = &b->paths[path];
	struct bvm_mouse *mouse = p->mouse;
	uint64_t k0 = mouse->k, cpu0, cpu, r0, w0, r1, w1, u0, s0, u1, s1, late99, got;
	uint64_t v0, i0, v1, i1;
	const struct bvm_frame *f = bvm_collector_frames(c, path);
	size_t next = 0;
	int r;

	bvm_collector_reset(c, path);
	cpu0 = bvm_path_cpu(p);
	bvm_path_io(p, &r0, &w0);
	bvm_path_times(p, &u0, &s0);
	bvm_path_switches(p, &v0, &i0);
	r = bvm_generate(&mouse, 1, LAT_CHUNK, bvm_rates[ri], tw, &late99);
	if (r == 0)
		bvm_collector_settle(c, path, LAT_CHUNK);
	cpu = bvm_path_cpu(p) - cpu0;
	bvm_path_io(p, &r1, &w1);
	bvm_path_times(p, &u1, &s1);
	bvm_path_switches(p, &v1, &i1);
	bvm_line("CHUNK %s %u %u %u %llu", p->name, bvm_rates[ri], round, LAT_CHUNK,
		 (unsigned long long)cpu);
	acc->cpu += cpu;
	acc->syscr += r1 - r0;
	acc->syscw += w1 - w0;
	acc->user += u1 - u0;
	acc->sys += s1 - s0;
	acc->vcsw += v1 - v0;
	acc->ivcsw += i1 - i0;
	acc->frames += LAT_CHUNK;
	if (r < 0) {
		bvm_fail("latency", "%s at %u Hz: writing the mouse: %s", p->name,
			 bvm_rates[ri], strerror(-r));
		return r;
	}

	got = bvm_collector_count(c, path);
	for (size_t o = 0; o < got && o < LAT_CHUNK; o++) {
		size_t i = next;

		while (i < LAT_CHUNK && i < next + BENCH_WINDOW && !bvm_frame_is(path, &f[o], k0 + i))
			i++;
		if (i == LAT_CHUNK || i == next + BENCH_WINDOW) {
			/* e.g. a frame cut by an evdev overflow (SYN_DROPPED) */
			if (!acc->bad++)
				vmt_info("%s at %u Hz: output frame (%d, %d) after input frame %llu matches none",
					 p->name, bvm_rates[ri], f[o].x, f[o].y,
					 (unsigned long long)(k0 + next));
			continue;
		}
		acc->lost += i - next;
		next = i + 1;
		if (i >= LAT_WARMUP && acc->n < LAT_FRAMES)
			acc->lat[acc->n++] = (int64_t)(f[o].t - tw[i]) - b->cal_offset[ri];
	}
	acc->lost += LAT_CHUNK - next;
	if (late99 > acc->late99)
		acc->late99 = late99;
	return 0;
}

static void bvm_report(const struct bvm_path *p, unsigned int rate, struct bvm_acc *acc)
{
	bvm_sort(acc->lat, acc->n);
	bvm_line("LAT %s %u %zu %lld %lld %lld %lld", p->name, rate, acc->n,
		 (long long)bvm_quantile(acc->lat, acc->n, 0.5),
		 (long long)bvm_quantile(acc->lat, acc->n, 0.9),
		 (long long)bvm_quantile(acc->lat, acc->n, 0.99),
		 (long long)bvm_quantile(acc->lat, acc->n, 1.0));
	for (unsigned int q = 0; q <= 1000; q++)
		bvm_line("CDF %s %u %.3f %lld", p->name, rate, q / 1000.0,
			 (long long)bvm_quantile(acc->lat, acc->n, q / 1000.0));
	bvm_line("CPU %s %u %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", p->name, rate,
		 (unsigned long long)acc->frames, (unsigned long long)acc->cpu,
		 (unsigned long long)acc->syscr, (unsigned long long)acc->syscw,
		 (unsigned long long)acc->lost, (unsigned long long)acc->bad,
		 (unsigned long long)acc->user, (unsigned long long)acc->sys,
		 (unsigned long long)acc->vcsw, (unsigned long long)acc->ivcsw);
}

int bvm_latency(struct bvm_bench *b)
{
	struct bvm_acc acc[BVM_PATHS] = { 0 };
	struct bvm_collector *c = NULL;
	int fds[BVM_PATHS];
	uint64_t *tw = calloc(LAT_CHUNK, sizeof(*tw));
	int r = tw ? 0 : -ENOMEM;

	for (unsigned int i = 0; i < BVM_PATHS; i++)
		fds[i] = -1;
	for (unsigned int i = 0; r == 0 && i < BVM_PATHS; i++) {
		acc[i].lat = calloc(LAT_FRAMES, sizeof(int64_t));
		if (!acc[i].lat)
			r = -ENOMEM;
	}
	for (unsigned int i = 0; r == 0 && i < BVM_PATHS; i++)
		r = (fds[i] = bvm_evdev_open(b->paths[i].out_node)) < 0 ? fds[i] : 0;
	if (r == 0)
		r = bvm_collector_start(&c, fds, BVM_PATHS, LAT_CHUNK, BVM_PRIO_COLLECT);

	for (unsigned int ri = 0; r == 0 && ri < 2; ri++) {
		bool short_of_frames = true;

		for (unsigned int i = 0; i < BVM_PATHS; i++) {
			int64_t *lat = acc[i].lat;

			memset(&acc[i], 0, sizeof(acc[i]));
			acc[i].lat = lat;
		}
		vmt_info("latency at %u Hz: %u frames per path in %u rounds",
			 bvm_rates[ri], LAT_FRAMES, LAT_ROUNDS);
		/* Extra rounds (all paths alike) make up for frames a path lost. */
		for (unsigned int round = 0; r == 0 && round < LAT_ROUNDS + LAT_EXTRA &&
		     (round < LAT_ROUNDS || short_of_frames); round++) {
			short_of_frames = false;
			for (unsigned int j = 0; r == 0 && j < BVM_PATHS; j++) {
				unsigned int path = (round + j) % BVM_PATHS;

				r = bvm_chunk(b, c, path, ri, round, &acc[path], tw);
				short_of_frames |= acc[path].n < LAT_FRAMES;
			}
		}
		for (unsigned int i = 0; r == 0 && i < BVM_PATHS; i++) {
			char name[64];

			snprintf(name, sizeof(name), "latency-%s-%u", b->paths[i].name, bvm_rates[ri]);
			if (acc[i].n < LAT_FRAMES)
				bvm_fail(name, "%zu frames measured, %llu lost, %llu damaged", acc[i].n,
					 (unsigned long long)acc[i].lost, (unsigned long long)acc[i].bad);
			else
				bvm_pass(name);
			if (acc[i].late99 > 1000000)
				vmt_info("%s at %u Hz: the generator ran up to %.1f ms late at p99 of a chunk (host load)",
					 b->paths[i].name, bvm_rates[ri], acc[i].late99 / 1e6);
			if (acc[i].lost || acc[i].bad)
				vmt_info("%s at %u Hz: %llu of %llu input frames lost or merged, %llu output frames damaged",
					 b->paths[i].name, bvm_rates[ri], (unsigned long long)acc[i].lost,
					 (unsigned long long)acc[i].frames, (unsigned long long)acc[i].bad);
			bvm_report(&b->paths[i], bvm_rates[ri], &acc[i]);
		}
		if (r == 0) {
			char tag[32];

			snprintf(tag, sizeof(tag), "latency-%u", bvm_rates[ri]);
			bvm_daemon_status(tag);
		}
	}
	bvm_collector_stop(c);
	for (unsigned int i = 0; i < BVM_PATHS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		free(acc[i].lat);
	}
	free(tw);
	return r;
}
