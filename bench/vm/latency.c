// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Added latency of the four paths on the same stream; see bvm.h and
 * bench/README.md ("Added latency") for the method.
 *
 * The input time of a frame is the input core's timestamp of the mouse
 * frame.  Nobody but the grabbing reader (jsd-floor, intercept) or the
 * capturing module (joystickd) sees that frame, so the bench takes, for
 * every path alike, its own CLOCK_MONOTONIC just before the write() that
 * produces the frame, plus the median write-to-timestamp offset measured
 * by bvm_calibrate() at the same rate on identical mice, read by a plain
 * evdev reader, before the paths start.  The output time is the evdev
 * timestamp of the SYN_REPORT of the first output frame that carries the
 * input frame's effect (match.c): every input frame the path delivers
 * has a sample, merged ones included.
 *
 * The paths run in turns on chunks of the stream (round r starts with path
 * r mod BVM_PATHS), so a change of load on the host hits all of them
 * alike; each round's figures are a ROUND line, for the ratios of paired
 * rounds.  How slowly a path ran is a figure, never a failure: only an
 * output frame the input cannot give fails the check.
 *
 * joystickd's evdev backend reads the mouse as any evdev client does: when
 * evdev's buffer overflows (SYN_DROPPED) the motion of the gap is lost, and
 * its hold axes stay off by the lost counts, so its output frames no longer
 * name input frames (or name the wrong ones).  The bench counts the REL
 * events its filter saw ("kernel seen" of joystickctl status) around each
 * of its chunks: a chunk with fewer than the stream's two a frame (or a
 * record its queue dropped) lost motion.  Its missing frames count as lost,
 * the rest of its measured frames as untimed, none as damaged; before the
 * path's next chunk the bench puts the axes back where the stream says
 * (bvm_reanchor).  Lost motion is a figure, never a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../stream.h"
#include "bvm.h"

#define LAT_ROUNDS	100	/* per rate; the ratios are taken round by round */
#define LAT_ROUNDS_ENV	"BENCH_ROUNDS"	/* fewer, for a quick look (make bench-vm BENCH_ROUNDS=5) */
#define LAT_MEASURED	500	/* measured frames per path and round */
#define LAT_WARMUP	50	/* unmeasured frames at the start of each chunk (even) */
#define LAT_CHUNK	(LAT_WARMUP + LAT_MEASURED)
#define LAT_SAMPLES	(LAT_ROUNDS * LAT_MEASURED)
/*
 * A path silent this long after its chunk has nothing more to say: long,
 * since a frame that came later would be taken for the next chunk's; a
 * chunk whose last frame arrives ends at once.
 */
#define LAT_QUIET_MS	1000

const unsigned int bvm_rates[2] = { 1000, 8000 };

struct bvm_acc {
	int64_t *lat;		/* LAT_SAMPLES samples */
	size_t n;
	uint64_t frames, cpu, syscr, syscw;
	uint64_t user, sys;	/* cpu split by the scheduler's ticks, ns */
	uint64_t vcsw, ivcsw;	/* voluntary and involuntary context switches */
	uint64_t merged;	/* input frames carried by a later frame's output frame */
	uint64_t lost;		/* input frames no output frame carries */
	uint64_t damaged;	/* output frames that match no input frame */
	uint64_t untimed;	/* measured frames of chunks that lost motion (evdev) */
	bool reanchor;		/* the axes are off: reanchor before the next chunk */
	uint64_t late99;	/* the generator's worst p99 lateness in a chunk, ns */
};

/* One round's samples @lat[0 .. n - 1] as a ROUND line (sorts a copy in @tmp). */
static void bvm_round_line(const struct bvm_path *p, unsigned int rate, unsigned int round,
			   uint64_t cpu, const int64_t *lat, size_t n, const struct bvm_match *m,
			   uint64_t untimed, int64_t *tmp)
{
	memcpy(tmp, lat, n * sizeof(*lat));
	bvm_sort(tmp, n);
	bvm_line("ROUND %s %u %u %u %llu %zu %lld %lld %lld %lld %llu %llu %llu", p->name, rate, round,
		 LAT_CHUNK, (unsigned long long)cpu, n, (long long)bvm_quantile(tmp, n, 0.5),
		 (long long)bvm_quantile(tmp, n, 0.9), (long long)bvm_quantile(tmp, n, 0.99),
		 (long long)bvm_quantile(tmp, n, 1.0), (unsigned long long)m->merged,
		 (unsigned long long)m->lost, (unsigned long long)untimed);
}

