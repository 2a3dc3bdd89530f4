#!/bin/sh
# The servers overview in the studio against two real pouchdb-servers and
# one that is down: which commit each server runs per design document, a
# server chosen with Left/Right, promoted to with M (the commit another
# server runs, from git, not the dirty working tree) and deployed to with
# P, the table read again after; the history pane says where a commit was
# deployed.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v git >/dev/null || plan_skip "git is not installed"
pids=""
stop_all() { for p in $pids; do kill "$p" 2>/dev/null; pkill -P "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
at_exit stop_all
couch_start || plan_skip "pouchdb-server is not installed"
URL1=$COUCH_URL; pids="$COUCH_PID"; COUCH_PID=""
couch_start || plan_skip "pouchdb-server is not installed"
URL2=$COUCH_URL; pids="$pids $COUCH_PID"; COUCH_PID=""
plan 14

proj=$(ui_sample)
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf '[staging]\nurl = %s\n[prod]\nurl = %s\n[local]\nurl = http://127.0.0.1:9\n' "$URL1" "$URL2" \
	> "$tap_tmp/home/.config/fsstudio/servers"
chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
cli() { XDG_CONFIG_HOME="$tap_tmp/home/.config" "$FS_BIN" "$@"; }
cli deploy "$proj" --server staging --server prod >/dev/null 2>&1
c1=$(git -C "$proj" rev-parse --short=7 HEAD)
printf 'function (doc) {\n    emit(doc.site, 2);\n}\n' | cli set "$proj" inspections/visits/by_site/map --file -
git -C "$proj" commit -qam "by_site: weight 2"
c2=$(git -C "$proj" rev-parse --short=7 HEAD)
cli deploy "$proj" --server staging >/dev/null 2>&1
# an uncommitted change in the working tree: a promotion must not deploy it
printf 'function (doc) {\n    emit("dirty", 1);\n}\n' | cli set "$proj" inspections/visits/by_site/map --file -
map() { curl -fsS "$1/inspections/_design/visits" | python3 -c 'import json,sys; print(json.load(sys.stdin)["views"]["by_site"]["map"])'; }

ui_start 160 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys W
check "W opens the servers overview" ui_wait "Servers of FieldInspections: staging selected"
check "staging runs the new commit" ui_wait_re "inspections/visits *$c2 current *$c1 1 behind *unreachable"
check "an unchanged document is current on both" ui_wait_re "inspections/defects *$c1 current *$c1 current"
check "a server that is down says why" ui_wait "local: cannot connect to http://127.0.0.1:9"
ui_keys Right
check "Right chooses the next server" ui_wait "prod selected"
ui_keys / ; ui_type visits; ui_keys Enter Escape
check "the tree's design document row: its state on the selected server" ui_wait_re "visits  4 views  \[prod: $c1 1 behind\]"
ui_keys W
ui_wait "prod selected"
ui_keys M
check "M asks which server's commit to promote" ui_wait "Promote to prod the commit which server runs?"
ui_keys Enter
ui_wait "Deploy which connectors?"
ui_keys Enter
check "the plan says what it promotes" ui_wait "Promoting commit $c2, the one staging runs (built from git)"
ui_wait_re "prod: 1 to update"
ui_keys P
ui_wait "Deploy 1 design document to prod"
ui_keys y
check "promoted to the chosen server" ui_wait "Deployed to prod"
check_contains "prod got the commit staging runs" "emit(doc.site, 2)" "$(map "$URL2")"
check_eq "not the working tree" "" "$(map "$URL2" | grep dirty)"
ui_keys W
check "the overview read again: prod current" ui_wait_re "inspections/visits *$c2 current *$c2 current"
ui_keys Right
ui_wait "local selected"
ui_keys P Enter
check "P deploys to the selected server (down: said plainly)" ui_wait "No plan: cannot connect to http://127.0.0.1:9"
ui_keys Escape
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys H
check "the history pane says where the commit went" ui_wait "weight 2  (deployed to staging, prod)"
done_testing
