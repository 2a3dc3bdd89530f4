# Big project benchmark (issue 16): a generated project of about 7.6 MB, a
# FullSync part (10 connectors x 10 design documents x 5 views) beside a
# mobile application of realistic shape (55 pages of deep UI bean trees,
# gen_mobile.sh). Prints, as whole processes, the median of $FS_BENCH_RUNS
# runs (default 10): `cat` of the files, `fsstudio tree`, the studio to its
# first frame (scripted mode, as ui_startup.sh), their ratios to cat (goal:
# at most 3x) and their peak RSS against the goal 1.5 x the files + 10 MB.
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup fsbench-big 10
proj=$tmp/project
sh "$FS_SRCDIR/tests/bench/gen_project.sh" "$proj" 10 10 5
sh "$FS_SRCDIR/tests/bench/gen_mobile.sh" "$proj" 55 3 4
nfiles=$(find "$proj" -type f | wc -l)
bytes=$(find "$proj" -type f -exec cat {} + | wc -c)

# The median wall time of CMD over $runs runs, in ms, in $ms: the machine
# may be shared, and the median says what a user waits.
median() {
	i=0
	: >"$tmp/times"
	while [ $i -lt "$runs" ]; do
		t0=$(now); "$@" >/dev/null; t1=$(now)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }' >>"$tmp/times"
		i=$((i + 1))
	done
	ms=$(sort -n "$tmp/times" | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2);
		printf "%.2f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2 }')
}
studio() {
	env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
		FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP="$tmp/screen.txt" "$FS_BIN" "$proj"
}
load() { "$FS_BIN" tree "$proj"; }
kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

median cat_all; cat_ms=$ms
median load; tree_ms=$ms
median studio; ui_ms=$ms
grep -q "ddoc_0" "$tmp/screen.txt" || { echo "the first frame does not show the design documents"; exit 1; }
goal_kb=$((bytes * 3 / 2 / 1024 + 10240))

echo "project: 10 connectors x 10 design documents x 5 views + 55 mobile pages, $nfiles files, $bytes bytes"
printf '%-40s %9s ms\n' "cat of the files" "$cat_ms"
printf '%-40s %9s ms  %6sx cat  (goal: 3x)\n' "load (fsstudio tree)" "$tree_ms" "$(ratio "$tree_ms")"
printf '%-40s %9s ms  %6sx cat  (goal: 3x)\n' "studio: start to first full frame" "$ui_ms" "$(ratio "$ui_ms")"
if [ -x /usr/bin/time ]; then
	mkdir -p "$tmp/tiny"
	printf '\xe2\x86\x93t [core.Project]: \n' >"$tmp/tiny/c8oProject.yaml"
	printf '%-40s %9s KB  (goal: %s KB = 1.5 x files + 10 MB)\n' "peak memory of fsstudio tree" "$(kb "$FS_BIN" tree "$proj")" "$goal_kb"
	printf '%-40s %9s KB\n' "peak memory of the studio" "$(kb env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 \
		FSSTUDIO_TEST_SIZE=120x40 FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP=/dev/null "$FS_BIN" "$proj")"
	# what the processes take before any project byte: the libraries
	printf '%-40s %9s KB\n' "peak memory of tree, one-line project" "$(kb "$FS_BIN" tree "$tmp/tiny")"
	printf '%-40s %9s KB\n' "peak memory of studio, one-line project" "$(kb env HOME="$tmp" FSSTUDIO_CONFIG= \
		LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP=/dev/null "$FS_BIN" "$tmp/tiny")"
fi

# The same project in a git repository, as users keep it: the studio's first
# frame includes its git marks (scripted mode waits for them), clean and
# with one file changed (the marks then compare the HEAD model with the
# working tree's).
if command -v git >/dev/null 2>&1; then
	(cd "$proj" && git init -q && git add -A &&
		git -c user.name=bench -c user.email=bench@example.com commit -q -m bench) >/dev/null
	median studio; git_ms=$ms
	printf '%-40s %9s ms  %6sx cat  (goal: 3x)\n' "studio in git, clean tree" "$git_ms" "$(ratio "$git_ms")"
	if [ -x /usr/bin/time ]; then
		printf '%-40s %9s KB  (goal: %s KB)\n' "peak memory of the studio in git" "$(kb env HOME="$tmp" \
			FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 FSSTUDIO_TEST_KEYS= \
			FSSTUDIO_TEST_DUMP=/dev/null "$FS_BIN" "$proj")" "$goal_kb"
	fi
	one=$(find "$proj/_c8oProject/connectors" -name '*.yaml' | sort | head -1)
	sed -i '0,/emit(/s/emit(/emit( /' "$one"
	median studio; dirty_ms=$ms
	printf '%-40s %9s ms  %6sx cat\n' "studio in git, one file changed" "$dirty_ms" "$(ratio "$dirty_ms")"
	if [ -x /usr/bin/time ]; then
		printf '%-40s %9s KB\n' "peak memory, one file changed" "$(kb env HOME="$tmp" FSSTUDIO_CONFIG= \
			LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP=/dev/null \
			"$FS_BIN" "$proj")"
	fi
fi
