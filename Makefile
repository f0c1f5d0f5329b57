# One non-recursive Makefile for the whole kit (GNU make).
#
#   make                    build every program into bin/
#   make test               build, then run the suite under prove (TAP)
#   make test T='tests/t1*.sh'   run a subset
#   make tests              build the programs, unit tests and helpers only
#   make asan | tsan        the same suite on sanitized builds
#   make bench              the benchmarks (slow; not part of test)
#   make fuzz [FUZZ_SECONDS=N]  every parser under libFuzzer, N s each (clang)
#   make demo               the examples, narrated, on this machine
#   make demo-lab           the multi-node runs on a 3-node lab (root)
#   make install PREFIX=/usr/local DESTDIR=
#
# CFLAGS belong to you; the kit's own needs are in KIT_CFLAGS and always
# apply.  CI tightens the build with CFLAGS_EXTRA=-Werror.

CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BUILD   ?= build/default
BINDIR  ?= bin

PROGRAMS := ipc_multiprocess threading_example tcp_server tcp_client udp_sender udp_receiver

KIT_CFLAGS := -std=c11 -D_GNU_SOURCE -Ilib -Isrc/common -pthread -MMD -MP \
	      -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifdef SANITIZE
KIT_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	      -fno-omit-frame-pointer
endif
ALL_CFLAGS  = $(KIT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(CFLAGS_EXTRA)
ALL_LDFLAGS = -pthread $(if $(SANITIZE),-fsanitize=$(SANITIZE)) $(LDFLAGS)
LDLIBS += -lm

objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c))

LIB_OBJS    := $(call objs,lib)
COMMON_OBJS := $(call objs,src/common)

# A program is every .c file in src/<program>/, plus src/common and lib/.
BINS := $(addprefix $(BINDIR)/,$(PROGRAMS))
$(foreach p,$(PROGRAMS),$(eval $(BINDIR)/$(p): $(call objs,src/$(p)) $(COMMON_OBJS) $(LIB_OBJS)))

# A unit test links lib/ and the program modules it names here.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
$(BUILD)/tests/unit/test_frame: $(BUILD)/src/ipc_multiprocess/frame.o
$(BUILD)/tests/unit/test_nodes: $(BUILD)/src/udp_receiver/nodes.o $(BUILD)/src/udp_receiver/detector.o
$(BUILD)/tests/unit/%.o: ALL_CFLAGS += -Itests -Isrc/threading_example -Isrc/ipc_multiprocess \
	-Isrc/udp_receiver
$(UNIT_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Small C programs that the test scripts and benchmarks need.
HELPERS := $(patsubst %.c,$(BUILD)/%,$(wildcard tests/helpers/*.c bench/*.c))
$(HELPERS): $(BUILD)/%: $(BUILD)/%.o $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: all tests test asan tsan bench fuzz demo demo-lab install uninstall clean
.DEFAULT_GOAL := all

all: $(BINS)

$(BINS):
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Everything that the suite needs built, without running it.
tests: all $(UNIT_TESTS) $(HELPERS)

T ?= $(UNIT_TESTS) $(wildcard tests/t[0-9]*.sh)
test: tests
	BINDIR=$(abspath $(BINDIR)) HELPERDIR=$(abspath $(BUILD)/tests/helpers) \
	SANITIZE='$(SANITIZE)' tests/run-tests $(T)

asan:
	$(MAKE) BUILD=build/asan BINDIR=build/asan/bin SANITIZE=address,undefined test
tsan:
	$(MAKE) BUILD=build/tsan BINDIR=build/tsan/bin SANITIZE=thread test

bench: all $(HELPERS)
	bench/deps
	BINDIR=$(abspath $(BINDIR)) HELPERDIR=$(abspath $(BUILD)) bench/run
	BINDIR=$(abspath $(BINDIR)) HELPERDIR=$(abspath $(BUILD)) bench/tcp
	BINDIR=$(abspath $(BINDIR)) HELPERDIR=$(abspath $(BUILD)) bench/udp

# Fuzzing: one libFuzzer program per parser (fuzz/fuzz_*.c), built by
# clang with ASan and UBSan.  Each first runs its seeds (fuzz/corpus/T)
# and the inputs of crashes found before (fuzz/regress/T), then fuzzes
# for FUZZ_SECONDS, growing a corpus of its own in build/fuzz/corpus/T.
# A crash stops make, and its input is left in build/fuzz/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Ilib -Ifuzz -pthread \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
.SECONDEXPANSION:
fuzz_src_frame := src/ipc_multiprocess/frame.c
fuzz_src_seq   := src/udp_receiver/nodes.c

build/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(wildcard lib/*.c lib/*.h) $$(fuzz_src_$$*)
	@mkdir -p $(@D)
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' | \
	  $(FUZZ_CC) -fsanitize=fuzzer -x c - -o $(@D)/.probe 2>/dev/null || \
	  { echo "make fuzz needs clang with libFuzzer: apt-get install clang libclang-rt-dev"; exit 1; }
	$(FUZZ_CC) $(FUZZ_FLAGS) $(addprefix -I,$(dir $(fuzz_src_$*))) -o $@ $< \
		$(wildcard lib/*.c) $(fuzz_src_$*) -lm

fuzz: $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t && \
	  echo "== fuzz_$$t: seeds and regressions, then $(FUZZ_SECONDS) s" && \
	  build/fuzz/fuzz_$$t -runs=0 fuzz/corpus/$$t $$(ls -d fuzz/regress/$$t 2>/dev/null) \
	    >build/fuzz/$$t.log 2>&1 || { cat build/fuzz/$$t.log; exit 1; }; \
	  (cd build/fuzz && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    corpus/$$t ../../fuzz/corpus/$$t >$$t.log 2>&1) || \
	    { tail -n 30 build/fuzz/$$t.log; echo "fuzz_$$t: crash, input saved in build/fuzz/"; exit 1; }; \
	  grep -h 'stat::number_of_executed_units' build/fuzz/$$t.log | sed "s/^/   /"; \
	done

demo: all
	BINDIR=$(abspath $(BINDIR)) scripts/demo

# The multi-node runs of the course on a lab of network namespaces (root).
demo-lab: all
	BINDIR=$(abspath $(BINDIR)) scripts/demo-lab

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(PROGRAMS))

clean:
	rm -rf build bin tests/trash

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
