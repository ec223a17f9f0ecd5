// SPDX-License-Identifier: GPL-2.0-or-later
/* The control socket server; see control.h and control-proto.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control-proto.h"
#include "control.h"

#define CONTROL_MAX_GROUPS	256
#define CONTROL_MAX_PENDING	(1024 * 1024)	/* unread reply bytes before we hang up */

struct control_client {
	struct control *ctl;
	struct control_client *next;
	sd_event_source *io;
	sd_event_source *idle;	/* hangs up after CONTROL_IDLE_USEC without progress */
	int fd;
	uid_t uid;
	bool closing;		/* drop the connection once the output is out */
	bool eof;		/* the peer shut down its side: read no more */
	size_t in_len;
	char in[CONTROL_MAX_LINE];
	char *out;		/* pending reply bytes out[out_pos..out_len) */
	size_t out_len, out_pos;
};

struct control {
	sd_event_source *listen_io;
	int listen_fd;
	bool bound;		/* path is our socket: unlink it at the end */
	char *path;
	gid_t group;
	char *group_name;
	control_handler_t handler;
	void *userdata;
	struct control_client *clients;
	unsigned int n_clients;		/* admitted clients, root's included */
};

static void client_free(struct control_client *cl)
{
	struct control *c = cl->ctl;
	struct control_client **p;

	for (p = &c->clients; *p; p = &(*p)->next) {
		if (*p == cl) {
			*p = cl->next;
			break;
		}
	}
	c->n_clients--;
	sd_event_source_disable_unref(cl->io);
	sd_event_source_disable_unref(cl->idle);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

static int client_append(struct control_client *cl, const char *buf, size_t len)
{
	char *n;

	if (cl->out_pos == cl->out_len)
		cl->out_pos = cl->out_len = 0;
	if (cl->out_len - cl->out_pos + len > CONTROL_MAX_PENDING)
		return -ENOBUFS;	/* a client that asks but never reads */
	n = realloc(cl->out, cl->out_len + len);
	if (!n)
		return -ENOMEM;
	memcpy(n + cl->out_len, buf, len);
	cl->out = n;
	cl->out_len += len;
	return 0;
}

/* The client made progress: its idle timeout starts again. */
static void client_touch(struct control_client *cl)
{
	if (cl->idle)
		sd_event_source_set_time_relative(cl->idle, CONTROL_IDLE_USEC);
}

/*
 * Writes what the socket takes; polls for EPOLLOUT while output remains,
 * and for EPOLLIN only until the peer's EOF (a half-closed client stays
 * readable for ever: polling it would spin).
 */
static int client_flush(struct control_client *cl)
{
	uint32_t want_in = cl->eof || cl->closing ? 0 : EPOLLIN;

	while (cl->out_pos < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_pos, cl->out_len - cl->out_pos,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return sd_event_source_set_io_events(cl->io, want_in | EPOLLOUT);
		if (n < 0)
			return -errno;
		cl->out_pos += n;
		client_touch(cl);
	}
	if (cl->closing || cl->eof)
		return -ECONNRESET;
	return sd_event_source_set_io_events(cl->io, want_in);
}

static int client_request(struct control_client *cl, char *line)
{
	struct control *c = cl->ctl;
	char *argv[CONTROL_MAX_ARGS + 1], *save = NULL, *w;
	char err[640] = "", head[700];	/* "ERR " + err + newline fits */
	char *payload = NULL, *p;
	size_t payload_len = 0, n;
	bool unterminated = false;
	int argc = 0, r;
	FILE *out;

	for (w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (argc == CONTROL_MAX_ARGS) {
			static const char msg[] = "ERR too many arguments\n";

			return client_append(cl, msg, sizeof(msg) - 1);
		}
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	if (argc == 0) {
		static const char msg[] = "ERR empty request\n";

		return client_append(cl, msg, sizeof(msg) - 1);
	}

	out = open_memstream(&payload, &payload_len);
	if (!out)
		return -ENOMEM;
	r = c->handler(c->userdata, cl->uid, argc, argv, out, err, sizeof(err));
	if (fclose(out) != 0) {
		free(payload);
		return -ENOMEM;
	}
	if (r < 0) {
		/* Only the error line: a half-written payload is dropped. */
		snprintf(head, sizeof(head), "ERR %s", err[0] ? err : strerror(-r));
		for (p = head; *p; p++)
			if (*p == '\n')
				*p = ' ';
		strcat(head, "\n");
		payload_len = 0;
	} else {
		for (p = payload, n = 0; (p = memchr(p, '\n', payload + payload_len - p)); p++)
			n++;
		unterminated = payload_len > 0 && payload[payload_len - 1] != '\n';
		snprintf(head, sizeof(head), "OK %zu\n", n + unterminated);
	}
	r = client_append(cl, head, strlen(head));
	if (r == 0)
		r = client_append(cl, payload, payload_len);
	if (r == 0 && unterminated)
		r = client_append(cl, "\n", 1);
	free(payload);
	return r;
}

/* Handles every complete line in the input buffer. */
static int client_process(struct control_client *cl)
{
	char *nl;
	int r;

	while (!cl->closing && (nl = memchr(cl->in, '\n', cl->in_len))) {
		size_t used = nl - cl->in + 1;

		*nl = '\0';
		r = client_request(cl, cl->in);
		if (r < 0)
			return r;
		memmove(cl->in, cl->in + used, cl->in_len - used);
		cl->in_len -= used;
	}
	if (cl->in_len == sizeof(cl->in)) {
		static const char msg[] = "ERR request line too long\n";

		cl->closing = true;
		return client_append(cl, msg, sizeof(msg) - 1);
	}
	return 0;
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct control_client *cl = userdata;
	int r = 0;

	if (!cl->eof && !cl->closing && (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		ssize_t n = recv(fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len,
				 MSG_DONTWAIT);

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			r = -errno;
		else if (n == 0)
			cl->eof = true;	/* answer what came, then close */
		else if (n > 0)
			cl->in_len += n;
		if (r == 0 && n > 0) {
			client_touch(cl);
			r = client_process(cl);
		}
	}
	if (r == 0)
		r = client_flush(cl);
	if (r < 0)
		client_free(cl);
	return 0;
}

/* A client that made no progress for CONTROL_IDLE_USEC: hang up. */
static int client_idle(sd_event_source *s, uint64_t usec, void *userdata)
{
	client_free(userdata);
	return 0;
}

/* Root, or the control group as primary or supplementary group. */
static bool peer_allowed(const struct control *c, int fd, const struct ucred *cred)
{
	gid_t groups[CONTROL_MAX_GROUPS];
	socklen_t len;
	size_t i;

	if (cred->uid == 0)
		return true;
	if (c->group == (gid_t)-1)
		return false;
	if (cred->gid == c->group)
		return true;
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == c->group)
			return true;
	return false;
}

static unsigned int clients_of(const struct control *c, uid_t uid)
{
	const struct control_client *cl;
	unsigned int n = 0;

	for (cl = c->clients; cl; cl = cl->next)
		n += cl->uid == uid && !cl->closing;
	return n;
}

/*
 * Why a peer is turned away, as the ERR line it gets, or "" to admit it.
 * Root always finds room: the others share all but CONTROL_ROOT_RESERVE
 * slots, at most CONTROL_MAX_PER_UID each.
 */
static void admission(const struct control *c, int fd, const struct ucred *cred,
		      char *msg, size_t size)
{
	msg[0] = '\0';
	if (!peer_allowed(c, fd, cred)) {
		if (c->group == (gid_t)-1)
			snprintf(msg, size, "ERR permission denied: only root may use %s\n",
				 c->path);
		else
			snprintf(msg, size,
				 "ERR permission denied: only root and group '%s' may use %s\n",
				 c->group_name, c->path);
	} else if (c->n_clients >= CONTROL_MAX_CLIENTS) {
		snprintf(msg, size, "ERR too many connections (%d): try again later\n",
			 CONTROL_MAX_CLIENTS);
	} else if (cred->uid != 0 &&
		   (clients_of(c, cred->uid) >= CONTROL_MAX_PER_UID ||
		    c->n_clients >= CONTROL_MAX_CLIENTS - CONTROL_ROOT_RESERVE)) {
		snprintf(msg, size,
			 "ERR too many connections: uid %u has %u open (at most %d per user); close one and try again\n",
			 (unsigned int)cred->uid, clients_of(c, cred->uid), CONTROL_MAX_PER_UID);
	}
}

static int control_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct control *c = userdata;
	socklen_t len = sizeof(struct ucred);
	struct control_client *cl;
	struct ucred cred;
	char msg[200];
	int cfd, r;

	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return 0;	/* EAGAIN, or the peer already left */
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		close(cfd);
		return 0;
	}
	admission(c, cfd, &cred, msg, sizeof(msg));
	if (msg[0]) {
		/*
		 * Refused: one line, without ever reading, then close.  The
		 * peer reads the line before it sees the reset.
		 */
		if (send(cfd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* nothing more to do: the close below is the answer */
		}
		close(cfd);
		return 0;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(cfd);
		return 0;
	}
	cl->ctl = c;
	cl->fd = cfd;
	cl->uid = cred.uid;
	r = sd_event_add_io(sd_event_source_get_event(s), &cl->io, cfd, EPOLLIN, client_io, cl);
	if (r >= 0)
		r = sd_event_add_time_relative(sd_event_source_get_event(s), &cl->idle,
					       CLOCK_MONOTONIC, CONTROL_IDLE_USEC, 0,
					       client_idle, cl);
	if (r < 0) {
		sd_event_source_disable_unref(cl->io);
		close(cfd);
		free(cl);
		return 0;
	}
	cl->next = c->clients;
	c->clients = cl;
	c->n_clients++;
	return 0;
}

/* mkdir of the socket's directory, for runs outside systemd. */
static int ensure_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Whether something listens on @sa: 1, 0 for a socket file that nobody
 * bound any more (left by a run that died), or -errno.  A listener whose
 * backlog is full says EAGAIN; one of another socket type EPROTOTYPE.
 */
static int socket_live(const struct sockaddr_un *sa)
{
	int fd, r = 1;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		if (errno == ECONNREFUSED || errno == ENOENT)
			r = 0;
		else if (errno != EAGAIN && errno != EPROTOTYPE)
			r = -errno;
	}
	close(fd);
	return r;
}

