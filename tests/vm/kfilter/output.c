// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A read's output (JSKF_IOC_SET_OUTPUT, JSKF_READ_OUTPUT): the events a
 * read carries reach the device its slot names, in order, once, before
 * the read waits; nothing reaches any device when the call is refused.
 *
 * output-sends        the events, in order, on the named device's evdev node
 * output-slots        two slots, two devices; naming a slot again moves it
 * output-enodev       an empty slot, a device made before the name, a device
 *                     gone: -ENODEV at once, nothing sent
 * output-einval       bad slots, counts, types, flags, names: -EINVAL, nothing sent
 * output-efault       an unreadable output: -EFAULT, nothing sent
 * output-eperm        a file opened by another uid may not name an output
 * output-eintr        a read that sent its output and then took a signal
 *                     returns -EINTR, even under SA_RESTART: sent once
 * output-unplug-race  reads sending while the device comes and goes
 * output-then-sleeps  a read that sends and then waits is not preempted by
 *                     the reader its output woke on its CPU: it sleeps and
 *                     that reader runs in its place (kernels with voluntary
 *                     preemption; with full preemption the wake-up itself
 *                     preempts, as any write() would)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define MS	1000000LL

/* Names @name (a vmt_mouse_create() device of @product) for @slot of @fd. */
static int out_name(int fd, uint32_t slot, uint16_t product, const char *name)
{
	struct jskf_output o = {
		.id = { BUS_USB, VMT_VENDOR, product, 1 },
		.slot = slot,
	};

	snprintf(o.name, sizeof(o.name), "%s", name);
	return kf_ioctl(fd, JSKF_IOC_SET_OUTPUT, &o);
}

/* Names @name for @slot, makes it, and opens its evdev node in *@evfd. */
static int out_device(int fd, uint32_t slot, struct vmt_dev *d, int *evfd, uint16_t product,
		      const char *name)
{
	CHECK_OK(out_name(fd, slot, product, name));
	CHECK_OK(vmt_mouse_create(d, name, product));
	CHECK_OK(*evfd = evdev_open(d->evdev));
	return 0;
}

/*
 * One read of @fd that sends @n events to @slot and then, its deadline
 * already past, returns -ETIMEDOUT (JSKF_READ_DEVLIST: no capture needed).
 */
static int out_read(int fd, uint32_t slot, const struct jskf_out_event *ev, uint32_t n)
{
	struct jskf_record buf[4];
	struct jskf_info info;
	struct jskf_read rd;
	int r;

	r = kf_info(fd, &info);
	if (r)
		return r;
	kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST | JSKF_READ_DEADLINE |
		     JSKF_READ_OUTPUT, now_ns() - 1);
	rd.devlist_gen = info.devlist_gen;
	rd.output_ptr = (uintptr_t)ev;
	rd.output_count = n;
	rd.output_slot = slot;
	return kf_read(fd, &rd);
}

/* What evdev node @evfd shows, in full, against @want (@n events, SYN_REPORTs included). */
static int expect_out(int evfd, const struct jskf_out_event *want, size_t n, const char *when)
{
	struct input_event ev[64];

	CHECK(n <= ARRAY_SIZE(ev), "too many");
	for (size_t i = 0; i < n; i++)
		ev[i] = (struct input_event){ .type = want[i].type, .code = want[i].code,
					      .value = want[i].value };
	return vmt_expect_evdev(evfd, ev, n, when);
}

static const struct jskf_out_event motion[] = {
	{ EV_REL, REL_X, 7 }, { EV_REL, REL_Y, -2 }, { EV_SYN, SYN_REPORT, 0 },
};

