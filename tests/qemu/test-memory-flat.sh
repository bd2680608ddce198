#!/bin/sh
# tests/qemu/test-memory-flat.sh: the agent's peak RSS does not grow with the crashed machine's RAM.
#
# Captures a 512 MB and a 2 GB guest; the agent logs its own peak RSS (and
# makedumpfile's), which must agree within 5% between the two.
set -eu
. "$(dirname -- "$0")/lib.sh"

peak() { # MEM: sets RSS_AGENT and RSS_MDF from a full capture of a MEM guest
	qemu_setup "memory-$1"
	QEMU_MEM=$1 DISK_ARGS='' panic_scenario
	grep -q "dumpagent: capture complete" "$SERIAL" || fail "$1 guest: the capture did not complete"
	line=$(tr -d '\r' <"$SERIAL" | grep '^dumpagent: peak RSS: agent ' | tail -n 1)
	RSS_AGENT=$(echo "$line" | sed -n 's/.*agent \([0-9]*\) KiB.*/\1/p')
	RSS_MDF=$(echo "$line" | sed -n 's/.*makedumpfile \([0-9]*\) KiB.*/\1/p')
	[ -n "$RSS_AGENT" ] && [ "$RSS_AGENT" -gt 0 ] || fail "$1 guest: no peak RSS in the log: '$line'"
}

peak 512M
small=$RSS_AGENT small_mdf=$RSS_MDF
peak 2G
big=$RSS_AGENT big_mdf=$RSS_MDF
TEST_NAME=memory-flat
# |big - small| <= 5% of small
diff=$((big > small ? big - small : small - big))
[ $((diff * 100)) -le $((small * 5)) ] ||
	fail "agent peak RSS grew with RAM: $small KiB at 512 MB, $big KiB at 2 GB"
pass "agent peak RSS $small KiB (512 MB guest) vs $big KiB (2 GB); makedumpfile $small_mdf vs $big_mdf KiB"
