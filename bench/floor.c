// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsd-floor: the least a user-space mouse-to-device path can do, as the
 * benchmark's floor.  It grabs one mouse with EVIOCGRAB, creates a uinput
 * device with the mouse's relative axes and buttons, and copies what each
 * read() returns to the device with one write().  The one thing it looks
 * at is SYN_DROPPED: after it, evdev's protocol says the events up to the
 * next SYN_REPORT are a partial frame, and the floor leaves them out, as
 * any correct reader must (a copied partial frame would be a damaged
 * output frame).  No timers, no allocation after start-up.
 *
 *   jsd-floor /dev/input/eventN
 *
 * It runs until SIGTERM (or the mouse goes away); the output device is
 * "jsd-bench floor out".
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

static int floor_create(int mouse, int *ret_ui)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x6a73, .product = 0xf100, .version = 1 },
	};
	int ui, r;

	ui = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (ui < 0)
		return -errno;
	r = floor_copy_bits(mouse, ui, EV_REL, REL_CNT, UI_SET_RELBIT);
	if (r == 0)
		r = floor_copy_bits(mouse, ui, EV_KEY, KEY_CNT, UI_SET_KEYBIT);
	if (r == 0) {
		strcpy(setup.name, FLOOR_NAME);
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

/*
 * Leaves out of @ev what follows a SYN_DROPPED up to and including the
 * next SYN_REPORT (*@skip carries that across reads); returns the events
 * kept, moved to the front.
 */
static size_t floor_drop_partial(struct input_event *ev, size_t n, bool *skip)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		bool syn = ev[i].type == EV_SYN;

		if (syn && ev[i].code == SYN_DROPPED) {
			*skip = true;
			continue;
		}
		if (*skip) {
			*skip = !(syn && ev[i].code == SYN_REPORT);
			continue;
		}
		ev[kept++] = ev[i];
	}
	return kept;
}

int main(int argc, char *argv[])
{
	const char *node = argv[argc - 1];
	struct input_event ev[64];
	int mouse, ui = -1, r;
	bool skip = false;

	if (argc != 2) {
		fprintf(stderr, "usage: jsd-floor /dev/input/eventN\n");
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
	r = floor_create(mouse, &ui);
	if (r < 0) {
		fprintf(stderr, "jsd-floor: creating the uinput device: %s\n", strerror(-r));
		return 1;
	}

	for (;;) {
		ssize_t n = read(mouse, ev, sizeof(ev));
		size_t size;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size = floor_drop_partial(ev, (size_t)n / sizeof(ev[0]), &skip) * sizeof(ev[0]);
		if (size && write(ui, ev, size) != (ssize_t)size)
			break;
	}
	/*
	 * Only an error (the mouse unplugged) gets here; SIGTERM ends the
	 * process, and the kernel destroys the device with the file.
	 */
	fprintf(stderr, "jsd-floor: %m\n");
	return 1;
}
