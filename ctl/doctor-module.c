// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Doctor's check of the kernel filter: loaded, or why not.  Without it
 * the daemon flies with its evdev backend (capture_backend = auto), so a
 * module that was never installed is a note; one installed but not loaded
 * (refused by Secure Boot, not built for this kernel) is a warning; with
 * capture_backend = kfilter it is a failure, as the daemon cannot run.
 *
 * How to tell Secure Boot refused it: the module exists for this kernel
 * (modules.dep names it) but is not in /sys/module, and the firmware's
 * SecureBoot variable is 1 (or the kernel is locked down, which Debian's
 * kernels do under Secure Boot): such a kernel loads only modules signed
 * by a key it trusts, and DKMS's key must be enrolled as a MOK first.
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "doctor.h"
#include "engine/config.h"

#define MODULE		"joystickd_kfilter"
#define SECUREBOOT_VAR	"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
/* kfilter/README.md, Kernels: the range DKMS builds for. */
#define KERNEL_MIN	"6.1"
#define KERNEL_MAX	"7.2"

/* Whether modules.dep of kernel @release names the module. */
static bool installed_for(const char *release)
{
	char path[300], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *slash;

		if (!colon)
			continue;
		*colon = '\0';
		slash = strrchr(line, '/');
		found = strncmp(slash ? slash + 1 : line, MODULE ".ko", strlen(MODULE ".ko")) == 0;
	}
	fclose(f);
	return found;
}

/* The other kernels it is installed for, as "a, b", into @buf; false if none. */
static bool installed_elsewhere(const char *release, char *buf, size_t size)
{
	glob_t g;
	size_t len = 0;

	buf[0] = '\0';
	if (glob("/lib/modules/*/modules.dep", 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char rel[256];

		if (sscanf(g.gl_pathv[i], "/lib/modules/%255[^/]/", rel) != 1 ||
		    strcmp(rel, release) == 0 || !installed_for(rel))
			continue;
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? ", " : "", rel);
	}
	globfree(&g);
	return len > 0;
}

static bool secure_boot(void)
{
	unsigned char v[5];
	char lockdown[128] = "";
	FILE *f = fopen(SECUREBOOT_VAR, "re");
	bool on = false;

	if (f) {
		/* 4 bytes of attributes, then the value. */
		on = fread(v, 1, sizeof(v), f) == sizeof(v) && v[4] == 1;
		fclose(f);
	}
	f = fopen("/sys/kernel/security/lockdown", "re");
	if (f) {
		if (!fgets(lockdown, sizeof(lockdown), f))
			lockdown[0] = '\0';
		fclose(f);
	}
	return on || strstr(lockdown, "[integrity]") || strstr(lockdown, "[confidentiality]");
}

/* major.minor of @release within KERNEL_MIN ... KERNEL_MAX. */
static bool in_range(const char *release)
{
	unsigned int major, minor;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return true;
	return (major > 6 || (major == 6 && minor >= 1)) && (major < 7 || (major == 7 && minor <= 2));
}

void doctor_check_module(struct doctor *d)
{
	bool need = d->cfg && d->cfg->capture.backend == JSD_BACKEND_KFILTER;
	enum doctor_level level = need ? DOCTOR_FAIL : DOCTOR_WARN;
	const char *restart = need ? "sudo systemctl restart joystickd" :
		"sudo systemctl restart joystickd (meanwhile the evdev backend flies)";
	char others[512], fix[700];
	struct utsname u;

	uname(&u);
	if (access("/sys/module/" MODULE, F_OK) == 0) {
		doctor_add(d, DOCTOR_OK, "module", NULL, MODULE " is loaded");
		if (d->daemon.asked && strcmp(d->daemon.backend, "kfilter") != 0)
			doctor_add(d, DOCTOR_NOTE, "module", "capture_backend = auto or kfilter in [capture], then sudo systemctl restart joystickd",
				   "the daemon runs the %s backend although the module is loaded",
				   d->daemon.backend);
		return;
	}
	if (installed_for(u.release) && secure_boot()) {
		snprintf(fix, sizeof(fix),
			 "enrol DKMS's key: sudo mokutil --import /var/lib/dkms/mok.pub, reboot, choose Enroll MOK; then sudo modprobe " MODULE " and %s",
			 restart);
		doctor_add(d, level, "module", fix,
			   MODULE " is installed for %s but not loaded: Secure Boot is on, and the kernel loads only modules signed by a key it trusts",
			   u.release);
	} else if (installed_for(u.release)) {
		snprintf(fix, sizeof(fix), "sudo modprobe " MODULE " (its error says why), then %s",
			 restart);
		doctor_add(d, level, "module", fix, MODULE " is installed for %s but not loaded",
			   u.release);
	} else if (!in_range(u.release)) {
		doctor_add(d, need ? DOCTOR_FAIL : DOCTOR_NOTE, "module",
			   need ? "capture_backend = auto in [capture]: the evdev backend needs no module" : NULL,
			   "kernel %s is outside the module's range (" KERNEL_MIN " to " KERNEL_MAX "): the evdev backend flies",
			   u.release);
	} else if (installed_elsewhere(u.release, others, sizeof(others)) ||
		   access("/var/lib/dkms/joystickd", F_OK) == 0) {
		snprintf(fix, sizeof(fix),
			 "sudo apt install linux-headers-%s && sudo dkms autoinstall, then %s",
			 u.release, restart);
		doctor_add(d, level, "module", fix,
			   MODULE " is not built for the running kernel %s%s%s%s", u.release,
			   others[0] ? " (only for " : "", others, others[0] ? ")" : "");
	} else {
		doctor_add(d, need ? DOCTOR_FAIL : DOCTOR_NOTE, "module",
			   "sudo apt install ./joystickd-dkms_*.deb (README: Installing for good) for the kernel filter",
			   MODULE " is not installed: the evdev backend flies");
	}
}
