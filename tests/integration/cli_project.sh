# The project commands of the CLI on the sample project and on every fixture
# project: tree, show, new, rm, mv, set, save, and their errors.
. "$FS_SRCDIR/tests/lib/tap.sh"

sample=$FS_SRCDIR/projects/sample
fix=$(fixtures) || fix=""
t=$tap_tmp
plan 96

# run CMD...: runs fsstudio, keeps stdout in $t/out, stderr in $t/err, status in $rc.
run() { "$FS_BIN" "$@" >"$t/out" 2>"$t/err"; rc=$?; out=$(cat "$t/out"); err=$(cat "$t/err"); }
# fresh NAME: a new copy of the sample in $t/NAME, its path in $w.
fresh() { w=$t/$1; rm -rf "$w"; cp -R "$sample" "$w"; }
# json EXPR: evaluates a JavaScript expression on the JSON read from $t/out (as j).
json() { node -e "const j = JSON.parse(require('fs').readFileSync('$t/out', 'utf8')); $1"; }
have_node() { command -v node >/dev/null 2>&1; }
conn=_c8oProject/connectors/inspections.yaml

# ---- dispatcher
run --help
check "--help exits 0 and lists the commands" [ "$rc" = 0 ]
check_contains "--help lists tree" "  tree " "$out"
run --version
check_contains "--version prints the version" "fsstudio 0." "$out"
run frobnicate a b
check_eq "an unknown command is a usage error" 2 "$rc"
run help tree
check_contains "help tree prints its usage" "usage: fsstudio tree" "$out"
run show --help
check_contains "show --help prints its usage" "usage: fsstudio show" "$out"

# ---- tree
run tree "$sample"
check_eq "tree exits 0 on the sample" 0 "$rc"
check_contains "tree shows the project" "FieldInspections  project" "$out"
check_eq "tree's first line is the project" "FieldInspections  project" "$(printf '%s\n' "$out" | head -1)"
check_contains "tree shows a view with its map, by slash path" "inspections/visits/by_site  view
inspections/visits/by_site/map  function
inspections/visits/by_site/reduce  function" "$out"
check_contains "tree shows filters and validation" "inspections/visits/filters/by_inspector  function" "$out"
check_contains "tree shows listeners with their class" "inspections/SubmittedInspections  listener FullSyncListener" "$out"
check_contains "tree shows sequences" "
OnDefectChanged  sequence" "$out"
check_eq "tree with no DIR reads the current folder" "$out" "$(cd "$sample" && "$FS_BIN" tree)"
# Every path tree prints names its object for show.
bad=0
for path in $(printf '%s\n' "$out" | sed 1d | cut -d' ' -f1 | head -40); do
	"$FS_BIN" show "$sample" "$path" >/dev/null 2>&1 || { bad=1; echo "# show $path failed"; }
done
check_eq "every path tree prints is a name show takes" 0 "$bad"
run tree "$sample" --indent
check_contains "tree --indent nests a view and its functions" "      by_site  view
        map  function
        reduce  function" "$out"
check_contains "tree --indent shows listeners with their class" "    SubmittedInspections  listener FullSyncListener" "$out"

if have_node; then
	run tree "$sample" --json
	check_eq "tree --json names the project" "project FieldInspections " \
		"$(json 'console.log(j.kind, j.name, j.path)')"
	check_eq "tree --json has 8 views, 3 design documents, 2 listeners" "8 3 2" "$(json '
		const n = {}; (function walk(o) {
			if (!("kind" in o && "name" in o && "path" in o && Array.isArray(o.children)))
				throw new Error("bad node " + JSON.stringify(o));
			n[o.kind] = (n[o.kind] || 0) + 1; o.children.forEach(walk); })(j);
		console.log(n.view, n.designdoc, n.listener)')"
	check_eq "tree --json paths are slash paths" "inspections/visits/by_site/map" "$(json '
		console.log(j.children[0].children.find(c => c.name == "visits")
			.children.find(c => c.name == "by_site").children[0].path)')"
else
	skip_test "node absent: tree --json names the project"
	skip_test "node absent: tree --json counts"
	skip_test "node absent: tree --json paths"
fi

