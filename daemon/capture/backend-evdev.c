// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evdev backend (backend.h): the kernel filter's protocol made in
 * user space, for machines where the module cannot load.
 *
 * Devices: every /dev/input/eventN that is a pointer or a keyboard (the
 * kernel filter's rules), found through libudev, then kept up to date by
 * its monitor: udevd's events when udevd runs, else the kernel's own
 * uevents (an initramfs, a container).  Ids count up from 1 and are never
 * reused; devlist_gen counts attaches and detaches.
 *
 * Capture: while it is active, the selected pointers are grabbed
 * (EVIOCGRAB), so no other reader sees them; what the capture does not
 * swallow goes to the desktop through the passthrough pointer.  A mouse
 * with a key held when capture turns on is grabbed once its keys are up,
 * so the desktop gets the release of every press it saw from the mouse.
 * While capture is off nothing is grabbed.  Keyboards are read, never
 * grabbed: the toggle key reaches the desktop too.  Closing a file ends
 * its grab, so a daemon that dies (kill -9 too) gives the mice back.
 *
 * Threads: the reader thread's read() waits in epoll on the devices, the
 * udev monitor and wake_fd, and runs the filter (evdev-filter.h) on what
 * arrives; the main thread's calls (capture, set_active, list ...) change
 * the same state and wake the reader through wake_fd when they queue
 * records.  lock protects everything but the fds set up at open.
 */
#include <errno.h>
#include <libudev.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "evdev-device.h"
#include "evdev-filter.h"
#include "evdev-passthrough.h"

#define EVB_MAX_BATCH	256
#define EVB_QUEUE_MAX	65536		/* records; more are counted dropped */
#define EVB_TAG_MONITOR	0		/* epoll tags: device ids start at 1 */
#define EVB_TAG_WAKE	UINT64_MAX

struct evdev_backend {
	struct backend b;
	/* Set up at open, then read-only. */
	int epfd;
	int wake_fd;			/* eventfd: the reader has records or a cancel */
	struct udev *udev;
	struct udev_monitor *monitor;
	struct passthrough *passthrough;

	pthread_mutex_t lock;		/* protects everything below */
	struct evdev_device **devs;	/* in id order */
	size_t n_devs, cap_devs;
	uint32_t next_id;
	uint64_t devlist_gen;
	struct jskf_input_id excludes[JSKF_MAX_EXCLUDES];
	size_t n_excludes;
	struct evf_capture cap;
	bool all_pointers;
	uint32_t ids[JSKF_MAX_CAPTURE_IDS];
	size_t n_ids;
	struct jskf_record *queue;	/* records not read yet, oldest first */
	size_t q_n, q_cap;
	uint64_t read_seq;		/* sequence number of queue[0] */
	uint64_t batch_seq;
	uint32_t dropped;		/* since the previous batch */
	bool cancel_pending;
	struct jskf_counters totals;
	uint64_t reads_pended;
	uint32_t high_water;
};

static struct evdev_backend *evb(struct backend *b)
{
	return (struct evdev_backend *)b;
}

static void wake_reader(struct evdev_backend *eb)
{
	uint64_t one = 1;

	if (write(eb->wake_fd, &one, sizeof(one)) < 0) {
		/* A full counter: the reader is woken already. */
	}
}

/* CLOCK_MONOTONIC, the clock of the records. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the record queue (under lock) */

static void queue_push_locked(struct evdev_backend *eb, const struct jskf_record *rec)
{
	if (eb->q_n == eb->q_cap) {
		size_t cap = eb->q_cap ? eb->q_cap * 2 : 256;
		struct jskf_record *q;

		if (cap > EVB_QUEUE_MAX || !(q = realloc(eb->queue, cap * sizeof(*q)))) {
			eb->dropped++;
			eb->totals.dropped++;
			return;
		}
		eb->queue = q;
		eb->q_cap = cap;
	}
	eb->queue[eb->q_n++] = *rec;
	if (eb->q_n > eb->high_water)
		eb->high_water = eb->q_n;
}

static void queue_own_locked(struct evdev_backend *eb, uint16_t type, uint16_t code,
			     uint32_t dev_id, int32_t value)
{
	struct jskf_record rec = {
		.time_ns = now_ns(),
		.dev_id = dev_id,
		.type = type,
		.code = code,
		.value = value,
	};

	queue_push_locked(eb, &rec);
}

static uint32_t state_flags_locked(const struct evdev_backend *eb)
{
	return (eb->cap.owner ? JSKF_STATE_OWNER : 0) | (eb->cap.active ? JSKF_STATE_ACTIVE : 0);
}

/* ---- devices (under lock) */

static bool id_listed(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static bool selected_locked(const struct evdev_backend *eb, const struct evdev_device *d)
{
	return eb->cap.owner && (d->info.flags & JSKF_DEVF_POINTER) &&
	       (eb->all_pointers || id_listed(eb->ids, eb->n_ids, d->info.id));
}

static bool excluded_locked(const struct evdev_backend *eb, const struct evdev_device *d)
{
	const struct jskf_input_id own = EVDEV_PASSTHROUGH_ID;
	size_t i;

	if (evdev_device_has_id(d, &own))
		return true;
	for (i = 0; i < eb->n_excludes; i++)
		if (evdev_device_has_id(d, &eb->excludes[i]))
			return true;
	return false;
}

/*
 * What the grab of one device should be now.  A device with a key down
 * waits: the desktop saw the press from it and must get the release too.
 */
static void grab_update_locked(struct evdev_backend *eb, struct evdev_device *d)
{
	bool want = eb->cap.active && d->filter.selected && eb->cap.swallow;
	int r;

	if (!want) {
		d->grab_waiting = false;
		if (d->filter.grabbed)
			evdev_device_grab(d, false);
		d->filter.grabbed = false;
		d->info.flags &= ~JSKF_DEVF_GRABBED;
		return;
	}
	if (d->filter.grabbed)
		return;
	d->grab_waiting = evdev_device_keys_down(d);
	if (d->grab_waiting)
		return;
	r = evdev_device_grab(d, true);
	d->filter.grabbed = r == 0;
	if (r == -EBUSY)
		d->info.flags |= JSKF_DEVF_GRABBED;	/* another program's: we see nothing */
	else
		d->info.flags &= ~JSKF_DEVF_GRABBED;
}

static void grab_update_all_locked(struct evdev_backend *eb)
{
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		grab_update_locked(eb, eb->devs[i]);
}

static int set_active_locked(struct evdev_backend *eb, bool active, uint16_t by)
{
	if (!eb->cap.owner)
		return -EPERM;
	if (eb->cap.active != active) {
		eb->cap.active = active;
		queue_own_locked(eb, JSKF_REC_STATE, by, 0, state_flags_locked(eb));
	}
	grab_update_all_locked(eb);
	return 0;
}

/* The passthrough must not keep a key down that its device can no longer release. */
static void release_forwarded_locked(struct evdev_backend *eb, struct evdev_device *d)
{
	struct input_event ev[EVF_STAGE_MAX];
	size_t n = 0;
	unsigned int code;

	for (code = 0; code < KEY_CNT; code++) {
		if (!evf_key_test(d->filter.fwd_down, code))
			continue;
		ev[n++] = (struct input_event){ .type = EV_KEY, .code = code, .value = 0 };
		if (n == EVF_STAGE_MAX) {
			passthrough_write(eb->passthrough, ev, n);
			n = 0;
		}
	}
	if (n)
		passthrough_write(eb->passthrough, ev, n);
	memset(d->filter.fwd_down, 0, sizeof(d->filter.fwd_down));
}

static void detach_locked(struct evdev_backend *eb, size_t i)
{
	struct evdev_device *d = eb->devs[i];

	if (d->filter.selected)
		queue_own_locked(eb, JSKF_REC_DEV_REMOVED, 0, d->info.id, 0);
	release_forwarded_locked(eb, d);
	epoll_ctl(eb->epfd, EPOLL_CTL_DEL, d->fd, NULL);
	evdev_device_free(d);
	memmove(&eb->devs[i], &eb->devs[i + 1], (eb->n_devs - i - 1) * sizeof(eb->devs[0]));
	eb->n_devs--;
	eb->devlist_gen++;
	wake_reader(eb);
}

static ssize_t find_syspath_locked(const struct evdev_backend *eb, const char *syspath)
{
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		if (strcmp(eb->devs[i]->syspath, syspath) == 0)
			return i;
	return -1;
}

static struct evdev_device *find_id_locked(const struct evdev_backend *eb, uint64_t id)
{
	size_t lo = 0, hi = eb->n_devs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (eb->devs[mid]->info.id == id)
			return eb->devs[mid];
		if (eb->devs[mid]->info.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* An event node appeared: attach it if it is a pointer or a keyboard not excluded. */
static int attach_locked(struct evdev_backend *eb, const char *syspath, const char *devnode)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct evdev_device *d;
	int r;

	if (find_syspath_locked(eb, syspath) >= 0)
		return 0;
	if (eb->n_devs == eb->cap_devs) {
		size_t cap = eb->cap_devs ? eb->cap_devs * 2 : 16;
		struct evdev_device **devs = realloc(eb->devs, cap * sizeof(*devs));

		if (!devs)
			return -ENOMEM;
		eb->devs = devs;
		eb->cap_devs = cap;
	}
	r = evdev_device_open(syspath, devnode, &d);
	if (r < 0)
		return r;
	if (excluded_locked(eb, d)) {
		evdev_device_free(d);
		return 0;
	}
	d->info.id = d->filter.id = ++eb->next_id;
	ev.data.u64 = d->info.id;
	if (epoll_ctl(eb->epfd, EPOLL_CTL_ADD, d->fd, &ev) < 0) {
		r = -errno;
		evdev_device_free(d);
		return r;
	}
	eb->devs[eb->n_devs++] = d;
	eb->devlist_gen++;
	d->filter.selected = selected_locked(eb, d);
	if (d->filter.selected)
		queue_own_locked(eb, JSKF_REC_DEV_ADDED, 0, d->info.id, 0);
	grab_update_locked(eb, d);
	wake_reader(eb);
	return 0;
}

static bool is_event_node(struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);

	return sysname && strncmp(sysname, "event", 5) == 0 && udev_device_get_devnode(dev);
}

static void udev_change_locked(struct evdev_backend *eb, struct udev_device *dev)
{
	const char *action = udev_device_get_action(dev);
	const char *syspath = udev_device_get_syspath(dev);
	ssize_t i;

	if (!is_event_node(dev))
		return;
	if (action && strcmp(action, "remove") == 0) {
		i = find_syspath_locked(eb, syspath);
		if (i >= 0)
			detach_locked(eb, i);
		return;
	}
	/* A node that cannot be opened (gone again, not permitted) is not attached. */
	attach_locked(eb, syspath, udev_device_get_devnode(dev));
}

static void monitor_read_locked(struct evdev_backend *eb)
{
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(eb->monitor))) {
		udev_change_locked(eb, dev);
		udev_device_unref(dev);
	}
}

