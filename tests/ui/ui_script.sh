#!/bin/sh
# Scripted mode (as tig's test mode): keys from FSSTUDIO_TEST_KEYS, a virtual
# screen of FSSTUDIO_TEST_SIZE, the screen printed as text at the end.
. "$FS_SRCDIR/tests/lib/tap.sh"
[ -x "$FS_BIN" ] || plan_skip "no fsstudio binary"
[ -f "$FS_SRCDIR/projects/sample/c8oProject.yaml" ] || plan_skip "projects/sample is missing"
plan 7

proj=$tap_tmp/sample
cp -R "$FS_SRCDIR/projects/sample" "$proj"
run() {
	(cd "$proj" && env HOME="$tap_tmp/home" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		FSSTUDIO_TEST_SIZE="$1" FSSTUDIO_TEST_KEYS="$2" "$FS_BIN" .)
}

expected='Project                 9/20 FieldInspections/…/CountByStatus     1/11
▾ FieldInspections          │transaction    CountByStatus
  ▾ Connectors (2)          │class          transactions.couchdb.GetV…
    ▾ inspections           │file           _c8oProject/connectors/in…
      ▾ Design documents (2)│Target
        ▸ visits  4 views   │view           FieldInspections/inspecti…'
check_eq "down to the transactions folder, open it, one down: the transaction and its target" \
	"$expected" "$(run 70x16 'jjjjjjjlj' | head -6)"



bad=""
for size in 1x1 5x2 10x3 3x10 200x2; do
	run "$size" 'jj?<Esc>m<Esc>/x<Enter>S<Esc>e<Esc>' >/dev/null 2>&1 || bad="$bad $size"
done
check_eq "tiny screens: no crash with panes, help, menu, filter, editor" "" "$bad"
echo "set line-graphics = ascii" > "$tap_tmp/ascii.rc"
out=$(cd "$proj" && env HOME="$tap_tmp/home" LANG=C.UTF-8 FSSTUDIO_CONFIG="$tap_tmp/ascii.rc" \
	FSSTUDIO_TEST_SIZE=80x24 FSSTUDIO_TEST_KEYS= "$FS_BIN" . | sed -n 2p)
check_contains "set line-graphics = ascii: ASCII tree markers" "- FieldInspections" "$out"
out=$(run 80x24 '/score<Enter>')
check_contains "filter by typing" "▾ score_stats" "$out"
out=$(run 80x24 '?G')
check_contains "help ends with the options" "recovery-delay" "$out"
cat > "$tap_tmp/keys" <<'KEYS'
# to the score_stats view, then its details
/score<Enter>
<Esc>
KEYS
out=$(cd "$proj" && env HOME="$tap_tmp/home" LANG=C.UTF-8 LC_ALL=C.UTF-8 FSSTUDIO_TEST_SIZE=80x24 \
	FSSTUDIO_TEST_SCRIPT="$tap_tmp/keys" "$FS_BIN" . | head -1)
check_contains "keys from a script file" "/visits/score_stats" "$out"
out=$(run 80x24 'jjm')
check_contains "the context menu lists actions with their keys" "Rename the selected object" "$out"
done_testing
