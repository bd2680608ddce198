#!/bin/sh
# tests/lint.sh: shellcheck, and dash -n, over every shell script of the tree (make lint).
#
# A shell script is a file whose first line is a #! line naming sh or bash, or
# a sourced file with "# shellcheck shell=sh" in its first ten lines; no list
# to keep up to date. The files are git's (tracked, and new ones not ignored)
# or, outside a git checkout, everything but build/ and debian/'s build output.
# Sourced files are resolved from the repository root (source=tests/...) or
# from the script's own directory (. "$(dirname "$0")/lib.sh").
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$REPO" || exit 1
command -v shellcheck >/dev/null 2>&1 || { echo "lint: shellcheck is missing: apt-get install shellcheck" >&2; exit 1; }
command -v dash >/dev/null 2>&1 || { echo "lint: dash is missing: apt-get install dash" >&2; exit 1; }

files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard
	else
		find . \( -path ./.git -o -path ./build -o -path ./debian/dumpagent -o -path ./debian/.debhelper \) \
			-prune -o -type f -print | sed 's|^\./||'
	fi
}

# is_shell FILE: a #! line with sh or bash, or the directive of a sourced file.
is_shell() {
	case $(head -n 1 -- "$1" 2>/dev/null | tr -d '\0') in
	'#!'*/sh | '#!'*/sh' '* | '#!'*/bash | '#!'*/bash' '* | '#!'*'env sh'* | '#!'*'env bash'*) return 0 ;;
	esac
	head -n 10 -- "$1" 2>/dev/null | tr -d '\0' | grep -q '^# shellcheck shell='
}

list=$(files | LC_ALL=C sort | while IFS= read -r f; do
	[ -f "$f" ] && [ ! -L "$f" ] && is_shell "$f" && printf '%s\n' "$f"
done)
[ -n "$list" ] || { echo "lint: no shell scripts found in $REPO" >&2; exit 1; }

status=0
if printf '%s\n' "$list" | grep -q '[[:space:]]'; then
	echo "lint: a script's name has a blank: $(printf '%s\n' "$list" | grep '[[:space:]]')" >&2
	exit 1
fi
# Split over the CPUs (shellcheck is most of make check-fast's lint time);
# one line per finding, which stays readable when the outputs interleave.
printf '%s\n' "$list" | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 8 \
	shellcheck -x -P SCRIPTDIR -f gcc || status=1
for f in $list; do
	case $(head -n 1 -- "$f") in
	*bash*) ;;
	*) dash -n "$f" || { echo "lint: dash -n $f failed" >&2; status=1; } ;;
	esac
done
n=$(printf '%s\n' "$list" | wc -l)
if [ "$status" = 0 ]; then
	echo "lint: $n shell scripts pass shellcheck and dash -n (all but bash ones)"
else
	echo "lint: FAILED (shellcheck or dash -n above), over $n shell scripts" >&2
fi
exit "$status"
