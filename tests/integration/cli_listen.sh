# `fsstudio listen test|run` against a real pouchdb-server: 1,000 documents
# of mixed types, one listener of each class, a recording Convertigo target
# (listen_target.py) and an --exec command. Exactly the matching documents,
# in chunks of the listener's size, cleaned; deleted documents reach the
# delete listeners with their previous content. Faults: kill -9 x10 during
# writes of 2,000 documents, a target answering 500 or hanging, a server restart mid-feed.
# Also the `check` warnings about listeners.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"

couch_start || plan_skip "pouchdb-server not installed"
plan 46

t=$tap_tmp
# the interpreter itself: a version manager's shim costs seconds per call
PY=$(python3 -c 'import sys; print(sys.executable)')
data() { "$PY" "$FS_SRCDIR/tests/integration/listen_data.py" "$@"; }
jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The sample project, with a delete-view and a delete-filter listener.
P=$t/ws/FieldInspections
mkdir -p "$t/ws" && cp -r "$FS_SRCDIR/projects/sample" "$P"
F() { "$FS_BIN" "$@" >/dev/null || echo "setup failed: $*" >&2; }
F new "$P" inspections listener DelInsp --variant delete-view
F set "$P" inspections/DelInsp targetView FieldInspections.inspections.visits.submitted
F set "$P" inspections/DelInsp targetSequence FieldInspections.OnInspectionSubmitted
F set "$P" inspections/DelInsp chunk 5
F new "$P" inspections listener DelDefects --variant delete-filter
F set "$P" inspections/DelDefects targetFilter defects/reported
F set "$P" inspections/DelDefects targetSequence FieldInspections.OnDefectChanged
F set "$P" inspections/DelDefects chunk 7
F deploy "$P" --server "$COUCH_URL"

# ---- check ----
"$FS_BIN" check "$P" >"$t/out" 2>&1
check_eq "check: the four listeners are fine" "" "$(grep -i listener "$t/out" | grep -v '^[0-9]')"
cp -r "$P" "$t/ws/Copy"
F set "$t/ws/Copy" inspections/DelInsp chunk 0
F set "$t/ws/Copy" inspections/DelDefects targetSequence Other.OnDefectChanged
F set "$t/ws/Copy" inspections/DefectChanges targetFilter defects/nope
"$FS_BIN" check "$t/ws/Copy" >"$t/out" 2>&1
out=$(cat "$t/out")
check_contains "check: chunk 0 warns" "inspections/DelInsp: warning: chunk is 0: the listener is disabled" "$out"
check_contains "check: an unknown sequence warns" "Other.OnDefectChanged names no sequence of the workspace's projects" "$out"
check_contains "check: a missing filter warns" "targetFilter defects/nope names no filter" "$out"
cp -r "$P" "$t/ws/Other"
sed -i 's/^↓FieldInspections \[core.Project\]/↓Other [core.Project]/' "$t/ws/Other/c8oProject.yaml"
"$FS_BIN" check "$t/ws/Copy" >"$t/out" 2>&1
check_eq "check: a sequence of another project of the workspace is found" "" "$(grep Other.On "$t/out")"
rm -rf "$t/ws/Copy" "$t/ws/Other"

# ---- 1,000 documents ----
data seed "$COUCH_URL" inspections 1000 || echo "seed failed" >&2
N=1000

# ---- listen test ----
"$FS_BIN" listen test "$P" DelInsp --server "$COUCH_URL" --since 0 --json >"$t/del.json" 2>"$t/err"
check_eq "test (delete-view) exits 0" "0" "$?"
check_eq "test: the delete-view listener gets the submitted inspections deleted" \
	"$(data expect $N | jget '" ".join(d["DelInsp"])')" \
	"$(jget '" ".join(sorted(x["_id"] for c in d["chunks"] for x in c["docs"]))' <"$t/del.json")"
check_eq "test: with their previous content, cleaned" "True" \
	"$(jget 'all(x["status"] == "submitted" and x["_rev"].startswith("1-") and "~c8oAcl" not in x and "c8oGrp" in x for c in d["chunks"] for x in c["docs"])' <"$t/del.json")"
check_eq "test: chunks of 5 changes" "True" \
	"$(jget 'all(len(c["ids"]) == 5 for c in d["chunks"][:-1]) and 0 < len(d["chunks"][-1]["ids"]) <= 5 and len(d["chunks"]) == (d["changes"] + 4) // 5' <"$t/del.json")"
