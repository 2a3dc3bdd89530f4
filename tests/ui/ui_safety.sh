#!/bin/sh
# Issue 11 in the studio, against a real pouchdb-server: a password_command
# that fails while writing to its stderr leaves no trace on the screen (the
# pane says the exit status); prune is asked for, lists each document it
# deletes, and deletes only ours (our marker), never another's document.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
couch_start || plan_skip "pouchdb-server is not installed"
plan 10

proj=$(ui_sample)
# deployed once, then one design document leaves the project: ours, only on
# the server; another tool's design document sits beside it
"$FS_BIN" deploy "$proj" --server "$COUCH_URL" >/dev/null 2>&1
"$FS_BIN" rm "$proj" inspections/defects >/dev/null 2>&1
curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"views":{"v":{"map":"function (doc) {}"}}}' \
	"$COUCH_URL/inspections/_design/theirs" >/dev/null
mkdir -p "$tap_tmp/home/.config/fsstudio"
cat > "$tap_tmp/home/.config/fsstudio/servers" <<EOS
[cmd]
url = $COUCH_URL
user = admin
password_command = echo LEAKED-OUTPUT; echo LEAKED-ERROR-TEXT >&2; exit 3
[test]
url = $COUCH_URL
insecure = true
EOS
chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
ui_start 120 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

ui_deploy_to
check "a failing password_command: the exit status is said" \
	ui_wait "password_command of server 'cmd' failed with exit status 3"
check "its stderr never reaches the screen" ui_lacks "LEAKED-ERROR-TEXT"
check "nor its output" ui_lacks "LEAKED-OUTPUT"
ui_keys Escape

ui_deploy_to j
ui_wait_re "only-on-server *_design/defects"
check "a profile without TLS verification is marked" ui_wait "to test [TLS NOT VERIFIED]"
ui_keys P
check "the question offers to plan a prune" ui_wait "d: plan deleting ours only on the server"
ui_keys d
check "the prune plan lists our document as a deletion" ui_wait_re "delete *_design/defects"
check "another's document is never pruned" ui_wait_re "_design/theirs: no fsstudio marker"
ui_keys P
check "the question counts the deletions apart" ui_wait "and DELETE the 1 listed as delete?"
ui_keys y
ui_wait "Deploy done"
check "ours is deleted on the server" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$COUCH_URL/inspections/_design/defects")" = 404
check "theirs is still there" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$COUCH_URL/inspections/_design/theirs")" = 200
done_testing
