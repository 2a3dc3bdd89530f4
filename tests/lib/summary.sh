#!/bin/sh
# Sums the automake test logs of the given build folders, prints every failure
# with the end of its log, and ends with "N passed, N failed, N skipped".
passed=0 failed=0 skipped=0
for dir in "$@"; do
	log="$dir/test-suite.log"
	[ -f "$log" ] || { echo "no test-suite.log in $dir"; failed=$((failed + 1)); continue; }
	for trs in $(find "$dir/tests" -name '*.trs' 2>/dev/null); do
		p=$(grep -c '^:test-result: PASS' "$trs"); x=$(grep -c '^:test-result: XFAIL' "$trs")
		f=$(grep -c '^:test-result: FAIL' "$trs"); xp=$(grep -c '^:test-result: XPASS' "$trs")
		e=$(grep -c '^:test-result: ERROR' "$trs"); s=$(grep -c '^:test-result: SKIP' "$trs")
		passed=$((passed + p + x)); failed=$((failed + f + xp + e)); skipped=$((skipped + s))
		if [ $((f + xp + e)) -gt 0 ]; then
			echo "---- FAILED in $trs:"
			grep -E '^:test-result: (FAIL|ERROR|XPASS)' "$trs" | head -20
			tail -n 40 "${trs%.trs}.log"
		fi
	done
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
