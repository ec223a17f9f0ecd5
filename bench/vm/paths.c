// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The paths under test, each on its own mouse, all running at once (an
 * idle path sleeps in read()): joystickd on mouse 0 (and 1-7), jsd-floor
 * on the floor mouse, `interception -g | uinput -d` on the interception
 * mouse, a second joystickd with its evdev backend on the evdev mouse.
 * See bvm.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bvm.h"

#define LOG_DAEMON	"/tmp/joystickd.log"
#define LOG_FLOOR	"/tmp/floor.log"
#define LOG_INTERCEPT	"/tmp/interception.log"
#define LOG_UINPUT	"/tmp/uinput.log"
#define LOG_EVDEV	"/tmp/joystickd-evdev.log"

static int bvm_start_joystickd(struct bvm_bench *b, struct bvm_path *p)
{
	p->mouse = &b->mice[0];
	char *argv[] = { BVM_JOYSTICKD, "-c", BVM_CONFIG, "--socket", BVM_SOCKET, NULL };
	char name[64];
	int r;

	p->pids[p->n_pids++] = bvm_spawn(argv, -1, -1, LOG_DAEMON);
	r = bvm_find_node(BVM_STICK_NAME, NULL, p->out_node, sizeof(p->out_node), 20000);
	for (unsigned int i = 0; r == 0 && i < BVM_MICE; i++) {
		snprintf(name, sizeof(name), BVM_MOUSE_NAME, i);
		r = bvm_kf_wait_flags(b->kf, name, JSKF_DEVF_CAPTURED, 10000);
	}
	if (r < 0)
		bvm_dump_file(LOG_DAEMON);
	return r;
}

static int bvm_start_floor(struct bvm_bench *b, struct bvm_path *p)
{
	char *argv[] = { BVM_FLOOR, b->floor_mouse.node, NULL };
	int r;

	p->mouse = &b->floor_mouse;
	p->pids[p->n_pids++] = bvm_spawn(argv, -1, -1, LOG_FLOOR);
	r = bvm_find_node(BVM_FLOOR_OUT, NULL, p->out_node, sizeof(p->out_node), 10000);
	if (r == 0)
		r = bvm_kf_wait_flags(b->kf, p->mouse->name, JSKF_DEVF_GRABBED, 10000);
	if (r < 0)
		bvm_dump_file(LOG_FLOOR);
	return r;
}

/*
 * `interception -g DEV | uinput -d DEV`: the output device copies the
 * mouse, name included, so it is the other node with the mouse's name.
 * intercept sleeps one second before it grabs.
 */
static int bvm_start_interception(struct bvm_bench *b, struct bvm_path *p)
{
	char *icpt[] = { BVM_INTERCEPT, "-g", b->icpt_mouse.node, NULL };
	char *uinput[] = { BVM_UINPUT, "-d", b->icpt_mouse.node, NULL };
	int pipefd[2], r;

	p->mouse = &b->icpt_mouse;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	p->pids[p->n_pids++] = bvm_spawn(icpt, -1, pipefd[1], LOG_INTERCEPT);
	p->pids[p->n_pids++] = bvm_spawn(uinput, pipefd[0], -1, LOG_UINPUT);
	close(pipefd[0]);
	close(pipefd[1]);
	r = bvm_find_node(BVM_ICPT_MOUSE, b->icpt_mouse.node, p->out_node, sizeof(p->out_node), 10000);
	if (r == 0)
		r = bvm_kf_wait_flags(b->kf, BVM_ICPT_MOUSE, JSKF_DEVF_GRABBED, 10000);
	if (r < 0) {
		bvm_dump_file(LOG_INTERCEPT);
		bvm_dump_file(LOG_UINPUT);
	}
	return r;
}

/* One line of `joystickctl --socket @sock status` starting with @key, its number after. */
static int bvm_status_value(const char *sock, const char *key, uint64_t *ret)
{
	char *argv[] = { BVM_JOYSTICKCTL, "--socket", (char *)sock, "status", NULL };
	char out[4096], *line, *save = NULL;
	size_t len = strlen(key);

	if (bvm_run(argv, out, sizeof(out)) != 0)
		return -EIO;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v;

		if (!strncmp(line, key, len) && sscanf(line + len, "%llu", &v) == 1) {
			*ret = v;
			return 0;
		}
	}
	return -ENODATA;
}

