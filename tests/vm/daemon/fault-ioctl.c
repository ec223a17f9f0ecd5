// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD library for the daemon VM suite: makes one of the kernel
 * filter's ioctls fail, at a step a test chooses, in the real daemon
 * against the real module (vmt-daemon.c, test_reload_faults()).
 *
 * JSD_FAULT_FILE names a file.  While it is absent every ioctl passes
 * through.  A test arms a fault by writing "NR NTH ERRNO" to it: the
 * NTH call (from 1) of the joystickd_kfilter ioctl with number NR
 * (_IOC_NR, e.g. 2 for JSKF_IOC_CAPTURE, 7 for JSKF_IOC_EXCLUDE) made
 * after that fails with ERRNO, and the file is removed, so a test knows
 * the fault was reached and that it fires once.  Removing the file
 * disarms it and restarts the count.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "joystickd_kfilter.h"

int ioctl(int fd, unsigned long request, ...);

static unsigned int seen;	/* matching calls since the file appeared */

/* 0 when the call may go on, else the errno it fails with */
static int fault_for(unsigned long request)
{
	const char *path = getenv("JSD_FAULT_FILE");
	unsigned int nr, nth;
	int err, n;
	FILE *f;

	if (!path || _IOC_TYPE(request) != JSKF_IOC_MAGIC)
		return 0;
	f = fopen(path, "re");
	if (!f) {
		__atomic_store_n(&seen, 0, __ATOMIC_SEQ_CST);
		return 0;
	}
	n = fscanf(f, "%u %u %d", &nr, &nth, &err);
	fclose(f);
	if (n != 3 || _IOC_NR(request) != nr ||
	    __atomic_add_fetch(&seen, 1, __ATOMIC_SEQ_CST) != nth)
		return 0;
	unlink(path);
	return err;
}

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real)(int, unsigned long, void *);
	void *arg;
	va_list ap;
	int err;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	err = fault_for(request);
	if (err) {
		errno = err;
		return -1;
	}
	return real(fd, request, arg);
}
