// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Profiles that follow the game: which profile a process makes current
 * (games.h: its executable name, and for Wine and Proton the Windows
 * program its command line names), and what a game session does to the
 * current profile as games start and exit and the user switches by hand
 * (games/session.h).  The process texts are as /proc shows them: comm
 * (at most 15 characters) and the NUL-separated command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/games.h"
#include "games/proc.h"
#include "games/session.h"
#include "unit-config.h"

static const char ini[] =
	"[profile plane]\n"
	"[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
	"[axis y]\ntarget = ABS_RY\nsource = REL_Y\n"
	"[profile dcs]\n"
	"games = dcs.exe DCS_updater.exe\n"
	"[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
	"[profile sims]\n"
	"games = fgfs \"Rise of Flight.exe\", [Xx]-[Pp]lane* il2*.exe *.EXE\n"
	"[axis x]\ntarget = ABS_RX\nsource = REL_X\n";

/* The profile @comm and @cmdline (of @len bytes, NULs included) match; the name that did in @want_name. */
static void check(const struct jsd_config *cfg, const char *comm, const char *cmdline, size_t len,
		  int want, const char *want_name)
{
	struct games_process p = { .comm = comm, .cmdline = cmdline, .cmdline_len = len };
	const char *name = NULL;
	int got = games_match(cfg, &p, &name);

	if (got != want)
		fail_msg("comm '%s': profile %d, want %d", comm, got, want);
	if (want >= 0)
		assert_string_equal(name, want_name);
}

#define CHECK(cfg, comm, cmdline, want, name) \
	check(cfg, comm, cmdline, sizeof(cmdline), want, name)

static void test_config(void **state)
{
	struct jsd_config *cfg = unit_config(ini);

	assert_int_equal(cfg->profiles[0].n_games, 0);
	assert_int_equal(cfg->profiles[1].n_games, 2);
	assert_string_equal(cfg->profiles[1].games[1], "DCS_updater.exe");
	assert_int_equal(cfg->profiles[2].n_games, 5);
	assert_string_equal(cfg->profiles[2].games[0], "fgfs");
	assert_string_equal(cfg->profiles[2].games[1], "Rise of Flight.exe");
	assert_string_equal(cfg->profiles[2].games[2], "[Xx]-[Pp]lane*");
	assert_string_equal(cfg->profiles[2].games[4], "*.EXE");
	assert_true(jsd_config_has_games(cfg));
	jsd_config_free(cfg);

	cfg = unit_config("[axis x]\ntarget = ABS_RX\nsource = REL_X\n[axis y]\ntarget = ABS_RY\nsource = REL_Y\n");
	assert_false(jsd_config_has_games(cfg));
	jsd_config_free(cfg);
}

/* Native programs: the executable's name, in any case. */
static void test_native(void **state)
{
	struct jsd_config *cfg = unit_config(ini);

	CHECK(cfg, "fgfs", "/usr/games/fgfs\0--aircraft=c172p", 2, "fgfs");
	CHECK(cfg, "FGFS", "FGFS", 2, "FGFS");
	/* argv[0] as started; comm as the kernel has it (prctl may rename) */
	CHECK(cfg, "X-Plane-x86_64", "/opt/X-Plane 12/X-Plane-x86_64", 2, "X-Plane-x86_64");
	CHECK(cfg, "main", "./x-plane", 2, "x-plane");
	/* comm is cut at 15 characters: the command line has the whole name */
	CHECK(cfg, "DCS_updater.ex", "/tmp/DCS_updater.exe", 1, "DCS_updater.exe");
	/* a native program named after a Windows one */
	CHECK(cfg, "DCS.exe", "/tmp/games/DCS.exe", 1, "DCS.exe");
	/* the first profile in file order wins: DCS.EXE is dcs's before sims' *.EXE */
	CHECK(cfg, "DCS.EXE", "DCS.EXE", 1, "DCS.EXE");
	CHECK(cfg, "OTHER.EXE", "OTHER.EXE", 2, "OTHER.EXE");
	CHECK(cfg, "bash", "bash\0-c\0fgfs", -1, NULL);
	CHECK(cfg, "fgfsx", "/usr/bin/fgfsx", -1, NULL);
	/* a pattern matches the whole name */
	CHECK(cfg, "dcs", "dcs", -1, NULL);
	jsd_config_free(cfg);
}

