#!/bin/sh
# Exit codes for pipelines (issue 11): deploy --dry-run, srvdiff and
# diff --server exit 0 on a clean plan and 3 when it holds refusals (a
# syntax error, drift); an invalid database name is said to be invalid, not
# missing; error sentences keep their reason after a long id.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
couch_start || plan_skip "pouchdb-server not installed"
plan 14

export XDG_CONFIG_HOME="$tap_tmp/config"
unset FSSTUDIO_SERVER FSSTUDIO_USER FSSTUDIO_PASSWORD
P="$tap_tmp/sample"
cp -R "$FS_SRCDIR/projects/sample" "$P"
S="--server $COUCH_URL"

"$FS_BIN" deploy "$P" $S >/dev/null 2>&1
"$FS_BIN" deploy "$P" $S --dry-run >/dev/null 2>&1; rc=$?
check_eq "deploy --dry-run on a clean plan exits 0" 0 "$rc"
"$FS_BIN" srvdiff "$P" $S >/dev/null 2>&1; rc=$?
check_eq "srvdiff on a clean plan exits 0" 0 "$rc"
"$FS_BIN" diff "$P" $S >/dev/null 2>&1; rc=$?
check_eq "diff --server on a clean plan exits 0" 0 "$rc"

# a function that does not parse: refused, exit 3, nothing written
sed -i 's/emit(doc.status || \\"draft\\", 1);/emit(doc.status || \\"draft\\", 1;/' "$P/_c8oProject/connectors/inspections.yaml"
before=$(curl -fsS "$COUCH_URL/inspections/_design/visits" | cksum)
out=$("$FS_BIN" deploy "$P" $S --dry-run 2>&1); rc=$?
check_eq "deploy --dry-run with a syntax error exits 3" 3 "$rc"
check_contains "the refusal names the function" "function inspections/visits/by_status/map" "$out"
out=$("$FS_BIN" srvdiff "$P" $S 2>&1); rc=$?
check_eq "srvdiff with a syntax error exits 3" 3 "$rc"
out=$("$FS_BIN" diff "$P" $S 2>&1); rc=$?
check_eq "diff --server with a syntax error exits 3" 3 "$rc"
out=$("$FS_BIN" srvdiff "$P" $S --json 2>&1); rc=$?
check_eq "srvdiff --json exits 3 too" 3 "$rc"
check_eq "none of them wrote" "$before" "$(curl -fsS "$COUCH_URL/inspections/_design/visits" | cksum)"
# a pipeline gates on it
if "$FS_BIN" srvdiff "$P" $S >/dev/null 2>&1 && echo deployed >"$tap_tmp/gate"; then :; fi
check "a pipeline stops at the refusal" test ! -e "$tap_tmp/gate"

# an invalid database name is not a missing database
out=$("$FS_BIN" db info Bad_Name $S 2>&1); rc=$?
check_eq "invalid database name exits 1" 1 "$rc"
check_contains "it is said to be invalid, with the rule" 'is not a valid database name: CouchDB names start with a lowercase letter' "$out"
case $out in *"does not exist"*) not_ok "not reported as missing" ;; *) ok "not reported as missing" ;; esac

# a 2 KB id: the sentence keeps its end
id=$(head -c 2000 /dev/zero | tr '\0' x)
out=$("$FS_BIN" db get inspections "$id" $S 2>&1)
check_contains "a long id is shortened in the middle, the reason kept" "document 'xxxxxxxxxxxx…xxxxxxxxxxxx' in database 'inspections' not found" "$(echo "$out" | sed 's/x*…x*/xxxxxxxxxxxx…xxxxxxxxxxxx/')"
done_testing