int bvm_evdev_counts(uint64_t *ret_seen, uint64_t *ret_dropped)
{
	int r = bvm_status_value(BVM_EVDEV_SOCKET, "kernel seen:", ret_seen);

	if (r == 0)
		r = bvm_status_value(BVM_EVDEV_SOCKET, "kernel dropped:", ret_dropped);
	return r;
}

/*
 * joystickd with capture_backend = evdev (bench-evdev.ini) on the evdev
 * mouse: up when its stick exists and the mouse is grabbed (EVIOCGRAB:
 * the module's device list shows any grab).  The kernel filter's
 * joystickd must not capture that mouse, and this one nothing else.
 */
static int bvm_start_evdev(struct bvm_bench *b, struct bvm_path *p)
{
	char *argv[] = { BVM_JOYSTICKD, "-c", BVM_EVDEV_CONFIG, "--socket", BVM_EVDEV_SOCKET,
			 NULL };
	struct jskf_device dev;
	uint64_t n = 0;
	int r;

	p->mouse = &b->evdev_mouse;
	p->pids[p->n_pids++] = bvm_spawn(argv, -1, -1, LOG_EVDEV);
	r = bvm_find_node(BVM_EVDEV_STICK, NULL, p->out_node, sizeof(p->out_node), 20000);
	if (r == 0)
		r = bvm_kf_wait_flags(b->kf, BVM_EVDEV_MOUSE, JSKF_DEVF_GRABBED, 10000);
	if (r == 0 && kf_find(b->kf, BVM_EVDEV_MOUSE, &dev) == 0 &&
	    (dev.flags & JSKF_DEVF_CAPTURED)) {
		vmt_info("%s: captured by the kernel filter's joystickd too", BVM_EVDEV_MOUSE);
		r = -EBUSY;
	}
	if (r == 0 && bvm_status_value(BVM_EVDEV_SOCKET, "mice captured:", &n) == 0 && n != 1) {
		vmt_info("joystickd-evdev captures %llu mice, not its one", (unsigned long long)n);
		r = -EBUSY;
	}
	if (r < 0)
		bvm_dump_file(LOG_EVDEV);
	return r;
}

int bvm_start_paths(struct bvm_bench *b)
{
	static const char *const names[BVM_PATHS] = {
		"joystickd", "floor", "interception", "joystickd-evdev",
	};
	int (*const start[BVM_PATHS])(struct bvm_bench *, struct bvm_path *) = {
		bvm_start_joystickd, bvm_start_floor, bvm_start_interception, bvm_start_evdev,
	};

	for (unsigned int i = 0; i < BVM_PATHS; i++) {
		struct bvm_path *p = &b->paths[i];
		int r;

		memset(p, 0, sizeof(*p));
		p->name = names[i];
		r = start[i](b, p);
		if (r < 0) {
			bvm_fail("start-paths", "%s did not come up: %s", p->name, strerror(-r));
			return r;
		}
		vmt_info("%s is up: output %s", p->name, p->out_node);
	}
	bvm_pass("start-paths");
	return 0;
}

void bvm_stop_path(struct bvm_bench *b, unsigned int path)
{
	struct bvm_path *p = &b->paths[path];

	for (unsigned int i = 0; i < p->n_pids; i++)
		bvm_kill(p->pids[i]);
	p->n_pids = 0;
}

void bvm_daemon_status(const char *tag)
{
	char *argv[] = { BVM_JOYSTICKCTL, "--socket", BVM_SOCKET, "status", NULL };
	char out[4096], *line, *save = NULL;

	if (bvm_run(argv, out, sizeof(out)) != 0) {
		vmt_info("%s: joystickctl status failed", tag);
		return;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "batches:", 8) || !strncmp(line, "records:", 8) ||
		    !strncmp(line, "kernel", 6) || !strncmp(line, "stick write", 11) ||
		    !strncmp(line, "sequence", 8))
			bvm_line("STATUS %s %s", tag, line);
}
