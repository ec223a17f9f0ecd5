// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Doctor's checks of the stick as games find it: its event and js nodes,
 * udev's ID_INPUT_JOYSTICK (which SDL with udev asks), what SDL and Wine
 * make of its axes and buttons (shape.h, from the codes sysfs lists), a
 * flat or fuzz on an axis; and the mice another program grabs, which the
 * daemon's `devices` marks.  Udev's database and sysfs are readable by
 * everyone, so a user without access to the daemon still gets these.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "doctor.h"
#include "engine/config.h"
#include "engine/escape.h"
#include "engine/shape.h"

#define BITS_PER_WORD	(8 * sizeof(unsigned long))

/* A sysfs capabilities bitmap ("1f 0 c0000"; the last word holds bits 0 ...) into codes. */
static unsigned int caps_codes(const char *text, unsigned int max_code, uint16_t *codes,
			       unsigned int max)
{
	unsigned long words[16];
	unsigned int n_words = 0, n = 0;
	char *copy, *tok, *save = NULL;

	if (!text || !(copy = strdup(text)))
		return 0;
	for (tok = strtok_r(copy, " \n", &save); tok && n_words < 16; tok = strtok_r(NULL, " \n", &save))
		words[n_words++] = strtoul(tok, NULL, 16);
	free(copy);
	for (unsigned int w = 0; w < n_words; w++) {
		unsigned long bits = words[n_words - 1 - w];

		for (unsigned int b = 0; b < BITS_PER_WORD && n < max; b++) {
			unsigned int code = w * BITS_PER_WORD + b;

			if ((bits >> b & 1) && code <= max_code)
				codes[n++] = (uint16_t)code;
		}
	}
	return n;
}

/* The event device of the stick @s describes (its name and id), or NULL. */
static struct udev_device *find_by_id(struct udev *udev, const struct jsd_stick_cfg *s)
{
	struct udev_enumerate *e = udev_enumerate_new(udev);
	struct udev_list_entry *entry;
	struct udev_device *found = NULL;
	char vendor[8], product[8];

	snprintf(vendor, sizeof(vendor), "%04x", s->id.vendor);
	snprintf(product, sizeof(product), "%04x", s->id.product);
	udev_enumerate_add_match_subsystem(e, "input");
	udev_enumerate_add_match_sysname(e, "event*");
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev = udev_device_new_from_syspath(udev,
								       udev_list_entry_get_name(entry));
		struct udev_device *in = dev ? udev_device_get_parent(dev) : NULL;
		const char *n = in ? udev_device_get_sysattr_value(in, "name") : NULL;
		const char *v = in ? udev_device_get_sysattr_value(in, "id/vendor") : NULL;
		const char *p = in ? udev_device_get_sysattr_value(in, "id/product") : NULL;

		if (n && v && p && strcmp(n, s->name) == 0 && strcmp(v, vendor) == 0 &&
		    strcmp(p, product) == 0) {
			found = dev;
			break;
		}
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	return found;
}

/* The js node beside the event node of input device @in. */
static void find_js(struct udev *udev, struct udev_device *in, char *buf, size_t size)
{
	struct udev_enumerate *e = udev_enumerate_new(udev);
	struct udev_list_entry *entry;

	buf[0] = '\0';
	udev_enumerate_add_match_parent(e, in);
	udev_enumerate_add_match_sysname(e, "js*");
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		const char *sysname = strrchr(udev_list_entry_get_name(entry), '/');

		snprintf(buf, size, "/dev/input%s", sysname);
		break;
	}
	udev_enumerate_unref(e);
}

/* A rules file of @name that overrides systemd's (in /etc or /run), or NULL. */
const char *doctor_rule_override(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { "/etc/udev/rules.d", "/run/udev/rules.d" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (access(buf, F_OK) == 0)
			return buf;
	}
	return NULL;
}

