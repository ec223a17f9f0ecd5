// SPDX-License-Identifier: GPL-2.0-or-later
/* udev monitor and enumeration of pointer devices; see discovery.h. */
#include <errno.h>
#include <libudev.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"

struct udev_mouse {
	struct udev_mouse *next;
	char *syspath;		/* of the eventN device */
	char *devnode;
	char *id_path;		/* may be NULL */
	char *name, *phys;	/* of the parent inputN device */
	unsigned int bustype, vendor, product, version;
};

struct discovery {
	struct udev *udev;
	struct udev_monitor *monitor;
	sd_event_source *io;
	discovery_changed_t changed;
	void *userdata;
	struct udev_mouse *mice;
	size_t n_mice;
};

static char *strdup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static unsigned int sysattr_hex(struct udev_device *dev, const char *attr)
{
	const char *v = udev_device_get_sysattr_value(dev, attr);

	return v ? (unsigned int)strtoul(v, NULL, 16) : 0;
}

static void mouse_free(struct udev_mouse *m)
{
	free(m->syspath);
	free(m->devnode);
	free(m->id_path);
	free(m->name);
	free(m->phys);
	free(m);
}

/* An initialised evdev node of a pointer; everything else is not kept. */
static bool is_pointer_node(struct udev_device *dev)
{
	const char *sysname = udev_device_get_sysname(dev);

	if (!sysname || strncmp(sysname, "event", 5) != 0)
		return false;
	if (!udev_device_get_is_initialized(dev))
		return false;
	return udev_device_get_property_value(dev, "ID_INPUT_MOUSE") ||
	       udev_device_get_property_value(dev, "ID_INPUT_POINTINGSTICK");
}

static void discovery_forget(struct discovery *d, const char *syspath)
{
	struct udev_mouse **p;

	for (p = &d->mice; *p; p = &(*p)->next) {
		if (strcmp((*p)->syspath, syspath) == 0) {
			struct udev_mouse *m = *p;

			*p = m->next;
			mouse_free(m);
			d->n_mice--;
			return;
		}
	}
}

static int discovery_add(struct discovery *d, struct udev_device *dev)
{
	struct udev_device *input = udev_device_get_parent_with_subsystem_devtype(dev, "input", NULL);
	const char *id_path = udev_device_get_property_value(dev, "ID_PATH");
	struct udev_mouse *m;

	if (!input || !udev_device_get_devnode(dev))
		return 0;
	discovery_forget(d, udev_device_get_syspath(dev));
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->syspath = strdup(udev_device_get_syspath(dev));
	m->devnode = strdup(udev_device_get_devnode(dev));
	m->id_path = id_path ? strdup(id_path) : NULL;
	m->name = strdup_or_empty(udev_device_get_sysattr_value(input, "name"));
	m->phys = strdup_or_empty(udev_device_get_sysattr_value(input, "phys"));
	if (!m->syspath || !m->devnode || (id_path && !m->id_path) || !m->name || !m->phys) {
		mouse_free(m);
		return -ENOMEM;
	}
	m->bustype = sysattr_hex(input, "id/bustype");
	m->vendor = sysattr_hex(input, "id/vendor");
	m->product = sysattr_hex(input, "id/product");
	m->version = sysattr_hex(input, "id/version");
	m->next = d->mice;
	d->mice = m;
	d->n_mice++;
	return 0;
}

static int discovery_event(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct discovery *d = userdata;
	struct udev_device *dev;
	bool changed = false;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);

		if (action && strcmp(action, "remove") == 0) {
			discovery_forget(d, udev_device_get_syspath(dev));
			changed = true;
		} else if (is_pointer_node(dev)) {
			/* Out of memory only loses the extra names. */
			discovery_add(d, dev);
			changed = true;
		}
		udev_device_unref(dev);
	}
	if (changed)
		d->changed(d->userdata);
	return 0;
}

static int discovery_enumerate(struct discovery *d)
{
	struct udev_enumerate *e = udev_enumerate_new(d->udev);
	struct udev_list_entry *entry;
	int r;

	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, "input");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0)
		goto out;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev;

		dev = udev_device_new_from_syspath(d->udev, udev_list_entry_get_name(entry));
		if (!dev)
			continue;	/* gone meanwhile */
		if (is_pointer_node(dev))
			r = discovery_add(d, dev);
		udev_device_unref(dev);
		if (r < 0)
			break;
	}
 out:
	udev_enumerate_unref(e);
	return r < 0 ? r : 0;
}

int discovery_new(sd_event *event, discovery_changed_t changed, void *userdata,
		  struct discovery **ret)
{
	struct discovery *d;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->changed = changed;
	d->userdata = userdata;
	d->udev = udev_new();
	if (!d->udev) {
		r = -ENOMEM;
		goto out_free;
	}
	d->monitor = udev_monitor_new_from_netlink(d->udev, "udev");
	if (!d->monitor) {
		r = -EPROTONOSUPPORT;
		goto out_free;
	}
	r = udev_monitor_filter_add_match_subsystem_devtype(d->monitor, "input", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(d->monitor);
	if (r < 0)
		goto out_free;
	r = sd_event_add_io(event, &d->io, udev_monitor_get_fd(d->monitor), EPOLLIN,
			    discovery_event, d);
	if (r < 0)
		goto out_free;
	r = discovery_enumerate(d);
	if (r < 0)
		goto out_free;
	*ret = d;
	return 0;

 out_free:
	discovery_free(d);
	return r;
}

struct discovery *discovery_free(struct discovery *d)
{
	if (!d)
		return NULL;
	while (d->mice)
		discovery_forget(d, d->mice->syspath);
	sd_event_source_disable_unref(d->io);
	udev_monitor_unref(d->monitor);
	udev_unref(d->udev);
	free(d);
	return NULL;
}

size_t discovery_count(const struct discovery *d)
{
	return d->n_mice;
}

int discovery_lookup(const struct discovery *d, const struct jskf_device *dev,
		     const char **ret_devnode, const char **ret_id_path)
{
	const struct udev_mouse *m;

	for (m = d->mice; m; m = m->next) {
		if (m->bustype != dev->bustype || m->vendor != dev->vendor ||
		    m->product != dev->product || m->version != dev->version ||
		    strcmp(m->name, dev->name) != 0 || strcmp(m->phys, dev->phys) != 0)
			continue;
		*ret_devnode = m->devnode;
		*ret_id_path = m->id_path;
		return 0;
	}
	return -ENOENT;
}
