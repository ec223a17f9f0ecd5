/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The benchmark's mouse stream, shared by the VM bench (which writes it to
 * virtual mice) and the engine driver (which feeds it to the engine).
 *
 * Frame k of a mouse is REL_X = dx(k), REL_Y = -dx(k), SYN_REPORT, where
 * dx(k) = pos(k) - pos(k - 1) and the position in counts swings wider and
 * wider around the centre: pos(2j) = m, pos(2j + 1) = -m, m = 1 + j % 399
 * (pos(-1) = 0, where a new mouse starts).  So within any 798 frames each
 * frame has its own dx (odd positive for even k, even negative for odd k,
 * one 400 per wrap) and its own position, which a hold-model axis of
 * sensitivity 400 (bench.ini) shows unclamped as bench_axis_value(pos).
 * Output frames are matched to input frames by these values
 * (bench/vm/match.c): a frame lost (an evdev buffer overflowed) or merged
 * (joystickd writes a read batch as one stick frame) is seen as a gap.
 */
#ifndef JSD_BENCH_STREAM_H
#define JSD_BENCH_STREAM_H

#include <math.h>
#include <stdint.h>

#define BENCH_SENSITIVITY	400.0	/* bench.ini */
#define BENCH_AXIS_MAX		32767	/* [stick] default range: -max ... max */
#define BENCH_WINDOW		798	/* frames with distinct values */

static inline int32_t bench_pos(int64_t k)
{
	int32_t m;

	if (k < 0)
		return 0;
	m = 1 + (int32_t)((k / 2) % 399);
	return (k & 1) ? -m : m;
}

static inline int32_t bench_dx(int64_t k)
{
	return bench_pos(k) - bench_pos(k - 1);
}

/* joystickd.ini(5): v = lround(min + (s + 1) (max - min) / 2), s = counts / sensitivity. */
static inline int32_t bench_axis_value(int32_t counts)
{
	double s = counts / BENCH_SENSITIVITY;

	return (int32_t)lround(-BENCH_AXIS_MAX + (s + 1) * BENCH_AXIS_MAX);
}

#endif
