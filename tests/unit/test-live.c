// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live changes (live.h) and the file they are saved into (ini-file.h):
 * what `set` arguments become; that a change is refused with exactly the
 * message check-config gives for the file the change would write; what
 * `diff` and `get` print; and `save`: the file replaced atomically with
 * only the changed lines different, its owner, mode and symbolic link
 * kept, and refused, leaving the file as it is, when it changed on disk,
 * cannot be read or written, or would not load.
 *
 * Run as root (as `make check` is), the checks of a caller without
 * rights run in a child that became nobody.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/ini-file.h"
#include "engine/live.h"

#define SHIPPED		SRCDIR "/config/joystickd.ini"
#define NOBODY		65534

static char dir[64], path[128];

/* A whole file, read by the test itself. */
static char *slurp(const char *p)
{
	FILE *f = fopen(p, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int c;

	assert_non_null(f);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void write_text(const char *p, const char *text)
{
	FILE *f = fopen(p, "we");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	char *text;

	snprintf(dir, sizeof(dir), "/tmp/test-live.XXXXXX");
	if (!mkdtemp(dir) || chmod(dir, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/joystickd.ini", dir);
	text = slurp(SHIPPED);
	write_text(path, text);
	free(text);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX '%s' && rm -rf '%s'", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* `set aileron KEY VALUE...` of the default profile, added to @ch. */
static int set(struct live_changes *ch, const char *key, const char *const *values, bool unset,
	       char *why)
{
	struct live_change c[2];
	unsigned int n = 0;
	int r;

	while (values && values[n])
		n++;
	r = live_parse("default", "aileron", key, unset, n, (char *const *)values, c, why,
		       LIVE_WHY_MAX);
	for (int i = 0; i < r; i++)
		assert_int_equal(live_changes_add(ch, &c[i]), 0);
	return r;
}

#define V(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* What `set` and `unset` arguments become. */
static void test_parse(void **state)
{
	struct live_changes ch = { 0 };
	char why[LIVE_WHY_MAX];

	assert_int_equal(set(&ch, "sensitivity", V("400"), false, why), 1);
	assert_int_equal(ch.n, 1);
	assert_string_equal(ch.v[0].key, "sensitivity");
	assert_int_equal(ch.v[0].n_values, 1);
	assert_string_equal(ch.v[0].values[0], "400");

	/* Again: the change is replaced, not added. */
	assert_int_equal(set(&ch, "sensitivity", V("500"), false, why), 1);
	assert_int_equal(ch.n, 1);
	assert_string_equal(ch.v[0].values[0], "500");

	/* A points curve and its list in one; points written as the manual does. */
	assert_int_equal(set(&ch, "curve", V("points", "0,0", "0.5,0.3", "1,1"), false, why), 2);
	assert_int_equal(ch.n, 3);
	assert_string_equal(ch.v[1].key, "curve");
	assert_string_equal(ch.v[1].values[0], "points");
	assert_string_equal(ch.v[2].key, "point");
	assert_int_equal(ch.v[2].n_values, 3);
	assert_string_equal(ch.v[2].values[1], "0.5, 0.3");

	/* Any other curve removes the point lines with it. */
	assert_int_equal(set(&ch, "curve", V("expo:0.2"), false, why), 2);
	assert_int_equal(ch.n, 3);
	assert_string_equal(ch.v[1].values[0], "expo:0.2");
	assert_int_equal(ch.v[2].n_values, 0);

	assert_int_equal(set(&ch, "deadzone", NULL, true, why), 1);
	assert_int_equal(ch.v[3].n_values, 0);

	/* Refused: the stick's keys, with the settable ones named. */
	assert_int_equal(set(&ch, "target", V("ABS_RX"), false, why), -EPERM);
	assert_non_null(strstr(why, "target cannot change while joystickd runs"));
	assert_non_null(strstr(why, "Settable: source, mouse, modifier, increase, decrease, key_rate, model, sensitivity,"));
	assert_null(strstr(why, " min"));
	assert_int_equal(set(&ch, "max", V("100"), false, why), -EPERM);
	assert_int_equal(set(&ch, "sensitivity", NULL, false, why), -EINVAL);
	assert_string_equal(why, "sensitivity needs a value");
	assert_int_equal(set(&ch, "sensitivity", V("1", "2"), false, why), -EINVAL);
	assert_string_equal(why, "sensitivity takes one value");
	assert_int_equal(set(&ch, "curve", V("expo:0.2", "0,0"), false, why), -EINVAL);
	assert_int_equal(set(&ch, "sensitivity", V("4\x1b[31m"), false, why), -EINVAL);
	assert_string_equal(why, "sensitivity: '4\\e[31m' cannot be written as an ini value");
	assert_int_equal(set(&ch, "rate", V("1"), true, why), -EINVAL);
	assert_int_equal(set(&ch, "sens=itivity", V("1"), false, why), -EINVAL);
	assert_int_equal(ch.n, 4);
	live_changes_clear(&ch);
}

/*
 * Each change refused with the message check-config gives for the file it
 * would write: the same file name, line and text.
 */
static void test_errors_are_check_config(void **state)
{
	const struct {
		const char *key;
		const char *const *values;
		const char *want;	/* after "FILE:" */
	} cases[] = {
		{ "sensitivity", V("0"), "63: sensitivity: expected a number from 0.001 to 1e+06, got '0'" },
		{ "sensitivty", V("400"), "67: unknown key 'sensitivty' in [axis aileron]" },
		{ "deadzone", V("1.5"), "65: deadzone: expected a number from 0 to 0.99, got '1.5'" },
		{ "curve", V("sideways"), "66: curve: expected linear, expo:FACTOR, power:EXPONENT or points, got 'sideways'" },
		{ "curve", V("power:99"), "66: curve = power: expected a number from 0.1 to 10, got '99'" },
		{ "curve", V("points", "0,0", "0.5,0.6", "0.4,0.7", "1,1"), "66: curve: point x values must increase strictly" },
		{ "model", V("hold"), "64: rate: only with model = spring" },
		{ "time_constant", V("0.2"), "67: time_constant: only with model = velocity" },
		{ "outer_deadzone", V("0.98"), "67: deadzone + outer_deadzone must be below 1" },
		{ "source", V("ABS_X"), "61: source: expected a REL_* code, got ABS_X" },
		{ "invert", V("maybe"), "67: invert: expected yes or no, got 'maybe'" },
		{ "mouse", V("trackball"), "67: mouse: no [mouse trackball] section (mice are defined before the profiles)" },
	};
	char *base = slurp(path);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct live_changes ch = { 0 };
		struct jsd_config *cfg = NULL;
		struct jsd_error err, err2;
		char why[LIVE_WHY_MAX], live_msg[700], check_msg[700], want[700], edited[160];
		char *text;
		size_t len;

		assert_true(set(&ch, cases[i].key, cases[i].values, false, why) > 0);
		assert_int_equal(live_apply(base, strlen(base), &ch, &text, &len, NULL), 0);
		/* What joystickd does with it: the text parsed as its file. */
		assert_int_equal(jsd_config_parse_buffer(path, text, len, &cfg, &err), -EINVAL);
		jsd_error_format(&err, live_msg, sizeof(live_msg));
		/* What check-config says of that text in a file of that name. */
		snprintf(edited, sizeof(edited), "%s/edited.ini", dir);
		write_text(edited, text);
		assert_int_equal(jsd_config_load(edited, &cfg, &err2), -EINVAL);
		snprintf(err2.file, sizeof(err2.file), "%s", path);
		jsd_error_format(&err2, check_msg, sizeof(check_msg));
		assert_string_equal(live_msg, check_msg);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].want);
		assert_string_equal(live_msg, want);
		free(text);
		live_changes_clear(&ch);
	}
	free(base);
}

/* Back to the file's value: no change left. */
static void test_prune(void **state)
{
	struct live_changes ch = { 0 };
	char why[LIVE_WHY_MAX], *base = slurp(path);

	set(&ch, "sensitivity", V("400"), false, why);
	set(&ch, "rate", V("2"), false, why);
	set(&ch, "smoothing", NULL, true, why);	/* not in the file: nothing */
	live_changes_prune(&ch, base, strlen(base));
	assert_int_equal(ch.n, 2);
	set(&ch, "sensitivity", V("800"), false, why);
	set(&ch, "curve", V("expo:0.3"), false, why);	/* and no point lines, as the file */
	live_changes_prune(&ch, base, strlen(base));
	assert_int_equal(ch.n, 1);
	assert_string_equal(ch.v[0].key, "rate");
	live_changes_drop(&ch, "default", "aileron");
	assert_int_equal(ch.n, 0);
	live_changes_clear(&ch);
	free(base);
}

static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

struct diff_args {
	const struct live_changes *ch;
	const struct jsd_config *cfg;
};

static void diff_fn(FILE *f, void *arg)
{
	const struct diff_args *a = arg;

	live_write_diff(f, a->ch, a->cfg);
}

/* `diff`: section lines and the changed keys, grouped, profiles named when the file names them. */
static void test_diff(void **state)
{
	const char text[] =
		"[axis aileron]\ntarget = ABS_X\nsource = REL_X\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button u]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n"
		"[profile combat]\n"
		"[axis aileron]\ntarget = ABS_X\nsource = REL_X\n"
		"[axis elevator]\ntarget = ABS_Y\nsource = REL_Y\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n";
	struct live_changes ch = { 0 };
	struct live_change c[2];
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	struct diff_args args = { &ch, NULL };
	char why[LIVE_WHY_MAX], *out;

	assert_int_equal(jsd_config_parse_string("t.ini", text, &cfg, &err), 0);
	args.cfg = cfg;
	out = capture(diff_fn, &args);
	assert_string_equal(out, "");
	free(out);

	set(&ch, "sensitivity", V("400"), false, why);
	out = capture(diff_fn, &args);
	assert_string_equal(out, "[axis aileron]\nsensitivity = 400\n");
	free(out);

	assert_int_equal(live_parse("combat", "elevator", "rate", false, 1, (char *[]){ "2" }, c,
				    why, sizeof(why)), 1);
	live_changes_add(&ch, &c[0]);
	assert_int_equal(live_parse("combat", "aileron", "curve", false, 3,
				    (char *[]){ "points", "0,0", "1,1" }, c, why, sizeof(why)), 2);
	live_changes_add(&ch, &c[0]);
	live_changes_add(&ch, &c[1]);
	set(&ch, "deadzone", NULL, true, why);
	out = capture(diff_fn, &args);
	assert_string_equal(out,
			    "[axis aileron]\nsensitivity = 400\n; deadzone removed: its default applies\n"
			    "\n[profile combat]\n[axis elevator]\nrate = 2\n"
			    "\n[axis aileron]\ncurve = points\npoint = 0, 0\npoint = 1, 1\n");
	free(out);
	live_changes_clear(&ch);
	jsd_config_free(cfg);
}

struct get_args {
	const struct jsd_config *cfg;
	const char *key;
	int r;
	char why[LIVE_WHY_MAX];
};

static void get_fn(FILE *f, void *arg)
{
	struct get_args *a = arg;

	a->r = live_write_values(f, a->cfg, "default", &a->cfg->profiles[0].axes[0], NULL, 0,
				 a->key, a->why, sizeof(a->why));
}

/* `get`: the running values, defaults too, as a valid section's lines. */
static void test_get(void **state)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	struct get_args args = { 0 };
	char *out;

	assert_int_equal(jsd_config_load(path, &cfg, &err), 0);
	args.cfg = cfg;
	out = capture(get_fn, &args);
	assert_int_equal(args.r, 0);
	assert_string_equal(out,
			    "target = ABS_X\nsource = REL_X\nmouse = any\nmodel = spring\n"
			    "sensitivity = 800\nrate = 0.5\nsmoothing = 0\ncurve = expo:0.3\n"
			    "deadzone = 0.02\nouter_deadzone = 0\ninvert = no\ntrim = 0\n"
			    "min = -32767\nmax = 32767\nall_actions = yes\n");
	free(out);

	args.key = "sensitivity";
	out = capture(get_fn, &args);
	assert_string_equal(out, "sensitivity = 800\n");
	free(out);

	args.key = "time_constant";
	out = capture(get_fn, &args);
	assert_int_equal(args.r, -ENOENT);
	assert_string_equal(args.why, "time_constant does not apply to [axis aileron]");
	free(out);

	args.key = "bogus";
	out = capture(get_fn, &args);
	assert_int_equal(args.r, -ENOENT);
	assert_string_equal(args.why, "unknown key 'bogus' in [axis aileron]");
	free(out);
	jsd_config_free(cfg);

	/* Points, written back as the shortest numbers that are the same doubles. */
	assert_int_equal(jsd_config_parse_string("p.ini",
		"[axis a]\ntarget = ABS_X\nsource = REL_X\ncurve = points\npoint = 0, 0\n"
		"point = 0.1, 0.30000000000000004\npoint = 1, 1\n"
		"[button t]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[button u]\ninput = BTN_RIGHT\noutput = BTN_THUMB\n", &cfg, &err), 0);
	args.cfg = cfg;
	args.key = "point";
	out = capture(get_fn, &args);
	assert_string_equal(out, "point = 0, 0\npoint = 0.1, 0.30000000000000004\npoint = 1, 1\n");
	free(out);
	jsd_config_free(cfg);
}

/* The changes travel to joystickctl save as tab-separated lines. */
static void test_wire(void **state)
{
	struct live_changes ch = { 0 };
	struct live_change back;
	char why[LIVE_WHY_MAX], *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;
	unsigned int i = 0;

	set(&ch, "curve", V("points", "0,0", "1,1"), false, why);
	set(&ch, "rate", NULL, true, why);
	f = open_memstream(&buf, &len);
	live_write_wire(f, &ch);
	fclose(f);
	assert_string_equal(buf, "change\tdefault\taileron\tcurve\tpoints\n"
				 "change\tdefault\taileron\tpoint\t0, 0\t1, 1\n"
				 "change\tdefault\taileron\trate\n");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		assert_int_equal(live_parse_wire(line, &back), 0);
		assert_string_equal(back.key, ch.v[i].key);
		assert_int_equal(back.n_values, ch.v[i].n_values);
		for (unsigned int j = 0; j < back.n_values; j++)
			assert_string_equal(back.values[j], ch.v[i].values[j]);
		live_change_done(&back);
	}
	assert_int_equal(i, 3);
	assert_int_equal(live_parse_wire("status\tx", &back), -EINVAL);
	assert_int_equal(live_parse_wire("change\tdefault\taileron", &back), -EINVAL);
	free(buf);
	live_changes_clear(&ch);
}

