# shellcheck shell=sh
# tests/shell/run-cases.sh: runs the loader tests' cases under dash and busybox sh (sourced).
#
# The caller defines setup, case_NAME for every NAME in $CASES, and failed=0;
# a case records problems by appending lines to $errs. Returns 0 when all passed.
# The cases in $DASH_ONLY run under dash alone (the caller says why).
# TEST_CASES="NAME..." runs only those (while working on one).
run_cases() {
	for c in ${TEST_CASES:-$CASES}; do
		shells='dash busybox'
		case " ${DASH_ONLY:-} " in *" $c "*) shells=dash ;; esac
		for SH in $shells; do
			[ "$SH" = dash ] || SH='busybox sh'
			setup
			errs=''
			# A name without its function must fail, not pass as an empty case.
			if command -v "case_$c" >/dev/null 2>&1; then
				"case_$c"
			else
				errs="no function case_$c for the case $c in CASES
"
			fi
			if [ -z "$errs" ]; then
				echo "ok - $c ($SH)"
			else
				echo "not ok - $c ($SH)"
				printf '%s' "$errs" | sed 's/^/#   /'
				failed=$((failed + 1))
			fi
		done
	done
	[ "$failed" = 0 ] || echo "$failed case(s) failed"
	[ "$failed" = 0 ]
}
