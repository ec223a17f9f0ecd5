/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the configuration loader (config.c, config-keys.c,
 * config-values.c, config-check.c): the parser state and the helpers the
 * files share.
 */
#ifndef JSD_CONFIG_INT_H
#define JSD_CONFIG_INT_H

#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/config.h"

#define JSD_MAX_KEYS	24	/* keys of the largest section kind ([axis]) */

enum section_kind {
	SECTION_NONE,		/* before the first [section] line */
	SECTION_CAPTURE,
	SECTION_STICK,
	SECTION_MOUSE,
	SECTION_PROFILE,
	SECTION_AXIS,
	SECTION_BUTTON,
};

/* A name that can only be looked up once the whole file is read. */
enum ref_kind {
	REF_CAPTURE_MOUSE,	/* a name in [capture] mice */
	REF_BUTTON_ACTION,	/* the action of a [button] */
};

struct ref {
	enum ref_kind kind;
	unsigned int profile, index;	/* REF_BUTTON_ACTION: which button */
	unsigned int line;
	char *text;
};

struct parser {
	struct jsd_config *cfg;
	struct jsd_error *err;
	bool failed;			/* err holds the first error; stop */
	int errno_code;			/* what the loader returns on failure */
	locale_t c_locale;		/* numbers parse the same in every locale */

	/* The reader: the source and the line it handed to inih last. */
	FILE *file;
	char *buf;
	size_t buf_size;
	unsigned int line;

	/* The section being read, and the line of each of its keys so far. */
	enum section_kind kind;
	char section[JSD_NAME_MAX + 16];	/* "[axis roll]", for messages */
	unsigned int section_line;
	unsigned int item;		/* index of the mouse/axis/button */
	unsigned int key_line[JSD_MAX_KEYS];
	bool profiles_started;		/* a [profile], [axis] or [button] was seen */
	bool seen_capture, seen_stick;

	struct ref *refs;
	unsigned int n_refs;
};

/* One key of a section kind: its name and the function that stores its value. */
struct key_desc {
	const char *name;
	int (*set)(struct parser *p, const char *key, const char *value);
	bool repeat;		/* may be given more than once (point) */
};

/* config-keys.c: the keys of @kind (NULL and 0 for SECTION_NONE). */
const struct key_desc *section_keys(enum section_kind kind, unsigned int *ret_n);

/* The line @key was given on in the current section, 0 if it was not. */
unsigned int parser_key_line(const struct parser *p, const char *key);

/* Records the first error at @line (0: none) and marks the parse failed. */
void parser_error(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a warning at @line (0: none); the load goes on. */
void parser_warning(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records an out-of-memory error (-ENOMEM). */
void parser_oom(struct parser *p);

/* The current profile (the last one in cfg->profiles), and its items. */
struct jsd_profile *parser_profile(struct parser *p);
struct jsd_axis_cfg *parser_axis(struct parser *p);
struct jsd_button_cfg *parser_button(struct parser *p);
struct jsd_mouse_cfg *parser_mouse(struct parser *p);

/* Value parsers: 0 or -EINVAL, after parser_error() naming @key. */
int value_double(struct parser *p, const char *key, const char *v,
		 double min, double max, double *ret);
int value_int(struct parser *p, const char *key, const char *v,
	      long long min, long long max, long long *ret);
int value_bool(struct parser *p, const char *key, const char *v, bool *ret);
int value_code(struct parser *p, const char *key, const char *v,
	       uint16_t type, uint16_t *ret);
int value_curve(struct parser *p, const char *key, const char *v,
		struct curve *ret);
int value_point(struct parser *p, const char *key, const char *v,
		struct curve *curve);
int value_usb_id(struct parser *p, const char *key, const char *v,
		 uint16_t *ret_vendor, uint16_t *ret_product);
int value_swallow(struct parser *p, const char *key, const char *v, uint32_t *ret);

/* Whether @name is a valid section name (letters, digits, "_.-"). */
bool valid_name(const char *name);

/* Remembers a name to resolve once the file is read; 0 or -ENOMEM. */
int parser_add_ref(struct parser *p, enum ref_kind kind, unsigned int profile,
		   unsigned int index, const char *text);

/* config-check.c: checks at the end of a section and of the file. */
void check_section_end(struct parser *p);
void check_file_end(struct parser *p);

/* config-shape.c: what games make of the stick's shape (shape.h); after derive_stick. */
void check_stick_shape(struct parser *p);

#endif
