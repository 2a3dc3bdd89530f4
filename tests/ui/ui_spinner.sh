#!/bin/sh
# Against a server that never answers, the browser's spinner turns on its
# own (no key pressed) and Esc cancels the request.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 2

proj=$(ui_sample)
ui_valgrind_stuck          # the stuck server and its profile
FS_BIN=$real_bin           # this test needs no valgrind
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys B
ui_wait "stuck"
ui_keys Enter
ui_wait "loading (Esc cancels)"
# the spinner's glyphs, sampled without a key until three differ (a loaded
# machine samples slowly: ui_poll's deadline bounds it)
seen=""
three_glyphs() {
	c=$(ui_screen | grep -o '. loading (Esc' | cut -c1)
	case $seen in *"$c"*) ;; *) seen="$seen$c" ;; esac
	[ "${#seen}" -ge 3 ]
}
check "the spinner turns without a key" ui_poll "three spinner glyphs" three_glyphs
ui_keys Escape
check "Esc cancels the request" ui_wait "Cancelled"
done_testing
