# fsstudio run and check --run (issue 13): a view run locally on a file, the
# samples and a server's documents; --json is CouchDB's JSON; exceptions
# name the document and the line. Against pouchdb-server, every view of the
# sample project gives the same rows locally and on the server for 1,000
# generated documents (--compare). pouchdb-server orders strings by code
# unit, CouchDB (and the runner) by ICU: with upper case, accents and
# punctuation in the keys, the only difference allowed is the order.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"

command -v node >/dev/null 2>&1 || plan_skip "node is needed to generate documents"
t=$tap_tmp
p=$t/p
cp -R "$FS_SRCDIR/projects/sample" "$p"
gen() { node "$FS_SRCDIR/tests/lib/gen_docs.js" "$@"; }
gen 1000 plain >"$t/plain.ndjson"
node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
	console.log("[" + l.join(",\n") + "]")' "$t/plain.ndjson" >"$t/plain.json"
VIEWS="inspections/visits/by_site inspections/visits/by_status inspections/visits/score_stats
 inspections/visits/submitted inspections/defects/by_severity inspections/defects/open
 sites/catalog/by_region sites/catalog/checklist_items"
plan 22

# ---- a file ----
"$FS_BIN" run "$p" inspections/visits/by_status --docs "$t/plain.ndjson" group=true >"$t/a.out" 2>&1
check_contains "group=true gives one row per status" "\"submitted\"  " "$(cat "$t/a.out")"
"$FS_BIN" run "$p" inspections/visits/by_status --docs "$t/plain.json" group=true >"$t/b.out" 2>&1
check "a JSON array gives what NDJSON gives" cmp -s "$t/a.out" "$t/b.out"
"$FS_BIN" run "$p" inspections/visits/by_site --docs "$t/plain.ndjson" reduce=false limit=3 --json >"$t/c.json"
check_eq "--json is CouchDB's answer" "3 0 true" "$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
	console.log(r.rows.length, r.offset, r.total_rows > 3)' "$t/c.json")"
check_eq "--json: rows one per line as CouchDB writes them" 5 "$(wc -l <"$t/c.json" | tr -d ' ')"
"$FS_BIN" run "$p" inspections/visits/by_site --docs "$t/plain.ndjson" include_docs=true >/dev/null 2>"$t/err"
check_contains "a query CouchDB refuses is refused" "include_docs" "$(cat "$t/err")"
"$FS_BIN" run "$p" inspections/visits/nosuch --docs "$t/plain.ndjson" >/dev/null 2>&1
check_eq "an unknown view: exit 1" 1 $?
"$FS_BIN" run "$p" inspections/visits/by_site --docs "$t/plain.ndjson" --samples >/dev/null 2>&1
check_eq "two sources: usage, exit 2" 2 $?

# ---- exceptions ----
printf 'function (doc) {\n    if (doc.type === "defect") {\n        emit(doc.dueDate.slice(0, 7), 1);\n    }\n}\n' |
	"$FS_BIN" set "$p" inspections/defects/open/map --file -
"$FS_BIN" run "$p" inspections/defects/open --docs "$t/plain.ndjson" >"$t/d.out" 2>&1
check_eq "the run itself succeeds" 0 $?
first=$(node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
	console.log(l.find(d => d.type == "defect" && !d.dueDate)._id)' "$t/plain.ndjson")
check_contains "the documents that threw are listed" "documents threw" "$(cat "$t/d.out")"
check_contains "with id, line:column and message" "  $first: map:3:9: TypeError: cannot read property 'slice' of undefined" "$(cat "$t/d.out")"

# ---- samples and check --run ----
mkdir -p "$p/_fsstudio/samples"
head -200 "$t/plain.ndjson" >"$p/_fsstudio/samples/inspections.ndjson"
"$FS_BIN" run "$p" inspections/visits/by_status >"$t/e.out" 2>&1
check_contains "the connector's samples are the default documents" "null  " "$(cat "$t/e.out")"
"$FS_BIN" check "$p" --run >"$t/f.out" 2>&1
check_contains "check --run warns with path:line:col and the document" \
	"inspections/defects/open/map:3:9: warning: throws on the sample document" "$(cat "$t/f.out")"
"$FS_BIN" check "$p" >"$t/g.out" 2>&1
check "check without --run runs nothing" sh -c "! grep -q 'sample document' '$t/g.out'"
rm -rf "$p"
cp -R "$FS_SRCDIR/projects/sample" "$p"

# ---- against pouchdb-server ----
if ! couch_start; then
	for i in $(seq 9); do skip_test "pouchdb-server is not installed"; done
	done_testing
fi
"$FS_BIN" deploy "$p" --server "$COUCH_URL" >"$t/deploy.out" 2>&1
check_eq "the sample's design documents are deployed" 0 $?
upload() { # DB FILE: the documents of FILE into DB
	node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
		process.stdout.write(JSON.stringify({docs: l}))' "$2" >"$t/bulk.json"
	curl -fsS -X PUT "$COUCH_URL/$1" >/dev/null 2>&1
	curl -fsS -H 'Content-Type: application/json' -d @"$t/bulk.json" "$COUCH_URL/$1/_bulk_docs" >/dev/null
}
upload inspections "$t/plain.ndjson"
upload sites "$t/plain.ndjson"
bad=""
for v in $VIEWS; do
	for q in reduce=false "" group=true; do
		case "$v:$q" in */submitted:?* | */open:?* | */checklist_items:?*) continue ;; esac
		"$FS_BIN" run "$p" "$v" --server "$COUCH_URL" --limit 2000 --compare $q >"$t/cmp.out" 2>&1 ||
			bad="$bad $v($q)"
	done