/* Lines of @a and @b that differ; both must have as many. */
static unsigned int lines_differing(const char *a, const char *b)
{
	unsigned int n = 0;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		n += la != lb || memcmp(a, b, la) != 0;
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	return n;
}

/* Saved: only the changed line differs; owner, mode and a symbolic link stay. */
static void test_save(void **state)
{
	struct live_changes ch = { 0 };
	struct ini_file loaded;
	struct jsd_error err;
	char why[LIVE_WHY_MAX], link[160], *before, *after;
	struct stat st, lst;
	uid_t owner = geteuid() == 0 ? 1000 : geteuid();
	gid_t group = geteuid() == 0 ? 1000 : getegid();

	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(chown(path, owner, group), 0);
	snprintf(link, sizeof(link), "%s/link.ini", dir);
	assert_int_equal(symlink("joystickd.ini", link), 0);
	assert_int_equal(ini_file_read(link, &loaded, &err), 0);
	before = slurp(path);

	set(&ch, "sensitivity", V("400"), false, why);
	assert_int_equal(live_save_file(link, link, &loaded.id, &ch, why, sizeof(why)), 0);
	after = slurp(path);
	assert_int_equal(lines_differing(before, after), 1);
	assert_non_null(strstr(after, "\nsensitivity = 400\nrate = 0.5\n"));
	assert_int_equal(lstat(link, &lst), 0);
	assert_true(S_ISLNK(lst.st_mode));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_uid, owner);
	assert_int_equal(st.st_gid, group);
	/* No temporary file is left beside it. */
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 2", dir);
		assert_int_equal(system(cmd), 0);
	}
	free(before);
	free(after);
	ini_file_done(&loaded);
	live_changes_clear(&ch);
}

