#!/bin/sh
# CRLF line ends (C8oForms writes them everywhere): the preview of a function,
# the status diff and the history show the text, never a '?' at each line end.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 3

proj=$(ui_sample)
conn=$proj/_c8oProject/connectors/inspections.yaml
# by_site's map with \r\n line ends (in the docdata JSON: \r\n)
awk '/^          "by_site": \{$/ { f = 1 } f && /\\n$/ { sub(/\\n$/, "\\r\\n"); }
	f && /^            \}/ { f = 0 } { print }' "$conn" >"$conn.new" && mv "$conn.new" "$conn"
grep -q 'function (doc) {\\r\\n$' "$conn" || { echo "Bail out! no CRLF map made"; exit 1; }

ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
check "the preview shows the CRLF map" ui_wait "emit([doc.site, doc.date]"
check "no '?' at the ends of its lines" ui_lacks "{?"
check_eq "the preview's first line ends at the brace" "" \
	"$(ui_screen | grep -o 'function (doc) {.' | head -1)"
done_testing
