// SPDX-License-Identifier: GPL-2.0-or-later
/* The configuration file as bytes; see ini-file.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/ini-file.h"

uint64_t ini_file_hash(const char *text, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

bool ini_file_same_content(const struct ini_file_id *a, const struct ini_file_id *b)
{
	return a->size == b->size && a->hash == b->hash;
}

static void id_of(const struct stat *st, struct ini_file_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Reads @fd to its end, at most INI_FILE_MAX bytes: 0 or -errno. */
static int read_all(int fd, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *grown;

			if (cap > INI_FILE_MAX) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			free(buf);
			return r;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > INI_FILE_MAX) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

int ini_file_read(const char *path, struct ini_file *ret, struct jsd_error *err)
{
	struct ini_file f = { 0 };
	struct stat st;
	int fd, r;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(err->message, sizeof(err->message), "cannot open: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0)
		r = -errno;
	else
		r = read_all(fd, &f.text, &f.len);
	close(fd);
	if (r == -EFBIG) {
		snprintf(err->message, sizeof(err->message), "read error: larger than %d bytes",
			 INI_FILE_MAX);
		return r;
	}
	if (r < 0) {
		snprintf(err->message, sizeof(err->message), "read error: %s", strerror(-r));
		return r;
	}
	id_of(&st, &f.id);
	f.id.size = f.len;
	f.id.hash = ini_file_hash(f.text, f.len);
	*ret = f;
	return 0;
}

void ini_file_done(struct ini_file *f)
{
	free(f->text);
	f->text = NULL;
	f->len = 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= w;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Whether the file at @path is still the one @id describes. */
static bool unchanged(const char *path, const struct ini_file_id *id)
{
	struct ini_file_id now;
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	id_of(&st, &now);
	return now.dev == id->dev && now.ino == id->ino && (uint64_t)st.st_size == id->size &&
	       now.mtime_ns == id->mtime_ns;
}

/* The temporary file beside @target, with @text, the owner and mode of @old (or new). */
static int write_temp(const char *dir, const char *target, const struct stat *old,
		      const char *text, size_t len, char *tmp, size_t tmp_size,
		      char *why, size_t why_size)
{
	char base[PATH_MAX];
	mode_t mask;
	int fd, r;

	snprintf(base, sizeof(base), "%s", target);
	if ((size_t)snprintf(tmp, tmp_size, "%s/.%s.XXXXXX", dir, basename(base)) >= tmp_size)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot create a file in %s: %s", dir, strerror(-r));
		return r;
	}
	r = write_all(fd, text, len);
	if (r < 0) {
		snprintf(why, why_size, "writing %s: %s", tmp, strerror(-r));
		goto fail;
	}
	if (old) {
		/* Root saving a user's file gives it back to the user; a user cannot give it away. */
		if ((old->st_uid != geteuid() || old->st_gid != getegid()) &&
		    fchown(fd, old->st_uid, old->st_gid) < 0) {
			r = -errno;
			snprintf(why, why_size,
				 "cannot keep the owner of %s (uid %u, gid %u): %s; save as its owner or as root",
				 target, (unsigned int)old->st_uid, (unsigned int)old->st_gid,
				 strerror(-r));
			goto fail;
		}
		if (fchmod(fd, old->st_mode & 07777) < 0) {
			r = -errno;
			snprintf(why, why_size, "setting the mode of %s: %s", tmp, strerror(-r));
			goto fail;
		}
	} else {
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask) < 0) {
			r = -errno;
			snprintf(why, why_size, "setting the mode of %s: %s", tmp, strerror(-r));
			goto fail;
		}
	}
	if (fsync(fd) < 0) {
		r = -errno;
		snprintf(why, why_size, "writing %s: %s", tmp, strerror(-r));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		snprintf(why, why_size, "writing %s: %s", tmp, strerror(-r));
		goto fail;
	}
	return 0;

 fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int ini_file_replace(const char *path, const char *text, size_t len,
		     const struct ini_file_id *expect, char *why, size_t why_size)
{
	char target[PATH_MAX], dir[PATH_MAX], copy[PATH_MAX], tmp[PATH_MAX + 32];
	struct stat st;
	bool exists;
	int r;

	/* A symbolic link stays one: its target is replaced. */
	exists = realpath(path, target) != NULL;
	if (!exists) {
		if (errno != ENOENT) {
			r = -errno;
			snprintf(why, why_size, "%s: %s", path, strerror(-r));
			return r;
		}
		if (expect) {
			snprintf(why, why_size, "%s is gone", path);
			return -ESTALE;
		}
		snprintf(target, sizeof(target), "%s", path);
	} else if (stat(target, &st) < 0) {
		r = -errno;
		snprintf(why, why_size, "%s: %s", target, strerror(-r));
		return r;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(why, why_size, "%s is not a regular file", target);
		return -EINVAL;
	} else if (faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot write %s: %s", target, strerror(-r));
		return r;
	}
	snprintf(copy, sizeof(copy), "%s", target);
	snprintf(dir, sizeof(dir), "%s", dirname(copy));

	r = write_temp(dir, target, exists ? &st : NULL, text, len, tmp, sizeof(tmp), why, why_size);
	if (r < 0)
		return r;
	if (expect && !unchanged(target, expect)) {
		unlink(tmp);
		snprintf(why, why_size, "%s changed on disk while it was being saved", target);
		return -ESTALE;
	}
	if (rename(tmp, target) < 0) {
		r = -errno;
		unlink(tmp);
		snprintf(why, why_size, "renaming %s to %s: %s", tmp, target, strerror(-r));
		return r;
	}
	r = fsync_dir(dir);
	if (r < 0) {
		snprintf(why, why_size, "syncing %s: %s", dir, strerror(-r));
		return r;
	}
	return 0;
}
