#!/bin/sh
# The function editor hands its text to the project when typing pauses, not
# at every key; whatever reads the project before that pause still gets every
# key. With a pause made very long (FSSTUDIO_TEST_PAUSE_MS), typing leaves
# the tree unmarked, and a save, closing the editor (then quitting), a
# click then a key for the tree, and SIGTERM each take the last keys. With
# the usual pause, typing alone marks the project and writes the recovery
# file, which a SIGKILL then leaves (ui_editor_recover.sh offers it again).
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 16

proj=$(ui_sample)
rel=_c8oProject/connectors/inspections.yaml
state=$tap_tmp/home/.local/state/fsstudio
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'set recovery-delay = 1\n' > "$tap_tmp/home/.config/fsstudio/config"

# the by_site map open in the editor, the cursor at the end of its line 2
open_map() {
	ui_wait "FieldInspections" || return 1
	ui_keys / ; ui_type by_site; ui_keys Enter Escape
	ui_wait_row 0 "visits/by_site " || return 1
	ui_keys e
	ui_wait_row 0 "Edit inspections/visits/by_site/map" || return 1
	ui_keys Down End Enter
}
# the saved file holds TEXT in the map (the file keeps it JSON-escaped)
saved() { grep -q -- "$1" "$proj/$rel"; }
# a tree row is the project's, with its unsaved mark
tree_marked() { ui_screen | grep -q "FieldInspections \[+\]"; }
tree_unmarked() { ui_shows "FieldInspections" && ! tree_marked; }
recovery_written() { ui_poll "for the recovery file" sh -c "ls '$state'/*.json >/dev/null 2>&1"; }
# one tmux command: the keys reach the studio in one burst, no pause between
# (no ';' in TEXT: tmux would end its command there)
burst() { ui_tmux send-keys -t ui -l "$1" \; send-keys -t ui "$2"; }
reset_proj() { (cd "$proj" && git checkout -q -- . && git clean -qfd); rm -f "$state"/*.json; }

UI_ENV="FSSTUDIO_TEST_PAUSE_MS=600000"
ui_start 100 30 "$proj" .
open_map
ui_type "var one = 1"
ui_wait "var one = 1" || not_ok "types"
check "typing alone leaves the project as it was (no pause yet)" tree_unmarked
check "the editor's title says the edits are not saved" ui_wait "Edit inspections/visits/by_site/map [+]"
burst "1" C-s
check "a save right after typing..." ui_wait "Commit it?"
check "...writes every key" saved "var one = 11"
ui_keys Escape
ui_keys Enter
burst "var two = 2" C-q
check "closing right after typing asks" ui_wait "Unsaved edits: save (s)"
ui_keys s
ui_wait_gone "Unsaved edits"
check "and saving writes every key" ui_poll "for the save" saved "var two = 2"
ui_keys Escape
ui_wait_gone "Commit it?"
ui_stop

reset_proj
ui_start 100 30 "$proj" .
open_map
burst "var three = 3" C-q
ui_wait "Unsaved edits: save (s)"
ui_keys k q
check "keeping them, then quitting, counts them unsaved" ui_wait "1 project with unsaved changes: save before quitting?"
ui_keys y
check "and saving then writes every key" ui_wait "fsstudio-exit=0"
check "(in the file)" saved "var three = 3"
ui_stop

# a click on the tree gives it the keys: the app's flush hands the text over
reset_proj
ui_start 100 30 "$proj" .
open_map
ui_type "var four = 4;"
ui_wait "var four = 4;"
ui_tmux send-keys -t ui -H 1b 5b 4d 20 25 24 \; send-keys -t ui -H 1b 5b 4d 23 25 24 \; send-keys -t ui s
check "a click on the tree then s there saves every key" ui_poll "for the save" saved "var four = 4;"
ui_stop

# SIGTERM: the recovery file is written at once, with the keys not yet handed over
reset_proj
ui_start 100 30 "$proj" .
open_map
ui_type "var five = 5;"
ui_wait "var five = 5;"
kill -TERM "$(ui_studio_pid)"
check "SIGTERM right after typing..." ui_wait "fsstudio-exit="
check "...writes a recovery file with every key" sh -c "grep -q 'var five = 5;' '$state'/*.json"
ui_stop
UI_ENV=

# the usual pause: typing alone, then nothing
reset_proj
ui_start 100 30 "$proj" .
open_map
ui_type "var six = 6;"
check "once typing pauses, the tree shows the project changed" ui_poll "for the tree's mark" tree_marked
check "and the change marks" ui_wait_re "FieldInspections \[+\]  *\*"
check "the recovery file follows" recovery_written
kill -9 "$(ui_studio_pid)"
ui_wait "fsstudio-exit=137"
check "after SIGKILL, the recovery file holds every key" sh -c "grep -q 'var six = 6;' '$state'/*.json"
done_testing
