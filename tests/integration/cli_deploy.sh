#!/bin/sh
# fsstudio deploy / srvdiff / pull through the binary against a real
# pouchdb-server: exit statuses, drift refusal (3) then --force, --dry-run
# and srvdiff write nothing, --prune, --json without credentials, pull with
# and without --yes, syntax errors, a dead server.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
couch_start || plan_skip "pouchdb-server not installed"
plan 40

export XDG_CONFIG_HOME="$tap_tmp/config"
unset FSSTUDIO_SERVER FSSTUDIO_USER FSSTUDIO_PASSWORD
P="$tap_tmp/sample"
cp -R "$FS_SRCDIR/projects/sample" "$P"
S="--server $COUCH_URL"

rev() { curl -fsS "$COUCH_URL/inspections/_design/visits" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_rev"])'; }

out=$("$FS_BIN" deploy "$P" $S 2>&1); rc=$?
check_eq "first deploy exits 0" 0 "$rc"
check_contains "documents created" "created    _design/visits" "$out"
check_contains "database created" "database inspections (connector inspections): created" "$out"
r1=$(rev)

out=$("$FS_BIN" deploy "$P" $S 2>&1); rc=$?
check_eq "redeploy exits 0" 0 "$rc"
check_contains "redeploy: all unchanged" "done: 3 unchanged" "$out"
check_eq "redeploy keeps the revision" "$r1" "$(rev)"

# the pool of connections: the same report as one database after another
out1=$("$FS_BIN" srvdiff "$P" $S --connections 1 2>&1)
out4=$("$FS_BIN" srvdiff "$P" $S --connections 4 2>&1)
check_eq "srvdiff on 4 connections says what one by one says" "$out1" "$out4"
out=$("$FS_BIN" deploy "$P" $S --connections 0 2>&1); rc=$?
check_eq "--connections 0 is a usage error" 2 "$rc"
check_contains "--connections 0 says why" "not a number of connections from 1 to 32" "$out"

# someone edits a view on the server
edit_view() {
	u=${1:-$COUCH_URL}
	curl -fsS "$u/inspections/_design/visits" | python3 -c '
import json,sys
d=json.load(sys.stdin)
d["views"]["by_site"]["map"]="function (doc) {\n  emit(doc.changed_by_hand, 1);\n}"
print(json.dumps(d))' >"$tap_tmp/edited.json"
	curl -fsS -X PUT -H 'Content-Type: application/json' --data-binary @"$tap_tmp/edited.json" \
		"$u/inspections/_design/visits" >/dev/null
}
edit_view
r2=$(rev)

out=$("$FS_BIN" deploy "$P" $S --dry-run 2>&1); rc=$?
check_eq "dry run over drift exits 3" 3 "$rc"
check_contains "dry run shows the function diff" "-  emit(doc.changed_by_hand, 1);" "$out"
check_contains "dry run names the function" "+++ b/_design/visits/views/by_site/map" "$out"
check_eq "dry run writes nothing" "$r2" "$(rev)"

out=$("$FS_BIN" srvdiff "$P" $S 2>&1); rc=$?
check_eq "srvdiff over drift exits 3" 3 "$rc"
check_contains "srvdiff shows the diff" "+        emit([doc.site, doc.date]" "$out"
check_eq "srvdiff writes nothing" "$r2" "$(rev)"
out2=$("$FS_BIN" diff "$P" $S 2>&1); rc=$?
check_eq "diff --server is srvdiff (same exit, same text)" "3 $out" "$rc $out2"

out=$("$FS_BIN" deploy "$P" $S 2>&1); rc=$?
check_eq "deploy over drift exits 3" 3 "$rc"
check_contains "refusal says why" "REFUSED    _design/visits: changed on the server since fsstudio deployed it" "$out"
check_eq "refused document untouched" "$r2" "$(rev)"

out=$("$FS_BIN" deploy "$P" $S --force 2>&1); rc=$?
check_eq "--force exits 0" 0 "$rc"
check_contains "--force updates" "updated    _design/visits" "$out"

# pull: the server copy edited again, imported into the project
edit_view
before=$(cat "$P/_c8oProject/connectors/inspections.yaml" | cksum)
out=$("$FS_BIN" pull "$P" inspections $S </dev/null 2>&1); rc=$?
check_contains "pull without --yes writes nothing" "nothing written" "$out"
check_eq "pull without --yes: file unchanged" "$before" "$(cat "$P/_c8oProject/connectors/inspections.yaml" | cksum)"
out=$("$FS_BIN" pull "$P" inspections $S --yes 2>&1); rc=$?
check_eq "pull --yes exits 0" 0 "$rc"
check_contains "pulled text in the project" "changed_by_hand" "$(cat "$P/_c8oProject/connectors/inspections.yaml")"

# prune
curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"views":{"v":{"map":"function (doc) {}"}}}' \
	"$COUCH_URL/sites/_design/old" >/dev/null
