/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capture backend: where the daemon's records come from.
 *
 * The daemon speaks one protocol, the kernel filter's
 * (kfilter/joystickd_kfilter.h): a device list with ids, a capture by id
 * or of every pointer, a hotkey, pended reads that return batches of
 * struct jskf_record with sequence numbers, STATE and DEV_ADDED/REMOVED
 * records among them.  A backend is that protocol behind a table of
 * operations, so the manager, the engine, a reload and every joystickctl
 * command work the same whichever one runs:
 *
 *   kfilter (backend-kfilter.c)  the ioctls of /dev/joystickd_kfilter;
 *   evdev   (backend-evdev.c)    the same records made in user space from
 *                                /dev/input/event*, EVIOCGRAB and a uinput
 *                                copy of each grabbed mouse, for machines
 *                                where the module cannot load.
 *
 * Every operation returns 0 or -errno and never logs.  read() runs on the
 * reader thread, and cancel() from any thread wakes it.  The others run
 * under the manager's lock, so never two at once: on the main thread, or
 * on the reader thread between two reads when a record asks for them
 * (a toggle-capture button's set_active(), a look button's capture() and
 * capture_keys(), a hotplugged device's list()).
 *
 * A capture sent again by its owner changes the selection, the classes
 * swallowed, the hotkey, the dead-man bound and the active flag, and
 * keeps the rest: hold-to-look (manager-capture.c) sends it with no class
 * and then with the configured ones, and relies on both backends to keep
 * over it what the owner was given (the release of every press it got;
 * no STATE record unless the active flag changed; the keys of
 * capture_keys()), to decide the classes per frame at the frame's first
 * event, and to stop hiding anything from the desktop at once when no
 * class is swallowed (kernel filter: nothing is swallowed, releases never
 * are; evdev: the grab stays, and each mouse's passthrough carries all of
 * it from the next frame on, so that the configured classes come back
 * with no new grab and a release still goes where its press went).
 */
#ifndef JSD_BACKEND_H
#define JSD_BACKEND_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "joystickd_kfilter.h"
#include "kfilter.h"

struct backend;

/*
 * What only the evdev backend says of a listed device (struct
 * jskf_device), in bits of its flags the kernel filter never sets
 * (JSKF_DEVF_USER_MASK): how its grab stands, with a detail in its
 * reserved field, and whether it is another remapper's virtual device.
 * With the kernel filter all are 0.
 */
enum backend_grab {
	BACKEND_GRAB_NONE,		/* no grab wanted (capture off, nothing swallowed) */
	BACKEND_GRAB_ON,		/* grabbed: the desktop gets its passthrough copy */
	BACKEND_GRAB_WAITING,		/* for keys the desktop saw pressed (detail: one) */
	BACKEND_GRAB_HELD,		/* a key stayed down BACKEND_GRAB_WAIT_S: not captured
					 * until capture turns on again (detail: the key) */
	BACKEND_GRAB_BUSY,		/* another program holds EVIOCGRAB; tried every second */
	BACKEND_GRAB_FAILED,		/* EVIOCGRAB failed (detail: errno); tried every second */
	BACKEND_GRAB_NO_PASSTHROUGH,	/* its passthrough could not be made (detail: errno) */
};
#define BACKEND_GRAB_WAIT_S		5
#define BACKEND_DEVF_GRAB_SHIFT		24
#define BACKEND_DEVF_GRAB_MASK		(0xfu << BACKEND_DEVF_GRAB_SHIFT)
#define BACKEND_DEVF_REMAPPER		(1u << 28)	/* keyd's, input-remapper's ...: not in mice = all */
_Static_assert(((BACKEND_DEVF_GRAB_MASK | BACKEND_DEVF_REMAPPER) & ~JSKF_DEVF_USER_MASK) == 0,
	       "the backend's device flags are in the bits the kernel filter leaves to user space");

static inline enum backend_grab backend_device_grab(const struct jskf_device *d)
{
	return (enum backend_grab)((d->flags & BACKEND_DEVF_GRAB_MASK) >> BACKEND_DEVF_GRAB_SHIFT);
}

static inline uint32_t backend_device_detail(const struct jskf_device *d)
{
	return d->reserved;
}

/*
 * Records only the evdev backend queues, for the log (the engine passes
 * over them): code BACKEND_NOTE_OVERFLOW, dev_id's evdev buffer
 * overflowed (SYN_DROPPED: the events of the gap are lost, its keys are
 * resynced), value its overflows so far; BACKEND_NOTE_UNOPENED, value
 * input devices that could not be opened (flags: the errno), 0 once all
 * are open.
 */
#define BACKEND_REC_NOTE		JSKF_REC_USER_FIRST	/* never a kernel filter's record */
#define BACKEND_NOTE_OVERFLOW		0
#define BACKEND_NOTE_UNOPENED		1

struct backend_ops {
	const char *name;	/* "kfilter", "evdev": joystickctl status, the log */
	int (*info)(struct backend *b, struct jskf_info *ret);
	/* A malloc'ed list in id order (free() it), as JSKF_IOC_LIST_DEVICES. */
	int (*list)(struct backend *b, struct jskf_device **ret_devs, size_t *ret_n,
		    uint64_t *ret_gen);
	int (*capture)(struct backend *b, const struct kf_capture_req *req);
	int (*capture_keys)(struct backend *b, const uint64_t bits[JSKF_KEY_WORDS]);
	int (*set_active)(struct backend *b, int active);
	int (*exclude)(struct backend *b, const struct jskf_input_id *ids, size_t n);
	int (*release)(struct backend *b);
	int (*stats)(struct backend *b, uint32_t dev_id, struct jskf_stats *ret);
	/* One pended read, as JSKF_IOC_READ: -EINTR or -ECANCELED ask to look again. */
	int (*read)(struct backend *b, struct jskf_read *rd);
	/*
	 * Optional: reads with output slot @slot send it to the next device
	 * made with @id and @name (JSKF_IOC_SET_OUTPUT); -EOPNOTSUPP where
	 * reads cannot carry output.
	 */
	int (*set_output)(struct backend *b, unsigned int slot, const struct jskf_input_id *id,
			  const char *name);
	int (*cancel)(struct backend *b);
	/* Releases everything (a capture ends: the desktop has its mice back). */
	void (*free)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
};

/*
 * Opens the kernel filter's device @path: 0, or -errno of open(2) or of
 * JSKF_IOC_INFO, or of backend_kfilter_check(); *ret_info is the module's
 * whenever JSKF_IOC_INFO answered.
 */
int backend_kfilter_open(const char *path, struct backend **ret, struct jskf_info *ret_info);

/*
 * Whether joystickd can use the module that answered JSKF_IOC_INFO with
 * @info: 0; -EPROTO: another ABI version; -EPROTONOSUPPORT: too old, it
 * lacks behaviours joystickd needs (jskf_info.features), named in
 * @missing (@size bytes, may be 0).
 */
int backend_kfilter_check(const struct jskf_info *info, char *missing, size_t size);

/* Starts the evdev backend (udev discovery, no capture yet); 0 or -errno. */
int backend_evdev_open(struct backend **ret, struct jskf_info *ret_info);

static inline const char *backend_name(const struct backend *b)
{
	return b ? b->ops->name : "none";
}

static inline int backend_info(struct backend *b, struct jskf_info *ret)
{
	return b->ops->info(b, ret);
}

static inline int backend_list(struct backend *b, struct jskf_device **ret_devs, size_t *ret_n,
			       uint64_t *ret_gen)
{
	return b->ops->list(b, ret_devs, ret_n, ret_gen);
}

static inline int backend_capture(struct backend *b, const struct kf_capture_req *req)
{
	return b->ops->capture(b, req);
}

static inline int backend_capture_keys(struct backend *b, const uint64_t bits[JSKF_KEY_WORDS])
{
	return b->ops->capture_keys(b, bits);
}

static inline int backend_set_active(struct backend *b, int active)
{
	return b->ops->set_active(b, active);
}

static inline int backend_exclude(struct backend *b, const struct jskf_input_id *ids, size_t n)
{
	return b->ops->exclude(b, ids, n);
}

static inline int backend_release(struct backend *b)
{
	return b->ops->release(b);
}

static inline int backend_stats(struct backend *b, uint32_t dev_id, struct jskf_stats *ret)
{
	return b->ops->stats(b, dev_id, ret);
}

static inline int backend_read(struct backend *b, struct jskf_read *rd)
{
	return b->ops->read(b, rd);
}

static inline int backend_set_output(struct backend *b, unsigned int slot,
				     const struct jskf_input_id *id, const char *name)
{
	return b->ops->set_output ? b->ops->set_output(b, slot, id, name) : -EOPNOTSUPP;
}

static inline int backend_cancel(struct backend *b)
{
	return b->ops->cancel(b);
}

static inline struct backend *backend_free(struct backend *b)
{
	if (b)
		b->ops->free(b);
	return NULL;
}

#endif
