#!/bin/sh
# Leaving on a signal (the terminal closed: SIGHUP; SIGTERM): the recovery
# file is written, then the panes are closed and their memory freed (run
# under valgrind: no leak), at once even while a deploy waits on a server
# that never answers, or while only the deploy's server menu was shown.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v valgrind >/dev/null || plan_skip "valgrind is not installed"
command -v python3 >/dev/null || plan_skip "python3 is not installed"
plan 8

proj=$(ui_sample)
state=$tap_tmp/home/.local/state/fsstudio
ui_deadline=40
ui_valgrind_stuck
# kill_and_time SIGNAL: sends it, prints the seconds until the exit shows
kill_and_time() {
	start=$(date +%s)
	kill -"$1" "$(ui_studio_pid)"
	ui_wait "fsstudio-exit=" >/dev/null
	echo $(($(date +%s) - start))
}

# SIGHUP with unsaved edits and a deploy plan waiting on the server
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys Down End Enter
ui_type "var kept = 1;"
ui_keys C-q
ui_wait "Unsaved edits"
ui_keys k
ui_wait "FieldInspections [+]"
ui_keys P
ui_wait "Deploy to which server?"
ui_keys Enter
ui_wait "Deploy which connectors?"
ui_keys Enter
ui_wait_row 0 "to stuck"
secs=$(kill_and_time HUP)
check "SIGHUP: the studio leaves at once, though a deploy waits (${secs}s)" test "$secs" -le 5
check "SIGHUP: memory freed, no leak (valgrind)" ui_wait "fsstudio-exit=0"
check "SIGHUP: the recovery file is written" sh -c "ls '$state'/*.json >/dev/null 2>&1"
check "nothing reached the project file" sh -c "! grep -q 'var kept' '$proj/_c8oProject/connectors/inspections.yaml'"
[ -s "$tap_tmp/vg.log" ] && sed 's/^/# /' "$tap_tmp/vg.log" | head -40
ui_stop
rm -f "$state"/*.json "$tap_tmp/vg.log"

# SIGTERM while the deploy's server menu shows (its pane never opened)
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts again"; done_testing; }
ui_keys H
ui_wait "History"
ui_keys P
ui_wait "Deploy to which server?"
secs=$(kill_and_time TERM)
check "SIGTERM: the studio leaves at once (${secs}s)" test "$secs" -le 5
check "SIGTERM: memory freed, no leak (valgrind)" ui_wait "fsstudio-exit=0"
[ -s "$tap_tmp/vg.log" ] && sed 's/^/# /' "$tap_tmp/vg.log" | head -40
check "valgrind saw no error" test ! -s "$tap_tmp/vg.log"
check "the real binary was run" test -x "$real_bin"
done_testing
