// SPDX-License-Identifier: GPL-2.0-or-later
/* Percentiles of latency samples; see bvm.h. */
#include <math.h>
#include <stdlib.h>

#include "bvm.h"

static int bvm_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void bvm_sort(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), bvm_cmp);
}

/* Nearest rank: the smallest sample with at least q of the samples at or below it. */
int64_t bvm_quantile(const int64_t *v, size_t n, double q)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (size_t)ceil(q * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}
