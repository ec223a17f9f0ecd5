// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsd-nop: the churn's process in make bench-games: it starts and ends at
 * once (no libc: an exec and an exit), so that the guest can start 500 of
 * them a second under emulation.  x86-64 only, as the bench's VM.
 */
void _start(void);

void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	for (;;)
		;
}
