// SPDX-License-Identifier: GPL-2.0
/*
 * joystickd_kfilter: a read's output (JSKF_READ_OUTPUT).
 *
 * The owner names the device its output goes to before it creates it
 * (JSKF_IOC_SET_OUTPUT: the input id and name of the uinput stick it makes
 * next).  A second input handler, jskf_out_handler, matches the first such
 * device registered after that and binds it to the file.  A read then
 * sends the caller's events to it with input_event(), as uinput's write()
 * would, before it waits: the stick frame of one batch and the wait for
 * the next in one system call.
 *
 * A struct jskf_out lives from connect() to disconnect() (its handle,
 * never opened: the handler takes no events), and as long as its file or
 * a read holds it.  Its mutex orders a read's sends against disconnect():
 * once that marked it dead, nothing is sent to the device again, so no
 * send outlives the device's registration.
 */

#include <linux/input.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "jskf.h"

struct jskf_out {
	struct input_handle handle;
	struct kref kref;		/* the handle's, its file's, a sending read's */
	struct rcu_head rcu;		/* a read finds it under RCU */
	struct mutex lock;		/* dead and buf, and the sends */
	bool dead;			/* disconnect() began */
	struct jskf_out_event buf[JSKF_OUTPUT_MAX];
};

static void jskf_out_free(struct kref *kref)
{
	struct jskf_out *out = container_of(kref, struct jskf_out, kref);

	kfree_rcu(out, rcu);
}

void jskf_out_put(struct jskf_out *out)
{
	kref_put(&out->kref, jskf_out_free);
}

/* The device bound to the slot, referenced, or NULL. */
static struct jskf_out *jskf_out_of(struct jskf_out_slot *s)
{
	struct jskf_out *out;

	rcu_read_lock();
	out = rcu_dereference(s->bound);
	if (out && !kref_get_unless_zero(&out->kref))
		out = NULL;
	rcu_read_unlock();
	return out;
}

/* The types input_event() only hands to handlers, never to the driver. */
static bool jskf_out_type_ok(u16 type)
{
	switch (type) {
	case EV_SYN:
	case EV_KEY:
	case EV_REL:
	case EV_ABS:
	case EV_MSC:
	case EV_SW:
		return true;
	default:
		return false;
	}
}

/*
 * Copies in and checks the @n events of a read's output: 0, -EFAULT or
 * -EINVAL.  One user access, field by field: @n is checked against the
 * buffer, so the object checks of copy_from_user() would check what is
 * known.
 */
static int jskf_out_copy(struct jskf_out_event *buf,
			 const struct jskf_out_event __user *uptr, u32 n)
{
	u32 i;

	if (!user_access_begin(uptr, n * sizeof(*uptr)))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		unsafe_get_user(buf[i].type, &uptr[i].type, efault);
		unsafe_get_user(buf[i].code, &uptr[i].code, efault);
		unsafe_get_user(buf[i].value, &uptr[i].value, efault);
	}
	user_access_end();

	for (i = 0; i < n; i++)
		if (!jskf_out_type_ok(buf[i].type))
			return -EINVAL;
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/*
 * Sends the read's output: 0 when all of it went, else -errno with none
 * of it sent (see struct jskf_read).  The caller has checked the count
 * and the slot.
 */
int jskf_out_send(struct jskf_file *jf, const struct jskf_read *req)
{
	const struct jskf_out_event __user *uptr = u64_to_user_ptr(req->output_ptr);
	u32 i, n = req->output_count;
	struct jskf_out *out;
	int ret = 0;

	out = jskf_out_of(&jf->out[req->output_slot]);
	if (!out)
		return -ENODEV;

	mutex_lock(&out->lock);
	if (out->dead) {
		ret = -ENODEV;
		goto out_unlock;
	}
	ret = jskf_out_copy(out->buf, uptr, n);
	if (ret)
		goto out_unlock;
	/* Not dead: the device is registered until disconnect() takes the lock. */
	for (i = 0; i < n; i++)
		input_event(out->handle.dev, out->buf[i].type, out->buf[i].code,
			    out->buf[i].value);
out_unlock:
	mutex_unlock(&out->lock);
	jskf_out_put(out);
	return ret;
}

static bool jskf_out_match(struct input_handler *handler,
			   struct input_dev *dev)
{
	bool wanted;

	mutex_lock(&jskf_mutex);
	wanted = jskf_out_wanter(dev);
	mutex_unlock(&jskf_mutex);
	return wanted;
}

static int jskf_out_connect(struct input_handler *handler,
			    struct input_dev *dev,
			    const struct input_device_id *id)
{
	struct jskf_out *out, *old = NULL;
	struct jskf_out_slot *s;
	int error;

	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	kref_init(&out->kref);
	mutex_init(&out->lock);
	out->handle.dev = dev;
	out->handle.handler = handler;
	out->handle.name = JSKF_DEVICE_NAME "_out";
	out->handle.private = out;

	error = input_register_handle(&out->handle);
	if (error) {
		kfree(out);
		return error;
	}

	/* The file may have closed or named another since match(). */
	mutex_lock(&jskf_mutex);
	s = jskf_out_wanter(dev);
	if (s) {
		s->wanted = false;		/* one device per SET_OUTPUT */
		kref_get(&out->kref);
		old = rcu_replace_pointer(s->bound, out,
					  lockdep_is_held(&jskf_mutex));
	}
	mutex_unlock(&jskf_mutex);

	if (old)
		jskf_out_put(old);
	if (!s) {
		input_unregister_handle(&out->handle);
		jskf_out_put(out);
		return -ENODEV;
	}
	return 0;
}

static void jskf_out_disconnect(struct input_handle *handle)
{
	struct jskf_out *out = handle->private;

	/* Waits for a send in flight; none starts after this. */
	mutex_lock(&out->lock);
	out->dead = true;
	mutex_unlock(&out->lock);

	input_unregister_handle(handle);
	jskf_out_put(out);
}

/* Every device: match() picks the ones a file named. */
static const struct input_device_id jskf_out_ids[] = {
	{ .driver_info = 1 },
	{ }	/* Terminating entry */
};

struct input_handler jskf_out_handler = {
	.match		= jskf_out_match,
	.connect	= jskf_out_connect,
	.disconnect	= jskf_out_disconnect,
	.name		= JSKF_DEVICE_NAME "_out",
	.id_table	= jskf_out_ids,
};
