// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ini rewriter; see ini-edit.h.
 *
 * Each edit is applied to the text the previous one left: the text is cut
 * into lines (scan()), the lines of the edit's section found, and the new
 * text assembled from pieces, each a line's content and its line end,
 * most of them pointing into the old text unchanged.  Lines are read with
 * the loader's rules (config.c's reader, then libinih): the same lines
 * are sections, keys and comments to both.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ini-edit.h"

#define BOM	"\xef\xbb\xbf"

enum line_kind {
	LINE_OTHER,	/* blank, comment, or not a key line */
	LINE_SECTION,
	LINE_KEY,
};

/* One line of the text; offsets into it. */
struct line {
	size_t start;		/* the first byte */
	size_t end;		/* end of the content: before the '\r's and the '\n' */
	size_t next;		/* the next line's first byte (after the '\n') */
	enum line_kind kind;
	size_t head;		/* where the blanks before the line's text end */
	size_t key_end;		/* LINE_KEY: the key is [head, key_end) */
	size_t value, value_end;	/* LINE_KEY: the value as the loader reads it */
	size_t word, word_end, name, name_end;	/* LINE_SECTION: "[word name]" */
};

struct scan {
	const char *text;
	size_t len;
	struct line *lines;
	size_t n;
};

/* inih's find_chars_or_comment(): the first of @chars, or a ';' after white space. */
static size_t find_or_comment(const char *t, size_t i, size_t end, const char *chars)
{
	bool was_space = false;

	for (; i < end; i++) {
		if (chars && strchr(chars, t[i]))
			break;
		if (was_space && t[i] == ';')
			break;
		was_space = isspace((unsigned char)t[i]);
	}
	return i;
}

static size_t skip_space(const char *t, size_t i, size_t end)
{
	while (i < end && isspace((unsigned char)t[i]))
		i++;
	return i;
}

static size_t trim_space(const char *t, size_t start, size_t end)
{
	while (end > start && isspace((unsigned char)t[end - 1]))
		end--;
	return end;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "[word name]": config.c's section_line() and section_begin(). */
static void scan_section(const char *t, struct line *l)
{
	size_t i = l->head + 1, close = i, end;

	while (close < l->end && t[close] != ']')
		close++;
	if (close == l->end)
		return;		/* no ']': the loader refuses it */
	l->kind = LINE_SECTION;
	while (i < close && is_blank(t[i]))
		i++;
	end = close;
	while (end > i && is_blank(t[end - 1]))
		end--;
	l->word = i;
	while (i < end && !is_blank(t[i]))
		i++;
	l->word_end = i;
	while (i < end && is_blank(t[i]))
		i++;
	l->name = i;
	l->name_end = end;
}

/* "key = value ; comment": libinih's reading of a name/value line. */
static void scan_key(const char *t, struct line *l)
{
	size_t end = trim_space(t, l->head, l->end);
	size_t sep = find_or_comment(t, l->head, end, "=:");

	if (sep == end || (t[sep] != '=' && t[sep] != ':'))
		return;
	l->kind = LINE_KEY;
	l->key_end = trim_space(t, l->head, sep);
	l->value = skip_space(t, sep + 1, end);
	l->value_end = trim_space(t, l->value, find_or_comment(t, l->value, end, NULL));
}

static int scan(const char *text, size_t len, struct scan *s)
{
	size_t cap = 16, pos = 0;

	*s = (struct scan){ .text = text, .len = len };
	s->lines = malloc(cap * sizeof(*s->lines));
	if (!s->lines)
		return -ENOMEM;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		struct line *l;

		if (s->n == cap) {
			struct line *grown = reallocarray(s->lines, cap *= 2, sizeof(*grown));

			if (!grown) {
				free(s->lines);
				return -ENOMEM;
			}
			s->lines = grown;
		}
		l = &s->lines[s->n++];
		*l = (struct line){ .start = pos, .next = nl ? (size_t)(nl - text) + 1 : len };
		/*
		 * The line end is the '\n' and the '\r's before it.  A last line
		 * without '\n' keeps its '\r's as content (the loader drops
		 * them, as blanks): they are no line end a new line could follow.
		 */
		l->end = nl ? (size_t)(nl - text) : len;
		while (nl && l->end > pos && text[l->end - 1] == '\r')
			l->end--;
		l->head = pos;
		if (s->n == 1 && len - pos >= 3 && memcmp(text, BOM, 3) == 0)
			l->head += 3;
		while (l->head < l->end && is_blank(text[l->head]))
			l->head++;
		pos = l->next;

		if (l->head == l->end || text[l->head] == ';' || text[l->head] == '#')
			continue;
		if (text[l->head] == '[')
			scan_section(text, l);
		else
			scan_key(text, l);
	}
	return 0;
}

