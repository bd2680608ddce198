# tests/shell/agent-prologue.sh: the opening of the shell tests that run the built agent.
#
# Sourced after the test has set REPO. Sets AGENT, MK (the dump directory
# fixture maker), T (a temporary directory, removed on exit) and failed, and
# defines ok, bad and check, which report TAP-like lines. Ends the test when
# the agent is not built.
# shellcheck shell=sh disable=SC2034 # the variables are the caller's
AGENT=$REPO/build/dumpagent
MK="python3 $REPO/tests/fixtures/mkdumpdir.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0
[ -x "$AGENT" ] || { echo "not ok - $AGENT missing: run make"; exit 1; }
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failed=1; }
# check NAME COND-STATUS DETAIL
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1: $3"; fi; }
