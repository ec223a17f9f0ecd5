/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C-style escaping of untrusted text (device names from the kernel, ini
 * values echoed in errors, names a client sends) before it reaches a log
 * line or a terminal.  Pure: no I/O, no allocation.
 *
 * Control characters become \n, \t, \r, \a, \b, \f, \v, \e or \xHH; a
 * backslash becomes \\; bytes that are not valid UTF-8, and the C1
 * controls U+0080 ... U+009F, become \xHH for each byte.  Printable ASCII
 * and valid UTF-8 pass unchanged, so "Logitech® G502" stays readable.
 */
#ifndef JSD_ESCAPE_H
#define JSD_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the escape of @n bytes, terminator included (\xHH is 4 each). */
#define ESCAPE_SIZE(n)	(4 * (n) + 1)

/*
 * Writes the escape of @s into @buf (always terminated; cut at a whole
 * escape if @size is too small) and returns @buf.
 */
char *escape_string(const char *s, char *buf, size_t size);

/*
 * Whether @s holds a control character other than a tab, or bytes that
 * are not valid UTF-8: what a name or an ini line may not contain.
 */
bool escape_has_control(const char *s);

#endif
