#!/bin/sh
# A design document refused for a syntax error, in the deploy pane at 80
# columns: its row says why in full, wrapped (the function, the line and
# the column), and Enter on it opens that function in the editor with the
# cursor on the error.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
couch_start || plan_skip "pouchdb-server is not installed"
plan 9

proj=$(ui_sample)
# by_site's map loses the ')' of its if: line 2, column 46
sed -i 's/doc.type === \\"inspection\\" \&\& doc.site) {/doc.type === \\"inspection\\" \&\& doc.site {/' \
	"$proj/_c8oProject/connectors/inspections.yaml"
mkdir -p "$tap_tmp/home/.config/fsstudio"
printf '[test]\nurl = %s\n' "$COUCH_URL" > "$tap_tmp/home/.config/fsstudio/servers"
chmod 600 "$tap_tmp/home/.config/fsstudio/servers"
ui_start 80 24 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

ui_deploy_to
check "the plan refuses the document" ui_wait "refused    _design/visits:"
check "its row names the function in full" ui_wait "function inspections/visits/by_site/map,"
check "with the line, the column and the error" ui_wait "line 2, column 46: missing ')'"
check "and says Enter edits it there" ui_wait "Enter: edit it at 2:46"
check "nothing of the plan is cut" ui_lacks "…"
# the rows wrap again to a wider pane
ui_resize 120 40
check "wider, the reason takes fewer lines" ui_wait_re "function inspections/visits/by_site/map, line 2, column 46"
ui_resize 80 24
ui_wait "Enter: edit it at 2:46"

# Enter on a continuation line of the row: the editor at the error
ui_keys j j j j Enter
check "Enter opens the function in the editor" ui_wait_row 0 "Edit inspections/visits/by_site/map"
check "on line 2 of 5" ui_wait_re "^Project.*Edit .* 2/5 *$"
pos=$(ui_tmux display -p -t ui '#{cursor_x} #{cursor_y}')
x=${pos% *} y=${pos#* }
[ "$x" -ge 4 ] && around=$(ui_row "$y" | LC_ALL=C.UTF-8 sed -n "s/^.\{$((x - 4))\}\(.\{6\}\).*/\1/p")
check "the cursor is on the error, where the ')' is missing" test "$around" = "site {"
done_testing
