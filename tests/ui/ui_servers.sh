#!/bin/sh
# The servers overview in the studio against two real pouchdb-servers and
# one that is down: which commit each server runs per design document, a
# server chosen with Left/Right and deployed to with P, the table read
# again after; the history pane says where a commit was deployed.
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
plan 8

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

ui_start 160 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys W
check "W opens the servers overview" ui_wait "Servers of FieldInspections: staging selected"
check "staging runs the new commit" ui_wait_re "inspections/visits *$c2 current *$c1 1 behind *unreachable"
check "an unchanged document is current on both" ui_wait_re "inspections/defects *$c1 current *$c1 current"
check "a server that is down says why" ui_wait "local: cannot connect to http://127.0.0.1:9"
ui_keys Right
check "Right chooses the next server" ui_wait "prod selected"
ui_keys P
ui_wait "Deploy which connectors?"
ui_keys Enter
ui_wait "Deploy FieldInspections"
ui_wait_re "prod: 1 to update"
ui_keys P
ui_wait "Deploy 1 design document to prod"
ui_keys y
check "P deployed to the chosen server" ui_wait "Deployed to prod"
ui_keys W
check "the overview read again: prod current" ui_wait_re "inspections/visits *$c2 current *$c2 current"
ui_keys Escape
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys H
check "the history pane says where the commit went" ui_wait "weight 2  (deployed to staging, prod)"
done_testing