static int test_sends(void)
{
	static const struct jskf_out_event click[] = {
		{ EV_KEY, BTN_LEFT, 1 }, { EV_SYN, SYN_REPORT, 0 },
		{ EV_KEY, BTN_LEFT, 0 }, { EV_SYN, SYN_REPORT, 0 },
	};
	struct jskf_info info;
	struct vmt_dev d;
	int fd, evfd;

	CHECK_OK(fd = kf_open(0));
	CHECK_OK(kf_info(fd, &info));
	CHECK(info.features & JSKF_FEAT_READ_OUTPUT, "features %#llx lack READ_OUTPUT",
	      (unsigned long long)info.features);
	CHECK_OK(out_device(fd, 0, &d, &evfd, 0x0601, "vmtest output sends"));

	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ETIMEDOUT);
	CHECK_OK(expect_out(evfd, motion, ARRAY_SIZE(motion), "after a read with motion"));
	CHECK_ERR(out_read(fd, 0, click, ARRAY_SIZE(click)), ETIMEDOUT);
	CHECK_OK(expect_out(evfd, click, ARRAY_SIZE(click), "after a read with a click"));

	close(evfd);
	CHECK_OK(vmt_dev_destroy(&d));
	close(fd);
	return 0;
}

static int test_slots(void)
{
	struct vmt_dev a, b, c;
	int fd, ea, eb, ec;

	CHECK_OK(fd = kf_open(0));
	CHECK_OK(out_device(fd, 0, &a, &ea, 0x0602, "vmtest output slot a"));
	CHECK_OK(out_device(fd, 1, &b, &eb, 0x0603, "vmtest output slot b"));

	CHECK_ERR(out_read(fd, 1, motion, ARRAY_SIZE(motion)), ETIMEDOUT);
	CHECK_OK(expect_out(ea, NULL, 0, "slot a, after a read for slot b"));
	CHECK_OK(expect_out(eb, motion, ARRAY_SIZE(motion), "slot b, after a read for it"));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ETIMEDOUT);
	CHECK_OK(expect_out(ea, motion, ARRAY_SIZE(motion), "slot a, after a read for it"));
	CHECK_OK(expect_out(eb, NULL, 0, "slot b, after a read for slot a"));

	/* Slot 0 named again: a keeps it until c is made, then c has it. */
	CHECK_OK(out_name(fd, 0, 0x0604, "vmtest output slot c"));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ETIMEDOUT);
	CHECK_OK(expect_out(ea, motion, ARRAY_SIZE(motion), "slot a, named again, c not made yet"));
	CHECK_OK(vmt_mouse_create(&c, "vmtest output slot c", 0x0604));
	CHECK_OK(ec = evdev_open(c.evdev));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ETIMEDOUT);
	CHECK_OK(expect_out(ea, NULL, 0, "a, once c has slot 0"));
	CHECK_OK(expect_out(ec, motion, ARRAY_SIZE(motion), "c, once it has slot 0"));

	/* A name "" empties the slot at once. */
	CHECK_OK(out_name(fd, 1, 0, ""));
	CHECK_ERR(out_read(fd, 1, motion, ARRAY_SIZE(motion)), ENODEV);
	CHECK_OK(expect_out(eb, NULL, 0, "b, its slot emptied"));

	close(ea);
	close(eb);
	close(ec);
	CHECK_OK(vmt_dev_destroy(&a));
	CHECK_OK(vmt_dev_destroy(&b));
	CHECK_OK(vmt_dev_destroy(&c));
	close(fd);
	return 0;
}

