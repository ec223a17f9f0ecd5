/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading joystickd_kfilter from a test program: shared by
 * the kfilter suite (vmtest.c) and the daemon suite (its own harness).
 */
#ifndef VMTEST_KMODULE_H
#define VMTEST_KMODULE_H

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* finit_module() of the .ko at @path: 0 or -errno. */
static inline int kf_module_load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* delete_module() without waiting (O_NONBLOCK): 0 or -errno. */
static inline int kf_module_unload(void)
{
	return syscall(SYS_delete_module, "joystickd_kfilter", O_NONBLOCK) < 0 ? -errno : 0;
}

#endif
