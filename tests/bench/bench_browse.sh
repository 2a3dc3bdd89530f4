# Browse benchmark: first page of a 100,000-document database next to a
# 100-document one, a deep page by key against by skip, heap while paging
# (see bench_browse.c). FS_BENCH_DOCS changes the size of the big database.
set -eu
: "${FS_BUILDDIR:=$PWD}"
"$FS_BUILDDIR/tests/bench/bench_browse" "${FS_BENCH_DOCS:-100000}"
