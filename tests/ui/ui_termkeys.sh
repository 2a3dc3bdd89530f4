#!/bin/sh
# Keys whatever TERM says: inside tmux, End arrives as ESC [4~ and PgDn as
# ESC [6~ although xterm's terminfo names other sequences; the studio must
# take them as End and PgDn with TERM=xterm-256color, tmux-256color and
# screen-256color, and drop an unknown sequence whole (never Esc + "[99~").
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 12

proj=$(ui_sample)
unknown=$(printf '\033[99~')
for term in xterm-256color tmux-256color screen-256color; do
	UI_ENV="TERM=$term"
	ui_start 100 30 "$proj" .
	ui_wait "FieldInspections" || { not_ok "$term: starts"; continue; }
	ui_keys / ; ui_type by_site; ui_keys Enter Escape
	ui_wait_row 0 "visits/by_site "
	ui_keys e
	ui_wait_row 0 "Edit inspections/visits/by_site/map"
	ui_keys End
	ui_type Q
	check "$term: End goes to the end of the line (the editor stays open)" \
		ui_wait_re "function (doc) {Q"
	ui_keys -l "$unknown"
	ui_type Z
	check "$term: an unknown sequence is dropped whole" ui_wait_re "function (doc) {QZ"
	check "$term: nothing of it was typed" ui_lacks "[99~"
	ui_keys C-z C-z Escape
	ui_wait_gone "Edit inspections"
	ui_keys NPage
	check "$term: PgDn moves the tree, types nothing" ui_lacks "[6~"
	ui_stop
done
done_testing
