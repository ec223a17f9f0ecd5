# Unit tests of the engine and its configuration (tests/unit/): cmocka
# binaries, no VM, no root.  `make unit` prints one line per test and ends
# with "N passed, N failed"; the scenario runner also runs under valgrind.

UNIT_TESTS	:= test-curve test-config test-engine test-scenario test-escape test-shape \
		   test-ini-edit test-live
UNIT_BINS	:= $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)
# Tests of the daemon's parts, each with the daemon files it tests.
UNIT_DAEMON_BINS := $(BUILD)/tests/unit/test-ratelimit $(BUILD)/tests/unit/test-stick \
		    $(BUILD)/tests/unit/test-lock $(BUILD)/tests/unit/test-evdev-backend \
		    $(BUILD)/tests/unit/test-doctor $(BUILD)/tests/unit/test-games \
		    $(BUILD)/tests/unit/test-kfilter-info
# Every test-*.c here must be one of the binaries above (run.sh -e).
UNIT_SOURCES	:= $(notdir $(basename $(wildcard tests/unit/test-*.c)))
UNIT_CFLAGS	= $(shell pkg-config --cflags cmocka 2>/dev/null)
UNIT_LIBS	= $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

.PHONY: unit unit-deps
unit-deps:
	@$(DEPS) build unit

$(UNIT_BINS): $(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/fake-output.c \
		tests/unit/fake-output.h tests/unit/unit-config.h $(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -Itests/unit -DSRCDIR='"$(CURDIR)"' \
		-DLOCALEDIR='"$(CURDIR)/$(UNIT_LOCALE_DIR)"' \
		-o $@ $< tests/unit/fake-output.c $(ENGINE_LIB) $(ENGINE_LIBS) $(UNIT_LIBS)

$(BUILD)/tests/unit/test-ratelimit: tests/unit/test-ratelimit.c daemon/ratelimit.c \
		daemon/ratelimit.h | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -o $@ $< daemon/ratelimit.c $(UNIT_LIBS)

# The evdev backend's pure parts: which backend runs, what an evdev event
# becomes, the record queue, budgeted reads (against a fake libevdev_next_event()).
TEST_EVDEV_SRCS	:= daemon/capture/evdev-filter.c daemon/capture/evdev-queue.c \
		   daemon/capture/evdev-drain.c daemon/capture/backend-choice.c
$(BUILD)/tests/unit/test-evdev-backend: tests/unit/test-evdev-backend.c $(TEST_EVDEV_SRCS) \
		$(TEST_EVDEV_SRCS:.c=.h) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) $(shell pkg-config --cflags libevdev) -o $@ $< \
		$(TEST_EVDEV_SRCS) $(UNIT_LIBS)

# joystickctl doctor's pure parts: access from mode and ACL, environment variables, the report.
TEST_DOCTOR_SRCS := ctl/doctor-access.c ctl/doctor-env.c ctl/doctor-report.c
$(BUILD)/tests/unit/test-doctor: tests/unit/test-doctor.c $(TEST_DOCTOR_SRCS) ctl/doctor.h \
		$(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -Ictl -o $@ $< $(TEST_DOCTOR_SRCS) \
		$(ENGINE_LIB) $(ENGINE_LIBS) $(UNIT_LIBS)

# Profiles that follow the game: the matcher (in the engine), the game session,
# and the listing of this machine's /proc.
$(BUILD)/tests/unit/test-games: tests/unit/test-games.c tests/unit/unit-config.h \
		daemon/games/session.c daemon/games/session.h daemon/games/proc.c \
		daemon/games/proc.h $(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -o $@ $< daemon/games/session.c \
		daemon/games/proc.c $(ENGINE_LIB) $(ENGINE_LIBS) $(UNIT_LIBS)

# Whether joystickd can use a module: its ABI version and feature bits.
$(BUILD)/tests/unit/test-kfilter-info: tests/unit/test-kfilter-info.c daemon/capture/backend-kfilter.c \
		daemon/capture/kfilter.c daemon/capture/backend.h daemon/capture/kfilter.h \
		kfilter/joystickd_kfilter.h | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -o $@ $< daemon/capture/backend-kfilter.c \
		daemon/capture/kfilter.c $(UNIT_LIBS)

# stick.c against a fake libevdev and write(2), with UBSan on integer overflow.
$(BUILD)/tests/unit/test-stick: tests/unit/test-stick.c daemon/stick.c daemon/stick.h \
		$(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) $(shell pkg-config --cflags libevdev) \
		-fsanitize=signed-integer-overflow -fno-sanitize-recover=all -Wl,--wrap=write \
		-o $@ $< daemon/stick.c $(ENGINE_LIB) $(ENGINE_LIBS) $(UNIT_LIBS)

# The manager, the reader and the commands against fakes of everything slow
# (test-lock.c: kfilter.h, stick.h, discovery.h, control.h, log.h, and
# sd_notify() wrapped), which fail a test that makes one under manager.lock.
TEST_LOCK_SRCS	:= daemon/manager-start.c daemon/manager-loop.c daemon/manager-capture.c \
		   daemon/manager-reload.c daemon/manager-batch.c daemon/manager-state.c \
		   daemon/manager-live.c daemon/control/commands-live.c \
		   daemon/manager-games.c daemon/games/proc.c daemon/games/session.c daemon/games/watch.c \
		   daemon/games/watch-scan.c \
		   daemon/reader.c daemon/control/commands.c daemon/capture/devmap.c daemon/ratelimit.c \
		   daemon/capture/backend-kfilter.c daemon/capture/backend-choice.c
$(BUILD)/tests/unit/test-lock: tests/unit/test-lock.c $(TEST_LOCK_SRCS) $(wildcard daemon/*.h daemon/*/*.h) \
		$(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(CTL_CFLAGS) $(DAEMON_CFLAGS) $(UNIT_CFLAGS) -DSRCDIR='"$(CURDIR)"' \
		-Wl,--wrap=sd_notify,--wrap=sd_notifyf \
		-o $@ $< $(TEST_LOCK_SRCS) $(ENGINE_LIB) $(ENGINE_LIBS) $(DAEMON_LIBS) $(UNIT_LIBS)

# A locale whose decimal mark is a comma, for the locale-independence test;
# built into the tree with localedef (package locales), found via LOCPATH.
UNIT_LOCALE_DIR	:= $(BUILD)/locale
$(UNIT_LOCALE_DIR)/de_DE.UTF-8: | unit-deps
	@mkdir -p $(@D)
	localedef -i de_DE -f UTF-8 $@ || test -e $@/LC_NUMERIC

# Shipped files checked by scripts that print TAP: the FlightGear binding.
UNIT_SCRIPTS	:= tests/unit/flightgear.sh

unit: $(UNIT_BINS) $(UNIT_DAEMON_BINS) $(UNIT_LOCALE_DIR)/de_DE.UTF-8
	@VALGRIND=$(BUILD)/tests/unit/test-scenario tests/unit/run.sh \
		-e "$(UNIT_SOURCES)" $(UNIT_BINS) $(UNIT_DAEMON_BINS) $(UNIT_SCRIPTS)
