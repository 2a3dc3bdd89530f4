#!/bin/sh
# Function editor benchmark: the cost of one keystroke (its edit, the model
# update, the incremental reparse, the syntax and domain checks, the spans of
# the damaged rows and one frame) in a map function of 300 and of 3,000
# lines, typing in its middle. Scripted mode (virtual 120x40 screen) draws a
# frame after every key and checks at every frame (no pause timer there), so
# this is the upper bound of typing; figure = (run with keys - run without)
# / keys, best of $FS_BENCH_RUNS.
set -eu
: "${FS_BIN:=$PWD/fsstudio}"
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
runs=${FS_BENCH_RUNS:-3}
nkeys=${FS_BENCH_KEYS:-200}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fsbench-editor-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
conn=_c8oProject/connectors/inspections.yaml

# the sample with by_site's map grown by n lines
project() {
	cp -R "$FS_SRCDIR/projects/sample" "$tmp/p$1"
	awk -v n="$1" '{ print } /^          "by_site": \{$/ { f = 1 }
		f && /"map": "function \(doc\) \{\\n$/ {
			for (i = 0; i < n; i++) printf "          var x%d = doc.a + %d; // line %d\\n\n", i, i, i; f = 0 }' \
		"$FS_SRCDIR/projects/sample/$conn" > "$tmp/p$1/$conn"
}
ms_of() {
	best=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(date +%s%N)
		(cd "$1" && env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
			FSSTUDIO_TEST_KEYS="$2" "$FS_BIN" . > "$tmp/screen.txt")
		t1=$(date +%s%N)
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = (b - a) / 1e6;
			if (m == "" || d < m) m = d; printf "%.1f", m }')
		i=$((i + 1))
	done
	echo "$best"
}
keys=$(awk -v n="$nkeys" 'BEGIN { for (i = 0; i < n; i++) printf "%c", 97 + i % 26 }')
for n in 300 3000; do
	project $n
	open="/by_site<Enter><Esc>e<C-g>$((n / 2))<Enter><End>"
	base=$(ms_of "$tmp/p$n" "$open")
	typed=$(ms_of "$tmp/p$n" "$open$keys")
	grep -q "Edit inspections/visits/by_site/map" "$tmp/screen.txt" || { echo "the editor did not open"; exit 1; }
	awk -v n="$n" -v k="$nkeys" -v b="$base" -v t="$typed" 'BEGIN {
		printf "map of %5d lines: %6.2f ms per keystroke (%d keys: %.0f ms, opening alone %.0f ms)\n",
			n + 5, (t - b) / k, k, t, b }'
done
