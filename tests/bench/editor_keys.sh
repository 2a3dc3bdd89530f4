#!/bin/sh
# Function editor benchmark: the cost of one keystroke, end to end (its
# edit, the frame with the rows it damaged, what runs at the pause after
# typing: the reparse, the checks, the model update), in a map function of
# 305 and of 3,005 lines, typing in its middle. Goal: under 1 ms a key.
#
# Scripted mode (virtual 120x40 screen) draws a frame after every key and
# takes the pause after typing at its last key, so the pause's cost is
# spread over the keys typed. Two figures:
#   ms     (run with keys - run without) / keys, wall clock, best of
#          $FS_BENCH_RUNS: depends on the machine's load;
#   instr  the same in instructions counted by callgrind ($FS_BENCH_CG_KEYS
#          keys; skipped without valgrind): repeatable, what to compare
#          between two builds.
# FS_BENCH_BEFORE=/path/to/an/older/fsstudio measures it too, with ratios.
set -eu
: "${FS_BIN:=$PWD/fsstudio}"
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
runs=${FS_BENCH_RUNS:-3}
nkeys=${FS_BENCH_KEYS:-200}
cgkeys=${FS_BENCH_CG_KEYS:-40}
before=${FS_BENCH_BEFORE:-}
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
# run BIN DIR KEYS [WRAPPER...]: the studio in scripted mode
run() {
	bin=$1 dir=$2 k=$3
	shift 3
	(cd "$dir" && env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
		FSSTUDIO_TEST_KEYS="$k" "$@" "$bin" . > "$tmp/screen.txt")
}
ms_of() {
	best=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(date +%s%N)
		run "$1" "$2" "$3"
		t1=$(date +%s%N)
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = (b - a) / 1e6;
			if (m == "" || d < m) m = d; printf "%.1f", m }')
		i=$((i + 1))
	done
	echo "$best"
}
instr_of() {
	run "$1" "$2" "$3" valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" 2>/dev/null
	awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out"
}
keys() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%c", 97 + i % 26 }'; }

# per_key BIN DIR OPEN: "ms instr" for one keystroke
per_key() {
	base=$(ms_of "$1" "$2" "$3")
	typed=$(ms_of "$1" "$2" "$3$(keys "$nkeys")")
	grep -q "Edit inspections/visits/by_site/map" "$tmp/screen.txt" || { echo "the editor did not open" >&2; exit 1; }
	ms=$(awk -v b="$base" -v t="$typed" -v k="$nkeys" 'BEGIN { printf "%.3f", (t - b) / k }')
	instr=-
	if command -v valgrind >/dev/null 2>&1; then
		i0=$(instr_of "$1" "$2" "$3")
		i1=$(instr_of "$1" "$2" "$3$(keys "$cgkeys")")
		instr=$(awk -v a="$i0" -v b="$i1" -v k="$cgkeys" 'BEGIN { printf "%.0f", (b - a) / k }')
	fi
	echo "$ms $instr"
}

for n in 300 3000; do
	project $n
	open="/by_site<Enter><Esc>e<C-g>$((n / 2))<Enter><End>"
	set -- $(per_key "$FS_BIN" "$tmp/p$n" "$open")
	awk -v n="$n" -v ms="$1" -v ins="$2" 'BEGIN {
		printf "map of %5d lines: %6.3f ms per keystroke (goal: under 1 ms: %s)", n + 5, ms, ms < 1 ? "met" : "NOT met";
		if (ins != "-") printf ", %.2fM instructions", ins / 1e6; printf "\n" }'
	if [ -n "$before" ]; then
		ms=$1 ins=$2
		set -- $(per_key "$before" "$tmp/p$n" "$open")
		awk -v ms="$ms" -v ins="$ins" -v bms="$1" -v bin="$2" 'BEGIN {
			printf "          before: %6.3f ms per keystroke (now %.2fx)", bms, ms / bms;
			if (bin != "-") printf ", %.2fM instructions (now %.2fx)", bin / 1e6, ins / bin; printf "\n" }'
	fi
done
