#!/bin/sh
# View as user in the database browser, filtered by the server's _find: the
# user's documents first, pages forward by cursor and back to the first,
# whether an index served them, and the index on ~c8oAcl created only after
# a confirmation.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
couch_start || plan_skip "pouchdb-server not installed"
plan 11

# 150 documents of amy, 150 of bob, 30 anonymous ones
curl -fsS -X PUT "$COUCH_URL/acl" >/dev/null
python3 - "$COUCH_URL" <<'EOF2'
import json, sys, urllib.request
docs = [{"_id": "a%03d" % i, "~c8oAcl": "amy"} for i in range(150)]
docs += [{"_id": "b%03d" % i, "~c8oAcl": "bob"} for i in range(150)]
docs += [{"_id": "pub%02d" % i} for i in range(30)]
req = urllib.request.Request(sys.argv[1] + "/acl/_bulk_docs", json.dumps({"docs": docs}).encode(), {"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF2
index_count() { curl -fsS "$COUCH_URL/acl/_index" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["indexes"]))'; }

proj=$(ui_sample)
: "${UI_HOME:=$tap_tmp/home}"
mkdir -p "$UI_HOME/.config/fsstudio"
printf '[testcouch]\nurl = %s\n' "$COUCH_URL" >"$UI_HOME/.config/fsstudio/servers"
chmod 600 "$UI_HOME/.config/fsstudio/servers"
ui_start 120 40 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

ui_keys B
ui_wait "testcouch"
ui_keys / ; ui_type testcouch; ui_keys Enter Enter
ui_wait "330"
ui_keys / ; ui_type "acl "; ui_keys Enter Enter
ui_wait "a000"
ui_keys U
ui_wait "View as user"
ui_type amy; ui_keys Enter
check "U filters on the server, saying no index served it" ui_wait "[as amy, no index]"
check "the message offers to create one" ui_wait "no index (i creates one)"
check "not another user's documents" ui_wait_gone "b000"
ui_keys ]
check "] goes on by the server's cursor" ui_wait "a100"
ui_keys End
check "past her own documents, the anonymous ones" ui_wait "pub29"
check "and offers the page before" ui_wait "[:prev"
ui_keys [
check "[ comes back to the first page" ui_wait_gone "[:prev"
ui_keys i
check "i asks before creating the index" ui_wait "Create the json index fsstudio-acl"
ui_keys n
ui_wait_gone "Create the json index"
check "n creates nothing" [ "$(index_count)" = 1 ]
ui_keys i
ui_wait "Create the json index fsstudio-acl"
ui_keys y
check "y creates it and the list says it is used" ui_wait "[as amy, index]"
check "the server holds it" [ "$(index_count)" = 2 ]
done_testing
