/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging for the daemon's top level: stderr lines that journald understands.
 *
 * Under journald (stderr is the stream named by $JOURNAL_STREAM) each line
 * carries a "<N>" syslog priority prefix, which journald turns into the
 * entry's PRIORITY and strips.  On a terminal the line is prefixed with the
 * program name instead.  Only main-program code logs; helpers return -errno.
 * A line never carries a control character: untrusted text is escaped
 * with escape_string() where it is formatted, and a line that still holds
 * one is escaped whole.
 */
#ifndef JSD_LOG_H
#define JSD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Sets the program name, the verbosity (LOG_DEBUG lines only when verbose)
 * and detects journald. */
void log_setup(const char *progname, bool verbose);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like log_msg() but without the program-name prefix on a terminal: for
 * lines with their own fixed format, such as "file:line: message". */
void log_raw(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
