# Studio startup benchmark: time from start to the first full frame on a
# generated project of 1,000 design documents (1 connector x 1000 x 5 views),
# and peak memory, next to `cat` of its files. The studio runs in scripted
# mode (virtual 120x40 screen, no keys: it draws one frame and leaves), so the
# figure is load + tree + details + one frame + exit. Best of $FS_BENCH_RUNS.
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup fsbench-ui 5
bench_project 1 1000 5

studio() {
	env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
		FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP="$tmp/screen.txt" "$FS_BIN" "$proj"
}
load_only() { "$FS_BIN" tree "$proj"; }
best cat_all; cat_ms=$ms
best load_only; load_ms=$ms
best studio; ui_ms=$ms
grep -q "ddoc_0" "$tmp/screen.txt" || { echo "the first frame does not show the design documents"; exit 1; }
kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
ui_kb=$(kb env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
	FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP=/dev/null "$FS_BIN" "$proj")
cat_kb=$(kb sh -c "find '$proj' -type f -exec cat {} +")

echo "project: 1 connector x 1000 design documents x 5 views, $nfiles files, $bytes bytes"
printf '%-44s %9s ms\n' "cat of the files" "$cat_ms"
printf '%-44s %9s ms  %6sx cat\n' "load alone (fsstudio tree, for reference)" "$load_ms" "$(ratio "$load_ms")"
printf '%-44s %9s ms  %6sx cat\n' "studio: start to first full frame" "$ui_ms" "$(ratio "$ui_ms")"
printf '%-44s %9s KB  (cat: %s KB, files: %s KB)\n' "studio: peak memory (max RSS)" "$ui_kb" "$cat_kb" "$((bytes / 1024))"