out=$("$FS_BIN" deploy "$P" $S sites --prune 2>&1); rc=$?
check_contains "--prune leaves a document without our marker" "_design/old: no fsstudio marker: not deployed by fsstudio, never pruned" "$out"
check_eq "foreign document kept" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$COUCH_URL/sites/_design/old")"

# a function that does not parse is never deployed
sed -i 's/emit(doc.status || \\"draft\\", 1);/emit(doc.status || \\"draft\\", 1;/' "$P/_c8oProject/connectors/inspections.yaml"
out=$("$FS_BIN" deploy "$P" $S --force 2>&1); rc=$?
check_eq "syntax error exits 3 even with --force" 3 "$rc"
check_contains "syntax error names file, function, line" "inspections.yaml: function inspections/visits/by_status/map, line 3, column" "$out"

out=$("$FS_BIN" deploy "$P" --server http://127.0.0.1:1 2>&1); rc=$?
check_eq "dead server exits 1" 1 "$rc"
check_contains "dead server named" "127.0.0.1:1" "$out"

# the marker records the project's git commit (visits differs: P pulled an edit)
P2="$tap_tmp/ingit"
cp -R "$FS_SRCDIR/projects/sample" "$P2"
(cd "$P2" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init)
out=$("$FS_BIN" deploy "$P2" $S --force 2>&1); rc=$?
check_eq "deploy from git exits 0" 0 "$rc"
marker=$(curl -fsS "$COUCH_URL/inspections/_design/visits" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fsstudio"]["commit"])')
check_eq "marker names the commit" "$(git -C "$P2" rev-parse HEAD)" "$marker"

# --json never shows credentials (an admin makes basic auth meaningful)
curl -fsS -X PUT -d '"s3cretPW"' "$COUCH_URL/_config/admins/admin" >/dev/null
AUTH=$(echo "$COUCH_URL" | sed 's|://|://admin:s3cretPW@|')
out=$("$FS_BIN" deploy "$P" --server "$AUTH" --json sites 2>&1); rc=$?
check_eq "--json deploy with credentials exits 0" 0 "$rc"
case $out in *s3cretPW*) not_ok "--json output without the password" ;; *) ok "--json output without the password" ;; esac

BAD=$(echo "$COUCH_URL" | sed 's|://|://admin:wrongPW@|')
out=$("$FS_BIN" deploy "$P" --server "$BAD" sites 2>&1); rc=$?
check_eq "refused credentials exit 1" 1 "$rc"
check_contains "refused credentials name the user" "user 'admin'" "$out"
case $out in *wrongPW*) not_ok "refused credentials: no password shown" ;; *) ok "refused credentials: no password shown" ;; esac

# pull asks on a terminal (script(1) gives it one)
if command -v script >/dev/null 2>&1; then
	P3="$tap_tmp/ask"
	cp -R "$FS_SRCDIR/projects/sample" "$P3"
	edit_view "$AUTH"
	printf 'y\n' | script -qec "'$FS_BIN' pull '$P3' inspections --server '$AUTH'" /dev/null >"$tap_tmp/ask.out" 2>&1
	check_contains "pull on a terminal writes after y" "changed_by_hand" "$(cat "$P3/_c8oProject/connectors/inspections.yaml")"
else
	skip_test "script(1) not installed"
fi

done_testing