/*
 * Wine and Proton: Wine's loader is started as
 * "wine64-preloader /usr/bin/wine64 C:\...\DCS.exe", then shifts its
 * arguments over argv[0] and renames itself (dlls/ntdll/unix/env.c,
 * rebuild_argv() and set_process_name()); Proton starts the game through
 * "C:\windows\system32\steam.exe GAME" with the game as a Unix or a
 * Windows path.
 */
static void test_wine(void **state)
{
	struct jsd_config *cfg = unit_config(ini);

	/* the loader, before it renamed itself */
	CHECK(cfg, "wine64-preloade",
	      "/usr/lib/wine/wine64-preloader\0/usr/lib/wine/wine64\0C:\\Games\\DCS World\\bin\\DCS.exe", 1,
	      "DCS.exe");
	CHECK(cfg, "wine", "wine\0C:\\Games\\DCS World\\bin\\DCS.exe\0--force_enable_VR", 1,
	      "DCS.exe");
	/* the game, after: argv[0] is the Windows path */
	CHECK(cfg, "DCS.exe", "C:\\Games\\DCS World\\bin\\DCS.exe\0--force_enable_VR", 1, "DCS.exe");
	CHECK(cfg, "wine64-preloade", "C:\\Games\\DCS World\\bin\\DCS.exe", 1, "DCS.exe");
	CHECK(cfg, "RiseOfFlight", "Z:\\home\\pilot\\RoF\\Rise of Flight.exe", 2, "Rise of Flight.exe");
	/* Proton's steam.exe names the game in argv[1] */
	CHECK(cfg, "steam.exe",
	      "C:\\windows\\system32\\steam.exe\0/home/pilot/.steam/steam/steamapps/common/DCSWorld/bin/DCS.exe",
	      1, "DCS.exe");
	CHECK(cfg, "steam.exe", "c:\\windows\\system32\\steam.exe\0Z:\\games\\IL2\\bin\\game\\Il2.exe\0-x",
	      2, "Il2.exe");
	/* other processes' arguments are not programs */
	CHECK(cfg, "grep", "grep\0-r\0C:\\Games\\DCS World\\bin\\DCS.exe", -1, NULL);
	CHECK(cfg, "vim", "vim\0DCS.exe", -1, NULL);
	CHECK(cfg, "wineserver", "/usr/bin/wineserver\0DCS.exe", -1, NULL);
	/* argv[3] on is an argument of the game */
	CHECK(cfg, "wine", "wine\0C:\\x\\launcher.bat\0-opt\0DCS.exe", -1, NULL);
	jsd_config_free(cfg);
}

/* Kernel threads and zombies (no command line) never match; odd texts are safe. */
static void test_odd_processes(void **state)
{
	struct jsd_config *cfg = unit_config(ini);
	char big[5000];

	check(cfg, "fgfs", "", 0, -1, NULL);
	check(cfg, "fgfs", "\0", 1, -1, NULL);
	/* a command line rewritten with blanks (setproctitle style) */
	CHECK(cfg, "fgfs", "fgfs --fg-root=/usr/share/games/flightgear", 2, "fgfs");
	/* a command line cut short by the reader, without its last NUL */
	check(cfg, "x", "/usr/games/fgfs", 15, -1, NULL);
	check(cfg, "x", "/usr/games/fgfs\0", 16, 2, "fgfs");
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	check(cfg, "a", big, sizeof(big), -1, NULL);
	/* control characters in names are kept as they are for fnmatch() */
	CHECK(cfg, "x\033[31m", "/tmp/x\033[31m.EXE", 2, "x\033[31m.EXE");
	jsd_config_free(cfg);
}

/* The `games` key: its syntax and its errors name the line. */
static void check_refused(const char *games_line, const char *want)
{
	char text[1024], msg[600];
	struct jsd_config *cfg = NULL;
	struct jsd_error err;

	snprintf(text, sizeof(text),
		 "[profile a]\ngames = dcs.exe\n[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
		 "[axis y]\ntarget = ABS_RY\nsource = REL_Y\n"
		 "[profile b]\n%s\n[axis x]\ntarget = ABS_RX\nsource = REL_X\n", games_line);
	assert_int_equal(jsd_config_parse_string("t.ini", text, &cfg, &err), -EINVAL);
	assert_null(cfg);
	assert_string_equal(jsd_error_format(&err, msg, sizeof(msg)), want);
}

