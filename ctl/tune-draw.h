/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drawing of `joystickctl tune`, kept apart from its state (ctl-tune.c):
 * tune_draw() paints one frame of the screen from a struct tune_view and
 * does nothing else (no request, no state kept).  The curve is plot.c's
 * picture (plot_grid()), drawn with Unicode characters in a UTF-8 locale
 * and ASCII elsewhere; colours only when the terminal has them and
 * NO_COLOR is not set.
 */
#ifndef JSD_TUNE_DRAW_H
#define JSD_TUNE_DRAW_H

#include <stdbool.h>

#include "engine/config.h"

/* The smallest screen the tuner draws in; 80x24 is the usual. */
#define TUNE_MIN_COLS	60
#define TUNE_MIN_ROWS	18

/* One parameter in the list, as shown. */
struct tune_row {
	char label[24];
	char value[24];
};

struct tune_view {
	bool utf8;			/* Unicode characters, else ASCII */
	bool color;
	const struct jsd_axis_cfg *axis;	/* what runs */
	const char *profile;
	unsigned int axis_index, n_axes;
	bool active;			/* capture on */
	unsigned int unsaved;		/* changes not saved to the file */
	/* The live stick: position s, trim t, output y, the value the stick reports. */
	double position, trim, output;
	int value;
	double counts_per_s;		/* source counts reaching the axis */
	const struct tune_row *rows;
	unsigned int n_rows, selected;
	const char *help;		/* what the selected parameter is */
	const char *prompt;		/* typing a value: "sensitivity = ", else NULL */
	const char *typed;
	const char *message;		/* the last action's outcome */
	bool message_error;
};

/*
 * Takes the terminal (curses mode: keys one by one without echo, no
 * wait for them, the cursor hidden; colours if wanted and there), and
 * gives it back as it was.  0, or -1 when it cannot be drawn on.
 */
int tune_screen_start(bool color);
void tune_screen_stop(void);

/* Paints one frame of @v on stdscr and refreshes it. */
void tune_draw(const struct tune_view *v);

#endif
