#!/bin/sh
# Git from the studio: change marks on the tree after a save, the status
# pane with an object's diff, a commit of picked objects, the history of an
# object with its diffs, a restore to an older revision.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v git >/dev/null || plan_skip "git is not installed"
plan 15

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
cat > "$tap_tmp/editor.sh" <<'ED'
#!/bin/sh
sed -i 's/emit(/emit( \/*x*\/ /' "$1"
ED
chmod +x "$tap_tmp/editor.sh"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys E
ui_wait "[+] 1 unsaved"
check "an unsaved edit gets its M mark a few seconds later" ui_wait_re '▸ by_site  *M│'
ui_keys s
ui_wait "Saved 1 project"
check "the changed view gets an M mark at the tree's right edge" ui_wait_re '▸ by_site  *M│'
check "its ancestors get a * mark" ui_wait_re '▾ FieldInspections  *\*│'

ui_keys S
check "the status pane lists the changed view" ui_wait "M view        inspections/visits/by_site"
# the pane starts on the first change (the design document): j to the view
ui_wait_row 0 " 2/5"
ui_keys j
ui_wait_row 0 " 3/5"
ui_keys Enter
check "Enter shows the object's diff" ui_wait "+        emit( /*x*/"
ui_keys Space
check "Space picks it" ui_wait "[x] M view"
ui_keys K
ui_wait "Commit the picked objects, message:"
ui_type "by_site: mark the emit"
ui_keys Enter
check "committed from the studio" ui_wait "Committed"
check_eq "the commit is in git" "by_site: mark the emit" "$(cd "$proj" && git log -1 --format=%s)"
check "the status comes back clean" ui_wait "nothing to commit"
ui_keys q

ui_keys H
check "history lists both commits" ui_wait "M by_site: mark the"
ui_keys j Enter
check "Enter on the older commit shows what it did" ui_wait "+map:"
ui_keys O
ui_wait "Restore view 'by_site' as it was in"
ui_keys y
check "restored to an older commit: to review and commit" ui_wait "review it and commit"
# (the file escapes '/' as '\/', as Convertigo writes it: look for the *x*)
check "the file holds the old function again" sh -c "! grep -q '[*]x[*]' '$conn'"
ui_keys q
ui_wait_gone "review it and commit"
ui_keys O
ui_wait "as it was in HEAD"
ui_keys y
ui_wait "overwrite them (f)"
ui_keys f
check "restored to HEAD: nothing is left to commit, and it says so" ui_wait "Restored to HEAD: as last committed"
check "the file holds the committed function again" grep -q '[*]x[*]' "$conn"
done_testing