# ---- every fixture project: tree, tree --json, save --to gives the same files
if [ -n "$fix" ]; then
	for p in "$fix"/*/; do
		p=${p%/}; name=$(basename "$p")
		"$FS_BIN" tree "$p" >"$t/tree.txt" 2>"$t/err" && "$FS_BIN" tree --json "$p" >"$t/out" 2>>"$t/err" &&
			{ ! have_node || json '' ; } &&
			"$FS_BIN" save "$p" --to "$t/copy-$name" 2>>"$t/err" && diff -r "$p" "$t/copy-$name" >"$t/diff"
		r=$?
		check "fixture $name: tree, tree --json, save --to round trip" [ "$r" = 0 ]
		[ "$r" = 0 ] || { head -20 "$t/err" "$t/diff" | sed 's/^/# /'; }
	done
else
	skip_test "fixtures absent: c8oprj-lib-fullsync-grp"
	skip_test "fixtures absent: c8oprj-lib-user-manager"
	skip_test "fixtures absent: c8oprj-sample-resolveconflicts"
fi

# ---- show
run show "$sample" inspections/visits/by_status/map
check_eq "show prints a map function" 'function (doc) {
    if (doc.type === "inspection") {
        emit(doc.status || "draft", 1);
    }
}' "$out"
run show "$sample" inspections/visits/by_status/reduce
check_eq "show prints a built-in reduce" "_sum" "$out"
run show "$sample" /inspections/visits/validate_doc_update/
check_contains "show takes leading and trailing slashes; quotes decoded" "a closed inspection can't be changed" "$out"
run show "$sample" inspections/SaveInspection
check_contains "show prints a transaction's properties" "policy: merge" "$out"
if have_node; then
	run show "$sample" inspections/visits/filters/by_inspector --json
	check_eq "show --json of a filter" "function filters true" \
		"$(json 'console.log(j.kind, j.function, j.text.startsWith("function (doc, req)"))')"
else
	skip_test "node absent: show --json"
fi
run show "$sample" inspections/visits/nope
check_eq "show of an unknown object exits 1" 1 "$rc"
check_contains "show of an unknown object says so" "inspections/visits/nope: no such object" "$err"
run show "$sample" "$(printf 'a\033[31mb\nc')"
check_eq "control characters in a message are masked" "fsstudio: a?[31mb?c: no such object (see fsstudio tree)" "$err"
run show "$sample"
check_eq "show without OBJECT is a usage error" 2 "$rc"
run tree "$sample" --bogus
check_eq "an unknown option is a usage error" 2 "$rc"
if [ -w /dev/full ]; then
	"$FS_BIN" tree "$sample" >/dev/full 2>"$t/err"; rc=$?
	check_eq "output that cannot be written is an error" "1 fsstudio: cannot write to standard output" "$rc $(cat "$t/err")"
else
	skip_test "no /dev/full"
fi
run tree "$t/nothing-here"
check_eq "tree of a missing folder exits 1" 1 "$rc"

# ---- save
fresh same
# An old mtime that any write would replace; the inode shows a rename.
find "$w" -type f -exec touch -d '2020-01-02 03:04:05' {} +
find "$w" -type f -exec stat -c '%n %i %y' {} + | sort >"$t/mtimes1"
run save "$w"
find "$w" -type f -exec stat -c '%n %i %y' {} + | sort >"$t/mtimes2"
check_eq "save exits 0" 0 "$rc"
check "save with no change writes nothing (mtimes kept)" cmp -s "$t/mtimes1" "$t/mtimes2"
check "save with no change keeps the files" diff -r "$sample" "$w"
run save "$sample" --to "$t/sample-copy"
check "save --to writes the same files" diff -r "$sample" "$t/sample-copy"
run save --to="$t/sample-copy2" -- "$sample"
check "save --to=OUT and -- before DIR" diff -r "$sample" "$t/sample-copy2"
run tree --json=yes "$sample"
check_eq "a flag given a value is a usage error" 2 "$rc"
run save "$sample" --to
check_eq "an option without its argument is a usage error" 2 "$rc"

# ---- set a function from a file, then from stdin
fresh fn
printf '%s\n' 'function (doc) {' '    if (doc.type === "inspection" && doc.status) {' \
	'        emit(doc.status, 1);' '    }' '}' >"$t/map.js"
run set "$w" inspections/visits/by_status/map --file "$t/map.js"
check_eq "set --file exits 0" 0 "$rc"
diff "$sample/$conn" "$w/$conn" >"$t/diff"
check_eq "set --file changes only that function's lines" '66,67c66,67
<           if (doc.type === \"inspection\") {\n
<               emit(doc.status || \"draft\", 1);\n
---
>           if (doc.type === \"inspection\" && doc.status) {\n
>               emit(doc.status, 1);\n' "$(cat "$t/diff")"
run show "$w" inspections/visits/by_status/map
check_eq "show gives back the text set" "$(cat "$t/map.js")" "$out"
"$FS_BIN" show "$sample" inspections/visits/by_status/map | "$FS_BIN" set "$w" inspections/visits/by_status/map --file -
check "set --file - (stdin) of show's output restores the file" diff -r "$sample" "$w"

# ---- set a property
fresh prop
run set "$w" inspections/SaveInspection policy override
check_eq "set a property exits 0" 0 "$rc"
check_eq "set a property changes one line" '28c28
<   policy: merge
---
>   policy: override' "$(diff "$sample/$conn" "$w/$conn")"
cp "$w/$conn" "$t/prop-after"
run set "$w" inspections/SaveInspection policy sometimes
check_eq "set an invalid value exits 1" 1 "$rc"
check_contains "set an invalid value says why" "policy" "$err"
check "set an invalid value writes nothing" diff -r "$t/prop-after" "$w/$conn"
run set "$w" inspections/visits/by_status/map --file "$t/absent.js"
check_eq "set --file of a missing file exits 1" 1 "$rc"
run set "$w" inspections/SaveInspection policy
check_eq "set without VALUE is a usage error" 2 "$rc"

# ---- new
fresh new
run new "$w" inspections/visits view by_inspector
check_eq "new view exits 0 and prints its path" "0 inspections/visits/by_inspector" "$rc $out"
run show "$w" inspections/visits/by_inspector/map
check_contains "the new view has a map function" "function" "$out"
check "the new view is saved in the connector file" grep -q '"by_inspector": {' "$w/$conn"
run new "$w" / connector audits
check_eq "new connector exits 0" 0 "$rc"
check "new connector writes its file" [ -f "$w/_c8oProject/connectors/audits.yaml" ]
check "new connector is included by the project file" grep -q '🗏 connectors/audits.yaml' "$w/c8oProject.yaml"
cp -R "$w" "$t/new-before"
run new "$w" / connector Audits
check_eq "new connector with a bad name exits 1" 1 "$rc"
run new "$w" / connector "a/../../../escaped"
check_eq "new connector with a name that climbs out exits 1" 1 "$rc"
run new "$w" inspections/visits view by_site
check_eq "new with a taken name exits 1" 1 "$rc"
check "refused creations write nothing" sh -c "diff -r '$t/new-before' '$w' && [ ! -e '$t/escaped.yaml' ]"
run new "$w" inspections listener NewDocs --variant couchdb.FullSyncFilterListener
check_eq "new listener with a class" "0 inspections/NewDocs" "$rc $out"
"$FS_BIN" new "$w" inspections listener Gone --variant delete-filter >/dev/null 2>&1
"$FS_BIN" new "$w" inspections transaction ByAuthor --variant GetView >/dev/null 2>&1
if have_node; then
	classes=""
	for o in NewDocs Gone ByAuthor; do
		run show "$w" "inspections/$o" --json
		classes="$classes $(json 'console.log(j.class)')"
	done
	check_eq "new listener and transaction classes from a class or a short variant" \
		" couchdb.FullSyncFilterListener couchdb.FullSyncDeleteFilterListener transactions.couchdb.GetViewTransaction" "$classes"
else
	skip_test "node absent: new listener class"
fi
run new "$w" inspections transaction Odd --variant "Get View"
check_eq "new transaction with a bad variant exits 1" 1 "$rc"
run new "$w" inspections gizmo X
check_eq "new with an unknown kind is a usage error" 2 "$rc"

# ---- mv
fresh mv
run mv "$w" inspections/visits/submitted to_review
check_eq "mv exits 0 and prints the new path" "0 inspections/visits/to_review" "$rc $out"
check_eq "mv changes the view's key and the listener's targetView, nothing else" '90c90
<           "submitted": {
---
>           "to_review": {
137c137
<   targetView: FieldInspections.inspections.visits.submitted
\ No newline at end of file
---
>   targetView: FieldInspections.inspections.visits.to_review
\ No newline at end of file' "$(diff "$sample/$conn" "$w/$conn")"
run mv "$w" inspections/visits/to_review by_site
check_eq "mv onto a sibling's name exits 1" 1 "$rc"

# ---- functions named as tree shows them; a view's reduce added and removed
fresh fns
for f in validate_doc_update filters/mine updates/touch; do
	"$FS_BIN" new "$w" sites/catalog function "$f" >>"$t/out-fns" 2>&1
done
"$FS_BIN" new "$w" sites/catalog/checklist_items function reduce >>"$t/out-fns" 2>&1
"$FS_BIN" rm "$w" sites/catalog/by_region/reduce >>"$t/out-fns" 2>&1
run tree "$w"
check_contains "new function by path: validate, filter, update" "sites/catalog/validate_doc_update  function
sites/catalog/filters/mine  function
sites/catalog/updates/touch  function" "$out"
check_contains "a reduce added to one view and removed from another" "sites/catalog/by_region  view
sites/catalog/by_region/map  function
sites/catalog/checklist_items  view
sites/catalog/checklist_items/map  function
sites/catalog/checklist_items/reduce  function" "$out"

# ---- cp
fresh cp
run cp "$w" inspections/visits/by_site by_place
check_eq "cp a view beside itself" "0 inspections/visits/by_place" "$rc $out"
check_eq "the copy has the same map" "$("$FS_BIN" show "$w" inspections/visits/by_site/map)" \
	"$("$FS_BIN" show "$w" inspections/visits/by_place/map)"
run cp "$w" inspections/visits/by_site by_site --into inspections/defects
check_eq "cp a view into another design document" "0 inspections/defects/by_site" "$rc $out"
run cp "$w" inspections audits
check "cp a connector writes its own file" [ -f "$w/_c8oProject/connectors/audits.yaml" ]
cp -R "$w" "$t/cp-before"
run cp "$w" inspections/visits/by_site x --into sites
check_eq "cp under a parent of another kind exits 1" 1 "$rc"
run cp "$w" inspections/visits/by_site by_status
check_eq "cp onto a taken name exits 1" 1 "$rc"
check "refused copies write nothing" diff -r "$t/cp-before" "$w"

# ---- rm
fresh rm
run rm "$w" inspections/DeleteDefect
check_eq "rm a transaction exits 0" 0 "$rc"
check_eq "rm removes its lines and nothing else" '9,11d8
< ↓DeleteDefect [transactions.couchdb.DeleteDocumentTransaction]: 
<   ↓_use_docid [variables.RequestableVariable-1732190400101]: 
<     description: Document ID' "$(diff "$sample/$conn" "$w/$conn")"
run rm "$w" sites
check "rm a connector removes its file" [ ! -e "$w/_c8oProject/connectors/sites.yaml" ]
run rm "$w" ""
check_eq "rm of the project itself exits 1" 1 "$rc"
run rm "$w" inspections/visits/submitted
check_contains "an edit warns about what it breaks" \
	"warning: inspections/SubmittedInspections: targetView FieldInspections.inspections.visits.submitted names no existing view" "$err"
run set "$w" inspections/SaveInspection policy create
check_eq "a later edit does not repeat earlier warnings" "0 " "$rc $err"

# ---- malformed files: file:line message, exit 1, nothing written
fresh bad
printf '\n  this line has no colon' >>"$w/c8oProject.yaml"
cp "$w/c8oProject.yaml" "$t/bad-before.yaml"
run set "$w" inspections/SaveInspection policy create
check_eq "a malformed project file exits 1" 1 "$rc"
case $err in *"c8oProject.yaml:11: "*) ok "the message names the file and line" ;;
	*) not_ok "the message names the file and line"; echo "# $err" ;; esac
check "nothing is written when the project is malformed" cmp -s "$t/bad-before.yaml" "$w/c8oProject.yaml"
fresh badjson
sed -i 's/"by_region": {/"by_region" {/' "$w/_c8oProject/connectors/sites.yaml"
run tree "$w"
check_eq "a broken docdata JSON exits 1" 1 "$rc"
check_contains "a broken docdata names its file" "_c8oProject/connectors/sites.yaml:" "$err"

# ---- set warns on broken JavaScript; --strict refuses to write it
fresh strict
conn=$w/_c8oProject/connectors/inspections.yaml
cp "$conn" "$t/strict-before.yaml"
printf 'function (doc) {\n  emit(doc._id, ;\n}\n' >"$t/broken.js"
run set "$w" inspections/visits/by_site/map --file "$t/broken.js" --strict
check_eq "set --strict refuses broken JavaScript" 1 "$rc"
check_contains "set --strict says where" "inspections/visits/by_site/map:2:" "$err"
check "set --strict writes nothing" cmp -s "$t/strict-before.yaml" "$conn"
run set "$w" inspections/visits/by_site/map --file "$t/broken.js"
check_eq "set without --strict writes broken JavaScript" 0 "$rc"
check_contains "set warns on stderr with line and column" "inspections/visits/by_site/map:2:" "$err"
printf 'function (doc) {\n  emit(doc._id, 1);\n}\n' >"$t/good.js"
run set "$w" inspections/visits/by_site/map --file "$t/good.js" --strict
check_eq "set --strict writes valid JavaScript, silently" "0 " "$rc $err"

done_testing
