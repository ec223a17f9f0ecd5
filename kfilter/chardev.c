// SPDX-License-Identifier: GPL-2.0
/*
 * joystickd_kfilter: /dev/joystickd_kfilter.  Open files, their exclusion
 * lists, poll, and the ioctls that only look at or name devices; capture.c
 * has capture and the pended read.
 */

#include <linux/bitmap.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "jskf.h"

/* Every open file, for the exclusion lists; jskf_mutex. */
static LIST_HEAD(jskf_files);

static bool jskf_id_equal(const struct jskf_input_id *a,
			  const struct input_id *b)
{
	return a->bustype == b->bustype && a->vendor == b->vendor &&
	       a->product == b->product && a->version == b->version;
}

/* Is @id on some open file's exclusion list?  Caller holds jskf_mutex. */
bool jskf_excluded(const struct input_id *id)
{
	struct jskf_file *jf;
	u32 i;

	lockdep_assert_held(&jskf_mutex);

	list_for_each_entry(jf, &jskf_files, node)
		for (i = 0; i < jf->n_excludes; i++)
			if (jskf_id_equal(&jf->excludes[i], id))
				return true;
	return false;
}

/*
 * The output slot of an open file that named @dev as its next device
 * (JSKF_IOC_SET_OUTPUT), or NULL.  Caller holds jskf_mutex.
 */
struct jskf_out_slot *jskf_out_wanter(const struct input_dev *dev)
{
	struct jskf_out_slot *s;
	struct jskf_file *jf;

	lockdep_assert_held(&jskf_mutex);

	list_for_each_entry(jf, &jskf_files, node) {
		for (s = jf->out; s < jf->out + JSKF_OUTPUT_SLOTS; s++)
			if (s->wanted && jskf_id_equal(&s->id, &dev->id) &&
			    !strcmp(s->name, dev->name ?: ""))
				return s;
	}
	return NULL;
}

/* Empties @s: the device bound, referenced, or NULL.  Caller holds jskf_mutex. */
static struct jskf_out *jskf_out_unbind(struct jskf_out_slot *s)
{
	lockdep_assert_held(&jskf_mutex);
	return rcu_replace_pointer(s->bound, NULL, lockdep_is_held(&jskf_mutex));
}

static int jskf_open(struct inode *inode, struct file *file)
{
	struct jskf_file *jf;

	jf = kzalloc(sizeof(*jf), GFP_KERNEL);
	if (!jf)
		return -ENOMEM;
	jf->root = uid_eq(file->f_cred->euid, GLOBAL_ROOT_UID);
	atomic64_set(&jf->devlist_seen, atomic64_read(&jskf_devlist_gen));

	mutex_lock(&jskf_mutex);
	list_add_tail(&jf->node, &jskf_files);
	mutex_unlock(&jskf_mutex);

	file->private_data = jf;
	return stream_open(inode, file);
}

/*
 * The file was told device list generation @gen (an answer carrying it
 * got out): EPOLLPRI stays off until a newer one.  Generations only grow,
 * and a slower answer never takes back a newer one.
 */
void jskf_told_devlist(struct jskf_file *jf, u64 gen)
{
	s64 seen = atomic64_read(&jf->devlist_seen);

	while ((u64)seen < gen &&
	       !atomic64_try_cmpxchg(&jf->devlist_seen, &seen, gen))
		;
}

/* Runs once no ioctl is in flight on the file. */
static int jskf_release(struct inode *inode, struct file *file)
{
	struct jskf_file *jf = file->private_data;
	struct jskf_out *out[JSKF_OUTPUT_SLOTS];
	unsigned int i;

	mutex_lock(&jskf_mutex);
	if (jskf_file_queue(jf))
		jskf_capture_end(jf);
	list_del(&jf->node);
	for (i = 0; i < JSKF_OUTPUT_SLOTS; i++)
		out[i] = jskf_out_unbind(&jf->out[i]);
	mutex_unlock(&jskf_mutex);

	for (i = 0; i < JSKF_OUTPUT_SLOTS; i++)
		if (out[i])
			jskf_out_put(out[i]);
	kfree(jf);
	return 0;
}

/*
 * EPOLLIN: a read would answer at once (the owner's records, or a pending
 * cancel); EPOLLPRI: the device list changed since this file was last told
 * its generation (INFO, LIST_DEVICES, READ).  Never EPOLLHUP: the file
 * outlives its captures (it may capture again), and a hang-up, which no
 * poller can mask, would spin every epoll loop that keeps it.
 */