static int test_enodev(void)
{
	struct vmt_dev early, d;
	int64_t t0;
	int fd, ee, ed;

	CHECK_OK(fd = kf_open(0));
	/* Nothing named: refused at once, though the deadline is 5 s away. */
	{
		struct jskf_record buf[4];
		struct jskf_info info;
		struct jskf_read rd;

		CHECK_OK(kf_info(fd, &info));
		kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST | JSKF_READ_DEADLINE |
			     JSKF_READ_OUTPUT, now_ns() + 5000 * MS);
		rd.devlist_gen = info.devlist_gen;
		rd.output_ptr = (uintptr_t)motion;
		rd.output_count = ARRAY_SIZE(motion);
		t0 = now_ns();
		CHECK_ERR(kf_read(fd, &rd), ENODEV);
		CHECK(now_ns() - t0 < 1000 * MS, "-ENODEV after %lld ms: the read waited",
		      (long long)((now_ns() - t0) / MS));
	}

	/* A device made before its name never qualifies. */
	CHECK_OK(vmt_mouse_create(&early, "vmtest output enodev", 0x0605));
	CHECK_OK(ee = evdev_open(early.evdev));
	CHECK_OK(out_name(fd, 0, 0x0605, "vmtest output enodev"));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ENODEV);
	CHECK_OK(expect_out(ee, NULL, 0, "a device made before the name"));

	/* The one made after it does; once it is gone, -ENODEV again. */
	CHECK_OK(vmt_mouse_create(&d, "vmtest output enodev", 0x0605));
	CHECK_OK(ed = evdev_open(d.evdev));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ETIMEDOUT);
	CHECK_OK(expect_out(ed, motion, ARRAY_SIZE(motion), "the device made after the name"));
	CHECK_OK(expect_out(ee, NULL, 0, "the device made before the name"));
	close(ed);
	CHECK_OK(vmt_dev_destroy(&d));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ENODEV);
	/* One name, one device: another made now is not bound. */
	CHECK_OK(vmt_mouse_create(&d, "vmtest output enodev", 0x0605));
	CHECK_ERR(out_read(fd, 0, motion, ARRAY_SIZE(motion)), ENODEV);

	close(ee);
	CHECK_OK(vmt_dev_destroy(&early));
	CHECK_OK(vmt_dev_destroy(&d));
	close(fd);
	return 0;
}

static int test_einval(void)
{
	static const struct jskf_out_event led[] = {
		{ EV_REL, REL_X, 1 }, { EV_LED, LED_CAPSL, 1 }, { EV_SYN, SYN_REPORT, 0 },
	};
	static struct jskf_out_event many[JSKF_OUTPUT_MAX + 1];
	struct jskf_record buf[4];
	struct jskf_output o;
	struct jskf_read rd;
	struct vmt_dev d;
	int fd, evfd;

	CHECK_OK(fd = kf_open(0));
	CHECK_OK(out_device(fd, 0, &d, &evfd, 0x0606, "vmtest output einval"));

	CHECK_ERR(out_name(fd, JSKF_OUTPUT_SLOTS, 0x0606, "x"), EINVAL);
	memset(&o, 0, sizeof(o));
	o.flags = 1;
	CHECK_ERR(kf_ioctl(fd, JSKF_IOC_SET_OUTPUT, &o), EINVAL);
	memset(&o, 0, sizeof(o));
	o.reserved[1] = 1;
	CHECK_ERR(kf_ioctl(fd, JSKF_IOC_SET_OUTPUT, &o), EINVAL);
	memset(&o, 0, sizeof(o));
	memset(o.name, 'x', sizeof(o.name));
	CHECK_ERR(kf_ioctl(fd, JSKF_IOC_SET_OUTPUT, &o), EINVAL);	/* no NUL */

	CHECK_ERR(out_read(fd, JSKF_OUTPUT_SLOTS, motion, ARRAY_SIZE(motion)), EINVAL);
	CHECK_ERR(out_read(fd, 0xffff, motion, ARRAY_SIZE(motion)), EINVAL);
	CHECK_ERR(out_read(fd, 0, motion, 0), EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct jskf_out_event){ EV_SYN, SYN_REPORT, 0 };
	CHECK_ERR(out_read(fd, 0, many, JSKF_OUTPUT_MAX + 1), EINVAL);
	CHECK_ERR(out_read(fd, 0, led, ARRAY_SIZE(led)), EINVAL);
	/* Output fields without the flag. */
	kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST, 0);
	rd.output_count = 1;
	CHECK_ERR(kf_read(fd, &rd), EINVAL);
	kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST, 0);
	rd.output_slot = 1;
	CHECK_ERR(kf_read(fd, &rd), EINVAL);
	kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST, 0);
	rd.reserved = 1;
	CHECK_ERR(kf_read(fd, &rd), EINVAL);
	CHECK_OK(expect_out(evfd, NULL, 0, "after refused reads"));

	/* Still works. */
	CHECK_ERR(out_read(fd, 0, many, JSKF_OUTPUT_MAX), ETIMEDOUT);
	close(evfd);
	CHECK_OK(vmt_dev_destroy(&d));
	close(fd);
	return 0;
}