/* ---- events (reader thread, under lock) */

static uint64_t event_ns(const struct input_event *ev)
{
	return (uint64_t)ev->input_event_sec * 1000000000ull + (uint64_t)ev->input_event_usec * 1000ull;
}

/* A frame ended: its records to the queue, its passthrough events to the desktop. */
static void frame_commit_locked(struct evdev_backend *eb, struct evdev_device *d, uint64_t time_ns)
{
	struct evf_dev *f = &d->filter;
	struct jskf_record syn;
	size_t i;

	if (f->stage_lost) {
		eb->dropped += f->stage_lost;
		eb->totals.dropped += f->stage_lost;
	}
	if (f->stage_n) {
		for (i = 0; i < f->stage_n; i++) {
			f->stage[i].time_ns = time_ns;
			queue_push_locked(eb, &f->stage[i]);
		}
		syn = evf_frame_syn(f, time_ns);
		queue_push_locked(eb, &syn);
	}
	if (f->fwd_n)
		passthrough_write(eb->passthrough, f->fwd, f->fwd_n);
	evf_frame_done(f);
}

static void event_locked(struct evdev_backend *eb, struct evdev_device *d, const struct input_event *ev)
{
	uint64_t seen = d->filter.seen, swallowed = d->filter.swallowed;

	switch (evf_event(&d->filter, &eb->cap, ev)) {
	case EVF_TOGGLE:
		set_active_locked(eb, !eb->cap.active, JSKF_STATE_BY_HOTKEY);
		break;
	case EVF_FRAME:
		frame_commit_locked(eb, d, event_ns(ev));
		break;
	case EVF_NOTHING:
		break;
	}
	eb->totals.seen += d->filter.seen - seen;
	eb->totals.swallowed += d->filter.swallowed - swallowed;
	if (d->grab_waiting && ev->type == EV_SYN && ev->code == SYN_REPORT)
		grab_update_locked(eb, d);
}

