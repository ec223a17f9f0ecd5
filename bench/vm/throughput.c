// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Throughput: eight mice through the module, joystickd and the stick, at
 * rising rates per mouse, until something is lost or the generator cannot
 * keep the schedule any more (TPUTEND says which); see bvm.h.
 *
 * A step carries its frames with zero loss when the module delivered
 * every record to joystickd (nothing coalesced or dropped) and the stick
 * ends at the position of every mouse's last frame (bench.ini gives every
 * mouse its own axis, which every frame moves).  joystickd merges the
 * frames of one batch into one stick frame, written with one write()
 * (its write count, from /proc/PID/io, is reported): merging is
 * integration, not loss, since
 * every axis still ends where its mouse's motion puts it.  The bench's own reader of
 * the stick is reported too, but its SYN_DROPPED (a slow game) are not
 * joystickd's loss.  A step where the generator could not keep its
 * schedule measured the generator, and says so.  An axis left at the
 * wrong position although the module dropped nothing is a wrong sum: the
 * one failure of this phase.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../stream.h"
#include "bvm.h"

#define TPUT_SECONDS_NS		1000000000ull	/* length of a step */

#define TPUT_FIRST_RATE		250	/* frames/s per mouse */
#define TPUT_MAX_RATE		4096000	/* far beyond what one thread writes under TCG */

/* 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000 ...: +50 % a step from 1000 on. */
static unsigned int tput_next_rate(unsigned int rate)
{
	return rate < 1000 ? rate + 250 : rate / 2 * 3;
}

struct tput_step {
	unsigned int rate;		/* frames per second per mouse */
	uint64_t frames;		/* written, all mice */
	uint64_t elapsed;		/* ns the generator took */
	uint64_t delivered;		/* records the module handed to joystickd */
	uint64_t coalesced, dropped;	/* the module's, during the step */
	uint64_t writes;		/* joystickd's write() calls (to the stick) */
	unsigned int wrong_axes;	/* axes not at their mouse's last position */
	uint64_t seen;			/* output frames the bench's reader got */
	uint64_t observer_drops;	/* SYN_DROPPED on the bench's stick reader */
	uint64_t cpu;			/* joystickd's CPU time, ns */
};

/* bench.ini: the stick axis mouse i drives with its REL_X. */
static const uint16_t tput_axis[BVM_MICE] = {
	ABS_X, ABS_Z, ABS_RX, ABS_RY, ABS_RZ, ABS_THROTTLE, ABS_RUDDER, ABS_WHEEL,
};

static unsigned int tput_check_axes(struct bvm_bench *b, int fd)
{
	unsigned int wrong = 0;

	for (unsigned int m = 0; m < BVM_MICE; m++) {
		struct input_absinfo ai;
		int32_t want = bench_axis_value(bench_pos((int64_t)b->mice[m].k - 1));

		if (ioctl(fd, EVIOCGABS(tput_axis[m]), &ai) < 0 || abs(ai.value - want) > 1)
			wrong++;
	}
	return wrong;
}

/*
 * One frame to each of the eight mice per period, for one second.  Behind
 * schedule (one thread writing eight uinput devices under TCG), it writes
 * the frames now due to each mouse in one write(), each still its own
 * frame (SYN_REPORT) with its own input time: the module sees the same
 * frames, in bursts, which is the harder case for zero loss.
 */
static int tput_generate(struct bvm_bench *b, struct tput_step *s)
{
	uint64_t period = 1000000000ull / s->rate, t0, n = TPUT_SECONDS_NS / period, done = 0;
	int r = 0;

	bvm_realtime(BVM_PRIO_GEN);
	t0 = bvm_now() + 2000000;
	while (done < n && r == 0) {
		uint64_t now, due;

		bvm_sleep_until(t0 + done * period);
		now = bvm_now();
		due = now > t0 ? (now - t0) / period + 1 : 1;
		due = due > n ? n - done : due - done;
		if (due > BVM_MAX_FRAMES_PER_WRITE)
			due = BVM_MAX_FRAMES_PER_WRITE;
		if (due == 0)
			due = 1;
		for (unsigned int m = 0; m < BVM_MICE && r == 0; m++)
			r = bvm_mouse_frames(&b->mice[m], due);
		done += due;
	}
	s->elapsed = bvm_now() - t0;
	bvm_realtime(0);
	s->frames = n * BVM_MICE;
	return r;
}

