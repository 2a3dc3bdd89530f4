# Database permissions and hostile names with `fsstudio db` against a real
# pouchdb-server: reserved documents (_security...) are unreachable through
# document commands and the server's object stays as it was; `db security`
# shows, diffs, asks (--yes), refuses a public result without --public;
# "." and ".." are documents, never the database or the server; a bad
# database name says CouchDB's rule; `db revs DB .` never crashes.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"

couch_start || plan_skip "pouchdb-server not installed"
plan 54

t=$tap_tmp
S="--server $COUCH_URL"
run() { "$FS_BIN" "$@" >"$t/out" 2>"$t/err" </dev/null; rc=$?; out=$(cat "$t/out"); err=$(cat "$t/err"); }
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
sec() { curl -fsS "$COUCH_URL/sdb/_security"; }
norm() { python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))"; }

curl -fsS -X PUT "$COUCH_URL/sdb" >/dev/null
curl -fsS -X PUT "$COUCH_URL/sdb/_security" -H 'Content-Type: application/json' \
	-d '{"admins":{"names":["boss"],"roles":[]},"members":{"names":["alice"],"roles":["staff"]}}' >/dev/null
before=$(sec | norm)

# reserved documents through document commands
printf '{"_id":"_security","hello":"world"}' >"$t/s.json"
for policy in override merge none; do
	run db put sdb "$t/s.json" --policy $policy $S
	check_eq "db put _security --policy $policy is refused (exit 1)" 1 "$rc"
done
check_contains "the refusal points to db security" "fsstudio db security" "$err"
check_eq "the security object is unchanged" "$before" "$(sec | norm)"
run db put sdb "$t/s.json" --policy create $S
check_eq "--policy create makes a plain document, not the security object" "$before" "$(sec | norm)"
run db get sdb _security $S
check_eq "db get _security is refused" 1 "$rc"
run db rm sdb _security --rev 1-a $S
check_eq "db rm _security is refused" 1 "$rc"
run db get sdb _all_docs $S
check_contains "db get _all_docs: reserved by CouchDB" "reserved by CouchDB" "$err"
run db revs sdb _revs_limit $S
check_eq "db revs _revs_limit is refused" 1 "$rc"
printf '{"_id":"_purge"}' >"$t/p.json"
run db put sdb "$t/p.json" $S
check_contains "db put _purge is refused" "reserved by CouchDB" "$err"

# db security: show
run db security sdb $S
check_eq "security shows (exit 0)" 0 "$rc"
check_contains "it lists the admin name" "admins   name  boss" "$out"
check_contains "it lists the member role" "members  role  staff" "$out"
run db security sdb $S --json
check_eq "--json is the object" "['alice'] ['boss']" "$(printf '%s' "$out" | jget 'd["members"]["names"], d["admins"]["names"]' | tr -d '(),')"

# changes: diff, then --yes
run db security sdb $S --add-member-name bob,carol
check_contains "the change is shown as a diff" "+members  name  bob" "$out"
check_contains "without a terminal or --yes nothing is written" "nothing written" "$out"
check_eq "the server is untouched" "$before" "$(sec | norm)"
run db security sdb $S --add-member-name bob --rm-admin-name boss --add-admin-role ops --yes
check_eq "--yes writes (exit 0)" 0 "$rc"
check_eq "the server has the change" "['alice' 'bob'] [] ['ops']" \
	"$(sec | jget 'd["members"]["names"], d["admins"]["names"], d["admins"]["roles"]' | tr -d '(),')"
run db security sdb $S --add-member-name bob --yes
check_contains "adding what is there changes nothing" "no change" "$out"

# public only with --public
now=$(sec | norm)
run db security sdb $S --rm-member-name alice,bob --rm-member-role staff --yes
check_eq "leaving no members is refused (exit 3)" 3 "$rc"
check_contains "the refusal names --public" "--public" "$err"
check_eq "the server still has its members" "$now" "$(sec | norm)"
printf '{"admins":{"names":["boss"]}}' >"$t/pub.json"
run db security sdb $S --set "$t/pub.json" --yes
check_eq "--set FILE without members is refused too" 3 "$rc"
run db security sdb $S --set "$t/pub.json" --yes --public
check_eq "--public --yes makes it public" 0 "$rc"
check_eq "the server's members are empty" "[] []" "$(sec | jget 'd["members"]["names"], d["members"]["roles"]' | tr -d '(),')"
run db security sdb $S
check_contains "show says public" "the database is public" "$out"
printf '{"admins":{"names":"boss"}}' >"$t/bad.json"
run db security sdb $S --set "$t/bad.json" --yes
check_contains "a malformed file is refused" "admins.names must be a list of strings" "$err"
run db security sdb $S --add-member-name '' --yes
check_eq "an empty name is refused" 1 "$rc"
run db security Sdb $S
check_contains "a bad database name says the rule" "is not a valid database name" "$err"

