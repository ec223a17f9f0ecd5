/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader thread: keeps a JSKF_IOC_READ pended in the kernel at all
 * times and hands each batch to manager_take_batch() (manager.h).
 */
#ifndef JSD_READER_H
#define JSD_READER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct backend;
struct manager;

struct reader {
	struct manager *manager;
	struct backend *backend;
	uint32_t capacity;		/* records per read */
	pthread_t thread;
	bool running;			/* the thread was created */
	atomic_bool stopping;		/* the thread exits at its next wake-up */
};

/* Starts the thread on @backend, reading at most @max_batch records (0: 256) at once. */
int reader_start(struct reader *rd, struct manager *m, struct backend *backend,
		 uint32_t max_batch);

/* Cancels the pended read and joins the thread; safe if it never started. */
void reader_stop(struct reader *rd);

#endif