check_eq "test: live documents are not deleted, a deleted draft not emitted" \
	"not deleted|previous revision not emitted by the view" \
	"$(jget '"|".join(sorted({m["reason"] for c in d["chunks"] for m in c["unmatched"]} - {"design document"}))' <"$t/del.json")"

"$FS_BIN" listen test "$P" SubmittedInspections --server "$COUCH_URL" --last 200 >"$t/out" 2>"$t/err"
out=$(cat "$t/out")
check_contains "test --last: the header says the class, chunk and sequence" \
	"listener SubmittedInspections (view visits/submitted, chunk 20) on database inspections: 200 changes, 10 chunks" "$out"
check_contains "test: a non-match says why" "not emitted by the view (key doc._id)" "$out"
check_contains "test: a deleted document says so" ": deleted" "$out"
check_eq "test: delivered documents carry no owner" "" "$(grep '^  +' "$t/out" | grep c8oAcl)"

"$FS_BIN" listen test "$P" DefectChanges --server "$COUCH_URL" --ids defect-00002 site-00008 nothing-here --json >"$t/out" 2>"$t/err"
check_eq "test --ids: the filter keeps the defect, refuses the site, a missing id is said" \
	"defect-00002 site-00008:refused by the filter nothing-here" \
	"$(jget '" ".join([x["_id"] for c in d["chunks"] for x in c["docs"]] + [m["id"] + ":" + m["reason"] for c in d["chunks"] for m in c["unmatched"]] + d["missing"])' <"$t/out")"
"$FS_BIN" listen test "$P" Nope --server "$COUCH_URL" >"$t/out" 2>"$t/err"
check_eq "test: an unknown listener is an error" "1:fsstudio: Nope: no such listener" "$?:$(cat "$t/err")"
"$FS_BIN" listen test "$P" DelInsp --server "$COUCH_URL" --last 3 --since 0 >"$t/out" 2>"$t/err"
check_eq "test: --last and --since together are a usage error" "2" "$?"

# ---- listen run --target ----
mkdir -p "$t/tg"
"$PY" "$FS_SRCDIR/tests/integration/listen_target.py" "$t/tg" &
TG_PID=$!
tg_stop() { kill "$TG_PID" 2>/dev/null; wait "$TG_PID" 2>/dev/null; }
at_exit tg_stop
poll test -f "$t/tg/port"
TARGET=http://127.0.0.1:$(cat "$t/tg/port")

