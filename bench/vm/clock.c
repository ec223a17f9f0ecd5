// SPDX-License-Identifier: GPL-2.0-or-later
/* Clocks, sleeping and scheduling; see bvm.h. */
#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include "bvm.h"

#define NS	1000000000ull

static uint64_t bvm_ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
}

uint64_t bvm_now(void)
{
	return (uint64_t)now_ns();
}

uint64_t bvm_thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return bvm_ts_ns(&ts);
}

void bvm_sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = (time_t)(t / NS), .tv_nsec = (long)(t % NS) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

uint64_t bvm_event_ns(const struct input_event *ev)
{
	return (uint64_t)ev->input_event_sec * NS + (uint64_t)ev->input_event_usec * 1000;
}

int bvm_realtime(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	/* The default 50 us slack would blur a 125 us period; 0 restores it. */
	prctl(PR_SET_TIMERSLACK, prio ? 1UL : 0UL);
	if (sched_setscheduler(0, prio ? SCHED_FIFO : SCHED_OTHER, &sp) < 0)
		return -errno;
	return 0;
}
