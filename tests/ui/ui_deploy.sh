#!/bin/sh
# Deploy from the studio against a real pouchdb-server: server and
# connectors from menus, the plan with its diffs, confirm, progress, the
# result on the server; an unsaved edit deploys as the studio shows it; a
# dead server is reported in plain words.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
couch_start || plan_skip "pouchdb-server is not installed"
plan 11

proj=$(ui_sample)
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf '[test]\nurl = %s\n[dead]\nurl = http://127.0.0.1:1\n' "$COUCH_URL" > "$tap_tmp/home/.config/fsstudio/servers"
chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
cat > "$tap_tmp/editor.sh" <<'ED'
#!/bin/sh
sed -i 's/emit(/emit( \/*v2*\/ /' "$1"
ED
chmod +x "$tap_tmp/editor.sh"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

ui_keys P
check "P asks for the server, the profiles listed" ui_wait "Deploy to which server?"
ui_keys Enter
ui_wait "Deploy which connectors?"
ui_keys Enter
check "the plan shows what would be created" ui_wait_re "test: 3 to create *$"
ui_keys j j
ui_keys Enter
check "Enter shows a design document's diff" ui_wait "+function (doc) {"
ui_keys P
ui_wait "Deploy 3 design documents to test"
ui_keys y
check "the run ends with a result per document" ui_wait "Deploy done"
check "each document says it was written" ui_wait_re '✓ create *_design/visits'
check "the design document is on the server" sh -c "curl -fsS '$COUCH_URL/inspections/_design/visits' | grep -q by_site"
ui_keys Escape

# an unsaved edit deploys as the studio shows it
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys E
ui_wait "[+] 1 unsaved"
ui_deploy_to
check "the plan (of the selected connector) has one update" ui_wait_re "test: 1 to update, 1 unchanged *$"
ui_keys P
ui_wait "Deploy 1 design document to test"
ui_keys s
check "a staged deploy shows its steps" ui_wait_re "build\\|swap"
ui_wait "Deploy done"
check "the server has the edited function" sh -c "curl -fsS '$COUCH_URL/inspections/_design/visits' | grep -q 'v2'"
ui_keys Escape

# a dead server
ui_deploy_to j
check "a dead server is reported in plain words" ui_wait "No plan: cannot connect"
check "the UI still answers" sh -c "tmux -L $ui_sock send-keys -t ui Escape '?' && sleep 0.2 && tmux -L $ui_sock capture-pane -p -t ui | grep -q 'fsstudio keys'"
done_testing
