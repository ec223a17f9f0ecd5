# make bench-games: what watching processes for games (`games =` in a
# [profile]) costs joystickd, per mechanism, with no process starting and
# with 500 started and ended a second (bench/games/README.md).  Not part
# of make check, nor of make bench.  Uses the VM harness's settings
# (tests/vm/vm.mk, VM_*); the module is not needed (the evdev backend).
#
#   make bench-games                one VM boot, then the report
#   make bench-games GB_ROUNDS=9    more rounds (GB_WINDOW_S, GB_RATE, GB_SLEEPERS, GB_SPAWNERS too)
#   make bench-games-report         bench/results/games-watch.md and .csv from the last run

BG_OUT		?= $(BUILD)/bench/games
BG_PROG		:= $(BG_OUT)/jsd-games-bench
BG_NOP		:= $(BG_OUT)/jsd-nop
# joystickd scanning every 250 ms, listing all of /proc at every scan, and
# with the process connector: the daemon's objects with another trigger of
# the game watcher.
BG_SCANALL	:= $(BG_OUT)/joystickd-scanall
BG_SCAN250	:= $(BG_OUT)/joystickd-scan250
BG_NETLINK	:= $(BG_OUT)/joystickd-netlink
BG_DAEMON_OBJS	= $(filter-out $(BUILD)/daemon/games/watch-scan.o,$(DAEMON_LINK_OBJS))
GB_ROUNDS	?= 5
GB_WINDOW_S	?= 10
GB_RATE		?= 500
GB_SLEEPERS	?= 400
GB_SPAWNERS	?= 4

.PHONY: bench-games bench-games-vm bench-games-report

bench-games:
	@$(DEPS) build vm
	@rc=0; $(MAKE) --no-print-directory bench-games-vm || rc=$$?; \
	$(MAKE) --no-print-directory bench-games-report || rc=1; \
	exit $$rc

$(BG_PROG): bench/games/main.c tests/vm/daemon/dtest.c tests/vm/daemon/dtest.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) -Itests/vm/daemon -pthread -static -o $@ \
		bench/games/main.c tests/vm/daemon/dtest.c -lm

$(BG_NOP): bench/games/nop.c
	@mkdir -p $(@D)
	$(CC) -O2 -nostdlib -static -o $@ $<

$(BG_OUT)/watch-scanall.o: daemon/games/watch-scan.c | engine-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(DAEMON_CFLAGS) -DGAMES_FULL_MS=0 -c -o $@ $<

$(BG_OUT)/watch-scan250.o: daemon/games/watch-scan.c | engine-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(DAEMON_CFLAGS) -DGAMES_SCAN_MS=250 -c -o $@ $<

$(BG_OUT)/watch-netlink.o: bench/games/watch-netlink.c | engine-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(DAEMON_CFLAGS) -c -o $@ $<

$(BG_SCANALL) $(BG_SCAN250) $(BG_NETLINK): $(BG_OUT)/joystickd-%: $(BG_DAEMON_OBJS) $(BG_OUT)/watch-%.o $(ENGINE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BG_DAEMON_OBJS) $(BG_OUT)/watch-$*.o $(ENGINE_LIB) \
		$(DAEMON_LIBS) $(ENGINE_LIBS)

bench-games-vm: $(BG_PROG) $(BG_NOP) $(BG_SCANALL) $(BG_SCAN250) $(BG_NETLINK) $(BUILD)/joystickd $(BUILD)/joystickctl
	@if [ -n "$(VM_KMOD_DIR)" ]; then \
		$(VM_DIR)/kernel.sh fetch $(VM_KREL) $(VM_KMOD_DIR) || exit 1; \
	fi
	@mkdir -p $(BG_OUT)/vm
	@echo "bench-games: booting $(VM_IMAGE) (logs in $(BG_OUT)/vm)"
	@{ cut -d' ' -f1-3 /proc/loadavg; git describe --always --dirty 2>/dev/null || echo unknown; \
	   date -u +%Y-%m-%dT%H:%MZ; echo $(VM_KREL); } >$(BG_OUT)/facts-before
	@$(VM_DIR)/vmrun.sh -c -d $(BG_OUT)/vm -K $(VM_IMAGE) -W 1800 -- -T 1500 \
		$(if $(VM_KMOD_DIR),-k $(VM_KMOD_DIR) -r $(VM_KREL)) $(addprefix -m ,$(VM_KMODS)) \
		-t $(BG_PROG) -b $(BG_NOP) -b $(BG_SCANALL) -b $(BG_SCAN250) -b $(BG_NETLINK) \
		-b $(BUILD)/joystickd -b $(BUILD)/joystickctl \
		-f bench/games/games.ini:/etc/jsd-bench/games.ini \
		-f bench/games/games-base.ini:/etc/jsd-bench/games-base.ini \
		-e GB_ROUNDS=$(GB_ROUNDS) -e GB_WINDOW_S=$(GB_WINDOW_S) -e GB_RATE=$(GB_RATE) \
		-e GB_SLEEPERS=$(GB_SLEEPERS) -e GB_SPAWNERS=$(GB_SPAWNERS)
	@cut -d' ' -f1-3 /proc/loadavg >$(BG_OUT)/load-after

bench-games-report:
	bench/games/report.sh $(BG_OUT) $(BENCH_RESULTS)