RUN_PID=
run_start() {
	"$FS_BIN" listen run "$P" --server "$COUCH_URL" "$@" >>"$t/run.out" 2>>"$t/run.err" &
	RUN_PID=$!
}
run_stop() { [ -n "$RUN_PID" ] && { kill -TERM "$RUN_PID" 2>/dev/null; wait "$RUN_PID"; rc=$?; RUN_PID=; }; }
run_kill() { [ -n "$RUN_PID" ] && { kill -9 "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; RUN_PID=; }; }
at_exit run_kill
# Every listener's checkpoint (default: all four) is at the end of the
# database (pouchdb's seqs are numbers). curl and sed: this runs in polls.
seq_of() { curl -fsS -m 5 "$1" 2>/dev/null | sed -n 's/.*"\(update_\)\{0,1\}seq":\([0-9]*\).*/\2/p'; }
caught_up() {
	end=$(seq_of "${CU:-$COUCH_URL}/inspections")
	[ $# -gt 0 ] || set -- SubmittedInspections DefectChanges DelInsp DelDefects
	for n; do
		[ "$(seq_of "${CU:-$COUCH_URL}/inspections/_local/fsstudio-listener-FieldInspections-$n")" = "$end" ] || return 1
	done
	[ -n "$end" ]
}

run_start --target "$TARGET" --since 0 --json
poll caught_up
check "run: every listener catches up with the database" test $? = 0
run_stop
check_eq "run: SIGTERM exits 0" 0 "$rc"
check_eq "run --target: exactly the matching documents, in chunks, cleaned, previous content for deletions" \
	"SubmittedInspections ok DefectChanges ok DelInsp ok DelDefects ok" "$(data check "$t/tg/record" $N --exact | tr '\n' ' ' | sed 's/ $//')"
check_eq "run --target: POST /projects/<project>/.json, form fields" \
	"/projects/FieldInspections/.json application/x-www-form-urlencoded ['true']" \
	"$(head -1 "$t/tg/record" | jget 'd["path"], d["type"], d["remove"]' | tr -d "(),'" | sed "s/\[true\]/['true']/")"
check_eq "run --target: __sequence follows targetSequence" "OnDefectChanged OnInspectionSubmitted" \
	"$("$PY" -c 'import json,sys; print(" ".join(sorted({json.loads(l)["sequence"][0] for l in open(sys.argv[1])})))' "$t/tg/record")"
check_contains "run: one log line per chunk with listener, seq, ids and the answer" \
	"listener DelInsp: seq " "$(cat "$t/run.err")"
check_contains "run: the log line says the target's answer" "delivered, HTTP 200" "$(cat "$t/run.err")"
check_eq "run --json: delivered events count the posts" "$(grep -c . "$t/tg/record")" \
	"$(grep -c '"event":"delivered"' "$t/run.out")"
check_eq "run: the checkpoint is a _local document with the seq" "DelInsp delete-view" \
	"$(curl -fsS "$COUCH_URL/inspections/_local/fsstudio-listener-FieldInspections-DelInsp" | jget 'd["listener"], d["class"]' | tr -d "(),'")"

# A restart resumes from the checkpoints: nothing is delivered again.
posts=$(grep -c . "$t/tg/record")
run_start --target "$TARGET" --since 0
sleep 1.5
run_stop
check_eq "run: a restart resumes from the checkpoints (nothing re-delivered)" "$posts" "$(grep -c . "$t/tg/record")"

# ---- --exec ----
# (one append per chunk: with --parallel, commands run at the same time)
cat >"$t/rec.sh" <<EOF
#!/bin/sh
f=\$(mktemp "$t/rec.XXXXXX")
{ printf '%s %s %s ' "\$FSSTUDIO_LISTENER" "\$FSSTUDIO_DB" "\$FSSTUDIO_SEQ"; cat; echo; } >"\$f"
cat "\$f" >>"$t/exec.rec" && rm -f "\$f"
EOF
chmod +x "$t/rec.sh"
curl -fsS -X DELETE "$COUCH_URL/inspections/_local/fsstudio-listener-FieldInspections-SubmittedInspections" >/dev/null
run_start SubmittedInspections --exec "$t/rec.sh" --since 0
poll caught_up SubmittedInspections
run_stop
check_eq "run --exec: the chunks as JSON arrays on stdin, exactly the matching documents" \
	"SubmittedInspections ok" "$(data check "$t/exec.rec" $N --exact --json-lines)"
check_eq "run --exec: FSSTUDIO_LISTENER, FSSTUDIO_DB and FSSTUDIO_SEQ" "SubmittedInspections inspections 1" \
	"$(head -1 "$t/exec.rec" | cut -d' ' -f1-3 | sed 's/ [0-9][0-9]*$/ 1/')"
# --parallel 4: the same documents, each once (the chunks in any order).
ckS=$COUCH_URL/inspections/_local/fsstudio-listener-FieldInspections-SubmittedInspections
restart_sub() {
	: >"$t/exec.rec"
	curl -fsS -X DELETE "$ckS?rev=$(curl -fsS "$ckS" | jget 'd["_rev"]')" >/dev/null
	run_start SubmittedInspections --exec "$t/rec.sh" --since 0 "$@"
	poll caught_up SubmittedInspections
	run_stop
}
restart_sub --parallel 4
check_eq "run --parallel 4: exactly the matching documents, each once" \
	"SubmittedInspections ok" "$(data check "$t/exec.rec" $N --exact --json-lines)"
# --checkpoint-ms: one checkpoint write per period; a stop writes the last.
: >"$t/exec.rec"
curl -fsS -X DELETE "$ckS?rev=$(curl -fsS "$ckS" | jget 'd["_rev"]')" >/dev/null
run_start SubmittedInspections --exec "$t/rec.sh" --since 0 --checkpoint-ms 60000
all_sub() { [ "$(data check "$t/exec.rec" $N --json-lines)" = "SubmittedInspections ok" ]; }
poll all_sub
caught_up SubmittedInspections
before=$?
run_stop
caught_up SubmittedInspections
check_eq "run --checkpoint-ms: the checkpoint waits for its period; a stop writes it" "1 0" "$before $?"
# The deployed map decides, not the project's (the engine queries the
# server's view): deployed, a map that emits nothing delivers nothing.
dd=$COUCH_URL/inspections/_design/visits
curl -fsS "$dd" >"$t/dd0.json"
jget 'json.dumps(dict(d, views=dict(d["views"], submitted={"map": "function (doc) {}"})))' <"$t/dd0.json" >"$t/dd1.json"
rev=$(curl -fsS -X PUT -H 'Content-Type: application/json' "$dd" --data-binary @"$t/dd1.json" | jget 'd["rev"]')
restart_sub
check_eq "run: a deployed map other than the project's is asked on the server" "0" "$(grep -c . "$t/exec.rec")"
rev=$(curl -fsS "$dd" | jget 'd["_rev"]')
jget 'json.dumps(dict(d, _rev="'"$rev"'"))' <"$t/dd0.json" >"$t/dd1.json"
curl -fsS -X PUT -H 'Content-Type: application/json' "$dd" --data-binary @"$t/dd1.json" >/dev/null
curl -fsS -o /dev/null "$dd/_view/submitted?limit=1"
# A first run (no checkpoint) starts at now: history is not replayed.
ck=$COUCH_URL/inspections/_local/fsstudio-listener-FieldInspections-DelDefects
curl -fsS -X DELETE "$ck?rev=$(curl -fsS "$ck" | jget 'd["_rev"]')" >/dev/null
: >"$t/exec.rec"
run_start DelDefects --exec "$t/rec.sh"
poll caught_up DelDefects
curl -fsS -X DELETE "$COUCH_URL/inspections/defect-00012?rev=$(curl -fsS "$COUCH_URL/inspections/defect-00012" | jget 'd["_rev"]')" >/dev/null
poll grep -q defect-00012 "$t/exec.rec"
run_stop
check_eq "run: a first run starts at now: only the later deletion is delivered" "1 DelDefects defect-00012" \
	"$(grep -c . "$t/exec.rec") $(cut -d' ' -f1 "$t/exec.rec") $(cut -d' ' -f4- "$t/exec.rec" | jget '" ".join(x["_id"] for x in d)')"
run_start DefectChanges --exec 'exit 3' --retry-max 200
curl -fsS -X PUT -H 'Content-Type: application/json' "$COUCH_URL/inspections/defect-x1" -d '{"type":"defect"}' >/dev/null
poll grep -q 'delivery failed, exit 3.*retrying' "$t/run.err"
check "run --exec: a non-zero exit is a failed delivery, retried" test $? = 0
run_stop
check_eq "run: SIGTERM during retries exits 0" 0 "$rc"
caught_up DefectChanges
check_eq "run: the undelivered chunk keeps the checkpoint behind it" 1 "$?"
# (defect-x1 is outside the numbered documents: deliver it before the checks below.)
run_start DefectChanges --target "$TARGET"
poll caught_up DefectChanges
run_stop
check_contains "run: the retried chunk is delivered by the next run" '"_id": "defect-x1"' "$(tail -3 "$t/tg/record")"
grep -v defect-x1 "$t/tg/record" >"$t/tg/r2" && mv "$t/tg/r2" "$t/tg/record"

# ---- target answering 500, then hanging, then recovering ----
: >"$t/run.err"
echo 500 >"$t/tg/mode"
run_start --target "$TARGET" --retry-max 300 --timeout 400
curl -fsS -X PUT -H 'Content-Type: application/json' "$COUCH_URL/inspections/defect-x2" -d '{"type":"defect"}' >/dev/null
poll sh -c "[ \$(grep -c 'DefectChanges.*delivery failed, HTTP 500' '$t/run.err') -ge 2 ]"
check "run: a 500 answer is logged and retried" test $? = 0
echo hang >"$t/tg/mode"
poll grep -q 'DefectChanges.*delivery failed, .*\(timed out\|timeout\|after\)' "$t/run.err"
check "run: a hanging target times out and is retried" test $? = 0
echo ok >"$t/tg/mode"
poll grep -q defect-x2 "$t/tg/record"
check "run: the chunk is delivered once the target recovers" test $? = 0
run_stop
grep -v defect-x2 "$t/tg/record" >"$t/tg/r2" && mv "$t/tg/r2" "$t/tg/record"
curl -fsS -X DELETE "$COUCH_URL/inspections/defect-x1?rev=$(curl -fsS "$COUCH_URL/inspections/defect-x1" | jget 'd["_rev"]')" >/dev/null
curl -fsS -X DELETE "$COUCH_URL/inspections/defect-x2?rev=$(curl -fsS "$COUCH_URL/inspections/defect-x2" | jget 'd["_rev"]')" >/dev/null

# ---- kill -9 at 10 random moments while a writer adds 2,000 documents ----
: >"$t/tg/record"
run_start --target "$TARGET"
poll caught_up
run_stop
: >"$t/tg/record"
kill_t0=$(date +%s)
# 200 bulks of 10, 0.04 s apart: the writer outlasts the kills.
data write "$COUCH_URL" inspections 1000 2000 0.04 &
W_PID=$!
during=0
for k in 1 2 3 4 5 6 7 8 9 10; do
	run_start --target "$TARGET"
	sleep "0.$(shuf -i 2-9 -n 1)"
	kill -0 "$W_PID" 2>/dev/null && during=$((during + 1))
	run_kill
done
wait "$W_PID"
check "kill -9: the kills came while the writer wrote ($during of 10)" test "$during" -ge 5
run_start --target "$TARGET"
poll caught_up
run_stop
check_eq "kill -9 x10 during writes: every matching document delivered at least once, no other ever" \
	"SubmittedInspections ok DefectChanges ok DelInsp ok DelDefects ok" \
	"$(data check "$t/tg/record" 3000 --from 1000 | tr '\n' ' ' | sed 's/ $//')"
check "kill -9: the runs did deliver between the kills" test "$(grep -c . "$t/tg/record")" -gt 10
echo "# the kill -9 test took $(($(date +%s) - kill_t0)) s"

# ---- server restart mid-feed (a pouchdb-server with its data on disk) ----
bin=${FSSTUDIO_POUCHDB:-$HOME/.cache/fsstudio/pouchdb}/node_modules/.bin/pouchdb-server
D2=$t/couch2
mkdir -p "$D2/db"
P2=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CU=http://127.0.0.1:$P2
C2_PID=
c2_start() {
	(cd "$D2" && NODE_OPTIONS=--unhandled-rejections=warn exec "$bin" -o 127.0.0.1 -p "$P2" -d "$D2/db/" >>server.out 2>&1) &
	C2_PID=$!
	poll curl -fsS -m 1 -o /dev/null "$CU/"
}
c2_stop() { [ -n "$C2_PID" ] && { kill "$C2_PID" 2>/dev/null; pkill -P "$C2_PID" 2>/dev/null; wait "$C2_PID" 2>/dev/null; C2_PID=; }; }
at_exit c2_stop
c2_start
F deploy "$P" --server "$CU"
data write "$CU" inspections 2000 10
: >"$t/tg/record"
: >"$t/run.err"
# The target as a server profile: its credentials stay out of the arguments.
mkdir -p "$t/config/fsstudio"
printf '[convertigo]\nurl = %s\nuser = cvt\npassword = s3cret\n' "$TARGET" >"$t/config/fsstudio/servers"
chmod 600 "$t/config/fsstudio/servers"
XDG_CONFIG_HOME=$t/config "$FS_BIN" listen run "$P" --server "$CU" --target convertigo --since 0 --retry-max 500 \
	>/dev/null 2>>"$t/run.err" &
RUN_PID=$!
poll caught_up
c2_stop
poll grep -q "feed failed" "$t/run.err"
check "restart: the runner says the feed failed and keeps trying" test $? = 0
c2_start
data write "$CU" inspections 2010 20
poll caught_up
run_stop
check_eq "restart: after the server comes back, the new documents are delivered" \
	"SubmittedInspections ok DefectChanges ok DelInsp ok DelDefects ok" \
	"$(data check "$t/tg/record" 2030 --from 2000 | tr '\n' ' ' | sed 's/ $//')"
check_eq "run --target PROFILE: posts with the profile's credentials" "Basic Y3Z0OnMzY3JldA==" \
	"$(head -1 "$t/tg/record" | jget 'd["auth"]')"
done_testing
