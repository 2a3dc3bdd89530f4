# "View as user" benchmark: one page of 100 of what a user owning 1% of
# 100,000 documents receives, old (every document read here) against _find
# without and with the index on ~c8oAcl, next to a plain page (see
# bench_viewas.c). FS_BENCH_DOCS changes the size of the database.
set -eu
: "${FS_BUILDDIR:=$PWD}"
"$FS_BUILDDIR/tests/bench/bench_viewas" "${FS_BENCH_DOCS:-100000}"
