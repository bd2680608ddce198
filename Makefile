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
AGENT_OBJ := $(AGENT_SRC:dumpagent/%.c=$(B)/musl/obj/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
UNIT_OBJ  := $(AGENT_SRC:dumpagent/%.c=$(B)/unit/obj/%.o)
UNIT_LIB  := $(B)/unit/libagent-asan.a

# Unit and shell tests at a time (tests/run -j); QEMU tests run one at a time.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_TARGETS := vmcore config superblock dmesg json cmdline lvm md luks kcore crashkernel release
FUZZ_SRC  := dumpagent/vmcore.c dumpagent/vmcore_regs.c dumpagent/config.c dumpagent/config_values.c \
             dumpagent/superblock.c dumpagent/io.c dumpagent/log.c dumpagent/dmesg_scan.c \
             dumpagent/json.c dumpagent/cmdline.c dumpagent/text.c \
             dumpagent/lvm_disk.c dumpagent/lvm_meta.c dumpagent/lvm_plan.c \
             dumpagent/md_super.c dumpagent/md_plan.c dumpagent/luks_header.c dumpagent/sha256.c \
             dumpagent/arm_kcore.c dumpagent/arm_crashkernel.c dumpagent/kernel_release.c dumpagent/kernel_header.c
SEEDS     := $(B)/fuzz/seeds
# What each target's seed directory is made of (vmcore's are generated).
SEEDS_config     := config/dumpagent.conf $(wildcard tests/fixtures/config/*.conf)
SEEDS_dmesg      := tests/fixtures/dmesg-panic.txt
SEEDS_superblock := $(wildcard tests/fuzz/seeds/superblock/*)
SEEDS_json       := $(wildcard tests/fuzz/seeds/json/*)
SEEDS_cmdline    := $(wildcard tests/fuzz/seeds/cmdline/*)
SEEDS_lvm        := tests/fixtures/lvm/pv-vgcreate.bin $(wildcard tests/fuzz/seeds/lvm/*)
SEEDS_md         := tests/fixtures/md/member-v1.2.bin $(wildcard tests/fuzz/seeds/md/*)
SEEDS_luks       := $(wildcard tests/fixtures/luks/*.bin)
SEEDS_kcore      := $(wildcard tests/fuzz/seeds/kcore/*)
SEEDS_crashkernel := $(wildcard tests/fuzz/seeds/crashkernel/*)
SEEDS_release    := $(wildcard tests/fuzz/seeds/release/*)

.PHONY: all agent-arm64 capture-kernel makedumpfile initramfs initramfs-arm64 check check-fast check-system deb unit lint demo clean fuzz \
	fuzz-seeds fuzz-smoke bench bench-quick bench-kdump bench-knee check-secureboot check-distro check-bsod check-lvm check-md check-luks \
	check-crypt check-arm64 check-raid
all: $(B)/dumpagent

# The agent is linked statically with musl (Debian's musl-tools): 0.4 MB
# stripped, where glibc's static libc made it 1.4 MB, and every byte of the
# capture initramfs is counted twice (packed and unpacked) in a capture
# kernel of a few MiB (issue 15, bench/by-hand.md). musl-gcc sees musl's
# headers only: the kernel's (linux/, asm/) and zlib's come from the host
# through $(MUSL_INC), and zlib's static archive is Debian's (plain C on
# memcpy and malloc). The unit tests and fuzzers build the same sources with
# glibc. arm64's agent stays glibc's: Debian 12's musl-gcc is native only.
# The objects have their own directory, build/musl/obj: a tree's older ones,
# compiled against glibc's headers, must never be linked with musl.
AGENT_CC  ?= musl-gcc
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
MUSL_INC  := $(B)/musl-include

$(MUSL_INC)/.ok:
	@command -v $(AGENT_CC) >/dev/null || { echo "make: no $(AGENT_CC): apt-get install musl-tools (scripts/bootstrap.sh installs it)" >&2; exit 1; }
	rm -rf $(@D) && mkdir -p $(@D)
	ln -s /usr/include/linux /usr/include/asm-generic /usr/include/zlib.h /usr/include/zconf.h $(@D)/
	ln -s /usr/include/$(MULTIARCH)/asm $(@D)/asm
	touch $@

$(B)/musl/obj/%.o: dumpagent/%.c | $(MUSL_INC)/.ok
	@mkdir -p $(@D)
	$(AGENT_CC) $(CPPFLAGS) -isystem $(MUSL_INC) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(B)/dumpagent: $(AGENT_OBJ) $(B)/musl/obj/main.o
	$(AGENT_CC) -static $(CFLAGS) -o $@ $^ /usr/lib/$(MULTIARCH)/libz.a

# The agent for arm64, static, cross-built with Debian's gcc-aarch64-linux-gnu
# and zlib1g-dev:arm64 (scripts/bootstrap.sh installs both): build/arm64/dumpagent.
# file(1) must call it a static aarch64 executable, or the build fails.
ARM64_CC  ?= aarch64-linux-gnu-gcc
ARM64_OBJ := $(AGENT_SRC:dumpagent/%.c=$(B)/arm64/obj/%.o)

$(B)/arm64/obj/%.o: dumpagent/%.c
	@mkdir -p $(@D)
	$(ARM64_CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(B)/arm64/dumpagent: $(ARM64_OBJ) $(B)/arm64/obj/main.o
	$(ARM64_CC) -static $(CFLAGS) -o $@.tmp $^ -lz
	file $@.tmp | grep -q 'ELF 64-bit LSB executable, ARM aarch64.* statically linked' || \
		{ file $@.tmp; echo "agent-arm64: $@ is not a static aarch64 executable"; exit 1; }
	mv $@.tmp $@

agent-arm64: $(B)/arm64/dumpagent

# Unit tests link the agent's objects built once with the sanitizers, from one archive.
$(B)/unit/obj/%.o: dumpagent/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(WARN) $(SANITIZE) -MMD -MP -c -o $@ $<

$(UNIT_LIB): $(UNIT_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/unit/%: tests/unit/%.c $(UNIT_LIB) dumpagent/*.h tests/unit/*.h
	$(CC) $(CPPFLAGS) -O1 -g $(WARN) $(SANITIZE) -Idumpagent -o $@ $< $(UNIT_LIB) -lcmocka -lz

unit: $(UNIT_BIN)

# UBSan must abort, or libFuzzer would count undefined behaviour as a pass.
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRC) dumpagent/*.h
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -O1 -g $(WARN) -fsanitize=fuzzer $(SANITIZE) -Idumpagent -o $@ $< $(FUZZ_SRC)

# The seed corpus of each target, build/fuzz/seeds/TARGET, made once from the files it
# is made of (SEEDS_TARGET); its stamp TARGET.ok is touched last, so that a failed
# copy is made again next time. A target with no seeds stops the build.
$(SEEDS)/vmcore.ok: tests/fixtures/mkvmcore.py
	rm -rf $(@:.ok=) && mkdir -p $(@:.ok=)
	python3 $< $(@:.ok=)/cpus1
	python3 $< $(@:.ok=)/cpus2 --cpus 2
	python3 $< $(@:.ok=)/cpus2-arm64 --cpus 2 --arch arm64
	touch $@

.SECONDEXPANSION:
$(SEEDS)/%.ok: $$(SEEDS_$$*)
	$(if $^,,$(error no seeds for the fuzz target $*: SEEDS_$* is empty))
	@rm -rf $(@:.ok=) && mkdir -p $(@:.ok=)
	@echo "cp $(words $^) seeds into $(@:.ok=)/" && cp $^ $(@:.ok=)/
	@touch $@

fuzz-seeds: $(FUZZ_TARGETS:%=$(SEEDS)/%.ok)

# The shell test, for the target t of the loops below, that refuses an empty seed directory.
FUZZ_HAS_SEEDS = [ -n "$$(ls -A $(SEEDS)/$$t)" ] || { echo "fuzz: $(SEEDS)/$$t is empty"; exit 1; }

# Runs each target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=json);
# corpora persist in build/fuzz/corpus-TARGET, and a crash stops the loop.
fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%) fuzz-seeds
	@for t in $(FUZZ_TARGETS); do \
		$(FUZZ_HAS_SEEDS) && \
		mkdir -p $(B)/fuzz/corpus-$$t && \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s" && \
		$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=$(B)/fuzz/$$t- \
			$(B)/fuzz/corpus-$$t $(SEEDS)/$$t || exit 1; \
	done

# The short run of make check and check-fast: every target for FUZZ_SMOKE_SECONDS from its seeds
# alone (a fresh corpus each time, random seed 1); any finding fails it. One
# rule a target, so that make -j runs them side by side (check-fast does).
fuzz-smoke: $(FUZZ_TARGETS:%=fuzz-smoke-%)

fuzz-smoke-%: $(B)/fuzz/fuzz_% fuzz-seeds
	@t=$*; $(FUZZ_HAS_SEEDS) && \
	rm -rf $(B)/fuzz/smoke-$$t && mkdir -p $(B)/fuzz/smoke-$$t && \
	echo "fuzz-smoke: $$t for $(FUZZ_SMOKE_SECONDS)s" && \
	$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SMOKE_SECONDS) -max_len=65536 -seed=1 \
		-artifact_prefix=$(B)/fuzz/$$t- \
		$(B)/fuzz/smoke-$$t $(SEEDS)/$$t >$(B)/fuzz/smoke-$$t.log 2>&1 || \
		{ tail -n 60 $(B)/fuzz/smoke-$$t.log; echo "fuzz-smoke: $$t FAILED (log: $(B)/fuzz/smoke-$$t.log)"; exit 1; }

# make capture-kernel ARCH=arm64 cross-builds the arm64 capture kernel into
# build/capture-arm64 (capture-kernel/capture-arm64.config); x86_64's stays in
# build/capture. Only ARCH given on make's command line counts: one exported
# for some other kernel work does not switch this tree's architecture.
# Nor does it reach the kernel's make through the environment or MAKEFLAGS:
# build.sh passes arm64's ARCH itself, and x86_64's .config is the one made
# with no ARCH (capture-kernel/build.sh says why).
ARCH := $(if $(filter command line,$(origin ARCH)),$(ARCH),x86_64)
unexport ARCH
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))

capture-kernel:
	capture-kernel/build.sh --arch $(ARCH) --out $(B)/capture$(if $(filter-out x86_64,$(ARCH)),-$(ARCH))

# The static makedumpfile 1.7.6 (Debian trixie's source, pinned in the script),
# which initramfs/build.sh then takes. Where apt cannot get that source, the
# script takes trixie's binary package of that version instead
# (scripts/fetch-makedumpfile.sh: dynamic, with its libraries); where neither
# can be had, it warns and the image gets Debian 12's makedumpfile with its
# libraries. The script keeps a stamp: quick when up to date.
makedumpfile:
	scripts/build-makedumpfile.sh --out $(B)/makedumpfile

ifeq ($(ARCH),arm64)
initramfs: initramfs-arm64
else
initramfs: $(B)/dumpagent makedumpfile
	initramfs/build.sh --config $(CONFIG) --agent $(B)/dumpagent \
		$$(! [ -x $(B)/makedumpfile/makedumpfile ] || echo --makedumpfile $(B)/makedumpfile/makedumpfile) \
		--output $(B)/capture/initramfs.img
endif

# The arm64 capture initramfs (make initramfs ARCH=arm64): the arm64 agent,
# and Debian's arm64 busybox and makedumpfile with their libraries, unpacked
# by scripts/arm64-root.sh into build/arm64/root (kexec-tools too, for the
# QEMU test's first system); the build's own agent checks the configuration.
$(B)/arm64/root/packages: scripts/arm64-root.sh
	scripts/arm64-root.sh $(B)/arm64/root

initramfs-arm64: $(B)/arm64/dumpagent $(B)/dumpagent $(B)/arm64/root/packages
	initramfs/build.sh --config $(CONFIG) --agent $(B)/arm64/dumpagent --check-agent $(B)/dumpagent \
		--sysroot $(B)/arm64/root --output $(B)/initramfs-arm64.img

# The Debian package (dpkg-buildpackage in a copy of the tree): build/deb/*.deb.
# make deb ARCH=arm64 cross-builds the arm64 one into build/deb-arm64, with
# the arm64 capture kernel and the root of Debian's arm64 packages copied in.
ifeq ($(ARCH),arm64)
deb: capture-kernel $(B)/arm64/root/packages
	scripts/build-deb.sh --arch arm64 --out $(B)/deb-arm64
else
deb: capture-kernel makedumpfile
	scripts/build-deb.sh --out $(B)/deb
endif

# shellcheck and dash -n over every shell script of the tree (tests/lint.sh finds them).
lint:
	tests/lint.sh

# The host-only layers, no kernel build and no VM: unit, shell, fuzz smoke, lint.
check-fast: all unit
	$(MAKE) -j$(TEST_JOBS) fuzz-smoke lint
	tests/run -j $(TEST_JOBS) unit shell

# Everything, then all tests; the full-system test (tests/qemu/test-system-deb.sh)
# is one of them and needs the package, and tests/qemu/test-arm64-debian.sh
# needs the arm64 agent and Debian's arm64 packages (scripts/arm64-root.sh).
check: all unit fuzz-smoke lint capture-kernel initramfs deb agent-arm64 $(B)/arm64/root/packages
	tests/run -j $(TEST_JOBS)

# Only the full-system test: lintian, then a Debian 12 guest that installs the
# package, crashes and reboots (debootstrap cached under build/system).
check-system: deb
	tests/run qemu/test-system-deb

# Only the Secure Boot test: a Debian 12 guest booted OVMF (Secure Boot on) ->
# shim -> signed GRUB -> signed kernel, with the package (apt; debootstrap and
# the signed boot chain cached under build/system). SECUREBOOT_CAPTURE=1 adds
# the capture (CAPTURE_MODE=auto); see tests/qemu/test-secureboot.sh.
check-secureboot: deb
	tests/run qemu/test-secureboot

check-distro: deb
	tests/run qemu/test-system-distro

# LVM, the capture side alone (the mapping computed on the host): a linear LV captured in distro
# mode, and a stale mapping refused (root, loop devices and lvm2 on the host; 69 s quiet, about
# 8 min under load). The whole path, arming on a guest's real dm included, is test-system-lvm, in check.
check-lvm: all capture-kernel
	tests/run qemu/test-target-lvm

# md RAID1 and LUKS2 (issue 14) alone; both are in make check too (mdadm and
# cryptsetup on the host: scripts/bootstrap.sh installs them). test-target-luks
# also captures into encrypted LVM and into LUKS1 on an LV, whose VGs it makes
# with lvm2 on a loop device (root, as test-loader-mode's LVM case).
check-md: all
	tests/run qemu/test-target-md

# An arm64 crash captured end to end (issue 16): Debian's arm64 kernel under
# qemu-system-aarch64 (TCG), the shipped loader, our arm64 capture kernel and
# initramfs; see tests/qemu/test-arm64.sh. Not in make check, for the kernel's
# cross-build: README says how long. make check runs test-arm64-debian, the
# same test with Debian's arm64 kernel as the capture kernel (ARM64_CAPTURE=debian,
# which this target also takes: then it builds no kernel).
check-arm64: all agent-arm64 initramfs-arm64
	[ "$${ARM64_CAPTURE:-small}" = debian ] || $(MAKE) capture-kernel ARCH=arm64
	tests/run qemu/test-arm64

check-luks: all capture-kernel
	tests/run qemu/test-target-luks

# The full-system test on encrypted LVM (root on an LV on LUKS2, unlocked by a
# test-only keyfile in the guest's own initramfs): enroll, crash, capture into
# the encrypted root, reboot, dumpagent list. Outside make check: its
# update-initramfs and three boots under TCG take longer than CI's budget.
check-crypt: deb
	tests/run qemu/test-system-crypt

# The full-system test on md RAID1 (root on md0 over two disks, the array made
# by mdadm in a first guest boot, mdadm in the guest's own initramfs): armed
# at boot in the small kernel's mode, crash, capture into /var/crash on the
# array, reboot from it, dumpagent list; each member read back on the host.
# Outside make check, as check-crypt: update-initramfs and three boots.
check-raid: deb
	tests/run qemu/test-system-md

# Only the brown screen on a Debian 12 guest with a DRM driver (tests/qemu/test-system-bsod.sh):
# -vga std (bochs-drm) and -vga virtio (virtio_gpu), each on SeaBIOS and on OVMF, one
# guest after the other (3 to 9 minutes each under TCG: 209 to 523 s seen).
check-bsod: deb
	SYSTEM_VGA=std SYSTEM_FIRMWARE=bios tests/run qemu/test-system-bsod
	SYSTEM_VGA=std SYSTEM_FIRMWARE=ovmf tests/run qemu/test-system-bsod
	SYSTEM_VGA=virtio SYSTEM_FIRMWARE=bios tests/run qemu/test-system-bsod
	SYSTEM_VGA=virtio SYSTEM_FIRMWARE=ovmf tests/run qemu/test-system-bsod

demo: all capture-kernel
	tests/qemu/demo.sh

# The figures of bench/RESULTS.md and bench/memory.svg (QEMU, 39 min at b5b8b8d); not part of check.
# make bench ARCH=arm64: only the smallest crashkernel= for 1 and 4 GB guests
# on arm64 and x86_64, both small kernels, in one run (bench/run.sh --arch
# arm64: 11 minutes for 16 trials of the small kernels, more with the distro
# mode's); it rewrites only its section of bench/RESULTS.md.
ifeq ($(ARCH),arm64)
bench: all agent-arm64 $(B)/arm64/root/packages makedumpfile
	$(MAKE) capture-kernel ARCH=arm64
	$(MAKE) capture-kernel ARCH=x86_64
	bench/run.sh --arch arm64
else
bench: all capture-kernel initramfs deb
	bench/run.sh
endif

# Only dumpagent against kdump-tools on the same Debian 12 guest (bench/RESULTS.md's section 0).
bench-kdump: all capture-kernel initramfs deb
	bench/run.sh --kdump-only

# Only the dump time: against the reservation (the knee), the compression and
# makedumpfile's threads (bench/RESULTS.md's sections 3c, 4 and 7), into build/bench-knee/.
bench-knee: all capture-kernel initramfs
	bench/run.sh --knee-only

# One 1 GB guest at crashkernel=32M with the timeline: a few minutes.
bench-quick: all capture-kernel initramfs
	bench/run.sh --quick

clean:
	rm -rf $(B)/obj $(B)/musl $(B)/unit $(B)/dumpagent $(MUSL_INC)

-include $(wildcard $(B)/musl/obj/*.d $(B)/unit/obj/*.d $(B)/arm64/obj/*.d)
