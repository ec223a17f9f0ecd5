/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The processes of /proc, as the game watcher reads them: the pids, and a
 * process's comm and command line.  Each call returns 0 or -errno and never
 * logs; -ENOENT and -ESRCH mean the process is gone (or hidden from us:
 * /proc mounted with hidepid, joystickd.service's ProtectProc=).
 *
 * Cheap by design: /proc stays open, a listing is getdents64() into the
 * caller's buffer (no allocation, no stat), a process's texts are two
 * openat()/read()/close() relative to it.  Works with ProcSubset=pid.
 */
#ifndef JSD_GAMES_PROC_H
#define JSD_GAMES_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "engine/games.h"

#define PROC_COMM_MAX		16	/* TASK_COMM_LEN, NUL included */
#define PROC_CMDLINE_MAX	4096	/* of a command line read: argv[0..2] fit */

/* A process's texts, as games_match() takes them (games_process_of()). */
struct proc_text {
	char comm[PROC_COMM_MAX];
	char cmdline[PROC_CMDLINE_MAX];
	size_t cmdline_len;
};

/* /proc, open, and how it lists. */
struct proc_dir {
	int fd;			/* O_DIRECTORY */
	long long base;		/* /proc lists pid P at position base + P; -1 until learnt */
	void *buf;		/* getdents64() buffer */
	size_t buf_size;
};

/* Opens /proc; 0 or -errno.  proc_close() undoes it, also a failed open. */
int proc_open(struct proc_dir *d);
void proc_close(struct proc_dir *d);

/*
 * The pids above @after (0: all) in ascending order, as /proc lists them,
 * into *@pids, grown as needed (realloc; *@cap is its size); the count in
 * *ret_n.  A listing from @after seeks to the position after it (a whole
 * listing learns where each pid is: getdents64()'s d_off), so it costs
 * what it finds, not what runs; -EAGAIN until a whole listing learnt it.
 */
int proc_list(struct proc_dir *d, pid_t after, pid_t **pids, size_t *cap, size_t *ret_n);

/* How many processes the system has (the kernel's count, /proc's link count, plus a constant). */
int proc_count(const struct proc_dir *d, unsigned long *ret);

/* /proc/PID/comm without its newline. */
int proc_read_comm(int proc_fd, pid_t pid, char comm[PROC_COMM_MAX]);

/* comm and cmdline (at most PROC_CMDLINE_MAX bytes of it). */
int proc_read(int proc_fd, pid_t pid, struct proc_text *ret);

/* @t as games_match() takes it. */
struct games_process games_process_of(const struct proc_text *t);

#endif
