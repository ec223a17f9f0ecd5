# Unit tests of the engine and its configuration (tests/unit/): cmocka
# binaries, no VM, no root.  `make unit` prints one line per test and ends
# with "N passed, N failed"; the scenario runner also runs under valgrind.

UNIT_TESTS	:= test-curve test-config test-engine test-scenario test-escape
UNIT_BINS	:= $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)
# Tests of the daemon's pure parts, each with the daemon file it tests.
UNIT_DAEMON_BINS := $(BUILD)/tests/unit/test-ratelimit $(BUILD)/tests/unit/test-stick
UNIT_CFLAGS	= $(shell pkg-config --cflags cmocka 2>/dev/null)
UNIT_LIBS	= $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

.PHONY: unit unit-deps
unit-deps:
	@$(DEPS) build unit

$(UNIT_BINS): $(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/fake-output.c \
		tests/unit/fake-output.h $(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -Itests/unit -DSRCDIR='"$(CURDIR)"' \
		-DLOCALEDIR='"$(CURDIR)/$(UNIT_LOCALE_DIR)"' \
		-o $@ $< tests/unit/fake-output.c $(ENGINE_LIB) $(ENGINE_LIBS) $(UNIT_LIBS)

$(BUILD)/tests/unit/test-ratelimit: tests/unit/test-ratelimit.c daemon/ratelimit.c \
		daemon/ratelimit.h | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) -o $@ $< daemon/ratelimit.c $(UNIT_LIBS)

# stick.c against a fake libevdev and write(2), with UBSan on integer overflow.
$(BUILD)/tests/unit/test-stick: tests/unit/test-stick.c daemon/stick.c daemon/stick.h \
		$(ENGINE_LIB) | unit-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(UNIT_CFLAGS) $(shell pkg-config --cflags libevdev) \
		-fsanitize=signed-integer-overflow -fno-sanitize-recover=all -Wl,--wrap=write \
		-o $@ $< daemon/stick.c $(ENGINE_LIB) $(ENGINE_LIBS) $(UNIT_LIBS)

# A locale whose decimal mark is a comma, for the locale-independence test;
# built into the tree with localedef (package locales), found via LOCPATH.
UNIT_LOCALE_DIR	:= $(BUILD)/locale
$(UNIT_LOCALE_DIR)/de_DE.UTF-8: | unit-deps
	@mkdir -p $(@D)
	localedef -i de_DE -f UTF-8 $@ || test -e $@/LC_NUMERIC

unit: $(UNIT_BINS) $(UNIT_DAEMON_BINS) $(UNIT_LOCALE_DIR)/de_DE.UTF-8
	@VALGRIND=$(BUILD)/tests/unit/test-scenario tests/unit/run.sh $(UNIT_BINS) $(UNIT_DAEMON_BINS)
