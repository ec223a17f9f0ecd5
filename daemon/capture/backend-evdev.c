// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evdev backend (backend.h): the kernel filter's protocol made in
 * user space, for machines where the module cannot load.
 *
 * Devices: every /dev/input/eventN that is a pointer or a keyboard (the
 * kernel filter's rules), found through libudev, then kept up to date by
 * its monitor: udevd's events when udevd runs, else the kernel's own
 * uevents (an initramfs, a container).  Ids count up from 1 and are never
 * reused; devlist_gen counts attaches, detaches and grab changes worth a
 * line in the log.  A node that cannot be opened for want of file
 * descriptors (EMFILE, ENFILE) is tried again every second, and whenever
 * a device goes away; a note says so.  Passthroughs (ours, another
 * joystickd's) are never attached.
 *
 * Capture: while it is active and swallows something, the selected
 * pointers are grabbed (EVIOCGRAB), so no other reader sees them, and each
 * gets its passthrough (evdev-passthrough.h): its copy on the desktop,
 * carrying what the capture does not swallow; a grab lasts while capture
 * is active, even if the classes swallowed drop to none meanwhile (hold-
 * to-look), so a change of classes takes effect at the next frame, with
 * no ungrab.  A mouse with a key down that the desktop saw pressed is
 * grabbed once its keys are up (the desktop must get the release from
 * the mouse), BACKEND_GRAB_WAIT_S at most; meanwhile the desktop has it
 * alone and the capture takes nothing from it (evdev_device_grab() is
 * race-free).  While capture is off nothing is grabbed.  Keyboards are
 * read, never grabbed: the toggle key reaches the desktop too.  Closing a
 * file ends its grab, so a daemon that dies (kill -9 too) gives the mice
 * back.
 *
 * Threads: the reader thread's read() waits in epoll on the devices, the
 * udev monitor and wake_fd, and runs the filter (evdev-filter.h) on what
 * arrives, at most EVDEV_DRAIN_BUDGET events of a device per turn, and
 * only once the records of the previous turn were read, so no device
 * holds the lock for long and the queue stays short; the main thread's
 * calls (capture, set_active, list ...) change the same state and wake the
 * reader through wake_fd.  lock protects everything but the fds set up at
 * open.
 */
#include <errno.h>
#include <libudev.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/param.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "evdev-device.h"
#include "evdev-drain.h"
#include "evdev-filter.h"
#include "evdev-passthrough.h"
#include "evdev-queue.h"

#define EVB_MAX_BATCH		256
#define EVB_QUEUE_MAX		65536		/* input records; more are counted dropped */
#define EVB_TAG_MONITOR		0		/* epoll tags: device ids start at 1 */
#define EVB_TAG_WAKE		UINT64_MAX
#define EVB_MONITOR_BUDGET	64		/* udev events per turn */
#define NS_PER_SEC		1000000000ull
#define NS_PER_MS		1000000ull
#define EVB_WAIT_NS		(BACKEND_GRAB_WAIT_S * NS_PER_SEC)
#define EVB_RETRY_NS		NS_PER_SEC	/* busy grabs, unopened nodes: tried again after */
#define EVB_NEVER		UINT64_MAX

/* An event node that could not be opened for want of file descriptors. */
struct evb_unopened {
	char *syspath;
	char *devnode;
};

struct evdev_backend {
	struct backend b;
	/* Set up at open, then read-only. */
	int epfd;
	int wake_fd;			/* eventfd: the reader has records or a cancel */
	struct udev *udev;
	struct udev_monitor *monitor;

	atomic_uint waiting;		/* calls of other threads waiting for lock */
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
	struct evq queue;		/* records not read yet */
	uint64_t batch_seq;
	bool cancel_pending;
	struct jskf_counters totals;
	uint64_t reads_pended;
	struct evb_unopened *unopened;	/* nodes to open once descriptors are free */
	size_t n_unopened;
	uint64_t unopened_retry;	/* when to try them again */
	uint64_t turn;			/* reader turns: one read per device each */
};

static struct evdev_backend *evb(struct backend *b)
{
	return (struct evdev_backend *)b;
}

/*
 * The lock, for the operations the other threads call: the reader lets
 * them have it before it takes it again (reader_relock()), so that a
 * flood, which keeps the reader turning, cannot starve `joystickctl
 * status` or a reload.
 */
static void lock(struct evdev_backend *eb)
{
	atomic_fetch_add(&eb->waiting, 1);
	pthread_mutex_lock(&eb->lock);
	atomic_fetch_sub(&eb->waiting, 1);
}

static void unlock(struct evdev_backend *eb)
{
	pthread_mutex_unlock(&eb->lock);
}

static void reader_relock(struct evdev_backend *eb)
{
	while (atomic_load(&eb->waiting))
		sched_yield();
	pthread_mutex_lock(&eb->lock);
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
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- the record queue (under lock) */

static void queue_input_locked(struct evdev_backend *eb, const struct jskf_record *rec)
{
	if (evq_push(&eb->queue, rec, false) < 0)
		eb->totals.dropped++;
}

/* The backend's own records: never dropped (evdev-queue.h). */
static void queue_own_locked(struct evdev_backend *eb, uint16_t type, uint16_t code,
			     uint32_t dev_id, int32_t value, uint32_t flags)
{
	struct jskf_record rec = {
		.time_ns = now_ns(),
		.dev_id = dev_id,
		.type = type,
		.code = code,
		.value = value,
		.flags = flags,
	};

	if (evq_push(&eb->queue, &rec, true) < 0)
		eb->totals.dropped++;
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

/* mice = all takes every pointer but other remappers' (a loop through them). */
static bool selected_locked(const struct evdev_backend *eb, const struct evdev_device *d)
{
	if (!eb->cap.owner || !(d->info.flags & JSKF_DEVF_POINTER))
		return false;
	if (eb->all_pointers)
		return !(d->info.flags & BACKEND_DEVF_REMAPPER);
	return id_listed(eb->ids, eb->n_ids, d->info.id);
}

static bool excluded_locked(const struct evdev_backend *eb, const struct evdev_device *d)
{
	size_t i;

	for (i = 0; i < eb->n_excludes; i++)
		if (evdev_device_has_id(d, &eb->excludes[i]))
			return true;
	return false;
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

static ssize_t find_syspath_locked(const struct evdev_backend *eb, const char *syspath)
{
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		if (strcmp(eb->devs[i]->syspath, syspath) == 0)
			return i;
	return -1;
}

/* ---- grabs (under lock) */

/* Writes the releases of the keys the passthrough holds down: it is about to go. */
static void release_forwarded_locked(struct evdev_device *d)
{
	struct input_event ev[EVF_STAGE_MAX];
	size_t n = 0;
	unsigned int code;

	for (code = 0; code < KEY_CNT && d->passthrough; code++) {
		if (!evf_key_test(d->filter.fwd_down, code))
			continue;
		ev[n++] = (struct input_event){ .type = EV_KEY, .code = code, .value = 0 };
		if (n == EVF_STAGE_MAX) {
			passthrough_write(d->passthrough, ev, n, false);
			n = 0;
		}
	}
	if (n && d->passthrough)
		passthrough_write(d->passthrough, ev, n, true);
	memset(d->filter.fwd_down, 0, sizeof(d->filter.fwd_down));
}

/* Whether the manager hears of a change from @from to @to: all but NONE <-> ON. */
static bool grab_noteworthy(enum backend_grab from, enum backend_grab to)
{
	return !((from == BACKEND_GRAB_NONE || from == BACKEND_GRAB_ON) &&
		 (to == BACKEND_GRAB_NONE || to == BACKEND_GRAB_ON));
}

static void grab_set_locked(struct evdev_backend *eb, struct evdev_device *d,
			    enum backend_grab grab, uint32_t detail)
{
	bool wanted = grab != BACKEND_GRAB_NONE;

	if (grab_noteworthy(d->grab, grab) && (d->grab != grab || d->grab_detail != detail)) {
		eb->devlist_gen++;
		wake_reader(eb);
	}
	d->grab = grab;
	d->grab_detail = detail;
	d->filter.grabbed = grab == BACKEND_GRAB_ON;
	d->filter.desktop_only = wanted && grab != BACKEND_GRAB_ON;
	d->info.flags &= ~(BACKEND_DEVF_GRAB_MASK | JSKF_DEVF_GRABBED);
	d->info.flags |= (uint32_t)grab << BACKEND_DEVF_GRAB_SHIFT;
	if (grab == BACKEND_GRAB_BUSY)
		d->info.flags |= JSKF_DEVF_GRABBED;	/* another program's: we see nothing */
	d->info.reserved = detail;
}

static void grab_drop_locked(struct evdev_backend *eb, struct evdev_device *d)
{
	if (d->grab == BACKEND_GRAB_ON) {
		release_forwarded_locked(d);
		evdev_device_ungrab(d);
	}
	d->passthrough = passthrough_free(d->passthrough);
	grab_set_locked(eb, d, BACKEND_GRAB_NONE, 0);
}

/* Grabs @d and makes its passthrough, or says why not. */
static void grab_try_locked(struct evdev_backend *eb, struct evdev_device *d, uint64_t now)
{
	uint16_t code;
	int r;

	r = evdev_device_grab(d, &code);
	if (r == EVDEV_GRABBED) {
		/* Events of the grab wait in our file until the passthrough exists: none is lost. */
		r = passthrough_new(d->evdev, &d->passthrough);
		if (r == 0) {
			grab_set_locked(eb, d, BACKEND_GRAB_ON, 0);
			return;
		}
		evdev_device_ungrab(d);
		d->grab_retry = now + EVB_RETRY_NS;
		grab_set_locked(eb, d, BACKEND_GRAB_NO_PASSTHROUGH, -r);
		return;
	}
	if (r == EVDEV_KEYS_DOWN) {
		if (d->grab != BACKEND_GRAB_WAITING)
			d->grab_since = now;
		if (now - d->grab_since >= EVB_WAIT_NS)
			grab_set_locked(eb, d, BACKEND_GRAB_HELD, code);
		else
			grab_set_locked(eb, d, BACKEND_GRAB_WAITING, code);
		return;
	}
	d->grab_retry = now + EVB_RETRY_NS;
	grab_set_locked(eb, d, r == -EBUSY ? BACKEND_GRAB_BUSY : BACKEND_GRAB_FAILED, -r);
}

/*
 * What the grab of one device should be now: wanted while capture is
 * active on it and swallows something, and kept while it is active at all.
 */
static void grab_update_locked(struct evdev_backend *eb, struct evdev_device *d, uint64_t now)
{
	bool want = eb->cap.owner && eb->cap.active && d->filter.selected &&
		    (eb->cap.swallow || d->grab == BACKEND_GRAB_ON);

	if (!want) {
		if (d->grab != BACKEND_GRAB_NONE)
			grab_drop_locked(eb, d);
		return;
	}
	switch (d->grab) {
	case BACKEND_GRAB_NONE:
	case BACKEND_GRAB_WAITING:
		grab_try_locked(eb, d, now);
		break;
	case BACKEND_GRAB_BUSY:
	case BACKEND_GRAB_FAILED:
	case BACKEND_GRAB_NO_PASSTHROUGH:
		if (now >= d->grab_retry)
			grab_try_locked(eb, d, now);
		break;
	case BACKEND_GRAB_ON:
	case BACKEND_GRAB_HELD:
		break;
	}
}

static void grab_update_all_locked(struct evdev_backend *eb)
{
	uint64_t now = now_ns();
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		grab_update_locked(eb, eb->devs[i], now);
}

static int set_active_locked(struct evdev_backend *eb, bool active, uint16_t by)
{
	if (!eb->cap.owner)
		return -EPERM;
	if (eb->cap.active != active) {
		eb->cap.active = active;
		queue_own_locked(eb, JSKF_REC_STATE, by, 0, state_flags_locked(eb), 0);
	}
	grab_update_all_locked(eb);
	return 0;
}

/* ---- attaching and detaching (under lock) */

static void unopened_forget_locked(struct evdev_backend *eb, size_t i)
{
	free(eb->unopened[i].syspath);
	free(eb->unopened[i].devnode);
	eb->unopened[i] = eb->unopened[--eb->n_unopened];
	if (!eb->n_unopened)
		queue_own_locked(eb, BACKEND_REC_NOTE, BACKEND_NOTE_UNOPENED, 0, 0, 0);
}

/* A node to open once descriptors are free; the first one says so in a note. */
static void unopened_add_locked(struct evdev_backend *eb, const char *syspath, const char *devnode,
				int error)
{
	struct evb_unopened *u;
	size_t i;

	for (i = 0; i < eb->n_unopened; i++)
		if (strcmp(eb->unopened[i].syspath, syspath) == 0)
			return;
	u = realloc(eb->unopened, (eb->n_unopened + 1) * sizeof(*u));
	if (!u)
		return;
	eb->unopened = u;
	u = &eb->unopened[eb->n_unopened];
	u->syspath = strdup(syspath);
	u->devnode = strdup(devnode);
	if (!u->syspath || !u->devnode) {
		free(u->syspath);
		free(u->devnode);
		return;
	}
	if (!eb->n_unopened++)
		queue_own_locked(eb, BACKEND_REC_NOTE, BACKEND_NOTE_UNOPENED, 0, 1, -error);
	eb->unopened_retry = now_ns() + EVB_RETRY_NS;
}

static void detach_locked(struct evdev_backend *eb, size_t i)
{
	struct evdev_device *d = eb->devs[i];

	if (eb->cap.owner && evf_removal_owed(&d->filter))
		queue_own_locked(eb, JSKF_REC_DEV_REMOVED, 0, d->info.id, 0, 0);
	grab_drop_locked(eb, d);
	epoll_ctl(eb->epfd, EPOLL_CTL_DEL, d->fd, NULL);
	evdev_device_free(d);
	memmove(&eb->devs[i], &eb->devs[i + 1], (eb->n_devs - i - 1) * sizeof(eb->devs[0]));
	eb->n_devs--;
	eb->devlist_gen++;
	eb->unopened_retry = 0;		/* a descriptor is free */
	wake_reader(eb);
}

/*
 * An event node appeared: attach it if it is a pointer or a keyboard, not
 * excluded, not a passthrough.  -EMFILE, -ENFILE: kept to try again.
 */
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
	if (r == -EMFILE || r == -ENFILE)
		unopened_add_locked(eb, syspath, devnode, r);
	if (r < 0)
		return r;
	if (excluded_locked(eb, d) || passthrough_named(d->info.name)) {
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
		queue_own_locked(eb, JSKF_REC_DEV_ADDED, 0, d->info.id, 0, 0);
	grab_update_locked(eb, d, now_ns());
	wake_reader(eb);
	return 0;
}

static bool is_event_node(struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);

	return sysname && strncmp(sysname, "event", 5) == 0 && udev_device_get_devnode(dev);
}

/* A passthrough, known by its name before its node is opened. */
static bool is_passthrough(struct udev_device *dev)
{
	struct udev_device *input = udev_device_get_parent_with_subsystem_devtype(dev, "input", NULL);
	const char *name = input ? udev_device_get_sysattr_value(input, "name") : NULL;

	return name && passthrough_named(name);
}

static void udev_change_locked(struct evdev_backend *eb, struct udev_device *dev)
{
	const char *action = udev_device_get_action(dev);
	const char *syspath = udev_device_get_syspath(dev);
	ssize_t i;

	if (!is_event_node(dev))
		return;
	if (action && strcmp(action, "remove") == 0) {
		for (i = 0; i < (ssize_t)eb->n_unopened; i++)
			if (strcmp(eb->unopened[i].syspath, syspath) == 0)
				unopened_forget_locked(eb, i);
		i = find_syspath_locked(eb, syspath);
		if (i >= 0)
			detach_locked(eb, i);
		return;
	}
	if (is_passthrough(dev))
		return;
	/* A node that cannot be opened (gone again, not permitted) is not attached. */
	attach_locked(eb, syspath, udev_device_get_devnode(dev));
}

static void monitor_read_locked(struct evdev_backend *eb)
{
	struct udev_device *dev;
	int n;

	for (n = 0; n < EVB_MONITOR_BUDGET && (dev = udev_monitor_receive_device(eb->monitor)); n++) {
		udev_change_locked(eb, dev);
		udev_device_unref(dev);
	}
}

/* Every input device udev knows, attached if it is not yet. */
static int enumerate_locked(struct evdev_backend *eb)
{
	struct udev_list_entry *entry;
	struct udev_enumerate *e;
	int r;

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

/* The nodes that could not be opened, once more. */
static void unopened_retry_locked(struct evdev_backend *eb, uint64_t now)
{
	size_t i = 0;
	int r;

	eb->unopened_retry = now + EVB_RETRY_NS;
	while (i < eb->n_unopened) {
		r = attach_locked(eb, eb->unopened[i].syspath, eb->unopened[i].devnode);
		if (r == -EMFILE || r == -ENFILE)
			return;		/* still no room: the rest waits too */
		unopened_forget_locked(eb, i);	/* attached, or not worth another try */
	}
}

/* ---- events (reader thread, under lock) */

static uint64_t event_ns(const struct input_event *ev)
{
	return (uint64_t)ev->input_event_sec * NS_PER_SEC + (uint64_t)ev->input_event_usec * 1000ull;
}

/* Hands over what the filter staged: records to the queue, events to the passthrough. */
static void frame_take_locked(struct evdev_backend *eb, struct evdev_device *d, uint64_t time_ns,
			      bool end)
{
	struct evf_dev *f = &d->filter;
	struct jskf_record syn;
	size_t i;

	for (i = 0; i < f->stage_n; i++) {
		f->stage[i].time_ns = time_ns;
		queue_input_locked(eb, &f->stage[i]);
	}
	if (end && f->frame_staged) {
		syn = evf_frame_syn(f, time_ns);
		queue_input_locked(eb, &syn);
	}
	if (d->passthrough && (f->fwd_n || (end && f->frame_forwarded)))
		passthrough_write(d->passthrough, f->fwd, f->fwd_n, end && f->frame_forwarded);
}

static void event_locked(struct evdev_backend *eb, struct evdev_device *d, const struct input_event *ev)
{
	uint64_t seen = d->filter.seen, swallowed = d->filter.swallowed;
	bool toggle;

	switch (evf_event(&d->filter, &eb->cap, ev)) {
	case EVF_FULL:
		frame_take_locked(eb, d, event_ns(ev), false);
		evf_flushed(&d->filter);
		break;
	case EVF_FRAME:
		frame_take_locked(eb, d, event_ns(ev), true);
		toggle = d->filter.toggle;
		evf_frame_done(&d->filter);
		/* After the frame's records: the hotkey came after what came before it. */
		if (toggle)
			set_active_locked(eb, !eb->cap.active, JSKF_STATE_BY_HOTKEY);
		break;
	case EVF_NOTHING:
		break;
	}
	eb->totals.seen += d->filter.seen - seen;
	eb->totals.swallowed += d->filter.swallowed - swallowed;
}

struct read_ctx {
	struct evdev_backend *eb;
	struct evdev_device *d;
};

static void on_event(void *userdata, const struct input_event *ev, bool resync)
{
	struct read_ctx *rc = userdata;
	struct evdev_device *d = rc->d;

	if (ev->type == EV_SYN && ev->code == SYN_DROPPED) {
		/* Our evdev buffer overflowed: the gap's events are lost; its keys are resynced. */
		d->overflows++;
		queue_own_locked(rc->eb, BACKEND_REC_NOTE, BACKEND_NOTE_OVERFLOW, d->info.id,
				 d->overflows > INT32_MAX ? INT32_MAX : (int32_t)d->overflows, 0);
		return;
	}
	d->filter.resync = resync;
	event_locked(rc->eb, d, ev);
}

/*
 * One turn of @d: EVDEV_DRAIN_BUDGET events at most.  A device that ran
 * dry and waits for its keys to come up tries its grab again.  Returns
 * false when the device is gone (and detached).
 */
static bool device_read_locked(struct evdev_backend *eb, struct evdev_device *d)
{
	struct read_ctx rc = { eb, d };
	ssize_t at;
	int r;

	d->turn = eb->turn;
	r = evdev_drain(d->evdev, &d->syncing, EVDEV_DRAIN_BUDGET, on_event, &rc);
	if (r < 0) {
		/* Unplugged: udev's remove may lag behind, or never come. */
		at = find_syspath_locked(eb, d->syspath);
		if (at >= 0)
			detach_locked(eb, at);
		return false;
	}
	d->backlog = r == EVDEV_DRAIN_MORE;
	if (r == EVDEV_DRAIN_EMPTY && d->grab == BACKEND_GRAB_WAITING)
		grab_update_locked(eb, d, now_ns());
	return true;
}

/*
 * The devices whose budget ran out in an earlier turn: libevdev may hold
 * their events where epoll cannot see them.  One read each per turn.
 */
static void backlog_read_locked(struct evdev_backend *eb)
{
	size_t i = 0;

	while (i < eb->n_devs) {
		struct evdev_device *d = eb->devs[i];

		if (!d->backlog || d->turn == eb->turn || device_read_locked(eb, d))
			i++;
	}
}

static bool backlog_locked(const struct evdev_backend *eb)
{
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		if (eb->devs[i]->backlog)
			return true;
	return false;
}

/* When the grab of @d wants another look: the end of its wait, its retry. */
static uint64_t grab_due(const struct evdev_device *d)
{
	switch (d->grab) {
	case BACKEND_GRAB_WAITING:
		return d->grab_since + EVB_WAIT_NS;
	case BACKEND_GRAB_BUSY:
	case BACKEND_GRAB_FAILED:
	case BACKEND_GRAB_NO_PASSTHROUGH:
		return d->grab_retry;
	default:
		return EVB_NEVER;
	}
}

/* The earliest time something waits for: a wait's end, a retry. */
static uint64_t next_timer_locked(const struct evdev_backend *eb)
{
	uint64_t next = eb->n_unopened ? eb->unopened_retry : EVB_NEVER;
	size_t i;

	for (i = 0; i < eb->n_devs; i++)
		if (grab_due(eb->devs[i]) < next)
			next = grab_due(eb->devs[i]);
	return next;
}

/* What is due: the end of a wait (the last try, else HELD), a retry. */
static void timers_locked(struct evdev_backend *eb, uint64_t now)
{
	size_t i;

	if (eb->n_unopened && now >= eb->unopened_retry)
		unopened_retry_locked(eb, now);
	for (i = 0; i < eb->n_devs; i++)
		if (now >= grab_due(eb->devs[i]))
			grab_update_locked(eb, eb->devs[i], now);
}

/*
 * How long epoll may wait, in ms: -1 for ever, 0 with a backlog, and never
 * past the read's @deadline (EVB_NEVER: none).  *now is the time, read
 * here if it is needed and still 0.  A wait rounds up to the next ms, so
 * it never ends before the time it waits for.
 */
static int wait_ms_locked(const struct evdev_backend *eb, uint64_t deadline, uint64_t *now)
{
	uint64_t next;

	if (backlog_locked(eb))
		return 0;
	next = next_timer_locked(eb);
	if (deadline < next)
		next = deadline;
	if (next == EVB_NEVER)
		return -1;
	if (!*now)
		*now = now_ns();
	if (next <= *now)
		return 0;
	return (int)MIN((next - *now + NS_PER_MS - 1) / NS_PER_MS, (uint64_t)INT_MAX);
}

/* ---- the operations */

static int evdev_info(struct backend *b, struct jskf_info *ret)
{
	struct evdev_backend *eb = evb(b);

	memset(ret, 0, sizeof(*ret));
	ret->abi_version = JSKF_ABI_VERSION;
	ret->max_batch = EVB_MAX_BATCH;
	ret->max_capture_ids = JSKF_MAX_CAPTURE_IDS;
	lock(eb);
	ret->devlist_gen = eb->devlist_gen;
	ret->n_devices = eb->n_devs;
	unlock(eb);
	return 0;
}

static int evdev_list(struct backend *b, struct jskf_device **ret_devs, size_t *ret_n,
		      uint64_t *ret_gen)
{
	struct evdev_backend *eb = evb(b);
	struct jskf_device *devs;
	size_t i;

	lock(eb);
	devs = calloc(eb->n_devs ? eb->n_devs : 1, sizeof(*devs));
	if (!devs) {
		unlock(eb);
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
	unlock(eb);
	return 0;
}

static int evdev_capture(struct backend *b, const struct kf_capture_req *req)
{
	struct evdev_backend *eb = evb(b);
	bool was_owner, was_active;
	size_t i;

	if (req->n_ids > JSKF_MAX_CAPTURE_IDS)
		return -E2BIG;
	lock(eb);
	for (i = 0; !req->all_pointers && i < req->n_ids; i++) {
		if (!find_id_locked(eb, req->ids[i])) {
			unlock(eb);
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
			queue_own_locked(eb, JSKF_REC_DEV_ADDED, 0, d->info.id, 0, 0);
		d->filter.selected = now;
	}
	if (eb->cap.active != was_active)
		queue_own_locked(eb, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL, 0, state_flags_locked(eb), 0);
	grab_update_all_locked(eb);
	unlock(eb);
	wake_reader(eb);
	return 0;
}

static int evdev_capture_keys(struct backend *b, const uint64_t bits[JSKF_KEY_WORDS])
{
	struct evdev_backend *eb = evb(b);

	lock(eb);
	memcpy(eb->cap.keys, bits, sizeof(eb->cap.keys));
	unlock(eb);
	return 0;
}

static int evdev_set_active(struct backend *b, int active)
{
	struct evdev_backend *eb = evb(b);
	int r;

	lock(eb);
	r = set_active_locked(eb, active, JSKF_STATE_BY_IOCTL);
	unlock(eb);
	wake_reader(eb);
	return r;
}

/* Detaches what the list names and attaches what it no longer names. */
static int evdev_exclude(struct backend *b, const struct jskf_input_id *ids, size_t n)
{
	struct evdev_backend *eb = evb(b);
	size_t i;
	int r;

	if (n > JSKF_MAX_EXCLUDES)
		return -E2BIG;
	lock(eb);
	memcpy(eb->excludes, ids, n * sizeof(*ids));
	eb->n_excludes = n;
	for (i = eb->n_devs; i-- > 0;)
		if (excluded_locked(eb, eb->devs[i]))
			detach_locked(eb, i);
	r = eb->monitor ? enumerate_locked(eb) : 0;
	unlock(eb);
	return r;
}

static int evdev_release(struct backend *b)
{
	struct evdev_backend *eb = evb(b);
	size_t i;

	lock(eb);
	eb->cap.owner = false;
	eb->cap.active = false;
	for (i = 0; i < eb->n_devs; i++) {
		eb->devs[i]->filter.selected = false;
		evf_forget_given(&eb->devs[i]->filter);
	}
	grab_update_all_locked(eb);
	evq_discard(&eb->queue);	/* what was queued is discarded */
	unlock(eb);
	return 0;
}

static int evdev_stats(struct backend *b, uint32_t dev_id, struct jskf_stats *ret)
{
	struct evdev_backend *eb = evb(b);
	struct evdev_device *d;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->dev_id = dev_id;
	lock(eb);
	if (dev_id == 0) {
		ret->counters = eb->totals;
		ret->reads_pended = eb->reads_pended;
		ret->ring_size = EVB_QUEUE_MAX;
		ret->ring_used = eb->queue.n;
		ret->ring_high_water = eb->queue.high_water;
	} else if ((d = find_id_locked(eb, dev_id))) {
		ret->counters.seen = d->filter.seen;
		ret->counters.swallowed = d->filter.swallowed;
	} else {
		r = -ENODEV;
	}
	unlock(eb);
	return r;
}

/* Under lock: the batch from the front of the queue. */
static void read_batch_locked(struct evdev_backend *eb, struct jskf_read *rd)
{
	struct jskf_record *out = (struct jskf_record *)(uintptr_t)rd->records_ptr;
	uint64_t first_seq;

	rd->dropped = eb->queue.dropped;
	rd->count = evq_take(&eb->queue, out, rd->capacity, &first_seq);
	rd->first_seq = first_seq;
	rd->batch_seq = ++eb->batch_seq;
	eb->totals.delivered += rd->count;
}

/* Under lock: what epoll said is ready, then the backlog, then the timers due at @now. */
static void turn_locked(struct evdev_backend *eb, const struct epoll_event *evs, int n,
			uint64_t now)
{
	struct evdev_device *d;
	uint64_t count;
	int i;

	eb->turn++;
	for (i = 0; i < n; i++) {
		if (evs[i].data.u64 == EVB_TAG_WAKE) {
			if (read(eb->wake_fd, &count, sizeof(count)) < 0) {
				/* nothing to take: another read took it */
			}
		} else if (evs[i].data.u64 == EVB_TAG_MONITOR) {
			monitor_read_locked(eb);
		} else if ((d = find_id_locked(eb, evs[i].data.u64))) {
			device_read_locked(eb, d);
		}
	}
	backlog_read_locked(eb);
	timers_locked(eb, now);
}

static int evdev_read(struct backend *b, struct jskf_read *rd)
{
	struct evdev_backend *eb = evb(b);
	uint64_t deadline = EVB_NEVER, now = 0;	/* now: 0 until read this turn */
	bool waited = false;
	int r = 0;

	if (rd->capacity > EVB_MAX_BATCH)
		rd->capacity = EVB_MAX_BATCH;
	if ((rd->flags & JSKF_READ_DEADLINE) && rd->deadline_ns >= 0)
		deadline = (uint64_t)rd->deadline_ns;
	reader_relock(eb);
	for (;;) {
		struct epoll_event evs[16];
		int n, ms;

		if (eb->cancel_pending) {
			eb->cancel_pending = false;
			r = -ECANCELED;
			break;
		}
		rd->count = 0;
		if (eb->queue.n && eb->cap.owner)
			read_batch_locked(eb, rd);
		if (rd->count || ((rd->flags & JSKF_READ_DEVLIST) && rd->devlist_gen != eb->devlist_gen)) {
			rd->state = state_flags_locked(eb) |
				    (rd->devlist_gen != eb->devlist_gen ? JSKF_STATE_DEVLIST : 0);
			rd->devlist_gen = eb->devlist_gen;
			break;
		}
		ms = wait_ms_locked(eb, deadline, &now);
		if (deadline != EVB_NEVER && !backlog_locked(eb) && now >= deadline) {
			r = -ETIMEDOUT;	/* as the kernel filter: what came first wins */
			break;
		}
		if (!waited)
			eb->reads_pended++;
		waited = true;
		unlock(eb);
		n = epoll_wait(eb->epfd, evs, sizeof(evs) / sizeof(evs[0]), ms);
		if (n < 0)
			return -errno;	/* EINTR: the caller looks at why */
		now = now_ns();
		reader_relock(eb);
		turn_locked(eb, evs, n, now);
	}
	unlock(eb);
	return r;
}

static int evdev_cancel(struct backend *b)
{
	struct evdev_backend *eb = evb(b);

	lock(eb);
	eb->cancel_pending = true;
	unlock(eb);
	wake_reader(eb);
	return 0;
}

static void evdev_free(struct backend *b)
{
	struct evdev_backend *eb = evb(b);
	size_t i;

	for (i = 0; i < eb->n_devs; i++) {
		passthrough_free(eb->devs[i]->passthrough);
		evdev_device_free(eb->devs[i]);	/* closing ends the grab */
	}
	free(eb->devs);
	while (eb->n_unopened) {
		eb->n_unopened--;
		free(eb->unopened[eb->n_unopened].syspath);
		free(eb->unopened[eb->n_unopened].devnode);
	}
	free(eb->unopened);
	evq_free(&eb->queue);
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
	struct udev_monitor *monitor;
	int r;

	monitor = udev_monitor_new_from_netlink(eb->udev, source);
	if (!monitor)
		return -EPROTONOSUPPORT;
	r = udev_monitor_filter_add_match_subsystem_devtype(monitor, "input", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(monitor);
	if (r >= 0)
		r = epoll_watch(eb->epfd, udev_monitor_get_fd(monitor), EVB_TAG_MONITOR);
	if (r < 0) {
		udev_monitor_unref(monitor);
		return r;
	}
	eb->monitor = monitor;
	return enumerate_locked(eb);
}

/*
 * A grab of every mouse makes a passthrough each, two descriptors a mouse:
 * the soft limit goes up to the hard one (sd-event and libudev use epoll
 * and poll, never select()).
 */
static void raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int backend_evdev_open(struct backend **ret, struct jskf_info *ret_info)
{
	struct evdev_backend *eb;
	int r;

	eb = calloc(1, sizeof(*eb));
	if (!eb)
		return -ENOMEM;
	eb->b.ops = &evdev_ops;
	eb->wake_fd = -1;
	pthread_mutex_init(&eb->lock, NULL);
	evq_init(&eb->queue, EVB_QUEUE_MAX);
	raise_file_limit();
	eb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (eb->epfd < 0) {
		r = -errno;
		goto err_free;
	}
	eb->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (eb->wake_fd < 0) {
		r = -errno;
		goto err_free;
	}
	eb->udev = udev_new();
	if (!eb->udev) {
		r = -ENOMEM;
		goto err_free;
	}
	r = epoll_watch(eb->epfd, eb->wake_fd, EVB_TAG_WAKE);
	if (r == 0) {
		lock(eb);	/* for the assertions' sake: no reader yet */
		r = discover(eb);
		unlock(eb);
	}
	if (r < 0)
		goto err_free;
	*ret = &eb->b;
	return evdev_info(&eb->b, ret_info);

 err_free:
	evdev_free(&eb->b);
	return r;
}
