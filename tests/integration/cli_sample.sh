# The sample project keeps what a new user should find in it (see issue 2):
# FullSync connectors, design documents, views with built-in and JavaScript
# reduces, validation, filters, both listener kinds, PostDocument with merge,
# GetView, sequences; valid JavaScript; files as Convertigo writes them.
. "$FS_SRCDIR/tests/lib/tap.sh"

sample=$FS_SRCDIR/projects/sample
t=$tap_tmp
command -v node >/dev/null 2>&1 || plan_skip "node is needed to read the JSON output"
plan 15

"$FS_BIN" tree "$sample" --json >"$t/tree.json"
check "tree --json of the sample" [ -s "$t/tree.json" ]
# Every function's kind, text, and every bean's class and properties, as one JSON.
node -e '
	const fs = require("fs"), cp = require("child_process");
	const tree = JSON.parse(fs.readFileSync(process.argv[1], "utf8")), all = [];
	(function walk(o) { all.push(o); o.children.forEach(walk); })(tree);
	const out = all.map(o => o.kind == "project" ? o :
		JSON.parse(cp.execFileSync(process.env.FS_BIN, ["show", process.argv[2], o.path, "--json"])));
	fs.writeFileSync(process.argv[3], JSON.stringify(out));
' "$t/tree.json" "$sample" "$t/all.json"
q() { node -e "const all = JSON.parse(require('fs').readFileSync('$t/all.json', 'utf8'));
	const of = k => all.filter(o => o.kind == k), fn = f => of('function').filter(o => o.function == f);
	console.log($1)"; }

check_eq "2 FullSync connectors" 2 "$(q "of('connector').filter(o => o.class == 'connectors.FullSyncConnector').length")"
check_eq "3 design documents" 3 "$(q "of('designdoc').length")"
check "at least 6 views" [ "$(q "of('view').length")" -ge 6 ]
check_eq "built-in reduces _count and _sum" "true true" \
	"$(q "fn('reduce').some(o => o.text == '_count') + ' ' + fn('reduce').some(o => o.text == '_sum')")"
check "a JavaScript reduce" [ "$(q "fn('reduce').filter(o => o.text.startsWith('function')).length")" -ge 1 ]
check_eq "a validate_doc_update" 1 "$(q "fn('validate_doc_update').length")"
check "a filter" [ "$(q "fn('filters').length")" -ge 1 ]
check_eq "a view listener and a filter listener" "couchdb.FullSyncFilterListener couchdb.FullSyncListener" \
	"$(q "of('listener').map(o => o.class).sort().join(' ')")"
check_eq "a PostDocument transaction with policy merge" 1 \
	"$(q "of('transaction').filter(o => o.class.endsWith('PostDocumentTransaction') && o.properties.policy == 'merge').length")"
check "GetView transactions" [ "$(q "of('transaction').filter(o => o.class.endsWith('GetViewTransaction')).length")" -ge 2 ]
check_eq "2 sequences" 2 "$(q "of('sequence').length")"

"$FS_BIN" check "$sample" >"$t/check" 2>"$t/check-err"
check_eq "fsstudio check finds nothing (JavaScript and model)" "0 " "$? $(cat "$t/check")"
check_eq "fsstudio check ends with a summary line" "16 functions checked: 0 errors, 0 warnings" \
	"$(cat "$t/check-err")"
last=$(for f in $(find "$sample" -name '*.yaml'); do tail -c 1 "$f" | od -An -c; done | grep -c '\\n')
check_eq "no file ends with a newline (as Convertigo writes them)" 0 "$last"
done_testing
