// SPDX-License-Identifier: GPL-2.0
/*
 * joystickd_kfilter: captures mouse events for joystickd, optionally hides
 * them from the desktop, and hands them out through a pended read ioctl.
 * The protocol is joystickd_kfilter.h; README.md documents it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/module.h>

#include "jskf.h"

/* Device table, ids, owner, open files: see jskf.h for what nests in it. */
DEFINE_MUTEX(jskf_mutex);

/* Attached devices by id; jskf_mutex. */
DEFINE_XARRAY(jskf_devs);
u32 jskf_n_devices;
u32 jskf_last_id;

/* Generation of the last capture; jskf_mutex. */
u64 jskf_last_gen;

/* Bumped under jskf_mutex on every attach and detach. */
atomic64_t jskf_devlist_gen = ATOMIC64_INIT(0);

/* Published under jskf_mutex, read by the filter under RCU. */
struct jskf_queue __rcu *jskf_owner;

/*
 * Pollers, and reads pended by files that do not own capture: the device
 * list, a cancel, the capture's end (the owner's reads: jskf_queue.wait).
 */
DECLARE_WAIT_QUEUE_HEAD(jskf_wait);

DEFINE_PER_CPU(struct jskf_ctrs, jskf_totals);
atomic64_t jskf_reads_pended = ATOMIC64_INIT(0);

#ifdef CONFIG_LOCKDEP
/* Held across every read: see jskf_read_begin(). */
struct lockdep_map jskf_read_map = STATIC_LOCKDEP_MAP_INIT("jskf_read", &jskf_read_map);

/* jskf_mutex -> jskf_read: a read that takes jskf_mutex is a cycle. */
static void jskf_read_map_order(void)
{
	mutex_lock(&jskf_mutex);
	lock_map_acquire(&jskf_read_map);
	lock_map_release(&jskf_read_map);
	mutex_unlock(&jskf_mutex);
}
#else
static void jskf_read_map_order(void)
{
}
#endif

static int __init jskf_init(void)
{
	int error;

	jskf_read_map_order();

	error = input_register_handler(&jskf_handler);
	if (error)
		return error;

	error = input_register_handler(&jskf_out_handler);
	if (error)
		goto err_unregister_handler;

	error = misc_register(&jskf_misc);
	if (error)
		goto err_unregister_out;

	return 0;

err_unregister_out:
	input_unregister_handler(&jskf_out_handler);
err_unregister_handler:
	input_unregister_handler(&jskf_handler);
	return error;
}

/*
 * Open files pin the module (jskf_fops.owner), so there is no capture
 * owner and no reader left here.  Devices are freed after a grace period
 * (jskf_dev_put()): rcu_barrier() waits for the last of them.
 */
static void __exit jskf_exit(void)
{
	input_unregister_handler(&jskf_out_handler);
	input_unregister_handler(&jskf_handler);
	cancel_work_sync(&jskf_close_work);
	misc_deregister(&jskf_misc);
	xa_destroy(&jskf_devs);
	rcu_barrier();
}

module_init(jskf_init);
module_exit(jskf_exit);

MODULE_DESCRIPTION("Mouse capture filter for joystickd");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
