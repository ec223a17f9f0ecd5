/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A log rate limit: at most @burst lines per @interval_ns for one kind of
 * warning; the lines held back are counted, so that the next line that
 * goes out can say how many it stands for.  Pure: the caller passes the
 * time, and holds whatever lock protects the struct.
 */
#ifndef JSD_RATELIMIT_H
#define JSD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint64_t interval_ns;
	unsigned int burst;
	uint64_t begin;		/* start of the current interval; 0: none yet */
	unsigned int shown;	/* lines let through in this interval */
	uint64_t suppressed;	/* lines held back since the last one let through */
};

#define RATELIMIT_INIT(interval, n)	{ .interval_ns = (interval), .burst = (n) }

/*
 * Whether a line may be logged at @now (CLOCK_MONOTONIC ns).  When it may,
 * *ret_suppressed is the number of lines held back before it (and the
 * count starts again); when not, the line is counted as held back.
 */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t *ret_suppressed);

/*
 * Once the interval of the last line is over: whether lines were held back
 * since, with their number in *ret_suppressed (and the count starts again).
 * For a summary when the flood has stopped.
 */
bool ratelimit_flush(struct ratelimit *rl, uint64_t now, uint64_t *ret_suppressed);

#endif
