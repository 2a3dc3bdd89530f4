# Shared by the shell benchmarks; sourced after `set -eu` and FS_SRCDIR:
#   bench_setup NAME RUNS   $runs (FS_BENCH_RUNS, else RUNS) and a temp folder
#                           $tmp, removed on exit
#   bench_project C D V     a generated project of C connectors x D design
#                           documents x V views in $tmp/project ($proj), with
#                           its $nfiles and $bytes
#   best CMD...             the best wall time of CMD over $runs runs, in ms,
#                           in $ms (the best, not the mean: noise only adds)
#   cat_all                 cat of the project's files, the yardstick
#   ratio MS                MS / $cat_ms, one decimal
: "${FS_BIN:=$PWD/fsstudio}"

bench_setup() {
	runs=${FS_BENCH_RUNS:-$2}
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
}

bench_project() {
	proj=$tmp/project
	sh "$FS_SRCDIR/tests/bench/gen_project.sh" "$proj" "$1" "$2" "$3"
	nfiles=$(find "$proj" -type f | wc -l)
	bytes=$(find "$proj" -type f -exec cat {} + | wc -c)
}

now() { date +%s%N; }

best() {
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

ratio() { awk -v a="$1" -v b="$cat_ms" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
