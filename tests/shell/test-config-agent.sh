#!/bin/sh
# tests/shell/test-config-agent.sh: the C agent's verdict on every config fixture.
#
# Each tests/fixtures/config/*.conf starts with "# expect: ok" or
# "# expect: LINE: MESSAGE"; the loader's test checks the same fixtures.
# shellcheck disable=SC2013 # the keys are single words
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"
count=0
for f in "$REPO"/tests/fixtures/config/*.conf; do
	[ -f "$f" ] || continue
	count=$((count + 1))
	expect=$(sed -n '1s/^# expect: //p' "$f")
	out=$("$AGENT" config check --config "$f" 2>&1)
	rc=$?
	case $rc in
	0) got=ok ;;
	101) got=${out#"dumpagent config check: $f:"} ;; # a configuration error
	*) got="exit $rc: $out" ;;
	esac
	if [ "$got" = "$expect" ]; then
		echo "ok - $(basename "$f"): $got"
	else
		echo "not ok - $(basename "$f"): expected '$expect', got '$out'"
		failed=1
	fi
done
# The built-in defaults are the values of the shipped config/dumpagent.conf.
for key in $(sed -n 's/^\([A-Z_]*\)=.*/\1/p' "$REPO/config/dumpagent.conf"); do
	builtin=$("$AGENT" config get "$key" --config /dev/null 2>&1)
	shipped=$("$AGENT" config get "$key" --config "$REPO/config/dumpagent.conf" 2>&1)
	if [ "$builtin" = "$shipped" ]; then
		echo "ok - default $key=$builtin matches config/dumpagent.conf"
	else
		echo "not ok - default $key is '$builtin', config/dumpagent.conf says '$shipped'"
		failed=1
	fi
done
[ "$count" -ge 10 ] || { echo "not ok - only $count fixtures in tests/fixtures/config"; exit 1; }
exit "$failed"