static int test_efault(void)
{
	struct vmt_dev d;
	int fd, evfd;

	CHECK_OK(fd = kf_open(0));
	CHECK_OK(out_device(fd, 0, &d, &evfd, 0x0607, "vmtest output efault"));
	CHECK_ERR(out_read(fd, 0, (const struct jskf_out_event *)8, 3), EFAULT);
	CHECK_ERR(out_read(fd, 0, (const struct jskf_out_event *)(uintptr_t)-16, 3), EFAULT);
	CHECK_OK(expect_out(evfd, NULL, 0, "after unreadable output"));
	close(evfd);
	CHECK_OK(vmt_dev_destroy(&d));
	close(fd);
	return 0;
}

static int test_eperm(void)
{
	int status, fd;
	pid_t child;

	/* Opened by root, privileges dropped after: the opener counts. */
	CHECK(chmod(JSKF_DEVICE_PATH, 0666) == 0, "chmod: %s", strerror(errno));
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		int root_fd = kf_open(0);

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = kf_open(0);
		if (fd < 0 || root_fd < 0)
			_exit(11);
		if (out_name(fd, 0, 0x0608, "vmtest output eperm") != -EPERM)
			_exit(12);
		if (out_name(fd, 0, 0, "") != -EPERM)
			_exit(13);
		if (out_name(root_fd, 0, 0x0608, "vmtest output eperm") != 0)
			_exit(14);
		_exit(0);
	}
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
	CHECK(chmod(JSKF_DEVICE_PATH, 0600) == 0, "chmod: %s", strerror(errno));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "uid 65534: step %d failed (12, 13: naming an output was not -EPERM)",
	      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

/* ---- a read that sends, then waits, then takes a signal ---------------- */

static int handled;

static void on_usr1(int sig)
{
	__atomic_add_fetch(&handled, 1, __ATOMIC_RELAXED);
}

struct sender {
	pthread_t thread;
	int fd;
	uint64_t gen;
	int ret;
	pid_t tid;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct jskf_record buf[4];
	struct jskf_read rd;

	__atomic_store_n(&s->tid, gettid(), __ATOMIC_RELEASE);
	kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST | JSKF_READ_OUTPUT, 0);
	rd.devlist_gen = s->gen;
	rd.output_ptr = (uintptr_t)motion;
	rd.output_count = ARRAY_SIZE(motion);
	s->ret = kf_read(s->fd, &rd);
	return NULL;
}

static int test_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct sender s = { 0 };
	struct jskf_info info;
	struct vmt_dev d;
	int evfd;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction: %s", strerror(errno));
	CHECK_OK(s.fd = kf_open(0));
	CHECK_OK(out_device(s.fd, 0, &d, &evfd, 0x0609, "vmtest output eintr"));
	CHECK_OK(kf_info(s.fd, &info));
	s.gen = info.devlist_gen;
	CHECK_OK(-pthread_create(&s.thread, NULL, sender_main, &s));
	while (!__atomic_load_n(&s.tid, __ATOMIC_ACQUIRE))
		sleep_ms(1);
	CHECK_OK(wait_blocked_in_ioctl(s.tid, JSKF_IOC_READ, 5000));
	CHECK_OK(expect_out(evfd, motion, ARRAY_SIZE(motion), "sent before the read waits"));
	CHECK_OK(-pthread_kill(s.thread, SIGUSR1));
	CHECK_OK(-pthread_join(s.thread, NULL));
	CHECK_ERR(s.ret, EINTR);
	CHECK_EQ(__atomic_load_n(&handled, __ATOMIC_RELAXED), 1);
	sleep_ms(50);
	CHECK_OK(expect_out(evfd, NULL, 0, "after the signal: not sent again"));
	close(evfd);
	CHECK_OK(vmt_dev_destroy(&d));
	close(s.fd);
	return 0;
}

