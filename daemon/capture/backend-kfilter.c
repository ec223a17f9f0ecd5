// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel filter backend: the ioctls of /dev/joystickd_kfilter (kfilter.h); see backend.h. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend.h"
#include "kfilter.h"

struct kfilter_backend {
	struct backend b;
	int fd;
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
	.cancel		= kfilter_cancel,
	.free		= kfilter_free,
};

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
	if (r == 0 && ret_info->abi_version != JSKF_ABI_VERSION)
		r = -EPROTO;
	if (r < 0) {
		kfilter_free(&kb->b);
		return r;
	}
	*ret = &kb->b;
	return 0;
}
