// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsd-floor: the least a user-space mouse-to-device path can do, as the
 * benchmark's floor.  It grabs one mouse with EVIOCGRAB, creates a uinput
 * device with the mouse's relative axes and buttons, and copies what each
 * read() returns to the device with one write(): evdev hands out whole
 * frames, so every frame arrives whole.  Nothing else: no parsing, no
 * timers, no allocation after start-up.
 *
 *   jsd-floor [-e] /dev/input/eventN
 *
 * -e writes every event with its own write(), as libevdev_uinput_write_event()
 * (and so joystickd's stick) does: the bench runs it as a fourth path to
 * measure what that costs.  It runs until SIGTERM (or the mouse goes away);
 * the output device is "jsd-bench floor out", with -e "jsd-bench floor-e out".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define FLOOR_NAME	"jsd-bench floor out"
#define FLOOR_E_NAME	"jsd-bench floor-e out"
#define BITS_LONG	(8 * sizeof(unsigned long))

static int test_bit(const unsigned long *bits, unsigned int n)
{
	return (bits[n / BITS_LONG] >> (n % BITS_LONG)) & 1;
}

/* Enables on @ui every code of @type that @mouse has (type via @setbit). */
static int floor_copy_bits(int mouse, int ui, unsigned int type, unsigned int max,
			   unsigned long setbit)
{
	unsigned long bits[KEY_CNT / BITS_LONG + 1] = { 0 };
	unsigned int code;

	if (ioctl(mouse, EVIOCGBIT(type, max), bits) < 0)
		return -errno;
	if (ioctl(ui, UI_SET_EVBIT, type) < 0)
		return -errno;
	for (code = 0; code < max; code++)
		if (test_bit(bits, code) && ioctl(ui, setbit, code) < 0)
			return -errno;
	return 0;
}

static int floor_create(int mouse, bool per_event, int *ret_ui)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x6a73, .product = 0xf100 + per_event,
			.version = 1 },
	};
	int ui, r;

	ui = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (ui < 0)
		return -errno;
	r = floor_copy_bits(mouse, ui, EV_REL, REL_CNT, UI_SET_RELBIT);
	if (r == 0)
		r = floor_copy_bits(mouse, ui, EV_KEY, KEY_CNT, UI_SET_KEYBIT);
	if (r == 0) {
		strcpy(setup.name, per_event ? FLOOR_E_NAME : FLOOR_NAME);
		if (ioctl(ui, UI_DEV_SETUP, &setup) < 0 || ioctl(ui, UI_DEV_CREATE) < 0)
			r = -errno;
	}
	if (r < 0) {
		close(ui);
		return r;
	}
	*ret_ui = ui;
	return 0;
}

/* One write() per event instead of one per read(). */
static bool floor_write_each(int ui, const struct input_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (write(ui, &ev[i], sizeof(ev[i])) != (ssize_t)sizeof(ev[i]))
			return false;
	return true;
}

int main(int argc, char *argv[])
{
	bool per_event = argc == 3 && !strcmp(argv[1], "-e");
	const char *node = argv[argc - 1];
	struct input_event ev[64];
	int mouse, ui = -1, r;

	if (argc != 2 && !per_event) {
		fprintf(stderr, "usage: jsd-floor [-e] /dev/input/eventN\n");
		return 2;
	}
	mouse = open(node, O_RDONLY | O_CLOEXEC);
	if (mouse < 0) {
		fprintf(stderr, "jsd-floor: %s: %m\n", node);
		return 1;
	}
	if (ioctl(mouse, EVIOCGRAB, 1) < 0) {
		fprintf(stderr, "jsd-floor: grabbing %s: %m\n", node);
		return 1;
	}
	r = floor_create(mouse, per_event, &ui);
	if (r < 0) {
		fprintf(stderr, "jsd-floor: creating the uinput device: %s\n", strerror(-r));
		return 1;
	}

	for (;;) {
		ssize_t n = read(mouse, ev, sizeof(ev));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (per_event ? !floor_write_each(ui, ev, (size_t)n / sizeof(ev[0])) :
				write(ui, ev, (size_t)n) != n)
			break;
	}
	/*
	 * Only an error (the mouse unplugged) gets here; SIGTERM ends the
	 * process, and the kernel destroys the device with the file.
	 */
	fprintf(stderr, "jsd-floor: %m\n");
	return 1;
}