static void check_udev_class(struct doctor *d, struct udev_device *ev)
{
	const char *v = udev_device_get_property_value(ev, "ID_INPUT_JOYSTICK");
	char path[300], fix[700];

	if (v && strcmp(v, "1") == 0) {
		doctor_add(d, DOCTOR_OK, "udev", NULL, "udev marks %s ID_INPUT_JOYSTICK=1",
			   d->stick_node);
		return;
	}
	if (doctor_rule_override("60-input-id.rules", path, sizeof(path)))
		snprintf(fix, sizeof(fix),
			 "%s overrides systemd's 60-input-id.rules, which sets ID_INPUT_JOYSTICK: remove it, then sudo udevadm control --reload && sudo udevadm trigger --action=change %s",
			 path, udev_device_get_syspath(ev));
	else if (access("/lib/udev/rules.d/60-input-id.rules", F_OK) < 0 &&
		 access("/usr/lib/udev/rules.d/60-input-id.rules", F_OK) < 0)
		snprintf(fix, sizeof(fix),
			 "60-input-id.rules is missing from /lib/udev/rules.d: sudo apt install --reinstall udev");
	else
		snprintf(fix, sizeof(fix),
			 "sudo udevadm trigger --action=change %s; udevadm info %s shows what udev made of it",
			 udev_device_get_syspath(ev), d->stick_node);
	doctor_add(d, DOCTOR_FAIL, "udev", fix,
		   "udev has not marked %s ID_INPUT_JOYSTICK=1: SDL (native games, Wine, Proton) skips it%s",
		   d->stick_node, udev_device_get_is_initialized(ev) ? "" : " (udev has not processed it)");
}

/* What SDL and Wine make of the codes the kernel lists for the stick. */
static void check_shape(struct doctor *d, struct udev_device *in)
{
	struct shape_finding found[SHAPE_MAX_FINDINGS];
	uint16_t axes[ABS_CNT], buttons[KEY_CNT];
	struct shape s = { .axes = axes, .buttons = buttons };
	unsigned int n;

	s.n_axes = caps_codes(udev_device_get_sysattr_value(in, "capabilities/abs"), ABS_MAX,
			      axes, ABS_CNT);
	s.n_buttons = caps_codes(udev_device_get_sysattr_value(in, "capabilities/key"), KEY_MAX,
				 buttons, KEY_CNT);
	n = shape_check(&s, found);
	for (unsigned int i = 0; i < n; i++)
		doctor_add(d, found[i].level == SHAPE_REFUSE ? DOCTOR_FAIL : DOCTOR_WARN, "sdl",
			   found[i].fix, "%s", found[i].message);
	if (n == 0)
		doctor_add(d, DOCTOR_OK, "sdl", NULL,
			   "SDL and Wine class it as a joystick, not a gamepad: %u axes, %u buttons",
			   s.n_axes, s.n_buttons);
}

