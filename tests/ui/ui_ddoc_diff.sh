#!/bin/sh
# The status pane's diff of a design document goes function by function:
# the function's name on its own line, then its JavaScript lines, not the
# document as escaped one-line JSON.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
command -v git >/dev/null || plan_skip "git is not installed"
plan 4

proj=$(ui_sample)
sed -i 's/emit(doc.status || \\"draft\\", 1);/emit(doc.status || \\"new\\", 1);/' \
	"$proj/_c8oProject/connectors/inspections.yaml"
ui_start 100 30 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys S
check "the status pane lists the design document" ui_wait "M designdoc   inspections/visits"
# the pane starts on the first change, the design document
ui_wait_row 0 " 2/"
ui_keys Enter
check "its diff names the function" ui_wait "views/by_status/map:"
check "and shows its JavaScript lines" ui_wait '-        emit(doc.status || "draft", 1);'
check "no escaped JSON line" ui_lacks '"map": "function'
done_testing
