/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket server: listens on a Unix socket, admits root and the
 * members of one group (checked with SO_PEERCRED and SO_PEERGROUPS), splits
 * requests into words and hands them to a handler on the event loop.
 *
 * Limits, so that no client can lock another out: at most
 * CONTROL_MAX_PER_UID connections per user other than root, and the
 * others together leave CONTROL_ROOT_RESERVE of CONTROL_MAX_CLIENTS free
 * for root.  A connection that makes no progress (no request read, no
 * answer byte taken) for CONTROL_IDLE_USEC is closed.  A refused client
 * gets one "ERR ..." line saying why, and the connection closes.  A
 * client that shuts down its side still gets every answer; the socket is
 * then only polled for writing.
 */
#ifndef JSD_CONTROL_H
#define JSD_CONTROL_H

#include <stdio.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "control-proto.h"	/* CONTROL_MAX_LINE, CONTROL_MAX_ARGS */

#define CONTROL_MAX_CLIENTS	64
#define CONTROL_ROOT_RESERVE	8
#define CONTROL_MAX_PER_UID	8
#define CONTROL_IDLE_USEC	(10 * 1000000ull)

/*
 * Called for each request of a client of user @uid.  Writes payload lines
 * to @out and returns 0, or returns a negative errno with a message in
 * @err (the daemon answers "ERR <err>").
 */
typedef int (*control_handler_t)(void *userdata, uid_t uid, int argc, char **argv,
				 FILE *out, char *err, size_t err_size);

struct control;

/*
 * Binds @path (creating its directory if missing), mode 0660 owned by group
 * @group, or mode 0600 and root only when @group is (gid_t)-1.  A stale
 * socket there (nobody listens) is replaced; a live one gives -EADDRINUSE
 * and anything that is not a socket -EEXIST, both left alone.
 * @group_name is for the refusal message.
 */
int control_new(sd_event *event, const char *path, gid_t group, const char *group_name,
		control_handler_t handler, void *userdata, struct control **ret);
/* Closes every connection and removes the socket file. */
struct control *control_free(struct control *c);

#endif
