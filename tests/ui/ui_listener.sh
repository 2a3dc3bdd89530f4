#!/bin/sh
# The listener pane against a real pouchdb-server: on the sample project's
# SubmittedInspections listener, I asks for the server and shows the last
# changes replayed chunk by chunk (the documents the sequence would get,
# Enter shows one cleaned, and the non-matches with why); d delivers the
# chunk to the profile's listener_target (a recording HTTP target) after y;
# Enter on a document shows its diff to the previous revision; F follows
# the changes live.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v git >/dev/null || plan_skip "git is not installed"
couch_start || plan_skip "pouchdb-server is not installed"
plan 19

PY=$(python3 -c 'import sys; print(sys.executable)')
tdir=$tap_tmp/target
mkdir -p "$tdir"
"$PY" "$FS_SRCDIR/tests/integration/listen_target.py" "$tdir" &
tpid=$!
stop_target() { kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null; }
at_exit stop_target
ui_poll "for the target's port" test -s "$tdir/port"
TARGET=http://127.0.0.1:$(cat "$tdir/port")

proj=$(ui_sample)
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf '[test]\nurl = %s\nlistener_target = %s\n[bare]\nurl = %s\n' "$COUCH_URL" "$TARGET" "$COUCH_URL" \
	> "$tap_tmp/home/.config/fsstudio/servers"
chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
XDG_CONFIG_HOME="$tap_tmp/home/.config" "$FS_BIN" deploy "$proj" --server test >/dev/null 2>&1
put() { curl -fsS -X PUT "$COUCH_URL/inspections/$1" -H 'Content-Type: application/json' -d "$2" >/dev/null; }
put insp-1 '{"type":"inspection","status":"submitted","site":"A","date":"2026-01-02","~c8oAcl":"alice"}'
put insp-2 '{"type":"inspection","status":"submitted","site":"B","date":"2026-01-03"}'
rev=$(curl -fsS "$COUCH_URL/inspections/insp-2" | sed 's/.*"_rev":"\([^"]*\)".*/\1/')
put insp-2 '{"type":"inspection","status":"submitted","site":"B2","date":"2026-01-03","_rev":"'"$rev"'"}'
put draft-1 '{"type":"inspection","status":"draft","site":"C","date":"2026-01-04"}'
put defect-1 '{"type":"defect","severity":2}'

ui_start 140 40 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type SubmittedInspections; ui_keys Enter Escape
ui_wait_row 0 "SubmittedInspections"
ui_keys I
check "I asks for the server" ui_wait "Replay the listener's changes from which server?"
ui_keys Enter
check "the pane names the listener and the server" ui_wait "Listener SubmittedInspections on test"
check "and where d delivers" ui_wait "d delivers the chunk at the cursor to $TARGET"
check "the chunk: changes and documents" ui_wait_re "chunk 1/1: [0-9]* changes up to seq .*: 2 documents"
check "the matched documents are listed" ui_wait "  + insp-2"
check "a non-match says why" ui_wait "  - draft-1: not emitted by the view (key doc._id)"
ui_keys / ; ui_type "+ insp-1"; ui_keys Enter
ui_keys Enter
check "Enter shows the document as the sequence receives it" ui_wait '"site": "A"'
check "cleaned: no owner" ui_lacks "c8oAcl"
check "a first revision has no diff" ui_wait "no diff: the first revision: no previous one"
ui_keys Enter
ui_wait_gone "no diff: the first revision"
ui_keys j Enter
check "the diff to the previous revision" ui_wait_re "diff to the previous revision 1-"
site_diff() { ui_screen | grep -q -- '- *"site": "B",' && ui_screen | grep -q -- '+ *"site": "B2",'; }
check "what changed: the old line and the new" ui_poll "for the site's diff" site_diff
ui_keys d
check "d asks before delivering" ui_wait "Deliver chunk 1 (2 documents) to $TARGET? (y/n)"
ui_keys y
check "the target's answer in the message line" ui_wait "Chunk 1 delivered to $TARGET: HTTP 200"
got=$("$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["path"], r["sequence"][0], " ".join(sorted(d["_id"] for d in r["docs"])), any("~c8oAcl" in d or "_c8oHash" in d for d in r["docs"]))' "$tdir/record" 2>&1)
check_eq "the target received the chunk, cleaned" "/projects/FieldInspections/.json OnInspectionSubmitted insp-1 insp-2 False" "$got"

ui_keys F
check "F follows the changes live" ui_wait "on test [following]"
put insp-3 '{"type":"inspection","status":"submitted","site":"D","date":"2026-01-05"}'
check "a new matching document shows without a key" ui_wait "  + insp-3"
check "in the chunk's count" ui_wait_re "chunk 1/1: .*: 3 documents"
ui_keys F
check "F again stops following" ui_wait "Not following the changes any more"
ui_keys F
ui_wait "on test [following]"
ui_keys Tab q
check "the studio quits at once while a follow waits on the feed" ui_wait "fsstudio-exit=0"
done_testing
