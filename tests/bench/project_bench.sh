# Project benchmark: load and save of a generated project with 50 connectors
# x 20 design documents x 5 views (the real format), next to `cat` of the same
# files. Prints the best of $FS_BENCH_RUNS runs (default 5) and the ratios.
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup fsbench 5
bench_project 50 20 5

save_to() { rm -rf "$tmp/out"; "$FS_BIN" save "$proj" --to "$tmp/out"; }
# Each run sets a different text, so that each one writes the file.
edits=0
edit_one() {
	edits=$((edits + 1))
	printf 'function (doc) {\n    emit(doc._id, %d);\n}\n' "$edits" |
		"$FS_BIN" set "$proj" db_25/ddoc_10/view_2/map --file - 2>/dev/null
}

best cat_all; cat_ms=$ms
best "$FS_BIN" tree "$proj"; load_ms=$ms
best "$FS_BIN" save "$proj"; save_ms=$ms
best save_to; saveto_ms=$ms
# The generator writes what the writer writes: save --to gives the same bytes.
diff -r "$proj" "$tmp/out" >/dev/null || { echo "round trip: save --to wrote DIFFERENT files"; exit 1; }
cp -R "$proj" "$tmp/pristine"
best edit_one; edit_ms=$ms
changed=$(diff -r "$tmp/pristine" "$proj" | grep -c '^[<>]')

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
