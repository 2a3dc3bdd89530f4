#!/bin/sh
# The studio in tmux on the sample project: tree, moving, expanding, filter,
# next/previous match, listener target and back, help, quit.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 16

proj=$(ui_sample)
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
check_eq "tree pane title and the project on row 1" "Project" "$(ui_row 0 | cut -c1-7)"
check "connectors open, their design documents listed in an open folder" ui_grep '^        ▸ visits  4 views'

ui_keys / ; ui_type CountByStatus; ui_keys Enter Escape
ui_wait_row 0 "FieldInspections/inspections/CountByStatus"
check_contains "details of the selected transaction" "viewname" "$(ui_screen)"

# vi keys: G to the end, g back to the top (the transactions folder is open now)
ui_wait_row 0 " 9/20"
ui_keys G
check "G goes to the last line (the Other folder)" ui_wait_row 0 "20/20"
ui_keys g
check "g goes back to the first line" ui_wait_row 0 " 1/20"

# expand a design document with l, collapse with h
ui_keys / ; ui_type visits; ui_keys Enter Escape
ui_wait_row 0 "FieldInspections/inspections/visits "
ui_keys l
check "l expands: the views of visits show" ui_wait "▸ by_status"
ui_keys h
check "h collapses" ui_wait_gone "by_status"

# incremental filter: the tree narrows while typing
ui_keys /
ui_type "by_"
ui_wait "/by_"
scr=$(ui_screen)
check_contains "filter shows matching views" "by_site" "$scr"
case $scr in *CountByStatus*) not_ok "filter hides non-matching objects" ;; *) ok "filter hides non-matching objects" ;; esac
ui_keys Enter
# row 0: "Project /by_  4/11 FieldInspections/inspections/visits/by_site ..."
ui_wait_re "^Project /by_ .* FieldInspections/[^ ]*/by_"
first=$(ui_row 0 | awk '{print $4}')
ui_keys n
ui_wait_gone "$first "
second=$(ui_row 0 | awk '{print $4}')
check_contains "n selects a match" "/by_" "$second"
check "n went to another match" [ "$second" != "$first" ]
ui_keys N
check "N comes back to the previous match" ui_wait_row 0 "$first "
ui_keys Escape
ui_wait_gone "filter: by_"

# listener target: t goes to the view, T comes back
ui_keys / ; ui_type SubmittedIns; ui_keys Enter Escape
ui_wait_row 0 "inspections/SubmittedInspections"
ui_keys t
check "t goes to the targeted view" ui_wait_row 0 "inspections/visits/submitted"
ui_keys T
check "T goes back to the listener" ui_wait_row 0 "inspections/SubmittedInspections"

# help, generated from the request table
ui_keys '?'
ui_wait "fsstudio keys"
check_contains "help lists requests with their keys" "find-next" "$(ui_screen)"
ui_keys q
ui_wait_gone "fsstudio keys"

ui_keys q
check "q quits with no question when nothing changed" ui_wait "fsstudio-exit=0"
done_testing