static void test_config_errors(void **state)
{
	check_refused("games =", "t.ini:10: games: expected one or more executable names or patterns (dcs.exe, *.exe ...)");
	check_refused("games = ,  ,", "t.ini:10: games: expected one or more executable names or patterns (dcs.exe, *.exe ...)");
	check_refused("games = a.exe\ngames =",
		      "t.ini:11: games: expected one or more executable names or patterns (dcs.exe, *.exe ...)");
	check_refused("games = \"Rise of Flight.exe", "t.ini:10: games: a quote is not closed");
	check_refused("games = a.exe \"\"", "t.ini:10: games: an empty name (\"\")");
	check_refused("games = C:\\Games\\DCS.exe",
		      "t.ini:10: games: 'C:\\Games\\DCS.exe' is a path: give the program's file name (DCS.exe) or a pattern");
	check_refused("games = /usr/games/fgfs",
		      "t.ini:10: games: '/usr/games/fgfs' is a path: give the program's file name (fgfs) or a pattern");
	check_refused("games = DCS.EXE",
		      "t.ini:10: games: 'DCS.EXE' is a game of profile 'a' already (line 2)");
	check_refused("games = fgfs FGFS", "t.ini:10: games: 'FGFS' is a game of profile 'b' already (line 10)");
	check_refused("games = fgfs\ngames = x fgfs",
		      "t.ini:11: games: 'fgfs' is a game of profile 'b' already (line 10)");
	check_refused("games = [dcs.exe", "t.ini:10: games: '[dcs.exe' has a '[' without its ']'");
	check_refused("[button x]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\ngames = a.exe",
		      "t.ini:13: unknown key 'games' in [button x]");
}

/* The key may be repeated: a long list fits the line length. */
static void test_config_repeated(void **state)
{
	struct jsd_config *cfg = unit_config("[profile a]\ngames = a.exe b.exe\ngames = c*.exe\n"
				      "[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
				      "[axis y]\ntarget = ABS_RY\nsource = REL_Y\n");

	assert_int_equal(cfg->profiles[0].n_games, 3);
	assert_string_equal(cfg->profiles[0].games[2], "c*.exe");
	assert_int_equal(cfg->profiles[0].games_line, 2);
	jsd_config_free(cfg);
}

/* ---- the game session */

static void test_session_one_game(void **state)
{
	struct game_session s;
	const char *to;

	game_session_init(&s);
	assert_null(game_session_newest(&s));
	/* a game starts: its profile; the one before is kept */
	to = game_session_start(&s, "plane", 100, "DCS.exe", "dcs");
	assert_string_equal(to, "dcs");
	assert_int_equal(game_session_newest(&s)->pid, 100);
	assert_string_equal(game_session_newest(&s)->name, "DCS.exe");
	/* a second process of the same game: the session goes on */
	assert_string_equal(game_session_start(&s, "dcs", 101, "DCS_updater.exe", "dcs"), "dcs");
	assert_string_equal(game_session_exit(&s, 100), "dcs");
	assert_int_equal(game_session_newest(&s)->pid, 101);
	/* an exit of a process it does not know changes nothing */
	assert_null(game_session_exit(&s, 55));
	/* the last one exits: the profile chosen before returns */
	assert_string_equal(game_session_exit(&s, 101), "plane");
	assert_null(game_session_newest(&s));
	assert_false(s.manual);
}

static void test_session_manual(void **state)
{
	struct game_session s;

	game_session_init(&s);
	/* outside a session a manual switch is just the profile chosen */
	game_session_manual(&s);
	assert_false(s.manual);
	assert_string_equal(game_session_start(&s, "plane", 100, "DCS.exe", "dcs"), "dcs");
	/* by hand during the game: it wins, also over games starting now */
	game_session_manual(&s);
	assert_true(s.manual);
	assert_null(game_session_start(&s, "heli", 200, "fgfs", "sims"));
	assert_null(game_session_exit(&s, 200));
	/* until the game exits: then the profile before the game */
	assert_string_equal(game_session_exit(&s, 100), "plane");
	assert_false(s.manual);
	/* the next game switches again */
	assert_string_equal(game_session_start(&s, "heli", 300, "fgfs", "sims"), "sims");
	assert_string_equal(game_session_exit(&s, 300), "heli");
}

