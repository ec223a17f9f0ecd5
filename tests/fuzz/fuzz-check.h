/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An invariant of a fuzz harness: a violation aborts, so libFuzzer keeps the input. */
#ifndef JSD_FUZZ_CHECK_H
#define JSD_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond, what)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
				__FILE__, __LINE__, what);			\
			abort();						\
		}								\
	} while (0)

#endif
