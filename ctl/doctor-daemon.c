// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Doctor's checks of the service: systemd's view of joystickd.service
 * (sd-bus, unit properties any user may read), the daemon's own answers
 * on its control socket (status, devices), and the configuration it runs.
 * Every call has a timeout: a hung systemd or daemon makes a failing line,
 * not a hanging doctor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "control-proto.h"
#include "ctl-client.h"
#include "doctor.h"
#include "engine/codes.h"
#include "engine/config.h"

#define UNIT		"joystickd.service"
#define DEFAULT_CONFIG	SYSCONFDIR "/joystickd/joystickd.ini"

struct unit_state {
	char *load, *active, *sub, *result, *file_state;
	int32_t exec_status;
};

/* The fix for a daemon that stopped with @status (joystickd(8), EXIT STATUS). */
static const char *exit_fix(int32_t status)
{
	switch (status) {
	case 78:
		return "a line of the configuration is wrong: joystickctl check-config " DEFAULT_CONFIG
		       " names it; then sudo systemctl restart joystickd";
	case 6:
		return "there is no " DEFAULT_CONFIG ": reinstall the joystickd package or copy "
		       "config/joystickd.ini there; then sudo systemctl restart joystickd";
	case 5:
		return "the module or /dev/uinput is missing: journalctl -u joystickd -n 5 says "
		       "which (sudo modprobe uinput); then sudo systemctl restart joystickd";
	case 4:
		return "a file or device is not permitted: journalctl -u joystickd -n 5 says which";
	default:
		return "journalctl -u joystickd -n 20 says why; then sudo systemctl restart joystickd";
	}
}

static int unit_state_get(sd_bus *bus, struct unit_state *u)
{
	static const char *const props[] = { "LoadState", "ActiveState", "SubState", "UnitFileState" };
	char **fields[] = { &u->load, &u->active, &u->sub, &u->file_state };
	char *path = NULL;
	int r;

	r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", UNIT, &path);
	for (size_t i = 0; r >= 0 && i < sizeof(props) / sizeof(props[0]); i++)
		r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path,
					       "org.freedesktop.systemd1.Unit", props[i], NULL,
					       fields[i]);
	if (r >= 0 && strcmp(u->load, "loaded") == 0) {
		r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path,
					       "org.freedesktop.systemd1.Service", "Result", NULL,
					       &u->result);
		if (r >= 0)
			r = sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", path,
							"org.freedesktop.systemd1.Service",
							"ExecMainStatus", NULL, 'i', &u->exec_status);
	}
	free(path);
	return r;
}

void doctor_check_service(struct doctor *d)
{
	struct unit_state u = { 0 };
	sd_bus *bus = NULL;
	int r;

	if (access("/run/systemd/system", F_OK) < 0) {
		doctor_add(d, DOCTOR_NOTE, "service", NULL,
			   "systemd is not running here: the service is not checked");
		return;
	}
	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(bus, DOCTOR_TIMEOUT_MS * 1000ull);
	if (r >= 0)
		r = unit_state_get(bus, &u);
	if (r < 0) {
		doctor_add(d, DOCTOR_WARN, "service", "systemctl status joystickd",
			   "cannot ask systemd about %s: %s", UNIT, strerror(-r));
	} else if (strcmp(u.load, "loaded") != 0) {
		d->service_down = true;
		doctor_add(d, DOCTOR_FAIL, "service",
			   "install the joystickd package (README: Installing for good), or sudo make install",
			   "%s is %s", UNIT, u.load);
	} else if (strcmp(u.active, "active") == 0 || strcmp(u.active, "reloading") == 0) {
		doctor_add(d, DOCTOR_OK, "service", NULL, "%s is %s (%s)", UNIT, u.active, u.sub);
		if (strcmp(u.file_state, "enabled") != 0)
			doctor_add(d, DOCTOR_NOTE, "service", "sudo systemctl enable joystickd",
				   "%s is %s: it does not start at boot", UNIT, u.file_state);
	} else if (strcmp(u.active, "activating") == 0) {
		doctor_add(d, DOCTOR_NOTE, "service", NULL, "%s is starting (%s)", UNIT, u.sub);
	} else if (strcmp(u.active, "failed") == 0) {
		d->service_down = true;
		doctor_add(d, DOCTOR_FAIL, "service", exit_fix(u.exec_status),
			   "%s failed (%s, exit status %d)", UNIT, u.result, u.exec_status);
	} else {
		d->service_down = true;
		doctor_add(d, DOCTOR_FAIL, "service", "sudo systemctl start joystickd",
			   "%s is %s (%s): no stick exists", UNIT, u.active, u.sub);
	}
	free(u.load);
	free(u.active);
	free(u.sub);
	free(u.result);
	free(u.file_state);
	sd_bus_flush_close_unref(bus);
}

/* ctl_connect() with a timeout: a daemon that does not accept is not waited for. */
static int connect_timeout(const char *path, struct ctl_conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { DOCTOR_TIMEOUT_MS / 1000, DOCTOR_TIMEOUT_MS % 1000 * 1000 };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A Unix socket connects at once or says EAGAIN (backlog full): never waits. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fcntl(fd, F_SETFL, 0) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		int r = errno == EAGAIN ? -ETIMEDOUT : -errno;

		close(fd);
		return r;
	}
	c->fd = fd;
	c->len = 0;
	return 0;
}

