// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel filter backend: the ioctls of /dev/joystickd_kfilter (kfilter.h); see backend.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend.h"
#include "kfilter.h"

struct kfilter_backend {
	struct backend b;
	int fd;
	bool output;		/* the module sends a read's output (JSKF_FEAT_READ_OUTPUT) */
};

static int kfilter_fd(struct backend *b)
{
	return ((struct kfilter_backend *)b)->fd;
}

static int kfilter_info(struct backend *b, struct jskf_info *ret)
{
	return kf_info(kfilter_fd(b), ret);
}

static int kfilter_list(struct backend *b, struct jskf_device **ret_devs, size_t *ret_n,
			uint64_t *ret_gen)
{
	return kf_list(kfilter_fd(b), ret_devs, ret_n, ret_gen);
}

static int kfilter_capture(struct backend *b, const struct kf_capture_req *req)
{
	return kf_capture(kfilter_fd(b), req);
}

static int kfilter_capture_keys(struct backend *b, const uint64_t bits[JSKF_KEY_WORDS])
{
	return kf_capture_keys(kfilter_fd(b), bits);
}

static int kfilter_set_active(struct backend *b, int active)
{
	return kf_set_active(kfilter_fd(b), active);
}

static int kfilter_exclude(struct backend *b, const struct jskf_input_id *ids, size_t n)
{
	return kf_exclude(kfilter_fd(b), ids, n);
}

static int kfilter_release(struct backend *b)
{
	return kf_release(kfilter_fd(b));
}

static int kfilter_stats(struct backend *b, uint32_t dev_id, struct jskf_stats *ret)
{
	return kf_stats(kfilter_fd(b), dev_id, ret);
}

static int kfilter_read(struct backend *b, struct jskf_read *rd)
{
	return kf_read(kfilter_fd(b), rd);
}

static int kfilter_set_output(struct backend *b, unsigned int slot,
			      const struct jskf_input_id *id, const char *name)
{
	struct kfilter_backend *kb = (struct kfilter_backend *)b;

	if (!kb->output)
		return -EOPNOTSUPP;
	return kf_set_output(kb->fd, slot, id, name);
}

static int kfilter_cancel(struct backend *b)
{
	return kf_cancel(kfilter_fd(b));
}

/* Closing the file ends the capture in the kernel, whatever else happened. */
static void kfilter_free(struct backend *b)
{
	close(kfilter_fd(b));
	free(b);
}

static const struct backend_ops kfilter_ops = {
	.name		= "kfilter",
	.info		= kfilter_info,
	.list		= kfilter_list,
	.capture	= kfilter_capture,
	.capture_keys	= kfilter_capture_keys,
	.set_active	= kfilter_set_active,
	.exclude	= kfilter_exclude,
	.release	= kfilter_release,
	.stats		= kfilter_stats,
	.read		= kfilter_read,
	.set_output	= kfilter_set_output,
	.cancel		= kfilter_cancel,
	.free		= kfilter_free,
};

/*
 * What joystickd needs of the module beyond version 1, and why, in the
 * words of the message that names what a module lacks.
 */
static const struct {
	uint64_t bit;
	const char *what;
} kfilter_needs[] = {
	/* [capture] deadman_ms is passed to the module */
	{ JSKF_FEAT_DEADMAN, "the dead-man switch" },
	/* no button stays down on the desktop or on the stick */
	{ JSKF_FEAT_RELEASE_PASSES, "releases never swallowed" },
	{ JSKF_FEAT_GRAB_RESYNC, "releases after another program's grab" },
	/* a keyboard-and-pointer device's typing stays the desktop's */
	{ JSKF_FEAT_CAPTURE_KEYS, "capturing only the keys it names" },
	{ JSKF_FEAT_KEYS_FLAGS, "JSKF_IOC_CAPTURE_KEYS with flags" },
	/* the reader thread stops even when the cancel comes between two reads */
	{ JSKF_FEAT_STICKY_CANCEL, "sticky cancel" },
	/* the stick's position is the sum of every count */
	{ JSKF_FEAT_SATURATED_REST, "sums past the 32-bit range kept whole" },
	{ JSKF_FEAT_FAULT_KEEPS, "reads that fault keeping their records" },
};

int backend_kfilter_check(const struct jskf_info *info, char *missing, size_t size)
{
	size_t len = 0;
	int r = 0;

	if (size)
		missing[0] = '\0';
	if (info->abi_version != JSKF_ABI_VERSION)
		return -EPROTO;
	for (size_t i = 0; i < sizeof(kfilter_needs) / sizeof(kfilter_needs[0]); i++) {
		if (info->features & kfilter_needs[i].bit)
			continue;
		r = -EPROTONOSUPPORT;
		if (len < size)
			len += snprintf(missing + len, size - len, "%s%s", len ? ", " : "",
					kfilter_needs[i].what);
	}
	return r;
}

int backend_kfilter_open(const char *path, struct backend **ret, struct jskf_info *ret_info)
{
	struct kfilter_backend *kb;
	int r;

	kb = calloc(1, sizeof(*kb));
	if (!kb)
		return -ENOMEM;
	kb->b.ops = &kfilter_ops;
	r = kf_open(path, &kb->fd);
	if (r < 0) {
		free(kb);
		return r;
	}
	r = kf_info(kb->fd, ret_info);
	if (r == 0)
		r = backend_kfilter_check(ret_info, NULL, 0);
	if (r < 0) {
		kfilter_free(&kb->b);
		return r;
	}
	/* Without it (an older module) the stick is written with write(). */
	kb->output = ret_info->features & JSKF_FEAT_READ_OUTPUT;
	*ret = &kb->b;
	return 0;
}
