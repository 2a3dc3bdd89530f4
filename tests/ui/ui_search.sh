#!/bin/sh
# Search in every pane, zoom and horizontal scroll, at 80x24 and 120x40: `/` in the help or the
# details searches its text (the match highlighted, n and N move between
# matches, the keys typed go to the prompt, not to the tree); `z` gives the
# focused pane the whole screen and back; > and < scroll long lines.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 28

proj=$(ui_sample)
# pos: the "N/M" position of the focused pane's title (row 0, at its end)
pos() { ui_row 0 | grep -o '[0-9]*/[0-9]*$'; }
# lit TEXT: the screen shows TEXT in reverse video (a highlighted match)
lit() { ui_tmux capture-pane -p -e -t ui | grep -q "$(printf '\033')\[[0-9;]*7m[^$(printf '\033')]*$1"; }
pos_is_not() { [ "$(pos)" != "$1" ]; }
row0_starts() { case $(ui_row 0) in "$1"*) return 0 ;; esac; return 1; }

for size in "80 24" "120 40"; do
	set -- $size
	ui_start "$1" "$2" "$proj" .
	ui_wait "FieldInspections" || { not_ok "$size: starts"; continue; }
	ui_keys '?'
	ui_wait_row 0 "Help"
	start=$(pos)
	ui_keys /
	ui_type commit
	ui_keys Enter
	check "$size: / in the help searches its text" ui_poll "the help's cursor to move" pos_is_not "$start"
	check "$size: the match is highlighted" ui_poll "a highlighted commit" lit commit
	check "$size: the status line names the search" ui_wait "search: commit"
	first=$(pos)
	ui_keys n
	check "$size: n goes to the next match" ui_poll "n to move" pos_is_not "$first"
	ui_keys N
	check_eq "$size: N comes back" "$first" "$(ui_poll "N to move back" pos_is_not "$(pos)" >/dev/null; pos)"
	ui_keys q
	ui_wait_gone "search: commit"
	# the details of a view: search its map's text
	ui_keys / ; ui_type by_site; ui_keys Enter Escape
	ui_wait_row 0 "visits/by_site "
	ui_keys Tab / ; ui_type emit; ui_keys Enter
	check "$size: / in the details searches them" ui_poll "a highlighted emit" lit emit
	check "$size: the tree's filter is not touched" ui_lacks "filter: emit"
	# zoom: the focused pane (the details) alone, then both again
	ui_keys z
	check "$size: z zooms the focused pane (its title at the left edge)" \
		ui_poll "the details at column 0" row0_starts "FieldInspections/inspections/visits/by_site"
	check "$size: zoomed, the tree is gone" ui_wait_gone "▾ FieldInspections"
	ui_keys z
	check "$size: z again gives the tree back" ui_wait "▾ FieldInspections"
	# long lines: > scrolls the details to the right, < back
	check "$size: the end of the long emit line is cut" ui_lacks "doc.inspector});"
	ui_keys '>' '>'
	check "$size: > scrolls the details to show it" ui_wait "doc.inspector});"
	check "$size: the title says how far" ui_wait_re "<[0-9][0-9]* [0-9]*/"
	ui_keys '<' '<' '<'
	check "$size: < scrolls back to the start" ui_wait "view      by_site"
	ui_stop
done
done_testing