/* Waiting for a chunk's output: the input frame its last output frame must name. */
struct bvm_settle {
	bool integrates;
	uint64_t k_last;
};

static bool bvm_chunk_done(const struct bvm_frame *last, void *userdata)
{
	const struct bvm_settle *st = userdata;

	return bvm_frame_is(st->integrates, last, st->k_last);
}

/*
 * Puts a hold-model path's axes back on the stream after lost motion: one
 * frame past the end of the axes (the engine clamps the position there),
 * then one to the position of the mouse's last frame, so its next frame
 * moves the axes where the stream says.  Outside any measured window.
 */
static int bvm_reanchor(struct bvm_collector *c, unsigned int path, struct bvm_mouse *mouse)
{
	const int32_t big = 3 * (int32_t)BENCH_SENSITIVITY, pos = bench_pos((int64_t)mouse->k - 1);
	const int32_t dx[2] = { big, pos - (int32_t)BENCH_SENSITIVITY };
	struct bvm_settle st = { .integrates = true, .k_last = mouse->k - 1 };
	struct input_event ev[6] = { 0 };
	const struct bvm_frame *f;
	uint64_t got;

	for (unsigned int i = 0; i < 2; i++) {
		ev[3 * i] = (struct input_event){ .type = EV_REL, .code = REL_X, .value = dx[i] };
		ev[3 * i + 1] = (struct input_event){ .type = EV_REL, .code = REL_Y, .value = -dx[i] };
		ev[3 * i + 2] = (struct input_event){ .type = EV_SYN, .code = SYN_REPORT };
	}
	bvm_collector_reset(c, path);
	for (unsigned int i = 0; i < 2; i++) {
		if (write(mouse->fd, &ev[3 * i], 3 * sizeof(ev[0])) != 3 * sizeof(ev[0]))
			return -errno;
		sleep_ms(5);
	}
	bvm_collector_settle(c, path, bvm_chunk_done, &st, LAT_QUIET_MS);
	got = bvm_collector_count(c, path);
	f = bvm_collector_frames(c, path);
	if (!got || !bvm_frame_is(true, &f[(got < LAT_CHUNK ? got : LAT_CHUNK) - 1], st.k_last))
		return -EPROTO;
	return 0;
}

/*
 * One chunk of the stream through one path, matched to its output frames
 * (match.c).  The chunk ends when the path's output names the chunk's last
 * frame (joystickd merges, so its frame count says nothing), else after
 * LAT_QUIET_MS without output (the last frame was lost).
 */
