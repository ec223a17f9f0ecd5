# make check-debug-kernel: the module VM suite on a 6.1 kernel built from
# linux-source-6.1 with KASAN, lockdep, atomic-sleep checks, kmemleak,
# UBSAN and list debugging (tests/debug-kernel/config.fragment), then a
# kmemleak scan.  Any report from those checkers fails the run (vmrun.sh's
# kernel log check).  The kernel is cached outside the clone by build.sh.

DEBUGK_OUT	:= $(BUILD)/debug-kernel
DEBUGK_KO	:= $(DEBUGK_OUT)/module/joystickd_kfilter.ko
# The bad-input test and the overflow soak at the scale of the hardening
# issue.
DEBUGK_IOCTL_CALLS ?= 1000000
DEBUGK_RELOADS	?= 200
DEBUGK_SOAK_SECONDS ?= 30
# badinput's cases may take up to 3 x 900 s at that scale (badinput.c):
# its program limit must hold them, and the boot every program.
DEBUGK_PROGRAM_LIMIT ?= 3100
DEBUGK_LIMIT	?= 5400
DEBUGK_ENV	:= VMTEST_IOCTL_CALLS=$(DEBUGK_IOCTL_CALLS) VMTEST_RELOADS=$(DEBUGK_RELOADS) \
		   VMTEST_SOAK_SECONDS=$(DEBUGK_SOAK_SECONDS)

.PHONY: check-debug-kernel
check-debug-kernel:
	@$(DEPS) debugk vm
	@dir=$$(tests/debug-kernel/build.sh) || exit 1; \
	rm -rf $(DEBUGK_OUT)/module && mkdir -p $(DEBUGK_OUT)/module $(DEBUGK_OUT)/bin && \
	cp kfilter/Kbuild kfilter/Makefile kfilter/*.c kfilter/*.h $(DEBUGK_OUT)/module/ && \
	$(MAKE) --no-print-directory -s -C $(DEBUGK_OUT)/module KDIR=$$dir/linux-source-6.1 && \
	$(CC) $(VM_CFLAGS) -o $(DEBUGK_OUT)/bin/kmemleak tests/debug-kernel/kmemleak.c \
		$(VM_DIR)/lib/vmtest.c && \
	$(MAKE) --no-print-directory vm-run VM_OUT=$(DEBUGK_OUT) \
		VM_IMAGE=$$dir/bzImage VM_KDIR=$$dir/linux-source-6.1 VM_KMOD_DIR= \
		VM_KMODS= VM_KO=$(DEBUGK_KO) VM_TESTS="$(VM_TESTS) kmemleak" \
		VM_ENV="$(DEBUGK_ENV)" VM_PROGRAM_LIMIT=$(DEBUGK_PROGRAM_LIMIT) \
		VM_LIMIT=$(DEBUGK_LIMIT)
