// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Doctor's check of environment variables that hide devices from SDL (and
 * so from Wine, Proton and Steam's games) or change how it finds them:
 * SDL_GAMECONTROLLER_IGNORE_DEVICES (Steam sets it for the pads Steam
 * Input drives), SDL 3's SDL_JOYSTICK_BLACKLIST_DEVICES, and the other
 * SDL_JOYSTICK_* hints (SDL_hints.h).  Where it can see them: its own
 * environment, and /proc/PID/environ of the processes of the users at a
 * seat, which only that user and root may read.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "engine/config.h"
#include "engine/escape.h"

#define MAX_SEEN	16
#define ENVIRON_MAX	65536

extern char **environ;

/* Whether SDL's "0xVVVV/0xPPPP,..." list (SDL_LoadVIDPIDListFromHint) names vendor:product. */
static bool list_has(const char *list, uint16_t vendor, uint16_t product)
{
	for (const char *p = list; *p; p++) {
		unsigned long v, pr;
		char *end;

		if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
			continue;
		v = strtoul(p, &end, 16);
		if (*end != '/')
			continue;
		pr = strtoul(end + 1, &end, 16);
		if (v == vendor && pr == product)
			return true;
		p = end - 1;
	}
	return false;
}

bool doctor_env_judge(const char *name, const char *value, uint16_t vendor, uint16_t product,
		      struct doctor_env_verdict *ret)
{
	if (strcmp(name, "SDL_GAMECONTROLLER_IGNORE_DEVICES") == 0) {
		*ret = list_has(value, vendor, product) ?
			(struct doctor_env_verdict){ DOCTOR_WARN, "it names the stick: SDL hides it from games that ask for game controllers" } :
			(struct doctor_env_verdict){ DOCTOR_NOTE, "it hides other devices, not the stick" };
	} else if (strcmp(name, "SDL_GAMECONTROLLER_IGNORE_DEVICES_EXCEPT") == 0) {
		*ret = (struct doctor_env_verdict){ DOCTOR_NOTE, "it hides game controllers it does not list; the stick is a joystick, which SDL still shows" };
	} else if (strcmp(name, "SDL_JOYSTICK_BLACKLIST_DEVICES") == 0) {
		*ret = list_has(value, vendor, product) ?
			(struct doctor_env_verdict){ DOCTOR_FAIL, "it names the stick: SDL 3 hides it from every game" } :
			(struct doctor_env_verdict){ DOCTOR_NOTE, "it hides other devices, not the stick" };
	} else if (strcmp(name, "SDL_JOYSTICK_DISABLE_UDEV") == 0) {
		*ret = (struct doctor_env_verdict){ DOCTOR_NOTE, "SDL finds joysticks without udev, by their codes (the sdl line says whether the stick passes)" };
	} else if (strcmp(name, "SDL_JOYSTICK_DEVICE") == 0) {
		*ret = (struct doctor_env_verdict){ DOCTOR_NOTE, "SDL opens these devices besides the ones it finds" };
	} else if (strncmp(name, "SDL_JOYSTICK_", 13) == 0) {
		*ret = (struct doctor_env_verdict){ DOCTOR_NOTE, "an SDL joystick hint" };
	} else {
		return false;
	}
	return true;
}

struct seen {
	char *var;		/* NAME=VALUE */
	char where[96];
};

/* Judges each NAME=VALUE of a NUL-separated block once, across all sources. */
static void judge_block(struct doctor *d, const char *block, size_t size, const char *where,
			struct seen *seen, unsigned int *n_seen)
{
	uint16_t vendor = d->cfg ? d->cfg->stick.id.vendor : 0x6a73;
	uint16_t product = d->cfg ? d->cfg->stick.id.product : 0x0001;

	for (const char *v = block; v < block + size && *v; v += strlen(v) + 1) {
		const char *eq = strchr(v, '=');
		char name[64], shown[ESCAPE_SIZE(120)], cut[121];
		struct doctor_env_verdict verdict;
		unsigned int i;

		if (!eq || (size_t)(eq - v) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - v), v);
		if (!doctor_env_judge(name, eq + 1, vendor, product, &verdict))
			continue;
		for (i = 0; i < *n_seen && strcmp(seen[i].var, v) != 0; i++)
			;
		if (i < *n_seen || *n_seen == MAX_SEEN)
			continue;
		seen[*n_seen].var = strdup(v);
		snprintf(seen[(*n_seen)++].where, sizeof(seen[0].where), "%s", where);
		snprintf(cut, sizeof(cut), "%s", eq + 1);
		doctor_add(d, verdict.level, "env",
			   verdict.level >= DOCTOR_WARN ? "unset it where it is set (a launcher's, Steam's or the game's environment)" : NULL,
			   "%s=%s in %s: %s", name, escape_string(cut, shown, sizeof(shown)), where,
			   verdict.why);
	}
}

/* Whether process @pid belongs to one of the seat users. */
static bool of_seat_user(const struct doctor *d, const char *pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%.20s", pid);
	if (stat(path, &st) < 0)
		return false;
	for (unsigned int i = 0; i < d->n_seat_uids; i++)
		if (st.st_uid == d->seat_uids[i])
			return true;
	return false;
}

void doctor_check_env(struct doctor *d)
{
	struct seen seen[MAX_SEEN];
	unsigned int n_seen = 0, scanned = 0, unreadable = 0;
	char *block = malloc(ENVIRON_MAX);
	size_t own = 0;
	DIR *proc;
	struct dirent *p;

	if (!block)
		abort();
	for (char **e = environ; e && *e && own + strlen(*e) + 2 < ENVIRON_MAX; e++) {
		strcpy(block + own, *e);
		own += strlen(*e) + 1;
	}
	block[own] = '\0';
	judge_block(d, block, own, "joystickctl's environment", seen, &n_seen);

	proc = d->n_seat_uids ? opendir("/proc") : NULL;
	while (proc && (p = readdir(proc))) {
		char path[300], comm[32] = "?", where[96];
		FILE *f;
		size_t n;

		if (!isdigit((unsigned char)p->d_name[0]) || !of_seat_user(d, p->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/environ", p->d_name);
		f = fopen(path, "re");
		if (!f) {
			unreadable++;
			continue;
		}
		n = fread(block, 1, ENVIRON_MAX - 1, f);
		fclose(f);
		block[n] = '\0';
		scanned++;
		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		if ((f = fopen(path, "re"))) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(where, sizeof(where), "the environment of %.31s (pid %.20s)", comm, p->d_name);
		judge_block(d, block, n, where, seen, &n_seen);
	}
	if (proc)
		closedir(proc);
	free(block);
	for (unsigned int i = 0; i < n_seen; i++)
		free(seen[i].var);
	if (n_seen == 0 && scanned)
		doctor_add(d, DOCTOR_OK, "env", NULL,
			   "no SDL_JOYSTICK_* or SDL_GAMECONTROLLER_IGNORE_* variable in joystickctl's environment or in %u processes of the seat users",
			   scanned);
	else if (n_seen == 0)
		doctor_add(d, DOCTOR_OK, "env", NULL,
			   "no SDL_JOYSTICK_* or SDL_GAMECONTROLLER_IGNORE_* variable in joystickctl's environment");
	if (unreadable)
		doctor_add(d, DOCTOR_NOTE, "env", "sudo joystickctl doctor reads them all",
			   "the environment of %u processes of the seat users could not be read", unreadable);
}