static bool span_is(const char *t, size_t start, size_t end, const char *word)
{
	return strlen(word) == end - start && memcmp(t + start, word, end - start) == 0;
}

/*
 * The lines of [axis @axis] in profile @profile: the section line's index
 * in *ret_first, the index of the next section's line (or n) in *ret_end.
 */
static int find_section(const struct scan *s, const char *profile, const char *axis,
			size_t *ret_first, size_t *ret_end)
{
	const char *t = s->text;
	bool in_profile = strcmp(profile, INI_EDIT_DEFAULT_PROFILE) == 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct line *l = &s->lines[i];

		if (l->kind != LINE_SECTION)
			continue;
		if (span_is(t, l->word, l->word_end, "profile")) {
			in_profile = span_is(t, l->name, l->name_end, profile);
			continue;
		}
		if (!in_profile || !span_is(t, l->word, l->word_end, "axis") ||
		    !span_is(t, l->name, l->name_end, axis))
			continue;
		*ret_first = i;
		for (i++; i < s->n && s->lines[i].kind != LINE_SECTION; i++)
			;
		*ret_end = i;
		return 0;
	}
	return -ENOENT;
}

static bool line_has_key(const struct scan *s, size_t i, const char *key)
{
	const struct line *l = &s->lines[i];

	return l->kind == LINE_KEY && span_is(s->text, l->head, l->key_end, key);
}

int ini_edit_check_value(const char *value)
{
	size_t n = strlen(value);

	if (n == 0 || isspace((unsigned char)value[0]) || isspace((unsigned char)value[n - 1]))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
			return -EINVAL;
		if (value[i] == ';' && i > 0 && isspace((unsigned char)value[i - 1]))
			return -EINVAL;
	}
	return 0;
}

/* A key the loader reads back as the same key: no blank, separator or comment in it. */
static int check_key(const char *key)
{
	if (!*key || strchr(";#[", key[0]))
		return -EINVAL;
	for (const char *p = key; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '=' || *p == ':')
			return -EINVAL;
	return 0;
}

/* ---- the new text, as pieces: a line's content and its line end */

struct piece {
	const char *content;
	size_t content_len;
	const char *eol;
	size_t eol_len;
	char *owned;		/* content allocated here */
};

struct pieces {
	struct piece *v;
	size_t n, cap;
};

static struct piece *piece_add(struct pieces *p)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 32;
		struct piece *grown = reallocarray(p->v, cap, sizeof(*grown));

		if (!grown)
			return NULL;
		p->v = grown;
		p->cap = cap;
	}
	p->v[p->n] = (struct piece){ 0 };
	return &p->v[p->n++];
}

static int piece_line(struct pieces *p, const struct scan *s, size_t i)
{
	const struct line *l = &s->lines[i];
	struct piece *pc = piece_add(p);

	if (!pc)
		return -ENOMEM;
	*pc = (struct piece){ .content = s->text + l->start, .content_len = l->end - l->start,
			      .eol = s->text + l->end, .eol_len = l->next - l->end };
	return 0;
}