static __poll_t jskf_poll(struct file *file, poll_table *wait)
{
	struct jskf_file *jf = file->private_data;
	struct jskf_queue *q;
	__poll_t mask = 0;

	poll_wait(file, &jskf_wait, wait);

	/* The queue is freed only after a grace period (jskf_capture_end). */
	rcu_read_lock();
	q = rcu_dereference(jskf_owner);
	if (q && q->owner == jf && jskf_queue_ready(q) > 0)
		mask |= EPOLLIN | EPOLLRDNORM;
	rcu_read_unlock();

	if (atomic_read(&jf->cancel_gen) != atomic_read(&jf->cancel_done))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (atomic64_read(&jskf_devlist_gen) != atomic64_read(&jf->devlist_seen))
		mask |= EPOLLPRI;
	return mask;
}

static long jskf_ioctl_info(struct jskf_file *jf, void __user *uarg)
{
	struct jskf_info info;

	memset(&info, 0, sizeof(info));
	info.abi_version = JSKF_ABI_VERSION;
	info.max_batch = JSKF_MAX_BATCH;
	info.ring_min = JSKF_RING_MIN;
	info.ring_max = JSKF_RING_MAX;
	info.ring_default = JSKF_RING_DEFAULT;
	info.max_capture_ids = JSKF_MAX_CAPTURE_IDS;
	info.features = JSKF_FEATURES;

	mutex_lock(&jskf_mutex);
	info.devlist_gen = atomic64_read(&jskf_devlist_gen);
	info.n_devices = jskf_n_devices;
	mutex_unlock(&jskf_mutex);

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	jskf_told_devlist(jf, info.devlist_gen);
	return 0;
}

/* Describes an attached device.  Caller holds jskf_mutex. */
static void jskf_describe(const struct jskf_dev *jd, struct jskf_device *d)
{
	const struct input_dev *dev = jd->handle.dev;

	d->id = jd->id;
	d->flags = jd->flags;
	if (jd->captured)
		d->flags |= JSKF_DEVF_CAPTURED;
	if (rcu_access_pointer(dev->grab))
		d->flags |= JSKF_DEVF_GRABBED;
	d->bustype = dev->id.bustype;
	d->vendor = dev->id.vendor;
	d->product = dev->id.product;
	d->version = dev->id.version;
	d->rel_bits = dev->relbit[0] & GENMASK(REL_MAX, 0);
	d->button_bits = bitmap_get_value8(dev->keybit, BTN_MOUSE);
	d->n_keys = bitmap_weight(dev->keybit, KEY_CNT);
	strscpy(d->name, dev->name ?: "", sizeof(d->name));
	strscpy(d->phys, dev->phys ?: "", sizeof(d->phys));
	strscpy(d->uniq, dev->uniq ?: "", sizeof(d->uniq));
}

static long jskf_ioctl_list(struct jskf_file *jf, void __user *uarg)
{
	struct jskf_device *devs = NULL;
	struct jskf_list req;
	struct jskf_dev *jd;
	unsigned long id;
	u32 n = 0;
	long ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.reserved0 || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	mutex_lock(&jskf_mutex);
	req.total = jskf_n_devices;
	req.devlist_gen = atomic64_read(&jskf_devlist_gen);
	req.count = min(req.capacity, req.total);
	if (req.count) {
		/* Zeroed: the strings' tails are copied out too. */
		devs = kvcalloc(req.count, sizeof(*devs), GFP_KERNEL);
		if (!devs) {
			mutex_unlock(&jskf_mutex);
			return -ENOMEM;
		}
		xa_for_each(&jskf_devs, id, jd) {
			if (n == req.count)
				break;
			jskf_describe(jd, &devs[n++]);
		}
	}
	mutex_unlock(&jskf_mutex);

	if (copy_to_user(u64_to_user_ptr(req.devices_ptr), devs,
			 req.count * sizeof(*devs)) ||
	    copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	else
		jskf_told_devlist(jf, req.devlist_gen);

	kvfree(devs);
	return ret;
}

/*
 * Only the capture owner, or any file while nobody owns capture, may
 * exclude devices: no other opener can take a mouse away from a running
 * capture (-EBUSY, as for JSKF_IOC_CAPTURE: another file owns it).
 */
static long jskf_ioctl_exclude(struct jskf_file *jf, void __user *uarg)
{
	struct jskf_exclude req;
	struct jskf_queue *q;
	struct jskf_dev *jd;
	unsigned long id;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.n > JSKF_MAX_EXCLUDES || req.reserved)
		return -EINVAL;

	mutex_lock(&jskf_mutex);
	q = jskf_owner_locked();
	if (q && q->owner != jf) {
		mutex_unlock(&jskf_mutex);
		return -EBUSY;
	}
	jf->n_excludes = req.n;
	memcpy(jf->excludes, req.ids, req.n * sizeof(req.ids[0]));

	xa_for_each(&jskf_devs, id, jd)
		if (jskf_excluded(&jd->handle.dev->id))
			jskf_dev_detach(jd);
	mutex_unlock(&jskf_mutex);

	jskf_wake();
	return 0;
}

