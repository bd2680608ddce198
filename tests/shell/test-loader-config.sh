#!/bin/sh
# tests/shell/test-loader-config.sh: the loader's verdict on every config fixture, under dash and busybox sh.
#
# Each tests/fixtures/config/*.conf starts with "# expect: ok" or
# "# expect: LINE: MESSAGE" (test-config-agent.sh checks the C agent against
# the same files). A fixture whose verdict differs for the loader by design
# (a NUL byte, which a shell cannot see) says so on line 2: "# expect-loader: ...".
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
LOADER=$REPO/scripts/load-crashkernel.sh
FIXTURES=$REPO/tests/fixtures/config
failed=0
count=0

for prereq in dash busybox; do
	command -v "$prereq" >/dev/null 2>&1 || { echo "not ok - $prereq is not installed (apt-get install dash busybox-static)"; exit 1; }
done
[ -f "$LOADER" ] || { echo "not ok - $LOADER missing"; exit 1; }

for f in "$FIXTURES"/*.conf; do
	[ -f "$f" ] || continue
	count=$((count + 1))
	expect=$(sed -n '1s/^# expect: //p' "$f")
	loader_expect=$(sed -n '2s/^# expect-loader: //p' "$f")
	[ -z "$loader_expect" ] || expect=$loader_expect
	[ -n "$expect" ] || { echo "not ok - $(basename "$f"): no '# expect: ' first line"; failed=1; continue; }
	for sh in dash "busybox sh"; do
		# shellcheck disable=SC2086 # "busybox sh" is two words
		out=$($sh "$LOADER" --check-config --config "$f" 2>&1)
		rc=$?
		if [ "$rc" = 0 ] && [ "$out" = "load-crashkernel: $f: ok" ]; then
			got=ok
		elif [ "$rc" = 5 ]; then
			got=${out#"load-crashkernel: $f:"}
		else
			got="exit $rc: $out"
		fi
		if [ "$got" = "$expect" ]; then
			echo "ok - $(basename "$f") ($sh): $got"
		else
			echo "not ok - $(basename "$f") ($sh): expected '$expect', got '$got'"
			failed=1
		fi
	done
done
[ "$count" -ge 20 ] || { echo "not ok - only $count fixtures in $FIXTURES"; exit 1; }
exit "$failed"
