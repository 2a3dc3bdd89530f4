# `fsstudio db` against a real pouchdb-server: ls, info, docs paging, get,
# put with every policy and ACL options, rm, revs (tree, diff, resolve),
# query with options, changes (latest, follow with a deadline), errors.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"

couch_start || plan_skip "pouchdb-server not installed"
plan 49

t=$tap_tmp
S="--server $COUCH_URL"
run() { "$FS_BIN" "$@" >"$t/out" 2>"$t/err"; rc=$?; out=$(cat "$t/out"); err=$(cat "$t/err"); }
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

curl -fsS -X PUT "$COUCH_URL/cdb" >/dev/null
python3 - "$COUCH_URL" <<'EOF'
import json, sys, urllib.request
docs = [{"_id": "d%03d" % i, "k": i % 4} for i in range(120)]
docs.append({"_id": "_design/v", "views": {"by_k": {"map": "function(doc){ if (doc.k !== undefined) emit(doc.k, null); }", "reduce": "_count"}}})
req = urllib.request.Request(sys.argv[1] + "/cdb/_bulk_docs", json.dumps({"docs": docs}).encode(), {"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF

run db ls $S
check_eq "ls exits 0" 0 "$rc"
check_contains "ls lists the database" "cdb" "$out"
run db info cdb $S --json
check_eq "info counts documents" 121 "$(printf '%s' "$out" | jget 'd["doc_count"]')"
run db info cdb $S
check_contains "info says revs_limit is not available here" "not available" "$out"

run db docs cdb $S --limit 50
check_eq "docs: one page of 50" 50 "$(printf '%s\n' "$out" | grep -c .)"
check_eq "docs: design documents apart" "" "$(printf '%s\n' "$out" | grep _design)"
last=$(printf '%s\n' "$out" | tail -1 | cut -f1)
run db docs cdb $S --limit 50 --after "$last" --json
check_eq "docs --after: next page starts after the edge" d050 "$(printf '%s' "$out" | jget 'd["rows"][0]["id"]')"
run db docs cdb $S --limit 50 --after d099 --json
check_eq "docs: the last page says no next" "False 20" "$(printf '%s' "$out" | jget 'd["has_next"], len(d["rows"])' | tr -d '(),')"
run db docs cdb $S --limit 5 --before d050
check_eq "docs --before: the page before" "d045 d049" "$(printf '%s\n' "$out" | sed -n '1p;$p' | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
run db docs cdb $S --from d11 --limit 3
check_eq "docs --from jumps to a prefix" d110 "$(printf '%s\n' "$out" | head -1 | cut -f1)"
run db docs cdb $S --design
check_contains "docs --design lists design documents" "_design/v" "$out"

printf '{"_id":"p","a":{"x":1},"t":[1],"old":true}' >"$t/p.json"
run db put cdb "$t/p.json" $S --owner bob --group sales,hr
check_eq "put (policy none) exits 0" 0 "$rc"
run db get cdb p $S
check_eq "put tags the owner" bob "$(printf '%s' "$out" | jget 'd["~c8oAcl"]')"
check_eq "put tags groups as an object" True "$(printf '%s' "$out" | jget 'd["c8oGrp"]["hr"]')"
run db put cdb "$t/p.json" $S
check_eq "put none without _rev is a conflict" 1 "$rc"
check_contains "the conflict is said plainly: the id is taken, not changed by someone" "already exists" "$err"
printf '{"_id":"p","a":{"y":2},"t":[2]}' | "$FS_BIN" db put cdb - $S --policy merge --merge-rules '{"t":"append"}' >"$t/out" 2>&1
run db get cdb p $S
check_eq "merge keeps, adds and appends" "1 2 [1 2] True" "$(printf '%s' "$out" | jget 'd["a"]["x"], d["a"]["y"], d["t"], d["old"]' | tr -d '(),')"
printf '{"_id":"p","only":1}' | "$FS_BIN" db put cdb - $S --policy override --anonymous >/dev/null
run db get cdb p $S
check_eq "override replaces and --anonymous drops the owner" "False 1" "$(printf '%s' "$out" | jget '"~c8oAcl" in d, d["only"]' | tr -d '(),')"
run db put cdb "$t/p.json" $S --policy create --json
check_contains "create makes a new id" '"rev"' "$out"
check_eq "create ignores the given _id" 1 "$(printf '%s' "$out" | jget 'int(d["id"] != "p")')"
run db put cdb "$t/p.json" $S --policy squash
check_eq "an unknown policy is a usage error" 2 "$rc"
printf '{"_id": broken' >"$t/bad.json"
run db put cdb "$t/bad.json" $S
check_contains "broken JSON names the file and place" "bad.json" "$err"

# a conflict made replication style, then resolved
rev1=$(curl -fsS -X PUT "$COUCH_URL/cdb/cf" -H 'Content-Type: application/json' -d '{"v":0}' | jget 'd["rev"]')
h=${rev1#1-}
curl -fsS -X POST "$COUCH_URL/cdb/_bulk_docs" -H 'Content-Type: application/json' \
	-d "{\"new_edits\":false,\"docs\":[{\"_id\":\"cf\",\"_rev\":\"2-aaa\",\"_revisions\":{\"start\":2,\"ids\":[\"aaa\",\"$h\"]},\"v\":1},{\"_id\":\"cf\",\"_rev\":\"2-bbb\",\"_revisions\":{\"start\":2,\"ids\":[\"bbb\",\"$h\"]},\"v\":2}]}" >/dev/null
run db docs cdb $S --conflicts
check_eq "docs --conflicts lists only the conflicted" "cf" "$(printf '%s\n' "$out" | cut -f1)"
run db revs cdb cf $S
check_contains "revs marks the conflict" "2-aaa	available	leaf	conflict" "$out"
run db revs cdb cf 2-aaa 2-bbb $S
check_contains "revs diffs two revisions" '+  "v": 2' "$out"
run db revs cdb cf $S --resolve 2-aaa
check_eq "resolve exits 0" 0 "$rc"
run db revs cdb cf $S --json
check_eq "after resolving: no conflict, the chosen winner" "0 2-aaa" "$(printf '%s' "$out" | jget 'sum(r["conflict"] for r in d["revs"]), d["winner"]' | tr -d "(),'")"

run db query cdb v/by_k $S group=true
check_eq "query with group" "0	30" "$(printf '%s\n' "$out" | head -1)"
run db query cdb v/by_k $S reduce=false key=3 limit=2 --json
check_eq "query with key and limit" "2 3" "$(printf '%s' "$out" | jget 'len(d["rows"]), d["rows"][0]["key"]' | tr -d '(),')"
run db query cdb v/by_k $S reduce=false --page 50 --json
edge=$(printf '%s' "$out" | jget 'json.dumps(d["next"])')
run db query cdb v/by_k $S reduce=false --page 50 --after "$edge" --json
check_eq "query --after continues after the edge row" "50 1 d081" "$(printf '%s' "$out" | jget 'len(d["rows"]), d["rows"][0]["key"], d["rows"][0]["id"]' | tr -d "(),'")"
run db query cdb v/by_k $S colour=red
check_contains "an unknown view option is named" "colour" "$err"

run db changes cdb $S --latest 2
check_eq "changes --latest 2" 2 "$(printf '%s\n' "$out" | grep -c .)"
start=$(date +%s)
( sleep 0.5; curl -fsS -X PUT "$COUCH_URL/cdb/late" -H 'Content-Type: application/json' -d '{}' >/dev/null ) &
writer=$!
run db changes cdb $S --since now --follow --timeout 2500
wait "$writer"
check_contains "changes --follow sees a change made while following" "late" "$out"
check "changes --follow ends at its own deadline" [ $(( $(date +%s) - start )) -le 6 ]

# view as user with a group database
curl -fsS -X PUT "$COUCH_URL/grp" >/dev/null
curl -fsS -X POST "$COUCH_URL/grp" -H 'Content-Type: application/json' -d '{"type":"c8oGrp","user":"amy","group":"sales"}' >/dev/null
curl -fsS -X PUT "$COUCH_URL/acl" >/dev/null
curl -fsS -X POST "$COUCH_URL/acl/_bulk_docs" -H 'Content-Type: application/json' \
	-d '{"docs":[{"_id":"a1","~c8oAcl":"amy"},{"_id":"b1","~c8oAcl":"bob"},{"_id":"g1","c8oGrp":"sales"},{"_id":"g2","c8oGrp":{"hr":true}},{"_id":"pub"}]}' >/dev/null
run db docs acl $S --as-user amy --groups-db grp
check_eq "docs --as-user: what amy receives" "a1 g1 pub" "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
run db docs acl $S --as-user amy
check_eq "docs --as-user without groups: owner and anonymous" "a1 pub" "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
check_contains "docs --as-user is filtered by the server, without an index" "no index used" "$err"
# pages of one row by cursor, then the index made on request
ids="" cur=""
for i in 1 2 3 4 5; do
	run db docs acl $S --as-user amy --groups-db grp --limit 1 --json ${cur:+--cursor "$cur"}
	ids="$ids$(printf '%s' "$out" | jget '" ".join(r["id"] for r in d["rows"])') "
	cur=$(printf '%s' "$out" | jget 'd.get("cursor", "")')
	[ -n "$cur" ] || break
done
check_eq "docs --as-user --cursor pages through all amy receives" "a1 g1 pub" "$(echo $ids)"
run db docs acl $S --as-user amy --create-index
check_contains "docs --create-index makes the index and uses it" "by the index on ~c8oAcl" "$err"
run db docs acl $S --as-user amy --scan --json
check_eq "docs --as-user --scan filters here, same documents" "here a1 pub" "$(printf '%s' "$out" | jget 'd["filtered"] + " " + " ".join(r["id"] for r in d["rows"])')"

run db get nope x $S
check_contains "a missing database is said plainly" "does not exist" "$err"

# attachments: saved byte for byte (binary, a name with a slash and a space)
head -c 3000 /dev/urandom > "$t/blob.bin"
curl -fsS -X PUT "$COUCH_URL/cdb/withatt" -H 'Content-Type: application/json' -d '{}' >/dev/null
rev=$(curl -fsS "$COUCH_URL/cdb/withatt" | jget 'd["_rev"]')
curl -fsS -X PUT "$COUCH_URL/cdb/withatt/img/a%20b.bin?rev=$rev" -H 'Content-Type: application/octet-stream' \
	--data-binary @"$t/blob.bin" >/dev/null
run db get cdb withatt $S --attachment "img/a b.bin" -o "$t/got.bin"
check_eq "get --attachment -o exits 0" 0 "$rc"
check "the file has the attachment's bytes" cmp -s "$t/blob.bin" "$t/got.bin"
check_contains "and says how many" "3000 bytes" "$err"
"$FS_BIN" db get cdb withatt $S --attachment "img/a b.bin" -o - > "$t/stdout.bin" 2>/dev/null
check "-o - writes them to standard output" cmp -s "$t/blob.bin" "$t/stdout.bin"
echo kept > "$t/kept"
run db get cdb withatt $S --attachment nope.png -o "$t/kept"
check "a missing attachment fails" test "$rc" -ne 0
check_contains "and is named plainly" "nope.png" "$err"
check_eq "the file there is left as it was" kept "$(cat "$t/kept")"
run db get cdb withatt $S --attachment "img/a b.bin"
check_contains "--attachment without -o is a usage error" "needs -o FILE" "$err"
done_testing
