#!/bin/sh
# tests/shell/test-docs.sh: man pages render cleanly; --help and man pages name the same exit codes.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
need man man-db

for page in "$REPO"/docs/man/*.[0-9]; do
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$warn" ] && ok "$(basename "$page") renders without warnings" ||
		bad "$(basename "$page"): $warn"
done

# Every exit status the program documents in --help is in its man page too.
check_codes() { # NAME HELP-TEXT PAGE
	for code in $(printf '%s\n' "$2" | sed -n 's/^ *\([0-9][0-9]*\) .*/\1/p; s/^exit status: \([0-9]*\) .*/\1/p; s/.*; \([0-9][0-9]*\) .*/\1/p'); do
		grep -qx ".B $code" "$3" || bad "$1: exit status $code of --help is not in $(basename "$3")"
	done
}
check_codes load-crashkernel "$(sh "$REPO/scripts/load-crashkernel.sh" --help)" "$REPO/docs/man/load-crashkernel.8"
check_codes dumpagent "$("$REPO/build/dumpagent" --help)" "$REPO/docs/man/dumpagent.8"
[ "$failed" = 0 ] && ok "exit statuses of --help are documented in the man pages"
exit "$failed"
