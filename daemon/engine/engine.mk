# The mapping engine and its configuration (daemon/engine/): pure C, built
# into $(BUILD)/libjsdengine.a, which joystickd, joystickctl and the unit
# tests link with $(ENGINE_LIBS).  Include its headers as "engine/engine.h".
#
# One name prefix per module, the module's own: engine_ (engine.c), axis_
# (axis.c, private to the engine), curve_ (curve.c), plot_ (plot.c),
# escape_ (escape.c), codes_ (codes.c), shape_ (shape.c), ini_edit_
# (ini-edit.c), ini_file_ (ini-file.c), live_ (live.c).  The configuration (config.h and
# config-*.c) is the data model every module and both programs share; its
# types, constants and functions carry the project prefix jsd_/JSD_.
#
# The event code names stay a table generated from the kernel header
# (gen-codes.awk) rather than libevdev_event_code_from_name(): Debian 12's
# libevdev 1.13.0 knows 20 of its 688 names not (the aliases joystickd.ini(5)
# promises, such as BTN_JOYSTICK and BTN_MOUSE, and codes newer than it), so
# configurations that load today would be refused; and joystickctl, the unit
# tests and the fuzzers link the engine without libevdev.  tests/unit
# test_code_aliases holds the aliases to that.

ENGINE_SRCS	:= daemon/engine/codes.c \
		   daemon/engine/escape.c \
		   daemon/engine/curve.c \
		   daemon/engine/config.c \
		   daemon/engine/config-keys.c \
		   daemon/engine/config-values.c \
		   daemon/engine/config-check.c \
		   daemon/engine/config-shape.c \
		   daemon/engine/shape.c \
		   daemon/engine/axis.c \
		   daemon/engine/engine.c \
		   daemon/engine/games.c \
		   daemon/engine/plot.c \
		   daemon/engine/ini-edit.c \
		   daemon/engine/ini-file.c \
		   daemon/engine/live.c
ENGINE_OBJS	:= $(ENGINE_SRCS:%.c=$(BUILD)/%.o)
ENGINE_LIB	:= $(BUILD)/libjsdengine.a
# Expanded when used, so that tools/deps.sh may install libinih-dev first.
ENGINE_LIBS	= $(shell pkg-config --libs inih 2>/dev/null || echo -linih) -lm
ENGINE_CFLAGS	= $(shell pkg-config --cflags inih 2>/dev/null)
INPUT_CODES_H	?= /usr/include/linux/input-event-codes.h

.PHONY: engine engine-deps
all: $(ENGINE_LIB)
engine: $(ENGINE_LIB)

engine-deps:
	@$(DEPS) build

# The event code name table, generated from the installed kernel headers.
$(BUILD)/gen/codes-table.h: daemon/engine/gen-codes.awk $(INPUT_CODES_H)
	@mkdir -p $(@D)
	awk -f daemon/engine/gen-codes.awk $(INPUT_CODES_H) > $@.tmp
	mv $@.tmp $@

$(BUILD)/daemon/engine/codes.o: $(BUILD)/gen/codes-table.h

$(ENGINE_OBJS): $(BUILD)/%.o: %.c $(wildcard daemon/engine/*.h) \
		kfilter/joystickd_kfilter.h | engine-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LTO_CFLAGS) $(JSD_CFLAGS) $(ENGINE_CFLAGS) -I$(BUILD)/gen -c -o $@ $<

$(ENGINE_LIB): $(ENGINE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
