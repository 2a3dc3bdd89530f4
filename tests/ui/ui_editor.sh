#!/bin/sh
# The built-in function editor: open a view's map, type (colors follow),
# a syntax error marked in the gutter, undo, search, go to line, save and
# see the file change, choose a built-in reduce.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 12

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'color keyword magenta default bold\n' > "$tap_tmp/home/.config/fsstudio/config"
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
check "e opens the view's map in the editor" ui_wait_row 0 "Edit inspections/visits/by_site/map"

# type a new line after line 2: auto-indent, then colors
ui_keys Down End Enter
ui_type "var total = 1;"
check "typed text shows, indented" ui_wait "   3          var total = 1;"
esc=$(printf '\033')
row=$(ui_tmux capture-pane -e -p -t ui | grep 'total' | head -1)
check_contains "the typed keyword takes the keyword color" "${esc}[35mvar" "$row"
check "the project shows unsaved" ui_wait "FieldInspections [+]"

# a syntax error on a line of its own, marked; undo takes it away
ui_keys Enter
ui_type ")"
check "a syntax error is marked in the gutter" ui_wait "   4!         )"
ui_keys C-z
check "undo removes it" ui_wait_gone "   4!"

# search and go to line
ui_keys C-f
ui_wait "Search:"
ui_type "emit"; ui_keys Enter
check "search moves to the match" ui_wait_row 0 " 5/7"
ui_keys C-g
ui_wait "Go to line:"
ui_type 1; ui_keys Enter
check "go to line 1" ui_wait_row 0 " 1/7"

# save writes the file
ui_keys C-s
check "C-s saves" ui_wait "Saved 1 project"
check "the typed line is in the project file" grep -q 'var total = 1;' "$conn"
ui_keys Escape
ui_wait_gone "Edit inspections"

# a built-in reduce from the list
ui_keys l j j
ui_wait_row 0 "visits/by_site/reduce"
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/reduce"
ui_keys F2
ui_wait "_approx_count_distinct"
ui_keys j Enter
ui_keys C-s
ui_wait "Saved 1 project"
check "the reduce is _sum in the file" grep -q '"reduce": "_sum"' "$conn"
ui_keys Escape q
check "quits" ui_wait "fsstudio-exit=0"
done_testing
