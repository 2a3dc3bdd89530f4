#!/bin/sh
# Editing from the studio: new view, rename, a property in place (a bad
# value refused in plain words), save and see the file change, $EDITOR,
# quit with unsaved changes, the recovery file after a kill.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 21

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
# the editor appends a line comment to the function it is given
cat > "$tap_tmp/editor.sh" <<'ED'
#!/bin/sh
printf '// edited by the test editor\n' >> "$1"
ED
chmod +x "$tap_tmp/editor.sh"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

# new view under the visits design document
ui_keys / ; ui_type visits; ui_keys Enter Escape
ui_wait_row 0 "inspections/visits "
ui_keys V
ui_wait "New view name:"
ui_type by_inspector; ui_keys Enter
check "the new view is selected" ui_wait_row 0 "inspections/visits/by_inspector"
check "unsaved changes show in the status line" ui_wait "[+] 1 unsaved"
check_eq "nothing written before a save" "" "$(cd "$proj" && git status --porcelain)"

# rename it
ui_keys r
ui_wait "Rename to:"
ui_keys C-u; ui_type by_tech; ui_keys Enter
check "renamed in the tree" ui_wait_row 0 "inspections/visits/by_tech"

# a bad name is refused and the prompt stays
ui_keys r C-u; ui_type "bad/name?"; ui_keys Enter
check "a refused rename says why" ui_wait "Not renamed:"
ui_keys Escape
ui_wait_gone "Rename to:"

# a property in place: the chunk of the SubmittedInspections listener
ui_keys / ; ui_type SubmittedIns; ui_keys Enter Escape
ui_wait_row 0 "inspections/SubmittedInspections"
ui_set_prop chunk many
check "a bad value is refused in plain words" ui_wait "chunk not changed:"
ui_keys C-u; ui_type "25"; ui_keys Enter
check "the new value is accepted" ui_wait "chunk set"
check "the sheet shows the new value" ui_grep '│chunk *25'
ui_keys Tab

# save: s writes, the file changes
ui_keys s
check "saved" ui_wait "Saved 1 project"
check "the view is in the file" grep -q '"by_tech"' "$conn"
check "the property is in the file" grep -q '^  chunk: 25' "$conn"
check_eq "only the connector file changed" " M _c8oProject/connectors/inspections.yaml" "$(cd "$proj" && git status --porcelain)"

# the external editor: E on a view edits its map function
ui_keys / ; ui_type by_tech; ui_keys Enter Escape
ui_wait_row 0 "visits/by_tech"
ui_keys E
check "the function came back from \$EDITOR" ui_wait "edited by the test editor"

# quit with unsaved changes asks; c cancels; n quits without saving
ui_keys q
check "quitting asks about unsaved changes" ui_wait "save before quitting?"
ui_keys c
ui_wait_gone "save before quitting?"
ui_keys q
ui_wait "save before quitting?"
ui_keys n
check "n quits without saving" ui_wait "fsstudio-exit=0"
check "the edit was not written" sh -c "! grep -q 'edited by the test editor' '$conn'"
ui_stop

# recovery: a change, the recovery file, a kill, the offer on next start
ui_sock="fstest-rec-$$"
UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
ui_keys / ; ui_type by_tech; ui_keys Enter Escape
ui_wait_row 0 "visits/by_tech"
ui_keys E
ui_wait "edited by the test editor"
state=$tap_tmp/home/.local/state/fsstudio
end=$(($(date +%s) + 10))
until ls "$state"/*.json >/dev/null 2>&1 || [ "$(date +%s)" -ge "$end" ]; do sleep 0.1; done
check "a recovery file is written a few seconds after the change" sh -c "ls '$state'/*.json >/dev/null 2>&1"
ui_tmux kill-server
ui_sock="fstest-rec2-$$"
ui_start 100 30 "$proj" .
ui_wait "restore them?"
ui_keys y
ui_wait "Recovered"
check "the recovered change is back, unsaved" ui_wait "FieldInspections [+]"
check "and not written before a save" sh -c "! grep -q 'edited by the test editor' '$conn'"
ui_keys s
ui_wait_gone "FieldInspections [+]"
check "a save writes it" grep -q 'edited by the test editor' "$conn"
ui_keys q
ui_wait "fsstudio-exit"
ui_stop

# SIGHUP (the terminal closed): the recovery file at once, even with a long delay
(cd "$proj" && git checkout -q -- .)
rm -f "$state"/*.json
mkdir -p "$tap_tmp/home3/.config/fsstudio"
echo "set recovery-delay = 600" > "$tap_tmp/home3/.config/fsstudio/config"
ui_sock="fstest-hup-$$"
UI_HOME=$tap_tmp/home3 UI_ENV="EDITOR=$tap_tmp/editor.sh" ui_start 100 30 "$proj" .
ui_wait "FieldInspections"
ui_keys / ; ui_type by_tech; ui_keys Enter Escape
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site"
ui_keys E
ui_wait "[+] 1 unsaved"
kill -HUP "$(ui_studio_pid)"
ui_wait "fsstudio-exit"
check "SIGHUP writes the recovery file before leaving" sh -c "ls '$tap_tmp/home3/.local/state/fsstudio/'*.json >/dev/null 2>&1"
done_testing
