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

.PHONY: all capture-kernel initramfs check unit test-shell test-qemu demo clean
all: $(B)/dumpagent

$(B)/obj/%.o: dumpagent/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(B)/dumpagent: $(AGENT_OBJ) $(B)/obj/main.o
	$(CC) -static $(CFLAGS) -o $@ $^

# Unit tests link the agent's sources again, built with the sanitizers.
$(B)/unit/%: tests/unit/%.c $(AGENT_SRC) dumpagent/*.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(WARN) $(SANITIZE) -Idumpagent -o $@ $< $(AGENT_SRC) -lcmocka

unit: $(UNIT_BIN)

capture-kernel:
	capture-kernel/build.sh --out $(B)/capture

initramfs: $(B)/dumpagent
	initramfs/build.sh --config $(CONFIG) --agent $(B)/dumpagent --output $(B)/capture/initramfs.img

check: all unit capture-kernel initramfs
	tests/run

demo: all capture-kernel
	tests/qemu/demo.sh

clean:
	rm -rf $(B)/obj $(B)/unit $(B)/dumpagent

-include $(wildcard $(B)/obj/*.d)
