// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The screen of `joystickctl tune`; see tune-draw.h.  In 80x24:
 *
 *	row 0		title: axis, target, profile, capture, unsaved changes
 *	rows 2..18	the curve (plot_grid()), the live point on it; parameters
 *			and live values to its right
 *	row 19		the x axis: -1, 0, +1 and the trim point
 *	row 21		what the selected parameter is, or the value being typed
 *	row 22		the outcome of the last action
 *	row 23		the keys, always
 *
 * A larger screen gets a larger curve.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "engine/plot.h"
#include "tune-draw.h"

#define PANEL_COLS	30	/* the parameters and live values */
#define LABEL_COLS	4	/* "+1 " left of the curve */
#define LIVE_ROWS	7	/* the live values, their heading included */

enum pair { PAIR_CURVE = 1, PAIR_POINT, PAIR_ERROR, PAIR_OK, PAIR_TITLE };

static bool use_color;
static SCREEN *screen;

int tune_screen_start(bool color)
{
	set_escdelay(25);
	/* newterm(), not initscr(): that one exits on a terminal it does not know. */
	screen = newterm(NULL, stdout, stdin);
	if (!screen)
		return -1;
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	use_color = color && has_colors() && start_color() == OK;
	if (!use_color)
		return 0;
	use_default_colors();
	init_pair(PAIR_CURVE, COLOR_CYAN, -1);
	init_pair(PAIR_POINT, COLOR_YELLOW, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_TITLE, COLOR_BLUE, -1);
	return 0;
}

void tune_screen_stop(void)
{
	endwin();
	delscreen(screen);
	screen = NULL;
}

/* A colour pair when colours are on; bold or nothing otherwise. */
static attr_t look(enum pair p, attr_t fallback)
{
	return use_color ? COLOR_PAIR(p) | (p == PAIR_POINT || p == PAIR_ERROR ? A_BOLD : 0)
			 : fallback;
}

/* The character of a plot_grid() cell. */
static const char *glyph(char cell, bool utf8)
{
	switch (cell) {
	case '*':
		return utf8 ? "\u2022" : "*";	/* • */
	case 'O':
		return utf8 ? "\u25cf" : "O";	/* ● */
	case '|':
		return utf8 ? "\u2502" : "|";	/* │ */
	case '-':
		return utf8 ? "\u2500" : "-";	/* ─ */
	case '+':
		return utf8 ? "\u253c" : "+";	/* ┼ */
	default:
		return " ";
	}
}

/* @text at (@y, @x), cut at the right edge (ASCII only: one byte is one cell). */
static void put(int y, int x, attr_t a, const char *text)
{
	int room = COLS - x;

	if (y < 0 || y >= LINES || room <= 0)
		return;
	attron(a);
	mvaddnstr(y, x, text, room);
	attroff(a);
}

static void title(const struct tune_view *v)
{
	const char *target = codes_name(EV_ABS, v->axis->target);
	char line[256];

	snprintf(line, sizeof(line), " tune [axis %s] -> %s (%u of %u)  profile %s  capture %s  %u unsaved",
		 v->axis->name, target ? target : "?", v->axis_index + 1, v->n_axes, v->profile,
		 v->active ? "on" : "off", v->unsaved);
	put(0, 0, A_BOLD | look(PAIR_TITLE, 0), line);
}

/* The curve in @cols x @rows cells from (@top, LABEL_COLS), the live point on it. */
static void curve(const struct tune_view *v, int top, int cols, int rows)
{
	char *grid = malloc((size_t)cols * rows);
	int trim_col = (int)lround((v->trim + 1.0) / 2.0 * (cols - 1));

	if (!grid)
		return;
	plot_grid(v->axis, (unsigned int)cols, (unsigned int)rows, v->position, grid);
	for (int r = 0; r < rows; r++) {
		put(top + r, 0, 0, r == 0 ? " +1" : r == rows / 2 ? "  0" : r == rows - 1 ? " -1" : "");
		move(top + r, LABEL_COLS);
		for (int c = 0; c < cols; c++) {
			char cell = grid[(size_t)r * cols + c];
			attr_t a = cell == '*' ? look(PAIR_CURVE, 0) :
				   cell == 'O' ? look(PAIR_POINT, A_BOLD | A_REVERSE) : 0;

			attron(a);
			addstr(glyph(cell, v->utf8));
			attroff(a);
		}
	}
	/* The x axis: -1, 0, +1, and the trim point the stick returns to. */
	put(top + rows, LABEL_COLS - 1, 0, "-1");
	put(top + rows, LABEL_COLS + cols / 2, 0, "0");
	put(top + rows, LABEL_COLS + cols - 1, 0, "+1");
	put(top + rows, LABEL_COLS + trim_col, look(PAIR_POINT, A_BOLD), v->utf8 ? "\u25b2" : "^");
	free(grid);
}

