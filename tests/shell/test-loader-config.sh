#!/bin/sh
# tests/shell/test-loader-config.sh: the loader reports the C parser's verdict on every config fixture, under dash and busybox sh.
#
# Each tests/fixtures/config/*.conf starts with "# expect: ok" or
# "# expect: LINE: MESSAGE" (test-config-agent.sh checks the agent against
# the same files). The loader has no parser: it asks the agent (arm-plan),
# and must say what the agent says, with exit status 101.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
LOADER=$REPO/scripts/load-crashkernel.sh
AGENT=$REPO/build/dumpagent
FIXTURES=$REPO/tests/fixtures/config
count=0
need dash dash
need busybox busybox-static
[ -f "$LOADER" ] || die "$LOADER missing"
[ -x "$AGENT" ] || die "$AGENT missing: run make"

for f in "$FIXTURES"/*.conf; do
	[ -f "$f" ] || continue
	count=$((count + 1))
	expect=$(sed -n '1s/^# expect: //p' "$f")
	[ -n "$expect" ] || { bad "$(basename "$f"): no '# expect: ' first line"; continue; }
	for sh in dash "busybox sh"; do
		# shellcheck disable=SC2086 # "busybox sh" is two words
		out=$(DUMPAGENT_AGENT=$AGENT $sh "$LOADER" --check-config --config "$f" 2>&1)
		rc=$?
		if [ "$rc" = 0 ] && [ "$out" = "load-crashkernel: $f: ok" ]; then
			got=ok
		elif [ "$rc" = 101 ]; then
			got=${out#"load-crashkernel: $f:"}
		else
			got="exit $rc: $out"
		fi
		same "$(basename "$f") ($sh)" "$expect" "$got"
	done
done
[ "$count" -ge 20 ] || die "only $count fixtures in $FIXTURES"
finish