static int bvm_chunk(struct bvm_bench *b, struct bvm_collector *c, unsigned int path,
		     unsigned int ri, unsigned int round, struct bvm_acc *acc, uint64_t *tw,
		     int64_t *tmp)
{
	const struct bvm_path *p = &b->paths[path];
	struct bvm_mouse *mouse = p->mouse;
	uint64_t k0 = mouse->k, cpu0, cpu, r0, w0, r1, w1, u0, s0, u1, s1, late99, got;
	uint64_t v0, i0, v1, i1;
	uint64_t seen0 = 0, drop0 = 0, seen1 = 0, drop1 = 0, untimed = 0;
	bool counted = false;
	size_t first = acc->n;
	struct bvm_match m;
	int r;

	if (path == BVM_EVDEV) {
		if (acc->reanchor) {
			r = bvm_reanchor(c, path, mouse);
			if (r < 0)
				vmt_info("%s at %u Hz, round %u: putting the axes back: %s", p->name,
					 bvm_rates[ri], round, strerror(-r));
			acc->reanchor = r < 0;
		}
		counted = bvm_evdev_counts(&seen0, &drop0) == 0;
	}
	bvm_collector_reset(c, path);
	cpu0 = bvm_path_cpu(p);
	bvm_path_io(p, &r0, &w0);
	bvm_path_times(p, &u0, &s0);
	bvm_path_switches(p, &v0, &i0);
	r = bvm_generate(&mouse, 1, LAT_CHUNK, bvm_rates[ri], tw, &late99);
	if (r == 0) {
		struct bvm_settle st = {
			.integrates = bvm_integrates(path),
			.k_last = k0 + LAT_CHUNK - 1,
		};

		bvm_collector_settle(c, path, bvm_chunk_done, &st, LAT_QUIET_MS);
	}
	cpu = bvm_path_cpu(p) - cpu0;
	bvm_path_io(p, &r1, &w1);
	bvm_path_times(p, &u1, &s1);
	bvm_path_switches(p, &v1, &i1);
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

	if (counted)
		counted = bvm_evdev_counts(&seen1, &drop1) == 0;
	if (path == BVM_EVDEV && !counted)
		vmt_info("%s at %u Hz, round %u: joystickctl status failed: motion lost or not, unknown",
			 p->name, bvm_rates[ri], round);
	if (counted && (seen1 - seen0 < 2 * LAT_CHUNK || drop1 != drop0)) {
		/* Lost motion (see the top): its frames lost, the rest untimed. */
		uint64_t missing = seen1 - seen0 < 2 * LAT_CHUNK ?
				   (2 * LAT_CHUNK - (seen1 - seen0) + 1) / 2 : 1;

		memset(&m, 0, sizeof(m));
		m.lost = missing < LAT_MEASURED ? missing : LAT_MEASURED;
		untimed = LAT_MEASURED - m.lost;
		acc->reanchor = true;
		vmt_info("%s at %u Hz, round %u: the backend lost motion (%llu of %u REL events seen, %llu records dropped): %llu frames lost, %llu untimed",
			 p->name, bvm_rates[ri], round, (unsigned long long)(seen1 - seen0),
			 2 * LAT_CHUNK, (unsigned long long)(drop1 - drop0),
			 (unsigned long long)m.lost, (unsigned long long)untimed);
	} else {
		got = bvm_collector_count(c, path);
		bvm_match(bvm_collector_frames(c, path), got < LAT_CHUNK ? got : LAT_CHUNK, k0, tw,
			  LAT_CHUNK, LAT_WARMUP, b->cal_offset[ri], bvm_integrates(path), acc->lat,
			  &acc->n, &m);
	}
	if (m.damaged)
		vmt_info("%s at %u Hz, round %u: %llu output frames match no input frame",
			 p->name, bvm_rates[ri], round, (unsigned long long)m.damaged);
	acc->merged += m.merged;
	acc->lost += m.lost;
	acc->damaged += m.damaged;
	acc->untimed += untimed;
	if (late99 > acc->late99)
		acc->late99 = late99;
	bvm_round_line(p, bvm_rates[ri], round, cpu, acc->lat + first, acc->n - first, &m, untimed, tmp);
	return 0;
}

static void bvm_report(const struct bvm_path *p, unsigned int rate, struct bvm_acc *acc)
{
	bvm_sort(acc->lat, acc->n);
	bvm_line("LAT %s %u %zu %lld %lld %lld %lld %llu %llu %llu %llu", p->name, rate, acc->n,
		 (long long)bvm_quantile(acc->lat, acc->n, 0.5),
		 (long long)bvm_quantile(acc->lat, acc->n, 0.9),
		 (long long)bvm_quantile(acc->lat, acc->n, 0.99),
		 (long long)bvm_quantile(acc->lat, acc->n, 1.0), (unsigned long long)acc->merged,
		 (unsigned long long)acc->lost, (unsigned long long)acc->damaged,
		 (unsigned long long)acc->untimed);
	for (unsigned int q = 0; q <= 1000; q++)
		bvm_line("CDF %s %u %.3f %lld", p->name, rate, q / 1000.0,
			 (long long)bvm_quantile(acc->lat, acc->n, q / 1000.0));
	bvm_line("CPU %s %u %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", p->name, rate,
		 (unsigned long long)acc->frames, (unsigned long long)acc->cpu,
		 (unsigned long long)acc->syscr, (unsigned long long)acc->syscw,
		 (unsigned long long)acc->lost, (unsigned long long)acc->damaged,
		 (unsigned long long)acc->user, (unsigned long long)acc->sys,
		 (unsigned long long)acc->vcsw, (unsigned long long)acc->ivcsw);
}

/*
 * The check of one path at one rate: correctness only (match.c), the rest
 * is INFO and figures.  A damaged output frame fails joystickd (either
 * backend) and the floor (our code); interception-tools' are reported, as
 * its figures are.  Lost frames are a figure for every path.
 */
