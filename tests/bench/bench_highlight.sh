# Highlight benchmark, counted in instructions with callgrind (repeatable):
#   full highlight of a generated 5,000-line JavaScript file next to a bare
#   ts_parser_parse of it (goal: <= 1.5x), and one keystroke in the middle of
#   it (edit + incremental reparse + highlight of a 50-row screen; goal:
#   <= 5% of the full highlight). Only bench_run() is counted. Then the
#   share of tree-sitter's query cursor alone: with our query, and with a
#   one-pattern query that still visits every node.
set -eu
: "${FS_BUILDDIR:=$PWD}"
prog=$FS_BUILDDIR/tests/bench/bench_highlight
lines=${FS_BENCH_LINES:-5000}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench_highlight: valgrind not found (apt-get install valgrind): skipped"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fsbench-hl-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# count MODE: instructions of bench_run() in that mode.
count() {
	valgrind --tool=callgrind --toggle-collect=bench_run \
		--callgrind-out-file="$tmp/$1.out" "$prog" "$1" "$lines" >"$tmp/$1.log" 2>&1 ||
		{ cat "$tmp/$1.log" >&2; exit 1; }
	awk '/^(summary|totals):/ { print $2; exit }' "$tmp/$1.out"
}

parse=$(count parse)
full=$(count full)
key=$(count key)
cursor=$(count cursor)
floor=$(count floor)
awk -v p="$parse" -v f="$full" -v k="$key" -v n="$lines" -v c="$cursor" -v z="$floor" 'BEGIN {
	printf "parse of %d lines            %12d instructions\n", n, p
	printf "full highlight (parse+query) %12d instructions  %.2fx parse  (goal <= 1.50x) %s\n",
		f, f / p, f / p <= 1.5 ? "ok" : "OVER"
	printf "  of which the query and spans %10d instructions  %.2fx parse\n", f - p, (f - p) / p
	printf "one keystroke + 50-row screen %11d instructions  %.2f%% of full (goal <= 5%%) %s\n",
		k, 100 * k / f, k / f <= 0.05 ? "ok" : "OVER"
	print "where the query time goes (tree-sitter 0.20 query cursor over the whole tree):"
	printf "  cursor alone, our query      %12d instructions  %.2fx parse (matches read, nothing done)\n",
		c - p, (c - p) / p
	printf "  cursor alone, one root pattern %10d instructions  %.2fx parse (visiting the nodes)\n",
		z - p, (z - p) / p
}'