/* A line of content @a @b @c (any may be empty), ended like @eol. */
static int piece_new(struct pieces *p, const char *a, size_t a_len, const char *b,
		     const char *c, size_t c_len, const char *d, const char *eol, size_t eol_len)
{
	size_t b_len = strlen(b), d_len = strlen(d);
	struct piece *pc;
	char *s;

	s = malloc(a_len + b_len + c_len + d_len + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, a, a_len);
	memcpy(s + a_len, b, b_len);
	memcpy(s + a_len + b_len, c, c_len);
	memcpy(s + a_len + b_len + c_len, d, d_len);
	pc = piece_add(p);
	if (!pc) {
		free(s);
		return -ENOMEM;
	}
	*pc = (struct piece){ .content = s, .content_len = a_len + b_len + c_len + d_len,
			      .eol = eol, .eol_len = eol_len, .owned = s };
	return 0;
}

static void pieces_free(struct pieces *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].owned);
	free(p->v);
}

/*
 * Joins the pieces: every line but the last ends (a line that was the
 * last one and is not any more gets @eol), and the last ends only if the
 * old text did.
 */
static int pieces_join(struct pieces *p, bool final_eol, const char *eol, size_t eol_len,
		       char **ret, size_t *ret_len)
{
	size_t len = 0, at = 0;
	char *out;

	for (size_t i = 0; i < p->n; i++) {
		struct piece *pc = &p->v[i];

		if (i + 1 < p->n && pc->eol_len == 0) {
			pc->eol = eol;
			pc->eol_len = eol_len;
		} else if (i + 1 == p->n && !final_eol) {
			pc->eol_len = 0;
		}
		len += pc->content_len + pc->eol_len;
	}
	out = malloc(len + 1);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		memcpy(out + at, p->v[i].content, p->v[i].content_len);
		at += p->v[i].content_len;
		memcpy(out + at, p->v[i].eol, p->v[i].eol_len);
		at += p->v[i].eol_len;
	}
	out[len] = '\0';
	*ret = out;
	*ret_len = len;
	return 0;
}

/* ---- one edit */

/* How a new key line looks: like @tmpl (a key line), or "key = value" without one. */
struct shape {
	const char *indent, *sep, *eol;
	size_t indent_len, sep_len, eol_len;
};

static struct shape shape_of(const struct scan *s, const struct line *tmpl,
			     const char *eol, size_t eol_len)
{
	struct shape sh = { .indent = "", .sep = " = ", .sep_len = 3, .eol = eol,
			    .eol_len = eol_len };
	const char *t = s->text;

	if (tmpl && tmpl->kind == LINE_KEY) {
		size_t from = tmpl->start;

		if (from == 0 && s->len >= 3 && memcmp(t, BOM, 3) == 0)
			from = 3;
		sh.indent = t + from;
		sh.indent_len = tmpl->head - from;
		if (tmpl->value < tmpl->end) {
			sh.sep = t + tmpl->key_end;
			sh.sep_len = tmpl->value - tmpl->key_end;
		}
	}
	if (tmpl && tmpl->next > tmpl->end) {
		sh.eol = t + tmpl->end;
		sh.eol_len = tmpl->next - tmpl->end;
	}
	return sh;
}

static int add_key_lines(struct pieces *p, const struct shape *sh, const struct ini_edit *e)
{
	for (unsigned int v = 0; v < e->n_values; v++) {
		int r = piece_new(p, sh->indent, sh->indent_len, e->key, sh->sep, sh->sep_len,
				  e->values[v], sh->eol, sh->eol_len);

		if (r < 0)
			return r;
	}
	return 0;
}

/* The first line end of the text, for lines that need one: "\n" if it has none. */
static void text_eol(const struct scan *s, const char **ret, size_t *ret_len)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->lines[i].next > s->lines[i].end) {
			*ret = s->text + s->lines[i].end;
			*ret_len = s->lines[i].next - s->lines[i].end;
			return;
		}
	}
	*ret = "\n";
	*ret_len = 1;
}