done
check_eq "every view of the sample: the same rows locally and on the server" "" "$bad"
[ -z "$bad" ] || cat "$t/cmp.out" | head -20 | sed 's/^/# /'
"$FS_BIN" run "$p" inspections/visits/by_site --server "$COUCH_URL" --ids doc000003,doc000010 reduce=false --compare >"$t/h.out" 2>&1
check_eq "--ids: those documents only, the same rows as the server's for them" "0 rows" \
	"$? $(grep -c '^\[' "$t/h.out" | sed 's/^[3-9]$/rows/;s/^[12]$/rows/')"
"$FS_BIN" run "$p" inspections/visits/by_status --server "$COUCH_URL" \
	--selector '{"type":"inspection","status":"closed"}' group=true >"$t/i.out" 2>&1
check_eq "--selector: only the documents it selects" 1 "$(grep -c '^"' "$t/i.out")"
"$FS_BIN" run "$p" inspections/visits/by_status --server "$COUCH_URL" --limit 50 --save-samples >/dev/null 2>&1
check_eq "--save-samples keeps the documents with the project" 50 "$(wc -l <"$p/_fsstudio/samples/inspections.ndjson" | tr -d ' ')"

# the same with mixed strings in their own database: only the order differs
gen 1000 mixed >"$t/mixed.ndjson"
upload mixed "$t/mixed.ndjson"
curl -fsS "$COUCH_URL/inspections/_design/visits" |
	node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => { const d = JSON.parse(s);
		delete d._rev; process.stdout.write(JSON.stringify(d)); })' >"$t/ddoc.json"
curl -fsS -X PUT -H 'Content-Type: application/json' -d @"$t/ddoc.json" "$COUCH_URL/mixed/_design/visits" >/dev/null
"$FS_BIN" run "$p" inspections/visits/by_site --server "$COUCH_URL" --db mixed --limit 2000 --compare reduce=false >"$t/j.out" 2>&1
out=$(cat "$t/j.out")
check_contains "mixed strings: pouchdb-server's code-unit order differs from ICU's, and it is said" \
	"same rows in another order" "$out"
check "mixed strings: no row is missing on either side (the rest is the same)" \
	sh -c "! grep -q '^local only\|^server only' '$t/j.out'"
"$FS_BIN" run "$p" inspections/visits/by_status --server "$COUCH_URL" --db mixed --limit 2000 --compare group=true >"$t/k.out" 2>&1
check_eq "mixed strings: the reduce results are the same" 0 $?
printf 'function (doc) {\n    if (doc.type === "inspection") {\n        emit(doc.inspector, 1);\n    }\n}\n' |
	"$FS_BIN" set "$p" inspections/visits/by_status/map --file -
"$FS_BIN" run "$p" inspections/visits/by_status --server "$COUCH_URL" --limit 2000 --compare reduce=false >"$t/l.out" 2>&1
st=$?
check_eq "a map edited but not deployed: rows differ, exit 1, and the reason is given" "1 1 1" \
	"$st $(grep -c 'deployed inspections/visits/by_status differs' "$t/l.out") $(grep -c '^local only' "$t/l.out" | sed 's/^[1-9][0-9]*$/1/')"
rm -rf "$p/_fsstudio"
done_testing
