// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket client: one request, its payload lines, OK or ERR. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control-proto.h"
#include "ctl-client.h"

int ctl_connect(const char *path, struct ctl_conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	c->fd = fd;
	c->len = 0;
	return 0;
}

void ctl_close(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= w;
	}
	return 0;
}

/* Next line from the socket into a malloc'ed string, without the newline. */
static int read_line(struct ctl_conn *c, char **ret)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t n;

		if (nl) {
			size_t len = nl - c->buf;
			char *line = strndup(c->buf, len);

			if (!line)
				return -ENOMEM;
			memmove(c->buf, nl + 1, c->len - len - 1);
			c->len -= len + 1;
			*ret = line;
			return 0;
		}
		if (c->len == sizeof(c->buf))
			return -EMSGSIZE;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		c->len += n;
	}
}

int ctl_request(struct ctl_conn *c, const char *line, char **ret_payload)
{
	char *head, *payload;
	size_t n, i, plen = 0;
	int r;

	char req[CONTROL_MAX_LINE];
	int len = snprintf(req, sizeof(req), "%s\n", line);

	if (len < 0 || (size_t)len >= sizeof(req))
		return -EMSGSIZE;
	r = send_all(c->fd, req, len);
	/* A refused peer gets its ERR line before the daemon hangs up. */
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return r;

	r = read_line(c, &head);
	if (r < 0)
		return r;
	if (strncmp(head, "ERR ", 4) == 0) {
		memmove(head, head + 4, strlen(head + 4) + 1);
		*ret_payload = head;
		return -EREMOTEIO;
	}
	r = sscanf(head, "OK %zu", &n);
	free(head);
	if (r != 1)
		return -EBADMSG;

	payload = strdup("");
	if (!payload)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		char *l, *grown;

		r = read_line(c, &l);
		if (r < 0) {
			free(payload);
			return r;
		}
		grown = realloc(payload, plen + strlen(l) + 2);
		if (!grown) {
			free(l);
			free(payload);
			return -ENOMEM;
		}
		payload = grown;
		plen += sprintf(payload + plen, "%s\n", l);
		free(l);
	}
	*ret_payload = payload;
	return 0;
}
