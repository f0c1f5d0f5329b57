# One non-recursive Makefile for the whole kit (GNU make).
#
#   make                    build every program into bin/
#   make test               build, then run the suite under prove (TAP)
#   make test T='tests/t1*.sh'   run a subset
#   make test-full          the same with the long rounds (EXPENSIVE=1), as CI runs it
#   make mpi                mpi_squares only (Open MPI), or why it cannot be built
#   make build-tests        build the programs, unit tests and helpers, run nothing
#   make asan | tsan        the same suite on sanitized builds
#   make bench              the benchmarks (slow; not part of test)
#   make fuzz [FUZZ_SECONDS=N]  every parser under libFuzzer, N s each (clang)
#   make demo               the examples, narrated, on this machine
#   make demo-lab           the multi-node runs on a 3-node lab (no root needed),
#                           and a timeline of its heartbeats (build/default/demo-lab/)
#   make diagrams           docs/diagrams/*.png again from their .dot (graphviz)
#   make grade-self         grade (the grader) on the kit's own six programs
#                           (GRADE_FLAGS=--lab: across a lab's machines too)
#   make exercises          the exercises' starting points (exercises/README.md)
#   make exercises-check    each exercise's check: starting points fail, solutions pass
#   make install PREFIX=/usr/local DESTDIR=   after 'make': programs, netlab, timeline, pages
#   make V=1                the full compiler commands, not one short line a file
#   make uninstall PREFIX=/usr/local DESTDIR=
#   make dist               week3-VERSION.tar.gz of the committed tree
#
# CFLAGS belong to you; the kit's own needs are in KIT_CFLAGS and always
# apply.  CI tightens the build with CFLAGS_EXTRA=-Werror.

CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
BUILD   ?= build/default
BINDIR  ?= bin

PROGRAMS := ipc_multiprocess threading_example tcp_server tcp_client udp_sender udp_receiver grade

# The one version of the kit: this base, and where the tree is a git
# checkout, what 'git describe' says of it; a tarball of 'make dist'
# carries it in .version.
BASE_VERSION := 0.2.0
VERSION := $(shell [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
		echo "$(BASE_VERSION)-$$(git describe --always --dirty)" || \
		cat .version 2>/dev/null || echo $(BASE_VERSION))

KIT_CFLAGS := -std=c11 -D_GNU_SOURCE -Ilib -Isrc/common -I$(BUILD) -pthread -MMD -MP \
	      -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifdef SANITIZE
KIT_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	      -fno-omit-frame-pointer
endif
# A quiet build, as kernel and git builds are: one line a file ("CC
# lib/io.c", "LD bin/tcp_server"), warnings as they come; V=1 shows the
# commands whole.
ifeq ($(V),1)
quiet = 
else
quiet = @printf '  %-3s %s\n' $(1) $(2);
endif

ALL_CFLAGS  = $(KIT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(CFLAGS_EXTRA)
ALL_LDFLAGS = -pthread $(if $(SANITIZE),-fsanitize=$(SANITIZE)) $(LDFLAGS)
LDLIBS += -lm

objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c))

LIB_OBJS    := $(call objs,lib)
COMMON_OBJS := $(call objs,src/common)

# tcp_server's io_uring model (-m uring) needs liburing; without it the
# other models are built and -m uring says how to get it.
URING_HINT := apt-get install liburing-dev
HAVE_URING := $(shell echo 'int main(void) { return 0; }' | \
		$(CC) -x c -include liburing.h - -o /dev/null -luring 2>/dev/null && echo yes)
URING_OBJ  := $(BUILD)/src/tcp_server/model_uring.o
ifeq ($(HAVE_URING),yes)
KIT_CFLAGS += -DKIT_HAVE_URING
$(BINDIR)/tcp_server: LDLIBS += -luring
endif

# Keyed heartbeats (udp_sender and udp_receiver --key) need libsodium's
# HMAC-SHA-256; without it the programs are built and --key says how to
# get it.  Only they link lib/mac.o, and with it libsodium: the other
# programs need nothing but libc and pthreads, wherever they are copied.
SODIUM_HINT := apt-get install libsodium-dev
HAVE_SODIUM := $(shell echo 'int main(void) { return sodium_init(); }' | \
		$(CC) -x c -include sodium.h - -o /dev/null -lsodium 2>/dev/null && echo yes)