/* ---- the device comes and goes while reads send -------------------------- */

#define RACE_ROUNDS 150

struct racer {
	pthread_t thread;
	int fd;
	int stop;
	unsigned long sent, enodev, other;
	int other_err;
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		int e = out_read(r->fd, 0, motion, ARRAY_SIZE(motion));

		/* 0: the device list changed under the read (DEVLIST): sent too. */
		if (e == -ETIMEDOUT || e == 0) {
			r->sent++;
		} else if (e == -ENODEV) {
			r->enodev++;
		} else {
			r->other++;
			r->other_err = e;
		}
	}
	return NULL;
}

static int test_unplug_race(void)
{
	struct racer r = { 0 };

	CHECK_OK(r.fd = kf_open(0));
	CHECK_OK(-pthread_create(&r.thread, NULL, racer_main, &r));
	for (int i = 0; i < RACE_ROUNDS; i++) {
		struct vmt_dev d;

		CHECK_OK(out_name(r.fd, 0, 0x060a, "vmtest output race"));
		CHECK_OK(vmt_mouse_create(&d, "vmtest output race", 0x060a));
		if (i % 3 == 0)
			sleep_ms(1);
		CHECK_OK(vmt_dev_destroy(&d));
		if (i % 5 == 0)
			CHECK_OK(out_name(r.fd, 0, 0, ""));
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	CHECK_OK(-pthread_join(r.thread, NULL));
	close(r.fd);
	CHECK(!r.other, "%lu reads failed otherwise, last %s", r.other, strerror(-r.other_err));
	CHECK(r.sent && r.enodev, "%lu reads sent, %lu found no device: the race was not run",
	      r.sent, r.enodev);
	vmt_info("output-unplug-race: %d devices; %lu reads sent, %lu found none", RACE_ROUNDS,
		 r.sent, r.enodev);
	return 0;
}

/* ---- the reader the output wakes does not preempt the read ---------------- */

#define SLEEP_READS 200

struct consumer {
	pthread_t thread;
	int evfd;
	int frames;
	int err;
};

/* Pins the calling thread to CPU 0, at SCHED_FIFO @prio or SCHED_OTHER (0). */
static int pin_cpu0(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0 ||
	    sched_setscheduler(0, prio ? SCHED_FIFO : SCHED_OTHER, &sp) < 0)
		return -errno;
	return 0;
}