static void bvm_check(const struct bvm_path *p, unsigned int path, unsigned int rate,
		      const struct bvm_acc *acc)
{
	char name[64];

	snprintf(name, sizeof(name), "latency-%s-%u", p->name, rate);
	if (acc->damaged && path != BVM_ICPT)
		bvm_fail(name, "%llu output frames match no input frame of the stream",
			 (unsigned long long)acc->damaged);
	else
		bvm_pass(name);
	vmt_info("%s at %u Hz: %zu input frames timed (%llu of them merged into a later frame's output), %llu lost, %llu untimed, of %u measured",
		 p->name, rate, acc->n, (unsigned long long)acc->merged,
		 (unsigned long long)acc->lost, (unsigned long long)acc->untimed, LAT_SAMPLES);
	if (acc->late99 > 1000000)
		vmt_info("%s at %u Hz: the generator ran up to %.1f ms late at p99 of a chunk (host load)",
			 p->name, rate, acc->late99 / 1e6);
}

unsigned int bvm_env_upto(const char *name, unsigned int max)
{
	const char *e = getenv(name);
	unsigned long n = e ? strtoul(e, NULL, 10) : 0;

	return n >= 1 && n <= max ? (unsigned int)n : max;
}

unsigned int bvm_lat_rates(void)
{
	return bvm_env_upto(BVM_LAT_RATES_ENV, sizeof(bvm_rates) / sizeof(bvm_rates[0]));
}

unsigned int bvm_lat_paths(void)
{
	return bvm_env_upto(BVM_LAT_PATHS_ENV, BVM_PATHS);
}

int bvm_latency(struct bvm_bench *b)
{
	struct bvm_acc acc[BVM_PATHS] = { 0 };
	struct bvm_collector *c = NULL;
	int fds[BVM_PATHS];
	uint64_t *tw = calloc(LAT_CHUNK, sizeof(*tw));
	int64_t *tmp = calloc(LAT_CHUNK, sizeof(*tmp));
	int r = tw && tmp ? 0 : -ENOMEM;

	for (unsigned int i = 0; i < BVM_PATHS; i++)
		fds[i] = -1;
	for (unsigned int i = 0; r == 0 && i < BVM_PATHS; i++) {
		acc[i].lat = calloc(LAT_SAMPLES, sizeof(int64_t));
		if (!acc[i].lat)
			r = -ENOMEM;
	}
	for (unsigned int i = 0; r == 0 && i < BVM_PATHS; i++)
		r = (fds[i] = bvm_evdev_open(b->paths[i].out_node)) < 0 ? fds[i] : 0;
	if (r == 0)
		r = bvm_collector_start(&c, fds, BVM_PATHS, LAT_CHUNK, BVM_PRIO_COLLECT);
	if (r < 0)
		bvm_fail("latency", "setting up: %s", strerror(-r));

	unsigned int n_rates = bvm_lat_rates();
	unsigned int n_paths = bvm_lat_paths();

	for (unsigned int ri = 0; r == 0 && ri < n_rates; ri++) {
		unsigned int rounds = bvm_env_upto(LAT_ROUNDS_ENV, LAT_ROUNDS);
		char tag[32];

		for (unsigned int i = 0; i < BVM_PATHS; i++) {
			int64_t *lat = acc[i].lat;

			bool reanchor = acc[i].reanchor;

			memset(&acc[i], 0, sizeof(acc[i]));
			acc[i].lat = lat;
			acc[i].reanchor = reanchor;
		}
		vmt_info("latency at %u Hz: %u rounds of %u measured frames per path",
			 bvm_rates[ri], rounds, LAT_MEASURED);
		for (unsigned int round = 0; r == 0 && round < rounds; round++)
			for (unsigned int j = 0; r == 0 && j < n_paths; j++) {
				unsigned int path = (round + j) % n_paths;

				r = bvm_chunk(b, c, path, ri, round, &acc[path], tw, tmp);
			}
		for (unsigned int i = 0; r == 0 && i < n_paths; i++) {
			bvm_check(&b->paths[i], i, bvm_rates[ri], &acc[i]);
			bvm_report(&b->paths[i], bvm_rates[ri], &acc[i]);
		}
		snprintf(tag, sizeof(tag), "latency-%u", bvm_rates[ri]);
		if (r == 0)
			bvm_daemon_status(tag);
	}
	bvm_collector_stop(c);
	for (unsigned int i = 0; i < BVM_PATHS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		free(acc[i].lat);
	}
	free(tw);
	free(tmp);
	return r;
}
