// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The write-to-timestamp calibration (bench/README.md, "Added latency"):
 * the median offset from the bench's clock before the write() that makes
 * a mouse frame to the input core's timestamp of that frame, measured by a
 * plain evdev reader on identical mice at each rate, before the paths
 * start.  The latency phase adds it to every write time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bvm.h"

#define CAL_FRAMES	2000	/* per mouse and rate */

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
			bvm_collector_settle(c, i, NULL, NULL, 300);
		/* Frames after an overflow of a reader cannot be matched: not used. */
		for (size_t i = 0; r == 0 && i < n; i++)
			if (i / 3 < bvm_collector_valid(c, i % 3))
				off[m++] = (int64_t)(bvm_collector_frames(c, i % 3)[i / 3].t - tw[i]);
		/* A slow reader (host load) leaves fewer samples, not a failure. */
		if (r == 0 && m == 0) {
			bvm_fail("calibrate", "%u Hz: the evdev readers saw none of %zu frames",
				 bvm_rates[ri], n);
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
	else if (r != -EIO)
		bvm_fail("calibrate", "%s", strerror(-r));
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