/* The sums of a set of per-CPU counters. */
static void jskf_read_ctrs(const struct jskf_ctrs __percpu *ctrs,
			   struct jskf_counters *out)
{
	u64 sum[JSKF_CTR_N] = { 0 };
	unsigned int cpu, c;

	for_each_possible_cpu(cpu)
		for (c = 0; c < JSKF_CTR_N; c++)
			sum[c] += per_cpu_ptr(ctrs, cpu)->v[c];

	out->seen = sum[JSKF_CTR_SEEN];
	out->swallowed = sum[JSKF_CTR_SWALLOWED];
	out->delivered = sum[JSKF_CTR_DELIVERED];
	out->coalesced = sum[JSKF_CTR_COALESCED];
	out->dropped = sum[JSKF_CTR_DROPPED];
	out->saturated = sum[JSKF_CTR_SATURATED];
}

static long jskf_ioctl_stats(void __user *uarg)
{
	struct jskf_stats req, st;
	struct jskf_queue *q;
	struct jskf_dev *jd;
	long ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.reserved0 || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	memset(&st, 0, sizeof(st));
	st.dev_id = req.dev_id;

	mutex_lock(&jskf_mutex);
	if (!req.dev_id) {
		jskf_read_ctrs(&jskf_totals, &st.counters);
		st.reads_pended = atomic64_read(&jskf_reads_pended);
		q = jskf_owner_locked();
		if (q)
			jskf_queue_usage(q, &st);
	} else {
		jd = xa_load(&jskf_devs, req.dev_id);
		if (jd)
			jskf_read_ctrs(jd->ctrs, &st.counters);
		else
			ret = -ENODEV;
	}
	mutex_unlock(&jskf_mutex);

	if (!ret && copy_to_user(uarg, &st, sizeof(st)))
		ret = -EFAULT;
	return ret;
}

static long jskf_ioctl_set_output(struct jskf_file *jf, void __user *uarg)
{
	struct jskf_output req;
	struct jskf_out *old = NULL;
	struct jskf_out_slot *s;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.slot >= JSKF_OUTPUT_SLOTS || req.flags ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    !memchr(req.name, '\0', sizeof(req.name)))
		return -EINVAL;
	if (!jf->root)
		return -EPERM;

	mutex_lock(&jskf_mutex);
	s = &jf->out[req.slot];
	s->wanted = req.name[0] != '\0';
	s->id = req.id;
	strscpy(s->name, req.name, sizeof(s->name));
	if (!s->wanted)
		old = jskf_out_unbind(s);
	mutex_unlock(&jskf_mutex);

	if (old)
		jskf_out_put(old);
	return 0;
}

static long jskf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct jskf_file *jf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case JSKF_IOC_INFO:
		return jskf_ioctl_info(jf, uarg);
	case JSKF_IOC_LIST_DEVICES:
		return jskf_ioctl_list(jf, uarg);
	case JSKF_IOC_CAPTURE:
		return jskf_ioctl_capture(jf, uarg);
	case JSKF_IOC_RELEASE:
		return jskf_ioctl_release(jf);
	case JSKF_IOC_SET_ACTIVE:
		return jskf_ioctl_set_active(jf, uarg);
	case JSKF_IOC_READ:
		return jskf_ioctl_read(file, jf, uarg);
	case JSKF_IOC_CANCEL:
		/* Sticky: the pended read, or else the next one, takes it. */
		atomic_inc(&jf->cancel_gen);
		jskf_wake();
		return 0;
	case JSKF_IOC_EXCLUDE:
		return jskf_ioctl_exclude(jf, uarg);
	case JSKF_IOC_STATS:
		return jskf_ioctl_stats(uarg);
	case JSKF_IOC_SET_OUTPUT:
		return jskf_ioctl_set_output(jf, uarg);
	case JSKF_IOC_CAPTURE_KEYS:
	case JSKF_IOC_CAPTURE_KEYS_V1:
		return jskf_ioctl_capture_keys(jf, uarg, _IOC_SIZE(cmd));
	default:
		return -ENOTTY;
	}
}

static const struct file_operations jskf_fops = {
	.owner		= THIS_MODULE,
	.open		= jskf_open,
	.release	= jskf_release,
	.poll		= jskf_poll,
	.unlocked_ioctl	= jskf_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

struct miscdevice jskf_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= JSKF_DEVICE_NAME,
	.fops		= &jskf_fops,
	.mode		= 0600,
};
