#!/bin/sh
# Layout: two panes, one pane below 60x16, no crash at 20x5, resize at any
# time; a workspace of several projects; wide characters and long names.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 14

proj=$(ui_sample)
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
check_eq "two panes at 100x30: separator after the tree" "│" "$(ui_cell 5 40)"
check_contains "status line on the row before last" "$proj" "$(ui_row 28)"

ui_resize 50 12
ui_wait_gone "FieldInspections/"
check "below 60 columns one pane shows" ui_wait_row 0 "Project"
check "no separator in one-pane mode" sh -c "! tmux -L $ui_sock capture-pane -p -t ui | grep -q '│'"
ui_keys Tab
check "Tab shows the details pane alone" ui_wait_row 0 "FieldInspections"
ui_keys Tab
ui_wait_row 0 "Project"

ui_resize 20 5
ui_wait_row 4 ""
ui_keys j j j G g
ui_keys '?'
ui_keys q
ui_resize 100 30
check "back to two panes after 20x5 (still running)" ui_wait_row 0 "Project"
# The separator is drawn with the rest of the frame, after row 0: poll for it.
cell_is() { [ "$(ui_cell "$1" "$2")" = "$3" ]; }
check "separator is back" ui_poll "for the separator at 5,40" cell_is 5 40 "│"
ui_keys q
check "quits normally" ui_wait "fsstudio-exit=0"
ui_stop

# a workspace: a folder of projects, one with a long name in wide characters
ws=$tap_tmp/ws2
mkdir -p "$ws"
cp -R "$proj" "$ws/alpha"
cp -R "$proj" "$ws/beta"
long="現場点検_inspections_sur_le_terrain_été_with_a_really_long_project_name"
sed -i "2s/FieldInspections/$long/" "$ws/beta/c8oProject.yaml"
ui_sock="fstest-ws-$$"
ui_start 80 24 "$ws" .
ui_wait "Workspace" || { not_ok "workspace starts"; done_testing; }
check_eq "both projects listed" "2" "$(ui_screen | grep -c '^▸ \|^▾ ')"
check "wide characters drawn" ui_wait "現場点検_inspections"
row=$(ui_screen | grep '現場点検' | head -1)
check_contains "a long name ends with an ellipsis in its pane" "…" "$row"
ui_keys G u
check "the long name shows in the details" ui_wait "現場点検_inspections_sur_le_terrain"
ui_keys q
ui_wait "fsstudio-exit"
ui_stop

# a broken project in the workspace: read when expanded (the projects of a
# workspace are), the error says where, the others stay
mkdir -p "$ws/broken"
printf '↓Broken [core.Project]: \n  this line has no key\n' > "$ws/broken/c8oProject.yaml"
ui_sock="fstest-wsb-$$"
ui_start 100 30 "$ws" .
ui_wait "Workspace"
ui_keys End Enter
check "the broken project is named with file:line" ui_wait "Broken not loaded: c8oProject.yaml:2:"
check_eq "the other projects are still there" "3" "$(ui_screen | grep -c '^▸ \|^▾ ')"
done_testing
