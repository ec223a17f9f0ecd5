/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket commands of joystickd (joystickctl(1)); see commands.c. */
#ifndef JSD_COMMANDS_H
#define JSD_COMMANDS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * The control_handler_t of the control socket (control.h), main thread;
 * @userdata is the struct manager.
 */
int commands_run(void *userdata, uid_t uid, int argc, char **argv, FILE *out, char *err,
		 size_t err_size);

/*
 * commands-live.c: the live-change and tune commands.  Returns what
 * commands_run() returns, or COMMANDS_NOT_LIVE when @argv is none of them.
 */
#define COMMANDS_NOT_LIVE	1
struct manager;
int commands_live_run(struct manager *m, uid_t uid, int argc, char **argv, FILE *out,
		      char *err, size_t err_size);

#endif
