#!/bin/sh
# Leaving on SIGHUP while the browser waits on a server that never answers,
# under valgrind: the pending request's memory is freed (its completion
# callback never runs once the runner is freed), and so is a request that
# was cancelled and replaced before it finished; and a server chosen for
# a view while a request waits does not free the client under it.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v valgrind >/dev/null || plan_skip "valgrind is not installed"
command -v python3 >/dev/null || plan_skip "python3 is not installed"
plan 7

proj=$(ui_sample)
ui_deadline=40
ui_valgrind_stuck
hup() {
	kill -HUP "$(ui_studio_pid)"
	ui_wait "fsstudio-exit=" >/dev/null
}
# exited_ok: the studio's exit status was 0 (valgrind: 9 when memory leaked)
exited_ok() { ui_screen | grep -q "fsstudio-exit=0"; }

# one request pending on the stuck server
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys B
ui_wait "stuck"
ui_keys Enter
ui_wait "loading (Esc cancels)"
hup
check "SIGHUP during a request: memory freed, no leak (valgrind)" exited_ok
[ -s "$tap_tmp/vg.log" ] && sed 's/^/# /' "$tap_tmp/vg.log" | head -40
check "valgrind saw no error" test ! -s "$tap_tmp/vg.log"
ui_stop
rm -f "$tap_tmp/vg.log"

# two requests: the first cancelled (its worker still blocked) and replaced
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts again"; done_testing; }
ui_keys B
ui_wait "stuck"
ui_keys Enter
ui_wait "loading (Esc cancels)"
ui_keys Escape
ui_keys Enter
ui_wait "loading (Esc cancels)"
hup
check "SIGHUP with a cancelled request queued: no leak (valgrind)" exited_ok
[ -s "$tap_tmp/vg.log" ] && sed 's/^/# /' "$tap_tmp/vg.log" | head -40
check "valgrind saw no error" test ! -s "$tap_tmp/vg.log"
ui_stop
rm -f "$tap_tmp/vg.log"

# a view of the project run on a server while a request still waits: the
# client it uses is not freed under it (valgrind: no invalid read)
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts a third time"; done_testing; }
ui_keys B
ui_wait "stuck"
ui_keys Enter
ui_wait "loading (Esc cancels)"
ui_keys Tab / ; ui_type by_status; ui_keys Enter Escape
ui_keys X
ui_wait "Run the view on which server?"
ui_keys Enter
ui_wait "Query visits/by_status"
ui_keys Enter
ui_wait "loading (Esc cancels)"
hup
check "a server chosen while a request waits: no invalid access (valgrind)" exited_ok
[ -s "$tap_tmp/vg.log" ] && sed 's/^/# /' "$tap_tmp/vg.log" | head -40
check "valgrind saw no error" test ! -s "$tap_tmp/vg.log"
check "the real binary was run" test -x "$real_bin"
done_testing
