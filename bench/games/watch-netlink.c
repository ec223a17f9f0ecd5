// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A trigger of the game watcher (daemon/games/watch-int.h) that the bench
 * measures against the daemon's /proc scan: the kernel's process
 * connector (NETLINK_CONNECTOR, CN_IDX_PROC) tells every exec and every
 * rename (PROC_EVENT_EXEC, PROC_EVENT_COMM), and the process is looked at
 * then.  A classic BPF filter on the socket drops every other event (fork,
 * exit, uid changes ... and the renames of threads) in the kernel, so they
 * wake nothing; exits come from the core's pidfds as in the daemon.  It
 * needs CAP_NET_ADMIN in the initial user namespace (cn_proc refuses the
 * subscription without it) and the initial network namespace.
 *
 * Built into joystickd-netlink by bench/games/games.mk, never shipped.
 */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "games/watch-int.h"

/* The socket's buffer: room for bursts of events while the daemon is busy. */
#define RCVBUF_BYTES	(4 << 20)

struct watch_trigger {
	int fd;
	sd_event_source *source;
	unsigned long overflows;	/* events lost (ENOBUFS): every process looked at again */
};

/* Offsets in a datagram: nlmsghdr, cn_msg, then the proc_event. */
#define EV_OFF		(NLMSG_LENGTH(0) + sizeof(struct cn_msg))
#define WHAT_OFF	(EV_OFF + offsetof(struct proc_event, what))
#define PID_OFF		(EV_OFF + offsetof(struct proc_event, event_data.exec.process_pid))
#define TGID_OFF	(EV_OFF + offsetof(struct proc_event, event_data.exec.process_tgid))

/* Keeps exec events, and comm events of a process's main thread; drops the rest. */
static int attach_filter(int fd)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, WHAT_OFF),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(PROC_EVENT_EXEC), 6, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(PROC_EVENT_COMM), 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, PID_OFF),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, TGID_OFF),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

static int subscribe(int fd)
{
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) msg;

	memset(&msg, 0, sizeof(msg));
	msg.nl.nlmsg_len = sizeof(msg);
	msg.nl.nlmsg_type = NLMSG_DONE;
	msg.nl.nlmsg_pid = (__u32)getpid();
	msg.cn.id.idx = CN_IDX_PROC;
	msg.cn.id.val = CN_VAL_PROC;
	msg.cn.len = sizeof(msg.op);
	msg.op = PROC_CN_MCAST_LISTEN;
	return send(fd, &msg, sizeof(msg), 0) < 0 ? -errno : 0;
}

static int on_events(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct games_watch *w = userdata;
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		const struct proc_event *ev;

		if (n < 0) {
			if (errno == ENOBUFS) {
				/* events lost: look at everything; the bench counts these lines */
				fprintf(stderr, "netlink: events lost (%lu), every process looked at again\n",
					++w->trigger->overflows);
				watch_examine_all(w);
			}
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			break;
		}
		if ((size_t)n < EV_OFF + sizeof(*ev))
			continue;
		ev = (const struct proc_event *)(buf + EV_OFF);
		if (ev->what == PROC_EVENT_EXEC)
			watch_examine(w, ev->event_data.exec.process_tgid);
		else if (ev->what == PROC_EVENT_COMM)
			watch_examine(w, ev->event_data.comm.process_tgid);
	}
	return 0;
}

int watch_trigger_start(struct games_watch *w)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct watch_trigger *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	w->trigger = t;
	t->fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (t->fd < 0)
		return -errno;
	if (bind(t->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(t->fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ RCVBUF_BYTES }, sizeof(int)) < 0)
		return -errno;
	r = attach_filter(t->fd);
	if (r == 0)
		r = subscribe(t->fd);
	if (r == 0)
		r = sd_event_add_io(w->event, &t->source, t->fd, EPOLLIN, on_events, w);
	return r;
}

void watch_trigger_restart(struct games_watch *w)
{
}

void watch_trigger_stop(struct games_watch *w)
{
	struct watch_trigger *t = w->trigger;

	if (!t)
		return;
	sd_event_source_disable_unref(t->source);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
	w->trigger = NULL;
}
