# `fsstudio listen run --stream CMD` against a real pouchdb-server: one
# command kept running gets one JSON line per chunk and answers one line
# (listen_stream.py records what it gets and the pid of each line). Exactly
# the matching documents, in chunks, cleaned, by ONE process; an answer
# other than ok, a command that exits or never answers: logged, retried by
# a fresh process, nothing lost, the checkpoint behind the undelivered
# chunk; --parallel 2: two processes at most; SIGTERM leaves no child.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"

couch_start || plan_skip "pouchdb-server not installed"
plan 28

t=$tap_tmp
PY=$(python3 -c 'import sys; print(sys.executable)')
data() { "$PY" "$FS_SRCDIR/tests/integration/listen_data.py" "$@"; }

P=$t/ws/FieldInspections
mkdir -p "$t/ws" && cp -r "$FS_SRCDIR/projects/sample" "$P"
"$FS_BIN" deploy "$P" --server "$COUCH_URL" >/dev/null || echo "deploy failed" >&2
data seed "$COUCH_URL" inspections 1000 || echo "seed failed" >&2
N=1000
L=SubmittedInspections
ck=$COUCH_URL/inspections/_local/fsstudio-listener-FieldInspections-$L
seq_of() { curl -fsS -m 5 "$1" 2>/dev/null | sed -n 's/.*"\(update_\)\{0,1\}seq":\([0-9]*\).*/\2/p'; }
caught_up() { end=$(seq_of "$COUCH_URL/inspections"); [ -n "$end" ] && [ "$(seq_of "$ck")" = "$end" ]; }

