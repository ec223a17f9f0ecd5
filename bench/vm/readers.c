// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module's pended read against evdev's read(), on the same stream at
 * the same time: the bench owns capture of the eight mice with nothing
 * swallowed, so every event reaches both a JSKF_IOC_READ loop and an
 * epoll + read() loop over the mice's evdev nodes.  The generator writes
 * as fast as it can for two seconds.  Each reader reports the events it
 * got, what it lost, its calls and its own CPU time; see bvm.h.  A second
 * blast runs under perf, for the profile of each reader thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bvm.h"

#define BLAST_NS	2000000000ull

struct reader {
	const char *name;
	pthread_t thread;
	atomic_bool stop;
	int kf;				/* pended: the capturing file */
	int fds[BVM_MICE];		/* evdev: the mice */
	int stop_fd;			/* evdev: eventfd in the epoll set */
	uint64_t events;		/* REL and SYN_REPORT events received */
	uint64_t calls;			/* reads (and epoll waits) */
	uint64_t lost;			/* coalesced + dropped, or SYN_DROPPED */
	uint64_t cpu;			/* the thread's CPU time, ns */
};

static void *pended_main(void *userdata)
{
	static struct jskf_record recs[1024];
	struct reader *rd = userdata;

	pthread_setname_np(pthread_self(), "bench-pended");
	while (!atomic_load(&rd->stop)) {
		struct jskf_read req = {
			.records_ptr = (uintptr_t)recs,
			.capacity = 1024,
		};

		rd->calls++;
		if (ioctl(rd->kf, JSKF_IOC_READ, &req) < 0)
			continue;	/* -ECANCELED: look at stop */
		rd->lost += req.coalesced + req.dropped;
		for (uint32_t i = 0; i < req.count; i++)
			if (recs[i].type == EV_REL || recs[i].type == EV_SYN)
				rd->events++;
	}
	rd->cpu = bvm_thread_cpu();
	return NULL;
}

static void *evdev_main(void *userdata)
{
	struct reader *rd = userdata;
	struct input_event ev[256];
	struct epoll_event ee[BVM_MICE + 1];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	pthread_setname_np(pthread_self(), "bench-evdev");
	for (unsigned int i = 0; i <= BVM_MICE; i++) {
		struct epoll_event add = { .events = EPOLLIN, .data.u32 = i };

		epoll_ctl(ep, EPOLL_CTL_ADD, i < BVM_MICE ? rd->fds[i] : rd->stop_fd, &add);
	}
	while (!atomic_load(&rd->stop)) {
		int n = epoll_wait(ep, ee, BVM_MICE + 1, -1);

		rd->calls++;
		for (int e = 0; e < n; e++) {
			ssize_t got;

			if (ee[e].data.u32 == BVM_MICE)
				continue;
			while ((got = read(rd->fds[ee[e].data.u32], ev, sizeof(ev))) > 0) {
				rd->calls++;
				for (size_t i = 0; i < (size_t)got / sizeof(ev[0]); i++) {
					if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED)
						rd->lost++;
					else if (ev[i].type == EV_REL || ev[i].type == EV_SYN)
						rd->events++;
				}
			}
		}
	}
	close(ep);
	rd->cpu = bvm_thread_cpu();
	return NULL;
}

static int readers_capture(struct bvm_bench *b, int kf)
{
	uint32_t ids[BVM_MICE];

	for (unsigned int i = 0; i < BVM_MICE; i++) {
		struct jskf_device dev;
		int r = kf_find(b->kf, b->mice[i].name, &dev);

		if (r < 0)
			return r;
		ids[i] = dev.id;
	}
	return kf_capture(kf, ids, BVM_MICE, JSKF_CAPTURE_ACTIVE, 0, 0, 0);
}

/*
 * The fixed cost of one read, without the data: non-blocking reads of an
 * empty queue, timed on this thread's CPU clock.  JSKF_IOC_READ copies
 * straight from the ring and allocates nothing, so capacity 1024 against
 * 64 should cost the same.
 */
#define EMPTY_CALLS	20000

static void readers_empty_cost(struct bvm_bench *b, int kf)
{
	static struct jskf_record recs[1024];
	static const uint32_t caps[] = { 1024, 64 };
	struct input_event ev[64];
	int flags = fcntl(kf, F_GETFL);
	int fd = bvm_evdev_open(b->mice[0].node);
	uint64_t t0;

	fcntl(kf, F_SETFL, flags | O_NONBLOCK);
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct jskf_read req = { .records_ptr = (uintptr_t)recs, .capacity = caps[c] };

		while (ioctl(kf, JSKF_IOC_READ, &req) == 0)
			;	/* drain: DEV_ADDED and STATE records */
		t0 = bvm_thread_cpu();
		for (unsigned int i = 0; i < EMPTY_CALLS; i++)
			ioctl(kf, JSKF_IOC_READ, &req);
		bvm_line("RCALL pended-%u %llu", caps[c],
			 (unsigned long long)((bvm_thread_cpu() - t0) / EMPTY_CALLS));
	}
	fcntl(kf, F_SETFL, flags);
	if (fd < 0)
		return;
	t0 = bvm_thread_cpu();
	for (unsigned int i = 0; i < EMPTY_CALLS; i++)
		if (read(fd, ev, sizeof(ev)) < 0 && errno != EAGAIN)
			break;
	bvm_line("RCALL evdev %llu", (unsigned long long)((bvm_thread_cpu() - t0) / EMPTY_CALLS));
	close(fd);
}

