# systemd and udev integration (systemd/), and the full-systemd end-to-end
# test (tests/e2e/): `make systemd-test` installs the .debs from `make deb`
# in a QEMU guest that boots this machine's root file system with systemd;
# `make demo` shows the daemon flying in that guest.

E2E_OUT		:= $(BUILD)/e2e

.PHONY: systemd-units systemd-test systemd-security demo
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

# The guest boots the Debian kernel that tests/vm unpacks into its cache
# (VM_CACHE, tests/vm/vm.mk); run.sh picks the release of the headers.
systemd-test: deb $(BUILD)/e2e/e2e-input
	@$(DEPS) vm deb e2e
	tests/e2e/run.sh $(E2E_OUT) $(DEB_OUT) $(VM_CACHE)

# The same guest, without packages: joystickd from the tree flies a scripted
# virtual mouse while `joystickctl monitor` draws the stick on this terminal.
demo: $(BUILD)/e2e/e2e-input
	@$(DEPS) build vm e2e
	$(MAKE) --no-print-directory all
	$(MAKE) -C kfilter KDIR=/lib/modules/$$(tests/vm/kernel.sh version)/build
	tests/e2e/run.sh --demo $(E2E_OUT)/demo $(VM_CACHE)