MAC_USERS := udp_sender udp_receiver
MAC_OBJ   := $(BUILD)/lib/mac.o
ifeq ($(HAVE_SODIUM),yes)
KIT_CFLAGS += -DKIT_HAVE_SODIUM
SODIUM_LIB := -lsodium
endif

# A program is every .c file in src/<program>/, plus src/common and lib/.
BINS := $(addprefix $(BINDIR)/,$(PROGRAMS))
$(foreach p,$(PROGRAMS),$(eval $(BINDIR)/$(p): $(filter-out $(if $(HAVE_URING),,$(URING_OBJ)),\
	$(call objs,src/$(p))) $(COMMON_OBJS) \
	$(if $(filter $(p),$(MAC_USERS)),$(LIB_OBJS),$(filter-out $(MAC_OBJ),$(LIB_OBJS)))))

# grade --lab finds netlab beside it (installed), else in this tree.
$(BUILD)/src/grade/lab.o: ALL_CFLAGS += -DKIT_NETLAB='"$(CURDIR)/scripts/netlab"'

# A unit test links lib/ and the program modules it names here.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
$(BUILD)/tests/unit/test_frame: $(BUILD)/src/ipc_multiprocess/frame.o
$(BUILD)/tests/unit/test_stop: $(BUILD)/src/common/stop.o
$(BUILD)/tests/unit/test_nodes: $(BUILD)/src/udp_receiver/nodes.o $(BUILD)/src/udp_receiver/detector.o
$(BUILD)/tests/unit/%.o: ALL_CFLAGS += -Itests -Isrc/threading_example -Isrc/ipc_multiprocess \
	-Isrc/udp_receiver
