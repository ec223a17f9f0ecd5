// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The debug kernel tier's last program: a kmemleak scan after the whole
 * module suite.  Any unreferenced object is a failure; its report is shown.
 *
 * kmemleak only reports objects older than 5 s, and one scan can miss a
 * pointer that moved during it, so it waits, then scans twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmtest.h"

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static int kmemleak_command(const char *cmd)
{
	int fd = open(KMEMLEAK, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, cmd, strlen(cmd));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int test_kmemleak_scan(void)
{
	char line[256];
	unsigned int leaks = 0, shown = 0;
	FILE *f;

	sleep_ms(6000);
	CHECK_OK(kmemleak_command("scan"));
	CHECK_OK(kmemleak_command("scan"));

	f = fopen(KMEMLEAK, "re");
	CHECK(f, "%s: %s", KMEMLEAK, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "unreferenced object", 19) == 0)
			leaks++;
		if (leaks && shown < 40) {
			vmt_info("kmemleak: %s", line);
			shown++;
		}
	}
	fclose(f);
	CHECK_EQ(leaks, 0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct vmt_case cases[] = {
		{ "kmemleak-scan", test_kmemleak_scan, 120 },
	};

	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