static int tput_step(struct bvm_bench *b, struct bvm_collector *c, int fd, struct tput_step *s)
{
	const struct bvm_path *jsd = &b->paths[BVM_JSD];
	uint64_t last = 0, cpu0, r0, w0, r1, w1;
	struct jskf_stats before, after;
	int r;

	bvm_collector_reset(c, 0);
	r = kf_stats(b->kf, 0, &before);
	cpu0 = bvm_path_cpu(jsd);
	bvm_path_io(jsd, &r0, &w0);
	if (r == 0)
		r = tput_generate(b, s);
	/* Drained: nothing new on the stick for 200 ms. */
	while (r == 0 && bvm_collector_count(c, 0) != last) {
		last = bvm_collector_count(c, 0);
		sleep_ms(200);
	}
	s->cpu = bvm_path_cpu(jsd) - cpu0;
	bvm_path_io(jsd, &r1, &w1);
	s->writes = w1 - w0;
	if (r == 0)
		r = kf_stats(b->kf, 0, &after);
	if (r < 0)
		return r;
	s->wrong_axes = tput_check_axes(b, fd);
	s->seen = bvm_collector_count(c, 0);
	s->observer_drops = bvm_collector_dropped(c, 0);
	s->delivered = after.counters.delivered - before.counters.delivered;
	s->coalesced = after.counters.coalesced - before.counters.coalesced;
	s->dropped = after.counters.dropped - before.counters.dropped;
	return 0;
}

int bvm_throughput(struct bvm_bench *b)
{
	struct bvm_collector *c = NULL;
	double best = 0;		/* highest frames/s (all mice) carried without loss */
	bool generator_bound = false;	/* ... and the generator could not go faster */
	const char *end = "cap";	/* why the rate stopped rising */
	unsigned int rate, wrong_sums = 0;
	int fd, r;

	fd = bvm_evdev_open(b->paths[BVM_JSD].out_node);
	if (fd < 0) {
		bvm_fail("throughput", "%s: %s", b->paths[BVM_JSD].out_node, strerror(-fd));
		return fd;
	}
	r = bvm_collector_start(&c, &fd, 1, 0, BVM_PRIO_COLLECT);

	for (rate = TPUT_FIRST_RATE; r == 0 && rate <= TPUT_MAX_RATE; rate = tput_next_rate(rate)) {
		struct tput_step s = { .rate = rate };
		double achieved;
		bool kept, lossless;

		r = tput_step(b, c, fd, &s);
		if (r < 0)
			break;
		achieved = (double)s.frames * 1e9 / (double)s.elapsed;
		kept = achieved >= 0.97 * s.rate * BVM_MICE;
		/* 3 records a frame (REL, REL, SYN). */
		lossless = s.delivered == 3 * s.frames && !s.coalesced && !s.dropped &&
			   !s.wrong_axes;
		if (s.wrong_axes && !s.dropped)
			wrong_sums += s.wrong_axes;
		bvm_line("TPUT %u %llu %.0f %llu %llu %llu %llu %llu %d %d %llu %llu", s.rate,
			 (unsigned long long)s.frames, achieved, (unsigned long long)s.delivered,
			 (unsigned long long)s.coalesced, (unsigned long long)s.dropped,
			 (unsigned long long)s.writes, (unsigned long long)s.cpu, kept, lossless,
			 (unsigned long long)s.seen, (unsigned long long)s.observer_drops);
		vmt_info("throughput %u Hz x %u mice: %.0f frames/s written (%s); module delivered %llu of %llu records, coalesced %llu, dropped %llu; joystickd %llu writes, %u axes wrong, %.3f CPU s; bench reader %llu frames, %llu SYN_DROPPED",
			 s.rate, BVM_MICE, achieved, kept ? "on schedule" : "generator behind",
			 (unsigned long long)s.delivered, (unsigned long long)(3 * s.frames),
			 (unsigned long long)s.coalesced, (unsigned long long)s.dropped,
			 (unsigned long long)s.writes, s.wrong_axes, s.cpu / 1e9,
			 (unsigned long long)s.seen, (unsigned long long)s.observer_drops);
		if (lossless && achieved > best) {
			best = achieved;
			generator_bound = !kept;
		}
		if (!lossless || !kept) {
			end = lossless ? "generator" : kept ? "loss" : "loss+generator";
			break;
		}
	}
	bvm_daemon_status("throughput");
	bvm_collector_stop(c);
	close(fd);
	if (r < 0) {
		bvm_fail("throughput", "%s", strerror(-r));
		return r;
	}
	bvm_line("TPUTEND %u %s", rate, end);
	vmt_info("throughput: %.0f frames/s (%u mice) carried with zero loss%s; stopped at %u Hz per mouse by %s",
		 best, BVM_MICE, generator_bound ? ", as fast as the generator could write" : "",
		 rate, end);
	if (wrong_sums)
		bvm_fail("throughput", "%u stick axes off their mouse's position with nothing dropped",
			 wrong_sums);
	else
		bvm_pass("throughput");
	return 0;
}
