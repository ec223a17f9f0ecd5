// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The output side: one thread reads every frame the devices under test
 * produce, with the evdev timestamp of its SYN_REPORT; see bvm.h.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bvm.h"

struct bvm_source {
	int fd;
	struct bvm_frame cur;		/* the frame being read */
	bool skip;			/* after a SYN_DROPPED: up to the next SYN_REPORT */
	struct bvm_frame *frames;	/* the first `capacity` frames */
	atomic_uint_fast64_t count;	/* frames completed */
	atomic_uint_fast64_t dropped;	/* SYN_DROPPED seen */
	atomic_uint_fast64_t valid;	/* frames before the first SYN_DROPPED */
};

struct bvm_collector {
	pthread_t thread;
	int stop_fd;			/* eventfd: ends the thread */
	int prio;
	size_t capacity;
	unsigned int n;
	struct bvm_source src[BVM_MAX_SOURCES];
};

static void bvm_collect_event(struct bvm_collector *c, struct bvm_source *s,
			      const struct input_event *ev)
{
	uint64_t n;

	if (s->skip) {
		/* evdev's protocol: a partial frame, left out whole */
		s->skip = !(ev->type == EV_SYN && ev->code == SYN_REPORT);
		return;
	}
	switch (ev->type) {
	case EV_REL:
	case EV_ABS:
		if (ev->code == REL_X)		/* == ABS_X */
			s->cur.x = ev->value;
		else if (ev->code == REL_Y)	/* == ABS_Y */
			s->cur.y = ev->value;
		break;
	case EV_SYN:
		if (ev->code == SYN_DROPPED) {
			if (!atomic_fetch_add(&s->dropped, 1))
				atomic_store(&s->valid, atomic_load(&s->count));
			memset(&s->cur, 0, sizeof(s->cur));
			s->skip = true;
			break;
		}
		if (ev->code != SYN_REPORT)
			break;
		s->cur.t = bvm_event_ns(ev);
		n = atomic_load(&s->count);
		if (n < c->capacity)
			s->frames[n] = s->cur;
		atomic_store(&s->count, n + 1);
		memset(&s->cur, 0, sizeof(s->cur));
		break;
	}
}

static void *bvm_collect_main(void *userdata)
{
	struct bvm_collector *c = userdata;
	struct pollfd pfd[BVM_MAX_SOURCES + 1];
	struct input_event ev[256];

	bvm_realtime(c->prio);
	for (unsigned int i = 0; i < c->n; i++)
		pfd[i] = (struct pollfd){ .fd = c->src[i].fd, .events = POLLIN };
	pfd[c->n] = (struct pollfd){ .fd = c->stop_fd, .events = POLLIN };

	for (;;) {
		if (poll(pfd, c->n + 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[c->n].revents)
			break;
		for (unsigned int i = 0; i < c->n; i++) {
			ssize_t got;

			if (!pfd[i].revents)
				continue;
			while ((got = read(c->src[i].fd, ev, sizeof(ev))) > 0)
				for (size_t e = 0; e < (size_t)got / sizeof(ev[0]); e++)
					bvm_collect_event(c, &c->src[i], &ev[e]);
		}
	}
	return NULL;
}

int bvm_collector_start(struct bvm_collector **ret, const int *fds, unsigned int n,
			size_t capacity, int prio)
{
	struct bvm_collector *c;
	int r;

	if (n > BVM_MAX_SOURCES)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->n = n;
	c->prio = prio;
	c->capacity = capacity;
	for (unsigned int i = 0; i < n; i++) {
		c->src[i].fd = fds[i];
		if (capacity && !(c->src[i].frames = calloc(capacity, sizeof(struct bvm_frame)))) {
			r = -ENOMEM;
			goto out_free;
		}
	}
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->stop_fd < 0) {
		r = -errno;
		goto out_free;
	}
	r = -pthread_create(&c->thread, NULL, bvm_collect_main, c);
	if (r < 0) {
		close(c->stop_fd);
		goto out_free;
	}
	*ret = c;
	return 0;

 out_free:
	for (unsigned int i = 0; i < n; i++)
		free(c->src[i].frames);
	free(c);
	return r;
}

uint64_t bvm_collector_count(struct bvm_collector *c, unsigned int i)
{
	return atomic_load(&c->src[i].count);
}

uint64_t bvm_collector_dropped(struct bvm_collector *c, unsigned int i)
{
	return atomic_load(&c->src[i].dropped);
}

const struct bvm_frame *bvm_collector_frames(struct bvm_collector *c, unsigned int i)
{
	return c->src[i].frames;
}

uint64_t bvm_collector_valid(struct bvm_collector *c, unsigned int i)
{
	struct bvm_source *s = &c->src[i];

	return atomic_load(&s->dropped) ? atomic_load(&s->valid) : atomic_load(&s->count);
}

void bvm_collector_reset(struct bvm_collector *c, unsigned int i)
{
	atomic_store(&c->src[i].count, 0);
	atomic_store(&c->src[i].dropped, 0);
	atomic_store(&c->src[i].valid, 0);
}

void bvm_collector_settle(struct bvm_collector *c, unsigned int i,
			  bool (*done)(const struct bvm_frame *last, void *ctx), void *ctx,
			     unsigned int quiet_ms)
{
	uint64_t last = bvm_collector_count(c, i), quiet_since = bvm_now();

	for (;;) {
		uint64_t now = bvm_collector_count(c, i);

		if (now != last) {
			last = now;
			quiet_since = bvm_now();
		}
		/* frames[now - 1] is complete once count says so (collect_event) */
		if (now >= c->capacity || (now && done && done(&c->src[i].frames[now - 1], ctx)))
			return;
		if (bvm_now() - quiet_since >= (uint64_t)quiet_ms * 1000000)
			return;
		sleep_ms(1);
	}
}

void bvm_collector_stop(struct bvm_collector *c)
{
	uint64_t one = 1;

	if (!c)
		return;
	if (write(c->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(c->thread, NULL);
	close(c->stop_fd);
	for (unsigned int i = 0; i < c->n; i++)
		free(c->src[i].frames);
	free(c);
}
