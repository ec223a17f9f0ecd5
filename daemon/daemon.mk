# joystickd (daemon/*.c, daemon/capture/, daemon/control/) and joystickctl (ctl/*.c; the engine in
# daemon/engine/ has its own fragment).  Outputs: $(BUILD)/joystickd,
# $(BUILD)/joystickctl, and for the VM tests a sanitizer build
# $(BUILD)/joystickd-asan.  ctl/control-proto.h, the control socket's
# protocol, is shared by both: -Ictl.

DAEMON_SRCS	:= daemon/main.c \
		   daemon/manager-start.c \
		   daemon/manager-loop.c \
		   daemon/manager-capture.c \
		   daemon/manager-reload.c \
		   daemon/manager-batch.c \
		   daemon/manager-state.c \
		   daemon/manager-live.c \
		   daemon/manager-games.c \
		   daemon/games/proc.c \
		   daemon/games/session.c \
		   daemon/games/watch.c \
		   daemon/games/watch-scan.c \
		   daemon/reader.c \
		   daemon/control/commands.c \
		   daemon/control/commands-live.c \
		   daemon/capture/devmap.c \
		   daemon/capture/discovery.c \
		   daemon/control/control.c \
		   daemon/stick.c \
		   daemon/capture/kfilter.c \
		   daemon/capture/backend-kfilter.c \
		   daemon/capture/backend-choice.c \
		   daemon/capture/backend-evdev.c \
		   daemon/capture/evdev-device.c \
		   daemon/capture/evdev-drain.c \
		   daemon/capture/evdev-filter.c \
		   daemon/capture/evdev-passthrough.c \
		   daemon/capture/evdev-queue.c \
		   daemon/log.c \
		   daemon/ratelimit.c
CTL_SRCS	:= ctl/joystickctl.c \
		   ctl/ctl-client.c \
		   ctl/ctl-monitor.c \
		   ctl/ctl-curve.c \
		   ctl/ctl-save.c \
		   ctl/ctl-tune.c \
		   ctl/tune-draw.c \
		   ctl/tune-keys.c
# joystickctl doctor asks systemd and logind (libsystemd) and udev (libudev).
DOCTOR_SRCS	:= ctl/doctor.c ctl/doctor-report.c ctl/doctor-daemon.c ctl/doctor-module.c \
		   ctl/doctor-stick.c ctl/doctor-seat.c ctl/doctor-access.c ctl/doctor-env.c
CTL_SRCS	+= $(DOCTOR_SRCS)
DAEMON_OBJS	:= $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
CTL_OBJS	:= $(CTL_SRCS:%.c=$(BUILD)/%.o)
# joystickd --reload is a client of the control socket, as joystickctl is.
DAEMON_LINK_OBJS := $(DAEMON_OBJS) $(BUILD)/ctl/ctl-client.o
DAEMON_ASAN_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/ctl/ctl-client.o \
		   $(ENGINE_SRCS:%.c=$(BUILD)/asan/%.o)

# Expanded when used, so that tools/deps.sh may install the -dev packages first.
DAEMON_PKGS	:= libevdev libudev libsystemd
DAEMON_CFLAGS	= $(shell pkg-config --cflags $(DAEMON_PKGS) 2>/dev/null)
DAEMON_LIBS	= $(shell pkg-config --libs $(DAEMON_PKGS) 2>/dev/null) -pthread
CTL_CFLAGS	:= -Ictl
# doctor asks libsystemd and libudev; tune draws with ncurses (the
# wide-character build, for UTF-8).
CTL_LIBS	= $(shell pkg-config --libs libudev libsystemd 2>/dev/null) \
		  $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
ASAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: daemon daemon-asan
all: $(BUILD)/joystickd $(BUILD)/joystickctl
daemon: $(BUILD)/joystickd $(BUILD)/joystickctl
daemon-asan: $(BUILD)/joystickd-asan

$(DAEMON_OBJS) $(CTL_OBJS): $(BUILD)/%.o: %.c | engine-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LTO_CFLAGS) $(JSD_CFLAGS) $(CTL_CFLAGS) $(DAEMON_CFLAGS) -MMD -MP -c -o $@ $<

$(CTL_OBJS): CTL_CFLAGS += $(shell pkg-config --cflags ncursesw 2>/dev/null)

$(BUILD)/joystickd: $(DAEMON_LINK_OBJS) $(ENGINE_LIB)
	$(CC) $(CFLAGS) $(LTO_CFLAGS) $(LDFLAGS) -o $@ $(DAEMON_LINK_OBJS) $(ENGINE_LIB) \
		$(DAEMON_LIBS) $(ENGINE_LIBS)

# joystickctl needs the engine (curves, config checks, live changes), for
# doctor libsystemd and libudev, for tune ncurses.
$(BUILD)/joystickctl: $(CTL_OBJS) $(ENGINE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CTL_OBJS) $(ENGINE_LIB) $(ENGINE_LIBS) $(CTL_LIBS)

# The daemon and the engine under AddressSanitizer and UBSan, for the VM test
# that checks for memory errors and leaks.
$(BUILD)/asan/daemon/engine/codes.o: $(BUILD)/gen/codes-table.h
$(DAEMON_ASAN_OBJS): $(BUILD)/asan/%.o: %.c | engine-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(JSD_CFLAGS) $(CTL_CFLAGS) $(DAEMON_CFLAGS) $(ENGINE_CFLAGS) \
		-I$(BUILD)/gen -MMD -MP -c -o $@ $<

$(BUILD)/joystickd-asan: $(DAEMON_ASAN_OBJS)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(ENGINE_LIBS)

-include $(DAEMON_OBJS:.o=.d) $(CTL_OBJS:.o=.d) $(DAEMON_ASAN_OBJS:.o=.d)
