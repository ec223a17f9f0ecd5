/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the unit tests: a configuration parsed from a string, or the test
 * fails with the loader's error (file:line and the reason).  Include it
 * after <cmocka.h>.
 */
#ifndef JSD_UNIT_CONFIG_H
#define JSD_UNIT_CONFIG_H

#include "engine/config.h"

static inline struct jsd_config *unit_config(const char *text)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char msg[600];

	if (jsd_config_parse_string("test.ini", text, &cfg, &err) < 0)
		fail_msg("%s", jsd_error_format(&err, msg, sizeof(msg)));
	return cfg;
}

#endif
