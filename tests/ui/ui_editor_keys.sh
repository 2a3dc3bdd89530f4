#!/bin/sh
# The function editor's keys: selection with shift+arrows and with a mark,
# cut/copy/paste, replace all, matching bracket, a domain warning, long lines
# scrolling sideways, tabs shown as spaces (and Tab typing a tab in a text
# indented with tabs), an editor binding from the user's config, the help
# listing the editor keys.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 35

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
# by_status's map indented with tabs (a JSON "\t" in the file)
sed -i 's/^          if (doc.type === \\"inspection\\") {\\n$/      \\tif (doc.type === \\"inspection\\") {\\n/
	s/^              emit(doc.status/      \\t\\temit(doc.status/' "$conn"
grep -q '\\t\\temit(doc.status' "$conn" || { echo "Bail out! the sample changed: no by_status map to indent with tabs"; exit 1; }
# submitted's map made large (800 more lines): its checks wait for a pause
awk '{ print } /^          "submitted": \{$/ { f = 1 }
	f && /"map": "function \(doc\) \{\\n$/ {
		for (i = 0; i < 800; i++) printf "          var x%d = doc.a + %d;\\n\n", i, i; f = 0 }' \
	"$conn" > "$conn.new" && mv "$conn.new" "$conn"
[ "$(grep -c 'var x[0-9]* = doc.a' "$conn")" = 800 ] || { echo "Bail out! no submitted map to enlarge"; exit 1; }
(cd "$proj" && git commit -qam tabs)
printf '#!/bin/sh\nprintf "\\n// external" >> "$1"\n' > "$tap_tmp/ed.sh"
chmod +x "$tap_tmp/ed.sh"
UI_ENV="EDITOR=$tap_tmp/ed.sh"
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'bind editor <C-e> undo\n' > "$tap_tmp/home/.config/fsstudio/config"
# a broken highlight query of the user's: named, the text shows plain
mkdir -p "$tap_tmp/home/.config/fsstudio/queries"
printf '(identifier @variable\n' > "$tap_tmp/home/.config/fsstudio/queries/javascript.scm"

ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
check "a broken query file is named" ui_wait_re "^No highlighting: .*javascript.scm"

# a click puts the cursor on its line; the wheel moves it
ui_mouse() {
	ui_tmux send-keys -t ui -H 1b 5b 4d "$(printf %x $((32 + $1)))" \
		"$(printf %x $((33 + $2)))" "$(printf %x $((33 + $3)))"
}
ui_mouse 0 60 3; ui_mouse 3 60 3
check "a click on the third row goes to line 3" ui_wait_row 0 " 3/5"
ui_mouse 64 60 3
check "the wheel moves up" ui_wait_row 0 " 1/5"
ui_keys C-g; ui_wait "Go to line:"; ui_type 1; ui_keys Enter

# shift+arrows select "function", cut, paste at the end of the line
ui_keys Home S-Right S-Right S-Right S-Right S-Right S-Right S-Right S-Right C-x
check "shift+arrows and cut take the selection" ui_wait "   1!  (doc) {"
ui_keys End C-v
check "paste puts it at the cursor" ui_wait "   1!  (doc) {function"
ui_keys C-e C-e
check "a binding of the user's config (C-e undo) undoes both" ui_wait "   1  function (doc) {"

# a mark: moves select; copy, then paste on a new line
ui_keys Down Home C-t End C-c
check "copy of a marked region says its size" ui_wait "Copied "
ui_keys C-e
ui_keys End Enter C-v
check "the copied line is pasted" ui_wait_re "   3          *if (doc.type"
ui_keys C-e C-e

# matching bracket: from the { of line 1 to the } closing the function
ui_keys C-g; ui_wait "Go to line:"; ui_type 1; ui_keys Enter
ui_keys End Left C-]
check "match-bracket jumps to the closing brace" ui_wait_row 0 " 5/5"

# replace all: emit becomes emix, and the map no longer emits: a warning
ui_keys C-o; ui_wait "Replace:"
ui_type emit; ui_keys Enter
ui_wait "Replace with:"
ui_type emix; ui_keys Enter
ui_wait "Replace this one (y), skip it (n), all the rest (a)?"
ui_keys a
check "replace all counts" ui_wait "Replaced 1"
check "the map is marked with a warning" ui_wait "   1? function"
check "the title counts it" ui_wait_row 0 "1 warning"
ui_keys C-g; ui_wait "Go to line:"; ui_type 1; ui_keys Enter
check "the warning is spelled out on its line" ui_wait "1:1 warning: a map function should call emit"
ui_keys C-e
check "undo brings emit back" ui_wait_gone "   1?"

