# Project benchmark: load and save of a generated project with 50 connectors
# x 20 design documents x 5 views (the real format), next to `cat` of the same
# files. Prints the best of $FS_BENCH_RUNS runs (default 5) and the ratios.
set -eu
: "${FS_BIN:=$PWD/fsstudio}"
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
runs=${FS_BENCH_RUNS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fsbench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
proj=$tmp/project

sh "$FS_SRCDIR/tests/bench/gen_project.sh" "$proj" 50 20 5
nfiles=$(find "$proj" -type f | wc -l)
bytes=$(find "$proj" -type f -exec cat {} + | wc -c)

now() { date +%s%N; }
# best NAME CMD...: the best wall time of CMD over $runs runs, in ms, in $ms.
best() {
	name=$1; shift
	ms=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now); "$@" >/dev/null; t1=$(now)
		ms=$(awk -v a="$t0" -v b="$t1" -v m="$ms" 'BEGIN { d = (b - a) / 1e6;
			if (m == "" || d < m) m = d; printf "%.2f", m }')
		i=$((i + 1))
	done
}
cat_all() { find "$proj" -type f -exec cat {} +; }
save_to() { rm -rf "$tmp/out"; "$FS_BIN" save "$proj" --to "$tmp/out"; }
# Each run sets a different text, so that each one writes the file.
edits=0
edit_one() {
	edits=$((edits + 1))
	printf 'function (doc) {\n    emit(doc._id, %d);\n}\n' "$edits" |
		"$FS_BIN" set "$proj" db_25/ddoc_10/view_2/map --file - 2>/dev/null
}

best cat cat_all; cat_ms=$ms
best load "$FS_BIN" tree "$proj"; load_ms=$ms
best save "$FS_BIN" save "$proj"; save_ms=$ms
best saveto save_to; saveto_ms=$ms
# The generator writes what the writer writes: save --to gives the same bytes.
diff -r "$proj" "$tmp/out" >/dev/null || { echo "round trip: save --to wrote DIFFERENT files"; exit 1; }
cp -R "$proj" "$tmp/pristine"
best edit edit_one; edit_ms=$ms
changed=$(diff -r "$tmp/pristine" "$proj" | grep -c '^[<>]')

ratio() { awk -v a="$1" -v b="$cat_ms" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
echo "project: 50 connectors x 20 design documents x 5 views, $nfiles files, $bytes bytes"
printf '%-40s %9s ms\n' "cat of the files" "$cat_ms"
printf '%-40s %9s ms  %6sx cat\n' "load (fsstudio tree)" "$load_ms" "$(ratio "$load_ms")"
printf '%-40s %9s ms  %6sx cat\n' "load + save, no change (fsstudio save)" "$save_ms" "$(ratio "$save_ms")"
printf '%-40s %9s ms  %6sx cat\n' "load + write all (fsstudio save --to)" "$saveto_ms" "$(ratio "$saveto_ms")"
echo "round trip: save --to wrote the same bytes"
if [ -x /usr/bin/time ]; then
	kb=$(/usr/bin/time -f %M "$FS_BIN" save "$proj" 2>&1 >/dev/null | tail -1)
	printf '%-40s %9s KB  (files: %s KB)\n' "peak memory of fsstudio save" "$kb" $((bytes / 1024))
fi
printf '%-40s %9s ms  %6sx cat  (%s lines changed)\n' "load + edit one map + save (set --file)" "$edit_ms" "$(ratio "$edit_ms")" "$changed"
