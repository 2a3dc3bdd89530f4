#!/bin/sh
# The studio and a shell editing the same project (issue 10): an outside
# `fsstudio set` is read within a second and survives the studio's save of
# its own unsaved edit; an outside git commit and checkout refresh the tree
# and the marks, and the message line says so; an edit of the same function
# on both sides is a conflict showing both, settled by t (theirs) or m
# (mine); F5 looks at once; after a kill -9, recovered edits are re-applied
# onto a file changed since, and both changes are kept.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v git >/dev/null || plan_skip "git is not installed"
plan 28

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
state=$tap_tmp/home/.local/state/fsstudio
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'set recovery-delay = 1\n' > "$tap_tmp/home/.config/fsstudio/config"
# the studio's edit: a comment in front of emit(
# (on a conflict's file, both versions: it drops the marker lines)
cat > "$tap_tmp/editor.sh" <<'ED'
#!/bin/sh
if grep -q '^<<<<<<< ' "$1"; then
	sed -i '/^\(<<<<<<< \|=======$\|>>>>>>> \)/d' "$1"
else
	sed -i 's/emit(/emit( \/*studio*\/ /' "$1"
fi
ED
chmod +x "$tap_tmp/editor.sh"
# the shell's edit of a function: its text from a file
outside_set() { # OBJECT TEXT
	printf '%s' "$2" > "$tap_tmp/fn.js"
	"$FS_BIN" set "$proj" "$1" --file "$tap_tmp/fn.js" >/dev/null
}
in_file() { grep -q -- "$1" "$conn"; }
# an object's text on disk holds TEXT (fixed string)
shows() { "$FS_BIN" show "$proj" "$1" | grep -qF -- "$2"; }
# the outside changes must be seen within a second: a short deadline (with
# room for a loaded machine)
fast() { ui_deadline=3 "$@"; }

UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 110 32 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys E
ui_wait "[+] 1 unsaved"

# 1. an outside set while the studio holds an unsaved edit of the same file
outside_set inspections/visits/by_status/map "function (doc) { emit('outside-1', 1); }"
check "an outside set is seen within a second, the studio's edit re-applied" \
	fast ui_wait "inspections.yaml changed outside: read again, 1 unsaved edit re-applied"
check "the selection stays on the view" ui_wait_row 0 "visits/by_site "
check "the studio's edit is still unsaved" ui_wait "[+] 1 unsaved"
ui_keys s
ui_wait "Saved 1 project"
check "the outside edit survives the studio's save" in_file "outside-1"
check "and the studio's edit is saved" shows inspections/visits/by_site/map "emit( /*studio*/"

# 2. an outside commit: the marks go, the message says it
check "the saved view has its M mark" ui_wait_re '▸ by_site  *M│'
(cd "$proj" && git commit -qam "outside commit") >/dev/null
check "an outside commit is seen within a second" fast ui_wait "git changed outside (commit or checkout): on "
check "the marks are refreshed" fast ui_wait_gone "M│"
# a git status elsewhere rewrites the index (its stat cache): the marks are
# read again, but that is no news for the message line
ui_keys F5
ui_wait "Nothing changed on disk"
(cd "$proj" && git update-index --index-version 4) >/dev/null
quiet() { n=0; while [ $n -lt 20 ]; do ui_lacks "$1" || return 1; sleep 0.1; n=$((n + 1)); done; }
check "an index rewritten outside brings no message" quiet "git changed outside"

# 3. an outside checkout of a branch with a new view, and back
(cd "$proj" && git checkout -qb other && "$FS_BIN" new . inspections/visits view by_day >/dev/null &&
	git commit -qam "by_day") >/dev/null
check "a new view made and committed outside shows" fast ui_wait "by_day"
(cd "$proj" && git checkout -q master 2>/dev/null || git checkout -q main) >/dev/null
check "an outside checkout reloads the tree" fast ui_wait_gone "by_day"
check "the message line names what changed" ui_wait "inspections.yaml changed outside: read again"

