/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For jsd-engine-ipe: libevdev's uinput calls, stood in for, so that the
 * daemon's stick code (daemon/stick.c) runs unchanged without creating a
 * device.  Linked before libevdev, these definitions win; the stick's
 * write()s go to /dev/null.
 */
#ifndef JSD_BENCH_IPE_UINPUT_H
#define JSD_BENCH_IPE_UINPUT_H

/* Times the stick asked for the device's fd: stick.c does so for each write(). */
unsigned long ipe_uinput_writes(void);

#endif
