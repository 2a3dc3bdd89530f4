#!/bin/sh
# Object operations from keys and from the context menu: new connector,
# design document, view (UTF-8 name), reduce and listener (targeting the
# selected view); copy and paste into another design document; delete with
# its question; every result saved and checked in the files.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 14

ui_start_sample

# new connector, design document, view with a UTF-8 name, reduce
ui_keys C
ui_wait "New connector name:"
ui_type "archive"; ui_keys Enter
check "new connector" ui_wait_row 0 "FieldInspections/archive "
ui_keys D
ui_wait "New design document name:"
ui_type "history"; ui_keys Enter
check "new design document in it" ui_wait_row 0 "archive/history "
ui_keys V
ui_wait "New view name:"
ui_type "par_année_年"; ui_keys Enter
check "new view with a UTF-8 name" ui_wait_row 0 "archive/history/par_année_年 "
ui_keys R
check "a reduce added to the view" ui_wait_row 0 "par_année_年/reduce"

# a listener made on a view targets it
ui_goto by_status "inspections/visits/by_status "
ui_keys L
ui_wait "New listener name:"
ui_type "OnStatus"; ui_keys Enter
ui_wait_row 0 "inspections/OnStatus "
check "the new listener targets the selected view" ui_wait "FieldInspections.inspections.visits.by_status"

# copy a view into another design document (the context menu pastes)
ui_goto by_site "inspections/visits/by_site "
ui_keys y
check "copy says what to do" ui_wait "select where it goes and press p"
ui_goto defects "inspections/defects "
ui_keys m
ui_wait "Actions"
check "the context menu lists paste with its key" ui_wait_re "Paste a copy under the selection *p"
ui_keys p
ui_wait "Name of the copy:"
ui_keys Enter
check "pasted under the other design document, its name kept (nothing clashes there)" \
	ui_wait_row 0 "inspections/defects/by_site "
ui_keys p
ui_wait "Name of the copy:"
ui_keys Enter
check "pasted again there: the name that clashes gets _copy" ui_wait_row 0 "inspections/defects/by_site_copy"

# delete asks first; n keeps, y deletes
ui_goto DeleteDefect "inspections/DeleteDefect "
ui_keys d
check "delete asks" ui_wait "Delete transaction 'DeleteDefect'?"
ui_keys n
ui_wait_gone "Delete transaction"
check "n keeps it" ui_wait "DeleteDefect"
ui_keys d
ui_wait "Delete transaction 'DeleteDefect'?"
ui_keys y
check "y deletes it" ui_wait_gone "DeleteDefect"

ui_keys s
ui_wait "Saved 1 project"
check "the files hold the new objects" sh -c "grep -q 'par_année_年' '$proj/_c8oProject/connectors/archive.yaml' && grep -q 'by_site_copy' '$conn'"
check "the deleted transaction is gone from its file" sh -c "! grep -q 'DeleteDefect' '$conn'"
done_testing
