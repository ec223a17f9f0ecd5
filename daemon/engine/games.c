// SPDX-License-Identifier: GPL-2.0-or-later
/* Which profile a process makes current; see games.h. */
#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "engine/games.h"

/* argv[0], argv[1] and argv[2] are looked at; a Wine loader's program is one of them. */
#define GAMES_ARGS	3

/* The last component of a Unix or Windows path. */
static const char *base_name(const char *path)
{
	const char *base = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	return base;
}

/* "C:\..." or "c:/...", or anything with a backslash: what Wine puts in argv[0]. */
static bool windows_path(const char *s)
{
	return strchr(s, '\\') ||
	       (((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && s[1] == ':' &&
		(s[2] == '\\' || s[2] == '/'));
}

/* wine, wine64, wine-preloader, wine64-preloader (comm: "wine64-preloade"); not wineserver. */
static bool wine_loader(const char *name)
{
	return strncasecmp(name, "wine", 4) == 0 && strcasecmp(name, "wineserver") != 0;
}

/* Up to GAMES_ARGS whole arguments of @p; returns how many. */
static unsigned int split_args(const struct games_process *p, const char *args[GAMES_ARGS])
{
	const char *s = p->cmdline, *end = p->cmdline + p->cmdline_len;
	unsigned int n = 0;

	while (n < GAMES_ARGS && s < end) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));

		if (!nul)
			break;		/* cut short: not a whole argument */
		args[n++] = s;
		s = nul + 1;
	}
	return n;
}

/* Whether a `games` pattern of @profile matches @name. */
static bool matches(const struct jsd_profile *profile, const char *name)
{
	if (!*name)
		return false;
	for (unsigned int i = 0; i < profile->n_games; i++)
		if (fnmatch(profile->games[i], name, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

int games_match(const struct jsd_config *cfg, const struct games_process *p,
		const char **ret_name)
{
	const char *args[GAMES_ARGS], *names[GAMES_ARGS + 1];
	unsigned int n_args = split_args(p, args), n = 0;
	bool wine;

	if (n_args == 0 || !args[0][0])
		return -1;	/* a kernel thread or a zombie */
	/* The program Wine runs first, so that it is the name shown, not its loader's. */
	wine = wine_loader(base_name(args[0])) || wine_loader(p->comm) || windows_path(args[0]);
	for (unsigned int i = 1; wine && i < n_args; i++)
		names[n++] = base_name(args[i]);
	names[n++] = base_name(args[0]);
	names[n++] = p->comm;
	for (unsigned int i = 0; i < cfg->n_profiles; i++) {
		for (unsigned int j = 0; j < n; j++) {
			if (matches(&cfg->profiles[i], names[j])) {
				*ret_name = names[j];
				return (int)i;
			}
		}
	}
	return -1;
}
