#!/bin/sh
# Unsaved edits of the function editor: leaving the editor keeps them in the
# project (k), quitting asks, and after a crash (SIGKILL) the next start
# offers them again from the recovery file, as unsaved changes of the
# project (nothing written before a save); saving changes only the
# function's line; quitting unsaved asks, and discarding drops the recovery.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 21

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
rel=_c8oProject/connectors/inspections.yaml
state=$tap_tmp/home/.local/state/fsstudio
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf 'set recovery-delay = 1\n' > "$tap_tmp/home/.config/fsstudio/config"

# waits until the recovery folder holds a recovery file (*.json: the
# atomic write's temp file shows first, and a kill then would leave only it)
recovery_written() {
	end=$(($(date +%s) + ui_deadline))
	until ls "$state"/*.json >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys Down End Enter
ui_type "var kept = 3;"
ui_wait "var kept = 3;"

ui_keys C-q
check "leaving with unsaved edits asks" ui_wait "Unsaved edits: save (s), keep them unsaved in the project (k), discard (d)?"
ui_keys k
check "k keeps them in the project" ui_wait "The edits stay in the project, unsaved"
check "the project shows unsaved" ui_wait "FieldInspections [+]"
ui_keys q
check "quitting asks" ui_wait "1 project with unsaved changes: save before quitting?"
ui_keys c
ui_wait_gone "save before quitting"

check "a recovery file is written a moment after the edit" recovery_written
kill -9 "$(ui_studio_pid)"
check "the studio is gone (killed)" ui_wait "fsstudio-exit=137"
check "nothing reached the project file" sh -c "! grep -q 'var kept' '$conn'"

ui_stop
ui_start 100 30 "$proj" .
check "the next start offers the edits again" ui_wait "Unsaved changes of FieldInspections from"
ui_keys y
check "y restores them" ui_wait "Recovered the unsaved changes of FieldInspections, not saved yet"
check "as unsaved changes of the project" ui_wait "FieldInspections [+]"
check "the change marks show in the tree" ui_wait_re "FieldInspections \[+\]  *\*"
check "nothing written to the folder yet" sh -c "cd '$proj' && git diff --quiet"
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
check "the editor shows them" ui_wait "   3          var kept = 3;"
ui_keys Escape
ui_wait_gone "Edit inspections"
ui_keys q
check "quitting asks (they are unsaved)" ui_wait "1 project with unsaved changes: save before quitting?"
ui_keys c
ui_wait_gone "save before quitting"
ui_keys s
ui_wait_gone "FieldInspections [+]"
check_eq "a save writes the function's line only" "+              var kept = 3;\\n" \
	"$(cd "$proj" && git diff -U0 -- "$rel" | grep '^[-+][^-+]')"
check "the save drops the recovery file" sh -c "! ls '$state'/*.json >/dev/null 2>&1"
ui_keys q
check "quits (nothing unsaved)" ui_wait "fsstudio-exit=0"
ui_stop

# recovered again, then quitting without saving (n) discards it all
(cd "$proj" && git checkout -q -- .)
ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys Down End Enter
ui_type "var again = 4;"
ui_keys C-q
ui_wait "Unsaved edits"
ui_keys k
recovery_written
kill -9 "$(ui_studio_pid)"
ui_wait "fsstudio-exit=137"
ui_stop
ui_start 100 30 "$proj" .
ui_wait "Unsaved changes of FieldInspections from"
ui_keys y
ui_wait "FieldInspections [+]"
ui_keys q
ui_wait "save before quitting?"
ui_keys n
check "quitting without saving leaves the folder as it was" ui_wait "fsstudio-exit=0"
check "and drops the recovery file" sh -c "! ls '$state'/*.json >/dev/null 2>&1 && cd '$proj' && git diff --quiet"
ui_stop

# edits put back by undo: their recovery file goes too, nothing is offered
ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys Down End Enter
ui_type "var gone = 5;"
recovery_written
ui_keys C-z C-z C-z C-z C-z C-z C-z C-z C-z C-z
ui_wait_gone "FieldInspections [+]"
recovery_gone() {
	end=$(($(date +%s) + ui_deadline))
	while ls "$state"/*.json >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
check "edits put back: the recovery file is dropped" recovery_gone
ui_keys C-q
ui_wait_gone "Edit inspections"
ui_keys q
check "quits without asking" ui_wait "fsstudio-exit=0"
done_testing
