/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket protocol between joystickd and joystickctl.
 *
 * A stream Unix socket.  The client sends one request per line:
 *
 *	COMMAND [ARGUMENT...]\n
 *
 * and the daemon answers either
 *
 *	OK <n>\n		followed by exactly n payload lines, or
 *	ERR <message>\n
 *
 * so payload lines need no escaping (an SVG plot is a payload too).  A
 * connection may carry any number of requests in turn (`joystickctl
 * monitor` sends "state" 60+ times a second on one connection).  See
 * joystickctl(1) for the commands and what they print.
 */
#ifndef JSD_CONTROL_PROTO_H
#define JSD_CONTROL_PROTO_H

#define CONTROL_SOCKET_PATH	"/run/joystickd/control.sock"
#define CONTROL_GROUP		"joystickd"
/*
 * The longest request line, newline included, and the most words in it:
 * room for "set AXIS curve points" and 32 points of any precision.
 * Words are separated by blanks; a word cannot hold one.
 */
#define CONTROL_MAX_LINE	1024
#define CONTROL_MAX_ARGS	40

#endif
