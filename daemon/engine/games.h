/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles that follow the game: which profile a process makes current.
 * Pure C: the daemon's watcher (games/watch.h) reads the process's texts
 * from /proc and asks here.
 *
 * A process goes by the name of its executable: the last component of
 * argv[0] (what it was started as, whole) and its comm (the kernel's copy
 * of the executable's file name, cut at 15 characters, or what the
 * program renamed itself to).  A Wine or Proton process is also known by
 * the Windows program its command line names: when the process is Wine's
 * loader (wine, wine64, wine-preloader, wine64-preloader: argv[0] or
 * comm) or argv[0] is a Windows path (C:\..., or with a backslash, as
 * Wine rewrites its command line), the last components of argv[1] and
 * argv[2] (Unix or Windows paths) are names too:
 *
 *   wine64-preloader /usr/bin/wine64 C:\Games\DCS World\bin\DCS.exe	(Wine starting)
 *   C:\Games\DCS World\bin\DCS.exe --force_enable_VR			(Wine running it)
 *   C:\windows\system32\steam.exe /home/u/.../DCS.exe			(Proton's wrapper)
 *
 * Each name is matched against every `games` pattern of every profile, in
 * file order, as a shell glob (fnmatch(3)) ignoring case; the first
 * profile with a match wins.
 */
#ifndef JSD_GAMES_H
#define JSD_GAMES_H

#include <stddef.h>

#include "engine/config.h"

/* What /proc says of one process. */
struct games_process {
	const char *comm;	/* /proc/PID/comm without its newline */
	const char *cmdline;	/* /proc/PID/cmdline: arguments, each ended by a NUL */
	size_t cmdline_len;	/* bytes; an argument cut short (no NUL) is left out */
};

/*
 * The index of the first profile a name of @p matches, or -1 (also for a
 * process without a command line: a kernel thread, a zombie).  With a
 * match, *ret_name is the name that matched, within @p's texts.
 */
int games_match(const struct jsd_config *cfg, const struct games_process *p,
		const char **ret_name);

#endif
