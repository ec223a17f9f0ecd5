# make vmtest: joystickd_kfilter under Debian's kernels in QEMU (TCG).
# How it works, how to add a suite and how to debug: tests/vm/README.md.
#
#   make vmtest                          the kfilter and daemon suites on
#                                        Debian 12's default kernel (6.1)
#   make vmtest VM_KVER=6.12-rt          ... on another kernel: 6.1, 6.12,
#                                        6.12-rt or an installed release
#   make vmtest-matrix                   the kfilter suite on every kernel of
#                                        VM_KERNELS, the daemon suite on
#                                        every kernel of VM_DAEMON_KERNELS
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

# The kernel selector (tests/vm/kernel.sh) and the release it names,
# evaluated only when a VM target runs, after deps.sh has installed the
# headers.  The matrix the README's test command runs:
VM_KVER		?= 6.1
VM_KERNELS	?= 6.1 6.12 6.12-rt
VM_DAEMON_KERNELS ?= 6.1 6.12
VM_KREL		?= $(shell $(VM_DIR)/kernel.sh version $(VM_KVER))
VM_KDIR		?= /lib/modules/$(VM_KREL)/build
VM_KMOD_DIR	?= $(VM_CACHE)/$(VM_KREL)
VM_IMAGE	?= $(VM_KMOD_DIR)/vmlinuz
VM_HEADERS	= $(shell $(VM_DIR)/kernel.sh package $(VM_KVER))

# The kfilter suite, in run order (badinput reloads the module: last).
VM_TESTS	?= abi read output swallow hardening open concurrency overflow soak hotplug badinput
VM_CASES	?=
# NAME=VALUE pairs for the test programs (e.g. VMTEST_IOCTL_CALLS=1000000).
VM_ENV		?=
VM_APPEND	?=
VM_MEM		?= 512
# Seconds for the whole boot (vmrun.sh -W) and for each program
# (mkinitramfs.sh -T); a case gets at most what its program has left, a
# program at most what the boot has left (tests/vm/init.sh).
VM_LIMIT	?= 600
VM_PROGRAM_LIMIT ?= 300
VM_RUN_DIR	?= $(VM_OUT)/$(VM_KVER)/kfilter
VM_KMODS	:= evdev uinput joydev uhid hid-generic
# The module under test, built warning-free for VM_KREL from a copy of
# kfilter/ (so that builds for other kernels never mix); another path is
# taken as built (e.g. against a debug kernel's tree).
VM_KO_ROOT	:= $(VM_OUT)/ko
VM_KO		?= $(VM_KO_ROOT)/$(VM_KREL)/joystickd_kfilter.ko
VM_KSRC		:= kfilter/Kbuild $(wildcard kfilter/*.h) \
		   $(filter-out %.mod.c,$(wildcard kfilter/*.c))
VM_GUEST_KO	:= /lib/modules/extra/joystickd_kfilter.ko

VM_BINS		:= $(patsubst $(VM_DIR)/kfilter/%.c,$(VM_OUT)/bin/%,$(wildcard $(VM_DIR)/kfilter/*.c))

.PHONY: vmtest vm-run vm-programs vm-module vm-clean vmtest-matrix

vmtest:
	@$(DEPS) vm pkg:$(VM_HEADERS)
	@$(MAKE) --no-print-directory vm-run

# Every kernel is run, whatever an earlier one gave; then the summary.
vmtest-matrix:
	@$(DEPS) vm kernels
	@$(VM_DIR)/matrix.sh $(BUILD)/matrix/vmtest \
		$(foreach k,$(VM_KERNELS),"kfilter@$(k)=$(MAKE) --no-print-directory vm-run VM_KVER=$(k)") \
		$(foreach k,$(VM_DAEMON_KERNELS),"daemon@$(k)=$(MAKE) --no-print-directory vm-run-daemon VM_KVER=$(k)") \
		$(foreach k,$(VM_DAEMON_KERNELS),"daemon-evdev@$(k)=$(MAKE) --no-print-directory vm-run-daemon-evdev VM_KVER=$(k)")

# KCFLAGS=-Werror and no "warning:" from modpost: warning-free on every
# kernel we test.
$(VM_KO_ROOT)/%/joystickd_kfilter.ko: $(VM_KSRC)
	@rm -rf $(@D) && mkdir -p $(@D)
	@cp $(VM_KSRC) $(@D)/
	@echo "  KMOD    $@"
	@$(MAKE) --no-print-directory -C /lib/modules/$*/build M=$(abspath $(@D)) \
		KCFLAGS=-Werror modules >$(@D)/build.log 2>&1 || \
		{ cat $(@D)/build.log; rm -f $@; exit 1; }
	@if grep -i 'warning' $(@D)/build.log; then rm -f $@; exit 1; fi

vm-module:
ifneq ($(filter $(VM_KO_ROOT)/%,$(VM_KO)),)
	@$(MAKE) --no-print-directory $(VM_KO)
endif

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

vm-run: vm-programs vm-module
	@if [ -n "$(VM_KMOD_DIR)" ]; then \
		$(VM_DIR)/kernel.sh fetch $(VM_KREL) $(VM_KMOD_DIR) || exit 1; \
	fi
	@echo "vmtest: booting $(VM_IMAGE) (console log: $(VM_RUN_DIR)/console.log)"
	@$(VM_DIR)/vmrun.sh -d $(VM_RUN_DIR) -K $(VM_IMAGE) -A "$(VM_APPEND)" -m $(VM_MEM) \
		-W $(VM_LIMIT) -c -- -T $(VM_PROGRAM_LIMIT) \
		$(if $(VM_KMOD_DIR),-k $(VM_KMOD_DIR) -r $(VM_KREL)) \
		$(addprefix -m ,$(VM_KMODS)) -M $(VM_KO) \
		$(addprefix -t $(VM_OUT)/bin/,$(VM_TESTS)) $(addprefix -b ,$(VM_BINS32)) \
		-e VMTEST_KFILTER_KO=$(VM_GUEST_KO) -e "VMTEST_CASES=$(VM_CASES)" \
		$(addprefix -e ,$(VM_ENV))

vm-clean:
	rm -rf $(VM_OUT)/bin $(VM_OUT)/ko $(VM_OUT)/6.*
