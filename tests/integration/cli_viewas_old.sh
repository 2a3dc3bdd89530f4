# View as user on a server without _find (CouchDB 1.x answers 400): the
# documents are filtered here, the same ones, and the user is told; a
# missing database is still said to be missing. The old server is the real
# pouchdb-server behind old_couch_proxy.py, which refuses _find only.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"

couch_start || plan_skip "pouchdb-server not installed"
plan 4

t=$tap_tmp
python3 -u "$FS_SRCDIR/tests/integration/old_couch_proxy.py" "$COUCH_URL" >"$t/port" 2>/dev/null &
proxy=$!
proxy_stop() { kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null; }
at_exit proxy_stop
i=0
until [ -s "$t/port" ]; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
OLD="--server http://127.0.0.1:$(cat "$t/port")"
run() { "$FS_BIN" "$@" >"$t/out" 2>"$t/err"; rc=$?; out=$(cat "$t/out"); err=$(cat "$t/err"); }

curl -fsS -X PUT "$COUCH_URL/acl" >/dev/null
curl -fsS -X POST "$COUCH_URL/acl/_bulk_docs" -H 'Content-Type: application/json' \
	-d '{"docs":[{"_id":"a1","~c8oAcl":"amy"},{"_id":"b1","~c8oAcl":"bob"},{"_id":"pub"}]}' >/dev/null

run db docs acl $OLD --as-user amy
check_eq "without _find: the same documents, filtered here" "a1 pub" "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
check_contains "and the user is told" "no _find" "$err"
run db docs nope $OLD --as-user amy
check_contains "a missing database is said to be missing" "does not exist" "$err"
run db docs acl --server "$COUCH_URL" --as-user amy
check_contains "the real server filters itself" "filtered by the server" "$err"
done_testing