/*
 * Everything the device has queued.  After SYN_DROPPED, libevdev's sync
 * mode hands over the events that bring its state up to date (a button
 * released meanwhile), marked JSKF_RECF_RESYNC.  -ENODEV: it is gone.
 */
static int device_read_locked(struct evdev_backend *eb, struct evdev_device *d)
{
	unsigned int flags = LIBEVDEV_READ_FLAG_NORMAL;
	struct input_event ev;
	int r;

	for (;;) {
		r = libevdev_next_event(d->evdev, flags, &ev);
		if (r == LIBEVDEV_READ_STATUS_SYNC) {
			if (flags == LIBEVDEV_READ_FLAG_NORMAL) {
				/* ev is the SYN_DROPPED: the events of the gap are lost */
				flags = LIBEVDEV_READ_FLAG_SYNC;
				d->filter.resync = true;
				eb->totals.dropped++;
				continue;
			}
		} else if (r == -EAGAIN && flags == LIBEVDEV_READ_FLAG_SYNC) {
			flags = LIBEVDEV_READ_FLAG_NORMAL;	/* in sync again */
			d->filter.resync = false;
			continue;
		} else if (r != LIBEVDEV_READ_STATUS_SUCCESS) {
			return r == -EAGAIN ? 0 : r;
		}
		event_locked(eb, d, &ev);
	}
}

