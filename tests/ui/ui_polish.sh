#!/bin/sh
# Polish of the studio: Enter on a function opens it in the editor; the
# editor's moving and editing keys are requests a user binds again; the
# editor goes from finding to finding (next-error) and lists them all; at
# 80x24: long titles keep their ends, the editor takes the width, a new line
# after a long one is not left scrolled, questions keep their answers in
# sight, an error wider than the screen is read whole, the history's
# author column is as wide as its authors.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 21

proj=$(ui_sample)
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'bind editor <C-a> line-start\nbind editor <C-d> delete-char\nbind editor <F6> char-right\n' \
	> "$tap_tmp/home/.config/fsstudio/config"

# help_shows RE: pages down the help until a line matches
help_shows() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ui_grep "$1" && return 0
		ui_keys PageDown
		sleep 0.1
	done
	ui_wait_re "$1"
}

ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
check_eq "the user's bindings of editor requests load without an error" "" "$(ui_row 29 | tr -d ' ')"

# Enter on the map leaf under a view opens the editor (not the details)
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys Right
ui_wait_re "map"
ui_keys Down
ui_wait_row 0 "by_site/map"
ui_keys Enter
check "Enter on a map opens the editor" ui_wait_row 0 "Edit inspections/visits/by_site/map"

# the user's bindings of editor requests: no config error, and they work
ui_keys C-a
ui_type "X"
check "a key bound to line-start moves there" ui_wait_re "   1. Xfunction"
ui_keys C-a C-d C-d F6
ui_type "Y"
check "delete-char and char-right bound by the user" ui_wait_re "   1. uYnction (doc) {"
# the defaults are requests too: End, then Backspace
ui_keys End BSpace
check "line-end and backspace (default keys)" ui_wait_re "   1. uYnction (doc) *$"
ui_keys C-z C-z C-z C-z C-z C-z
ui_wait_re "   1  function (doc) {"

# two syntax errors: next-error goes to each, then wraps; the list shows both
ui_keys End
ui_type ")"
ui_keys Down Down Down End
ui_type ")"
ui_keys Down
ui_wait_re "2 errors"
ui_keys F8
check "next-error wraps to the first finding, with line:col and message" ui_wait_re "^1/2 1:17 error: "
ui_keys F8
check "next-error goes to the second" ui_wait_re "^2/2 4:6 error: "
ui_type "Z"
check "the cursor is on it" ui_wait_re "   4. *}Z)"
ui_keys BSpace F7
check "findings lists them all" ui_wait_re "2 errors, 0 warnings"
ui_wait_re "4:6 error: "
ui_keys Up Enter
check "Enter on one goes there" ui_wait_re "^1/2 1:17 error: "
ui_keys C-z C-z C-z C-z
ui_keys C-q
ui_wait_gone "Edit inspections"
ui_keys F1
ui_wait "fsstudio keys"
check "the help lists the editor keys of char-left" help_shows "editor: <Left>  *char-left"
ui_keys Escape
ui_wait_gone "fsstudio keys"
ui_keys q
check "quits" ui_wait "fsstudio-exit=0"
ui_stop

ui_start 80 24 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts at 80x24"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape Right Down
check "a long title keeps its ends" ui_wait_re "^Project .* FieldInspections/…/.*by_site/map "
ui_keys Enter
ui_wait_row 0 "Edit inspections/"
check "the editor takes the width: a whole line shows" \
	ui_wait_re "   2      if (doc.type === \"inspection\" && doc.site) {$"
ui_keys Down Down End Enter
ui_type "x"
check "a new line after a long one shows from its start" ui_wait_re "   4          x$"
check "and the lines above too" ui_wait_re "   1  function (doc) {$"
ui_keys C-q
check "a long question keeps its answers in sight" ui_wait_re "\[s/k/d\]$"
ui_keys d
ui_wait_gone "Edit inspections"
# an error wider than the screen (no git author) is read whole, on two rows
(cd "$proj" && git config --unset user.name && git config --unset user.email)
ui_keys e
ui_wait_row 0 "Edit inspections/"
ui_keys End
ui_type "x"
ui_keys C-s
ui_wait "Commit it?"
ui_keys Enter
check "a message wider than the screen is read whole" ui_wait_re "you@example.com)$"
ui_keys C-q
ui_wait_gone "Edit inspections"
ui_keys H
check "the author column is as wide as the authors" ui_wait_re "[0-9]:[0-9][0-9] test A "
ui_keys Escape q
check "quits at 80x24" ui_wait "fsstudio-exit=0"

# 60x16 (scripted): the help keeps room for the words, the keys are cut
out=$(cd "$proj" && env HOME="$tap_tmp/home" XDG_CONFIG_HOME="$tap_tmp/home/.config" LANG=C.UTF-8 \
	LC_ALL=C.UTF-8 FSSTUDIO_TEST_SIZE=60x16 FSSTUDIO_TEST_KEYS='?' "$FS_BIN" .)
check_contains "the help at 60 columns shows a request's words whole" "move-up         Move the cursor up" "$out"
done_testing
