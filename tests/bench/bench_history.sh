# History benchmark: fsstudio log of one view over a generated repository of
# 2,000 commits, next to `git log --format=%H -- FILE` on its connector file
# (see bench_history.c): wall and CPU time, best of 5 runs, and the ratios
# (goal: at most 1.5). FS_BENCH_COMMITS changes the number of commits.
set -eu
: "${FS_BUILDDIR:=$PWD}"
"$FS_BUILDDIR/tests/bench/bench_history" "${FS_BENCH_COMMITS:-2000}"