/* ---- the operations */

static int evdev_info(struct backend *b, struct jskf_info *ret)
{
	struct evdev_backend *eb = evb(b);

	memset(ret, 0, sizeof(*ret));
	ret->abi_version = JSKF_ABI_VERSION;
	ret->max_batch = EVB_MAX_BATCH;
	ret->max_capture_ids = JSKF_MAX_CAPTURE_IDS;
	pthread_mutex_lock(&eb->lock);
	ret->devlist_gen = eb->devlist_gen;
	ret->n_devices = eb->n_devs;
	pthread_mutex_unlock(&eb->lock);
	return 0;
}

static int evdev_list(struct backend *b, struct jskf_device **ret_devs, size_t *ret_n,
		      uint64_t *ret_gen)
{
	struct evdev_backend *eb = evb(b);
	struct jskf_device *devs;
	size_t i;

	pthread_mutex_lock(&eb->lock);
	devs = calloc(eb->n_devs ? eb->n_devs : 1, sizeof(*devs));
	if (!devs) {
		pthread_mutex_unlock(&eb->lock);
		return -ENOMEM;
	}
	for (i = 0; i < eb->n_devs; i++) {
		devs[i] = eb->devs[i]->info;
		if (eb->devs[i]->filter.selected)
			devs[i].flags |= JSKF_DEVF_CAPTURED;
	}
	*ret_devs = devs;
	*ret_n = eb->n_devs;
	*ret_gen = eb->devlist_gen;
	pthread_mutex_unlock(&eb->lock);
	return 0;
}