/* A flat or fuzz is a dead zone SDL and joydev apply and joystickd.ini does not show. */
static void check_flat_fuzz(struct doctor *d)
{
	unsigned long bits[ABS_CNT / BITS_PER_WORD + 1] = { 0 };
	int fd = open(d->stick_node, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return;		/* no read access: the seat check says so */
	if (ioctl(fd, EVIOCGBIT(EV_ABS, sizeof(bits)), bits) >= 0) {
		for (unsigned int code = 0; code < ABS_CNT; code++) {
			struct input_absinfo ai;

			if (!(bits[code / BITS_PER_WORD] >> (code % BITS_PER_WORD) & 1) ||
			    ioctl(fd, EVIOCGABS(code), &ai) < 0 || (!ai.flat && !ai.fuzz))
				continue;
			doctor_add(d, DOCTOR_WARN, "axes", "is another program setting it (EVIOCSABS)? restart joystickd",
				   "axis 0x%02x of the stick has flat %d and fuzz %d: games get a dead zone joystickd.ini does not show",
				   code, ai.flat, ai.fuzz);
		}
	}
	close(fd);
}

void doctor_check_stick(struct doctor *d)
{
	struct udev *udev = udev_new();
	struct udev_device *ev = NULL, *in;
	char name[ESCAPE_SIZE(80)];

	if (!udev) {
		doctor_add(d, DOCTOR_WARN, "stick", NULL, "cannot use udev: %s", strerror(errno));
		return;
	}
	if (d->daemon.stick[0] && strncmp(d->daemon.stick, "/dev/input/", 11) == 0)
		ev = udev_device_new_from_subsystem_sysname(udev, "input", d->daemon.stick + 11);
	if (!ev && d->cfg)
		ev = find_by_id(udev, &d->cfg->stick);
	in = ev ? udev_device_get_parent_with_subsystem_devtype(ev, "input", NULL) : NULL;
	if (!ev || !in || !udev_device_get_devnode(ev)) {
		doctor_add(d, DOCTOR_FAIL, "stick",
			   d->service_down ? "sudo systemctl start joystickd" :
			   "journalctl -u joystickd -n 20 says what the daemon did",
			   "no stick: no input device is called '%s'",
			   d->cfg ? escape_string(d->cfg->stick.name, name, sizeof(name)) : "(unknown: no configuration)");
		udev_device_unref(ev);
		udev_unref(udev);
		return;
	}
	snprintf(d->stick_node, sizeof(d->stick_node), "%s", udev_device_get_devnode(ev));
	snprintf(d->stick_syspath, sizeof(d->stick_syspath), "%s", udev_device_get_syspath(ev));
	find_js(udev, in, d->js_node, sizeof(d->js_node));
	escape_string(udev_device_get_sysattr_value(in, "name") ?: "", name, sizeof(name));
	doctor_add(d, DOCTOR_OK, "stick", NULL, "'%s' is %s%s%s", name, d->stick_node,
		   d->js_node[0] ? " and " : "", d->js_node);
	if (!d->js_node[0])
		doctor_add(d, DOCTOR_WARN, "stick",
			   "sudo modprobe joydev, and to keep it: echo joydev | sudo tee /etc/modules-load.d/joydev.conf",
			   "the stick has no js node: games that read the joystick API (FlightGear, older native games) do not see it");
	d->stick_uaccess = udev_device_has_tag(ev, "uaccess") > 0;
	check_udev_class(d, ev);
	check_shape(d, in);
	check_flat_fuzz(d);
	udev_device_unref(ev);
	udev_unref(udev);
}

/* The processes other than joystickd and us that hold @node open, as "name (pid N), ...". */
static void holders(const char *node, char *buf, size_t size)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	size_t len = 0;

	buf[0] = '\0';
	while (proc && (p = readdir(proc))) {
		char path[300], target[300], comm[64] = "";
		DIR *fds;
		struct dirent *f;
		bool holds = false;
		FILE *cf;

		if (p->d_name[0] < '1' || p->d_name[0] > '9' || atoi(p->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		while (fds && !holds && (f = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%.20s/fd/%.20s", p->d_name, f->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			holds = n > 0 && (target[n] = '\0', strcmp(target, node) == 0);
		}
		if (fds)
			closedir(fds);
		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		if (!holds || !(cf = fopen(path, "re")))
			continue;
		if (fgets(comm, sizeof(comm), cf))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(cf);
		if (strcmp(comm, "joystickd") == 0 || len >= size)
			continue;
		len += snprintf(buf + len, size - len, "%s%s (pid %s)", len ? ", " : "", comm, p->d_name);
	}
	if (proc)
		closedir(proc);
}

void doctor_check_grabs(struct doctor *d)
{
	const char *line = d->daemon.devices;
	unsigned int grabbed = 0;

	if (!line)
		return;
	if (strcmp(d->daemon.backend, "evdev") == 0 && !d->daemon.active) {
		doctor_add(d, DOCTOR_NOTE, "grab", NULL,
			   "the evdev backend sees another program's grab only while capture is on");
		return;
	}
	for (line = strchr(line, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		char capture[16], node[64], who[512], fix[700];
		unsigned int id;
		int name_at = 0;

		if (sscanf(line + 1, "%u %*s %15s %*s %*s %63s %n", &id, capture, node, &name_at) != 3 ||
		    strcmp(capture, "grabbed") != 0)
			continue;
		grabbed++;
		holders(node, who, sizeof(who));
		snprintf(fix, sizeof(fix), "stop %s, or exclude this mouse from it; joystickctl devices shows it free again",
			 who[0] ? who : "the program that grabs it (sudo fuser -v it names who holds it open)");
		doctor_add(d, DOCTOR_FAIL, "grab", fix,
			   "mouse %u '%.*s' (%s) is grabbed by another program (EVIOCGRAB): its motion never reaches joystickd",
			   id, (int)strcspn(line + 1 + name_at, "\n"), line + 1 + name_at, node);
	}
	if (!grabbed)
		doctor_add(d, DOCTOR_OK, "grab", NULL, "no mouse is grabbed by another program");
}
