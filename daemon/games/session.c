// SPDX-License-Identifier: GPL-2.0-or-later
/* A game session; see session.h. */
#include <stdio.h>
#include <string.h>

#include "games/session.h"

void game_session_init(struct game_session *s)
{
	memset(s, 0, sizeof(*s));
}

static int find(const struct game_session *s, pid_t pid)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->procs[i].pid == pid)
			return (int)i;
	return -1;
}

/* What is current while the session runs: the newest game's profile, unless the user chose. */
static const char *wanted(const struct game_session *s)
{
	if (s->manual)
		return NULL;
	return s->procs[s->n - 1].profile;
}

const char *game_session_start(struct game_session *s, const char *current, pid_t pid,
			       const char *name, const char *profile)
{
	int i = find(s, pid);
	struct game_proc *proc;

	if (i < 0) {
		if (s->n == GAME_SESSION_MAX)
			return NULL;
		if (s->n == 0) {
			snprintf(s->base, sizeof(s->base), "%s", current);
			s->manual = false;
		}
		i = (int)s->n++;
	}
	proc = &s->procs[i];
	proc->pid = pid;
	snprintf(proc->name, sizeof(proc->name), "%s", name);
	snprintf(proc->profile, sizeof(proc->profile), "%s", profile);
	return wanted(s);
}

const char *game_session_exit(struct game_session *s, pid_t pid)
{
	int i = find(s, pid);

	if (i < 0)
		return NULL;
	memmove(&s->procs[i], &s->procs[i + 1], (s->n - (unsigned int)i - 1) * sizeof(s->procs[0]));
	if (--s->n > 0)
		return wanted(s);
	s->manual = false;
	return s->base;
}

void game_session_manual(struct game_session *s)
{
	if (s->n)
		s->manual = true;
}

const struct game_proc *game_session_newest(const struct game_session *s)
{
	return s->n ? &s->procs[s->n - 1] : NULL;
}