/* Refused, the file as it was: it changed on disk since it was loaded. */
static void test_save_changed_on_disk(void **state)
{
	struct live_changes ch = { 0 };
	struct ini_file loaded;
	struct jsd_error err;
	char why[LIVE_WHY_MAX], want[300], *text;
	FILE *f;

	assert_int_equal(ini_file_read(path, &loaded, &err), 0);
	f = fopen(path, "ae");
	fputs("; edited meanwhile\n", f);
	fclose(f);
	set(&ch, "sensitivity", V("400"), false, why);
	assert_int_equal(live_save_file(path, path, &loaded.id, &ch, why, sizeof(why)), -ESTALE);
	snprintf(want, sizeof(want), "%s changed on disk since joystickd loaded it", path);
	assert_string_equal(why, want);
	text = slurp(path);
	assert_non_null(strstr(text, "sensitivity = 800\n"));
	assert_non_null(strstr(text, "; edited meanwhile\n"));
	free(text);
	ini_file_done(&loaded);
	live_changes_clear(&ch);
}

/* Edited between the read and the rename: ini_file_replace() sees it. */
static void test_replace_edited_meanwhile(void **state)
{
	struct ini_file before;
	struct jsd_error err;
	char why[300], *text;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 12345, 0 } };

	assert_int_equal(ini_file_read(path, &before, &err), 0);
	/* Same size, other bytes and another time: what an editor's save does. */
	text = strdup(before.text);
	text[0] = '#';
	write_text(path, text);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(ini_file_replace(path, "[axis x]\n", 9, &before.id, why, sizeof(why)),
			 -ESTALE);
	assert_non_null(strstr(why, "changed on disk while it was being saved"));
	free(text);
	text = slurp(path);
	assert_int_equal(text[0], '#');
	assert_int_equal(strlen(text), before.len);
	free(text);
	ini_file_done(&before);
}

