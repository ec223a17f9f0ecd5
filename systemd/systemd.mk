# systemd and udev integration (systemd/), and the full-systemd end-to-end
# test (tests/e2e/): `make systemd-test` installs the .debs from `make deb`
# in a QEMU guest that boots this machine's root file system with systemd;
# `make demo` shows the daemon flying in that guest.

E2E_OUT		:= $(BUILD)/e2e

.PHONY: systemd-units systemd-test systemd-test-matrix systemd-security demo
all: systemd-units
systemd-units: $(BUILD)/systemd/joystickd.service

# Checked on every run, since SBINDIR may differ from the last one; the file
# changes only when its text does.
$(BUILD)/systemd/joystickd.service: systemd/joystickd.service.in FORCE
	@mkdir -p $(@D)
	@sed -e 's#@SBINDIR@#$(SBINDIR)#g' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; echo "  GEN     $@"; fi

.PHONY: FORCE
FORCE:

# The unit's exposure, without booting anything (the e2e test prints the
# figure a running systemd gives).
systemd-security: $(BUILD)/systemd/joystickd.service
	systemd-analyze security --offline=true --threshold=20 $<

# The guest's hands: a uinput mouse and keyboard, and a reader of the stick.
$(BUILD)/e2e/e2e-input: tests/e2e/e2e-input.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) -o $@ $< -lm

# The guest boots the Debian kernel VM_KVER selects (6.1 by default, 6.12,
# 6.12-rt: tests/vm/kernel.sh), unpacked into the VM tests' cache
# (VM_CACHE, tests/vm/vm.mk).  It has the headers of every kernel of
# `deps.sh kernels` (6.1 and 6.12 at least), and DKMS must build for each.
systemd-test: deb $(BUILD)/e2e/e2e-input
	@$(DEPS) vm deb e2e kernels
	VM_KVER=$(VM_KVER) tests/e2e/run.sh $(E2E_OUT)/$(VM_KVER) $(DEB_OUT) $(VM_CACHE)

# The test on every kernel of VM_DAEMON_KERNELS, one package build.
systemd-test-matrix: deb $(BUILD)/e2e/e2e-input
	@$(DEPS) vm deb e2e kernels
	@$(VM_DIR)/matrix.sh $(BUILD)/matrix/systemd-test \
		$(foreach k,$(VM_DAEMON_KERNELS),"systemd-test@$(k)=VM_KVER=$(k) tests/e2e/run.sh $(E2E_OUT)/$(k) $(DEB_OUT) $(VM_CACHE)")

# The same guest, without packages: joystickd from the tree flies a scripted
# virtual mouse while `joystickctl monitor` draws the stick on this terminal.
demo: $(BUILD)/e2e/e2e-input
	@$(DEPS) build vm e2e
	$(MAKE) --no-print-directory all
	$(MAKE) -C kfilter KDIR=/lib/modules/$$(tests/vm/kernel.sh version $(VM_KVER))/build
	VM_KVER=$(VM_KVER) tests/e2e/run.sh --demo $(E2E_OUT)/demo-$(VM_KVER) $(VM_CACHE)
