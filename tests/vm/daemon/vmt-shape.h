/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stick's shape in the real daemon: vmt-shape.c. */
#ifndef VMT_SHAPE_H
#define VMT_SHAPE_H

#include <stdbool.h>

/*
 * Reports @test: the input device called @stick_name has @want_axes axes,
 * each with flat 0 and fuzz 0.
 */
bool vmt_flat_fuzz_zero(const char *test, const char *stick_name, int want_axes);

/*
 * Reports shape-check-config, shape-start-refused, shape-start-warns,
 * stick-flat-fuzz-nine-axes, shape-reload-refused and shape-reload-warns;
 * runs daemons of its own, so no other may hold the capture.
 */
void vmt_shape(void);

#endif
