// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live terminal view of the stick.  On a terminal each frame redraws
 * the screen in place with ANSI escapes (cursor home, reverse-video bars);
 * otherwise frames are printed one after the other in plain text, which is
 * what scripts and tests read.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ctl-monitor.h"

#define BAR_WIDTH	41	/* odd: the centre has its own cell */

static volatile sig_atomic_t monitor_quit;

static void monitor_on_signal(int sig)
{
	monitor_quit = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* [----====|        ] from the centre of [min, max] to the value. */
static void draw_bar(FILE *f, bool tty, long min, long max, long value)
{
	int mid = BAR_WIDTH / 2, pos, i;

	if (max <= min)
		max = min + 1;
	if (value < min)
		value = min;
	if (value > max)
		value = max;
	pos = (int)((double)(value - min) * (BAR_WIDTH - 1) / (double)(max - min) + 0.5);

	fputc('[', f);
	for (i = 0; i < BAR_WIDTH; i++) {
		bool lit = (i >= pos && i <= mid) || (i <= pos && i >= mid);

		if (tty)
			fputs(lit ? "\033[7m \033[0m" : (i == mid ? "|" : " "), f);
		else
			fputc(lit ? '#' : (i == mid ? '|' : '.'), f);
	}
	fputc(']', f);
}

/* One frame from a "state" payload. */
static void draw_frame(FILE *f, bool tty, char *state, unsigned long frame, double rate)
{
	char *save = NULL, *line;

	if (tty)
		fputs("\033[H", f);
	fprintf(f, "joystickctl monitor  frame %lu  %.0f/s  (q or Ctrl-C quits)%s\n",
		frame, rate, tty ? "\033[K" : "");
	for (line = strtok_r(state, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		long min, max, value;

		if (sscanf(line, "axis %63s %ld %ld %ld", name, &min, &max, &value) == 4) {
			fprintf(f, "%-14s ", name);
			draw_bar(f, tty, min, max, value);
			fprintf(f, " %7ld", value);
		} else if (sscanf(line, "button %63s %ld", name, &value) == 2) {
			if (tty && value)
				fprintf(f, "%-14s \033[7m PRESSED \033[0m", name);
			else
				fprintf(f, "%-14s %s", name, value ? "PRESSED" : "-");
		} else {
			fputs(line, f);
		}
		fputs(tty ? "\033[K\n" : "\n", f);
	}
	fputs(tty ? "\033[J" : "\n", f);
	fflush(f);
}

/* True when a q, Q or Ctrl-C keypress is waiting on stdin. */
static bool quit_key(bool raw)
{
	char buf[32];
	ssize_t n, i;

	if (!raw)
		return false;
	n = read(STDIN_FILENO, buf, sizeof(buf));
	for (i = 0; i < n; i++)
		if (buf[i] == 'q' || buf[i] == 'Q' || buf[i] == 3)
			return true;
	return false;
}

int ctl_monitor(struct ctl_conn *c, long frames)
{
	const uint64_t period = 1000000000ull / MONITOR_HZ;
	bool tty = isatty(STDOUT_FILENO);
	bool raw = tty && isatty(STDIN_FILENO);
	struct sigaction sa = { .sa_handler = monitor_on_signal };
	struct termios saved, t;
	uint64_t start, next;
	unsigned long frame = 0;
	int status = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Keys without Enter and without echo; Ctrl-C stays a signal. */
	if (raw && tcgetattr(STDIN_FILENO, &saved) == 0) {
		t = saved;
		t.c_lflag &= ~(ICANON | ECHO);
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	} else {
		raw = false;
	}
	if (tty)
		fputs("\033[?25l\033[2J", stdout);

	start = next = now_ns();
	while (!monitor_quit && (frames <= 0 || (long)frame < frames)) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		struct timespec ts;
		char *state;
		uint64_t now;
		int r;

		r = ctl_request(c, "state", &state);
		if (r < 0) {
			fprintf(stderr, "joystickctl: monitor: %s\n",
				r == -EREMOTEIO ? state : strerror(-r));
			if (r == -EREMOTEIO)
				free(state);
			status = 1;
			break;
		}
		frame++;
		now = now_ns();
		draw_frame(stdout, tty, state, frame,
			   frame > 1 ? (frame - 1) * 1e9 / (double)(now - start) : 0);
		free(state);

		next += period;
		if (next < now)
			next = now;	/* fell behind: do not burst to catch up */
		if (frames > 0 && (long)frame >= frames)
			break;
		ts.tv_sec = (next - now) / 1000000000ull;
		ts.tv_nsec = (next - now) % 1000000000ull;
		if (ppoll(raw ? &pfd : NULL, raw ? 1 : 0, &ts, NULL) > 0 && quit_key(raw))
			break;
	}

	if (tty)
		fputs("\033[?25h\n", stdout);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return status;
}
