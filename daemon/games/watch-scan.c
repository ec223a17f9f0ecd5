// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The game watcher's trigger in the daemon (watch-int.h): every
 * GAMES_SCAN_MS, /proc is listed from the highest pid seen on, so that a
 * scan costs what was started since the last one, not what runs, and the
 * new processes are looked at; one that matched nothing is looked at
 * again while it is young, when its comm changes (it exec'd, or Wine
 * renamed it).  Pids count up, and wrap around after pid_max: a whole
 * listing every GAMES_FULL_MS, and at once when the kernel counts more
 * processes than the scan found, catches the processes started below the
 * highest pid.  bench/games/ measured it against the kernel's process
 * connector and against a whole listing at every scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "games/watch-int.h"

#define NS_PER_MS	1000000ull
/* The timer may fire this late: the kernel then batches our wake-up with others. */
#define SCAN_ACCURACY_US (GAMES_SCAN_MS * 1000ull / 4)

/* A process that matched nothing when it was new. */
struct young {
	pid_t pid;
	char comm[PROC_COMM_MAX];
	uint64_t until;			/* CLOCK_MONOTONIC ns */
};

struct watch_trigger {
	sd_event_source *timer;
	pid_t *known;			/* every pid looked at, ascending: the last whole listing and the new ones since */
	size_t n_known, cap_known;
	pid_t *found;			/* scratch: a listing from the highest pid */
	size_t cap_found;
	pid_t highest;			/* the highest pid known */
	unsigned long count;		/* the kernel's count of processes at the last scan */
	uint64_t next_whole;		/* CLOCK_MONOTONIC ns of the next whole listing */
	struct young *young;
	size_t n_young, cap_young;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool grow(void **array, size_t *cap, size_t want, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *a;

	if (want <= *cap)
		return true;
	while (c < want)
		c *= 2;
	a = reallocarray(*array, c, size);
	if (!a)
		return false;
	*array = a;
	*cap = c;
	return true;
}

static void add_young(struct watch_trigger *t, pid_t pid, const char *comm)
{
	struct young *y;

	if (!grow((void **)&t->young, &t->cap_young, t->n_young + 1, sizeof(*t->young)))
		return;		/* not looked at again: a missed exec, no harm */
	y = &t->young[t->n_young++];
	y->pid = pid;
	memcpy(y->comm, comm, PROC_COMM_MAX);
	y->until = now_ns() + GAMES_YOUNG_MS * NS_PER_MS;
}

/* Young processes whose comm changed are looked at again; the others age. */
static void look_at_young(struct games_watch *w, struct watch_trigger *t)
{
	char comm[PROC_COMM_MAX];
	uint64_t now = now_ns();
	size_t i = 0;

	while (i < t->n_young) {
		struct young *y = &t->young[i];
		bool keep = now < y->until && proc_read_comm(w->proc.fd, y->pid, comm) == 0;

		if (keep && strcmp(comm, y->comm) != 0) {
			keep = watch_examine(w, y->pid);
			memcpy(y->comm, comm, PROC_COMM_MAX);
		}
		if (keep)
			i++;
		else
			t->young[i] = t->young[--t->n_young];
	}
}

static bool known(const struct watch_trigger *t, pid_t pid)
{
	size_t lo = 0, hi = t->n_known;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->known[mid] == pid)
			return true;
		if (t->known[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Looks at @pid, new to the scan; young if it matched nothing. */
static void look_at_new(struct games_watch *w, struct watch_trigger *t, pid_t pid)
{
	if (watch_examine(w, pid))
		add_young(t, pid, w->text.comm);
}

/* @t knows the processes of a whole listing @pids, and no other. */
static int know_whole(struct watch_trigger *t, const pid_t *pids, size_t n)
{
	if (!grow((void **)&t->known, &t->cap_known, n, sizeof(*t->known)))
		return -ENOMEM;
	memcpy(t->known, pids, n * sizeof(*pids));
	t->n_known = n;
	t->highest = n ? pids[n - 1] : 0;
	t->next_whole = now_ns() + GAMES_FULL_MS * NS_PER_MS;
	return 0;
}

/* Lists all of /proc: the processes @t did not know are new. */
static void scan_whole(struct games_watch *w, struct watch_trigger *t)
{
	if (proc_list(&w->proc, 0, &w->pids, &w->cap_pids, &w->n_pids) < 0)
		return;
	for (size_t i = 0; i < w->n_pids; i++)
		if (!known(t, w->pids[i]))
			look_at_new(w, t, w->pids[i]);
	if (know_whole(t, w->pids, w->n_pids) < 0)
		t->n_known = 0;		/* every process is new next time */
	watch_exits_unlisted(w, w->pids, w->n_pids);
}

/* The processes above the highest pid known; false when a whole listing is due. */
static bool scan_new(struct games_watch *w, struct watch_trigger *t, unsigned long count)
{
	size_t n, i, added = 0;

	if (proc_list(&w->proc, t->highest, &t->found, &t->cap_found, &n) < 0 ||
	    !grow((void **)&t->known, &t->cap_known, t->n_known + n, sizeof(*t->known)))
		return false;
	for (i = 0; i < n; i++) {
		look_at_new(w, t, t->found[i]);
		t->known[t->n_known + added++] = t->found[i];	/* above all: stays ascending */
	}
	t->n_known += added;
	if (n)
		t->highest = t->found[n - 1];
	/* More processes than it found (exits only lower the count): some are below. */
	return count <= t->count + added;
}

static void scan(struct games_watch *w, struct watch_trigger *t)
{
	unsigned long count = 0;
	bool counted = proc_count(&w->proc, &count) == 0;

	look_at_young(w, t);
	if (!counted || !t->n_known || now_ns() >= t->next_whole || !scan_new(w, t, count))
		scan_whole(w, t);
	t->count = count;
}

static int on_scan(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct games_watch *w = userdata;

	scan(w, w->trigger);
	return sd_event_source_set_time_relative(s, GAMES_SCAN_MS * 1000ull);
}

/* w->pids is a whole listing every process of which was looked at. */
void watch_trigger_restart(struct games_watch *w)
{
	struct watch_trigger *t = w->trigger;

	t->n_young = 0;
	if (know_whole(t, w->pids, w->n_pids) < 0)
		t->n_known = 0;
	proc_count(&w->proc, &t->count);
}

int watch_trigger_start(struct games_watch *w)
{
	struct watch_trigger *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	w->trigger = t;
	watch_trigger_restart(w);
	r = sd_event_add_time_relative(w->event, &t->timer, CLOCK_MONOTONIC, GAMES_SCAN_MS * 1000ull,
				       SCAN_ACCURACY_US, on_scan, w);
	if (r == 0)
		r = sd_event_source_set_enabled(t->timer, SD_EVENT_ON);
	return r;
}

void watch_trigger_stop(struct games_watch *w)
{
	struct watch_trigger *t = w->trigger;

	if (!t)
		return;
	sd_event_source_disable_unref(t->timer);
	free(t->known);
	free(t->found);
	free(t->young);
	free(t);
	w->trigger = NULL;
}