# 4. the same function changed on both sides: a conflict shows both
ui_keys E
ui_wait "[+] 1 unsaved"
outside_set inspections/visits/by_site/map "function (doc) { emit('theirs', 1); }"
check "a conflict opens with both versions" fast ui_wait "On disk (theirs):"
check "mine is shown too" ui_wait "emit( /*studio*/"
ui_keys t
check "t takes theirs" ui_wait "Took theirs; no conflict left"
ui_keys E
ui_wait "[+] 1 unsaved"
outside_set inspections/visits/by_site/map "function (doc) { emit('theirs-2', 1); }"
fast ui_wait "On disk (theirs):"
ui_keys m
ui_wait "Kept mine; no conflict left"
ui_keys s
ui_wait "Saved 1 project"
check "m keeps mine: the studio's text is saved over theirs, knowingly" \
	shows inspections/visits/by_site/map "emit( /*studio*/ 'theirs', 1)"

# 5. F5 looks at once and says when nothing changed
ui_keys F5
check "F5 with nothing changed says so" ui_wait "Nothing changed on disk"

# 6. recovery after kill -9, the file changed since
ui_keys / ; ui_type submitted; ui_keys Enter Escape
ui_wait_row 0 "visits/submitted "
ui_keys E
ui_wait "[+] 1 unsaved"
until ls "$state"/*.json >/dev/null 2>&1; do sleep 0.05; done
kill -9 "$(ui_studio_pid)"
ui_wait "fsstudio-exit=137"
ui_stop
outside_set inspections/visits/by_status/map "function (doc) { emit('outside-2', 1); }"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 110 32 "$proj" .
ui_wait "Unsaved changes of FieldInspections from"
ui_keys y
check "recovery says the edits went onto the file changed since" \
	ui_wait "Recovered the unsaved edits of FieldInspections onto _c8oProject/connectors/inspections.yaml as changed since"
ui_keys s
ui_wait "Saved 1 project"
check "the outside change is kept" in_file "outside-2"
check "the recovered edit is saved" shows inspections/visits/submitted "emit( /*studio*/"
check "the recovery file is gone after the save" sh -c "! ls '$state'/*.json >/dev/null 2>&1"

# 7. without the watch (watch-disk = no): F5 looks; a save finds the file
# changed since it was read, re-applies the edit first, or stops on a
# conflict; e merges both versions in $EDITOR
ui_stop
printf 'set recovery-delay = 1\nset watch-disk = no\n' > "$tap_tmp/home/.config/fsstudio/config"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 110 32 "$proj" .
ui_wait "FieldInspections"
outside_set inspections/visits/by_status/map "function (doc) { emit('outside-3', 1); }"
ui_keys F5
check "F5 reads an outside change at once" ui_wait "inspections.yaml changed outside: read again"
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys E
ui_wait "[+] 1 unsaved"
outside_set inspections/visits/by_status/map "function (doc) { emit('outside-4', 1); }"
ui_keys s
check "the save says the file changed since it was read and the edit was re-applied" \
	ui_wait "inspections.yaml changed on disk since it was read: read again, 1"
check "the outside change survives the save" shows inspections/visits/by_status/map "outside-4"
ui_keys E
ui_wait "[+] 1 unsaved"
outside_set inspections/visits/by_site/map "function (doc) { emit('theirs-3', 1); }"
ui_keys s
check "a conflict found at the save stops it" ui_wait "FieldInspections not saved"
check "nothing was written over the outside change" shows inspections/visits/by_site/map "theirs-3"
ui_wait "On disk (theirs):"
ui_keys e
check "e keeps what the editor left of both" ui_wait "Kept the merged text; no conflict left"
ui_keys s
ui_wait "Saved 1 project"
check "the merged text holds both versions" sh -c "'$FS_BIN' show '$proj' inspections/visits/by_site/map |
	grep -q theirs-3 && '$FS_BIN' show '$proj' inspections/visits/by_site/map | grep -qF 'emit( /*studio*/'"
done_testing