static int control_bind(struct control *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int r;

	if (strlen(c->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, c->path);
	r = ensure_parent_dir(c->path);
	if (r < 0)
		return r;
	/*
	 * A stale socket left by a previous run is replaced; a live one
	 * belongs to another process, and anything else there is not ours.
	 */
	if (lstat(c->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		r = socket_live(&sa);
		if (r < 0)
			return r;
		if (r > 0)
			return -EADDRINUSE;
		if (unlink(c->path) < 0 && errno != ENOENT)
			return -errno;
	}

	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0)
		return -errno;
	/*
	 * bind() gives the file the mode of the unbound socket's inode (less
	 * the umask), so it is never wider than 0600 before the chmod below.
	 */
	if (fchmod(c->listen_fd, 0600) < 0)
		return -errno;
	if (bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	c->bound = true;
	if (c->group != (gid_t)-1) {
		/* Only the group: the owner may give it one of its own groups without CAP_CHOWN. */
		if (chown(c->path, (uid_t)-1, c->group) < 0 || chmod(c->path, 0660) < 0)
			return -errno;
	} else if (chmod(c->path, 0600) < 0) {
		return -errno;
	}
	if (listen(c->listen_fd, 16) < 0)
		return -errno;
	return 0;
}

int control_new(sd_event *event, const char *path, gid_t group, const char *group_name,
		control_handler_t handler, void *userdata, struct control **ret)
{
	struct control *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->listen_fd = -1;
	c->group = group;
	c->handler = handler;
	c->userdata = userdata;
	c->path = strdup(path);
	c->group_name = strdup(group_name);
	if (!c->path || !c->group_name) {
		r = -ENOMEM;
		goto out_free;
	}
	r = control_bind(c);
	if (r < 0)
		goto out_free;
	r = sd_event_add_io(event, &c->listen_io, c->listen_fd, EPOLLIN, control_accept, c);
	if (r < 0)
		goto out_free;
	*ret = c;
	return 0;

 out_free:
	control_free(c);
	return r;
}

struct control *control_free(struct control *c)
{
	if (!c)
		return NULL;
	while (c->clients)
		client_free(c->clients);
	sd_event_source_disable_unref(c->listen_io);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->bound)
		unlink(c->path);
	free(c->path);
	free(c->group_name);
	free(c);
	return NULL;
}