/* "key: value" of the status payload into @buf; false when absent. */
static bool status_field(const char *payload, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *l = payload; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ':' && l[klen + 1] == ' ') {
			snprintf(buf, size, "%.*s", (int)strcspn(l + klen + 2, "\n"), l + klen + 2);
			return true;
		}
	}
	return false;
}

static void parse_status(struct doctor_daemon *dd, const char *payload)
{
	char buf[64];

	dd->active = status_field(payload, "active", buf, sizeof(buf)) && strcmp(buf, "yes") == 0;
	status_field(payload, "backend", dd->backend, sizeof(dd->backend));
	status_field(payload, "config", dd->config, sizeof(dd->config));
	if (status_field(payload, "stick", dd->stick, sizeof(dd->stick)) && strcmp(dd->stick, "-") == 0)
		dd->stick[0] = '\0';
	if (status_field(payload, "mice captured", buf, sizeof(buf)))
		dd->mice_captured = (unsigned int)strtoul(buf, NULL, 10);
}

void doctor_check_daemon(struct doctor *d)
{
	struct doctor_daemon *dd = &d->daemon;
	struct ctl_conn *c = malloc(sizeof(*c));
	char *payload = NULL;
	int r;

	if (!c)
		abort();
	r = connect_timeout(d->socket_path, c);
	if (r == -EACCES || r == -EPERM) {
		doctor_add(d, DOCTOR_NOTE, "daemon",
			   "run sudo joystickctl doctor, or join the group: sudo adduser $USER joystickd (and log in again)",
			   "uid %u may not ask joystickd (%s: root or group '%s'): capture, backend and grabbed mice are not checked",
			   (unsigned int)getuid(), d->socket_path, CONTROL_GROUP);
		free(c);
		return;
	}
	if (r == 0) {
		r = ctl_request(c, "status", &payload);
		if (r == 0) {
			parse_status(dd, payload);
			dd->asked = true;
			free(payload);
			r = ctl_request(c, "devices", &payload);
			if (r == 0)
				dd->devices = payload;
			else if (r == -EREMOTEIO)
				free(payload);
			r = 0;
		} else if (r == -EREMOTEIO) {
			free(payload);
		}
		ctl_close(c);
	}
	free(c);
	if (!dd->asked) {
		/* The service line already failed if systemd knows it is down. */
		doctor_add(d, d->service_down ? DOCTOR_NOTE : DOCTOR_FAIL, "daemon",
			   d->service_down ? NULL : "sudo systemctl restart joystickd",
			   "joystickd does not answer at %s: %s", d->socket_path,
			   r == -ETIMEDOUT || r == -EAGAIN ? "no answer within 5 s" : strerror(-r));
		return;
	}
	doctor_add(d, DOCTOR_OK, "daemon", NULL, "joystickd answers: backend %s, stick %s",
		   dd->backend, dd->stick[0] ? dd->stick : "(none)");
}

static const char *key_name(uint16_t code, char *buf, size_t size)
{
	const char *n = codes_name(EV_KEY, code);

	if (n)
		return n;
	snprintf(buf, size, "key %u", code);
	return buf;
}

/* The capture: on or off, and whether any mouse is captured. */
static void check_capture(struct doctor *d)
{
	const struct doctor_daemon *dd = &d->daemon;
	char buf[24], fix[160];

	if (!dd->asked)
		return;
	if (!dd->mice_captured) {
		doctor_add(d, DOCTOR_WARN, "capture",
			   "joystickctl devices lists the mice; set mice in [capture] of the configuration to all or to [mouse] sections that match",
			   "no mouse is captured: nothing moves the stick");
	} else if (dd->active) {
		doctor_add(d, DOCTOR_OK, "capture", NULL, "capture is on: %u mouse/mice fly the stick",
			   dd->mice_captured);
	} else {
		if (d->cfg && d->cfg->capture.toggle_key)
			snprintf(fix, sizeof(fix), "press %s (toggle_key), or joystickctl toggle",
				 key_name(d->cfg->capture.toggle_key, buf, sizeof(buf)));
		else
			snprintf(fix, sizeof(fix), "joystickctl toggle");
		doctor_add(d, DOCTOR_NOTE, "capture", fix,
			   "capture is off: the stick holds still and the mouse moves the desktop");
	}
}

void doctor_check_config(struct doctor *d)
{
	struct jsd_error err;
	char line[600];

	if (!d->config_path)
		d->config_path = d->daemon.config[0] ? d->daemon.config : DEFAULT_CONFIG;
	if (jsd_config_load(d->config_path, &d->cfg, &err) < 0) {
		doctor_add(d, DOCTOR_FAIL, "config", err.line || strncmp(err.message, "cannot ", 7) != 0 ?
			   "fix what the line says (joystickctl check-config FILE checks it), then sudo systemctl reload joystickd" :
			   "reinstall the joystickd package (or copy config/joystickd.ini there), or name the file: joystickctl doctor -c FILE",
			   "%s", jsd_error_format(&err, line, sizeof(line)));
	} else {
		doctor_add(d, DOCTOR_OK, "config", NULL,
			   "%s loads: stick with %u axes and %u buttons", d->config_path,
			   d->cfg->stick.n_axes, d->cfg->stick.n_buttons);
		for (unsigned int i = 0; i < d->cfg->n_warnings; i++)
			doctor_add(d, DOCTOR_WARN, "config", "joystickd.ini(5), GAMES AND THE STICK'S SHAPE",
				   "%s", jsd_warning_format(d->cfg, &d->cfg->warnings[i], line,
							    sizeof(line)));
	}
	check_capture(d);
}
