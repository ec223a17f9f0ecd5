// SPDX-License-Identifier: GPL-2.0-or-later
/* A log rate limit; see ratelimit.h. */
#include "ratelimit.h"

bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t *ret_suppressed)
{
	if (rl->begin == 0 || now - rl->begin >= rl->interval_ns) {
		rl->begin = now ? now : 1;
		rl->shown = 0;
	}
	if (rl->shown >= rl->burst) {
		rl->suppressed++;
		return false;
	}
	rl->shown++;
	*ret_suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

bool ratelimit_flush(struct ratelimit *rl, uint64_t now, uint64_t *ret_suppressed)
{
	if (rl->suppressed == 0 || now - rl->begin < rl->interval_ns)
		return false;
	*ret_suppressed = rl->suppressed;
	rl->suppressed = 0;
	rl->begin = 0;
	return true;
}