$(UNIT_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB_OBJS)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# mpi_squares, example 5, needs Open MPI (its compiler wrapper, mpicc,
# around $(CC)); the six other programs need only libc and pthreads, and
# are built without it.  'make mpi' builds it or says how to get it.
MPICC    ?= mpicc
HAVE_MPI := $(shell command -v $(MPICC) >/dev/null 2>&1 && echo yes)
MPI_HINT := apt-get install openmpi-bin libopenmpi-dev
MPI_BIN  := $(BINDIR)/mpi_squares
MPI_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/mpi_squares/*.c))
$(BUILD)/src/mpi_squares/%.o: src/mpi_squares/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)OMPI_CC=$(CC) $(MPICC) $(ALL_CFLAGS) -c -o $@ $<
$(MPI_BIN): $(MPI_OBJS) $(COMMON_OBJS) $(filter-out $(MAC_OBJ),$(LIB_OBJS))
	@mkdir -p $(@D)
	$(call quiet,LD,$@)OMPI_CC=$(CC) $(MPICC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Small C programs that the test scripts and benchmarks need.
HELPERS := $(patsubst %.c,$(BUILD)/%,$(wildcard tests/helpers/*.c bench/*.c))
$(HELPERS): $(BUILD)/%: $(BUILD)/%.o $(LIB_OBJS)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# What links lib/mac.o links libsodium (when there is one).
$(addprefix $(BINDIR)/,$(MAC_USERS)) $(UNIT_TESTS) $(HELPERS): LDLIBS += $(SODIUM_LIB)

.PHONY: all mpi mpi-missing uring-missing sodium-missing build-tests test test-full asan tsan bench fuzz demo demo-lab diagrams grade-self exercises exercises-check install uninstall dist version clean
.DEFAULT_GOAL := all

all: $(BINS)
ifeq ($(HAVE_MPI),yes)
all: $(MPI_BIN)
else
all: mpi-missing
endif

ifneq ($(HAVE_URING),yes)
all: uring-missing
endif

ifneq ($(HAVE_SODIUM),yes)
all: sodium-missing
endif

sodium-missing:
	@echo "udp_sender and udp_receiver are built without --key (keyed heartbeats): they need libsodium ($(SODIUM_HINT))"

uring-missing:
	@echo "tcp_server is built without -m uring (io_uring): it needs liburing ($(URING_HINT))"

mpi-missing:
	@echo "mpi_squares is not built: it needs Open MPI ($(MPI_HINT)); the other programs are"

mpi:
	@command -v $(MPICC) >/dev/null 2>&1 || \
	  { echo "make mpi: mpi_squares needs Open MPI's $(MPICC): $(MPI_HINT)"; exit 1; }
	@$(MAKE) --no-print-directory $(MPI_BIN)

$(BINS):
	@mkdir -p $(@D)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Rewritten only when the version changes, so that only cli.o is rebuilt.
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define KIT_VERSION "$(VERSION)"' >$@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
$(BUILD)/src/common/cli.o: $(BUILD)/version.h
FORCE:

# Everything that the suite needs built, without running it.
build-tests: all $(UNIT_TESTS) $(HELPERS)

# The longest scripts first (as measured alone: 80 s down to 7 s), so that
# the short ones fill the gaps at the end (prove -j).
SLOW_TESTS := $(addprefix tests/,t8001-exercises.sh t5001-netlab.sh t6002-mpi-squares.sh t3001-tcp-server.sh t7005-grade-lab.sh \
	t4002-udp-receiver.sh t7001-grade-tcp-server.sh t0005-readme.sh t7003-grade-work.sh \
	t7004-grade-udp.sh t3002-tcp-client.sh t7002-grade-tcp-client.sh t2001-threading.sh \
	t4003-udp-keyed.sh t1001-ipc-sums.sh t1002-ipc-faults.sh t6001-fault-rounds.sh)
T ?= $(SLOW_TESTS) $(filter-out $(SLOW_TESTS),$(wildcard tests/t[0-9]*.sh)) $(UNIT_TESTS)
test: build-tests
	BINDIR=$(abspath $(BINDIR)) HELPERDIR=$(abspath $(BUILD)/tests/helpers) \
	SANITIZE='$(SANITIZE)' EXPENSIVE='$(EXPENSIVE)' tests/run-tests $(T)

test-full:
	$(MAKE) EXPENSIVE=1 test

asan:
	$(MAKE) BUILD=build/asan BINDIR=build/asan/bin SANITIZE=address,undefined test
tsan:
	$(MAKE) BUILD=build/tsan BINDIR=build/tsan/bin SANITIZE=thread test

# The grader, graded: every spec against the kit's own program, in the
# full profile (a demo of grade, and a check that the kit keeps its own
# contract).  The lines are what an instructor would type for a hand-in.
GRADE_SELF = \
	'tcp-server -- $(B)/tcp_server -p {port} -b {host} -q' \
	'tcp-client -- $(B)/tcp_client {host} -p {port} --timeout 5' \
	'udp-sender -- $(B)/udp_sender {host} -p {port} -i {interval_ms} -n kit' \
	'udp-receiver -- $(B)/udp_receiver -p {port} -b {host}' \
	'ipc -- $(B)/ipc_multiprocess -n {n}' \
	'threads -- $(B)/threading_example -n {n} -c {consumers} -s {capacity}'
grade-self: B = $(abspath $(BINDIR))
grade-self: all
	@rc=0; for line in $(GRADE_SELF); do \
	  spec=$${line%% *}; \
	  flags="$(GRADE_FLAGS)"; case $$spec in ipc|threads) flags= ;; esac; \
	  echo "== grade $$spec --profile full $$flags"; \
	  $(B)/grade $$spec --profile full $$flags $${line#* } || rc=1; \
	done; exit $$rc

# The exercises (exercises/README.md) have a Makefile of their own, for
# students to type 'make -C exercises check EX=N'; these build their
# starting points, and run what keeps them honest (tests/t8001): every
# starting point fails its check, every solution passes it.
exercises: $(BINDIR)/grade
	@$(MAKE) --no-print-directory -C exercises
exercises-check:
	@$(MAKE) --no-print-directory test T=tests/t8001-exercises.sh

# Every line each script prints goes to bench/out/results.jsonl too;
# bench/report then writes results.json and report.md (with plots).
# BENCH_SCRIPTS=cost runs only some; OLD_BINDIR=DIR adds bench/cost's rows
# for an older build's tcp_server (DIR/tcp_server), taking turns with ours.
BENCH_SCRIPTS ?= run tcp latency udp cost
BENCH_ENV = BINDIR=$(abspath $(BINDIR)) HELPERDIR=$(abspath $(BUILD)) $(if $(QUICK),QUICK=$(QUICK)) \
	    $(if $(OLD_BINDIR),OLD_BINDIR=$(abspath $(OLD_BINDIR)))
bench: all $(HELPERS)
	bench/deps
	@mkdir -p bench/out && : >bench/out/results.jsonl
	@for s in $(BENCH_SCRIPTS); do \
	  echo "== bench/$$s" >&2; \
	  { $(BENCH_ENV) bench/$$s; echo $$? >bench/out/.rc; } | tee -a bench/out/results.jsonl; \
	  [ "$$(cat bench/out/.rc)" = 0 ] || exit 1; \
	done
	bench/report bench/out

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
	$(FUZZ_CC) $(FUZZ_FLAGS) $(if $(HAVE_SODIUM),-DKIT_HAVE_SODIUM) \
		$(addprefix -I,$(dir $(fuzz_src_$*))) -o $@ $< \
		$(wildcard lib/*.c) $(fuzz_src_$*) -lm $(if $(HAVE_SODIUM),-lsodium)

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

# The multi-node runs of the course on a lab of network namespaces (as
# root, or in a user namespace of your own: scripts/netlab check); the
# heartbeats' receiver's JSON lines, and their timeline (gnuplot), are
# left in $(BUILD)/demo-lab/.
demo-lab: all
	BINDIR=$(abspath $(BINDIR)) DEMO_LAB_OUT=$(abspath $(BUILD))/demo-lab scripts/demo-lab

# The pictures of README: each docs/diagrams/NAME.png is drawn by dot
# (graphviz) from NAME.dot beside it, and committed, so that README shows
# them without graphviz; tests/t5003-pictures.sh renders every .dot.
DIAGRAMS := $(patsubst %.dot,%.png,$(wildcard docs/diagrams/*.dot))
diagrams: $(DIAGRAMS)
docs/diagrams/%.png: docs/diagrams/%.dot
	@command -v dot >/dev/null 2>&1 || \
	  { echo "make diagrams needs dot, of graphviz: apt-get install graphviz"; exit 1; }
	$(call quiet,DOT,$<)dot -Tpng -o $@.new $< && mv $@.new $@

# Install what is built, and build nothing: 'make' as yourself first, so
# that no file in your checkout belongs to root.  Uninstall removes
# exactly what install put there.
PAGES := $(wildcard man/*.[17])
INSTALLED := $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(PROGRAMS) mpi_squares netlab timeline) \
	$(foreach p,$(PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(p)))/$(notdir $(p)))

install:
	@for b in $(BINS); do [ -x $$b ] || \
	  { echo "make install: $$b is not built; run 'make' first (as yourself), then 'make install'"; exit 1; }; done
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(wildcard $(MPI_BIN)) scripts/netlab scripts/timeline $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(filter %.1,$(PAGES)) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(filter %.7,$(PAGES)) $(DESTDIR)$(MANDIR)/man7

uninstall:
	rm -f $(INSTALLED)

# A tarball of the committed tree, with its version in .version.
dist:
	@[ -d .git ] || { echo "make dist: needs the git checkout"; exit 1; }
	@mkdir -p build/dist && echo '$(VERSION:-dirty=)' >build/dist/.version
	git archive --format=tar.gz --prefix=week3-$(VERSION)/ \
		--add-file=build/dist/.version -o week3-$(VERSION:-dirty=).tar.gz HEAD
	@echo "week3-$(VERSION:-dirty=).tar.gz"

# The version, for scripts.
version:
	@echo '$(VERSION)'

clean:
	rm -rf build bin tests/trash exercises/build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
