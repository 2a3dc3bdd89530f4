#!/bin/sh
# Polish of the studio: Enter on a function opens it in the editor.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 2

proj=$(ui_sample)

ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

# Enter on the map leaf under a view opens the editor (not the details)
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys Right
ui_wait_re "map"
ui_keys Down
ui_wait_row 0 "by_site/map"
ui_keys Enter
check "Enter on a map opens the editor" ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys C-q
ui_wait_gone "Edit inspections"
ui_keys q
check "quits" ui_wait "fsstudio-exit=0"
done_testing
