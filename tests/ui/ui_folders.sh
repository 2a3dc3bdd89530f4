#!/bin/sh
# The tree in folders, as users think of a project: under a connector its
# design documents (open, with their view counts), listeners and transactions
# (closed, with counts); under the project its connectors, sequences and
# other beans. With 40 transactions per connector the first screen still
# shows every design document, at 80x24, 100x35 and 120x40.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 17

proj=$(ui_sample)
for c in inspections sites; do
	i=0
	while [ $i -lt 40 ]; do
		"$FS_BIN" new "$proj" "$c" transaction "Extra$i" >/dev/null || { echo "Bail out! new transaction"; exit 1; }
		i=$((i + 1))
	done
done
# two connectors of 18 and 5 design documents, as in the issue
i=0
while [ $i -lt 16 ]; do "$FS_BIN" new "$proj" inspections designdoc "dd$i" >/dev/null; i=$((i + 1)); done
i=0
while [ $i -lt 4 ]; do "$FS_BIN" new "$proj" sites designdoc "sd$i" >/dev/null; i=$((i + 1)); done
(cd "$proj" && git add -A && git commit -qm "big")

for size in "80 24" "100 35" "120 40"; do
	set -- $size
	ui_start "$1" "$2" "$proj" .
	ui_wait "FieldInspections" || { not_ok "$size: starts"; continue; }
	scr=$(ui_screen)
	if [ "$2" -ge 35 ]; then
		case $scr in *"Design documents (18)"*"Transactions (46)"*"sites"*"Design documents (5)"*)
			ok "$size: both connectors, folders with counts, on the first screen" ;;
		*) not_ok "$size: both connectors, folders with counts, on the first screen"
			printf '%s\n' "$scr" | sed 's/^/# /' ;; esac
		check_contains "$size: the second connector's design documents show" "sd3" "$scr"
	else
		# 18 design documents fill 80x24: the first connector's, before its transactions
		check_contains "$size: the design documents come first, in their folder" "Design documents (18)" "$scr"
		check_contains "$size: with their view counts" "visits  4 views" "$scr"
	fi
	ui_stop
done

ui_start 100 35 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
check "listeners are closed in their folder" ui_wait_re '▸ Listeners (2)'
# the last rows: Sequences (2), Other (1)
ui_keys G k
ui_wait_row 0 "33/34"
check "a folder row selects no object (the details are empty)" ui_poll "no details" ui_lacks "class     "
ui_keys d
check "delete on a folder deletes nothing" ui_lacks "Delete"
ui_keys Enter
check "Enter opens a folder" ui_wait "OnDefectChanged"
ui_keys j
check "its objects are below it" ui_wait_row 0 "FieldInspections/OnDefectChanged"
ui_keys u
check "u goes up to the folder" ui_poll "the folder row" ui_lacks "class     "
ui_keys Enter
check "Enter closes it again" ui_wait_gone "OnDefectChanged"
# a rename keeps an expanded view expanded
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "inspections/visits/by_site "
ui_keys l
ui_wait "▾ by_site"
ui_keys r
ui_wait "Rename to:"
ui_keys C-u; ui_type by_place; ui_keys Enter
ui_wait_row 0 "inspections/visits/by_place"
check "a renamed view stays expanded" ui_wait "▾ by_place"
# a delete leaves the cursor on the next object of its kind, not the connector
ui_keys / ; ui_type DefectChanges; ui_keys Enter Escape
ui_wait_row 0 "inspections/DefectChanges"
ui_keys d
ui_wait "Delete"
ui_keys y
check "after a delete the cursor is on the next listener" ui_wait_row 0 "inspections/SubmittedInspections"
ui_keys / ; ui_type Extra39; ui_keys Enter Escape
check "the filter finds a transaction inside a closed folder" ui_wait_row 0 "inspections/Extra39"
ui_keys u
check "and opens its folder (u goes up to it)" ui_wait "▾ Transactions (46)"
ui_stop
done_testing
