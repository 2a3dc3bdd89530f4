#!/bin/sh
# A design document's diff (status, diff, log -p, and the studio's status and
# history panes, which show the same text) goes function by function: each
# member under its own "views/NAME/map:" line, a function as JavaScript
# lines, never the whole document as escaped one-line JSON.
. "$FS_SRCDIR/tests/lib/tap.sh"
plan 7

w=$tap_tmp/sample
cp -R "$FS_SRCDIR/projects/sample" "$w"
(cd "$w" && git init -q && git config user.name test && git config user.email test@example.com &&
	git add -A && git commit -qm sample) || { not_ok "a git repository"; done_testing; }
conn=$w/_c8oProject/connectors/inspections.yaml
sed -i 's/emit(doc.status || \\"draft\\", 1);/emit(doc.status || \\"new\\", 1);/' "$conn"

out=$("$FS_BIN" diff "$w" inspections/visits 2>&1)
check_contains "the function is named above its lines" "views/by_status/map:" "$out"
check_contains "the removed line is JavaScript" '-        emit(doc.status || "draft", 1);' "$out"
check_contains "the added line too" '+        emit(doc.status || "new", 1);' "$out"
check "no escaped JSON line" sh -c "! printf '%s' \"\$1\" | grep -q '\"map\": \"function'" - "$out"
check "no escaped newline" sh -c "! printf '%s' \"\$1\" | grep -qF '\\n'" - "$out"

(cd "$w" && git commit -qam "by_status: new") || { not_ok "a commit"; done_testing; }
out=$("$FS_BIN" log "$w" inspections/visits -n 1 -p 2>&1)
check_contains "log -p shows the function's lines" '+        emit(doc.status || "new", 1);' "$out"
check_contains "a value that is no function on one line" ' views/by_status/reduce: "_sum"' "$out"
done_testing
