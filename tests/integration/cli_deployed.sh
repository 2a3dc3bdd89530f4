#!/bin/sh
# What is deployed where, against three real pouchdb-servers: deploy to
# several, commit, deploy to one, then the `deployed` table and its JSON
# (current, N behind, drifted, foreign, missing, unreachable); the deploy
# notes in git (one block per deploy, plain `git notes` reads them, `log`
# and `log --deploys` show them); several servers in one deploy, one of
# them down; promotion of the commit a server runs, from git even with a
# dirty working tree, and its refusals.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
command -v git >/dev/null || plan_skip "git not installed"
command -v python3 >/dev/null || plan_skip "python3 not installed"
# Three servers: couch_start keeps only the last one's pid, so each one is
# remembered here and stopped at exit.
pids=""
stop_all() { for p in $pids; do kill "$p" 2>/dev/null; pkill -P "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
at_exit stop_all
for n in 1 2 3; do
	couch_start || plan_skip "pouchdb-server not installed"
	eval "URL$n=\$COUCH_URL"
	pids="$pids $COUCH_PID"
	COUCH_PID=""
done
plan 51

export XDG_CONFIG_HOME="$tap_tmp/config"
unset FSSTUDIO_SERVER FSSTUDIO_USER FSSTUDIO_PASSWORD
P="$tap_tmp/sample"
cp -R "$FS_SRCDIR/projects/sample" "$P"
G="git -C $P -c user.name=Tester -c user.email=t@example.com"
$G init -q && $G config user.name Tester && $G config user.email t@example.com && $G add -A && $G commit -qm one
c1=$($G rev-parse HEAD)
"$FS_BIN" servers add dev "$URL1" >/dev/null
"$FS_BIN" servers add staging "$URL2" >/dev/null
"$FS_BIN" servers add production "$URL3" >/dev/null
# the default `local` profile would be one more column: point it at a port
# nobody listens on, as an unreachable server
"$FS_BIN" servers add local http://127.0.0.1:9 >/dev/null

# set_map N: a new text for the by_status map, committed
set_map() {
	printf 'function (doc) {\n    if (doc.type === "inspection") {\n        emit(doc.status || "v%s", 1);\n    }\n}\n' "$1" |
		"$FS_BIN" set "$P" inspections/visits/by_status/map --file - && $G commit -qam "map v$1"
}
# json_get FILTER: the cells of the JSON as "server designdoc state behind commit7" lines
json_cells() {
	python3 -c '
import json,sys
for c in json.load(sys.stdin):
    b = "-" if c["behind"] is None else c["behind"]
    print(c["server"], c["designdoc"], c["state"], b, (c["commit"] or "-")[:7])'
}

for s in dev staging production; do "$FS_BIN" deploy "$P" --server $s >/dev/null 2>&1; done
out=$("$FS_BIN" deployed "$P" --server dev --server staging 2>&1); rc=$?
check_eq "deployed exits 0" 0 "$rc"
check_contains "servers are the columns" "DESIGN DOCUMENT      dev              staging" "$out"
check_contains "every document current on both" "inspections/visits   $(echo $c1 | cut -c1-7) current  $(echo $c1 | cut -c1-7) current" "$out"

set_map 2
set_map 3
c3=$($G rev-parse HEAD)
# deploys are recorded to the second: two deploys of different commits in
# one second have no order between them (log --deploys checks it below)
sleep 1
"$FS_BIN" deploy "$P" --server staging >/dev/null 2>&1
out=$("$FS_BIN" deployed "$P" 2>&1); rc=$?
check_eq "deployed over all profiles, one down, exits 0" 0 "$rc"
check_contains "dev is 2 commits behind on visits, staging current" \
	"inspections/visits   $(echo $c1 | cut -c1-7) 2 behind  $(echo $c3 | cut -c1-7) current" "$out"
check_contains "a document that did not change is current" "sites/catalog        $(echo $c1 | cut -c1-7) current" "$out"
check_contains "the server that is down is unreachable" "unreachable" "$out"
check_contains "and says why" "local (http://127.0.0.1:9): cannot connect" "$out"

# drift on dev, a foreign copy on production, a missing one on staging
curl -fsS "$URL1/inspections/_design/visits" | python3 -c '
import json,sys
d=json.load(sys.stdin); d["views"]["by_site"]["map"]="function (doc) { emit(1, 1); }"; print(json.dumps(d))' |
	curl -fsS -X PUT -H 'Content-Type: application/json' --data-binary @- "$URL1/inspections/_design/visits" >/dev/null
rev=$(curl -fsS "$URL3/sites/_design/catalog" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_rev"])')
curl -fsS -X PUT -H 'Content-Type: application/json' -d "{\"_rev\":\"$rev\",\"views\":{}}" \
	"$URL3/sites/_design/catalog" >/dev/null
rev=$(curl -fsS "$URL2/inspections/_design/defects" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_rev"])')
curl -fsS -X DELETE "$URL2/inspections/_design/defects?rev=$rev" >/dev/null

json=$("$FS_BIN" deployed "$P" --server dev --server staging --server production --server local --json); rc=$?
check_eq "deployed --json exits 0" 0 "$rc"
cells=$(echo "$json" | json_cells)
c1s=$(echo $c1 | cut -c1-7); c3s=$(echo $c3 | cut -c1-7)
check_contains "JSON: production visits 2 behind" "production _design/visits deployed 2 $c1s" "$cells"
check_contains "JSON: staging visits current" "staging _design/visits deployed 0 $c3s" "$cells"
check_contains "JSON: drifted on dev" "dev _design/visits drifted - $c1s" "$cells"
check_contains "JSON: foreign on production" "production _design/catalog foreign - -" "$cells"
check_contains "JSON: missing on staging" "staging _design/defects missing - -" "$cells"
check_eq "JSON: one entry per server and design document" 12 "$(echo "$cells" | wc -l)"
check_contains "JSON has two-space indent and the connector" '    "connector": "inspections",' "$json"

# ---- deploy notes --------------------------------------------------------------
N="git -C $P notes --ref fsstudio-deploys"
note1=$($N show "$c1" 2>&1)
check_eq "three deploys of the first commit: three blocks" 3 "$(echo "$note1" | grep -c '^deploy to ')"
check_contains "each server once, in deploy order" "deploy to dev
url: $URL1" "$note1"
check_contains "the databases of the deploy" "database: inspections
database: sites" "$note1"
check_contains "the user from git config" "user: Tester <t@example.com>" "$note1"
note3=$($N show "$c3")
rev3=$(curl -fsS "$URL2/inspections/_design/visits" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_rev"])')
check_eq "one deploy of the third commit: what it wrote, with the new revision" \
	"deploy to staging|written: inspections _design/visits $rev3" \
	"$(echo "$note3" | grep -E '^(deploy to|written:)' | paste -sd '|')"
# staging lost _design/defects above: this deploy writes it, the next one nothing
"$FS_BIN" deploy "$P" --server staging >/dev/null 2>&1
note3=$($N show "$c3")
check_contains "a deploy that wrote one document records it" "written: inspections _design/defects" "$note3"
"$FS_BIN" deploy "$P" --server staging >/dev/null 2>&1
check_eq "an unchanged redeploy records nothing" "$note3" "$($N show "$c3")"
"$FS_BIN" deploy "$P" --server production >"$tap_tmp/out" 2>&1
check_contains "deploy says it recorded the deploy" "recorded in git: deploy to production noted on commit $c3s" \
	"$(cat "$tap_tmp/out")"

out=$("$FS_BIN" log "$P")
check_contains "log: deployed to, beside the commit" "commit $c1 (deployed to dev, staging, production)" "$out"
check_contains "log: the newest commit reached staging then production" \
	"commit $c3 (deployed to staging, production)" "$out"
out=$("$FS_BIN" log "$P" --deploys --server staging); rc=$?
check_eq "log --deploys --server: the deploys to staging, newest first" "0|$c3|$c3|$c1" \
	"$rc|$(echo "$out" | sed -n 's/^Commit: //p' | paste -sd '|')"
out=$("$FS_BIN" log "$P" --json -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][0]["deployed_to"])')
check_eq "log --json: deployed_to" "['staging', 'production']" "$out"

# ---- several servers at once ----------------------------------------------------
set_map 4
c4=$($G rev-parse HEAD); c4s=$(echo $c4 | cut -c1-7)
out=$("$FS_BIN" deploy "$P" --server dev --server staging --dry-run 2>&1); rc=$?
check_eq "a dry run on two servers: dev drifted, so the status is 3" 3 "$rc"
check_contains "one plan per server, dev first" "server dev ($URL1)" "$out"
check_contains "then staging" "server staging ($URL2)" "$out"
check_eq "a dry run records nothing" "" "$($N show "$c4" 2>/dev/null)"
out=$("$FS_BIN" deploy "$P" --server dev --server staging --server production --server local --force 2>&1); rc=$?
check_eq "one server down: the worst status (1)" 1 "$rc"
check_contains "the summary: dev ok" "dev              ok" "$out"
check_contains "the summary: production ok" "production       ok" "$out"
check_contains "the summary: local failed, and why" "local            FAILED    cannot connect to http://127.0.0.1:9" "$out"
cells=$("$FS_BIN" deployed "$P" --json --server dev --server staging --server production | json_cells)
check_eq "the three others run the new commit" \
	"dev _design/visits deployed 0 $c4s|staging _design/visits deployed 0 $c4s|production _design/visits deployed 0 $c4s" \
	"$(echo "$cells" | grep _design/visits | paste -sd '|')"
check_eq "one note block per server deployed, none for the one down" "deploy to dev|deploy to staging|deploy to production" \
	"$($N show "$c4" | grep '^deploy to' | paste -sd '|')"

# ---- promotion ---------------------------------------------------------------------
set_map 5
c5=$($G rev-parse HEAD); c5s=$(echo $c5 | cut -c1-7)
"$FS_BIN" deploy "$P" --server staging >/dev/null 2>&1
printf 'function (doc) {\n    emit("dirty", 1);\n}\n' | "$FS_BIN" set "$P" inspections/visits/by_status/map --file -
map() { curl -fsS "$1/inspections/_design/visits" | python3 -c 'import json,sys; print(json.load(sys.stdin)["views"]["by_status"]["map"])'; }
out=$("$FS_BIN" deploy "$P" --from staging --server production 2>&1); rc=$?
check_eq "promotion exits 0" 0 "$rc"
check_contains "promotion says which commit" "promoted commit $c5s from staging" "$out"
check_contains "production got the commit staging runs" '"v5"' "$(map "$URL3")"
check_eq "not the dirty working tree" "" "$(map "$URL3" | grep dirty)"
check_contains "production's markers name that commit" "production _design/visits deployed 0 $c5s" \
	"$("$FS_BIN" deployed "$P" --json --server production | json_cells)"
$G checkout -q -- .

# a server that runs a mix: dev gets the catalog of a newer commit only
set_map 6
printf 'function (doc) {\n    emit(doc.region, 1);\n}\n' | "$FS_BIN" set "$P" sites/catalog/by_region/map --file -
$G commit -qam "catalog"
"$FS_BIN" deploy "$P" --server dev sites >/dev/null 2>&1
before=$(map "$URL3")
out=$("$FS_BIN" deploy "$P" --from dev --server production 2>&1); rc=$?
check_eq "promotion from a mix is refused (3)" 3 "$rc"
check_contains "and says which document" "dev: _design/visits in database 'inspections' is from commit $c4s" "$out"
check_eq "nothing deployed" "$before" "$(map "$URL3")"
out=$("$FS_BIN" deploy "$P" --from local --server production 2>&1); rc=$?
check_eq "promotion from a server that is down fails (1)" "1" "$rc"
out=$("$FS_BIN" deploy "$P" --from staging 2>&1); rc=$?
check_eq "--from without --server is a usage error" 2 "$rc"
out=$("$FS_BIN" deploy "$P" --server dev --server "$URL1" 2>&1); rc=$?
check_eq "one server named twice is a usage error" "2" "$rc"
check_contains "and says which" "that server is named twice" "$out"

# a note pushed by someone else, with an escape sequence in it
$N append -m "$(printf 'deploy to evil\033[2J\nurl: http://x\nat: 2099-01-01T00:00:00Z')" HEAD
check_eq "log --deploys never prints control characters from notes" "deploy to evil?[2J (http://x)" \
	"$("$FS_BIN" log "$P" --deploys | head -1)"

done_testing
