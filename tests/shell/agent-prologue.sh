# tests/shell/agent-prologue.sh: the opening of the shell tests that run the built agent.
#
# Sourced after the test has set REPO. Sources lib.sh (T, failed, ok, bad,
# check, same, need, die, finish), sets AGENT and MK (the dump directory
# fixture maker), and ends the test when the agent is not built.
# shellcheck shell=sh disable=SC2034 # the variables are the caller's
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
AGENT=$REPO/build/dumpagent
MK="python3 $REPO/tests/fixtures/mkdumpdir.py"
[ -x "$AGENT" ] || die "$AGENT missing: run make"
