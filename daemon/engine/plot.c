// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ASCII and SVG plots of an axis' response; see plot.h.  Numbers are
 * written in the C locale whatever the caller's LC_NUMERIC is.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "engine/plot.h"

#define SVG_POINTS	201
#define ASCII_MAX	1024	/* columns and rows */

/* "axis roll -> ABS_X: expo:0.3, deadzone 0.05, outer_deadzone 0, inverted" */
void plot_title(const struct jsd_axis_cfg *a, char *buf, size_t size)
{
	const struct curve_response *r = &a->response;
	const char *target = codes_name(EV_ABS, a->target);
	char curve[32];

	switch (r->curve.kind) {
	case CURVE_EXPO:
		snprintf(curve, sizeof(curve), "expo:%g", r->curve.param);
		break;
	case CURVE_POWER:
		snprintf(curve, sizeof(curve), "power:%g", r->curve.param);
		break;
	case CURVE_POINTS:
		snprintf(curve, sizeof(curve), "points (%u)", r->curve.n);
		break;
	case CURVE_LINEAR:
		snprintf(curve, sizeof(curve), "linear");
		break;
	}
	snprintf(buf, size, "axis %s -> %s: %s, deadzone %g, outer_deadzone %g%s",
		 a->name, target ? target : "?", curve, r->deadzone, r->outer_deadzone,
		 r->invert ? ", inverted" : "");
}

/* Row of output y in a plot of @rows rows: +1 at the top (row 0). */
static unsigned int row_of(double y, unsigned int rows)
{
	return (unsigned int)lround((1.0 - y) / 2.0 * (rows - 1));
}

void plot_grid(const struct jsd_axis_cfg *a, unsigned int cols, unsigned int rows,
	       double mark, char *grid)
{
	unsigned int prev = 0;

	memset(grid, ' ', (size_t)cols * rows);
	for (unsigned int r = 0; r < rows; r++)
		grid[(size_t)r * cols + cols / 2] = '|';
	memset(grid + (size_t)(rows / 2) * cols, '-', cols);
	grid[(size_t)(rows / 2) * cols + cols / 2] = '+';

	for (unsigned int c = 0; c < cols; c++) {
		double x = -1.0 + 2.0 * c / (cols - 1);
		unsigned int row = row_of(curve_response_eval(&a->response, x), rows);
		unsigned int lo = row, hi = row;

		/* Fill the step from the previous column, so steep parts stay joined. */
		if (c > 0 && prev + 1 < row)
			lo = prev + 1;
		if (c > 0 && row + 1 < prev)
			hi = prev - 1;
		for (unsigned int r = lo; r <= hi; r++)
			grid[(size_t)r * cols + c] = '*';
		prev = row;
	}
	if (mark >= -1.0 && mark <= 1.0) {
		unsigned int c = (unsigned int)lround((mark + 1.0) / 2.0 * (cols - 1));

		grid[(size_t)row_of(curve_response_eval(&a->response, mark), rows) * cols + c] = 'O';
	}
}

static int draw_ascii(FILE *f, const struct jsd_axis_cfg *a,
		      unsigned int cols, unsigned int rows, double mark)
{
	char title[256];
	char *grid;

	cols = cols < PLOT_MIN_COLS ? PLOT_MIN_COLS : cols > ASCII_MAX ? ASCII_MAX : cols;
	rows = rows < PLOT_MIN_ROWS ? PLOT_MIN_ROWS : rows > ASCII_MAX ? ASCII_MAX : rows;
	cols |= 1;
	rows |= 1;
	grid = malloc((size_t)cols * rows);
	if (!grid)
		return -ENOMEM;
	plot_grid(a, cols, rows, mark, grid);

	plot_title(a, title, sizeof(title));
	fprintf(f, "%s\n", title);
	for (unsigned int r = 0; r < rows; r++) {
		const char *label = r == 0 ? " +1" : r == rows / 2 ? "  0" : r == rows - 1 ? " -1" : "";

		fprintf(f, "%3s %.*s\n", label, (int)cols, grid + (size_t)r * cols);
	}
	fprintf(f, "   -1%*s0%*s+1\n", (int)(cols / 2 - 1), "", (int)(cols / 2 - 2), "");
	free(grid);
	return 0;
}

static int draw_svg(FILE *f, const struct jsd_axis_cfg *a, unsigned int width,
		    unsigned int height)
{
	const double margin = 40.0;
	double w = (width < 100 ? 100 : width) - 2 * margin;
	double h = (height < 100 ? 100 : height) - 2 * margin;
	char title[256];

	plot_title(a, title, sizeof(title));
	width = width < 100 ? 100 : width;
	height = height < 100 ? 100 : height;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\">\n"
		"<title>%s</title>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		width, height, width, height, title);
	for (int i = -2; i <= 2; i++) {
		double gx = margin + (i + 2) / 4.0 * w;
		double gy = margin + (i + 2) / 4.0 * h;
		const char *stroke = i == 0 ? "#000000" : "#cccccc";

		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\"/>\n",
			gx, margin, gx, margin + h, stroke);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\"/>\n",
			margin, gy, margin + w, gy, stroke);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
			gx, margin + h + 16, i / 2.0);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
			margin - 6, gy + 4, -i / 2.0);
	}
	fprintf(f, "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"");
	for (int i = 0; i < SVG_POINTS; i++) {
		double x = -1.0 + 2.0 * i / (SVG_POINTS - 1);
		double y = curve_response_eval(&a->response, x);

		fprintf(f, "%s%.2f,%.2f", i ? " " : "", margin + (x + 1.0) / 2.0 * w,
			margin + (1.0 - y) / 2.0 * h);
	}
	fprintf(f, "\"/>\n<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n"
		"</svg>\n", width / 2.0, margin / 2.0, title);
	return 0;
}

/* Runs a plot writer in the C locale and turns stream errors into -EIO. */
static int in_c_locale(FILE *f, int (*plot)(FILE *, const struct jsd_axis_cfg *,
					     unsigned int, unsigned int, double),
		       const struct jsd_axis_cfg *a, unsigned int w, unsigned int h,
		       double mark)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t old;
	int r;

	if (!c)
		return -ENOMEM;
	old = uselocale(c);
	r = plot(f, a, w, h, mark);
	uselocale(old);
	freelocale(c);
	if (r == 0 && (fflush(f) != 0 || ferror(f)))
		r = -EIO;
	return r;
}

static int svg_adapter(FILE *f, const struct jsd_axis_cfg *a, unsigned int w,
		       unsigned int h, double mark)
{
	return draw_svg(f, a, w, h);
}

int plot_ascii(FILE *f, const struct jsd_axis_cfg *axis,
	       unsigned int cols, unsigned int rows, double mark)
{
	return in_c_locale(f, draw_ascii, axis, cols, rows, mark);
}

int plot_svg(FILE *f, const struct jsd_axis_cfg *axis,
	     unsigned int width, unsigned int height)
{
	return in_c_locale(f, svg_adapter, axis, width, height, NAN);
}
