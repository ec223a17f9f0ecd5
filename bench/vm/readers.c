// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module's pended read against evdev's read(), on the same stream at
 * the same time: the bench owns capture of the eight mice with nothing
 * swallowed, so every event reaches both a JSKF_IOC_READ loop and an
 * epoll + read() loop over the mice's evdev nodes.  The generator writes
 * as fast as it can for two seconds.  Each reader reports the events it
 * got, what it lost, its calls and its own CPU time; see bvm.h.  A second
 * blast runs under perf, for the profile of each reader thread.
 *
 * Then the multi-reader question: one file, 1, 2 or 4 threads keeping a
 * JSKF_IOC_READ pended, on a paced stream of the eight mice, each thread
 * doing what joystickd does with a batch (one write() to a stick, under
 * one lock); what the records' wait for a reader, the reads and the
 * readers' CPU become, in rounds that take the variants in turn.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/uinput.h>

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
 * empty queue, timed on this thread's CPU clock.  JSKF_IOC_READ uses the
 * bounce buffer its file keeps whatever the capacity, so capacity 1024
 * against 64 should cost the same.
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

/* ---- several pended reads per file, paced --------------------------- */

#define MR_NS		1000000000ull	/* per variant, load and round */
#define MR_MAX_READERS	4

static const unsigned int mr_readers[] = { 1, 2, 4 };

/* The loads: how many of the mice, at what rate each. */
static const struct mr_load {
	unsigned int mice, rate;
} mr_loads[] = {
	{ 1, 1000 }, { 1, 8000 }, { BVM_MICE, 1000 },
};

struct mr_pass {
	int kf;
	int stick;			/* the "stick": one write() per batch */
	pthread_mutex_t stick_lock;	/* joystickd's manager.lock; protects the rest */
	uint64_t last_first_seq;	/* of the last batch written */
	uint64_t reordered;		/* batches written after a later one */
	atomic_bool stop;
	int64_t *wait;			/* per frame: read's return - frame's time */
	int64_t *out;			/* per frame: stick write done - frame's time */
	atomic_size_t n_wait, n_out;
	size_t cap;
	atomic_uint_fast64_t reads, lost, cpu;
};

static void mr_note(int64_t *v, atomic_size_t *n, size_t cap, const struct jskf_record *recs,
		    uint32_t count, uint64_t now)
{
	for (uint32_t i = 0; i < count; i++) {
		size_t at;

		if (recs[i].type != EV_SYN)
			continue;
		at = atomic_fetch_add(n, 1);
		if (at < cap)
			v[at] = (int64_t)(now - recs[i].time_ns);
	}
}

static void *mr_main(void *userdata)
{
	struct jskf_record recs[1024];
	struct mr_pass *p = userdata;
	struct input_event out[2] = {
		{ .type = EV_ABS, .code = ABS_X },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};

	pthread_setname_np(pthread_self(), "bench-multi");
	while (!atomic_load(&p->stop)) {
		struct jskf_read req = {
			.records_ptr = (uintptr_t)recs,
			.capacity = 1024,
		};

		atomic_fetch_add(&p->reads, 1);
		if (ioctl(p->kf, JSKF_IOC_READ, &req) < 0)
			continue;	/* -ECANCELED: look at stop */
		mr_note(p->wait, &p->n_wait, p->cap, recs, req.count, bvm_now());
		atomic_fetch_add(&p->lost, req.coalesced + req.dropped);
		/* What joystickd does with a batch: one stick frame, under its lock. */
		pthread_mutex_lock(&p->stick_lock);
		if (req.first_seq < p->last_first_seq)
			p->reordered++;
		else
			p->last_first_seq = req.first_seq;
		out[0].value = (int32_t)(req.first_seq & 0x7fff);
		if (write(p->stick, out, sizeof(out)) < 0)
			atomic_store(&p->stop, true);
		pthread_mutex_unlock(&p->stick_lock);
		mr_note(p->out, &p->n_out, p->cap, recs, req.count, bvm_now());
	}
	atomic_fetch_add(&p->cpu, bvm_thread_cpu());
	return NULL;
}

/* A uinput device with one absolute axis: the filter never attaches to it. */
static int mr_stick_new(void)
{
	struct uinput_abs_setup abs = { .code = ABS_X, .absinfo = { .minimum = 0, .maximum = 0x7fff } };
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x1209, .product = 0xb0e0, .version = 1 },
		.name = "jsd-bench multi stick",
	};
	int fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UI_SET_EVBIT, EV_ABS) < 0 || ioctl(fd, UI_ABS_SETUP, &abs) < 0 ||
	    ioctl(fd, UI_DEV_SETUP, &setup) < 0 || ioctl(fd, UI_DEV_CREATE) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* One variant for MR_NS: @n threads reading one file, the load's mice paced. */