static int evdev_capture(struct backend *b, const struct kf_capture_req *req)
{
	struct evdev_backend *eb = evb(b);
	bool was_owner, was_active;
	size_t i;

	if (req->n_ids > JSKF_MAX_CAPTURE_IDS)
		return -E2BIG;
	pthread_mutex_lock(&eb->lock);
	for (i = 0; !req->all_pointers && i < req->n_ids; i++) {
		if (!find_id_locked(eb, req->ids[i])) {
			pthread_mutex_unlock(&eb->lock);
			return -ENODEV;	/* unplugged since the listing */
		}
	}
	was_owner = eb->cap.owner;
	was_active = was_owner && eb->cap.active;
	eb->cap.owner = true;
	eb->cap.active = req->active;
	eb->cap.swallow = req->swallow & JSKF_CLASS_ALL;
	eb->cap.toggle_code = req->toggle_code;
	if (!was_owner) {
		memset(eb->cap.keys, 0, sizeof(eb->cap.keys));
		for (i = JSKF_POINTER_BUTTONS_FIRST; i <= JSKF_POINTER_BUTTONS_LAST; i++)
			eb->cap.keys[i / 64] |= 1ull << (i % 64);
	}
	eb->all_pointers = req->all_pointers;
	eb->n_ids = req->all_pointers ? 0 : req->n_ids;
	if (eb->n_ids)
		memcpy(eb->ids, req->ids, eb->n_ids * sizeof(eb->ids[0]));
	for (i = 0; i < eb->n_devs; i++) {
		struct evdev_device *d = eb->devs[i];
		bool now = selected_locked(eb, d);

		if (!was_owner)
			evf_forget_given(&d->filter);
		if (now && !d->filter.selected)
			queue_own_locked(eb, JSKF_REC_DEV_ADDED, 0, d->info.id, 0);
		d->filter.selected = now;
	}
	if (eb->cap.active != was_active)
		queue_own_locked(eb, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL, 0, state_flags_locked(eb));
	grab_update_all_locked(eb);
	pthread_mutex_unlock(&eb->lock);
	wake_reader(eb);
	return 0;
}

static int evdev_capture_keys(struct backend *b, const uint64_t bits[JSKF_KEY_WORDS])
{
	struct evdev_backend *eb = evb(b);

	pthread_mutex_lock(&eb->lock);
	memcpy(eb->cap.keys, bits, sizeof(eb->cap.keys));
	pthread_mutex_unlock(&eb->lock);
	return 0;
}

static int evdev_set_active(struct backend *b, int active)
{
	struct evdev_backend *eb = evb(b);
	int r;

	pthread_mutex_lock(&eb->lock);
	r = set_active_locked(eb, active, JSKF_STATE_BY_IOCTL);
	pthread_mutex_unlock(&eb->lock);
	wake_reader(eb);
	return r;
}

static int evdev_exclude(struct backend *b, const struct jskf_input_id *ids, size_t n)
{
	struct evdev_backend *eb = evb(b);
	size_t i;

	if (n > JSKF_MAX_EXCLUDES)
		return -E2BIG;
	pthread_mutex_lock(&eb->lock);
	memcpy(eb->excludes, ids, n * sizeof(*ids));
	eb->n_excludes = n;
	for (i = eb->n_devs; i-- > 0;)
		if (excluded_locked(eb, eb->devs[i]))
			detach_locked(eb, i);
	pthread_mutex_unlock(&eb->lock);
	return 0;
}

static int evdev_release(struct backend *b)
{
	struct evdev_backend *eb = evb(b);
	size_t i;

	pthread_mutex_lock(&eb->lock);
	eb->cap.owner = false;
	eb->cap.active = false;
	for (i = 0; i < eb->n_devs; i++) {
		eb->devs[i]->filter.selected = false;
		evf_forget_given(&eb->devs[i]->filter);
	}
	grab_update_all_locked(eb);
	eb->read_seq += eb->q_n;	/* what was queued is discarded */
	eb->q_n = 0;
	pthread_mutex_unlock(&eb->lock);
	return 0;
}

