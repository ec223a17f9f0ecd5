// SPDX-License-Identifier: GPL-2.0-or-later
/* The paced generator: the stream written to mice at a rate; see bvm.h. */
#include <errno.h>
#include <stdlib.h>

#include "bvm.h"

int bvm_generate(struct bvm_mouse *const *mice, unsigned int n_mice, size_t n,
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
		uint64_t due = t0 + i * period, now;

		bvm_sleep_until(due);
		now = bvm_now();
		if (tw)
			tw[i] = now;
		late[i] = (int64_t)(now - due);
		/*
		 * A mouse does not catch up on frames the host's scheduler made
		 * it miss: after a stall the stream goes on at its rate from now
		 * rather than in a burst that would overflow evdev's buffers.
		 */
		if (now - due > 2 * period)
			t0 += now - due;
		r = bvm_mouse_frame(mice[i % n_mice]);
	}
	bvm_realtime(0);
	if (ret_late99) {
		bvm_sort(late, n);
		*ret_late99 = (uint64_t)bvm_quantile(late, n, 0.99);
	}
	free(late);
	return r;
}
