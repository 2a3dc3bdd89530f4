#!/bin/sh
# The built-in function editor: open a view's map, type (colors follow the
# text), a syntax error marked in the gutter and spelled out, saving with it
# asks, undo, search with wrap, go to line, save and see only the function's
# lines change in git, the commit offered after it, leaving with unsaved
# edits asks, a built-in reduce chosen from the list, wide characters.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 34

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
rel=_c8oProject/connectors/inspections.yaml
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'color keyword magenta default bold\ncolor string green default\n' > "$tap_tmp/home/.config/fsstudio/config"
esc=$(printf '\033')
# The row of the screen, with its escape sequences, holding TEXT.
color_row() { ui_tmux capture-pane -e -p -t ui | grep -F -- "$1" | head -1; }
# Added and removed lines of the project file since the last commit.
changed() { (cd "$proj" && git diff -U0 -- "$rel" | grep '^[-+][^-+]'); }
# check_lacks DESC TEXT STRING: STRING does not hold TEXT.
check_lacks() {
	case $3 in *"$2"*) not_ok "$1"; echo "# found: $2"; echo "# in: $3" ;; *) ok "$1" ;; esac
}

ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
check "e opens the view's map in the editor" ui_wait_row 0 "Edit inspections/visits/by_site/map"
check_contains "a string of the function takes the string color" "${esc}[32m\"inspection\"" \
	"$(color_row '"inspection"')"

# type a new line after line 2: auto-indent, then colors as the word grows
ui_keys Down End Enter
ui_type "va"
check "typed text shows, indented" ui_wait "   3          va"
check_lacks "va is no keyword yet" "${esc}[35m" "$(color_row '   3 ')"
ui_type "r"
ui_wait "   3          var"
check_contains "var takes the keyword color" "${esc}[35mvar" "$(color_row '   3 ')"
ui_type "x"
ui_wait "   3          varx"
check_lacks "varx loses it (the damaged row is drawn again)" "${esc}[35m" "$(color_row '   3 ')"
ui_keys BSpace
ui_type " total = 1;"
ui_wait "var total = 1;"
check_contains "var is a keyword again" "${esc}[35mvar" "$(color_row '   3 ')"
check "the project shows unsaved" ui_wait "FieldInspections [+]"

# a syntax error (after a cursor move, so that undo takes it alone):
# gutter mark, title, message line, underlined
ui_keys End
ui_type ")"
check "a syntax error is marked in the gutter" ui_wait "   3!         var total = 1;)"
check "the title counts it" ui_wait_row 0 "1 error"
check "the message line gives line:column and a message" ui_wait_re "^3:[0-9]* error: "
check_contains "the error takes the syntax-error color" "${esc}[4m" "$(color_row '   3!')"

# saving with the error asks; n keeps the file as it was
ui_keys C-s
check "saving with an error asks" ui_wait "save anyway? [y/n]"
ui_keys n
ui_wait_gone "save anyway"
check "n saved nothing" sh -c "! grep -q 'var total' '$conn'"

ui_keys C-z
check "undo removes the error" ui_wait_gone "   3!"
check "and leaves the line as typed" ui_wait "   3          var total = 1;"

# search with wrap, go to line
ui_keys C-f
ui_wait "Search:"
ui_type "emit"; ui_keys Enter
check "search moves to the match" ui_wait_row 0 " 4/6"
ui_keys C-n
check "searching again wraps to the only match" ui_wait "Search wrapped: emit"
ui_keys C-g
ui_wait "Go to line:"
ui_type 1; ui_keys Enter
check "go to line 1" ui_wait_row 0 " 1/6"

# save: one line added to the file, nothing else; the commit is offered
ui_keys C-s
check "C-s saves and offers the commit" ui_wait "Commit it? Message"
check_eq "the only change of the file is the typed line" "+              var total = 1;\\n" "$(changed)"
ui_keys Enter
check "Enter commits the function's file" ui_wait "Committed "
check "the commit has the default message" \
	test "$(cd "$proj" && git log -1 --format=%s)" = "Edit inspections/visits/by_site/map"

# leaving with unsaved edits asks; d discards them
ui_keys End
ui_type " // gone"
ui_wait "// gone"
ui_keys Escape
check "leaving with unsaved edits asks" ui_wait "Unsaved edits: save (s)"
ui_keys d
check "d leaves and says so" ui_wait "Edits discarded"
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
check "the discarded text is gone when it opens again" ui_wait_gone "// gone"

# wide characters: typed, drawn in two cells, saved as UTF-8
ui_keys Down End Enter
ui_type "var s = \"漢字é\";"
check "wide characters show" ui_wait "var s = \"漢字é\";"
ui_keys C-s
ui_wait "Commit it?"
ui_keys Enter
ui_wait "Committed "
check "and reach the file" grep -q 'var s = \\"漢字é\\";' "$conn"
ui_keys Escape
ui_wait_gone "Edit inspections"

# a built-in reduce from the list: only that member changes
ui_keys l j j
ui_wait_row 0 "visits/by_site/reduce"
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/reduce"
check "a reduce says how to choose a built-in" ui_wait "<F2> chooses a built-in reduce"
ui_keys F2
ui_wait "_approx_count_distinct"
ui_keys j Enter
ui_wait "_sum"
ui_keys C-s
ui_wait "Commit it?"
check_eq "the only change is the reduce, _count to _sum" \
	"$(printf '%s\n%s' '-            "reduce": "_count"' '+            "reduce": "_sum"')" "$(changed)"
ui_keys Escape
# the list opens on _sum; the last item puts a JavaScript reduce in place
ui_keys F2
ui_wait "_approx_count_distinct"
ui_keys j j j Enter
check "a JavaScript reduce replaces the built-in" ui_wait "   1  function (keys, values, rereduce) {"
check "indented as the studio indents" ui_wait "   2      return values.length;"
ui_keys C-z
check "one undo brings _sum back" ui_wait "   1  _sum"
ui_keys Escape
ui_wait_gone "Edit inspections"
ui_keys q
check "edits undone leave nothing to save: quitting does not ask" ui_wait "fsstudio-exit=0"
done_testing