static int evdev_stats(struct backend *b, uint32_t dev_id, struct jskf_stats *ret)
{
	struct evdev_backend *eb = evb(b);
	struct evdev_device *d;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->dev_id = dev_id;
	pthread_mutex_lock(&eb->lock);
	if (dev_id == 0) {
		ret->counters = eb->totals;
		ret->reads_pended = eb->reads_pended;
		ret->ring_size = EVB_QUEUE_MAX;
		ret->ring_used = eb->q_n;
		ret->ring_high_water = eb->high_water;
	} else if ((d = find_id_locked(eb, dev_id))) {
		ret->counters.seen = d->filter.seen;
		ret->counters.swallowed = d->filter.swallowed;
	} else {
		r = -ENODEV;
	}
	pthread_mutex_unlock(&eb->lock);
	return r;
}

/* Under lock: the batch from the front of the queue. */
static void read_batch_locked(struct evdev_backend *eb, struct jskf_read *rd)
{
	struct jskf_record *out = (struct jskf_record *)(uintptr_t)rd->records_ptr;
	size_t n = eb->q_n < rd->capacity ? eb->q_n : rd->capacity;

	memcpy(out, eb->queue, n * sizeof(*out));
	memmove(eb->queue, eb->queue + n, (eb->q_n - n) * sizeof(*out));
	eb->q_n -= n;
	rd->count = n;
	rd->first_seq = eb->read_seq + 1;
	rd->batch_seq = ++eb->batch_seq;
	eb->read_seq += n;
	rd->dropped = eb->dropped;
	eb->dropped = 0;
	eb->totals.delivered += n;
}

static int evdev_read(struct backend *b, struct jskf_read *rd)
{
	struct evdev_backend *eb = evb(b);
	bool waited = false;
	int r = 0;

	if (rd->capacity > EVB_MAX_BATCH)
		rd->capacity = EVB_MAX_BATCH;
	pthread_mutex_lock(&eb->lock);
	for (;;) {
		struct epoll_event evs[16];
		int i, n;

		if (eb->cancel_pending) {
			eb->cancel_pending = false;
			r = -ECANCELED;
			break;
		}
		rd->count = 0;
		if (eb->q_n && eb->cap.owner)
			read_batch_locked(eb, rd);
		if (rd->count || ((rd->flags & JSKF_READ_DEVLIST) && rd->devlist_gen != eb->devlist_gen)) {
			rd->state = state_flags_locked(eb) |
				    (rd->devlist_gen != eb->devlist_gen ? JSKF_STATE_DEVLIST : 0);
			rd->devlist_gen = eb->devlist_gen;
			break;
		}
		if (!waited)
			eb->reads_pended++;
		waited = true;
		pthread_mutex_unlock(&eb->lock);
		n = epoll_wait(eb->epfd, evs, sizeof(evs) / sizeof(evs[0]), -1);
		if (n < 0)
			return -errno;	/* EINTR: the caller looks at why */
		pthread_mutex_lock(&eb->lock);
		for (i = 0; i < n; i++) {
			struct evdev_device *d;
			uint64_t count;

			if (evs[i].data.u64 == EVB_TAG_WAKE) {
				if (read(eb->wake_fd, &count, sizeof(count)) < 0) {
					/* nothing to take: another read took it */
				}
			} else if (evs[i].data.u64 == EVB_TAG_MONITOR) {
				monitor_read_locked(eb);
			} else if ((d = find_id_locked(eb, evs[i].data.u64)) &&
				   device_read_locked(eb, d) < 0) {
				/* Unplugged: udev's remove may lag behind, or never come. */
				ssize_t at = find_syspath_locked(eb, d->syspath);

				if (at >= 0)
					detach_locked(eb, at);
			}
		}
	}
	pthread_mutex_unlock(&eb->lock);
	return r;
}

