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

# The one table of exit statuses, dumpagent/exit_codes.h, is printed by
# dumpagent --help (same numbers, same words, same order) and by dumpagent(8)
# (same numbers, same order); load-crashkernel(8) uses only numbers of it, and
# every one that dumpagent(8) marks as load-crashkernel's.
codes_of_page() { # PAGE: the ".B N" of its EXIT STATUS section
	awk '/^\.SH /{ in_exit = ($0 ~ /^\.SH EXIT STATUS/) } in_exit && /^\.B [0-9]+$/ { print $2 }' "$1"
}
table=$(sed -n 's/^#define EXIT_[A-Z_]* *\([0-9][0-9]*\) *\/\* \(.*\) \*\/$/\1 \2/p' "$REPO/dumpagent/exit_codes.h")
help_table=$("$REPO/build/dumpagent" --help | sed -n '/^exit status/,/^$/s/^  \([0-9][0-9]*\)  *\(.*\)/\1 \2/p')
if [ -n "$table" ] && [ "$help_table" = "$table" ]; then
	ok "dumpagent --help prints the table of exit_codes.h"
else
	bad "dumpagent --help's exit statuses differ from exit_codes.h: expected
$table
     got
$help_table"
fi
numbers=$(printf '%s\n' "$table" | cut -d' ' -f1)
page_numbers=$(codes_of_page "$REPO/docs/man/dumpagent.8")
if [ "$page_numbers" = "$numbers" ]; then
	ok "dumpagent(8) lists the exit statuses of exit_codes.h"
else
	bad "dumpagent(8) EXIT STATUS differs from exit_codes.h: expected $(printf '%s\n' "$numbers" | tr '\n' ' '), got $(printf '%s\n' "$page_numbers" | tr '\n' ' ')"
fi
loader_page=$REPO/docs/man/load-crashkernel.8
loader_numbers=$(codes_of_page "$loader_page")
for n in $loader_numbers; do
	printf '%s\n' "$numbers" | grep -qx "$n" || bad "load-crashkernel(8): exit status $n is not in exit_codes.h"
done
# the loader's own numbers: the .TP entries of dumpagent(8) that say load-crashkernel
marked=$(awk '/^\.SH /{ in_exit = ($0 ~ /^\.SH EXIT STATUS/) } in_exit && /^\.B [0-9]+$/ { n = $2; next }
	in_exit && n != "" && /^load\\-crashkernel:/ { print n } { if (!/^\.B /) n = "" }' "$REPO/docs/man/dumpagent.8")
[ -n "$marked" ] || bad "dumpagent(8) marks no exit status as load-crashkernel's"
for n in $marked; do
	printf '%s\n' "$loader_numbers" | grep -qx "$n" ||
		bad "load-crashkernel(8) does not list exit status $n, which dumpagent(8) says is load-crashkernel's"
done
exit "$failed"
