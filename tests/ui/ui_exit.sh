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
# a server that takes connections and never answers
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' > "$tap_tmp/port" &
stuck_pid=$!
stop_stuck() { kill "$stuck_pid" 2>/dev/null; }
at_exit stop_stuck
until [ -s "$tap_tmp/port" ]; do sleep 0.05; done
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf '[stuck]\nurl = http://127.0.0.1:%s\n' "$(cat "$tap_tmp/port")" > "$tap_tmp/home/.config/fsstudio/servers"
chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
printf 'set recovery-delay = 60\n' > "$tap_tmp/home/.config/fsstudio/config"
# the studio under valgrind: exit status 9 when memory leaked
printf '#!/bin/sh\nexec valgrind -q --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=%s "%s" "$@"\n' \
	"$tap_tmp/vg.log" "$FS_BIN" > "$tap_tmp/vg.sh"
chmod +x "$tap_tmp/vg.sh"
real_bin=$FS_BIN
FS_BIN=$tap_tmp/vg.sh

studio_pid() { ps -o pid= --ppid "$(ui_tmux display -p -t ui '#{pane_pid}')" | head -1; }
# kill_and_time SIGNAL: sends it, prints the seconds until the exit shows
kill_and_time() {
	start=$(date +%s)
	kill -"$1" "$(studio_pid)"
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