/* The newest game's profile is current; when it exits, the one before it. */
static void test_session_two_games(void **state)
{
	struct game_session s;

	game_session_init(&s);
	assert_string_equal(game_session_start(&s, "plane", 100, "DCS.exe", "dcs"), "dcs");
	assert_string_equal(game_session_start(&s, "dcs", 200, "fgfs", "sims"), "sims");
	assert_string_equal(game_session_exit(&s, 200), "dcs");
	assert_string_equal(game_session_start(&s, "dcs", 300, "fgfs", "sims"), "sims");
	assert_string_equal(game_session_exit(&s, 100), "sims");
	assert_string_equal(game_session_exit(&s, 300), "plane");
	/* a process whose match changed (a reload): the newest one's profile */
	assert_string_equal(game_session_start(&s, "plane", 400, "fgfs", "sims"), "sims");
	assert_string_equal(game_session_start(&s, "sims", 400, "fgfs", "dcs"), "dcs");
	assert_int_equal(s.n, 1);
	assert_string_equal(game_session_exit(&s, 400), "plane");
}

/* More processes than it tracks: the extra ones are left out, nothing breaks. */
static void test_session_full(void **state)
{
	struct game_session s;
	char name[32];
	int i;

	game_session_init(&s);
	for (i = 0; i < GAME_SESSION_MAX + 5; i++) {
		snprintf(name, sizeof(name), "g%d.exe", i);
		game_session_start(&s, "plane", 1000 + i, name, "dcs");
	}
	assert_int_equal(s.n, GAME_SESSION_MAX);
	for (i = GAME_SESSION_MAX; i < GAME_SESSION_MAX + 5; i++)
		assert_null(game_session_exit(&s, 1000 + i));
	for (i = 0; i < GAME_SESSION_MAX - 1; i++)
		assert_string_equal(game_session_exit(&s, 1000 + i), "dcs");
	assert_string_equal(game_session_exit(&s, 1000 + i), "plane");
}

/* ---- /proc as the watcher reads it (this machine's) */

static bool has_pid(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * A whole listing ascends and learns where /proc lists each pid; a listing
 * from a pid on has exactly the pids above it, so a process started after
 * a listing is in the listing from its highest pid (pids count up).
 */
static void test_proc_list(void **state)
{
	pid_t *all = NULL, *above = NULL, child;
	size_t cap_all = 0, cap_above = 0, n_all, n_above, i;
	struct proc_text text;
	struct proc_dir d;

	assert_int_equal(proc_open(&d), 0);
	assert_int_equal(proc_list(&d, 1, &above, &cap_above, &n_above), -EAGAIN);
	assert_int_equal(proc_list(&d, 0, &all, &cap_all, &n_all), 0);
	assert_true(n_all >= 2);
	assert_true(d.base > 0);
	assert_true(has_pid(all, n_all, getpid()));
	for (i = 1; i < n_all; i++)
		assert_true(all[i - 1] < all[i]);

	assert_int_equal(proc_list(&d, all[n_all / 2], &above, &cap_above, &n_above), 0);
	for (i = 0; i < n_above; i++)
		assert_true(above[i] > all[n_all / 2]);
	for (i = n_all / 2 + 1; i < n_all; i++)
		assert_true(has_pid(above, n_above, all[i]) || kill(all[i], 0) < 0);

	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_true(child > 0);
	assert_int_equal(proc_list(&d, all[n_all - 1], &above, &cap_above, &n_above), 0);
	/* unless pids wrapped around meanwhile: the listing from the highest misses it then */
	assert_true(has_pid(above, n_above, child) || child < all[n_all - 1]);
	assert_int_equal(proc_read(d.fd, getpid(), &text), 0);
	assert_string_equal(text.comm, "test-games");
	assert_true(strstr(text.cmdline, "test-games") != NULL);
	assert_int_equal(proc_read(d.fd, 2147483647, &text), -ENOENT);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	proc_close(&d);
	free(all);
	free(above);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_wine),
		cmocka_unit_test(test_odd_processes),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_repeated),
		cmocka_unit_test(test_session_one_game),
		cmocka_unit_test(test_session_manual),
		cmocka_unit_test(test_session_two_games),
		cmocka_unit_test(test_session_full),
		cmocka_unit_test(test_proc_list),
	};

	return cmocka_run_group_tests_name("games", tests, NULL, NULL);
}
