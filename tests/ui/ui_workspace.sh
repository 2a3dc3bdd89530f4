#!/bin/sh
# A workspace of several projects (issue 16): the first frame shows them
# closed, from their c8oProject.yaml's head alone; expanding one reads it in
# the background; the filter reads the others and finds what they hold; a
# broken project says why on its row and the others go on; an action on a
# project not read yet reads it first; an edit is saved when quitting.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 28

ws=$tap_tmp/ws
mkdir -p "$ws"
for p in alpha beta broken delta gamma; do
	cp -R "$FS_SRCDIR/projects/sample" "$ws/$p" || { echo "Bail out! copy"; exit 1; }
	name=$(printf '%s' "$p" | sed 's/^./\U&/')
	sed -i "2s/FieldInspections/$name/" "$ws/$p/c8oProject.yaml"
done
"$FS_BIN" new "$ws/beta" inspections designdoc uniquebeta >/dev/null || { echo "Bail out! new"; exit 1; }
# a tab in the indentation of a connector's file: found only when it is read
printf '\tbad: 1\n' >> "$ws/broken/_c8oProject/connectors/sites.yaml"
# a listener of Alpha whose view is in Delta
sed -i 's/targetView: FieldInspections\./targetView: Delta./' "$ws/alpha/_c8oProject/connectors/inspections.yaml"
cp "$ws/alpha/c8oProject.yaml" "$tap_tmp/alpha.before"
(cd "$ws" && git init -q && git config user.name test && git config user.email test@example.com && \
	git add -A && git commit -qm workspace) >/dev/null || { echo "Bail out! git"; exit 1; }

ui_start 100 30 "$ws" .
ui_wait "Gamma" || { not_ok "the workspace starts"; done_testing; }
check_eq "the first frame shows the five projects closed" "5" "$(ui_screen | grep -c '^▸ ')"
check "nothing of them is read: no connector shows" ui_lacks "inspections"
check "the details say Alpha is not read yet" ui_wait "Not read yet: Enter reads it"

# expanding one reads it: its rows come
ui_keys Enter
check "expanding Alpha reads it: its connectors show" ui_wait "Connectors (2)"
check "Alpha shows open" ui_wait_row 1 "▾ Alpha"
check_eq "the others stay closed" "4" "$(ui_screen | grep -c '^▸ ')"

# an action on a project not read yet reads it first, then runs
ui_keys End
check "the last row is Gamma's, not read yet" ui_wait "project   Gamma"
ui_keys C
check "new-connector on Gamma waits for its read, then asks" ui_wait "New connector name"
ui_type extraconn
ui_keys Enter
check "the new connector shows in Gamma" ui_wait "extraconn"
check "Gamma is unsaved" ui_wait "Gamma [+]"

# the filter reads the projects not read yet and finds what they hold
ui_keys /
ui_type uniquebeta
ui_keys Enter
check "the filter finds a design document of Beta, not read before" ui_wait "uniquebeta"
check "the broken project says why on its row" ui_wait "Broken (not loaded:"
ui_keys Escape
check "Esc clears the filter" ui_wait_gone "Workspace /uniquebeta"
check "the other projects are still there" ui_wait "Gamma [+]"

# expanding the broken project tries again, and says why in full
ui_keys /
ui_type Broken
ui_keys Enter Right
check "reading Broken again fails on the message line" ui_wait_re "Broken not loaded: .*sites.yaml:"
ui_keys Escape

# quitting with a save writes the edit, and nothing else
ui_keys q
ui_wait "save before quitting"
ui_keys y
check "the studio leaves after the save" ui_wait "fsstudio-exit=0"
check "the new connector is in Gamma's file" grep -q "extraconn" "$ws/gamma/c8oProject.yaml"
check "Alpha, read but not edited, is unchanged" cmp -s "$tap_tmp/alpha.before" "$ws/alpha/c8oProject.yaml"
ui_stop

# goto-target to a project not read yet: the projects are read, then it goes
ui_sock="fstest-ws2-$$"
ui_start 100 30 "$ws" .
ui_wait "Gamma"
ui_keys Enter
ui_wait "Connectors (2)"
ui_keys Down Down Right
ui_wait "Listeners (2)"
ui_keys Down Down Down Down Right Down Down
check "the listener targeting Delta is selected" ui_wait "Alpha/inspections/SubmittedInspections"
ui_keys t
check "goto-target reads Delta and lands on its view" ui_wait "Delta/inspections/visits/submitted"
# a project read in the background is watched, and has its git status
sed -i 's/^  version: 1.0.0/  version: 1.0.1/' "$ws/alpha/c8oProject.yaml"
check "an outside change to Alpha, read late, is seen" ui_wait "c8oProject.yaml changed outside"
ui_keys S
check "the git status shows Alpha's change" ui_wait "M project"
check "a project not read says so in the status" ui_wait "not read yet"
ui_keys q
ui_wait_gone "not read yet"
ui_keys q
check "the studio leaves" ui_wait "fsstudio-exit=0"
ui_stop

# unsaved edits of a project read late: the recovery file brings them back,
# its project read at start to offer them
ui_sock="fstest-ws3-$$"
ui_start 100 30 "$ws" .
ui_wait "Gamma"
ui_keys End C
ui_wait "New connector name"
ui_type recov
ui_keys Enter
ui_wait "recov"
kill -HUP "$(ui_studio_pid)"
check "a hang-up leaves" ui_wait "fsstudio-exit"
ui_stop
ui_sock="fstest-ws4-$$"
ui_start 100 30 "$ws" .
check "the next start offers Gamma's unsaved edits" ui_wait_re "Unsaved changes of Gamma .*restore them"
ui_keys y
check "restored, the new connector shows" ui_wait "recov"
ui_keys q
ui_wait "save before quitting"
ui_keys y
ui_wait "fsstudio-exit"
check "saved, it is in Gamma's file" grep -q "recov" "$ws/gamma/c8oProject.yaml"
ui_stop
done_testing
