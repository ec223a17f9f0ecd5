// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which input frames each output frame carries; see bvm.h.
 *
 * Within BENCH_WINDOW frames every frame of the stream has its own motion
 * and its own position (bench/stream.h), so an output frame names the
 * input frame it comes from.  On the floor and interception it is a copy
 * of that frame's motion: it carries that frame only, and an input frame
 * skipped over is lost (an evdev buffer overflowed; its motion is gone).
 * On joystickd it is a position (hold axes): it carries every input frame
 * up to the one it names, so a skipped frame was merged into this one
 * (the daemon integrates the frames of a batch) and gets this frame's
 * time: every input frame is timed to the first output frame that
 * carries its effect.  An output frame that names no frame within the
 * window cannot come from the input: damaged.
 */
#include <stdlib.h>

#include "../stream.h"
#include "bvm.h"

bool bvm_frame_is(bool integrates, const struct bvm_frame *f, uint64_t k)
{
	/* joystickd's floating point may round a .5 the other way: +-1 (values are 82 apart). */
	if (integrates)
		return abs(f->x - bench_axis_value(bench_pos(k))) <= 1 &&
		       abs(f->y - bench_axis_value(-bench_pos(k))) <= 1;
	return f->x == bench_dx(k) && f->y == -bench_dx(k);
}

void bvm_match(const struct bvm_frame *f, size_t n_out, uint64_t k0, const uint64_t *tw,
	       size_t n, size_t warmup, int64_t offset, bool integrates, int64_t *lat,
	       size_t *n_lat, struct bvm_match *ret)
{
	struct bvm_match m = { 0 };

	for (size_t o = 0; o < n_out && m.next < n; o++) {
		size_t i = m.next;

		while (i < n && i < m.next + BENCH_WINDOW && !bvm_frame_is(integrates, &f[o], k0 + i))
			i++;
		if (i == n || i == m.next + BENCH_WINDOW) {
			if (!m.damaged++)
				vmt_info("output frame (%d, %d) after input frame %llu matches none",
					 f[o].x, f[o].y, (unsigned long long)(k0 + m.next));
			continue;
		}
		for (size_t j = m.next; j <= i; j++) {
			if (j < warmup)
				continue;
			if (j < i && !integrates) {
				m.lost++;
				continue;
			}
			m.merged += j < i;
			lat[(*n_lat)++] = (int64_t)(f[o].t - tw[j]) - offset;
		}
		m.next = i + 1;
	}
	/* Frames no output frame carried (for joystickd: its stick never got there). */
	for (size_t j = m.next; j < n; j++)
		m.lost += j >= warmup;
	*ret = m;
}
