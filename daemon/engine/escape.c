// SPDX-License-Identifier: GPL-2.0-or-later
/* C-style escapes of untrusted text; see escape.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/escape.h"

/*
 * Length of the valid UTF-8 sequence at @s that is not a C1 control, or 0.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid.
 */
static size_t utf8_printable_len(const unsigned char *s)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/* The escape of the control byte @c: "\n" ... or "\xHH". */
static void escape_byte(unsigned char c, char out[5])
{
	static const char simple[][2] = {
		{ '\a', 'a' }, { '\b', 'b' }, { '\t', 't' }, { '\n', 'n' },
		{ '\v', 'v' }, { '\f', 'f' }, { '\r', 'r' }, { '\033', 'e' },
		{ '\\', '\\' },
	};

	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if (c == (unsigned char)simple[i][0]) {
			out[0] = '\\';
			out[1] = simple[i][1];
			out[2] = '\0';
			return;
		}
	}
	snprintf(out, 5, "\\x%02x", c);
}

char *escape_string(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;

	if (size == 0)
		return buf;
	while (*p) {
		char esc[5];
		const char *piece = esc;
		size_t len = utf8_printable_len(p);

		if (len) {
			piece = (const char *)p;
		} else if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			piece = (const char *)p;
			len = 1;
		} else {
			escape_byte(*p, esc);
			len = strlen(esc);
		}
		if (used + len >= size)
			break;
		memcpy(buf + used, piece, len);
		used += len;
		p += piece == esc ? 1 : len;
	}
	buf[used] = '\0';
	return buf;
}

bool escape_has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = utf8_printable_len(p);

		if (len) {
			p += len;
			continue;
		}
		if ((*p < 0x20 && *p != '\t') || *p >= 0x7f)
			return true;
		p++;
	}
	return false;
}