static int evdev_cancel(struct backend *b)
{
	struct evdev_backend *eb = evb(b);

	pthread_mutex_lock(&eb->lock);
	eb->cancel_pending = true;
	pthread_mutex_unlock(&eb->lock);
	wake_reader(eb);
	return 0;
}

static void evdev_free(struct backend *b)
{
	struct evdev_backend *eb = evb(b);
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		evdev_device_free(eb->devs[i]);	/* closing ends the grab */
	free(eb->devs);
	free(eb->queue);
	eb->passthrough = passthrough_free(eb->passthrough);
	udev_monitor_unref(eb->monitor);
	udev_unref(eb->udev);
	if (eb->wake_fd >= 0)
		close(eb->wake_fd);
	if (eb->epfd >= 0)
		close(eb->epfd);
	pthread_mutex_destroy(&eb->lock);
	free(eb);
}

static const struct backend_ops evdev_ops = {
	.name		= "evdev",
	.info		= evdev_info,
	.list		= evdev_list,
	.capture	= evdev_capture,
	.capture_keys	= evdev_capture_keys,
	.set_active	= evdev_set_active,
	.exclude	= evdev_exclude,
	.release	= evdev_release,
	.stats		= evdev_stats,
	.read		= evdev_read,
	.cancel		= evdev_cancel,
	.free		= evdev_free,
};

/* ---- start-up */

static int epoll_watch(int epfd, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/*
 * udevd's events when it runs (they come once it has set the node up),
 * else the kernel's.  The monitor is enabled before the enumeration, so
 * no device slips in between; one seen twice is attached once.
 */
static int discover(struct evdev_backend *eb)
{
	const char *source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	struct udev_list_entry *entry;
	struct udev_enumerate *e;
	int r;

	eb->monitor = udev_monitor_new_from_netlink(eb->udev, source);
	if (!eb->monitor)
		return -EPROTONOSUPPORT;
	r = udev_monitor_filter_add_match_subsystem_devtype(eb->monitor, "input", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(eb->monitor);
	if (r >= 0)
		r = epoll_watch(eb->epfd, udev_monitor_get_fd(eb->monitor), EVB_TAG_MONITOR);
	if (r < 0)
		return r;
	e = udev_enumerate_new(eb->udev);
	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, "input");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(entry, r >= 0 ? udev_enumerate_get_list_entry(e) : NULL) {
		struct udev_device *dev = udev_device_new_from_syspath(eb->udev,
								       udev_list_entry_get_name(entry));

		if (!dev)
			continue;	/* gone meanwhile */
		udev_change_locked(eb, dev);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	return r < 0 ? r : 0;
}

int backend_evdev_open(struct backend **ret, struct jskf_info *ret_info)
{
	struct evdev_backend *eb;
	int r;

	eb = calloc(1, sizeof(*eb));
	if (!eb)
		return -ENOMEM;
	eb->b.ops = &evdev_ops;
	pthread_mutex_init(&eb->lock, NULL);
	eb->epfd = epoll_create1(EPOLL_CLOEXEC);
	eb->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	eb->udev = udev_new();
	if (eb->epfd < 0 || eb->wake_fd < 0) {
		r = -errno;
		goto err_free;
	}
	if (!eb->udev) {
		r = -ENOMEM;
		goto err_free;
	}
	r = epoll_watch(eb->epfd, eb->wake_fd, EVB_TAG_WAKE);
	if (r == 0)
		r = passthrough_new(&eb->passthrough);
	if (r == 0) {
		pthread_mutex_lock(&eb->lock);	/* for the assertions' sake: no reader yet */
		r = discover(eb);
		pthread_mutex_unlock(&eb->lock);
	}
	if (r < 0)
		goto err_free;
	*ret = &eb->b;
	return evdev_info(&eb->b, ret_info);

 err_free:
	evdev_free(&eb->b);
	return r;
}