static int mr_pass(struct bvm_bench *b, unsigned int n, const struct mr_load *load,
		   unsigned int round, int stick)
{
	struct bvm_mouse *mice[BVM_MICE];
	struct mr_pass p = { .kf = -1, .stick = stick };
	pthread_t threads[MR_MAX_READERS];
	size_t frames = (size_t)load->rate * load->mice * (MR_NS / 1000000000ull), got, got_out;
	uint64_t late99 = 0, t0, wall = 0;
	unsigned int started = 0;
	int r;

	for (unsigned int i = 0; i < load->mice; i++)
		mice[i] = &b->mice[i];
	pthread_mutex_init(&p.stick_lock, NULL);
	p.cap = frames * 2;
	p.wait = malloc(p.cap * sizeof(*p.wait));
	p.out = malloc(p.cap * sizeof(*p.out));
	p.kf = open(JSKF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	r = !p.wait || !p.out ? -ENOMEM : p.kf < 0 ? -errno : readers_capture(b, p.kf);
	if (r == 0) {
		static struct jskf_record drain[64];
		struct jskf_read req = { .records_ptr = (uintptr_t)drain, .capacity = 64 };
		int fl = fcntl(p.kf, F_GETFL);

		/* DEV_ADDED and STATE first: they are not frames. */
		fcntl(p.kf, F_SETFL, fl | O_NONBLOCK);
		while (ioctl(p.kf, JSKF_IOC_READ, &req) == 0)
			;
		fcntl(p.kf, F_SETFL, fl);
	}
	for (; r == 0 && started < n; started++)
		r = -pthread_create(&threads[started], NULL, mr_main, &p);
	if (r < 0) {
		bvm_fail("multi-reader", "setting up %u readers: %s", n, strerror(-r));
		goto out;
	}

	t0 = bvm_now();
	r = bvm_generate(mice, load->mice, frames, load->rate * load->mice, NULL, &late99);
	wall = bvm_now() - t0;
	/* Until the readers have written everything: the count stops growing. */
	for (size_t seen = SIZE_MAX; seen != atomic_load(&p.n_out);) {
		seen = atomic_load(&p.n_out);
		sleep_ms(100);
	}
 out:
	atomic_store(&p.stop, true);
	for (unsigned int i = 0; i < started; i++)
		while (pthread_tryjoin_np(threads[i], NULL) == EBUSY) {
			ioctl(p.kf, JSKF_IOC_CANCEL);
			sleep_ms(5);
		}
	if (r == 0) {
		got = atomic_load(&p.n_wait) < p.cap ? atomic_load(&p.n_wait) : p.cap;
		got_out = atomic_load(&p.n_out) < p.cap ? atomic_load(&p.n_out) : p.cap;
		bvm_sort(p.wait, got);
		bvm_sort(p.out, got_out);
		bvm_line("MREAD %u %u %u %u %zu %llu %zu %llu %llu %llu %llu %lld %lld %lld %lld %lld %lld %llu",
			 n, load->mice, load->rate, round, frames, (unsigned long long)wall, got,
			 (unsigned long long)atomic_load(&p.lost),
			 (unsigned long long)atomic_load(&p.reads),
			 (unsigned long long)atomic_load(&p.cpu), (unsigned long long)p.reordered,
			 (long long)bvm_quantile(p.wait, got, 0.5),
			 (long long)bvm_quantile(p.wait, got, 0.99),
			 (long long)(got ? p.wait[got - 1] : 0),
			 (long long)bvm_quantile(p.out, got_out, 0.5),
			 (long long)bvm_quantile(p.out, got_out, 0.99),
			 (long long)(got_out ? p.out[got_out - 1] : 0), (unsigned long long)late99);
		vmt_info("multi-reader %u readers, %u x %u Hz, round %u: %zu frames in %.2f s, %zu read as frames (%llu events coalesced), %llu batches out of order, %.3f reads and %.0f ns of reader CPU per frame, read p50 %.0f us p99 %.0f us, stick p50 %.0f us p99 %.0f us",
			 n, load->mice, load->rate, round, frames, wall / 1e9, got,
			 (unsigned long long)atomic_load(&p.lost), (unsigned long long)p.reordered,
			 got ? (double)atomic_load(&p.reads) / got : 0.0,
			 got ? (double)atomic_load(&p.cpu) / got : 0.0,
			 bvm_quantile(p.wait, got, 0.5) / 1e3, bvm_quantile(p.wait, got, 0.99) / 1e3,
			 bvm_quantile(p.out, got_out, 0.5) / 1e3,
			 bvm_quantile(p.out, got_out, 0.99) / 1e3);
	}
	free(p.wait);
	free(p.out);
	if (p.kf >= 0)
		close(p.kf);
	pthread_mutex_destroy(&p.stick_lock);
	return r;
}

static int bvm_multi_reader(struct bvm_bench *b)
{
	unsigned int rounds = (unsigned int)vmt_env_ulong("BVM_MR_ROUNDS", 5);
	const size_t nv = sizeof(mr_readers) / sizeof(mr_readers[0]);
	int stick = mr_stick_new(), r = stick < 0 ? stick : 0;

	if (r < 0)
		bvm_fail("multi-reader", "the stick: %s", strerror(-r));
	/* Each round takes the variants in turn, starting one further each time. */
	for (unsigned int round = 1; r == 0 && round <= rounds; round++)
		for (size_t k = 0; r == 0 && k < sizeof(mr_loads) / sizeof(mr_loads[0]); k++)
			for (size_t v = 0; r == 0 && v < nv; v++)
				r = mr_pass(b, mr_readers[(v + round) % nv], &mr_loads[k], round, stick);
	if (stick >= 0)
		close(stick);
	if (r == 0)
		bvm_pass("multi-reader");
	return r;
}

int bvm_readers(struct bvm_bench *b)
{
	int r = readers_pass(b, false);

	if (r == 0 && access(BVM_PERF, X_OK) == 0)
		r = readers_pass(b, true);
	if (r == 0)
		bvm_pass("readers");
	if (r == 0)
		r = bvm_multi_reader(b);
	else
		bvm_fail("multi-reader", "not run: the readers phase failed");
	return r;
}
