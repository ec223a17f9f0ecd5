// SPDX-License-Identifier: GPL-2.0-or-later
/* The processes of /proc; see proc.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "games/proc.h"

/* getdents64()'s record; glibc 2.36 has no wrapper. */
struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define LIST_BUF_SIZE	32768

int proc_open(struct proc_dir *d)
{
	*d = (struct proc_dir){ .fd = -1, .base = -1, .buf_size = LIST_BUF_SIZE };
	d->buf = malloc(d->buf_size);
	if (!d->buf)
		return -ENOMEM;
	d->fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return d->fd < 0 ? -errno : 0;
}

void proc_close(struct proc_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->buf);
	d->fd = -1;
	d->buf = NULL;
}

int proc_count(const struct proc_dir *d, unsigned long *ret)
{
	struct stat st;

	if (fstat(d->fd, &st) < 0)
		return -errno;
	*ret = (unsigned long)st.st_nlink;
	return 0;
}

/* The pid a /proc entry names, or 0 ("self", "sys" ...). */
static pid_t entry_pid(const char *name)
{
	long v = 0;

	if (*name < '1' || *name > '9')
		return 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > INT32_MAX / 10)
			return 0;
		v = v * 10 + (*name - '0');
	}
	return v <= INT32_MAX ? (pid_t)v : 0;
}

int proc_list(struct proc_dir *d, pid_t after, pid_t **pids, size_t *cap, size_t *ret_n)
{
	long long prev_off = -1;
	size_t n = 0;
	long got;

	if (after && d->base < 0)
		return -EAGAIN;
	if (lseek(d->fd, after ? d->base + after + 1 : 0, SEEK_SET) < 0)
		return -errno;
	while ((got = syscall(SYS_getdents64, d->fd, d->buf, d->buf_size)) > 0) {
		for (long off = 0; off < got;) {
			const struct dirent64_rec *e = (const void *)((char *)d->buf + off);
			pid_t pid = entry_pid(e->d_name);

			off += e->d_reclen;
			if (!pid) {
				prev_off = -1;
				continue;
			}
			/* An entry's d_off is where the next one is listed. */
			if (prev_off >= 0 && d->base < 0)
				d->base = prev_off - pid;
			prev_off = e->d_off;
			if (n == *cap) {
				size_t c = *cap ? *cap * 2 : 1024;
				pid_t *p = realloc(*pids, c * sizeof(*p));

				if (!p)
					return -ENOMEM;
				*pids = p;
				*cap = c;
			}
			(*pids)[n++] = pid;
		}
	}
	if (got < 0)
		return -errno;
	*ret_n = n;
	return 0;
}

/* Reads /proc/PID/@what into @buf (at most @size bytes); the length in *ret_len. */
static int read_file(int proc_fd, pid_t pid, const char *what, char *buf, size_t size,
		     size_t *ret_len)
{
	char path[32];
	size_t len = 0;
	ssize_t r = 0;
	int fd;

	snprintf(path, sizeof(path), "%d/%s", (int)pid, what);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size && (r = read(fd, buf + len, size - len)) > 0)
		len += (size_t)r;
	r = r < 0 ? -errno : 0;
	close(fd);
	*ret_len = len;
	return (int)r;
}

int proc_read_comm(int proc_fd, pid_t pid, char comm[PROC_COMM_MAX])
{
	size_t len;
	int r = read_file(proc_fd, pid, "comm", comm, PROC_COMM_MAX - 1, &len);

	if (r < 0)
		return r;
	if (len > 0 && comm[len - 1] == '\n')
		len--;
	comm[len] = '\0';
	return 0;
}

int proc_read(int proc_fd, pid_t pid, struct proc_text *ret)
{
	int r = proc_read_comm(proc_fd, pid, ret->comm);

	if (r < 0)
		return r;
	return read_file(proc_fd, pid, "cmdline", ret->cmdline, sizeof(ret->cmdline),
			 &ret->cmdline_len);
}

struct games_process games_process_of(const struct proc_text *t)
{
	return (struct games_process){
		.comm = t->comm, .cmdline = t->cmdline, .cmdline_len = t->cmdline_len,
	};
}
