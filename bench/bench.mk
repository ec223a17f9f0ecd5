# make bench: latency, throughput, CPU and memory of joystickd (kernel
# filter, and its evdev backend) against a minimal floor program and
# interception-tools (bench/README.md).  Not part
# of `make check`.  Uses the VM harness's settings (tests/vm/vm.mk, VM_*).
#
#   make bench                        everything: one VM boot, callgrind, report
#   make bench VM_KVER=6.12           ... on another kernel (tests/vm/vm.mk)
#   make bench-vm                     only the VM part (results in BENCH_OUT/vm)
#   make bench-vm BENCH_ROUNDS=5      ... with 5 latency rounds per rate, not 100 (a quick look)
#   make bench-ipe                    only the engine's instructions per event
#   make bench-report                 the table and plot from the last runs
#   make bench-vm BENCH_ONLY=readers  the VM part's readers phase alone
#                                     (a focused run: the mice and the readers)
#   make bench-vm BENCH_ONLY=latency BENCH_VM_ENV="BVM_LAT_RATES=1 BVM_LAT_PATHS=2"
#                                     joystickd against the floor at 1 kHz alone;
#                                     bench/cpu-ratio.sh prints the boot's CPU ratio
#
# Results: bench/results/bench.md, bench.csv, bench-evdev.csv, latency-cdf.csv,
# latency.png.

BENCH_OUT	?= $(BUILD)/bench
BENCH_RESULTS	?= bench/results
BENCH_VM_SRCS	:= $(wildcard bench/vm/*.c) tests/vm/lib/vmtest.c
BENCH_VM_PROG	:= $(BENCH_OUT)/jsd-bench-vm
BENCH_FLOOR	:= $(BENCH_OUT)/jsd-floor
BENCH_IPE	:= $(BENCH_OUT)/jsd-engine-ipe
BENCH_IPE_FRAMES ?= 100000
BENCH_INI	:= bench/bench.ini
BENCH_EVDEV_INI	:= bench/bench-evdev.ini
# The module: the VM tests' own build for the kernel VM_KVER selects
# (tests/vm/vm.mk), from a copy of kfilter/.
BENCH_KO	= $(VM_KO)
# One phase alone (bench/vm/bvm.h: BVM_ONLY), and NAME=VALUE pairs for the
# guest program.
BENCH_ONLY	?=
BENCH_VM_ENV	?=

.PHONY: bench bench-vm bench-ipe bench-report

# The VM's result decides the exit status, after the report is written.
bench:
	@$(DEPS) build vm bench pkg:$(VM_HEADERS)
	@rc=0; $(MAKE) --no-print-directory bench-vm || rc=$$?; \
	$(MAKE) --no-print-directory bench-ipe bench-report || rc=1; \
	exit $$rc

$(BENCH_VM_PROG): $(BENCH_VM_SRCS) bench/vm/bvm.h tests/vm/lib/vmtest.h bench/stream.h \
		kfilter/joystickd_kfilter.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) -Itests/vm/lib -pthread -static -o $@ $(BENCH_VM_SRCS) -lm

$(BENCH_FLOOR): bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) -o $@ $<

# The daemon's objects but main.o, with libevdev's uinput calls stood in
# for (bench/ipe-uinput.c): manager_take_batch() and the stick code run
# as in joystickd (optimised across files as joystickd is), without a
# device.  The driver is compiled apart, without LTO, so that
# manager_take_batch() stays a function for callgrind to toggle on.
BENCH_IPE_OBJS	= $(filter-out $(BUILD)/daemon/main.o,$(DAEMON_LINK_OBJS))
$(BENCH_IPE): bench/engine-ipe.c bench/ipe-uinput.c bench/ipe-uinput.h bench/stream.h \
		$(BENCH_IPE_OBJS) $(ENGINE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(ENGINE_CFLAGS) $(CTL_CFLAGS) $(DAEMON_CFLAGS) -Ibench \
		-c -o $(BENCH_OUT)/engine-ipe.o bench/engine-ipe.c
	$(CC) $(CFLAGS) $(JSD_CFLAGS) $(ENGINE_CFLAGS) $(CTL_CFLAGS) $(DAEMON_CFLAGS) -Ibench \
		-c -o $(BENCH_OUT)/ipe-uinput.o bench/ipe-uinput.c
	$(CC) $(CFLAGS) $(LTO_CFLAGS) -o $@ $(BENCH_OUT)/engine-ipe.o $(BENCH_OUT)/ipe-uinput.o \
		$(BENCH_IPE_OBJS) $(ENGINE_LIB) $(DAEMON_LIBS) $(ENGINE_LIBS) -lm

bench-vm: $(BENCH_VM_PROG) $(BENCH_FLOOR) $(BUILD)/joystickd $(BUILD)/joystickctl vm-module
	@$(VM_DIR)/kernel.sh fetch $(VM_KREL) $(VM_KMOD_DIR)
	@echo "bench: booting $(VM_IMAGE) (logs in $(BENCH_OUT)/vm)"
	@cut -d' ' -f1-3 /proc/loadavg >$(BENCH_OUT)/load-before
	@$(VM_DIR)/vmrun.sh -c -d $(BENCH_OUT)/vm -K $(VM_IMAGE) -W 1800 -- -T 1500 \
		-k $(VM_KMOD_DIR) -r $(VM_KREL) $(addprefix -m ,$(VM_KMODS)) -M $(BENCH_KO) \
		-t $(BENCH_VM_PROG) -b $(BENCH_FLOOR) -b $(BUILD)/joystickd -b $(BUILD)/joystickctl \
		-b $$(command -v interception) -b $$(command -v uinput) \
		$$(command -v perf >/dev/null && echo -b $$(command -v perf)) \
		-f $(BENCH_INI):/etc/jsd-bench/bench.ini \
		-f $(BENCH_EVDEV_INI):/etc/jsd-bench/bench-evdev.ini \
		$(if $(BENCH_ONLY),-e BVM_ONLY=$(BENCH_ONLY)) $(addprefix -e ,$(BENCH_VM_ENV)) \
		$(if $(BENCH_ROUNDS),-e BENCH_ROUNDS=$(BENCH_ROUNDS))

# Instructions of manager_take_batch() and everything it calls (engine,
# output adapter, stick, its write()), per input frame, under the shipped
# configuration.
BENCH_IPE_INI	?= config/joystickd.ini
bench-ipe: $(BENCH_IPE)
	valgrind --tool=callgrind --toggle-collect=manager_take_batch \
		--callgrind-out-file=$(BENCH_OUT)/callgrind.out \
		$(BENCH_IPE) $(BENCH_IPE_INI) $(BENCH_IPE_FRAMES) >$(BENCH_OUT)/ipe.txt 2>$(BENCH_OUT)/callgrind.log
	callgrind_annotate $(BENCH_OUT)/callgrind.out >$(BENCH_OUT)/callgrind.txt
	@cat $(BENCH_OUT)/ipe.txt

# Also rewrites the bench block of README.md from the same figures.
bench-report:
	bench/report.sh $(BENCH_OUT) $(BENCH_RESULTS) $(BENCH_KO) README.md

# What watching processes for games costs, per mechanism: a bench of its own.
include bench/games/games.mk
