# Makefile: builds the agent, the capture kernel and initramfs, and runs the tests.

VERSION   := 0.1.0
CC        ?= cc
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
CPPFLAGS  += -D_GNU_SOURCE -DDUMPAGENT_VERSION='"$(VERSION)"'
SANITIZE  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
B         := build
CONFIG    ?= config/dumpagent.conf

AGENT_SRC := $(filter-out dumpagent/main.c,$(wildcard dumpagent/*.c))
AGENT_OBJ := $(AGENT_SRC:dumpagent/%.c=$(B)/obj/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)

FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_TARGETS := vmcore config superblock dmesg json cmdline
FUZZ_SRC  := dumpagent/vmcore.c dumpagent/config.c dumpagent/config_values.c \
             dumpagent/superblock.c dumpagent/io.c dumpagent/log.c dumpagent/dmesg_scan.c \
             dumpagent/json.c dumpagent/cmdline.c dumpagent/text.c

.PHONY: all capture-kernel initramfs check check-system deb unit demo clean fuzz fuzz-seeds fuzz-smoke \
	bench bench-quick
all: $(B)/dumpagent

$(B)/obj/%.o: dumpagent/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(B)/dumpagent: $(AGENT_OBJ) $(B)/obj/main.o
	$(CC) -static $(CFLAGS) -o $@ $^ -lz

# Unit tests link the agent's sources again, built with the sanitizers.
$(B)/unit/%: tests/unit/%.c $(AGENT_SRC) dumpagent/*.h tests/unit/*.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(WARN) $(SANITIZE) -Idumpagent -o $@ $< $(AGENT_SRC) -lcmocka -lz

unit: $(UNIT_BIN)

# UBSan must abort, or libFuzzer would count undefined behaviour as a pass.
$(B)/fuzz/fuzz_%: dumpagent/fuzz/fuzz_%.c $(FUZZ_SRC) dumpagent/*.h
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -O1 -g $(WARN) -fsanitize=fuzzer $(SANITIZE) -Idumpagent -o $@ $< $(FUZZ_SRC)

# The seed corpus of every target, remade each run in build/fuzz/seeds/TARGET: the
# committed seeds of dumpagent/fuzz/seeds/TARGET and the tree's own fixtures.
fuzz-seeds:
	@rm -rf $(B)/fuzz/seeds && mkdir -p $(B)/fuzz/seeds
	@for t in $(FUZZ_TARGETS) vmcore config dmesg; do mkdir -p $(B)/fuzz/seeds/$$t || exit 1; done
	cp -R dumpagent/fuzz/seeds/. $(B)/fuzz/seeds/
	python3 tests/fixtures/mkvmcore.py $(B)/fuzz/seeds/vmcore/cpus1
	python3 tests/fixtures/mkvmcore.py $(B)/fuzz/seeds/vmcore/cpus2 --cpus 2
	cp config/dumpagent.conf tests/fixtures/config/*.conf $(B)/fuzz/seeds/config/
	cp tests/fixtures/dmesg-panic.txt $(B)/fuzz/seeds/dmesg/

# Runs each target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=json);
# corpora persist in build/fuzz/corpus-TARGET, and a crash stops the loop.
fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%) fuzz-seeds
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(B)/fuzz/corpus-$$t && \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s" && \
		$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=$(B)/fuzz/$$t- \
			$(B)/fuzz/corpus-$$t $(B)/fuzz/seeds/$$t || exit 1; \
	done

# The short run of make check: every target for FUZZ_SMOKE_SECONDS from its seeds
# alone (a fresh corpus each time, random seed 1); any finding fails it.
fuzz-smoke: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%) fuzz-seeds
	@for t in $(FUZZ_TARGETS); do \
		rm -rf $(B)/fuzz/smoke-$$t && mkdir -p $(B)/fuzz/smoke-$$t && \
		echo "fuzz-smoke: $$t for $(FUZZ_SMOKE_SECONDS)s" && \
		$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SMOKE_SECONDS) -max_len=65536 -seed=1 \
			-artifact_prefix=$(B)/fuzz/$$t- \
			$(B)/fuzz/smoke-$$t $(B)/fuzz/seeds/$$t >$(B)/fuzz/smoke-$$t.log 2>&1 || \
			{ tail -n 60 $(B)/fuzz/smoke-$$t.log; echo "fuzz-smoke: $$t FAILED (log: $(B)/fuzz/smoke-$$t.log)"; exit 1; }; \
	done

capture-kernel:
	capture-kernel/build.sh --out $(B)/capture

initramfs: $(B)/dumpagent
	initramfs/build.sh --config $(CONFIG) --agent $(B)/dumpagent --output $(B)/capture/initramfs.img

# The Debian package (dpkg-buildpackage in a copy of the tree): build/deb/*.deb.
deb: capture-kernel
	scripts/build-deb.sh --out $(B)/deb

# Everything, then all tests; the full-system test (tests/qemu/test-system-deb.sh)
# is one of them and needs the package.
check: all unit fuzz-smoke capture-kernel initramfs deb
	tests/run

# Only the full-system test: lintian, then a Debian 12 guest that installs the
# package, crashes and reboots (debootstrap cached under build/system).
check-system: deb
	tests/run qemu/test-system-deb

demo: all capture-kernel
	tests/qemu/demo.sh

# The figures of bench/RESULTS.md and bench/memory.png (QEMU, ~30 min); not part of check.
bench: all capture-kernel initramfs
	bench/run.sh

# One 1 GB guest at crashkernel=32M with the timeline: a few minutes.
bench-quick: all capture-kernel initramfs
	bench/run.sh --quick

clean:
	rm -rf $(B)/obj $(B)/unit $(B)/dumpagent

-include $(wildcard $(B)/obj/*.d)
