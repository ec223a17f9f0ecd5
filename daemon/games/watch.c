// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The game watcher's core (watch-int.h): a process looked at is matched
 * against the configuration's games, one that matches is held by a pidfd
 * until it exits; every process is looked at at start and with a new
 * configuration.  When to look at a process is its trigger's business.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "games/watch-int.h"

/* A process that matched: held by a pidfd, whose readiness is its exit. */
struct tracked {
	pid_t pid;
	int pidfd;			/* -1: no pidfd_open(), the trigger sees the exit */
	sd_event_source *source;
	unsigned int profile;
	struct games_watch *w;
};

static ssize_t find_tracked(const struct games_watch *w, pid_t pid)
{
	for (size_t i = 0; i < w->n_tracked; i++)
		if (w->tracked[i]->pid == pid)
			return (ssize_t)i;
	return -1;
}

static void tracked_free(struct tracked *t)
{
	sd_event_source_disable_unref(t->source);
	if (t->pidfd >= 0)
		close(t->pidfd);
	free(t);
}

/* Forgets tracked process @i and tells its exit. */
static void untrack(struct games_watch *w, size_t i)
{
	pid_t pid = w->tracked[i]->pid;

	tracked_free(w->tracked[i]);
	w->tracked[i] = w->tracked[--w->n_tracked];
	w->events.exited(w->userdata, pid);
}

static int on_exit_ready(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct tracked *t = userdata;
	ssize_t i = find_tracked(t->w, t->pid);

	if (i >= 0)
		untrack(t->w, (size_t)i);
	return 0;
}

/*
 * Holds process @pid, whose texts are w->text: a pidfd, then the texts
 * again, so that a pid reused between the read and pidfd_open() is not
 * taken for the game.  Returns false when it is gone (or out of memory).
 */
static bool track(struct games_watch *w, pid_t pid, unsigned int profile)
{
	struct tracked **grown, *t;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0 && errno != ENOSYS && errno != EPERM)
		return false;	/* gone */
	if (proc_read(w->proc.fd, pid, &w->again) < 0 ||
	    w->again.cmdline_len != w->text.cmdline_len ||
	    memcmp(w->again.cmdline, w->text.cmdline, w->text.cmdline_len) != 0)
		goto err;
	if (w->n_tracked == w->cap_tracked) {
		grown = reallocarray(w->tracked, w->cap_tracked ? w->cap_tracked * 2 : 8,
				     sizeof(*grown));
		if (!grown)
			goto err;
		w->tracked = grown;
		w->cap_tracked = w->cap_tracked ? w->cap_tracked * 2 : 8;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		goto err;
	*t = (struct tracked){ .pid = pid, .pidfd = pidfd, .profile = profile, .w = w };
	if (pidfd >= 0 && sd_event_add_io(w->event, &t->source, pidfd, EPOLLIN, on_exit_ready, t) < 0) {
		close(pidfd);
		t->pidfd = -1;	/* the trigger sees its exit */
	}
	w->tracked[w->n_tracked++] = t;
	return true;

 err:
	if (pidfd >= 0)
		close(pidfd);
	return false;
}

bool watch_examine(struct games_watch *w, pid_t pid)
{
	ssize_t i = find_tracked(w, pid);
	struct games_process p;
	const char *name = NULL;
	int profile;

	if (proc_read(w->proc.fd, pid, &w->text) < 0)
		return false;	/* gone: a tracked one's pidfd tells */
	p = games_process_of(&w->text);
	profile = games_match(w->cfg, &p, &name);
	if (i >= 0) {
		struct tracked *t = w->tracked[i];

		if (profile < 0) {
			untrack(w, (size_t)i);
		} else if ((unsigned int)profile != t->profile) {
			t->profile = (unsigned int)profile;
			w->events.started(w->userdata, pid, name, t->profile);
		}
		return false;
	}
	if (profile < 0)
		return true;
	if (track(w, pid, (unsigned int)profile))
		w->events.started(w->userdata, pid, name, (unsigned int)profile);
	return false;
}

static bool listed(const pid_t *pids, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pids[mid] == pid)
			return true;
		if (pids[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void watch_exits_unlisted(struct games_watch *w, const pid_t *pids, size_t n)
{
	for (size_t i = w->n_tracked; i-- > 0;)
		if (w->tracked[i]->pidfd < 0 && !listed(pids, n, w->tracked[i]->pid))
			untrack(w, i);
}

int watch_examine_all(struct games_watch *w)
{
	int r = proc_list(&w->proc, 0, &w->pids, &w->cap_pids, &w->n_pids);

	if (r < 0)
		return r;
	for (size_t i = 0; i < w->n_pids; i++)
		watch_examine(w, w->pids[i]);
	watch_exits_unlisted(w, w->pids, w->n_pids);
	return 0;
}

void games_watch_reload(struct games_watch *w, const struct jsd_config *cfg)
{
	w->cfg = cfg;
	if (watch_examine_all(w) == 0)
		watch_trigger_restart(w);
}

int games_watch_new(sd_event *event, const struct jsd_config *cfg,
		    const struct games_watch_events *events, void *userdata,
		    struct games_watch **ret)
{
	struct games_watch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->event = sd_event_ref(event);
	w->cfg = cfg;
	w->events = *events;
	w->userdata = userdata;
	r = proc_open(&w->proc);
	if (r == 0)
		r = watch_examine_all(w);
	if (r == 0)
		r = watch_trigger_start(w);
	if (r < 0) {
		games_watch_free(w);
		return r;
	}
	*ret = w;
	return 0;
}

struct games_watch *games_watch_free(struct games_watch *w)
{
	if (!w)
		return NULL;
	watch_trigger_stop(w);
	for (size_t i = 0; i < w->n_tracked; i++)
		tracked_free(w->tracked[i]);
	free(w->tracked);
	proc_close(&w->proc);
	free(w->pids);
	sd_event_unref(w->event);
	free(w);
	return NULL;
}