# a long line scrolls sideways, the gutter stays
ui_keys End Enter
ui_type "var long = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa END\";"
check "the end of a long line shows" ui_wait "END\";"
check "its start has scrolled out" ui_wait_gone "var long"
check "the gutter stays" ui_wait_re "^.*│   2 "
ui_keys Home
check "Home scrolls back" ui_wait "var long"
ui_keys C-q
ui_wait "Unsaved edits"
ui_keys d
ui_wait_gone "Edit inspections"

# the $EDITOR alternative from the editor (F4) edits the same function
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys F4
check "F4 hands the function to \$EDITOR" ui_wait "Function updated (not saved yet"
ui_keys e
check "and the editor shows what it wrote" ui_wait "   6  // external"
ui_keys Escape
ui_wait_gone "Edit inspections"

# tabs show as spaces (tab stop 4); Enter copies them, Tab types one in
# such a text: the cursor steps over a tab in one move
cursor_x() { ui_tmux display -p -t ui '#{cursor_x}'; }
ui_keys Escape / ; ui_type by_status; ui_keys Enter Escape
ui_wait_row 0 "visits/by_status "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_status/map"
check "a tab shows as four spaces" ui_wait "   2      if (doc.type"
check "two tabs as eight" ui_wait "   3          emit(doc.status"
ui_keys Down Down End Enter Home Right
ui_wait_row 0 " 4/6"
# the text starts right of the tree, its border and the gutter (6 columns);
# the cursor after one tab is 4 columns in
tree_w=$(($(ui_row 1 | sed 's/│.*//' | wc -m) - 1))
text_x=$((tree_w + 1 + 6))
check_eq "Enter copied the tabs" $((text_x + 4)) "$(cursor_x)"
ui_keys End BSpace BSpace Tab Home Right
ui_wait_row 0 " 4/6"
check_eq "Tab typed a tab" $((text_x + 4)) "$(cursor_x)"
ui_keys C-q
ui_wait "Unsaved edits"
ui_keys d
ui_wait_gone "Edit inspections"

# validate and filter functions open too; a backward search wraps
for fn in validate_doc_update filters/by_inspector; do
	ui_keys Escape / ; ui_type "$fn"; ui_keys Enter Escape
	ui_wait_row 0 "$fn "
	ui_keys e
	check "e opens $fn" ui_wait_row 0 "Edit inspections/visits/$fn "
done
ui_keys C-b
check "the search prompt shows the last needle" ui_wait "Search backward [emit]:"
ui_type "function"; ui_keys Enter
check "a backward search from the first line wraps" ui_wait "Search wrapped: function"
ui_keys C-f
ui_wait "Search [function]:"
ui_keys Enter
check "an empty answer searches the last needle again" ui_wait "Search wrapped: function"
ui_keys Escape
ui_wait_gone "Edit inspections"

# a large function: the error shows once typing pauses
ui_keys Escape / ; ui_type submitted; ui_keys Enter Escape
ui_wait_row 0 "visits/submitted "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/submitted/map"
ui_keys C-g; ui_wait "Go to line:"; ui_type 400; ui_keys Enter
ui_keys End
ui_type ")"
check "a syntax error in a large function is marked after a pause" ui_wait " 400!"
check "and spelled out" ui_wait_re "^400:[0-9]* error: "
ui_keys C-z
check "undo clears it" ui_wait_gone " 400!"
ui_keys Escape
ui_wait_gone "Edit inspections"

# the help lists the editor's keys
ui_keys F1
ui_wait "fsstudio keys"
ui_keys PgDn
check "the help lists the editor's own keys" ui_wait_re "editor: <C-z>, <C-e> *undo *Undo"
ui_keys q
ui_wait_gone "fsstudio keys"
ui_keys q
check "quitting with discarded edits still asks (the project model stays touched)" ui_wait "save before quitting?"
ui_keys n
check "quits" ui_wait "fsstudio-exit=0"
done_testing