/* The parameters from row @top, @height rows, scrolled to show the selected one. */
static void params(const struct tune_view *v, int top, int x, int height)
{
	unsigned int first = 0, shown = height > 1 ? (unsigned int)height - 1 : 0;
	char line[64];

	put(top, x, A_BOLD, "Parameters");
	if (v->selected >= shown)
		first = v->selected - shown + 1;
	for (unsigned int i = first; i < v->n_rows && i < first + shown; i++) {
		const struct tune_row *row = &v->rows[i];
		bool sel = i == v->selected;

		snprintf(line, sizeof(line), "%s%-15s %-11s", sel ? ">" : " ", row->label, row->value);
		put(top + 1 + (int)(i - first), x, sel ? A_REVERSE | A_BOLD : 0, line);
	}
}

static void live(const struct tune_view *v, int top, int x)
{
	const char *target = codes_name(EV_ABS, v->axis->target);
	char line[64];

	put(top, x, A_BOLD, "Live");
	snprintf(line, sizeof(line), " s position   %+8.3f", v->position);
	put(top + 1, x, look(PAIR_POINT, A_BOLD), line);
	snprintf(line, sizeof(line), " t trim       %+8.3f %s", v->trim, v->utf8 ? "\u25b2" : "^");
	put(top + 2, x, 0, line);
	snprintf(line, sizeof(line), " y output     %+8.3f", v->output);
	put(top + 3, x, 0, line);
	snprintf(line, sizeof(line), " %-12s %+8d", target ? target : "value", v->value);
	put(top + 4, x, 0, line);
	snprintf(line, sizeof(line), " mouse     %+9.0f /s", v->counts_per_s);
	put(top + 5, x, 0, line);
}

/* The keys, always on the last line: 79 columns, so they fit in 80. */
static void keys(bool utf8)
{
	static const char *const pairs[][2] = {
		{ "q", "quit" }, { "\u2191\u2193", "pick" }, { "\u2190\u2192", "step" },
		{ "[ ]", "big" }, { "=", "type" }, { "Tab", "axis" }, { "c", "centre" },
		{ "u", "undo" }, { "r", "revert" }, { "s", "save" },
	};

	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	move(LINES - 1, 0);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const char *key = pairs[i][0];

		if (!utf8 && i == 1)
			key = "^v";
		else if (!utf8 && i == 2)
			key = "<>";
		addstr(" ");
		attron(A_BOLD);
		addstr(key);
		attroff(A_BOLD);
		printw(" %s", pairs[i][1]);
	}
	attroff(A_REVERSE);
}

static void bottom(const struct tune_view *v)
{
	char line[300];

	if (v->prompt) {
		snprintf(line, sizeof(line), " %s%s", v->prompt, v->typed);
		put(LINES - 3, 0, A_BOLD, line);
		curs_set(1);
	} else {
		snprintf(line, sizeof(line), " %s", v->help ? v->help : "");
		put(LINES - 3, 0, 0, line);
		curs_set(0);
	}
	if (v->message) {
		snprintf(line, sizeof(line), " %s", v->message);
		put(LINES - 2, 0, v->message_error ? look(PAIR_ERROR, A_BOLD) : look(PAIR_OK, 0), line);
	}
	keys(v->utf8);
}

void tune_draw(const struct tune_view *v)
{
	int panel_x = COLS - PANEL_COLS;
	int cols = (panel_x - LABEL_COLS - 1) | 1;
	int rows = (LINES - 7) | 1;

	erase();
	if (COLS < TUNE_MIN_COLS || LINES < TUNE_MIN_ROWS) {
		mvprintw(0, 0, "joystickctl tune needs %dx%d, this terminal is %dx%d (q quits)",
			 TUNE_MIN_COLS, TUNE_MIN_ROWS, COLS, LINES);
		refresh();
		return;
	}
	if (rows > LINES - 7)
		rows -= 2;
	if (cols > panel_x - LABEL_COLS - 1)
		cols -= 2;
	title(v);
	curve(v, 2, cols, rows);
	params(v, 2, panel_x, rows + 1 - LIVE_ROWS - 1);
	live(v, 2 + rows + 1 - LIVE_ROWS, panel_x);
	bottom(v);
	if (v->prompt)
		move(LINES - 3, 1 + (int)strlen(v->prompt) + (int)strlen(v->typed));
	refresh();
}
