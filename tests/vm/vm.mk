# make vmtest: joystickd_kfilter under Debian's 6.1 kernel in QEMU (TCG).
# How it works, how to add a suite and how to debug: tests/vm/README.md.
#
#   make vmtest                          the whole kfilter suite
#   make vm-run VM_TESTS="read abi"      only these programs (tests/vm/kfilter/*.c),
#                                        without the deps check
#   make vm-run VM_CASES="cancel"        only these cases of them
#   make vm-run VM_APPEND=loglevel=7     the whole kernel log on the console, live
#   make vm-run VM_IMAGE=bzImage VM_KMOD_DIR= VM_KO=/path/joystickd_kfilter.ko
#                                        another kernel (evdev/uinput built in)
#                                        and a module built for it
#   make check-debug-kernel              this suite on a lockdep/KASAN/kmemleak
#                                        kernel (tests/debug-kernel/debug-kernel.mk)

VM_DIR		:= tests/vm
VM_OUT		:= $(VM_DIR)/out
VM_CACHE	?= $(VM_OUT)/kernel
VM_CFLAGS	:= $(CFLAGS) $(JSD_CFLAGS) -I$(VM_DIR)/lib -pthread -static
VM_LIB		:= $(VM_DIR)/lib/vmtest.c $(VM_DIR)/lib/vmtest.h $(VM_DIR)/lib/kmodule.h kfilter/joystickd_kfilter.h

# The kernel: the release of the installed headers, evaluated only by
# vm-run, after deps.sh has installed them.
VM_KVER		?= $(shell $(VM_DIR)/kernel.sh version)
VM_KDIR		?= /lib/modules/$(VM_KVER)/build
VM_KMOD_DIR	?= $(VM_CACHE)/$(VM_KVER)
VM_IMAGE	?= $(VM_KMOD_DIR)/vmlinuz

# The kfilter suite, in run order (badinput reloads the module: last).
VM_TESTS	?= abi read swallow concurrency overflow soak hotplug badinput
VM_CASES	?=
# NAME=VALUE pairs for the test programs (e.g. VMTEST_IOCTL_CALLS=1000000).
VM_ENV		?=
VM_APPEND	?=
VM_MEM		?= 512
VM_RUN_DIR	?= $(VM_OUT)/kfilter
VM_KMODS	:= evdev uinput joydev
# The module under test; another path skips building kfilter/ (e.g. a copy
# built against a debug kernel's tree).
VM_KO		?= kfilter/joystickd_kfilter.ko
VM_GUEST_KO	:= /lib/modules/extra/joystickd_kfilter.ko

VM_BINS		:= $(patsubst $(VM_DIR)/kfilter/%.c,$(VM_OUT)/bin/%,$(wildcard $(VM_DIR)/kfilter/*.c))

.PHONY: vmtest vm-run vm-programs vm-clean

vmtest:
	@$(DEPS) vm
	@$(MAKE) --no-print-directory vm-run

$(VM_OUT)/bin/%: $(VM_DIR)/kfilter/%.c $(VM_LIB)
	@mkdir -p $(@D)
	$(CC) $(VM_CFLAGS) -o $@ $< $(VM_DIR)/lib/vmtest.c

# 32-bit builds, run by their 64-bit twins: the ABI test compares layouts
# and results, the bad-input test makes part of its calls through compat.
VM_BINS32	:= $(VM_OUT)/bin/abi32 $(VM_OUT)/bin/badinput32

$(VM_OUT)/bin/%32: $(VM_DIR)/kfilter/%.c $(VM_LIB)
	@mkdir -p $(@D)
	$(CC) -m32 $(VM_CFLAGS) -o $@ $< $(VM_DIR)/lib/vmtest.c

vm-programs: $(VM_BINS) $(VM_BINS32)

vm-run: vm-programs
ifeq ($(VM_KO),kfilter/joystickd_kfilter.ko)
	$(MAKE) -C kfilter KDIR=$(VM_KDIR)
endif
	@if [ -n "$(VM_KMOD_DIR)" ]; then \
		$(VM_DIR)/kernel.sh fetch $(VM_KVER) $(VM_KMOD_DIR) || exit 1; \
	fi
	@echo "vmtest: booting $(VM_IMAGE) (console log: $(VM_RUN_DIR)/console.log)"
	@$(VM_DIR)/vmrun.sh -d $(VM_RUN_DIR) -K $(VM_IMAGE) -A "$(VM_APPEND)" -m $(VM_MEM) -- \
		$(if $(VM_KMOD_DIR),-k $(VM_KMOD_DIR) -r $(VM_KVER)) \
		$(addprefix -m ,$(VM_KMODS)) -M $(VM_KO) \
		$(addprefix -t $(VM_OUT)/bin/,$(VM_TESTS)) $(addprefix -b ,$(VM_BINS32)) \
		-e VMTEST_KFILTER_KO=$(VM_GUEST_KO) -e "VMTEST_CASES=$(VM_CASES)" \
		$(addprefix -e ,$(VM_ENV))

vm-clean:
	rm -rf $(VM_OUT)/bin $(VM_OUT)/kfilter