/* A game's reader: real-time, on CPU 0, a blocking read() per frame. */
static void *consumer_main(void *arg)
{
	struct consumer *c = arg;
	struct input_event ev[16];

	c->err = pin_cpu0(10);
	if (!c->err && fcntl(c->evfd, F_SETFL, 0) < 0)
		c->err = -errno;
	while (!c->err && c->frames < SLEEP_READS) {
		ssize_t n = read(c->evfd, ev, sizeof(ev));

		if (n < 0) {
			c->err = -errno;
			break;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			c->frames += ev[i].type == EV_SYN && ev[i].code == SYN_REPORT;
	}
	return NULL;
}

/* The first line of @path in @buf, or "" when there is none. */
static void first_line(const char *path, char *buf, int size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
}

/*
 * Whether the running kernel preempts only at its preemption points (none
 * or voluntary).  PREEMPT_DYNAMIC says which in debugfs ("none
 * (voluntary) full", the mode in brackets), or else takes it from
 * preempt= (Debian's default is voluntary); PREEMPT_RT and a fixed
 * PREEMPT are full.
 */
static bool preempts_voluntarily(void)
{
	char line[1024];
	struct utsname u;

	uname(&u);
	if (strstr(u.version, "PREEMPT_RT"))
		return false;
	if (!strstr(u.version, "PREEMPT_DYNAMIC"))
		return !strstr(u.version, "PREEMPT");
	first_line("/sys/kernel/debug/sched/preempt", line, sizeof(line));
	if (line[0])
		return strstr(line, "(none)") || strstr(line, "(voluntary)");
	first_line("/proc/cmdline", line, sizeof(line));
	return !strstr(line, "preempt=full") && !strstr(line, "preempt=lazy");
}

static int test_then_sleeps(void)
{
	struct consumer c = { 0 };
	struct rusage before, after;
	struct jskf_record buf[4];
	struct jskf_info info;
	struct jskf_read rd;
	long preempted, slept;
	struct vmt_dev d;
	int fd;

	CHECK_OK(fd = kf_open(0));
	CHECK_OK(out_device(fd, 0, &d, &c.evfd, 0x060b, "vmtest output then sleeps"));
	CHECK_OK(kf_info(fd, &info));
	CHECK_OK(pin_cpu0(0));
	CHECK_OK(-pthread_create(&c.thread, NULL, consumer_main, &c));
	sleep_ms(50);	/* the consumer waits in read() */

	getrusage(RUSAGE_THREAD, &before);
	for (int i = 0; i < SLEEP_READS; i++) {
		/*
		 * Sends a frame, then sleeps until the deadline: nothing else
		 * comes.  (A host stall longer than the deadline makes a read
		 * that never sleeps: the counts below leave room for a few.)
		 */
		kf_read_init(&rd, buf, ARRAY_SIZE(buf), JSKF_READ_DEVLIST | JSKF_READ_DEADLINE |
			     JSKF_READ_OUTPUT, now_ns() + 5 * MS);
		rd.devlist_gen = info.devlist_gen;
		rd.output_ptr = (uintptr_t)motion;
		rd.output_count = ARRAY_SIZE(motion);
		CHECK_ERR(kf_read(fd, &rd), ETIMEDOUT);
	}
	getrusage(RUSAGE_THREAD, &after);

	CHECK_OK(-pthread_join(c.thread, NULL));
	CHECK_OK(c.err);
	CHECK_EQ(c.frames, SLEEP_READS);
	preempted = after.ru_nivcsw - before.ru_nivcsw;
	slept = after.ru_nvcsw - before.ru_nvcsw;
	vmt_info("output-then-sleeps: %d reads, each sending a frame to a real-time reader on the same CPU: preempted %ld times, slept %ld times (%s preemption)",
		 SLEEP_READS, preempted, slept, preempts_voluntarily() ? "voluntary" : "full");
	if (preempts_voluntarily())
		CHECK(preempted < SLEEP_READS / 10,
		      "the reader the output woke preempted the read %ld times in %d reads",
		      preempted, SLEEP_READS);
	CHECK(slept >= SLEEP_READS * 9 / 10, "the reads slept %ld times in %d reads, want >= %d",
	      slept, SLEEP_READS, SLEEP_READS * 9 / 10);

	close(c.evfd);
	CHECK_OK(vmt_dev_destroy(&d));
	close(fd);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "output-sends", test_sends, 0 },
	{ "output-slots", test_slots, 0 },
	{ "output-enodev", test_enodev, 0 },
	{ "output-einval", test_einval, 0 },
	{ "output-efault", test_efault, 0 },
	{ "output-eperm", test_eperm, 0 },
	{ "output-eintr", test_eintr, 0 },
	{ "output-unplug-race", test_unplug_race, 120 },
	{ "output-then-sleeps", test_then_sleeps, 0 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
