/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thin wrappers around the ioctls of /dev/joystickd_kfilter
 * (kfilter/joystickd_kfilter.h).  Each returns 0 or a negative errno and
 * never logs.  The structures are zeroed here, so reserved fields are 0.
 */
#ifndef JSD_KFILTER_H
#define JSD_KFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "joystickd_kfilter.h"

int kf_open(const char *path, int *ret_fd);
int kf_info(int fd, struct jskf_info *ret);

/* Lists every attached device into a malloc'ed array (*ret_devs, free()
 * it), retrying while the list grows between the count and the copy. */
int kf_list(int fd, struct jskf_device **ret_devs, size_t *ret_n, uint64_t *ret_gen);

struct kf_capture_req {
	int all_pointers;	/* every pointer, now and hotplugged; no ids */
	const uint32_t *ids;
	size_t n_ids;
	uint32_t swallow;	/* JSKF_CLASS_* */
	uint16_t toggle_code;	/* EV_KEY code, 0: none */
	int active;		/* 1: capture active now */
	uint32_t deadman_ms;	/* 0: the kernel's JSKF_DEADMAN_DEFAULT_MS */
};

int kf_capture(int fd, const struct kf_capture_req *req);
/* JSKF_IOC_CAPTURE_KEYS: the EV_KEY codes the capture takes; -EPERM for a
 * keyboard key unless root opened the device and calls. */
int kf_capture_keys(int fd, const uint64_t bits[JSKF_KEY_WORDS]);
int kf_set_active(int fd, int active);
int kf_exclude(int fd, const struct jskf_input_id *ids, size_t n);
/* The device slot @slot of the file's reads sends to: the next one made with @id and @name. */
int kf_set_output(int fd, unsigned int slot, const struct jskf_input_id *id, const char *name);
int kf_cancel(int fd);
int kf_release(int fd);
int kf_stats(int fd, uint32_t dev_id, struct jskf_stats *ret);

/* One pended read.  @rd is filled in by the caller (records, capacity,
 * flags, devlist_gen); the kernel's answer is left in it. */
int kf_read(int fd, struct jskf_read *rd);

#endif
