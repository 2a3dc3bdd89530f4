# Listener benchmark: documents per second through
#   fsstudio listen run --exec 'cat >/dev/null'     (one process per chunk)
#   fsstudio listen run --stream "$ACK"             (one process kept running)
# (the sample's SubmittedInspections view listener, chunk 20, every document
# matching) against a bare read of the same feed (_changes with
# include_docs, what any consumer must at least read), on a pouchdb-server.
# Goal: at least 0.5x of the raw feed rate. FS_BENCH_DOCS sets the size.
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup bench-listen 1
docs=${FS_BENCH_DOCS:-5000}
bin=${FSSTUDIO_POUCHDB:-$HOME/.cache/fsstudio/pouchdb}/node_modules/.bin/pouchdb-server
if [ ! -x "$bin" ]; then
	echo "listen: pouchdb-server not installed, skipped"
	exit 0
fi
PY=$(python3 -c 'import sys; print(sys.executable)')
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
(cd "$tmp" && exec "$bin" -o 127.0.0.1 -p "$port" --in-memory >server.out 2>&1) &
spid=$!
run_pid=
stop_all() {
	[ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
	kill "$spid" 2>/dev/null; pkill -P "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap stop_all EXIT
i=0
until curl -fsS -m 1 -o /dev/null "$url/" 2>/dev/null; do i=$((i + 1)); [ $i -lt 200 ] || exit 1; sleep 0.05; done

proj=$tmp/FieldInspections
cp -r "$FS_SRCDIR/projects/sample" "$proj"
"$FS_BIN" deploy "$proj" --server "$url" >/dev/null
"$PY" - "$url" "$docs" <<'EOF'
import json, sys, urllib.request
url, n = sys.argv[1], int(sys.argv[2])
for s in range(0, n, 1000):
    docs = [{"_id": "insp-%06d" % i, "type": "inspection", "status": "submitted", "site": "s%d" % (i % 50),
             "date": "2026-12-01", "~c8oAcl": "u%d" % (i % 7), "answers": {"q%d" % k: k for k in range(10)}}
            for i in range(s, min(s + 1000, n))]
    req = urllib.request.Request(url + "/inspections/_bulk_docs", json.dumps({"docs": docs}).encode(),
                                 {"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
EOF

# The view index is built before timing: a live server's index is current,
# and building it is the server's cost, not the listener's.
curl -fsS -o /dev/null "$url/inspections/_design/visits/_view/submitted?limit=1"

seq_of() { curl -fsS "$1" 2>/dev/null | sed -n 's/.*"\(update_\)\{0,1\}seq":\([0-9]*\).*/\2/p'; }
end=$(seq_of "$url/inspections")

# the best of 3 reads: one read is a single sample of a shared machine
raw_ms=
for i in 1 2 3; do
	t0=$(now)
	curl -fsS -o /dev/null "$url/inspections/_changes?since=0&include_docs=true"
	t1=$(now)
	ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')
	[ -n "$raw_ms" ] && [ "$raw_ms" -le "$ms" ] || raw_ms=$ms
done

ckpt=$url/inspections/_local/fsstudio-listener-FieldInspections-SubmittedInspections
# timed_run ARGS...: ms from the start of a first run (no checkpoint, at
# --since 0) to the delivery of the chunk that ends at the last change, in
# $run_ms, read from its --json events as they come (listen_timed.py: no
# polling, so no 100 ms steps nor a curl per poll in the figure); ARGS start
# with the delivery (--exec CMD or --stream CMD). The checkpoint is written
# beside the deliveries, and checked after each run.
timed_run() {
	rev=$(curl -fsS "$ckpt" 2>/dev/null | sed -n 's/.*"_rev":"\([^"]*\)".*/\1/p')
	[ -z "$rev" ] || curl -fsS -o /dev/null -X DELETE "$ckpt?rev=$rev"
	set -- $("$PY" "$FS_SRCDIR/tests/bench/listen_timed.py" "$end" "$FS_BIN" listen run "$proj" \
		SubmittedInspections --server "$url" --since 0 "$@")
	run_ms=$1 chunks=$2 exec_ms=$3
	[ "$run_ms" -ge 0 ] || { echo "listen run did not deliver the last change"; exit 1; }
	[ "$(seq_of "$ckpt")" = "$end" ] || { echo "the checkpoint is not at the end after a stop"; exit 1; }
}
EXEC='cat >/dev/null'
timed_run --exec "$EXEC"
one_ms=$run_ms one_chunks=$chunks one_exec=$exec_ms
timed_run --exec "$EXEC" --parallel 4
par_ms=$run_ms
timed_run --exec "$EXEC" --checkpoint-ms 500
ck_ms=$run_ms
# The cheapest acknowledgement measured here (a round trip of a 6 KB line,
# from Python): perl -p 64 us, mawk -W interactive 200 us, python3 340 us;
# sed -u reads a byte per system call (11 ms) and plain mawk waits for a
# full buffer (never answers); dash's `read` is byte at a time too.
ACK='perl -pe '\''BEGIN { $| = 1 } $_ = "ok\n"'\'
# best of 2 each, as the raw read
timed_run --stream "$ACK"
st_ms=$run_ms
timed_run --stream "$ACK"
[ "$st_ms" -le "$run_ms" ] || st_ms=$run_ms
timed_run --stream "$ACK" --parallel 2
st2_ms=$run_ms
timed_run --stream "$ACK" --parallel 2
[ "$st2_ms" -le "$run_ms" ] || st2_ms=$run_ms

# The floor of one-at-a-time delivery: starting the command itself (sh,
# then cat), as often as there are chunks, measured here and now.
t0=$(now)
i=0
while [ $i -lt 50 ]; do sh -c 'cat >/dev/null' </dev/null; i=$((i + 1)); done
t1=$(now)
spawn_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 / 50 }')

# The matching by the server's view query by keys (what `listen test` does;
# `listen run` runs the deployed map itself on the feed's documents).
t0=$(now)
"$FS_BIN" listen test "$proj" SubmittedInspections --server "$url" --since 0 --json >/dev/null
t1=$(now)
match_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')

# Where the time goes: one command per delivered chunk (sh -c, then its
# own processes); the checkpoint writes run beside the deliveries.
awk -v n="$docs" -v r="$raw_ms" -v l="$one_ms" -v m="$match_ms" -v c="$one_chunks" -v x="$one_exec" \
	-v p="$par_ms" -v s="$spawn_ms" -v k="$ck_ms" -v st="$st_ms" -v st2="$st2_ms" -v ack="perl -p" 'BEGIN {
	raw = n / (r > 0 ? r : 1) * 1000; run = n / (l > 0 ? l : 1) * 1000;
	printf "listen: %d documents, %d chunks of 20 delivered\n", n, c;
	printf "  bare _changes (include_docs) %8.0f docs/s  (%d ms)\n", raw, r;
	printf "  listen run --exec cat        %8.0f docs/s  (%d ms)\n", run, l;
	printf "  of which running the commands %d ms (%.1f ms a chunk; sh -c cat alone: %.1f ms)\n", x, x / (c > 0 ? c : 1), s;
	printf "  listen run --exec cat --parallel 4 %5.0f docs/s  (%d ms)\n", n / (p > 0 ? p : 1) * 1000, p;
	printf "  (matching by the server view query instead, as listen test does: %d ms)\n", m;
	printf "  ratio %.2fx of the raw feed rate (goal >= 0.5x)%s\n", run / raw, (run / raw >= 0.5) ? "" : "  BELOW GOAL";
	printf "  ratio with --parallel 4 %.2fx\n", n / (p > 0 ? p : 1) * 1000 / raw;
	printf "  ratio with --checkpoint-ms 500 %.2fx (%d ms)\n", n / (k > 0 ? k : 1) * 1000 / raw, k;
	printf "  (one at a time cannot beat %d chunks x %.1f ms of sh -c: %.2fx)\n", c, s, (c * s > 0) ? r / (c * s) : 0;
	sr = n / (st > 0 ? st : 1) * 1000;
	printf "  listen run --stream \"%s\" %8.0f docs/s  (%d ms: one process for the run)\n", ack, sr, st;
	printf "  ratio --stream %.2fx of the raw feed rate (goal >= 0.5x)%s\n", sr / raw, (sr / raw >= 0.5) ? "" : "  BELOW GOAL";
	printf "  ratio --stream --parallel 2 %.2fx (%d ms)\n", n / (st2 > 0 ? st2 : 1) * 1000 / raw, st2;
}'
