# History benchmark: fsstudio log of one view over a generated repository of
# 2,000 commits, next to git log on the same file (see bench_history.c).
set -eu
: "${FS_BUILDDIR:=$PWD}"
"$FS_BUILDDIR/tests/bench/bench_history" "${FS_BENCH_COMMITS:-2000}"
