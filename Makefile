# joystickd — fly a flight simulator with a mouse on Linux.
#
#   sudo make run     install build dependencies, build, load the module and run
#                     joystickd in the foreground with config/joystickd.ini
#   make check        every test (installs its own dependencies when root)
#
# Each part of the tree brings its own rules in a fragment included below;
# this file only names the top-level targets and the shared settings.

PREFIX		?= /usr/local
SYSCONFDIR	?= /etc
DESTDIR		?=
BUILD		:= build
KVER		?= $(shell uname -r)

CC		?= cc
CFLAGS		?= -O2 -g
WARNINGS	:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
		   -Wformat=2 -Werror=format-security -Wno-unused-parameter
JSD_CFLAGS	:= -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Ikfilter -Idaemon \
		   -DSYSCONFDIR='"$(SYSCONFDIR)"'
DEPS		:= tools/deps.sh
# joystickd and the engine are optimised across files, as systemd is
# (b_lto): the batch path crosses a dozen small functions in as many
# files, and inlined it runs 18 % fewer instructions and 57 % fewer
# calls per input frame (make bench-ipe).  Fat objects: joystickctl, the
# unit tests and the fuzzers link the same objects without it.
LTO_CFLAGS	:= -flto=auto -ffat-lto-objects

.PHONY: all module check deps clean
all:

include daemon/engine/engine.mk
include daemon/daemon.mk
include tests/unit/unit.mk
include tests/vm/vm.mk
include tests/vm/daemon/daemon.mk
include systemd/systemd.mk
include debian/deb.mk
include tests/fuzz/fuzz.mk
include tests/debug-kernel/debug-kernel.mk
include bench/bench.mk
include mk/install.mk

module:
	$(MAKE) -C kfilter

# The README's test command: everything, in order from fastest to slowest,
# on every kernel of the matrix (VM_KERNELS: the module's suite;
# VM_DAEMON_KERNELS: the daemon's suite and the systemd test; tests/vm/vm.mk).
# Its packages are checked first, all at once, so that a user who is not
# root is shown one apt-get command for everything.
# Each tier is timed (mk/stages.sh prints the table).
CHECK_STAGES	:= check-deps uapi-check lint unit fuzz vmtest-matrix deb systemd-test-matrix
check:
	@mk/stages.sh $(CHECK_STAGES)
	@if [ "$$(id -u)" = 0 ]; then \
		echo "make check: every tier ran and passed (module: $(VM_KERNELS); daemon and systemd: $(VM_DAEMON_KERNELS))"; \
	else \
		echo "make check: the tiers that ran passed; systemd-test was SKIPPED: it needs root"; \
	fi

.PHONY: check-deps
check-deps:
	@$(DEPS) build kmod unit lint fuzz vm deb e2e kernels

# The module stays checkpatch-clean, and sparse-clean on every kernel of
# the VM matrix; a checker that cannot run fails (mk/lint.sh).
.PHONY: lint
lint:
	@$(DEPS) lint kmod kernels
	@mk/lint.sh $(foreach k,$(VM_KERNELS),$$($(VM_DIR)/kernel.sh version $(k)))

.PHONY: uapi-check
uapi-check:
	@$(DEPS) build unit
	@for std in c89 c99; do for m in -m32 -m64; do \
		$(CC) -std=$$std -pedantic -Werror -Wall -Wextra $$m -Ikfilter \
			-fsyntax-only tests/uapi-compile.c || exit 1; \
	done; done
	@echo "uapi-check: joystickd_kfilter.h compiles alone with -std=c89 and -std=c99 -pedantic, -m32 and -m64"

clean:
	rm -rf $(BUILD)
	$(MAKE) -C kfilter clean
