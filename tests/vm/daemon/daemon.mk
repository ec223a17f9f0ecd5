# make vmtest-daemon: joystickd and joystickctl against the real module,
# in their own QEMU boot (tests/vm/daemon/README.md).  Part of `make vmtest`.
# Uses the harness's settings from tests/vm/vm.mk (VM_*, and VM_KVER= to
# choose the kernel), so include it after.

VMD_DIR		:= $(VM_DIR)/daemon
VMD_OUT		?= $(VM_OUT)/$(VM_KVER)/daemon
VMD_PROG	:= $(VM_OUT)/bin/vmt-daemon
VMD_SRCS	:= $(VMD_DIR)/vmt-daemon.c $(VMD_DIR)/dtest.c $(VMD_DIR)/vmt-shape.c \
		   $(VMD_DIR)/vmt-evdev.c $(VMD_DIR)/vmt-live.c
# Issue 19's hold-to-look and game-following checks, a program of their own
VMC_PROG	:= $(VM_OUT)/bin/vmt-cockpit
# The programs a run boots with (VMD_PROGS=... runs some alone)
VMD_PROGS	:= $(VMD_PROG) $(VMC_PROG)
VMD_BINS	:= $(BUILD)/joystickd $(BUILD)/joystickctl $(BUILD)/joystickd-asan
# LD_PRELOADed into one daemon run to fail an ioctl at a chosen step (fault-ioctl.c)
VMD_FAULT	:= $(VM_OUT)/lib/jsd-fault-ioctl.so
# LD_PRELOADed into the evdev backend's checks: a race or a fault at a chosen step (evdev-hooks.c)
VMD_HOOKS	:= $(VM_OUT)/lib/jsd-evdev-hooks.so
VMD_FILES	:= $(VMD_DIR)/test.ini:/etc/jsd-test/test.ini \
		   $(VMD_DIR)/mice.ini:/etc/jsd-test/mice.ini \
		   $(VMD_DIR)/bad.ini:/etc/jsd-test/bad.ini \
		   $(VMD_DIR)/look.ini:/etc/jsd-test/look.ini \
		   $(VMD_DIR)/games.ini:/etc/jsd-test/games.ini \
		   config/joystickd.ini:/etc/jsd-test/joystickd.ini \
		   $(VMD_FAULT):/usr/lib/jsd-fault-ioctl.so \
		   $(VMD_HOOKS):/usr/lib/jsd-evdev-hooks.so

.PHONY: vmtest-daemon vm-run-daemon
vmtest: vmtest-daemon

vmtest-daemon:
	@$(DEPS) build vm pkg:$(VM_HEADERS)
	@$(MAKE) --no-print-directory vm-run-daemon

$(VMD_PROG): $(VMD_SRCS) $(VMD_DIR)/dtest.h $(VMD_DIR)/vmt-shape.h $(VMD_DIR)/vmt-evdev.h \
		$(VMD_DIR)/vmt-live.h $(VM_DIR)/lib/kmodule.h kfilter/joystickd_kfilter.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Ikfilter -I$(VM_DIR)/lib -pthread -static -o $@ $(VMD_SRCS) -lm

$(VMC_PROG): $(VMD_DIR)/vmt-cockpit.c $(VMD_DIR)/dtest.c $(VMD_DIR)/dtest.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Ikfilter -I$(VM_DIR)/lib -pthread -static -o $@ \
		$(VMD_DIR)/vmt-cockpit.c $(VMD_DIR)/dtest.c -lm

$(VMD_FAULT): $(VMD_DIR)/fault-ioctl.c kfilter/joystickd_kfilter.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=gnu11 $(WARNINGS) -Ikfilter -shared -fPIC -o $@ $< -ldl

$(VMD_HOOKS): $(VMD_DIR)/evdev-hooks.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=gnu11 $(WARNINGS) -shared -fPIC -o $@ $< -ldl

vm-run-daemon: $(VMD_PROGS) $(VMD_BINS) $(VMD_FAULT) $(VMD_HOOKS) vm-module
	@if [ -n "$(VM_KMOD_DIR)" ]; then \
		$(VM_DIR)/kernel.sh fetch $(VM_KREL) $(VM_KMOD_DIR) || exit 1; \
	fi
	@echo "vmtest-daemon: booting $(VM_IMAGE) (console log: $(VMD_OUT)/console.log)"
	@$(VM_DIR)/vmrun.sh -d $(VMD_OUT) -K $(VM_IMAGE) -c -- \
		$(if $(VM_KMOD_DIR),-k $(VM_KMOD_DIR) -r $(VM_KREL)) \
		$(addprefix -m ,$(VM_KMODS)) -M $(VM_KO) \
		$(addprefix -t ,$(VMD_PROGS)) $(addprefix -b ,$(VMD_BINS)) -b $$(command -v udevadm) \
		$(addprefix -f ,$(VMD_FILES)) $(if $(VMT_VERBOSE),-e VMT_VERBOSE=1)

# The same suite with the module absent (VMT_BACKEND=evdev): joystickd
# chooses its evdev backend, and the device and mapping checks run
# against it (vmt-daemon.c, main_evdev()).  Part of `make vmtest`.
.PHONY: vmtest-daemon-evdev vm-run-daemon-evdev
vmtest: vmtest-daemon-evdev

vmtest-daemon-evdev:
	@$(DEPS) build vm pkg:$(VM_HEADERS)
	@$(MAKE) --no-print-directory vm-run-daemon-evdev

vm-run-daemon-evdev: $(VMD_PROGS) $(VMD_BINS) $(VMD_FAULT) $(VMD_HOOKS)
	@if [ -n "$(VM_KMOD_DIR)" ]; then \
		$(VM_DIR)/kernel.sh fetch $(VM_KREL) $(VM_KMOD_DIR) || exit 1; \
	fi
	@echo "vmtest-daemon-evdev: booting $(VM_IMAGE) without the module (console log: $(VMD_OUT)-evdev/console.log)"
	@$(VM_DIR)/vmrun.sh -d $(VMD_OUT)-evdev -K $(VM_IMAGE) -c -- \
		$(if $(VM_KMOD_DIR),-k $(VM_KMOD_DIR) -r $(VM_KREL)) \
		$(addprefix -m ,$(VM_KMODS)) \
		$(addprefix -t ,$(VMD_PROGS)) $(addprefix -b ,$(VMD_BINS)) -b $$(command -v udevadm) \
		$(addprefix -f ,$(VMD_FILES)) -e VMT_BACKEND=evdev $(if $(VMT_VERBOSE),-e VMT_VERBOSE=1)
