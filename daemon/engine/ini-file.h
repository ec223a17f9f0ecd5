/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file as bytes: read whole with the identity of what
 * was read, and replaced atomically.
 *
 * joystickd reads its file once per load and parses those very bytes
 * (jsd_config_parse_buffer()), so it knows exactly which text it runs;
 * joystickctl save compares that identity with the file on disk before it
 * writes the running changes back, and replaces the file the way editors
 * and dpkg do: a temporary file in the same directory, fsync, rename,
 * fsync of the directory.
 */
#ifndef JSD_INI_FILE_H
#define JSD_INI_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/config.h"

/* Larger files are refused: no configuration comes near it. */
#define INI_FILE_MAX	(1024 * 1024)

/* What one read of a file saw: where the file was, and what it held. */
struct ini_file_id {
	uint64_t dev, ino;
	uint64_t size;		/* bytes read */
	int64_t mtime_ns;
	uint64_t hash;		/* ini_file_hash() of the bytes */
};

struct ini_file {
	char *text;		/* the bytes, NUL-terminated (a NUL within stays for the loader to refuse) */
	size_t len;
	struct ini_file_id id;
};

/*
 * Reads the whole of @path.  Returns 0, or -errno with @err filled in as
 * jsd_config_load() would ("cannot open: ...", "read error: ...", and for a
 * file over INI_FILE_MAX -EFBIG).
 */
int ini_file_read(const char *path, struct ini_file *ret, struct jsd_error *err);
void ini_file_done(struct ini_file *f);

/* FNV-1a, 64 bits: it tells edits apart, it is no protection against an attacker. */
uint64_t ini_file_hash(const char *text, size_t len);

/* Whether two reads saw the same contents (size and hash). */
bool ini_file_same_content(const struct ini_file_id *a, const struct ini_file_id *b);

/*
 * Replaces the contents of @path with @len bytes of @text, atomically:
 * a temporary file in the directory of the file (if @path is a symbolic
 * link, of its target, which is replaced and the link kept), written and
 * fsync'ed, given the old file's owner, group and mode, renamed over it,
 * and the directory fsync'ed.  A @path that does not exist is created
 * with mode 0666 less the umask.
 *
 * With @expect, the file must still be the one that read saw (device,
 * inode, size, modification time) just before the rename, else -ESTALE:
 * someone wrote it meanwhile.  Needs write access to the file itself
 * (access(2) as the caller, -EACCES), not only to its directory.
 * Returns 0, or -errno with what failed in @why.
 */
int ini_file_replace(const char *path, const char *text, size_t len,
		     const struct ini_file_id *expect, char *why, size_t why_size);

#endif
