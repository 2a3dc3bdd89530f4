#!/bin/sh
# Undo and redo of tree operations (issue 14): new, rename, delete,
# copy+paste and a property change are each done, undone (the object back,
# the message line naming the operation, the selection on it) and redone;
# an undo after a save brings the old state back as an unsaved change, and
# a save writes it.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 29

ui_start_sample
# the tree's rows (left of the separator, above the status and message
# lines) show TEXT
tree_has() { ui_screen | head -n -2 | sed 's/│.*//' | grep -q -- "$1"; }
tree_lacks() { ! tree_has "$1"; }

ui_keys C-z
check "nothing to undo at first" ui_wait "Nothing to undo"

# new
ui_goto visits "inspections/visits "
ui_keys V
ui_wait "New view name:"
ui_type by_inspector; ui_keys Enter
ui_wait_row 0 "inspections/visits/by_inspector"
ui_keys C-z
check "undo new: named" ui_wait "Undone: new view by_inspector"
check "undo new: the view is gone, its design document selected" ui_wait_row 0 "inspections/visits "
check "undo new: not in the tree" ui_poll "for by_inspector to leave the tree" tree_lacks "▸ by_inspector"
ui_keys C-y
check "redo new: named" ui_wait "Redone: new view by_inspector"
check "redo new: the view is back, selected" ui_wait_row 0 "inspections/visits/by_inspector"

# rename
ui_keys r
ui_wait "Rename to:"
ui_keys C-u; ui_type by_tech; ui_keys Enter
ui_wait_row 0 "inspections/visits/by_tech"
ui_keys C-z
check "undo rename: named" ui_wait "Undone: rename view by_inspector → by_tech"
check "undo rename: the old name is back, selected" ui_wait_row 0 "inspections/visits/by_inspector"
ui_keys C-y
check "redo rename" ui_wait_row 0 "inspections/visits/by_tech"

# delete
ui_goto DeleteDefect "inspections/DeleteDefect "
ui_keys d
ui_wait "Delete transaction 'DeleteDefect'?"
ui_keys y
ui_poll "for the delete" tree_lacks DeleteDefect
ui_keys C-z
check "undo delete: named" ui_wait "Undone: delete transaction DeleteDefect"
check "undo delete: the transaction is back, selected" ui_wait_row 0 "inspections/DeleteDefect "
ui_keys C-y
check "redo delete: named" ui_wait "Redone: delete transaction DeleteDefect"
check "redo delete: gone again" ui_poll "for DeleteDefect to leave the tree" tree_lacks DeleteDefect

# copy + paste
ui_goto by_site "inspections/visits/by_site "
ui_keys y
ui_wait "select where it goes"
ui_goto defects "inspections/defects "
ui_keys p
ui_wait "Name of the copy:"
ui_keys C-u; ui_type by_site_copy; ui_keys Enter
ui_wait_row 0 "inspections/defects/by_site_copy"
ui_keys C-z
check "undo paste: named" ui_wait "Undone: paste view by_site as by_site_copy"
check "undo paste: the copy is gone" ui_wait_row 0 "inspections/defects "
ui_keys C-y
check "redo paste" ui_wait_row 0 "inspections/defects/by_site_copy"

# a property, in place in the details
ui_goto SubmittedIns "inspections/SubmittedInspections"
ui_set_prop chunk 25
ui_wait "chunk set"
ui_keys C-z
check "undo property: named" ui_wait "Undone: set chunk of listener SubmittedInspections"
check "undo property: the old value is back" ui_wait_re '│chunk *20'
ui_keys C-y
check "redo property" ui_wait_re '│chunk *25'
ui_keys Tab

# saved, then undone: the old state comes back unsaved, and a save writes it
ui_keys s
ui_wait "Saved 1 project"
check "the save wrote the operations" sh -c "grep -q '^  chunk: 25' '$conn' && grep -q by_site_copy '$conn' && ! grep -q DeleteDefect '$conn'"
ui_keys C-z
ui_wait "Undone: set chunk"
ui_keys C-z
ui_wait "Undone: paste view"
ui_keys C-z
check "undo after a save: named" ui_wait "Undone: delete transaction DeleteDefect"
check "undo after a save: the transaction is back" ui_wait_row 0 "inspections/DeleteDefect "
check "undo after a save: shown unsaved" ui_wait "[+] 1 unsaved"
check "undo after a save: nothing written yet" grep -q by_site_copy "$conn"
# the undos are edits of the log: a change made outside meanwhile reads the
# project again and re-applies them (the deleted transaction comes back from
# the undo's own copy of the project, the disk no longer has it)
sed -i 's/^comment: Reference data/comment: Shared data/' "$proj/_c8oProject/connectors/sites.yaml"
check "an outside change re-applies the undos" ui_wait "read again, 3 unsaved edits re-applied"
check "the transaction is still back" ui_poll "for DeleteDefect in the tree" tree_has DeleteDefect
ui_keys s
ui_wait "Saved 1 project"
check "the save wrote the undone state" sh -c "grep -q '^  chunk: 20' '$conn' && ! grep -q by_site_copy '$conn' && grep -q 'DeleteDefect' '$conn'"
check "the outside change is kept" grep -q '^comment: Shared data' "$proj/_c8oProject/connectors/sites.yaml"
check "the file is as it was, byte for byte, but for the view left made" \
	sh -c "cd '$proj' && git diff _c8oProject/connectors/inspections.yaml > '$tap_tmp/d' && grep -q '^+.*by_tech' '$tap_tmp/d' && ! grep -q '^-[^-]' '$tap_tmp/d'"
done_testing