static int apply_one(const struct scan *s, const struct ini_edit *e, char **ret, size_t *ret_len)
{
	struct pieces p = { 0 };
	size_t first, end, n_found = 0, found = 0, anchor;
	bool final_eol = s->len > 0 && s->text[s->len - 1] == '\n';
	const struct line *tmpl;
	const char *eol;
	size_t eol_len;
	struct shape sh;
	int r;

	r = find_section(s, e->profile, e->axis, &first, &end);
	if (r < 0)
		return r;
	text_eol(s, &eol, &eol_len);
	anchor = first;
	for (size_t i = first + 1; i < end; i++) {
		if (s->lines[i].kind == LINE_KEY)
			anchor = i;
		if (line_has_key(s, i, e->key) && n_found++ == 0)
			found = i;
	}
	if (n_found == 0 && e->after) {
		for (size_t i = first + 1; i < end; i++)
			if (line_has_key(s, i, e->after))
				anchor = i;
	}
	tmpl = &s->lines[n_found ? found : anchor];
	sh = shape_of(s, tmpl, eol, eol_len);

	for (size_t i = 0; i < s->n && r == 0; i++) {
		const struct line *l = &s->lines[i];

		if (n_found == 1 && e->n_values == 1 && i == found) {
			/* The value's bytes, and nothing else of the line. */
			r = piece_new(&p, s->text + l->start, l->value - l->start, e->values[0],
				      s->text + l->value_end, l->end - l->value_end, "",
				      s->text + l->end, l->next - l->end);
		} else if (n_found && i == found) {
			r = add_key_lines(&p, &sh, e);
		} else if (n_found && i > first && i < end && line_has_key(s, i, e->key)) {
			continue;	/* the rest of the block goes */
		} else {
			r = piece_line(&p, s, i);
			if (r == 0 && !n_found && i == anchor)
				r = add_key_lines(&p, &sh, e);
		}
	}
	if (r == 0)
		r = pieces_join(&p, final_eol, eol, eol_len, ret, ret_len);
	pieces_free(&p);
	return r;
}

static int check_edit(const struct ini_edit *e)
{
	if (check_key(e->key) < 0)
		return -EINVAL;
	for (unsigned int v = 0; v < e->n_values; v++)
		if (ini_edit_check_value(e->values[v]) < 0)
			return -EINVAL;
	return 0;
}

int ini_edit_apply(const char *text, size_t len, const struct ini_edit *edits, size_t n,
		   char **ret, size_t *ret_len, size_t *ret_failed)
{
	char *cur, *next = NULL;
	size_t cur_len = len, next_len = 0, i;
	int r = 0;

	cur = malloc(len + 1);
	if (!cur)
		return -ENOMEM;
	memcpy(cur, text, len);
	cur[len] = '\0';
	for (i = 0; i < n; i++) {
		struct scan s;

		r = check_edit(&edits[i]);
		if (r == 0)
			r = scan(cur, cur_len, &s);
		if (r < 0)
			break;
		r = apply_one(&s, &edits[i], &next, &next_len);
		free(s.lines);
		if (r < 0)
			break;
		free(cur);
		cur = next;
		cur_len = next_len;
	}
	if (r < 0) {
		free(cur);
		if (ret_failed)
			*ret_failed = i;
		return r;
	}
	*ret = cur;
	*ret_len = cur_len;
	return 0;
}

int ini_edit_values(const char *text, size_t len, const char *profile, const char *axis,
		    const char *key, char ***ret_values, unsigned int *ret_n)
{
	struct scan s;
	size_t first, end;
	unsigned int n = 0;
	char **v = NULL;
	int r;

	r = scan(text, len, &s);
	if (r < 0)
		return r;
	r = find_section(&s, profile, axis, &first, &end);
	if (r < 0)
		goto out;
	v = calloc(end - first + 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = first + 1; i < end; i++) {
		const struct line *l = &s.lines[i];

		if (!line_has_key(&s, i, key))
			continue;
		v[n] = strndup(text + l->value, l->value_end - l->value);
		if (!v[n]) {
			ini_edit_values_free(v);
			r = -ENOMEM;
			goto out;
		}
		n++;
	}
	*ret_values = v;
	*ret_n = n;
 out:
	free(s.lines);
	return r;
}

void ini_edit_values_free(char **values)
{
	if (!values)
		return;
	for (char **v = values; *v; v++)
		free(*v);
	free(values);
}
