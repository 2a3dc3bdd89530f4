# Safety benchmark (issue 10): the lock and the on-disk checks of a `set` on
# a generated 7 MB project (50 connectors x 80 design documents x 5 views),
# next to the same edit saved without them (see bench_safety.c).
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FS_BUILDDIR:=$PWD}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup fssafety 7
bench_project 50 80 5
echo "project: 50 connectors x 80 design documents x 5 views, $nfiles files, $bytes bytes"
"$FS_BUILDDIR/tests/bench/bench_safety" "$proj" "$runs"
