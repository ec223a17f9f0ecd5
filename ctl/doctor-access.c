// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether a user may read a device node: its owner, group and mode, and
 * the POSIX ACL udev's uaccess builtin (through logind) puts on it for the
 * user of the active session at a seat.  The ACL is read from its xattr
 * (system.posix_acl_access, the kernel's format in
 * <linux/posix_acl_xattr.h>) and checked by POSIX.1e's algorithm, as the
 * kernel's posix_acl_permission() does: owner; named user (with the
 * mask); owning and named groups (with the mask); others.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "doctor.h"

#define ACL_VERSION	2
#define ACL_USER_OBJ	0x01
#define ACL_USER	0x02
#define ACL_GROUP_OBJ	0x04
#define ACL_GROUP	0x08
#define ACL_MASK	0x10
#define ACL_OTHER	0x20
#define ACL_READ	0x04

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

static bool in_groups(gid_t gid, const gid_t *gids, int n)
{
	for (int i = 0; i < n; i++)
		if (gids[i] == gid)
			return true;
	return false;
}

bool doctor_acl_allows_read(uid_t owner, gid_t group, mode_t mode, const void *acl,
			    size_t acl_size, uid_t uid, const gid_t *gids, int n_gids)
{
	const unsigned char *p = acl;
	size_t n = acl_size >= 4 ? (acl_size - 4) / 8 : 0;
	unsigned int mask = 7, other = mode & 7;
	bool group_matched = false, group_reads = false;
	struct acl_entry e;
	uint32_t version;

	if (uid == 0 || uid == owner)
		return uid == 0 || (mode & S_IRUSR);
	if (!acl || acl_size < 4 || (acl_size - 4) % 8) {
		if (in_groups(group, gids, n_gids))
			return mode & S_IRGRP;
		return mode & S_IROTH;
	}
	memcpy(&version, p, 4);
	if (le32toh(version) != ACL_VERSION)
		return mode & S_IROTH;
	for (size_t i = 0; i < n; i++) {	/* the mask applies to every entry below */
		memcpy(&e, p + 4 + 8 * i, 8);
		if (le16toh(e.tag) == ACL_MASK)
			mask = le16toh(e.perm);
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(&e, p + 4 + 8 * i, 8);
		e.tag = le16toh(e.tag);
		e.perm = le16toh(e.perm);
		e.id = le32toh(e.id);
		switch (e.tag) {
		case ACL_USER:
			if (e.id == uid)
				return e.perm & mask & ACL_READ;
			break;
		case ACL_GROUP_OBJ:
		case ACL_GROUP:
			if ((e.tag == ACL_GROUP_OBJ && in_groups(group, gids, n_gids)) ||
			    (e.tag == ACL_GROUP && in_groups(e.id, gids, n_gids))) {
				group_matched = true;
				group_reads |= e.perm & mask & ACL_READ;
			}
			break;
		case ACL_OTHER:
			other = e.perm;
			break;
		}
	}
	if (group_matched)
		return group_reads;
	return other & ACL_READ;
}

bool doctor_can_read(const char *path, uid_t uid, const gid_t *gids, int n_gids)
{
	unsigned char acl[1024];
	struct stat st;
	ssize_t n;

	if (stat(path, &st) < 0)
		return false;
	n = getxattr(path, "system.posix_acl_access", acl, sizeof(acl));
	return doctor_acl_allows_read(st.st_uid, st.st_gid, st.st_mode, n > 0 ? acl : NULL,
				      n > 0 ? (size_t)n : 0, uid, gids, n_gids);
}
