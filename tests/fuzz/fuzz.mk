# Fuzzing of the configuration parser, the mapping engine and the ini
# rewriter of live changes (libFuzzer).
#
#   make fuzz                 a bounded run of each harness (FUZZ_SECONDS each),
#                             starting from the committed seed corpus, after
#                             replaying every saved regression input
#   make fuzz FUZZ_SECONDS=600
#
# Inputs that broke an invariant are kept in tests/fuzz/regressions/<harness>/
# and replayed by every run.  The harnesses build the engine with clang,
# ASan, UBSan and libFuzzer's coverage instrumentation.

FUZZ_SECONDS	?= 60
FUZZ_HARNESSES	:= fuzz-config fuzz-engine fuzz-ini-edit
FUZZ_BINS	:= $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/%)
FUZZ_CC		:= clang
FUZZ_FLAGS	:= -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: fuzz fuzz-deps
fuzz-deps:
	@$(DEPS) build fuzz

$(FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz-check.h $(ENGINE_SRCS) \
		$(wildcard daemon/engine/*.h) $(BUILD)/gen/codes-table.h | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(JSD_CFLAGS) $(ENGINE_CFLAGS) -I$(BUILD)/gen -Itests/fuzz \
		-o $@ $< $(ENGINE_SRCS) $(ENGINE_LIBS)

fuzz: $(FUZZ_BINS)
	@JSD_SRCDIR=$(CURDIR) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BINS)
