// SPDX-License-Identifier: GPL-2.0-or-later
/* Logging to stderr in the form journald expects; see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/escape.h"
#include "log.h"

static const char *log_progname = "joystickd";
static bool log_verbose;
static bool log_journal;

/* $JOURNAL_STREAM is "device:inode" of the stream systemd connected to
 * stderr; it only counts if stderr still is that stream. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_setup(const char *progname, bool verbose)
{
	log_progname = progname;
	log_verbose = verbose;
	log_journal = stderr_is_journal();
}

static void log_vline(int prio, bool named, const char *fmt, va_list ap)
{
	char text[1024], escaped[ESCAPE_SIZE(1024)];
	const char *line = text;

	if (prio >= LOG_DEBUG && !log_verbose)
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	/*
	 * Untrusted names are escaped where they are formatted; this is the
	 * backstop: a newline must never start a forged "<0>" journal line.
	 */
	if (escape_has_control(text))
		line = escape_string(text, escaped, sizeof(escaped));
	/* One fprintf per line: the reader thread logs too. */
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", prio, line);
	else if (named)
		fprintf(stderr, "%s: %s\n", log_progname, line);
	else
		fprintf(stderr, "%s\n", line);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(prio, true, fmt, ap);
	va_end(ap);
}

void log_raw(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(prio, false, fmt, ap);
	va_end(ap);
}
