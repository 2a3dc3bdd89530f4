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

best cat cat_all; cat_ms=$ms
best load "$FS_BIN" tree "$proj"; load_ms=$ms
best save "$FS_BIN" save "$proj"; save_ms=$ms
best saveto save_to; saveto_ms=$ms

ratio() { awk -v a="$1" -v b="$cat_ms" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
echo "project: 50 connectors x 20 design documents x 5 views, $nfiles files, $bytes bytes"
printf '%-40s %9s ms\n' "cat of the files" "$cat_ms"
printf '%-40s %9s ms  %6sx cat\n' "load (fsstudio tree)" "$load_ms" "$(ratio "$load_ms")"
printf '%-40s %9s ms  %6sx cat\n' "load + save, no change (fsstudio save)" "$save_ms" "$(ratio "$save_ms")"
printf '%-40s %9s ms  %6sx cat\n' "load + write all (fsstudio save --to)" "$saveto_ms" "$(ratio "$saveto_ms")"
if diff -r "$proj" "$tmp/out" >/dev/null; then
	echo "round trip: save --to wrote the same bytes"
else
	echo "round trip: save --to wrote DIFFERENT files"; exit 1
fi