static void readers_report(const struct reader *rd, uint64_t wall, uint64_t expected)
{
	bvm_line("READ %s %llu %llu %llu %llu %llu", rd->name, (unsigned long long)rd->events,
		 (unsigned long long)wall, (unsigned long long)rd->cpu,
		 (unsigned long long)rd->calls, (unsigned long long)rd->lost);
	vmt_info("%s read: %llu of %llu events (%.0f/s), lost %llu, %llu calls, %.0f ns CPU per event",
		 rd->name, (unsigned long long)rd->events, (unsigned long long)expected,
		 rd->events * 1e9 / wall, (unsigned long long)rd->lost,
		 (unsigned long long)rd->calls, rd->events ? (double)rd->cpu / rd->events : 0.0);
}

/* One blast through both readers; with @profile under perf, reporting only the profile. */
static int readers_pass(struct bvm_bench *b, bool profile)
{
	struct reader pended = { .name = "pended", .kf = -1, .stop_fd = -1 };
	struct reader evdev = { .name = "evdev", .kf = -1, .stop_fd = -1 };
	static char *const labels[] = { "pended-reader", "evdev-reader" };
	static char *const comms[] = { "bench-pended", "bench-evdev" };
	uint64_t t0, wall, frames = 0, one = 1;
	pid_t perf = -1;
	int r;

	for (unsigned int i = 0; i < BVM_MICE; i++)
		evdev.fds[i] = -1;
	pended.kf = open(JSKF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	r = pended.kf < 0 ? -errno : readers_capture(b, pended.kf);
	if (r == 0 && !profile)
		readers_empty_cost(b, pended.kf);
	for (unsigned int i = 0; r == 0 && i < BVM_MICE; i++)
		r = (evdev.fds[i] = bvm_evdev_open(b->mice[i].node)) < 0 ? evdev.fds[i] : 0;
	if (r == 0) {
		evdev.stop_fd = eventfd(0, EFD_CLOEXEC);
		r = evdev.stop_fd < 0 ? -errno : 0;
	}
	if (r == 0)
		r = -pthread_create(&pended.thread, NULL, pended_main, &pended);
	if (r == 0 && (r = -pthread_create(&evdev.thread, NULL, evdev_main, &evdev)) < 0) {
		atomic_store(&pended.stop, true);
		ioctl(pended.kf, JSKF_IOC_CANCEL);
		pthread_join(pended.thread, NULL);
	}
	if (r < 0) {
		bvm_fail("readers", "setting up: %s", strerror(-r));
		goto out;
	}

	if (profile)
		perf = bvm_perf_start("readers");
	/* The stream: all eight mice, round robin, as fast as one thread writes. */
	t0 = bvm_now();
	while (r == 0 && bvm_now() - t0 < BLAST_NS)
		for (unsigned int m = 0; m < BVM_MICE && r == 0; m++, frames++)
			r = bvm_mouse_frame(&b->mice[m]);
	wall = bvm_now() - t0;
	sleep_ms(300);

	atomic_store(&pended.stop, true);
	atomic_store(&evdev.stop, true);
	if (write(evdev.stop_fd, &one, sizeof(one)) != sizeof(one))
		r = -errno;
	pthread_join(evdev.thread, NULL);
	/* A cancel wakes only the reads pended at that moment: repeat it. */
	while (pthread_tryjoin_np(pended.thread, NULL) == EBUSY) {
		ioctl(pended.kf, JSKF_IOC_CANCEL);
		sleep_ms(5);
	}

	if (profile) {
		bvm_perf_finish(perf, "readers", labels, comms, 2);
		goto out;
	}
	vmt_info("readers: %llu frames from %u mice in %.2f s (%.0f events/s written)",
		 (unsigned long long)frames, BVM_MICE, wall / 1e9, frames * 3 * 1e9 / wall);
	readers_report(&pended, wall, frames * 3);
	readers_report(&evdev, wall, frames * 3);
 out:
	for (unsigned int i = 0; i < BVM_MICE; i++)
		if (evdev.fds[i] >= 0)
			close(evdev.fds[i]);
	if (evdev.stop_fd >= 0)
		close(evdev.stop_fd);
	if (pended.kf >= 0)
		close(pended.kf);	/* ends the capture */
	return r;
}

int bvm_readers(struct bvm_bench *b)
{
	int r = readers_pass(b, false);

	if (r == 0 && access(BVM_PERF, X_OK) == 0)
		r = readers_pass(b, true);
	if (r == 0)
		bvm_pass("readers");
	return r;
}