RUN_PID=
# run MODE ARGS...: a first run (no checkpoint) from 0, with a fresh record
# and state directory.
run() {
	mode=$1
	shift
	rev=$(curl -fsS "$ck" 2>/dev/null | sed -n 's/.*"_rev":"\([^"]*\)".*/\1/p')
	[ -z "$rev" ] || curl -fsS -o /dev/null -X DELETE "$ck?rev=$rev"
	rm -rf "$t/st" && mkdir "$t/st" && : >"$t/rec" && : >"$t/run.err"
	"$FS_BIN" listen run "$P" $L --server "$COUCH_URL" --since 0 --retry-max 300 \
		--stream "'$PY' '$FS_SRCDIR/tests/integration/listen_stream.py' '$t/rec' '$t/st' $mode" \
		"$@" >/dev/null 2>"$t/run.err" &
	RUN_PID=$!
}
# a stop that hangs (a child never reaped) is a failure, not a hung test
alive() { s=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }
run_gone() { ! alive "$RUN_PID"; }
run_stop() {
	[ -n "$RUN_PID" ] || return
	kill -TERM "$RUN_PID" 2>/dev/null
	poll run_gone || { echo "# listen run did not stop"; kill -9 "$RUN_PID"; }
	wait "$RUN_PID"
	rc=$?
	RUN_PID=
}
run_kill() { [ -n "$RUN_PID" ] && { kill -9 "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; RUN_PID=; }; }
at_exit run_kill
delivered() { data check "$t/rec" $N --exact --json-lines; }
pids() { cut -d' ' -f1 "$t/st/pids" | sort -u | wc -l; }
# every recorded process is gone (or a zombie of init's, dead)
all_gone() {
	for p in $(cut -d' ' -f1 "$t/st/pids" | sort -u); do
		! alive "$p" || return 1
	done
}

# (1) One process for the whole run, one line per chunk.
run ok
poll caught_up
check "stream: the listener catches up with the database" test $? = 0
run_stop
check_eq "stream: SIGTERM exits 0" 0 "$rc"
check_eq "stream: exactly the matching documents, in chunks of 20 changes at most, cleaned" "$L ok" "$(delivered)"
check_eq "stream: one process for the whole run" "1" "$(pids)"
check_eq "stream: one line per delivered chunk" "$(grep -c . "$t/rec")" "$(grep -c . "$t/st/pids")"
check_eq "stream: the line and the environment name the listener and the database" \
	"$L inspections $L inspections" "$(head -1 "$t/rec" | cut -d' ' -f1-2) $(head -1 "$t/st/pids" | cut -d' ' -f2-3)"
check_contains "stream: the log says the answer" "delivered, ok (" "$(cat "$t/run.err")"
check "stream: the process is gone after the run" all_gone

# (2) An answer other than ok: logged, retried, the checkpoint stays behind.
run fail
poll sh -c "[ \$(grep -c 'delivery failed, answered \"fail?not now\".*retrying' '$t/run.err') -ge 3 ]"
check "fail: an answer other than ok is a failed delivery, logged (sanitized) and retried" test $? = 0
check_eq "fail: the checkpoint stays before the undelivered chunk" 0 "$(seq_of "$ck")"
check_eq "fail: nothing recorded yet" 0 "$(grep -c . "$t/rec")"
touch "$t/st/go"
poll caught_up
check "fail: once the command answers ok, the listener catches up" test $? = 0
run_stop
check_eq "fail: then exactly the matching documents" "$L ok" "$(delivered)"
check_eq "fail: the same process throughout (it answered)" "1" "$(pids)"

# (3) The command exits after 2 chunks: a new one goes on, nothing lost.
run exit2
poll caught_up
check "exit: the listener catches up" test $? = 0
run_stop
check "exit: the chunk after the exit failed, with the exit status" \
	grep -Eq 'delivery failed, the command (closed its output|stopped reading) \(exit 0\) .*retrying' "$t/run.err"
check_eq "exit: exactly the matching documents, none lost" "$L ok" "$(delivered)"
check_eq "exit: a second process after the first one exited" "2" "$(pids)"

# (4) A command that never answers: --timeout, killed, a new one.
run silent --timeout 1000
poll caught_up
check "silent: the listener catches up" test $? = 0
run_stop
check_contains "silent: the timeout is logged and retried" "delivery failed, no answer within 1000 ms" "$(cat "$t/run.err")"
check_eq "silent: exactly the matching documents" "$L ok" "$(delivered)"
check "silent: the silent process was killed, no process left" all_gone

# (5) --parallel 2: two processes at most, kept across batches.
run ok --parallel 2
poll caught_up
run_stop
check_eq "parallel 2: exactly the matching documents" "$L ok" "$(delivered)"
check "parallel 2: at most 2 processes ($(pids))" test "$(pids)" -le 2

# (6) SIGTERM mid-run: the chunk in flight finishes, no child left (not
# even commands that outlive their input).
run stubborn --parallel 2
poll test -s "$t/rec"
sleep 0.5
run_stop
check_eq "SIGTERM mid-run: exit 0, with chunks still to deliver" "0 1" "$rc $(caught_up; echo $?)"
check "SIGTERM mid-run: no process left ($(pids) started)" all_gone
check_eq "SIGTERM mid-run: the chunks delivered so far are right, each once" "" \
	"$(data check "$t/rec" $N --json-lines --exact | grep -Eo 'unexpected|twice|chunk of|not cleaned')"

# (7) A server that answers every longpoll at once with no change (a proxy
# with a short idle timeout does): the runner waits before asking again
# (1 s, then 2 s...) instead of asking as fast as it is answered.
mkdir -p "$t/liar"
"$PY" "$FS_SRCDIR/tests/integration/listen_liar.py" "$t/liar" "$COUCH_URL" &
LIAR=$!
liar_stop() { kill "$LIAR" 2>/dev/null; }
at_exit liar_stop
poll test -s "$t/liar/port"
rm -rf "$t/st" && mkdir "$t/st"
"$FS_BIN" listen run "$P" $L --server "http://127.0.0.1:$(cat "$t/liar/port")" --since now \
	--stream "'$PY' '$FS_SRCDIR/tests/integration/listen_stream.py' '$t/rec' '$t/st' ok" \
	>/dev/null 2>"$t/run.err" &
RUN_PID=$!
poll test -s "$t/liar/longpolls"
sleep 3.5
run_stop
n=$(cat "$t/liar/longpolls")
check "a server answering longpolls at once: asked $n times in 3.5 s, not as fast as it answers" test "$n" -le 6
liar_stop
done_testing