# . and .. are documents, never the database or the server
printf '{"_id":"dbnametest","x":1}' >"$t/d.json"
run db put .. "$t/d.json" --policy override $S
check_eq "db put .. is refused" 1 "$rc"
check_contains "... as an invalid database name" "is not a valid database name" "$err"
check_eq "no database was created" "" "$(curl -fsS "$COUCH_URL/_all_dbs" | grep dbnametest)"
printf '{"_id":".","x":1}' >"$t/dot.json"
run db put sdb "$t/dot.json" $S
check_eq "db put of a document '.' works" 0 "$rc"
run db get sdb . $S
check_eq "db get sdb . is that document, not the database" ". 1" "$(printf '%s' "$out" | jget 'd["_id"], d["x"]' | tr -d '(),' | tr -d "'")"
run db revs sdb . $S
check_eq "db revs sdb . shows its tree" 0 "$rc"
run db revs sdb .. $S
check_eq "db revs sdb .. (none): not found, no crash" 1 "$rc"
check_contains "... said plainly" "not found" "$err"
run db revs sdb _all_docs $S
check_eq "db revs sdb _all_docs: refused, no crash" 1 "$rc"
run db rm sdb . $S
check_eq "db rm sdb . deletes the document" 0 "$rc"
check_eq "the database is still there" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$COUCH_URL/sdb")"
run db rm .. sdb $S
check_eq "db rm .. sdb is refused" 1 "$rc"
run db get sdb "$(head -c 10240 /dev/zero | tr '\0' x)" $S
check_contains "a 10 KB id is refused with its length" "10245 bytes once encoded" "$err"
run db info "" $S
check_contains "the empty database name is refused" "the database name is empty" "$err"

# deploy gives the databases it creates the profile's admins and members
export XDG_CONFIG_HOME="$t/config"
unset FSSTUDIO_SERVER FSSTUDIO_USER FSSTUDIO_PASSWORD
mkdir -p "$XDG_CONFIG_HOME/fsstudio" && chmod 700 "$XDG_CONFIG_HOME/fsstudio"
printf '[sec]\nurl = %s\nmembers = alice, role:staff\nadmins = role:ops\n' "$COUCH_URL" \
	>"$XDG_CONFIG_HOME/fsstudio/servers"
chmod 600 "$XDG_CONFIG_HOME/fsstudio/servers"
cp -R "$FS_SRCDIR/projects/sample" "$t/sample"
run deploy "$t/sample" --server sec
check_eq "deploy with members/admins in the profile exits 0" 0 "$rc"
check_eq "the new database has them" "['alice'] ['staff'] ['ops']" \
	"$(curl -fsS "$COUCH_URL/inspections/_security" | jget 'd["members"]["names"], d["members"]["roles"], d["admins"]["roles"]' | tr -d '(),')"
# a NUL (\u0000) inside a function on the server: refused, never cut
cp -R "$t/sample" "$t/before"
curl -fsS "$COUCH_URL/inspections/_design/visits" | python3 -c '
import json,sys
d=json.load(sys.stdin)
d["views"]["by_site"]["map"]="function (doc) {\u0000 emit(doc.site, 1);\n}"
print(json.dumps(d))' >"$t/nul.json"
curl -fsS -X PUT -H 'Content-Type: application/json' --data-binary @"$t/nul.json" \
	"$COUCH_URL/inspections/_design/visits" >/dev/null
run pull "$t/sample" inspections --server sec --yes
check_eq "pull of a function holding \\u0000 fails (exit 1)" 1 "$rc"
check_contains "... saying why" "holds a NUL character" "$err"
check "the project is untouched" diff -r "$t/before" "$t/sample"
run db get inspections _design/visits --server sec
check_contains "db get refuses it too, never prints it cut" "holds a NUL character" "$err"
run deploy "$t/sample" --server sec
check_contains "deploy says why it cannot compare" "holds a NUL character" "$out$err"
check "deploy left the server's copy alone" sh -c "curl -fsS '$COUCH_URL/inspections/_design/visits' | grep -q 'u0000'"

printf '[bad]\nurl = %s\nmembers = alice, role:\n' "$COUCH_URL" >>"$XDG_CONFIG_HOME/fsstudio/servers"
run db ls --server bad
check_contains "an empty entry in a profile list is refused" "an entry is empty" "$err"

done_testing
