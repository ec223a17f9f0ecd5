/* SPDX-License-Identifier: GPL-2.0-or-later */
/* joystickctl's side of the control socket (control-proto.h). */
#ifndef JSD_CTL_CLIENT_H
#define JSD_CTL_CLIENT_H

#include <stddef.h>

struct ctl_conn {
	int fd;
	size_t len;		/* bytes buffered in buf */
	char buf[65536];	/* longer lines than this are refused */
};

/* 0 or -errno (-ENOENT/-ECONNREFUSED: no daemon, -EACCES: no permission). */
int ctl_connect(const char *path, struct ctl_conn *c);
void ctl_close(struct ctl_conn *c);

/*
 * Sends @line (no newline) and collects the answer.  Returns 0 with the
 * payload in *ret_payload (malloc'ed, may be ""), -EREMOTEIO with the
 * daemon's message in *ret_payload, or another -errno for a transport
 * failure (*ret_payload untouched).
 */
int ctl_request(struct ctl_conn *c, const char *line, char **ret_payload);

#endif
