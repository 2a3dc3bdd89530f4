# Local runner benchmark (issue 13): a map over 100,000 documents run by
# `fsstudio run` against pouchdb-server building the same view from the same
# documents (the first query after the upload). Goals: the runner in at most
# 0.5x the server's time, its peak memory under 50 MB. FS_BENCH_DOCS changes
# the number of documents.
set -eu
: "${FS_SRCDIR:?}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup bench_runner 1
n=${FS_BENCH_DOCS:-100000}
view=inspections/visits/by_site
cp -R "$FS_SRCDIR/projects/sample" "$tmp/p"
node "$FS_SRCDIR/tests/lib/gen_docs.js" "$n" plain >"$tmp/docs.ndjson"

# local: map, sort by ICU collation, answer (the whole view is built)
t0=$(now)
"$FS_BIN" run "$tmp/p" $view --docs "$tmp/docs.ndjson" reduce=false limit=1 --stats >/dev/null 2>"$tmp/stats"
t1=$(now)
local_ms=$(( (t1 - t0) / 1000000 ))
peak_kb=$(sed -n 's/.*peak memory \([0-9]*\) kB.*/\1/p' "$tmp/stats")

bin=${FSSTUDIO_POUCHDB:-$HOME/.cache/fsstudio/pouchdb}/node_modules/.bin/pouchdb-server
if [ ! -x "$bin" ]; then
	echo "pouchdb-server not installed: local only"
	echo "runner: $n documents in $local_ms ms, peak memory $((peak_kb / 1024)) MB (goal < 50 MB)"
	exit 0
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$tmp" && exec "$bin" -o 127.0.0.1 -p "$port" --in-memory >server.out 2>&1) &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
url=http://127.0.0.1:$port
until curl -fsS -m 1 "$url/" >/dev/null 2>&1; do sleep 0.1; done
"$FS_BIN" deploy "$tmp/p" --server "$url" >/dev/null 2>&1
split -l 5000 "$tmp/docs.ndjson" "$tmp/chunk."
for c in "$tmp"/chunk.*; do
	{ printf '{"docs":['; paste -sd, "$c"; printf ']}'; } >"$c.json"
	curl -fsS -H 'Content-Type: application/json' -d @"$c.json" "$url/inspections/_bulk_docs" >/dev/null
done
t0=$(now)
curl -fsS -m 3600 "$url/inspections/_design/visits/_view/by_site?reduce=false&limit=1" >/dev/null
t1=$(now)
server_ms=$(( (t1 - t0) / 1000000 ))
echo "map over $n documents: runner $local_ms ms, pouchdb-server first query $server_ms ms"
awk -v l="$local_ms" -v s="$server_ms" 'BEGIN { printf "ratio runner/server %.2f (goal <= 0.5)\n", l / s }'
echo "runner peak memory $((peak_kb / 1024)) MB (goal < 50 MB)"