/* Refused when the result would not load: the loader's message, the file as it was. */
static void test_save_invalid(void **state)
{
	struct live_changes ch = { 0 };
	struct ini_file loaded;
	struct jsd_error err;
	char why[LIVE_WHY_MAX], want[300], *text;

	assert_int_equal(ini_file_read(path, &loaded, &err), 0);
	set(&ch, "sensitivity", V("0"), false, why);
	assert_int_equal(live_save_file(path, path, &loaded.id, &ch, why, sizeof(why)), -EINVAL);
	snprintf(want, sizeof(want), "%s:63: sensitivity: expected a number from 0.001 to 1e+06, got '0'",
		 path);
	assert_string_equal(why, want);
	text = slurp(path);
	assert_string_equal(text, loaded.text);
	free(text);
	ini_file_done(&loaded);
	live_changes_clear(&ch);
}

/* A new FILE: the daemon's file with the changes, mode 0666 less the umask. */
static void test_save_new_file(void **state)
{
	struct live_changes ch = { 0 };
	struct ini_file loaded;
	struct jsd_error err;
	char why[LIVE_WHY_MAX], copy[160], *a, *b;
	struct stat st;
	mode_t old = umask(027);

	assert_int_equal(ini_file_read(path, &loaded, &err), 0);
	snprintf(copy, sizeof(copy), "%s/copy.ini", dir);
	set(&ch, "rate", V("2"), false, why);
	assert_int_equal(live_save_file(copy, path, &loaded.id, &ch, why, sizeof(why)), 0);
	umask(old);
	assert_int_equal(stat(copy, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	a = slurp(path);
	b = slurp(copy);
	assert_int_equal(lines_differing(a, b), 1);
	assert_non_null(strstr(b, "\nrate = 2\n"));
	free(a);
	free(b);
	ini_file_done(&loaded);
	live_changes_clear(&ch);
}

/* Runs @fn(@arg) in a child that is nobody (when root) and returns its exit status. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 ||
				       setuid(NOBODY) < 0))
			_exit(200);
		_exit(fn(arg));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

struct save_try {
	const char *path;
	char want[300];		/* the reason must say this */
};

/* In the child: the save's -errno (as a status), and its reason as asked. */
static int try_save(void *arg)
{
	struct save_try *t = arg;
	struct live_changes ch = { 0 };
	struct live_change c[2];
	char why[LIVE_WHY_MAX];
	int r;

	live_parse("default", "aileron", "sensitivity", false, 1, (char *[]){ "400" }, c, why,
		   sizeof(why));
	live_changes_add(&ch, c);
	r = live_save_file(t->path, t->path, NULL, &ch, why, sizeof(why));
	live_changes_clear(&ch);
	if (r < 0 && !strstr(why, t->want)) {
		fprintf(stderr, "why: %s (want %s)\n", why, t->want);
		return 100;
	}
	return -r;
}

/* Unreadable and unwritable files and directories: refused, nothing written. */
static void test_save_no_rights(void **state)
{
	struct save_try t = { .path = path };
	char *before = slurp(path), *after, sub[128], subpath[160];

	/* 0444: readable, not writable (by its owner, or by nobody). */
	assert_int_equal(chmod(path, 0444), 0);
	snprintf(t.want, sizeof(t.want), "cannot write %s: Permission denied", path);
	assert_int_equal(as_nobody(try_save, &t), EACCES);

	/* 0200: not even readable. */
	assert_int_equal(chmod(path, 0200), 0);
	snprintf(t.want, sizeof(t.want), "%s: cannot open: Permission denied", path);
	assert_int_equal(as_nobody(try_save, &t), EACCES);
	assert_int_equal(chmod(path, 0644), 0);

	/* Writable, in a directory no one but root may write: no atomic replace possible. */
	snprintf(sub, sizeof(sub), "%s/ro", dir);
	snprintf(subpath, sizeof(subpath), "%s/joystickd.ini", sub);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_text(subpath, before);
	assert_int_equal(chmod(subpath, 0666), 0);
	assert_int_equal(chmod(sub, 0555), 0);
	t.path = subpath;
	snprintf(t.want, sizeof(t.want), "cannot create a file in %s: Permission denied", sub);
	assert_int_equal(as_nobody(try_save, &t), EACCES);

	after = slurp(path);
	assert_string_equal(after, before);
	free(after);
	after = slurp(subpath);
	assert_string_equal(after, before);
	free(after);
	free(before);
}

/* ini_file_read: the loader's messages for what cannot be read. */
static void test_read_errors(void **state)
{
	struct ini_file f;
	struct jsd_error err;
	char msg[600];

	assert_int_equal(ini_file_read("/nonexistent/joystickd.ini", &f, &err), -ENOENT);
	assert_string_equal(jsd_error_format(&err, msg, sizeof(msg)),
			    "/nonexistent/joystickd.ini: cannot open: No such file or directory");
	assert_int_equal(ini_file_read(dir, &f, &err), -EISDIR);
	assert_int_equal(ini_file_read(path, &f, &err), 0);
	assert_int_equal(f.id.size, f.len);
	assert_true(f.id.hash == ini_file_hash(f.text, f.len));
	assert_true(f.id.hash != ini_file_hash(f.text, f.len - 1));
	ini_file_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_are_check_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_changed_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_edited_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_no_rights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
