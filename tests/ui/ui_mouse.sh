#!/bin/sh
# Mouse: a click selects, the wheel scrolls; `set mouse = no` turns it off.
# The terminal's mouse reports are sent as raw bytes (X10 encoding).
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 5

# ui_mouse BUTTON COL ROW (0-based): an X10 mouse report
ui_mouse() {
	ui_tmux send-keys -t ui -H 1b 5b 4d "$(printf %x $((32 + $1)))" \
		"$(printf %x $((33 + $2)))" "$(printf %x $((33 + $3)))"
}
# ui_click COL ROW: press and release of the first button
ui_click() { ui_mouse 0 "$1" "$2"; ui_mouse 3 "$1" "$2"; }

proj=$(ui_sample)
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_click 10 5
check "a click on row 5 selects the 5th line" ui_wait_row 0 " 5/14"
ui_click 60 3
ui_wait_row 0 "FieldInspections/inspections/visits"
check "a click in the details focuses them" ui_wait_row 0 " 3/"
# wheel down in the tree: three lines per notch
ui_mouse 65 10 5
check "the wheel moves the tree" ui_wait_row 0 " 8/14"
check_eq "the studio asks the terminal for mouse reports" 1 "$(ui_tmux display -p -t ui '#{mouse_standard_flag}')"
ui_keys q
ui_wait "fsstudio-exit"
ui_stop

mkdir -p "$tap_tmp/home2/.config/fsstudio"
echo "set mouse = no" > "$tap_tmp/home2/.config/fsstudio/config"
ui_sock="fstest-nomouse-$$"
UI_HOME=$tap_tmp/home2 ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
check_eq "set mouse = no: no mouse reports asked" 0 "$(ui_tmux display -p -t ui '#{mouse_standard_flag}')"
done_testing
