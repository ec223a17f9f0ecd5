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

# The README's test command: everything, in order from fastest to slowest.
# Its packages are checked first, all at once, so that a user who is not
# root is shown one apt-get command for everything.
check: check-deps uapi-check lint unit fuzz vmtest deb systemd-test
	@echo "make check: all test tiers passed"

.PHONY: check-deps
check-deps:
	@$(DEPS) build kmod unit lint fuzz vm deb e2e

# The module stays checkpatch- and sparse-clean.
.PHONY: lint
lint:
	@$(DEPS) lint kmod
	@$(MAKE) --no-print-directory -C kfilter checkpatch | \
		awk '/^total:/ { print; if ($$2 != 0 || $$4 != 0) bad = 1 } END { exit bad }'
	@out=$$($(MAKE) --no-print-directory -C kfilter sparse 2>&1 | \
		grep -E 'warning|error') ; [ -z "$$out" ] || { echo "$$out"; exit 1; }
	@echo "lint: kfilter is checkpatch-clean and sparse-clean"

.PHONY: uapi-check
uapi-check:
	@$(DEPS) build unit
	@for m in -m32 -m64; do \
		$(CC) -std=c99 -pedantic -Werror -Wall -Wextra $$m -Ikfilter \
			-fsyntax-only tests/uapi-compile.c || exit 1; \
	done
	@echo "uapi-check: joystickd_kfilter.h compiles alone with -std=c99 -pedantic -m32 and -m64"

clean:
	rm -rf $(BUILD)
	$(MAKE) -C kfilter clean
